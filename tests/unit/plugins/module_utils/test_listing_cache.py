# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The listing cache (_listing_cache) through the one client, against the emulator: served only inside a scope,
only for the reads marked as listings, never again after a write, and a copy each time.

The loops of ansible-playbook that open the scope are tested in tests/controller/test_listing_cache.py."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v2, _client, _listing_cache

CONTRACT = 'C-1EMU001'
GROUP = 10001
LISTING = 'GET /apikey-manager-api/v2/collections'


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty store (a scope of its own empties it)."""
    with _listing_cache.scope(object()):
        pass


def _client_of(emulator):
    return _client.EdgeGridClient(_client.resolve_config({'edgerc': emulator.edgerc, 'section': 'default'}),
                                  max_retries=0)


def _gets(emulator, key=LISTING):
    return emulator.admin.log()['counts'].get(key, 0)


def test_without_a_scope_every_listing_is_read(emulator):
    wire = _apikeys_v2.Wire(_client_of(emulator))
    emulator.admin.reset_log()
    for dummy in range(3):
        wire.list_collections()
    assert _gets(emulator) == 3
    assert _listing_cache.size() == 0


def test_in_one_scope_a_listing_is_read_once_and_a_copy_served(emulator):
    wire = _apikeys_v2.Wire(_client_of(emulator))
    wire.create_collection({'name': 'lc-one', 'contract_id': CONTRACT, 'group_id': GROUP})
    emulator.admin.reset_log()
    for dummy in range(3):  # three items of one loop: each opens the scope of the same task and host
        with _listing_cache.scope(('task-1', 'localhost')):
            listed = wire.list_collections()
            listed[0]['name'] = 'edited by the module'
            wire.list_counters()
    assert _gets(emulator) == 1
    assert _gets(emulator, 'GET /apikey-manager-api/v2/counters') == 1
    with _listing_cache.scope(('task-1', 'localhost')):
        assert 'edited by the module' not in [c['name'] for c in wire.list_collections()]
    # Outside the scope nothing is served; a reads that is not marked (a collection's quota) is never kept.
    wire.list_collections()
    coll_id = wire.list_collections()[0]['id']
    with _listing_cache.scope(('task-1', 'localhost')):
        wire.client.get('/apikey-manager-api/v2/collections/%d/quota-config' % coll_id)
        wire.client.get('/apikey-manager-api/v2/collections/%d/quota-config' % coll_id)
    assert _gets(emulator) == 3
    assert _gets(emulator, 'GET /apikey-manager-api/v2/collections/%d/quota-config' % coll_id) == 2


def test_another_task_or_host_reads_afresh(emulator):
    wire = _apikeys_v2.Wire(_client_of(emulator))
    emulator.admin.reset_log()
    for key in [('task-1', 'env01'), ('task-1', 'env01'), ('task-1', 'env02'), ('task-2', 'env02')]:
        with _listing_cache.scope(key):
            wire.list_collections()
    assert _gets(emulator) == 3
    with _listing_cache.scope(None):  # no scope: the runner knows no task id, or the task retries
        wire.list_collections()
    assert _gets(emulator) == 4


def test_a_write_empties_the_cache_and_the_next_item_reads_afresh(emulator):
    wire = _apikeys_v2.Wire(_client_of(emulator))
    emulator.admin.reset_log()
    scope = ('task-1', 'localhost')
    with _listing_cache.scope(scope):  # item 1: reads, then creates
        assert 'lc-new' not in [c['name'] for c in wire.list_collections()]
        wire.create_collection({'name': 'lc-new', 'contract_id': CONTRACT, 'group_id': GROUP})
        wire.list_collections()  # after the write, nothing is kept until the next item
    assert _listing_cache.size() == 0
    with _listing_cache.scope(scope):  # item 2 sees what item 1 made
        assert 'lc-new' in [c['name'] for c in wire.list_collections()]
    with _listing_cache.scope(scope):  # item 3 shares item 2's listing
        assert 'lc-new' in [c['name'] for c in wire.list_collections()]
    assert _gets(emulator) == 3
    # A write that fails empties the cache too (the server may have acted).
    with _listing_cache.scope(scope):
        try:
            wire.client.request('DELETE', '/apikey-manager-api/v2/collections/999999')
        except _client.ApiError:
            pass
    assert _listing_cache.size() == 0


def test_a_scope_opened_in_another_process_serves_nothing(emulator, monkeypatch):
    wire = _apikeys_v2.Wire(_client_of(emulator))
    emulator.admin.reset_log()
    with _listing_cache.scope(('task-1', 'localhost')):
        wire.list_collections()
        # As a process forked inside the scope would see it: another process id, the same memory.
        monkeypatch.setattr(_listing_cache.os, 'getpid', lambda: -1)
        wire.list_collections()
    assert _gets(emulator) == 2


def test_a_write_that_a_kept_listing_may_have_decided_is_not_sent(emulator):
    """Found by a tester: an item served the listing an earlier item read wrote back what that listing said (a
    credential deactivated meanwhile was made ACTIVE again, a counter renamed meanwhile renamed back). Its first write
    raises StaleListing and is not sent; the runner (_in_process) runs the module again without a scope."""
    wire = _apikeys_v2.Wire(_client_of(emulator))
    scope = ('task-1', 'localhost')
    with _listing_cache.scope(scope):  # item 1 reads, writes nothing
        wire.list_collections()
    emulator.admin.reset_log()
    with _listing_cache.scope(scope):  # item 2 is served item 1's listing, then would write
        wire.list_collections()
        with pytest.raises(_listing_cache.StaleListing):
            wire.create_collection({'name': 'lc-stale', 'contract_id': CONTRACT, 'group_id': GROUP})
        # Any later write of the same run (another thread's, say) is held too.
        with pytest.raises(_listing_cache.StaleListing):
            wire.create_collection({'name': 'lc-stale-2', 'contract_id': CONTRACT, 'group_id': GROUP})
    assert emulator.admin.log()['total'] == 0 and _listing_cache.size() == 0
    # Run again without a scope (as the runner does): read afresh, and the write is sent.
    wire.list_collections()
    wire.create_collection({'name': 'lc-stale', 'contract_id': CONTRACT, 'group_id': GROUP})
    assert emulator.admin.log()['counts'].get('POST /apikey-manager-api/v2/collections') == 1
    # An item that read its listing itself (not served) writes as before.
    with _listing_cache.scope(('task-2', 'localhost')):
        wire.list_collections()
        wire.create_collection({'name': 'lc-fresh', 'contract_id': CONTRACT, 'group_id': GROUP})
    assert emulator.admin.log()['counts'].get('POST /apikey-manager-api/v2/collections') == 2


def test_a_read_of_a_thing_gone_since_a_kept_listing_named_it_runs_the_module_again(emulator):
    """Found by a tester: an item served an earlier item's collection listing read the endpoints of a collection
    deleted meanwhile, and failed with a 404 for a thing it never named. A read that fails for a thing that is not
    there (404) in a run that was served a kept answer raises StaleListing (the runner runs the module again); one
    that read its listing itself fails as before."""
    wire = _apikeys_v2.Wire(_client_of(emulator))
    scope = ('task-404', 'localhost')
    with _listing_cache.scope(scope):
        wire.list_collections()
    with _listing_cache.scope(scope):
        wire.list_collections()  # served
        with pytest.raises(_listing_cache.StaleListing):
            wire.collection_endpoints(999999)
    with _listing_cache.scope(('task-404-2', 'localhost')):
        wire.list_collections()  # read, not served
        with pytest.raises(_client.ApiError) as failed:
            wire.collection_endpoints(999999)
        assert failed.value.status == 404
