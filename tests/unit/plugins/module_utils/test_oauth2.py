# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""OAuth 2.0 client credentials against the emulator's token endpoint and protected API (seed 004)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _client, _oauth2

ADMIN_ID, ADMIN_SECRET = 'emu-waf-admin', 'waf-admin-secret-1'
READER_ID, READER_SECRET = 'emu-waf-reader', 'waf-reader-secret-1'


def make(emulator, client_id=ADMIN_ID, secret=ADMIN_SECRET, scopes=('app.waf',)):
    config = _oauth2.resolve_config(dict(
        token_url=emulator.url('/oauth2/connect/token'), client_id=client_id, client_secret=secret,
        scopes=list(scopes), api_url=emulator.url('/oauth2')))
    return _oauth2.build_client(config, max_retries=0)


def token_calls(emulator):
    return emulator.admin.log()['counts'].get('POST /oauth2/connect/token', 0)


def test_broad_scope_grants_the_narrower_actions(emulator):
    client = make(emulator, scopes=['app.waf'])
    created = client.request('POST', '/api/app/waf/rules', json_body={'name': 'r1'})
    assert created.status in (200, 201)
    assert client.request('GET', '/api/app/waf/rules').status == 200


def test_narrow_scope_refuses_a_broader_action(emulator):
    client = make(emulator, READER_ID, READER_SECRET, scopes=['app.waf.rules:read'])
    assert client.request('GET', '/api/app/waf/rules').status == 200
    with pytest.raises(_client.ApiError) as exc:
        client.request('POST', '/api/app/waf/rules', json_body={'name': 'r2'})
    assert exc.value.status == 401 and exc.value.title == 'insufficient_scope'
    assert 'POST /api/app/waf/rules failed with HTTP 401: insufficient_scope' in str(exc.value)
    assert token_calls(emulator) == 1  # a new token would not cure a missing scope


def test_edit_modifier_does_not_delete(emulator):
    client = make(emulator, READER_ID, READER_SECRET, scopes=['app.waf.profiles:edit'])
    item = client.request('POST', '/api/app/waf/profiles', json_body={'name': 'p'}).body
    with pytest.raises(_client.ApiError) as exc:
        client.request('DELETE', '/api/app/waf/profiles/%s' % item['id'])
    assert exc.value.status == 401


def test_a_scope_not_granted_is_refused_at_the_token_endpoint(emulator):
    client = make(emulator, READER_ID, READER_SECRET, scopes=['app.waf'])
    with pytest.raises(_client.ApiError) as exc:
        client.request('GET', '/api/app/waf/rules')
    assert exc.value.status == 400 and exc.value.title == 'invalid_scope'
    assert 'the token endpoint' in str(exc.value)


def test_token_is_reused_across_requests(emulator):
    client = make(emulator)
    for _i in range(6):
        client.request('GET', '/api/app/waf/rules')
    assert token_calls(emulator) == 1
    assert client.session.auth.token_requests == 1


def test_expiry_mid_run_is_recovered_with_one_new_token(emulator):
    client = make(emulator)
    client.request('GET', '/api/app/waf/rules')
    emulator.admin.advance_clock(301)  # past the admin client's 300 s token lifetime
    response = client.request('GET', '/api/app/waf/rules')
    assert response.status == 200
    assert token_calls(emulator) == 2


def test_token_is_renewed_shortly_before_it_expires(emulator):
    client = make(emulator)
    auth = client.session.auth
    now = [1000.0]
    auth.clock = lambda: now[0]
    client.request('GET', '/api/app/waf/rules')
    now[0] += 250  # within the lifetime (300 s) less its last tenth
    client.request('GET', '/api/app/waf/rules')
    assert auth.token_requests == 1
    now[0] += 25   # inside the last tenth: renew before the API would refuse it
    client.request('GET', '/api/app/waf/rules')
    assert auth.token_requests == 2


def test_wrong_secret_is_a_clear_error_without_the_secret(emulator):
    client = make(emulator, secret='not-the-right-secret')
    with pytest.raises(_client.ApiError) as exc:
        client.request('GET', '/api/app/waf/rules')
    text = str(exc.value) + json.dumps(exc.value.as_dict())
    assert exc.value.status == 401 and 'invalid_client' in text and 'the token endpoint' in text
    assert 'not-the-right-secret' not in text


def test_the_bearer_token_never_appears_in_errors(emulator):
    client = make(emulator)
    client.request('GET', '/api/app/waf/rules')
    token = client.session.auth.token()
    with pytest.raises(_client.ApiError) as exc:
        client.request('GET', '/api/app/nothing/here')
    assert token not in str(exc.value)


def test_secret_rotation_keeps_requests_working(emulator):
    admin = make(emulator, scopes=['ids.clients'])
    old = make(emulator, READER_ID, READER_SECRET, scopes=['app.waf.rules:read'])
    assert old.request('GET', '/api/app/waf/rules').status == 200
    new_secret = admin.request('POST', '/clients/%s/secrets' % READER_ID, json_body={'description': 'next'}).body
    new = make(emulator, READER_ID, new_secret['value'], scopes=['app.waf.rules:read'])
    assert new.request('GET', '/api/app/waf/rules').status == 200
    admin.request('DELETE', '/clients/%s/secrets/emu-waf-reader-secret-1' % READER_ID)
    assert old.request('GET', '/api/app/waf/rules').status == 200  # its token lives until it expires
    fresh_old = make(emulator, READER_ID, READER_SECRET, scopes=['app.waf.rules:read'])
    with pytest.raises(_client.ApiError) as exc:
        fresh_old.request('GET', '/api/app/waf/rules')
    assert exc.value.status == 401
    assert new.request('GET', '/api/app/waf/rules').status == 200


@pytest.mark.parametrize('options, message', [
    (dict(client_id='a', client_secret='b', scopes=['app.waf'], api_url='https://x'), 'needs token_url'),
    (dict(token_url='ftp://x/t', client_id='a', client_secret='b', scopes=['app.waf'], api_url='https://x'),
     'token_url must be an http(s) URL'),
    (dict(token_url='https://x/t', client_id='a', client_secret='b', scopes=[], api_url='https://x'),
     'at least one scope'),
    (dict(token_url='https://x/t', client_id='a', client_secret='b', scopes=['app'], api_url='https://x'),
     "scope 'app' is not of the form"),
    (dict(token_url='https://x/t', client_id='a', client_secret='b', scopes=['app.waf:write'],
          api_url='https://x'), "scope 'app.waf:write'"),
])
def test_bad_configuration(options, message):
    with pytest.raises(_client.ConfigError) as exc:
        _oauth2.resolve_config(options)
    assert message in str(exc.value)
    assert "'b'" not in str(exc.value)


def test_scopes_split_on_spaces_and_plus():
    assert _oauth2.split_scopes(['app.waf+app.bot_security.rules:read', 'ids.clients']) == [
        'app.waf', 'app.bot_security.rules:read', 'ids.clients']
    assert _oauth2.split_scopes('a.b c.d') == ['a.b', 'c.d']
