# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""throttling_counter's list form (`counters`) and throttling_counter_info's reads, against the local emulator."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _client
from ansible_collections.edgegrid.access.plugins.modules import throttling_counter, throttling_counter_info

CONTRACT = 'C-1EMU001'
GROUP = 10001
PREFIX = {'v1': '/apikey-manager-api/v1', 'v2': '/apikey-manager-api/v2'}


def gets(emulator):
    return dict((k, v) for k, v in emulator.admin.log()['counts'].items() if k.startswith('GET '))


def collection_and_key(emulator, version, name='unit-coll'):
    """A key collection of the contract and group with one key: (collection id, key id, an endpoint ACL entry)."""
    api = _apikeys.wire(_client.EdgeGridClient(_client.resolve_config({'edgerc': emulator.edgerc}), max_retries=0),
                        version)
    coll = api.create_collection({'name': name, 'description': None, 'contract_id': CONTRACT, 'group_id': GROUP})
    api.generate_keys(coll['id'], 1, label='counted')
    key_id = api.list_keys(coll['id'])[0]['id']
    entry = api.collection_endpoints(coll['id'])[0]['acl_entry']
    return coll['id'], key_id, entry


def estate(entry, key_id, count=5):
    return [dict(name='unit-counter-%d' % n, limit=100 + n, on_over_limit='WARN' if n % 2 else 'DENY',
                 rules=dict(acl=[entry], keys=[key_id], key_collections=['unit-coll']))
            for n in range(count)]


def recorded_batches(monkeypatch):
    """The sizes of the batches of calls given to ApiClient.run_parallel from now on (each still run by it)."""
    batches = []
    real = _client.ApiClient.run_parallel

    def recording(self, calls, *args, **kwargs):
        calls = list(calls)
        batches.append(len(calls))
        return real(self, calls, *args, **kwargs)

    monkeypatch.setattr(_client.ApiClient, 'run_parallel', recording)
    return batches


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_counters_one_listing_for_many_then_converged_sends_no_write(emulator, run, monkeypatch, version, writes):
    coll_id, key_id, entry = collection_and_key(emulator, version)
    base = dict(edgerc=emulator.edgerc, max_retries=0, api_version=version, contract_id=CONTRACT, group_id=GROUP)
    counters = estate(entry, key_id)
    prefix = PREFIX[version]

    emulator.admin.reset_log()
    batches = recorded_batches(monkeypatch)
    failed, result = run(throttling_counter, dict(base, counters=counters, _ansible_check_mode=True,
                                                  _ansible_diff=True))
    assert not failed, result['msg']
    # The listings of the counters and of the collections side by side, first; the keys after (their pages side by
    # side); then the one read of endpoints.
    assert batches[0] == 2 and batches[-1] == 1, batches
    monkeypatch.undo()
    assert result['changed'] is True and writes() == {}
    assert [item['name'] for item in result['throttling_counters']] == ['unit-counter-%d' % n for n in range(5)]
    assert all(item['changed'] and item['throttling_counter']['id'] is None for item in result['throttling_counters'])
    assert sorted(result['diff']['after']) == ['unit-counter-%d' % n for n in range(5)]
    # One listing of the counters, of the keys and of the collections, and one read of the endpoints, for 5 counters.
    assert gets(emulator)['GET %s/counters' % prefix] == 1
    assert gets(emulator)['GET %s/collections' % prefix] == 1
    assert gets(emulator)['GET %s/collections/%d/endpoints' % (prefix, coll_id)] == 1

    failed, result = run(throttling_counter, dict(base, counters=counters))
    assert not failed, result['msg']
    created = result['throttling_counters']
    assert [item['throttling_counter']['limit'] for item in created] == [100, 101, 102, 103, 104]
    assert all(item['throttling_counter']['rules'] == {'acl': [entry], 'keys': [key_id], 'key_collections': [coll_id]}
               for item in created)

    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(base, counters=counters))
    assert not failed and result['changed'] is False
    assert writes() == {}
    # Converged: the counter listing once, the key and collection listings once each (the ACL is held already).
    assert gets(emulator) == {'GET %s/counters' % prefix: 1, 'GET %s/collections' % prefix: 1,
                              'GET %s/keys' % prefix: emulator.admin.log()['counts']['GET %s/keys' % prefix]}
    assert emulator.admin.log()['counts']['GET %s/keys' % prefix] == 1

    # A change to one counter, a delete of another, with the top-level state as the elements' default.
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(base, counters=[
        dict(name='unit-counter-0', limit=500), dict(name='unit-counter-1', state='absent'),
        dict(name='unit-counter-2')], _ansible_diff=True))
    assert not failed, result['msg']
    assert [item['changed'] for item in result['throttling_counters']] == [True, True, False]
    assert result['throttling_counters'][1]['throttling_counter'] == {}
    assert result['diff']['before']['unit-counter-0']['limit'] == 104 - 4
    assert result['diff']['after']['unit-counter-0']['limit'] == 500
    assert writes() == {'PUT %s/counters/%d' % (prefix, created[0]['throttling_counter']['id']): 1,
                        'DELETE %s/counters/%d' % (prefix, created[1]['throttling_counter']['id']): 1}
    assert gets(emulator) == {'GET %s/counters' % prefix: 1}

    failed, result = run(throttling_counter, dict(base, state='absent', counters=[
        dict(name='unit-counter-%d' % n) for n in range(5)]))
    assert not failed and [item['changed'] for item in result['throttling_counters']] == [True, False, True, True, True]


