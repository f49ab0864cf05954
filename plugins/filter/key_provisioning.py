# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The item shaping of the role edgegrid.access.key_provisioning; documented in key_provisioning_items.yml and
key_provisioning_collection_id.yml.

The role's items are read here as its Jinja read them before (the same tests: a number is any numbers.Number, a
boolean is one too; Jinja's own `int` filter and `sequence` test), so that the role refuses and passes on exactly
what it did. The items' values are handed on as they were given (not copied): the modules read them. What the modules
refuse in them without a request is found by the modules' own checks (module_utils/_apikeys.py) on the values as the
modules' argument specs read them, and told with the other problems, before the role's first write."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from numbers import Number

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.datatag import native_type_name
from ansible_collections.edgegrid.access.plugins.filter.access_report import _plain
from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _files, _funnel
from jinja2.filters import do_int
from jinja2.tests import test_sequence

# The options of a counter's element of throttling_counter's `counters`, by the counter's state.
_COUNTER_OPTIONS = {
    'absent': ('name', 'contract_id', 'group_id'),
    'present': ('name', 'description', 'contract_id', 'group_id', 'enabled', 'limit', 'on_over_limit',
                'alert_threshold', 'headers', 'error_response', 'rules'),
}
_DIGITS = re.compile('^[0-9]+$')

# The argument specs the modules read the role's elements with (their own, from _apikeys): api_key_collection's element
# of `collections` (without `state`, which the role's argument check lets through as present or absent only),
# api_key's `keys` and `generate`, throttling_counter's element of `counters` (its name, and the contract and group
# as at the module's top level; without `state`: the role gives it at the top). Built once, when the filter is loaded.
_COLLECTION_SPEC = ArgumentSpecValidator(_apikeys.COLLECTION_OPTIONS)
_KEYS_SPEC = ArgumentSpecValidator(dict(keys=_apikeys.KEYS_OPTION, generate=_apikeys.GENERATE_OPTION))
_COUNTER_SPEC = ArgumentSpecValidator(dict(
    _apikeys.COUNTER_OPTIONS, name=_apikeys.COUNTER_ELEMENT_KEYS['name'],
    contract_id=_apikeys.IDENTITY_ARGUMENT_SPEC['contract_id'], group_id=_apikeys.IDENTITY_ARGUMENT_SPEC['group_id']))
# The types a key's options are often given in already (_as_validated).
_PLAIN_TYPES = {'str': str, 'int': int, 'bool': bool}


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


def _type_name(value):
    return 'null' if value is None else native_type_name(value)


def _endpoint_names(given, at):
    """An item's acl_endpoints as the step of the ACLs by endpoint reads them: (the names, the problem or None). A
    string is comma-separated names, each trimmed (as the role's argument spec reads a list given as a string, never
    its letters); a number is a name (its text). Null, "" and [] are none given (an empty variable): []. What is no
    string or list of names, or holds an empty name (white space only), is a problem naming `at`; the names are []
    then."""
    if given is None or (isinstance(given, (str, list)) and len(given) == 0):
        return [], None
    if isinstance(given, str):
        names = [name.strip() for name in given.split(',')]
        if not all(names):
            return [], ('%s %s holds an empty name (white space, or nothing between two commas): give '
                        'comma-separated endpoint names or base paths, or "" for none'
                        % (at, json.dumps(str(given), ensure_ascii=False)))
        return names, None
    if _is_number(given) and not isinstance(given, bool):
        return [str(given)], None
    if not isinstance(given, list):
        return [], ('%s must be endpoint names or base paths (a list of strings, or one string of comma-separated '
                    'ones), not %s' % (at, _type_name(given)))
    names = []
    for position, name in enumerate(given):
        if isinstance(name, bool) or not isinstance(name, (str, Number)):
            return [], ('%s[%d] must be an endpoint name or base path (a string), not %s'
                        % (at, position, _type_name(name)))
        name = str(name)
        if not name.strip():
            return [], ('%s[%d] is empty (%s): give the name or base path of an endpoint'
                        % (at, position, json.dumps(name, ensure_ascii=False)))
        names.append(name)
    return names, None


