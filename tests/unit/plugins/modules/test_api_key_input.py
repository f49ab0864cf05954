# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key: malformed input named by its option before any request (against the local emulator)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key, api_key_collection


def test_import_file_not_utf8_names_the_option_and_file(emulator, tmp_path, run):
    path = tmp_path / 'keys.csv'
    path.write_bytes(b'VALUE,LABEL\n\xff\xfe-latin1-\xe9,one\n')
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection='c', import_file=str(path)))
    assert failed and 'import_file %s is not UTF-8' % path in result['msg']
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('extra, message', [
    (dict(keys='some-string'), 'keys must be a list of dicts, one per item, each with the keys description, label'),
    (dict(keys=['a', 'b']), 'keys must be a list of dicts'),
    (dict(generate='abc'), 'generate must be a list of dicts, one per item, each with the keys count'),
])
def test_keys_not_dicts_name_the_option(emulator, run, extra, message):
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection='c', **extra))
    assert failed and message in result['msg'], result['msg']
    assert emulator.admin.log()['total'] == 0


def make_collection(emulator, run, version='v2'):
    args = dict(edgerc=emulator.edgerc, name='inputs', contract_id='C-1EMU001', group_id=10001, api_version=version)
    return run(api_key_collection, args)[1]['api_key_collection']['id']


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_reset_quota_with_a_label_no_key_has_fails_before_any_write(emulator, run, version, writes):
    # The tester's rq.yml: a misspelled label in a task that resets quotas generated a new live key.
    collection_id = make_collection(emulator, run, version)
    common = dict(edgerc=emulator.edgerc, api_version=version, collection_id=collection_id)
    failed, made = run(api_key, dict(common, keys=[dict(label='partner', value='partner-value-0001')]))
    assert not failed, made['msg']
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(common, keys=[dict(label='partner'), dict(label='partner-typo')], reset_quota=True))
    assert failed
    assert "keys[1] (label 'partner-typo'): no key of the collection has this label" in result['msg']
    assert 'reset_quota' in result['msg']
    assert writes() == {}
    # The label that names a key still resets its quota.
    failed, result = run(api_key, dict(common, keys=[dict(label='partner')], reset_quota=True))
    assert not failed and result['api_key']['changes']['quota_reset'] == 1
    assert result['api_key']['changes']['generated'] == 0


def test_a_revoke_by_a_label_no_key_has_warns(emulator, run, writes):
    collection_id = make_collection(emulator, run)
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection_id=collection_id,
                                       keys=[dict(label='gone-typo', state='revoked')]))
    assert not failed and result['changed'] is False and writes() == {}
    assert "keys[0] (label 'gone-typo'): no key of the collection has this label; nothing to revoke" \
        in json.dumps(result['warnings'])


@pytest.mark.parametrize('extra, message', [
    (dict(keys=[dict(value='abcdefgh5678'), dict(value=' abcdefgh5678 ')]),
     'keys[1]: the value begins or ends with white space'),
    (dict(keys=[dict(value='abcdefgh5678\t')]), 'keys[0]: the value begins or ends with white space'),
    (dict(keys=[dict(label=' partner-a')]), "keys[0] (label ' partner-a'): the label begins or ends with white space"),
    (dict(keys=[dict(value='abcdefgh5678', label='partner-a ')]), 'the label begins or ends with white space'),
    (dict(generate=[dict(label='mobile ', count=1)]),
     "generate[0] (label 'mobile '): the label begins or ends with white space"),
    (dict(keys=[dict(value='two,values')], api_version='v1'),
     'keys[0]: the value holds a comma, semicolon or line break: API Keys v1 splits'),
    (dict(keys=[dict(value='abcdefgh5678', tags=['a', None])]), 'keys[0]: tags[1] is empty or null'),
    (dict(generate=[dict(label='g', count=1, tags=[None])]), "generate[0] (label 'g'): tags[0] is empty or null"),
    # A control character (found by a tester: a tab or a line break inside a value made a key no HTTP header can
    # carry), white space around a tag.
    (dict(keys=[dict(value='abcdefgh\t5678')]), 'keys[0]: the value holds a control character'),
    (dict(keys=[dict(value='abcdefgh\n5678', label='p')]), "keys[0] (label 'p'): the value holds a control character"),
    # A NUL is named by the shape check, before ansible-core (which fails on it, logging the invocation).
    (dict(keys=[dict(value='abcdefgh5678', label='part\x00ner')]),
     'keys[0].label holds a NUL character, which no value of it may hold'),
    (dict(keys=[dict(value='abcdefgh5678', tags=['ok', ' spaced '])]),
     "keys[0]: tags[1] begins or ends with white space (' spaced ')"),
    (dict(generate=[dict(label='g', count=1, tags=['a\tb'])]), "generate[0] (label 'g'): tags[0] holds a control"),
    (dict(keys=[dict(value='abcdefgh\n5678')], api_version='v1'),
     'keys[0]: the value holds a comma, semicolon or line break: API Keys v1 splits'),
    # Found by a tester: 6,000 keys generated, then the second 6,000 refused by the API.
    (dict(generate=[dict(label='a', count=6000), dict(label='b', count=6000)], keys=[dict(value='abcdefgh5678')]),
     'the keys declared (1 in keys and the import file) and to generate (12000) make 12001: a contract holds at '
     'most 10000 keys'),
])
def test_unplanned_text_is_refused_naming_the_entry_before_any_write(emulator, run, extra, message):
    collection_id = make_collection(emulator, run, extra.get('api_version', 'v2'))
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection_id=collection_id, **extra))
    assert failed and message in result['msg'], result['msg']
    assert 'abcdefgh5678' not in json.dumps(result) and 'two,values' not in json.dumps(result)
    assert emulator.admin.log()['total'] == 0


