# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_edgekv: validation, the wire format, refresh due dates and edgekv_tokens.js."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from akamai_emulator.testing import unwritable_directory

from ansible_collections.edgegrid.access.plugins.module_utils import _client, _edgekv

UUID = 'fa3a7ae0-1b0c-45c7-adc3-f0638c6b7466'
UUID2 = '12886ccf-7662-5f19-b039-766740ce227f'


@pytest.mark.parametrize('value, expected', [
    ({'default': ['r', 'w', 'd']}, {'default': ['r', 'w', 'd']}),
    ({'default': ['d', 'r', 'r']}, {'default': ['r', 'd']}),
    ({'default': 'rw', 'marketing': 'r, d'}, {'default': ['r', 'w'], 'marketing': ['r', 'd']}),
    ({'default': ['R']}, {'default': ['r']}),
])
def test_normalize_permissions(value, expected):
    assert _edgekv.normalize_permissions(value) == expected


@pytest.mark.parametrize('value, message', [
    ({}, 'at least one namespace'),
    ({'default': []}, 'one or more of r, w, d'),
    ({'default': ['r', 'x']}, 'one or more of r, w, d'),
    ({'default': 'read'}, 'one or more of r, w, d'),
    ({'bad ns': ['r']}, 'namespace'),
    ({'default': 5}, 'must be a list'),
    (dict(('ns%d' % i, ['r']) for i in range(21)), 'at most 20'),
])
def test_normalize_permissions_refuses(value, message):
    with pytest.raises(_edgekv.EdgeKVError, match=message) as info:
        _edgekv.normalize_permissions(value)
    assert str(info.value).startswith('namespace_permissions')


def test_names_ids_expiry():
    assert _edgekv.check_name('a' * 32) == 'a' * 32
    for bad in ('a' * 33, 'has space', 'dot.ted', 5):
        with pytest.raises(_edgekv.EdgeKVError, match='name must be 1 to 32'):
            _edgekv.check_name(bad)
    for missing in ('', None):
        with pytest.raises(_edgekv.EdgeKVError, match=r'^name is required \(given as null or empty\): the name of '):
            _edgekv.check_name(missing)
    assert _edgekv.normalize_edgeworker_ids([42002, '42001', '042001', ' 9 ']) == ['9', '42001', '42002']
    assert _edgekv.normalize_edgeworker_ids([]) == []
    with pytest.raises(_edgekv.EdgeKVError, match='edgeworker_ids'):
        _edgekv.normalize_edgeworker_ids(['abc'])
    assert _edgekv.check_expiry('2027-01-31') == '2027-01-31'
    for bad in ('2027-02-30', '31/01/2027', 20270131):
        with pytest.raises(_edgekv.EdgeKVError, match='expiry'):
            _edgekv.check_expiry(bad)


def test_wire_round_trip():
    body = _edgekv.create_body('t', {'default': ['r']}, True, False, ['42001'], None)
    assert body == {'name': 't', 'allowOnStaging': True, 'allowOnProduction': False,
                    'namespacePermissions': {'default': ['r']}, 'restrictToEdgeWorkerIds': ['42001']}
    assert 'expiry' not in _edgekv.create_body('t', {'default': ['r']}, True, False, None, '9999-12-31')
    assert _edgekv.create_body('t', {'default': ['r']}, True, False, [], '2027-01-01')['expiry'] == '2027-01-01'
    token = _edgekv.from_wire({
        'name': 't', 'uuid': UUID, 'expiry': '9999-12-31', 'tokenActivationStatus': 'COMPLETE',
        'issueDate': '2026-01-01', 'latestRefreshDate': None, 'nextScheduledRefreshDate': '2026-03-01',
        'cpcode': '1234567', 'restrictToEdgeWorkerIds': ['5678', '1234'], 'allowOnProduction': True,
        'allowOnStaging': True, 'namespacePermissions': {'default': ['w', 'r']}, 'value': 'never-returned',
    })
    assert token == {
        'name': 't', 'uuid': UUID, 'expiry': '9999-12-31', 'auto_refresh': True,
        'token_activation_status': 'COMPLETE', 'issue_date': '2026-01-01', 'latest_refresh_date': None,
        'next_scheduled_refresh_date': '2026-03-01', 'cpcode': '1234567', 'edgeworker_ids': ['1234', '5678'],
        'allow_on_production': True, 'allow_on_staging': True, 'namespace_permissions': {'default': ['r', 'w']},
    }
    assert _edgekv.from_wire(None) == {} and _edgekv.from_wire([]) == {}


