#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: edgekv_token_info
short_description: List EdgeKV access tokens, or read one
version_added: 0.1.0
description:
  - Lists the EdgeKV access tokens of the account, with their activation status and refresh dates, or reads
    one token by name with its permissions.
  - The API never returns token values.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of one token to read. Without it, every token is listed.
      - A token that does not exist gives an empty list. An expired token is listed (with C(expired=true)) only
        with O(include_expired=true).
    type: str
  include_expired:
    description:
      - Also list tokens that have expired (the API keeps them for 30 days after their expiry).
    type: bool
    default: false
  details:
    description:
      - When listing, also read each token for its permissions, networks and EdgeWorker ids (one request per
        token; at most four at once). Expired tokens cannot be read and keep their summary.
      - A token read by O(name) always has them.
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
seealso:
  - module: edgegrid.access.edgekv_token
'''

EXAMPLES = r'''
- name: List the EdgeKV tokens of the account
  edgegrid.access.edgekv_token_info:
  register: tokens

- name: Show the tokens whose refresh is still propagating
  ansible.builtin.debug:
    msg: "{{ tokens.edgekv_tokens | selectattr('token_activation_status', 'eq', 'IN_PROGRESS') | map(attribute='name') }}"

- name: Read one token with its permissions
  edgegrid.access.edgekv_token_info:
    name: catalog_prod
  register: catalog

- name: List every token, expired ones included, with their permissions
  edgegrid.access.edgekv_token_info:
    include_expired: true
    details: true
'''

RETURN = r'''
edgekv_tokens:
  description:
    - The tokens, sorted by name. Empty when there is none (or when O(name) does not exist).
    - Each as M(edgegrid.access.edgekv_token) returns one in RV(edgegrid.access.edgekv_token#module:edgekv_token),
      with RV(edgekv_tokens[].expired); C(cpcode), C(namespace_permissions), C(allow_on_staging),
      C(allow_on_production) and C(edgeworker_ids) only with O(name) or O(details) (the listing does not give them).
    - The API never returns token values.
  returned: always
  type: list
  elements: dict
  contains:
    expired:
      description: Whether the token has expired (listed only with O(include_expired=true)).
      type: bool
      sample: false
  sample:
    - name: catalog_prod
      uuid: fa3a7ae0-1b0c-45c7-adc3-f0638c6b7466
      expiry: '9999-12-31'
      auto_refresh: true
      expired: false
      token_activation_status: COMPLETE
      issue_date: '2026-11-24'
      latest_refresh_date: null
      next_scheduled_refresh_date: '2027-01-24'
      cpcode: '1234567'
      namespace_permissions: {"default": ["r", "w"]}
      allow_on_staging: true
      allow_on_production: true
      edgeworker_ids: []
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _edgekv
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            name=dict(type='str'),
            include_expired=dict(type='bool', default=False),
            details=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.execute(run, module)


def run(module):
    """Check the input, read the tokens and exit; an error escapes to module.execute, which fails the task."""
    params = module.params
    if params['name'] is not None:
        _edgekv.check_name(params['name'])  # before the client is made: a bad name fails before the credentials
    tokens = read_tokens(_edgekv.Tokens(module.client), params['name'], params['include_expired'], params['details'])
    module.exit_json(changed=False, edgekv_tokens=tokens)


def read_tokens(tokens, name, include_expired, details):
    """The tokens to return, sorted by name, each with `expired`; `tokens`: an _edgekv.Tokens."""
    if name is not None:
        state, token = tokens.get(name)
        if state == 'present':
            return [dict(token, expired=False)]
        if state == 'expired' and include_expired:
            return [dict(t, expired=True) for t in tokens.list(include_expired=True) if t.get('name') == name]
        return []
    listed = tokens.listing(include_expired)
    # Each active token's details, side by side; a token gone since the listing keeps its summary.
    wanted = [index for index, token in enumerate(listed) if details and not token['expired']]
    for index, (state, full) in zip(wanted, tokens.get_many([listed[index]['name'] for index in wanted])):
        if state == 'present':
            listed[index] = dict(full, expired=False)
        else:
            listed[index] = dict(listed[index], expired=state == 'expired')
    return sorted(listed, key=lambda t: t.get('name') or '')


if __name__ == '__main__':
    main()
