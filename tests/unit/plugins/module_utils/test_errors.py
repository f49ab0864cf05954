# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One error root for the collection, and the one funnel (EdgeGridModule.execute) where an error becomes a failed
task: its message, and Akamai's problem details for an API error only."""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins import module_utils, plugin_utils
from ansible_collections.edgegrid.access.plugins.module_utils import (
    _apikeys, _client, _edgekv, _edgerc, _errors, _files, _funnel, _iam, _module)


def _exception_classes():
    """Every exception class defined in plugins/module_utils and plugins/plugin_utils, by qualified name.

    Only the files whose classes name an Error or Exception among their bases are imported: importing the
    controller's runner (_in_process) changes Ansible's process-wide state for the tests that follow."""
    found = {}
    for package in (module_utils, plugin_utils):
        directory = package.__path__[0]
        for filename in sorted(os.listdir(directory)):
            if not filename.endswith('.py') or filename == '__init__.py':
                continue
            with open(os.path.join(directory, filename), encoding='utf-8') as handle:
                tree = ast.parse(handle.read())
            if not any(isinstance(node, ast.ClassDef) and any(word in ast.unparse(base) for base in node.bases
                                                              for word in ('Error', 'Exception'))
                       for node in ast.walk(tree)):
                continue
            module = importlib.import_module('%s.%s' % (package.__name__, filename[:-3]))
            for name, value in vars(module).items():
                if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
                    found['%s.%s' % (filename[:-3], name)] = value
    return found


def test_every_exception_of_the_collection_has_one_root():
    classes = _exception_classes()
    # The inventory of today, so that a new file of exceptions is seen here too.
    assert {'_client.ConfigError', '_client.ApiError', '_edgerc.EdgercError', '_files.FileWriteError',
            '_edgekv.EdgeKVError', '_apikeys.WireError', '_iam.WireError', '_environments.EnvironmentsError',
            '_access_report.ReportError'} <= set(classes)
    strays = sorted(name for name, cls in classes.items() if not issubclass(cls, _errors.EdgeGridError))
    # A signal, not an error: the in-process runner's, which no module handler may take for a failed request.
    assert strays == ['_listing_cache.StaleListing']
    assert not issubclass(classes['_listing_cache.StaleListing'], Exception)
    assert _client.EdgeGridError is _errors.EdgeGridError is _module.EdgeGridError


def test_input_errors_are_one_class():
    for cls in (_apikeys.Unsupported, _edgekv.EdgeKVError):
        assert issubclass(cls, _errors.InputError)
    assert _apikeys.InputError is _errors.InputError is _module.InputError


def _fail_through_funnel(capsys, exc):
    def run(arg):
        assert arg == 'argument'
        raise exc
    with patch_module_args({}):
        module = _module.EdgeGridModule(argument_spec={})
        with pytest.raises(SystemExit):
            module.execute(run, 'argument')
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize('exc', [
    _apikeys.InputError('name must be 1 to 255 characters long, got 0'),
    _apikeys.Unsupported('alert_threshold is available in API Keys v2 only (api_version: v2)'),
    _edgekv.EdgeKVError('name must be 1 to 32 characters'),
    _edgerc.EdgercError('/tmp/x/.edgerc has no section [default]'),
    _files.FileWriteError('path /tmp/x cannot be written: Permission denied'),
    _apikeys.WireError('v2 counter: errorResponse is not an object'),
    _iam.WireError('GET /identity-management/v3/api-clients: the answer is not a list'),
    _client.TransportError('GET /x: connection refused'),
])
def test_funnel_fails_with_the_message_alone(capsys, exc):
    result = _fail_through_funnel(capsys, exc)
    assert result['failed'] is True
    assert result['msg'] == str(exc)
    assert 'error' not in result
    assert 'Traceback' not in json.dumps(result)


def test_funnel_fails_an_api_error_with_akamais_problem_details(capsys):
    problem = {'type': '/iam/error-types/not-found', 'title': 'Not found', 'detail': 'no such API client',
               'instance': 'a1b2'}
    exc = _client.ApiError('GET', '/identity-management/v3/api-clients/x', 404, problem=problem)
    result = _fail_through_funnel(capsys, exc)
    assert result['msg'] == str(exc)
    assert result['error'] == json.loads(json.dumps(exc.as_dict()))
    assert result['error']['detail'] == 'no such API client'


def test_funnel_adds_the_result_keys_an_error_carries(capsys):
    exc = _errors.InputError('token t exists and differs in expiry', result=dict(differences=['expiry'], changed=False))
    result = _fail_through_funnel(capsys, exc)
    assert result['msg'] == str(exc) == 'token t exists and differs in expiry'
    assert result['differences'] == ['expiry'] and result['changed'] is False
    assert 'error' not in result
    # Without it, an error carries none.
    assert _errors.EdgeGridError('x').result == {} and _client.ApiError('GET', '/x', 404).result == {}


def test_raised_as_gives_the_layers_class_the_same_message_and_no_context():
    with pytest.raises(_client.ConfigError) as info:
        with _errors.raised_as(_client.ConfigError, _edgerc.EdgercError):
            raise _edgerc.EdgercError('/tmp/x/.edgerc has no section [default]')
    assert str(info.value) == '/tmp/x/.edgerc has no section [default]'
    assert info.value.__suppress_context__ is True
    with pytest.raises(_files.FileWriteError):
        with _errors.raised_as(_client.ConfigError, _edgerc.EdgercError):
            raise _files.FileWriteError('path /tmp/x cannot be written: Permission denied')


def test_funnel_adds_the_result_an_input_error_carries_error_included(capsys):
    # A module may return beside `msg` what the failure leaves (the resource as it was, the problem details of an
    # error it wraps): the error carries them as `result`.
    exc = _errors.InputError('API client k3q (it) has 1 ACTIVE credential(s)',
                             result={'api_client': {'client_id': 'k3q'}, 'error': {'status': 400}})
    result = _fail_through_funnel(capsys, exc)
    assert result['msg'] == str(exc)
    assert result['api_client'] == {'client_id': 'k3q'}
    assert result['error'] == {'status': 400}
    assert _client.TransportError('GET /x: connection refused').result == {}
    assert _client.ApiError('GET', '/x', 404).result == {}


def test_failure_gives_the_same_return_keys_to_every_failed_task():
    # _funnel.failure is the one place that makes them, for fail_from and for converge_many's failed element.
    assert _funnel.failure(_errors.InputError('name: required')) == {}
    api = _client.ApiError('GET', '/edgekv/v1/tokens/t', 404, problem={'title': 'Not found', 'status': 404})
    assert _funnel.failure(api) == {'error': api.as_dict()}
    wrapped = _errors.EdgeGridError('revoked, not created again', result={'error': {'status': 500}, 'changed': True})
    keys = _funnel.failure(wrapped)
    assert keys == {'error': {'status': 500}, 'changed': True}
    keys['changed'] = False
    assert wrapped.result['changed'] is True  # a new dict: the caller may pop from it