def test_differences_compare_only_what_is_set():
    current = {'namespace_permissions': {'default': ['r']}, 'allow_on_staging': True, 'allow_on_production': False,
               'edgeworker_ids': [], 'expiry': '9999-12-31'}
    same = dict.fromkeys(_edgekv.CREATE_ONLY)
    assert _edgekv.differences(current, same) == []
    assert _edgekv.differences(current, dict(same, allow_on_staging=True, edgeworker_ids=[])) == []
    assert _edgekv.differences(current, dict(same, namespace_permissions={'default': ['r', 'w']},
                                             allow_on_production=True, edgeworker_ids=['1'],
                                             expiry='2027-01-01')) == [
        'namespace_permissions', 'allow_on_production', 'edgeworker_ids', 'expiry']


def test_refresh_due():
    today = date(2026, 11, 24)
    never = {'issue_date': '2026-10-25', 'latest_refresh_date': None}
    assert _edgekv.refresh_due(never, today, 30) is True
    assert _edgekv.refresh_due(never, today, 31) is False
    refreshed = {'issue_date': '2026-01-01', 'latest_refresh_date': '2026-11-20'}
    assert _edgekv.refresh_due(refreshed, today, 30) is False
    assert _edgekv.refresh_due(refreshed, today, 4) is True
    assert _edgekv.refresh_due(refreshed, today, 0) is True


class FakeClient:
    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def request(self, method, path, params=None, expected=None, **kwargs):
        self.calls.append((method, path, params, tuple(expected or ())))
        status, body = self.answers[(method, path)]
        if status >= 300 and status not in (expected or ()):
            raise _client.ApiError(method, path, status, problem={'title': 'Not Found'})
        return _client.Response(status, {}, body, '', path, 1)


def test_list_tokens_404_is_an_empty_list():
    client = FakeClient({('GET', '/edgekv/v1/tokens'): (404, {'title': 'Not Found', 'detail': 'No tokens exist.'})})
    assert _edgekv.list_tokens(client) == []
    assert _edgekv.list_tokens(client, include_expired=True) == []
    assert client.calls[1][2] == {'includeExpired': 'true'}


def test_get_token_states():
    client = FakeClient({
        ('GET', '/edgekv/v1/tokens/a'): (200, {'name': 'a', 'uuid': UUID}),
        ('GET', '/edgekv/v1/tokens/b'): (404, {}),
        ('GET', '/edgekv/v1/tokens/c'): (410, {}),
        ('GET', '/edgekv/v1/tokens/d'): (500, {}),
    })
    assert _edgekv.get_token(client, 'a') == ('present', {'name': 'a', 'uuid': UUID})
    assert _edgekv.get_token(client, 'b') == ('absent', None)
    assert _edgekv.get_token(client, 'c') == ('expired', None)
    with pytest.raises(_client.ApiError):
        _edgekv.get_token(client, 'd')


class MaskingClient(FakeClient):
    """A token answer from before the enhanced workflow, with its `value` (the emulator, which follows the enhanced
    workflow, never sends one)."""

    def __init__(self, answers):
        super().__init__(answers)
        self.secrets = []

    def add_secret(self, value):
        self.secrets.append(value)


def test_tokens_register_a_value_for_masking_and_never_return_it():
    legacy = {'name': 'a', 'uuid': UUID, 'value': 'eyJ-legacy-jwt-value', 'expiry': '2027-01-01'}
    client = MaskingClient({
        ('GET', '/edgekv/v1/tokens/a'): (200, legacy),
        ('GET', '/edgekv/v1/tokens'): (200, {'tokens': [legacy]}),
        ('POST', '/edgekv/v1/tokens/a/refresh'): (200, dict(legacy, value='eyJ-refreshed')),
    })
    tokens = _edgekv.Tokens(client)
    state, token = tokens.get('a')
    assert state == 'present' and 'value' not in token and client.secrets == ['eyJ-legacy-jwt-value']
    assert 'eyJ' not in repr(tokens.list()) and 'eyJ' not in repr(tokens.refresh('a'))
    assert client.secrets[-1] == 'eyJ-refreshed'


