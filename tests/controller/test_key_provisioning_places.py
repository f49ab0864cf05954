# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The key_provisioning role keeps its collections in one api_key_collection run (`collections`) per contract and
group: collections of one name in two groups are two collections, each key task takes the id of its own, and the
elements handed to the collection task carry no key value."""

from __future__ import annotations

import os

import pytest

# Run on the default venv's ansible-core only (Makefile, compat-%): the role's Python filters, no core internal.
pytestmark = pytest.mark.roles

KEY_VALUE = 'places-declared-key-value-0001'


def collection_ids(emu):
    session = emu.session()
    body = session.get(emu.url('/apikey-manager-api/v2/collections')).json()
    return dict(((c['collectionName'], c['groupId']), c['collectionId']) for c in body['collections'])


def test_one_run_per_contract_and_group_and_each_key_task_takes_its_own_id(playbook):
    emu = playbook.emu
    account = emu.store.accounts[emu.store.meta['primary_account']]
    other_group = account.groups[1]['groupId']
    tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
              'vars': {
                  'key_provisioning_edgerc': emu.edgerc,
                  'key_provisioning_contract_id': playbook.contract_id,
                  'key_provisioning_group_id': playbook.group_id,
                  'key_provisioning_collections': [
                      {'name': 'places', 'quota': {'enabled': True, 'limit': 1000, 'interval': 'DAY'}},
                      {'name': 'places', 'group_id': other_group,
                       'keys': [{'label': 'fixed', 'value': KEY_VALUE}]},
                      {'name': 'places-second', 'keys': [{'label': 'second', 'value': KEY_VALUE + '-2'}]}]}}]
    registered = ['key_provisioning__collections', 'key_provisioning__keys']
    rc, output, found = playbook.run(tasks, registered)
    assert rc == 0, output
    assert KEY_VALUE not in output
    runs = found['key_provisioning__collections']['results']
    assert [run['key_provisioning__place'] for run in runs] == [
        [playbook.contract_id, playbook.group_id], [playbook.contract_id, other_group]]
    assert [[item['name'] for item in run['api_key_collections']] for run in runs] == [
        ['places', 'places-second'], ['places']]

    ids = collection_ids(emu)
    first, other, second = ids[('places', playbook.group_id)], ids[('places', other_group)], \
        ids[('places-second', playbook.group_id)]
    assert len({first, other, second}) == 3
    keys = dict((run['key_provisioning__index'], run) for run in found['key_provisioning__keys']['results'])
    assert sorted(keys) == [1, 2]  # the first declares no keys: no key run for it
    assert keys[1]['api_key']['collection']['id'] == other
    assert keys[2]['api_key']['collection']['id'] == second

    # A second run: no write.
    emu.admin.reset_log()
    rc, output, found = playbook.run(tasks, registered)
    assert rc == 0, output
    written = [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')]
    assert written == [], written
    assert not any(run['changed'] for run in found['key_provisioning__collections']['results'])


def test_keys_from_a_file_relative_to_the_playbook(playbook):
    """A collection item's import_file (a relative path: from the playbook's directory) declares its keys; the second
    run sends no write; no value is printed."""
    emu = playbook.emu
    (playbook.tmp_path / 'keys.csv').write_text(
        'VALUE,LABEL,TAGS\n' + ''.join('%s-%03d,file-%03d,\n' % (KEY_VALUE, n, n) for n in range(30)))
    tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
              'vars': {
                  'key_provisioning_edgerc': emu.edgerc,
                  'key_provisioning_contract_id': playbook.contract_id,
                  'key_provisioning_group_id': playbook.group_id,
                  'key_provisioning_collections': [{'name': 'from-file', 'import_file': 'keys.csv'}]}}]
    registered = ['key_provisioning__keys']
    rc, output, found = playbook.run(tasks, registered)
    assert rc == 0, output
    assert KEY_VALUE not in output
    result = found['key_provisioning__keys']['results'][0]
    assert result['changed'] is True
    collection_id = collection_ids(emu)[('from-file', playbook.group_id)]
    exported = emu.session().get(emu.url('/apikey-manager-api/v2/collections/%d/keys/export' % collection_id),
                                 headers={'Accept': 'application/json'}).json()
    assert sorted(k['keyValue'] for k in exported) == ['%s-%03d' % (KEY_VALUE, n) for n in range(30)]

    emu.admin.reset_log()
    rc, output, found = playbook.run(tasks, registered)
    assert rc == 0, output
    assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert found['key_provisioning__keys']['results'][0]['changed'] is False


def test_a_key_file_that_cannot_be_read_fails_before_any_write(playbook):
    """import_file missing, a directory, or not a string: the role fails before its first write, naming the item and
    the path (a relative one resolved from the playbook's directory)."""
    emu = playbook.emu
    (playbook.tmp_path / 'keydir').mkdir()
    (playbook.tmp_path / 'linkdir.csv').symlink_to(playbook.tmp_path / 'keydir')
    (playbook.tmp_path / 'dangling.csv').symlink_to(playbook.tmp_path / 'nowhere.csv')
    os.mkfifo(str(playbook.tmp_path / 'fifo.csv'))
    cases = [('linkdir.csv', "key_provisioning_collections[1] (kf-second).import_file %s: is a directory"
              % (playbook.tmp_path / 'linkdir.csv')),
             ('dangling.csv', "key_provisioning_collections[1] (kf-second).import_file %s: no such file"
              % (playbook.tmp_path / 'dangling.csv')),
             ('fifo.csv', "key_provisioning_collections[1] (kf-second).import_file %s: is not a regular file"
              % (playbook.tmp_path / 'fifo.csv')),
             ('missing.csv', "key_provisioning_collections[1] (kf-second).import_file %s: no such file"
              % (playbook.tmp_path / 'missing.csv')),
             ('keydir', "key_provisioning_collections[1] (kf-second).import_file %s: is a directory"
              % (playbook.tmp_path / 'keydir')),
             (['a.csv'], "key_provisioning_collections[1] (kf-second).import_file must be a path (a string)"),
             # A number names a file, as the module reads it: here one that does not exist.
             (123, "key_provisioning_collections[1] (kf-second).import_file %s: no such file"
              % (playbook.tmp_path / '123')),
             (False, "key_provisioning_collections[1] (kf-second).import_file must be a path (a string)")]
    for import_file, message in cases:
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                  'vars': {
                      'key_provisioning_edgerc': emu.edgerc,
                      'key_provisioning_contract_id': playbook.contract_id,
                      'key_provisioning_group_id': playbook.group_id,
                      'key_provisioning_collections': [{'name': 'kf-first'},
                                                       {'name': 'kf-second', 'import_file': import_file}]}}]
        emu.admin.reset_log()
        rc, output, dummy = playbook.run(tasks, [])
        assert rc != 0, output
        assert message in ' '.join(output.split()), output[-3000:]
        assert 'nothing was written' in output
        assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert ('kf-first', playbook.group_id) not in collection_ids(emu)


