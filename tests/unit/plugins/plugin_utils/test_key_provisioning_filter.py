# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The key_provisioning filters: the item shaping of the role edgegrid.access.key_provisioning (its tasks are run
against the emulator in tests/controller/test_key_provisioning_places.py and the integration target).

Here, not beside the tests of modules: importing controller code changes where modules send their warnings, and the
tests of modules run in the same process. The filters are imported in each test, not when pytest collects the file."""

from __future__ import annotations

import os

import pytest
from akamai_emulator.testing import unwritable_directory


def _filters():
    from ansible_collections.edgegrid.access.plugins.filter import key_provisioning  # pylint: disable=import-outside-toplevel
    return key_provisioning


def items(collections, **kwargs):
    kwargs.setdefault('playbook_dir', '/play')
    return _filters().key_provisioning_items(collections, **kwargs)


def test_places_group_the_collection_elements_without_key_values():
    out = items([{'name': 'a', 'keys': [{'label': 'k', 'value': 'secret-value'}], 'quota': {'limit': 5}},
                 {'name': 'b', 'group_id': 22, 'acl': ['ENDPOINT-1'], 'description': 'second'},
                 {'name': 'c', 'contract_id': 'C-2', 'acl': ['ENDPOINT-2'], 'acl_endpoints': ['Bookstore API'],
                  'state': 'absent'},
                 {'name': 'd', 'acl': ['ENDPOINT-3'], 'acl_endpoints': None}],
                contract_id='C-1', group_id=11)
    assert out['places'] == [['C-1', 11], ['C-1', 22], ['C-2', 11]]
    assert out['place_collections'] == [
        [{'name': 'a', 'description': None, 'quota': {'limit': 5}, 'acl': None, 'state': 'present'},
         {'name': 'd', 'description': None, 'quota': None, 'acl': ['ENDPOINT-3'], 'state': 'present'}],
        [{'name': 'b', 'description': 'second', 'quota': None, 'acl': ['ENDPOINT-1'], 'state': 'present'}],
        # acl_endpoints given: the ACL is set by the endpoint steps, not here.
        [{'name': 'c', 'description': None, 'quota': None, 'acl': None, 'state': 'absent'}]]
    assert 'secret-value' not in repr(out['place_collections'])
    # A place is as the items give it (a module run each), the role's values where they give none.
    out = items([{'name': 'a', 'group_id': '22'}, {'name': 'b', 'group_id': 22}, {'name': 'c', 'contract_id': ''}],
                contract_id='', group_id=0)
    assert out['places'] == [['', '22'], ['', 22], ['', 0]]
    assert out['acl_endpoints'] is False and out['other_steps'] is False


def test_import_files_are_resolved_as_the_module_is_given_them(tmp_path):
    home = os.path.expanduser('~')
    out = items([{'name': 'rel', 'import_file': 'keys/a.csv'}, {'name': 'abs', 'import_file': '/data/b.csv'},
                 {'name': 'home', 'import_file': '~/c.csv'}, {'name': 'number', 'import_file': 123},
                 {'name': 'none'}, {'name': 'null', 'import_file': None}, {'name': 'empty', 'import_file': ''},
                 {'name': 'false', 'import_file': False, 'state': 'absent'},
                 {'name': 'list', 'import_file': ['x.csv'], 'state': 'absent'}],
                playbook_dir=str(tmp_path))
    assert out['import_files'] == [str(tmp_path) + '/keys/a.csv', '/data/b.csv', home + '/c.csv',
                                   str(tmp_path) + '/123', '', '', '', False, ['x.csv']]


def test_problems_name_each_item_in_the_order_of_the_checks(tmp_path):
    (tmp_path / 'dir').mkdir()
    (tmp_path / 'keys.csv').write_text('VALUE,LABEL,TAGS\n')
    os.mkfifo(str(tmp_path / 'fifo'))
    collections = [
        {'name': 'ok', 'import_file': 'keys.csv'},
        {'name': 'missing', 'import_file': 'missing.csv'},
        {'name': 'dir', 'import_file': str(tmp_path / 'dir')},
        {'name': 'fifo', 'import_file': 'fifo'},
        {'name': 'list', 'import_file': ['a.csv']},
        # Deleted, or a state that is null: its key file is not checked.
        {'name': 'gone', 'import_file': 'missing.csv', 'state': 'absent'},
        {'name': 'nulled', 'import_file': False, 'state': None},
        {'import_file': False},
        {'name': True},
        {'name': {'a': 1}},
        {'name': ''},
        {'name': None},
        {'name': 2027},
        # "010002" is 10002, as the modules read a group.
        {'name': 'twice', 'group_id': '010002'},
        {'name': 'twice', 'group_id': 10002},
        {'name': 'twice', 'group_id': 10003},
    ]
    counters = [
        {'name': 'flip', 'state': 'absent'},
        {'name': 'flip', 'limit': 10},
        {'name': 'again', 'limit': 10},
        {'name': 'again', 'limit': 20, 'state': None},
        {'limit': 10},
        {'name': 'rules', 'limit': 10, 'group_id': 10003, 'rules': {'key_collections': 'gone, twice'}},
        {'name': 'rules2', 'limit': 10, 'rules': {'key_collections': ['gone', 'kept', 5]}},
        {'name': 'rules3', 'limit': 10, 'rules': {'key_collections': 'gone'}, 'state': 'absent'},
    ]
    out = items(collections, counters=counters, contract_id='C-1', group_id=10001, playbook_dir=str(tmp_path))
    at = 'key_provisioning_collections[%d] (%s).import_file'
    assert out['problems'] == [
        '%s %s: no such file' % (at % (1, 'missing'), tmp_path / 'missing.csv'),
        '%s %s: is a directory; give the file of keys' % (at % (2, 'dir'), tmp_path / 'dir'),
        '%s %s: is not a regular file (a FIFO or a device); give the file of keys' % (at % (3, 'fifo'), tmp_path / 'fifo'),
        at % (4, 'list') + ' must be a path (a string)',
        'key_provisioning_collections[7] (?).import_file must be a path (a string)',
        'key_provisioning_collections[7].name must be a name (a string)',
        'key_provisioning_collections[8].name must be a name (a string)',
        'key_provisioning_collections[9].name must be a name (a string)',
        'key_provisioning_collections[10].name must be a name (a string)',
        # No name and an empty one: both are "" in one contract and group.
        'key_provisioning_collections[7] and [10] both declare the collection "" (one contract and group): '
        'give each once',
        'key_provisioning_collections[11].name must be a name (a string)',
        'key_provisioning_collections[13] and [14] both declare the collection "twice" (one contract and group): '
        'give each once',
        'key_provisioning_counters[0] and [1] declare the counter "flip" both absent and present: give it once',
        'key_provisioning_counters[2] and [3] declare the counter "again" twice: give it once',
        'key_provisioning_counters[4].name must be a name (a string)',
        'key_provisioning_counters[6] (rules2).rules.key_collections names the collection "gone", which '
        'key_provisioning_collections deletes (state: absent)',
    ]
    assert out['other_steps'] is True


def test_a_deleted_collection_counts_in_its_own_contract_and_group_only():
    collections = [{'name': 'gone', 'state': 'absent'}, {'name': 'gone', 'group_id': 7}]
    counters = [{'name': 'here', 'limit': 10, 'rules': {'key_collections': 'x, gone'}},
                {'name': 'there', 'limit': 10, 'group_id': '07', 'rules': {'key_collections': ['gone']}},
                {'name': 'number', 'limit': 10, 'rules': {'key_collections': 5}}]
    out = items(collections, counters=counters, contract_id='C-1', group_id=1)
    assert out['problems'] == [
        'key_provisioning_counters[0] (here).rules.key_collections names the collection "gone", which '
        'key_provisioning_collections deletes (state: absent)']


def test_counters_split_by_state_with_the_options_the_module_takes():
    counters = [
        {'name': 'keep', 'limit': 10, 'contract_id': '', 'group_id': 0, 'description': 'd', 'rules': {'acl': ['METHOD-1']},
         'enabled': False, 'state': 'present'},
        {'name': 'drop', 'limit': 10, 'contract_id': 'C-9', 'group_id': None, 'state': 'absent'},
        {'name': 'default', 'alert_threshold': 80, 'state': None, 'group_id': 5},
    ]
    out = items([], counters=counters)
    assert out['counters_present'] == [
        {'name': 'keep', 'limit': 10, 'description': 'd', 'rules': {'acl': ['METHOD-1']}, 'enabled': False},
        {'name': 'default', 'alert_threshold': 80, 'group_id': 5}]
    assert out['counters_absent'] == [{'name': 'drop', 'contract_id': 'C-9'}]
    assert out['other_steps'] is True and out['problems'] == [] and out['places'] == []


def test_the_key_task_runs_for_the_collections_with_keys_to_set(tmp_path):
    (tmp_path / 'keys.csv').write_text('VALUE,LABEL,TAGS\n')
    collections = [{'name': 'none'}, {'name': 'keys', 'keys': [{'value': 'v'}]}, {'name': 'empty', 'keys': None},
                   {'name': 'file', 'import_file': 'keys.csv'}, {'name': 'generate', 'generate': [{'label': 'g', 'count': 1}]},
                   {'name': 'exclusive', 'exclusive': True}, {'name': 'gone', 'keys': [{'value': 'v'}], 'state': 'absent'},
                   {'name': 'nulled', 'keys': [{'value': 'v'}], 'state': None}]
    out = items(collections, playbook_dir=str(tmp_path))
    assert out['key_indexes'] == [1, 3, 4, 5]
    assert out['problems'] == [] and out['other_steps'] is False
    # The export lists every key of every collection that is present.
    out = items(collections, playbook_dir=str(tmp_path), export_path='/tmp/export.yml')
    assert out['key_indexes'] == [0, 1, 2, 3, 4, 5]
    assert out['other_steps'] is True


def test_generate_null_is_nothing_to_generate():
    """`generate: null` (a YAML key without value) is no key to generate: the key task does not run for it (the
    role's template failed on it: "object of type 'NoneType' has no len()")."""
    out = items([{'name': 'a', 'generate': None}, {'name': 'b', 'generate': None, 'keys': [{'value': 'v'}]}])
    assert out['key_indexes'] == [1]
    assert out['problems'] == [] and out['other_steps'] is False


def test_odd_states_and_export_paths_are_refused_or_passed_on_without_a_python_error():
    """A counter state that is no string is neither list (the module refuses it); an export path that is no string
    is refused naming the role's variable."""
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    out = items([], counters=[{'name': 'a', 'state': ['x']}])
    assert out['counters_absent'] == [] and out['counters_present'] == []
    for path in (5, None, ['a']):
        with pytest.raises(AnsibleFilterError, match="key_provisioning_export_path. must be a path .a string., not "):
            items([], export_path=path)


def test_acl_endpoints_need_their_step():
    out = items([{'name': 'a', 'acl_endpoints': None}, {'name': 'b'}])
    assert out['acl_endpoints'] is False and out['other_steps'] is False
    out = items([{'name': 'a', 'acl_endpoints': 'Bookstore API'}])
    assert out['acl_endpoints'] is True and out['other_steps'] is True


def test_collection_id_from_the_run_of_its_contract_and_group():
    collection_id = _filters().key_provisioning_collection_id
    results = [
        {'key_provisioning__place': ['C-1', 11], 'api_key_collections': [
            {'name': 'a', 'api_key_collection': {'id': 1}}, {'name': 'b', 'api_key_collection': {'id': None}}]},
        {'key_provisioning__place': ['C-1', 22], 'api_key_collections': [{'name': 'a', 'api_key_collection': {'id': 2}}]},
        {'key_provisioning__place': ['C-2', 11], 'api_key_collections': None},
    ]
    assert collection_id(results, {'name': 'a'}, contract_id='C-1', group_id=11) == 1
    assert collection_id(results, {'name': 'a', 'group_id': 22}, contract_id='C-1', group_id=11) == 2
    assert collection_id(results, {'name': 'b'}, contract_id='C-1', group_id=11) is None
    assert collection_id(results, {'name': 'a', 'contract_id': 'C-2'}, contract_id='C-1', group_id=11) is None
    assert collection_id(results, {'name': 'c'}, contract_id='C-1', group_id=11) is None


def test_a_wrong_input_type_is_a_filter_error():
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match='key_provisioning_collections'):
        items({'name': 'a'})
    with pytest.raises(AnsibleFilterError, match='key_provisioning_counters'):
        items([], counters=['name=a'])
    with pytest.raises(AnsibleFilterError, match='results'):
        _filters().key_provisioning_collection_id({}, {'name': 'a'})


