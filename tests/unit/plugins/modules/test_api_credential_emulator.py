# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_credential against the local emulator: a lost create answer, pending markers, replaces (issue 14)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess

import pytest
from akamai_emulator.testing import chattr_flag

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _rotation
from ansible_collections.edgegrid.access.plugins.modules import api_credential, api_credential_info

CREDS = '/identity-management/v3/api-clients/self/credentials'


def credentials(emulator, run):
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, section='default', max_retries=0))
    assert not failed
    return result['credentials']


def tokens_in(path):
    return set(values.get('client_token') for values in
               (_edgerc.read_section(path, name) for name in _edgerc.section_names(path)))


def test_a_lost_create_answer_leaves_no_credential_whose_secret_nobody_holds(emulator, run, tmp_path, monkeypatch):
    """Input 4: the POST is applied, the connection drops before the answer. The credential that appeared gets no
    description within the wait (a run of this collection marks its own at once): it is this create's, deleted
    (nobody received its secret), and the create is sent again."""
    monkeypatch.setattr(api_credential, 'UNDESCRIBED_WAIT', 1)
    target = tmp_path / 'rotated.edgerc'
    emulator.admin.faults('drop-after', method='POST', path=CREDS, count=1)
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, description='ci',
                edgerc_write=dict(path=str(target), section='ci'))
    failed, result = run(api_credential, args)
    assert not failed, result['msg']
    stored = tokens_in(emulator.edgerc) | tokens_in(str(target))
    unknown = [c['credential_id'] for c in credentials(emulator, run)
               if c['status'] == 'active' and c['client_token'] not in stored]
    assert unknown == []
    assert 'was taken as this create' in json.dumps(result.get('warnings', []))


def test_an_abandoned_pending_credential_is_deleted_by_the_next_create(emulator, run, tmp_path):
    """A run killed after its create and pending marker, before storing the secret: its process is gone."""
    session = emulator.session('default')
    made = session.post(emulator.url(CREDS)).json()
    proc = subprocess.Popen(['true'])
    proc.wait()
    run_id = '%s:%d:aa' % (_rotation.socket.gethostname().split('.')[0], proc.pid)
    body = {'status': 'ACTIVE', 'expiresOn': made['expiresOn'],
            'description': _rotation.pending_description('ci', run_id)}
    assert session.put(emulator.url('%s/%d' % (CREDS, made['credentialId'])), json=body).status_code == 200
    # Listed by api_credential_info as ours, its secret not stored.
    listed = dict((c['credential_id'], c) for c in credentials(emulator, run))
    entry = listed[made['credentialId']]
    assert entry['managed'] and entry['secret_stored'] is False and entry['abandoned']
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              description='ci', edgerc_write=dict(path=str(tmp_path / 'e'),
                                                                                  section='ci')))
    assert not failed and result['removed_orphans'] == [made['credentialId']]
    assert made['credentialId'] not in [c['credential_id'] for c in credentials(emulator, run)]


def test_replaces_writes_only_a_section_that_still_holds_the_old_credential(emulator, run, tmp_path):
    mine = tmp_path / 'mine.edgerc'
    defaults = _edgerc.read_section(emulator.edgerc, 'default')
    _edgerc.write_section(str(mine), 'rot', dict((k, defaults[k]) for k in _edgerc.REQUIRED_KEYS))
    current = [c for c in credentials(emulator, run) if c['signing']][0]
    args = dict(edgerc=emulator.edgerc, section='default', max_retries=0, replaces=current['credential_id'],
                edgerc_write=dict(path=str(mine), section='rot'))
    failed, result = run(api_credential, args)
    assert not failed and result['changed'], result
    new = result['credential']
    assert new['description'] == 'edgegrid.access rotation replaces credential %d' % current['credential_id']
    assert _edgerc.read_section(str(mine), 'rot')['client_token'] == new['client_token']
    # Again: the section holds the credential that replaces it - nothing to do, nothing sent.
    emulator.admin.reset_log()
    failed, result = run(api_credential, args)
    assert not failed and not result['changed']
    assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []
    # A section that holds neither: refused, nothing created.
    _edgerc.write_section(str(mine), 'rot', dict(client_token='akab-someone-else-xxxxxxxxxxxx'))
    failed, result = run(api_credential, args)
    assert failed and 'another run changed it' in result['msg']
    assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []


def rotate_into(emulator, run, path):
    """Rotate the credential of [default] into section [rot] of `path` (written from [default] first): the new one."""
    defaults = _edgerc.read_section(emulator.edgerc, 'default')
    _edgerc.write_section(str(path), 'rot', dict((k, defaults[k]) for k in _edgerc.REQUIRED_KEYS))
    current = [c for c in credentials(emulator, run) if c['signing']][0]
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              replaces=current['credential_id'],
                                              edgerc_write=dict(path=str(path), section='rot')))
    assert not failed, result
    return current, result['credential']


def test_a_rotation_finished_with_another_copy_is_said_finished_not_in_progress(emulator, run, tmp_path):
    """A copy of the .edgerc taken before a rotation that finished elsewhere: re-running never helps, and the
    message says so (the rotation is finished, by which credential, when this one expires, what to do)."""
    mine, laptop = tmp_path / 'mine.edgerc', tmp_path / 'laptop.edgerc'
    defaults = _edgerc.read_section(emulator.edgerc, 'default')
    _edgerc.write_section(str(laptop), 'rot', dict((k, defaults[k]) for k in _edgerc.REQUIRED_KEYS))
    old, new = rotate_into(emulator, run, mine)
    emulator.admin.reset_log()
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              replaces=old['credential_id'],
                                              edgerc_write=dict(path=str(laptop), section='rot')))
    assert failed
    msg = result['msg']
    assert 'in progress' not in msg and 'run again once it is over' not in msg.lower()
    assert 'rotation of credential %d is finished: credential %d replaced it' % (old['credential_id'],
                                                                                 new['credential_id']) in msg
    assert 'expires at %s' % old['expires_on'][:19] in msg and str(laptop) in msg
    assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []


def test_the_credential_limit_refusal_names_the_state_of_each_credential(emulator, run, tmp_path):
    """At the limit with the replaced credential in its overlap: no INACTIVE credential to delete, and the message
    says which credential is in use, which is in its overlap until when, and how to free a slot."""
    mine = tmp_path / 'mine.edgerc'
    old, new = rotate_into(emulator, run, mine)
    until = _rotation._format(_rotation.utcnow() + _rotation.timedelta(hours=24))
    failed, result = run(api_credential, dict(edgerc=str(mine), section='rot', max_retries=0,
                                              credential_id=old['credential_id'], expires_on=until))
    assert not failed, result
    failed, result = run(api_credential, dict(edgerc=str(mine), section='rot', max_retries=0, description='another',
                                              edgerc_write=dict(path=str(tmp_path / 'other'), section='x')))
    assert failed
    msg = result['msg']
    assert 'delete an INACTIVE credential first' not in msg
    assert 'credential %d ACTIVE, in use' % new['credential_id'] in msg
    assert ('credential %d ACTIVE until %s, the overlap after credential %d replaced it'
            % (old['credential_id'], until, new['credential_id'])) in msg
    assert 'delete credential %d once nothing signs with it any more' % old['credential_id'] in msg


def test_an_edgerc_write_path_ending_in_a_slash_is_refused_before_the_create(emulator, run, tmp_path):
    """edgerc_write.path 'dir/': the section would be written into a file named after the directory; refused before
    the credential is created (a credential whose secret nobody would hold)."""
    emulator.admin.reset_log()
    (tmp_path / 'work').mkdir()
    path = str(tmp_path / 'work') + '/bundle/'
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              description='ci', edgerc_write=dict(path=path, section='ci')))
    assert failed and 'ends in "/": give the name of a file, not of a directory' in result['msg'], result['msg']
    assert 'nothing was created' in result['msg']
    assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert os.listdir(tmp_path / 'work') == []


