# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_edgerc: one section of an .edgerc file edited as text, atomically, mode 0600 from the first byte."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc

SECRET = 'unit-edgerc-secret-never-printed+/='
NEW_SECRET = 'unit-edgerc-new-secret-never-printed'
ACCESS = 'akab-unit-access-never-printed'
TOKEN = 'akab-unit-client-token-never-printed'

ORIGINAL = """\
# Akamai credentials, kept by hand
; second comment style

[default]
client_secret = %s
host = akab-default.luna.akamaiapis.net
access_token = %s
client_token = %s
# a comment inside default

[staging]
client_secret= staging-secret-value
host : https://akab-staging.luna.akamaiapis.net/
access_token = akab-staging-access
client_token = akab-staging-client
max_body = 131072
""" % (SECRET, ACCESS, TOKEN)

NEW_SECTION = dict(host='akab-new.luna.akamaiapis.net', client_token=TOKEN, client_secret=NEW_SECRET,
                   access_token=ACCESS)


def private_edgerc(tmp_path, text):
    """tmp_path/edgerc holding text, mode 0600 as an .edgerc should be."""
    path = tmp_path / 'edgerc'
    path.write_text(text)
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def edgerc(tmp_path):
    return private_edgerc(tmp_path, ORIGINAL)


def mode_of(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def assert_no_secret(value):
    text = repr(value)
    for secret in (SECRET, NEW_SECRET, ACCESS, TOKEN):
        assert secret not in text


def test_read_section(edgerc):
    values = _edgerc.read_section(str(edgerc), 'default')
    assert values == dict(client_secret=SECRET, host='akab-default.luna.akamaiapis.net', access_token=ACCESS,
                          client_token=TOKEN)
    assert _edgerc.read_section(str(edgerc), 'staging')['host'] == 'https://akab-staging.luna.akamaiapis.net/'
    assert _edgerc.read_section(str(edgerc), 'nothere') is None
    assert _edgerc.read_section(str(edgerc.parent / 'missing'), 'default') is None


def test_no_change_no_write(edgerc):
    before = os.stat(edgerc)
    result = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=SECRET, host='https://akab-default'
                                                                '.luna.akamaiapis.net/', account_key=None),
                                   backup=True)
    assert result['changed'] is False
    assert result['backup_file'] is None
    assert result['before'] == result['after']
    assert result['before']['client_secret'] == '********'
    after = os.stat(edgerc)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert edgerc.read_text() == ORIGINAL
    assert_no_secret(result)


def test_update_keeps_everything_else(edgerc):
    result = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET, account_key='1-ABC:1-2'))
    assert result['changed'] is True
    assert result['changed_keys'] == ['account_key', 'client_secret']
    assert result['before']['client_secret'] == '********'
    assert result['after'] == dict(client_secret='********', host='akab-default.luna.akamaiapis.net',
                                   access_token='********', client_token='********', account_key='1-ABC:1-2')
    assert_no_secret(result)
    expected = ORIGINAL.replace('client_secret = %s' % SECRET, 'client_secret = %s' % NEW_SECRET).replace(
        'client_token = %s\n' % TOKEN, 'client_token = %s\naccount_key = 1-ABC:1-2\n' % TOKEN)
    assert edgerc.read_text() == expected
    assert mode_of(edgerc) == 0o600
    # The client reads what was written.
    assert _edgerc.load_section(str(edgerc), 'default').values['client_secret'] == NEW_SECRET
    assert _edgerc.load_section(str(edgerc), 'default').values['account_key'] == '1-ABC:1-2'


def test_update_keeps_line_style(edgerc):
    _edgerc.write_section(str(edgerc), 'staging', dict(client_secret='other', host='akab-other.luna.akamaiapis.net'))
    text = edgerc.read_text()
    assert 'client_secret= other\n' in text
    assert 'host : akab-other.luna.akamaiapis.net\n' in text


def test_empty_value_removes_key(edgerc):
    result = _edgerc.write_section(str(edgerc), 'staging', dict(max_body=''))
    assert result['changed'] is True
    assert 'max_body' not in edgerc.read_text()
    with pytest.raises(_edgerc.EdgercError, match='host cannot be removed'):
        _edgerc.write_section(str(edgerc), 'staging', dict(host=''))


