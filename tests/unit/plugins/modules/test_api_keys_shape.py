# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The API Keys modules in one shape (issue 16), their results and messages unchanged (emulator): the contract and
group of a collection or counter cannot be changed, in their words; api_key returns its values with return_values
but masks them in the diff, which shows only the keys the task touches."""

from __future__ import annotations

import pytest

from ansible_collections.edgegrid.access.plugins.modules import api_key, api_key_collection, throttling_counter

PLACE = dict(contract_id='C-1EMU001', group_id=10001)


@pytest.mark.parametrize('option, value, shown', [('contract_id', 'C-2OTHER', 'contract id C-1EMU001'),
                                                  ('group_id', 20002, 'group id 10001')])
def test_the_contract_and_group_of_a_collection_or_counter_cannot_be_changed(emulator, run, option, value, shown, writes):
    failed, coll = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='placed'))
    assert not failed, coll
    failed, counter = run(throttling_counter, dict(PLACE, edgerc=emulator.edgerc, name='placed', limit=100))
    assert not failed, counter
    emulator.admin.reset_log()

    failed, result = run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, id=coll['api_key_collection']['id'],
                                                  **{option: value}))
    assert failed
    assert result['msg'] == '%s cannot be changed: collection %s is in %s' % (
        option, coll['api_key_collection']['id'], shown)
    failed, result = run(throttling_counter, dict(PLACE, edgerc=emulator.edgerc, id=counter['throttling_counter']['id'],
                                                  **{option: value}))
    assert failed
    assert result['msg'] == '%s cannot be changed: counter %s is in %s' % (
        option, counter['throttling_counter']['id'], shown)
    assert writes() == {}


def test_api_key_returns_values_when_asked_and_masks_them_in_the_diff(emulator, run):
    run(api_key_collection, dict(PLACE, edgerc=emulator.edgerc, name='shown'))
    base = dict(edgerc=emulator.edgerc, collection='shown', return_values=True, _ansible_diff=True)
    # Keys declared by label: Akamai makes their values, which no_log options do not hide.
    keys = [{'label': 'k%d' % n, 'description': 'first'} for n in range(3)]
    failed, created = run(api_key, dict(base, keys=keys))
    assert not failed and created['changed'], created
    assert created['api_key']['changes']['generated'] == 3
    values = sorted(k['value'] for k in created['api_key']['api_keys'])
    assert len(set(values)) == 3 and '********' not in values

    # One key described anew: the result holds every key with its value, the diff only that key, its value masked.
    described = [dict(keys[0], description='second')] + keys[1:]
    predicted_failed, predicted = run(api_key, dict(base, keys=described, _ansible_check_mode=True))
    failed, result = run(api_key, dict(base, keys=described))
    for outcome in (predicted, result):
        assert outcome['changed'] and outcome['api_key']['changes']['updated'] == 1
        assert sorted(k['value'] for k in outcome['api_key']['api_keys']) == values
        assert [(k['label'], k['description']) for k in outcome['diff']['before']['api_keys']] == [('k0', 'first')]
        assert [(k['label'], k['description']) for k in outcome['diff']['after']['api_keys']] == [('k0', 'second')]
        assert [k['value'] for k in outcome['diff']['before']['api_keys'] + outcome['diff']['after']['api_keys']] \
            == ['********', '********']
    assert not predicted_failed and not failed

    # Converged: nothing changes, the diff is empty on both sides, and without return_values the values are masked.
    failed, again = run(api_key, dict(base, keys=described, return_values=False))
    assert not failed and not again['changed']
    assert again['diff'] == {'before': {'api_keys': []}, 'after': {'api_keys': []}}
    assert set(k['value'] for k in again['api_key']['api_keys']) == {'********'}
