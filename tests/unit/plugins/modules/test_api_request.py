# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_request: input validation before any request, check mode, results, against a real local server."""

from __future__ import annotations

import functools
import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.edgegrid.access.plugins.modules import api_request

SECRET = 'module-test-secret-never-printed'


@pytest.fixture
def run(run):
    """Every run checks that the secret is not in what the module printed."""
    return functools.partial(run, unseen=(SECRET,))


def auth(httpserver):
    return dict(host=httpserver.url_for('/').rstrip('/'), client_token='akab-ct', client_secret=SECRET,
                access_token='akab-at', max_retries=0)


@pytest.mark.parametrize('extra, message', [
    (dict(path='relative/path'), 'path must start with "/"'),
    (dict(path='/x', query={'accountSwitchKey': 'k'}), 'account_switch_key option'),
    (dict(path='/x', headers={'authorization': 'x'}), 'must not set Authorization'),
    (dict(path='/x', method='POST', paginate={'items': 'keys'}), 'paginate works only with method GET'),
    (dict(path='/x', paginate={'items': 'keys', 'page_size': 0}), 'paginate.page_size'),
    # Found by a tester: the page number was sent as "?=1", and page 2 failed as a repeat of page 1.
    (dict(path='/x', paginate={'items': 'keys', 'page_param': ''}), "paginate.page_param '' names no query parameter"),
    (dict(path='/x', paginate={'items': 'keys', 'page_param': None}),
     "paginate.page_param '' names no query parameter"),
    (dict(path='/x', paginate={'items': 'keys', 'page_param': '  '}),
     "paginate.page_param '  ' names no query parameter"),
    (dict(path='/x', paginate={'items': 'keys', 'size_param': ' '}), "paginate.size_param ' ' names no query parameter"),
    # Found by a tester: the page number replaced the page size, and page 2 failed as a repeat of page 1.
    (dict(path='/x', paginate={'items': 'keys', 'page_param': 'pageSize'}),
     "paginate.page_param and paginate.size_param are both 'pageSize'"),
    (dict(path='/x', query={'page': 3}, paginate={'items': 'keys'}), "query sets 'page', which paginate sends"),
    (dict(path='/x', query={'pageSize': 3}, paginate={'items': 'keys'}), "query sets 'pageSize', which paginate sends"),
    (dict(path='/x', body={'a': 1}), 'body cannot be sent with method GET'),
    (dict(path='/x', request_timeout=0), 'request_timeout must be greater than 0'),
    (dict(path='/x', max_retries=-1), 'max_retries must be 0 or more'),
])
def test_bad_input_fails_before_any_request(httpserver, run, extra, message):
    args = auth(httpserver)
    args.update(extra)
    failed, result = run(api_request, args)
    assert failed and message in result['msg']
    assert len(httpserver.log) == 0


def test_check_mode_write_sends_nothing(httpserver, run):
    args = auth(httpserver)
    args.update(path='/edgekv/v1/tokens', method='POST', body={'name': 't'}, _ansible_check_mode=True)
    failed, result = run(api_request, args)
    assert not failed and result['changed'] is True and 'status' not in result
    assert len(httpserver.log) == 0


def test_check_mode_read_is_sent(httpserver, run):
    httpserver.expect_request('/r').respond_with_json({'a': 1})
    args = auth(httpserver)
    args.update(path='/r', _ansible_check_mode=True)
    failed, result = run(api_request, args)
    assert not failed and result['changed'] is False and result['json'] == {'a': 1}


def test_write_reports_changed_and_body(httpserver, run):
    httpserver.expect_request('/w', method='PUT', json={'x': [1, 2]}).respond_with_json({'ok': True}, status=200)
    args = auth(httpserver)
    args.update(path='/w', method='PUT', body={'x': [1, 2]}, query={'flag': True, 'n': 3})
    failed, result = run(api_request, args)
    assert not failed and result['changed'] is True and result['status'] == 200
    assert 'flag=true' in result['url'] and 'n=3' in result['url']


def test_non_json_body_is_returned_as_content(httpserver, run):
    httpserver.expect_request('/t').respond_with_data('plain text', content_type='text/plain')
    args = auth(httpserver)
    args.update(path='/t')
    failed, result = run(api_request, args)
    assert not failed and result['content'] == 'plain text' and 'json' not in result


def test_2xx_outside_status_code_fails(httpserver, run):
    httpserver.expect_request('/a').respond_with_json({}, status=202)
    args = auth(httpserver)
    args.update(path='/a', status_code=[200])
    failed, result = run(api_request, args)
    assert failed and 'not one of status_code [200]' in result['msg'] and result['status'] == 202


