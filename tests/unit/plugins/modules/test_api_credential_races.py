# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_credential with two jobs at once and with lost answers, against the local emulator.

Two jobs are two module processes (each its own pid, hence its own run id), timed by the emulator's "slow" faults;
a lost answer is a "drop" (not applied) or "drop-after" (applied, answer lost) fault.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import threading
import time

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _iam, _rotation
from ansible_collections.edgegrid.access.plugins.modules import api_client, api_credential, api_credential_info

SELF = '/identity-management/v3/api-clients/self/credentials'
MODULE = 'ansible_collections.edgegrid.access.plugins.modules.api_credential'


def spawn(args, tmp_path, name):
    """One job: the module in a process of its own (its own pid, as two ansible-playbook runs have)."""
    path = tmp_path / ('%s.json' % name)
    path.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.Popen([sys.executable, '-m', MODULE, str(path)], stdout=subprocess.PIPE, env=env,
                            cwd=str(tmp_path))


def outcome(proc):
    out, _err = proc.communicate(timeout=120)
    result = json.loads(out)
    return bool(result.get('failed')), result


def credentials(emulator, run, client_id='self'):
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                                   client_id=client_id))
    assert not failed
    return result['credentials']


def tokens_in(path):
    if not os.path.exists(path):
        return set()
    return set(values.get('client_token') for values in
               (_edgerc.read_section(path, name) for name in _edgerc.section_names(path)))


def shown(result):
    """A result to show in an assertion message: without the one-time secret."""
    return dict((k, v) for k, v in result.items() if k not in ('secret', 'invocation'))


def wait_consumed(emulator, path, timeout=30):
    """Until no installed fault rule names `path` any longer: the job's request has reached it."""
    end = time.time() + timeout
    while any(rule.get('path') == path for rule in emulator.admin.faults()):
        assert time.time() < end, 'the job never sent its request'
        time.sleep(0.05)


def no_secret_lost(emulator, run, stored, client_id='self'):
    """Every ACTIVE credential has its client token in one of the `stored` .edgerc files."""
    tokens = set()
    for path in stored:
        tokens |= tokens_in(path)
    return [c['credential_id'] for c in credentials(emulator, run, client_id)
            if c['status'] == 'active' and c['client_token'] not in tokens]


def fresh_client(emulator, run, name='race-client'):
    """A new API client, without credentials: (its ID, the path of its credentials)."""
    failed, made = run(api_client, dict(edgerc=emulator.edgerc, max_retries=0, name=name, all_apis=True))
    assert not failed, made
    client = made['api_client']['client_id']
    return client, '/identity-management/v3/api-clients/%s/credentials' % client


# -- finding 1: two creates of one description at once ----------------------------------------------------------

@pytest.mark.parametrize('fault, delay, start_b, policy', [
    # The tester's input: A's pending-marker PUT held 4 s, B starts 2.5 s later (A's credential has no description).
    (('slow', 'PUT', 4), None, 2.5, {}),
    # The same with rotate_before_days: no credential yet, both create one.
    (('slow', 'PUT', 4), None, 2.5, {'rotate_before_days': 30}),
    # B starts once A's credential carries its pending marker (A's final PUT held).
    (('slow', 'PUT', 4), 'second-put', 1.5, {}),
    # A's create itself held: B's create is applied first and gets the lower ID.
    (('slow', 'POST', 3), None, 1.0, {}),
    # No fault: both at once.
    (None, None, 0.0, {}),
    (None, None, 0.2, {}),
], ids=['undescribed', 'undescribed-rotate', 'pending', 'b-first', 'together', 'together-0.2'])
@pytest.mark.parametrize('with_edgerc', [True, False], ids=['edgerc_write', 'secret'])
def test_two_creates_at_once_leave_one_credential_whose_secret_is_held(emulator, run, tmp_path, fault, delay,
                                                                       start_b, policy, with_edgerc, writes):
    client, path = fresh_client(emulator, run)
    out = tmp_path / 'dupd1.edgerc'
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, description='dupd1', client_id=client,
                **policy)
    if with_edgerc:
        args['edgerc_write'] = dict(path=str(out), section='dupd1')
    if fault:
        kind, method, seconds = fault
        if delay == 'second-put':
            emulator.admin.faults('slow', method=method, path=path, count=1, delay=0)
        emulator.admin.faults(kind, method=method, path=path, count=1, delay=seconds)
    job_a = spawn(args, tmp_path, 'a')
    time.sleep(start_b)
    job_b = spawn(args, tmp_path, 'b')
    results = [outcome(job_a), outcome(job_b)]
    made = [result for failed, result in results if not failed and result['changed']]
    count = len(made)
    assert count == 1, json.dumps([shown(result) for _failed, result in results])
    made = made[0]
    for failed, result in results:
        if result is made:
            continue
        if failed:  # it saw the other's create under way and stepped back
            assert 'another run' in result['msg'] and 'dupd1' in result['msg'], shown(result)
        else:  # it started once the other had completed: nothing to do
            assert result['credential']['credential_id'] == made['credential']['credential_id'], shown(result)
        assert 'secret' not in list(result)
    live = [c for c in credentials(emulator, run, client) if c['status'] == 'active']
    assert [(c['credential_id'], c['description']) for c in live] == [(made['credential']['credential_id'], 'dupd1')]
    if with_edgerc:
        assert tokens_in(str(out)) == set([live[0]['client_token']])
    else:
        assert live[0]['client_token'] == made['secret']['client_token']
    # A later run: nothing to do, nothing written.
    emulator.admin.reset_log()
    failed, again = run(api_credential, args)
    assert not failed and again['changed'] is False, again
    assert writes() == {}


