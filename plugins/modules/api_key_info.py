#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_key_info
short_description: List Akamai API keys, tags and quota reports
version_added: 0.1.0
description:
  - Lists the API keys of one key collection (by O(collection) or O(collection_id)), or of the whole account.
  - Key values are masked unless O(return_values=true).
  - With O(tags=true), also lists every tag in use. With O(quota_report), generates a quota report of the keys
    found (API Keys v1 only - the v2 API has no report operation, so v2 fails with a clear message).
  - Keys are read page by page until they add up to the count the API gives (v2, 1,000 keys a page; v1, pages of up
    to 10,000 keys); pages that do not add up fail the task. In v2 the pages after the first, which gives the count,
    are read side by side, at most four at once.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  collection:
    description:
      - The name of the key collection. Without it and O(collection_id), the keys of the whole account.
    type: str
  collection_id:
    description:
      - The id of the key collection.
    type: int
  contract_id:
    description:
      - The contract of the collection, to tell apart collections of the same name.
    type: str
  group_id:
    description:
      - The group of the collection, to tell apart collections of the same name.
    type: int
  label:
    description:
      - Only the keys with this label.
    type: str
  state:
    description:
      - Only the keys in this state.
    type: str
    choices: [present, revoked]
  return_values:
    description:
      - Return the key values. Set C(no_log) on the task when you use this.
    type: bool
    default: false
  tags:
    description:
      - Also list every tag in use in the account (RV(tags)).
    type: bool
    default: false
  quota_report:
    description:
      - Generate a quota report of the keys found (at most the first 1,000 keys), returned in RV(quota_report).
      - API Keys v1 only.
    type: dict
    suboptions:
      type:
        description:
          - V(by_quota) - quota assigned and used per key at O(quota_report.end); V(by_time) - the request count of
            the keys over time.
        type: str
        choices: [by_quota, by_time]
        default: by_quota
      start:
        description: The start of the report, ISO 8601 (for example V(2026-07-01T00:00:00Z)).
        type: str
        required: true
      end:
        description: The end of the report, ISO 8601.
        type: str
        required: true
      interval:
        description: The duration of each record.
        type: str
        choices: [FIVE_MINUTES, HOUR, DAY, WEEK, MONTH]
        default: DAY
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.apikeys
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
attributes:
  check_mode:
    details: Reads only (a quota report is generated in check mode too; it changes nothing).
seealso:
  - module: edgegrid.access.api_key
'''

EXAMPLES = r'''
- name: The active keys of a collection
  edgegrid.access.api_key_info:
    collection: Bookstore Access
    state: present
  register: bookstore_keys

- name: The values of the mobile keys, for the app's configuration
  edgegrid.access.api_key_info:
    collection: Bookstore Access
    label: mobile
    return_values: true
  no_log: true
  register: mobile_keys

- name: The keys of a collection, and every tag in use in the account
  edgegrid.access.api_key_info:
    collection: Bookstore Access
    tags: true
  register: usage
'''

RETURN = r'''
api_keys:
  description: The keys found, as returned by M(edgegrid.access.api_key) in RV(edgegrid.access.api_key#module:api_key.api_keys).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 403040
      value: "********"
      label: partner-a
      description: null
      tags: [partner]
      state: present
      network_status: DEPLOYED
      collection_ids: [108051]
      created_at: "2026-05-30T10:36:33Z"
      revoked_at: null
      termination_at: null
      quota_update_state: NONE
tags:
  description: Every tag in use in the account.
  returned: when O(tags=true)
  type: list
  elements: str
  sample: [partner, mobile]
quota_report:
  description: Akamai's quota report (C(metadata), C(data), C(summaryStatistics)) as the API returns it.
  returned: when O(quota_report) is set
  type: dict
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, mask_secrets

REPORT_KEYS_MAX = 1000


def run(module, api):
    params = module.params
    report = params['quota_report']
    if report and not api.has_reports:
        raise _apikeys.Unsupported('quota_report is not available in API Keys v2: the v2 API has no report '
                                   'operation (use api_version: v1 where v1 is still served)')
    collection_id = None
    if params['collection'] is not None or params['collection_id'] is not None:
        coll = _apikeys.find_collection(api, name=params['collection'], collection_id=params['collection_id'],
                                        contract_id=params['contract_id'], group_id=params['group_id'])
        if coll is None:
            raise _apikeys.InputError('no key collection named %r' % params['collection'])
        collection_id = coll['id']
    keys = [k for k in api.list_keys(collection_id)
            if (params['label'] is None or k['label'] == params['label'])
            and (params['state'] is None or k['state'] == params['state'])]
    for key in keys:
        module.client.add_secret(key['value'])
    result = dict(changed=False, api_keys=keys if params['return_values'] else mask_secrets(keys, ('value',)))
    if params['tags']:
        result['tags'] = api.list_tags()
    if report:
        ids = [k['id'] for k in keys][:REPORT_KEYS_MAX]
        if not ids:
            raise _apikeys.InputError('quota_report: no keys matched, so there is nothing to report on')
        result['quota_report'] = api.quota_report(report['type'], ids, report['start'], report['end'],
                                                  report['interval'])
    module.exit_json(**result)


def main():
    module = EdgeGridModule(
        argument_spec=_apikeys.argument_spec(
            collection=dict(type='str'),
            collection_id=dict(type='int'),
            label=dict(type='str'),
            state=dict(type='str', choices=['present', 'revoked']),
            return_values=dict(type='bool', default=False),
            tags=dict(type='bool', default=False),
            quota_report=dict(type='dict', options=dict(
                type=dict(type='str', default='by_quota', choices=['by_quota', 'by_time']),
                start=dict(type='str', required=True),
                end=dict(type='str', required=True),
                interval=dict(type='str', default='DAY', choices=['FIVE_MINUTES', 'HOUR', 'DAY', 'WEEK', 'MONTH']),
            )),
        ),
        mutually_exclusive=[('collection', 'collection_id')],
    )
    module.execute(run, module, _apikeys.wire(module.client, module.params['api_version']))


if __name__ == '__main__':
    main()