def test_an_item_with_a_wrong_key_or_state_fails_before_any_write(playbook):
    """A collection or counter item with a state that is neither present nor absent, a key the role does not know, or
    no name fails the role's argument check: before the counters to delete are deleted (it failed after them)."""
    emu = playbook.emu
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}
    made = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
             'vars': dict(base, key_provisioning_counters=[{'name': 'bad-items-counter', 'limit': 100}])}]
    rc, output, dummy = playbook.run(made, [])
    assert rc == 0, output
    cases = [
        ([{'name': 'bad-items', 'state': 'presnt'}], [],
         'value of state must be one of: present, absent, got: presnt found in key_provisioning_collections'),
        ([{'name': 'bad-items', 'quotas': {'limit': 10}}], [],
         'key_provisioning_collections.quotas'),
        ([{'keys': []}], [], 'missing required arguments: name found in key_provisioning_collections'),
        ([], [{'name': 'bad-items-other', 'limit': 100, 'state': 'deleted'}],
         'value of state must be one of: present, absent, got: deleted found in key_provisioning_counters'),
    ]
    for collections, counters, message in cases:
        # The counter made above is to be deleted (state absent) in the same run.
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                  'vars': dict(base, key_provisioning_collections=collections,
                               key_provisioning_counters=[{'name': 'bad-items-counter', 'state': 'absent'}]
                               + counters)}]
        emu.admin.reset_log()
        rc, output, dummy = playbook.run(tasks, [])
        assert rc != 0, output
        assert message in ' '.join(output.split()), output[-3000:]
        assert "Validating arguments against arg spec" in output
        assert emu.admin.log()['total'] == 0, emu.admin.log()['counts']


