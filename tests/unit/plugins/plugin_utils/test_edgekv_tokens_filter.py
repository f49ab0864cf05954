# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filter edgekv_tokens_items: the tokens of the role edgekv_tokens as edgekv_token's `tokens` (the role runs it
against the emulator in tests/integration/targets/role_edgekv_tokens)."""

from __future__ import annotations

import pytest


def _items():
    # Imported here, not when pytest collects the file: importing controller code changes where modules send their
    # warnings, and the tests of modules run in the same process.
    from ansible_collections.edgegrid.access.plugins.filter.edgekv_tokens import edgekv_tokens_items  # pylint: disable=import-outside-toplevel
    return edgekv_tokens_items


def test_no_tokens_is_no_element():
    items = _items()
    assert items(None) == [] and items([]) == [] and items('') == []


def test_a_token_gets_its_name_the_role_refresh_and_the_role_file():
    items = _items()
    assert items([{'name': 'app'}], 'bundle/edgekv_tokens.js', True) == [
        {'name': 'app', 'refresh': True, 'tokens_js': {'path': 'bundle/edgekv_tokens.js', 'create_directory': True}}]
    # No file of the role: none.
    assert items([{'name': 'app'}], '', False) == [{'name': 'app', 'refresh': False, 'tokens_js': None}]
    assert items([{'name': 'app'}], None, False) == [{'name': 'app', 'refresh': False, 'tokens_js': None}]


def test_the_options_given_go_on_and_those_left_empty_or_unknown_do_not():
    token = {'name': 'app', 'state': 'present', 'namespace_permissions': {'default': ['r', 'w']},
             'allow_on_staging': False, 'allow_on_production': 0, 'edgeworker_ids': [],
             'restrict_to_edgeworker_ids': '', 'expiry': None, 'refresh': '', 'refresh_after_days': 0,
             'recreate': None, 'other': 1}
    assert items_of(token) == {'name': 'app', 'state': 'present', 'namespace_permissions': {'default': ['r', 'w']},
                               'allow_on_staging': False, 'allow_on_production': 0, 'edgeworker_ids': [],
                               'refresh_after_days': 0, 'refresh': True, 'tokens_js': None}


def items_of(token, tokens_js='', refresh=True):
    (item,) = _items()([token], tokens_js, refresh)
    return item


def test_a_token_of_a_fixed_expiry_is_not_refreshed():
    assert items_of({'name': 'app', 'expiry': '2027-01-01', 'refresh': True})['refresh'] is False
    # An empty expiry is no expiry: the token's own refresh, else the role's.
    assert items_of({'name': 'app', 'expiry': '', 'refresh': False}, refresh=True)['refresh'] is False
    assert items_of({'name': 'app', 'expiry': ''}, refresh='yes')['refresh'] == 'yes'


def test_the_token_file_is_its_own_else_the_role_one():
    own = items_of({'name': 'app', 'tokens_js': 'own.js'}, 'role.js')['tokens_js']
    assert own == {'path': 'own.js', 'create_directory': True}
    for empty in ('', None):
        assert items_of({'name': 'app', 'tokens_js': empty}, 'role.js')['tokens_js']['path'] == 'role.js'
    # What is no path goes to the module, which refuses it naming tokens[i].tokens_js.path; so does a blank one.
    for wrong in (False, ['a.js'], {'path': 'a.js'}, '  '):
        assert items_of({'name': 'app', 'tokens_js': wrong})['tokens_js'] == {'path': wrong, 'create_directory': True}
    assert items_of({'name': 'app'}, True)['tokens_js'] == {'path': True, 'create_directory': True}


def test_a_token_without_a_name_goes_to_the_module_with_none():
    assert items_of({'state': 'absent'})['name'] is None
    assert [item['name'] for item in _items()([{'name': 'b'}, {'name': 5}, {'name': ''}])] == ['b', 5, '']


@pytest.mark.parametrize('tokens, message', [
    ('name=app', r'^edgekv_tokens_tokens must be a list of tokens \(dicts\), not str$'),
    ({'name': 'app'}, r'^edgekv_tokens_tokens must be a list of tokens \(dicts\), not dict$'),
    # Found by a tester: false, 0 and {} were read as no tokens.
    (False, r'^edgekv_tokens_tokens must be a list of tokens \(dicts\), not bool$'),
    (0, r'^edgekv_tokens_tokens must be a list of tokens \(dicts\), not int$'),
    ({}, r'^edgekv_tokens_tokens must be a list of tokens \(dicts\), not dict$'),
    ([{'name': 'app'}, 'name=b'], r'^edgekv_tokens_tokens\[1\] must be a token \(a dict of its options\), not str$'),
    ([5], r'^edgekv_tokens_tokens\[0\] must be a token \(a dict of its options\), not int$'),
])
def test_what_is_no_list_of_dicts_is_refused_naming_the_variable(tokens, message):
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    with pytest.raises(AnsibleFilterError, match=message):
        _items()(tokens)