def test_the_modules_value_checks_are_problems_before_any_write():
    """What api_key_collection, api_key and throttling_counter refuse in their input before their first request is a
    problem (told before the role's first write, the counters to delete included), in the modules' words, naming the
    item; a key value is never quoted."""
    secret = ' declared-secret-value'
    collections = [
        {'name': 'fine', 'quota': {'limit': 1000}},
        {'name': 'low', 'quota': {'enabled': True, 'limit': 5}},
        {'name': 'year', 'quota': {'interval': 'YEAR'}},
        {'name': 'acl', 'acl': ['ENDPOINT-1', 'ENDPONT-2']},
        {'name': 'by-endpoint', 'acl': ['nope'], 'acl_endpoints': ['Bookstore API']},
        {'name': 'spaced', 'keys': [{'label': 'ok', 'value': 'fine-value'}, {'label': 'partner', 'value': secret}]},
        {'name': 'long', 'keys': [{'value': 'v' * 65}]},
        {'name': 'nothing', 'keys': [{'description': 'neither value nor label'}]},
        {'name': 'state', 'keys': [{'value': secret.strip(), 'state': 'gone'}]},
        {'name': 'tags', 'keys': [{'label': 'k', 'tags': ['']}]},
        {'name': 'zero', 'generate': [{'label': 'g', 'count': 0}]},
        {'name': 'twice', 'keys': [{'label': 'g'}], 'generate': [{'label': 'g', 'count': 1}]},
        {'name': 'x' * 201, 'state': 'absent'},
    ]
    counters = [{'name': 'gone', 'state': 'absent'}, {'name': 'slow', 'limit': 5},
                {'name': 'alert', 'limit': 10, 'alert_threshold': 99},
                {'name': 'error', 'limit': 10, 'error_response': {'body': 'x'}},
                {'name': 'headers', 'limit': 10, 'headers': {'client': ['X-Other']}}]
    out = items(collections, counters=counters, contract_id='C-1', group_id=1)
    at = 'key_provisioning_collections[%d] (%s): '
    assert out['problems'] == [
        at % (1, 'low') + 'quota.limit must be between 100 and 1000000000, got 5',
        at % (2, 'year') + 'value of interval must be one of: HOUR_1, HOUR_6, HOUR_12, DAY, WEEK, MONTH, got: YEAR '
        'found in quota',
        at % (3, 'acl') + "acl: 'ENDPONT-2' is not an ACL entry; use ENDPOINT-<id>, RESOURCE-<id> or METHOD-<id>",
        # Set by the module's run with the entries of the endpoints (acl_endpoints.yml): the same check.
        at % (4, 'by-endpoint') + "acl: 'nope' is not an ACL entry; use ENDPOINT-<id>, RESOURCE-<id> or METHOD-<id>",
        at % (5, 'spaced') + "keys[1] (label 'partner'): the value begins or ends with white space: remove it (Akamai "
        "keeps it, so it would be another key, label or name than the one without it)",
        at % (6, 'long') + 'keys[0]: the value must be 1 to 64 characters long, got 65',
        at % (7, 'nothing') + 'keys[0]: give a value, or a label for a key whose value Akamai makes',
        at % (8, 'state') + 'value of state must be one of: present, revoked, got: gone found in keys',
        at % (9, 'tags') + "keys[0] (label 'k'): tags[0] is empty or null (''): each tag is 1 to 50 characters long",
        at % (10, 'zero') + "generate[0] (label 'g'): count must be between 1 and 10000, got 0",
        at % (11, 'twice') + "generate[0] (label 'g'): the label is declared twice (in generate or in keys without a "
        "value)",
        at % (12, 'x' * 201) + 'name must be 1 to 200 characters long, got 201',
        'key_provisioning_counters[1] (slow): limit must be between 10 and 1000000, got 5',
        'key_provisioning_counters[2] (alert): alert_threshold must be between 70 and 98, got 99',
        'key_provisioning_counters[3] (error): error_response.status_code is required (left out, or given as null)',
        'key_provisioning_counters[4] (headers): value of client must be one or more of: X-Throttling-Limit, '
        'X-Throttling-Rate. Got no match for: X-Other found in headers',
    ]
    assert secret.strip() not in repr(out['problems'])
    assert out['other_steps'] is True