def test_an_endpoint_name_that_is_no_endpoint_leaves_the_acl_as_it_is(playbook):
    """acl_endpoints naming no endpoint (a typo) fails before the ACL is written, naming it and the endpoints there
    are (the ACL was set without its entry: emptied, locking the keys out); acl_endpoints null is as not given."""
    emu = playbook.emu
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}

    def run(item):
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                  'vars': dict(base, key_provisioning_collections=[item])}]
        emu.admin.reset_log()
        return playbook.run(tasks, [])

    def acl():
        collection_id = collection_ids(emu)[('acl-typo', playbook.group_id)]
        # API Keys v2: the ACL as three arrays of ids (endpoints, resources, methods).
        body = emu.session().get(emu.url('/apikey-manager-api/v2/collections/%d/acl-entries' % collection_id)).json()
        return sorted('%s-%s' % (kind, entry) for kind, entries in body.items() for entry in entries or [])

    rc, output, dummy = run({'name': 'acl-typo', 'acl_endpoints': ['Bookstore API']})
    assert rc == 0, output
    before = acl()
    assert len(before) == 1, before

    rc, output, dummy = run({'name': 'acl-typo', 'acl_endpoints': ['Bookstor API', 'Bookstore API', '/nowhere']})
    assert rc != 0, output
    text = ' '.join(output.split())
    assert ('key_provisioning_collections[0] (acl-typo).acl_endpoints: "Bookstor API", "/nowhere" are neither the '
            'name nor the base path of an endpoint' in text), output[-3000:]
    assert '"Bookstore API"' in text and 'the ACL was not changed' in text
    assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert acl() == before

    # Null: as not given - the item's own acl applies, in the collection task.
    rc, output, dummy = run({'name': 'acl-typo', 'acl': [], 'acl_endpoints': None})
    assert rc == 0, output
    assert acl() == []


def test_a_declaration_that_contradicts_itself_fails_before_any_write(playbook):
    """A counter both deleted and kept (deleted and made again on every run), a kept counter whose rules name a
    collection that is deleted (deleted, then the counter failed), a collection twice in one contract and group (the
    counters to delete were deleted first): each fails before any write, naming the items."""
    emu = playbook.emu
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}
    made = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
             'vars': dict(base, key_provisioning_collections=[{'name': 'contra-coll'}],
                          key_provisioning_counters=[{'name': 'contra-counter', 'limit': 100}])}]
    rc, output, dummy = playbook.run(made, [])
    assert rc == 0, output
    cases = [
        ([{'name': 'contra-coll'}],
         [{'name': 'contra-counter', 'state': 'absent'}, {'name': 'contra-counter', 'limit': 40}],
         'key_provisioning_counters[0] and [1] declare the counter "contra-counter" both absent and present'),
        ([{'name': 'contra-coll', 'state': 'absent'}],
         [{'name': 'contra-new', 'limit': 30, 'rules': {'key_collections': ['contra-coll']}}],
         'key_provisioning_counters[0] (contra-new).rules.key_collections names the collection "contra-coll", which '
         'key_provisioning_collections deletes'),
        ([{'name': 'contra-coll'}],
         [{'name': 'contra-counter', 'state': 'absent'}, {'name': 'contra-new', 'limit': 30},
          {'name': 'contra-new', 'limit': 40}],
         'key_provisioning_counters[1] and [2] declare the counter "contra-new" twice: give it once'),
        ([{'name': 'contra-twice'}, {'name': 'contra-twice', 'description': 'second'}],
         [{'name': 'contra-counter', 'state': 'absent'}],
         'key_provisioning_collections[0] and [1] both declare the collection "contra-twice"'),
    ]
    for collections, counters, message in cases:
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                  'vars': dict(base, key_provisioning_collections=collections, key_provisioning_counters=counters)}]
        for check in (True, False):
            emu.admin.reset_log()
            include = {'name': 'edgegrid.access.key_provisioning', 'apply': {'check_mode': check}}
            task = dict(tasks[0], **{'ansible.builtin.include_role': include})
            rc, output, dummy = playbook.run([task], [])
            assert rc != 0, output
            assert message in ' '.join(output.split()), output[-3000:]
            assert 'nothing was written' in output
            assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []
    assert ('contra-coll', playbook.group_id) in collection_ids(emu)


