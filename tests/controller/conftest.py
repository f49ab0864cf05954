# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the tests of how the modules run on the controller: the built collection, the emulator, playbooks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml
# The fixtures collections_path and emulator; LEDGER holds the emulators' secrets.
from akamai_emulator.fixtures import LEDGER, collections_path, emulator  # noqa: F401  pylint: disable=unused-import

BIN = os.path.dirname(os.path.abspath(sys.executable))


def pytest_configure(config):
    config.addinivalue_line('markers', "roles: a test of a role's checks of its variables (Python filters that touch "
                                       "no ansible-core internal), run on the default venv's ansible-core only")


class Playbook:
    """Runs one play of tasks on localhost with ansible-playbook; returns the output and the registered results."""

    def __init__(self, tmp_path, collections_path, emu):
        self.tmp_path = tmp_path
        self.collections_path = collections_path
        self.emu = emu
        self.runs = 0
        account = emu.store.accounts[emu.store.meta['primary_account']]
        self.contract_id, self.group_id = account.contracts[0], account.groups[0]['groupId']

    def run(self, tasks, registered, extra_vars=None, play=None, verbosity=3, env=None, options=()):
        """(return code, output, {name: registered result}); `registered` names the variables to return."""
        self.runs += 1
        results = str(self.tmp_path / ('results-%d.json' % self.runs))
        save = {'name': 'Save the registered results', 'ansible.builtin.copy': {
            'dest': results, 'mode': '0600',
            'content': '{{ {%s} | to_json }}' % ', '.join("'%s': %s | default(None)" % (n, n) for n in registered)}}
        body = dict({'name': 'Under test', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
                     'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': self.emu.edgerc}}},
                    **(play or {}))
        body['tasks'] = tasks + [save]
        path = str(self.tmp_path / ('playbook-%d.yml' % self.runs))
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump([body], handle, sort_keys=False)
        command = [os.path.join(BIN, 'ansible-playbook'), path]
        if verbosity:
            command.append('-' + 'v' * verbosity)
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        command += list(options)
        environ = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_NOCOLOR='1',
                       ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0',
                       ANSIBLE_INVENTORY_UNPARSED_WARNING='0', **(env or {}))
        for name in [n for n in environ if n.startswith('AKAMAI_')]:
            if name not in (env or {}):
                del environ[name]
        proc = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
        output = proc.stdout + proc.stderr
        LEDGER.collect(self.emu.store)
        leaks = LEDGER.scan(output)
        assert not leaks, 'secrets in the output: %s' % leaks
        found = {}
        if os.path.exists(results):
            with open(results, encoding='utf-8') as handle:
                found = json.load(handle)
        return proc.returncode, output, found


@pytest.fixture
def playbook(tmp_path, collections_path, emulator):
    return Playbook(tmp_path, collections_path, emulator)
