# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The edgerc module: results, diff and errors never carry a secret."""

from __future__ import annotations

import contextlib
import functools
import json
import os

import pytest
from akamai_emulator.testing import chattr_flag, unwritable_directory

from ansible_collections.edgegrid.access.plugins.modules import edgerc

SECRET = 'unit-module-edgerc-secret-never-shown'
NEW_SECRET = 'unit-module-edgerc-new-secret-never-shown'


@pytest.fixture
def run(run):
    """Every run checks that the secrets are not in what the module printed."""
    return functools.partial(run, unseen=(SECRET, NEW_SECRET))


@pytest.fixture
def section(tmp_path):
    return dict(path=str(tmp_path / 'edgerc'), section='staging', host='akab-s.luna.akamaiapis.net',
                client_token='akab-ct-unit', client_secret=SECRET, access_token='akab-at-unit')


def test_create_update_diff_masked(section, run):
    failed, result = run(edgerc, dict(section, _ansible_diff=True))
    assert not failed and result['changed']
    values = result['edgerc_section']['settings']
    assert values['client_secret'] == values['access_token'] == values['client_token'] == '********'
    assert result['diff']['before'] == '' and '[staging]' in result['diff']['after']
    assert oct(os.stat(section['path']).st_mode & 0o777) == '0o600'

    failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET, _ansible_diff=True, _ansible_check_mode=True))
    assert not failed and result['changed'] and result['edgerc_section']['changed_keys'] == ['client_secret']
    assert 'client_secret = ******** (changed)' in result['diff']['after']
    assert SECRET in open(section['path']).read()

    failed, result = run(edgerc, section)
    assert not failed and not result['changed']


@pytest.mark.parametrize('extra, message', [
    (dict(state='absent'), 'state=absent removes the whole section'),
    (dict(host=' '), 'host must not be empty'),
    (dict(max_body=-1), 'max_body must be a positive number'),
    (dict(section='a]b'), 'invalid section name'),
])
def test_bad_input(section, run, extra, message):
    failed, result = run(edgerc, dict(section, **extra))
    assert failed and message in result['msg']
    assert not os.path.exists(section['path'])


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_file_in_a_directory_that_does_not_exist_is_named_before_any_write(tmp_path, section, run, check_mode):
    # Said of the directory (it said the lock file could not be opened), in check mode too (it predicted a write).
    (tmp_path / 'afile').write_text('x')
    for where, problem in (('nodir/deeper/edgerc', 'directory %s does not exist' % (tmp_path / 'nodir' / 'deeper')),
                           ('afile/edgerc', '%s is not a directory' % (tmp_path / 'afile'))):
        path = str(tmp_path / where)
        failed, result = run(edgerc, dict(section, path=path, _ansible_check_mode=check_mode))
        assert failed and result['msg'] == '.edgerc file %s cannot be written: %s; nothing was written' % (path, problem)
    assert sorted(os.listdir(tmp_path)) == ['afile']
    # Nothing to remove there: no change.
    failed, result = run(edgerc, dict(path=str(tmp_path / 'nodir' / 'edgerc'), section='staging', state='absent'))
    assert not failed and result['changed'] is False and result['edgerc_section']['exists'] is False
    assert sorted(os.listdir(tmp_path)) == ['afile']


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_path_ending_in_a_slash_is_refused_before_any_write(tmp_path, section, run, check_mode):
    # realpath drops the slash: the section was written into a file named after the directory.
    for where in ('newdir/', 'existing/'):
        path = str(tmp_path) + '/' + where
        failed, result = run(edgerc, dict(section, path=path, _ansible_check_mode=check_mode))
        assert failed and result['msg'] == ('.edgerc file %s ends in "/": give the name of a file, not of a '
                                            'directory; nothing was written' % path), result['msg']
        (tmp_path / 'existing').mkdir(exist_ok=True)
    assert sorted(os.listdir(tmp_path)) == ['existing'] and os.listdir(tmp_path / 'existing') == []


def test_unparsable_file(section, run):
    with open(section['path'], 'w') as handle:
        handle.write('[staging]\n%s\n' % SECRET.replace('-', '_'))
    failed, result = run(edgerc, section)
    assert failed and 'line 2 is not "key = value"' in result['msg']
    assert SECRET.replace('-', '_') not in json.dumps(result)


