# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_access_report: the report made of what the *_info modules returned; days left, order, Markdown, HTML."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ansible_collections.edgegrid.access.plugins.plugin_utils import _access_report as report

AS_OF = date(2026, 6, 1)


def reads(**overrides):
    """Registered results as the role gets them from the modules."""
    base = {
        'api_clients': {'changed': False, 'api_clients': [
            {'client_id': 'c2', 'name': 'zeta-ci', 'is_locked': False, 'active_credential_count': 1},
            {'client_id': 'c1', 'name': 'alpha-ops', 'is_locked': False, 'active_credential_count': 2}]},
        'credentials': {'results': [
            {'item': 'c2', 'client_id': 'c2', 'credentials': [
                {'credential_id': 7, 'status': 'active', 'description': 'edgegrid.access rotation replaces credential 3',
                 'created_on': '2026-01-01T00:00:00.000Z', 'expires_on': '2026-06-04T08:00:00.000Z',
                 'client_token': 'akab-not-in-the-report', 'signing': True}]},
            {'item': 'c1', 'client_id': 'c1', 'credentials': [
                {'credential_id': 3, 'status': 'inactive', 'description': 'old', 'created_on': '2025-01-01T00:00:00Z',
                 'expires_on': '2026-05-01T00:00:00Z'},
                {'credential_id': 4, 'status': 'active', 'description': None, 'created_on': '2025-02-01T00:00:00Z',
                 'expires_on': '2026-05-30T00:00:00Z'}]}]},
        'edgekv_tokens': {'edgekv_tokens': [
            {'name': 'tok_auto', 'uuid': 'u1', 'expiry': '9999-12-31', 'expired': False,
             'token_activation_status': 'COMPLETE', 'next_scheduled_refresh_date': '2026-07-01'},
            {'name': 'tok_fixed', 'uuid': 'u2', 'expiry': '2026-06-21', 'expired': False,
             'token_activation_status': 'COMPLETE'}]},
        'api_key_collections': {'api_key_collections': [
            {'id': 11, 'name': 'partners', 'contract_id': 'C-1', 'group_id': 1, 'key_count': 3,
             'quota': {'enabled': True, 'limit': 1000, 'interval': 'DAY', 'allow_headers': []}}]},
        'api_keys': {'api_keys': [
            {'id': 1, 'value': '********', 'state': 'present', 'collection_ids': [11]},
            {'id': 2, 'value': '********', 'state': 'present', 'collection_ids': [11]},
            {'id': 3, 'value': '********', 'state': 'revoked', 'collection_ids': [11]}]},
        'throttling_counters': {'throttling_counters': [
            {'id': 5, 'name': 'burst', 'enabled': True, 'limit': 50, 'on_over_limit': 'WARN', 'status': 'ACTIVE'}]},
    }
    base.update(overrides)
    return base


def test_days_left_and_levels():
    assert report.days_left('2026-06-04T08:00:00.000Z', AS_OF) == 3
    assert report.days_left('2026-06-01', AS_OF) == 0
    assert report.days_left('2026-05-31T23:59:59Z', AS_OF) == -1
    assert report.days_left(None, AS_OF) is None
    assert [report.level(d) for d in (-1, 0, 6, 7, 29, 30, 89, 90, None)] == [
        'expired', 'critical', 'critical', 'warning', 'warning', 'notice', 'notice', 'ok', None]


def test_report_orders_nearest_first_and_selects_what_expires():
    env = report.environment('prod', reads(), source={'source': 'section', 'section': 'prod'},
                             managed_prefixes=['edgegrid.access rotation'])
    built = report.build([env], AS_OF, warn_within_days=30, fail_within_days=5)
    names = [item['name'] for item in built['timeline']]
    # The expired ACTIVE credential first, then 3 days, then the token; inactive and self-refreshing ones are not in it.
    assert names == ['credential 4 of alpha-ops', 'credential 7 of zeta-ci', 'EdgeKV token tok_fixed']
    assert [item['days_left'] for item in built['timeline']] == [-2, 3, 20]
    assert [i['name'] for i in built['failing']] == names[:2]
    assert [i['name'] for i in built['expiring']] == names
    prod = built['environments'][0]
    assert [c['name'] for c in prod['api_clients']] == ['alpha-ops', 'zeta-ci']
    zeta = prod['api_clients'][1]['credentials'][0]
    assert zeta['managed'] is True and zeta['signing'] is True and zeta['level'] == 'critical'
    assert prod['api_key_collections'][0]['keys'] == {'total': 3, 'present': 2, 'revoked': 1}
    assert prod['api_key_collections'][0]['quota'] == {'enabled': True, 'limit': 1000, 'interval': 'DAY'}
    assert prod['nearest_expiry']['days_left'] == -2
    assert built['summary']['credentials'] == 3 and built['summary']['failing'] == 2
    assert 'akab-not-in-the-report' not in json.dumps(built)
    assert 'client_token' not in json.dumps(built)


