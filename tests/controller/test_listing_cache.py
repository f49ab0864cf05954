# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The items of one loop read a listing once when the task runs in the worker process (_listing_cache, opened by
_in_process), afresh after an item that wrote, and every time as module processes (issue 19). Requests are counted
in the emulator's log."""

from __future__ import annotations

LISTING = 'GET /apikey-manager-api/v2/collections'
COUNTERS = 'GET /apikey-manager-api/v2/counters'
CREDENTIALS = 'GET /identity-management/v3/api-clients/self/credentials'
WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')


def counts(emu):
    return emu.admin.log()['counts']


def writes(emu):
    return dict((k, v) for k, v in counts(emu).items() if k.split(' ', 1)[0] in WRITES)


def collections_task(playbook, names, **extra):
    return dict({'name': 'Collections', 'register': 'colls', 'loop': names,
                 'edgegrid.access.api_key_collection': {
                     'name': '{{ item }}', 'contract_id': playbook.contract_id, 'group_id': playbook.group_id,
                     'quota': {'enabled': True, 'limit': 1000, 'interval': 'DAY'}}}, **extra)


def test_a_loop_of_three_collections_reads_the_listing_once(playbook):
    emu = playbook.emu
    names = ['lc-a', 'lc-b', 'lc-c']
    counters = [{'name': 'lc-counter-%d' % n, 'limit': 100 * n} for n in (1, 2, 3)]
    tasks = [
        collections_task(playbook, names),
        {'name': 'Counters', 'loop': counters, 'edgegrid.access.throttling_counter': {
            'name': '{{ item.name }}', 'contract_id': playbook.contract_id, 'group_id': playbook.group_id,
            'limit': '{{ item.limit }}', 'on_over_limit': 'DENY'}},
        {'name': 'Credentials', 'no_log': True, 'loop': ['lc-ci', 'lc-ci'],
         'edgegrid.access.api_credential': {'description': '{{ item }}'}},
    ]
    rc, output, dummy = playbook.run(tasks, [], verbosity=0)
    assert rc == 0, output

    emu.admin.reset_log()
    rc, output, found = playbook.run(tasks, ['colls'], verbosity=0)
    assert rc == 0, output
    assert writes(emu) == {}
    assert not any(r['changed'] for r in found['colls']['results'])
    assert counts(emu)[LISTING] == 1
    assert counts(emu)[COUNTERS] == 1
    assert counts(emu)[CREDENTIALS] == 1
    assert [r['api_key_collection']['name'] for r in found['colls']['results']] == names

    # Check mode sends no write: the listing is shared throughout.
    emu.admin.reset_log()
    rc, output, dummy = playbook.run([collections_task(playbook, names + ['lc-d'])], [], verbosity=0,
                                     options=['--check'])
    assert rc == 0, output
    assert output.count('changed: [localhost] => (item=') == 1 and 'changed: [localhost] => (item=lc-d)' in output
    assert writes(emu) == {} and counts(emu)[LISTING] == 1

    # The next task reads afresh: one listing per task.
    emu.admin.reset_log()
    rc, output, dummy = playbook.run([collections_task(playbook, names), collections_task(playbook, names)], [],
                                     verbosity=0)
    assert rc == 0, output
    assert counts(emu)[LISTING] == 2

    # As module processes, each item reads it.
    emu.admin.reset_log()
    rc, output, dummy = playbook.run([collections_task(playbook, names)], [], verbosity=0,
                                     extra_vars={'edgegrid_access_in_process': False})
    assert rc == 0, output
    assert counts(emu)[LISTING] == 3


def test_the_item_after_a_write_reads_afresh(playbook):
    emu = playbook.emu
    # Item 1 creates lc-new; item 2 names it again and must find it (a stale listing would create it twice); item 3
    # shares item 2's listing.
    emu.admin.reset_log()
    rc, output, found = playbook.run([collections_task(playbook, ['lc-new', 'lc-new', 'lc-new'])], ['colls'],
                                     verbosity=0)
    assert rc == 0, output
    changed = [r['changed'] for r in found['colls']['results']]
    assert changed == [True, False, False], found
    assert writes(emu)['POST /apikey-manager-api/v2/collections'] == 1
    assert counts(emu)[LISTING] == 2

    # A task that retries waits for a change: each attempt reads the listing.
    emu.admin.reset_log()
    rc, output, dummy = playbook.run([{
        'name': 'Until', 'register': 'waited', 'retries': 2, 'delay': 0, 'until': 'false', 'ignore_errors': True,
        'edgegrid.access.api_key_collection_info': {'name': 'lc-new'}}], [], verbosity=0)
    assert rc == 0, output
    assert counts(emu)[LISTING] == 3
