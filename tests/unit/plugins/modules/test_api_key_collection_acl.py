# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key_collection: an ACL entry that does not exist never leaves a half-made collection behind (emulator)."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key_collection


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
