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


# The shape of dict and list options, and their explicit nulls, for every module (Funnel.__init__).
SHAPES_SPEC = dict(
    secret=dict(type='str', no_log=True),
    name=dict(type='str'),
    items=dict(type='list', elements='str', default=['a']),
    numbers=dict(type='list', elements='int'),
    target=dict(type='dict', options=dict(path=dict(type='path', required=True))),
    many=dict(type='list', elements='dict', options=dict(
        name=dict(type='str', required=True), tags=dict(type='list', elements='str'))),
    count=dict(type='int'),
    ratio=dict(type='float'),
)
UNQUOTED = ' (YAML reads yes, no, true, false, on and off unquoted as booleans: quote the text)'


def _local_module(capsys, args, **kwargs):
    """(failed, result or the module's params) of a LocalModule built from `args` with SHAPES_SPEC."""
    with patch_module_args(args):
        try:
            module = _funnel.LocalModule(argument_spec=dict(SHAPES_SPEC), supports_check_mode=True, **kwargs)
        except SystemExit:
            return True, json.loads(capsys.readouterr().out)
    return False, module.params


@pytest.mark.parametrize('args, message', [
    (dict(target=True), 'target must be a dict with the keys path; got a boolean'),
    (dict(target=3), 'target must be a dict with the keys path; got an integer'),
    (dict(target=2.5), 'target must be a dict with the keys path; got a number'),
    (dict(target=['x']), 'target must be a dict with the keys path; got a list'),
    (dict(target='not json'), 'target must be a dict with the keys path; got a string that is neither JSON nor '
                              'key=value pairs'),
    (dict(target=''), 'target must be a dict with the keys path; got an empty string'),
    (dict(items=True), 'items must be a list of strings; got a boolean'),
    (dict(items={'a': 1}), 'items must be a list of strings; got a dict'),
    (dict(items=['a', {'b': 1}]), 'items must be a list of strings; items[1] is a dict'),
    # ansible-core said "missing required arguments: name found in many", no element named.
    (dict(many=[{'name': 'x'}, {'tags': ['a']}]), 'many[1].name is required (left out, or given as null)'),
    (dict(many=[{'name': 'x'}, {'name': None}]), 'many[1].name is required (left out, or given as null)'),
    (dict(target={}), 'target.path is required (left out, or given as null)'),
    # Found by a tester: a null in a string of JSON was not dropped, and ansible-core took the option for given.
    (dict(target='{"path": null}'), 'target.path is required (left out, or given as null)'),
    (dict(many=[{'name': 'x'}, '{"name": null, "tags": ["a"]}']), 'many[1].name is required (left out, or given as null)'),
    (dict(numbers=[1, False]), 'numbers must be a list of integers; numbers[1] is a boolean'),
    (dict(many=True), 'many must be a list of dicts, one per item, each with the keys name, tags; got a boolean'),
    (dict(many=5), 'many must be a list of dicts, one per item, each with the keys name, tags; got an integer'),
    (dict(many='a,b'), 'many must be a list of dicts, one per item, each with the keys name, tags; got a string'),
    (dict(many=[{'name': 'x'}, 7]), 'many must be a list of dicts, one per item, each with the keys name, tags; '
                                    'many[1] is an integer'),
    (dict(many=[{'name': 'x', 'tags': True}]), 'many[0].tags must be a list of strings; got a boolean'),
    (dict(numbers=[1, 'a-key-value-here']), 'numbers must be a list of integers; numbers[1] is a string that is not '
                                            'a whole number'),
    (dict(numbers=['']), 'numbers must be a list of integers; numbers[0] is an empty string'),
    (dict(target={'path': True}), 'target.path must be a path (a string); got a boolean' + UNQUOTED),
    (dict(target={'path': [5]}), 'target.path must be a path (a string); got a list'),
    (dict(target={'path': {'a': 1}}), 'target.path must be a path (a string); got a dict'),
    # ansible-core would write "True", "['a-key-value-here']" or "{'a': 1}" as the text, and read true as 1.
    (dict(name=True), 'name must be a string; got a boolean' + UNQUOTED),
    (dict(name=['a-key-value-here']), 'name must be a string; got a list'),
    (dict(name={'a': 1}), 'name must be a string; got a dict'),
    (dict(many=[{'name': 'x'}, {'name': False}]), 'many[1].name must be a string; got a boolean' + UNQUOTED),
    (dict(count=True), 'count must be an integer; got a boolean' + UNQUOTED),
    (dict(ratio=False), 'ratio must be a number; got a boolean' + UNQUOTED),
    # Found by a tester: ansible-core failed first, logging the invocation to syslog ("embedded null character").
    (dict(name='a-key-value-here\0x'), 'name holds a NUL character, which no value of it may hold'),
    (dict(target={'path': '/tmp/a-key-value-here\0'}), 'target.path holds a NUL character, which no path may hold'),
    (dict(items=['a', 'a-key-value-here\0']), 'items[1] holds a NUL character, which no value of it may hold'),
    (dict(many=[{'name': '\0'}]), 'many[0].name holds a NUL character, which no value of it may hold'),
    # Found by a tester: a list given as a comma-separated string was split by ansible-core, the NUL sent.
    (dict(items='a,a-key-value-here\0'), 'items[1] holds a NUL character, which no value of it may hold'),
])
def test_a_dict_or_list_option_of_the_wrong_type_is_named_with_the_type_it_takes(capsys, args, message):
    failed, result = _local_module(capsys, dict(args, secret='s3cr3t-value'))
    assert failed and result['msg'] == message
    assert 's3cr3t-value' not in json.dumps(result) and 'Traceback' not in json.dumps(result)
    assert 'a-key-value-here' not in json.dumps(result)


