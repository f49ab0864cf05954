# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""edgekv_token and edgekv_token_info against the local emulator: refresh when due, recreate, failures."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
from datetime import date, timedelta

import pytest
from akamai_emulator.testing import chattr_flag

from ansible_collections.edgegrid.access.plugins.modules import edgekv_token, edgekv_token_info


@pytest.fixture
def base(emulator):
    return dict(edgerc=emulator.edgerc, max_retries=0, name='unit_token')


def test_info_empty_list_is_not_an_error(emulator, base, run):
    failed, result = run(edgekv_token_info, dict(edgerc=base['edgerc']))
    assert not failed and result['edgekv_tokens'] == [] and result['changed'] is False
    failed, result = run(edgekv_token_info, dict(edgerc=base['edgerc'], name='nothere', include_expired=True))
    assert not failed and result['edgekv_tokens'] == []


def test_refresh_only_when_due(emulator, base, run, monkeypatch, writes):
    create = dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True)
    failed, result = run(edgekv_token, create)
    assert not failed and result['actions'] == ['create']
    issued = date.fromisoformat(result['edgekv_token']['issue_date'])

    monkeypatch.setattr(edgekv_token, '_today', lambda: issued + timedelta(days=29))
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, refresh=True))
    assert not failed and result['changed'] is False and writes() == {}

    monkeypatch.setattr(edgekv_token, '_today', lambda: issued + timedelta(days=30))
    failed, result = run(edgekv_token, dict(base, refresh=True, _ansible_check_mode=True))
    assert not failed and result['changed'] is True and result['actions'] == ['refresh'] and writes() == {}
    failed, result = run(edgekv_token, dict(base, refresh=True))
    assert not failed and result['actions'] == ['refresh']
    assert writes() == {'POST /edgekv/v1/tokens/unit_token/refresh': 1}
    assert result['edgekv_token']['latest_refresh_date'] is not None

    failed, result = run(edgekv_token_info, dict(edgerc=base['edgerc'], details=True))
    assert not failed
    assert [t['name'] for t in result['edgekv_tokens']] == ['unit_token']
    assert result['edgekv_tokens'][0]['namespace_permissions'] == {'default': ['r']}


def test_fixed_expiry_token_cannot_be_refreshed(emulator, base, run):
    expiry = (date.today() + timedelta(days=10)).isoformat()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            expiry=expiry))
    assert not failed and result['edgekv_token']['expiry'] == expiry and not result['edgekv_token']['auto_refresh']
    failed, result = run(edgekv_token, dict(base, expiry=expiry))
    assert not failed and result['changed'] is False
    failed, result = run(edgekv_token, dict(base, refresh=True, refresh_after_days=0))
    assert failed and 'fixed expiry' in result['msg'] and 'cannot be refreshed' in result['msg']


def test_recreate_that_fails_after_the_revoke_says_so(emulator, base, run):
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True))
    assert not failed
    emulator.admin.faults('503', method='POST', path='/edgekv/v1/tokens', count=1)
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'rw'}, recreate=True))
    assert failed and result['changed'] is True and result['actions'] == ['revoke']
    assert 'was revoked, but creating it again failed' in result['msg']
    assert result['error']['status'] == 503
    # Running again creates it (with the old token's other settings unknown: the options given must suffice).
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'rw'}, allow_on_staging=True,
                                            recreate=True))
    assert not failed and result['actions'] == ['create']


@pytest.mark.parametrize('extra, message', [
    (dict(name='a' * 33), 'name must be 1 to 32 characters'),
    (dict(namespace_permissions={'default': ['x']}), 'namespace_permissions: the permissions of namespace default'),
    (dict(edgeworker_ids=['abc']), 'edgeworker_ids'),
    (dict(expiry='tomorrow'), 'expiry must be a date'),
    (dict(allow_on_staging=False, allow_on_production=False), 'allow_on_staging and allow_on_production'),
    (dict(refresh_after_days=-1), 'refresh_after_days must be 0 or more'),
    # Found by a tester: "tokens[0].name must be 1 to 32 characters ..., got ''" for a name given as null (null is not
    # given: ansible-core's check of a required suboption); or as ''.
    (dict(name=None, tokens=[dict(name=None, namespace_permissions={'default': 'r'}, allow_on_staging=True)]),
     'tokens[0].name is required (left out, or given as null)'),
    # Found by a tester: ansible-core's "missing required arguments: name found in tokens" named no element.
    (dict(name=None, tokens=[dict(name='unit_ok', allow_on_staging=True), dict(allow_on_staging=True)]),
     'tokens[1].name is required (left out, or given as null)'),
    (dict(name=None, tokens=[dict(name='', namespace_permissions={'default': 'r'}, allow_on_staging=True)]),
     'tokens[0].name is required (given as null or empty)'),
])
def test_bad_input_fails_before_any_request(emulator, base, run, extra, message):
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, **extra))
    assert failed and message in result['msg']
    assert emulator.admin.log()['total'] == 0


@pytest.mark.parametrize('extra, message', [
    (dict(expiry=(date.today() - timedelta(days=2)).isoformat()), 'is in the past'),
    (dict(expiry=(date.today() + timedelta(days=200)).isoformat()), 'is more than 6 months ahead'),
    (dict(namespace_permissions={'no_such_namespace': 'r'}), 'namespace no_such_namespace does not exist'),
    (dict(namespace_permissions={'default': 'r', 'secure': 'r'}), 'need the same data access policy'),
])
def test_bad_references_fail_before_any_write(emulator, base, run, extra, message, writes):
    args = dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True)
    args.update(extra)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, args)
    assert failed and message in result['msg'], result['msg']
    assert writes() == {}


