# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A write whose answer is lost (the emulator applies it, then drops the connection: fault "drop-after"; or drops
the connection before applying it: "drop"): the modules whose resources settle (EdgeGridModule._settle) read the
resource again and tell the user what happened, instead of failing with changed=false after a write that took."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v2
from ansible_collections.edgegrid.access.plugins.modules import (
    api_client, api_key, api_key_collection, api_key_collection_info, edgekv_token, throttling_counter,
    throttling_counter_info)

COUNTERS = '/apikey-manager-api/v2/counters'
PLACE = dict(contract_id='C-1EMU001', group_id=10001)


def counter(emulator, run, **options):
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0, name='lost', **options)
    return run(throttling_counter, args)


def test_a_create_applied_whose_answer_was_lost_is_reported_as_made(emulator, run, writes):
    emulator.admin.faults('drop-after', method='POST', path=COUNTERS, count=1)
    failed, result = counter(emulator, run, limit=100)
    assert not failed, result['msg']
    assert result['changed'] is True
    assert result['throttling_counter']['name'] == 'lost' and result['throttling_counter']['limit'] == 100
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    # Converged: the re-run sends no write.
    emulator.admin.reset_log()
    failed, again = counter(emulator, run, limit=100)
    assert not failed and again['changed'] is False and writes() == {}


@pytest.mark.parametrize('kind, state, applied', [('drop-after', 'present', True), ('drop', 'present', False),
                                                  ('drop-after', 'absent', True), ('drop', 'absent', False)])
def test_an_update_or_delete_whose_answer_was_lost_says_whether_it_took(emulator, run, kind, state, applied):
    failed, made = counter(emulator, run, limit=100)
    assert not failed, made
    path = '%s/%d' % (COUNTERS, made['throttling_counter']['id'])
    emulator.admin.faults(kind, method='PUT' if state == 'present' else 'DELETE', path=path, count=1)
    failed, result = counter(emulator, run, limit=200, state=state)
    if applied:
        assert not failed, result['msg']
        assert result['changed'] is True
        assert 'read again, the write was applied' in json.dumps(result['warnings'])
        if state == 'present':
            assert result['throttling_counter']['limit'] == 200
    else:
        # Not applied: the task fails, says so, and reports no change.
        assert failed
        assert 'it is not (all) applied: run the task again' in result['msg']
        assert result['changed'] is False
    failed, again = counter(emulator, run, limit=200, state=state)
    assert not failed and again['changed'] is (not applied)


def test_when_the_read_again_fails_too_the_task_says_it_cannot_tell(emulator, run):
    failed, made = counter(emulator, run, limit=100)
    assert not failed, made
    path = '%s/%d' % (COUNTERS, made['throttling_counter']['id'])
    # The listing passes (skip=1): the one dropped GET is the read after the lost write.
    emulator.admin.faults('drop-after', method='PUT', path=path, count=1)
    emulator.admin.faults('drop', method='GET', path=COUNTERS, count=1, skip=1)
    failed, result = counter(emulator, run, limit=200)
    assert failed
    assert 'not retried, since a write may have been applied' in result['msg']
    assert 'reading it again to tell whether it took failed too' in result['msg']
    assert 'Traceback' not in json.dumps(result)


def test_an_api_client_created_whose_answer_was_lost_is_reported_as_made(emulator, run, writes):
    emulator.admin.faults('drop-after', method='POST', path='/identity-management/v3/api-clients', count=1)
    args = dict(edgerc=emulator.edgerc, max_retries=0, name='lost-client', description='made once', all_apis=True)
    failed, result = run(api_client, args)
    assert not failed, result['msg']
    assert result['changed'] is True and result['api_client']['name'] == 'lost-client'
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    emulator.admin.reset_log()
    failed, again = run(api_client, args)
    assert not failed and again['changed'] is False and writes() == {}


