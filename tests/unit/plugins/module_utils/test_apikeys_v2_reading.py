# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys v2: reading keys page by page whatever the server's page size, and refusing answers whose [UNKNOWN]
member names differ from what the collection reads (apikey-manager-api-v2-REFERENCE.md sections 4.13, 5.3-5.5).

Paging runs against the emulator with a page cap of 100 (it serves at most 100 keys a page, without an error, as
Akamai might); what the emulator cannot answer (pages that do not add up, another shape) comes from a local HTTP
server (pytest-httpserver)."""

from __future__ import annotations

import json
import os

import pytest
from ansible.module_utils.testing import patch_module_args
from werkzeug.wrappers import Response

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _apikeys_v2, _client
from ansible_collections.edgegrid.access.plugins.modules import api_key

CONTRACT = 'C-1EMU001'
GROUP = 10001


@pytest.fixture(name='capped')
def capped_fixture(tmp_path):
    """An emulator serving at most 100 keys a page of GET /keys."""
    from akamai_emulator.testing import running_emulator  # pylint: disable=import-outside-toplevel
    with running_emulator(tmp_path, propagation_delay=0.2, max_page_size=100) as emu:
        yield emu


def _wire(emulator):
    client = _client.EdgeGridClient(_client.resolve_config({'edgerc': emulator.edgerc, 'section': 'default'}),
                                    max_retries=0)
    return _apikeys.wire(client, 'v2')


def _key_gets(emulator):
    return emulator.admin.log()['counts'].get('GET /apikey-manager-api/v2/keys', 0)


def test_a_thousand_keys_are_read_completely_with_a_page_cap_of_100(capped):
    api = _wire(capped)
    coll = api.create_collection({'name': 'paged', 'description': None, 'contract_id': CONTRACT, 'group_id': GROUP})
    api.add_keys(coll['id'], [{'value': 'paged-%04d' % n, 'label': 'p', 'description': None, 'tags': []}
                              for n in range(1000)])
    capped.admin.reset_log()
    keys = api.list_keys(coll['id'])
    assert sorted(k['value'] for k in keys) == ['paged-%04d' % n for n in range(1000)]
    assert len(set(k['id'] for k in keys)) == 1000
    # totalItems says 1,000: ten pages of 100, no empty page needed.
    assert _key_gets(capped) == 10


def _run_api_key(args, capsys):
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exc:
            api_key.main()
    return exc.value.code != 0, json.loads(capsys.readouterr().out)


def test_exclusive_acts_on_every_page(capped, capsys):
    """exclusive: true with 1,000 keys: the converged run sees all of them (and so revokes and creates none)."""
    api = _wire(capped)
    coll = api.create_collection({'name': 'exclusive', 'description': None, 'contract_id': CONTRACT,
                                  'group_id': GROUP})
    keys = [{'value': 'excl-%04d' % n, 'label': 'partner'} for n in range(1000)]
    args = {'edgerc': capped.edgerc, 'api_version': 'v2', 'collection': 'exclusive', 'keys': keys,
            'exclusive': True, 'return_keys': 'none'}
    failed, result = _run_api_key(args, capsys)
    assert not failed, result.get('msg')
    assert result['api_key']['changes']['created'] == 1000
    capped.admin.reset_log()
    failed, result = _run_api_key(args, capsys)
    assert not failed and not result['changed'], result
    log = capped.admin.log()
    assert [k for k in log['counts'] if not k.startswith('GET ')] == []
    assert _key_gets(capped) == 10
    # One key more on the server than declared: exclusive revokes exactly that one.
    api.create_keys(coll['id'], ['excl-extra'])
    failed, result = _run_api_key(args, capsys)
    assert not failed and result['changed'] and result['api_key']['changes']['revoked'] == 1


# ---------------------------------------------------------------- pages that do not add up (a local server)

def _client_for(httpserver):
    config = _client.EdgeGridConfig(base_url=httpserver.url_for('/').rstrip('/'), client_token='akab-ct',
                                    client_secret='unit-secret', access_token='akab-at',
                                    account_switch_key=None)
    return _client.EdgeGridClient(config, max_retries=0)


def _key(n):
    return {'keyId': n, 'keyValue': 'v%d' % n, 'keyStatus': 'DEPLOYED', 'collections': [{'collectionId': 1}]}


class Pages:
    """Answers GET /keys from a dict page number -> body, recording the pages asked for."""

    def __init__(self, pages):
        self.pages = pages
        self.asked = []

    def __call__(self, request):
        page = int(request.args['page'])
        self.asked.append((page, int(request.args['pageSize'])))
        return Response(json.dumps(self.pages.get(page, {'keys': []})), content_type='application/json')


def _serve(httpserver, pages):
    handler = Pages(pages)
    httpserver.expect_request('/apikey-manager-api/v2/keys').respond_with_handler(handler)
    return handler


def test_without_page_metadata_paging_stops_at_an_empty_page(httpserver):
    handler = _serve(httpserver, {1: {'keys': [_key(1), _key(2)]}, 2: {'keys': [_key(3)]}, 3: {'keys': []}})
    keys = _apikeys_v2.read_key_pages(_client_for(httpserver), {}, page_size=2)
    # The short second page is not taken for the last: the server may cap pages without saying so.
    assert [k['keyId'] for k in keys] == [1, 2, 3] and [page for page, size in handler.asked] == [1, 2, 3]
    assert set(size for page, size in handler.asked) == {2}


def test_the_default_page_size_is_a_thousand(httpserver):
    handler = _serve(httpserver, {1: {'keys': [_key(1)], 'totalItems': 1}})
    assert len(_apikeys_v2.Wire(_client_for(httpserver)).list_keys()) == 1
    assert handler.asked == [(1, 1000)]


@pytest.mark.parametrize('pages,message', [
    ({1: {'keys': [_key(1), _key(2)], 'totalItems': 5}}, r'the pages held 2 keys, but the API counts 5'),
    ({1: {'keys': [_key(1), _key(2)], 'totalItems': 4}, 2: {'keys': [_key(1), _key(2)], 'totalItems': 4}},
     r'key 1 came on two pages'),
    ({1: {'keys': [_key(1), _key(2)], 'totalItems': 4}, 2: {'keys': [_key(3)], 'totalItems': 3}},
     r'the key count changed from 4 to 3'),
    ({1: {'keys': [_key(1), _key(2)], 'page': 1}, 2: {'keys': [_key(3)], 'page': 1}},
     r'asked for page 2, got page 1'),
    ({1: {'items': [_key(1)]}}, r"expected an object with a 'keys' array"),
])
def test_pages_that_do_not_add_up_fail_loudly(httpserver, pages, message):
    _serve(httpserver, pages)
    with pytest.raises(_apikeys_v2.WireError, match=message):
        _apikeys_v2.read_key_pages(_client_for(httpserver), {}, page_size=2)


def test_a_server_that_ignores_page_is_caught(httpserver):
    # The same full page whatever `page` asks for, and no metadata: a duplicate, not an endless loop.
    httpserver.expect_request('/apikey-manager-api/v2/keys').respond_with_json({'keys': [_key(1), _key(2)]})
    with pytest.raises(_apikeys_v2.WireError, match='came on two pages'):
        _apikeys_v2.read_key_pages(_client_for(httpserver), {}, page_size=2)


# ---------------------------------------------------------------- members whose v2 names are [UNKNOWN]

@pytest.mark.parametrize('config', [
    {'allowedHeaders': ['X-RateLimit-Limit'], 'deniedHeaders': []},
    {'allowHeaders': ['LIMIT'], 'denyHeaders': []},
    {'allowHeaders': 'X-RateLimit-Limit'},
    ['X-RateLimit-Limit'],
])
def test_quota_headers_config_of_another_shape_is_refused(config):
    body = {'isEnabled': True, 'requestLimit': 100, 'resetInterval': 'DAY', 'headersConfig': config}
    with pytest.raises(_apikeys_v2.WireError, match='headersConfig'):
        _apikeys_v2.quota_from_wire(body)


def test_quota_headers_config_absent_or_null_means_no_headers():
    for body in ({'isEnabled': False}, {'isEnabled': False, 'headersConfig': None},
                 {'isEnabled': False, 'headersConfig': {'allowHeaders': None}}):
        quota = _apikeys_v2.quota_from_wire(body)
        assert quota['allow_headers'] == [] and quota['deny_headers'] == []


COUNTER = {'throttlingCounterId': 1, 'throttlingCounterName': 'c', 'throttlingCounterEnabled': True,
           'throttlingLimit': 10, 'throttlingLimitExceededAction': 'DENY', 'contractId': CONTRACT, 'groupId': GROUP}


@pytest.mark.parametrize('extra,message', [
    ({'headersConfig': {'clientHeaders': ['X-Throttling-Limit'], 'sentToOrigin': ['X-Throttling-Rate']}},
     "headersConfig has 'sentToOrigin'"),
    ({'headersConfig': {'clientHeaders': ['THROTTLING_LIMIT']}}, 'headersConfig.clientHeaders'),
    ({'errorResponse': {'httpStatusCode': 429, 'body': '{}'}}, "errorResponse has members 'body', 'httpStatusCode'"),
    ({'errorResponse': {'statusCode': '429'}}, 'errorResponse has members'),
    ({'errorResponse': {'statusCode': 429, 'headers': {'Retry-After': '1'}}}, 'errorResponse has members'),
    ({'errorResponse': 'deny'}, 'errorResponse is not an object'),
])
def test_counter_members_of_another_shape_are_refused(extra, message):
    with pytest.raises(_apikeys_v2.WireError, match=message):
        _apikeys_v2.counter_from_wire(dict(COUNTER, **extra))


def test_counter_with_the_shapes_the_collection_reads():
    counter = _apikeys_v2.counter_from_wire(dict(COUNTER, headersConfig=None, errorResponse=None))
    assert counter['headers'] == {'client': [], 'origin': []} and counter['error_response'] is None
    counter = _apikeys_v2.counter_from_wire(dict(COUNTER, headersConfig={'clientHeaders': ['X-Throttling-Rate']},
                                                 errorResponse={'statusCode': 429, 'overrideDefaults': True,
                                                                'body': None, 'headers': None}))
    assert counter['headers'] == {'client': ['X-Throttling-Rate'], 'origin': []}
    assert counter['error_response'] == {'status_code': 429, 'body': None, 'headers': {}}


def test_a_counter_of_another_shape_fails_the_module_before_any_write(httpserver, capsys, tmp_path):
    """throttling_counter on a live answer it cannot read: a clear error, and no PUT that would drop the headers."""
    from ansible_collections.edgegrid.access.plugins.modules import throttling_counter  # pylint: disable=C0415
    listed = dict(COUNTER, throttlingCounterName='odd', headersConfig={'toClient': ['X-Throttling-Limit']})
    httpserver.expect_request('/apikey-manager-api/v2/counters', method='GET').respond_with_json(
        {'throttlingCounters': [listed]})
    edgerc = tmp_path / '.edgerc'
    edgerc.write_text('[default]\nclient_secret = unit-secret\nhost = %s\naccess_token = akab-at\n'
                      'client_token = akab-ct\n' % httpserver.url_for('/').rstrip('/'), encoding='utf-8')
    os.chmod(str(edgerc), 0o600)
    with patch_module_args({'edgerc': str(edgerc), 'name': 'odd', 'limit': 20}):
        with pytest.raises(SystemExit) as exc:
            throttling_counter.main()
    result = json.loads(capsys.readouterr().out)
    assert exc.value.code != 0 and "headersConfig has 'toClient'" in result['msg']
    assert [entry[0].method for entry in httpserver.log] == ['GET']
