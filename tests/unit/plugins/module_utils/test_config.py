# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Credential resolution: options, .edgerc sections, and errors that never show a secret."""

from __future__ import annotations

import os

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _client

SECRET = 'c2VjcmV0LXNob3VsZC1uZXZlci1iZS1wcmludGVk%x'
ACCESS = 'akab-access-token-never-printed-xxxx'
CLIENT = 'akab-client-token-never-printed-yyyy'


def write_edgerc(tmp_path, text):
    path = tmp_path / 'edgerc'
    path.write_text(text)
    return str(path)


GOOD = """
[default]
host = https://akab-default.luna.akamaiapis.net/
client_token = {client}
client_secret = {secret}
access_token = {access}

[staging]
host = akab-staging.luna.akamaiapis.net
client_token = {client}
client_secret = {secret}
access_token = {access}
max_body = 2048
account_key = 1-ABCDE:1-FGHIJ
""".format(client=CLIENT, secret=SECRET, access=ACCESS)


def assert_no_secret(text):
    for value in (SECRET, ACCESS, CLIENT):
        assert value not in text


def test_edgerc_default_section_and_host_normalised(tmp_path):
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD)})
    assert config.base_url == 'https://akab-default.luna.akamaiapis.net'
    assert config.client_secret == SECRET  # a '%' in a value is read as written
    assert config.max_body == 131072
    assert config.account_switch_key is None
    assert_no_secret(repr(config))


def test_edgerc_named_section_with_account_key_and_max_body(tmp_path):
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'section': 'staging'})
    assert config.base_url == 'https://akab-staging.luna.akamaiapis.net'
    assert config.max_body == 2048
    assert config.account_switch_key == '1-ABCDE:1-FGHIJ'


def test_account_switch_key_option_wins_over_edgerc(tmp_path):
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'section': 'staging',
                                     'account_switch_key': 'OTHER'})
    assert config.account_switch_key == 'OTHER'


def test_direct_credentials_win_over_edgerc(tmp_path):
    config = _client.resolve_config({
        'edgerc': write_edgerc(tmp_path, GOOD), 'host': 'http://127.0.0.1:8080/',
        'client_token': CLIENT, 'client_secret': SECRET, 'access_token': ACCESS,
    })
    assert config.base_url == 'http://127.0.0.1:8080'  # a scheme written in host is kept
    assert config.source == 'options'


def test_direct_credentials_incomplete(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'host': 'akab-x.luna.akamaiapis.net', 'client_secret': SECRET})
    text = str(exc.value)
    assert 'client_token' in text and 'access_token' in text and 'missing' in text
    assert_no_secret(text)


def test_missing_file(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': str(tmp_path / 'nope')})
    assert 'does not exist' in str(exc.value)


def test_default_path_is_home_edgerc(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    (tmp_path / '.edgerc').write_text(GOOD)
    assert _client.resolve_config({}).source == '%s[default]' % os.path.join(str(tmp_path), '.edgerc')


def test_missing_section_lists_the_sections(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'section': 'production'})
    text = str(exc.value)
    assert 'no section [production]' in text and 'default, staging' in text


@pytest.mark.parametrize('key', ['host', 'client_token', 'client_secret', 'access_token'])
def test_missing_key_is_named(tmp_path, key):
    lines = [line for line in GOOD.split('[staging]', maxsplit=1)[0].splitlines() if not line.startswith(key)]
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, '\n'.join(lines))})
    text = str(exc.value)
    assert 'missing %s' % key in text
    assert_no_secret(text)


def test_empty_value_counts_as_missing(tmp_path):
    text = GOOD.replace('client_secret = %s' % SECRET, 'client_secret =', 1)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, text)})
    assert 'missing client_secret' in str(exc.value)


@pytest.mark.parametrize('host', [
    'akab-x.luna.akamaiapis.net/some/path',
    'ftp://akab-x.luna.akamaiapis.net',
    'akab x.luna.akamaiapis.net',
    'https://',
    'https://user:pw@akab-x.luna.akamaiapis.net',
])
def test_malformed_host(tmp_path, host):
    text = GOOD.replace('https://akab-default.luna.akamaiapis.net/', host, 1)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, text)})
    message = str(exc.value)
    assert 'host' in message
    assert_no_secret(message)


def test_unparsable_line_does_not_echo_its_content(tmp_path):
    text = GOOD.replace('client_secret = %s' % SECRET, 'client_secret %s' % SECRET, 1)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, text)})
    message = str(exc.value)
    assert 'line 5' in message
    assert_no_secret(message)


def test_no_section_header(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, 'client_secret = %s\n' % SECRET)})
    assert 'section' in str(exc.value)
    assert_no_secret(str(exc.value))


def test_bad_max_body(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD.replace('max_body = 2048', 'max_body = lots')),
                                'section': 'staging'})
    assert 'max_body' in str(exc.value)


def test_hyphenated_keys_are_accepted(tmp_path):
    text = GOOD.replace('client_token', 'client-token').replace('max_body', 'max-body')
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, text), 'section': 'staging'})
    assert config.client_token == CLIENT and config.max_body == 2048
