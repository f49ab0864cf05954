# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The EdgeGrid client against a real local HTTP server (pytest-httpserver)."""

from __future__ import annotations

import json
import re
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
from werkzeug.wrappers import Response

from ansible_collections.edgegrid.access.plugins.module_utils import _client

SECRET = 'unit-test-client-secret-never-printed'
ACCESS = 'akab-unit-access-token-never-printed'
TOKEN = 'akab-unit-client-token-never-printed'

AUTH_RE = re.compile(r'^EG1-HMAC-SHA256 client_token=(?P<ct>[^;]+);access_token=(?P<at>[^;]+);'
                     r'timestamp=(?P<ts>\d{8}T\d\d:\d\d:\d\d\+0000);nonce=(?P<nonce>[0-9a-f-]+);'
                     r'signature=(?P<sig>[A-Za-z0-9+/=]+)$')


class Sleeper:
    """Records the waits the client asks for instead of sleeping."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


def make_client(httpserver, sleeper=None, **kwargs):
    config = _client.EdgeGridConfig(
        base_url=httpserver.url_for('/').rstrip('/'), client_token=TOKEN, client_secret=SECRET,
        access_token=ACCESS,
        account_switch_key=kwargs.pop('account_switch_key', None))
    kwargs.setdefault('backoff_base', 0.01)
    return _client.EdgeGridClient(config, sleep=sleeper or Sleeper(), **kwargs)


def json_response(status, body, headers=None, content_type='application/json'):
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type=content_type)


def problem(status, title='Forbidden', detail='not allowed', **extra):
    body = dict(type='/test/error-types/%s' % status, title=title, status=status, detail=detail,
                instance='inst-%s' % status, **extra)
    return json_response(status, body, content_type='application/problem+json')


class Sequence:
    """A handler answering from a list, recording each request."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.requests = []

    def __call__(self, request):
        self.requests.append(dict(headers=dict(request.headers), args=request.args.to_dict(flat=False),
                                  body=request.get_data()))
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        return answer


def test_get_is_signed_with_user_agent(httpserver):
    seq = Sequence(json_response(200, {'ok': True}))
    httpserver.expect_request('/thing').respond_with_handler(seq)
    client = make_client(httpserver)
    response = client.request('GET', '/thing')
    assert response.status == 200 and response.body == {'ok': True}
    headers = seq.requests[0]['headers']
    match = AUTH_RE.match(headers['Authorization'])
    assert match, headers['Authorization']
    assert match.group('ct') == TOKEN and match.group('at') == ACCESS
    assert headers['User-Agent'].startswith('edgegrid.access/%s' % _client.COLLECTION_VERSION)


def test_the_signer_hashes_what_akamai_checks(httpserver):
    # Akamai's gateway hashes the first 131072 bytes of a POST body: no setting may make the signer hash fewer.
    client = make_client(httpserver)
    assert client.session.auth.ah.max_body == 131072


def test_account_switch_key_merged_with_other_parameters(httpserver):
    seq = Sequence(json_response(200, {}))
    httpserver.expect_request('/list').respond_with_handler(seq)
    client = make_client(httpserver, account_switch_key='1-ABC:1-DEF')
    client.request('GET', '/list?inline=1', params={'pageSize': 5, 'tag': ['a', 'b']})
    args = seq.requests[0]['args']
    assert args == {'inline': ['1'], 'pageSize': ['5'], 'tag': ['a', 'b'], 'accountSwitchKey': ['1-ABC:1-DEF']}


def test_each_retry_is_signed_anew(httpserver):
    seq = Sequence(problem(503, 'Unavailable'), problem(503, 'Unavailable'), json_response(200, {'n': 1}))
    httpserver.expect_request('/r').respond_with_handler(seq)
    sleeper = Sleeper()
    response = make_client(httpserver, sleeper).request('GET', '/r')
    assert response.body == {'n': 1} and response.attempts == 3
    nonces = [AUTH_RE.match(r['headers']['Authorization']).group('nonce') for r in seq.requests]
    signatures = [AUTH_RE.match(r['headers']['Authorization']).group('sig') for r in seq.requests]
    assert len(set(nonces)) == 3 and len(set(signatures)) == 3
    assert len(sleeper.waits) == 2


