# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules run in Ansible's worker process when a task runs on the controller, and as module processes
otherwise (plugins/plugin_utils/_in_process.py). Both ways must give the same results, warnings and errors.

Run by `make controller` in the default venv, and by `make compat` with each other ansible-core of the test matrix.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter

from conftest import BIN

WORKER = 'edgegrid.access: edgegrid.access.%s runs in the worker process'
MODULE_PROCESS = 'edgegrid.access: edgegrid.access.%s runs as a module process: %s'
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


def comparable(result):
    """A result with what differs by nature made equal: the emulator's per-request ids (in problem details), and
    the file names in a traceback (the collection's files, or those of the module's unpacked payload)."""
    result = json.loads(re.sub(r'#[0-9a-f]{32}', '#(request id)', json.dumps(result)))
    if 'exception' in result:
        result['exception'] = '(a traceback)'
    return result


def writes(emu):
    return dict((k, v) for k, v in emu.admin.log()['counts'].items() if k.split(' ', 1)[0] in WRITES)


def test_where_each_task_runs(playbook):
    read = {'edgegrid.access.api_key_collection_info': {}}
    tasks = [
        dict(read, name='In the worker', register='in_worker'),
        dict(read, name='Switched off', register='switched_off', vars={'edgegrid_access_in_process': False}),
        dict(read, name='Async', register='in_async', **{'async': 60, 'poll': 1}),
    ]
    rc, output, found = playbook.run(tasks, ['in_worker', 'switched_off', 'in_async'])
    assert rc == 0, output
    assert output.count(WORKER % 'api_key_collection_info') == 1, output
    assert output.count(MODULE_PROCESS % ('api_key_collection_info', 'edgegrid_access_in_process is false')) == 1
    assert output.count(MODULE_PROCESS % ('api_key_collection_info', 'async is set')) == 1
    assert found['in_worker'] == found['switched_off']
    assert found['in_async']['api_key_collections'] == found['in_worker']['api_key_collections']


def test_same_results_and_warnings_either_way(playbook):
    emu = playbook.emu
    missing = {'key_collections': ['no-such-collection']}
    tasks = [
        {'name': 'Create in check mode', 'check_mode': True, 'diff': True, 'register': 'create_check',
         'edgegrid.access.api_key_collection': {
             'name': 'checked', 'contract_id': playbook.contract_id, 'group_id': playbook.group_id,
             'quota': {'enabled': True, 'limit': 1000, 'interval': 'HOUR_1'}}},
        {'name': 'List', 'register': 'listed', 'edgegrid.access.api_key_collection_info': {}},
        {'name': 'The signing client', 'register': 'client', 'edgegrid.access.api_client_info': {}},
        {'name': 'A counter on a collection to come, in check mode', 'check_mode': True, 'register': 'warned',
         'edgegrid.access.throttling_counter': {'name': 'c', 'contract_id': playbook.contract_id,
                                                'group_id': playbook.group_id, 'limit': 100,
                                                'on_over_limit': 'DENY', 'rules': missing}},
        {'name': 'A limit out of range', 'register': 'bad_input', 'ignore_errors': True,
         'edgegrid.access.throttling_counter': {'name': 'c', 'contract_id': playbook.contract_id,
                                                'group_id': playbook.group_id, 'limit': 5}},
        {'name': 'An API error', 'register': 'api_error', 'ignore_errors': True,
         'edgegrid.access.api_request': {'path': '/apikey-manager-api/v2/collections/999999'}},
    ]
    names = ['create_check', 'listed', 'client', 'warned', 'bad_input', 'api_error']
    emu.admin.reset_log()
    rc, in_worker_output, in_worker = playbook.run(tasks, names)
    assert rc == 0, in_worker_output
    assert in_worker_output.count('runs in the worker process') == len(tasks)
    rc, module_output, module_process = playbook.run(tasks, names, extra_vars={'edgegrid_access_in_process': False})
    assert rc == 0, module_output
    assert 'runs in the worker process' not in module_output
    assert writes(emu) == {}

    for name in names:
        assert comparable(in_worker[name]) == comparable(module_process[name]), name
    assert in_worker['create_check']['changed'] is True
    assert in_worker['create_check']['diff']['after']['name'] == 'checked'
    assert 'limit' in in_worker['bad_input']['msg']
    assert in_worker['api_error']['error']['status'] == 404

    def warnings(output):
        return sorted(line for line in output.splitlines() if line.startswith('[WARNING]') and 'no-such' in line)
    assert len(warnings(in_worker_output)) == 1
    assert warnings(in_worker_output) == warnings(module_output)