def _export_file(export_path, playbook_dir):
    """The export file as the export task is given it and the problem the look before any write finds with it (or
    None): ('', None) for '' (no export). A blank path is a problem (a file named with white space would be written
    into the playbook's directory); else ~ and environment variables are expanded and a relative path is taken from
    the playbook's directory, as the module's `path` option reads it where it runs (the controller, in that
    directory), and the file must be one that private_file can write (_files.unwritable_file: its directory, its
    type, the directory's permission - for root too, a read-only file system and an immutable directory). Nothing is
    written (the role runs this in check mode too)."""
    if export_path == '':
        return '', None
    origin = 'key_provisioning_export_path %s' % export_path
    if not export_path.strip():
        return '', ('key_provisioning_export_path %s is blank: give the file to write, or "" for no export'
                    % json.dumps(export_path))
    if '\0' in export_path:
        return '', 'key_provisioning_export_path %s is no path: it holds a NUL character' % json.dumps(export_path)
    path = os.path.expanduser(os.path.expandvars(export_path))
    if not os.path.isabs(path):
        path = os.path.join(playbook_dir, path)
    problem = _files.unwritable_file(path)
    return path, None if problem is None else '%s %s' % (origin, problem)


def _length(value, what):
    try:
        return len(value)
    except TypeError:
        raise AnsibleFilterError('key_provisioning_items: %s has no length (%s)' % (what, type(value).__name__)) from None


def _items(value, name):
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise AnsibleFilterError('key_provisioning_items: %s must be a list of dicts' % name)
    return value


def _plain_fields(options):
    """The options of an element's argument spec, as _as_validated reads them: (name, the type its value must have
    already - a list of strings is `list` - or None when any value needs the argument spec, its choices or None,
    its default, whether it is required), once per spec."""
    fields = []
    for name, option in options.items():
        kind = option.get('type', 'str')
        if kind == 'list':
            wanted = list if option.get('elements') == 'str' else None
        else:
            wanted = _PLAIN_TYPES.get(kind)
        fields.append((name, wanted, option.get('choices'), option.get('default'), bool(option.get('required'))))
    return tuple(fields)


# The options of a declared key (api_key's `keys`), as _as_validated reads them.
_KEY_FIELDS = _plain_fields(_apikeys.KEYS_OPTION['options'])


def _as_validated(fields, value):
    """`value` (an element of a list of dicts) as the argument spec of the element (its `fields`, _plain_fields)
    would hand it on, when it needs no conversion: a dict of known options, each of the option's type already (str,
    int but no bool, bool, a list of strings), among its choices, none null, every required option given - the
    options it leaves out set to their default (else None). None otherwise: the argument spec's validator judges it
    (slower; thousands of keys are read on each host, in each task that reads the role's items)."""
    if not isinstance(value, dict):
        return None
    validated = {}
    given_count = 0
    for name, wanted, choices, default, required in fields:
        if name not in value:
            if required:
                return None
            validated[name] = default
            continue
        given_count += 1
        given = value[name]
        if wanted is None or not isinstance(given, wanted) or (wanted is int and isinstance(given, bool)):
            return None
        members = given if wanted is list else (given,)
        if wanted is list and not all(isinstance(member, str) for member in members):
            return None
        if choices is not None and not all(member in choices for member in members):
            return None
        validated[name] = given
    # An option the spec does not know: the argument spec refuses it.
    return validated if given_count == len(value) else None


def _checked(validator, params, check, secrets=()):
    """The first problem the module finds in `params`: its argument spec (`validator`), then `check` (a function of
    the options as the argument spec made them, raising _apikeys.InputError); None when there is none. `secrets`: the
    key values, masked in a message (the argument spec's own messages might quote one)."""
    problem = _funnel.shape_error(validator.argument_spec, params)
    if problem:
        return problem
    result = validator.validate(params)
    if result.error_messages:
        return remove_values(result.error_messages[0], set(secrets))
    try:
        check(result.validated_parameters)
    except _apikeys.InputError as exc:
        return str(exc)
    return None


