# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rotation filters (controller side; the policy itself is tested in module_utils/test_rotation.py).

Here, not beside the policy's tests: importing controller code changes where modules send their warnings, and the
tests of modules run in the same process."""

from __future__ import annotations

import pytest


def test_filter_checks_its_input():
    # Imported here, not when pytest collects the file: before the tests of modules run.
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    from ansible_collections.edgegrid.access.plugins.filter.rotation import rotation_plan  # pylint: disable=import-outside-toplevel

    current = dict(credential_id=1, status='active', description='', created_on='2026-01-01T00:00:00Z',
                   expires_on='2027-12-01T00:00:00Z')
    assert rotation_plan([current], current, force=True)['rotate']
    with pytest.raises(AnsibleFilterError, match='current'):
        rotation_plan([current], {})


def _filters():
    # Imported here, not when pytest collects the file (see above).
    from ansible_collections.edgegrid.access.plugins.filter import rotation  # pylint: disable=import-outside-toplevel
    return rotation


def _cred(cid, token, signing=False, created='2026-11-01T00:00:00Z', status='active', description=''):
    return dict(credential_id=cid, client_token=token, status=status, description=description, created_on=created,
                expires_on='2028-11-01T00:00:00Z', signing=signing)


OPTIONS = dict(force=False, max_age_days=90, min_remaining_days=30, overlap_hours=24, deactivate_old=False,
               retention_days=30, adopt_undescribed=True, lease_seconds=900, prefix='edgegrid.access rotation',
               credential_limit=2, cleanup=True)


def _options(**changes):
    """The role's defaults, `changes` applied."""
    out = dict(OPTIONS)
    out.update(changes)
    return out


def test_run_self_takes_the_signing_credential_and_acts_on_nothing_when_converged():
    rotation = _filters()
    creds = [_cred(10, 'akab-a', signing=True), _cred(11, 'akab-b')]
    run = rotation.rotation_run(creds, 'self', '', item=['', 'svc', 'self', 'svc', ''], **OPTIONS)
    assert [cred['credential_id'] for cred in run['current']] == [10]
    assert run['plan']['current_id'] == 10 and not run['plan']['rotate'] and not run['plan']['due']
    assert run['act'] is False
    assert (run['peers'], run['turn'], run['item']) == (0, 0, ['', 'svc', 'self', 'svc', ''])
    assert sorted(run) == ['act', 'current', 'item', 'peers', 'plan', 'turn']


def test_run_of_a_client_id_takes_the_credential_of_the_section_token_not_the_signing_one():
    rotation = _filters()
    creds = [_cred(10, 'akab-a', signing=True), _cred(11, 'akab-b')]
    run = rotation.rotation_run(creds, '1abc', 'akab-b', item=[], **OPTIONS)
    assert [cred['credential_id'] for cred in run['current']] == [11]
    assert run['plan']['current_id'] == 11
    # A section token of no credential: nothing current, nothing planned, the steps say so.
    run = rotation.rotation_run(creds, '1abc', 'akab-z', item=[], **OPTIONS)
    assert run['current'] == [] and run['plan'] == {} and run['act'] is True
    # An int client id is not 'self'.
    assert rotation.rotation_run(creds, 12345, 'akab-a', **OPTIONS)['current'][0]['credential_id'] == 10


def test_run_with_two_current_credentials_plans_nothing_and_acts():
    rotation = _filters()
    creds = [_cred(10, 'akab-a'), _cred(11, 'akab-a')]
    run = rotation.rotation_run(creds, 'client', 'akab-a', **OPTIONS)
    assert len(run['current']) == 2 and run['plan'] == {} and run['act'] is True


def test_run_acts_when_due_and_reads_force_as_the_bool_filter_does():
    rotation = _filters()
    creds = [_cred(10, 'akab-a', signing=True)]
    options = _options(force='yes')
    run = rotation.rotation_run(creds, 'self', **options)
    assert run['plan']['rotate'] and run['act'] is True
    old = [_cred(10, 'akab-a', signing=True, created='2020-01-01T00:00:00Z')]
    assert rotation.rotation_run(old, 'self', **OPTIONS)['plan']['due']
    assert rotation.rotation_run(creds, 'self', **_options(force='false'))['act'] is False


