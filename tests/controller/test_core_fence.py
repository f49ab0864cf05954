# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The in-worker runner is fenced (plugins/plugin_utils/_core_compat.py): on an ansible-core it was not verified on,
or when an ansible-core internal it needs is missing, has another shape or behaves otherwise, every module runs as a
module process, says why at -v, and gives the results it gives in the worker.

The faults are made in the ansible-playbook process only, by core_faults/sitecustomize.py. Run by `make controller`
and, for each ansible-core of the test matrix, by `make compat`.
"""

from __future__ import annotations

import json
import os
import re

from test_in_process import comparable, writes

HERE = os.path.dirname(os.path.abspath(__file__))
# Each fault, and the reason the runner gives (a regular expression): a result of another type fails the
# parsing (2.21) or the check of its contents (2.19, 2.20).
FAULTS = {
    'version': re.escape('ansible-core 2.99.0 is not one the in-worker runner was verified on (2.19, 2.20, 2.21)'),
    'missing': re.escape('ansible-core lacks ansible.module_utils.basic._ANSIBLE_PROFILE'),
    'shape': re.escape('ActionBase._update_module_args takes (name, args, variables, ignore_unknown_opts), '
                       'not (module_name, module_args, task_vars)'),
    'behaviour': r"(a module result parses as \{'changed': True\}|parsing a module result raised \w+: .*)",
}
MODULES = ('api_request', 'api_client', 'api_client_info', 'api_credential', 'api_credential_info',
           'api_key_collection', 'api_key', 'api_key_collection_info', 'api_key_info', 'edgekv_token', 'edgekv_token_info',
           'edgerc', 'private_file', 'throttling_counter', 'throttling_counter_info')


def stable(result):
    """comparable(result) without what moves with the clock: the latest expiry Akamai accepts now."""
    return json.loads(re.sub(r'"max_allowed_expiry": "[^"]*"', '"max_allowed_expiry": "(now + n)"',
                             json.dumps(comparable(result))))


def every_module(playbook, edgerc_path):
    """One task of each module (15): reads, converged writes, and changes in check mode (no write is sent)."""
    contract, group = playbook.contract_id, playbook.group_id
    check = {'check_mode': True, 'diff': True}
    section = {'host': 'akab-fencefencefencefe-fencefencefencefe.luna.akamaiapis.net',
               'client_token': 'akab-fencefencefencefe-fencefencefencefe',
               'client_secret': 'not-a-real-secret-of-the-fence-test-00000000=',
               'access_token': 'akab-fencefencefencefe-fencefencefencefe'}
    tasks = [
        ('api_request', {}, {'path': '/identity-management/v3/api-clients/self'}),
        ('api_client', check, {'name': 'fence-client', 'apis': [{'name': '/apikey-manager-api',
                                                                 'access_level': 'READ-ONLY'}]}),
        ('api_client_info', {}, {}),
        ('api_credential', check, {'description': 'fence-credential'}),
        ('api_credential_info', {}, {}),
        ('api_key_collection', {}, {'name': 'fence', 'contract_id': contract, 'group_id': group}),
        ('api_key', {}, {'collection': 'fence', 'generate': [{'label': 'fence', 'count': 2}]}),
        ('api_key_collection_info', {}, {}),
        ('api_key_info', {}, {'collection': 'fence'}),
        ('edgekv_token', check, {'name': 'fence_token', 'namespace_permissions': {'default': ['r']},
                                 'allow_on_staging': True}),
        ('edgekv_token_info', {}, {}),
        ('edgerc', check, dict(section, path=edgerc_path, section='fence')),
        ('private_file', check, {'path': edgerc_path + '.export', 'content': 'fence'}),
        ('throttling_counter', check, {'name': 'fence-counter', 'contract_id': contract, 'group_id': group,
                                       'limit': 100, 'rules': {'key_collections': ['fence']}}),
        ('throttling_counter_info', {}, {}),
    ]
    assert tuple(module for module, dummy, dummy in tasks) == MODULES
    assert sorted(MODULES) == sorted(name[:-3] for name in os.listdir(os.path.join(HERE, '..', '..', 'plugins', 'modules'))
                                     if name.endswith('.py'))
    return [dict(keywords, name=module, register=module, **{'edgegrid.access.' + module: args})
            for module, keywords, args in tasks]


def test_every_module_runs_as_a_module_process_when_the_runner_is_fenced(playbook, tmp_path):
    """Each fault in turn, against one emulator: the tasks run once in the worker to create what they create (from
    then on they change nothing), once more in the worker for the results to compare, then fenced, once per fault."""
    emu = playbook.emu
    converged = every_module(playbook, str(tmp_path / 'fence.edgerc'))
    rc, output, dummy = playbook.run(converged, [])
    assert rc == 0, output
    rc, in_worker_output, in_worker = playbook.run(converged, list(MODULES), verbosity=1)
    assert rc == 0, in_worker_output
    assert 'runs as a module process' not in in_worker_output

    for fault in sorted(FAULTS):
        emu.admin.reset_log()
        rc, fenced_output, fenced = playbook.run(converged, list(MODULES), verbosity=1, env={
            'PYTHONPATH': os.path.join(HERE, 'core_faults'), 'EDGEGRID_ACCESS_TEST_CORE_FAULT': fault})
        assert rc == 0, (fault, fenced_output)
        assert writes(emu) == {}, 'a fenced run (%s) of converged tasks sent a write' % fault
        said = re.findall(r'^edgegrid\.access: edgegrid\.access\.(\w+) runs as a module process: (.*)$', fenced_output,
                          re.MULTILINE)
        assert [module for module, dummy in said] == list(MODULES), (fault, fenced_output)
        assert all(re.fullmatch(FAULTS[fault], reason) for dummy, reason in said), (fault, said)
        assert 'Traceback' not in fenced_output and '[ERROR]' not in fenced_output, (fault, fenced_output)

        for module in MODULES:
            assert stable(fenced[module]) == stable(in_worker[module]), (fault, module)
            assert not fenced[module].get('failed'), (fault, module, fenced[module])
        assert fenced['api_client']['changed'] and fenced['api_credential']['changed'] and fenced['edgerc']['changed'], \
            fault
        assert not fenced['api_key']['changed'] and not fenced['api_key_collection']['changed'], fault
