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
  - One task keeps one counter (O(name) or O(id)) or many (O(counters)). With O(counters), every element's input is
    checked before any request; the counter listing is read once for all of them, with the listings of keys and
    key collections their rules need (each once, side by side, at most 4 requests at once, Akamai's rate-limit
    headers honoured), then the endpoints their new ACL entries are checked against (side by side); every counter's
    plan is made (a refusal fails the task before the first write); then the counters are written one after the
    other, in the order of O(counters).
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of the counter (1 to 200 characters). With O(id), the new name of that counter. A name that begins
        or ends with white space, or holds a control character, is refused.
      - Exactly one of O(name), O(id) and O(counters) is required.
    type: str
  counters:
    description:
      - Many counters in one task, instead of O(name) or O(id), each element one counter found by its name, with
        the options of one counter.
      - With O(counters), the top-level O(description), O(enabled), O(limit), O(on_over_limit), O(alert_threshold),
        O(headers), O(error_response) and O(rules) cannot be set (each element sets its own); the top-level
        O(state), O(contract_id) and O(group_id) are the defaults of the elements that do not set them;
        O(api_version) and the connection options apply to all.
      - A name declared twice fails the task before any request (one task keeps counters of different names; two
        counters of one name in different groups take two tasks).
      - A failed read fails the task before any write, with a message that begins C(counters:).
      - A failure of one element fails the task with a message that begins with the element and its name, for
        example C(counters[2] (Bookstore partners)), with the results of the elements done before it in
        RV(throttling_counters), so that a re-run completes the rest.
      - An empty list sends no request.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: As O(name) (the counter is found by its name).
        type: str
        required: true
      state:
        description: As O(state). Default the top-level O(state).
        type: str
        choices: [present, absent]
      contract_id:
        description: As O(contract_id). Default the top-level O(contract_id).
        type: str
      group_id:
        description: As O(group_id). Default the top-level O(group_id).
        type: int
      description:
        description: As O(description).
        type: str
      enabled:
        description: As O(enabled).
        type: bool
      limit:
        description: As O(limit).
        type: int
      on_over_limit:
        description: As O(on_over_limit).
        type: str
        choices: [DENY, WARN]
      alert_threshold:
        description: As O(alert_threshold).
        type: int
      headers:
        description: As O(headers).
        type: dict
        suboptions:
          client:
            description: As O(headers.client).
            type: list
            elements: str
            choices: [X-Throttling-Limit, X-Throttling-Rate]
          origin:
            description: As O(headers.origin).
            type: list
            elements: str
            choices: [X-Throttling-Limit, X-Throttling-Rate]
      error_response:
        description: As O(error_response).
        type: dict
        suboptions:
          status_code:
            description: As O(error_response.status_code).
            type: int
            required: true
          body:
            description: As O(error_response.body).
            type: str
          headers:
            description: As O(error_response.headers).
            type: dict
      rules:
        description: As O(rules).
        type: dict
        suboptions:
          acl:
            description: As O(rules.acl).
            type: list
            elements: str
          keys:
            description: As O(rules.keys).
            type: list
            elements: int
          key_collections:
            description: As O(rules.key_collections).
            type: list
            elements: str
  id:
    description:
      - The id of an existing counter. An unknown id fails (with O(state=absent) it is a counter already deleted, and no
        change); it never creates a counter.
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
            of the same contract and group (C(GET /collections/{id}/endpoints)), else those of another counter of
            them. An entry that is not there fails the task, naming it and the entries that are, and nothing is
            changed.
          - A new counter in a contract and group that hold no key collection and no counter yet cannot be checked so
            (API Keys has no read of the endpoints of a contract and group without one); the API's answer to the
            create is the check then, and check mode warns that it cannot tell.
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
      - With O(counters), the default of the elements that set no O(counters[].state).
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
  - API Keys does not keep counter names unique. After a create the module reads the counters again; when another
    run (another job, another host) created a counter of the same name in the same contract and group at the same
    time, both runs keep the one with the lowest id, and the run that made the other deletes its own, sets the kept
    one to what its task declares and warns. A write whose answer is lost is settled by reading the counter again.
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

- name: Keep three counters in one task (one listing of the counters), and delete a fourth
  edgegrid.access.throttling_counter:
    contract_id: C-1EMU001
    group_id: 10001
    counters:
      - name: Bookstore partners
        limit: 1000
        rules:
          key_collections: [Bookstore Access]
      - name: Bookstore crawlers
        limit: 50
        on_over_limit: WARN
      - name: Bookstore internal
        limit: 5000
        enabled: false
      - name: Bookstore legacy
        state: absent
  register: kept

