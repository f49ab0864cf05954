#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_key_collection
short_description: Manage an Akamai API key collection, its quota and its ACL
version_added: 0.1.0
description:
  - Creates, updates or deletes a key collection of Akamai API Keys and Traffic Management.
  - A collection groups API keys; all its keys share its quota (requests per key and interval) and its access
    control list (the endpoints, resources and methods the keys may call).
  - The collection is found by O(name) within O(contract_id) and O(group_id) when given, or by O(id).
    A name that matches two collections fails and asks for the id.
  - Only what the task sets is compared and written; the rest of the collection is left as it is.
  - One task keeps one collection (O(name) or O(id)) or many (O(collections)). With O(collections), every element's
    input is checked before any request, the list of collections is read once, the quota (and the ACL of the
    elements that set O(collections[].acl)) of each collection found are read side by side (at most 4 requests at
    once, Akamai's rate-limit headers honoured), every collection's plan is made (an unknown ACL entry, a missing
    contract or group fail the task before the first write), then the collections are written one after the other,
    in the order of O(collections).
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of the collection (1 to 200 characters), unique within its contract and group. A name that begins
        or ends with white space, or holds a control character, is refused (Akamai keeps it as given, so it would be a
        collection apart from the one without it).
      - With O(id), the new name of that collection.
      - One of O(name), O(id) and O(collections) is required.
    type: str
  collections:
    description:
      - Many collections in one task, instead of O(name) or O(id), each element one collection with the options of
        one collection.
      - With O(collections), the top-level O(name), O(id), O(description), O(quota) and O(acl) cannot be set (each
        element sets its own); the top-level O(contract_id), O(group_id) and O(api_version) apply to every element,
        and the top-level O(state) and O(append_acl) are the defaults of the elements that do not set them.
      - A name or an id declared twice fails the task before any request.
      - A failed read of the collections fails the task before any write, with a message that begins
        C(collections:).
      - A failure of one element fails the task with a message that begins with the element and its name, for
        example C(collections[2] (Bookstore Access)), with the results of the elements done before it in
        RV(api_key_collections), so that a re-run completes the rest. A collection created by the failed element is
        rolled back as with O(name).
      - An empty list sends no request.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description:
          - As O(name). Each element needs O(collections[].name) or O(collections[].id).
        type: str
      id:
        description: As O(id).
        type: int
      description:
        description: As O(description).
        type: str
      quota:
        description: As O(quota), with the same members.
        type: dict
        suboptions:
          enabled:
            description: As O(quota.enabled).
            type: bool
          limit:
            description: As O(quota.limit).
            type: int
          interval:
            description: As O(quota.interval).
            type: str
            choices: [HOUR_1, HOUR_6, HOUR_12, DAY, WEEK, MONTH]
          allow_headers:
            description: As O(quota.allow_headers).
            type: list
            elements: str
            choices: [X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset]
          deny_headers:
            description: As O(quota.deny_headers).
            type: list
            elements: str
            choices: [X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Next]
      acl:
        description:
          - As O(acl). The ACL of an element is read only when it sets O(collections[].acl).
        type: list
        elements: str
      append_acl:
        description: As O(append_acl). Default the top-level O(append_acl).
        type: bool
      state:
        description: As O(state). Default the top-level O(state).
        type: str
        choices: [present, absent]
  id:
    description:
      - The id of an existing collection. An unknown id fails (with O(state=absent) it is a collection already deleted, and no
        change); it never creates a collection.
    type: int
  description:
    description:
      - The description of the collection. An empty string removes it.
    type: str
  quota:
    description:
      - The quota of every key of the collection. Members left out keep their current value.
    type: dict
    suboptions:
      enabled:
        description: Whether the quota is enforced.
        type: bool
      limit:
        description: Requests each key may send within O(quota.interval), 100 to 1,000,000,000.
        type: int
      interval:
        description:
          - When the quota resets (UTC) - every hour, every sixth hour, twice a day, at midnight, on Mondays at
            midnight, or on the first day of the month.
        type: str
        choices: [HOUR_1, HOUR_6, HOUR_12, DAY, WEEK, MONTH]
      allow_headers:
        description: The response headers sent while quota remains.
        type: list
        elements: str
        choices: [X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset]
      deny_headers:
        description: The response headers sent once the quota is used up.
        type: list
        elements: str
        choices: [X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Next]
  acl:
    description:
      - The access control list - entries C(ENDPOINT-<id>), C(RESOURCE-<id>) and C(METHOD-<id>), as listed by
        M(edgegrid.access.api_key_collection_info) with O(edgegrid.access.api_key_collection_info#module:endpoints=true).
      - Replaces the ACL, unless O(append_acl=true).
      - Every entry must be an endpoint, resource or method of the collection's contract and group; the entries that
        are there are read (the endpoints of the collection, or, when the collection is to be created, of another
        collection of the same contract and group, C(GET /collections/{id}/endpoints), else of a throttling counter of
        them, C(GET /counters/{id}/endpoints)) and an entry that is not fails the task before any write.
      - When no collection and no throttling counter of that contract and group exists yet, the entries can only be
        read through the new collection, which is created, then checked; an entry that does not exist, or an ACL or
        quota update that fails, deletes the collection this task created again (roll back), so that the task can
        simply be run again. Check mode warns that it cannot tell whether the entries exist then.
    type: list
    elements: str
  append_acl:
    description:
      - Add the entries of O(acl) to the current ACL instead of replacing it.
      - With O(collections), the default of the elements.
    type: bool
    default: false
  state:
    description:
      - With O(collections), the default of the elements.
      - V(absent) deletes the collection. Akamai deletes the keys in it too (in v2, the keys that are not also
        in another collection).
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
  - In v2 the ACL and the quota are sub-resources of the collection; a task that sets neither does not write them,
    and a task that does not set O(acl) does not read the ACL either.
seealso:
  - module: edgegrid.access.api_key_collection_info
  - module: edgegrid.access.api_key
  - name: API Keys and Traffic Management API
    description: Akamai's reference.
    link: https://techdocs.akamai.com/key-traffic-mgmt/reference
'''

EXAMPLES = r'''
- name: A collection with an hourly quota and access to one endpoint
  edgegrid.access.api_key_collection:
    name: Bookstore Access
    description: Keys of the Bookstore API partners
    contract_id: C-1EMU001
    group_id: 10001
    quota:
      enabled: true
      limit: 1000
      interval: HOUR_1
      allow_headers: [X-RateLimit-Limit, X-RateLimit-Remaining]
      deny_headers: [X-RateLimit-Next]
    acl:
      - ENDPOINT-101
      - METHOD-2034

- name: Add an entry to the ACL, keep the others
  edgegrid.access.api_key_collection:
    name: Bookstore Access
    contract_id: C-1EMU001
    group_id: 10001
    acl: [RESOURCE-3001]
    append_acl: true

- name: Rename a collection found by id
  edgegrid.access.api_key_collection:
    id: 12345
    name: Bookstore Premium Access

- name: Delete a collection (and its keys)
  edgegrid.access.api_key_collection:
    name: Bookstore Trial
    contract_id: C-1EMU001
    group_id: 10001
    state: absent

- name: Keep three collections in one task (one listing, the quotas read side by side)
  edgegrid.access.api_key_collection:
    contract_id: C-1EMU001
    group_id: 10001
    collections:
      - name: Bookstore Access
        quota: {enabled: true, limit: 1000, interval: HOUR_1}
        acl: [ENDPOINT-101]
      - name: Bookstore Partners
        description: Keys of the partners
        quota: {enabled: true, limit: 10000, interval: DAY}
      - name: Bookstore Trial
        state: absent
  register: kept

- name: The id of each collection, by name
  ansible.builtin.debug:
    msg: "{{ kept.api_key_collections | items2dict(key_name='name', value_name='api_key_collection') }}"
'''

RETURN = r'''
api_key_collections:
  description:
    - With O(collections), one item per element, in their order, each as a task with O(name) returns it.
    - When an element fails, the items of the elements before it, then its own with C(failed=true); the elements
      after it are not listed. When the first refusal found while the collections are read, before any write (an id
      that is no collection, a name that several hold, one collection named by its name and by its id), names
      elements, the items of those elements, each with C(failed=true); when that read fails, none. A declaration
      refused before any request (one name or id given twice) fails with no items (C(Nothing was sent)).
    - In diff mode, the diff holds the collections that change (or would), keyed by name (C(id <n>) for an element
      that gives only O(collections[].id)).
  returned: with O(collections)
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    name:
      description: The element's O(collections[].name), or C(id <n>) for an element that gives only its id.
      type: str
      sample: Bookstore Access
    changed:
      description: Whether the collection changed (or would).
      type: bool
    api_key_collection:
      description: As RV(api_key_collection); empty when the element failed or with O(collections[].state=absent).
      type: dict
    failed:
      description: Present and true on the element that failed the task.
      type: bool
api_key_collection:
  description: The collection after the task, as predicted in check mode; empty with O(state=absent).
  returned: with O(name) or O(id)
  type: dict
  contains:
    id:
      description: The collection id, C(collectionId) in the API; null when a create was only predicted.
      type: int
      sample: 108051
    name:
      description: The name of the collection, C(collectionName) in the API.
      type: str
      sample: Bookstore Access
    description:
      description: The description of the collection (C(collectionDescription)), or null.
      type: str
    contract_id:
      description: The contract of the collection (C(contractId)), given at creation; the API does not move it.
      type: str
      sample: C-1EMU001
    group_id:
      description: The group of the collection (C(groupId)), given at creation; the API does not move it.
      type: int
      sample: 10001
    key_count:
      description: The number of keys in the collection, when the API reports it.
      type: int
    dirty:
      description: Whether changes are still propagating to the Akamai network.
      type: bool
    acl:
      description:
        - The ACL entries.
        - With O(api_version=v2), null unless the task gives O(acl) or creates the collection - v2 keeps the ACL in a
          sub-resource of the collection, read only when the task needs it (one request less per collection);
          M(edgegrid.access.api_key_collection_info) returns it.
      type: list
      elements: str
      sample: [ENDPOINT-101, METHOD-2034]
    quota:
      description: The quota settings.
      type: dict
      contains:
        enabled:
          description: Whether the quota is enforced.
          type: bool
        limit:
          description: Requests per key and interval.
          type: int
        interval:
          description: The reset interval.
          type: str
        allow_headers:
          description: Headers sent while quota remains.
          type: list
          elements: str
        deny_headers:
          description: Headers sent once the quota is used up.
          type: list
          elements: str
  sample:
    id: 108051
    name: Bookstore Access
    description: Keys of the Bookstore API partners
    contract_id: C-1EMU001
    group_id: 10001
    key_count: 21
    dirty: false
    acl: [ENDPOINT-101]
    quota: {enabled: true, limit: 1000, interval: HOUR_1, allow_headers: [X-RateLimit-Limit], deny_headers: []}
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _funnel
from ansible_collections.edgegrid.access.plugins.module_utils._module import (
    ApiError, EdgeGridError, EdgeGridModule, InputError, Resource, TransportError, element_name, list_form)


def normalised(coll):
    """A collection with its quota header lists sorted, for comparing."""
    if coll and coll.get('quota'):
        coll = dict(coll)
        coll['quota'] = dict(coll['quota'], allow_headers=sorted(coll['quota']['allow_headers']),
                             deny_headers=sorted(coll['quota']['deny_headers']))
    return coll


def writes(current, desired):
    """The writes that turn `current` into `desired`: 'collection' (name, description), 'acl', 'quota', in order."""
    needed = []
    if desired['name'] != current['name'] or desired['description'] != current['description']:
        needed.append('collection')
    for part in ('acl', 'quota'):
        if desired[part] != current[part]:
            needed.append(part)
    return needed


class Collection(Resource):
    """An API key collection, found by name or id (the hooks of EdgeGridModule.converge and converge_many)."""

    key = 'api_key_collection'
    settles = True

    def __init__(self, module, api, params=None, where=''):
        """`params`: the options of this collection (an element of `collections`, its defaults and the top-level
        contract_id and group_id filled in); the module's when None. `where`: the prefix of its options in messages
        ('collections[2].' for an element)."""
        super(Collection, self).__init__(module)
        if params is not None:
            self.params = params
        self.where = where
        self.api = api
        self.label = self.params['name'] if self.params['name'] is not None else 'id %s' % self.params['id']
        self.acl = self.quota = self.acl_source = None
        self.listing = None  # the collections as listed, once per task (find, find_many)

    def check(self):
        """The input, before any request, whatever the state."""
        self.quota, self.acl = _apikeys.checked_collection(self.params)

    def _match(self):
        """The listed collection this one is (None when none is), from `listing`."""
        params = self.params
        # A collection to delete that is gone is no error: the task is done (a re-run of a delete by id).
        return _apikeys.find_collection(self.api, name=params['name'], collection_id=params['id'],
                                        contract_id=params['contract_id'], group_id=params['group_id'],
                                        collections=self.listing, missing_ok=params['state'] == 'absent')

    def _complete(self, listed):
        """`listed` with its quota, and its ACL only when the task declares one (v2 keeps it in a sub-resource: one
        GET less); None when it is gone since it was listed."""
        return normalised(self.api.complete_collection(listed, acl=self.acl is not None)) if listed else None

    def find(self):
        self.check()
        self.listing = self.api.list_collections()
        return self._complete(self._match())

    @classmethod
    def find_many(cls, resources):
        """The collections of `resources`, from one listing; then their quotas (and the ACLs the elements declare)
        read side by side (_client.ApiClient.run_parallel: at most _client.PARALLEL_READS at once, a rate-limit wait
        holds them all). An unknown id or an ambiguous name raises InputError naming the element
        (`collections[i] (label): ...`)."""
        api = resources[0].api
        listing = api.list_collections()
        matched = []
        for index, resource in enumerate(resources):
            resource.listing = listing
            try:
                matched.append(resource._match())
            except InputError as exc:
                where = element_name('collections', index, resource.label)
                raise InputError('%s: %s (nothing was written)' % (where, exc), elements=[resource]) from None
        taken = {}
        for index, listed in enumerate(matched):
            if listed is not None:
                other = taken.setdefault(listed['id'], index)
                if other != index:
                    raise InputError('%s and %s are one key collection (id %s); declare it once (nothing was written)'
                                     % (element_name('collections', other, resources[other].label),
                                        element_name('collections', index, resources[index].label), listed['id']),
                                     elements=[resources[other], resources[index]])
        return api.client.run_parallel([lambda r=resource, m=listed: r._complete(m)
                                        for resource, listed in zip(resources, matched)])

    def desired(self, current):
        params, api, acl, quota = self.params, self.api, self.acl, self.quota
        if current is None:
            missing = [n for n in ('contract_id', 'group_id') if params[n] is None]
            if missing:
                raise InputError('no key collection named %r exists; %s needed to create it'
                                 % (params['name'], ' and '.join(missing) + (' is' if len(missing) == 1 else ' are')))
            # The ACL entries of the contract and group, read through a collection or counter already there, before
            # the create; with neither, after it (create), and check mode says it cannot tell.
            self.acl_source = (_apikeys.endpoints_source(api, params['contract_id'], params['group_id'], self.listing)
                               if acl else None)
            if self.acl_source is not None:
                _apikeys.check_acl_exists(api, acl, self.acl_source, params['contract_id'], params['group_id'])
            elif acl and self.module.check_mode:
                self.module.warn(_apikeys.unchecked_acl_warning(self.where + 'acl', params['contract_id'],
                                                                params['group_id']))
            return {'id': None, 'name': params['name'], 'description': params['description'] or None,
                    'contract_id': params['contract_id'], 'group_id': params['group_id'], 'key_count': 0,
                    'dirty': True, 'acl': acl or [], 'quota': dict(quota) if quota else None}

        _apikeys.check_contract_and_group(params, current, 'collection')
        desired = dict(current)
        if params['name'] is not None:
            desired['name'] = params['name']
            taken = [c for c in self.listing or [] if c['name'] == params['name'] and c['id'] != current['id']
                     and c['contract_id'] == current['contract_id'] and c['group_id'] == current['group_id']]
            if taken:  # names are unique within a contract and group: the API would refuse the rename
                raise InputError('name: key collection %s cannot be renamed %r: key collection %s of contract %s, '
                                 'group %s has that name' % (current['id'], params['name'], taken[0]['id'],
                                                             current['contract_id'], current['group_id']))
        if params['description'] is not None:
            desired['description'] = params['description'] or None
        if acl is not None:
            desired['acl'] = _apikeys.sort_acl(set(current['acl']) | set(acl)) if params['append_acl'] else acl
        if quota and _apikeys.differs(current['quota'], quota):
            desired['quota'] = _apikeys.merged(current['quota'], quota)
        if 'acl' in writes(current, desired):
            _apikeys.check_acl_exists(api, desired['acl'], ('collection_endpoints', current['id']),
                                      current['contract_id'], current['group_id'])
        return desired

    def differs(self, current, desired):
        return bool(writes(current, desired))

    def create(self, desired):
        api, acl, quota = self.api, self.acl, self.quota
        # The quota is set by its own write, after the create.
        try:
            created = api.create_collection(dict(desired, quota=None))
        except ApiError as exc:
            if not 400 <= exc.status < 500:
                raise
            return self._made_meanwhile(exc)
        try:
            if acl:
                if self.acl_source is None:
                    _apikeys.check_acl_exists(api, acl, ('collection_endpoints', created['id']),
                                              desired['contract_id'], desired['group_id'])
                api.set_acl(created['id'], acl)
            if quota:
                base = created.get('quota') or api.get_collection(created['id'])['quota']
                api.set_quota(created['id'], _apikeys.merged(base, quota))
        except TransportError:
            # The answer of a step was lost (it may have been applied): nothing is rolled back; the module base
            # reads the collection again and says what is left (EdgeGridModule._settle), and a re-run completes it.
            raise
        except EdgeGridError as exc:
            self._roll_back(created, exc)
        return normalised(api.get_collection(created['id']))

    def _made_meanwhile(self, exc):
        """The create was refused (`exc`, a 4xx): when another run (another job, another host) created the collection
        of this name in this contract and group since it was read (names are unique there), it is the one to
        keep: planned again from it and updated where it differs, with a warning (no change reported when it is as
        declared); else `exc` is raised."""
        self.listing = self.api.list_collections()
        listed = self._match()
        if listed is None:
            raise exc
        current = self._complete(listed)
        self.module.warn('key collection %r was created by another run at the same time (id %s); this task keeps it'
                         % (current['name'], current['id']))
        desired = self.desired(current)
        if self.differs(current, desired):
            return self.update(current, desired)
        self.nothing_written = True  # the create was refused, and the other run's collection is as declared
        return current

    def _roll_back(self, created, exc):
        """A step after the create was refused: delete the collection this run created, so a re-run starts afresh.
        Raises EdgeGridError with the message of `exc`, what became of the collection, and the result keys
        `error` (Akamai's problem details of `exc`, or None) and `changed` (False once deleted again; True when the
        collection is left)."""
        try:
            self.api.delete_collection(created['id'])
            outcome = 'the collection %s created by this task was deleted again (rolled back)' % created['id']
            left = False
        except EdgeGridError as again:
            outcome = ('the collection %s created by this task could not be deleted again (%s): it is left as created; '
                       'run the task again (with a corrected input, if the step was refused for it) to complete it, or '
                       'delete it' % (created['id'], again))
            left = True
        error = _funnel.failure(exc).get('error')
        raise EdgeGridError('%s; %s' % (exc, outcome), result=dict(error=error, changed=left)) from None

    def update(self, current, desired):
        api, needed = self.api, writes(current, desired)
        if 'collection' in needed:
            api.update_collection(desired)
        if 'acl' in needed:
            api.set_acl(current['id'], desired['acl'])
        if 'quota' in needed:
            api.set_quota(current['id'], desired['quota'])
        return normalised(api.get_collection(current['id'], acl=self.acl is not None))

    def delete(self, current):
        self.api.delete_collection(current['id'])


# The options of one collection: `name`/`id` and, with `collections`, each element.
COLLECTION_OPTIONS = _apikeys.COLLECTION_OPTIONS
# The top-level options that serve as the defaults of the elements of `collections`, and those that apply to all
# (an element has no option of that name: it always takes the top-level one).
ELEMENT_DEFAULTS = ('append_acl', 'state')
ACCOUNT_OPTIONS = ('contract_id', 'group_id')


def main():
    module = EdgeGridModule(
        required_one_of=[('name', 'id', 'collections')],
        **list_form(_apikeys.argument_spec(**dict(
            COLLECTION_OPTIONS,
            collections=dict(type='list', elements='dict'),
            append_acl=dict(type='bool', default=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        )), 'collections', COLLECTION_OPTIONS, ELEMENT_DEFAULTS)
    )
    api = _apikeys.wire(module.client, module.params['api_version'])
    module.converge_one_or_many('collections', 'api_key_collections', collection_builder(module, api),
                                ELEMENT_DEFAULTS + ACCOUNT_OPTIONS)


def collection_builder(module, api):
    """The builder of EdgeGridModule.converge_one_or_many: the Collection of the top-level options, or of an element
    of `collections` (with its defaults and the top-level contract_id and group_id), each checked to have a name or
    an id, and a name or id declared twice refused, before any request. Then converge_many checks each element's
    input, lists once and reads the quotas side by side (Collection.find_many)."""
    seen = {}

    def build(params, index):
        if params is None:
            return Collection(module, api)
        if params['name'] is None and params['id'] is None:
            raise InputError('collections[%d]: name or id is required (the collection to keep, by its name, or the '
                             'id of an existing one). Nothing was sent.' % index)
        for option in ('name', 'id'):
            if params[option] is None:
                continue
            other = seen.setdefault((option, params[option]), index)
            if other != index:
                raise InputError('collections: key collection %s %r is declared more than once (collections[%d].%s '
                                 'and collections[%d].%s); it is one collection. Nothing was sent.'
                                 % (option, params[option], other, option, index, option))
        return Collection(module, api, params, where='collections[%d].' % index)

    return build


if __name__ == '__main__':
    main()
