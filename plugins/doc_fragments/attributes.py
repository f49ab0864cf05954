# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The attributes every module documents (DOCUMENTATION), and the support of each kind of module: one that
    only reads (INFO_MODULE), one that writes through the API (WRITE_MODULE), one that writes a local file
    (LOCAL_FILE). A module adds its own details under its own attributes."""

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return a changed status prediction without sending any write.
  diff_mode:
    description: Returns the state before and after (or what would change in C(check_mode)), secrets masked.
  action:
    description:
      - Runs in the worker process of the controller when the task's connection is C(local), else as a module
        process; the variable C(edgegrid_access_in_process=false) makes it a module process everywhere.
      - On an ansible-core the in-process runner was not verified on, or when an ansible-core internal it needs is
        missing or has changed, it runs as a module process, never fails for it, and says why at C(-v).
        See the collection's README, "Where the modules run".
    support: full
  action_group:
    description: Use C(group/edgegrid.access.akamai) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - edgegrid.access.akamai
'''

    # The support of a module that only reads: extends_documentation_fragment edgegrid.access.attributes.info_module
    # (with edgegrid.access.attributes, which describes the attributes).
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details: Reads only; nothing is created, changed or deleted.
  diff_mode:
    support: N/A
    details: Reads only.
'''

    # The support of a module that converges an Akamai resource through the API:
    # edgegrid.access.attributes.write_module. A module adds its own details under its own attributes.
    WRITE_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details: Reads are sent in check mode; no write is sent, and the task says whether it would change anything.
  diff_mode:
    support: full
'''

    # The support of a module that writes a local file and talks to no API: edgegrid.access.attributes.local_file,
    # named before edgegrid.access.attributes (of two fragments, the first named sets an attribute's support).
    LOCAL_FILE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details: Nothing is written in check mode; the change is predicted exactly.
  diff_mode:
    support: full
  action_group:
    support: none
    details: This module talks to no API; it takes no auth options and is not in the action group.
    membership: []
'''
