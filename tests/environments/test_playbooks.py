# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shipped playbooks over the inventory plugin's hosts when one environment is broken: an .edgerc whose [alpha]
has a client token Akamai does not know (401) and whose [beta] is healthy. Every playbook goes on with the other
environments and fails the run naming the broken one (the .edgerc section and file of its credentials)."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from conftest import LEDGER, REPO

BAD_TOKEN = 'akab-1111111111111111-1111111111111111'


def recap(output):
    """{host: {ok, changed, failed, ...}} from the PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', output, re.M):
        found[host] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts))
    return found


@pytest.fixture
def team(ansible, tmp_path):
    """team.edgerc: [alpha] with an unknown client token, [beta] the emulator's [default] credential."""
    good = ansible.emu.section('default')
    path = tmp_path / 'team.edgerc'
    path.write_text(''.join('[%s]\n%s\n' % (name, ''.join('%s = %s\n' % kv for kv in sorted(values.items())))
                            for name, values in (('alpha', dict(good, client_token=BAD_TOKEN)), ('beta', good))))
    os.chmod(path, 0o600)
    return str(path), ansible.inventory_file(name='team', edgerc=str(path))


def broken_alpha_named(output, path):
    """The run's failure names alpha, the 401 and where alpha's credentials came from."""
    assert re.search(r'fatal: \[alpha\]: FAILED! => .*failed with HTTP 401: .*\(signed with section \[alpha\] of '
                     r'\.edgerc file %s\)' % re.escape(path), output), output


def test_rotate_credentials_rotates_every_other_environment_when_one_fails(ansible, team):
    """serial: 1 stays (one environment at a time); the failed [alpha] no longer ends the play: [beta] is rotated,
    then the run fails naming alpha."""
    path, inventory = team
    before = ansible.emu.section('default')['client_token']
    rc, out, err = ansible.run(['ansible-playbook', '-i', inventory, 'edgegrid.access.rotate_credentials',
                                '-e', 'credential_rotation_force=true'])
    output = out + err
    assert rc == 2, output
    counts = recap(output)
    assert counts['alpha']['failed'] == 1 and counts['beta']['failed'] == 0, output
    assert re.search(r'\[beta\] credential \d+: rotated; credential \d+ retired', output), output
    broken_alpha_named(output, path)
    assert 'the rotation of environment alpha failed at Read the credentials of the API client' in output
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    beta = re.search(r'\[beta\]\n(.*?)(?=\n\[|\Z)', text, re.S).group(1)
    assert before not in beta and BAD_TOKEN in text  # beta holds its new credential; alpha is untouched


def test_edgekv_tokens_keeps_the_tokens_of_every_other_environment_when_one_fails(ansible, team):
    path, inventory = team
    tokens = [{'name': 'catalog_team', 'namespace_permissions': {'default': ['r']}, 'allow_on_staging': True}]
    rc, out, err = ansible.run(['ansible-playbook', '-i', inventory, 'edgegrid.access.edgekv_tokens',
                                '-e', json.dumps({'edgekv_tokens_tokens': tokens})])
    output = out + err
    assert rc == 2, output
    counts = recap(output)
    assert counts['alpha']['failed'] == 1 and counts['beta']['failed'] == 0 and counts['beta']['changed'] > 0, output
    broken_alpha_named(output, path)
    session = ansible.emu.session('default')
    assert session.get(ansible.emu.url('/edgekv/v1/tokens/catalog_team')).status_code == 200
    LEDGER.collect(ansible.emu.store)


def test_a_relative_edgerc_names_the_absolute_path_it_tried(ansible, tmp_path):
    """AKAMAI_EDGERC=edgerc in the directory that holds ./edgerc: the modules of a shipped playbook look for it in the
    playbook's directory (inside the collection), and the message says which file that was, and why."""
    shutil.copy(ansible.emu.edgerc, str(tmp_path / 'edgerc'))
    inventory = os.path.join(REPO, 'examples', 'inventories', 'staging')
    rc, out, err = ansible.run(['ansible-playbook', '-i', inventory, 'edgegrid.access.edgekv_tokens'],
                               env={'AKAMAI_EDGERC': 'edgerc'}, cwd=str(tmp_path))
    output = out + err
    assert rc == 2, output
    playbooks = os.path.join(os.path.realpath(ansible.collections_path), 'ansible_collections', 'edgegrid', 'access',
                             'playbooks')
    assert ('.edgerc file %s/edgerc does not exist (given as the relative path edgerc, taken from the current '
            'directory %s; the modules of a task run in the directory of its playbook or role, not in the one '
            'ansible-playbook was started in: give an absolute path)' % (playbooks, playbooks)) in output, output
