# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The credential_rotation role as an operator runs it (issue 14): ansible-playbook processes against the emulator,
two at once, killed (SIGKILL of the whole process group) at every step boundary and inside the .edgerc write.

After each: the section signs with an ACTIVE credential, and a re-run completes the rotation - the section holds
a credential whose description says what it replaced, nothing is left pending, the replaced credential expires
within the overlap, and no other credential stays ACTIVE beyond it (none whose secret nobody holds).
And a converged run (nothing due) evaluates a few tasks, not each step skipped (issue 19).
Run by `make rotation` (part of `make test`), with the collection in .build (`make collection`)."""

from __future__ import annotations

import json
import os
import subprocess
import time

import pytest

from akamai_emulator.testing import running_emulator
from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc
from rotation_env import BIN, HERE, ansible_env

IAM = '/identity-management/v3/api-clients'
OVERLAP_HOURS = 24

ROTATE = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: edgegrid.access.credential_rotation
      vars:
        credential_rotation_credentials:
          - section: {section}
            edgerc: {edgerc}
            client_id: {client_id}
            auth_section: default
        credential_rotation_force: {force}
        # The emulator of these tests lets an API client hold 6 credentials (Akamai: 2).
        credential_rotation_credential_limit: 6
        credential_rotation_overlap_hours: {overlap}
        credential_rotation_verify_retries: 2
        credential_rotation_verify_delay: 1
        credential_rotation_max_retries: 1
        credential_rotation_request_timeout: 10
"""


@pytest.fixture
def emu(tmp_path):
    with running_emulator(tmp_path, propagation_delay=0.0, credential_limit=6) as emulator:
        yield emulator


def env(extra=None):
    out = ansible_env(dict({'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'chaos', 'callback'),
                            'ANSIBLE_CALLBACKS_ENABLED': 'chaos_kill', 'CHAOS_PARENT': str(os.getpid())}, **(extra or {})))
    if 'CHAOS_KILL' in out:
        out['PYTHONPATH'] = os.path.join(HERE, 'chaos') + os.pathsep + out.get('PYTHONPATH', '')
    return out


