# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_request against the local emulator: secret-bearing answers of every API masked by path and content type, and
a body given as a string."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_request

MASK = '********'


@pytest.fixture
def run(run):
    """(failed, result, out): a run, and what the module printed."""
    def with_output(module, args):
        return run(module, args) + (run.out,)
    return with_output


def make_keys(emulator, version):
    """A collection with two keys through the emulator's own API; their values."""
    session = emulator.session()
    base = emulator.url('/apikey-manager-api/%s' % version)
    if version == 'v1':
        coll = session.post(base + '/collections', json={'name': 'secrets-v1', 'contractId': 'C-1EMU001',
                                                         'groupId': 10001}).json()
        cid = coll['id']
        session.post(base + '/keys', json={'value': 'v1-secret-value-1\nv1-secret-value-2', 'collectionId': cid})
    else:
        coll = session.post(base + '/collections', json={'collectionName': 'secrets-v2', 'contractId': 'C-1EMU001',
                                                         'groupId': 10001}).json()
        cid = coll['collectionId']
        response = session.post(base + '/keys', json={'keyValues': ['v2-secret-value-1', 'v2-secret-value-2'],
                                                      'collectionId': cid})
        assert response.status_code in (200, 201), response.text
    return cid, ['%s-secret-value-1' % version, '%s-secret-value-2' % version]


def test_v1_key_listing_masks_the_key_values(emulator, run):
    cid, values = make_keys(emulator, 'v1')
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, path='/apikey-manager-api/v1/keys',
                                                query={'collectionId': cid}))
    assert not failed and len(result['json']['items']) == 2
    assert [item['value'] for item in result['json']['items']] == [MASK] * 2
    assert not any(value in out for value in values)
    # The quota limit of a collection is called value too, and is not a secret.
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, path='/apikey-manager-api/v1/collections/%s' % cid))
    assert not failed and isinstance(result['json']['quota']['value'], int)


@pytest.mark.parametrize('spelling', ['/apikey-manager-api/v1/./keys',
                                      '/apikey-manager-api/v1/%6Beys', '/apikey-manager-api/v1/collections/../keys'])
def test_a_path_spelled_otherwise_is_masked_as_the_server_resolves_it(emulator, run, spelling):
    """Dot segments, empty segments and percent-escapes reach the same resource: the mask follows the resource."""
    cid, values = make_keys(emulator, 'v1')
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, path=spelling, query={'collectionId': cid}))
    assert not failed, result
    assert not any(value in out for value in values)


@pytest.mark.parametrize('accept', ['text/csv', 'application/xml', 'application/json'])
def test_v2_key_export_masks_the_values_in_every_format(emulator, run, accept):
    cid, values = make_keys(emulator, 'v2')
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, headers={'Accept': accept},
                                                path='/apikey-manager-api/v2/collections/%s/keys/export' % cid))
    assert not failed
    assert not any(value in out for value in values)
    text = result.get('content') or json.dumps(result['json'])
    assert text.count(MASK) == 2 and 'v2-secret' not in text


def test_v2_create_masks_the_values_given_in_the_invocation_and_answer(emulator, run):
    cid, dummy = make_keys(emulator, 'v2')
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, method='POST', path='/apikey-manager-api/v2/keys',
                                                body={'keyValues': ['given-secret-value-1'], 'collectionId': cid}))
    assert not failed and 'given-secret-value-1' not in out
    # The same value again: the API refuses it and names it in its detail, masked too.
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, method='POST', path='/apikey-manager-api/v2/keys',
                                                body={'keyValues': ['given-secret-value-1'], 'collectionId': cid}))
    assert failed and 'given-secret-value-1' not in out


def oauth2(emulator):
    return dict(auth_type='oauth2', oauth2=dict(token_url=emulator.url('/oauth2/connect/token'),
                                                client_id='emu-waf-admin', client_secret='waf-admin-secret-1',
                                                scopes=['ids.clients'], api_url=emulator.url('/oauth2')))


def test_oauth2_client_secret_created_is_masked(emulator, run):
    failed, result, out = run(api_request, dict(oauth2(emulator), method='POST', path='/clients/emu-waf-reader/secrets',
                                                body={'description': 'second'}))
    assert not failed and result['json']['value'] == MASK and result['json']['id']
    secrets = [s['value'] for c in emulator.store.accounts.values()
               for s in c.data.get('oauth2', {}).get('clients', {}).get('emu-waf-reader', {}).get('secrets', [])]
    assert len(secrets) == 2 and not any(value in out for value in secrets)
    failed, result, out = run(api_request, dict(oauth2(emulator), method='POST', path='/clients',
                                                body={'name': 'new', 'scopes': ['app.waf']}))
    assert not failed and result['json']['secrets'][0]['value'] == MASK


def test_unknown_path_masks_what_looks_like_a_secret():
    from ansible_collections.edgegrid.access.plugins.module_utils import _masking  # pylint: disable=import-outside-toplevel
    rule = _masking.policy('/papi/v1/something')
    assert not rule.known
    masked = _masking.mask_json({'name': 'n', 'apiKey': 'k1', 'password': 'p', 'items': [{'value': 'v'}],
                                 'tokens': [{'id': 1}], 'credentialId': 7}, rule)
    assert masked == {'name': 'n', 'apiKey': MASK, 'password': MASK,
                      'items': [{'value': MASK}], 'tokens': [{'id': 1}], 'credentialId': 7}
    assert _masking.mask_csv('id,secretKey\n1,abc\n', rule) == 'id,secretKey\n1,%s\n' % MASK
    assert _masking.mask_xml('<a><token>x</token><b value="y">z</b></a>', rule) == \
        '<a><token>%s</token><b value="%s">z</b></a>' % (MASK, MASK)


def test_string_body_that_is_json_is_sent_as_it_is(emulator, run):
    body = json.dumps({'name': 'from_template', 'allowOnStaging': True, 'allowOnProduction': False,
                       'namespacePermissions': {'default': ['r']}})
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, method='POST', path='/edgekv/v1/tokens', body=body))
    assert not failed, result['msg']
    assert result['json']['name'] == 'from_template'


def test_string_body_that_is_not_json_is_refused_before_sending(emulator, run):
    emulator.admin.reset_log()
    failed, result, out = run(api_request, dict(edgerc=emulator.edgerc, method='POST', path='/edgekv/v1/tokens',
                                                body="{'name': 'python repr'}"))
    assert failed and 'body is a string that is not JSON' in result['msg'] and 'Content-Type' in result['msg']
    assert emulator.admin.log()['total'] == 0


def test_edgerc_symlink_loop_is_named_as_such(tmp_path, run):
    loop = tmp_path / 'edgerc'
    loop.symlink_to(loop)
    failed, result, out = run(api_request, dict(edgerc=str(loop), path='/x'))
    assert failed and 'Too many levels of symbolic links' in result['msg']
    # Not the advice given for a file that does not exist.
    assert 'does not exist' not in result['msg'] and 'give the options' not in result['msg']
