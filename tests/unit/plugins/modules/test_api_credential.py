# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_credential, api_client and the IAM wire format: what the emulator cannot show (ambiguity, failures
half-way, the server's expiry limit), against a local fake server; plus the translation helpers."""

from __future__ import annotations

import functools
import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _iam
from ansible_collections.edgegrid.access.plugins.modules import api_client, api_credential, api_credential_info

SECRET = 'module-test-secret-never-printed'
NEW_SECRET = 'fresh-client-secret-value-0123456789'
CREDS = '/identity-management/v3/api-clients/self/credentials'


@pytest.fixture
def run(run):
    """Every run checks that the secret is not in what the module printed."""
    return functools.partial(run, unseen=(SECRET,))


def auth(httpserver, **extra):
    args = dict(host=httpserver.url_for('/').rstrip('/'), client_token='akab-signing', client_secret=SECRET,
                access_token='akab-access', max_retries=0)
    args.update(extra)
    return args


def stamp(days):
    return _iam.format_time(datetime.now(timezone.utc) + timedelta(days=days))


def cred(cid, description='', status='ACTIVE', days=700, token=None):
    return {'credentialId': cid, 'clientToken': token or 'akab-ct-%d' % cid, 'status': status,
            'description': description, 'createdOn': stamp(-10 + cid), 'expiresOn': stamp(days),
            'maxAllowedExpiry': stamp(730)}


def echo_put(httpserver, cid, fail_after=None):
    """PUT .../credentials/<cid> answers what it was sent (status, expiresOn, description); from call `fail_after`
    on (counted from 1), a 400."""
    from werkzeug.wrappers import Response  # pylint: disable=import-outside-toplevel
    calls = []

    def handler(request):
        calls.append(request.get_json())
        if fail_after is not None and len(calls) >= fail_after:
            return Response(json.dumps({'type': '/x/error', 'title': 'Bad Request', 'status': 400, 'detail': 'no'}),
                            status=400, content_type='application/problem+json')
        return Response(json.dumps(calls[-1]), status=200, content_type='application/json')

    httpserver.expect_request(CREDS + '/%d' % cid, method='PUT').respond_with_handler(handler)
    return calls


def writes(httpserver):
    return [req for req, _resp in httpserver.log if req.method != 'GET']


def test_parse_and_compare_times():
    assert _iam.parse_time('2026-06-30') == datetime(2026, 6, 30, tzinfo=timezone.utc)
    assert _iam.parse_time('2026-06-30T12:00:00+02:00') == datetime(2026, 6, 30, 10, tzinfo=timezone.utc)
    assert _iam.same_instant('2026-06-30T10:00:00.000Z', '2026-06-30T10:00:00Z')
    assert not _iam.same_instant('2026-06-30T10:00:01Z', '2026-06-30T10:00:00Z')
    assert _iam.format_time(datetime(2026, 1, 2, 3, 4, 5, 6000, tzinfo=timezone.utc)) == '2026-01-02T03:04:05.006Z'
    with pytest.raises(ValueError):
        _iam.parse_time('next tuesday')


def test_api_names_match_name_or_endpoint():
    entry = {'apiName': 'EdgeKV', 'endPoint': '/edgekv'}
    assert all(_iam.api_matches(entry, name) for name in ('edgekv', 'EdgeKV', '/edgekv', ' EDGEKV '))
    assert not _iam.api_matches(entry, 'edge')


def test_two_active_credentials_with_the_description_ask_for_an_id(httpserver, run):
    httpserver.expect_request(CREDS).respond_with_json([cred(1, 'ci'), cred(2, 'ci')])
    failed, result = run(api_credential, auth(httpserver, description='ci'))
    assert failed and '2 ACTIVE credentials' in result['msg'] and 'credential_id' in result['msg']
    assert writes(httpserver) == []


def test_expiry_beyond_the_server_limit_fails_before_any_write(httpserver, run):
    current = cred(1, 'ci')
    current['maxAllowedExpiry'] = stamp(100)
    httpserver.expect_request(CREDS).respond_with_json([current])
    failed, result = run(api_credential, auth(httpserver, credential_id=1, expires_on=stamp(200)))
    assert failed and 'later than Akamai allows' in result['msg']
    assert writes(httpserver) == []


def test_rotation_window_and_input_checks(httpserver, run):
    failed, result = run(api_credential, auth(httpserver, rotate_before_days=800))
    assert failed and 'rotate_before_days must be from 0 to 729' in result['msg']
    failed, result = run(api_credential, auth(httpserver, status='inactive', description='x'))
    assert failed and 'status=inactive needs credential_id' in result['msg']
    target = {'path': '/tmp/x', 'section': 's'}
    failed, result = run(api_credential, auth(httpserver, credential_id=1, edgerc_write=target))
    assert failed and 'edgerc_write cannot be used with credential_id' in result['msg']
    assert len(httpserver.log) == 0


