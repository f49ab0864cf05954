# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key_collection reads only what the task declares: the ACL (a sub-resource in v2) only when `acl` is given
(issue 19, "No read that is not needed"; emulator)."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key_collection, api_key_collection_info

QUOTA = {'enabled': True, 'limit': 10000, 'interval': 'DAY'}


@pytest.fixture
def run(run):
    """A run that succeeded: its result."""
    def succeeded(module, args):
        failed, result = run(module, args)
        assert not failed, result
        return result
    return succeeded


def requests(emulator):
    return dict(emulator.admin.log()['counts'])


def test_a_converged_collection_without_acl_reads_the_listing_and_the_quota_only(emulator, run):
    args = dict(edgerc=emulator.edgerc, name='reads', contract_id='C-1EMU001', group_id=10001, quota=QUOTA)
    created = run(api_key_collection, args)
    assert created['changed'] and created['api_key_collection']['acl'] == []
    coll_id = created['api_key_collection']['id']
    base = '/apikey-manager-api/v2/collections'

    emulator.admin.reset_log()
    again = run(api_key_collection, args)
    assert not again['changed']
    assert requests(emulator) == {'GET %s' % base: 1, 'GET %s/%d/quota-config' % (base, coll_id): 1}
    assert again['api_key_collection']['acl'] is None and again['api_key_collection']['quota']['limit'] == 10000

    # Declared, the ACL is read (and compared).
    emulator.admin.reset_log()
    with_acl = run(api_key_collection, dict(args, acl=[]))
    assert not with_acl['changed'] and with_acl['api_key_collection']['acl'] == []
    assert requests(emulator)['GET %s/%d/acl-entries' % (base, coll_id)] == 1

    # A change of the quota alone: before and after both leave the ACL unread, so the diff shows the quota only.
    emulator.admin.reset_log()
    changed = run(api_key_collection, dict(args, quota=dict(QUOTA, limit=20000), _ansible_diff=True))
    assert changed['changed'] and changed['diff']['before']['acl'] is None and changed['diff']['after']['acl'] is None
    assert not [k for k in requests(emulator) if k.endswith('/acl-entries')]

    # The info module keeps returning it.
    listed = run(api_key_collection_info, dict(edgerc=emulator.edgerc, name='reads'))
    assert listed['api_key_collections'][0]['acl'] == []


def test_v1_reads_the_listing_only(emulator, run):
    args = dict(edgerc=emulator.edgerc, api_version='v1', name='reads-v1', contract_id='C-1EMU001', group_id=10001,
                quota=QUOTA)
    run(api_key_collection, args)
    emulator.admin.reset_log()
    again = run(api_key_collection, args)
    assert not again['changed'] and again['api_key_collection']['acl'] == []
    assert requests(emulator) == {'GET /apikey-manager-api/v1/collections': 1}