def test_the_values_are_read_as_the_modules_argument_specs_read_them():
    """A value the module's argument spec converts ("100" is 100, a comma-separated string is a list) is judged as
    the module sees it: what the module accepts passes; the checks of the API version are the module's (v1: a key
    value with a comma would be split, no alert threshold); the keys of a collection deleted are not read (its key
    task does not run)."""
    collections = [
        {'name': 'text', 'quota': {'limit': '100', 'enabled': 'yes', 'allow_headers': 'X-RateLimit-Limit'}},
        {'name': 'keys', 'keys': [{'value': 12345678, 'label': 2027, 'tags': 'a,b', 'state': 'revoked'},
                                  {'value': 'a,b'}],
         'generate': [{'label': 'g', 'count': '3', 'tags': ['x']}]},
        {'name': 'gone', 'state': 'absent', 'keys': [{'value': ' spaced'}], 'generate': [{'label': 'g', 'count': 0}]},
        {'name': 'nulled', 'generate': None, 'keys': None},
    ]
    counters = [{'name': 'text', 'limit': '10', 'enabled': 'true', 'alert_threshold': '70'}]
    out = items(collections, counters=counters)
    assert out['problems'] == [] and out['other_steps'] is False
    # ansible-core splits 'a, b' into 'a' and ' b': a tag Akamai would keep with its space.
    spaced = [dict(collections[1], keys=[dict(collections[1]['keys'][0], tags='a, b')])]
    assert items(spaced)['problems'] == [
        "key_provisioning_collections[0] (keys): keys[0] (label '2027'): tags[1] begins or ends with white space "
        "(' b'): remove it (Akamai keeps it, so it would be another key, label or name than the one without it)"]
    out = items(collections, counters=counters, api_version='v1')
    assert out['problems'] == [
        'key_provisioning_collections[1] (keys): keys[1]: the value holds a comma, semicolon or line break: API Keys v1 '
        'splits a value there into several keys',
        'key_provisioning_counters[0] (text): alert_threshold is available in API Keys v2 only (api_version: v2)']
    out = items([{'name': 'bad', 'generate': [{'label': 'g', 'count': 'many'}], 'keys': [{'value': 'secret-x', 'x': 1}]}])
    assert len(out['problems']) == 1 and 'secret-x' not in out['problems'][0], out['problems']
    assert out['problems'][0].startswith('key_provisioning_collections[0] (bad): ')