HAND_WRITTEN = """\
// tokens for the bundle
const edgekv_access_tokens = {
  'namespace-marketing': { name: 'legacy', value: 'eyJ-legacy-jwt-value' }, /* legacy */
  "namespace-default" : {
    "name": "old",
    "reference" : "%s",
  },
}
export { edgekv_access_tokens };
""" % UUID2


def test_parse_tokens_js_hand_written_and_canonical():
    entries = _edgekv.parse_tokens_js(HAND_WRITTEN)
    assert entries == {'namespace-marketing': {'name': 'legacy', 'value': 'eyJ-legacy-jwt-value'},
                       'namespace-default': {'name': 'old', 'reference': UUID2}}
    assert _edgekv.parse_tokens_js(_edgekv.render_tokens_js(entries)) == entries


@pytest.mark.parametrize('text', [
    'export { edgekv_access_tokens };',
    'var edgekv_access_tokens = {"a": {"name": "x"}};',
    'var edgekv_access_tokens = {"a": {"name": x}};\nexport { edgekv_access_tokens };',
    'var edgekv_access_tokens = {"a": "x"};\nexport { edgekv_access_tokens };',
    'var edgekv_access_tokens = {"a": {"name": "x"}, "a": {}};\nexport { edgekv_access_tokens };',
])
def test_parse_tokens_js_refuses(text):
    with pytest.raises(ValueError):
        _edgekv.parse_tokens_js(text)


def token(name='t', uuid=UUID, namespaces=('default',)):
    return {'name': name, 'uuid': uuid, 'namespace_permissions': dict((ns, ['r']) for ns in namespaces)}


def test_plan_tokens_js_new_file(tmp_path):
    path = str(tmp_path / 'edgekv_tokens.js')
    changed, text, summary = _edgekv.plan_tokens_js(path, token=token(namespaces=('default', 'marketing')))
    assert changed and summary['set'] == ['namespace-default', 'namespace-marketing']
    _edgekv.write_tokens_js(path, text, secret=False)
    assert _edgekv.parse_tokens_js(open(path).read()) == {
        'namespace-default': {'name': 't', 'reference': UUID},
        'namespace-marketing': {'name': 't', 'reference': UUID}}
    # Idempotent.
    changed, text, summary = _edgekv.plan_tokens_js(path, token=token(namespaces=('default', 'marketing')))
    assert not changed and text is None and summary['set'] == []


def test_plan_tokens_js_keeps_other_entries_and_never_returns_a_value(tmp_path):
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text(HAND_WRITTEN)
    changed, text, summary = _edgekv.plan_tokens_js(str(path), token=token())
    assert changed
    entries = _edgekv.parse_tokens_js(text)
    assert entries['namespace-default'] == {'name': 't', 'reference': UUID}
    assert entries['namespace-marketing'] == {'name': 'legacy', 'value': 'eyJ-legacy-jwt-value'}
    assert 'eyJ-legacy-jwt-value' not in repr(summary)
    assert summary['entries']['namespace-marketing'] == {'name': 'legacy'}


def test_plan_tokens_js_recreate_drops_old_namespaces_and_remove(tmp_path):
    path = str(tmp_path / 'edgekv_tokens.js')
    _edgekv.write_tokens_js(path, _edgekv.plan_tokens_js(path, token=token(namespaces=('default', 'marketing')))[1],
                            secret=False)
    changed, text, summary = _edgekv.plan_tokens_js(path, token=token(uuid=UUID2))
    assert changed and summary['set'] == ['namespace-default'] and summary['removed'] == ['namespace-marketing']
    _edgekv.write_tokens_js(path, text, secret=False)
    changed, text, summary = _edgekv.plan_tokens_js(path, remove_name='t')
    assert changed and summary['removed'] == ['namespace-default'] and summary['entries'] == {}
    _edgekv.write_tokens_js(path, text, secret=False)
    assert _edgekv.parse_tokens_js(open(path).read()) == {}
    assert not _edgekv.plan_tokens_js(path, remove_name='t')[0]
    assert not _edgekv.plan_tokens_js(str(tmp_path / 'missing.js'), remove_name='t')[0]


