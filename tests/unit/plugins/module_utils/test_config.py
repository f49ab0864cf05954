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


@pytest.fixture(autouse=True)
def no_akamai_variables(monkeypatch):
    """The caller's AKAMAI_* variables stay out: each test gives the environment it means."""
    for name in [n for n in os.environ if n.startswith('AKAMAI_')]:
        monkeypatch.delenv(name)


def write_edgerc(tmp_path, text):
    """tmp_path/edgerc holding text, mode 0600 as an .edgerc should be (a wider one is warned of)."""
    path = tmp_path / 'edgerc'
    path.write_text(text)
    os.chmod(path, 0o600)
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
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'section': 'staging'}, environ={})
    assert config.base_url == 'https://akab-staging.luna.akamaiapis.net'
    # max_body = 2048 is read, reported and not used: Akamai checks the hash of the first 131072 bytes.
    assert config.max_body == 131072
    assert len(config.warnings) == 1
    assert 'section [staging]' in config.warnings[0] and 'line 13' in config.warnings[0]
    assert 'max_body is 2048; it is not used' in config.warnings[0]
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
    assert 'client_secret is empty (line 5)' in str(exc.value)


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


def test_max_body_may_be_written_max_dash_body(tmp_path):
    text = GOOD.replace('max_body', 'max-body')
    config = _client.resolve_config({'edgerc': write_edgerc(tmp_path, text), 'section': 'staging'}, environ={})
    assert config.client_token == CLIENT and config.max_body == 131072
    assert 'max_body is 2048' in config.warnings[0]


@pytest.mark.parametrize('spelling', ['client-token', 'Client_Token', 'CLIENT_TOKEN'])
def test_other_spellings_of_a_key_are_refused_by_name(tmp_path, spelling):
    # edgegrid-golang and edgegrid-node read key names as written: they would not find client_token.
    text = GOOD.replace('client_token', spelling)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, text), 'section': 'staging'}, environ={})
    message = str(exc.value)
    assert 'line 10: the key %s is read by none of Akamai\'s tools as client_token' % spelling in message
    assert_no_secret(message)


# Which credentials a task uses: the options, then AKAMAI_{SECTION}_* (plain AKAMAI_* for [default] only), then the
# file; and a warning when another source present names another API client or account (docs/edgerc.md).
OTHER_SECRET = 'b3RoZXItc2VjcmV0LW5ldmVyLXByaW50ZWQ='
OTHER_CLIENT = 'akab-other-client-token-never-printed'
AMBIENT = {'AKAMAI_HOST': 'akab-ambient.luna.akamaiapis.net', 'AKAMAI_CLIENT_TOKEN': OTHER_CLIENT,
           'AKAMAI_CLIENT_SECRET': OTHER_SECRET, 'AKAMAI_ACCESS_TOKEN': ACCESS}


def prefixed(prefix, environ=None):
    return dict((name.replace('AKAMAI_', prefix, 1), value) for name, value in (environ or AMBIENT).items())


def assert_no_secret_at_all(text):
    assert_no_secret(text)
    assert OTHER_SECRET not in text and OTHER_CLIENT not in text


def test_plain_environment_applies_to_section_default_only(tmp_path):
    edgerc = write_edgerc(tmp_path, GOOD)
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging'}, environ=AMBIENT)
    # The section's own client and its account_key: the variables of [default] do not switch the account.
    assert (config.base_url, config.client_token) == ('https://akab-staging.luna.akamaiapis.net', CLIENT)
    assert config.account_switch_key == '1-ABCDE:1-FGHIJ'
    assert config.source == '%s[staging]' % edgerc
    warning = [w for w in config.warnings if 'Akamai credentials' in w]
    assert len(warning) == 1
    assert ('signing with section [staging] of .edgerc file %s (akab-staging.luna.akamaiapis.net); not used' % edgerc
            in warning[0])
    assert ('AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET, AKAMAI_ACCESS_TOKEN (they apply to section '
            '[default] only) (akab-ambient.luna.akamaiapis.net)' in warning[0])
    assert_no_secret_at_all(' '.join(config.warnings) + repr(config))

    config = _client.resolve_config({'edgerc': edgerc}, environ=AMBIENT)
    assert (config.client_token, config.source) == (OTHER_CLIENT, 'environment AKAMAI_*')
    assert config.client_secret == OTHER_SECRET and config.account_switch_key is None
    assert 'section [default] of .edgerc file %s (akab-default.luna.akamaiapis.net)' % edgerc in config.warnings[0]


