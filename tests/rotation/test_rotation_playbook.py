# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shipped playbook edgegrid.access.rotate_credentials as an operator runs it, against the emulator with
Akamai's limit of two credentials per API client: a copy of the .edgerc taken before a rotation that finished
elsewhere, two sections holding one credential, check mode. Run by `make rotation`."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time

import pytest
import requests
from akamai.edgegrid import EdgeGridAuth

from akamai_emulator.testing import running_emulator
from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc
from rotation_env import BIN, ansible_env

CREDS = '/identity-management/v3/api-clients/self/credentials'

BY_HAND = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: A second credential of the same API client, made by hand
      edgegrid.access.api_credential:
        edgerc: {edgerc}
        section: {section}
        description: by hand
        edgerc_write: {{path: {scratch}, section: by-hand}}
"""


@pytest.fixture
def emu(tmp_path):
    with running_emulator(tmp_path, propagation_delay=0.0, credential_limit=2) as emulator:
        yield emulator


def playbook(tmp_path, args, edgerc=None, section=None):
    env = ansible_env({'ANSIBLE_STDOUT_CALLBACK': 'default'})
    if edgerc:
        env.update(AKAMAI_EDGERC=str(edgerc), AKAMAI_EDGERC_SECTION=section)
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook')] + args, cwd=str(tmp_path), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, check=False)
    return proc.returncode, proc.stdout


def rotate(tmp_path, edgerc, *extra, section='svc'):
    return playbook(tmp_path, ['-i', 'localhost,', '-c', 'local', 'edgegrid.access.rotate_credentials'] + list(extra),
                    edgerc=edgerc, section=section)


def creates(emu):
    return emu.admin.log()['counts'].get('POST %s' % CREDS, 0)


def listed(emu, edgerc, section):
    """The credentials of the API client of `section` of `edgerc`, read with that section (the API's names)."""
    values = _edgerc.read_section(str(edgerc), section)
    session = requests.Session()
    session.auth = EdgeGridAuth(client_token=values['client_token'], client_secret=values['client_secret'],
                                access_token=values['access_token'])
    answer = session.get(emu.url(CREDS))
    assert answer.status_code == 200
    return answer.json()


def test_a_copy_taken_before_a_rotation_finished_elsewhere_is_told_so(emu, tmp_path, new_client):
    """The second holder of a copy: the rotation is finished, not in progress; when its credential expires; what to do."""
    team, laptop = tmp_path / 'team.edgerc', tmp_path / 'laptop.edgerc'
    new_client('playbook-copy', team, 'svc')
    shutil.copy(str(team), str(laptop))
    code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true')
    assert code == 0, out[-3000:]
    creds = listed(emu, team, 'svc')
    old = [c for c in creds if not c['description'].startswith('edgegrid.access rotation')][0]
    new = [c for c in creds if c is not old][0]
    emu.admin.reset_log()
    code, out = rotate(tmp_path, laptop)
    assert code != 0, out[-3000:]
    assert 'another rotation of the credential' not in out and 'run again once it is over' not in out
    assert ('the rotation of credential %d is finished: credential %d replaced it'
            % (old['credentialId'], new['credentialId'])) in out
    assert 'expires at %s' % old['expiresOn'][:19] in out
    assert 'Copy credential %d into this section' % new['credentialId'] in out
    assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []


def test_two_sections_holding_one_credential_are_rotated_once(emu, tmp_path, new_client):
    """[a] and [b] hold one credential, a forced rotation over both: [a]'s write updates [b], and [b] is then
    recognised as rotated (its predecessor is in its overlap): no third credential tried, no failure."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-pair', team, 'a')
    text = team.read_text()
    team.write_text(text + '\n' + text.replace('[a]', '[b]'))
    inventory = tmp_path / 'e.akamai.yml'
    inventory.write_text('plugin: edgegrid.access.akamai\nedgerc: %s\n' % team)
    emu.admin.reset_log()
    code, out = playbook(tmp_path, ['-i', str(inventory), 'edgegrid.access.rotate_credentials',
                                    '-e', 'credential_rotation_force=true'])
    assert code == 0, out[-4000:]
    assert creates(emu) == 1
    creds = listed(emu, team, 'a')
    new = [c for c in creds if c['description'].startswith('edgegrid.access rotation')][0]
    old = [c for c in creds if c is not new][0]
    assert '[a] credential %d: rotated; credential %d retired; also written to [b]' % (
        new['credentialId'], old['credentialId']) in out
    assert ('[b] credential %d: credential %d replaced credential %d, which stays ACTIVE until'
            % (new['credentialId'], new['credentialId'], old['credentialId'])) in out
    assert 'rotated already, nothing to do. Another rotation would exceed the 2 credentials' in ' '.join(out.split())
    assert 'Credential limit' not in out


def test_check_mode_says_would_rotate_and_predicts_the_credential_limit(emu, tmp_path, new_client):
    """--check: 'would rotate', the new id '(new)'; with the API client at the limit, check mode and the real run
    both refuse before any write, saying which credential holds each slot."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-check', team, 'svc')
    current = listed(emu, team, 'svc')[0]
    code, out = rotate(tmp_path, team, '--check', '-e', 'credential_rotation_force=true')
    assert code == 0, out[-3000:]
    assert '[svc] credential (new): would rotate; credential %d would be retired' % current['credentialId'] in out
    assert creates(emu) == 0

    book = tmp_path / 'by-hand.yml'
    book.write_text(BY_HAND.format(edgerc=team, section='svc', scratch=tmp_path / 'scratch.edgerc'))
    code, out = playbook(tmp_path, ['-i', 'localhost,', '-c', 'local', str(book)])
    assert code == 0, out[-3000:]
    other = [c for c in listed(emu, team, 'svc') if c['credentialId'] != current['credentialId']][0]
    emu.admin.reset_log()
    for mode in (['--check'], []):
        code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true', *mode)
        assert code != 0, out[-3000:]
        assert ('API client holds 2 credentials, and Akamai allows 2 per API client: a new one would be refused. '
                'credential %d ACTIVE, in use; credential %d ACTIVE. To free a slot: delete credential %d once '
                'nothing signs with it' % (current['credentialId'], other['credentialId'], other['credentialId'])
                in ' '.join(out.split()))
    assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []


def test_the_rollback_message_joins_its_sentences(emu, tmp_path, new_client):
    """Verification fails (every signed read of the new credential dropped): rolled back, said in whole sentences."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-rollback', team, 'svc')
    emu.admin.faults('drop', method='GET', path=CREDS + '/1', count=50)
    code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true', '-e', 'credential_rotation_verify_retries=1',
                       '-e', 'credential_rotation_max_retries=0')
    emu.admin.clear_faults()
    assert code != 0, out[-3000:]
    text = ' '.join(out.split())
    assert 'was deactivated and the section restored. The old credential was left as it was.' in text, out[-3000:]
    assert 'restored; The' not in text


def test_a_rollback_that_cannot_deactivate_the_new_credential_says_so_and_how_out(emu, tmp_path, new_client):
    """Found by a tester: verification failed, the section was restored, and the deactivation of the new credential
    failed (an IAM outage): the credential stayed ACTIVE with its final description and its secret nowhere, and every
    run after stopped, taking it for a rotation finished elsewhere. The run says so, naming the credential to delete;
    the next run names that way out too; once it is deleted, a run rotates again."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-rollback-stuck', team, 'svc')
    current = listed(emu, team, 'svc')[0]['credentialId']
    emu.admin.faults('drop', method='GET', path=CREDS + '/1', count=50)
    stop = threading.Event()

    def outage_once_described():
        # The create's two PUTs (its pending marker, then its description, after the secret was written) are
        # through: every write after them (the roll-back's deactivation, POST .../deactivate) is refused.
        while not stop.is_set():
            puts = [n for key, n in emu.admin.log()['counts'].items()
                    if key.startswith('PUT %s/' % CREDS) and not key.endswith('/%d' % current)]
            if puts and max(puts) >= 2:
                emu.admin.faults('503', method='POST', path=CREDS + '/1', count=50, retry_after=0)
                return
            time.sleep(0.02)
    emu.admin.reset_log()
    watcher = threading.Thread(target=outage_once_described)
    watcher.start()
    try:
        # Two attempts of the verification, 2 s apart: time for the outage to begin before the roll-back.
        code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true', '-e',
                           'credential_rotation_verify_retries=2', '-e', 'credential_rotation_max_retries=0')
    finally:
        stop.set()
        watcher.join()
        emu.admin.clear_faults()
    assert code != 0, out[-3000:]
    text = ' '.join(out.split())
    new = [c for c in listed(emu, team, 'svc') if c['credentialId'] != current]
    assert len(new) == 1 and new[0]['status'] == 'ACTIVE', new
    new_id = new[0]['credentialId']
    assert ('The section was restored, but the new credential %d could not be deactivated (' % new_id) in text, out[-3000:]
    assert ('delete it (edgegrid.access.api_credential state=absent credential_id=%d) before the next run' % new_id
            in text), out[-3000:]
    code, out = rotate(tmp_path, team)
    assert code != 0 and ('delete credential %d (edgegrid.access.api_credential state=absent credential_id=%d) and '
                          'run again' % (new_id, new_id)) in ' '.join(out.split()), out[-3000:]
    delete = tmp_path / 'delete.yml'
    delete.write_text('- hosts: localhost\n  gather_facts: false\n  tasks:\n    - edgegrid.access.api_credential:\n'
                      '        edgerc: %s\n        section: svc\n        credential_id: %d\n        state: absent\n'
                      % (team, new_id))
    code, out = playbook(tmp_path, ['-i', 'localhost,', '-c', 'local', str(delete)])
    assert code == 0, out[-3000:]
    code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true')
    assert code == 0, out[-3000:]
    assert [c['credentialId'] for c in listed(emu, team, 'svc') if c['credentialId'] not in (current, new_id)]