def test_plan_tokens_js_unparsable_file_is_not_overwritten(tmp_path):
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text('module.exports = {}\n')
    with pytest.raises(_edgekv.EdgeKVError, match='cannot be parsed.*not overwritten'):
        _edgekv.plan_tokens_js(str(path), token=token())


def test_write_tokens_js_keeps_mode(tmp_path):
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text('old')
    os.chmod(path, 0o640)
    _edgekv.write_tokens_js(str(path), 'new', secret=False)
    assert path.read_text() == 'new'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert os.listdir(tmp_path) == ['edgekv_tokens.js']
    with pytest.raises(_edgekv.EdgeKVError, match='does not exist'):
        _edgekv.write_tokens_js(str(tmp_path / 'no' / 'file.js'), 'x', secret=False)


def test_write_tokens_js_makes_the_missing_directories_0755_and_keeps_those_that_exist(tmp_path):
    old = os.umask(0o077)
    try:
        (tmp_path / 'private').mkdir(mode=0o700)
        path = tmp_path / 'private' / 'a' / 'b' / 'edgekv_tokens.js'
        assert _edgekv.check_tokens_js(str(path), create_directory=True) == [
            str(tmp_path / 'private' / 'a'), str(tmp_path / 'private' / 'a' / 'b')]
        assert not (tmp_path / 'private' / 'a').exists()  # the check makes nothing
        made = _edgekv.write_tokens_js(str(path), _edgekv.render_tokens_js({}), secret=False, create_directory=True)
    finally:
        os.umask(old)
    assert made == [str(tmp_path / 'private' / 'a'), str(tmp_path / 'private' / 'a' / 'b')]
    assert stat.S_IMODE(os.stat(tmp_path / 'private').st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / 'private' / 'a').st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / 'private' / 'a' / 'b').st_mode) == 0o755
    # The directory exists now: nothing to make.
    assert _edgekv.check_tokens_js(str(path), create_directory=True) == []
    assert _edgekv.write_tokens_js(str(path), _edgekv.render_tokens_js({}), secret=False, create_directory=True) == []


def test_check_tokens_js_refuses_a_way_through_a_file_and_names_the_option(tmp_path):
    (tmp_path / 'file').write_text('')
    path = str(tmp_path / 'file' / 'sub' / 'edgekv_tokens.js')
    for create in (True, False):
        with pytest.raises(_edgekv.EdgeKVError, match=r'^tokens\[1\]\.tokens_js\.path .*: .*file is not a directory$'):
            _edgekv.check_tokens_js(path, create_directory=create, option='tokens[1].tokens_js')
    with pytest.raises(_edgekv.EdgeKVError, match=r'^tokens_js\.path .*: directory .* does not exist '
                                                  r'\(tokens_js\.create_directory=true makes it\)$'):
        _edgekv.check_tokens_js(str(tmp_path / 'none' / 'edgekv_tokens.js'))