- name: Show which counters the task changed
  ansible.builtin.debug:
    msg: "{{ kept.throttling_counters | selectattr('changed') | map(attribute='name') | list }}"
'''

RETURN = r'''
throttling_counter:
  description: The counter after the task (predicted in check mode); empty after deletion.
  returned: with O(name) or O(id)
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
throttling_counters:
  description:
    - With O(counters), one item per element, in their order.
    - When an element fails, the items of the elements before it, then its own with C(failed=true); the elements
      after it are not listed. When an element is refused while the counters are read, before any write (a name
      that several counters hold), the item of the first one refused, with C(failed=true); when a read fails, none. A declaration refused
      before any request (one name given twice in a contract and group) fails with no items (C(Nothing was sent)).
    - In diff mode, the diff holds the counters that change (or would), keyed by name.
  returned: with O(counters)
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    name:
      description: The name of the counter (O(counters[].name)).
      type: str
      sample: Bookstore partners
    changed:
      description: Whether the counter changed (or would, in check mode).
      type: bool
    throttling_counter:
      description: As RV(throttling_counter).
      type: dict
    failed:
      description: Present and true on the element that failed the task.
      type: bool
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, InputError, Resource, list_form

# The options of one counter: the top level with `name` (or `id`), and each element of `counters`.
COUNTER_OPTIONS = _apikeys.COUNTER_OPTIONS
# The top-level options that serve as the defaults of the elements of `counters`.
ELEMENT_DEFAULTS = ('state', 'contract_id', 'group_id')


def normalised(counter):
    if counter:
        counter = dict(counter)
        counter['headers'] = {'client': sorted(counter['headers']['client']),
                              'origin': sorted(counter['headers']['origin'])}
    return counter


def resolve_rules(parts, reads, contract_id, group_id, where='', missing=None):
    """`parts` (_apikeys.checked_parts) with rules.keys checked to exist (one listing of the keys) and
    rules.key_collections turned into ids (one listing of the collections), through `reads` (Reads). A new dict;
    raises InputError naming the option. With a `missing` list (check mode), collection names that do not resolve are collected there, not
    failed on."""
    parts = dict(parts)
    if 'rules' not in parts:
        return parts
    rules = parts['rules'] = dict(parts['rules'])
    if rules.get('keys'):
        known = set(key['id'] for key in reads.list_keys())
        unknown = [key_id for key_id in rules['keys'] if key_id not in known]
        if unknown:
            raise InputError('%srules.keys: no API key has id %s; nothing was changed'
                             % (where, ', '.join(str(key_id) for key_id in unknown)))
    if 'key_collections' in rules:
        rules['key_collections'] = _apikeys.resolve_collection_refs(
            rules['key_collections'], reads.list_collections() if rules['key_collections'] else [],
            contract_id, group_id, where + 'rules.key_collections', missing)
        # A collection that an earlier task would create has no id yet: predicted as null (check mode only).
        rules['key_collections'] += [None] * len(missing or [])
    return parts


def acl_read(reads, parts, current, contract_id, group_id):
    """The read the check of the rules.acl entries the task adds needs (a key of Reads: ('counter_endpoints', id)
    or ('collection_endpoints', id)), or None when it needs none or there is none. The endpoints of the counter (N6
    of the v2 reference) for a counter that exists, else those of a key collection or another counter of the same
    contract and group (_apikeys.endpoints_source). A new counter in a contract and group that have neither cannot
    be checked so: the API's answer to the create is the check then."""
    acl = (parts.get('rules') or {}).get('acl')
    if not acl:
        return None
    if current is not None:
        if set(acl) <= set(current['rules']['acl']):
            return None  # entries the counter holds already: nothing new to check
        return ('counter_endpoints', current['id'])
    return _apikeys.endpoints_source(reads, contract_id, group_id, reads.list_collections())


def check_rules_acl(reads, parts, current, contract_id, group_id, where=''):
    """Before any write: the rules.acl entries the task adds are endpoints, resources or methods of the counter's
    contract and group (the one read acl_read names, through `reads`). Raises InputError naming the option."""
    read = acl_read(reads, parts, current, contract_id, group_id)
    if read is not None:
        _apikeys.check_acl_exists(reads, parts['rules']['acl'], read, contract_id, group_id, option=where + 'rules.acl')
    return read


