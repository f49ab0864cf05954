# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Which credentials a task signs with, from which .edgerc forms, against the emulator (which verifies EdgeGrid
signatures as Akamai does): the forms Akamai's own tools read, Akamai's order of sources, and max_body.

Each test is an input that used to fail: a 401 for a section with an inline comment or quotes, a task that signed
as the client of the AKAMAI_* variables on another account than its section's, a 401 for a POST body beyond a
section's max_body. Playbook.run fails a test whose output holds a secret. Each runs with the modules in the worker
process and as module processes.
"""

from __future__ import annotations

import os

import pytest

CLIENTS = '/identity-management/v3/api-clients'


def private_file(path, text):
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as handle:
        handle.write(text)
    return str(path)


@pytest.fixture(params=[True, False], ids=['in-worker', 'module-process'])
def where(request):
    """The extra variables that make the modules run in the worker process, or as module processes."""
    return {'edgegrid_access_in_process': request.param}


def warnings_of(output):
    return [line for line in output.splitlines() if line.startswith('[WARNING]')]


def test_inline_comments_and_quotes_are_read_as_akamai_reads_them(playbook, where):
    emu = playbook.emu
    values = emu.section('default')
    edgerc = private_file(playbook.tmp_path / 'hand-edited.edgerc', (
        '[commented]\n'
        'host = {host}\n'
        'client_token = {client_token}\n'
        'client_secret = {client_secret} ; rotated in November\n'
        'access_token = {access_token}   # the admin client\n'
        '\n'
        '[quoted]\n'
        'host = {host}\n'
        'client_token = "{client_token}"\n'
        'client_secret = "{client_secret}"\n'
        'access_token = "{access_token}"\n').format(**values))
    tasks = [{'name': 'Read with section [%s]' % name, 'register': name,
              'edgegrid.access.api_request': {'edgerc': edgerc, 'section': name, 'path': CLIENTS + '/self'}}
             for name in ('commented', 'quoted')]
    rc, output, found = playbook.run(tasks, ['commented', 'quoted'], extra_vars=where)
    assert rc == 0, output
    for name in ('commented', 'quoted'):
        assert found[name]['status'] == 200
        assert found[name]['json']['clientName'] == found['commented']['json']['clientName']
    assert 'signature does not match' not in output


def test_the_akamai_variables_do_not_switch_a_named_section_to_another_client(playbook, where):
    emu = playbook.emu
    other = emu.section('readonly')
    # A CI job (or the AWX "environment" credential type) exports the credentials of another API client.
    ambient = {'AKAMAI_HOST': other['host'], 'AKAMAI_CLIENT_TOKEN': other['client_token'],
               'AKAMAI_CLIENT_SECRET': other['client_secret'], 'AKAMAI_ACCESS_TOKEN': other['access_token']}
    tasks = [
        {'name': 'List the API clients with section [account2]', 'register': 'named',
         'edgegrid.access.api_request': {'section': 'account2', 'path': CLIENTS}},
        {'name': 'The signing client with section [default]: the variables apply', 'register': 'default',
         'edgegrid.access.api_request': {'path': CLIENTS + '/self'}},
    ]
    rc, output, found = playbook.run(tasks, ['named', 'default'], extra_vars=where, env=ambient)
    assert rc == 0, output
    # [account2] holds the admin client and the switch key of the second account, which has no API clients (the
    # read-only client of the variables would have listed the two of the primary account).
    assert found['named']['status'] == 200 and found['named']['json'] == []
    assert found['default']['json']['clientName'] == 'emulator-readonly'
    # The task says which source it used, and which it did not.
    said = [line for line in warnings_of(output) if 'Akamai credentials: signing with section [account2]' in line]
    assert len(said) == 1, output
    assert 'AKAMAI_HOST' in said[0] and 'apply to section [default] only' in said[0]
    # For [default], the variables win over the file (Akamai's order), and the file's other client is named.
    said = [line for line in warnings_of(output) if 'Akamai credentials: signing with the environment variables '
            'AKAMAI_HOST' in line]
    assert len(said) == 1, output
    assert 'not used, though they name another API client or account: section [default] of .edgerc file' in said[0]


def test_an_edgerc_others_may_read_is_used_and_warned_of_once(playbook, where):
    """A hand-written .edgerc is often 0644 (the umask's): the tasks run, and the run says so once - the modules'
    reads and the lookup's alike - without a value of the file in the output."""
    with open(playbook.emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    edgerc = playbook.tmp_path / 'by-hand.edgerc'
    edgerc.write_text(text, encoding='utf-8')
    edgerc.chmod(0o644)
    tasks = [{'name': 'Read the client %d' % n, 'register': 'read%d' % n,
              'edgegrid.access.api_request': {'edgerc': str(edgerc), 'path': CLIENTS + '/self'}} for n in (1, 2)]
    tasks.append({'name': 'Look up the section', 'ansible.builtin.set_fact': {
        'looked_up': "{{ lookup('edgegrid.access.edgerc', 'default', edgerc='%s').host }}" % edgerc}})
    rc, output, found = playbook.run(tasks, ['read1', 'read2', 'looked_up'], extra_vars=where)
    assert rc == 0, output
    assert found['read1']['status'] == found['read2']['status'] == 200 and found['looked_up']
    said = [line for line in warnings_of(output) if 'has mode 0644: users other than its owner may read it' in line]
    assert len(said) == 1 and 'chmod 600 %s' % edgerc in ' '.join(output.split()), output
    assert oct(os.stat(edgerc).st_mode & 0o777) == '0o644'  # a read changes nothing


def test_a_max_body_below_131072_does_not_shorten_what_is_signed(playbook, where):
    emu = playbook.emu
    values = emu.section('default')
    edgerc = private_file(playbook.tmp_path / 'max-body.edgerc', (
        '[small]\nhost = {host}\nclient_token = {client_token}\nclient_secret = {client_secret}\n'
        'access_token = {access_token}\nmax_body = 2048\n').format(**values))
    tasks = [
        {'name': 'Create a collection whose POST body is larger than max_body', 'register': 'created',
         'edgegrid.access.api_key_collection': {
             'edgerc': edgerc, 'section': 'small', 'name': 'large-body', 'description': 'x' * 3000,
             'contract_id': playbook.contract_id, 'group_id': playbook.group_id}},
        {'name': 'The edgerc module does not write such a max_body', 'register': 'written', 'ignore_errors': True,
         'edgegrid.access.edgerc': {'path': edgerc, 'section': 'small', 'max_body': 2048}},
    ]
    rc, output, found = playbook.run(tasks, ['created', 'written'], extra_vars=where)
    assert rc == 0, output
    assert found['created']['changed'] is True
    assert found['created']['api_key_collection']['description'] == 'x' * 3000
    said = [line for line in warnings_of(output) if 'max_body is 2048; it is not used' in line]
    assert len(said) == 1, output
    assert found['written']['failed'] is True
    assert 'max_body 2048 is refused' in found['written']['msg']
