# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The auth variables that key_provisioning and edgekv_tokens hand to the modules as module_defaults (<role>_edgerc,
<role>_section, <role>_account_switch_key; access_report did so already, credential_rotation reads them through
edgegrid.access.rotation_item) are "not given" only when empty or null: a section named 0 (YAML reads it as a number,
as it reads an inventory's `edgegrid_section: 0`) is the section [0], never dropped for the play's or the modules'
default section, which may sign for another account."""

from __future__ import annotations

import pytest

ROLES = {
    'key_provisioning': lambda playbook: {
        'key_provisioning_contract_id': playbook.contract_id,
        'key_provisioning_group_id': playbook.group_id,
        'key_provisioning_collections': [{'name': 'section-zero'}]},
    'edgekv_tokens': lambda playbook: {
        'edgekv_tokens_tokens': [{'name': 'section_zero', 'namespace_permissions': {'default': ['r']}}]},
}


@pytest.mark.parametrize('role', sorted(ROLES))
@pytest.mark.parametrize('source', ['role variable', 'inventory variable'])
def test_a_section_named_0_is_that_section(playbook, role, source):
    """The .edgerc holds no section [0]: the role fails naming it, before any request, and [default] (which holds
    the emulator's credentials) signs nothing."""
    emu = playbook.emu
    variables = dict(ROLES[role](playbook), **{'%s_edgerc' % role: emu.edgerc})
    extra_vars = None
    if source == 'role variable':
        variables['%s_section' % role] = 0
    else:
        extra_vars = {'edgegrid_section': 0}
    tasks = [{'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'edgegrid.access.%s' % role},
              'vars': variables}]
    emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [], extra_vars=extra_vars)
    assert rc != 0, output
    assert 'no section [0]' in output, output
    assert emu.admin.log()['total'] == 0, emu.admin.log()


def rotate_one(playbook, item):
    """(rc, output) of the credential_rotation role run on the one item `item` of [default], the log reset first."""
    tasks = [{'name': 'Rotate', 'ansible.builtin.include_role': {'name': 'edgegrid.access.credential_rotation'},
              'vars': {'credential_rotation_edgerc': playbook.emu.edgerc, 'credential_rotation_section': 'default',
                       'credential_rotation_credentials': [item]}}]
    playbook.emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [])
    return rc, output


@pytest.mark.parametrize('given', [{'auth_section': 0}, {'account_switch_key': 0}])
def test_credential_rotation_takes_a_0_as_given(playbook, given):
    """Found by a tester: credential_rotation read an item's auth_section or account switch key 0 (a YAML number) as
    not given, and signed with the default section, or read the caller's own account. [0] is no section of the file,
    and 0 no account the client may switch to: the role fails, and writes nothing."""
    emu = playbook.emu
    rc, output = rotate_one(playbook, given)
    assert rc != 0, output
    if 'auth_section' in given:
        assert 'no section [0]' in output, output
        assert emu.admin.log()['total'] == 0, emu.admin.log()
    writes = [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')]
    assert writes == [], writes


@pytest.mark.parametrize('variables, message', [
    # Found by a tester: a misspelt key was left unread, and the item rotated the default section, silently.
    ({'credential_rotation_credentials': [{'sectoin': 'team'}]}, 'sectoin'),
    # Found by a tester: an overlap of 0 failed the rotation half done (the old credential's expiry in the past), on
    # every run after; a run that was not due did not notice it.
    ({'credential_rotation_overlap_hours': 0}, 'credential_rotation_overlap_hours must be more than 0'),
])
def test_credential_rotation_refuses_a_wrong_item_or_knob_before_any_write(playbook, variables, message):
    emu = playbook.emu
    tasks = [{'name': 'Rotate', 'ansible.builtin.include_role': {'name': 'edgegrid.access.credential_rotation'},
              'vars': dict({'credential_rotation_edgerc': emu.edgerc, 'credential_rotation_section': 'default',
                            'credential_rotation_force': True}, **variables)}]
    emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [])
    assert rc != 0 and message in output, output
    writes = [k for k in emu.admin.log()['counts'] if not k.startswith('GET ')]
    assert writes == [], writes


