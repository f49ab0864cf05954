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