def test_new_section_appended(edgerc):
    result = _edgerc.write_section(str(edgerc), 'new', dict(NEW_SECTION, max_body=131072))
    assert result['changed'] is True
    assert result['before'] is None
    assert result['after']['max_body'] == '131072'
    assert result['warnings'] == []
    text = edgerc.read_text()
    assert text.startswith(ORIGINAL)
    assert text[len(ORIGINAL):] == ('\n[new]\nclient_secret = %s\nhost = akab-new.luna.akamaiapis.net\n'
                                    'access_token = %s\nclient_token = %s\nmax_body = 131072\n'
                                    % (NEW_SECRET, ACCESS, TOKEN))
    assert _edgerc.load_section(str(edgerc), 'new').values['client_secret'] == NEW_SECRET


def test_new_section_needs_the_four_keys(edgerc):
    with pytest.raises(_edgerc.EdgercError) as info:
        _edgerc.write_section(str(edgerc), 'new', dict(host='h', client_secret=NEW_SECRET))
    assert 'client_token, access_token' in str(info.value)
    assert NEW_SECRET not in str(info.value)
    assert edgerc.read_text() == ORIGINAL


def test_new_file_created_0600_whatever_the_umask(tmp_path):
    path = tmp_path / 'sub.edgerc'
    old = os.umask(0)
    try:
        result = _edgerc.write_section(str(path), 'default', NEW_SECTION)
    finally:
        os.umask(old)
    assert result['changed'] is True
    assert mode_of(path) == 0o600
    assert path.read_text().startswith('[default]\n')
    assert sorted(os.listdir(tmp_path)) == ['sub.edgerc', 'sub.edgerc.lock']  # the lock file: writers wait on it


def test_temp_file_is_0600_before_the_move(edgerc, monkeypatch):
    seen = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append((os.path.dirname(src), mode_of(src), open(src).read()))
        return real_replace(src, dst)

    monkeypatch.setattr(_edgerc.os, 'replace', spy)
    old = os.umask(0)
    try:
        _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET))
    finally:
        os.umask(old)
    assert len(seen) == 1
    directory, mode, content = seen[0]
    assert directory == str(edgerc.parent)
    assert mode == 0o600
    assert NEW_SECRET in content


def test_open_creates_with_0600(edgerc, monkeypatch):
    """Every file the module creates is born 0600: os.open gets the mode at creation, not a chmod later."""
    modes = []
    real_open = os.open

    def spy(path, flags, mode=0o777, **kwargs):
        if flags & os.O_CREAT:
            modes.append(mode)
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(_edgerc.os, 'open', spy)
    _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET), backup=True)
    assert modes == [0o600, 0o600, 0o600]  # the lock file, the backup, the temporary file


def test_failed_write_leaves_file_and_no_temp(edgerc, monkeypatch):
    def boom(src, dst):
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(_edgerc.os, 'replace', boom)
    with pytest.raises(_edgerc.EdgercError, match='No space left'):
        _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET))
    assert edgerc.read_text() == ORIGINAL
    assert sorted(os.listdir(edgerc.parent)) == ['edgerc', 'edgerc.lock']


def test_backup(edgerc):
    os.chmod(edgerc, 0o644)
    result = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET), backup=True)
    backup = result['backup_file']
    assert backup and os.path.dirname(backup) == str(edgerc.parent)
    assert os.path.basename(backup).startswith('edgerc.')
    assert open(backup).read() == ORIGINAL
    assert mode_of(backup) == 0o600
    assert mode_of(edgerc) == 0o600
    # No backup when nothing changes.
    again = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET), backup=True)
    assert again['changed'] is False and again['backup_file'] is None
    assert len(os.listdir(edgerc.parent)) == 3  # the file, its lock file, one backup


