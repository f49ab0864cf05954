# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rotation job of AWX keeps the controller credential up to date (credential_rotation_controller_credential).

Each job runs through ansible-runner with two credentials injected as AWX injects them: the Akamai EdgeGrid
(.edgerc) credential, whose inputs come from a fake controller (tests/awx/fake_controller.py), and the built-in
"Red Hat Ansible Automation Platform" credential (CONTROLLER_HOST, CONTROLLER_OAUTH_TOKEN or CONTROLLER_USERNAME /
CONTROLLER_PASSWORD, CONTROLLER_VERIFY_SSL). After a rotation, the next job gets its .edgerc from what the
controller then holds: it must work, also once the old credential is gone.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import pytest
import requests
import yaml
from akamai.edgegrid import EdgeGridAuth

from conftest import AWX_DIR, inject, load_credential_type, secrets_of
from fake_controller import FakeController
from test_runner import READ_PLAYBOOK, _edgerc_inputs, _inventory, _project, _writes

CONTROLLER_TOKEN = 'fake-controller-oauth-token-never-printed'
CONTROLLER_PASSWORD = 'fake-controller-password-never-printed'
CREDENTIAL_NAME = 'Akamai staging'
CREDS_PATH = '/identity-management/v3/api-clients/self/credentials'

# AWX's managed credential type "Red Hat Ansible Automation Platform" (namespace controller): its inputs and the
# environment variables it injects into a job.
CONTROLLER_CREDENTIAL_TYPE = {
    'name': 'Red Hat Ansible Automation Platform',
    'inputs': {
        'fields': [
            {'id': 'host', 'label': 'Red Hat Ansible Automation Platform', 'type': 'string'},
            {'id': 'username', 'label': 'Username', 'type': 'string'},
            {'id': 'password', 'label': 'Password', 'type': 'string', 'secret': True},
            {'id': 'oauth_token', 'label': 'OAuth Token', 'type': 'string', 'secret': True},
            {'id': 'verify_ssl', 'label': 'Verify SSL', 'type': 'boolean', 'secret': False},
        ],
        'required': ['host'],
    },
    'injectors': {
        'env': {
            'TOWER_HOST': '{{host}}', 'TOWER_USERNAME': '{{username}}', 'TOWER_PASSWORD': '{{password}}',
            'TOWER_VERIFY_SSL': '{{verify_ssl}}', 'TOWER_OAUTH_TOKEN': '{{oauth_token}}',
            'CONTROLLER_HOST': '{{host}}', 'CONTROLLER_USERNAME': '{{username}}', 'CONTROLLER_PASSWORD': '{{password}}',
            'CONTROLLER_VERIFY_SSL': '{{verify_ssl}}', 'CONTROLLER_OAUTH_TOKEN': '{{oauth_token}}',
        },
    },
}


