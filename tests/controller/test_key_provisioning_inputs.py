# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The key_provisioning role refuses, before its first write, the acl_endpoints and export paths that the input alone
shows to be wrong (found by a tester: each failed only after the collections and keys were written)."""

from __future__ import annotations

import os

import pytest
from akamai_emulator.testing import unwritable_directory

# Run on the default venv's ansible-core only (Makefile, compat-%): the role's Python filters, no core internal.
pytestmark = pytest.mark.roles


def collection_names(emu):
    body = emu.session().get(emu.url('/apikey-manager-api/v2/collections')).json()
    return [c['collectionName'] for c in body['collections']]


def role(playbook, check=False, **variables):
    base = {'key_provisioning_edgerc': playbook.emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}
    include = {'name': 'edgegrid.access.key_provisioning', 'apply': {'check_mode': check}}
    return [{'name': 'Provision', 'ansible.builtin.include_role': include, 'vars': dict(base, **variables)}]


def run_and_count_writes(playbook, tasks):
    playbook.emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [])
    return rc, output, [k for k in playbook.emu.admin.log()['counts'] if not k.startswith('GET ')]


def test_acl_endpoints_that_are_no_names_fail_before_any_write(playbook):
    """[[x]] (a list inside), a name that is empty or white space: refused before the collections are made (they were
    made, then the ACL step failed on "['x']" or ''). "" (an empty variable) is none given, as null."""
    emu = playbook.emu
    at = 'key_provisioning_collections[1] (ae-second).acl_endpoints'
    cases = [([['x']], at + '[0] must be an endpoint name or base path (a string), not list'),
             ('Bookstore API,,/weather', at + ' "Bookstore API,,/weather" holds an empty name'),
             (['Bookstore API', ' '], at + '[1] is empty (" ")')]
    for acl_endpoints, message in cases:
        tasks = role(playbook, key_provisioning_collections=[
            {'name': 'ae-first', 'generate': [{'label': 'g', 'count': 1}]},
            {'name': 'ae-second', 'acl_endpoints': acl_endpoints}])
        rc, output, writes = run_and_count_writes(playbook, tasks)
        assert rc != 0, output
        assert message in ' '.join(output.split()), output[-3000:]
        assert 'nothing was written' in output and 'Traceback' not in output
        assert writes == []
    assert 'ae-first' not in collection_names(emu)

    for acl_endpoints in ('', "{{ ae_no_such_variable | default('') }}"):
        tasks = role(playbook, key_provisioning_collections=[{'name': 'ae-empty', 'acl': [],
                                                              'acl_endpoints': acl_endpoints}])
        rc, output, writes = run_and_count_writes(playbook, tasks)
        assert rc == 0, output[-3000:]
        assert 'Look up the endpoints' not in output
    assert 'ae-empty' in collection_names(emu)


@pytest.fixture
def locked_dir(tmp_path):
    """A directory the playbook may not write in: 0500 for a user, immutable (chattr +i) for root; None where root
    cannot make one (the unit tests of the filter cover the check then)."""
    directory = tmp_path / 'locked'
    directory.mkdir()
    with unwritable_directory(directory) as locked:
        yield None if locked is None else directory


def test_an_export_path_that_cannot_be_written_fails_before_any_write(playbook, locked_dir):
    """A FIFO, a dangling link into a directory that does not exist, a path through a file, a directory that cannot be
    written (immutable), and a blank path (which wrote a secret file named "  " into the playbook's directory): each
    fails before any write, naming key_provisioning_export_path, without a traceback."""
    emu = playbook.emu
    tmp = playbook.tmp_path
    os.mkfifo(str(tmp / 'fifo.yml'))
    (tmp / 'dangling.yml').symlink_to(tmp / 'nowhere' / 'export.yml')
    (tmp / 'afile').write_text('x')
    cases = [
        ('fifo.yml', 'key_provisioning_export_path fifo.yml is not a regular file: it is a FIFO', False),
        (str(tmp / 'dangling.yml'), 'key_provisioning_export_path %s cannot be written: directory %s does not exist'
         % (tmp / 'dangling.yml', tmp / 'nowhere'), False),
        ('afile/export.yml', 'key_provisioning_export_path afile/export.yml cannot be written: %s is not a directory'
         % (tmp / 'afile'), False),
        ('  ', 'key_provisioning_export_path "  " is blank', False),
        ('  ', 'key_provisioning_export_path "  " is blank', True),
    ]
    if locked_dir is not None:
        # "is not writable" (its mode, for a user), "is immutable (chattr +i), in which ..." (for root).
        cases.append((str(locked_dir / 'export.yml'), 'key_provisioning_export_path %s cannot be written: directory %s '
                      'is ' % (locked_dir / 'export.yml', locked_dir), False))
    for path, message, check in cases:
        tasks = role(playbook, check=check, key_provisioning_export_path=path,
                     key_provisioning_collections=[{'name': 'ep-coll', 'generate': [{'label': 'g', 'count': 1}]}])
        rc, output, writes = run_and_count_writes(playbook, tasks)
        assert rc != 0, output
        # Line breaks and indents of the output made one space (a blank path's spaces are read as they are).
        assert message in ' '.join(output.split()) or message in output, output[-3000:]
        assert 'nothing was written' in output and 'Traceback' not in output
        assert writes == []
    assert 'ep-coll' not in collection_names(emu)
    assert not os.path.lexists(tmp / '  ') and (locked_dir is None or os.listdir(locked_dir) == [])
