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
