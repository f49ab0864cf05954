# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the inventory plugin and the access report: the built collection, the emulator, ansible's commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
# The fixtures collections_path and emulator; LEDGER holds the emulators' secrets.
from akamai_emulator.fixtures import LEDGER, collections_path, emulator  # noqa: F401  pylint: disable=unused-import

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(os.path.abspath(sys.executable))
OUTPUT = os.path.join(REPO, 'tests', 'output', 'environments')


class Ansible:
    """Runs ansible-inventory and ansible-playbook with the built collection; checks that no secret is printed."""

    def __init__(self, tmp_path, collections_path, emu):
        self.tmp_path = tmp_path
        self.collections_path = collections_path
        self.emu = emu

    def environ(self, env=None):
        environ = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_NOCOLOR='1',
                       ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0',
                       ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_HOME=str(self.tmp_path / 'ansible-home'))
        for name in [n for n in environ if n.startswith('AKAMAI_')]:
            del environ[name]
        environ.update(env or {})
        return environ

    def run(self, command, env=None, cwd=None):
        """(return code, stdout, stderr) of an ansible command; fails the test if a secret is in the output."""
        proc = subprocess.run([os.path.join(BIN, command[0])] + list(command[1:]), env=self.environ(env),
                              capture_output=True, text=True, check=False, cwd=cwd or str(self.tmp_path))
        LEDGER.collect(self.emu.store)
        leaks = LEDGER.scan(proc.stdout + proc.stderr)
        assert not leaks, 'secrets in the output of %s: %s' % (command[0], leaks)
        return proc.returncode, proc.stdout, proc.stderr

    def inventory_file(self, name='environments', **config):
        """An inventory configuration file of the plugin, tmp_path/<name>.akamai.yml."""
        path = self.tmp_path / ('%s.akamai.yml' % name)
        path.write_text(json.dumps(dict({'plugin': 'edgegrid.access.akamai'}, **config)))
        return str(path)

    def inventory(self, path, env=None, options=()):
        """The inventory as `ansible-inventory --list` shows it."""
        env = dict({'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'}, **(env or {}))
        rc, out, err = self.run(['ansible-inventory', '-i', path, '--list'] + list(options), env=env)
        assert rc == 0, err
        return json.loads(out)


@pytest.fixture
def ansible(tmp_path, collections_path, emulator):
    return Ansible(tmp_path, collections_path, emulator)


def scan_files(paths):
    """(file, kind, line) of every secret the emulator issued found in the files."""
    found = []
    for path in paths:
        with open(path, encoding='utf-8') as handle:
            found += [(os.path.basename(path), kind, line) for kind, line in LEDGER.scan(handle.read())]
    return found