def test_environment_and_warnings_of_each_loop_item(playbook):
    emu = playbook.emu
    tasks = [
        {'name': 'Credentials from the environment of the first item only', 'register': 'by_item',
         'ignore_errors': True, 'environment': '{{ item }}', 'loop': [{'AKAMAI_EDGERC': emu.edgerc}, {}],
         'edgegrid.access.api_key_collection_info': {}},
        {'name': 'One warning per item', 'check_mode': True, 'register': 'warned',
         'loop': ['first', 'second'],
         'edgegrid.access.throttling_counter': {
             'edgerc': emu.edgerc, 'name': '{{ item }}', 'contract_id': playbook.contract_id,
             'group_id': playbook.group_id, 'limit': 100, 'rules': {'key_collections': ['no-such-{{ item }}']}}},
    ]
    # HOME without a .edgerc: the second item finds no credentials unless the first item's environment stayed.
    rc, output, found = playbook.run(tasks, ['by_item', 'warned'], play={'module_defaults': {}},
                                     env={'HOME': str(playbook.tmp_path)})
    assert rc == 0, output
    first, second = found['by_item']['results']
    assert not first.get('failed') and first['api_key_collections'] == []
    assert second['failed'] and 'credentials' in second['msg']
    warned = [line for line in output.splitlines() if line.startswith('[WARNING]') and 'no-such-' in line]
    assert len(warned) == 2, output
    assert 'no-such-first' in warned[0] and 'no-such-second' in warned[1]


def test_secrets_given_in_the_task_environment_stay_out_of_the_output(playbook):
    section = playbook.emu.section('default')
    environment = {'AKAMAI_HOST': section['host'], 'AKAMAI_CLIENT_TOKEN': section['client_token'],
                   'AKAMAI_CLIENT_SECRET': section['client_secret'], 'AKAMAI_ACCESS_TOKEN': section['access_token']}
    tasks = [{'name': 'Credentials in the environment', 'register': 'client', 'environment': environment,
              'edgegrid.access.api_client_info': {}}]
    # Playbook.run fails the test if a secret appears in the -vvvv output.
    rc, output, found = playbook.run(tasks, ['client'], play={'module_defaults': {}}, verbosity=4)
    assert rc == 0, output
    assert found['client']['api_clients'][0]['client_id']


def test_a_switch_that_is_not_a_boolean_is_refused(playbook):
    tasks = [{'name': 'Read', 'edgegrid.access.api_key_collection_info': {}}]
    rc, output, dummy = playbook.run(tasks, [], extra_vars={'edgegrid_access_in_process': 'sometimes'})
    assert rc != 0
    assert "edgegrid_access_in_process must be true or false, got 'sometimes'" in output