def test_check_tokens_js_refuses_a_dangling_link_on_the_way_and_makes_nothing_where_it_points(tmp_path):
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'link'))
    path = str(tmp_path / 'link' / 'a' / 'edgekv_tokens.js')
    expected = ('tokens[1].tokens_js.path %s: directory %s cannot be made: %s is a dangling symbolic link (to %s, which '
                'does not exist)' % (path, tmp_path / 'link' / 'a', tmp_path / 'link', tmp_path / 'nowhere'))
    with pytest.raises(_edgekv.EdgeKVError) as exc:
        _edgekv.check_tokens_js(path, create_directory=True, option='tokens[1].tokens_js')
    assert str(exc.value) == expected
    with pytest.raises(_edgekv.EdgeKVError) as exc:
        _edgekv.prepare_tokens_js(path, create_directory=True, option='tokens[1].tokens_js')
    assert str(exc.value) == expected
    with pytest.raises(_edgekv.EdgeKVError, match='dangling symbolic link'):
        _edgekv.write_tokens_js(path, _edgekv.render_tokens_js({}), secret=False, create_directory=True)
    # The file itself a dangling link whose target's directory is missing: not made there either.
    os.symlink(str(tmp_path / 'elsewhere' / 'edgekv_tokens.js'), str(tmp_path / 'edgekv_tokens.js'))
    with pytest.raises(_edgekv.EdgeKVError, match='dangling symbolic link'):
        _edgekv.check_tokens_js(str(tmp_path / 'edgekv_tokens.js'), create_directory=True)
    assert sorted(os.listdir(tmp_path)) == ['edgekv_tokens.js', 'link']
    # A link to a directory is followed, as mkdir -p does.
    (tmp_path / 'real').mkdir()
    os.symlink(str(tmp_path / 'real'), str(tmp_path / 'good'))
    assert _edgekv.check_tokens_js(str(tmp_path / 'good' / 'a' / 'edgekv_tokens.js'), create_directory=True) == [
        str(tmp_path / 'real' / 'a')]


def test_prepare_tokens_js_removes_the_directories_it_made_when_one_cannot_be_made(tmp_path):
    path = str(tmp_path / 'a' / 'b' / ('x' * 300) / 'edgekv_tokens.js')
    assert _edgekv.check_tokens_js(path, create_directory=True)[:2] == [str(tmp_path / 'a'), str(tmp_path / 'a' / 'b')]
    with pytest.raises(_edgekv.EdgeKVError, match=r'^tokens_js\.path .*: directory .*x{300} cannot be made: File name '
                                                  r'too long$'):
        _edgekv.prepare_tokens_js(path, create_directory=True)
    assert os.listdir(tmp_path) == []


def test_check_tokens_js_refuses_a_directory_that_cannot_be_made(tmp_path, monkeypatch):
    """A directory no directory can be made in: 0500 for a user; for root (who may write any directory but an
    immutable one, or one on a read-only file system) an immutable one (chattr +i), else - no chattr, a file system
    without the attribute - one that os.access answers for as the kernel answers for an immutable one."""
    locked = tmp_path / 'locked'
    locked.mkdir()
    with unwritable_directory(locked, monkeypatch):
        # "is not writable" (its mode, for a user), "directory ... is immutable (chattr +i), in which ..." (for root).
        with pytest.raises(_edgekv.EdgeKVError, match=r'cannot be made: .*locked (is not writable|is immutable)'):
            _edgekv.check_tokens_js(str(locked / 'sub' / 'edgekv_tokens.js'), create_directory=True)


LEGACY = ('var edgekv_access_tokens = {\n'
          '  "namespace-legacy": {"name": "legacy_token", "value": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"},\n'
          '};\nexport { edgekv_access_tokens };\n')


def test_a_tokens_js_that_holds_a_token_value_is_written_0600(tmp_path):
    """A legacy entry holding the token itself (a JWT) is kept: the file then holds a secret and becomes 0600."""
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text(LEGACY)
    os.chmod(path, 0o644)
    changed, text, summary = _edgekv.plan_tokens_js(str(path), token=token())
    assert changed and text and not summary['mode_fixed']
    assert _edgekv.holds_secret(_edgekv.parse_tokens_js(text))
    _edgekv.write_tokens_js(str(path), text, secret=True)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert 'legacy_token' in path.read_text()


def test_a_world_readable_tokens_js_holding_a_token_value_is_set_to_0600_without_a_rewrite(tmp_path):
    path = tmp_path / 'edgekv_tokens.js'
    path.write_text(LEGACY)
    os.chmod(path, 0o644)
    changed, text, summary = _edgekv.plan_tokens_js(str(path))
    assert changed and text is None and summary['mode_fixed']
    os.chmod(path, 0o600)
    changed, text, summary = _edgekv.plan_tokens_js(str(path))
    assert not changed and not summary['mode_fixed']