def test_tokens_read_side_by_side_and_take_the_top_level_defaults(emulator, base, run, monkeypatch, writes):
    edgerc = base['edgerc']
    names = ['unit_many_%d' % i for i in range(8)]
    tokens = [dict(name=name, namespace_permissions={'default': 'r'}, allow_on_staging=True) for name in names]
    failed, result = run(edgekv_token, dict(edgerc=edgerc, tokens=tokens))
    assert not failed and [item['actions'] for item in result['edgekv_tokens']] == [['create']] * 8
    issued = date.fromisoformat(result['edgekv_tokens'][0]['edgekv_token']['issue_date'])

    # Converged, at 300 ms a request: the 8 reads go 4 at a time, not one after the other: the emulator saw 4 of
    # them in flight at once (its high-water mark; 1 if they had gone one after the other), never more.
    emulator.set_latency(300)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=edgerc, tokens=tokens))
    emulator.set_latency(0)
    assert not failed and result['changed'] is False and writes() == {}
    log = emulator.admin.log()
    assert log['total'] == 8 and log['max_in_flight'] == 4, log['max_in_flight']

    # The top-level refresh and refresh_after_days are the defaults of the elements; an element's own wins.
    monkeypatch.setattr(edgekv_token, '_today', lambda: issued + timedelta(days=10))
    tokens[1]['refresh_after_days'] = 20
    tokens[2]['refresh'] = False
    failed, result = run(edgekv_token, dict(edgerc=edgerc, refresh=True, refresh_after_days=10, tokens=tokens,
                                            _ansible_check_mode=True))
    assert not failed and result['changed'] is True
    assert [item['actions'] for item in result['edgekv_tokens']] == [['refresh'], [], []] + [['refresh']] * 5
    assert writes() == {}


def test_tokens_empty_sends_nothing_and_state_defaults_to_the_top_level(emulator, base, run):
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[]))
    assert not failed and result == dict(result, changed=False, edgekv_tokens=[])
    assert emulator.admin.log()['total'] == 0
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[
        dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True)]))
    assert not failed and result['edgekv_tokens'][0]['actions'] == ['create']
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], state='absent', tokens=[
        dict(name='unit_a'), dict(name='unit_b'), dict(name='unit_c', state='present', namespace_permissions={
            'default': 'r'}, allow_on_staging=True)], _ansible_diff=True))
    assert not failed
    assert [item['actions'] for item in result['edgekv_tokens']] == [['revoke'], [], ['create']]
    assert sorted(result['diff']['before']) == ['unit_a', 'unit_c'] and result['diff']['after']['unit_a'] == {}


def test_tokens_an_expired_token_fails_before_any_write_naming_the_element(emulator, base, run, writes):
    expiry = (date.today() + timedelta(days=1)).isoformat()
    failed, result = run(edgekv_token, dict(base, name='unit_old', namespace_permissions={'default': 'r'},
                                            allow_on_staging=True, expiry=expiry))
    assert not failed
    emulator.admin.advance_clock(3 * 86400)
    emulator.admin.reset_log()
    tokens = [dict(name='unit_new', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_old')]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_old): EdgeKV token unit_old has expired'), result['msg']
    assert writes() == {} and result['edgekv_tokens'] == [dict(name='unit_old', changed=False, failed=True)]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], state='absent', tokens=tokens))
    assert not failed and [item['actions'] for item in result['edgekv_tokens']] == [[], []]
    assert 'tokens[1] (unit_old): EdgeKV token unit_old has expired' in json.dumps(result['warnings'])


def test_tokens_one_entry_taken_by_a_token_that_declares_no_namespaces_is_refused_before_any_write(
        emulator, base, run, tmp_path, writes):
    # Found by a tester: t_a declares no namespaces (it holds 'default'), t_b declares 'default'; the two files are one
    # file through a link. Before, the check saw only declared namespaces: every run wrote the entry in turn.
    (tmp_path / 'js').mkdir()
    top = tmp_path / 'js' / 'top.js'
    link = tmp_path / 'js' / 'link.js'
    edgerc = base['edgerc']
    failed, result = run(edgekv_token, dict(edgerc=edgerc, tokens=[
        dict(name='unit_ta', namespace_permissions={'default': 'r'}, allow_on_staging=True,
             tokens_js=dict(path=str(top)))]))
    assert not failed, result['msg']
    link.symlink_to(top)
    tokens = [dict(name='unit_ta', tokens_js=dict(path=str(top))),
              dict(name='unit_tb', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=str(link)))]
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=edgerc, tokens=tokens))
    assert failed and 'the entry namespace-default of %s is claimed by the tokens unit_ta (tokens[0]) and unit_tb ' \
        '(tokens[1])' % link in result['msg'] and result['msg'].endswith('Nothing was written.'), result['msg']
    assert writes() == {} and result['edgekv_tokens'] == [dict(name='unit_ta', changed=False, failed=True),
                                                          dict(name='unit_tb', changed=False, failed=True)]


def test_tokens_a_failed_read_fails_before_any_write_saying_so(emulator, base, run, writes):
    emulator.admin.faults('503', method='GET', path='/edgekv/v1/tokens/unit_b', count=10)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[
        dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True),
        dict(name='unit_b', state='absent')]))
    assert failed and result['msg'].startswith('tokens: GET /edgekv/v1/tokens/unit_b') and \
        result['msg'].endswith('(nothing was written)'), result['msg']
    assert result['edgekv_tokens'] == [] and result['changed'] is False and result['error']['status'] == 503
    assert writes() == {}


