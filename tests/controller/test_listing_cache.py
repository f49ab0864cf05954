# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The items of one loop read a listing once when the task runs in the worker process (_listing_cache, opened by
_in_process), afresh after an item that wrote, and every time as module processes (issue 19). Requests are counted
in the emulator's log."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import datetime, timedelta, timezone

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


def test_an_item_run_as_a_module_process_empties_the_listings_of_the_worker(playbook):
    """A module process may write where the worker cannot see it: the items after it read afresh."""
    emu = playbook.emu
    rc, output, dummy = playbook.run([collections_task(playbook, ['lc-mp-a'])], [], verbosity=0)
    assert rc == 0, output
    emu.admin.reset_log()
    task = collections_task(playbook, ['lc-mp-a', 'lc-mp-c', 'lc-mp-c'], vars={
        'edgegrid_access_in_process': "{{ ansible_loop.index != 2 }}"}, loop_control={'extended': True})
    rc, output, found = playbook.run([task], ['colls'], verbosity=0)
    assert rc == 0, output
    assert [r['changed'] for r in found['colls']['results']] == [False, True, False]
    assert counts(emu).get('POST /apikey-manager-api/v2/collections') == 1  # the third item does not create again


def test_sections_that_share_a_client_token_but_not_the_secret_share_no_listing(playbook, tmp_path):
    """The listing is kept for the whole credential: a section with a wrong client_secret fails on its own read."""
    with open(playbook.emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    default = text.split('[default]', 1)[1].split('\n[', 1)[0]
    wrong = '\n'.join('client_secret = %s' % ('A' * 43 + '=') if line.strip().startswith('client_secret') else line
                      for line in default.splitlines())
    edgerc = tmp_path / 'two.edgerc'
    edgerc.write_text('[default]%s\n[wrongsecret]%s\n' % (default, wrong), encoding='utf-8')
    edgerc.chmod(0o600)

    def counter(**extra):
        return dict({'name': 'lc-secret-counter', 'contract_id': playbook.contract_id, 'group_id': playbook.group_id,
                     'limit': 100, 'on_over_limit': 'DENY'}, **extra)
    task = {'name': 'Counter per section', 'register': 'counters', 'loop': ['default', 'wrongsecret'],
            'ignore_errors': True,
            'edgegrid.access.throttling_counter': counter(section='{{ item }}', edgerc=str(edgerc))}
    # A converged counter is found in the listing alone: no other read would catch the wrong secret.
    rc, output, found = playbook.run([{'edgegrid.access.throttling_counter': counter()}, task], ['counters'],
                                     verbosity=0)
    assert rc == 0, output
    first, second = found['counters']['results']
    assert not first.get('failed') and not first['changed'], first
    assert second.get('failed') and 'signature' in second['msg'].lower(), second


def test_a_relative_path_names_the_same_file_in_the_worker_as_in_a_module_process(playbook, tmp_path):
    """A module process of the local connection starts in the task's base directory (here the playbook's):
    the module in the worker runs there too."""
    with open(playbook.emu.edgerc, encoding='utf-8') as handle:
        (tmp_path / 'relative.edgerc').write_text(handle.read(), encoding='utf-8')
    (tmp_path / 'relative.edgerc').chmod(0o600)
    tasks = [{'name': 'Read with a relative .edgerc', 'register': 'info',
              'edgegrid.access.api_key_collection_info': {'edgerc': 'relative.edgerc', 'details': False}}]
    for in_process in (True, False):
        rc, output, found = playbook.run(tasks, ['info'], verbosity=0,
                                         extra_vars={'edgegrid_access_in_process': in_process})
        assert rc == 0, (in_process, output)
        assert not found['info'].get('failed'), (in_process, found['info'])


OUT_OF_BAND = '''
import sys

import requests
from akamai.edgegrid import EdgeGridAuth, EdgeRc

rc = EdgeRc(sys.argv[1])
session = requests.Session()
session.auth = EdgeGridAuth(client_token=rc.get('default', 'client_token'),
                            client_secret=rc.get('default', 'client_secret'),
                            access_token=rc.get('default', 'access_token'))
method, path = sys.argv[3], sys.argv[4]
body = open(sys.argv[5], encoding='utf-8').read() if len(sys.argv) > 5 else None
answer = session.request(method, sys.argv[2] + path, data=body,
                         headers={'Content-Type': 'application/json'} if body else {})
answer.raise_for_status()
print('done')
'''


def out_of_band(playbook, condition, method, path, body=None):
    """A template ('' when rendered) that, when an item's arguments are templated (before its module runs) and
    `condition` (Jinja) holds, sends one request signed with the emulator's [default] section from another process:
    someone else's change between two items."""
    script = playbook.tmp_path / 'out_of_band.py'
    script.write_text(OUT_OF_BAND, encoding='utf-8')
    args = [sys.executable, str(script), playbook.emu.edgerc, playbook.emu.base_url, method, path]
    if body is not None:  # in a file: JSON in the template would be taken for Jinja ('}}')
        body_file = playbook.tmp_path / ('out_of_band-%d.json' % len(list(playbook.tmp_path.glob('out_of_band-*'))))
        body_file.write_text(json.dumps(body), encoding='utf-8')
        args.append(str(body_file))
    return "{{ (lookup('ansible.builtin.pipe', %r) if %s else '') | replace('done', '') }}" % (
        ' '.join(shlex.quote(a) for a in args), condition)


def test_a_change_made_between_two_items_is_not_written_over_from_the_earlier_listing(playbook):
    """Found by a tester: the second item, served the credential listing the first one read, wrote back the status
    of that listing - a credential deactivated between the two items was made ACTIVE again - and a counter changed
    between the two items got its old fields back. The item that writes reads afresh (it runs again)."""
    emu = playbook.emu
    rc, output, found = playbook.run([
        {'name': 'A second credential', 'no_log': True, 'register': 'made',
         'edgegrid.access.api_credential': {'description': 'lc-oob'}},
        {'name': 'Two counters', 'register': 'counters', 'edgegrid.access.throttling_counter': {
            'contract_id': playbook.contract_id, 'group_id': playbook.group_id, 'state': 'present',
            'counters': [{'name': 'lc-oob-c1', 'limit': 100, 'on_over_limit': 'DENY'},
                         {'name': 'lc-oob-c2', 'limit': 200, 'on_over_limit': 'DENY'}]}},
    ], ['made', 'counters'], verbosity=0)
    assert rc == 0, output
    second = found['made']['credential']['credential_id']
    listed = emu.session().get(emu.url('/identity-management/v3/api-clients/self/credentials')).json()
    first = [c['credentialId'] for c in listed if c['credentialId'] != second][0]  # the one the playbook signs with
    c2 = found['counters']['throttling_counters'][1]['throttling_counter']['id']
    deactivate = out_of_band(playbook, 'item == %d' % second, 'POST', '/identity-management/v3/api-clients/self/credentials/%s/deactivate'
                             % second)
    counter = emu.session().get(emu.url('/apikey-manager-api/v2/counters/%s' % c2)).json()
    warn = out_of_band(playbook, 'item.limit == 260', 'PUT', '/apikey-manager-api/v2/counters/%s' % c2,
                       dict(counter, throttlingLimitExceededAction='WARN', throttlingCounterDescription='set in the UI'))
    expires = (datetime.now(timezone.utc) + timedelta(days=200)).strftime('%Y-%m-%dT00:00:00Z')
    # The requests out of band are sent while the second item's arguments are templated; the first item of each loop
    # is converged (it writes nothing, so the second is served the listing it read).
    tasks = [
        {'name': 'Expiry of each credential', 'no_log': True, 'register': 'expiry', 'loop': [first, second],
         'vars': {'hook': deactivate},
         'edgegrid.access.api_credential': {
             'credential_id': '{{ item }}',
             'expires_on': '{{ (hook + "%s") if item == %d else omit }}' % (expires, second)}},
        {'name': 'Limit of each counter', 'register': 'limits', 'vars': {'hook': warn},
         'loop': [{'name': 'lc-oob-c1', 'limit': 100}, {'name': 'lc-oob-c2', 'limit': 260}],
         'edgegrid.access.throttling_counter': {
             'name': '{{ hook }}{{ item.name }}',
             'contract_id': playbook.contract_id, 'group_id': playbook.group_id, 'limit': '{{ item.limit }}'}},
    ]
    emu.admin.reset_log()
    rc, output, found = playbook.run(tasks, ['expiry', 'limits'], verbosity=0)
    assert rc == 0, output
    assert [r['changed'] for r in found['expiry']['results']] == [False, True]
    assert [r['changed'] for r in found['limits']['results']] == [False, True]
    assert writes(emu) == {'PUT /identity-management/v3/api-clients/self/credentials/%s' % second: 1,
                           'POST /identity-management/v3/api-clients/self/credentials/%s/deactivate' % second: 1,
                           'PUT /apikey-manager-api/v2/counters/%s' % c2: 2}, writes(emu)
    credentials = emu.session().get(emu.url('/identity-management/v3/api-clients/self/credentials')).json()
    status = dict((c['credentialId'], c['status']) for c in credentials)
    assert status[second] == 'INACTIVE' and status[first] == 'ACTIVE', status
    after = emu.session().get(emu.url('/apikey-manager-api/v2/counters/%s' % c2)).json()
    assert (after['throttlingLimitExceededAction'], after['throttlingCounterDescription'],
            after['throttlingLimit']) == ('WARN', 'set in the UI', 260), after


def test_an_item_that_reads_a_thing_deleted_since_the_earlier_listing_reads_afresh(playbook):
    """Found by a tester: the second item, served the collection listing the first one read, read the endpoints of
    the collection the listing named (to check its ACL), deleted meanwhile, and failed with a 404 for a collection it
    never named. It runs again, reading afresh (then no collection of the group is left: the new one is checked
    after its create)."""
    emu = playbook.emu
    place = {'contract_id': playbook.contract_id, 'group_id': playbook.group_id}
    rc, output, found = playbook.run([{'name': 'The sibling', 'register': 'sibling',
                                       'edgegrid.access.api_key_collection': dict(place, name='lc-gone')}],
                                     ['sibling'], verbosity=0)
    assert rc == 0, output
    gone = found['sibling']['api_key_collection']['id']
    delete = out_of_band(playbook, 'item.name == "lc-new"', 'DELETE', '/apikey-manager-api/v2/collections/%s' % gone)
    tasks = [{'name': 'Collections', 'register': 'colls', 'vars': {'hook': delete},
              'loop': [{'name': 'lc-gone'}, {'name': 'lc-new', 'acl': ['ENDPOINT-810001']}],
              'edgegrid.access.api_key_collection': dict(place, name='{{ hook }}{{ item.name }}',
                                                         acl='{{ item.acl | default(omit) }}')}]
    rc, output, found = playbook.run(tasks, ['colls'], verbosity=0)
    assert rc == 0, output
    assert [r['changed'] for r in found['colls']['results']] == [False, True]
    assert found['colls']['results'][1]['api_key_collection']['acl'] == ['ENDPOINT-810001']


def test_an_item_that_would_fail_from_the_earlier_listing_reads_afresh(playbook):
    """Found by a tester: the second item, served the collection listing the first one read, failed with "no key
    collection named ..." for a collection created meanwhile, without a request. A failure a kept listing may have
    decided runs the item again, reading afresh; a genuine one is reported once."""
    emu = playbook.emu
    place = {'contract_id': playbook.contract_id, 'group_id': playbook.group_id}
    rc, output, dummy = playbook.run([{'name': 'The first', 'edgegrid.access.api_key_collection':
                                       dict(place, name='lc-first')}], [], verbosity=0)
    assert rc == 0, output
    body = {'collectionName': 'lc-later', 'contractId': playbook.contract_id, 'groupId': playbook.group_id}
    create = out_of_band(playbook, 'item == "lc-later"', 'POST', '/apikey-manager-api/v2/collections', body)
    tasks = [{'name': 'Keys', 'register': 'keys', 'vars': {'hook': create}, 'loop': ['lc-first', 'lc-later'],
              'edgegrid.access.api_key': {'collection': '{{ hook }}{{ item }}', 'keys': []}}]
    rc, output, found = playbook.run(tasks, ['keys'], verbosity=0)
    assert rc == 0, output
    assert [r['changed'] for r in found['keys']['results']] == [False, False]
    # A genuine failure: reported once, as a run of its own reports it.
    emu.admin.reset_log()
    tasks = [{'name': 'Keys', 'register': 'keys', 'ignore_errors': True, 'loop': ['lc-first', 'lc-none'],
              'edgegrid.access.api_key': {'collection': '{{ item }}', 'keys': []}}]
    rc, output, found = playbook.run(tasks, ['keys'], verbosity=0)
    results = found['keys']['results']
    assert not results[0].get('failed') and results[1]['failed'], results
    assert results[1]['msg'].startswith("no key collection named 'lc-none'"), results[1]['msg']
    assert counts(emu).get(LISTING) == 2, counts(emu)  # the first item's, and the second's afresh
