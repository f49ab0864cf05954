# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module base: masking, result shaping, the shared argument spec."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils.testing import patch_module_args
from ansible.release import __version__ as ansible_core_version

from ansible_collections.edgegrid.access.plugins.module_utils import _module


def test_mask_secrets_at_any_depth():
    value = {'name': 'a', 'client_secret': 's3', 'nested': [{'value': 'k1', 'label': 'x'}], 'value': ''}
    masked = _module.mask_secrets(value, ('client_secret', 'value'))
    assert masked == {'name': 'a', 'client_secret': '********', 'nested': [{'value': '********', 'label': 'x'}],
                      'value': ''}
    assert value['client_secret'] == 's3'  # the original is untouched


def test_auth_spec_is_a_fresh_copy():
    spec = _module.auth_argument_spec()
    spec['edgerc']['default'] = 'x'
    assert 'default' not in _module.AUTH_ARGUMENT_SPEC['edgerc']
    assert _module.AUTH_ARGUMENT_SPEC['account_switch_key']['no_log'] is False
    assert all(_module.AUTH_ARGUMENT_SPEC[k]['no_log'] for k in ('client_token', 'client_secret', 'access_token'))


def test_list_form_makes_the_element_spec_and_the_exclusions():
    spec = dict(name=dict(type='str'), id=dict(type='int'), limit=dict(type='int'),
                items=dict(type='list', elements='dict'),
                state=dict(type='str', default='present', choices=['present', 'absent']))
    made = _module.list_form(spec, 'items', ['limit'], ['state'], keys=dict(name=dict(type='str', required=True),
                                                                            id=None))
    assert made['argument_spec']['items'] == dict(type='list', elements='dict', options=dict(
        limit=dict(type='int'), name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'])))
    assert made['mutually_exclusive'] == [['name', 'items'], ['id', 'items'], ['items', 'limit']]
    # What the elements take from the top level, with the top-level spec (its default): for the funnel's null check.
    assert made['inherited'] == dict(items=dict(state=dict(type='str', default='present', choices=['present', 'absent'])))
    # The top-level default stays, in the spec given too.
    assert made['argument_spec']['state']['default'] == 'present' and 'options' not in spec['items']


def test_finish_masks_resource_and_diff(capsys):
    with patch_module_args({'_ansible_diff': True, 'name': 'n'}):
        module = _module.EdgeGridModule(argument_spec=dict(name=dict(type='str')))
        with pytest.raises(SystemExit):
            module.finish(True, 'thing', {'id': 1, 'secret': 'abc123'}, before={}, after={'secret': 'abc123'},
                          secret_keys=('secret',))
    out = capsys.readouterr().out
    result = json.loads(out)
    assert 'abc123' not in out
    assert result['thing'] == {'id': 1, 'secret': '********'}
    assert result['diff'] == {'before': {}, 'after': {'secret': '********'}}


# ansible-core 2.21 returns a module's `invocation` only when asked (INJECT_INVOCATION); earlier versions always do.
INJECT_INVOCATION = {'_ansible_inject_invocation': True} if tuple(
    int(part) for part in ansible_core_version.split('.')[:2]) >= (2, 21) else {}


def test_invocation_summarises_long_lists(capsys):
    items = ['item-%d' % i for i in range(500)]
    with patch_module_args(dict(INJECT_INVOCATION, name='n', items=items, few=['a', 'b'])):
        module = _module.EdgeGridModule(argument_spec=dict(name=dict(type='str'), items=dict(type='list', elements='str'),
                                                           few=dict(type='list', elements='str')))
        with pytest.raises(SystemExit):
            module.exit_json(changed=False)
    result = json.loads(capsys.readouterr().out)
    args = result['invocation']['module_args']
    assert args['items'] == ['(500 items, not shown)'] and args['few'] == ['a', 'b'] and args['name'] == 'n'


def test_narrowed_no_log_values_mask_as_ansible_would(capsys):
    from ansible.module_utils.common.parameters import remove_values
    values = ['secret-value-%03d' % n for n in range(200)]
    keys = [{'value': v, 'label': 'l%d' % n} for n, v in enumerate(values)]
    spec = dict(keys=dict(type='list', elements='dict', options=dict(value=dict(type='str', no_log=True),
                                                                     label=dict(type='str'))))
    result = {'msg': 'echo secret-value-007 and secret-value-1234', 'count': 3,
              'api_key': {'api_keys': [{'value': '********', 'label': 'secret-value-150'}]}}
    with patch_module_args(dict(INJECT_INVOCATION, keys=keys)):
        module = _module.EdgeGridModule(argument_spec=spec)
        all_values = set(module.no_log_values)
        with pytest.raises(SystemExit):
            module.exit_json(**result)
    fast = json.loads(capsys.readouterr().out)
    assert module.no_log_values == {'secret-value-007', 'secret-value-123', 'secret-value-150'}
    slow = remove_values(dict(result, invocation={'module_args': _module.compact_arguments(module.params)}),
                         all_values)
    assert dict((k, fast[k]) for k in slow) == slow
    assert 'secret-value-007' not in json.dumps(fast)