def test_someone_elses_file_keeps_its_owner_in_the_file_its_backup_and_its_lock(edgerc, monkeypatch):
    """Run as root on another user's .edgerc: the backup, the rewritten file and the lock file get that user's owner
    and group, so that they can read their own backup and take the lock; the backup is 0600 from its first byte
    (its owner set before any byte is written)."""
    assert os.geteuid() == 0, 'this test gives the file to another user: it runs as root (as make units does)'
    os.chown(edgerc, 65534, 65534)
    order = []
    real_fchown, real_write = os.fchown, os.write

    def fchown(fd, uid, gid):
        order.append(('fchown', os.path.basename(os.readlink('/proc/self/fd/%d' % fd)), stat.S_IMODE(os.fstat(fd).st_mode)))
        return real_fchown(fd, uid, gid)

    def write(fd, data):
        order.append(('write', os.path.basename(os.readlink('/proc/self/fd/%d' % fd)), stat.S_IMODE(os.fstat(fd).st_mode)))
        return real_write(fd, data)

    monkeypatch.setattr(os, 'fchown', fchown)
    monkeypatch.setattr(os, 'write', write)
    result = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET), backup=True)
    monkeypatch.undo()
    backup = result['backup_file']
    for path in (backup, str(edgerc), str(edgerc) + '.lock'):
        info = os.stat(path)
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o600), path
    name = os.path.basename(backup)
    steps = [step for step in order if step[1] == name]
    assert steps[0] == ('fchown', name, 0o600) and all(step[2] == 0o600 for step in steps)


def test_loose_mode_is_tightened(edgerc):
    os.chmod(edgerc, 0o644)
    check = _edgerc.write_section(str(edgerc), 'default', {}, check_mode=True)
    assert check['changed'] is True and check['mode_fixed'] is True
    assert mode_of(edgerc) == 0o644
    result = _edgerc.write_section(str(edgerc), 'default', {})
    assert result['changed'] is True and result['mode_fixed'] is True
    assert mode_of(edgerc) == 0o600
    assert edgerc.read_text() == ORIGINAL


@pytest.mark.parametrize('mode, verb', [(0o644, 'read'), (0o640, 'read'), (0o604, 'read'), (0o620, 'change'),
                                        (0o666, 'read')])
def test_a_file_others_may_read_or_change_is_warned_of_on_every_read(edgerc, mode, verb):
    # Hand-written files are often 0644 (the umask's): the secret is then anyone's on the host.
    os.chmod(edgerc, mode)
    warnings = _edgerc.load_section(str(edgerc), 'default').warnings
    assert warnings == ['.edgerc file %s has mode %04o: users other than its owner may %s it, and it holds API '
                        'credentials. Make it private: chmod 600 %s (the edgerc module sets 0600 when it writes the '
                        'file)' % (edgerc, mode, verb, edgerc)]
    assert_no_secret(warnings)
    assert mode_of(edgerc) == mode  # a read changes nothing


@pytest.mark.parametrize('mode', [0o600, 0o400, 0o700, 0o611])
def test_a_private_file_is_not_warned_of(edgerc, mode):
    os.chmod(edgerc, mode)
    assert _edgerc.load_section(str(edgerc), 'default').warnings == []
    assert _edgerc.open_mode_warning(str(edgerc) + '.missing') is None


def test_the_command_in_the_warning_can_be_pasted(tmp_path):
    directory = tmp_path / 'my files'
    directory.mkdir()
    path = private_edgerc(directory, ORIGINAL)
    os.chmod(path, 0o644)
    assert _edgerc.open_mode_warning(str(path)).endswith("chmod 600 '%s' (the edgerc module sets 0600 when it "
                                                         "writes the file)" % path)


def test_a_link_is_judged_by_the_file_it_leads_to(edgerc, tmp_path):
    link = tmp_path / 'link'
    link.symlink_to(edgerc)  # a link's own mode is 0777 on Linux
    assert _edgerc.load_section(str(link), 'default').warnings == []
    os.chmod(edgerc, 0o644)
    assert 'has mode 0644' in _edgerc.load_section(str(link), 'default').warnings[0]
    # Found by a tester: the same file through a linked directory was warned of twice (two paths, two texts). It is
    # named by its real path: one text, which Ansible shows once.
    linked_dir = tmp_path / 'linked-dir'
    linked_dir.symlink_to(os.path.dirname(str(edgerc)))
    through_dir = linked_dir / os.path.basename(str(edgerc))
    said = set(_edgerc.load_section(str(p), 'default').warnings[0] for p in (edgerc, link, through_dir))
    assert said == {_edgerc.open_mode_warning(os.path.realpath(str(edgerc)))}, said


