# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key when two jobs run at once (against the local emulator): the other job is modelled by the emulator's own
API, generating keys with the same label while a "slow" fault holds this run's write or its read after it. Both
orders end with the declared count of active keys, and a re-run neither warns nor writes; a label left with more
keys than its count (an earlier race) is said, and exclusive=true revokes the newest."""

from __future__ import annotations

import json
import threading
import time

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key, api_key_collection

PLACE = dict(contract_id='C-1EMU001', group_id=10001)


def make_collection(emulator, run, version, name='races'):
    failed, made = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name=name, api_version=version))
    assert not failed, made
    return made['api_key_collection']['id']


def other_job_generates(emulator, version, collection_id, label, count):
    """The other job's write: keys generated through the API itself."""
    answer = emulator.session().post(emulator.url('/apikey-manager-api/%s/keys/generate' % version),
                                     json={'collectionId': collection_id, 'count': count, 'label': label})
    assert answer.status_code in (200, 201, 204), answer.text


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, 'timed out'
        time.sleep(0.02)


def active(result, label):
    return sorted(k['id'] for k in result['api_key']['api_keys'] if k['label'] == label and k['state'] == 'present')


def declaration(kind, label):
    """The two writes of api_key that generate: a generate entry (3 keys), a label-only entry of keys (1 key)."""
    if kind == 'generate':
        return dict(generate=[dict(label=label, count=3)]), 3
    return dict(keys=[dict(label=label)]), 1


@pytest.mark.parametrize('kind', ['generate', 'label-only'])
@pytest.mark.parametrize('version', ['v2', 'v1'])
@pytest.mark.parametrize('order', ['other-first', 'other-between'])
def test_two_jobs_generating_the_same_label_end_with_the_declared_count(emulator, run, version, kind, order, writes):
    collection_id = make_collection(emulator, run, version)
    declared, count = declaration(kind, 'cg1')
    generate_path = '/apikey-manager-api/%s/keys/generate' % version
    # This run's generate is held; the other job generates the same keys while it waits (other-first: the other's
    # keys are older), or after it was applied and before this run reads the keys again (other-between: the
    # other's keys are newer).
    emulator.admin.faults('slow', method='POST', path=generate_path, count=1, delay=1.0)

    def other():
        wait_for(lambda: not emulator.admin.faults())
        if order == 'other-between':
            emulator.admin.faults('slow', method='GET', path='/apikey-manager-api/', count=1, delay=1.0)
            wait_for(lambda: emulator.admin.log()['counts'].get('POST ' + generate_path))
        other_job_generates(emulator, version, collection_id, 'cg1', count)

    thread = threading.Thread(target=other)
    thread.start()
    try:
        failed, result = run(api_key, dict(edgerc=emulator.edgerc, max_retries=0, api_version=version,
                                           collection_id=collection_id, **declared))
    finally:
        thread.join()
    assert not failed, result['msg']
    assert result['changed'] is True
    assert len(active(result, 'cg1')) == count
    assert 'another run generated keys with the same label at the same time' in json.dumps(result['warnings'])
    # The keys kept are the oldest: the other job's (other-first was applied before) or this run's.
    every = sorted(k['id'] for k in result['api_key']['api_keys'] if k['label'] == 'cg1')
    assert active(result, 'cg1') == every[:count]

    # Converged: a re-run neither warns nor writes.
    emulator.admin.reset_log()
    failed, again = run(api_key, dict(edgerc=emulator.edgerc, api_version=version, collection_id=collection_id,
                                      **declared))
    assert not failed, again['msg']
    assert again['changed'] is False and writes() == {}
    # (Warnings accumulate in the test process: the re-run adds none.)
    assert again.get('warnings') == result.get('warnings')
    assert len(active(again, 'cg1')) == count


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_a_label_with_more_keys_than_its_count_is_said_and_exclusive_revokes_the_newest(emulator, run, version, writes):
    collection_id = make_collection(emulator, run, version)
    other_job_generates(emulator, version, collection_id, 'cg1', 3)
    other_job_generates(emulator, version, collection_id, 'cg1', 3)
    args = dict(edgerc=emulator.edgerc, api_version=version, collection_id=collection_id,
                generate=[dict(label='cg1', count=3)])
    emulator.admin.reset_log()
    failed, result = run(api_key, args)
    assert not failed, result['msg']
    assert result['changed'] is False and writes() == {}
    every = active(result, 'cg1')
    assert len(every) == 6
    warning = json.dumps(result['warnings'])
    assert "generate[0] (label 'cg1'): the collection holds 6 active keys with this label, 3 more than count" in warning
    assert 'ids %s' % ', '.join(map(str, every[3:])) in warning and 'exclusive=true' in warning

    failed, result = run(api_key, dict(args, exclusive=True))
    assert not failed, result['msg']
    assert result['changed'] is True and result['api_key']['changes']['revoked'] == 3
    assert active(result, 'cg1') == every[:3]