def test_a_vaulted_value_reaches_the_module_either_way(playbook, tmp_path):
    value = 'vaulted-key-value-0001'
    password = tmp_path / 'vault-password'
    password.write_text('correct horse battery staple\n')
    encrypted = subprocess.run([os.path.join(BIN, 'ansible-vault'), 'encrypt_string', '--vault-password-file',
                                str(password), '--name', 'vaulted_key', value],
                               capture_output=True, text=True, check=True).stdout
    variables = tmp_path / 'vaulted.yml'
    variables.write_text('---\n' + encrypted)
    tasks = [
        {'name': 'A collection', 'edgegrid.access.api_key_collection': {
            'name': 'vaulted', 'contract_id': playbook.contract_id, 'group_id': playbook.group_id}},
        {'name': 'A key whose value comes from the vault', 'register': 'keys', 'no_log': True,
         'edgegrid.access.api_key': {'collection': 'vaulted', 'keys': [{'label': 'from-vault',
                                                                       'value': '{{ vaulted_key }}'}]}},
    ]
    options = ['--vault-password-file', str(password)]
    play = {'vars_files': [str(variables)]}
    rc, output, found = playbook.run(tasks, ['keys'], play=play, options=options)
    assert rc == 0, output
    assert found['keys']['changed'] is True
    account = playbook.emu.store.accounts[playbook.emu.store.meta['primary_account']]
    stored = [key for key in account.data['apikeys']['keys'].values() if key.get('label') == 'from-vault']
    assert [key['value'] for key in stored] == [value]

    rc, output, found = playbook.run(tasks, ['keys'], play=play, options=options,
                                     extra_vars={'edgegrid_access_in_process': False})
    assert rc == 0, output
    assert found['keys']['changed'] is False


def test_the_controller_imports_each_module_once_for_every_worker(playbook):
    """Ansible forks a worker for each task and host; what the controller's process imported before the fork, the
    worker has, and need not import (nor compile our sources) again. The strategy loads each task's action plugin in
    the controller's process (to read its class attributes), and the action plugin of each module imports the module,
    the shared client and `requests` there. Python reports each import with PYTHONPROFILEIMPORTTIME on stderr;
    Ansible's workers write theirs to /dev/null, so what is seen is the controller's: `requests` and each module
    imported once there (before, none: every worker imported them anew)."""
    tasks = [
        {'name': 'Collections', 'edgegrid.access.api_key_collection_info': {}},
        {'name': 'Counters', 'edgegrid.access.throttling_counter_info': {}},
        {'name': 'Collections again', 'edgegrid.access.api_key_collection_info': {}},
    ]
    rc, output, dummy = playbook.run(tasks, [], verbosity=0, env={'PYTHONPROFILEIMPORTTIME': '1'})
    assert rc == 0, output[-3000:]
    imported = Counter(line.rsplit('|', 1)[-1].strip() for line in output.splitlines()
                       if line.startswith('import time:'))
    assert imported['requests'] == 1, imported['requests']
    # What only the modules import (Python does not report the modules themselves, which Ansible's collection
    # loader executes).
    assert imported['ansible_collections.edgegrid.access.plugins.module_utils._apikeys'] == 1


PRELOAD_PROBE = """
import importlib, json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
def loaded():
    return sorted(name for name in sys.modules if '.plugins.filter.' in name or '.plugins.test.' in name)
before = loaded()
importlib.import_module('ansible_collections.edgegrid.access.plugins.action.api_key_collection_info')
print(json.dumps({'before': before, 'after': loaded()}))
"""


def test_loading_an_action_plugin_loads_the_templating_plugins(collections_path):
    """The strategy loads a task's action plugin in the controller's process before it forks the task's workers;
    the action plugin then loads the Jinja filters and tests there (Ansible's and this collection's), so that no
    worker forked afterwards loads them again for its first template. Observed as the plugin files Python has
    loaded in a process that imports one action plugin, as the strategy does (before: none)."""
    proc = subprocess.run([os.path.join(BIN, 'python'), '-c', PRELOAD_PROBE, collections_path],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout)
    assert loaded['before'] == []
    after = [name.rsplit('.', 1)[-1].rsplit('_', 1)[0] if name.startswith('ansible.') else name
             for name in loaded['after']]
    assert {'core', 'mathstuff'} <= set(after), after  # Ansible's filters and tests (ansible.plugins.filter.core_...)
    assert 'ansible_collections.edgegrid.access.plugins.filter.rotation' in after, after
    assert 'ansible_collections.edgegrid.access.plugins.filter.access_report' in after, after


WIRE_PROBE = """
import importlib, json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
importlib.import_module('ansible_collections.edgegrid.access.plugins.action.edgekv_token_info')
print(json.dumps(sorted(name.rsplit('.', 1)[-1] for name in sys.modules if '.module_utils._apikeys' in name)))
"""


