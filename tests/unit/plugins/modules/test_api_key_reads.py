# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key given collection_id reads the collection's keys, not the list of every collection (issue 19, "No read
that is not needed"; emulator)."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key, api_key_collection

BASE = '/apikey-manager-api/%s'


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_by_id_the_keys_are_read_without_the_collection_listing(emulator, run, version):
    common = dict(edgerc=emulator.edgerc, api_version=version)
    failed, made = run(api_key_collection, dict(common, name='by-id', contract_id='C-1EMU001', group_id=10001))
    assert not failed, made
    coll_id = made['api_key_collection']['id']
    args = dict(common, collection_id=coll_id, keys=[{'label': 'a', 'value': 'by-id-value-0001'}],
                return_keys='all')

    # Empty: the collection is read (one GET) to tell it exists, then the key is created.
    emulator.admin.reset_log()
    failed, created = run(api_key, args)
    assert not failed and created['changed'], created
    log = emulator.admin.log()['counts']
    assert 'GET %s/collections' % (BASE % version) not in log
    assert log['GET %s/collections/%d' % (BASE % version, coll_id)] == 1
    assert created['api_key']['collection'] == {'id': coll_id, 'name': 'by-id', 'contract_id': 'C-1EMU001',
                                                'group_id': 10001}

    # Converged: the keys alone.
    emulator.admin.reset_log()
    failed, again = run(api_key, args)
    assert not failed and not again['changed'], again
    log = emulator.admin.log()['counts']
    assert list(log) == ['GET %s/keys' % (BASE % version)] and log['GET %s/keys' % (BASE % version)] == 1
    assert again['api_key']['collection']['id'] == coll_id and again['api_key']['collection']['name'] is None
    assert [k['label'] for k in again['api_key']['api_keys']] == ['a']

    # An id no collection has: refused before any write, check mode or not.
    for check in (False, True):
        emulator.admin.reset_log()
        failed, missing = run(api_key, dict(args, collection_id=987654, _ansible_check_mode=check))
        assert failed and 'no key collection has id 987654' in missing['msg'], missing
        assert not [k for k in emulator.admin.log()['counts'] if not k.startswith('GET ')]