@pytest.mark.parametrize('status', [500, 502, 503, 504, 429])
def test_get_retried_on_429_and_5xx(httpserver, status):
    seq = Sequence(problem(status), json_response(200, {}))
    httpserver.expect_request('/g').respond_with_handler(seq)
    assert make_client(httpserver).request('GET', '/g').attempts == 2


def test_get_not_retried_on_501_or_4xx(httpserver):
    for status in (501, 400, 403, 404):
        seq = Sequence(problem(status))
        httpserver.clear()
        httpserver.expect_request('/n').respond_with_handler(seq)
        with pytest.raises(_client.ApiError) as exc:
            make_client(httpserver).request('GET', '/n')
        assert exc.value.status == status and len(seq.requests) == 1


@pytest.mark.parametrize('method', ['POST', 'PUT', 'DELETE', 'PATCH'])
def test_write_not_retried_on_5xx(httpserver, method):
    seq = Sequence(problem(503), json_response(200, {}))
    httpserver.expect_request('/w', method=method).respond_with_handler(seq)
    with pytest.raises(_client.ApiError) as exc:
        make_client(httpserver).request(method, '/w', json_body={'a': 1})
    assert exc.value.status == 503 and len(seq.requests) == 1


def test_write_retried_on_429_with_a_fresh_signature(httpserver):
    seq = Sequence(problem(429, 'Too many'), json_response(201, {'id': 7}))
    httpserver.expect_request('/w', method='POST').respond_with_handler(seq)
    response = make_client(httpserver).request('POST', '/w', json_body={'name': 'x'})
    assert response.status == 201 and len(seq.requests) == 2
    assert seq.requests[0]['body'] == seq.requests[1]['body'] == b'{"name":"x"}'
    assert seq.requests[0]['headers']['Authorization'] != seq.requests[1]['headers']['Authorization']


def _iso(seconds_ahead):
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds_ahead)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'


def test_wait_comes_from_akamai_header_first(httpserver):
    headers = {'Akamai-RateLimit-Next': _iso(5), 'X-RateLimit-Next': _iso(20), 'Retry-After': '40'}
    seq = Sequence(json_response(429, {'title': 'slow'}, headers), json_response(200, {}))
    httpserver.expect_request('/q').respond_with_handler(seq)
    sleeper = Sleeper()
    make_client(httpserver, sleeper).request('GET', '/q')
    # The time Akamai-RateLimit-Next names, then the backoff (0.005-0.01 s here) beyond it; up to a second more when
    # the answer is handled a second or more after its `Date` (a loaded machine), counted from `Date` then
    # (_client._server_now: too long by up to a second, never too short).
    assert 3.5 < sleeper.waits[0] <= 6.01


def test_wait_from_x_ratelimit_next_then_retry_after(httpserver):
    seq = Sequence(json_response(429, {}, {'X-RateLimit-Next': _iso(8), 'Retry-After': '40'}),
                   json_response(429, {}, {'Retry-After': '2'}),
                   json_response(200, {}))
    httpserver.expect_request('/q').respond_with_handler(seq)
    sleeper = Sleeper()
    make_client(httpserver, sleeper).request('GET', '/q')
    assert 6.5 < sleeper.waits[0] <= 9.01  # as above: up to a second more when counted from `Date`
    assert 2.0 + 0.01 <= sleeper.waits[1] <= 2.0 + 0.02


def test_header_wait_is_really_waited(httpserver):
    seq = Sequence(json_response(429, {}, {'Akamai-RateLimit-Next': _iso(0.4)}), json_response(200, {}))
    httpserver.expect_request('/q').respond_with_handler(seq)
    config = _client.EdgeGridConfig(httpserver.url_for('/').rstrip('/'), TOKEN, SECRET, ACCESS)
    started = time.monotonic()
    _client.EdgeGridClient(config, backoff_base=0.01).request('GET', '/q')
    assert time.monotonic() - started >= 0.2


