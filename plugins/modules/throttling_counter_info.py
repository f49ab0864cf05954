#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: throttling_counter_info
short_description: List Akamai API throttling counters and what their rules can use
version_added: 0.1.0
description:
  - Lists the throttling counters of Akamai API Keys and Traffic Management, or one counter by O(name) or O(id).
  - Optionally adds, per counter, the endpoints, keys and key collections of its contract and group - what its
    rules can refer to. These reads (one request per counter and list asked for) are independent of each other and
    are sent side by side, at most 4 at once, Akamai's rate-limit headers honoured.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  endpoints:
    description:
      - Add the endpoints a counter can use in its ACL rules (one request per counter).
    type: bool
    default: false
  api_keys:
    description:
      - Add the keys a counter can use in its key rules (one request per counter), under RV(throttling_counters[].api_keys).
        Values are masked.
      - O(keys) is an alias, the name of this option in development versions before the first release.
    type: bool
    default: false
    aliases: [keys]
  key_collections:
    description:
      - Add the key collections a counter can use in its key collection rules (one request per counter).
        API Keys v2 only.
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.apikeys
  - edgegrid.access.apikeys.info_filters
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
seealso:
  - module: edgegrid.access.throttling_counter
'''

EXAMPLES = r'''
- name: Every throttling counter
  edgegrid.access.throttling_counter_info:
  register: counters

- name: One counter and the endpoints its rules can name
  edgegrid.access.throttling_counter_info:
    name: Bookstore partners
    endpoints: true
    key_collections: true
  register: partners
'''

RETURN = r'''
throttling_counters:
  description:
    - The counters found, each as M(edgegrid.access.throttling_counter) returns one in
      RV(edgegrid.access.throttling_counter#module:throttling_counter) (C(id), C(name), C(limit), C(rules)...),
      with the lists asked for.
  returned: always
  type: list
  elements: dict
  contains:
    endpoints:
      description: The endpoints the counter can use (see M(edgegrid.access.api_key_collection_info)).
      type: list
      elements: dict
      returned: when O(endpoints=true)
    api_keys:
      description:
        - The keys the counter can use, values masked.
        - Named C(keys) in development versions before the first release, a name Jinja's dot notation cannot
          reach (C(dict.keys)).
      type: list
      elements: dict
      returned: when O(api_keys=true)
    key_collections:
      description: The key collections the counter can use.
      type: list
      elements: dict
      returned: when O(key_collections=true)
  sample:
    - id: 61
      name: Bookstore partners
      contract_id: C-1EMU001
      group_id: 10001
      enabled: true
      limit: 1000
      on_over_limit: DENY
      rules: {acl: [ENDPOINT-101], keys: [], key_collections: []}
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, mask_secrets


def run(module, api):
    params = module.params
    if params['key_collections'] and api.version == 'v1':
        raise _apikeys.Unsupported('key_collections is available in API Keys v2 only (api_version: v2)')
    counters = api.list_counters()
    if params['id'] is not None:
        counters = [_apikeys.find_counter(api, counter_id=params['id'], counters=counters)]
    counters = [c for c in counters
                if (params['name'] is None or c['name'] == params['name'])
                and (params['contract_id'] is None or c['contract_id'] == params['contract_id'])
                and (params['group_id'] is None or c['group_id'] == params['group_id'])]
    # What each counter can use: every read of every counter is independent of the others, so all go side by side
    # (at most _client.PARALLEL_READS at once), not one round trip after another.
    kinds = [kind for kind, wanted in (('endpoints', params['endpoints']), ('api_keys', params['api_keys']),
                                       ('key_collections', params['key_collections'])) if wanted]
    readers = dict(endpoints=api.counter_endpoints,
                   api_keys=lambda counter_id: mask_secrets(api.counter_keys(counter_id), ('value',)),
                   key_collections=api.counter_key_collections)
    reads = [(index, kind) for index in range(len(counters)) for kind in kinds]
    answers = api.client.run_parallel([lambda index=index, kind=kind: readers[kind](counters[index]['id'])
                                       for index, kind in reads])
    result = [dict(counter) for counter in counters]
    for (index, kind), answer in zip(reads, answers):
        result[index][kind] = answer
    module.exit_json(changed=False, throttling_counters=result)


def main():
    module = EdgeGridModule(
        argument_spec=_apikeys.argument_spec(
            name=dict(type='str'),
            id=dict(type='int'),
            endpoints=dict(type='bool', default=False),
            api_keys=dict(type='bool', default=False, aliases=['keys'], no_log=False),
            key_collections=dict(type='bool', default=False, no_log=False),
        ),
    )
    module.execute(run, module, _apikeys.wire(module.client, module.params['api_version']))


if __name__ == '__main__':
    main()
