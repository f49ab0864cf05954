# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Independent reads side by side (ApiClient.run_parallel, get_many) against the emulator with a network's latency.

Each API request waits `LATENCY` seconds in the emulator before it is handled, as a round trip to Akamai would
(`running_emulator(..., latency_ms=...)`, `emu.set_latency`): read one after the other, n reads wait n round trips;
side by side, about n / 4 (`_client.PARALLEL_READS`). The data is made without latency, then the latency is set.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _client
from ansible_collections.edgegrid.access.plugins.modules import api_key_collection_info, edgekv_token, edgekv_token_info

CONTRACT = 'C-1EMU001'
GROUP = 10001
KEYS = '/apikey-manager-api/v2/keys'
LATENCY = 0.25  # seconds per request


@pytest.fixture(name='capped')
def capped_fixture(tmp_path):
    """An emulator serving at most 100 keys a page of GET /keys (as Akamai may, without saying so)."""
    from akamai_emulator.testing import running_emulator  # pylint: disable=import-outside-toplevel
    with running_emulator(tmp_path, propagation_delay=0.2, max_page_size=100) as emu:
        yield emu


def _client_of(emu, **kwargs):
    kwargs.setdefault('max_retries', 0)
    return _client.EdgeGridClient(_client.resolve_config({'edgerc': emu.edgerc, 'section': 'default'}), **kwargs)


def _collection_with_keys(emu, count, name='parallel'):
    api = _apikeys.wire(_client_of(emu), 'v2')
    coll = api.create_collection({'name': name, 'description': None, 'contract_id': CONTRACT, 'group_id': GROUP})
    if count:
        api.add_keys(coll['id'], [{'value': '%s-%05d' % (name, n), 'label': 'p', 'description': None, 'tags': []}
                                  for n in range(count)])
    return coll['id']


def _gets(emu, path=KEYS):
    return emu.admin.log()['counts'].get('GET ' + path, 0)


def _timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def _moment(text):
    return datetime.fromisoformat(text.replace('Z', '+00:00')).timestamp()


def test_key_pages_after_the_first_are_read_side_by_side(capped):
    collection_id = _collection_with_keys(capped, 500)
    capped.set_latency(LATENCY * 1000)
    capped.admin.reset_log()
    api = _apikeys.wire(_client_of(capped), 'v2')
    keys = api.list_keys(collection_id)
    assert sorted(k['value'] for k in keys) == ['parallel-%05d' % n for n in range(500)]
    assert _gets(capped) == 5
    # The first page, then the 4 others at once (the emulator counts the requests in flight, each held a round trip:
    # not a timed assertion, which a loaded machine would fail).
    assert capped.admin.log()['max_in_flight'] == 4


@pytest.mark.parametrize('count,pages', [(0, 1), (100, 1), (300, 3), (301, 4)])
def test_as_many_pages_as_the_keys_fill_and_no_empty_one(capped, count, pages):
    # 300 keys in pages of 100: three pages; no fourth, empty one (the extra page once asked for at 10,000 keys).
    collection_id = _collection_with_keys(capped, count)
    capped.admin.reset_log()
    keys = _apikeys.wire(_client_of(capped), 'v2').list_keys(collection_id)
    assert len(keys) == count and len(set(k['id'] for k in keys)) == count
    assert _gets(capped) == pages


def test_a_rate_limit_on_one_of_the_reads_holds_the_others(capped):
    collection_id = _collection_with_keys(capped, 200)
    capped.set_latency(100)
    capped.admin.reset_log()
    # The first read to arrive is answered 429 with a rate-limit time 1.5 s ahead.
    capped.admin.faults('429', method='GET', path=KEYS, count=1, retry_after=1.5)
    client = _client_of(capped, max_retries=3, backoff_base=0.05)
    reads = [(KEYS, {'collectionId': collection_id, 'page': n, 'pageSize': 10}) for n in range(1, 21)]
    bodies, elapsed = _timed(lambda: client.get_many(reads))
    # The result is right, in the order asked for.
    assert [body['page'] for body in bodies] == list(range(1, 21))
    assert sorted(k['keyValue'] for body in bodies for k in body['keys']) == ['parallel-%05d' % n for n in range(200)]
    entries = [e for e in capped.admin.log()['entries'] if e['path'] == KEYS]
    limited = [e for e in entries if e['status'] == 429]
    assert len(limited) == 1 and len(entries) == 21
    limited_at = _moment(limited[0]['time'])
    # Requests already on their way when the 429 came are answered within a round trip of it (0.1 s here); no
    # request is sent after it before the rate-limit time. Without the hold the other three threads would go on
    # reading, one round trip after another, all through those 1.5 s.
    early = [e for e in entries if limited_at + 0.25 < _moment(e['time']) < limited_at + 1.45]
    assert early == [], (limited[0], early)
    assert elapsed >= 1.5


