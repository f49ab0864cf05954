# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_credential_info client_ids: the credentials of several API clients in one task, read side by side."""

from __future__ import annotations

from datetime import datetime

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_client, api_credential_info


def clients(emulator, run, count):
    made = []
    for index in range(count):
        failed, result = run(api_client, dict(edgerc=emulator.edgerc, name='many-%d' % index, all_apis=True))
        assert not failed, result
        made.append(result['api_client']['client_id'])
    return made


def test_the_credentials_of_several_api_clients_in_one_task(emulator, run):
    made = clients(emulator, run, 3)
    session = emulator.session()
    session.post(emulator.url('/identity-management/v3/api-clients/%s/credentials' % made[1]))
    emulator.admin.reset_log()
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, client_ids=['self'] + made,
                                                   status='active'))
    assert not failed, result
    assert [item['client_id'] for item in result['api_clients']] == ['self'] + made
    counts = [len(item['credentials']) for item in result['api_clients']]
    assert counts == [1, 0, 1, 0]
    assert result['api_clients'][0]['credentials'][0]['signing'] is True
    assert 'credentials' not in result and 'client_id' not in result
    # One read per API client, nothing else.
    log = emulator.admin.log()['counts']
    assert sum(log.values()) == 4 and all(key.startswith('GET ') for key in log)
    # The one-client form is unchanged.
    failed, one = run(api_credential_info, dict(edgerc=emulator.edgerc, client_id=made[1]))
    assert not failed and one['client_id'] == made[1] and len(one['credentials']) == 1


def test_a_client_named_twice_is_read_once_and_returned_twice(emulator, run):
    made = clients(emulator, run, 1)
    emulator.admin.reset_log()
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, client_ids=['self', made[0], 'self']))
    assert not failed, result
    assert [item['client_id'] for item in result['api_clients']] == ['self', made[0], 'self']
    assert result['api_clients'][0] == result['api_clients'][2]
    log = emulator.admin.log()['counts']
    assert sum(log.values()) == 2, log


def test_the_reads_go_side_by_side(emulator, run):
    made = clients(emulator, run, 4)
    emulator.admin.faults('slow', method='GET', path='/identity-management/v3/api-clients/', delay=0.5)
    emulator.admin.reset_log()
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, client_ids=made))
    assert not failed, result
    # The emulator logs each read when it answers, each 0.5 s after it came in: one after the other, the four
    # answers would span 1.5 s or more; side by side they come within the same 0.5 s.
    entries = [e for e in emulator.admin.log()['entries'] if e['path'].endswith('/credentials')]
    assert len(entries) == 4
    times = sorted(datetime.strptime(e['time'], '%Y-%m-%dT%H:%M:%S.%fZ') for e in entries)
    assert (times[-1] - times[0]).total_seconds() < 0.45, times


def test_a_client_that_cannot_be_read_is_named_and_the_others_are_returned(emulator, run):
    made = clients(emulator, run, 1)
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, client_ids=[made[0], 'nosuchclient']))
    assert failed
    assert result['msg'].startswith('client_ids[1] (nosuchclient): ')
    assert result['api_clients'][0] == dict(client_id=made[0], credentials=[])
    missing = result['api_clients'][1]
    assert missing['credentials'] is None and missing['error']['status'] == 404 and missing['msg']


@pytest.mark.parametrize('extra, message', [
    (dict(client_ids=['self', '']), 'client_ids[1]: a client ID must be a non-empty string'),
    (dict(client_ids=['self'], credential_id=3), 'mutually exclusive'),
    (dict(client_ids=['self'], client_id='abc'), 'client_id and client_ids are mutually exclusive'),
])
def test_bad_client_ids_are_refused_before_any_request(emulator, run, extra, message):
    emulator.admin.reset_log()
    failed, result = run(api_credential_info, dict(edgerc=emulator.edgerc, **extra))
    assert failed and message in result['msg']
    assert emulator.admin.log()['counts'] == {}
