#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_key_collection_info
short_description: List Akamai API key collections, their quota, ACL and usable endpoints
version_added: 0.1.0
description:
  - Lists the key collections of Akamai API Keys and Traffic Management, or one collection by O(name) or O(id).
  - With O(endpoints=true), adds the API endpoints of each collection's contract and group, with the ACL entry of
    every endpoint, resource and method (what O(edgegrid.access.api_key_collection#module:acl) takes).
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  details:
    description:
      - Read the ACL and the quota of each collection. In v2 they are sub-resources (two more requests per
        collection, four collections at most at once); V(false) leaves them null there.
    type: bool
    default: true
  endpoints:
    description:
      - Add the endpoints each collection can use (one request per collection, four at most at once).
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.apikeys
  - edgegrid.access.apikeys.info_filters
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
seealso:
  - module: edgegrid.access.api_key_collection
'''

EXAMPLES = r'''
- name: Every collection of the account
  edgegrid.access.api_key_collection_info:
  register: key_collections

- name: One collection and the ACL entries it may use
  edgegrid.access.api_key_collection_info:
    name: Bookstore Access
    endpoints: true
  register: bookstore

- name: The ACL entry of the Weather API endpoint
  ansible.builtin.debug:
    msg: "{{ (bookstore.api_key_collections[0].endpoints | selectattr('name', 'equalto', 'Weather API') | first).acl_entry }}"
'''

RETURN = r'''
api_key_collections:
  description:
    - The collections found, each as M(edgegrid.access.api_key_collection) returns one in
      RV(edgegrid.access.api_key_collection#module:api_key_collection) (C(id), C(name), C(description),
      C(contract_id), C(group_id), C(key_count), C(dirty), C(acl), C(quota)), with RV(api_key_collections[].endpoints).
    - In v2, C(acl) and C(quota) are null with O(details=false).
  returned: always
  type: list
  elements: dict
  contains:
    endpoints:
      description:
        - With O(endpoints=true), the endpoints of the collection's contract and group - C(id), C(name),
          C(base_path), C(version), C(acl_entry), C(resources) (each with C(id), C(name), C(path), C(acl_entry),
          C(methods) with C(id), C(method), C(acl_entry)).
      type: list
      elements: dict
      returned: when O(endpoints=true)
  sample:
    - id: 108051
      name: Bookstore Access
      description: null
      contract_id: C-1EMU001
      group_id: 10001
      key_count: 21
      dirty: false
      acl: [ENDPOINT-101]
      quota: {enabled: false, limit: 100, interval: HOUR_1, allow_headers: [], deny_headers: []}
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule


def run(module, api):
    params = module.params
    collections = api.list_collections()
    if params['id'] is not None:
        collections = [_apikeys.find_collection(api, collection_id=params['id'], collections=collections)]
    collections = [c for c in collections
                   if (params['name'] is None or c['name'] == params['name'])
                   and (params['contract_id'] is None or c['contract_id'] == params['contract_id'])
                   and (params['group_id'] is None or c['group_id'] == params['group_id'])]

    def reader(coll):
        def read():
            full = (api.complete_collection(coll) or coll) if params['details'] else coll
            return dict(full, endpoints=api.collection_endpoints(coll['id'])) if params['endpoints'] else full
        return read

    # The collections side by side (at most _client.PARALLEL_READS at once), not a round trip or two each in turn.
    result = api.client.run_parallel([reader(coll) for coll in collections])
    module.exit_json(changed=False, api_key_collections=result)


def main():
    module = EdgeGridModule(
        argument_spec=_apikeys.argument_spec(
            name=dict(type='str'),
            id=dict(type='int'),
            details=dict(type='bool', default=True),
            endpoints=dict(type='bool', default=False),
        ),
    )
    module.execute(run, module, _apikeys.wire(module.client, module.params['api_version']))


if __name__ == '__main__':
    main()