def test_a_collection_created_whose_answer_was_lost_before_its_quota_is_completed_by_the_next_run(emulator, run, writes):
    # The POST took, the quota (its own write after it) was never sent: the task says the write is not all applied
    # and that something changed; the next run sets the quota, the one after sends no write.
    emulator.admin.faults('drop-after', method='POST', path='/apikey-manager-api/v2/collections', count=1)
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0, name='lost-coll',
                quota=dict(enabled=True, limit=500, interval='HOUR_1'))
    failed, result = run(api_key_collection, args)
    assert failed and 'it is not (all) applied: run the task again' in result['msg']
    assert result['changed'] is True
    failed, result = run(api_key_collection, args)
    assert not failed and result['changed'] is True and result['api_key_collection']['quota']['limit'] == 500
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, args)
    assert not failed and result['changed'] is False and writes() == {}


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_keys_whose_create_answer_was_lost_are_reported_as_made(emulator, run, version, writes):
    failed, coll = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='lost-keys', api_version=version))
    assert not failed, coll
    base = '/apikey-manager-api/%s/keys' % version
    emulator.admin.faults('drop-after', method='POST', path=base, count=1)
    args = dict(edgerc=emulator.edgerc, max_retries=0, api_version=version,
                collection_id=coll['api_key_collection']['id'],
                keys=[dict(label='a', value='lost-answer-value-a'), dict(label='b', value='lost-answer-value-b')])
    failed, result = run(api_key, args)
    assert not failed, result['msg']
    assert result['changed'] is True
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    # The result shows the keys the task made, as if the answer had come (the plan carried out).
    assert sorted(k['label'] for k in result['api_key']['api_keys']) == ['a', 'b']
    assert result['api_key']['changes']['created'] == 2
    assert 'lost-answer-value' not in json.dumps(result)
    emulator.admin.reset_log()
    failed, again = run(api_key, args)
    assert not failed and again['changed'] is False and writes() == {}


def test_in_a_list_the_read_again_is_fresh_not_the_listing_read_before_the_writes(emulator, run, writes):
    # The counters of one task share the reads their plans made (throttling_counter's Reads); the read after a lost
    # answer must not be one of them.
    emulator.admin.faults('drop-after', method='POST', path=COUNTERS, count=1)
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0,
                counters=[dict(name='many-a', limit=100), dict(name='many-b', limit=200)])
    failed, result = run(throttling_counter, args)
    assert not failed, result['msg']
    assert [(c['name'], c['changed']) for c in result['throttling_counters']] == [('many-a', True), ('many-b', True)]
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    emulator.admin.reset_log()
    failed, again = run(throttling_counter, args)
    assert not failed and again['changed'] is False and writes() == {}


def twin(name, limit):
    """The body of a v2 counter create as another run sends it (POST /counters)."""
    return _apikeys_v2.counter_to_wire(dict(PLACE, name=name, enabled=True, limit=limit, on_over_limit='DENY',
                                            headers=dict(client=[], origin=[]),
                                            rules=dict(acl=[], keys=[], key_collections=[])), create=True)


def test_two_runs_creating_one_counter_at_once_leave_one(emulator, run):
    # Run B's create is held (slow) while run A's create of the same name is applied: API Keys keeps both. B reads
    # the listing again after its create, keeps the lower id (A's), deletes its own and sets A's to what it declares.
    import threading
    import time
    emulator.admin.faults('slow', method='POST', path=COUNTERS, count=1, delay=1.0)
    session = emulator.session()

    def other_run():
        time.sleep(0.3)
        assert session.post(emulator.url(COUNTERS), json=twin('raced', 50)).status_code in (200, 201)

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        failed, result = run(throttling_counter, dict(PLACE, edgerc=emulator.edgerc, max_retries=0, name='raced',
                                                      limit=100))
    finally:
        thread.join()
    assert not failed, result['msg']
    assert 'was created by another run at the same time' in json.dumps(result['warnings'])
    failed, info = run(throttling_counter_info, dict(edgerc=emulator.edgerc, name='raced'))
    listed = info['throttling_counters']
    assert len(listed) == 1 and listed[0]['id'] == result['throttling_counter']['id']
    assert result['throttling_counter']['limit'] == 100 and listed[0]['limit'] == 100
    failed, again = run(throttling_counter, dict(PLACE, edgerc=emulator.edgerc, name='raced', limit=100))
    assert not failed and again['changed'] is False


def test_two_counters_of_one_name_in_one_place_the_message_says_what_to_do(emulator, run):
    session = emulator.session()
    for limit in (50, 60):
        assert session.post(emulator.url(COUNTERS), json=twin('twice', limit)).status_code in (200, 201)
    failed, result = run(throttling_counter, dict(PLACE, edgerc=emulator.edgerc, name='twice', limit=100))
    assert failed
    assert 'named \'twice\' in contract/group C-1EMU001/10001' in result['msg']
    assert 'by its id (option id)' in result['msg'] and 'or contract_id and group_id' not in result['msg']


def test_a_collection_whose_acl_answer_was_lost_after_its_create_is_not_rolled_back(emulator, run, writes):
    # The ACL PUT was applied, its answer lost: the collection stays (no roll-back of what took); read again, it is
    # as the task wants it, except the quota, which the next run sets.
    made = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='sibling'))[1]
    endpoints = run(api_key_collection_info, dict(edgerc=emulator.edgerc, name='sibling', endpoints=True))[1]
    entry = endpoints['api_key_collections'][0]['endpoints'][0]['acl_entry']
    emulator.admin.faults('drop-after', method='PUT', path='/apikey-manager-api/v2/collections/', count=1)
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0, name='acl-lost', acl=[entry])
    failed, result = run(api_key_collection, args)
    assert not failed, result['msg']
    assert result['changed'] is True and result['api_key_collection']['acl'] == [entry]
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    emulator.admin.reset_log()
    assert run(api_key_collection, args)[1]['changed'] is False and writes() == {}


