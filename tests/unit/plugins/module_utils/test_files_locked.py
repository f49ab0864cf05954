# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A file that nothing may replace (immutable or append-only, chattr +i / +a), told before a write.

Found by a tester: an immutable edgekv_tokens.js in a writable directory passed every check made before the first
write (permissions, a temporary file made beside it), and the write after the API's failed. The same holds for an
.edgerc that api_credential writes the new credential into. _files.locked_flags reads the flags, as lsattr does.
"""

from __future__ import annotations

import pytest
from akamai_emulator.testing import chattr_flag

from ansible_collections.edgegrid.access.plugins.module_utils import _files

NAMES = {'i': 'immutable (chattr +i)', 'a': 'append-only (chattr +a)'}


@pytest.mark.parametrize('flag', ['i', 'a'])
def test_a_locked_file_is_told_by_the_look_and_the_probe_and_the_write_fails_indeed(tmp_path, flag):
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text('before\n')
    origin = 'edgekv_tokens.js file %s' % path
    with chattr_flag(path, flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        assert _files.locked_flags(str(path)) == NAMES[flag]
        assert _files.unwritable_file(str(path)) == (
            'cannot be written: the file is %s, which nothing may replace, root neither' % NAMES[flag])
        assert _files.unwritable_file(str(path), writable=False) is None  # a file only read may be locked
        with pytest.raises(_files.FileWriteError) as probed:
            _files.probe_write(str(path), origin)
        assert str(probed.value) == '%s cannot be written: the file is %s, which nothing may replace, root neither' \
            % (origin, NAMES[flag])
        # What the checks foretell: the write fails, the file is as it was, no temporary file is left.
        with pytest.raises(_files.FileWriteError):
            _files.atomic_write(str(path), b'after\n', origin)
        assert path.read_text() == 'before\n'
        assert sorted(p.name for p in tmp_path.iterdir()) == ['edgekv_tokens.js']
    assert _files.locked_flags(str(path)) is None and _files.unwritable_file(str(path)) is None
    _files.probe_write(str(path), origin)


def test_no_flag_is_read_where_there_is_no_file(tmp_path):
    assert _files.locked_flags(str(tmp_path / 'missing')) is None
    assert _files.locked_flags(str(tmp_path)) is None  # a directory: unwritable_file tells that otherwise
    path = tmp_path / 'plain'
    path.write_text('x')
    assert _files.locked_flags(str(path)) is None


@pytest.mark.parametrize('flag', ['a', 'i'])
def test_a_locked_directory_is_told_before_any_file_is_made_in_it(tmp_path, flag):
    """Found by a tester: in an append-only directory (chattr +a) os.access says writable, a file may be made but not
    renamed nor removed: probe_write left its probe there and passed, atomic_write left its temporary file (the
    secret it was to write) and failed with a bare "Operation not permitted". Both are refused before any file is
    made; an immutable directory is named as such."""
    directory = tmp_path / 'locked'
    directory.mkdir()
    path = directory / '.edgerc'
    path.write_text('before\n')
    origin = '.edgerc file %s' % path
    expected = 'directory %s is %s, in which %s, root neither' % (
        directory, NAMES[flag], 'no file may be made, renamed nor removed' if flag == 'i' else
        'a file may be made but not renamed nor removed')
    with chattr_flag(directory, flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        assert _files.locked_directory(str(directory)) == expected
        assert _files.unwritable_file(str(path)) == 'cannot be written: ' + expected
        assert _files.unwritable_file(str(directory / 'new')) == 'cannot be written: ' + expected
        assert _files.unwritable_file(str(path), writable=False) is None
        for write in (lambda: _files.probe_write(str(path), origin),
                      lambda: _files.atomic_write(str(path), b'secret\n', origin)):
            with pytest.raises(_files.FileWriteError) as refused:
                write()
            assert str(refused.value) == '%s cannot be written: %s' % (origin, expected)
            assert sorted(p.name for p in directory.iterdir()) == ['.edgerc'] and path.read_text() == 'before\n'
    assert _files.locked_directory(str(directory)) is None
    _files.atomic_write(str(path), b'after\n', origin)
    assert path.read_text() == 'after\n'


def test_a_temporary_file_that_cannot_be_removed_is_emptied(tmp_path):
    """What a write that failed leaves beside the file holds nothing: a temporary file that cannot be removed (the
    directory made append-only after the write's checks) is emptied."""
    tmp = tmp_path / '.edgerc.1.0.tmp'
    tmp.write_text('client_secret = never-left-behind\n')
    with chattr_flag(tmp_path, 'a') as locked:
        if not locked:
            pytest.skip('chattr +a is not possible here')
        _files._discard(str(tmp))  # pylint: disable=protected-access
        assert tmp.exists() and tmp.read_text() == ''
    _files._discard(str(tmp))  # pylint: disable=protected-access
    assert not tmp.exists()


@pytest.mark.parametrize('flag', ['a', 'i'])
def test_no_directory_is_made_in_a_locked_one(tmp_path, flag):
    """Found by a tester: create_directory under an append-only directory made the directory, and when the write it
    was made for failed, it stayed (an append-only directory lets an entry be made, never removed). The directories
    to make are refused before any is made."""
    parent = tmp_path / 'locked'
    parent.mkdir()
    path = parent / 'made' / 'deeper' / 'edgekv_tokens.js'
    with chattr_flag(parent, flag) as locked:
        if not locked:
            pytest.skip('chattr +%s is not possible here' % flag)
        for make in (_files.directories_to_make, _files.make_directories):
            with pytest.raises(_files.FileWriteError) as refused:
                make(str(path))
            assert str(refused.value).startswith('directory %s cannot be made: directory %s is %s'
                                                 % (path.parent, parent, NAMES[flag])), str(refused.value)
            assert list(parent.iterdir()) == []
    assert _files.make_directories(str(path)) == [str(parent / 'made'), str(parent / 'made' / 'deeper')]