class Setup:
    """The emulator, a fake controller holding the Akamai credential, and jobs that get both injected."""

    def __init__(self, emulator, job, tmp_path, collections_path, controller):
        self.emulator = emulator
        self.job = job
        self.tmp_path = tmp_path
        self.controller = controller
        self.project = _project(tmp_path)
        (self.project / 'read.yml').write_text(READ_PLAYBOOK, encoding='utf-8')
        self.inventory = _inventory(collections_path, 'staging')
        self.cid = controller.add_credential(CREDENTIAL_NAME, dict(_edgerc_inputs(emulator), section='staging'))
        self.first = controller.inputs(self.cid)
        self.count = 0

    def run(self, playbook, cmdline=None, **extravars):
        """A job with the credentials the controller holds now; (runner, stdout)."""
        self.count += 1
        private = self.tmp_path / ('injected%d' % self.count)
        private.mkdir()
        envvars, dummy = inject(load_credential_type('credential_type_edgerc.yml'), self.controller.inputs(self.cid),
                                str(private))
        login = ({'oauth_token': CONTROLLER_TOKEN} if self.controller.token else
                 {'username': self.controller.username, 'password': CONTROLLER_PASSWORD})
        controller_env, dummy = inject(CONTROLLER_CREDENTIAL_TYPE, dict(login, host=self.controller.host,
                                                                        verify_ssl=False), str(private))
        envvars.update(controller_env)
        envvars['HOME'] = str(self.tmp_path)
        runner, stdout = self.job.run(playbook, self.project, envvars, extravars, inventory=self.inventory,
                                      cmdline=cmdline)
        for secret in secrets_of(self.emulator) | {CONTROLLER_TOKEN, CONTROLLER_PASSWORD}:
            assert secret not in stdout, 'a secret appears in the job output'
        return runner, stdout

    def rotate(self, cmdline=None, **extravars):
        extravars.setdefault('credential_rotation_controller_credential', CREDENTIAL_NAME)
        return self.run('rotate_credentials.yml', cmdline=cmdline, **extravars)

    def status(self, inputs):
        """HTTP status of a signed read with an .edgerc section's worth of inputs."""
        session = requests.Session()
        session.auth = EdgeGridAuth(client_token=inputs['client_token'], client_secret=inputs['client_secret'],
                                    access_token=inputs['access_token'])
        return session.get(self.emulator.url(CREDS_PATH), timeout=10).status_code

    def credential(self, client_token):
        """The emulator's record of a credential, by its client token."""
        found = [cred for cred in self.emulator.store.credentials.values() if cred.get('clientToken') == client_token]
        assert len(found) == 1
        return found[0]


def _days_left(cred):
    """Days until an emulator credential expires."""
    expires = datetime.strptime(cred['expiresOn'][:19], '%Y-%m-%dT%H:%M:%S').replace(tzinfo=timezone.utc)
    return (expires - datetime.now(timezone.utc)).total_seconds() / 86400


def _results(runner):
    """credential_rotation_results as the role recorded it (from the job events)."""
    for event in runner.events:
        data = event.get('event_data', {})
        if event.get('event') == 'runner_on_ok' and data.get('task') == 'Record what happened':
            return data['res']['ansible_facts']['credential_rotation_results']
    raise AssertionError('the role recorded no results')


@pytest.fixture
def setup(request, emulator, job, tmp_path, collections_path, httpserver):
    """AWX (/api/v2/, an OAuth token; the default) or Automation Platform 2.5 behind its gateway (/api/controller/v2/,
    a username and password): parametrize `setup` indirectly with 'awx' or 'gateway'."""
    if getattr(request, 'param', 'awx') == 'awx':
        controller = FakeController(httpserver, load_credential_type('credential_type_edgerc.yml'), token=CONTROLLER_TOKEN)
    else:
        controller = FakeController(httpserver, load_credential_type('credential_type_edgerc.yml'),
                                    prefix='/api/controller/', username='rotation-bot', password=CONTROLLER_PASSWORD)
    return Setup(emulator, job, tmp_path, collections_path, controller)


@pytest.mark.parametrize('setup', ['awx', 'gateway'], indirect=True)
def test_the_controller_credential_gets_the_new_credential(setup):
    controller = setup.controller
    # Cut the old credential off at once: only the new one works after this job.
    runner, stdout = setup.rotate(credential_rotation_force=True, credential_rotation_deactivate_old=True)
    assert runner.status == 'successful', stdout[-4000:]

    now = controller.inputs(setup.cid)
    assert now['client_token'] != setup.first['client_token']
    assert now['client_secret'] != setup.first['client_secret']
    # The other inputs were sent back as $encrypted$ (or as they were) and kept.
    assert dict(now, client_token=None, client_secret=None) == dict(setup.first, client_token=None, client_secret=None)
    assert controller.writes() == [('PATCH', '%sv2/credentials/%d/' % (controller.prefix, setup.cid))]
    assert setup.credential(now['client_token'])['status'] == 'ACTIVE'
    assert setup.credential(setup.first['client_token'])['status'] == 'INACTIVE'
    assert setup.status(now) == 200
    assert setup.status(setup.first) == 401  # without the controller update, the next job would fail
    results = _results(runner)
    assert results[0]['rotated'] and results[0]['controller_updated']
    assert results[0]['controller_credential_id'] == setup.cid

    # The next job gets the credential the controller holds now, and it works.
    runner, stdout = setup.run('read.yml')
    assert runner.status == 'successful', stdout[-4000:]

    # A rotation job with nothing due: no request to the controller, no write anywhere.
    controller.requests.clear()
    setup.emulator.admin.reset_log()
    runner, stdout = setup.rotate()
    assert runner.status == 'successful', stdout[-4000:]
    assert not runner.stats['changed'], runner.stats['changed']
    assert controller.requests == []
    assert _writes(setup.emulator) == {}
    assert _results(runner)[0]['controller_updated'] is False