def test_names_that_are_no_names_fail_and_a_numeric_name_is_exported_as_text(playbook, tmp_path):
    """An item's name that is a list, a dict, a boolean or null fails before any write (Ansible's argument check
    turned a list into its text); a number is a name, exported under its text, and told apart from no other."""
    emu = playbook.emu
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}
    for name in (['a', 'b'], {'a': 1}, True, None, ''):
        for variable, item in (('key_provisioning_collections', {'name': name}),
                               ('key_provisioning_counters', {'name': name, 'limit': 100})):
            tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                      'vars': dict(base, **{variable: [item]})}]
            emu.admin.reset_log()
            rc, output, dummy = playbook.run(tasks, [])
            assert rc != 0, output
            text = ' '.join(output.split())
            assert ('%s[0].name must be a name (a string)' % variable in text
                    or 'missing required arguments: name found in %s' % variable in text), output[-3000:]
            assert [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')] == []
    export = tmp_path / 'export.yml'
    tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
              'vars': dict(base, key_provisioning_export_path=str(export),
                           key_provisioning_collections=[{'name': 2027, 'generate': [{'label': 'n', 'count': 1}]}])}]
    rc, output, dummy = playbook.run(tasks, [])
    assert rc == 0, output
    assert ('2027', playbook.group_id) in collection_ids(emu)
    assert export.read_text().count('"2027":') == 1


