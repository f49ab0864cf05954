# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Fixtures for the AWX / Automation Platform tests: a copy of the collection, the emulator, AWX-style injection."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import ansible_runner
import pytest
import yaml
from akamai_emulator.testing import running_emulator
from jinja2.sandbox import ImmutableSandboxedEnvironment

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

AWX_DIR = os.path.join(REPO, 'docs', 'awx')
BIN = os.path.dirname(os.path.abspath(sys.executable))


def copy_collection(dest_root):
    """Copy the files git knows (tracked or not ignored, not deleted) to dest_root/ansible_collections/edgegrid/access."""
    dest = os.path.join(dest_root, 'ansible_collections', 'edgegrid', 'access')
    os.makedirs(dest)
    listing = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=REPO, check=True,
                             capture_output=True).stdout.decode('utf-8').split('\0')
    files = [name for name in listing if name and os.path.isfile(os.path.join(REPO, name))]
    archive = subprocess.run(['tar', '-cf', '-', '--null', '-T', '-'], cwd=REPO, check=True,
                             input='\0'.join(files).encode('utf-8'), capture_output=True).stdout
    subprocess.run(['tar', '-xf', '-', '-C', dest], input=archive, check=True)
    return dest


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """A directory holding ansible_collections/edgegrid/access, for ANSIBLE_COLLECTIONS_PATH."""
    root = str(tmp_path_factory.mktemp('collections'))
    copy_collection(root)
    return root


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator on 127.0.0.1, with its .edgerc in tmp_path."""
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        yield emu


def load_credential_type(name):
    """The one credential type defined in docs/awx/<name>."""
    with open(os.path.join(AWX_DIR, name), encoding='utf-8') as handle:
        types = yaml.safe_load(handle)['controller_credential_types']
    assert len(types) == 1
    return types[0]


def inject(credential_type, inputs, private_dir):
    """Apply a credential type's injectors to inputs as AWX does: (environment variables, extra vars, files).

    AWX renders each injector template with Jinja in a sandbox, writes each `template.<name>` file into the job's
    private data directory (readable by the job's user only) and exposes its path as tower.filename.<name>.
    """
    fields = credential_type['inputs']['fields']
    missing = [field for field in credential_type['inputs'].get('required', []) if not inputs.get(field)]
    assert not missing, 'required inputs missing: %s' % missing
    namespace = {}
    for field in fields:
        value = inputs.get(field['id'])
        if value is None:
            value = field.get('default', False if field.get('type') == 'boolean' else '')
        namespace[field['id']] = value
    env = ImmutableSandboxedEnvironment()
    injectors = credential_type.get('injectors', {})
    filenames = {}
    for key, template in injectors.get('file', {}).items():
        name = key.split('.', 1)[1] if '.' in key else None
        path = os.path.join(private_dir, 'tmp_awx_cred_%s' % (name or 'file'))
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR), 'w',
                  encoding='utf-8') as handle:
            handle.write(env.from_string(template).render(**namespace))
        if name:
            filenames[name] = path
        else:
            filenames = path
    namespace['tower'] = {'filename': filenames}
    variables = dict((key, env.from_string(value).render(**namespace))
                     for key, value in injectors.get('env', {}).items())
    extra_vars = dict((key, env.from_string(value).render(**namespace))
                      for key, value in injectors.get('extra_vars', {}).items())
    return variables, extra_vars


def secrets_of(emu):
    """Every secret the emulator holds: client secrets and access tokens."""
    found = set()
    for cred in emu.store.credentials.values():
        if cred.get('clientSecret'):
            found.add(cred['clientSecret'])
    for client in emu.store.clients.values():
        if client.get('accessToken'):
            found.add(client['accessToken'])
    return found


class Job:
    """One ansible-runner job, AWX style: a project directory, an inventory, injected credentials."""

    def __init__(self, tmp_path, collections_path, monkeypatch):
        self.tmp_path = tmp_path
        self.collections_path = collections_path
        monkeypatch.setenv('PATH', BIN + os.pathsep + os.environ.get('PATH', ''))
        self.count = 0

    def run(self, playbook, project, envvars, extravars=None, inventory=None, verbosity=4, cmdline=None):
        """Run playbook (a file name in the project directory); returns (runner, stdout text).

        cmdline: more ansible-playbook options, as a job template's job type "check" adds --check.
        """
        self.count += 1
        private = self.tmp_path / ('job%d' % self.count)
        (private / 'env').mkdir(parents=True)
        if inventory is None:
            inventory = 'localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable
        env = dict(envvars)
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': self.collections_path,
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_LOCAL_TEMP': str(private / 'ansible-tmp'),
        })
        runner = ansible_runner.run(
            private_data_dir=str(private), project_dir=str(project), playbook=playbook, inventory=inventory,
            envvars=env, extravars=extravars or {}, verbosity=verbosity, quiet=True, settings={'suppress_env_files': True},
            cmdline=cmdline,
        )
        stdout = runner.stdout.read()
        return runner, stdout


@pytest.fixture
def job(tmp_path, collections_path, monkeypatch):
    return Job(tmp_path, collections_path, monkeypatch)