def test_a_value_with_spaces_in_a_json_import_file_is_refused(emulator, tmp_path, run):
    collection_id = make_collection(emulator, run)
    path = tmp_path / 'keys.json'
    path.write_text('[{"value": "abcdefgh5678", "label": "one"}, {"value": " abcdefgh5678 ", "label": "two"}]')
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection_id=collection_id, import_file=str(path)))
    assert failed and ("import_file %s, item 2 (label 'two'): the value begins or ends with white space" % path
                       in result['msg']), result
    assert emulator.admin.log()['total'] == 0


def test_a_value_twice_in_a_csv_import_file_is_named_by_its_lines(emulator, tmp_path, run):
    """Two lines of one file with the same value: both named by their line in the file (blank lines counted), never
    by the value."""
    collection_id = make_collection(emulator, run)
    path = tmp_path / 'keys.csv'
    path.write_text('VALUE,LABEL\nabcdefgh0001,one\n\nabcdefgh0002,two\n\n\nabcdefgh0001,three\n')
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection_id=collection_id, import_file=str(path)))
    assert failed and result['msg'].startswith(
        "import_file %s, line 7 (label 'three'): the same value is declared in import_file %s, line 2 (label 'one')"
        % (path, path)), result['msg']
    assert 'abcdefgh0001' not in json.dumps(result)
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('module, args, names', [
    ('api_key', dict(collection_id=None), 'collection, collection_id'),
    ('api_key', dict(collection=None, collection_id=None), 'collection, collection_id'),
    ('api_key_collection', dict(id=None, contract_id='C-1EMU001', group_id=10001), 'name, id, collections'),
    ('throttling_counter', dict(name=None, contract_id='C-1EMU001', group_id=10001), 'name, id, counters'),
    ('api_client', dict(client_id=None), 'name, client_id'),
    ('edgekv_token', dict(tokens=None), 'name, tokens'),
])
def test_an_option_given_as_null_is_not_taken_for_one_given(emulator, run, module, args, names):
    """Found by a tester: `collection_id: null` (a variable left empty) passed required_one_of (which counts options
    given), and api_key looked for a collection named None; api_key_collection with `id: null` sent a create with no
    name. Null counts as not given (_funnel.drop_nulls), before any request."""
    emulator.admin.reset_log()
    modules = __import__('ansible_collections.edgegrid.access.plugins.modules', fromlist=[module])
    failed, result = run(getattr(modules, module), dict(edgerc=emulator.edgerc, **args))
    assert failed and 'one of the following is required: %s' % names in result['msg'], result['msg']
    assert 'None' not in result['msg'], result['msg']
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('module, args, message', [
    ('api_key_collection', dict(state='absent', collections=[dict(name='x', state=None)]),
     "collections[0].state is null (an empty variable?): give one of present, absent, or leave it out for the task's "
     "state"),
    ('api_key_collection', dict(contract_id='C-1EMU001', group_id=10001, collections=[dict(name='x', append_acl=None)]),
     "collections[0].append_acl is null (an empty variable?): give true or false"),
    ('throttling_counter', dict(contract_id='C-1EMU001', group_id=10001,
                                counters=[dict(name='a', limit=10), dict(name='b', state=None)]),
     "counters[1].state is null (an empty variable?): give one of present, absent"),
    ('edgekv_token', dict(tokens=[dict(name='a', state=None)]), "tokens[0].state is null (an empty variable?)"),
    ('api_key', dict(collection_id=1, keys=[dict(value='abcdefgh0001', state=None)]),
     "keys[0].state is null (an empty variable?): give one of present, revoked, or leave it out for present"),
])
def test_an_elements_null_state_is_refused_before_any_request(emulator, run, module, args, message):
    """Found by a tester: `collections: [{name: x, state: null}]` (a variable left empty) took the task's state: in
    check mode it would create x; under `state: absent`, delete it. keys[].state: null was refused; now every
    element's is, as the task's own."""
    emulator.admin.reset_log()
    modules = __import__('ansible_collections.edgegrid.access.plugins.modules', fromlist=[module])
    failed, result = run(getattr(modules, module), dict(edgerc=emulator.edgerc, **args))
    assert failed and result['msg'].startswith(message), result['msg']
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('module, args, message', [
    ('api_key_info', dict(api_version='v1', collection_id=1,
                          quota_report='{"start": "2024-01-01T00:00:00Z", "end": null, "type": "by_quota"}'),
     'quota_report.end is required (left out, or given as null)'),
    ('edgekv_token', dict(tokens=['{"name": null, "allow_on_staging": true}']),
     'tokens[0].name is required (left out, or given as null)'),
    ('api_key_collection', dict(contract_id='C-1EMU001', group_id=10001,
                                collections=['{"name": "t1", "append_acl": null}']),
     'collections[0].append_acl is null (an empty variable?)'),
])
def test_a_null_in_a_string_of_json_is_read_as_in_a_dict(emulator, run, module, args, message):
    """Found by a tester: a required suboption null in a dict given as a string of JSON passed (api_key_info sent its
    report requests without an end), and an element's null append_acl given so took the task's."""
    emulator.admin.reset_log()
    modules = __import__('ansible_collections.edgegrid.access.plugins.modules', fromlist=[module])
    failed, result = run(getattr(modules, module), dict(edgerc=emulator.edgerc, **args))
    assert failed and result['msg'].startswith(message), result['msg']
    assert emulator.admin.log()['total'] == 0


