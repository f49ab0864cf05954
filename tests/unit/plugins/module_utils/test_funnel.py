# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The funnel (_funnel.Funnel) is the one place where an error becomes a failed task for every module: the API
modules (EdgeGridModule) and the local-file modules (edgerc, private_file: LocalModule), which keep their imports
light (no client, no requests, no edgegrid-python)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.module_utils import _client, _edgerc, _errors, _files, _funnel, _module
from ansible_collections.edgegrid.access.plugins.modules import edgerc, private_file

LOCAL_MODULES = (edgerc, private_file)


def _fail_through_local_module(capsys, exc):
    def run():
        raise exc
    with patch_module_args({}):
        module = _funnel.LocalModule(argument_spec={}, supports_check_mode=True)
        with pytest.raises(SystemExit):
            module.execute(run)
    return json.loads(capsys.readouterr().out)


def test_both_module_bases_inherit_the_one_funnel():
    assert issubclass(_module.EdgeGridModule, _funnel.Funnel)
    assert issubclass(_funnel.LocalModule, _funnel.Funnel)
    for name in ('execute', 'fail_from'):
        assert name not in vars(_module.EdgeGridModule) and name not in vars(_funnel.LocalModule)


@pytest.mark.parametrize('exc', [
    _errors.InputError('path must not be empty: give the .edgerc file to write (default ~/.edgerc)'),
    _edgerc.EdgercError('/tmp/x/.edgerc has no section [default]'),
    _files.FileWriteError('path /tmp/x cannot be written: Permission denied'),
])
def test_a_local_module_fails_with_the_message_alone(capsys, exc):
    result = _fail_through_local_module(capsys, exc)
    assert result['failed'] is True and result['msg'] == str(exc)
    assert 'error' not in result and 'Traceback' not in json.dumps(result)


def test_problem_details_are_known_by_as_dict_and_the_errors_result_comes_last(capsys):
    problem = {'type': '/iam/error-types/not-found', 'title': 'Not found', 'detail': 'no such API client'}
    result = _fail_through_local_module(capsys, _client.ApiError('GET', '/x', 404, problem=problem))
    assert result['error']['detail'] == 'no such API client'

    class Detailed(_errors.EdgeGridError):
        def as_dict(self):
            return {'status': 409}
    result = _fail_through_local_module(capsys, Detailed('conflict', result={'changed': False}))
    assert result['msg'] == 'conflict' and result['error'] == {'status': 409} and result['changed'] is False
    result = _fail_through_local_module(capsys, Detailed('conflict', result={'error': {'status': 400}}))
    assert result['error'] == {'status': 400}


def test_an_error_outside_the_collection_is_not_swallowed():
    with patch_module_args({}):
        module = _funnel.LocalModule(argument_spec={})
        with pytest.raises(ZeroDivisionError):
            module.execute(lambda: 1 / 0)


@pytest.mark.parametrize('plugin', LOCAL_MODULES, ids=lambda plugin: plugin.__name__.rsplit('.', 1)[-1])
def test_the_local_file_modules_fail_only_through_the_funnel(plugin):
    with open(plugin.__file__, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    calls = set(ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call))
    assert not any(call.endswith('fail_json') for call in calls)
    assert {'_funnel.LocalModule', 'module.execute'} <= calls
    assert 'AnsibleModule' not in calls


@pytest.mark.parametrize('plugin', LOCAL_MODULES, ids=lambda plugin: plugin.__name__.rsplit('.', 1)[-1])
def test_the_local_file_modules_do_not_import_the_client(plugin):
    # In a fresh interpreter: what importing the module pulls in is what its module process (and payload) holds.
    probe = ('import sys, %s; print(sorted(name for name in sys.modules if name.endswith(("._client", "._module")) '
             'or name.split(".")[0] in ("requests", "akamai")))' % plugin.__name__)
    out = subprocess.run([sys.executable, '-c', probe], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))).stdout
    assert out.strip() == '[]'