def test_loading_an_action_plugin_imports_the_api_keys_wire_of_each_version(collections_path):
    """`_apikeys.wire()` imports the wire of a task's API version only when the module runs (a module process compiles
    only its own); the action plugins import both in the controller's process, so that no worker of an API Keys task
    compiles one again from source (the collection loader keeps no bytecode). Observed in a process that imports the
    action plugin of a module that does not use API Keys (before: neither wire)."""
    proc = subprocess.run([os.path.join(BIN, 'python'), '-c', WIRE_PROBE, collections_path],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = json.loads(proc.stdout)
    assert {'_apikeys_v1', '_apikeys_v2', '_apikeys_wire'} <= set(loaded), loaded


VERDICT_PROBE = """
import importlib, json, sys
from ansible.plugins.loader import init_plugin_loader
init_plugin_loader([sys.argv[1]])
from ansible_collections.edgegrid.access.plugins.plugin_utils import _core_compat, _in_process
seen = {}


class Odd(_in_process.InProcessAction):
    def _parse_returned_data(self, res, profile):
        return self._used_interpreter  # an attribute only a constructed action has: raises here


_core_compat.check_in_advance(Odd)
seen['odd'] = dict(_core_compat._verdict)
importlib.import_module('ansible_collections.edgegrid.access.plugins.action.edgekv_token_info')
seen['loaded'] = dict(_core_compat._verdict)
print(json.dumps(seen))
"""


def test_loading_an_action_plugin_checks_the_internals_for_every_worker(collections_path):
    """The check of the ansible-core internals the runner uses (_core_compat.unavailable) is made when the first
    action plugin is loaded, in the controller's process: the workers forked from it inherit the verdict instead of
    each making it before its module runs (before: each worker did). A check that fails there, here with an action
    made without its constructor that reads an attribute, keeps no verdict: each worker then checks with its own
    action (test_core_fence.py: the faults still fence every module)."""
    proc = subprocess.run([os.path.join(BIN, 'python'), '-c', VERDICT_PROBE, collections_path],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    seen = json.loads(proc.stdout)
    assert seen == {'odd': {}, 'loaded': {'reason': None}}, seen


LIBRARY_MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
module = AnsibleModule(argument_spec=dict(name=dict(), contract_id=dict(), group_id=dict(), state=dict()))
module.exit_json(changed=False, msg='the playbook\\'s own api_key_collection')
'''


def test_a_task_whose_module_resolves_elsewhere_runs_that_module(playbook, tmp_path):
    """The action plugins are named like the modules, and Ansible finds a task's action plugin by the task's name
    through its `collections` apart from its module: with `collections: [ansible.legacy, edgegrid.access]`, a short
    name that resolves to a module of the playbook's own library still finds this collection's action plugin. It
    must run the module the task resolves to (the library's, touching nothing), never this collection's."""
    library = tmp_path / 'library'
    library.mkdir()
    (library / 'api_key_collection.py').write_text(LIBRARY_MODULE)
    emu = playbook.emu
    made = {'edgegrid.access.api_key_collection': {'name': 'kept', 'contract_id': playbook.contract_id,
                                                   'group_id': playbook.group_id}}
    rc, output, dummy = playbook.run([made], [])
    assert rc == 0, output[-3000:]
    emu.admin.reset_log()
    task = {'name': 'The library module of that name', 'register': 'own',
            'api_key_collection': {'name': 'kept', 'contract_id': playbook.contract_id,
                                   'group_id': playbook.group_id, 'state': 'absent'}}
    # (Without the play's module_defaults for group/edgegrid.access.akamai: Ansible gives them to the task's module
    # by the action plugin it found, and the library module would refuse `edgerc`; docs/ansible-core.md.)
    rc, output, found = playbook.run([task], ['own'], play={'collections': ['ansible.legacy', 'edgegrid.access'],
                                                            'module_defaults': {}})
    assert rc == 0, output[-3000:]
    assert found['own']['msg'] == "the playbook's own api_key_collection", found['own']
    assert found['own']['changed'] is False
    assert writes(emu) == {}
