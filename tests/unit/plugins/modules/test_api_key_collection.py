# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""api_key_collection with `collections` (many collections in one task) against the local emulator: one listing, the
quotas read side by side, every plan before the first write, one result list (issue 19)."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key_collection

BASE = '/apikey-manager-api/%s/collections'
PLACE = dict(contract_id='C-1EMU001', group_id=10001)
QUOTA = {'enabled': True, 'limit': 10000, 'interval': 'DAY'}


def requests(emulator):
    return dict(emulator.admin.log()['counts'])


def elements(count, prefix='many'):
    return [dict(name='%s-%d' % (prefix, i), quota=dict(QUOTA, limit=1000 + i)) for i in range(count)]


class InFlight:
    """A WSGI wrapper around the emulator counting the requests of one path suffix being answered at once."""

    def __init__(self, app, suffix):
        self.app, self.suffix = app, suffix
        self.lock = threading.Lock()
        self.now = self.most = 0

    def __call__(self, environ, start_response):
        if not environ.get('PATH_INFO', '').endswith(self.suffix):
            return self.app(environ, start_response)
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return list(self.app(environ, start_response))
        finally:
            with self.lock:
                self.now -= 1


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_collections_converge_in_one_run_with_one_listing(emulator, run, version, writes):
    args = dict(PLACE, edgerc=emulator.edgerc, api_version=version, collections=elements(3))
    failed, result = run(api_key_collection, dict(args, _ansible_check_mode=True))
    assert not failed and result['changed'] is True and writes() == {}
    assert [(item['name'], item['changed']) for item in result['api_key_collections']] == [
        ('many-0', True), ('many-1', True), ('many-2', True)]

    failed, result = run(api_key_collection, args)
    assert not failed and result['changed'] is True
    ids = [item['api_key_collection']['id'] for item in result['api_key_collections']]
    assert all(ids) and [item['api_key_collection']['quota']['limit'] for item in result['api_key_collections']] == [
        1000, 1001, 1002]

    # Converged: one listing, then one quota read each in v2 (v1 lists the quota within the collection); no write.
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, args)
    assert not failed and result['changed'] is False and writes() == {}
    expected = {'GET %s' % (BASE % version): 1}
    if version == 'v2':
        expected.update(('GET %s/%d/quota-config' % (BASE % version, coll_id), 1) for coll_id in ids)
    assert requests(emulator) == expected
    assert [item['api_key_collection']['id'] for item in result['api_key_collections']] == ids

    # A change of one, in check and diff mode: predicted, nothing sent; the diff keyed by name.
    changed = dict(args, collections=[dict(e) for e in args['collections']])
    changed['collections'][1]['description'] = 'second'
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(changed, _ansible_check_mode=True, _ansible_diff=True))
    assert not failed and result['changed'] is True and writes() == {}
    assert [item['changed'] for item in result['api_key_collections']] == [False, True, False]
    assert list(result['diff']['after']) == ['many-1'] and result['diff']['after']['many-1']['description'] == 'second'
    failed, result = run(api_key_collection, changed)
    assert not failed and result['api_key_collections'][1]['api_key_collection']['description'] == 'second'
    failed, result = run(api_key_collection, changed)
    assert not failed and result['changed'] is False


def test_the_quota_reads_go_side_by_side(emulator, run, writes):
    args = dict(PLACE, edgerc=emulator.edgerc, collections=elements(8))
    failed, result = run(api_key_collection, args)
    assert not failed
    # A wait on every request makes the reads overlap when they are sent side by side; what is asserted is how many
    # were being answered at once (at most _client.PARALLEL_READS), not a time.
    emulator.set_latency(100)
    inner = emulator.app.wsgi_app
    counting = emulator.app.wsgi_app = InFlight(inner, '/quota-config')
    try:
        emulator.admin.reset_log()
        failed, result = run(api_key_collection, args)
    finally:
        emulator.app.wsgi_app = inner
        emulator.set_latency(0)
    assert not failed and result['changed'] is False and writes() == {}
    assert requests(emulator)['GET %s' % (BASE % 'v2')] == 1
    assert 2 <= counting.most <= 4, counting.most


def test_the_acl_is_read_only_for_the_elements_that_declare_it_and_state_defaults_to_the_top_level(emulator, run):
    args = dict(PLACE, edgerc=emulator.edgerc, collections=[
        dict(name='acl-a', acl=['ENDPOINT-810001']), dict(name='acl-b', quota=QUOTA)])
    failed, result = run(api_key_collection, args)
    assert not failed and result['api_key_collections'][0]['api_key_collection']['acl'] == ['ENDPOINT-810001']
    a, b = (item['api_key_collection']['id'] for item in result['api_key_collections'])
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, args)
    assert not failed and result['changed'] is False
    read = requests(emulator)
    assert read.get('GET %s/%d/acl-entries' % (BASE % 'v2', a)) == 1 and 'GET %s/%d/acl-entries' % (
        BASE % 'v2', b) not in read
    assert result['api_key_collections'][1]['api_key_collection']['acl'] is None

    # The top-level state is the default; an element's own wins. An element by id keeps the rest of the collection.
    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, state='absent', _ansible_diff=True, collections=[
        dict(name='acl-a'), dict(id=b, description='kept', state='present'), dict(name='never-made')]))
    assert not failed and result['changed'] is True
    assert [(item['name'], item['changed']) for item in result['api_key_collections']] == [
        ('acl-a', True), ('id %d' % b, True), ('never-made', False)]
    assert result['api_key_collections'][0]['api_key_collection'] == {}
    assert result['api_key_collections'][1]['api_key_collection']['description'] == 'kept'
    assert sorted(result['diff']['before']) == ['acl-a', 'id %d' % b]