def test_check_mode_reads_the_controller_and_writes_nothing(setup):
    """The controller credential named by its id, in check mode: read, predicted, not written."""
    setup.emulator.admin.reset_log()
    runner, stdout = setup.rotate(cmdline='--check', credential_rotation_force=True,
                                  credential_rotation_controller_credential=str(setup.cid))
    assert runner.status == 'successful', stdout[-4000:]
    results = _results(runner)
    assert results[0]['rotated'] and results[0]['controller_updated']
    assert results[0]['controller_credential_id'] == setup.cid
    assert setup.controller.requests == [('GET', '/api/controller/v2/ping/'), ('GET', '/api/v2/credentials/%d/' % setup.cid)]
    assert _writes(setup.emulator) == {}
    assert setup.controller.inputs(setup.cid) == setup.first


def test_a_refused_controller_update_rolls_the_rotation_back(setup):
    controller = setup.controller
    controller.patch_fault = 'refuse'
    runner, stdout = setup.rotate(credential_rotation_force=True)
    assert runner.status == 'failed'
    assert 'writing the new credential into controller credential %d failed (HTTP 403' % setup.cid in stdout
    assert 'was deactivated and the section restored. The old credential was left as it was.' in stdout
    assert 'it still holds the previous credential' in stdout

    # The controller holds the old credential, which still works and was not retired; the new one is INACTIVE.
    assert controller.inputs(setup.cid) == setup.first
    assert setup.status(setup.first) == 200
    old = setup.credential(setup.first['client_token'])
    assert old['status'] == 'ACTIVE' and _days_left(old) > 700
    others = [cred for cred in setup.emulator.store.credentials.values()
              if cred['clientId'] == old['clientId'] and cred['clientToken'] != setup.first['client_token']]
    assert [cred['status'] for cred in others] == ['INACTIVE']

    # Once the controller accepts the write, a re-run finishes the job: a fresh rotation, the controller updated.
    controller.patch_fault = None
    runner, stdout = setup.rotate(credential_rotation_force=True)
    assert runner.status == 'successful', stdout[-4000:]
    now = controller.inputs(setup.cid)
    assert now['client_token'] not in (setup.first['client_token'], others[0]['clientToken'])
    assert setup.status(now) == 200
    assert _results(runner)[0]['deleted_ids'] == [others[0]['credentialId']]


def test_a_controller_update_whose_answer_is_lost_counts(setup):
    """The PATCH went through but its answer was lost: read again, see the new client token, go on."""
    controller = setup.controller
    controller.patch_fault = 'lost'
    runner, stdout = setup.rotate(credential_rotation_force=True)
    assert runner.status == 'successful', stdout[-4000:]
    now = controller.inputs(setup.cid)
    assert now['client_token'] != setup.first['client_token']
    assert setup.status(now) == 200
    assert setup.credential(now['client_token'])['status'] == 'ACTIVE'
    # The old credential was retired: it expires after the overlap (24 hours).
    assert _days_left(setup.credential(setup.first['client_token'])) < 1.1
    assert [method for method, dummy in controller.requests].count('PATCH') == 1