@pytest.mark.parametrize('args', [
    dict(target='path=/tmp/x'), dict(target='{"path": "/tmp/x"}'), dict(items='a,b'), dict(items=5),
    dict(numbers=['1', 2]), dict(many=[{'name': 'x'}, 'name=y']), dict(items=[]), dict(many=[]),
    dict(name=0), dict(name=1.5), dict(target={'path': 0}), dict(count='3'), dict(ratio=1),
])
def test_the_shapes_ansible_core_reads_as_meant_are_kept(capsys, args):
    failed, params = _local_module(capsys, args)
    assert not failed, params


def test_an_explicit_null_of_a_dict_or_list_option_is_not_given(capsys):
    # To required_one_of and mutually_exclusive (ansible-core counted a null as set) and to the default alike.
    failed, result = _local_module(capsys, dict(many=None, target=None), required_one_of=[['name', 'many']])
    assert failed and result['msg'] == 'one of the following is required: name, many'
    # So is a null of an option without a default (a scalar too).
    failed, result = _local_module(capsys, dict(name=None, count=None), required_one_of=[['name', 'count']])
    assert failed and result['msg'] == 'one of the following is required: name, count'
    failed, params = _local_module(capsys, dict(name='x', count=None), mutually_exclusive=[['name', 'count']])
    assert not failed and params['count'] is None and params['name'] == 'x'
    failed, params = _local_module(capsys, dict(name='x', many=None, items=None),
                                   mutually_exclusive=[['name', 'many']])
    assert not failed and params['many'] is None and params['items'] == ['a']
    failed, params = _local_module(capsys, dict(many=[{'name': 'x', 'tags': None}], numbers=None),
                                   mutually_exclusive=[['many', 'numbers']])
    assert not failed and params['many'] == [dict(name='x', tags=None)]


def test_without_ansible_cores_load_params_hook_the_shape_is_still_named(capsys):
    # The fence: on an ansible-core that would not read the input through self._load_params(), the check reads the
    # public self.params (a crash of ansible-core's validation, or its own message, is replaced all the same).
    class WithoutHook(_funnel.LocalModule):
        def _load_params(self):
            _funnel.AnsibleModule._load_params(self)

    for args, message in ((dict(target=True), 'target must be a dict with the keys path; got a boolean'),
                          (dict(items={'a': 1}), 'items must be a list of strings; got a dict')):
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                WithoutHook(argument_spec=dict(SHAPES_SPEC))
        assert json.loads(capsys.readouterr().out)['msg'] == message