def test_run_acts_on_deletions_only_with_cleanup():
    rotation = _filters()
    creds = [_cred(10, 'akab-a', signing=True),
             dict(_cred(9, 'akab-o', status='inactive'), expires_on='2025-01-01T00:00:00Z')]
    run = rotation.rotation_run(creds, 'self', **OPTIONS)
    assert run['plan']['delete'] == [9] and run['act'] is True
    # The steps read cleanup as a truthy value: nothing to delete, nothing else to do.
    assert rotation.rotation_run(creds, 'self', **_options(cleanup=False))['act'] is False


def test_run_checks_its_input():
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match='list'):
        _filters().rotation_run({'credentials': []}, 'self')
    with pytest.raises(AnsibleFilterError, match='dicts'):
        _filters().rotation_run(['x'], 'self')


def test_peers_count_the_hosts_of_the_same_api_client_and_those_before():
    rotation = _filters()
    mine, other = [_cred(5, 'a'), _cred(9, 'b')], [_cred(7, 'c')]
    batch = ['h1', 'h2', 'h3', 'h4', 'h5']
    reads = [[_cred(9, 'b'), _cred(5, 'a')], [], other, mine, mine]
    assert rotation.rotation_peers(reads, batch, 'h4') == dict(peers=2, turn=1)
    assert rotation.rotation_peers(reads, batch, 'h1') == dict(peers=2, turn=0)
    assert rotation.rotation_peers(reads, batch, 'h5') == dict(peers=2, turn=2)
    assert rotation.rotation_peers(reads, batch, 'h3') == dict(peers=0, turn=0)
    # A host that read nothing has no peers, and is none of the others'.
    assert rotation.rotation_peers(reads, batch, 'h2') == dict(peers=0, turn=0)


def test_peers_check_their_input():
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match='batch'):
        _filters().rotation_peers([[]], ['h1', 'h2'], 'h1')
    with pytest.raises(AnsibleFilterError, match='batch'):
        _filters().rotation_peers([[]], ['h1'], 'h9')
    for reads in ([['x'], []], [[{'credential_id': None}], []]):
        with pytest.raises(AnsibleFilterError, match='numeric credential_id'):
            _filters().rotation_peers(reads, ['h1', 'h2'], 'h1')


def test_record_without_a_plan_says_so():
    """Under ignore_errors the record runs after the steps failed on a section whose credential is not the API
    client's: no plan, no credential in use. It fails saying that, not with a Python error."""
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    settings = dict(section='svc', edgerc='/e', client_id='self', account_switch_key='')
    for run in (dict(current=[], plan={}, act=True), dict(current=[], plan=dict(due=False), act=True)):
        with pytest.raises(AnsibleFilterError, match='no plan to record: the credential of the section was not found'):
            _filters().rotation_record(run, settings)


def test_item_takes_the_item_first_then_the_role_variables(monkeypatch):
    monkeypatch.setenv('HOME', '/home/op')
    rotation = _filters()
    given = rotation.rotation_item({}, edgerc='~/.edgerc', section='svc', client_id='self', account_switch_key='',
                                   controller_credential='', max_retries=3, request_timeout=30)
    assert given['edgerc'] == '/home/op/.edgerc'
    assert (given['section'], given['client_id'], given['auth_section'], given['account_switch_key']) == ('svc', 'self', 'svc', '')
    assert given['key'] == ['/home/op/.edgerc', 'svc', 'self', 'svc', '']
    assert given['auth'] == dict(host='', client_token='', client_secret='', access_token='', max_retries=3,
                                 request_timeout=30, edgerc='/home/op/.edgerc', section='svc')
    item = dict(edgerc='/etc/e', section=0, client_id=123, auth_section='admin', account_switch_key='1-AB:1-CD',
                controller_credential=42)
    given = rotation.rotation_item(item, edgerc='~/.edgerc', section='svc', client_id='self', account_switch_key='K',
                                   controller_credential='')
    # A section named 0 is a name; the client id keeps its type; the controller credential is a string.
    assert given['key'] == ['/etc/e', '0', 123, 'admin', '1-AB:1-CD']
    assert given['controller_credential'] == '42'
    assert given['auth']['section'] == 'admin' and given['auth']['account_switch_key'] == '1-AB:1-CD'


def test_item_empty_values_are_not_given():
    rotation = _filters()
    item = dict(edgerc='', section=None, client_id='', auth_section='', account_switch_key=None)
    given = rotation.rotation_item(item, edgerc='', section=None, client_id='self', account_switch_key='',
                                   controller_credential=None)
    assert given['key'] == ['', '', 'self', '', ''] and given['controller_credential'] == ''
    assert sorted(given['auth']) == ['access_token', 'client_secret', 'client_token', 'host', 'max_retries',
                                     'request_timeout']
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match='item'):
        rotation.rotation_item(['svc'])


