# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The edgekv_tokens role: a token's key set to null or '' (a templated `"{{ x | default(None) }}"`, an empty
variable) is not given, as everywhere in this collection; and an edgekv_tokens_js_path that names no file is refused
by the module before any request, naming the option."""

from __future__ import annotations

import os

import pytest

TOKEN = {'name': 'role_null_keys', 'namespace_permissions': {'default': ['r']}, 'allow_on_staging': True}


@pytest.mark.parametrize('expiry', [None, ''])
def test_an_expiry_of_null_or_empty_is_not_given_and_the_token_is_refreshed(playbook, expiry):
    """Found by a tester: `expiry: null` turned the token's refresh off (the role tested `t.expiry is not defined`),
    and `expiry: ''` failed the module's date check. Both are an expiry not given: the token refreshes when due."""
    emu = playbook.emu
    tasks = [
        {'name': 'Make the token', 'edgegrid.access.edgekv_token': dict(TOKEN)},
        {'name': 'Keep it with the role, a refresh due at once',
         'ansible.builtin.include_role': {'name': 'edgegrid.access.edgekv_tokens'},
         'vars': {'edgekv_tokens_edgerc': emu.edgerc, 'edgekv_tokens_refresh_after_days': 0,
                  'edgekv_tokens_tokens': [dict(TOKEN, expiry=expiry, refresh=None, refresh_after_days=None,
                                                recreate=None, edgeworker_ids=None)]}},
    ]
    emu.admin.reset_log()
    rc, output, found = playbook.run(tasks, ['edgekv_tokens_results'])
    assert rc == 0, output
    assert found['edgekv_tokens_results']['edgekv_tokens'][0]['actions'] == ['refresh'], output
    assert emu.admin.log()['counts'].get('POST /edgekv/v1/tokens/role_null_keys/refresh') == 1


@pytest.mark.parametrize('js', ['  ', 'edgekv_tokens.js '])
def test_an_edgekv_tokens_js_path_that_names_no_file_is_refused_before_any_request(playbook, js):
    """Found by a tester: a tokens_js of two spaces wrote a file named two spaces beside the playbook."""
    emu = playbook.emu
    before = sorted(os.listdir(playbook.tmp_path))
    tasks = [{'name': 'Keep a token with the role',
              'ansible.builtin.include_role': {'name': 'edgegrid.access.edgekv_tokens'},
              'vars': {'edgekv_tokens_edgerc': emu.edgerc, 'edgekv_tokens_tokens': [TOKEN],
                       'edgekv_tokens_js_path': js}}]
    emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [], play={'vars': {}})
    assert rc != 0, output
    assert 'tokens[0].tokens_js.path %r' % js in output, output
    assert emu.admin.log()['total'] == 0
    assert not [name for name in os.listdir(playbook.tmp_path) if name not in before and name.strip() != name]