class Clocked:
    """A handler that notes when each request arrives (server side) and answers from a factory called then."""

    def __init__(self, *factories):
        self.factories = list(factories)
        self.arrivals = []

    def __call__(self, request):
        self.arrivals.append(time.monotonic())
        index = min(len(self.arrivals), len(self.factories)) - 1
        return self.factories[index]()

    def gaps(self):
        return [later - earlier for earlier, later in zip(self.arrivals, self.arrivals[1:])]


def rate_limited_now(status=429):
    """An answer whose rate-limit time is the present moment and whose Retry-After is 0.

    What a client sees when its clock runs a little ahead of the server's (EdgeGrid accepts up to 30 s).
    """
    def answer():
        now = _iso(0)
        return json_response(status, {'title': 'Too Many Requests'},
                             {'Akamai-RateLimit-Next': now, 'X-RateLimit-Next': now, 'Retry-After': '0'},
                             content_type='application/problem+json')
    return answer


# backoff_base 0.1: the waits before retries 1, 2, 3 are at least 0.05, 0.1 and 0.2 s, at most twice that.
FLOORS = [0.05, 0.1, 0.2]


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_rate_limit_time_of_now_does_not_storm(httpserver, method):
    clocked = Clocked(*[rate_limited_now()] * 10)
    httpserver.expect_request('/storm', method=method).respond_with_handler(clocked)
    client = make_client(httpserver, time.sleep, backoff_base=0.1)
    with pytest.raises(_client.ApiError) as exc:
        client.request(method, '/storm', json_body={'a': 1} if method == 'POST' else None)
    assert exc.value.status == 429 and 'gave up after 4 attempts' in str(exc.value)
    gaps = clocked.gaps()
    assert len(gaps) == 3
    for gap, floor in zip(gaps, FLOORS):
        assert gap >= floor, gaps
    # The waits grow: the third is at least the most the first could be.
    assert gaps[0] < gaps[2], gaps


def test_5xx_with_retry_after_zero_backs_off(httpserver):
    clocked = Clocked(*[rate_limited_now(503)] * 3, lambda: json_response(200, {'ok': True}))
    httpserver.expect_request('/busy').respond_with_handler(clocked)
    client = make_client(httpserver, time.sleep, backoff_base=0.1)
    assert client.request('GET', '/busy').attempts == 4
    for gap, floor in zip(clocked.gaps(), FLOORS):
        assert gap >= floor, clocked.gaps()


def test_rate_limit_time_in_the_future_is_honoured(httpserver):
    def later():
        return json_response(429, {}, {'Akamai-RateLimit-Next': _iso(0.3), 'Retry-After': '0'})
    clocked = Clocked(later, lambda: json_response(201, {'id': 1}))
    httpserver.expect_request('/later', method='POST').respond_with_handler(clocked)
    client = make_client(httpserver, time.sleep, backoff_base=0.1)
    assert client.request('POST', '/later', json_body={}).status == 201
    # The header's time (to the millisecond), then at least the first backoff beyond it.
    assert 0.3 - 0.001 + FLOORS[0] <= clocked.gaps()[0] < 0.3 + 2 * FLOORS[0] + 0.25, clocked.gaps()


def test_rate_limit_time_counted_from_the_servers_clock_when_ours_runs_ahead(httpserver):
    # This machine's clock 20 s ahead: the next allowed request, 0.5 s ahead on the server's clock, looks past.
    def later():
        return json_response(429, {}, {'Akamai-RateLimit-Next': _iso(0.5), 'Retry-After': '0'})
    clocked = Clocked(later, lambda: json_response(200, {}))
    httpserver.expect_request('/skew').respond_with_handler(clocked)
    client = make_client(httpserver, time.sleep, backoff_base=0.02, clock=lambda: time.time() + 20.0)
    client.request('GET', '/skew')
    # Counted from the answer's Date (to the second): at least the 0.5 s, at most a second more.
    assert 0.5 - 0.001 <= clocked.gaps()[0] < 0.5 + 1.0 + 0.02 + 0.25, clocked.gaps()