def test_check_mode_writes_nothing(edgerc, tmp_path):
    result = _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET), backup=True,
                                   check_mode=True)
    assert result['changed'] is True and result['backup_file'] is None
    assert result['changed_keys'] == ['client_secret']
    assert edgerc.read_text() == ORIGINAL
    assert os.listdir(edgerc.parent) == ['edgerc']  # not even a lock file
    new = tmp_path / 'new.edgerc'
    result = _edgerc.write_section(str(new), 'default', NEW_SECTION, check_mode=True)
    assert result['changed'] is True and not new.exists()


def test_remove(edgerc):
    result = _edgerc.write_section(str(edgerc), 'default', None, remove=True, backup=True)
    assert result['changed'] is True
    assert result['after'] is None
    assert result['before']['client_secret'] == '********'
    assert result['backup_file']
    text = edgerc.read_text()
    # The comments outside the section's key lines stay (a comment after the last key may describe the next).
    assert text == ('# Akamai credentials, kept by hand\n; second comment style\n\n'
                    + ORIGINAL.split('client_token = %s\n' % TOKEN, 1)[1])
    assert SECRET not in text
    again = _edgerc.write_section(str(edgerc), 'default', None, remove=True)
    assert again['changed'] is False
    missing = _edgerc.write_section(str(edgerc.parent / 'missing'), 'default', None, remove=True)
    assert missing['changed'] is False and not (edgerc.parent / 'missing').exists()


def test_remove_last_section_keeps_earlier(edgerc):
    _edgerc.write_section(str(edgerc), 'staging', None, remove=True)
    text = edgerc.read_text()
    assert '[staging]' not in text and 'staging-secret-value' not in text
    # The blank line that separated it goes too.
    assert text == ORIGINAL.split('\n[staging]', maxsplit=1)[0]


def test_add_then_remove_restores_the_file(edgerc):
    _edgerc.write_section(str(edgerc), 'new', NEW_SECTION)
    _edgerc.write_section(str(edgerc), 'new', None, remove=True)
    assert edgerc.read_text() == ORIGINAL


def test_duplicate_sections_merge_and_every_line_of_a_key_is_written(tmp_path):
    path = tmp_path / 'edgerc'
    path.write_text('[default]\nhost = a\nclient_secret = first\n[other]\nhost = b\n'
                    '[default]\nclient_secret = first\naccess_token = at\nclient_token = ct\n')
    assert _edgerc.read_section(str(path), 'default') == dict(host='a', client_secret='first', access_token='at',
                                                              client_token='ct')
    result = _edgerc.write_section(str(path), 'default', dict(client_secret='third', host='c'))
    assert result['changed_keys'] == ['client_secret', 'host']
    # Both lines of client_secret change: a key left with two values would be refused by the reader.
    assert path.read_text() == ('[default]\nhost = c\nclient_secret = third\n[other]\nhost = b\n'
                                '[default]\nclient_secret = third\naccess_token = at\nclient_token = ct\n')
    assert _edgerc.load_section(str(path), 'default').values['client_secret'] == 'third'


def test_crlf_kept(tmp_path):
    path = tmp_path / 'edgerc'
    path.write_bytes(b'[default]\r\nhost = a\r\nclient_secret = s\r\naccess_token = at\r\nclient_token = ct\r\n')
    _edgerc.write_section(str(path), 'default', dict(client_secret='t', account_key='K'))
    assert path.read_bytes() == (b'[default]\r\nhost = a\r\nclient_secret = t\r\naccess_token = at\r\n'
                                 b'client_token = ct\r\naccount_key = K\r\n')


@pytest.mark.parametrize('content, expected', [
    ('host = x\n[default]\n', 'does not start with a [section] header (line 1)'),
    ('[default]\nhost = x\n%s\n' % ACCESS, 'line 3 is not "key = value"'),
])
def test_unparsable_file_names_line_not_secret(tmp_path, content, expected):
    path = tmp_path / 'edgerc'
    path.write_text(content)
    for call in (lambda: _edgerc.read_section(str(path), 'default'),
                 lambda: _edgerc.write_section(str(path), 'default', dict(client_secret=NEW_SECRET))):
        with pytest.raises(_edgerc.EdgercError) as info:
            call()
        assert expected in str(info.value)
        assert ACCESS not in str(info.value) and NEW_SECRET not in str(info.value)
    assert path.read_text() == content