DEFAULTS_SPEC = dict(
    state=dict(type='str', default='present', choices=['present', 'absent']),
    append=dict(type='bool', default=False),
    size=dict(type='int', default=100),
    timeout=dict(type='float', default=30.0),
    section=dict(type='str', default='default'),
    many=dict(type='list', elements='dict', options=dict(
        name=dict(type='str'), kind=dict(type='str', default='a', choices=['a', 'b']))),
)


@pytest.mark.parametrize('args, message', [
    # Found by a tester: ansible-core said "value of state must be one of: present, absent, got: " (nothing).
    (dict(state=None), 'state is null (an empty variable?): give one of present, absent, or leave it out for present'),
    (dict(append=None), 'append is null (an empty variable?): give true or false, or leave it out for false'),
    (dict(size=None), 'size is null (an empty variable?): give an integer, or leave it out for 100'),
    (dict(timeout=None), 'timeout is null (an empty variable?): give a number, or leave it out for 30'),
    (dict(many=[{'name': 'x'}, {'name': 'y', 'kind': None}]),
     'many[1].kind is null (an empty variable?): give one of a, b, or leave it out for a'),
])
def test_a_null_that_ansible_core_cannot_read_is_named_with_the_values_and_the_default(capsys, args, message):
    with patch_module_args(dict(args, secret='s3cr3t-value')):
        with pytest.raises(SystemExit):
            _funnel.LocalModule(argument_spec=dict(DEFAULTS_SPEC, secret=dict(type='str', no_log=True)))
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'] == message
    assert 's3cr3t-value' not in json.dumps(result)


def test_a_null_string_with_a_default_keeps_ansible_cores_meaning():
    with patch_module_args(dict(section=None, many=[{'name': 'x'}])):
        module = _funnel.LocalModule(argument_spec=dict(DEFAULTS_SPEC))
    assert module.params['section'] == '' and module.params['state'] == 'present'
    assert module.params['many'] == [dict(name='x', kind='a')]


@pytest.mark.parametrize('element, message', [
    # Found by a tester: an element's state set to null took the task's state (present: a collection created).
    (dict(name='x', state=None), "items[1].state is null (an empty variable?): give one of present, absent, or leave "
                                 "it out for the task's state"),
    (dict(name='x', append=None), "items[1].append is null (an empty variable?): give true or false, or leave it out "
                                  "for the task's append"),
    # Found by a tester: an element given as a string of JSON took the task's value.
    ('{"name": "x", "append": null}', "items[1].append is null (an empty variable?): give true or false, or leave it "
                                      "out for the task's append"),
    ('{"name": "x", "state": null}', "items[1].state is null (an empty variable?)"),
])
def test_an_elements_null_of_an_option_it_takes_from_the_task_is_refused_as_the_tasks_is(capsys, element, message):
    spec = dict(name=dict(type='str'), items=dict(type='list', elements='dict'), secret=dict(type='str', no_log=True),
                state=dict(type='str', default='present', choices=['present', 'absent']),
                append=dict(type='bool', default=False), note=dict(type='str', default='n'))
    made = _module.list_form(spec, 'items', ['name'], ['state', 'append', 'note'])
    with patch_module_args(dict(items=[dict(name='a'), element], secret='s3cr3t-value')):
        with pytest.raises(SystemExit):
            _funnel.LocalModule(**made)
    result = json.loads(capsys.readouterr().out)
    assert result['failed'] and result['msg'].startswith(message)
    assert 's3cr3t-value' not in json.dumps(result)
    # A null of one whose top-level option reads a null (a string) is not given: the task's, as before.
    with patch_module_args(dict(items=[dict(name='a', note=None)])):
        module = _funnel.LocalModule(**made)
    assert module.params['items'] == [dict(name='a', state=None, append=None, note=None)]