def test_tokens_the_top_level_refresh_is_not_the_default_of_a_token_with_a_fixed_expiry(emulator, base, run):
    # Found by a tester: with refresh: true at the top, a fixed-expiry element failed every run once a refresh was due.
    expiry = (date.today() + timedelta(days=10)).isoformat()
    tokens = [dict(name='unit_fixed', namespace_permissions={'default': 'r'}, allow_on_staging=True, expiry=expiry),
              dict(name='unit_auto', namespace_permissions={'default': 'r'}, allow_on_staging=True)]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert not failed, result['msg']
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], refresh=True, refresh_after_days=0, tokens=tokens))
    assert not failed, result['msg']
    assert [item['actions'] for item in result['edgekv_tokens']] == [[], ['refresh']]
    # Its own refresh: true still asks for it, and fails as for one token.
    tokens[0]['refresh'] = True
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], refresh_after_days=0, tokens=tokens))
    assert failed and 'fixed expiry' in result['msg']


def test_tokens_js_create_directory_makes_the_missing_directories_0755_when_the_file_is_written(
        emulator, base, run, tmp_path, writes):
    (tmp_path / 'private').mkdir(mode=0o700)
    path = tmp_path / 'private' / 'bundle' / 'edgekv_tokens.js'
    args = dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                tokens_js=dict(path=str(path), create_directory=True))
    # Check mode: nothing is made, nothing written; the run is predicted (a new file in the directory it would make).
    failed, result = run(edgekv_token, dict(args, _ansible_check_mode=True))
    assert not failed and result['changed'] is True and result['actions'] == ['create'], result
    assert result['tokens_js']['changed'] is True
    assert result['tokens_js']['directories_created'] == [str(tmp_path / 'private' / 'bundle')]
    assert not (tmp_path / 'private' / 'bundle').exists() and writes() == {}
    old = os.umask(0o077)
    try:
        failed, result = run(edgekv_token, args)
    finally:
        os.umask(old)
    assert not failed and result['actions'] == ['create']
    assert result['tokens_js']['directories_created'] == [str(tmp_path / 'private' / 'bundle')]
    assert stat.S_IMODE(os.stat(tmp_path / 'private' / 'bundle').st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / 'private').st_mode) == 0o700  # a directory that exists keeps its mode
    assert result['edgekv_token']['uuid'] in path.read_text()
    # Again: nothing to do, nothing made.
    failed, result = run(edgekv_token, args)
    assert not failed and result['changed'] is False and result['tokens_js']['directories_created'] == []


def test_tokens_js_without_create_directory_refuses_a_missing_directory_before_any_request(
        emulator, base, run, tmp_path):
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=str(tmp_path / 'no' / 'edgekv_tokens.js'))))
    expected = ('tokens_js.path %s: directory %s does not exist (tokens_js.create_directory=true makes it); nothing '
                'was changed' % (tmp_path / 'no' / 'edgekv_tokens.js', tmp_path / 'no'))
    assert failed and result['msg'] == expected, result['msg']
    assert emulator.admin.log()['total'] == 0 and not (tmp_path / 'no').exists()


def test_tokens_js_create_directory_refuses_a_way_through_a_file_before_any_request(emulator, base, run, tmp_path):
    (tmp_path / 'bundle').write_text('not a directory')
    path = str(tmp_path / 'bundle' / 'sub' / 'edgekv_tokens.js')
    emulator.admin.reset_log()
    tokens = [dict(name='unit_ok', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_js', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=path, create_directory=True))]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'] == ('tokens[1] (unit_js): tokens[1].tokens_js.path %s: %s is not a directory; '
                                        'nothing was changed (nothing was written)'
                                        % (path, tmp_path / 'bundle')), result['msg']
    assert emulator.admin.log()['total'] == 0


def test_tokens_js_create_directory_refuses_a_dangling_link_on_the_way_before_any_request(
        emulator, base, run, tmp_path):
    """Found by a tester: the link was followed and the directories made where it points (mkdir -p refuses it)."""
    (tmp_path / 'work').mkdir()
    os.symlink(str(tmp_path / 'nowhere' / 'bundle'), str(tmp_path / 'work' / 'link'))
    path = str(tmp_path / 'work' / 'link' / 'sub' / 'edgekv_tokens.js')
    reason = ('directory %s cannot be made: %s is a dangling symbolic link (to %s, which does not exist); nothing was '
              'changed' % (tmp_path / 'work' / 'link' / 'sub', tmp_path / 'work' / 'link',
                           tmp_path / 'nowhere' / 'bundle'))
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=True)))
    assert failed and result['msg'] == 'tokens_js.path %s: %s' % (path, reason), result['msg']
    tokens = [dict(name='unit_ok', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_js', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=path, create_directory=True))]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'] == ('tokens[1] (unit_js): tokens[1].tokens_js.path %s: %s (nothing was written)'
                                        % (path, reason)), result['msg']
    assert emulator.admin.log()['total'] == 0
    assert not os.path.lexists(tmp_path / 'nowhere') and os.listdir(tmp_path / 'work') == ['link']


def test_tokens_js_create_directory_refuses_a_link_that_cannot_be_followed_before_any_request(
        emulator, base, run, tmp_path):
    tmp_path = tmp_path / 'work'  # the emulator's .edgerc is in tmp_path
    tmp_path.mkdir()
    os.symlink('loop', str(tmp_path / 'loop'))
    path = str(tmp_path / 'loop' / 'sub' / 'edgekv_tokens.js')
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=True)))
    assert failed and result['msg'].startswith('tokens_js.path %s: directory %s cannot be made: %s is a symbolic link '
                                               'that cannot be followed (' % (path, tmp_path / 'loop' / 'sub',
                                                                              tmp_path / 'loop')), result['msg']
    assert emulator.admin.log()['total'] == 0 and os.listdir(tmp_path) == ['loop']