def test_bytes_that_are_not_utf8_are_kept_and_refused_in_a_secret(tmp_path):
    path = tmp_path / 'edgerc'
    original = b'# r\xe9sum\xe9 in Latin-1\n[default]\nclient_secret = \xff\xfe\nhost = h\naccess_token = at\nclient_token = ct\n'
    path.write_bytes(original)
    # The byte is not named: it is of the secret's line.
    with pytest.raises(_edgerc.EdgercError, match='client_secret is not a valid client secret: it holds a byte that is '
                                                  'not UTF-8, not printable ASCII$'):
        _edgerc.load_section(str(path), 'default')
    _edgerc.write_section(str(path), 'default', dict(client_secret=NEW_SECRET))
    assert path.read_bytes() == original.replace(b'\xff\xfe', NEW_SECRET.encode())
    assert _edgerc.load_section(str(path), 'default').values['client_secret'] == NEW_SECRET


def test_unreadable_file(edgerc):
    # An error other than 'not found' when opening: a path through a regular file (root may read any file, so a
    # mode of 000 would not do), and a symbolic link that points at itself.
    with pytest.raises(_edgerc.EdgercError, match='cannot be read: Not a directory'):
        _edgerc.read_section(str(edgerc / 'edgerc'), 'default')
    loop = edgerc.parent / 'loop'
    loop.symlink_to(loop)
    with pytest.raises(_edgerc.EdgercError, match='cannot be read: Too many levels of symbolic links'):
        _edgerc.read_section(str(loop), 'default')


def test_bad_input(edgerc):
    with pytest.raises(_edgerc.EdgercError, match='unknown .edgerc key'):
        _edgerc.write_section(str(edgerc), 'default', dict(secret='x'))
    with pytest.raises(_edgerc.EdgercError, match='line break') as info:
        _edgerc.write_section(str(edgerc), 'default', dict(client_secret=NEW_SECRET + '\nhost = evil'))
    assert NEW_SECRET not in str(info.value)
    with pytest.raises(_edgerc.EdgercError, match='max_body'):
        _edgerc.write_section(str(edgerc), 'default', dict(max_body='lots'))
    with pytest.raises(_edgerc.EdgercError, match='invalid section name'):
        _edgerc.write_section(str(edgerc), 'a]b', NEW_SECTION)
    with pytest.raises(_edgerc.EdgercError, match='not a regular file'):
        _edgerc.write_section(str(edgerc.parent), 'default', NEW_SECTION)
    assert edgerc.read_text() == ORIGINAL


def test_symlink_target_is_edited(edgerc, tmp_path):
    link = tmp_path / 'link'
    link.symlink_to(edgerc)
    _edgerc.write_section(str(link), 'default', dict(client_secret=NEW_SECRET))
    assert link.is_symlink()
    assert NEW_SECRET in edgerc.read_text()


NEW_TOKEN = 'akab-unit-new-client-token'
COPIES = """\
[default]
client_secret = %(secret)s
host = akab-shared.luna.akamaiapis.net
access_token = %(access)s
client_token = %(token)s

[papi]
host = https://akab-shared.luna.akamaiapis.net/
client_token = %(token)s
client_secret = %(secret)s
access_token = %(access)s
account_key = 1-ABC:1-2

[elsewhere]
client_secret = %(secret)s
host = akab-other.luna.akamaiapis.net
access_token = %(access)s
client_token = %(token)s

[staging]
client_secret = staging-secret-value
host = akab-shared.luna.akamaiapis.net
access_token = %(access)s
client_token = akab-staging-client
""" % dict(secret=SECRET, access=ACCESS, token=TOKEN)


@pytest.fixture
def copies(tmp_path):
    return private_edgerc(tmp_path, COPIES)