def _key_shape_problem(keys, plain, generate):
    """The first key or key to generate of the wrong shape (a value, label or tag that is no text...), as the
    module tells it (_funnel.shape_error), by its place among all the keys (`_checked` reads only the keys that are
    not `plain`); None when there is none. `plain`: by key, _as_validated's answer (a key it took has the types
    wanted, so only the others are walked: thousands of keys, on each host)."""
    spec = _KEYS_SPEC.argument_spec
    if not isinstance(keys, list) or not all(isinstance(key, Mapping) for key in keys):
        return _funnel.shape_error(spec, {'keys': keys, 'generate': generate})
    for position, (key, done) in enumerate(zip(keys, plain)):
        if done is None:
            found = _funnel.shape_error(spec['keys']['options'], key, 'keys[%d].' % position)
            if found:
                return found
    return _funnel.shape_error(spec, {'generate': generate})


def _value_problems(collections, place_elements, key_indexes, counters, counter_elements, endpoint_names, api_version):
    """What the modules' checks of the values that need no request (api_key_collection's, api_key's and
    throttling_counter's own, in _apikeys) find in the elements the role hands them, read by the modules' argument
    specs: at most one problem per item (with a name: an item without one is a problem already), the first the
    module would report, each naming the item.

    `place_elements`: by collection, its element of api_key_collection's `collections`; `key_indexes`: the positions
    of the collections whose key task runs; `counter_elements`: (position in `counters`, element of
    throttling_counter's `counters`) of each counter handed to the module; `endpoint_names`: by collection, the names
    of its acl_endpoints that the step of the ACLs by endpoint looks up.

    The values are checked as plain copies (_plain): the argument spec's validator deep-copies what it is given, and a
    value read from a play is a container of Ansible's that refers to all the variables it may be templated with."""
    collections, place_elements, counters = _plain(collections), _plain(place_elements), _plain(counters)
    counter_elements = [(index, _plain(element)) for index, element in counter_elements]
    key_indexes = set(key_indexes)
    problems = []
    declared_in = {}  # a key value: (collection position, key position) of its first declaration
    for index, coll in enumerate(collections):
        if _no_name(coll):
            continue  # told already
        element = dict((option, value) for option, value in place_elements[index].items() if option != 'state')
        if endpoint_names[index]:
            # The ACL given with acl_endpoints is set by acl_endpoints.yml's run of the module (with the entries of
            # the endpoints): the same check.
            element['acl'] = coll.get('acl')
        found = _checked(_COLLECTION_SPEC, element, _apikeys.checked_collection)
        if index in key_indexes:
            keys = coll.get('keys') or []
            values = [str(key['value']) for key in keys
                      if isinstance(key, Mapping) and isinstance(key.get('value'), (str, Number))]
            # The keys that need no conversion as the argument spec would give them, the others (in order) by it.
            plain = [_as_validated(_KEY_FIELDS, key) for key in keys]
            others = [key for key, done in zip(keys, plain) if done is None]

            def check(params, plain=plain):
                # The key file is read by the key task alone (a file of many keys, on each host): not here.
                converted = iter(params['keys'])
                params = dict(params, keys=[done if done is not None else next(converted) for done in plain],
                              import_file=None, import_format=None, api_version=api_version)
                _apikeys.declared(params)
            found = (found or _key_shape_problem(keys, plain, coll.get('generate'))
                     or _checked(_KEYS_SPEC, {'keys': others, 'generate': coll.get('generate') or []}, check, values))
            # A value is one key, in one collection (the API refuses it in a second one; with `move` in both, each
            # run would move it back and forth): declared in two collections, it is told, never quoted.
            for position, key in enumerate(keys):
                value = key.get('value') if isinstance(key, Mapping) else None
                if not isinstance(value, (str, Number)) or isinstance(value, bool) or str(value) == '':
                    continue
                first = declared_in.setdefault(str(value), (index, position))
                if first[0] != index and not found:
                    found = ('keys[%d] declares the value of key_provisioning_collections[%d] (%s).keys[%d]: a key '
                             'is in one collection; declare it in the one it belongs to (move: true there takes it '
                             'from the other)' % (position, first[0], collections[first[0]].get('name'), first[1]))
        if found:
            problems.append('key_provisioning_collections[%d] (%s): %s' % (index, coll.get('name'), found))
    has_alert_threshold = (_apikeys.wire(None, api_version).has_alert_threshold
                           if api_version in _apikeys.API_VERSIONS else True)
    for index, element in counter_elements:
        if _no_name(counters[index]):
            continue  # told already
        found = _checked(_COUNTER_SPEC, element, lambda params: _apikeys.checked_parts(params, has_alert_threshold))
        if found:
            problems.append('key_provisioning_counters[%d] (%s): %s' % (index, counters[index].get('name'), found))
    return problems


