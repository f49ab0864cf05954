# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The private_file module: 0600 from the first byte, idempotent, check mode, a diff that never shows the content."""

from __future__ import annotations

import functools
import os
import re
import stat

import pytest

from ansible_collections.edgegrid.access.plugins.modules import private_file

SECRET = 'unit-private-file-secret-never-shown'
OTHER = 'unit-private-file-other-secret-never-shown'


@pytest.fixture
def run(run):
    """Every run checks that the secrets are not in what the module printed."""
    return functools.partial(run, unseen=(SECRET, OTHER))


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_create_check_mode_idempotence_and_diff(tmp_path, run):
    path = str(tmp_path / 'keys.yml')
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and result['changed'] and not os.path.exists(path)
    assert result['diff']['before'] == '' and 'not shown' in result['diff']['after']

    old = os.umask(0)
    try:
        failed, result = run(private_file, dict(path=path, content=SECRET))
    finally:
        os.umask(old)
    assert not failed and result['changed'] and result['size'] == len(SECRET)
    assert open(path).read() == SECRET and mode_of(path) == 0o600
    assert os.listdir(tmp_path) == ['keys.yml']

    before = os.stat(path)
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_diff=True))
    assert not failed and not result['changed'] and not result['mode_fixed']
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns and os.stat(path).st_ino == before.st_ino


def test_the_temporary_file_is_created_0600_exclusively(tmp_path, run, monkeypatch):
    created = []
    real_open = os.open

    def spy(path, flags, mode=0o777, **kwargs):
        if flags & os.O_CREAT:
            created.append((os.path.dirname(path), flags & os.O_EXCL, mode))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, 'open', spy)
    failed, dummy = run(private_file, dict(path=str(tmp_path / 'keys.yml'), content=SECRET))
    assert not failed
    assert created == [(str(tmp_path), os.O_EXCL, 0o600)]


def test_change_with_backup_and_a_diff_that_hides_both_sides(tmp_path, run):
    path = tmp_path / 'keys.yml'
    path.write_text(SECRET)
    os.chmod(path, 0o600)
    failed, result = run(private_file, dict(path=str(path), content=OTHER, backup=True, _ansible_diff=True))
    assert not failed and result['changed']
    assert path.read_text() == OTHER and mode_of(path) == 0o600
    assert open(result['backup_file']).read() == SECRET and mode_of(result['backup_file']) == 0o600
    assert 'bytes' in result['diff']['before'] and 'bytes' in result['diff']['after']


def test_a_file_open_to_others_is_set_to_0600(tmp_path, run):
    path = tmp_path / 'keys.yml'
    path.write_text(SECRET)
    os.chmod(path, 0o644)
    failed, result = run(private_file, dict(path=str(path), content=SECRET, _ansible_check_mode=True))
    assert not failed and result['changed'] and result['mode_fixed'] and mode_of(path) == 0o644
    failed, result = run(private_file, dict(path=str(path), content=SECRET))
    assert not failed and result['changed'] and result['mode_fixed'] and mode_of(path) == 0o600


@pytest.mark.parametrize('where, message', [
    ('dir', 'is not a regular file: it is a directory; nothing was written$'),
    ('fifo', 'is not a regular file: it is a FIFO; nothing was written$'),
    ('missing/keys.yml', 'directory .* does not exist'),
    ('dangling.yml', r'cannot be written: directory \S+/nowhere does not exist; \S+/dangling.yml is a dangling '
                     r'symbolic link \(to \S+/nowhere/keys.yml, which does not exist\); nothing was written$'),
])
def test_errors_name_the_path_and_write_nothing(tmp_path, run, where, message):
    (tmp_path / 'dir').mkdir()
    os.mkfifo(str(tmp_path / 'fifo'))
    (tmp_path / 'dangling.yml').symlink_to(tmp_path / 'nowhere' / 'keys.yml')
    path = str(tmp_path / where)
    failed, result = run(private_file, dict(path=path, content=SECRET))
    assert failed
    assert result['msg'].startswith('path %s' % path)
    assert re.search(message, result['msg']), result['msg']
    assert sorted(os.listdir(tmp_path)) == ['dangling.yml', 'dir', 'fifo']


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_file_whose_way_goes_through_a_file_names_it_before_any_write(tmp_path, run, check_mode):
    (tmp_path / 'afile').write_text('x')
    path = str(tmp_path / 'afile' / 'keys.yml')
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_check_mode=check_mode))
    assert failed and result['msg'] == ('path %s cannot be written: %s is not a directory; nothing was written'
                                        % (path, tmp_path / 'afile'))
    failed, result = run(private_file, dict(path=str(tmp_path / 'no' / 'dir' / 'keys.yml'), content=SECRET,
                                            _ansible_check_mode=check_mode))
    missing = tmp_path / 'no' / 'dir'
    assert failed and result['msg'].endswith(': directory %s does not exist; nothing was written' % missing)
    assert sorted(os.listdir(tmp_path)) == ['afile']


def test_a_temporary_file_a_killed_run_left_is_removed_by_the_next_write(tmp_path, run):
    path = tmp_path / 'keys.yml'
    left = tmp_path / '.keys.yml.999999999.0.tmp'  # no such process
    left.write_text(SECRET)
    failed, result = run(private_file, dict(path=str(path), content=OTHER))
    assert not failed and result['changed']
    assert sorted(os.listdir(tmp_path)) == ['keys.yml']