def test_update_copies_replaces_the_credential_in_every_section_holding_it(copies):
    result = _edgerc.write_section(str(copies), 'default', dict(client_token=NEW_TOKEN, client_secret=NEW_SECRET),
                                   backup=True, update_copies=True)
    assert result['changed'] is True
    # [elsewhere] has the token on another host: not a copy. [staging] holds another credential.
    assert result['copied_sections'] == ['papi']
    assert result['copies']['papi']['changed_keys'] == ['client_secret', 'client_token']
    assert result['copies']['papi']['after']['account_key'] == '1-ABC:1-2'
    assert_no_secret(result)
    assert NEW_TOKEN not in repr(result)
    for section in ('default', 'papi'):
        values = _edgerc.load_section(str(copies), section).values
        assert (values['client_token'], values['client_secret']) == (NEW_TOKEN, NEW_SECRET)
        assert values['access_token'] == ACCESS
    # The copy keeps its other keys and its way of writing the host.
    assert _edgerc.read_section(str(copies), 'papi')['account_key'] == '1-ABC:1-2'
    assert 'host = https://akab-shared.luna.akamaiapis.net/\n' in copies.read_text()
    assert _edgerc.read_section(str(copies), 'elsewhere')['client_secret'] == SECRET
    assert _edgerc.read_section(str(copies), 'staging')['client_secret'] == 'staging-secret-value'
    # One backup, of the file as it was before.
    assert open(result['backup_file']).read() == COPIES
    assert sorted(os.listdir(copies.parent)) == sorted(['edgerc', 'edgerc.lock', os.path.basename(result['backup_file'])])
    # Again: nothing left to do.
    again = _edgerc.write_section(str(copies), 'default', dict(client_token=NEW_TOKEN, client_secret=NEW_SECRET),
                                  backup=True, update_copies=True)
    assert again['changed'] is False and again['copied_sections'] == [] and again['backup_file'] is None


def test_without_update_copies_only_the_section_changes(copies):
    result = _edgerc.write_section(str(copies), 'default', dict(client_token=NEW_TOKEN, client_secret=NEW_SECRET))
    assert result['copied_sections'] == [] and result['copies'] == {}
    assert _edgerc.read_section(str(copies), 'papi')['client_secret'] == SECRET
    assert _edgerc.read_section(str(copies), 'default')['client_secret'] == NEW_SECRET


def test_update_copies_in_check_mode_predicts_and_writes_nothing(copies):
    result = _edgerc.write_section(str(copies), 'papi', dict(client_token=NEW_TOKEN, client_secret=NEW_SECRET),
                                   backup=True, check_mode=True, update_copies=True)
    assert result['changed'] is True and result['copied_sections'] == ['default']
    assert copies.read_text() == COPIES and os.listdir(copies.parent) == ['edgerc']


def test_update_copies_leaves_other_keys_and_new_sections_alone(copies):
    # Only client_token / client_secret go into the copies; a host or access token given for the section does not.
    result = _edgerc.write_section(str(copies), 'default', dict(client_secret=NEW_SECRET, access_token='akab-at-2'),
                                   update_copies=True)
    assert result['copied_sections'] == ['papi']
    assert result['copies']['papi']['changed_keys'] == ['client_secret']
    assert _edgerc.read_section(str(copies), 'papi')['access_token'] == ACCESS
    # A new section has no previous credential, hence no copies.
    result = _edgerc.write_section(str(copies), 'brand-new', dict(NEW_SECTION, client_token=NEW_TOKEN),
                                   update_copies=True)
    assert result['copied_sections'] == []
    # Keys other than the credential: no copies either.
    result = _edgerc.write_section(str(copies), 'default', dict(account_key='1-X:1-Y'), update_copies=True)
    assert result['changed'] is True and result['copied_sections'] == []


def test_update_copies_with_repeated_sections_and_a_missing_secret(tmp_path):
    path = tmp_path / 'edgerc'
    path.write_text('[default]\nhost = h\nclient_token = ct\nclient_secret = s\naccess_token = at\n'
                    '[copy]\nhost = h\n[copy]\nclient_token = ct\naccess_token = at\n')
    result = _edgerc.write_section(str(path), 'default', dict(client_token='ct2', client_secret='s2'),
                                   update_copies=True)
    assert result['copied_sections'] == ['copy']
    assert _edgerc.load_section(str(path), 'copy').values['client_secret'] == 's2'
    assert _edgerc.load_section(str(path), 'copy').values['client_token'] == 'ct2'
    assert path.read_text().count('[copy]') == 2


# -- concurrent writers and killed writers (issue 14) -----------------------------------------------------------

def _stretched_write(path, section, values, delay):
    """In a child process: write_section with the read-to-rename window stretched by `delay` seconds."""
    import time as _time  # pylint: disable=import-outside-toplevel
    original = _edgerc._atomic_write

    def slow(target, data, origin):
        _time.sleep(delay)
        original(target, data, origin)

    _edgerc._atomic_write = slow
    _edgerc.write_section(str(path), section, values)