def test_keys_that_need_no_conversion_are_taken_as_the_argument_spec_gives_them():
    """The short way of the filter for a key that needs no conversion gives what the module's argument spec gives; any
    other key goes through the argument spec."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator  # pylint: disable=import-outside-toplevel
    from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys  # pylint: disable=import-outside-toplevel
    fields = _filters()._plain_fields(_apikeys.KEYS_OPTION['options'])
    validator = ArgumentSpecValidator(dict(keys=_apikeys.KEYS_OPTION))
    plain = [{'value': 'v'}, {'label': 'l', 'tags': ['a', 'b'], 'state': 'revoked'}, {'value': 'v', 'description': 'd'},
             {'value': 'v', 'label': 'l', 'description': 'd', 'tags': [], 'state': 'present'}, {}]
    converted = [{'value': 5}, {'label': 'l', 'tags': 'a,b'}, {'value': 'v', 'state': 'gone'}, {'value': None},
                 {'value': 'v', 'other': 1}, {'label': True}, {'label': 'l', 'tags': [1]}, ['value']]
    for key in plain:
        result = validator.validate({'keys': [key]})
        assert not result.error_messages, key
        assert _filters()._as_validated(fields, key) == result.validated_parameters['keys'][0], key
    for key in converted:
        assert _filters()._as_validated(fields, key) is None, key


def test_values_the_modules_would_turn_into_text_are_problems():
    """A list, mapping or boolean for a string (a key value, a label, a tag, a name, an ACL entry), a boolean for a
    number: the argument spec would make "['a']", "True" or 1 of it and the module write that (a live key "True"). A
    problem before any write, in the module's words (_funnel.shape_error), naming the key by its place among all the
    collection's keys, never quoting a value."""
    collections = [
        {'name': 'keys', 'keys': [{'value': 'fine-value-1'}, {'value': 'fine-value-2', 'label': 'b'},
                                  {'value': ['secret-part-1', 'secret-part-2'], 'label': 'partner'}]},
        {'name': 'bool', 'keys': [{'value': True}]},
        {'name': 'label', 'keys': [{'label': {'a': 1}}]},
        {'name': 'tags', 'keys': [{'value': 'fine-value-3', 'tags': ['x', False]}]},
        {'name': 'count', 'generate': [{'label': 'g', 'count': True}]},
        {'name': 'acl', 'acl': [['ENDPOINT-1']]},
        {'name': 'description', 'description': False},
        {'name': 'number', 'keys': [{'value': 12345678, 'label': 0}]},  # a number is its text, as Ansible gives it
    ]
    counters = [{'name': 'limit', 'limit': True}, {'name': 'rules', 'limit': 10, 'rules': {'acl': [{'ENDPOINT': 1}]}}]
    out = items(collections, counters=counters, contract_id='C-1', group_id=1)
    at = 'key_provisioning_collections[%d] (%s): '
    unquoted = ' (YAML reads yes, no, true, false, on and off unquoted as booleans: quote the text)'
    assert out['problems'] == [
        at % (0, 'keys') + 'keys[2].value must be a string; got a list',
        at % (1, 'bool') + 'keys[0].value must be a string; got a boolean' + unquoted,
        at % (2, 'label') + 'keys[0].label must be a string; got a dict',
        at % (3, 'tags') + 'keys[0].tags must be a list of strings; keys[0].tags[1] is a boolean',
        at % (4, 'count') + 'generate[0].count must be an integer; got a boolean' + unquoted,
        at % (5, 'acl') + 'acl must be a list of strings; acl[0] is a list',
        at % (6, 'description') + 'description must be a string; got a boolean' + unquoted,
        'key_provisioning_counters[0] (limit): limit must be an integer; got a boolean' + unquoted,
        'key_provisioning_counters[1] (rules): rules.acl must be a list of strings; rules.acl[0] is a dict',
    ]
    assert 'secret-part' not in repr(out['problems'])