@pytest.mark.parametrize('path', ['/proc/edgegrid_access_unit/bundle/edgekv_tokens.js', 'long'])
def test_tokens_js_create_directory_that_cannot_be_made_fails_before_any_write(
        emulator, base, run, tmp_path, writes, path):
    """Found by a tester: a directory the check passed (/proc as root: os.access says writable) failed to be made
    only after the token was created. A name too long to be made passes the check as any user."""
    tmp_path = tmp_path / 'work'  # the emulator's .edgerc is in tmp_path
    tmp_path.mkdir()
    if path == 'long':
        path = str(tmp_path / 'bundle' / ('x' * 300) / 'edgekv_tokens.js')
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=True)))
    assert failed and result['msg'].startswith('tokens_js.path %s: directory ' % path), result['msg']
    assert ' cannot be made: ' in result['msg'] and result['msg'].endswith('; nothing was changed'), result['msg']
    assert writes() == {}
    tokens = [dict(name='unit_ok', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_js', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=path, create_directory=True))]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_js): tokens[1].tokens_js.path %s: directory '
                                               % path), result['msg']
    assert result['msg'].endswith('; nothing was changed (nothing was written)'), result['msg']
    assert writes() == {} and result['changed'] is False
    # Nothing was made: a directory made before the one that failed is removed.
    assert os.listdir(tmp_path) == [] and not os.path.lexists('/proc/edgegrid_access_unit')
    # In check mode nothing is made either, and the run is predicted as before.
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=True),
                                            _ansible_check_mode=True))
    if os.geteuid() == 0 or path.startswith(str(tmp_path)):  # the check passes it
        assert not failed and result['changed'] is True, result['msg']
        assert result['tokens_js']['directories_created'][-1] == os.path.dirname(path)
    assert writes() == {} and os.listdir(tmp_path) == []


def test_tokens_js_file_that_cannot_be_written_fails_before_the_token_is_created(emulator, base, run, writes):
    """Found by a fresh look at the fix above: in a directory that exists, an edgekv_tokens.js that cannot be written
    (/proc, as root too: no permission check tells it) was found out only after the token was created. The file is
    tried before the token is written; in check mode nothing is tried."""
    path = '/proc/edgekv_tokens.js'
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path)))
    assert failed and result['msg'].startswith('tokens_js.path %s: edgekv_tokens.js file %s cannot be written: '
                                               % (path, path)), result['msg']
    assert result['msg'].endswith('; nothing was changed'), result['msg']
    assert writes() == {} and not result.get('changed')
    tokens = [dict(name='unit_ok', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_js', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=path))]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_js): tokens[1].tokens_js.path %s: edgekv_tokens.js '
                                               'file %s cannot be written: ' % (path, path)), result['msg']
    assert writes() == {} and result['changed'] is False
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path), _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result['msg']
    assert writes() == {}


def test_tokens_js_that_is_a_fifo_is_refused_before_any_request(emulator, base, run, tmp_path):
    """Found by a tester: a FIFO as tokens_js.path blocked the task for ever (reading it waits for a writer), in check
    mode too. It is refused before any request, as the role's key files are; the FIFO is left as it is."""
    tmp_path = tmp_path / 'work'  # the emulator's .edgerc is in tmp_path
    tmp_path.mkdir()
    path = str(tmp_path / 'edgekv_tokens.js')
    os.mkfifo(path)

    def stuck(signum, frame):
        raise AssertionError('the task blocked on the FIFO')
    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(30)
    try:
        emulator.admin.reset_log()
        for check_mode in (False, True):
            failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                                    tokens_js=dict(path=path), _ansible_check_mode=check_mode))
            assert failed and 'edgekv_tokens.js file %s is not a regular file' % path in result['msg'], result['msg']
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert emulator.admin.log()['total'] == 0
    assert stat.S_ISFIFO(os.stat(path).st_mode)


@pytest.mark.parametrize('value, got', [(True, 'a boolean'), ([5], 'a list'), ({'path': '/tmp/x.js'}, 'a dict')])
def test_tokens_js_path_that_is_not_a_string_is_refused_before_any_request(
        emulator, base, run, tmp_path, monkeypatch, value, got):
    (tmp_path / 'cwd').mkdir()
    monkeypatch.chdir(tmp_path / 'cwd')
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[dict(
        name='unit_js', namespace_permissions={'default': 'r'}, allow_on_staging=True,
        tokens_js=dict(path=value, create_directory=True))]))
    assert failed and result['msg'].startswith('tokens[0].tokens_js.path must be a path (a string); got %s' % got)
    assert emulator.admin.log()['total'] == 0 and os.listdir(tmp_path / 'cwd') == []