def test_the_declaration_checks_read_items_as_the_modules_do(playbook):
    """The checks before any write read a group as the modules do ("010002" is 10002), rules.key_collections and
    acl_endpoints given as a string as a comma-separated list (not letter by letter), and a deleted collection in its
    own contract and group only (the same name kept in another group is another collection)."""
    emu = playbook.emu
    account = emu.store.accounts[emu.store.meta['primary_account']]
    other_group = account.groups[1]['groupId']
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}

    def run(collections, counters):
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': {'name': 'edgegrid.access.key_provisioning'},
                  'vars': dict(base, key_provisioning_collections=collections, key_provisioning_counters=counters)}]
        emu.admin.reset_log()
        rc, output, dummy = playbook.run(tasks, [])
        return rc, ' '.join(output.split()), [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')]

    rc, text, writes = run([{'name': 'reads-pad', 'group_id': other_group}],
                           [{'name': 'reads-flip', 'limit': 10, 'group_id': other_group},
                            {'name': 'reads-flip', 'group_id': '0%d' % other_group, 'state': 'absent'}])
    assert rc != 0 and 'declare the counter "reads-flip" both absent and present' in text, text[-3000:]
    assert writes == []
    rc, text, writes = run([{'name': 'reads-gone', 'state': 'absent'}],
                           [{'name': 'reads-c', 'limit': 10, 'rules': {'key_collections': 'reads-gone'}}])
    assert rc != 0 and ('key_provisioning_counters[0] (reads-c).rules.key_collections names the collection '
                        '"reads-gone", which key_provisioning_collections deletes') in text, text[-3000:]
    assert writes == []
    rc, text, writes = run([{'name': 'reads-num'}], [{'name': 'reads-n', 'limit': 10, 'rules': {'key_collections': 5}}])
    assert 'reads-n' in text and 'not iterable' not in text and 'Traceback' not in text, text[-3000:]

    # Valid: reads-two is deleted in the role's group and kept in the other, where the counter counts it.
    rc, text, writes = run([{'name': 'reads-two'}], [])
    assert rc == 0, text[-3000:]
    rc, text, writes = run([{'name': 'reads-two', 'state': 'absent'}, {'name': 'reads-two', 'group_id': other_group}],
                           [{'name': 'reads-q', 'limit': 10, 'group_id': other_group,
                             'rules': {'key_collections': ['reads-two']}}])
    assert rc == 0, text[-3000:]
    assert ('reads-two', playbook.group_id) not in collection_ids(emu)
    assert ('reads-two', other_group) in collection_ids(emu)

    # acl_endpoints as a string: one name (its letters were taken for names).
    rc, text, writes = run([{'name': 'reads-acl', 'acl_endpoints': 'Bookstore API'}], [])
    assert rc == 0, text[-3000:]
    collection_id = collection_ids(emu)[('reads-acl', playbook.group_id)]
    acl = emu.session().get(emu.url('/apikey-manager-api/v2/collections/%d/acl-entries' % collection_id)).json()
    assert sum(len(entries or []) for entries in acl.values()) == 1, acl


def test_a_value_a_module_refuses_fails_before_the_counters_to_delete_are_deleted(playbook):
    """A value that api_key_collection, api_key or throttling_counter refuses before its first request (a quota
    limit out of range, a key value with white space around it, a count of 0, a counter's limit out of range) fails
    the role before any write, naming the role's variable, the item and the problem: the counter to delete is still
    there (it was deleted, then the module failed on the value). No key value is printed. A value the module's
    argument spec converts ("1000") passes."""
    emu = playbook.emu
    secret = 'values-declared-key-value-0001'
    base = {'key_provisioning_edgerc': emu.edgerc, 'key_provisioning_contract_id': playbook.contract_id,
            'key_provisioning_group_id': playbook.group_id}

    def run(collections, counters, check=False):
        include = {'name': 'edgegrid.access.key_provisioning', 'apply': {'check_mode': check}}
        tasks = [{'name': 'Provision', 'ansible.builtin.include_role': include,
                  'vars': dict(base, key_provisioning_collections=collections, key_provisioning_counters=counters)}]
        emu.admin.reset_log()
        rc, output, dummy = playbook.run(tasks, [])
        return rc, output, [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')]

    def counter_exists():
        return '"values-counter"' in emu.session().get(emu.url('/apikey-manager-api/v2/counters')).text

    rc, output, writes = run([{'name': 'values-coll'}], [{'name': 'values-counter', 'limit': 100}])
    assert rc == 0, output
    assert counter_exists()
    delete = [{'name': 'values-counter', 'state': 'absent'}]
    cases = [
        ([{'name': 'values-coll'}, {'name': 'values-low', 'quota': {'enabled': True, 'limit': 5}}], delete,
         'key_provisioning_collections[1] (values-low): quota.limit must be between 100 and 1000000000, got 5'),
        ([{'name': 'values-coll', 'keys': [{'label': 'spaced', 'value': ' %s' % secret}]}], delete,
         "key_provisioning_collections[0] (values-coll): keys[0] (label 'spaced'): the value begins or ends with white "
         "space"),
        ([{'name': 'values-coll', 'generate': [{'label': 'none', 'count': 0}]}], delete,
         "key_provisioning_collections[0] (values-coll): generate[0] (label 'none'): count must be between 1 and "
         "10000, got 0"),
        ([{'name': 'values-coll'}], delete + [{'name': 'values-new', 'limit': 5}],
         'key_provisioning_counters[1] (values-new): limit must be between 10 and 1000000, got 5'),
    ]
    for collections, counters, message in cases:
        for check in (False, True):
            rc, output, writes = run(collections, counters, check)
            assert rc != 0, output
            assert message in ' '.join(output.split()), output[-3000:]
            assert 'nothing was written' in output
            assert secret not in output
            assert writes == []
            assert counter_exists()

    rc, output, writes = run([{'name': 'values-coll', 'quota': {'limit': '1000'}}], delete)
    assert rc == 0, output[-3000:]
    assert not counter_exists()