def test_value_checks_false_leaves_the_values_to_the_checked_variable():
    """The role reads its items in every task without the checks of the values (value_checks=false), and with them
    only where it tells the problems (key_provisioning__checked): the declaration's own problems are in both."""
    collections = [{'name': 'low', 'quota': {'enabled': True, 'limit': 5}}, {'state': 'present'}]
    unchecked = items(collections, contract_id='C-1', group_id=1, value_checks=False)
    checked = items(collections, contract_id='C-1', group_id=1)
    assert unchecked['problems'] == ['key_provisioning_collections[1].name must be a name (a string)']
    assert checked['problems'] == unchecked['problems'] + [
        'key_provisioning_collections[0] (low): quota.limit must be between 100 and 1000000000, got 5']
    assert items([collections[0]], contract_id='C-1', group_id=1, value_checks=False)['other_steps'] is False
    assert items([collections[0]], contract_id='C-1', group_id=1)['other_steps'] is True


class _PlayDict(dict):
    """A dict like the containers of Ansible a play's variables reach a filter in: they refer to every variable they
    may be templated with, so that a deep copy copies all of them."""

    def __deepcopy__(self, memo):
        raise AssertionError('a container of the play was deep-copied')


class _PlayList(list):
    def __deepcopy__(self, memo):
        raise AssertionError('a container of the play was deep-copied')


