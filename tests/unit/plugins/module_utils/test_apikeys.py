# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys: the neutral model <-> v1 / v2 wire translation, import files, lookups, and both wires against
the emulator (request counts of bulk creates and of a converged api_key run)."""

from __future__ import annotations

import json
import os
import re

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _apikeys_v1, _apikeys_v2, _client
from ansible_collections.edgegrid.access.plugins.modules import api_key

QUOTA = {'enabled': True, 'limit': 500, 'interval': 'DAY', 'allow_headers': ['X-RateLimit-Limit'],
         'deny_headers': ['X-RateLimit-Next', 'X-RateLimit-Remaining']}
COUNTER = {
    'id': 7, 'name': 'c', 'description': 'd', 'contract_id': 'C-1', 'group_id': 10, 'enabled': True, 'limit': 100,
    'on_over_limit': 'WARN', 'alert_threshold': 80,
    'headers': {'client': ['X-Throttling-Limit'], 'origin': ['X-Throttling-Rate']},
    'error_response': {'status_code': 429, 'body': '{}', 'headers': {'Content-Type': 'application/problem+json'}},
    'rules': {'acl': ['ENDPOINT-1', 'RESOURCE-2', 'METHOD-3'], 'keys': [11, 12], 'key_collections': [21]},
    'status': None,
}


# ---------------------------------------------------------------- v1 wire


def test_v1_quota_is_six_booleans():
    wire = _apikeys_v1.quota_to_wire(QUOTA)
    assert wire == {'enabled': True, 'value': 500, 'interval': 'DAY', 'headers': {
        'allowLimitHeaderShown': True, 'allowRemainingHeaderShown': False, 'allowResetHeaderShown': False,
        'denyLimitHeaderShown': False, 'denyRemainingHeaderShown': True, 'denyNextHeaderShown': True}}
    back = _apikeys_v1.quota_from_wire(wire)
    assert back['allow_headers'] == ['X-RateLimit-Limit']
    assert sorted(back['deny_headers']) == sorted(QUOTA['deny_headers'])


def test_v1_collection_and_key():
    body = {'id': 5, 'name': 'n', 'description': None, 'contractId': 'C-1', 'groupId': 10, 'keyCount': 2,
            'dirty': False, 'grantedACL': ['METHOD-3', 'ENDPOINT-1'], 'dirtyACL': [],
            'quota': _apikeys_v1.quota_to_wire(QUOTA)}
    coll = _apikeys_v1.collection_from_wire(body)
    assert coll['acl'] == ['ENDPOINT-1', 'METHOD-3'] and coll['quota']['limit'] == 500
    assert _apikeys_v1.collection_to_wire(coll) == {'name': 'n', 'contractId': 'C-1', 'groupId': 10}
    key = _apikeys_v1.key_from_wire({'id': 1, 'value': 'v', 'label': 'l', 'description': None, 'revoked': True,
                                     'dirty': True, 'collectionId': 5, 'tags': ['b', 'a']})
    assert key['state'] == 'revoked' and key['network_status'] == 'PENDING_REVOCATION'
    assert key['tags'] == ['a', 'b'] and key['collection_ids'] == [5]
    assert _apikeys_v1.key_update_to_wire(key) == {'value': 'v', 'label': 'l', 'description': '', 'tags': ['a', 'b']}


def test_v1_counter_round_trip():
    counter = dict(COUNTER, alert_threshold=None)
    wire = _apikeys_v1.counter_to_wire(counter)
    assert wire['throttling'] == 100 and wire['onOverLimit'] == 'WARN'
    assert {'type': 'KEY', 'values': [11, 12]} in wire['rules']
    assert wire['headers'] == {'sendLimitToClient': True, 'sendRateToClient': False, 'sendLimitToOrigin': False,
                               'sendRateToOrigin': True}
    assert wire['errorResponse']['overrideDefaults'] is True
    back = _apikeys_v1.counter_from_wire(dict(wire, id=7, status='ACTIVE'))
    assert back == dict(counter, status='ACTIVE')


def test_v1_import_content_has_the_documented_members():
    content = json.loads(_apikeys_v1.import_content([{'value': 'v', 'label': 'l', 'tags': ['t'],
                                                      'description': None}]))
    assert content == [{'value': 'v', 'label': 'l', 'tags': ['t']}]


# ---------------------------------------------------------------- v2 wire

def test_v2_acl_is_three_integer_arrays():
    acl = ['ENDPOINT-1', 'RESOURCE-2', 'METHOD-3', 'METHOD-4']
    wire = _apikeys_v2.acl_to_wire(acl)
    assert wire == {'endpointIds': [1], 'resourceIds': [2], 'methodIds': [3, 4]}
    assert _apikeys_v2.acl_from_wire(wire) == acl


def test_v2_quota_and_collection():
    wire = _apikeys_v2.quota_to_wire(QUOTA)
    assert wire['isEnabled'] is True and wire['requestLimit'] == 500 and wire['resetInterval'] == 'DAY'
    assert _apikeys_v2.quota_from_wire(wire) == QUOTA
    coll = {'name': 'n', 'description': 'd', 'contract_id': 'C-1', 'group_id': 10}
    expected = {'collectionName': 'n', 'collectionDescription': 'd', 'contractId': 'C-1', 'groupId': 10}
    assert _apikeys_v2.collection_create_to_wire(coll) == expected
    assert _apikeys_v2.collection_update_to_wire(coll) == {'collectionName': 'n', 'collectionDescription': 'd'}


def test_v2_key():
    key = _apikeys_v2.key_from_wire({'keyId': 1, 'keyValue': 'v', 'label': None, 'keyDescription': 'd',
                                     'tags': [], 'keyStatus': 'DEPLOYED',
                                     'collections': [{'collectionId': 5, 'quotaUpdateState': 'NONE'},
                                                     {'collectionId': 6}]})
    assert key['state'] == 'present' and key['collection_ids'] == [5, 6] and key['quota_update_state'] == 'NONE'
    assert _apikeys_v2.key_update_to_wire(key) == {'keyValue': 'v', 'label': '', 'keyDescription': 'd', 'tags': []}
    assert _apikeys_v2.key_from_wire({'keyStatus': 'PENDING_REVOCATION'})['state'] == 'revoked'


def test_v2_counter_round_trip_and_put_without_contract():
    create = _apikeys_v2.counter_to_wire(COUNTER, create=True)
    assert create['throttlingLimit'] == 100 and create['throttlingLimitExceededAction'] == 'WARN'
    assert create['throttlingAlertThreshold'] == 80 and create['contractId'] == 'C-1'
    assert create['throttlingRules'] == {'aclEntries': {'endpointIds': [1], 'resourceIds': [2], 'methodIds': [3]},
                                         'keyIds': [11, 12], 'keyCollectionIds': [21]}
    update = _apikeys_v2.counter_to_wire(COUNTER, create=False)
    assert 'contractId' not in update and 'groupId' not in update
    back = _apikeys_v2.counter_from_wire(dict(create, throttlingCounterId=7))
    assert back == COUNTER


def test_v2_lists_are_unwrapped():
    with pytest.raises(_apikeys_v2.WireError):
        _apikeys_v2._unwrap([], 'collections', 'collections')
    assert _apikeys_v2._unwrap({'collections': [1]}, 'collections', 'x') == [1]


def test_v2_has_no_reports():
    with pytest.raises(_apikeys_v2.WireError, match='not available in API Keys v2'):
        _apikeys_v2.Wire(None).quota_report('by_quota', [1], 's', 'e', 'DAY')


# ---------------------------------------------------------------- neutral helpers

def test_checks():
    assert _apikeys.check_acl(['METHOD-3', 'ENDPOINT-1', 'ENDPOINT-1']) == ['ENDPOINT-1', 'METHOD-3']
    with pytest.raises(_apikeys.InputError, match='acl'):
        _apikeys.check_acl(['ENDPOINT-'])
    with pytest.raises(_apikeys.InputError, match='at most 10 tags'):
        _apikeys.check_tags(['t%d' % n for n in range(11)], 'keys[0]')
    with pytest.raises(_apikeys.InputError, match='1 to 50'):
        _apikeys.check_tags(['x' * 51], 'keys[0]')
    with pytest.raises(_apikeys.InputError, match='between 10 and'):
        _apikeys.check_range(5, 10, 1000000, 'limit')
    # Found by a tester: a collection "f01 " was made next to "f01", a name with a NUL stored as given.
    for name, problem in (('f01 ', 'begins or ends with white space'), (' c', 'begins or ends with white space'),
                          ('d18\x00nul', 'holds a control character'), ('a\tb', 'holds a control character')):
        with pytest.raises(_apikeys.InputError, match=r'^counters\[0\]\.name %s.* \(%s\): remove it' % (problem, re.escape(repr(name)))):
            _apikeys.check_name(name, 'counters[0].name')
    assert _apikeys.check_name('Bookstore keys \u00e9 \U0001F511') == 'Bookstore keys \u00e9 \U0001F511'
    assert _apikeys.differs({'a': 1, 'b': {'c': 1, 'd': 2}}, {'b': {'c': 1}}) is False
    assert _apikeys.merged({'a': 1, 'b': {'c': 1, 'd': 2}}, {'b': {'c': 3}}) == {'a': 1, 'b': {'c': 3, 'd': 2}}


def test_find_collection():
    colls = [{'id': 1, 'name': 'a', 'contract_id': 'C', 'group_id': 1},
             {'id': 2, 'name': 'a', 'contract_id': 'C', 'group_id': 2}]
    with pytest.raises(_apikeys.InputError, match='give the collection id'):
        _apikeys.find_collection(None, name='a', collections=colls)
    assert _apikeys.find_collection(None, name='a', group_id=2, collections=colls)['id'] == 2
    assert _apikeys.find_collection(None, name='b', collections=colls) is None
    with pytest.raises(_apikeys.InputError, match='no key collection has id 3'):
        _apikeys.find_collection(None, collection_id=3, collections=colls)
    assert _apikeys.resolve_collection_refs(['a', '2'], colls, 'C', 1, 'rules') == [1, 2]
    with pytest.raises(_apikeys.InputError, match="rules: no key collection 'new' in contract C, group 1"):
        _apikeys.resolve_collection_refs(['a', 'new'], colls, 'C', 1, 'rules')
    missing = []
    assert _apikeys.resolve_collection_refs(['a', 'new', 'new'], colls, 'C', 1, 'rules', missing) == [1]
    assert missing == ['new']
    with pytest.raises(_apikeys.InputError, match="no key collection '7'"):
        _apikeys.resolve_collection_refs(['7'], colls, 'C', 1, 'rules', [])


@pytest.mark.parametrize('name, content', [
    ('keys.csv', 'VALUE,LABEL,TAGS\nv1,l1,a;b\nv2,,\n'),
    ('keys.json', '[{"value": "v1", "label": "l1", "tags": ["a", "b"]}, {"keyValue": "v2"}]'),
    ('keys.xml', '<?xml version="1.0"?><keys><key><value>v1</value><label>l1</label><tags>a;b</tags></key>'
                 '<key><keyValue>v2</keyValue></key></keys>'),
])
def test_parse_key_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    specs = _apikeys.parse_key_file(str(path))
    assert [s['value'] for s in specs] == ['v1', 'v2']
    assert specs[0]['label'] == 'l1' and specs[0]['tags'] == ['a', 'b']
    assert specs[1]['label'] is None


def test_parse_key_file_errors(tmp_path):
    path = tmp_path / 'keys.txt'
    path.write_text('x')
    with pytest.raises(_apikeys.InputError, match='import_format'):
        _apikeys.parse_key_file(str(path))
    with pytest.raises(_apikeys.InputError, match='VALUE column'):
        _apikeys.parse_key_file(str(path), 'csv')
    path.write_text('[{"value": "v", "color": "red"}]')
    with pytest.raises(_apikeys.InputError, match="unknown member 'color'"):
        _apikeys.parse_key_file(str(path), 'json')


def test_parse_key_file_refuses_what_is_not_a_regular_file(tmp_path):
    """A FIFO (opening it would wait for a writer), a directory, or a link to either: refused before it is opened."""
    fifo = tmp_path / 'fifo.csv'
    os.mkfifo(str(fifo))
    (tmp_path / 'adir.csv').mkdir()
    (tmp_path / 'link.csv').symlink_to(tmp_path / 'adir.csv')
    for name in ('fifo.csv', 'adir.csv', 'link.csv'):
        with pytest.raises(_apikeys.InputError, match='import_file .*%s is not a regular file' % name):
            _apikeys.parse_key_file(str(tmp_path / name))


# ---------------------------------------------------------------- against the emulator

def _client_for(emulator):
    return _client.EdgeGridClient(_client.resolve_config({'edgerc': emulator.edgerc, 'section': 'default'}),
                                  max_retries=0)


def _writes(log):
    return dict((k, v) for k, v in log['counts'].items() if not k.startswith('GET '))


@pytest.mark.parametrize('version', ['v1', 'v2'])
def test_wire_round_trip(emulator, version):
    api = _apikeys.wire(_client_for(emulator), version)
    coll = api.create_collection({'name': 'rt', 'description': None, 'contract_id': 'C-1EMU001', 'group_id': 10001})
    endpoint = api.collection_endpoints(coll['id'])[0]
    acl = [endpoint['acl_entry'], endpoint['resources'][0]['acl_entry'],
           endpoint['resources'][0]['methods'][0]['acl_entry']]
    api.set_acl(coll['id'], acl)
    api.set_quota(coll['id'], QUOTA)
    got = api.get_collection(coll['id'])
    assert got['acl'] == _apikeys.sort_acl(acl)
    assert dict(got['quota'], deny_headers=sorted(got['quota']['deny_headers'])) == \
        dict(QUOTA, deny_headers=sorted(QUOTA['deny_headers']))
    assert api.get_collection(999999999) is None
    threshold = 80 if api.has_alert_threshold else None
    counter = dict(COUNTER, contract_id='C-1EMU001', group_id=10001, alert_threshold=threshold,
                   rules={'acl': acl, 'keys': [], 'key_collections': [coll['id']]})
    created = api.create_counter(counter)
    assert created['rules'] == counter['rules'] and created['headers'] == counter['headers']
    assert created['alert_threshold'] == counter['alert_threshold']
    assert created['error_response'] == counter['error_response']


@pytest.mark.parametrize('version', ['v1', 'v2'])
def test_bulk_create_uses_one_request(emulator, version):
    api = _apikeys.wire(_client_for(emulator), version)
    coll = api.create_collection({'name': 'bulk', 'description': None, 'contract_id': 'C-1EMU001',
                                  'group_id': 10001})
    emulator.admin.reset_log()
    specs = [{'value': 'bulk-%s-%05d' % (version, n), 'label': 'l%d' % n, 'description': None, 'tags': ['t']}
             for n in range(3000)]
    api.add_keys(coll['id'], specs)
    assert sum(_writes(emulator.admin.log()).values()) == 1
    emulator.admin.reset_log()
    keys = api.list_keys(coll['id'])
    # v1 in one page; v2 in pages of PAGE_SIZE keys, as many as totalItems needs (the maximum is unknown).
    assert len(keys) == 3000 and emulator.admin.log()['total'] == _key_pages(version, 3000)
    assert keys[0]['label'] == 'l0' and keys[0]['tags'] == ['t']


def _key_pages(version, count):
    return 1 if version == 'v1' else -(-count // _apikeys_v2.PAGE_SIZE)


def _run_api_key(args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            api_key.main()
    result = json.loads(capsys.readouterr().out)
    return exc.value.code != 0, result


@pytest.mark.parametrize('version', ['v1', 'v2'])
def test_api_key_converges_with_gets_only(emulator, capsys, version):
    api = _apikeys.wire(_client_for(emulator), version)
    api.create_collection({'name': 'many', 'description': None, 'contract_id': 'C-1EMU001', 'group_id': 10001})
    keys = [{'value': 'many-%s-%05d' % (version, n), 'label': 'partner-%d' % n, 'tags': ['bulk']}
            for n in range(2000)]
    args = {'edgerc': emulator.edgerc, 'api_version': version, 'collection': 'many', 'keys': keys,
            'generate': [{'label': 'gen', 'count': 5}]}
    emulator.admin.reset_log()
    failed, result = _run_api_key(args, capsys)
    assert not failed and result['changed']
    assert result['api_key']['changes']['created'] == 2000 and result['api_key']['changes']['generated'] == 5
    writes = _writes(emulator.admin.log())
    assert sum(writes.values()) == 2, writes  # one import or create, one generate
    emulator.admin.reset_log()
    failed, result = _run_api_key(args, capsys)
    assert not failed and not result['changed']
    log = emulator.admin.log()
    assert log['total'] == 1 + _key_pages(version, 2005), log['counts']  # the collections, the pages of keys
    assert all(k['value'] == '********' for k in result['api_key']['api_keys'])


def test_without_none():
    assert _apikeys.without_none({'a': None, 'b': 0, 'c': False, 'd': []}) == {'b': 0, 'c': False, 'd': []}