def test_collections_empty_sends_nothing(emulator, run):
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, collections=[]))
    assert not failed and result == dict(result, changed=False, api_key_collections=[])
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('extra, message', [
    (dict(collections=[dict(name='dup'), dict(name='dup', quota=QUOTA)]),
     "collections: key collection name 'dup' is declared more than once (collections[0].name and collections[1].name)"),
    (dict(collections=[dict(id=7), dict(name='x', id=7)]),
     'collections: key collection id 7 is declared more than once (collections[0].id and collections[1].id)'),
    (dict(collections=[dict(description='no name')]), 'collections[0]: name or id is required'),
    (dict(collections=[dict(name='ok'), dict(name='y', quota=dict(limit=5))]),
     'collections[1] (y): quota.limit must be between 100 and 1000000000, got 5 (nothing was written)'),
    (dict(collections=[dict(name='z', acl=['ENDPOINT-1', 'WHAT'])]),
     "collections[0] (z): acl: 'WHAT' is not an ACL entry"),
    (dict(collections=[dict(name='   ')]), 'collections[0] (   ): name'),
    (dict(collections=[dict(name='a')], name='b'), 'parameters are mutually exclusive: collections|name'),
    (dict(collections=[dict(name='a')], quota=QUOTA), 'parameters are mutually exclusive: collections|quota'),
])
def test_bad_collections_fail_before_any_request(emulator, run, extra, message):
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, **extra))
    assert failed and message in result['msg'], result['msg']
    assert emulator.admin.log()['total'] == 0


def test_one_collection_by_name_and_by_id_is_refused_before_any_write(emulator, run, writes):
    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, collections=[dict(name='twice')]))
    coll_id = result['api_key_collections'][0]['api_key_collection']['id']
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, collections=[
        dict(name='twice', description='a'), dict(id=coll_id, description='b')]))
    assert failed and writes() == {}
    assert result['msg'].startswith('collections[0] (twice) and collections[1] (id %d) are one key collection' % coll_id)
    # Found by a tester: the result listed no element (api_key_collections: []); the elements refused are listed, as
    # an element that fails in a later step is.
    assert result['api_key_collections'] == [dict(name='twice', changed=False, failed=True),
                                             dict(name='id %d' % coll_id, changed=False, failed=True)]
    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, collections=[
        dict(name='twice'), dict(id=999999)]))
    assert failed and result['msg'].startswith('collections[1] (id 999999): no key collection has id 999999')
    assert result['api_key_collections'] == [dict(name='id 999999', changed=False, failed=True)]


def test_a_refused_plan_fails_before_the_first_write_and_a_failure_lists_what_was_done(emulator, run, writes):
    # The second element cannot be planned (no contract and group to create it): nothing is written.
    emulator.admin.reset_log()
    failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, collections=[dict(name='first'), dict(name='second')]))
    assert failed and writes() == {}
    assert result['msg'].startswith('collections[0] (first): no key collection named')
    assert result['msg'].endswith('(nothing was written)')

    # An ACL entry that is not there, on a collection that is created where no other exists: created, checked,
    # rolled back; the element before it stays done and is listed.
    failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, contract_id='C-1EMU001', group_id=10002, collections=[
        dict(name='done-first', quota=QUOTA), dict(name='rolled-back', acl=['ENDPOINT-999999'])]))
    assert failed and result['msg'].startswith('collections[1] (rolled-back): acl: ENDPOINT-999999 is not')
    assert 'rolled back' in result['msg'] and 'done before it: done-first' in result['msg']
    assert [(item['name'], item['changed'], item.get('failed')) for item in result['api_key_collections']] == [
        ('done-first', True, None), ('rolled-back', False, True)]
    failed, result = run(api_key_collection, dict(edgerc=emulator.edgerc, contract_id='C-1EMU001', group_id=10002, collections=[
        dict(name='done-first', quota=QUOTA)]))
    assert not failed and result['changed'] is False
    listed = [c['collectionName'] for c in emulator.session().get(emulator.url(BASE % 'v2')).json()['collections']]
    assert 'rolled-back' not in listed


@pytest.mark.parametrize('version', ['v2', 'v1'])
def test_a_rename_onto_a_name_taken_in_the_contract_and_group_is_refused_before_any_write(emulator, run, version,
                                                                                          writes):
    args = dict(PLACE, edgerc=emulator.edgerc, api_version=version)
    failed, made = run(api_key_collection, dict(args, collections=[dict(name='taken'), dict(name='renamed-one')]))
    assert not failed, made
    ids = [item['api_key_collection']['id'] for item in made['api_key_collections']]
    emulator.admin.reset_log()
    for extra in ({}, {'_ansible_check_mode': True}):
        failed, result = run(api_key_collection, dict(args, id=ids[1], name='taken', **extra))
        assert failed, result
        assert result['msg'] == ('name: key collection %s cannot be renamed %r: key collection %s of contract %s, '
                                 'group %s has that name' % (ids[1], 'taken', ids[0], PLACE['contract_id'],
                                                             PLACE['group_id'])), result['msg']
    assert writes() == {}