@pytest.mark.parametrize('create_directory', [False, True])
def test_tokens_js_path_ending_in_a_slash_is_refused_before_any_request(
        emulator, base, run, tmp_path, create_directory):
    """A path ending in "/" names a directory: the file was written as the directory's name (and made so)."""
    (tmp_path / 'work').mkdir()
    path = str(tmp_path / 'work') + '/bundle/'
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=create_directory)))
    assert failed and result['msg'].startswith(
        'tokens_js.path %s ends in "/": give the name of a file, not of a directory' % path), result['msg']
    assert emulator.admin.log()['total'] == 0 and os.listdir(tmp_path / 'work') == []


@pytest.fixture
def immutable():
    """immutable(path, flag='i'): `path` made immutable (chattr +i: nothing may be made, renamed or removed in a
    directory, a file's mode not set; +a: append-only), as root too, which a read-only file system is too; made
    mutable again afterwards (akamai_emulator.testing.chattr_flag). Skips the test where chattr cannot (no chattr, a
    file system without the attribute, no CAP_LINUX_IMMUTABLE)."""
    with contextlib.ExitStack() as made:
        def make(path, flag='i'):
            if not made.enter_context(chattr_flag(path, flag)):
                pytest.skip('chattr +%s is not possible here' % flag)

        yield make


def test_tokens_js_of_a_token_with_no_api_write_that_cannot_be_written_fails_before_the_first_write(
        emulator, base, run, tmp_path, writes):
    """Found by a tester: only the file of a token about to be created or refreshed was tried before the first write.
    A token that exists as declared, whose edgekv_tokens.js is to be written (here a new file in /proc, which no
    permission check tells, as root too), failed the task after the token before it had been created. Every file
    the run writes is tried before the first write; in check mode none is, and the run is predicted."""
    (tmp_path / 'work').mkdir()
    good = str(tmp_path / 'work' / 'edgekv_tokens.js')
    path = '/proc/edgekv_tokens.js'
    failed, result = run(edgekv_token, dict(base, name='unit_b', namespace_permissions={'marketing': 'r'},
                                            allow_on_staging=True))
    assert not failed and result['actions'] == ['create']
    tokens = [dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=good)),
              dict(name='unit_b', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=path))]
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_b): tokens[1].tokens_js.path %s: edgekv_tokens.js '
                                               'file %s cannot be written: ' % (path, path)), result['msg']
    assert result['msg'].endswith('; nothing was changed (nothing was written)'), result['msg']
    assert writes() == {} and result['changed'] is False and os.listdir(tmp_path / 'work') == []
    # One token, the same.
    failed, result = run(edgekv_token, dict(base, name='unit_b', tokens_js=dict(path=path)))
    assert failed and result['msg'].startswith('tokens_js.path %s: edgekv_tokens.js file %s cannot be written: '
                                               % (path, path)), result['msg']
    # Check mode tries nothing and predicts both.
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens, _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result['msg']
    assert [(item['actions'], item['tokens_js']['changed']) for item in result['edgekv_tokens']] == [
        (['create'], True), ([], True)]
    assert writes() == {} and os.listdir(tmp_path / 'work') == []


def test_tokens_js_in_an_immutable_directory_is_tried_only_when_it_is_written(
        emulator, base, run, tmp_path, writes, immutable):
    """The tester's case: the file of a token that exists and needs no API write is to be rewritten (a stale entry),
    in a directory where nothing can be made; so is the file of a token to revoke, and the mode of a file that holds
    a legacy token value. Each fails the task before the first write, naming the token. A file that needs no write
    is not tried: a converged run in that directory succeeds."""
    bundle = tmp_path / 'bundle'
    bundle.mkdir()
    good = str(tmp_path / 'edgekv_tokens.js')
    path = str(bundle / 'edgekv_tokens.js')
    kept = dict(name='unit_b', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                tokens_js=dict(path=path))
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[kept]))
    assert not failed and result['edgekv_tokens'][0]['tokens_js']['changed'] is True
    written = open(path).read()
    uuid = result['edgekv_tokens'][0]['edgekv_token']['uuid']
    new = dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True,
               tokens_js=dict(path=good))
    immutable(bundle)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[kept]))
    assert not failed and result['changed'] is False, result['msg']
    cases = [
        ('stale', written.replace(uuid, 'stale-reference'), kept),
        ('revoke', written, dict(name='unit_b', state='absent', tokens_js=dict(path=path))),
    ]
    for what, text, second in cases:
        subprocess.run(['chattr', '-i', str(bundle)], check=True)
        with open(path, 'w') as handle:
            handle.write(text)
        immutable(bundle)
        emulator.admin.reset_log()
        failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[new, second]))
        assert failed and result['msg'].startswith(
            'tokens[1] (unit_b): tokens[1].tokens_js.path %s: edgekv_tokens.js file %s cannot be written: '
            % (path, path)), (what, result['msg'])
        assert result['msg'].endswith('(nothing was written)'), (what, result['msg'])
        assert writes() == {} and not os.path.exists(good), what
        assert open(path).read() == text
    # A legacy entry with a token value makes the file secret: its mode is to be set to 0600, and cannot be.
    subprocess.run(['chattr', '-i', str(bundle)], check=True)
    with open(path, 'w') as handle:
        handle.write(written.replace('"namespace-marketing"', '"namespace-old": {"name": "legacy", "value": "x"},\n'
                                     '  "namespace-marketing"'))
    os.chmod(path, 0o644)
    immutable(path)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=[new, kept]))
    assert failed and result['msg'].startswith('tokens[1] (unit_b): tokens[1].tokens_js.path %s: the mode of '
                                               'edgekv_tokens.js file %s cannot be set: ' % (path, path)), result['msg']
    assert writes() == {} and not os.path.exists(good)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