def test_percent_warns(section, run):
    failed, result = run(edgerc, dict(section, account_key='1-AB%CD'))
    assert not failed
    assert 'holds a % sign' in json.dumps(result.get('warnings', []))


def test_update_copies_diff_and_result(section, run):
    run(edgerc, section)
    run(edgerc, dict(section, section='papi', account_key='1-A:1-B'))
    run(edgerc, dict(section, section='other', client_token='akab-ct-other'))
    failed, result = run(edgerc, dict(path=section['path'], section='staging', client_token='akab-ct-unit-2',
                                      client_secret=NEW_SECRET, update_copies=True, _ansible_diff=True))
    assert not failed and result['changed']
    assert result['edgerc_section']['copied_sections'] == ['papi']
    assert '[papi]' in result['diff']['after'] and 'client_secret = ******** (changed)' in result['diff']['after']
    assert '[other]' not in result['diff']['after']
    text = open(section['path']).read()
    assert text.count(NEW_SECRET) == 2 and text.count(SECRET) == 1
    # Off by default: only the section named.
    failed, result = run(edgerc, dict(path=section['path'], section='staging', client_secret=SECRET))
    assert not failed and result['edgerc_section']['copied_sections'] == []
    assert open(section['path']).read().count(NEW_SECRET) == 1


def test_a_max_body_other_than_131072_is_refused_and_one_in_the_file_warned_about(section, run):
    failed, result = run(edgerc, dict(section, max_body=2048))
    assert failed and 'max_body 2048 is refused: Akamai checks the hash of the first 131072 bytes' in result['msg']
    assert not os.path.exists(section['path'])
    run(edgerc, section)
    with open(section['path'], 'a') as handle:
        handle.write('max_body = 2048\n')
    failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET))
    assert not failed and result['changed']
    warned = json.dumps(result['warnings']).count('max_body is 2048; it is not used')
    assert warned >= 1
    failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET, max_body=''))
    assert not failed and result['edgerc_section']['changed_keys'] == ['max_body']
    # (The warnings of a module process gather across the runs of this test process: no new one.)
    assert json.dumps(result.get('warnings', [])).count('max_body is 2048; it is not used') == warned
    assert 'max_body' not in open(section['path']).read()


def test_a_quoted_secret_with_a_comment_reads_as_the_same_secret(section, run):
    with open(section['path'], 'w') as handle:
        handle.write('[staging]\nhost = akab-s.luna.akamaiapis.net\nclient_token = "akab-ct-unit"\n'
                     'client_secret = "%s" ; rotated in November\naccess_token = akab-at-unit  # hand-written\n'
                     % SECRET)
    os.chmod(section['path'], 0o600)
    failed, result = run(edgerc, section)
    assert not failed and not result['changed']
    failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET))
    assert not failed and result['edgerc_section']['changed_keys'] == ['client_secret']
    assert 'client_secret = "%s" ; rotated in November\n' % NEW_SECRET in open(section['path']).read()


@pytest.mark.parametrize('blank', [' ', '\t', '\n', '  \r\n'])
@pytest.mark.parametrize('check_mode', [False, True])
def test_a_value_of_white_space_only_fails_naming_the_option_and_keeps_the_key(section, run, blank, check_mode):
    """Found by a tester: account_key "  " (a variable that came out blank) removed the section's account_key, as an
    empty string does on purpose - and the section's requests then went to the API client's own account."""
    failed, result = run(edgerc, dict(section, account_key='1-ABCDE:1-FGHIJ'))
    assert not failed
    written = open(section['path']).read()
    for key in ('account_key', 'max_body'):
        failed, result = run(edgerc, dict(section, _ansible_check_mode=check_mode, **{key: blank}))
        assert failed and result['msg'] == '%s is only white space; give the value, or an empty string to remove ' \
                                           'the key' % key, result['msg']
        assert open(section['path']).read() == written
    failed, result = run(edgerc, dict(section, account_key=''))
    assert not failed and result['changed'] and 'account_key' not in open(section['path']).read()


NAMES = {'i': 'immutable (chattr +i)', 'a': 'append-only (chattr +a)'}


