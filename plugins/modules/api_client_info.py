#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_client_info
short_description: List Akamai API clients, or get one with its APIs and groups
version_added: 0.1.0
description:
  - Lists the API clients of the account through the Identity and Access Management API v3, or gets one (by
    O(client_id) or O(name)) with the APIs it may call, its access level on each, and its groups.
  - Never returns an access token or a client secret.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  client_id:
    description:
      - Only this API client, by its client ID (V(self) is the one that signs the request). A client ID that does
        not exist is an error.
      - Mutually exclusive with O(name).
    type: str
  name:
    description:
      - Only the API clients with this name (C(clientName)); none is an empty list.
      - Mutually exclusive with O(client_id).
    type: str
  details:
    description:
      - Also read the APIs, groups and IP restriction of each API client listed (one request per API client;
        at most four at once).
      - Always done with O(client_id) or O(name).
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
seealso:
  - module: edgegrid.access.api_client
  - module: edgegrid.access.api_credential_info
'''

EXAMPLES = r'''
- name: List the API clients of the account
  edgegrid.access.api_client_info:
  register: clients

- name: One API client, with its APIs and groups
  edgegrid.access.api_client_info:
    name: ci-api-keys
  register: ci

- name: Which APIs may it write to?
  ansible.builtin.debug:
    msg: "{{ ci.api_clients[0].apis | selectattr('access_level', '==', 'READ-WRITE') | map(attribute='name') }}"

- name: The API client that signs the request, in the second account
  edgegrid.access.api_client_info:
    client_id: self
    account_switch_key: 1-ABCDE:1-2FGHI
'''

RETURN = r'''
api_clients:
  description:
    - The API clients that match, as M(edgegrid.access.api_client) returns one under C(api_client).
    - C(apis), C(all_apis), C(groups), C(clone_authorized_user_groups), C(ip_acl) and C(base_url) only with
      O(client_id), O(name) or O(details).
  returned: always
  type: list
  elements: dict
  sample:
    - client_id: k3qx5ujmzhzbttfk
      name: ci-api-keys
      description: CI pipeline for API keys and EdgeKV tokens
      client_type: CLIENT
      authorized_users: [jsmith]
      notification_emails: [platform@example.com]
      allow_account_switch: false
      can_auto_create_credential: false
      is_locked: false
      active_credential_count: 1
      all_apis: false
      apis:
        - {api_id: 1002, name: API Keys and Traffic Management, endpoint: /apikey-manager-api,
           access_level: READ-WRITE}
      clone_authorized_user_groups: false
      groups:
        - {group_id: 10001, group_name: Example, role_id: 1, role_name: Admin, is_blocked: false}
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _iam
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, InputError


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            client_id=dict(type='str'),
            name=dict(type='str'),
            details=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('client_id', 'name')],
    )
    module.execute(run, module)


def run(module):
    params = module.params
    _iam.check_client_id(params['client_id'])
    api = _iam.ApiClients(module.client)
    if params['client_id']:
        found = api.get(params['client_id'])
        if found is None:
            raise InputError('API client %s does not exist (or is not in this account)' % params['client_id'])
        clients = [found]
    else:
        listing = api.list()
        if params['name'] is not None:
            listing = [item for item in listing if item.get('name') == params['name']]
        if params['name'] is not None or params['details']:
            # Each client's details, side by side (at most _client.PARALLEL_READS at once); None: deleted between
            # the listing and the read.
            clients = [found for found in api.get_many([item['client_id'] for item in listing]) if found is not None]
        else:
            clients = listing
    module.exit_json(changed=False, api_clients=clients)


if __name__ == '__main__':
    main()