def test_counters_duplicate_names_are_refused_before_any_request(emulator, run):
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, counters=[
        dict(name='unit-a', limit=10), dict(name='unit-b', limit=10), dict(name='unit-a', state='absent')]))
    assert failed and result['msg'] == ("counters: throttling counter 'unit-a' is declared more than once "
                                        "(counters[0].name and counters[2].name); a name is one counter in a "
                                        "contract and group. Nothing was sent.")
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('element, message', [
    (dict(name=' ', limit=10), r'counters[1] (' + ' ' + r'): counters[1].name cannot be blank'),
    (dict(name='unit-b', limit=5), 'counters[1] (unit-b): counters[1].limit must be between 10 and 1000000, got 5'),
    (dict(name='unit-b', limit=10, rules=dict(acl=['NOPE-1'])), "counters[1] (unit-b): counters[1].rules.acl: 'NOPE-1' "
                                                                "is not an ACL entry"),
    (dict(name='unit-b', limit=10, error_response=dict(status_code=99)),
     'counters[1] (unit-b): counters[1].error_response.status_code must be between 200 and 599'),
])
def test_counters_bad_input_of_one_element_fails_before_any_request(emulator, run, element, message):
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, contract_id=CONTRACT, group_id=GROUP,
                                                  counters=[dict(name='unit-a', limit=10), element]))
    assert failed and result['msg'].startswith(message), result['msg']
    assert emulator.admin.log()['total'] == 0


def test_counters_a_refused_plan_fails_before_the_first_write_naming_the_element(emulator, run, writes):
    coll_id, key_id, entry = collection_and_key(emulator, 'v2')
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, contract_id=CONTRACT, group_id=GROUP,
                                                  counters=[dict(name='unit-a', limit=10, rules=dict(keys=[key_id])),
                                                            dict(name='unit-b', limit=10, rules=dict(keys=[999999]))]))
    assert failed and result['msg'] == ('counters[1] (unit-b): counters[1].rules.keys: no API key has id 999999; '
                                        'nothing was changed (nothing was written)'), result['msg']
    assert writes() == {}
    # Refused while the counters are read together (a name that two groups hold, no group given): the element is
    # listed as failed, as one refused in a later step is.
    for group in (GROUP, 10002):
        failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, contract_id=CONTRACT, group_id=group,
                                                      name='unit-twice', limit=10))
        assert not failed, result['msg']
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, counters=[
        dict(name='unit-a', limit=10, contract_id=CONTRACT, group_id=GROUP), dict(name='unit-twice', limit=20)]))
    assert failed and result['msg'].startswith("counters[1] (unit-twice): 2 throttling counters are named "
                                               "'unit-twice'"), result['msg']
    assert result['throttling_counters'] == [dict(name='unit-twice', changed=False, failed=True)]
    assert writes() == {}
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, counters=[
        dict(name='unit-a', limit=10, contract_id=CONTRACT, group_id=GROUP), dict(name='unit-c')]))
    assert failed and result['msg'].startswith(
        "counters[1] (unit-c): no throttling counter named 'unit-c' exists; counters[1].contract_id, "
        "counters[1].group_id, counters[1].limit needed to create it"), result['msg']
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, contract_id=CONTRACT, group_id=GROUP,
                                                  counters=[dict(name='unit-a', limit=10,
                                                                 rules=dict(acl=['ENDPOINT-999999']))]))
    assert failed and result['msg'].startswith('counters[0] (unit-a): counters[0].rules.acl: ENDPOINT-999999 is not '
                                               'an API endpoint'), result['msg']
    assert writes() == {}