def test_same_input_same_bytes_and_no_clock():
    env = report.environment('prod', reads())
    first = report.build([env], '2026-06-01')
    again = report.build([report.environment('prod', reads())], date(2026, 6, 1))
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert report.markdown(first) == report.markdown(again)
    assert report.html(first) == report.html(again)
    later = report.build([env], '2026-06-02')
    assert later['timeline'][1]['days_left'] == 2


def test_failed_and_skipped_reads():
    env = report.environment('stg', reads(
        edgekv_tokens={'changed': False, 'msg': 'GET /edgekv/v1/tokens failed with HTTP 403: Forbidden [request id x1]',
                       'error': {'status': 403, 'title': 'Forbidden', 'detail': 'no grant', 'request_id': 'x1'}},
        throttling_counters={'skipped': True}, api_keys={}))
    assert env['errors'] == [{'read': 'edgekv_tokens', 'status': 403, 'message': 'HTTP 403 Forbidden: no grant'}]
    assert env['not_read'] == ['api_keys', 'throttling_counters']
    built = report.build([env], AS_OF, hosts=['stg', 'gone'])
    assert [e['name'] for e in built['environments']] == ['gone', 'stg']
    assert built['environments'][0]['errors'][0]['message'].startswith('no data')
    assert built['environments'][1]['api_key_collections'][0]['keys'] is None
    assert built['summary']['errors'] == 2


@pytest.mark.parametrize('variable,value', [('warn_within_days', 'soon'), ('fail_within_days', -1),
                                            ('fail_within_days', True), ('as_of', '01/06/2026')])
def test_bad_input_names_the_variable(variable, value):
    kwargs = {'as_of': AS_OF}
    kwargs[variable] = value
    with pytest.raises(report.ReportError, match='access_report_%s' % variable):
        report.build([], **kwargs)


def test_markdown_and_html_escape_what_they_show():
    hostile = reads(throttling_counters={'throttling_counters': [
        {'id': 5, 'name': 'a|b <script>alert(1)</script>', 'enabled': True, 'limit': 50}]})
    built = report.build([report.environment('prod', hostile)], AS_OF)
    text = report.markdown(built)
    assert '| a\\|b <script>alert(1)</script> |' in text
    page = report.html(built)
    assert '<script>alert(1)</script>' not in page and '&lt;script&gt;alert(1)&lt;/script&gt;' in page
    assert "default-src 'none'" in page and 'http://' not in page and 'https://' not in page
    assert page.count('<section class="environment"') == 1


def test_credentials_read_in_one_task_for_every_api_client():
    # api_credential_info with client_ids: one result, an item per API client; one not read carries msg and error.
    one_task = {'failed': True, 'msg': 'client_ids[1] (c1): GET ...: HTTP 403', 'api_clients': [
        {'client_id': 'c2', 'credentials': reads()['credentials']['results'][0]['credentials']},
        {'client_id': 'c1', 'credentials': None, 'msg': 'GET /identity-management/v3/api-clients/c1/credentials: '
         'HTTP 403 Forbidden [request id r1]', 'error': {'status': 403, 'title': 'Forbidden', 'detail': 'no grant'}}]}
    env = report.environment('prod', reads(credentials=one_task))
    by_name = dict((c['name'], c) for c in env['api_clients'])
    assert [c['credential_id'] for c in by_name['zeta-ci']['credentials']] == [7]
    assert by_name['alpha-ops']['credentials'] is None
    assert env['errors'] == [{'read': 'credentials', 'status': 403, 'message': 'API client c1: HTTP 403 Forbidden: no grant'}]
    # The same reads as a loop give the same environment.
    looped = report.environment('prod', reads())
    one_ok = dict(one_task, failed=False, api_clients=[
        dict(item, credentials=reads()['credentials']['results'][index]['credentials'])
        for index, item in enumerate(one_task['api_clients'])])
    one_ok['api_clients'][1].pop('msg')
    one_ok['api_clients'][1].pop('error')
    assert report.environment('prod', reads(credentials=one_ok)) == looped


