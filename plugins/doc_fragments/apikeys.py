# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The API version option of the API Keys and Traffic Management modules (DOCUMENTATION), and the filters of
    the modules that list collections or counters (INFO_FILTERS), the contract and group of the ones that create
    them (CONTRACT_GROUP)."""

    DOCUMENTATION = r'''
options:
  api_version:
    description:
      - The version of the API Keys and Traffic Management API to speak.
      - Akamai decommissioned V(v1) on 2025-04-30; it remains for tools and emulators that still serve it.
      - The options are the same in both, except where an option says it is for one version only.
    type: str
    choices: [v2, v1]
    default: v2
'''

    # The filters of the modules that list collections or counters (api_key_collection_info,
    # throttling_counter_info): edgegrid.access.apikeys.info_filters. Each compares the field of the same name of
    # what is listed, as the module returns it.
    INFO_FILTERS = r'''
options:
  name:
    description:
      - Only the ones with exactly this name.
    type: str
  id:
    description:
      - Only the one with this id. An id the account does not have fails the task.
    type: int
  contract_id:
    description:
      - Only the ones of this contract, for example V(C-1EMU001).
    type: str
  group_id:
    description:
      - Only the ones of this group.
    type: int
'''

    # The contract and group of what api_key_collection and throttling_counter create:
    # edgegrid.access.apikeys.contract_group.
    CONTRACT_GROUP = r'''
options:
  contract_id:
    description:
      - The contract to create in, for example V(C-1EMU001). Needed to create; narrows the search by O(name). It
        cannot be changed once created.
      - Not checked before the create. API Keys has no read that lists the contracts (or the groups) a client may
        use, so a contract it does not know is refused by the API's answer to the create (its problem details are
        shown), and nothing is created.
    type: str
  group_id:
    description:
      - The group to create in. Needed to create; narrows the search by O(name). It cannot be changed once created.
      - Not checked before the create, like O(contract_id). A group the API does not know is refused by its answer
        to the create, and nothing is created.
    type: int
'''