def test_counters_a_failed_write_lists_the_elements_done_before_it(emulator, run):
    base = dict(edgerc=emulator.edgerc, max_retries=0, contract_id=CONTRACT, group_id=GROUP)
    emulator.admin.faults('503', method='POST', path='/apikey-manager-api/v2/counters', count=1)
    failed, result = run(throttling_counter, dict(base, counters=[dict(name='unit-a', limit=10),
                                                                  dict(name='unit-b', limit=10)]))
    assert failed and result['msg'].startswith('counters[0] (unit-a): '), result['msg']
    assert result['throttling_counters'] == [dict(name='unit-a', changed=False, failed=True)]
    assert result['error']['status'] == 503
    failed, result = run(throttling_counter, dict(base, counters=[dict(name='unit-a', limit=10),
                                                                  dict(name='unit-b', limit=10)]))
    assert not failed and [item['changed'] for item in result['throttling_counters']] == [True, True]


def test_counters_a_failed_listing_fails_before_any_write_saying_so(emulator, run, writes):
    emulator.admin.faults('503', method='GET', path='/apikey-manager-api/v2/counters', count=10)
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, max_retries=0, contract_id=CONTRACT,
                                                  group_id=GROUP, counters=[dict(name='unit-a', limit=10)]))
    assert failed and result['msg'].startswith('counters: GET /apikey-manager-api/v2/counters') and \
        result['msg'].endswith('(nothing was written)'), result['msg']
    assert result['throttling_counters'] == [] and result['error']['status'] == 503 and writes() == {}


def test_counters_empty_sends_nothing_and_mutually_exclusive_with_one_counter(emulator, run):
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, counters=[]))
    assert not failed and result['changed'] is False and result['throttling_counters'] == []
    assert emulator.admin.log()['total'] == 0
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, limit=10, counters=[dict(name='x')]))
    assert failed and 'mutually exclusive: counters|limit' in result['msg']


def test_counters_alert_threshold_is_v2_only_naming_the_element(emulator, run):
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, api_version='v1', counters=[
        dict(name='unit-a', alert_threshold=80)]))
    assert failed and result['msg'].startswith(
        'counters[0] (unit-a): counters[0].alert_threshold is available in API Keys v2 only'), result['msg']


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_info_reads_what_each_counter_can_use_side_by_side(emulator, run, monkeypatch, version):
    coll_id, key_id, entry = collection_and_key(emulator, version)
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, api_version=version, contract_id=CONTRACT,
                                                  group_id=GROUP, counters=estate(entry, key_id, 3)))
    assert not failed, result['msg']
    batches = recorded_batches(monkeypatch)
    emulator.admin.reset_log()
    failed, result = run(throttling_counter_info, dict(edgerc=emulator.edgerc, api_version=version, endpoints=True,
                                                       api_keys=True, key_collections=version == 'v2'))
    assert not failed, result['msg']
    per_counter = 3 if version == 'v2' else 2
    # The reads of every counter in one batch, side by side: not one read after another.
    assert batches == [3 * per_counter]
    counters = result['throttling_counters']
    assert [c['name'] for c in counters] == ['unit-counter-%d' % n for n in range(3)]
    assert all(c['endpoints'] and c['api_keys'][0]['value'] == '********' for c in counters)
    if version == 'v2':
        assert all(c['key_collections'][0]['id'] == coll_id for c in counters)
    prefix = PREFIX[version]
    for counter in counters:
        assert gets(emulator)['GET %s/counters/%d/endpoints' % (prefix, counter['id'])] == 1
        assert gets(emulator)['GET %s/counters/%d/keys' % (prefix, counter['id'])] == 1