def test_rotation_keeps_a_young_credential_and_replaces_an_old_one(httpserver, run):
    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1, 'auto', days=400)])
    failed, result = run(api_credential, auth(httpserver, description='auto', rotate_before_days=30))
    assert not failed and result['changed'] is False and result['credential']['credential_id'] == 1
    httpserver.clear()

    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1, 'auto', days=20)])
    created = cred(2)
    created['clientSecret'] = NEW_SECRET
    httpserver.expect_request(CREDS, method='POST').respond_with_json(created, status=201)
    echo_put(httpserver, 2)
    failed, result = run(api_credential, auth(httpserver, description='auto', rotate_before_days=30))
    assert not failed and result['changed'] is True
    assert result['credential']['credential_id'] == 2 and result['credential']['description'] == 'auto'
    assert result['previous_credential']['credential_id'] == 1
    assert result['secret']['client_secret'] == NEW_SECRET
    assert NEW_SECRET not in json.dumps(result['credential'])
    puts = [req.get_json() for req in writes(httpserver) if req.method == 'PUT']
    # First the pending marker (the claim: whose, since when, secret not stored yet), then the description.
    assert puts[0]['description'].startswith('auto [pending ') and puts[0]['status'] == 'ACTIVE'
    assert puts[1] == {'expiresOn': created['expiresOn'], 'status': 'ACTIVE', 'description': 'auto'}


def test_a_failed_update_after_the_create_still_hands_the_secret_over(httpserver, run):
    httpserver.expect_request(CREDS, method='GET').respond_with_json([])
    created = cred(3)
    created['clientSecret'] = NEW_SECRET
    httpserver.expect_request(CREDS, method='POST').respond_with_json(created, status=201)
    echo_put(httpserver, 3, fail_after=2)
    failed, result = run(api_credential, auth(httpserver, description='ci'))
    assert failed and 'credential 3 was created' in result['msg']
    assert result['secret']['client_secret'] == NEW_SECRET
    assert NEW_SECRET not in result['msg']


def test_the_secret_goes_to_the_edgerc_file_only(httpserver, run, tmp_path):
    edgerc = tmp_path / 'edgerc'
    edgerc.write_text('# mine\n[other]\nhost = a.example\nclient_token = t\nclient_secret = s\naccess_token = a\n')
    httpserver.expect_request(CREDS, method='GET').respond_with_json([])
    created = cred(4, 'ci')
    created['clientSecret'] = NEW_SECRET
    httpserver.expect_request(CREDS, method='POST').respond_with_json(created, status=201)
    echo_put(httpserver, 4)
    failed, result = run(api_credential, auth(httpserver, description='ci', edgerc_write={
        'path': str(edgerc), 'section': 'new'}))
    assert not failed and result['changed'] and 'secret' not in result
    assert NEW_SECRET not in json.dumps(result)
    text = edgerc.read_text()
    assert text.startswith('# mine\n[other]\n') and 'client_secret = %s' % NEW_SECRET in text
    assert (edgerc.stat().st_mode & 0o777) == 0o600


def test_edgerc_write_replaces_the_copies_of_the_old_credential(httpserver, run, tmp_path):
    """[default] and [papi] hold the same credential: both get the new one, [other] keeps its own; one backup."""
    host = httpserver.url_for('/').rstrip('/')
    old = 'client_token = akab-old\nclient_secret = old-secret-value\naccess_token = akab-access\n'
    original = ('[default]\nhost = %s\n%s\n[papi]\nhost = %s/\n%saccount_key = 1-A:1-B\n\n'
                '[other]\nhost = %s\nclient_token = akab-other\nclient_secret = s\naccess_token = a\n'
                % (host, old, host, old, host))
    edgerc = tmp_path / 'edgerc'
    edgerc.write_text(original)
    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1, 'ci', token='akab-signing')])
    created = cred(5, 'ci-next', token='akab-new-token')
    created['clientSecret'] = NEW_SECRET
    httpserver.expect_request(CREDS, method='POST').respond_with_json(created, status=201)
    echo_put(httpserver, 5)
    target = {'path': str(edgerc), 'section': 'default', 'backup': True}

    failed, result = run(api_credential, auth(httpserver, description='ci-next', _ansible_check_mode=True,
                                              edgerc_write=target))
    assert not failed and result['edgerc']['copied_sections'] == ['papi'] and edgerc.read_text() == original

    failed, result = run(api_credential, auth(httpserver, description='ci-next', edgerc_write=target))
    assert not failed and result['changed']
    assert result['edgerc']['copied_sections'] == ['papi']
    assert NEW_SECRET not in json.dumps(result)
    text = edgerc.read_text()
    assert text.count('client_secret = %s' % NEW_SECRET) == 2 and text.count('akab-new-token') == 2
    assert 'account_key = 1-A:1-B' in text and 'client_token = akab-other\nclient_secret = s\n' in text
    assert open(result['edgerc']['backup_file']).read() == original
    assert len([p for p in tmp_path.iterdir() if not p.name.endswith(".lock")]) == 2  # the file and one backup

    # Turned off: only the section written.
    edgerc.write_text(original)
    failed, result = run(api_credential, auth(httpserver, description='ci-next', edgerc_write=dict(
        target, update_copies=False, backup=False)))
    assert not failed and result['edgerc']['copied_sections'] == []
    assert edgerc.read_text().count(NEW_SECRET) == 1


