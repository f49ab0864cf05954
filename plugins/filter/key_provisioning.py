# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The item shaping of the role edgegrid.access.key_provisioning; documented in key_provisioning_items.yml and
key_provisioning_collection_id.yml.

The role's items are read here as its Jinja read them before (the same tests: a number is any numbers.Number, a
boolean is one too; Jinja's own `int` filter and `sequence` test), so that the role refuses and passes on exactly
what it did. The items' values are handed on as they were given (not copied): the modules read them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from numbers import Number

from ansible.errors import AnsibleFilterError
from ansible.module_utils.datatag import native_type_name
from jinja2.filters import do_int
from jinja2.tests import test_sequence

# The options of a counter's element of throttling_counter's `counters`, by the counter's state.
_COUNTER_OPTIONS = {
    'absent': ('name', 'contract_id', 'group_id'),
    'present': ('name', 'description', 'contract_id', 'group_id', 'enabled', 'limit', 'on_over_limit',
                'alert_threshold', 'headers', 'error_response', 'rules'),
}
_DIGITS = re.compile('^[0-9]+$')


def _is_number(value):
    return isinstance(value, Number)


def _place_of(item, contract_id, group_id):
    """A contract and group as the modules read them: the group a number ("010002" is 10002), empty for the role's."""
    group = item.get('group_id') or group_id or ''
    if _is_number(group) or (isinstance(group, str) and _DIGITS.match(group)):
        group = do_int(group)
    return '%s %s' % (item.get('contract_id') or contract_id or '', group)


def _no_name(item):
    """Whether an item's name is no name: unset, null, a boolean, a mapping, empty, anything but a string or number."""
    if 'name' not in item:
        return True
    name = item['name']
    return (isinstance(name, bool) or isinstance(name, Mapping) or not (isinstance(name, str) or _is_number(name))
            or len(str(name)) == 0)


def _import_file(coll, playbook_dir):
    """An item's import_file as the module is given it: a relative path from the playbook's directory, '' for none."""
    given = coll.get('import_file')
    if _is_number(given) and not isinstance(given, bool):
        # A number names a file, as the module reads it.
        given = str(given)
    if isinstance(given, str) and len(given) > 0:
        path = os.path.expanduser(given)
        return path if os.path.isabs(path) else '%s/%s' % (playbook_dir, path)
    # Unset, null or empty: none. Anything else that is no string (false, 0, a list) is kept, for the check before any
    # write to name it.
    return '' if given is None or isinstance(given, str) else given


def _length(value, what):
    try:
        return len(value)
    except TypeError:
        raise AnsibleFilterError('key_provisioning_items: %s has no length (%s)' % (what, type(value).__name__)) from None


def _items(value, name):
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise AnsibleFilterError('key_provisioning_items: %s must be a list of dicts' % name)
    return value