def test_values_read_from_a_play_are_checked_as_plain_copies():
    """The argument spec's validator deep-copies its input: given Ansible's containers, it copied every variable of
    the play for each item (seconds per host with 1,000 keys). The checks read plain copies."""
    keys = _PlayList(_PlayDict(label='k-%d' % n, value='value-%04d' % n) for n in range(50))
    collections = _PlayList([_PlayDict(name='lazy', quota=_PlayDict(limit=5), keys=keys,
                                       acl=_PlayList(['ENDPOINT-1']), acl_endpoints=_PlayList(['Bookstore API']))])
    counters = _PlayList([_PlayDict(name='slow', limit=5, rules=_PlayDict(key_collections=_PlayList(['lazy'])))])
    out = items(collections, counters=counters, contract_id='C-1', group_id=1)
    assert out['problems'] == [
        'key_provisioning_collections[0] (lazy): quota.limit must be between 100 and 1000000000, got 5',
        'key_provisioning_counters[0] (slow): limit must be between 10 and 1000000, got 5'], out['problems']


def test_one_key_value_declared_in_two_collections_is_a_problem():
    """Found by a tester: one value in two collections was created in the first, then refused in the second (after
    the counters to delete were deleted and both collections made); with move: true in both, each run moved the key
    back and forth. Told before any write, naming both places, never the value."""
    secret = 'shared-declared-value-0001'
    collections = [{'name': 'dupA', 'keys': [{'label': 'a', 'value': secret}]},
                   {'name': 'other', 'keys': [{'label': 'o', 'value': 'other-value-0001'}]},
                   {'name': 'dupB', 'move': True, 'keys': [{'label': 'x', 'value': 'x-value-0001'},
                                                           {'label': 'b', 'value': secret}]}]
    out = items(collections, contract_id='C-1', group_id=1)
    assert out['problems'] == [
        'key_provisioning_collections[2] (dupB): keys[1] declares the value of key_provisioning_collections[0] '
        '(dupA).keys[0]: a key is in one collection; declare it in the one it belongs to (move: true there takes it '
        'from the other)'], out['problems']
    assert secret not in ' '.join(out['problems'])
    assert items(collections, contract_id='C-1', group_id=1, value_checks=False)['problems'] == []