def test_a_refused_create_changes_nothing(httpserver, run, tmp_path):
    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1), cred(2, status='INACTIVE')])
    httpserver.expect_request(CREDS, method='POST').respond_with_json(
        {'type': '/identity-management/error-types/4', 'title': 'Too many', 'status': 400}, status=400)
    failed, result = run(api_credential, auth(httpserver, description='ci', edgerc_write={
        'path': str(tmp_path / 'edgerc'), 'section': 'new'}))
    assert failed and result['error']['status'] == 400
    assert 'holds 2 credentials (credential 1 ACTIVE; credential 2 INACTIVE)' in result['msg']
    assert 'To free a slot: delete credential 2, which signs nothing' in result['msg']
    assert not (tmp_path / 'edgerc').exists()


def test_two_api_clients_with_the_name_ask_for_the_client_id(httpserver, run):
    httpserver.expect_request('/identity-management/v3/api-clients').respond_with_json(
        [{'clientId': 'a1', 'clientName': 'dup'}, {'clientId': 'b2', 'clientName': 'dup'}])
    failed, result = run(api_client, auth(httpserver, name='dup', description='x'))
    assert failed and '2 API clients are named' in result['msg'] and 'client_id' in result['msg']
    assert writes(httpserver) == []


def test_api_client_input_checks_before_any_request(httpserver, run):
    failed, result = run(api_client, auth(httpserver, name='x', all_apis=True, apis=[{'api_id': 1}]))
    assert failed and 'apis cannot be given with all_apis=true' in result['msg']
    failed, result = run(api_client, auth(httpserver, name='x', apis=[{'api_id': 1, 'name': 'EdgeKV'}]))
    assert failed and 'apis[0]: give either api_id or name' in result['msg']
    failed, result = run(api_client, auth(httpserver, name='x', state='absent', description='d'))
    assert failed and 'description cannot be used with state=absent' in result['msg']
    assert len(httpserver.log) == 0


def test_check_mode_writes_no_file_and_sends_no_write(httpserver, run, tmp_path):
    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1, 'other')])
    failed, result = run(api_credential, auth(httpserver, description='ci', _ansible_check_mode=True, edgerc_write={
        'path': str(tmp_path / 'edgerc'), 'section': 'new'}))
    assert not failed and result['changed'] is True and 'secret' not in result
    assert result['credential'] == {'credential_id': None, 'client_token': None, 'status': 'active', 'description': 'ci'}
    assert result['edgerc']['section'] == 'new'
    assert writes(httpserver) == [] and not (tmp_path / 'edgerc').exists()


def test_absent_deactivates_then_deletes_and_spares_the_signing_credential(httpserver, run):
    httpserver.expect_request(CREDS, method='GET').respond_with_json([cred(1, token='akab-signing'), cred(2)])
    httpserver.expect_request(CREDS + '/2/deactivate', method='POST').respond_with_data('', status=204)
    httpserver.expect_request(CREDS + '/2', method='DELETE').respond_with_data('', status=204)
    failed, result = run(api_credential, auth(httpserver, credential_id=2, state='absent'))
    assert not failed and result['changed'] is True and result['credential'] == {}
    assert [(req.method, req.path) for req in writes(httpserver)] == [
        ('POST', CREDS + '/2/deactivate'), ('DELETE', CREDS + '/2')]
    failed, result = run(api_credential, auth(httpserver, credential_id=1, state='absent'))
    assert failed and 'signs this very request' in result['msg']
    assert len(writes(httpserver)) == 2


def test_credential_info_says_where_the_signing_credential_came_from(httpserver, run, tmp_path):
    httpserver.expect_request(CREDS).respond_with_json([cred(1, token='akab-signing')])
    failed, result = run(api_credential_info, auth(httpserver))
    assert not failed and result['signed_with'] == {'edgerc': None, 'section': None}
    edgerc = tmp_path / 'edgerc'
    with os.fdopen(os.open(edgerc, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'w') as handle:
        handle.write('[partner]\nhost = %s\nclient_token = akab-signing\nclient_secret = %s\naccess_token = akab-a\n'
                     % (httpserver.url_for('/').rstrip('/'), SECRET))
    failed, result = run(api_credential_info, dict(edgerc=str(edgerc), section='partner', max_retries=0))
    assert not failed and result['signed_with'] == {'edgerc': str(edgerc), 'section': 'partner'}
    assert result['credentials'][0]['signing']
