# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filter role_auth (documented in role_auth.yml): the auth options a role gives its modules, from the role's
variables, a variable that is only white space refused naming it; and blank_problem, the one check of such a value
(the credential_rotation role's rotation_item uses it too)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

# What a role variable of each auth option falls back to when it is left empty (the modules' own defaults), and what
# it names: for the message that refuses one that is only white space.
AUTH_OPTIONS = {
    'edgerc': ('the path of the .edgerc file', 'AKAMAI_EDGERC, else ~/.edgerc'),
    'section': ('the name of the .edgerc section', 'AKAMAI_EDGERC_SECTION, else default'),
    'account_switch_key': ('the account switch key (such as 1-5C0YLB:1-8BYUX)',
                           "the API client's own account, or the account_key of the .edgerc section"),
    'client_id': ('a client ID (such as k3qx5ujmzhzbttfk)', 'self, the API client that signs'),
}


def blank_problem(variable, option, value):
    """The message (str) for `value` of the role variable `variable`, which sets the module option `option` (a key
    of AUTH_OPTIONS), when it is a string of white space only (almost always a variable that came out blank: "{{ key
    }} "; read as empty, the requests would go to another account or file than the one meant); None otherwise."""
    if not isinstance(value, str) or not value or value.strip():
        return None
    what, fallback = AUTH_OPTIONS[option]
    return ('%s is only white space (%r): give %s, or leave it empty ("") for %s'
            % (variable, value, what, fallback))


def role_auth(options, role):
    """`options` (a dict of edgerc, section and account_switch_key: the role's variables of those names) without
    those left empty (None or ''), for the role's module_defaults; a value of another option is passed as it is.
    Raises AnsibleFilterError naming ``<role>_<option>`` (and ``edgegrid_<option>``, its default) for one of white
    space only."""
    if not isinstance(options, dict):
        raise AnsibleFilterError('role_auth: the input must be a dict of the auth options, not %s'
                                 % type(options).__name__)
    auth = {}
    for option, value in options.items():
        if value is None or (isinstance(value, str) and value == ''):
            continue
        if option in AUTH_OPTIONS:
            # The role's variable takes the inventory's edgegrid_<option> by default: the user may have set either.
            problem = blank_problem('%s_%s (by default edgegrid_%s)' % (role, option, option), option, value)
            if problem is not None:
                raise AnsibleFilterError(problem)
        auth[option] = value
    return auth


class FilterModule:
    """The role_auth filter."""

    def filters(self):
        return {'role_auth': role_auth}