def test_acl_endpoints_that_are_no_names_are_problems():
    """Found by a tester: acl_endpoints [[x]] (a list inside), "" (split into ['']) or a blank name passed the checks
    before any write; the collections were created, then the step of the ACLs by endpoint failed on "['x']" or ''.
    What is no string or list of names or base paths, or holds an empty one, is a problem naming the item (the
    collections deleted are not read)."""
    collections = [
        {'name': 'nested', 'acl_endpoints': [['x']]},
        {'name': 'dict', 'acl_endpoints': {'a': 1}},
        {'name': 'bool', 'acl_endpoints': True},
        {'name': 'blank', 'acl_endpoints': '  '},
        {'name': 'commas', 'acl_endpoints': 'Bookstore API,,/weather'},
        {'name': 'trailing', 'acl_endpoints': 'Bookstore API, '},
        {'name': 'blank-name', 'acl_endpoints': ['Bookstore API', ' ']},
        {'name': 'empty-name', 'acl_endpoints': ['']},
        {'name': 'null-name', 'acl_endpoints': ['Bookstore API', None]},
        {'name': 'bool-name', 'acl_endpoints': [False]},
        {'name': 'gone', 'acl_endpoints': [['x']], 'state': 'absent'},
    ]
    at = 'key_provisioning_collections[%d] (%s).acl_endpoints'
    problems = [
        at % (0, 'nested') + '[0] must be an endpoint name or base path (a string), not list',
        at % (1, 'dict') + ' must be endpoint names or base paths (a list of strings, or one string of '
                           'comma-separated ones), not dict',
        at % (2, 'bool') + ' must be endpoint names or base paths (a list of strings, or one string of '
                           'comma-separated ones), not bool',
        at % (3, 'blank') + ' "  " holds an empty name (white space, or nothing between two commas): give '
                            'comma-separated endpoint names or base paths, or "" for none',
        at % (4, 'commas') + ' "Bookstore API,,/weather" holds an empty name (white space, or nothing between two '
                             'commas): give comma-separated endpoint names or base paths, or "" for none',
        at % (5, 'trailing') + ' "Bookstore API, " holds an empty name (white space, or nothing between two commas): '
                               'give comma-separated endpoint names or base paths, or "" for none',
        at % (6, 'blank-name') + '[1] is empty (" "): give the name or base path of an endpoint',
        at % (7, 'empty-name') + '[0] is empty (""): give the name or base path of an endpoint',
        at % (8, 'null-name') + '[1] must be an endpoint name or base path (a string), not null',
        at % (9, 'bool-name') + '[0] must be an endpoint name or base path (a string), not bool',
    ]
    for value_checks in (False, True):
        out = items(collections, value_checks=value_checks)
        assert out['problems'] == problems, out['problems']
        assert out['other_steps'] is True


def test_an_empty_acl_endpoints_is_none_given():
    """acl_endpoints "" or [] (an empty variable: "{{ x | default('') }}") is none given, as null: the item's acl is
    set by the collection task and no step of the ACLs by endpoint runs. A string is comma-separated names (trimmed),
    a number is a name (its text)."""
    out = items([{'name': 'a', 'acl': ['ENDPOINT-1'], 'acl_endpoints': ''}, {'name': 'b', 'acl_endpoints': []},
                 {'name': 'c', 'acl_endpoints': None}])
    assert out['problems'] == [] and out['acl_endpoints'] is False and out['other_steps'] is False
    assert out['acl_endpoint_names'] == [[], [], []]
    assert [element['acl'] for element in out['place_collections'][0]] == [['ENDPOINT-1'], None, None]
    out = items([{'name': 'a', 'acl': ['ENDPOINT-1'], 'acl_endpoints': ' Bookstore API , /weather'},
                 {'name': 'b', 'acl_endpoints': ['Bookstore API', 2024]}, {'name': 'c', 'acl_endpoints': 7},
                 {'name': 'd', 'acl_endpoints': 'x', 'state': 'absent'}])
    assert out['problems'] == [] and out['acl_endpoints'] is True and out['other_steps'] is True
    # The names of a collection deleted are not looked up.
    assert out['acl_endpoint_names'] == [['Bookstore API', '/weather'], ['Bookstore API', '2024'], ['7'], []]
    assert [element['acl'] for element in out['place_collections'][0]] == [None, None, None, None]


def _export_problems(path, playbook_dir, **kwargs):
    return items([{'name': 'a'}], export_path=path, playbook_dir=str(playbook_dir), **kwargs)['problems']