def test_item_values_that_yaml_reads_as_numbers_or_booleans_are_given():
    """Found by a tester: an auth_section or account switch key 0 (or false) was "not given", and the requests signed
    with the default section, or on the caller's own account. Only null and the empty string are not given, as in the
    other roles; an edgerc that is no path is an error naming it."""
    rotation = _filters()
    given = rotation.rotation_item(dict(auth_section=0, account_switch_key=0), edgerc='/e', section='svc',
                                   client_id='self', account_switch_key='', controller_credential=0)
    assert given['auth']['section'] == '0' and given['auth']['account_switch_key'] == '0'
    assert given['controller_credential'] == '0'
    assert rotation.rotation_item({}, edgerc=0, section='svc')['edgerc'] == '0'  # a number names a file
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    for edgerc in (False, [], {'path': '/e'}):
        with pytest.raises(AnsibleFilterError, match=r'edgerc \(of the item, else credential_rotation_edgerc, by default '
                                                     r'edgegrid_edgerc\) must be a '
                                                     r'path \(a string\), not '):
            rotation.rotation_item({}, edgerc=edgerc, section='svc')


@pytest.mark.parametrize('name', ['section', 'auth_section', 'account_switch_key', 'controller_credential'])
@pytest.mark.parametrize('value', [False, True, ['a'], {'a': 1}])
def test_item_texts_that_are_no_text_are_refused(name, value):
    """A boolean (YAML's unquoted yes, no, true, false), list or mapping was made into its text ("False") and named a
    section or an account switch key that was not meant; it is refused, naming the option."""
    rotation = _filters()
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match=r'credential_rotation: %s \(of the item.*\) must be a string, not ' % name):
        rotation.rotation_item({name: value}, edgerc='/e', section='svc')
    if name != 'auth_section':  # given by the role's variable
        with pytest.raises(AnsibleFilterError, match=r'%s \(of the item, else credential_rotation_%s(, by default edgegrid_%s)?\) must be a string'
                           % (name, name, name)):
            rotation.rotation_item({}, edgerc='/e', **{'section': 'svc', name: value})


@pytest.mark.parametrize('client_id, problem', [
    ('k3qx5ujm\u200bzhzbttfk', r'holds U\+200B \(ZERO WIDTH SPACE\), a character that is not printable ASCII'),
    (' k3qx5ujmzhzbttfk', 'begins or ends with white space'),
    ('k3qx5ujmzhzbttfk\t', 'begins or ends with white space'),
    ('k3qx5ujmzhz\u00e9ttfk', r'holds U\+00E9'),
    ('k3qx5 ujmzhzbttfk', r'holds U\+0020 \(SPACE\), white space:'),
])
def test_a_client_id_the_modules_refuse_is_refused_by_the_item_naming_the_variable(client_id, problem):
    """Found by a tester: a client ID with a zero-width space in it passed the item's check and was refused by the
    first module of the item, whose message named its own option only, not the item or credential_rotation_client_id."""
    rotation = _filters()
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    where = r'^credential_rotation: client_id \(of the item, else credential_rotation_client_id\) '
    with pytest.raises(AnsibleFilterError, match=where + r'.* %s' % problem):
        rotation.rotation_item({'client_id': client_id}, edgerc='/e', section='svc')
    with pytest.raises(AnsibleFilterError, match=where + r'.* %s' % problem):
        rotation.rotation_item({}, edgerc='/e', section='svc', client_id=client_id)
    # What the modules take passes: self, a client ID, a number (its text).
    for good in ('self', 'k3qx5ujmzhzbttfk', 12345):
        assert rotation.rotation_item({'client_id': good}, edgerc='/e', section='svc')['client_id'] == good