def key_provisioning_items(collections, counters=None, contract_id='', group_id='', export_path='', playbook_dir='',
                           api_version=_apikeys.DEFAULT_API_VERSION, value_checks=True):
    """What the tasks of the role key_provisioning run over, from its collections and counters (`value_checks`
    false: without the modules' checks of the values in `problems`, which read every key)."""
    collections = _items(collections, 'the input (key_provisioning_collections)')
    counters = _items([] if counters is None else counters, 'counters (key_provisioning_counters)')
    if not isinstance(export_path, str):
        raise AnsibleFilterError('key_provisioning_items: export_path (the role\'s key_provisioning_export_path) must '
                                 'be a path (a string), not %s' % native_type_name(export_path))

    # The counters as elements of the module's `counters`, in two lists (to delete, to create or update): the options
    # the module takes, without `state` and without an empty contract_id or group_id (the role's applies).
    counter_elements = {'absent': [], 'present': []}
    handed = []  # (position in counters, element) of each counter handed to the module
    for counter_index, counter in enumerate(counters):
        state = counter.get('state') or 'present'
        options = _COUNTER_OPTIONS['absent' if state == 'absent' else 'present']
        element = dict((option, value) for option, value in counter.items()
                       if option in options and (value or option not in ('contract_id', 'group_id')))
        if isinstance(state, str) and state in counter_elements:
            counter_elements[state].append(element)
            handed.append((counter_index, element))

    import_files = [_import_file(coll, playbook_dir) for coll in collections]
    # The names of each collection's acl_endpoints, looked up for the collections that are present ([]: none given).
    endpoints = [_endpoint_names(coll.get('acl_endpoints'),
                                 'key_provisioning_collections[%d] (%s).acl_endpoints' % (index, coll.get('name', '?')))
                 for index, coll in enumerate(collections)]
    endpoint_names = [names if coll.get('state', 'present') == 'present' else []
                      for coll, (names, dummy) in zip(collections, endpoints)]

    # The collection elements, one module run per contract and group (as given: the module reads them).
    places = []
    place_collections = []
    elements = []  # by collection, its element
    for coll, (names, dummy) in zip(collections, endpoints):
        place = [coll.get('contract_id') or contract_id, coll.get('group_id') or group_id]
        element = {
            'name': coll.get('name'),
            'description': coll.get('description'),
            'quota': coll.get('quota'),
            # With acl_endpoints, the ACL is set by their step (acl_endpoints.yml), the item's acl with them.
            'acl': coll['acl'] if 'acl' in coll and not names else None,
            'state': coll.get('state', 'present'),
        }
        elements.append(element)
        if place in places:
            place_collections[places.index(place)].append(element)
        else:
            places.append(place)
            place_collections.append([element])

    # The files first: the export file (written at the end of the run, after the API's writes), then the key files.
    export_file, problem = _export_file(export_path, playbook_dir)
    problems = [] if problem is None else [problem]
    seen = {}
    deleted = set()
    for index, coll in enumerate(collections):
        path = import_files[index]
        if coll.get('state', 'present') == 'present' and endpoints[index][1] is not None:
            problems.append(endpoints[index][1])
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

    # The values the modules check before their first request, checked here before the role's first write.
    if value_checks:
        problems.extend(_value_problems(collections, elements, key_indexes, counters, handed, endpoint_names,
                                        api_version))

    acl_endpoints = any(endpoint_names)
    return {
        'counters_absent': counter_elements['absent'],
        'counters_present': counter_elements['present'],
        'import_files': import_files,
        'export_file': export_file,
        'acl_endpoint_names': endpoint_names,
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
