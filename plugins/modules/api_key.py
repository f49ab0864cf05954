#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_key
short_description: Manage the API keys of one Akamai key collection, in bulk
version_added: 0.1.0
description:
  - Ensures that the keys declared in one task exist in one key collection of Akamai API Keys and Traffic
    Management, with their labels, descriptions, tags and state. Thousands of keys are one task.
  - A key is declared by its O(keys[].value) (a secret) or, when Akamai should make the value, by its
    O(keys[].label). O(generate) ensures a number of keys with a label. O(import_file) declares the keys of a
    CSV, JSON or XML file.
  - Missing keys are created in as few requests as the API allows (keys that share label, description and tags
    together, others through Akamai's import operation), changed ones are edited, O(keys[].state=revoked) revokes a key,
    O(keys[].state=present) on a revoked key restores it (Akamai keeps revoked keys for 120 days),
    O(exclusive=true) revokes the keys of the collection that are not declared, O(move=true) moves declared
    keys from other collections into this one, and O(reset_quota=true) resets the quota of the declared keys.
  - The keys of the collection are read page by page until they add up to the count the API gives (v2, 1,000 keys a
    page; v1, one page of up to 10,000), so a server that serves fewer keys a page than asked loses none; pages that
    do not add up fail the task before anything is written. In v2 the pages after the first, which gives the count,
    are read side by side, at most four at once. The keys of the whole account are read only when a
    value must be created, to find it in other collections.
  - Input errors (an unknown collection, a value longer than 64 characters, an 11th tag, a value that already
    exists in another collection, a label that matches several keys) fail before anything is written.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  collection:
    description:
      - The name of the key collection. It must exist (see M(edgegrid.access.api_key_collection)).
    type: str
  collection_id:
    description:
      - The id of the key collection, instead of O(collection).
      - The collection is then not looked up in the list of every collection - its keys are read at once, and when
        it holds none, the collection itself (one request) to tell that it exists. Hand it on from the registered
        result of M(edgegrid.access.api_key_collection)
        (RV(edgegrid.access.api_key_collection#module:api_key_collection.id)) to save that listing.
    type: int
  contract_id:
    description:
      - The contract of the collection, to tell apart collections of the same name.
      - Ignored with O(collection_id), which names one collection already.
    type: str
  group_id:
    description:
      - The group of the collection, to tell apart collections of the same name.
      - Ignored with O(collection_id), which names one collection already.
    type: int
  keys:
    description:
      - The keys, each identified by O(keys[].value) or, without a value, by O(keys[].label) (a label that matches
        several keys of the collection fails and asks for the value).
      - Members left out of an entry are not compared.
    type: list
    elements: dict
    default: []
    suboptions:
      value:
        description:
          - The key value, 1 to 64 characters, unique within the account. A secret - never shown in output.
        type: str
      label:
        description:
          - The label (up to 200 characters). An empty string removes it.
        type: str
      description:
        description:
          - The description (up to 4,000 characters). An empty string removes it.
        type: str
      tags:
        description:
          - The tags (at most 10, each 1 to 50 characters); the list replaces the key's tags.
        type: list
        elements: str
      state:
        description:
          - V(present) creates the key, or restores it when it is revoked (within 120 days of the revocation).
          - V(revoked) revokes it (a key that does not exist is left alone).
        type: str
        choices: [present, revoked]
        default: present
  generate:
    description:
      - Keys whose values Akamai makes, by label. Ensures at least O(generate[].count) active keys with
        O(generate[].label) exist, generating only the missing ones; keys already there are not edited.
      - With O(exclusive=true), active keys of that label beyond O(generate[].count) (the newest) are revoked.
    type: list
    elements: dict
    default: []
    suboptions:
      label:
        description: The label of the keys.
        type: str
        required: true
      count:
        description: How many active keys with that label should exist (1 to 10,000).
        type: int
        required: true
      description:
        description: The description of generated keys.
        type: str
      tags:
        description: The tags of generated keys.
        type: list
        elements: str
  import_file:
    description:
      - A CSV, JSON or XML file of keys to declare, in the formats of Akamai's import operation (v1 - C(VALUE,LABEL,TAGS)
        columns, JSON C([{"value", "label", "tags"}]), XML C(<keys><key><value/><label/><tags>a;b</tags></key></keys>);
        the v2 names C(keyValue) and C(keyDescription), and the files of a v2 export, are read too).
      - Its keys are declared present, as if listed in O(keys); an entry of O(keys) with the same value wins.
      - Only the keys missing from the collection are sent, so a second run changes nothing.
    type: path
  import_format:
    description:
      - The format of O(import_file), when its extension does not tell.
    type: str
    choices: [csv, json, xml]
  exclusive:
    description:
      - Revoke the active keys of the collection that are not declared in O(keys), O(generate) or O(import_file).
    type: bool
    default: false
  move:
    description:
      - When a declared value is found in another collection of the account, move that key into this collection.
        Without it, such a value fails the task before any write.
    type: bool
    default: false
  reset_quota:
    description:
      - Reset the quota of every declared key that is present. An action - the task reports a change each time.
    type: bool
    default: false
  return_values:
    description:
      - Return the key values in RV(api_key.api_keys) (for example the values Akamai generated). Values given in
        O(keys[].value) stay masked by Ansible. Set C(no_log) on the task when you use this.
    type: bool
    default: false
  return_keys:
    description:
      - Which keys RV(api_key.api_keys) lists.
      - V(all) lists every key of the collection after the task.
      - V(changed) lists only the keys the task created, generated, edited, moved, restored, revoked or reset the quota
        of (none when nothing changed). With thousands of keys this keeps the result small, which saves Ansible
        seconds in validating, masking and transferring it.
      - V(none) lists no key; RV(api_key.changes) still counts what was done.
    type: str
    choices: [all, changed, none]
    default: all
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.apikeys
  - edgegrid.access.attributes
  - edgegrid.access.attributes.write_module
attributes:
  diff_mode:
    details: The keys the task changes (created, edited, moved, restored, revoked, quota reset), before and after,
      values masked.
notes:
  - Creating keys counts against the limit of 10,000 keys per contract.
  - In v2 a key may belong to several collections; O(move=true) takes it out of all of them (as Akamai's move does).
seealso:
  - module: edgegrid.access.api_key_collection
  - module: edgegrid.access.api_key_info
'''

EXAMPLES = r'''
- name: Partner keys of the Bookstore collection, values from the vault
  edgegrid.access.api_key:
    collection: Bookstore Access
    keys:
      - value: "{{ vault_partner_a_key }}"
        label: partner-a
        tags: [partner, tier-1]
      - value: "{{ vault_partner_b_key }}"
        label: partner-b
        description: Partner B, until the end of the contract
      - value: "{{ vault_old_partner_key }}"
        state: revoked

- name: One hundred keys for the mobile app; Akamai makes the values
  edgegrid.access.api_key:
    collection_id: 108051
    generate:
      - label: mobile
        count: 100
        tags: [mobile]
    return_values: true
  no_log: true
  register: mobile_keys

- name: Exactly the keys of a file; revoke every other key of the collection
  edgegrid.access.api_key:
    collection: Bookstore Access
    contract_id: C-1EMU001
    group_id: 10001
    import_file: files/bookstore-keys.csv
    exclusive: true

- name: Ten thousand keys from a file; return only the keys this run changes
  edgegrid.access.api_key:
    collection: Bookstore Access
    import_file: files/partner-keys.csv
    return_keys: changed
  register: partner_keys

- name: Reset the quota of two keys
  edgegrid.access.api_key:
    collection: Bookstore Access
    keys:
      - label: partner-a
      - label: partner-b
    reset_quota: true
'''

RETURN = r'''
api_key:
  description: The keys of the collection after the task (predicted in check mode), and what was done.
  returned: always
  type: dict
  contains:
    collection:
      description:
        - The collection - C(id), C(name), C(contract_id), C(group_id).
        - With O(collection_id), C(name), C(contract_id) and C(group_id) are null when the collection holds keys - the
          keys show that it exists, and it is not read.
      type: dict
      sample: {id: 108051, name: Bookstore Access, contract_id: C-1EMU001, group_id: 10001}
    api_keys:
      description:
        - Every key of the collection, with O(return_keys=changed) only the keys the task changed, with
          O(return_keys=none) none. C(value) is masked unless O(return_values=true).
        - (Named so, not C(keys), because C(keys) is a method of every dict in Jinja.)
        - Keys only predicted in check mode have a null C(id).
      type: list
      elements: dict
      contains:
        id:
          description: The key id.
          type: int
        value:
          description: The key value, masked unless O(return_values=true).
          type: str
        label:
          description: The label.
          type: str
        description:
          description: The description.
          type: str
        tags:
          description: The tags, sorted.
          type: list
          elements: str
        state:
          description: V(present) or V(revoked).
          type: str
        network_status:
          description: C(PENDING_DEPLOYMENT), C(DEPLOYED), C(PENDING_REVOCATION) or C(REVOKED).
          type: str
        collection_ids:
          description: The collections the key belongs to.
          type: list
          elements: int
        created_at:
          description: When the key was created (ISO 8601).
          type: str
        revoked_at:
          description: When the key was revoked.
          type: str
        termination_at:
          description: When a revoked key will be deleted.
          type: str
        quota_update_state:
          description: The quota reset status (C(NONE), C(QUEUED), C(PROCESSING)).
          type: str
    changes:
      description: How many keys were created, generated, updated, moved, restored, revoked and quota-reset.
      type: dict
      sample: {created: 2, generated: 0, updated: 1, moved: 0, restored: 0, revoked: 1, quota_reset: 0}
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys
from ansible_collections.edgegrid.access.plugins.module_utils._module import ApiError, EdgeGridModule, Resource, mask_secrets

RETURN_KEY = 'api_key'
EDITABLE = ('label', 'description', 'tags')


def _entry_name(index, entry):
    if entry.get('label'):
        return 'keys[%d] (label %r)' % (index, entry['label'])
    return 'keys[%d]' % index


def declared_keys(params):
    """The declared keys, checked: [(name, {value, label, description, tags, state})]."""
    entries = []
    if params['import_file']:
        for spec in _apikeys.parse_key_file(params['import_file'], params['import_format']):
            spec['state'] = 'present'
            entries.append(('import_file key %r' % (spec['label'] or '?'), spec))
    explicit = {}
    for index, raw in enumerate(params['keys']):
        entry = dict(raw)
        name = _entry_name(index, entry)
        if not entry.get('value') and not entry.get('label'):
            raise _apikeys.InputError('%s: give a value, or a label for a key whose value Akamai makes' % name)
        if entry.get('value') is not None:
            _apikeys.check_length(entry['value'], _apikeys.KEY_VALUE_MAX, '%s: the value' % name, minimum=1)
            if entry['value'] in explicit:
                raise _apikeys.InputError('%s: the same value is declared in %s' % (name, explicit[entry['value']]))
            explicit[entry['value']] = name
        entries.append((name, entry))
    if explicit:
        entries = [(n, e) for n, e in entries if not (n.startswith('import_file') and e['value'] in explicit)]
    seen = {}
    labels = set()
    for name, entry in entries:
        _apikeys.check_length(entry.get('value'), _apikeys.KEY_VALUE_MAX, '%s: the value' % name, minimum=1)
        _apikeys.check_length(entry.get('label'), _apikeys.LABEL_MAX, '%s: label' % name)
        _apikeys.check_length(entry.get('description'), _apikeys.DESCRIPTION_MAX, '%s: description' % name)
        entry['tags'] = _apikeys.check_tags(entry.get('tags'), name)
        if entry.get('value'):
            if entry['value'] in seen:
                raise _apikeys.InputError('%s: the same value is declared in %s' % (name, seen[entry['value']]))
            seen[entry['value']] = name
        else:
            if entry['label'] in labels:
                raise _apikeys.InputError('%s: another entry without a value has the same label' % name)
            labels.add(entry['label'])
    return entries


def declared_generate(params, key_labels):
    result = []
    labels = set()
    for index, raw in enumerate(params['generate']):
        entry = dict(raw)
        name = 'generate[%d] (label %r)' % (index, entry['label'])
        _apikeys.check_range(entry['count'], 1, _apikeys.KEYS_PER_CONTRACT, '%s: count' % name)
        _apikeys.check_length(entry['label'], _apikeys.LABEL_MAX, '%s: label' % name, minimum=1)
        _apikeys.check_length(entry.get('description'), _apikeys.DESCRIPTION_MAX, '%s: description' % name)
        entry['tags'] = _apikeys.check_tags(entry.get('tags'), name)
        if entry['label'] in labels or entry['label'] in key_labels:
            raise _apikeys.InputError('%s: the label is declared twice (in generate or in keys without a value)'
                                      % name)
        labels.add(entry['label'])
        result.append(entry)
    return result


def _wanted(entry):
    """The editable members an entry sets, normalised as the API returns them."""
    wanted = {}
    for member in EDITABLE:
        if entry.get(member) is not None:
            wanted[member] = entry[member] if member == 'tags' else (entry[member] or None)
    return wanted


class Plan:
    """What the task will do, in neutral terms."""

    def __init__(self):
        self.create = []       # specs {value, label, description, tags}
        self.generate = []     # {label, count, description, tags}
        self.update = []       # desired neutral keys
        self.move = []         # key ids
        self.restore = []      # key ids
        self.revoke = []       # key ids
        self.quota_reset = []  # key ids
        self.declared_ids = set()

    def changes(self):
        return {'created': len(self.create), 'generated': sum(g['count'] for g in self.generate),
                'updated': len(self.update), 'moved': len(self.move), 'restored': len(self.restore),
                'revoked': len(self.revoke), 'quota_reset': len(self.quota_reset)}

    def changed(self):
        return any(self.changes().values())


def _apply_entry(plan, key, entry, moved_keys=None):
    """Plan the edits and state change of one declared entry matched to an existing key."""
    plan.declared_ids.add(key['id'])
    wanted = _wanted(entry)
    if any(key.get(member) != value for member, value in wanted.items()):
        plan.update.append(dict(key, **wanted))
    if entry['state'] == 'present' and key['state'] == 'revoked':
        plan.restore.append(key['id'])
    elif entry['state'] == 'revoked' and key['state'] == 'present':
        plan.revoke.append(key['id'])
    if moved_keys is not None:
        moved_keys.append(key)


def make_plan(api, collection, existing, entries, generate, params):
    plan = Plan()
    by_value = dict((k['value'], k) for k in existing)
    by_label = {}
    for key in existing:
        by_label.setdefault(key['label'], []).append(key)

    pending = []
    for name, entry in entries:
        if entry.get('value'):
            key = by_value.get(entry['value'])
            if key is not None:
                _apply_entry(plan, key, entry)
            elif entry['state'] == 'present':
                pending.append((name, entry))
            continue
        matches = by_label.get(entry['label'], [])
        if len(matches) > 1:
            raise _apikeys.InputError('%s: %d keys of the collection have this label (ids %s); declare the key by '
                                      'its value' % (name, len(matches), ', '.join(str(k['id']) for k in matches)))
        if matches:
            _apply_entry(plan, matches[0], entry)
        elif entry['state'] == 'present':
            plan.generate.append({'label': entry['label'], 'count': 1, 'description': entry.get('description'),
                                  'tags': entry.get('tags')})

    for entry in generate:
        active = sorted((k for k in by_label.get(entry['label'], []) if k['state'] == 'present'),
                        key=lambda k: k['id'])
        plan.declared_ids.update(k['id'] for k in active[:entry['count']])
        if len(active) < entry['count']:
            plan.generate.append(dict(entry, count=entry['count'] - len(active)))

    moved = []
    if pending:
        # Values new to this collection may exist elsewhere in the account: one read of every key finds them.
        elsewhere = dict((k['value'], k) for k in api.list_keys() if collection['id'] not in k['collection_ids'])
        for name, entry in pending:
            key = elsewhere.get(entry['value'])
            if key is None:
                plan.create.append({'value': entry['value'], 'label': entry.get('label') or None,
                                    'description': entry.get('description') or None, 'tags': entry.get('tags') or []})
            elif params['move']:
                plan.move.append(key['id'])
                _apply_entry(plan, key, entry, moved)
            else:
                raise _apikeys.InputError('%s: the value already exists in key collection %s (key id %s); set move=true '
                                          'to move that key into this collection' % (
                                              name, ', '.join(str(c) for c in key['collection_ids']), key['id']))
        total = len(plan.create) + sum(g['count'] for g in plan.generate)
        if total > _apikeys.KEYS_PER_CONTRACT:
            raise _apikeys.InputError('%d keys to create: a contract holds at most %d keys'
                                      % (total, _apikeys.KEYS_PER_CONTRACT))

    if params['exclusive']:
        plan.revoke.extend(k['id'] for k in existing if k['id'] not in plan.declared_ids and k['state'] == 'present')

    if params['reset_quota']:
        states = {}
        for name, entry in entries:
            key = by_value.get(entry['value']) if entry.get('value') else (by_label.get(entry['label']) or [None])[0]
            if key is not None:
                states[key['id']] = entry['state']
        for key in moved:
            states[key['id']] = 'present'
        plan.quota_reset = sorted(kid for kid, state in states.items() if state == 'present')
    return plan, moved


def predict(existing, moved, plan, collection_id):
    """The keys after the plan, without asking the API (check mode)."""
    keys = dict((k['id'], dict(k)) for k in existing)
    for key in moved:
        keys[key['id']] = dict(key, collection_ids=[collection_id])
    for desired in plan.update:
        keys[desired['id']].update((m, desired[m]) for m in EDITABLE)
    for kid in plan.restore:
        keys[kid].update(state='present', network_status='PENDING_DEPLOYMENT')
    for kid in plan.revoke:
        keys[kid].update(state='revoked', network_status='PENDING_REVOCATION')
    result = list(keys.values())
    new = dict(id=None, state='present', network_status='PENDING_DEPLOYMENT', collection_ids=[collection_id],
               created_at=None, revoked_at=None, termination_at=None, quota_update_state=None)
    for spec in plan.create:
        result.append(dict(new, **spec))
    for entry in plan.generate:
        for dummy in range(entry['count']):
            result.append(dict(new, value=None, label=entry['label'], description=entry.get('description') or None,
                               tags=entry.get('tags') or []))
    return result


def changed_keys(existing, after, plan):
    """The keys of `after` that the plan creates or acts on (in the order of `after`)."""
    known = set(k['id'] for k in existing)
    acted = set(desired['id'] for desired in plan.update)
    acted.update(plan.move, plan.restore, plan.revoke, plan.quota_reset)
    return [k for k in after if k['id'] is None or k['id'] not in known or k['id'] in acted]


def execute(api, collection_id, plan):
    if plan.move:
        api.move_keys(plan.move, collection_id)
    if plan.create:
        api.add_keys(collection_id, plan.create)
    for entry in plan.generate:
        api.generate_keys(collection_id, entry['count'], label=entry['label'], description=entry.get('description'),
                          tags=entry.get('tags'))
    for desired in plan.update:
        api.update_key(desired)
    if plan.restore:
        api.restore_keys(plan.restore)
    if plan.revoke:
        api.revoke_keys(plan.revoke)
    if plan.quota_reset:
        api.reset_quota(plan.quota_reset, collection_id)


class Keys(Resource):
    """The keys of one key collection, as the task declares them (the hooks of EdgeGridModule.converge).

    The resource is {'collection': {id, name, contract_id, group_id}, 'keys': [neutral keys]}; what the task does
    to it is a Plan, made by `desired` (each key's own state, present or revoked, is in the plan).
    """

    key = RETURN_KEY
    # A write whose answer was lost is settled by reading the keys again (EdgeGridModule._settle); the result then
    # shows the plan that was carried out (`executed`), not the empty plan of the read after it.
    settles = True

    def __init__(self, module, api):
        super(Keys, self).__init__(module)
        self.api = api
        self.secret_keys = () if self.params['return_values'] else ('value',)
        self.entries = self.generate = self.plan = self.moved = self.executed = None

    def find(self):
        # The input is checked before any read.
        params, api, module = self.params, self.api, self.module
        if params['collection_id'] is not None and params['collection_id'] < 1:
            raise _apikeys.InputError('collection_id must be 1 or more (the id of a key collection), got %s'
                                      % params['collection_id'])
        self.entries = declared_keys(params)
        self.generate = declared_generate(params, set(e['label'] for n, e in self.entries if not e.get('value')))
        for dummy, entry in self.entries:
            if entry.get('value'):
                module.client.add_secret(entry['value'])

        existing = None
        if params['collection_id'] is not None:
            # By id, the collection's keys are all the task needs; a collection with none is read to tell it exists.
            try:
                existing = api.list_keys(params['collection_id'])
            except ApiError as exc:
                # The emulator answers 404 for an unknown collectionId; Akamai's answer is unknown.
                if exc.status != 404:
                    raise
                existing = []
            collection = dict(id=params['collection_id'], name=None, contract_id=None, group_id=None)
            if not existing:
                collection = api.collection_object(params['collection_id'])
                if collection is None:
                    raise _apikeys.InputError('no key collection has id %s' % params['collection_id'])
        else:
            collection = _apikeys.find_collection(api, name=params['collection'], contract_id=params['contract_id'],
                                                  group_id=params['group_id'])
        if collection is None and not module.check_mode:
            raise _apikeys.InputError('no key collection named %r%s; create it with edgegrid.access.api_key_collection'
                                      % (params['collection'], ' in contract %s' % params['contract_id']
                                         if params['contract_id'] else ''))
        if collection is None:
            # In check mode the collection may be one that an earlier task would have created: predict against
            # it, empty.
            module.warn('no key collection named %r exists yet; the keys are predicted for it as an empty collection'
                        % params['collection'])
            collection = dict(id=None, name=params['collection'], contract_id=params['contract_id'],
                              group_id=params['group_id'])
            existing = []
        elif existing is None:
            existing = api.list_keys(collection['id'])
        for key in existing:
            module.client.add_secret(key['value'])
        return {'collection': collection, 'keys': existing}

    def desired(self, current):
        collection, existing = current['collection'], current['keys']
        self.plan, self.moved = make_plan(self.api, collection, existing, self.entries, self.generate, self.params)
        # The keys after the plan are predicted only where they are returned (check mode); else they are read back.
        keys = None
        if self.module.check_mode and self.plan.changed():
            keys = predict(existing, self.moved, self.plan, collection['id'])
        return {'collection': collection, 'keys': keys}

    def differs(self, current, desired):
        return self.plan.changed()

    def update(self, current, desired):
        collection_id = current['collection']['id']
        self.executed = self.plan
        execute(self.api, collection_id, self.plan)
        return {'collection': current['collection'], 'keys': self.api.list_keys(collection_id)}

    def shown(self, before, after):
        """The collection, the keys `return_keys` selects and the plan's counts; the diff holds only the keys the
        task creates or acts on (with thousands of keys, a diff of every key would hide the few that differ), their
        values always masked."""
        collection = after['collection']
        plan = self.executed or self.plan
        keys = sorted(after['keys'], key=lambda k: (k['id'] is None, k['id'] or 0))
        touched = changed_keys(before['keys'], keys, plan)
        returned = {
            'collection': dict((k, collection[k]) for k in ('id', 'name', 'contract_id', 'group_id')),
            'api_keys': {'all': keys, 'changed': touched, 'none': []}[self.params['return_keys']],
            'changes': plan.changes(),
        }
        if not self.module._diff:
            return returned, None, None
        touched_ids = set(k['id'] for k in touched)
        diff_before = {'api_keys': mask_secrets([k for k in sorted(before['keys'], key=lambda k: k['id'])
                                                 if k['id'] in touched_ids], ('value',))}
        return returned, diff_before, {'api_keys': mask_secrets(touched, ('value',))}


def main():
    module = EdgeGridModule(
        argument_spec=_apikeys.argument_spec(
            collection=dict(type='str'),
            collection_id=dict(type='int'),
            keys=dict(type='list', elements='dict', default=[], no_log=False, options=dict(
                value=dict(type='str', no_log=True),
                label=dict(type='str'),
                description=dict(type='str'),
                tags=dict(type='list', elements='str'),
                state=dict(type='str', default='present', choices=['present', 'revoked']),
            )),
            generate=dict(type='list', elements='dict', default=[], options=dict(
                label=dict(type='str', required=True),
                count=dict(type='int', required=True),
                description=dict(type='str'),
                tags=dict(type='list', elements='str'),
            )),
            import_file=dict(type='path'),
            import_format=dict(type='str', choices=list(_apikeys.IMPORT_FORMATS)),
            exclusive=dict(type='bool', default=False),
            move=dict(type='bool', default=False),
            reset_quota=dict(type='bool', default=False),
            return_values=dict(type='bool', default=False),
            return_keys=dict(type='str', default='all', choices=['all', 'changed', 'none']),
        ),
        required_one_of=[('collection', 'collection_id')],
        mutually_exclusive=[('collection', 'collection_id')],
    )
    keys = Keys(module, _apikeys.wire(module.client, module.params['api_version']))
    module.execute(module.converge, keys)


if __name__ == '__main__':
    main()