def test_section_variables_as_akamai_names_them(tmp_path):
    edgerc = write_edgerc(tmp_path, GOOD)
    environ = dict(prefixed('AKAMAI_STAGING_'), AKAMAI_STAGING_ACCOUNT_KEY='1-ENV:1-KEY')
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging'}, environ=environ)
    assert (config.client_token, config.account_switch_key) == (OTHER_CLIENT, '1-ENV:1-KEY')
    assert config.source == 'environment AKAMAI_STAGING_*'
    assert 'section [staging] of .edgerc file' in config.warnings[0]
    # The section name upper-cased, nothing else changed (edgegrid-golang's strings.ToUpper).
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'papi-prod'}, environ=prefixed('AKAMAI_PAPI-PROD_'))
    assert config.client_token == OTHER_CLIENT and config.warnings == []
    with pytest.raises(_client.ConfigError, match=r'no section \[papi-prod\]'):
        _client.resolve_config({'edgerc': edgerc, 'section': 'papi-prod'}, environ=prefixed('AKAMAI_PAPI_PROD_'))


def test_a_partial_set_of_variables_is_an_error(tmp_path):
    environ = prefixed('AKAMAI_STAGING_')
    del environ['AKAMAI_STAGING_CLIENT_SECRET']
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'section': 'staging'}, environ=environ)
    message = str(exc.value)
    assert ('AKAMAI_STAGING_HOST, AKAMAI_STAGING_CLIENT_TOKEN, AKAMAI_STAGING_ACCESS_TOKEN are set but '
            'AKAMAI_STAGING_CLIENT_SECRET is not' in message)
    assert_no_secret_at_all(message)


def test_a_variable_that_is_not_a_token_is_named_not_shown(tmp_path):
    environ = dict(AMBIENT, AKAMAI_CLIENT_SECRET='"%s"' % OTHER_SECRET)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD)}, environ=environ)
    assert 'the environment variable AKAMAI_CLIENT_SECRET is not a valid client secret' in str(exc.value)
    assert_no_secret_at_all(str(exc.value))


def test_options_win_and_the_environment_is_named(tmp_path):
    options = {'edgerc': str(tmp_path / 'none'), 'host': 'akab-options.luna.akamaiapis.net', 'client_token': CLIENT,
               'client_secret': SECRET, 'access_token': ACCESS}
    config = _client.resolve_config(options, environ=AMBIENT)
    assert (config.client_token, config.source) == (CLIENT, 'options')
    assert 'signing with the options host, client_token, client_secret, access_token' in config.warnings[0]
    assert 'AKAMAI_HOST' in config.warnings[0]


def test_options_given_empty_skip_the_environment(tmp_path):
    # As the credential_rotation role does: the file's section, whatever the environment holds.
    edgerc = write_edgerc(tmp_path, GOOD)
    options = {'edgerc': edgerc, 'host': '', 'client_token': '', 'client_secret': '', 'access_token': ''}
    config = _client.resolve_config(options, environ=AMBIENT)
    assert (config.client_token, config.source) == (CLIENT, '%s[default]' % edgerc)


def test_no_warning_when_the_sources_agree(tmp_path):
    edgerc = write_edgerc(tmp_path, GOOD)
    same = {'AKAMAI_HOST': 'akab-default.luna.akamaiapis.net', 'AKAMAI_CLIENT_TOKEN': CLIENT,
            'AKAMAI_CLIENT_SECRET': SECRET, 'AKAMAI_ACCESS_TOKEN': ACCESS}
    assert _client.resolve_config({'edgerc': edgerc}, environ=same).warnings == []
    assert _client.resolve_config({'edgerc': edgerc, 'section': 'staging'}, environ={}).warnings != []  # max_body
    text = GOOD.replace('max_body = 2048\n', '')
    assert _client.resolve_config({'edgerc': write_edgerc(tmp_path, text), 'section': 'staging'},
                                  environ={}).warnings == []


def test_account_switch_key_option_and_variable(tmp_path):
    edgerc = write_edgerc(tmp_path, GOOD)
    # The variable of the section's prefix applies to the file's credentials too; the option wins over both.
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging'},
                                    environ={'AKAMAI_STAGING_ACCOUNT_KEY': '1-ENV:1-KEY'})
    assert config.account_switch_key == '1-ENV:1-KEY'
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging'}, environ={'AKAMAI_ACCOUNT_KEY': '1-X:1-Y'})
    assert config.account_switch_key == '1-ABCDE:1-FGHIJ'
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging', 'account_switch_key': 'OPT'},
                                    environ={'AKAMAI_STAGING_ACCOUNT_KEY': '1-ENV:1-KEY'})
    assert config.account_switch_key == 'OPT'


@pytest.mark.parametrize('blank', [' ', '\t', '  \n ', '\u00a0'])
def test_an_account_switch_key_of_white_space_only_fails_naming_the_option(tmp_path, blank):
    # Read as no key, the requests would act on the account of the section's account_key (or the client's own).
    edgerc = write_edgerc(tmp_path, GOOD)
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': edgerc, 'section': 'staging', 'account_switch_key': blank},
                               environ={'AKAMAI_STAGING_ACCOUNT_KEY': '1-ENV:1-KEY'})
    assert 'the option account_switch_key is only white space' in str(exc.value)
    # Empty is not blank: no variable read, the section's account_key applies; a key in white space is trimmed.
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging', 'account_switch_key': ''},
                                    environ={'AKAMAI_STAGING_ACCOUNT_KEY': '1-ENV:1-KEY'})
    assert config.account_switch_key == '1-ABCDE:1-FGHIJ'
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'staging', 'account_switch_key': ' 1-A:1-B '},
                                    environ={})
    assert config.account_switch_key == '1-A:1-B'


