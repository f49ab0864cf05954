# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Playbooks run through ansible-runner (the engine AWX runs jobs with) against the emulator.

The credentials reach the job the way the credential types in docs/awx/ inject them: a temporary .edgerc named
by AKAMAI_EDGERC / AKAMAI_EDGERC_SECTION, or the AKAMAI_* variables. The job's output (at -vvvv) must not hold
any secret.
"""

from __future__ import annotations

import configparser
import os
import shutil

import pytest
import requests
from akamai.edgegrid import EdgeGridAuth

from conftest import AWX_DIR, inject, load_credential_type, secrets_of as _secrets


READ_PLAYBOOK = """\
---
- name: Read the credentials of the signing API client
  hosts: all
  gather_facts: false
  tasks:
    - name: List the credentials
      edgegrid.access.api_request:
        path: /identity-management/v3/api-clients/self/credentials
      register: creds

    - name: The read worked
      ansible.builtin.assert:
        that:
          - creds.status == 200
          - creds.json | length >= 1
"""

CLIENTS_PLAYBOOK = """\
---
- name: List the API clients of the account the credential acts on
  hosts: all
  gather_facts: false
  tasks:
    - name: List the API clients
      edgegrid.access.api_request:
        path: /identity-management/v3/api-clients
      register: clients

    - name: The account switch key took the request to the second account
      ansible.builtin.assert:
        that:
          - clients.status == 200
          - clients.json | length == 0