def rotated(old_signs=False, new_description='edgegrid.access rotation replaces credential 20', new_status='active'):
    """The credentials of an API client the credential_rotation role has just rotated (max_age_days=0), as
    api_credential_info returns them: the new credential 21 names the old one, 20, which the rotation set to expire
    after the overlap (24 h); the report is as of the day of the rotation."""
    return reads(
        api_clients={'changed': False, 'api_clients': [
            {'client_id': 'c9', 'name': 'rotated-ci', 'is_locked': False, 'active_credential_count': 2}]},
        credentials={'changed': False, 'api_clients': [{'client_id': 'c9', 'credentials': [
            {'credential_id': 20, 'status': 'active', 'description': 'ci pipeline',
             'created_on': '2026-01-10T00:00:00Z', 'expires_on': '2026-06-02T06:00:00Z', 'signing': old_signs},
            {'credential_id': 21, 'status': new_status, 'description': new_description,
             'created_on': '2026-06-01T06:00:00Z', 'expires_on': '2028-06-01T06:00:00Z', 'signing': not old_signs}]}]},
        edgekv_tokens={'skipped': True})


def test_a_credential_a_rotation_replaced_is_not_failing_nor_expiring():
    from ansible_collections.edgegrid.access.plugins.module_utils import _rotation
    assert _rotation.final_description(20) == 'edgegrid.access rotation replaces credential 20'
    env = report.environment('prod', rotated(), managed_prefixes=['edgegrid.access rotation'])
    built = report.build([env], AS_OF, warn_within_days=30, fail_within_days=7)
    # Credential 20 has 1 day left, as the rotation meant: it neither fails the run nor is listed as expiring.
    assert built['failing'] == [] and built['summary']['failing'] == 0
    assert [i['name'] for i in built['expiring']] == []
    creds = built['environments'][0]['api_clients'][0]['credentials']
    assert [(c['credential_id'], c['replaced_by'], c['days_left']) for c in creds] == [(20, 21, 1), (21, None, 731)]
    old = [i for i in built['timeline'] if i['id'] == 20][0]
    assert (old['replaced_by'], old['counted'], old['days_left']) == (21, False, 1)
    assert built['summary']['replaced'] == 1 and built['summary']['expiring'] == 0
    assert built['environments'][0]['nearest_expiry']['name'] == 'credential 21 of rotated-ci'
    text = report.markdown(built)
    assert '**0 items expire within 7 days (the limit that fails the run).**' in text
    assert ('1 credential replaced by a rotation expires as planned and is not counted as expiring or failing: '
            'prod / credential 20 of rotated-ci (replaced by credential 21, 1 day left).') in text
    assert '| rotated-ci (c9) | 20 | active, replaced by 21 | ci pipeline |' in text
    page = report.html(built)
    assert '<span id="summary-expiring">0 expiring within 30 days</span>' in page
    assert '1 replaced by a rotation (not counted)' in page
    assert 'credential 20 of rotated-ci <span class="muted">replaced by credential 21, not counted</span>' in page
    assert '<td>active, replaced by 21</td>' in page
    again = report.build([report.environment('prod', rotated(), managed_prefixes=['edgegrid.access rotation'])],
                         AS_OF, warn_within_days=30, fail_within_days=7)
    assert json.dumps(again, sort_keys=True) == json.dumps(built, sort_keys=True)
    assert report.markdown(again) == text and report.html(again) == page


@pytest.mark.parametrize('case', ['old signs', 'pending', 'inactive', 'other prefix'])
def test_a_credential_not_replaced_or_still_signing_still_fails(case):
    # The section the report reads with still holds the old credential: it is the report's own that lapses. A
    # pending rotation has not stored the new secret; an INACTIVE new credential is a rotation rolled back; a
    # description of another prefix is not this collection's rotation.
    kwargs = {'old signs': {'old_signs': True},
              'pending': {'new_description': 'edgegrid.access rotation replaces credential 20 '
                                             '[pending host:1:abc 2026-06-01T06:00:00Z]'},
              'inactive': {'new_status': 'inactive'},
              'other prefix': {'new_description': 'someone else replaces credential 20'}}[case]
    env = report.environment('prod', rotated(**kwargs), managed_prefixes=['edgegrid.access rotation'])
    built = report.build([env], AS_OF, fail_within_days=7)
    assert [(i['id'], i['days_left']) for i in built['failing']] == [(20, 1)]
    assert built['summary']['replaced'] == 0
    old = built['environments'][0]['api_clients'][0]['credentials'][0]
    assert old['replaced_by'] == (21 if case == 'old signs' else None)


def test_a_replaced_credential_another_environment_signs_with_still_fails():
    # prod's section still holds credential 20; stg (another section of the account) reads with 21.
    envs = [report.environment('prod', rotated(old_signs=True), managed_prefixes=['edgegrid.access rotation']),
            report.environment('stg', rotated(), managed_prefixes=['edgegrid.access rotation'])]
    built = report.build(envs, AS_OF, fail_within_days=7)
    assert [(i['environment'], i['id']) for i in built['failing']] == [('prod', 20), ('stg', 20)]
    assert built['summary']['replaced'] == 0