def test_backoff_without_headers_grows(httpserver):
    seq = Sequence(problem(503), problem(503), problem(503), json_response(200, {}))
    httpserver.expect_request('/b').respond_with_handler(seq)
    sleeper = Sleeper()
    make_client(httpserver, sleeper, backoff_base=1.0).request('GET', '/b')
    assert len(sleeper.waits) == 3
    assert 0.5 <= sleeper.waits[0] <= 1.0 and 1.0 <= sleeper.waits[1] <= 2.0 and 2.0 <= sleeper.waits[2] <= 4.0


def test_gives_up_after_max_retries_with_the_problem(httpserver):
    seq = Sequence(problem(503, 'Service Unavailable', 'try later'))
    httpserver.expect_request('/x').respond_with_handler(seq)
    with pytest.raises(_client.ApiError) as exc:
        make_client(httpserver, max_retries=2).request('GET', '/x')
    assert len(seq.requests) == 3
    text = str(exc.value)
    assert 'GET /x failed with HTTP 503' in text and 'try later' in text and 'gave up after 3 attempts' in text


def test_gives_up_when_the_wait_exceeds_the_budget(httpserver):
    seq = Sequence(json_response(429, {'title': 'Too Many Requests'}, {'Retry-After': '120'}))
    httpserver.expect_request('/x').respond_with_handler(seq)
    sleeper = Sleeper()
    with pytest.raises(_client.TransportError) as exc:
        make_client(httpserver, sleeper, retry_max_wait=60).request('GET', '/x')
    assert 'retry_max_wait' in str(exc.value) and '120.0' in str(exc.value)
    assert not sleeper.waits and len(seq.requests) == 1


def test_timeout(httpserver):
    def slow(_request):
        time.sleep(1.0)
        return json_response(200, {})
    httpserver.expect_request('/slow').respond_with_handler(slow)
    with pytest.raises(_client.TransportError) as exc:
        make_client(httpserver, timeout=0.2, max_retries=1).request('GET', '/slow')
    assert 'timed out after 0.2 seconds' in str(exc.value) and 'gave up after 2 attempts' in str(exc.value)


def _closed_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_connection_refused_read_retried_then_fails():
    config = _client.EdgeGridConfig('http://127.0.0.1:%d' % _closed_port(), TOKEN, SECRET, ACCESS)
    sleeper = Sleeper()
    client = _client.EdgeGridClient(config, sleep=sleeper, max_retries=2, backoff_base=0.01)
    with pytest.raises(_client.TransportError) as exc:
        client.request('GET', '/x')
    assert 'connection failed' in str(exc.value) and len(sleeper.waits) == 2


def test_connection_refused_write_not_retried():
    config = _client.EdgeGridConfig('http://127.0.0.1:%d' % _closed_port(), TOKEN, SECRET, ACCESS)
    sleeper = Sleeper()
    with pytest.raises(_client.TransportError) as exc:
        _client.EdgeGridClient(config, sleep=sleeper).request('POST', '/x', json_body={})
    assert 'not retried' in str(exc.value) and not sleeper.waits


def test_problem_details_with_nested_errors(httpserver):
    body = problem(400, 'Validation error', 'The request you submitted is invalid.',
                   errors=[{'type': '/t/not-empty', 'title': 'Empty field', 'detail': 'must not be blank',
                            'field': 'name'}], requestId='req-123')
    httpserver.expect_request('/p', method='POST').respond_with_response(body)
    with pytest.raises(_client.ApiError) as exc:
        make_client(httpserver).request('POST', '/p', json_body={})
    err = exc.value
    assert (err.status, err.title, err.type, err.request_id) == (400, 'Validation error', '/test/error-types/400',
                                                                 'req-123')
    assert err.errors[0]['field'] == 'name'
    text = str(err)
    assert 'POST /p failed with HTTP 400' in text and 'name: must not be blank' in text and 'req-123' in text
    assert err.as_dict()['detail'] == 'The request you submitted is invalid.'


def test_non_json_error_body(httpserver):
    httpserver.expect_request('/h').respond_with_data('<html>Bad gateway</html>', status=502,
                                                      content_type='text/html')
    with pytest.raises(_client.ApiError) as exc:
        make_client(httpserver, max_retries=0).request('GET', '/h')
    assert exc.value.status == 502 and 'Bad gateway' in str(exc.value)
    assert exc.value.as_dict()['body'] == '<html>Bad gateway</html>'