class Reads(object):
    """The reads of one module run that the plans of its counters share, each sent once: the listings of the
    counters, keys and collections, and the endpoints of a counter or collection (what `api`, a wire of
    _apikeys.wire, answers: neutral dicts). A key is (method of the wire, its arguments...), e.g.
    ('counter_endpoints', 61). `prefetch` reads side by side (_client.ApiClient.run_parallel: at most 4 at once,
    rate-limit headers honoured) what the plans will ask for; a read not fetched before is sent when asked for.
    Client errors (EdgeGridError) pass through. A write sent through the client since the answers were read (its
    `write_count`) makes them stale: they are forgotten and read again when asked for (a lost answer is settled by
    reading afresh, EdgeGridModule._settle)."""

    def __init__(self, api):
        self.api = api
        self.has_alert_threshold = api.has_alert_threshold
        self._answers = {}
        self._writes = self._write_count()

    def _write_count(self):
        return getattr(self.api.client, 'write_count', 0)

    def _fresh(self):
        if self._writes != self._write_count():
            self._answers = {}
            self._writes = self._write_count()

    def _read(self, key):
        self._fresh()
        if key not in self._answers:
            self._answers[key] = getattr(self.api, key[0])(*key[1:])
        return self._answers[key]

    def prefetch(self, keys):
        """Read those of `keys` (None items skipped) not read yet, side by side. The key listing, whose pages are
        read side by side already, is read on its own, after the others: never more than 4 requests at once."""
        self._fresh()
        todo = []
        for key in keys:
            if key is not None and key not in self._answers and key not in todo:
                todo.append(key)
        alone = [key for key in todo if key == ('list_keys',)]
        together = [key for key in todo if key != ('list_keys',)]
        answers = self.api.client.run_parallel(
            [lambda key=key: getattr(self.api, key[0])(*key[1:]) for key in together])
        self._answers.update(zip(together, answers))
        for key in alone:
            self._read(key)

    def list_counters(self):
        return self._read(('list_counters',))

    def list_keys(self):
        return self._read(('list_keys',))

    def list_collections(self):
        return self._read(('list_collections',))

    def counter_endpoints(self, counter_id):
        return self._read(('counter_endpoints', counter_id))

    def collection_endpoints(self, collection_id):
        return self._read(('collection_endpoints', collection_id))