def test_an_export_path_that_cannot_be_written_is_a_problem(tmp_path):
    """Found by a tester: the export file was checked only by the tasks that write it, after the collections and keys
    were written (a FIFO, a dangling link into a directory that does not exist, a path through a file - a raw stat
    error -, two spaces: a secret file named "  " written into the playbook's directory). Each is a problem, naming
    key_provisioning_export_path (a relative path is taken from the playbook's directory, as the module's); nothing is
    written to check it."""
    (tmp_path / 'dir').mkdir()
    (tmp_path / 'afile').write_text('x')
    os.mkfifo(str(tmp_path / 'fifo'))
    (tmp_path / 'dangling.yml').symlink_to(tmp_path / 'nowhere' / 'export.yml')
    (tmp_path / 'linkdir').symlink_to(tmp_path / 'gone')
    (tmp_path / 'fifolink').symlink_to(tmp_path / 'fifo')
    before = sorted(os.listdir(tmp_path))
    variable = 'key_provisioning_export_path '
    cases = [
        ('  ', variable + '"  " is blank: give the file to write, or "" for no export'),
        ('\t', variable + '"\\t" is blank: give the file to write, or "" for no export'),
        ('fifo', variable + 'fifo is not a regular file: it is a FIFO'),
        (str(tmp_path / 'fifolink'), variable + '%s is not a regular file: it is a FIFO' % (tmp_path / 'fifolink')),
        ('dir', variable + 'dir is not a regular file: it is a directory'),
        ('dir/', variable + 'dir/ ends in "/": give the name of a file, not of a directory'),
        ('dangling.yml', variable + 'dangling.yml cannot be written: directory %s does not exist; %s is a dangling '
         'symbolic link (to %s, which does not exist)' % (tmp_path / 'nowhere', tmp_path / 'dangling.yml',
                                                          tmp_path / 'nowhere' / 'export.yml')),
        ('linkdir/export.yml', variable + 'linkdir/export.yml cannot be written: directory %s does not exist; %s is a '
         'dangling symbolic link (to %s, which does not exist)' % (tmp_path / 'gone', tmp_path / 'linkdir',
                                                                   tmp_path / 'gone')),
        ('afile/export.yml', variable + 'afile/export.yml cannot be written: %s is not a directory'
         % (tmp_path / 'afile')),
        ('missing/export.yml', variable + 'missing/export.yml cannot be written: directory %s does not exist'
         % (tmp_path / 'missing')),
        ('bad\0name', variable + '"bad\\u0000name" is no path: it holds a NUL character'),
    ]
    for path, message in cases:
        for value_checks in (False, True):
            out = items([{'name': 'a'}], export_path=path, playbook_dir=str(tmp_path), value_checks=value_checks)
            assert out['problems'] == [message], (path, out['problems'])
            assert out['other_steps'] is True
    assert sorted(os.listdir(tmp_path)) == before


def test_an_export_path_that_can_be_written_is_resolved_as_the_module_reads_it(tmp_path, monkeypatch):
    """No problem for a new file in a directory that can be written, an existing regular file, a link to one (or to a
    file to make in a directory that exists); export_file is the path the export task is given: ~ and environment
    variables expanded, a relative path taken from the playbook's directory; '' is no export."""
    (tmp_path / 'sub').mkdir()
    (tmp_path / 'old.yml').write_text('x')
    (tmp_path / 'link.yml').symlink_to(tmp_path / 'sub' / 'new.yml')
    monkeypatch.setenv('KP_EXPORT_DIR', str(tmp_path / 'sub'))
    cases = [('export.yml', str(tmp_path / 'export.yml')), ('sub/export.yml', str(tmp_path / 'sub' / 'export.yml')),
             (str(tmp_path / 'old.yml'), str(tmp_path / 'old.yml')), ('link.yml', str(tmp_path / 'link.yml')),
             ('$KP_EXPORT_DIR/e.yml', str(tmp_path / 'sub' / 'e.yml')),
             ('~/e.yml', os.path.join(os.path.expanduser('~'), 'e.yml')), ('', '')]
    for path, resolved in cases:
        out = items([{'name': 'a'}], export_path=path, playbook_dir=str(tmp_path))
        assert out['problems'] == [] and out['export_file'] == resolved, (path, out['problems'])
    assert sorted(os.listdir(tmp_path)) == ['link.yml', 'old.yml', 'sub'] and os.listdir(tmp_path / 'sub') == []


@pytest.fixture
def unwritable_dir(tmp_path, monkeypatch):
    """A directory this process may not write in: 0500 for a user, immutable (chattr +i) for root, which access()
    and the kernel refuse to root too (as they refuse a read-only file system: EROFS, seen with a read-only bind
    mount). Where root cannot make a directory immutable (no chattr, a file system without the flag), os.access
    answers for that directory what the kernel answers for an immutable one."""
    directory = tmp_path / 'locked'
    directory.mkdir()
    with unwritable_directory(directory, monkeypatch):
        yield directory


def test_an_export_path_in_a_directory_that_cannot_be_written_is_a_problem(unwritable_dir):
    """Found by a tester: an immutable directory failed the export ("Operation not permitted") after the writes."""
    path = str(unwritable_dir / 'export.yml')
    problems = _export_problems(path, '/play')
    # "is not writable (its permissions, ...)" for a user, "is immutable (chattr +i), in which ..." for root.
    assert len(problems) == 1 and problems[0].startswith(
        'key_provisioning_export_path %s cannot be written: directory %s is ' % (path, unwritable_dir)), problems
    assert os.listdir(unwritable_dir) == []