@pytest.mark.parametrize('value', ['', '  ', '\t', ' edgekv_tokens.js', 'edgekv_tokens.js ',
                                   'bundle /edgekv_tokens.js'])
@pytest.mark.parametrize('create_directory', [False, True])
def test_tokens_js_path_that_is_blank_or_has_white_space_at_an_end_is_refused_before_any_request(
        emulator, base, run, tmp_path, monkeypatch, value, create_directory):
    """Found by a tester: a tokens_js.path of two spaces wrote a file named two spaces in the working directory. A
    path that is empty, white space only, or begins or ends with white space (of any of its names) is refused before
    any request, naming the option; nothing is made."""
    (tmp_path / 'cwd').mkdir()
    monkeypatch.chdir(tmp_path / 'cwd')
    emulator.admin.reset_log()
    for args, option in ((dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                               tokens_js=dict(path=value, create_directory=create_directory)), 'tokens_js.path'),
                         (dict(edgerc=base['edgerc'], tokens=[dict(
                             name='unit_js', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                             tokens_js=dict(path=value, create_directory=create_directory))]),
                          'tokens[0].tokens_js.path')):
        for check_mode in (False, True):
            failed, result = run(edgekv_token, dict(args, _ansible_check_mode=check_mode))
            prefix = 'tokens[0] (unit_js): ' if option.startswith('tokens[0]') else ''
            assert failed and result['msg'].startswith('%s%s %r ' % (prefix, option, value)), result['msg']
            assert 'white space' in result['msg'] or 'is empty' in result['msg'], result['msg']
            assert result['msg'].endswith('nothing was changed%s' % (' (nothing was written)' if prefix else '')), \
                result['msg']
    assert emulator.admin.log()['total'] == 0 and os.listdir(tmp_path / 'cwd') == []


@pytest.mark.parametrize('create_directory', [False, True])
def test_tokens_js_that_is_a_dangling_link_into_a_missing_directory_is_named_as_the_link(
        emulator, base, run, tmp_path, create_directory):
    """Found by a tester: "directory <dir> cannot be made: <file> is a dangling symbolic link" named a directory that
    exists. The file itself is the link: it is named as such, with where it points."""
    (tmp_path / 'work').mkdir()
    path = str(tmp_path / 'work' / 'dangle.js')
    os.symlink(str(tmp_path / 'nowhere' / 'edgekv_tokens.js'), path)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=create_directory)))
    assert failed and result['msg'] == (
        'tokens_js.path %s: edgekv_tokens.js file %s is a dangling symbolic link (to %s, in directory %s, which does '
        'not exist); nothing was changed' % (path, path, tmp_path / 'nowhere' / 'edgekv_tokens.js',
                                             tmp_path / 'nowhere')), result['msg']
    assert emulator.admin.log()['total'] == 0 and not os.path.lexists(tmp_path / 'nowhere')
    # A dangling link into a directory that exists is written through, as the file it names.
    (tmp_path / 'nowhere').mkdir()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path, create_directory=create_directory)))
    assert not failed and os.path.islink(path) and result['edgekv_token']['uuid'] in open(path).read()


def test_a_run_that_changes_only_the_edgekv_tokens_js_shows_the_file_in_its_diff(emulator, base, run, tmp_path, writes):
    """The token is converged, its entry is missing from edgekv_tokens.js: the diff (check mode and the run alike, one
    token and the tokens list alike) shows the file's entries before and after - names and uuids, no secret - where it
    was empty."""
    tokens_js = str(tmp_path / 'edgekv_tokens.js')
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True))
    assert not failed
    uuid = result['edgekv_token']['uuid']
    reference = 'c0ffee00-0000-4000-8000-000000000001'
    with open(tokens_js, 'w', encoding='utf-8') as handle:
        handle.write("const edgekv_access_tokens = {\n  'namespace-marketing': {name: 'by_hand', reference: '%s'},\n}\n"
                     "export { edgekv_access_tokens };\n" % reference)
    other = {'namespace-marketing': {'name': 'by_hand', 'reference': reference}}
    file_before = {'path': tokens_js, 'entries': other}
    file_after = {'path': tokens_js, 'entries': dict(other, **{
        'namespace-default': {'name': 'unit_token', 'reference': uuid}})}
    one = dict(base, tokens_js={'path': tokens_js}, _ansible_diff=True)
    many = dict(edgerc=base['edgerc'], max_retries=0, tokens=[dict(name='unit_token')], tokens_js={'path': tokens_js},
                _ansible_diff=True)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(one, _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result
    token = result['edgekv_token']
    assert result['diff'] == dict(before=dict(token, tokens_js=file_before), after=dict(token, tokens_js=file_after))
    failed, result = run(edgekv_token, dict(many, _ansible_check_mode=True))
    assert not failed and result['changed'] is True, result
    assert result['diff'] == dict(before={'unit_token': dict(token, tokens_js=file_before)},
                                  after={'unit_token': dict(token, tokens_js=file_after)})
    failed, result = run(edgekv_token, many)
    assert not failed and result['changed'] is True
    assert result['diff']['after']['unit_token']['tokens_js'] == file_after
    assert writes() == {}  # the file only: no API write
    # Converged: no change, and no file in the diff.
    failed, result = run(edgekv_token, one)
    assert not failed and result['changed'] is False and 'tokens_js' not in result['diff']['after']


@pytest.mark.parametrize('flag', ['i', 'a'])
def test_tokens_js_file_that_nothing_may_replace_fails_before_the_token_is_created(
        emulator, base, run, tmp_path, writes, immutable, flag):
    """Found by a tester: an immutable edgekv_tokens.js in a writable directory passed the check before the first
    write (a temporary file made beside it), the token was created, and the file's write failed after it."""
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text('const edgekv_access_tokens = {}\nexport { edgekv_access_tokens };\n')
    immutable(path, flag)
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=str(path))))
    assert failed and 'edgekv_tokens.js file %s cannot be written: the file is %s' % (
        path, 'immutable (chattr +i)' if flag == 'i' else 'append-only (chattr +a)') in result['msg'], result['msg']
    assert writes() == {}
    failed, result = run(edgekv_token_info, dict(edgerc=base['edgerc'], name='unit_token'))
    assert not failed and result['edgekv_tokens'] == []