def start(tmp_path, text, name, extra=None):
    book = tmp_path / ('%s.yml' % name)
    book.write_text(text)
    return subprocess.Popen([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(book)],
                            cwd=str(tmp_path), env=env(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)


def finish(proc, timeout=180):
    out = proc.communicate(timeout=timeout)[0]
    return proc.returncode, out


def rotate(emu, tmp_path, client_id, section='staging', force=True, extra=None, name='rotate'):
    return start(tmp_path, ROTATE.format(section=section, edgerc=emu.edgerc, client_id=client_id,
                                         force='true' if force else 'false', overlap=OVERLAP_HOURS), name, extra)


def credentials(emu, client_id):
    answer = emu.session('default').get(emu.url('%s/%s/credentials' % (IAM, client_id)))
    assert answer.status_code == 200
    return answer.json()


def assert_signs(emu, section):
    """The section, as on disk, signs a request that succeeds: its credential is ACTIVE and its secret right."""
    answer = emu.session(section).get(emu.url('%s/self/credentials' % IAM))
    assert answer.status_code == 200, 'section [%s] gets HTTP %s' % (section, answer.status_code)


def assert_complete(emu, client_id, section='staging', before=None):
    """The rotation is complete: no pending marker, the replaced credential retired, nothing else ACTIVE. With
    `before` (the client token the section held before a run that was killed): either that run was killed before
    its write and the section still holds `before`, or the rotation is complete."""
    token = _edgerc.read_section(emu.edgerc, section)['client_token']
    creds = credentials(emu, client_id)
    held = [c for c in creds if c['clientToken'] == token][0]
    assert held['status'] == 'ACTIVE'
    assert '[pending' not in json.dumps(creds)
    if before is None or token != before:
        assert held['description'].startswith('edgegrid.access rotation replaces credential '), held['description']
    limit = time.time() + (OVERLAP_HOURS + 1) * 3600
    for cred in creds:
        if cred is held or cred['status'] != 'ACTIVE':
            continue
        expires = time.mktime(time.strptime(cred['expiresOn'][:19], '%Y-%m-%dT%H:%M:%S')) - time.timezone
        assert expires <= limit, 'credential %s stays ACTIVE until %s' % (cred['credentialId'], cred['expiresOn'])


def test_two_rotations_of_another_clients_credential_at_once(emu, tmp_path, new_client):
    """Input 1: two runs rotate client S's credential in [staging] at once (client_id S, auth_section default)."""
    client_id = new_client('chaos-one', emu.edgerc, 'staging')
    procs = [rotate(emu, tmp_path, client_id, name='rotate-%d' % i) for i in (1, 2)]
    results = [finish(proc) for proc in procs]
    assert_signs(emu, 'staging')
    assert any(result[0] == 0 for result in results), results[0][1][-3000:]
    for code, out in results:
        if code != 0:
            assert 'another rotation' in out, out[-3000:]
    code, out = finish(rotate(emu, tmp_path, client_id, force=False, name='again'))
    assert code == 0, out[-3000:]
    assert_signs(emu, 'staging')
    assert_complete(emu, client_id)


def test_two_rotations_of_two_sections_of_one_file_at_once(emu, tmp_path, new_client):
    """Input 2: [staging] and [production] of one .edgerc rotated by two processes at once: both keep their new
    credential."""
    staging = new_client('chaos-stg', emu.edgerc, 'staging')
    production = new_client('chaos-prd', emu.edgerc, 'production')
    procs = [rotate(emu, tmp_path, staging, 'staging', name='r-stg'),
             rotate(emu, tmp_path, production, 'production', name='r-prd')]
    for code, out in [finish(proc) for proc in procs]:
        assert code == 0, out[-3000:]
    for section, client_id in (('staging', staging), ('production', production)):
        assert_signs(emu, section)
        assert_complete(emu, client_id, section)


@pytest.mark.parametrize('kill', ['before-rename', 'after-rename'])
def test_killed_inside_the_edgerc_write(emu, tmp_path, kill, new_client):
    """Input 5 (before the rename: a temporary file with every secret is left) and input 3 (after it: the section
    holds the new credential, its description never set)."""
    client_id = new_client('chaos-w', emu.edgerc, 'staging')
    code, out = finish(rotate(emu, tmp_path, client_id, extra=dict(CHAOS_KILL=kill, CHAOS_EDGERC=emu.edgerc)))
    assert code == -9, out[-3000:]
    directory = os.path.dirname(emu.edgerc)
    temps = [n for n in os.listdir(directory) if n.endswith('.tmp')]
    assert bool(temps) == (kill == 'before-rename')
    assert_signs(emu, 'staging')
    # After the rename the re-run finishes the rotation (not forced: nothing is due but the unfinished rotation);
    # before it, the re-run deletes the abandoned credential and rotates, and its write removes the temporary file.
    code, out = finish(rotate(emu, tmp_path, client_id, force=kill == 'before-rename', name='again'))
    assert code == 0, out[-3000:]
    assert 'changed=0' not in out
    assert_signs(emu, 'staging')
    assert_complete(emu, client_id)
    assert [n for n in os.listdir(directory) if n.endswith('.tmp')] == []


STEPS = ['Delete the credentials past their retention', 'Create the new credential and write it into the .edgerc',
         'The new credential was written into the .edgerc section', 'The section on disk holds the credential expected',
         'A request signed with the section succeeds', 'Retire the old credential after the overlap',
         'Record what happened']


def test_killed_at_every_step_boundary(emu, tmp_path, new_client):
    client_id = new_client('chaos-k', emu.edgerc, 'staging')
    for step in STEPS:
        before = _edgerc.read_section(emu.edgerc, 'staging')['client_token']
        code, out = finish(rotate(emu, tmp_path, client_id, extra=dict(CHAOS_TASK=step), name='kill'))
        assert code == -9, '%s: %s' % (step, out[-2000:])
        assert_signs(emu, 'staging')
        code, out = finish(rotate(emu, tmp_path, client_id, force=False, name='again'))
        assert code == 0, '%s: %s' % (step, out[-3000:])
        assert_signs(emu, 'staging')
        assert_complete(emu, client_id, before=before)


def test_a_converged_run_evaluates_few_tasks(emu, tmp_path, new_client):
    """Issue 19: when nothing is due, the role evaluates its read and a few tasks, not the dozen steps of a rotation
    skipped one by one (each skipped task costs Ansible's per-task, per-host work)."""
    client_id = new_client('chaos-c', emu.edgerc, 'staging')
    names = tmp_path / 'tasks.txt'
    code, out = finish(rotate(emu, tmp_path, client_id, force=False, name='converged',
                              extra=dict(ANSIBLE_CALLBACKS_ENABLED='chaos_kill,count_tasks', COUNT_TASKS=str(names))))
    assert code == 0, out[-3000:]
    assert 'changed=0' in out, out[-3000:]
    started = [line.split(' : ', 1)[-1] for line in names.read_text().splitlines()]
    assert 'Read the credentials of the API client' in started, started
    # Per run: the argument check, the summary, the loop's include; per credential: the read, the plan, the skipped
    # include of the steps, the record (it was 23 with each step evaluated and skipped).
    assert len(started) <= 7, started