@pytest.mark.parametrize('flag', ['i', 'a'])
def test_check_mode_foretells_that_a_file_nothing_may_replace_cannot_be_written(section, run, flag):
    """Found by a tester: on an immutable .edgerc, check mode predicted a change that the real run then failed to
    write. Check mode fails as the run does, naming the file and the flag; a task with nothing to write is fine."""
    failed, result = run(edgerc, section)
    assert not failed
    written = open(section['path']).read()
    with chattr_flag(section['path'], flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        failed, result = run(edgerc, dict(section, _ansible_check_mode=True))
        assert not failed and not result['changed']
        for check_mode in (True, False):
            failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET, _ansible_check_mode=check_mode))
            assert failed and result['msg'].startswith('.edgerc file %s ' % section['path']), result['msg']
            assert NAMES[flag] in result['msg'], result['msg']
        assert open(section['path']).read() == written
    os.chmod(section['path'], 0o644)
    with chattr_flag(section['path'], flag) as locked:
        failed, result = run(edgerc, dict(section, _ansible_check_mode=True))
        assert failed and result['msg'] == 'cannot set the mode of .edgerc file %s to 0600: the file is %s' \
            % (section['path'], NAMES[flag]), result['msg']
        failed, result = run(edgerc, section)
        assert failed and result['msg'].startswith('cannot set the mode of .edgerc file %s to 0600: ' % section['path'])
    os.chmod(section['path'], 0o600)


def test_check_mode_foretells_that_the_directory_cannot_be_written(section, run, monkeypatch):
    directory = os.path.dirname(section['path'])
    with unwritable_directory(directory, monkeypatch) as unwritable:
        failed, result = run(edgerc, dict(section, _ansible_check_mode=True))
        assert failed and result['msg'].startswith('.edgerc file %s cannot be written: directory %s is '
                                                   % (section['path'], unwritable)), result['msg']
        assert result['msg'].endswith('; nothing was written'), result['msg']
    assert not os.path.exists(section['path'])


@pytest.mark.parametrize('check_mode', [True, False])
def test_an_append_only_directory_fails_before_the_backup_and_the_write(section, run, tmp_path, check_mode):
    """Found by a tester: in an append-only directory (chattr +a) the backup and the temporary file (the whole file,
    every secret of it) were made, could not be renamed nor removed, and stayed; check mode predicted a change."""
    failed, result = run(edgerc, section)
    assert not failed
    with chattr_flag(tmp_path, 'a') as locked:
        if not locked:
            pytest.skip('chattr +a is not possible here')
        failed, result = run(edgerc, dict(section, client_secret=NEW_SECRET, backup=True,
                                          _ansible_check_mode=check_mode))
        assert failed and result['msg'] == '.edgerc file %s cannot be written: directory %s is append-only (chattr ' \
            '+a), in which a file may be made but not renamed nor removed, root neither; nothing was written' \
            % (section['path'], tmp_path), result['msg']
        assert sorted(os.listdir(tmp_path)) == ['edgerc', 'edgerc.lock']  # the lock: made by the first run
        assert NEW_SECRET not in open(section['path']).read()


@pytest.mark.parametrize('kind', ['link', 'immutable'])
def test_check_mode_foretells_a_lock_file_the_run_cannot_open(section, run, kind):
    """Found by a tester: a lock file that cannot be opened (a symbolic link, which is never followed; an immutable
    file) fails every real run, converged or not; check mode said all was well."""
    failed, result = run(edgerc, section)
    assert not failed
    lock = section['path'] + '.lock'
    os.remove(lock)
    if kind == 'link':
        os.symlink('nowhere', lock)
        why = 'it is a symbolic link, which is not followed'
        context = contextlib.nullcontext(True)
    else:
        open(lock, 'w').close()
        why = 'the file is immutable (chattr +i)'
        context = chattr_flag(lock, 'i')
    with context as made:
        if not made:
            pytest.skip('chattr +i is not possible here')
        for values in (section, dict(section, client_secret=NEW_SECRET)):
            failed, result = run(edgerc, dict(values, _ansible_check_mode=True))
            assert failed and result['msg'] == 'cannot lock .edgerc file %s: %s cannot be opened: %s' \
                % (section['path'], lock, why), result['msg']
            failed, result = run(edgerc, values)
            assert failed and result['msg'].startswith('cannot lock .edgerc file %s: %s cannot be opened: '
                                                       % (section['path'], lock)), result['msg']