def test_an_error_among_the_reads_surfaces_the_problem_details(capped):
    collection_id = _collection_with_keys(capped, 10)
    capped.set_latency(100)
    capped.admin.reset_log()
    client = _client_of(capped)
    client.add_secret('parallel-00003')
    reads = ['/apikey-manager-api/v2/collections/999999'] + [
        (KEYS, {'collectionId': collection_id, 'page': 1, 'pageSize': 10})] * 11
    with pytest.raises(_client.ApiError) as caught:
        client.get_many(reads)
    error = caught.value
    assert error.status == 404 and error.path == '/apikey-manager-api/v2/collections/999999'
    assert str(error).startswith('GET /apikey-manager-api/v2/collections/999999 failed with HTTP 404: ')
    assert error.as_dict()['title'] and error.as_dict()['type']
    # The reads not yet started when the error came are not sent.
    assert _gets(capped) < 11


def test_one_read_or_one_worker_runs_in_the_callers_thread(capped):
    client = _client_of(capped)
    seen = []

    def note():
        seen.append(threading.get_ident())
        return len(seen)
    assert client.run_parallel([note]) == [1]
    assert client.run_parallel([note, note], max_workers=1) == [2, 3]
    assert set(seen) == {threading.get_ident()}
    assert client.run_parallel([]) == []


def _run(module, args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            module.main()
    return exc.value.code != 0, json.loads(capsys.readouterr().out)


def test_edgekv_token_details_are_read_side_by_side(capped, capsys):
    names = ['parallel_%d' % n for n in range(8)]
    for name in names:
        failed, result = _run(edgekv_token, dict(edgerc=capped.edgerc, name=name, allow_on_staging=True,
                                                 namespace_permissions={'default': 'r'}), capsys)
        assert not failed, result.get('msg')
    capped.set_latency(LATENCY * 1000)
    capped.admin.reset_log()
    failed, result = _run(edgekv_token_info, dict(edgerc=capped.edgerc, details=True, include_expired=True), capsys)
    assert not failed, result.get('msg')
    assert [t['name'] for t in result['edgekv_tokens']] == names
    assert all(t['namespace_permissions'] == {'default': ['r']} and not t['expired'] for t in result['edgekv_tokens'])
    # Two listings and eight tokens: the eight read four at a time.
    log = capped.admin.log()
    assert log['total'] == 10 and log['max_in_flight'] == _client.PARALLEL_READS, log['max_in_flight']


def test_collection_details_are_read_side_by_side(capped, capsys):
    ids = [_collection_with_keys(capped, 0, name='parallel-%d' % n) for n in range(5)]
    capped.set_latency(LATENCY * 1000)
    capped.admin.reset_log()
    failed, result = _run(api_key_collection_info, dict(edgerc=capped.edgerc), capsys)
    assert not failed, result.get('msg')
    mine = [c for c in result['api_key_collections'] if c['id'] in ids]
    assert [c['name'] for c in mine] == ['parallel-%d' % n for n in range(5)]
    assert all(c['quota'] is not None and c['acl'] is not None for c in mine)
    # The listing, then the ACL and quota of each collection (the emulator's own ones too), PARALLEL_READS at once.
    count = len(result['api_key_collections'])
    log = capped.admin.log()
    assert log['total'] == 1 + 2 * count and log['max_in_flight'] == _client.PARALLEL_READS, log['max_in_flight']


def test_the_error_reported_is_that_of_the_first_call_in_order_that_failed(capped):
    """Whichever ends first, the error of the earliest call (in the order given) is the one raised: the same input
    names the same failure on every run."""
    client = _client_of(capped)

    def late_failure():
        time.sleep(0.3)
        raise _client.TransportError('the first read failed')

    def early_failure():
        raise _client.TransportError('the second read failed')

    with pytest.raises(_client.TransportError, match='the first read failed'):
        client.run_parallel([late_failure, early_failure, lambda: 3])


def test_reads_side_by_side_within_reads_side_by_side_stay_within_the_bound(capped):
    """Calls of run_parallel that read side by side in their turn (a collection's details, each read in parallel):
    at most PARALLEL_READS requests of the client in flight at once (the emulator counts them), not PARALLEL_READS
    squared."""
    client = _client_of(capped)
    capped.set_latency(LATENCY * 1000)
    capped.admin.reset_log()
    path = '/apikey-manager-api/v2/collections'
    results = client.run_parallel([lambda: client.get_many([path] * 4) for dummy in range(4)])
    assert len(results) == 4 and all(len(inner) == 4 for inner in results)
    log = capped.admin.log()
    assert log['counts'].get('GET ' + path) == 16
    assert log['max_in_flight'] == _client.PARALLEL_READS, log['max_in_flight']
