# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key: malformed input named by its option before any request (against the local emulator)."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.modules import api_key


def run(args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            api_key.main()
    return exc.value.code != 0, json.loads(capsys.readouterr().out)


def test_import_file_not_utf8_names_the_option_and_file(emulator, tmp_path, capsys):
    path = tmp_path / 'keys.csv'
    path.write_bytes(b'VALUE,LABEL\n\xff\xfe-latin1-\xe9,one\n')
    emulator.admin.reset_log()
    failed, result = run(dict(edgerc=emulator.edgerc, collection='c', import_file=str(path)), capsys)
    assert failed and 'import_file %s is not UTF-8' % path in result['msg']
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('extra, message', [
    (dict(keys='some-string'), 'keys must be a list of dicts, one per item, each with the keys description, label'),
    (dict(keys=['a', 'b']), 'keys must be a list of dicts'),
    (dict(generate='abc'), 'generate must be a list of dicts, one per item, each with the keys count'),
])
def test_keys_not_dicts_name_the_option(emulator, capsys, extra, message):
    emulator.admin.reset_log()
    failed, result = run(dict(edgerc=emulator.edgerc, collection='c', **extra), capsys)
    assert failed and message in result['msg'], result['msg']
    assert emulator.admin.log()['total'] == 0