def other_job_creates(emulator, version, collection_id, value):
    """The other job's write: a key with the caller's value, created through the API itself."""
    body = {'collectionId': collection_id, 'label': 'v'}
    body.update({'keyValues': [value]} if version == 'v2' else {'value': value})
    answer = emulator.session().post(emulator.url('/apikey-manager-api/%s/keys' % version), json=body)
    assert answer.status_code in (200, 201), answer.text


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_two_jobs_creating_the_same_value_both_succeed(emulator, run, version, writes):
    # The other job creates the value while this run's create is held: Akamai refuses this run's (the value
    # exists); read again, the keys are as declared, and the task says so instead of failing.
    collection_id = make_collection(emulator, run, version)
    emulator.admin.faults('slow', method='POST', path='/apikey-manager-api/%s/keys' % version, count=1, delay=1.0)

    def other():
        wait_for(lambda: not emulator.admin.faults())
        other_job_creates(emulator, version, collection_id, 'race-value-00001')

    thread = threading.Thread(target=other)
    thread.start()
    args = dict(edgerc=emulator.edgerc, max_retries=0, api_version=version, collection_id=collection_id,
                keys=[dict(value='race-value-00001', label='v')])
    try:
        failed, result = run(api_key, args)
    finally:
        thread.join()
    assert not failed, result['msg']
    assert 'read again, the keys are as the task declares them' in json.dumps(result['warnings'])
    assert [k['label'] for k in result['api_key']['api_keys']] == ['v']
    assert 'race-value-00001' not in json.dumps(result)
    emulator.admin.reset_log()
    failed, again = run(api_key, args)
    assert not failed and again['changed'] is False and writes() == {}


def test_a_refused_write_that_leaves_the_keys_not_as_declared_still_fails(emulator, run):
    # The value exists in another collection, created after this run read: refused, and read again the value is
    # elsewhere - the task fails with Akamai's problem details.
    collection_id = make_collection(emulator, run, 'v2')
    other_id = make_collection(emulator, run, 'v2', name='elsewhere')
    emulator.admin.faults('slow', method='POST', path='/apikey-manager-api/v2/keys', count=1, delay=1.0)

    def other():
        wait_for(lambda: not emulator.admin.faults())
        other_job_creates(emulator, 'v2', other_id, 'race-value-00002')

    thread = threading.Thread(target=other)
    thread.start()
    try:
        failed, result = run(api_key, dict(edgerc=emulator.edgerc, max_retries=0, collection_id=collection_id,
                                           keys=[dict(value='race-value-00002', label='v')]))
    finally:
        thread.join()
    assert failed
    assert result['error']['status'] == 400 and 'race-value-00002' not in json.dumps(result)


def test_a_repair_refused_fails_saying_what_was_generated_and_what_is_left(emulator, run):
    # The other job's keys land while this run's generate is held; this run's revoke of the surplus is refused
    # (HTTP 429, no retries): the task fails with Akamai's problem details, says the keys were generated and which
    # are left, and reports the change.
    collection_id = make_collection(emulator, run, 'v2')
    emulator.admin.faults('slow', method='POST', path='/apikey-manager-api/v2/keys/generate', count=1, delay=1.0)
    emulator.admin.faults('429', method='POST', path='/apikey-manager-api/v2/keys/revoke', count=1)

    def other():
        wait_for(lambda: len(emulator.admin.faults()) == 1)
        other_job_generates(emulator, 'v2', collection_id, 'cg1', 3)

    thread = threading.Thread(target=other)
    thread.start()
    try:
        failed, result = run(api_key, dict(edgerc=emulator.edgerc, max_retries=0, collection_id=collection_id,
                                           generate=[dict(label='cg1', count=3)]))
    finally:
        thread.join()
    assert failed and result['changed'] is True
    assert result['error']['status'] == 429
    assert 'the keys were generated, but revoking the 3 beyond the count failed' in json.dumps(result['warnings'])
