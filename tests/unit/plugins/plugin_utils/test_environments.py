# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_environments: which sections become hosts, how account hosts are named, what their variables hold."""

from __future__ import annotations

import json

import pytest

from ansible_collections.edgegrid.access.plugins.module_utils import _client
from ansible_collections.edgegrid.access.plugins.plugin_utils import _environments

SECRET = 'unit-environments-secret-never-printed'


def test_sections_match_patterns_in_file_order():
    names = ['default', 'staging', 'prod-eu', 'prod-us', 'papi']
    assert _environments.select_sections(names, ['*'], []) == names
    assert _environments.select_sections(names, ['prod-*', 'staging'], []) == ['staging', 'prod-eu', 'prod-us']
    assert _environments.select_sections(names, ['*'], ['p*']) == ['default', 'staging']
    assert _environments.select_sections(names, [], []) == []
    assert _environments.select_sections(names, ['Default'], []) == []  # case-sensitive, as sections are


def test_literal_names_that_name_no_section():
    names = ['default', 'staging', 'prod-eu']
    assert _environments.unmatched_names(names, ['prodution', 'staging', 'prod-*', 'nothing?', '[xy]z', 'Default']) \
        == ['prodution', 'Default']
    assert _environments.unmatched_names(names, []) == []
    assert _environments.unmatched_names([], ['default']) == ['default']


def test_usable_sections_skip_what_cannot_be_read(tmp_path):
    path = tmp_path / 'edgerc'
    path.write_text('[good]\nhost = akab-x.luna.akamaiapis.net\nclient_token = akab-t\nclient_secret = %s\n'
                    'access_token = akab-a\n\n[half]\nhost = akab-y.luna.akamaiapis.net\nclient_secret = %s\n'
                    '\n[also]\nhost = akab-z.luna.akamaiapis.net\nclient_token = akab-t\nclient_secret = %s\n'
                    'access_token = akab-a\n' % (SECRET, SECRET, SECRET))
    source = _environments.EdgercSource(str(path))
    usable, problems = _environments.usable_sections(source, source.sections())
    assert usable == ['good', 'also']
    assert len(problems) == 1 and 'section [half]' in problems[0] and str(path) in problems[0]
    assert 'client_token' in problems[0] and SECRET not in problems[0]


def test_account_hosts_are_unique_and_stable():
    accounts = [
        {'account_name': 'Internet Company', 'account_switch_key': '1-ABCD:Z-XYZ'},
        {'account_name': 'Internet Company', 'account_switch_key': '1-EFGH'},
        {'account_name': 'Digital Company', 'account_switch_key': '1-ABCD:Z-PQR'},
        {'account_name': 'staging', 'account_switch_key': '1-STG'},
    ]
    hosts = _environments.environments(['staging'], accounts, accounts_section='default')
    names = [h['name'] for h in hosts]
    assert names == ['staging', 'internet_company_1_abcd_z_xyz', 'internet_company_1_efgh', 'digital_company',
                     'staging_1_stg']
    assert hosts == _environments.environments(['staging'], accounts, accounts_section='default')
    by_key = _environments.environments([], accounts, accounts_section='default', account_hostname='switch_key')
    assert [h['name'] for h in by_key] == ['1_abcd_z_xyz', '1_efgh', '1_abcd_z_pqr', '1_stg']


def test_host_variables_name_where_the_credentials_are():
    hosts = _environments.environments(['staging'], [{'account_name': 'Two', 'account_switch_key': '1-TWO'}],
                                       edgerc='/etc/akamai/.edgerc', accounts_section='default')
    assert hosts[0]['vars'] == {
        'edgegrid_source': 'section', 'edgegrid_section': 'staging', 'edgegrid_edgerc': '/etc/akamai/.edgerc',
        'edgegrid_access_auth': {'edgerc': '/etc/akamai/.edgerc', 'section': 'staging'}}
    assert hosts[1]['vars'] == {
        'edgegrid_source': 'account', 'edgegrid_section': 'default', 'edgegrid_edgerc': '/etc/akamai/.edgerc',
        'edgegrid_account_switch_key': '1-TWO', 'edgegrid_account_name': 'Two',
        'edgegrid_access_auth': {'edgerc': '/etc/akamai/.edgerc', 'section': 'default', 'account_switch_key': '1-TWO'}}
    # Without a path given in the configuration, the modules keep their own default (AKAMAI_EDGERC, ~/.edgerc).
    bare = _environments.environments(['staging'], [])
    assert 'edgegrid_edgerc' not in bare[0]['vars'] and 'edgerc' not in bare[0]['vars']['edgegrid_access_auth']


def test_edgerc_source_names_the_problem_never_a_value(tmp_path):
    path = tmp_path / 'edgerc'
    path.write_text('[default]\nhost = akab-x.luna.akamaiapis.net\nclient_token = akab-t\nclient_secret = %s\n'
                    'access_token = akab-a\n\n[broken]\nhost = akab-y.luna.akamaiapis.net\nclient_secret = %s\n'
                    '[default]\nmax_body = 131072\n' % (SECRET, SECRET))
    source = _environments.EdgercSource(str(path))
    assert source.sections() == ['default', 'broken']
    assert source.config('default').host == 'akab-x.luna.akamaiapis.net'
    with pytest.raises(_environments.EnvironmentsError) as info:
        source.config('broken')
    assert 'section [broken]' in str(info.value) and 'client_token' in str(info.value)
    assert SECRET not in str(info.value)
    with pytest.raises(_environments.EnvironmentsError, match='does not exist'):
        _environments.EdgercSource(str(tmp_path / 'missing')).sections()


def test_list_accounts_against_the_emulator(emulator):
    config = _client.resolve_config({'edgerc': emulator.edgerc, 'section': 'account2'})
    assert config.account_switch_key  # the section acts on the second account ...
    accounts, sent = _environments.list_accounts(config, timeout=10)
    # ... but the listing is the API client's own, sent without the key
    second = emulator.store.accounts['1-EMUACC2']
    assert accounts == [{'account_name': second.name, 'account_switch_key': second.switch_key}]
    assert sent == 1
    entries = emulator.admin.log()['entries']
    assert [e['path'] for e in entries] == ['/identity-management/v3/api-clients/self/account-switch-keys']
    assert _environments.list_accounts(config, search='Nothing like it', timeout=10)[0] == []
    with pytest.raises(_environments.EnvironmentsError, match='accounts_search: search must be at least 3'):
        _environments.list_accounts(config, search='ab', timeout=10)
    # Found by a tester: three spaces passed the length check and were sent as the search.
    for blank in ('   ', '\t\t\t\t', ' \n  '):
        with pytest.raises(_environments.EnvironmentsError, match='accounts_search: search is only white space'):
            _environments.list_accounts(config, search=blank, timeout=10)
    # ... and "  a " and "a b" passed the length check with one or two characters; invisible ones were sent.
    for short in ('  a ', 'a b'):
        with pytest.raises(_environments.EnvironmentsError, match='accounts_search: search must be at least 3 '
                                                                  'characters besides white space'):
            _environments.list_accounts(config, search=short, timeout=10)
    for odd, named in (('\u200b\u200b\u200b', 'U+200B (ZERO WIDTH SPACE)'), ('a\0bc', 'U+0000')):
        with pytest.raises(_environments.EnvironmentsError) as refused:
            _environments.list_accounts(config, search=odd, timeout=10)
        assert str(refused.value).startswith('accounts_search: search holds %s' % named), str(refused.value)
    assert SECRET not in json.dumps(accounts)