def key_provisioning_items(collections, counters=None, contract_id='', group_id='', export_path='', playbook_dir=''):
    """What the tasks of the role key_provisioning run over, from its collections and counters."""
    collections = _items(collections, 'the input (key_provisioning_collections)')
    counters = _items([] if counters is None else counters, 'counters (key_provisioning_counters)')
    if not isinstance(export_path, str):
        raise AnsibleFilterError('key_provisioning_items: export_path (the role\'s key_provisioning_export_path) must '
                                 'be a path (a string), not %s' % native_type_name(export_path))

    # The counters as elements of the module's `counters`, in two lists (to delete, to create or update): the options
    # the module takes, without `state` and without an empty contract_id or group_id (the role's applies).
    counter_elements = {'absent': [], 'present': []}
    for counter in counters:
        state = counter.get('state') or 'present'
        options = _COUNTER_OPTIONS['absent' if state == 'absent' else 'present']
        element = dict((option, value) for option, value in counter.items()
                       if option in options and (value or option not in ('contract_id', 'group_id')))
        if isinstance(state, str) and state in counter_elements:
            counter_elements[state].append(element)

    import_files = [_import_file(coll, playbook_dir) for coll in collections]

    # The collection elements, one module run per contract and group (as given: the module reads them).
    places = []
    place_collections = []
    for coll in collections:
        place = [coll.get('contract_id') or contract_id, coll.get('group_id') or group_id]
        element = {
            'name': coll.get('name'),
            'description': coll.get('description'),
            'quota': coll.get('quota'),
            'acl': coll['acl'] if 'acl' in coll and coll.get('acl_endpoints') is None else None,
            'state': coll.get('state', 'present'),
        }
        if place in places:
            place_collections[places.index(place)].append(element)
        else:
            places.append(place)
            place_collections.append([element])

    problems = []
    seen = {}
    deleted = set()
    for index, coll in enumerate(collections):
        path = import_files[index]
        if (not isinstance(path, str) or path) and coll.get('state', 'present') == 'present':
            at = 'key_provisioning_collections[%d] (%s).import_file' % (index, coll.get('name', '?'))
            if not isinstance(path, str):
                problems.append(at + ' must be a path (a string)')
            elif not os.path.exists(path):
                problems.append('%s %s: no such file' % (at, path))
            elif os.path.isdir(path):
                problems.append('%s %s: is a directory; give the file of keys' % (at, path))
            elif not os.path.isfile(path):
                problems.append('%s %s: is not a regular file (a FIFO or a device); give the file of keys' % (at, path))
        if _no_name(coll):
            problems.append('key_provisioning_collections[%d].name must be a name (a string)' % index)
        place = '%s %s' % (_place_of(coll, contract_id, group_id), coll.get('name', ''))
        if place in seen:
            problems.append('key_provisioning_collections[%d] and [%d] both declare the collection "%s" (one contract '
                            'and group): give each once' % (seen[place], index, coll.get('name')))
        else:
            seen[place] = index
        if (coll.get('state') or 'present') == 'absent':
            deleted.add(place)
    seen = {}
    for index, counter in enumerate(counters):
        where = _place_of(counter, contract_id, group_id)
        place = '%s %s' % (where, counter.get('name', ''))
        if _no_name(counter):
            problems.append('key_provisioning_counters[%d].name must be a name (a string)' % index)
        state = counter.get('state') or 'present'
        if place in seen:
            problems.append('key_provisioning_counters[%d] and [%d] declare the counter "%s" %s: give it once'
                            % (seen[place][0], index, counter.get('name'),
                               'both absent and present' if seen[place][1] != state else 'twice'))
        else:
            seen[place] = (index, state)
        if state == 'present':
            # The collections its rules name, read as the module's list option reads them (a string: comma-separated).
            rules = counter.get('rules') or {}
            named = (rules.get('key_collections') if isinstance(rules, Mapping) else None) or []
            if isinstance(named, str):
                named = [name.strip() for name in named.split(',')]
            elif not test_sequence(named) or isinstance(named, Mapping):
                named = [named]
            for name in named:
                if '%s %s' % (where, name) in deleted:
                    problems.append('key_provisioning_counters[%d] (%s).rules.key_collections names the collection '
                                    '"%s", which key_provisioning_collections deletes (state: absent)'
                                    % (index, counter.get('name'), name))

    # The collections whose keys task runs: those present that have keys to keep (or all of them, for the export).
    key_indexes = []
    for index, coll in enumerate(collections):
        path = import_files[index]
        generate = coll.get('generate')
        if coll.get('state', 'present') == 'present' and (
                len(export_path) > 0 or _length(coll.get('keys') or [], 'keys') > 0
                or (len(path) > 0 if isinstance(path, str) else True)
                or _length([] if generate is None else generate, 'generate') > 0 or coll.get('exclusive', False)):
            key_indexes.append(index)

    acl_endpoints = any(coll.get('acl_endpoints') is not None for coll in collections)
    return {
        'counters_absent': counter_elements['absent'],
        'counters_present': counter_elements['present'],
        'import_files': import_files,
        'places': places,
        'place_collections': place_collections,
        'problems': problems,
        'key_indexes': key_indexes,
        'acl_endpoints': acl_endpoints,
        'other_steps': bool(len(export_path) > 0 or problems or counter_elements['absent'] or acl_endpoints),
    }


def key_provisioning_collection_id(results, collection, contract_id='', group_id=''):
    """The id the role's collection task (its registered `results`) returned for one of its collection items."""
    if not isinstance(results, list) or not isinstance(collection, Mapping):
        raise AnsibleFilterError('key_provisioning_collection_id: the input must be the results of the collection task'
                                 ' and collection one item of key_provisioning_collections')
    place = [collection.get('contract_id') or contract_id, collection.get('group_id') or group_id]
    for result in results:
        if not isinstance(result, Mapping) or result.get('key_provisioning__place') != place:
            continue
        for element in result.get('api_key_collections') or []:
            if isinstance(element, Mapping) and 'name' in element and element['name'] == collection.get('name'):
                found = element.get('api_key_collection')
                return found.get('id') if isinstance(found, Mapping) else None
    return None


class FilterModule:
    """The key_provisioning filters."""

    def filters(self):
        return {
            'key_provisioning_items': key_provisioning_items,
            'key_provisioning_collection_id': key_provisioning_collection_id,
        }
