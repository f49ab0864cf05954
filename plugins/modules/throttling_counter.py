#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: throttling_counter
short_description: Manage an Akamai API throttling counter
version_added: 0.1.0
description:
  - Creates, updates or deletes a throttling counter of Akamai API Keys and Traffic Management - a requests-per-second
    limit on the API calls that match its rules (ACL entries, API keys, key collections).
  - The counter is found by O(name) (within O(contract_id) and O(group_id) when given) or by O(id).
  - Only what the task sets is compared and written.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of the counter (1 to 200 characters). With O(id), the new name of that counter.
    type: str
  id:
    description:
      - The id of an existing counter. An unknown id fails; it never creates a counter.
    type: int
  description:
    description:
      - The description. An empty string removes it.
    type: str
  enabled:
    description:
      - Whether the counter is enabled. V(true) when a counter is created without it.
    type: bool
  limit:
    description:
      - The limit in requests per second across the Akamai network, 10 to 1,000,000. Needed to create a counter.
    type: int
  on_over_limit:
    description:
      - V(DENY) rejects requests over the limit (HTTP 429); V(WARN) only alerts. V(DENY) when a counter is created
        without it.
    type: str
    choices: [DENY, WARN]
  alert_threshold:
    description:
      - The percentage of the limit (70 to 98) at which an alert fires. API Keys v2 only.
    type: int
  headers:
    description:
      - The throttling headers sent to clients and to the origin. A member left out keeps its current value.
    type: dict
    suboptions:
      client:
        description: The headers sent in responses to clients.
        type: list
        elements: str
        choices: [X-Throttling-Limit, X-Throttling-Rate]
      origin:
        description: The headers sent to the origin.
        type: list
        elements: str
        choices: [X-Throttling-Limit, X-Throttling-Rate]
  error_response:
    description:
      - The response sent to requests over the limit, instead of Akamai's default.
    type: dict
    suboptions:
      status_code:
        description: The HTTP status, 200 to 599.
        type: int
        required: true
      body:
        description: The response body.
        type: str
      headers:
        description: Response headers, name to value (set C(Content-Type) when the body is not problem+json).
        type: dict
  rules:
    description:
      - The conditions that count a request. A member left out keeps its current value; an empty list removes that
        kind of condition.
    type: dict
    suboptions:
      acl:
        description:
          - ACL entries - C(ENDPOINT-<id>), C(RESOURCE-<id>), C(METHOD-<id>).
          - Checked before any write against the endpoints of the counter's contract and group, with one read, the
            endpoints of the counter (C(GET /counters/{id}/endpoints)) when it exists, else those of a key collection
            of the same contract and group (C(GET /collections/{id}/endpoints)). An entry that is not there fails the
            task, naming it and the entries that are, and nothing is changed.
          - A new counter in a contract and group that hold no key collection yet cannot be checked so (API Keys has
            no read of the endpoints of a contract and group without one); the API's answer to the create is the
            check then.
        type: list
        elements: str
      keys:
        description:
          - API key ids. They are read (one listing of the keys) before any write; an id no key has fails the task.
        type: list
        elements: int
      key_collections:
        description:
          - Key collections, by name (within the counter's contract and group) or id.
          - In check mode, a name that no collection has yet (one that an earlier task of the play would create) is
            accepted with a warning and shows as a null id in the prediction; outside check mode it fails.
        type: list
        elements: str
  state:
    description:
      - V(absent) deletes the counter.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.apikeys
  - edgegrid.access.apikeys.contract_group
  - edgegrid.access.attributes
  - edgegrid.access.attributes.write_module
notes:
  - Akamai allows at most 100 counters per account, and at most 4 counters that count the same request.
seealso:
  - module: edgegrid.access.throttling_counter_info
  - module: edgegrid.access.api_key_collection
'''

EXAMPLES = r'''
- name: At most 1,000 requests per second to the Bookstore API from the partner keys
  edgegrid.access.throttling_counter:
    name: Bookstore partners
    contract_id: C-1EMU001
    group_id: 10001
    limit: 1000
    on_over_limit: DENY
    alert_threshold: 90
    headers:
      client: [X-Throttling-Limit]
    rules:
      acl: [ENDPOINT-101]
      key_collections: [Bookstore Access]
    error_response:
      status_code: 429
      body: '{"title": "Slow down"}'
      headers:
        Content-Type: application/problem+json

- name: Only warn from now on
  edgegrid.access.throttling_counter:
    name: Bookstore partners
    on_over_limit: WARN

- name: Delete the counter
  edgegrid.access.throttling_counter:
    name: Bookstore partners
    state: absent
'''

RETURN = r'''
throttling_counter:
  description: The counter after the task (predicted in check mode); empty after deletion.
  returned: always
  type: dict
  contains:
    id:
      description: C(throttlingCounterId); null when a create was only predicted.
      type: int
    name:
      description: C(throttlingCounterName), 1 to 200 characters.
      type: str
    description:
      description: C(throttlingCounterDescription), or null.
      type: str
    contract_id:
      description: C(contractId), the contract the counter was created in.
      type: str
    group_id:
      description: C(groupId), the group the counter was created in.
      type: int
    enabled:
      description: Whether the counter is enabled.
      type: bool
    limit:
      description: Requests per second.
      type: int
    on_over_limit:
      description: C(DENY) or C(WARN).
      type: str
    alert_threshold:
      description: The alert threshold in percent (v2; null in v1).
      type: int
    headers:
      description: The throttling headers sent to C(client) and C(origin).
      type: dict
    error_response:
      description: The custom error response (C(status_code), C(body), C(headers)), or null.
      type: dict
    rules:
      description:
        - The conditions - C(acl) entries, C(keys) (ids) and C(key_collections) (ids).
        - In check mode, a collection that does not exist yet shows as a null id.
      type: dict
    status:
      description: The propagation status, when the API reports it (v1 C(PENDING), C(DIRTY), C(ACTIVE)).
      type: str
  sample:
    id: 61
    name: Bookstore partners
    description: null
    contract_id: C-1EMU001
    group_id: 10001
    enabled: true
    limit: 1000
    on_over_limit: DENY
    alert_threshold: 90
    headers: {client: [X-Throttling-Limit], origin: []}
    error_response: null
    rules: {acl: [ENDPOINT-101], keys: [], key_collections: [108051]}
    status: null
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, InputError, Resource, without_none


def normalised(counter):
    if counter:
        counter = dict(counter)
        counter['headers'] = {'client': sorted(counter['headers']['client']),
                              'origin': sorted(counter['headers']['origin'])}
    return counter


def desired_parts(params, api, contract_id, group_id, missing=None):
    """The parts of the counter the task sets, checked, in the neutral shape.

    With a `missing` list (check mode), collection names that do not resolve are collected there, not failed on.
    """
    parts = {}
    if params['name'] is not None:
        parts['name'] = _apikeys.check_name(params['name'])
    if params['description'] is not None:
        parts['description'] = _apikeys.check_length(params['description'], _apikeys.DESCRIPTION_MAX,
                                                     'description') or None
    for option in ('enabled', 'on_over_limit'):
        if params[option] is not None:
            parts[option] = params[option]
    if params['limit'] is not None:
        parts['limit'] = _apikeys.check_range(params['limit'], _apikeys.COUNTER_LIMIT_MIN,
                                              _apikeys.COUNTER_LIMIT_MAX, 'limit')
    if params['alert_threshold'] is not None:
        if not api.has_alert_threshold:
            raise _apikeys.Unsupported('alert_threshold is available in API Keys v2 only (api_version: v2)')
        parts['alert_threshold'] = _apikeys.check_range(params['alert_threshold'], _apikeys.ALERT_THRESHOLD_MIN,
                                                        _apikeys.ALERT_THRESHOLD_MAX, 'alert_threshold')
    if params['headers'] is not None:
        parts['headers'] = dict((k, sorted(set(v))) for k, v in without_none(params['headers']).items())
    if params['error_response'] is not None:
        error = params['error_response']
        _apikeys.check_range(error['status_code'], 200, 599, 'error_response.status_code')
        parts['error_response'] = {'status_code': error['status_code'], 'body': error.get('body') or None,
                                   'headers': dict((str(k), str(v)) for k, v in (error.get('headers') or {}).items())}
    if params['rules'] is not None:
        rules = without_none(params['rules'])
        if 'acl' in rules:
            rules['acl'] = _apikeys.check_acl(rules['acl'], 'rules.acl')
        if 'keys' in rules:
            rules['keys'] = sorted(set(rules['keys']))
            if rules['keys']:
                known = set(key['id'] for key in api.list_keys())
                unknown = [key_id for key_id in rules['keys'] if key_id not in known]
                if unknown:
                    raise _apikeys.InputError('rules.keys: no API key has id %s; nothing was changed'
                                              % ', '.join(str(key_id) for key_id in unknown))
        if 'key_collections' in rules:
            rules['key_collections'] = _apikeys.resolve_collection_refs(
                rules['key_collections'], api.list_collections() if rules['key_collections'] else [],
                contract_id, group_id, 'rules.key_collections', missing)
            # A collection that an earlier task would create has no id yet: predicted as null (check mode only).
            rules['key_collections'] += [None] * len(missing or [])
        parts['rules'] = rules
    return parts


def check_rules_acl(api, parts, current, contract_id, group_id):
    """Before any write: the rules.acl entries the task adds are endpoints, resources or methods of the counter's
    contract and group. One read: the counter's endpoints (N6 of the v2 reference) for a counter that exists, else
    the endpoints of a key collection of the same contract and group (E1). A new counter in a contract and group
    that have no key collection cannot be checked so: the API's answer to the create is the check then."""
    acl = (parts.get('rules') or {}).get('acl')
    if not acl:
        return
    if current is not None:
        if set(acl) <= set(current['rules']['acl']):
            return  # entries the counter holds already: nothing new to check
        _apikeys.check_acl_exists(api, acl, None, contract_id, group_id, option='rules.acl', counter_id=current['id'])
        return
    sibling = _apikeys.sibling_collection(api, contract_id, group_id)
    if sibling is not None:
        _apikeys.check_acl_exists(api, acl, sibling['id'], contract_id, group_id, option='rules.acl')


class Counter(Resource):
    """A throttling counter, found by name or id (the hooks of EdgeGridModule.converge)."""

    key = 'throttling_counter'
    settles = True

    def __init__(self, module, api):
        super(Counter, self).__init__(module)
        self.api = api

    def find(self):
        params = self.params
        return normalised(_apikeys.find_counter(self.api, name=params['name'], counter_id=params['id'],
                                                contract_id=params['contract_id'], group_id=params['group_id']))

    def desired(self, current):
        params, api = self.params, self.api
        if current is not None:
            _apikeys.check_contract_and_group(params, current, 'counter')
        contract_id = current['contract_id'] if current else params['contract_id']
        group_id = current['group_id'] if current else params['group_id']
        missing = [] if self.module.check_mode else None
        parts = desired_parts(params, api, contract_id, group_id, missing)
        if missing:
            self.module.warn('rules.key_collections: no key collection named %s exists yet; the counter is predicted '
                             'as if an earlier task created it (its id shows as null)'
                             % ', '.join(repr(name) for name in missing))
        if current is None:
            needed = [n for n in ('contract_id', 'group_id', 'limit') if params[n] is None]
            if needed:
                raise InputError('no throttling counter named %r exists; %s needed to create it'
                                 % (params['name'], ', '.join(needed)))
        check_rules_acl(api, parts, current, contract_id, group_id)
        if current is None:
            current = {'id': None, 'name': params['name'], 'description': None, 'contract_id': contract_id,
                       'group_id': group_id, 'enabled': True, 'limit': None, 'on_over_limit': 'DENY',
                       'alert_threshold': None, 'headers': {'client': [], 'origin': []}, 'error_response': None,
                       'rules': {'acl': [], 'keys': [], 'key_collections': []}, 'status': None}
        # The error response is replaced as a whole; the other parts member by member.
        error = parts.pop('error_response', current['error_response'])
        desired = _apikeys.merged(current, parts)
        desired['error_response'] = error
        return desired

    def differs(self, current, desired):
        return _apikeys.differs(current, desired) or desired['error_response'] != current['error_response']

    def create(self, desired):
        return normalised(self.api.create_counter(desired))

    def update(self, current, desired):
        return normalised(self.api.update_counter(desired))

    def delete(self, current):
        self.api.delete_counter(current['id'])


def main():
    module = EdgeGridModule(
        argument_spec=_apikeys.argument_spec(
            name=dict(type='str'),
            id=dict(type='int'),
            description=dict(type='str'),
            enabled=dict(type='bool'),
            limit=dict(type='int'),
            on_over_limit=dict(type='str', choices=_apikeys.ON_OVER_LIMIT),
            alert_threshold=dict(type='int'),
            headers=dict(type='dict', options=dict(
                client=dict(type='list', elements='str', choices=_apikeys.THROTTLING_HEADERS),
                origin=dict(type='list', elements='str', choices=_apikeys.THROTTLING_HEADERS),
            )),
            error_response=dict(type='dict', options=dict(
                status_code=dict(type='int', required=True),
                body=dict(type='str'),
                headers=dict(type='dict'),
            )),
            rules=dict(type='dict', options=dict(
                acl=dict(type='list', elements='str'),
                keys=dict(type='list', elements='int', no_log=False),
                key_collections=dict(type='list', elements='str', no_log=False),
            )),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_one_of=[('name', 'id')],
    )
    counter = Counter(module, _apikeys.wire(module.client, module.params['api_version']))
    module.execute(module.converge, counter, module.params['state'])


if __name__ == '__main__':
    main()