"""


def _edgerc_inputs(emu, section='default'):
    values = emu.section(section)
    return {
        'host': values['host'], 'client_token': values['client_token'], 'client_secret': values['client_secret'],
        'access_token': values['access_token'], 'account_switch_key': values.get('account_key', ''),
    }


def _assert_no_secret(emu, stdout, *extra):
    for secret in _secrets(emu) | set(extra):
        assert secret not in stdout, 'a secret appears in the job output'


@pytest.mark.parametrize('type_file', ['credential_type_edgerc.yml', 'credential_type_env.yml'])
def test_api_request_with_injected_credential(emulator, job, tmp_path, type_file):
    project = tmp_path / 'project'
    project.mkdir()
    (project / 'read.yml').write_text(READ_PLAYBOOK, encoding='utf-8')
    private = tmp_path / 'injected'
    private.mkdir()
    envvars, extravars = inject(load_credential_type(type_file), _edgerc_inputs(emulator), str(private))
    if type_file.endswith('edgerc.yml'):
        assert envvars['AKAMAI_EDGERC_SECTION'] == 'default'
        assert oct(os.stat(envvars['AKAMAI_EDGERC']).st_mode & 0o777) == '0o600'
    else:
        assert envvars['AKAMAI_CLIENT_SECRET']
    # No ~/.edgerc to fall back on: only the injected credential can make this work.
    envvars['HOME'] = str(tmp_path)
    runner, stdout = job.run('read.yml', project, envvars, extravars)
    assert runner.status == 'successful', stdout[-3000:]
    assert runner.stats['ok'].get('localhost', 0) >= 2
    _assert_no_secret(emulator, stdout)


def test_account_switch_key_is_injected(emulator, job, tmp_path):
    project = tmp_path / 'project'
    project.mkdir()
    # The second account has no API clients of its own; the primary account has two.
    (project / 'clients.yml').write_text(CLIENTS_PLAYBOOK, encoding='utf-8')
    private = tmp_path / 'injected'
    private.mkdir()
    inputs = _edgerc_inputs(emulator, 'account2')
    assert inputs['account_switch_key']
    envvars, dummy = inject(load_credential_type('credential_type_edgerc.yml'), inputs, str(private))
    assert 'account_key = %s' % inputs['account_switch_key'] in open(envvars['AKAMAI_EDGERC'], encoding='utf-8').read()
    runner, stdout = job.run('clients.yml', project, envvars)
    assert runner.status == 'successful', stdout[-3000:]
    _assert_no_secret(emulator, stdout)


def _project(tmp_path):
    """The AWX project: the thin wrapper playbooks of docs/awx/project."""
    project = tmp_path / 'project'
    shutil.copytree(os.path.join(AWX_DIR, 'project'), str(project))
    return project


def _inventory(collections_path, name):
    return os.path.join(collections_path, 'ansible_collections', 'edgegrid', 'access', 'examples', 'inventories', name)


def _writes(emu):
    return dict((key, count) for key, count in emu.admin.log()['counts'].items()
                if key.split(' ', 1)[0] in ('POST', 'PUT', 'PATCH', 'DELETE'))


def _key_values(emu):
    return set(key['value'] for account in emu.store.accounts.values()
               for key in account.data.get('apikeys', {}).get('keys', {}).values() if key.get('value'))


def test_awx_jobs_with_the_edgerc_credential_type(emulator, job, tmp_path, collections_path):
    """Provisioning, EdgeKV tokens and a rotation, as AWX job templates of a project run them (staging inventory)."""
    project = _project(tmp_path)
    private = tmp_path / 'injected'
    private.mkdir()
    inputs = dict(_edgerc_inputs(emulator), section='staging')
    envvars, dummy = inject(load_credential_type('credential_type_edgerc.yml'), inputs, str(private))
    envvars['HOME'] = str(tmp_path)
    inventory = _inventory(collections_path, 'staging')
    injected = envvars['AKAMAI_EDGERC']
    old_token = inputs['client_token']

    for playbook, extravars in (('provision_keys.yml', {}), ('edgekv_tokens.yml', {}),
                                ('rotate_credentials.yml', {'credential_rotation_force': True})):
        runner, stdout = job.run(playbook, project, envvars, extravars, inventory=inventory)
        assert runner.status == 'successful', stdout[-4000:]
        assert runner.stats['changed'].get('akamai_staging', 0) > 0, playbook
        _assert_no_secret(emulator, stdout, *_key_values(emulator))

    # The rotation wrote a new credential into the injected .edgerc, and it works.
    parser = configparser.RawConfigParser()
    parser.read(injected)
    section = dict(parser.items('staging'))
    assert section['client_token'] != old_token
    assert oct(os.stat(injected).st_mode & 0o777) == '0o600'
    signed = requests.Session()
    signed.auth = EdgeGridAuth(client_token=section['client_token'], client_secret=section['client_secret'],
                               access_token=section['access_token'])
    answer = signed.get(emulator.url('/identity-management/v3/api-clients/self/credentials'), timeout=10)
    assert answer.status_code == 200
    assert len(answer.json()) == 2
    collections = [c['name'] for account in emulator.store.accounts.values()
                   for c in account.data.get('apikeys', {}).get('collections', {}).values()]
    assert 'bookstore-partners' in collections and 'weather-public' in collections

    # A second round of the same jobs changes nothing and sends no write.
    emulator.admin.reset_log()
    for playbook in ('provision_keys.yml', 'edgekv_tokens.yml', 'rotate_credentials.yml'):
        runner, stdout = job.run(playbook, project, envvars, inventory=inventory)
        assert runner.status == 'successful', stdout[-4000:]
        assert not runner.stats['changed'], (playbook, runner.stats['changed'])
        _assert_no_secret(emulator, stdout, *_key_values(emulator))
    assert _writes(emulator) == {}


def test_awx_job_with_the_env_credential_type_and_a_switch_key(emulator, job, tmp_path, collections_path):
    """Provisioning with the AKAMAI_* variables, acting on the second account (production inventory)."""
    project = _project(tmp_path)
    private = tmp_path / 'injected'
    private.mkdir()
    inputs = _edgerc_inputs(emulator, 'account2')
    envvars, dummy = inject(load_credential_type('credential_type_env.yml'), inputs, str(private))
    assert envvars['AKAMAI_ACCOUNT_KEY'] == inputs['account_switch_key']
    envvars['HOME'] = str(tmp_path)
    inventory = _inventory(collections_path, 'production')
    # The inventory names section [production]: the AKAMAI_* variables apply to section default only (Akamai's rule),
    # so the job leaves them aside and finds no other credentials.
    runner, stdout = job.run('provision_keys.yml', project, envvars, inventory=inventory)
    assert runner.status == 'failed'
    assert 'apply to section [default] only' in stdout
    _assert_no_secret(emulator, stdout)
    assert emulator.store.accounts['1-EMUACC2'].data.get('apikeys', {}).get('collections', {}) == {}
    # As docs/awx.md says: a job template with this credential type runs with the extra variable edgegrid_section.
    runner, stdout = job.run('provision_keys.yml', project, envvars, {'edgegrid_section': 'default'}, inventory=inventory)
    assert runner.status == 'successful', stdout[-4000:]
    _assert_no_secret(emulator, stdout, *_key_values(emulator))
    by_account = dict((account_id, sorted(c['name'] for c in account.data.get('apikeys', {}).get('collections', {})
                                          .values()))
                      for account_id, account in emulator.store.accounts.items())
    assert by_account['1-EMUACC2'] == ['bookstore-partners', 'payments-internal']
    assert by_account['1-EMUACC1'] == []


def test_wrapper_playbooks_import_the_collection():
    """The AWX project's thin wrappers import the collection's playbooks, which exist."""
    project = os.path.join(AWX_DIR, 'project')
    for name in ('rotate_credentials.yml', 'provision_keys.yml', 'edgekv_tokens.yml'):
        text = open(os.path.join(project, name), encoding='utf-8').read()
        assert 'ansible.builtin.import_playbook: edgegrid.access.%s' % name[:-4] in text
        assert os.path.isfile(os.path.join(AWX_DIR, '..', '..', 'playbooks', name)), name