def test_a_live_pending_credential_of_the_same_description_stops_a_create_before_any_write(
        emulator, run, tmp_path, writes):
    """Another job, on this host and alive, has created its credential and marked it pending."""
    client, path = fresh_client(emulator, run)
    session = emulator.session('default')
    made = session.post(emulator.url(path)).json()
    sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        run_id = '%s:%d:bb' % (_rotation.socket.gethostname().split('.')[0], sleeper.pid)
        body = {'status': 'ACTIVE', 'expiresOn': made['expiresOn'],
                'description': _rotation.pending_description('dupd1', run_id)}
        assert session.put(emulator.url('%s/%d' % (path, made['credentialId'])), json=body).status_code == 200
        emulator.admin.reset_log()
        failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                                  client_id=client, description='dupd1',
                                                  edgerc_write=dict(path=str(tmp_path / 'e'), section='d')))
        assert failed and not result.get('changed')
        assert 'another run' in result['msg'] and str(made['credentialId']) in result['msg'], result['msg']
        assert writes() == {}
    finally:
        sleeper.kill()
        sleeper.wait()


def test_two_credentials_of_one_description_the_message_says_which_to_keep(emulator, run, tmp_path):
    """What an earlier race left: the section holds one of them, the other's secret may be nowhere."""
    client, path = fresh_client(emulator, run)
    session = emulator.session('default')
    ids = []
    for _index in range(2):
        made = session.post(emulator.url(path)).json()
        body = {'status': 'ACTIVE', 'expiresOn': made['expiresOn'], 'description': 'dupd1'}
        assert session.put(emulator.url('%s/%d' % (path, made['credentialId'])), json=body).status_code == 200
        ids.append(made)
    out = tmp_path / 'dupd1.edgerc'
    _edgerc.write_section(str(out), 'dupd1', dict(host='h.example.net', access_token='akab-a', client_secret='s',
                                                  client_token=ids[0]['clientToken']))
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              client_id=client, description='dupd1',
                                              edgerc_write=dict(path=str(out), section='dupd1')))
    assert failed
    msg = result['msg']
    assert 'holds credential %d' % ids[0]['credentialId'] in msg, msg
    assert 'state=absent credential_id=%d' % ids[1]['credentialId'] in msg, msg


def test_a_create_refused_at_the_limit_while_another_job_creates_says_so(emulator, run, tmp_path):
    """The other job's credential, created a moment ago, takes the last slot (two credentials per API client)."""
    session = emulator.session('default')
    other = session.post(emulator.url(SELF)).json()
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              description='dupd1',
                                              edgerc_write=dict(path=str(tmp_path / 'e'), section='d')))
    assert failed and 'the API refused to create' in result['msg']
    assert 'Credential %d' % other['credentialId'] in result['msg'], result['msg']
    assert 'another job may be creating' in result['msg']


# -- finding 2: a lost create deletes only what it can prove its own ------------------------------------------------

