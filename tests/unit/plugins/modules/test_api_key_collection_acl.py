# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key_collection and throttling_counter: an ACL entry that does not exist never leaves a half-made collection
behind, and is checked before any write wherever the contract and group let it be read (emulator)."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key_collection, throttling_counter


def names(emulator, version):
    session = emulator.session()
    body = session.get(emulator.url('/apikey-manager-api/%s/collections' % version)).json()
    items = body['collections'] if isinstance(body, dict) else body
    return [c.get('collectionName', c.get('name')) for c in items]


@pytest.mark.parametrize('version', ['v1', 'v2'])
def test_unknown_acl_entry_rolls_back_the_first_collection_and_is_refused_before_any_write_after(
        emulator, run, version, writes):
    args = dict(edgerc=emulator.edgerc, api_version=version, name='acl-bad', contract_id='C-1EMU001', group_id=10001,
                acl=['ENDPOINT-999999'])
    for dummy in range(2):
        failed, result = run(api_key_collection, args)
        assert failed and 'acl: ENDPOINT-999999 is not an API endpoint' in result['msg'], result['msg']
        assert 'rolled back' in result['msg']
        assert result['changed'] is False and result['error'] is None  # an input error: no problem details
        assert 'acl-bad' not in names(emulator, version)
    # With a collection of that contract and group present, the entries are read through it: no write at all.
    failed, result = run(api_key_collection, dict(args, name='acl-good', acl=[]))
    assert not failed
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, args)
    assert failed and 'acl: ENDPOINT-999999 is not an API endpoint' in result['msg'] and 'nothing was changed' in result['msg']
    assert writes() == {}
    # And an update of an existing collection the same way.
    failed, result = run(api_key_collection, dict(args, name='acl-good'))
    assert failed and 'ENDPOINT-999999' in result['msg'] and writes() == {}


def test_with_no_collection_the_acl_is_checked_through_a_throttling_counter_and_check_mode_says_when_it_cannot(
        emulator, run, writes):
    """Found by a tester: in a contract and group with no key collection, check mode predicted a create with an ACL
    entry that does not exist without a word, and the real run created the collection, then rolled it back. Check
    mode now says it cannot tell; a throttling counter of the contract and group serves to read the endpoints (N6)
    when no collection does."""
    args = dict(edgerc=emulator.edgerc, name='acl-new', contract_id='C-1EMU001', group_id=10001,
                acl=['ENDPOINT-999999'])
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(args, _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result
    assert 'acl: contract C-1EMU001 and group 10001 have no key collection or throttling counter yet' in json.dumps(
        result['warnings'])
    failed, result = run(api_key_collection, dict(args, _ansible_check_mode=True, acl=None, name=None,
                                                  collections=[dict(name='acl-many', acl=['ENDPOINT-999999'])]))
    assert not failed and 'collections[0].acl: contract C-1EMU001' in json.dumps(result['warnings']), result
    assert writes() == {}
    failed, result = run(throttling_counter, dict(edgerc=emulator.edgerc, name='acl-counter', contract_id='C-1EMU001',
                                                  group_id=10001, limit=10))
    assert not failed, result['msg']
    emulator.admin.reset_log()
    for check_mode in (True, False):
        failed, result = run(api_key_collection, dict(args, _ansible_check_mode=check_mode))
        assert failed and 'acl: ENDPOINT-999999 is not an API endpoint' in result['msg'], result['msg']
        assert 'nothing was changed' in result['msg'] and 'rolled back' not in result['msg']
    assert writes() == {}
    assert 'acl-new' not in names(emulator, 'v2')


def test_a_new_counter_checks_its_acl_through_another_counter_and_check_mode_says_when_it_cannot(
        emulator, run, writes):
    args = dict(edgerc=emulator.edgerc, name='acl-c2', contract_id='C-1EMU001', group_id=10001, limit=10,
                rules=dict(acl=['ENDPOINT-999999']))
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, dict(args, _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result
    assert 'rules.acl: contract C-1EMU001 and group 10001 have no key collection or throttling counter yet' in (
        json.dumps(result['warnings']))
    failed, result = run(throttling_counter, dict(args, name='acl-c1', rules=None))
    assert not failed, result['msg']
    emulator.admin.reset_log()
    failed, result = run(throttling_counter, args)
    assert failed and 'rules.acl: ENDPOINT-999999 is not an API endpoint' in result['msg'], result['msg']
    assert writes() == {}