@pytest.mark.parametrize('blank', [' ', '\t', '\u00a0'])
def test_an_account_key_variable_of_white_space_only_fails_when_it_would_be_read(tmp_path, blank):
    # Found by a tester: AKAMAI_ACCOUNT_KEY=' ' (a CI variable that came out blank) was read as unset.
    edgerc = write_edgerc(tmp_path, GOOD)
    for section, name in (('default', 'AKAMAI_ACCOUNT_KEY'), ('staging', 'AKAMAI_STAGING_ACCOUNT_KEY')):
        with pytest.raises(_client.ConfigError) as exc:
            _client.resolve_config({'edgerc': edgerc, 'section': section}, environ={name: blank})
        assert str(exc.value) == ('the environment variable %s is only white space; unset it, or give the account '
                                  'switch key' % name)
        # The option given (a key, or '' for none), the variable is not read.
        config = _client.resolve_config({'edgerc': edgerc, 'section': section, 'account_switch_key': '1-A:1-B'},
                                        environ={name: blank})
        assert config.account_switch_key == '1-A:1-B'
        _client.resolve_config({'edgerc': edgerc, 'section': section, 'account_switch_key': ''}, environ={name: blank})
    # An empty variable is unset, as before.
    assert _client.resolve_config({'edgerc': edgerc, 'section': 'default'},
                                  environ={'AKAMAI_ACCOUNT_KEY': ''}).account_switch_key is None


def test_a_key_that_cannot_be_one_is_named_by_where_it_came_from(tmp_path):
    # Found by a tester: an option "\u200b" was blamed on the .edgerc file's section, which held a valid key.
    edgerc = write_edgerc(tmp_path, GOOD)
    with pytest.raises(_client.ConfigError, match=r'^the option account_switch_key is not a valid account switch key: '):
        _client.resolve_config({'edgerc': edgerc, 'section': 'staging', 'account_switch_key': '\u200b'}, environ={})
    with pytest.raises(_client.ConfigError, match=r'^the environment variable AKAMAI_STAGING_ACCOUNT_KEY is not a valid '):
        _client.resolve_config({'edgerc': edgerc, 'section': 'staging'},
                               environ={'AKAMAI_STAGING_ACCOUNT_KEY': '1-A:\u200b'})


def test_a_missing_file_says_where_else_credentials_could_come_from(tmp_path):
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': str(tmp_path / 'nope'), 'section': 'production'}, environ=AMBIENT)
    message = str(exc.value)
    assert 'does not exist; give the options host, client_token, client_secret and access_token, or the environment ' \
           'variables AKAMAI_PRODUCTION_HOST' in message
    assert 'AKAMAI_ACCESS_TOKEN are set, but they apply to section [default] only' in message
    assert_no_secret_at_all(message)


def test_an_empty_edgerc_or_section_is_one_not_given_and_the_environment_applies(tmp_path):
    """Found by a tester: edgerc "" and section "" (a templated default('')) read ~/.edgerc and [default], where an
    option left out reads AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION (Ansible's fallback)."""
    edgerc = write_edgerc(tmp_path, GOOD)
    environ = {'AKAMAI_EDGERC': edgerc, 'AKAMAI_EDGERC_SECTION': 'staging'}
    for options in ({'edgerc': '', 'section': ''}, {'edgerc': None, 'section': None}, {}):
        config = _client.resolve_config(options, environ=environ)
        assert config.source == '%s[staging]' % edgerc, options
    config = _client.resolve_config({'edgerc': edgerc, 'section': 'default'}, environ=environ)
    assert config.source == '%s[default]' % edgerc


@pytest.mark.parametrize('key, named', [('\u200b', 'U+200B (ZERO WIDTH SPACE)'),
                                        ('1-5C0YLB:\u00a01-8BYUX', 'U+00A0 (NO-BREAK SPACE)'),
                                        ('1-5C0YLB\x07', 'U+0007,')])
def test_an_invisible_character_in_the_account_switch_key_is_named(tmp_path, key, named):
    """Found by a tester: a zero-width space as the key was refused as "the option account_switch_key: account_key is
    not a valid account switch key: it holds a character that is not printable ASCII" - the option named twice, two
    ways, and the character not at all."""
    with pytest.raises(_client.ConfigError) as exc:
        _client.resolve_config({'edgerc': write_edgerc(tmp_path, GOOD), 'account_switch_key': key}, environ={})
    message = str(exc.value)
    assert message.startswith('the option account_switch_key is not a valid account switch key: it holds %s'
                              % named), message