def test_a_client_id_or_account_switch_key_the_modules_refuse_is_refused_by_the_item():
    """Found by a tester: `client_id: true` and an account switch key holding a zero-width space passed the item's
    check (run for every item before the first request), and the module refused them after the items before."""
    rotation = _filters()
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    for wrong, name in ((True, 'bool'), (['a'], 'list'), ({'a': 1}, 'dict')):
        with pytest.raises(AnsibleFilterError, match=r'^credential_rotation: client_id \(of the item, else '
                                                     r'credential_rotation_client_id\) must be a string, not %s$' % name):
            rotation.rotation_item({'client_id': wrong}, edgerc='/e', section='svc')
    for key in ('1-5C0YLB\u200b:1-8BYUX', '\u200b', '1-5C0YLB:1-8BYUX#x'):
        with pytest.raises(AnsibleFilterError, match=r'^credential_rotation: account_switch_key \(of the item, else '
                                                     r'credential_rotation_account_switch_key, by default '
                                                     r'edgegrid_account_switch_key\) is not a valid account switch key: '
                                                     r'it holds '):
            rotation.rotation_item({'account_switch_key': key}, edgerc='/e', section='svc')
    given = rotation.rotation_item({'account_switch_key': '1-5C0YLB:1-8BYUX'}, edgerc='/e', section='svc')
    assert given['account_switch_key'] == '1-5C0YLB:1-8BYUX'


def test_record_names_the_new_credential_or_the_one_in_use():
    rotation = _filters()
    plan = dict(due=True, finish=False, overlap='', retire_id=10, delete=[7], orphans=[8])
    run = dict(current=[_cred(10, 'a')], plan=plan, act=True, peers=0, turn=0, item=[])
    settings = dict(section='svc', edgerc='/e', client_id='self', account_switch_key='')
    new = dict(changed=True, credential=dict(credential_id=11), edgerc=dict(copied_sections=['copy']))
    record = rotation.rotation_record(run, settings, new=new, retired=True, controller=dict(id='42'),
                                      controller_updated='true', check_mode=False, cleanup=True)
    assert record == dict(section='svc', edgerc='/e', client_id='self', account_switch_key=None, due=True, rotated=True,
                          finished=False, check_mode=False, credential_id=11, overlap='', retired_id=10,
                          deleted_ids=[7, 8], copied_sections=['copy'], controller_credential_id=42,
                          controller_updated=True)
    assert list(record) == ['section', 'edgerc', 'client_id', 'account_switch_key', 'due', 'rotated', 'finished',
                            'check_mode', 'credential_id', 'overlap', 'retired_id', 'deleted_ids', 'copied_sections',
                            'controller_credential_id', 'controller_updated']
    record = rotation.rotation_record(run, dict(settings, account_switch_key='K'), new={}, retired=False, controller={},
                                      controller_updated=False, check_mode=True, cleanup=False)
    assert (record['rotated'], record['credential_id'], record['retired_id'], record['deleted_ids']) == (False, 10, None, [8])
    assert (record['copied_sections'], record['controller_credential_id'], record['account_switch_key']) == ([], None, 'K')
    assert record['check_mode'] is True and record['controller_updated'] is False


@pytest.mark.parametrize('knob, value, problem', [
    ('overlap_hours', 0, 'credential_rotation_overlap_hours must be more than 0 (the hours the old credential stays '
                         'ACTIVE after a rotation, for what holds a copy of it; to make it INACTIVE at once, set '
                         'credential_rotation_deactivate_old: true), got 0'),
    ('overlap_hours', -1, 'credential_rotation_overlap_hours must be more than 0'),
    ('overlap_hours', 'soon', 'credential_rotation_overlap_hours must be a number'),
    ('min_remaining_days', -5, 'credential_rotation_min_remaining_days must be at least 0'),
    ('max_age_days', -1, 'credential_rotation_max_age_days must be at least 0'),
    ('retention_days', -1, 'credential_rotation_retention_days must be at least 0'),
    ('lease_seconds', 0, 'credential_rotation_lease_seconds must be more than 0'),
    ('credential_limit', True, 'credential_rotation_credential_limit must be a number'),
])
def test_knobs_out_of_range_fail_every_run(knob, value, problem):
    """Found by a tester: an overlap of 0 (or less) passed, then failed the rotation half done (new credential made,
    written, verified; the old one's expiry refused as in the past), on every run after; on a run that was not due
    it went unnoticed. Every run checks the knobs, due or not, naming the role's variable."""
    rotation = _filters()
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    creds = [_cred(10, 'a', signing=True, created='2026-11-20T00:00:00Z')]
    with pytest.raises(AnsibleFilterError) as caught:
        rotation.rotation_run(creds, 'self', **_options(**{knob: value}))
    assert str(caught.value).startswith(problem), str(caught.value)
    for fine in ({'overlap_hours': 0.5}, {'max_age_days': 0}, {'min_remaining_days': '30'}, {'lease_seconds': None}):
        assert rotation.rotation_run(creds, 'self', **_options(**fine))['act'] in (True, False)