ALL_ROLES = dict(ROLES, access_report=lambda playbook: {})


@pytest.mark.parametrize('role', sorted(ALL_ROLES))
@pytest.mark.parametrize('option', ['account_switch_key', 'section', 'edgerc'])
def test_a_role_variable_of_white_space_only_is_named(playbook, role, option):
    """Found by a tester: a blank account switch key given to a role failed in the module, which named its option
    (account_switch_key), not the role's variable the user set. The role names <role>_<option> before any request."""
    emu = playbook.emu
    variables = dict(ALL_ROLES[role](playbook), **{'%s_edgerc' % role: emu.edgerc})
    variables['%s_%s' % (role, option)] = '   '
    tasks = [{'name': 'Run the role', 'ansible.builtin.include_role': {'name': 'edgegrid.access.%s' % role},
              'vars': variables}]
    emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [])
    flat = ' '.join(output.split())
    if role == 'access_report':
        # Its reads do not fail the play (each environment's errors are reported): the report says it.
        assert '%s_%s (by default edgegrid_%s) is only white space' % (role, option, option) in flat, output
    else:
        assert rc != 0 and '%s_%s (by default edgegrid_%s) is only white space' % (role, option, option) in flat, \
            output
    assert emu.admin.log()['total'] == 0, emu.admin.log()


@pytest.mark.parametrize('given', [{'account_switch_key': ' '}, {'auth_section': '\t'}, {'edgerc': '  '}])
def test_credential_rotation_names_an_item_value_of_white_space_only(playbook, given):
    emu = playbook.emu
    rc, output = rotate_one(playbook, given)
    name = list(given)[0]
    assert rc != 0 and 'credential_rotation: %s (of the item' % name in output and 'is only white space' in output, \
        output
    assert emu.admin.log()['total'] == 0, emu.admin.log()


@pytest.mark.parametrize('client_id', ['k3qx5ujm\u200bzhzbttfk', ' k3qx5ujmzhzbttfk'])
def test_credential_rotation_names_an_item_client_id_the_modules_refuse(playbook, client_id):
    """Found by a tester: a client ID with a zero-width space pasted in it passed the item's check; the first module
    of the item refused it, naming its own option (client_id), not the item or credential_rotation_client_id."""
    emu = playbook.emu
    rc, output = rotate_one(playbook, {'client_id': client_id})
    flat = ' '.join(output.split())
    assert rc != 0 and 'credential_rotation: client_id (of the item, else credential_rotation_client_id)' in flat, \
        output
    assert emu.admin.log()['total'] == 0, emu.admin.log()


@pytest.mark.parametrize('second, message', [
    ({'client_id': 'k3qx5\u200bujm'}, 'credential_rotation: client_id (of the item, else credential_rotation_client_id)'),
    ({'client_id': True}, 'credential_rotation: client_id (of the item, else credential_rotation_client_id) must be a '
                          'string, not bool'),
    ({'account_switch_key': '1-5C0YLB\u200b:1-8BYUX'}, 'credential_rotation: account_switch_key (of the item, else '
                                                       'credential_rotation_account_switch_key, by default '
                                                       'edgegrid_account_switch_key) is not a valid account switch key'),
])
def test_credential_rotation_reads_every_item_before_the_first_request(playbook, second, message):
    """Found by a tester: with a good item first and an item the modules refuse second (a client ID holding a
    zero-width space, a boolean client ID, such an account switch key), the first item's credentials were read (and
    would have been rotated) before the second was refused."""
    emu = playbook.emu
    tasks = [{'name': 'Rotate', 'ansible.builtin.include_role': {'name': 'edgegrid.access.credential_rotation'},
              'vars': {'credential_rotation_edgerc': emu.edgerc, 'credential_rotation_force': True,
                       'credential_rotation_credentials': [{'section': 'default'}, dict(second, section='default')]}}]
    emu.admin.reset_log()
    rc, output, dummy = playbook.run(tasks, [])
    flat = ' '.join(output.split())
    assert rc != 0 and message in flat, output
    assert emu.admin.log()['total'] == 0, emu.admin.log()