def test_an_unknown_controller_state_keeps_both_credentials_and_a_rerun_finishes(setup):
    """The PATCH answer was lost and the controller cannot be read again: nothing is rolled back."""
    controller = setup.controller
    controller.patch_fault = 'lost'
    controller.fail_reads_after_patch = True
    runner, stdout = setup.rotate(credential_rotation_force=True)
    assert runner.status == 'failed'
    assert 'so it is not known which credential it holds' in stdout
    assert 'Both the old and the new credential' in stdout
    now = controller.inputs(setup.cid)
    assert now['client_token'] != setup.first['client_token']
    # Whichever the controller holds works: both are ACTIVE, the old one not retired.
    assert setup.status(now) == 200 and setup.status(setup.first) == 200
    assert _days_left(setup.credential(setup.first['client_token'])) > 700

    # The re-run gets the new credential from the controller and finishes the rotation: no second write to it.
    controller.patch_fault = None
    controller.fail_reads_after_patch = False
    controller.requests.clear()
    runner, stdout = setup.rotate()
    assert runner.status == 'successful', stdout[-4000:]
    results = _results(runner)
    assert results[0]['finished'] and not results[0]['rotated'] and not results[0]['controller_updated']
    assert controller.writes() == []
    assert _days_left(setup.credential(setup.first['client_token'])) < 1.1
    assert setup.status(now) == 200


def test_a_missing_controller_credential_stops_before_any_change(setup):
    setup.emulator.admin.reset_log()
    runner, stdout = setup.rotate(credential_rotation_force=True, credential_rotation_controller_credential='Nope')
    assert runner.status == 'failed'
    assert 'no controller credential is named Nope. Nothing was changed' in stdout
    assert _writes(setup.emulator) == {}
    assert setup.controller.writes() == []


def test_the_example_controller_objects_wire_the_rotation():
    """docs/awx/controller_objects.yml: the rotation template names a credential it carries, and controller access."""
    with open(os.path.join(AWX_DIR, 'controller_objects.yml'), encoding='utf-8') as handle:
        objects = yaml.safe_load(handle)
    credentials = dict((cred['name'], cred) for cred in objects['controller_credentials'])
    template = [tpl for tpl in objects['controller_templates'] if tpl['playbook'] == 'rotate_credentials.yml'][0]
    named = template['extra_vars']['credential_rotation_controller_credential']
    assert named in template['credentials'] and credentials[named]['credential_type'] == 'Akamai EdgeGrid (.edgerc)'
    types = [credentials[name]['credential_type'] for name in template['credentials']]
    assert CONTROLLER_CREDENTIAL_TYPE['name'] in types
    access = [name for name in template['credentials']
              if credentials[name]['credential_type'] == CONTROLLER_CREDENTIAL_TYPE['name']][0]
    user = credentials[access]['inputs']['username']
    assert any(role['user'] == user and named in role['credentials'] and role['role'] == 'admin'
               for role in objects['controller_roles'])


def test_a_refused_controller_login_stops_before_any_change(setup):
    setup.controller.token = 'another-token'
    setup.emulator.admin.reset_log()
    runner, stdout = setup.rotate(credential_rotation_force=True)
    assert runner.status == 'failed'
    assert 'failed (HTTP 401): the controller refused the login' in stdout
    assert 'Nothing was changed' in stdout
    assert _writes(setup.emulator) == {}
    assert setup.controller.inputs(setup.cid) == setup.first


def test_a_controller_address_with_a_password_stops_before_any_change_and_never_prints_it(setup):
    """CONTROLLER_HOST as http://user:password@host: refused before any change, the password not printed."""
    setup.emulator.admin.reset_log()
    host = setup.controller.host.split('://', 1)[-1]
    runner, stdout = setup.rotate(credential_rotation_force=True,
                                  credential_rotation_controller_host='http://admin:in-the-url-secret-1@' + host)
    assert runner.status == 'failed'
    assert 'in-the-url-secret-1' not in stdout
    assert 'credential_rotation_controller_host (CONTROLLER_HOST) holds a user name or password' in ' '.join(stdout.split())
    assert _writes(setup.emulator) == {}
    assert setup.controller.writes() == []