@pytest.mark.parametrize('check_mode', [False, True])
def test_through_a_link_mode_size_and_state_describe_the_target(tmp_path, run, check_mode):
    target = tmp_path / 'keys.yml'
    target.write_text(SECRET)
    os.chmod(target, 0o600)
    link = tmp_path / 'link.yml'
    link.symlink_to(target)
    failed, result = run(private_file, dict(path=str(link), content=SECRET, _ansible_check_mode=check_mode))
    assert not failed and not result['changed']
    assert result['path'] == str(target)
    assert result['state'] == 'file' and result['mode'] == '0600' and result['size'] == len(SECRET)
    assert os.path.islink(link) and target.read_text() == SECRET


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('where, message', [
    ('', r'^path is empty'),
    ('new/', r'^path .*/new/ ends in "/"'),
    ('dir/', r'^path .*/dir/ ends in "/"'),
])
def test_an_empty_path_or_one_ending_in_a_slash_fails(tmp_path, run, check_mode, where, message):
    (tmp_path / 'dir').mkdir()
    path = str(tmp_path / where) + ('/' if where.endswith('/') else '') if where else ''
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_check_mode=check_mode))
    assert failed and re.search(message, result['msg']), result['msg']
    assert sorted(os.listdir(tmp_path)) == ['dir'] and os.listdir(tmp_path / 'dir') == []


def test_check_mode_fails_like_a_real_run_in_a_directory_it_cannot_write(tmp_path, run, monkeypatch):
    readonly = tmp_path / 'ro'
    readonly.mkdir()
    os.chmod(readonly, 0o500)
    real_access = os.access

    def access(path, mode, **kwargs):
        # As root, access() ignores the mode bits: answer as it does for any other user.
        if os.fspath(path) == str(readonly) and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, 'access', access)
    path = str(readonly / 'keys.yml')
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_check_mode=True))
    assert failed
    assert result['msg'] == ('path %s cannot be written: directory %s is not writable (its permissions, a read-only '
                             'file system or an immutable directory); nothing was written' % (path, readonly))
    assert os.listdir(readonly) == []


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('path, message', [
    ('  ', "^path '  ' is only white space"),
    ('keys.yml ', "^path 'keys.yml ' has a name that begins or ends with white space"),
    (' /keys.yml', "^path ' /keys.yml' has a name that begins or ends with white space"),
])
def test_a_blank_path_or_one_with_white_space_at_an_end_of_a_name_fails(
        tmp_path, run, monkeypatch, check_mode, path, message):
    """Found by a tester of edgekv_token, whose tokens_js.path is checked by the same rule (_files.not_a_file_name):
    a path of spaces wrote a file named with spaces in the working directory."""
    monkeypatch.chdir(tmp_path)
    failed, result = run(private_file, dict(path=path, content=SECRET, _ansible_check_mode=check_mode))
    assert failed and re.search(message, result['msg']), result['msg']
    assert result['msg'].endswith('; nothing was written'), result['msg']
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('flag', ['i', 'a'])
def test_a_file_nothing_may_replace_fails_alike_in_check_mode_and_a_real_run_only_when_it_is_to_be_written(
        tmp_path, run, flag):
    """Found by a tester: check mode failed on an immutable file that already held the content (a real run left it
    alone, unchanged), and a real run that had to write it said only "Operation not permitted"."""
    from akamai_emulator.testing import chattr_flag  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'keys.yml'
    failed, result = run(private_file, dict(path=str(path), content=SECRET))
    assert not failed
    name = {'i': 'immutable (chattr +i)', 'a': 'append-only (chattr +a)'}[flag]
    with chattr_flag(path, flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        for check_mode in (True, False):
            failed, result = run(private_file, dict(path=str(path), content=SECRET, _ansible_check_mode=check_mode))
            assert not failed and result['changed'] is False, result
            failed, result = run(private_file, dict(path=str(path), content=SECRET + '2', _ansible_check_mode=check_mode))
            assert failed and result['msg'].startswith('path %s cannot be written: the file is %s, which nothing may '
                                                       'replace, root neither' % (path, name)), result['msg']
        assert path.read_text() == SECRET and sorted(os.listdir(tmp_path)) == ['keys.yml']


@pytest.mark.parametrize('check_mode', [True, False])
def test_an_append_only_directory_fails_before_the_backup_and_the_write(tmp_path, run, check_mode):
    """Found by a tester: in an append-only directory (chattr +a: os.access says writable) the backup and the
    temporary file, both holding the secret, were made and could not be renamed nor removed; check mode passed. The
    mode of a file nothing may change is named too, in a real run as in check mode."""
    from akamai_emulator.testing import chattr_flag  # pylint: disable=import-outside-toplevel
    path = tmp_path / 'keys.yml'
    failed, result = run(private_file, dict(path=str(path), content=SECRET))
    assert not failed
    with chattr_flag(tmp_path, 'a') as locked:
        if not locked:
            pytest.skip('chattr +a is not possible here')
        failed, result = run(private_file, dict(path=str(path), content=SECRET + '2', backup=True,
                                                _ansible_check_mode=check_mode))
        assert failed and result['msg'] == 'path %s cannot be written: directory %s is append-only (chattr +a), in ' \
            'which a file may be made but not renamed nor removed, root neither; nothing was written' \
            % (path, tmp_path), result['msg']
        assert path.read_text() == SECRET and sorted(os.listdir(tmp_path)) == ['keys.yml']
    os.chmod(path, 0o644)
    with chattr_flag(path, 'i'):
        failed, result = run(private_file, dict(path=str(path), content=SECRET, _ansible_check_mode=check_mode))
        assert failed and result['msg'] == 'cannot set the mode of path %s to 0600: the file is immutable ' \
            '(chattr +i)' % path, result['msg']
    os.chmod(path, 0o600)