@pytest.mark.parametrize('flag', ['i', 'a'])
def test_an_edgerc_write_into_a_file_nothing_may_replace_is_refused_before_the_create(emulator, run, tmp_path, flag):
    """An .edgerc made immutable (or append-only) in a writable directory passed the checks before the create: the
    new credential was created, and its section could not be written (a secret nobody would hold)."""
    path = tmp_path / 'team.edgerc'
    path.write_text('[other]\nhost = akab-x.luna.akamaiapis.net\n')
    path.chmod(0o600)
    with chattr_flag(path, flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        emulator.admin.reset_log()
        failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                                  description='ci', edgerc_write=dict(path=str(path), section='ci')))
        assert failed, result
        assert result['msg'] == ('edgerc_write.path: .edgerc file %s cannot be written: the file is %s, which nothing '
                                 'may replace, root neither; nothing was created'
                                 % (path, {'i': 'immutable (chattr +i)', 'a': 'append-only (chattr +a)'}[flag]))
        assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert path.read_text() == '[other]\nhost = akab-x.luna.akamaiapis.net\n'


@pytest.mark.parametrize('kind', ['directory', 'lock'])
def test_an_edgerc_write_that_could_not_be_made_is_refused_before_the_create(emulator, run, tmp_path, kind):
    """Found by a tester: an .edgerc in an append-only directory (chattr +a: os.access says writable, no file may be
    renamed there), or whose lock file cannot be opened (a symbolic link, which is never followed), passed the checks
    before the create: the credential was created, then rolled back."""
    path = tmp_path / 'team.edgerc'
    path.write_text('[other]\nhost = akab-x.luna.akamaiapis.net\n')
    path.chmod(0o600)
    if kind == 'lock':
        os.symlink('nowhere', str(path) + '.lock')
        context, expected = contextlib.nullcontext(True), (
            'edgerc_write: cannot lock .edgerc file %s: %s.lock cannot be opened: it is a symbolic link, which is not '
            'followed; nothing was created' % (path, path))
    else:
        context, expected = chattr_flag(tmp_path, 'a'), (
            'edgerc_write.path: .edgerc file %s cannot be written: directory %s is append-only (chattr +a), in which a '
            'file may be made but not renamed nor removed, root neither; nothing was created' % (path, tmp_path))
    with context as made:
        if not made:
            pytest.skip('chattr +a is not possible here')
        emulator.admin.reset_log()
        failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                                  description='ci', edgerc_write=dict(path=str(path), section='ci')))
        assert failed and result['msg'] == expected, result['msg']
        assert [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert path.read_text() == '[other]\nhost = akab-x.luna.akamaiapis.net\n'


@pytest.mark.parametrize('path, section, message', [
    ('  ', 'ci', "edgerc_write.path '  ' is only white space: give the name of a file; nothing was created"),
    # A NUL is named by the shape check of every module (before ansible-core, which fails on it logging the input).
    ('{dir}/a\0b', 'ci', 'edgerc_write.path holds a NUL character, which no path may hold'),
    ('{dir}/team.edgerc', ' ci', "edgerc_write.section: invalid section name ' ci': it must be non-empty, without "
                                 "brackets, line breaks or surrounding spaces; nothing was created"),
    ('{dir}/team.edgerc', '', "edgerc_write.section: invalid section name '': it must be non-empty, without "
                              "brackets, line breaks or surrounding spaces; nothing was created"),
])
def test_an_edgerc_write_that_names_no_file_or_section_is_refused_before_any_request(
        emulator, run, tmp_path, path, section, message):
    """Found by a tester: a blank edgerc_write.path or section was refused only after the credentials were read."""
    path, message = path.format(dir=tmp_path), message.format(dir=tmp_path)
    emulator.admin.reset_log()
    failed, result = run(api_credential, dict(edgerc=emulator.edgerc, section='default', max_retries=0,
                                              description='ci', edgerc_write=dict(path=path, section=section)))
    assert failed and result['msg'] == message, result['msg']
    assert emulator.admin.log()['total'] == 0