def test_secrets_are_masked_in_error_text(httpserver):
    echo = 'credential %s / %s / %s rejected; key value s3cr3t-key-value' % (SECRET, ACCESS, TOKEN)
    httpserver.expect_request('/e').respond_with_response(problem(401, 'Unauthorized', echo,
                                                                  errors=[{'detail': echo}]))
    client = make_client(httpserver)
    client.add_secret('s3cr3t-key-value')
    with pytest.raises(_client.ApiError) as exc:
        client.request('GET', '/e')
    everything = str(exc.value) + json.dumps(exc.value.as_dict())
    for secret in (SECRET, ACCESS, TOKEN, 's3cr3t-key-value'):
        assert secret not in everything
    assert '********' in everything


def test_expected_status_returns_the_body(httpserver):
    httpserver.expect_request('/m').respond_with_response(problem(404, 'Not Found', 'no such thing'))
    client = make_client(httpserver)
    assert client.request('GET', '/m', expected=[404]).status == 404
    assert client.get('/m', missing_ok=True) is None


def test_paginate_follows_pages_until_a_short_one(httpserver):
    def pages(request):
        page = int(request.args['page'])
        size = int(request.args['pageSize'])
        items = list(range((page - 1) * size, min(page * size, 7)))
        return json_response(200, {'keys': items, 'page': page})
    httpserver.expect_request('/keys').respond_with_handler(pages)
    assert make_client(httpserver).paginate('/keys', 'keys', page_size=3) == list(range(7))


def test_paginate_stops_on_a_repeated_page(httpserver):
    httpserver.expect_request('/same').respond_with_json({'items': [1, 2]})
    with pytest.raises(_client.EdgeGridError) as exc:
        make_client(httpserver).paginate('/same', 'items', page_size=2)
    assert 'repeats' in str(exc.value)


def test_paginate_is_bounded(httpserver):
    counter = {'n': 0}

    def endless(_request):
        counter['n'] += 1
        return json_response(200, {'items': [counter['n'], 0]})
    httpserver.expect_request('/endless').respond_with_handler(endless)
    with pytest.raises(_client.EdgeGridError) as exc:
        make_client(httpserver).paginate('/endless', 'items', page_size=2, max_pages=5)
    assert 'more than 5 pages' in str(exc.value) and counter['n'] == 5


def test_parse_wait_formats():
    now = 1_700_000_000.0
    assert _client.parse_wait({'retry-after': '3'}, now) == 3.0
    assert _client.parse_wait({'retry-after': 'Tue, 14 Nov 2023 22:13:25 GMT'}, now) == pytest.approx(5.0)
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:30Z'}, now) == pytest.approx(10.0)
    assert _client.parse_wait({'akamai-ratelimit-next': '2000-01-01T00:00:00Z'}, now) == 0.0
    assert _client.parse_wait({'retry-after': 'soon'}, now) is None
    # now is 22:13:20. A Date a second or more behind our clock: times are counted from it (our clock runs ahead).
    ahead = now + 20
    date = 'Tue, 14 Nov 2023 22:13:20 GMT'
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:22Z'}, ahead) == 0.0
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:22Z', 'date': date}, ahead) == 2.0
    assert _client.parse_wait({'retry-after': 'Tue, 14 Nov 2023 22:13:25 GMT', 'date': date}, ahead) == 5.0
    # Within the Date's one-second resolution, or with our clock behind: our clock.
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:21Z', 'date': date}, now + 0.5) == 0.5
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:21Z', 'date': date}, now - 5) == 6.0
    # Seconds in Retry-After do not depend on any clock; a Date that cannot be read is ignored.
    assert _client.parse_wait({'retry-after': '3', 'date': date}, ahead) == 3.0
    assert _client.parse_wait({'x-ratelimit-next': '2023-11-14T22:13:21Z', 'date': 'yesterday'}, now) == 1.0
    assert _client.parse_wait({}, now) is None