ROLE_ON_THREE_HOSTS = """
- hosts: envs
  gather_facts: false
  roles:
    - role: edgegrid.access.credential_rotation
  post_tasks:
    - name: Each host's record
      ansible.builtin.debug:
        msg: "record {{{{ inventory_hostname }}}} {{{{ credential_rotation_results | map(attribute='section') | join(',') }}}}"
"""


def test_the_role_includes_its_steps_once_for_every_host(emu, tmp_path, new_client):
    """The role on three hosts, each with a section of its own and the default credential_rotation_credentials:
    rotate.yml is included once for the three (they run side by side, not host after host), and each host rotates its
    own section's credential (forced) or only reads (converged)."""
    team = tmp_path / 'team.edgerc'
    for section in ('s1', 's2', 's3'):
        new_client('playbook-three-' + section, team, section)
    inventory = tmp_path / 'three.yml'
    inventory.write_text('envs:\n  vars: {ansible_connection: local, credential_rotation_edgerc: %s}\n  hosts:\n%s'
                         % (team, ''.join('    h%s: {credential_rotation_section: s%s}\n' % (n, n) for n in '123')))
    book = tmp_path / 'three-rotate.yml'
    book.write_text(ROLE_ON_THREE_HOSTS.format())
    before = {s: _edgerc.read_section(str(team), s)['client_token'] for s in ('s1', 's2', 's3')}
    for extra, writes in ((['-e', 'credential_rotation_force=true'], 3), ([], 0)):
        emu.admin.reset_log()
        code, out = playbook(tmp_path, ['-i', str(inventory), str(book), '--forks', '3'] + extra)
        assert code == 0, out[-4000:]
        included = [line for line in out.splitlines() if line.startswith('included: ') and 'rotate.yml' in line]
        assert len(included) == 1, '\n'.join(included)
        assert sorted(included[0].split(' for ', 1)[1].split(' => ')[0].split(', ')) == ['h1', 'h2', 'h3']
        for n in '123':
            assert '"msg": "record h%s s%s"' % (n, n) in out, out[-3000:]
        assert creates(emu) == writes
        assert (writes == 0) == ([k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == [])
    after = {s: _edgerc.read_section(str(team), s)['client_token'] for s in ('s1', 's2', 's3')}
    assert all(after[s] != before[s] for s in before)


def test_a_failed_loop_is_reported_by_its_items_messages(emu, tmp_path, new_client):
    """A credential past its retention whose delete fails (a task with a loop): the final failure names the API's
    answer for the item, not only "One or more items failed"."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-loop', team, 'svc')
    code, out = rotate(tmp_path, team, '-e', 'credential_rotation_force=true', '-e', 'credential_rotation_deactivate_old=true',
                       '-e', 'credential_rotation_overlap_hours=0.001', '-e', 'credential_rotation_retention_days=0')
    assert code == 0, out[-3000:]
    time.sleep(5)  # past the overlap of 3.6 s: the old credential is past its retention of 0 days
    emu.admin.faults('503', method='DELETE', path='/identity-management/v3/api-clients', count=20)
    code, out = rotate(tmp_path, team, '-e', 'credential_rotation_max_retries=0', '-e', 'credential_rotation_retention_days=0')
    emu.admin.clear_faults()
    assert code != 0, out[-3000:]
    final = [line for line in out.splitlines() if 'the rotation of environment localhost failed at' in line]
    assert final, out[-3000:]
    assert 'Delete the credentials past their retention: ' in final[0], final[0]
    assert 'failed with HTTP 503' in final[0] and 'One or more items failed' not in final[0], final[0]


def test_hosts_that_rotate_one_api_client_take_turns(emu, tmp_path, new_client):
    """Three hosts, each with a section of its own and a second item naming one section they share, forced, forks 3:
    the shared section is rotated once (by whichever turn runs first), the others find it rotated already (they read
    again) instead of racing it; every host's own section is rotated side by side."""
    team = tmp_path / 'team.edgerc'
    for section in ('s1', 's2', 's3', 'shared'):
        new_client('playbook-turns-' + section, team, section)
    inventory = tmp_path / 'turns.yml'
    inventory.write_text(
        'envs:\n  vars:\n    ansible_connection: local\n    credential_rotation_edgerc: %s\n'
        '    credential_rotation_credentials: [{}, {section: shared}]\n  hosts:\n%s'
        % (team, ''.join('    h%s: {credential_rotation_section: s%s}\n' % (n, n) for n in '123')))
    book = tmp_path / 'turns-rotate.yml'
    book.write_text(ROLE_ON_THREE_HOSTS.format())
    shared_before = _edgerc.read_section(str(team), 'shared')['client_token']
    emu.admin.reset_log()
    code, out = playbook(tmp_path, ['-i', str(inventory), str(book), '--forks', '3',
                                    '-e', 'credential_rotation_force=true'])
    assert code == 0, out[-4000:]
    assert creates(emu) == 4
    text = ' '.join(out.split())
    # The shared section's turns: three includes of the steps, one a host; the other sections' all in the first.
    assert 'steps.yml for h2 => (item=turn 2)' in text and 'steps.yml for h3 => (item=turn 3)' in text, out[-4000:]
    assert "record h1 s1,shared" in text and "Read again after the hosts that rotate the same API client" in text
    assert _edgerc.read_section(str(team), 'shared')['client_token'] != shared_before
    for n in '123':
        assert '"msg": "record h%s s%s,shared"' % (n, n) in out, out[-3000:]
    # Converged: no write.
    emu.admin.reset_log()
    code, out = playbook(tmp_path, ['-i', str(inventory), str(book), '--forks', '3'])
    assert code == 0, out[-4000:]
    assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []


def test_a_section_named_0_is_that_section(emu, tmp_path, new_client):
    """An item's `section: 0` (YAML reads a number) names section [0], not "none given" (which rotated another)."""
    team = tmp_path / 'team.edgerc'
    new_client('playbook-zero', team, '"0"')
    before = _edgerc.read_section(str(team), '0')['client_token']
    inventory = tmp_path / 'zero.yml'
    inventory.write_text('envs:\n  vars: {ansible_connection: local, credential_rotation_edgerc: %s,\n'
                         '         credential_rotation_credentials: [{section: 0}]}\n  hosts:\n    h1: {}\n' % team)
    book = tmp_path / 'zero-rotate.yml'
    book.write_text(ROLE_ON_THREE_HOSTS.format())
    code, out = playbook(tmp_path, ['-i', str(inventory), str(book), '-e', 'credential_rotation_force=true'])
    assert code == 0, out[-4000:]
    assert '"msg": "record h1 0"' in out, out[-3000:]
    assert 'rotate.yml for h1 => (item=0)' in out, out[-3000:]
    assert _edgerc.read_section(str(team), '0')['client_token'] != before


# A play whose first run of the role rotates [svc]; the second run (`second`, tasks) follows.
AFTER_A_FIRST_RUN = """
- hosts: localhost
  gather_facts: false
  vars:
    credential_rotation_edgerc: {edgerc}
  tasks:
    - name: A first run that rotates [svc]
      ansible.builtin.include_role:
        name: edgegrid.access.credential_rotation
      vars:
        credential_rotation_credentials: [{{section: svc}}]
        credential_rotation_force: true
{second}"""

SUMMARY_AFTER_FAILURE = """    - name: A second run whose first section does not exist
      block:
        - name: Rotate again
          ansible.builtin.include_role:
            name: edgegrid.access.credential_rotation
          vars:
            credential_rotation_credentials: [{section: nosuch}, {section: svc}]
      rescue:
        - name: Show the summary
          ansible.builtin.debug:
            msg: "summary {{ credential_rotation_results | map(attribute='section') | list }}"
"""


def test_a_failed_run_leaves_no_record_of_an_earlier_run(emu, tmp_path, new_client):
    """The summary starts empty with each run of the role: a run that fails on its first credential does not show
    the records of the run before it as its own."""
    team = tmp_path / 'team.edgerc'
    new_client('summary', team, 'svc')
    book = tmp_path / 'summary.yml'
    book.write_text(AFTER_A_FIRST_RUN.format(edgerc=team, second=SUMMARY_AFTER_FAILURE))
    code, out = playbook(tmp_path, ['-i', 'localhost,', '-c', 'local', str(book)])
    assert code == 0, out[-4000:]
    assert 'has no section [nosuch]' in ' '.join(out.split()), out[-3000:]
    assert '"msg": "summary []"' in out, out[-3000:]


IGNORED_FAILURE = """    - name: A second run, its errors ignored, whose first section does not exist
      ansible.builtin.include_role:
        name: edgegrid.access.credential_rotation
        apply:
          ignore_errors: true
      vars:
        credential_rotation_credentials: [{section: nosuch}, {section: svc}]
    - name: Show the summary
      ansible.builtin.debug:
        msg: "summary {{ credential_rotation_results | map(attribute='section') | list }}"
"""


def test_a_read_that_fails_under_ignore_errors_acts_on_no_plan_and_is_not_recorded(emu, tmp_path, new_client):
    """With ignore_errors, a credential whose read fails has no plan of its own: the plan left by the run before
    (a rotation of [svc]) is not acted on for it, and it is not recorded as healthy with [svc]'s credential id."""
    team = tmp_path / 'team.edgerc'
    new_client('ignored', team, 'svc')
    book = tmp_path / 'ignored.yml'
    book.write_text(AFTER_A_FIRST_RUN.format(edgerc=team, second=IGNORED_FAILURE))
    code, out = playbook(tmp_path, ['-i', 'localhost,', '-c', 'local', str(book)])
    assert code == 0, out[-4000:]
    assert 'has no section [nosuch]' in ' '.join(out.split()), out[-3000:]
    assert '"msg": "summary [\'svc\']"' in out, out[-3000:]
    assert 'steps.yml for localhost => (item=turn 1)' in out  # the first run's rotation
    assert out.count('steps.yml for localhost') == 1, out[-4000:]
