# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role_auth filter: the auth options a role gives its modules."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.edgegrid.access.plugins.filter.role_auth import role_auth


def test_empty_options_are_left_to_the_defaults_and_the_others_passed_on():
    given = {'edgerc': '/x/.edgerc', 'section': '', 'account_switch_key': None, 'request_timeout': 7}
    assert role_auth(given, 'key_provisioning') == {'edgerc': '/x/.edgerc', 'request_timeout': 7}
    # A section 0 (YAML's number) is a section: given.
    assert role_auth({'section': 0}, 'edgekv_tokens') == {'section': 0}


@pytest.mark.parametrize('option, value, fallback', [
    ('account_switch_key', ' ', "the API client's own account"),
    ('section', '\t', 'AKAMAI_EDGERC_SECTION, else default'),
    ('edgerc', '  \n', 'AKAMAI_EDGERC, else ~/.edgerc'),
])
def test_white_space_only_is_refused_naming_the_role_variable(option, value, fallback):
    with pytest.raises(AnsibleFilterError) as refused:
        role_auth({option: value}, 'access_report')
    message = str(refused.value)
    assert message.startswith('access_report_%s (by default edgegrid_%s) is only white space (%r): give '
                              % (option, option, value)), message
    assert fallback in message


def test_the_input_must_be_a_dict():
    with pytest.raises(AnsibleFilterError, match='role_auth: the input must be a dict'):
        role_auth(['edgerc'], 'access_report')