def test_api_error_carries_problem_details(httpserver, run):
    httpserver.expect_request('/p').respond_with_json(
        {'type': '/x/error-types/forbidden', 'title': 'Forbidden', 'status': 403,
         'detail': 'echoing %s' % SECRET, 'instance': 'i-1'}, status=403)
    args = auth(httpserver)
    args.update(path='/p')
    failed, result = run(api_request, args)
    assert failed
    assert result['error']['status'] == 403 and result['error']['type'] == '/x/error-types/forbidden'
    assert 'GET /p failed with HTTP 403: Forbidden' in result['msg']


def test_config_error_is_clear(tmp_path, run):
    failed, result = run(api_request, dict(path='/x', edgerc=str(tmp_path / 'missing')))
    assert failed and result['msg'].startswith('Akamai credentials: .edgerc file') and 'does not exist' in result['msg']


def test_paginate_returns_all_items(httpserver, run):
    def handler(request):
        from werkzeug.wrappers import Response
        page = int(request.args['p'])
        items = [] if page > 2 else [page * 10, page * 10 + 1]
        return Response(json.dumps({'data': {'list': items}}), content_type='application/json')
    httpserver.expect_request('/l').respond_with_handler(handler)
    args = auth(httpserver)
    args.update(path='/l', paginate={'items': 'data.list', 'page_param': 'p', 'page_size': 2})
    failed, result = run(api_request, args)
    assert not failed and result['all_items'] == [10, 11, 20, 21]


def test_paginate_without_a_page_size_ends_on_an_empty_page(httpserver, run):
    seen = []

    def handler(request):
        from werkzeug.wrappers import Response
        seen.append(dict(request.args))
        page = int(request.args['page'])
        items = [] if page > 2 else [page * 10]
        return Response(json.dumps(items), content_type='application/json')
    httpserver.expect_request('/l').respond_with_handler(handler)
    args = auth(httpserver)
    args.update(path='/l', paginate={'size_param': '', 'page_size': 5})
    failed, result = run(api_request, args)
    assert not failed and result['all_items'] == [10, 20]
    assert seen == [{'page': '1'}, {'page': '2'}, {'page': '3'}]


def test_secret_fields_are_masked_unless_asked_for(httpserver, run):
    body = {'credentialId': 1, 'clientSecret': 'fresh-secret-value', 'nested': [{'accessToken': 'akab-tok-1'}],
            'note': 'signed with %s' % SECRET}
    httpserver.expect_request('/c', method='POST').respond_with_json(body, status=201)
    args = auth(httpserver)
    args.update(path='/c', method='POST')
    failed, result = run(api_request, args)
    assert not failed
    assert result['json'] == {'credentialId': 1, 'clientSecret': '********', 'nested': [{'accessToken': '********'}],
                              'note': 'signed with ********'}
    args['return_secrets'] = True
    failed, result = run(api_request, args)
    assert result['json']['clientSecret'] == 'fresh-secret-value'


def test_environment_variables_supply_the_credentials(httpserver, run, monkeypatch):
    httpserver.expect_request('/self').respond_with_json({'ok': True})
    monkeypatch.setenv('AKAMAI_HOST', httpserver.url_for('/').rstrip('/'))
    monkeypatch.setenv('AKAMAI_CLIENT_TOKEN', 'akab-env-ct')
    monkeypatch.setenv('AKAMAI_CLIENT_SECRET', SECRET)
    monkeypatch.setenv('AKAMAI_ACCESS_TOKEN', 'akab-env-at')
    monkeypatch.setenv('AKAMAI_ACCOUNT_KEY', '1-ENV:1-KEY')
    failed, result = run(api_request, dict(path='/self', max_retries=0))
    assert not failed and result['json'] == {'ok': True}
    request = httpserver.log[0][0]
    assert 'client_token=akab-env-ct;access_token=akab-env-at;' in request.headers['Authorization']
    assert request.args['accountSwitchKey'] == '1-ENV:1-KEY'


def test_oauth2_settings_from_environment_variables(emulator, capsys, monkeypatch):
    monkeypatch.setenv('OAUTH2_TOKEN_URL', emulator.url('/oauth2/connect/token'))
    monkeypatch.setenv('OAUTH2_CLIENT_ID', 'emu-waf-reader')
    monkeypatch.setenv('OAUTH2_CLIENT_SECRET', 'waf-reader-secret-1')
    monkeypatch.setenv('OAUTH2_SCOPES', 'app.waf.rules:read')
    monkeypatch.setenv('OAUTH2_API_URL', emulator.url('/oauth2'))
    with patch_module_args(dict(auth_type='oauth2', path='/api/app/waf/rules')):
        with pytest.raises(SystemExit) as exc:
            api_request.main()
    out = capsys.readouterr().out
    assert exc.value.code == 0 and json.loads(out)['status'] == 200
    assert 'waf-reader-secret-1' not in out