class Counter(Resource):
    """A throttling counter, found by name or id (the hooks of EdgeGridModule.converge and converge_many)."""

    key = 'throttling_counter'
    settles = True

    def __init__(self, module, api, params=None, where='', reads=None):
        """`api`: the wire (_apikeys.wire). `params`: the options of this counter (an element of `counters`, its
        defaults filled in); the module's when None. `where`: the prefix of the options in messages ('counters[2].'
        for an element, '' for the top level). `reads`: the Reads the counters of one run share."""
        super(Counter, self).__init__(module)
        if params is not None:
            self.params = params
        self.api = api
        self.reads = reads if reads is not None else Reads(api)
        self.where = where
        self.label = self.params['name']
        self.parts = None  # what the task sets, checked (_apikeys.checked_parts)

    def check(self):
        self.parts = _apikeys.checked_parts(self.params, self.api.has_alert_threshold, self.where)

    def _contract_and_group(self, current):
        if current is not None:
            return current['contract_id'], current['group_id']
        return self.params['contract_id'], self.params['group_id']

    @classmethod
    def find_many(cls, resources):
        """The counters of `resources` (checked), from one listing of the counters. The listings their rules need
        (collections; keys) are read with it, side by side, and then the endpoints their new ACL entries are
        checked against: each read once for all of them (Reads)."""
        reads = resources[0].reads
        present = [resource for resource in resources if resource.params['state'] == 'present']
        rules = [resource.parts.get('rules') or {} for resource in present]
        reads.prefetch([('list_counters',)]
                       + [('list_collections',) for rule in rules if rule.get('key_collections')]
                       + [('list_keys',) for rule in rules if rule.get('keys')])
        found = []
        for resource in resources:
            try:
                found.append(resource._find(reads.list_counters()))
            except InputError as exc:
                # An ambiguous name: the element is named, as converge_many names those of the later steps.
                raise InputError('%s (%s): %s (nothing was written)'
                                 % (resource.where[:-1], resource.label, exc), elements=[resource]) from None
        needs_collections = any(resource.params['state'] == 'present' and current is None
                                and (resource.parts.get('rules') or {}).get('acl')
                                for resource, current in zip(resources, found))
        reads.prefetch([('list_collections',)] if needs_collections else [])
        reads.prefetch([acl_read(reads, resource.parts, current, *resource._contract_and_group(current))
                        for resource, current in zip(resources, found) if resource.params['state'] == 'present'])
        return found

    def _find(self, counters):
        params = self.params
        # A counter to delete that is gone is no error: the task is done (a re-run of a delete by id).
        return normalised(_apikeys.find_counter(self.reads, name=params['name'], counter_id=params['id'],
                                                contract_id=params['contract_id'], group_id=params['group_id'],
                                                counters=counters, missing_ok=params['state'] == 'absent'))

    def find(self):
        self.check()
        return self._find(self.reads.list_counters())

    def desired(self, current):
        params, where = self.params, self.where
        if self.parts is None:
            self.check()
        if current is not None:
            _apikeys.check_contract_and_group(params, current, 'counter')
        contract_id, group_id = self._contract_and_group(current)
        missing = [] if self.module.check_mode else None
        parts = resolve_rules(self.parts, self.reads, contract_id, group_id, where, missing)
        if missing:
            element = '%s (%s): ' % (where[:-1], self.label) if where else ''
            self.module.warn('%s%srules.key_collections: no key collection named %s exists yet; the counter is '
                             'predicted as if an earlier task created it (its id shows as null)'
                             % (element, where, ', '.join(repr(name) for name in missing)))
        if current is None:
            needed = [where + n for n in ('contract_id', 'group_id', 'limit') if params[n] is None]
            if needed:
                raise InputError('no throttling counter named %r exists; %s needed to create it'
                                 % (params['name'], ', '.join(needed)))
        checked = check_rules_acl(self.reads, parts, current, contract_id, group_id, where)
        if checked is None and current is None and (parts.get('rules') or {}).get('acl') and self.module.check_mode:
            self.module.warn(_apikeys.unchecked_acl_warning(where + 'rules.acl', contract_id, group_id))
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
        """Create the counter; then, as API Keys does not keep counter names unique, read the listing again: when
        another run created a counter of the same name, contract and group at the same time, the one with the
        lowest id is kept by both runs and this run deletes its own if it is not that one (a warning says so), so
        that two jobs at once leave one counter. The counter as kept."""
        created = normalised(self.api.create_counter(desired))
        twins = [c for c in self.api.list_counters()
                 if c.get('name') == created.get('name') and c.get('contract_id') == created.get('contract_id')
                 and c.get('group_id') == created.get('group_id')]
        keep = min(twins + [created], key=lambda c: c['id'])
        if keep['id'] == created['id']:
            return created
        self.api.delete_counter(created['id'])
        self.module.warn('throttling counter %r was created by another run at the same time (id %s); the one this '
                         'run created (id %s) was deleted, and %s is kept'
                         % (created['name'], keep['id'], created['id'], keep['id']))
        # The counter kept gets what this task declares, as it would have had this run created it alone.
        return normalised(self.api.update_counter(dict(desired, id=keep['id'])))

    def update(self, current, desired):
        return normalised(self.api.update_counter(desired))

    def delete(self, current):
        self.api.delete_counter(current['id'])


def main():
    module = EdgeGridModule(
        required_one_of=[('name', 'id', 'counters')],
        **list_form(_apikeys.argument_spec(
            name=dict(type='str'),
            id=dict(type='int'),
            counters=dict(type='list', elements='dict'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            **COUNTER_OPTIONS
        ), 'counters', COUNTER_OPTIONS, ELEMENT_DEFAULTS, keys=_apikeys.COUNTER_ELEMENT_KEYS)
    )
    api = _apikeys.wire(module.client, module.params['api_version'])
    module.converge_one_or_many('counters', 'throttling_counters', counter_builder(module, api), ELEMENT_DEFAULTS)


def counter_builder(module, api):
    """The builder of EdgeGridModule.converge_one_or_many: the Counter of the top-level options, or of an element of
    `counters` (its defaults filled in from the top level), a name declared twice in one contract and group refused
    before any request. Then converge_many checks every element's input, reads the counter listing and the other
    reads once for all (one Reads for the elements), makes every plan before the first write, writes in order."""
    reads = Reads(api)
    seen = {}

    def build(params, index):
        if params is None:
            return Counter(module, api)
        params['id'] = None
        where = 'counters[%d].' % index
        # A name is one counter in one contract and group: the same name in two places is two counters.
        key = (params['name'], params['contract_id'], params['group_id'])
        if key in seen:
            raise InputError('counters: throttling counter %r is declared more than once (%sname and %sname); a name '
                             'is one counter in a contract and group. Nothing was sent.'
                             % (params['name'], seen[key], where))
        seen[key] = where
        return Counter(module, api, params, where, reads)

    return build


if __name__ == '__main__':
    main()
