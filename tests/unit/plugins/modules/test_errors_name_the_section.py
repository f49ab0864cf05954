# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""An error of a request names the .edgerc section and file its credentials came from (never a secret): with several
environments, the user can tell which one failed. Against the emulator, through the modules."""

from __future__ import annotations

import json
import os
import socket

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.modules import api_credential_info, edgekv_token_info

BAD_TOKEN = 'akab-1111111111111111-1111111111111111'


def run(module, args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            module.main()
    return exc.value.code != 0, json.loads(capsys.readouterr().out)


def team_edgerc(emulator, tmp_path, host=None):
    """team.edgerc: [alpha] with a client token Akamai does not know, [beta] the emulator's [default]."""
    good = emulator.section('default')
    alpha = dict(good, client_token=BAD_TOKEN, host=host or good['host'])
    path = tmp_path / 'team.edgerc'
    path.write_text(''.join('[%s]\n%s\n' % (name, ''.join('%s = %s\n' % kv for kv in sorted(values.items())))
                            for name, values in (('alpha', alpha), ('beta', good))))
    os.chmod(path, 0o600)
    return str(path), good


@pytest.mark.parametrize('module', [api_credential_info, edgekv_token_info])
def test_a_401_names_the_section_and_file_of_its_credentials(emulator, capsys, tmp_path, monkeypatch, module):
    path, good = team_edgerc(emulator, tmp_path)
    monkeypatch.chdir(tmp_path)
    # A relative path: the message names the absolute one.
    failed, result = run(module, dict(edgerc='team.edgerc', section='alpha', max_retries=0), capsys)
    assert failed
    assert 'failed with HTTP 401' in result['msg']
    assert result['msg'].endswith('(signed with section [alpha] of .edgerc file %s)' % path), result['msg']
    assert result['error']['status'] == 401 and result['error']['detail']
    text = json.dumps(result)
    assert good['client_secret'] not in text and good['access_token'] not in text


def test_a_connection_failure_names_the_section_and_file(emulator, capsys, tmp_path):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    path = team_edgerc(emulator, tmp_path, host='http://127.0.0.1:%d' % port)[0]
    failed, result = run(api_credential_info, dict(edgerc=path, section='alpha', max_retries=0), capsys)
    assert failed
    assert 'connection failed' in result['msg']
    assert result['msg'].endswith('(signed with section [alpha] of .edgerc file %s)' % path), result['msg']


def test_credentials_given_as_options_are_named_by_nothing_else(emulator, capsys, tmp_path):
    path, good = team_edgerc(emulator, tmp_path)
    args = dict(host=good['host'], client_token=BAD_TOKEN, client_secret=good['client_secret'],
                access_token=good['access_token'], max_retries=0)
    failed, result = run(api_credential_info, args, capsys)
    assert failed and 'failed with HTTP 401' in result['msg'] and 'signed with' not in result['msg']