def test_directories_made_for_a_token_are_removed_when_a_later_token_cannot_be_written(
        emulator, base, run, tmp_path, writes):
    """Found by a tester: the directories made (create_directory) for the edgekv_tokens.js of a token stayed when the
    file of a token after it could not be written: the task wrote nothing, and left empty directories behind."""
    (tmp_path / 'work').mkdir()
    good = str(tmp_path / 'work' / 'bundle' / 'lib' / 'edgekv_tokens.js')
    failed, result = run(edgekv_token, dict(base, name='unit_b', namespace_permissions={'marketing': 'r'},
                                            allow_on_staging=True))
    assert not failed
    tokens = [dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=good, create_directory=True)),
              dict(name='unit_b', namespace_permissions={'marketing': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path='/proc/edgekv_tokens.js'))]
    emulator.admin.reset_log()
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_b): '), result['msg']
    assert writes() == {} and os.listdir(tmp_path / 'work') == []
    # With a file that can be written, the same tokens converge, the directories made.
    tokens[1]['tokens_js'] = dict(path=str(tmp_path / 'work' / 'edgekv_tokens.js'))
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], tokens=tokens))
    assert not failed and os.path.exists(good)


def test_directories_made_for_a_token_whose_write_fails_are_removed(emulator, base, run, tmp_path):
    """Found by a tester: when the API refused the token (an unavailable API; an EdgeWorker that is not the
    account's) after the directories of its edgekv_tokens.js had been made, the empty directories stayed; the result
    did not name them. A token written before it keeps its directories and its file."""
    (tmp_path / 'work').mkdir()
    first = str(tmp_path / 'work' / 'a' / 'edgekv_tokens.js')
    second = str(tmp_path / 'work' / 'b' / 'x' / 'edgekv_tokens.js')
    emulator.admin.faults('503', method='POST', path='/edgekv/v1/tokens', count=1)
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=second, create_directory=True)))
    assert failed and not result.get('changed') and os.listdir(tmp_path / 'work') == [], result['msg']
    tokens = [dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                   tokens_js=dict(path=first, create_directory=True)),
              dict(name='unit_b', namespace_permissions={'default': 'r'}, allow_on_staging=True,
                   edgeworker_ids=['99999999'], tokens_js=dict(path=second, create_directory=True))]
    failed, result = run(edgekv_token, dict(edgerc=base['edgerc'], max_retries=0, tokens=tokens))
    assert failed and result['msg'].startswith('tokens[1] (unit_b): '), result['msg']
    assert [item['changed'] for item in result['edgekv_tokens']] == [True, False]
    assert os.listdir(tmp_path / 'work') == ['a'] and os.path.exists(first)


def test_the_diff_shows_the_file_of_a_token_to_be_created_and_a_legacy_value_dropped(
        emulator, base, run, tmp_path, writes):
    """Found by a tester: check mode of a token to be created showed no edgekv_tokens.js in its diff; a run that
    dropped a legacy token value from the file (its name and reference unchanged) showed an empty diff."""
    tokens_js = str(tmp_path / 'edgekv_tokens.js')
    create = dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True, tokens_js={'path': tokens_js},
                  _ansible_diff=True)
    failed, result = run(edgekv_token, dict(create, _ansible_check_mode=True))
    assert not failed and result['changed'] is True and writes() == {}
    planned = {'namespace-default': {'name': 'unit_token', 'reference': ''}}
    assert result['diff']['before']['tokens_js'] == {'path': tokens_js, 'entries': {}}
    assert result['diff']['after']['tokens_js'] == {'path': tokens_js, 'entries': planned}
    assert result['tokens_js']['entries'] == planned and result['tokens_js']['changed'] is True
    failed, result = run(edgekv_token, create)
    assert not failed
    uuid = result['edgekv_token']['uuid']
    with open(tokens_js, 'w', encoding='utf-8') as handle:
        handle.write('var edgekv_access_tokens = {\n  "namespace-default": {"name": "unit_token", "reference": "%s", '
                     '"value": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"},\n};\n'
                     'export { edgekv_access_tokens };\n' % uuid)
    os.chmod(tokens_js, 0o600)
    failed, result = run(edgekv_token, dict(base, tokens_js={'path': tokens_js}, _ansible_diff=True))
    assert not failed and result['changed'] is True
    assert result['diff']['before']['tokens_js']['entries'] == {'namespace-default': {
        'name': 'unit_token', 'reference': uuid, 'value': '********'}}
    assert result['diff']['after']['tokens_js']['entries'] == {'namespace-default': {
        'name': 'unit_token', 'reference': uuid}}
    assert 'eyJ0eXAiOiJKV1Qi' not in json.dumps(result)