TOKENS = '/edgekv/v1/tokens'


def token_args(emulator, **extra):
    return dict(edgerc=emulator.edgerc, max_retries=0, name='lost_token', namespace_permissions={'default': 'r'},
                allow_on_staging=True, **extra)


def test_an_edgekv_token_whose_create_answer_was_lost_is_reported_as_made(emulator, run, tmp_path, writes):
    # The token's uuid (and value) are read back by GET /tokens/{name}: the edgekv_tokens.js entry is written too.
    emulator.admin.faults('drop-after', method='POST', path=TOKENS, count=1)
    args = token_args(emulator, tokens_js=dict(path=str(tmp_path / 'edgekv_tokens.js')))
    failed, result = run(edgekv_token, args)
    assert not failed, result['msg']
    assert result['changed'] is True and result['actions'] == ['create']
    assert result['edgekv_token']['uuid'] and result['tokens_js']['set'] == ['namespace-default']
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    emulator.admin.reset_log()
    failed, again = run(edgekv_token, args)
    assert not failed and again['changed'] is False and writes() == {}


def test_an_edgekv_token_created_by_another_run_meanwhile_is_kept(emulator, run):
    # Run B's create is held while another run creates the same token: B's create is refused (HTTP 409); read again,
    # the token is as B declares it, so B keeps it and warns.
    import threading
    import time
    emulator.admin.faults('slow', method='POST', path=TOKENS, count=1, delay=1.0)
    session = emulator.session()

    def other_run():
        time.sleep(0.3)
        body = {'name': 'lost_token', 'allowOnStaging': True, 'allowOnProduction': False,
                'namespacePermissions': {'default': ['r']}}
        assert session.post(emulator.url(TOKENS), json=body).status_code in (200, 201)

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        failed, result = run(edgekv_token, token_args(emulator))
    finally:
        thread.join()
    assert not failed, result['msg']
    assert 'was created by another run at the same time' in json.dumps(result['warnings'])
    assert result['edgekv_token']['uuid']
    failed, again = run(edgekv_token, token_args(emulator))
    assert not failed and again['changed'] is False


def test_many_tokens_read_the_namespaces_of_a_network_once(emulator, run):
    # Found by a tester: 400 tokens sent GET /networks/staging/namespaces 400 times.
    emulator.admin.reset_log()
    tokens = [dict(name='many_ns_%d' % index, namespace_permissions={'default': 'r'}, allow_on_staging=True)
              for index in range(6)]
    failed, result = run(edgekv_token, dict(edgerc=emulator.edgerc, tokens=tokens))
    assert not failed, result['msg']
    counts = emulator.admin.log()['counts']
    assert counts.get('GET /edgekv/v1/networks/staging/namespaces') == 1, counts
    assert counts.get('POST /edgekv/v1/tokens') == 6


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_a_delete_by_id_run_again_is_no_change(emulator, run, version):
    # Found by a tester: the second run of a delete by id failed ('no key collection has id N') forever.
    common = dict(PLACE, edgerc=emulator.edgerc, api_version=version)
    coll = run(api_key_collection, dict(common, name='gone-by-id'))[1]['api_key_collection']['id']
    ctr = run(throttling_counter, dict(common, name='gone-by-id', limit=100))[1]['throttling_counter']['id']
    for dummy in range(2):
        failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, api_version=version, id=coll,
                                                      state='absent'))
        assert not failed, result['msg']
        failed, many = run(api_key_collection, dict(edgerc=emulator.edgerc, api_version=version,
                                                    collections=[dict(id=coll, state='absent')]))
        assert not failed, many['msg']
        failed, counter = run(throttling_counter, dict(edgerc=emulator.edgerc, api_version=version, id=ctr,
                                                       state='absent'))
        assert not failed, counter['msg']
    assert result['changed'] is False and many['changed'] is False and counter['changed'] is False
    # Present, an unknown id still fails: it never creates.
    failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, api_version=version, id=coll,
                                                  description='x'))
    assert failed and 'no key collection has id %d' % coll in result['msg']