def test_a_dropped_create_never_deletes_the_new_credential_of_another_job(emulator, run, tmp_path):
    client, creds = fresh_client(emulator, run)
    # Job A: its listing and its read of the API client held 3 s each; its create dropped (never applied).
    emulator.admin.faults('slow', method='GET', path='/identity-management/v3/api-clients/%s' % client, count=2,
                          delay=3)
    job_a = spawn(dict(edgerc=emulator.edgerc, section='default', max_retries=0, client_id=client,
                       description='ra1', edgerc_write=dict(path=str(tmp_path / 'a.edgerc'), section='ra1')),
                  tmp_path, 'a')
    wait_consumed(emulator, '/identity-management/v3/api-clients/%s' % client)
    time.sleep(1.0)
    # Job B, between A's listing and A's create: a run of this collection, alive, which marks its new credential
    # pending a few seconds after its create (its marker held, as the tester's timing had it).
    session = emulator.session('default')
    other = session.post(emulator.url(creds)).json()
    emulator.admin.faults('drop', method='POST', path=creds, count=1)
    sleeper = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
    try:
        time.sleep(3.0)
        run_id = '%s:%d:bb' % (_rotation.socket.gethostname().split('.')[0], sleeper.pid)
        body = {'status': 'ACTIVE', 'expiresOn': other['expiresOn'],
                'description': _rotation.pending_description('ra1', run_id)}
        assert session.put(emulator.url('%s/%d' % (creds, other['credentialId'])), json=body).status_code == 200
        failed, result = outcome(job_a)
    finally:
        sleeper.kill()
        sleeper.wait()
    listed = dict((c['credential_id'], c) for c in credentials(emulator, run, client))
    assert other['credentialId'] in listed and listed[other['credentialId']]['status'] == 'active', shown(result)
    assert 'credential %d' % other['credentialId'] not in json.dumps(result.get('warnings', []))
    # A sent its create again, saw B's pending credential of the same description with a lower id, and stepped back.
    assert failed and 'another run' in result['msg'], shown(result)


def test_more_than_one_undescribed_credential_after_a_lost_create_deletes_nothing(emulator, run, tmp_path):
    client, creds = fresh_client(emulator, run)
    # Job A: its listing and its read of the API client held 3 s each; its create applied, the answer lost.
    emulator.admin.faults('slow', method='GET', path='/identity-management/v3/api-clients/%s' % client, count=2,
                          delay=3)
    job_a = spawn(dict(edgerc=emulator.edgerc, section='default', max_retries=0, client_id=client,
                       description='rb1', edgerc_write=dict(path=str(tmp_path / 'b.edgerc'), section='rb1')),
                  tmp_path, 'b')
    wait_consumed(emulator, '/identity-management/v3/api-clients/%s' % client)
    time.sleep(1.0)
    # Another job's create between A's listing and A's create: two credentials without description appear.
    other = emulator.session('default').post(emulator.url(creds)).json()
    emulator.admin.faults('drop-after', method='POST', path=creds, count=1)
    failed, result = outcome(job_a)
    assert failed and 'cannot tell which' in result['msg'], shown(result)
    listed = dict((c['credential_id'], c) for c in credentials(emulator, run, client))
    assert listed[other['credentialId']]['status'] == 'active' and len(listed) == 2  # nothing was deleted


def test_a_create_lost_before_it_was_applied_is_sent_again(emulator, run, tmp_path):
    """Nothing new appeared: the create did not take, and sending it again is safe."""
    emulator.admin.faults('drop', method='POST', path=SELF, count=1)
    out = tmp_path / 'e.edgerc'
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              description='ci', edgerc_write=dict(path=str(out), section='ci')))
    assert not failed and result['changed'], result
    assert no_secret_lost(emulator, run, [str(emulator.edgerc), str(out)]) == []


# -- finding 3: a deactivate or delete whose answer was lost ---------------------------------------------------------

def new_credential(emulator, description):
    session = emulator.session('default')
    made = session.post(emulator.url(SELF)).json()
    body = {'status': 'ACTIVE', 'expiresOn': made['expiresOn'], 'description': description}
    assert session.put(emulator.url('%s/%d' % (SELF, made['credentialId'])), json=body).status_code == 200
    return made['credentialId']


@pytest.mark.parametrize('kind', ['drop-after', 'drop'])
@pytest.mark.parametrize('method, suffix', [('DELETE', ''), ('POST', '/deactivate')], ids=['delete', 'deactivate'])
def test_a_delete_whose_answer_was_lost_says_whether_it_took(emulator, run, kind, method, suffix):
    cid = new_credential(emulator, 'gone')
    emulator.admin.faults(kind, method=method, path='%s/%d%s' % (SELF, cid, suffix), count=1)
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, credential_id=cid, state='absent')
    failed, result = run(api_credential, args)
    still = [c for c in credentials(emulator, run) if c['credential_id'] == cid]
    if kind == 'drop-after':
        assert not failed and result['changed'] is True, result
        assert 'read again' in json.dumps(result['warnings'])
        assert still == []
    else:
        assert failed and 'run the task again' in result['msg'], result
        assert 'Traceback' not in json.dumps(result)
        assert result['changed'] is (method == 'DELETE')  # the deactivate took before the lost delete
    failed, result = run(api_credential, args)
    assert not failed, result
    assert [c for c in credentials(emulator, run) if c['credential_id'] == cid] == []


@pytest.mark.parametrize('kind', ['drop-after', 'drop'])
@pytest.mark.parametrize('change', [dict(status='inactive'), dict(description='renamed'),
                                    dict(status='inactive', description='renamed')], ids=['deactivate', 'describe',
                                                                                          'both'])