def test_two_writers_of_one_file_lose_no_update(edgerc):
    """Two processes write [default] and [staging] of one file at once, each with 2 s between its read and its
    rename: both updates are in the file afterwards (the second writer waits for the first one's lock)."""
    import multiprocessing  # pylint: disable=import-outside-toplevel
    ctx = multiprocessing.get_context('fork')
    one = ctx.Process(target=_stretched_write, args=(edgerc, 'default', dict(client_secret=NEW_SECRET), 2.0))
    two = ctx.Process(target=_stretched_write,
                      args=(edgerc, 'staging', dict(client_secret='staging-secret-rotated-value'), 2.0))
    one.start()
    two.start()
    one.join(30)
    two.join(30)
    assert (one.exitcode, two.exitcode) == (0, 0)
    assert _edgerc.read_section(str(edgerc), 'default')['client_secret'] == NEW_SECRET
    assert _edgerc.read_section(str(edgerc), 'staging')['client_secret'] == 'staging-secret-rotated-value'
    assert mode_of(str(edgerc) + '.lock') == 0o600


def _killed_mid_write(path):
    """In a child process: SIGKILL itself after the temporary file holds the new contents, before the rename."""
    import signal  # pylint: disable=import-outside-toplevel

    def killed(_tmp, _target):
        os.kill(os.getpid(), signal.SIGKILL)

    _edgerc.os.replace = killed
    _edgerc.write_section(str(path), 'default', dict(client_secret=NEW_SECRET))


def test_a_writer_killed_mid_write_leaves_a_temp_file_the_next_write_removes(edgerc):
    import multiprocessing  # pylint: disable=import-outside-toplevel
    child = multiprocessing.get_context('fork').Process(target=_killed_mid_write, args=(edgerc,))
    child.start()
    child.join(30)
    assert child.exitcode == -9
    left = [name for name in os.listdir(edgerc.parent) if name.endswith('.tmp')]
    assert left == ['.edgerc.%d.0.tmp' % child.pid]
    assert mode_of(edgerc.parent / left[0]) == 0o600
    assert _edgerc.read_section(str(edgerc), 'default')['client_secret'] == SECRET  # the rename never happened
    # The next write (of another section) removes it; a file of another name is left alone.
    (edgerc.parent / '.edgerc.notes.tmp').write_text('not ours')
    _edgerc.write_section(str(edgerc), 'staging', dict(client_secret='staging-secret-rotated-value'))
    assert sorted(name for name in os.listdir(edgerc.parent) if name.endswith('.tmp')) == ['.edgerc.notes.tmp']


def test_expect_client_token_refuses_a_section_another_writer_changed(edgerc):
    with pytest.raises(_edgerc.EdgercConflict) as exc:
        _edgerc.write_section(str(edgerc), 'staging', dict(client_secret=NEW_SECRET), expect_client_token='akab-other')
    assert 'no longer holds' in str(exc.value) and NEW_SECRET not in str(exc.value)
    assert _edgerc.read_section(str(edgerc), 'staging')['client_secret'] == 'staging-secret-value'
    _edgerc.write_section(str(edgerc), 'staging', dict(client_secret=NEW_SECRET), expect_client_token='akab-staging-client')
    assert _edgerc.read_section(str(edgerc), 'staging')['client_secret'] == NEW_SECRET


@pytest.mark.parametrize('blank', [' ', '\t', '\u00a0'])
def test_a_value_of_white_space_only_is_refused_not_read_as_a_removal(edgerc, blank):
    before = edgerc.read_text()
    for key in ('account_key', 'max_body', 'client_secret'):
        with pytest.raises(_edgerc.EdgercError, match='the value of %s is only white space' % key):
            _edgerc.write_section(str(edgerc), 'default', {key: blank})
    assert edgerc.read_text() == before


@pytest.mark.parametrize('read', [
    lambda path: _edgerc.load_section(path, 'default'),
    lambda path: _edgerc.read_section(path, 'default'),
    _edgerc.section_names,
])
def test_a_path_with_a_nul_is_named_not_a_bare_value_error(tmp_path, read):
    """Found by a tester: the edgerc lookup given a path with a NUL failed with Python's "embedded null byte"."""
    path = str(tmp_path / 'bad\0name')
    with pytest.raises(_edgerc.EdgercError, match='is no path: it holds a NUL character'):
        read(path)
    assert _edgerc.open_mode_warning(path) is None