def test_counters_one_name_in_two_groups_are_two_counters(emulator, run):
    # Found by a tester: the key_provisioning role's counters of one name in two groups failed after the writes of
    # the collections and keys ('declared more than once').
    args = dict(edgerc=emulator.edgerc, contract_id='C-1EMU001', counters=[
        dict(name='burst', group_id=10001, limit=100), dict(name='burst', group_id=10002, limit=200)])
    failed, result = run(throttling_counter, args)
    assert not failed, result['msg']
    assert [(c['throttling_counter']['group_id'], c['throttling_counter']['limit'])
            for c in result['throttling_counters']] == [(10001, 100), (10002, 200)]
    failed, again = run(throttling_counter, args)
    assert not failed and again['changed'] is False
    failed, twice = run(throttling_counter, dict(args, counters=[dict(name='burst', group_id=10001, limit=100),
                                                                 dict(name='burst', group_id=10001, limit=300)]))
    assert failed and 'declared more than once' in twice['msg']


@pytest.mark.parametrize('many', [False, True])
def test_a_lost_acl_answer_before_the_quota_says_something_changed(emulator, run, many):
    # Found by a tester: the ACL write took, the quota was never sent; the task failed with changed=false.
    made = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='sibling'))[1]
    endpoints = run(api_key_collection_info, dict(edgerc=emulator.edgerc, name='sibling', endpoints=True))[1]
    entry = endpoints['api_key_collections'][0]['endpoints'][0]['acl_entry']
    coll = made['api_key_collection']['id']
    emulator.admin.faults('drop-after', method='PUT', path='/apikey-manager-api/v2/collections/%d/acl-entries' % coll,
                          count=1)
    declared = dict(name='sibling', acl=[entry], quota=dict(enabled=True, limit=900, interval='DAY'))
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0)
    args.update(dict(collections=[declared]) if many else declared)
    failed, result = run(api_key_collection, args)
    assert failed and 'not (all) applied' in result['msg']
    assert result['changed'] is True, result
    failed, again = run(api_key_collection, args)
    assert not failed and again['changed'] is True
    assert run(api_key_collection, args)[1]['changed'] is False


@pytest.mark.parametrize('quota', [True, False])
@pytest.mark.parametrize('many', [False, True])
def test_a_collection_created_by_another_run_meanwhile_is_kept(emulator, run, many, quota, writes):
    # Found by a tester: the loser of two runs creating one collection failed with the API's 400 (the name is taken).
    # Found by a tester: it then reported a change although the other run's collection was as declared.
    import threading
    import time
    path = '/apikey-manager-api/v2/collections'
    emulator.admin.faults('slow', method='POST', path=path, count=1, delay=1.0)
    session = emulator.session()

    def other_run():
        time.sleep(0.3)
        body = _apikeys_v2.collection_create_to_wire(dict(PLACE, name='raced-coll'))
        assert session.post(emulator.url(path), json=body).status_code in (200, 201)

    declared = dict(name='raced-coll', quota=dict(enabled=True, limit=700, interval='DAY')) if quota else dict(
        name='raced-coll')
    args = dict(PLACE, edgerc=emulator.edgerc, max_retries=0, _ansible_diff=True)
    args.update(dict(collections=[declared]) if many else declared)
    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        failed, result = run(api_key_collection, args)
    finally:
        thread.join()
    assert not failed, result['msg']
    assert 'was created by another run at the same time' in json.dumps(result['warnings'])
    coll = result['api_key_collections'][0]['api_key_collection'] if many else result['api_key_collection']
    # With a quota declared, this run set it on the other run's collection: a change; without, nothing was written.
    assert result['changed'] is quota
    if not quota and not many:
        # Found by a tester: the diff of a collection found as declared showed a create.
        assert result['diff']['before'] == result['diff']['after'], result['diff']
    if many:
        assert result['api_key_collections'][0]['changed'] is quota
    if quota:
        assert coll['quota']['limit'] == 700
    emulator.admin.reset_log()
    assert run(api_key_collection, args)[1]['changed'] is False and writes() == {}


def test_a_task_that_fails_after_one_of_its_writes_took_reports_a_change(emulator, run, writes):
    """The keys are created, then the generate is refused (503; a write is not sent again): the task fails with
    Akamai's problem details, and `changed` says that something was changed before it."""
    failed, coll = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='partly'))
    assert not failed, coll
    emulator.admin.faults('503', method='POST', path='/apikey-manager-api/v2/keys/generate', count=1)
    args = dict(edgerc=emulator.edgerc, max_retries=0, collection_id=coll['api_key_collection']['id'],
                keys=[dict(label='a', value='partly-written-value-a')], generate=[dict(label='g', count=1)])
    failed, result = run(api_key, args)
    assert failed and result['error']['status'] == 503, result
    assert result['changed'] is True, result
    # Nothing changed before the refusal: no change reported.
    emulator.admin.faults('503', method='POST', path='/apikey-manager-api/v2/keys/generate', count=1)
    failed, result = run(api_key, args)
    assert failed and not result.get('changed'), result