def test_a_null_option_beside_its_mutually_exclusive_one_is_not_given(emulator, run):
    """`collection: x, collection_id: null` (one variable set, the other left empty) is not two options given."""
    emulator.admin.reset_log()
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection='no-such-collection', collection_id=None))
    assert failed and "no key collection named 'no-such-collection'" in result['msg'], result['msg']
    failed, result = run(api_key, dict(edgerc=emulator.edgerc, collection='a', collection_id=5))
    assert failed and 'parameters are mutually exclusive: collection|collection_id' in result['msg'], result['msg']


@pytest.mark.parametrize('module, args, option', [
    ('api_credential', dict(client_id='  ', description='x'), 'client_id'),
    ('api_credential', dict(client_id='self ', description='x'), 'client_id'),
    ('api_credential_info', dict(client_id='  '), 'client_id'),
    ('api_credential_info', dict(client_ids=['self', ' k3qx5ujmzhzbttfk']), 'client_ids[1]'),
    ('api_client', dict(client_id='\t', state='absent'), 'client_id'),
    ('api_client_info', dict(client_id=' self'), 'client_id'),
    ('api_credential_info', dict(client_ids=['self', ' ']), 'client_ids[1]'),
    ('api_client', dict(client_id='self\u200b', description='x'), 'client_id'),
    # Found by a tester: a space inside was named "a character that is not printable ASCII".
    ('api_client_info', dict(client_id='k3qx5 ujmzhzbttfk'), 'client_id'),
])
def test_a_client_id_with_white_space_is_refused_before_any_request(emulator, run, module, args, option):
    """Found by a tester: a client ID of white space (or with a space around it) was sent, and the API answered 404
    "No API client    in this account"."""
    emulator.admin.reset_log()
    modules = __import__('ansible_collections.edgegrid.access.plugins.modules', fromlist=[module])
    failed, result = run(getattr(modules, module), dict(edgerc=emulator.edgerc, **args))
    value = args['client_id'] if 'client_id' in args else args['client_ids'][1]
    assert failed and result['msg'].startswith('%s %r ' % (option, value)), result['msg']
    assert ('white space' in result['msg'] or 'U+200B' in result['msg']) and 'nothing was sent' in result['msg']
    assert ' ' not in value.strip() or 'holds U+0020 (SPACE), white space: ' in result['msg'], result['msg']
    assert emulator.admin.log()['total'] == 0