def test_an_update_whose_answer_was_lost_says_whether_it_took(emulator, run, kind, change, writes):
    cid = new_credential(emulator, 'old')
    method, suffix = ('POST', '/deactivate') if change == dict(status='inactive') else ('PUT', '')
    emulator.admin.faults(kind, method=method, path='%s/%d%s' % (SELF, cid, suffix), count=1)
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, credential_id=cid, **change)
    failed, result = run(api_credential, args)
    if kind == 'drop-after':
        assert not failed and result['changed'] is True, result
        assert 'read again, the write was applied' in json.dumps(result['warnings'])
        for key, value in change.items():
            assert result['credential'][key] == value
    else:
        assert failed and result['changed'] is False and 'run the task again' in result['msg'], result
    emulator.admin.reset_log()
    failed, again = run(api_credential, args)
    assert not failed
    if kind == 'drop-after':
        assert again['changed'] is False and writes() == {}


# -- a lost answer is settled by the module base (EdgeGridModule._settle), the credential read again by its ID --------

def test_a_lost_update_of_a_credential_found_by_description_reads_it_again_once(emulator, run, writes):
    cid = new_credential(emulator, 'by-policy')
    expiry = (_iam.utcnow() + datetime.timedelta(days=30)).strftime('%Y-%m-%dT00:00:00Z')
    emulator.admin.faults('drop-after', method='PUT', path='%s/%d' % (SELF, cid), count=1)
    emulator.admin.reset_log()
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, description='by-policy', expires_on=expiry)
    failed, result = run(api_credential, args)
    assert not failed, result
    assert result['changed'] is True and result['credential']['credential_id'] == cid
    assert _iam.same_instant(expiry, result['credential']['expires_on'])
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    counts = emulator.admin.log()['counts']
    assert counts.get('GET %s' % SELF) == 2 and counts.get('PUT %s/%d' % (SELF, cid)) == 1, counts
    emulator.admin.reset_log()
    failed, again = run(api_credential, args)
    assert not failed and again['changed'] is False and writes() == {}


def test_when_the_read_after_a_lost_update_fails_too_the_task_says_it_cannot_tell(emulator, run):
    cid = new_credential(emulator, 'unread')
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, credential_id=cid)
    # The listing passes (skip=1): the one dropped GET is the read after the lost write.
    emulator.admin.faults('drop-after', method='PUT', path='%s/%d' % (SELF, cid), count=1)
    emulator.admin.faults('drop', method='GET', path=SELF, count=1, skip=1)
    failed, result = run(api_credential, dict(args, description='renamed'))
    assert failed
    assert 'reading it again to tell whether it took failed too' in result['msg']
    assert 'Traceback' not in json.dumps(result)


def test_a_credential_gone_after_a_lost_update_is_not_applied_and_not_created_again(emulator, run):
    # The PUT is held beyond the request timeout (its answer lost); meanwhile another job deletes the credential.
    cid = new_credential(emulator, 'vanishing')
    path = '%s/%d' % (SELF, cid)
    emulator.admin.faults('slow', method='PUT', path=path, count=1, delay=4.0)
    session = emulator.session('default')

    def other_job():
        wait_consumed(emulator, path)
        assert session.post(emulator.url(path + '/deactivate')).status_code in (200, 204)
        assert session.delete(emulator.url(path)).status_code in (200, 204)

    thread = threading.Thread(target=other_job)
    thread.start()
    try:
        failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                                  request_timeout=2, credential_id=cid, description='renamed'))
    finally:
        thread.join()
    assert failed and 'read again, it is not (all) applied: run the task again' in result['msg'], result
    assert result['changed'] is True
    assert [c for c in credentials(emulator, run) if c['credential_id'] == cid] == []


def test_a_lost_delete_whose_first_read_again_fails_is_read_again_by_the_module_base(emulator, run):
    cid = new_credential(emulator, 'gone-twice')
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, credential_id=cid)
    emulator.admin.faults('drop-after', method='DELETE', path='%s/%d' % (SELF, cid), count=1)
    emulator.admin.faults('drop', method='GET', path=SELF, count=1, skip=1)  # the listing passes
    emulator.admin.reset_log()
    failed, result = run(api_credential, dict(args, state='absent'))
    assert not failed and result['changed'] is True, result
    assert 'read again, the write was applied' in json.dumps(result['warnings'])
    # The listing, the read again after the lost DELETE (dropped), the module base's read again.
    assert emulator.admin.log()['counts'].get('GET %s' % SELF) == 3
    assert [c for c in credentials(emulator, run) if c['credential_id'] == cid] == []