def test_check_mode_plans_a_shared_edgekv_tokens_js_as_the_run_writes_it(emulator, base, run, tmp_path, writes):
    """Found by a tester: with two tokens that keep one file, check mode planned each from the file on disk (which it
    does not write), so the second token's file showed its own entry alone; the run writes both."""
    tokens_js = str(tmp_path / 'edgekv_tokens.js')
    tokens = [dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_b', namespace_permissions={'marketing': 'r'}, allow_on_staging=True)]
    for name in ('unit_a', 'unit_b'):  # the tokens exist: their uuids are known in check mode too
        failed, result = run(edgekv_token, dict(base, **[t for t in tokens if t['name'] == name][0]))
        assert not failed
    args = dict(edgerc=base['edgerc'], max_retries=0, tokens=tokens, tokens_js={'path': tokens_js}, _ansible_diff=True)
    emulator.admin.reset_log()

    def shown(result):
        return [(item['tokens_js']['changed'], item['tokens_js']['entries'], result['diff']['after'][item['name']][
            'tokens_js']['entries'] if item['name'] in result['diff']['after'] else None)
            for item in result['edgekv_tokens']]

    failed, predicted = run(edgekv_token, dict(args, _ansible_check_mode=True))
    assert not failed and writes() == {} and not os.path.exists(tokens_js)
    failed, done = run(edgekv_token, args)
    assert not failed
    assert shown(predicted) == shown(done)
    assert sorted(done['edgekv_tokens'][1]['tokens_js']['entries']) == ['namespace-default', 'namespace-marketing']


@pytest.mark.parametrize('flag', ['a', 'i'])
def test_a_locked_edgekv_tokens_js_or_directory_fails_in_check_mode_as_the_run_does(
        emulator, base, run, tmp_path, writes, immutable, flag):
    """Found by a tester: check mode predicted a change to an edgekv_tokens.js that is immutable or append-only, or in
    a directory that is (append-only: os.access says writable), which the run then refused; in an append-only
    directory the run made the token, then failed on the rename, its temporary files left there."""
    bundle = tmp_path / 'bundle'
    bundle.mkdir()
    path = str(bundle / 'edgekv_tokens.js')
    create = dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True, tokens_js=dict(path=path))
    failed, result = run(edgekv_token, dict(create, name='unit_old'))
    assert not failed
    text = open(path).read()
    for locked in (path, str(bundle)):
        immutable(locked, flag)
        for check_mode in (True, False):
            emulator.admin.reset_log()
            failed, result = run(edgekv_token, dict(create, _ansible_check_mode=check_mode))
            assert failed and result['msg'].startswith('tokens_js.path %s: edgekv_tokens.js file %s cannot be '
                                                       'written: ' % (path, path)), result['msg']
            assert 'chattr +%s' % flag in result['msg'], result['msg']
            assert writes() == {} and open(path).read() == text
            assert sorted(os.listdir(bundle)) == ['edgekv_tokens.js']
        subprocess.run(['chattr', '-' + flag, locked], check=True)


def test_check_mode_sets_the_mode_of_a_shared_file_once_as_the_run_does(emulator, base, run, tmp_path):
    """Found by a tester: two tokens share an edgekv_tokens.js at 0644 that holds a legacy token value, and only its
    mode is to be set: check mode said both tokens set it, the run sets it for the first (the second finds 0600)."""
    tokens_js = str(tmp_path / 'edgekv_tokens.js')
    tokens = [dict(name='unit_a', namespace_permissions={'default': 'r'}, allow_on_staging=True),
              dict(name='unit_b', namespace_permissions={'marketing': 'r'}, allow_on_staging=True)]
    args = dict(edgerc=base['edgerc'], max_retries=0, tokens=tokens, tokens_js={'path': tokens_js})
    failed, result = run(edgekv_token, args)
    assert not failed
    with open(tokens_js) as handle:
        text = handle.read()
    with open(tokens_js, 'w') as handle:
        handle.write(text.replace('"namespace-default"', '"namespace-old": {"name": "legacy", "value": "x"},\n'
                                  '  "namespace-default"'))
    os.chmod(tokens_js, 0o644)
    seen = {}
    for check_mode in (True, False):
        failed, result = run(edgekv_token, dict(args, _ansible_check_mode=check_mode))
        assert not failed and result['changed'] is True
        seen[check_mode] = [(item['changed'], item['tokens_js']['changed'], item['tokens_js']['mode_fixed'])
                            for item in result['edgekv_tokens']]
    assert seen[True] == seen[False] == [(True, True, True), (False, False, False)]
    assert stat.S_IMODE(os.stat(tokens_js).st_mode) == 0o600


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_tokens_js_path_with_a_nul_character_names_the_option(emulator, base, run, tmp_path, check_mode):
    """Found by a tester: a NUL in tokens_js.path failed with "lstat: embedded null character in path", naming no
    option; it is refused before any request, as a path that names no file is."""
    emulator.admin.reset_log()
    path = str(tmp_path / 'edgekv\0tokens.js')
    failed, result = run(edgekv_token, dict(base, namespace_permissions={'default': 'r'}, allow_on_staging=True,
                                            tokens_js=dict(path=path), _ansible_check_mode=check_mode))
    assert failed and result['msg'] == 'tokens_js.path holds a NUL character, which no path may hold', result['msg']
    assert emulator.admin.log()['total'] == 0
