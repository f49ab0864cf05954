# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access report: what the `*_info` modules read in each environment, made one report, as JSON, Markdown, HTML.

This file is private to the collection (note the leading underscore): it may change without notice.

Public API::

    environment(name, reads, source=None, managed_prefixes=()) -> dict   one environment from the registered results
    build(environments, as_of, warn_within_days=30, fail_within_days=None, hosts=None) -> dict   the report
    markdown(report) -> str
    html(report) -> str
    ReportError

The report (report.json) is documented in roles/access_report/README.md. It holds no secret: the modules never
return one (client secrets, access tokens, token values) and what they mask (API key values) is not copied; client
tokens are left out too. It holds no time of its own making either: everything depends on what the APIs answered and
on `as_of`, a date, so that the same estate on the same day gives the same bytes.

Days left are whole days from `as_of` (midnight UTC) to the expiry, rounded down: negative once expired. Credentials
expire at an instant (IAM v3 ``expiresOn``); an EdgeKV token with an expiry expires on a date (EdgeKV ``expiry``,
``YYYY-MM-DD``, read as midnight UTC); a token that refreshes itself reports 9999-12-31 and does not expire.

A credential that a rotation replaced is meant to expire: the credential_rotation role gives the new credential the
description ``<prefix> replaces credential <old id>`` (``_rotation.final_description``) once its secret is stored,
and sets the old one to expire after the overlap. Such an old credential carries ``replaced_by`` (the new one's id)
and is not counted as expiring or failing, unless it still signs the reads of an environment of the report (a
section the report reads with still holds it: it is the report's own access that lapses).
"""

from __future__ import annotations

import html as _html
import json
import re
from datetime import date, datetime, timedelta, timezone

from ansible_collections.edgegrid.access.plugins.module_utils import _errors, _iam, _rotation

FORMAT_VERSION = 1

# Bands of days left, nearest first: (level, below this many days). The HTML page colours by them.
LEVELS = (('expired', 0), ('critical', 7), ('warning', 30), ('notice', 90), ('ok', None))
LEVEL_TITLES = {'expired': 'expired', 'critical': 'under 7 days', 'warning': 'under 30 days',
                'notice': 'under 90 days', 'ok': '90 days or more'}
KIND_TITLES = {'credential': 'EdgeGrid credential', 'edgekv_token': 'EdgeKV token'}
NO_EXPIRY = '9999-12-31'


class ReportError(_errors.InputError, ValueError):
    """Bad input to the report (a variable of the role named with what is wrong)."""


# ---------------------------------------------------------------------------------------------------------------
# Time


def parse_as_of(value):
    """The report date from 'YYYY-MM-DD' (or a date / datetime); ReportError otherwise."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    text = str(value or '').strip()
    try:
        return date.fromisoformat(text[:10]) if re.match(r'^\d{4}-\d{2}-\d{2}', text) else date.fromisoformat(text)
    except ValueError:
        raise ReportError('access_report_as_of must be a date as YYYY-MM-DD, got %r' % (value,)) from None


def days_left(expiry, as_of):
    """Whole days from `as_of` (a date, midnight UTC) to the ISO 8601 `expiry`, rounded down; None without one."""
    stamp = _iam.parse_time_or_none(expiry)
    if stamp is None:
        return None
    start = datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc)
    return int((stamp - start) // timedelta(days=1))


def level(days):
    """The band of `days` left (see LEVELS); None for no expiry."""
    if days is None:
        return None
    for name, below in LEVELS:
        if below is None or days < below:
            return name
    return 'ok'  # pragma: no cover


# ---------------------------------------------------------------------------------------------------------------
# One environment, from what the role registered


def _problem(result):
    """A read that failed, as the report shows it: status and Akamai's title / detail, without request ids."""
    error = result.get('error') if isinstance(result.get('error'), dict) else None
    if error and error.get('status'):
        parts = ['HTTP %s' % error['status']]
        text = ': '.join(str(p) for p in (error.get('title'), error.get('detail')) if p)
        if text:
            parts.append(text)
        return {'status': error['status'], 'message': ' '.join(parts)}
    message = str(result.get('msg') or 'the read failed')
    message = re.sub(r'\s*\[request id [^\]]*\]', '', message)
    return {'status': None, 'message': message}


def _outcome(result, key):
    """(value, problem, skipped) of one registered module result: its `key`, or why it is missing."""
    if not isinstance(result, dict) or not result or result.get('skipped'):
        return None, None, True
    if key in result:
        return result[key], None, False
    return None, _problem(result), False


def _results(registered):
    """The results of a registered loop (or the one result of a task without a loop)."""
    if not isinstance(registered, dict):
        return []
    if isinstance(registered.get('results'), list):
        return [r for r in registered['results'] if isinstance(r, dict)]
    return [registered]


def _per_client(registered):
    """The credentials read, one result per API client: the items of api_credential_info's `api_clients` (its
    client_ids form, one task; an item not read carries its `msg` and `error`), or the results of a loop of
    api_credential_info over the API clients (one per item), or one result. A failed task without `api_clients`
    is one result (its problem is reported)."""
    if isinstance(registered, dict) and isinstance(registered.get('api_clients'), list):
        # An item not read has credentials None: without the key, _outcome reports its msg / error.
        return [dict((k, v) for k, v in item.items() if not (k == 'credentials' and v is None))
                for item in registered['api_clients'] if isinstance(item, dict)]
    return _results(registered)


def _replacements(creds, prefixes):
    """{old credential id: id of the credential that replaced it} among the credentials of one API client.

    A credential replaces another when it is ACTIVE and its description is a rotation's final one,
    ``<prefix> replaces credential <id>`` for one of `prefixes` (``_rotation.replaced_id``), naming another
    credential of the same client. A pending description (``[pending ...]``: the rotation has not stored the new
    secret) or an INACTIVE replacement (a rotation rolled back) replaces nothing. Two naming the same one: the
    lower id, so that the same input gives the same report.
    """
    ids = set(c.get('credential_id') for c in creds)
    found = {}
    for cred in creds:
        description = cred.get('description')
        if cred.get('status') != 'active' or not description or _rotation.parse_pending(description):
            continue
        for prefix in prefixes:
            old = _rotation.replaced_id(description, prefix)
            if old is not None and old in ids and old != cred.get('credential_id'):
                new = cred.get('credential_id')
                if old not in found or (new is not None and (found[old] is None or new < found[old])):
                    found[old] = new
                break
    return found


def _credential(cred, prefixes, replaced_by=None):
    description = cred.get('description')
    return {
        'credential_id': cred.get('credential_id'),
        'status': cred.get('status'),
        'description': description,
        'created_on': cred.get('created_on'),
        'expires_on': cred.get('expires_on'),
        'managed': bool(description) and any(description.startswith(p) for p in prefixes if p),
        'signing': bool(cred.get('signing')),
        'replaced_by': replaced_by,
    }


def _token(token):
    expiry = token.get('expiry')
    return {
        'name': token.get('name'),
        'uuid': token.get('uuid'),
        'expiry': expiry,
        'auto_refresh': expiry in (None, '', NO_EXPIRY),
        'expired': bool(token.get('expired')),
        'token_activation_status': token.get('token_activation_status'),
        'issue_date': token.get('issue_date'),
        'latest_refresh_date': token.get('latest_refresh_date'),
        'next_scheduled_refresh_date': token.get('next_scheduled_refresh_date'),
    }


def _quota(quota):
    if not isinstance(quota, dict):
        return None
    return {'enabled': quota.get('enabled'), 'limit': quota.get('limit'), 'interval': quota.get('interval')}


def _key_counts(keys):
    counts = {'total': 0, 'present': 0, 'revoked': 0}
    for key in keys:
        counts['total'] += 1
        if key.get('state') in ('present', 'revoked'):
            counts[key['state']] += 1
    return counts


def environment(name, reads, source=None, managed_prefixes=()):
    """One environment of the report from the results the role registered.

    `reads` maps each read to its registered result: ``api_clients`` (api_client_info), ``credentials`` (the loop of
    api_credential_info over the API clients), ``edgekv_tokens`` (edgekv_token_info), ``api_key_collections``
    (api_key_collection_info), ``api_keys`` (api_key_info) and ``throttling_counters`` (throttling_counter_info).
    A result without its return key is a failed read (``failed_when: false``): its status and message go to
    ``errors``; a skipped or absent one was not read (``not_read``). `source` holds the environment's section,
    account switch key and account name (host variables of the inventory); `managed_prefixes` the description
    prefixes of the credentials this collection creates (the credential_rotation role's). A credential that another
    credential of its API client replaced by a rotation (see _replacements) has that one's id as ``replaced_by``
    (None otherwise).
    """
    if not isinstance(reads, dict):
        raise ReportError('the reads of environment %s must be a dict' % name)
    source = source if isinstance(source, dict) else {}
    prefixes = [p for p in (managed_prefixes or []) if isinstance(p, str) and p]
    env = {
        'name': str(name),
        'source': source.get('source') or 'inventory',
        'section': source.get('section') or None,
        'account_switch_key': source.get('account_switch_key') or None,
        'account_name': source.get('account_name') or None,
        'errors': [],
        'not_read': [],
        'api_clients': None,
        'edgekv_tokens': None,
        'api_key_collections': None,
        'api_keys': None,
        'throttling_counters': None,
    }

    def failed(read, problem):
        env['errors'].append(dict({'read': read}, **problem))

    clients, problem, skipped = _outcome(reads.get('api_clients'), 'api_clients')
    if problem:
        failed('api_clients', problem)
    if clients is not None:
        credentials = {}
        for result in _per_client(reads.get('credentials')):
            creds, problem, skipped_one = _outcome(result, 'credentials')
            client_id = result.get('item') if result.get('item') is not None else result.get('client_id')
            if isinstance(client_id, dict):
                client_id = client_id.get('client_id')
            if problem:
                failed('credentials', dict(problem, message='API client %s: %s' % (client_id, problem['message'])
                                           if client_id is not None else problem['message']))
            elif creds is not None:
                credentials[str(result.get('client_id') or client_id)] = creds
        env['api_clients'] = []
        for client in sorted(clients, key=lambda c: (str(c.get('name') or ''), str(c.get('client_id') or ''))):
            creds = credentials.get(str(client.get('client_id')))
            if creds is None and len(clients) == 1 and 'self' in credentials:
                creds = credentials['self']
            creds = None if creds is None else [c for c in creds if isinstance(c, dict)]
            replaced = _replacements(creds or [], prefixes)
            env['api_clients'].append({
                'client_id': client.get('client_id'),
                'name': client.get('name'),
                'is_locked': client.get('is_locked'),
                'active_credential_count': client.get('active_credential_count'),
                'credentials': None if creds is None else sorted(
                    (_credential(c, prefixes, replaced.get(c.get('credential_id'))) for c in creds),
                    key=lambda c: (str(c.get('created_on') or ''), c.get('credential_id') or 0)),
            })
    elif skipped:
        env['not_read'].append('api_clients')

    for read in ('edgekv_tokens', 'api_key_collections', 'api_keys', 'throttling_counters'):
        value, problem, skipped = _outcome(reads.get(read), read)
        if problem:
            failed(read, problem)
        elif skipped:
            env['not_read'].append(read)
        if value is None:
            continue
        if read == 'edgekv_tokens':
            env[read] = sorted((_token(t) for t in value), key=lambda t: str(t['name']))
        elif read == 'api_key_collections':
            env[read] = sorted(({'id': c.get('id'), 'name': c.get('name'), 'contract_id': c.get('contract_id'),
                                 'group_id': c.get('group_id'), 'key_count': c.get('key_count'),
                                 'quota': _quota(c.get('quota'))} for c in value),
                               key=lambda c: (str(c['name']), c['id'] or 0))
        elif read == 'api_keys':
            env[read] = {'counts': _key_counts(value), 'by_collection': {}}
            for key in value:
                for collection_id in key.get('collection_ids') or []:
                    counts = env[read]['by_collection'].setdefault(str(collection_id), [])
                    counts.append(key)
            env[read]['by_collection'] = dict((k, _key_counts(v)) for k, v in env[read]['by_collection'].items())
        else:
            env[read] = sorted(({'id': c.get('id'), 'name': c.get('name'), 'enabled': c.get('enabled'),
                                 'limit': c.get('limit'), 'on_over_limit': c.get('on_over_limit'),
                                 'status': c.get('status')} for c in value),
                               key=lambda c: (str(c['name']), c['id'] or 0))
    return env


# ---------------------------------------------------------------------------------------------------------------
# The report


def _check_days(value, variable):
    """A whole number of days (0 or more) from an int or its text; None for None or ''."""
    if value is None or value == '':
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and re.match(r'^\s*-?\d+\s*$', value):
        days = int(value)
    else:
        raise ReportError('%s must be a whole number of days, got %r' % (variable, value))
    if days < 0:
        raise ReportError('%s must be 0 or more days, got %d' % (variable, days))
    return days


def _missing(name):
    env = environment(name, {})
    env['not_read'] = []
    env['errors'] = [{'read': 'environment', 'status': None,
                      'message': 'no data: the host failed before its access was read'}]
    return env


def build(environments, as_of, warn_within_days=30, fail_within_days=None, hosts=None):
    """The report from the environments (environment() records), as of a date.

    `warn_within_days` and `fail_within_days` (None: never) select the items listed under ``expiring`` and
    ``failing``: those whose days left are fewer than that many, but for the credentials a rotation replaced
    (``replaced_by`` set, ``counted`` false in the timeline, counted in ``summary.replaced``): they expire as
    planned. One that signs the reads of any environment is still counted. `hosts` names every environment that should
    be in the report; one without a record gets an error. Raises ReportError for bad input, naming the role variable.
    """
    day = parse_as_of(as_of)
    warn = _check_days(warn_within_days, 'access_report_warn_within_days')
    fail = _check_days(fail_within_days, 'access_report_fail_within_days')
    records = {}
    for env in environments or []:
        if not isinstance(env, dict) or not env.get('name'):
            raise ReportError('every environment of the report must be a dict with a name')
        records[str(env['name'])] = env
    for name in hosts or []:
        if str(name) not in records:
            records[str(name)] = _missing(str(name))

    # A credential a rotation replaced expires as planned; unless a section of the report still signs with it.
    signing = set((str(client.get('client_id')), cred.get('credential_id'))
                  for env in records.values() for client in env.get('api_clients') or []
                  for cred in client.get('credentials') or [] if cred.get('signing'))

    def counted(client, cred):
        return cred.get('replaced_by') is None or (str(client.get('client_id')), cred.get('credential_id')) in signing

    timeline = []
    envs = []
    for name in sorted(records):
        env = json.loads(json.dumps(records[name]))  # a plain copy
        for client in env.get('api_clients') or []:
            for cred in client.get('credentials') or []:
                cred['days_left'] = days_left(cred.get('expires_on'), day)
                cred['level'] = level(cred['days_left'])
                if cred.get('status') == 'active' and cred['days_left'] is not None:
                    timeline.append({'environment': name, 'kind': 'credential',
                                     'name': 'credential %s of %s' % (cred.get('credential_id'),
                                                                      client.get('name') or client.get('client_id')),
                                     'id': cred.get('credential_id'), 'client_id': client.get('client_id'),
                                     'description': cred.get('description'), 'expires_on': cred.get('expires_on'),
                                     'days_left': cred['days_left'], 'level': cred['level'],
                                     'managed': cred.get('managed'), 'signing': cred.get('signing'),
                                     'replaced_by': cred.get('replaced_by'),
                                     'counted': counted(client, cred)})
        for token in env.get('edgekv_tokens') or []:
            token['days_left'] = None if token.get('auto_refresh') else days_left(token.get('expiry'), day)
            token['level'] = level(token['days_left'])
            if token['days_left'] is not None:
                timeline.append({'environment': name, 'kind': 'edgekv_token', 'name': 'EdgeKV token %s' % token['name'],
                                 'id': token.get('name'), 'client_id': None, 'description': None,
                                 'expires_on': token.get('expiry'), 'days_left': token['days_left'],
                                 'level': token['level'], 'managed': None, 'signing': None,
                                 'replaced_by': None, 'counted': True})
        keys = env.get('api_keys') or {}
        for coll in env.get('api_key_collections') or []:
            coll['keys'] = None
            if env.get('api_keys') is not None:
                coll['keys'] = (keys.get('by_collection') or {}).get(str(coll.get('id')),
                                                                     {'total': 0, 'present': 0, 'revoked': 0})
        env['nearest_expiry'] = None
        envs.append(env)
    timeline.sort(key=lambda i: (i['days_left'], i['environment'], i['kind'], str(i['name'])))
    for env in envs:
        mine = [item for item in timeline if item['environment'] == env['name'] and item['counted']]
        if mine:
            env['nearest_expiry'] = {'name': mine[0]['name'], 'expires_on': mine[0]['expires_on'],
                                     'days_left': mine[0]['days_left'], 'level': mine[0]['level']}

    def total(read):
        return sum(len(env.get(read) or []) for env in envs)

    expiring = [item for item in timeline if item['counted'] and warn is not None and item['days_left'] < warn]
    failing = [item for item in timeline if item['counted'] and fail is not None and item['days_left'] < fail]
    return {
        'format_version': FORMAT_VERSION,
        'as_of': day.isoformat(),
        'warn_within_days': warn,
        'fail_within_days': fail,
        'summary': {
            'environments': len(envs),
            'api_clients': total('api_clients'),
            'credentials': sum(len(c.get('credentials') or []) for env in envs for c in env.get('api_clients') or []),
            'edgekv_tokens': total('edgekv_tokens'),
            'api_key_collections': total('api_key_collections'),
            'api_keys': sum(((env.get('api_keys') or {}).get('counts') or {}).get('total', 0) for env in envs),
            'throttling_counters': total('throttling_counters'),
            'expiring': len(expiring),
            'failing': len(failing),
            'replaced': sum(1 for item in timeline if not item['counted']),
            'errors': sum(len(env['errors']) for env in envs),
        },
        'timeline': timeline,
        'expiring': expiring,
        'failing': failing,
        'environments': envs,
    }


# ---------------------------------------------------------------------------------------------------------------
# Markdown


def _cell(value):
    if value is None or value == '':
        return '-'
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    return str(value).replace('\\', '\\\\').replace('|', '\\|').replace('\r', ' ').replace('\n', ' ')


def _table(headers, rows):
    lines = ['| %s |' % ' | '.join(headers), '|%s|' % '|'.join(['---'] * len(headers))]
    lines.extend('| %s |' % ' | '.join(_cell(v) for v in row) for row in rows)
    return lines


def _days_text(days):
    if days is None:
        return '-'
    if days < 0:
        return 'expired %d day%s ago' % (-days, '' if days == -1 else 's')
    return '%d' % days


def _status_text(cred):
    """The status of a credential, with the credential that replaced it: ``active, replaced by 7``."""
    if cred.get('replaced_by') is None:
        return cred.get('status')
    return '%s, replaced by %s' % (cred.get('status') or '-', cred['replaced_by'])


def _replaced_text(report):
    """The sentence on the credentials a rotation replaced (not counted), or None when there are none."""
    items = [i for i in report['timeline'] if not i.get('counted', True)]
    if not items:
        return None
    return '%d credential%s replaced by a rotation expire%s as planned and %s not counted as expiring or failing: ' \
        '%s.' % (len(items), '' if len(items) == 1 else 's', 's' if len(items) == 1 else '',
                 'is' if len(items) == 1 else 'are',
                 '; '.join('%s / %s (replaced by credential %s, %s)' % (
                     i['environment'], i['name'], i['replaced_by'], _days_text(i['days_left']) if i['days_left'] < 0
                     else '%d day%s left' % (i['days_left'], '' if i['days_left'] == 1 else 's'))
                     for i in items))


def _where(env):
    if env.get('source') == 'account':
        return 'account %s (%s), through section [%s]' % (env.get('account_name') or '-', env.get('account_switch_key'),
                                                          env.get('section'))
    if env.get('section'):
        return 'section [%s]%s' % (env['section'], (', account %s' % env['account_switch_key'])
                                   if env.get('account_switch_key') else '')
    return 'inventory host'


def _quota_text(quota):
    if not quota:
        return None
    if not quota.get('enabled'):
        return 'off'
    return '%s per %s' % (quota.get('limit'), quota.get('interval'))


def markdown(report):
    """The report as Markdown: a summary, what expires soon, then one section per environment."""
    summary = report['summary']
    lines = ['# Akamai access report', '',
             'As of %s (UTC): %d environment%s, %d credential%s, %d EdgeKV token%s, %d API key collection%s, '
             '%d throttling counter%s.' % (
                 report['as_of'], summary['environments'], '' if summary['environments'] == 1 else 's',
                 summary['credentials'], '' if summary['credentials'] == 1 else 's',
                 summary['edgekv_tokens'], '' if summary['edgekv_tokens'] == 1 else 's',
                 summary['api_key_collections'], '' if summary['api_key_collections'] == 1 else 's',
                 summary['throttling_counters'], '' if summary['throttling_counters'] == 1 else 's'), '']
    if report.get('fail_within_days') is not None:
        lines += ['**%d item%s expire%s within %d days (the limit that fails the run).**' % (
            summary['failing'], '' if summary['failing'] == 1 else 's', 's' if summary['failing'] == 1 else '',
            report['fail_within_days']), '']
    if _replaced_text(report):
        lines += [_cell(_replaced_text(report)), '']
    if summary['errors']:
        lines += ['**%d read%s failed** (see the environments below).' % (
            summary['errors'], '' if summary['errors'] == 1 else 's'), '']
    if report.get('warn_within_days') is not None:
        lines += ['## Expiring within %d days' % report['warn_within_days'], '']
        if report['expiring']:
            lines += _table(['Days left', 'Environment', 'What', 'Expires', 'Created by edgegrid.access'],
                            [[_days_text(i['days_left']), i['environment'], i['name'], i['expires_on'],
                              i['managed']] for i in report['expiring']])
        else:
            lines.append('Nothing.')
        lines.append('')
    lines += ['## Environments', '']
    lines += _table(['Environment', 'Where', 'Credentials', 'EdgeKV tokens', 'Key collections', 'Keys (active / revoked)',
                     'Counters', 'Nearest expiry', 'Read errors'],
                    [[env['name'], _where(env),
                      sum(len(c.get('credentials') or []) for c in env.get('api_clients') or [])
                      if env.get('api_clients') is not None else None,
                      len(env['edgekv_tokens']) if env.get('edgekv_tokens') is not None else None,
                      len(env['api_key_collections']) if env.get('api_key_collections') is not None else None,
                      '%d / %d' % (env['api_keys']['counts']['present'], env['api_keys']['counts']['revoked'])
                      if env.get('api_keys') else None,
                      len(env['throttling_counters']) if env.get('throttling_counters') is not None else None,
                      '%s (%s)' % (env['nearest_expiry']['name'], _days_text(env['nearest_expiry']['days_left']))
                      if env.get('nearest_expiry') else None,
                      len(env['errors'])] for env in report['environments']])
    lines.append('')
    for env in report['environments']:
        lines += ['## %s' % env['name'], '', _where(env) + '.', '']
        if env['errors']:
            lines += ['Read errors:', '']
            lines += ['- %s: %s' % (e['read'], _cell(e['message'])) for e in env['errors']]
            lines.append('')
        if env.get('api_clients') is not None:
            rows = []
            for client in env['api_clients']:
                for cred in client.get('credentials') or []:
                    rows.append(['%s (%s)' % (client.get('name'), client.get('client_id')), cred.get('credential_id'),
                                 _status_text(cred), cred.get('description'), cred.get('expires_on'),
                                 _days_text(cred.get('days_left')), cred.get('managed'), cred.get('signing')])
            lines += ['### Credentials', '']
            lines += _table(['API client', 'Credential', 'Status', 'Description', 'Expires', 'Days left',
                             'Created by edgegrid.access', 'Signs the reads'], rows) if rows else ['None.']
            lines.append('')
        if env.get('edgekv_tokens') is not None:
            lines += ['### EdgeKV tokens', '']
            lines += _table(['Token', 'Status', 'Expiry', 'Days left', 'Next refresh', 'Latest refresh'],
                            [[t['name'], 'expired' if t['expired'] else t.get('token_activation_status'),
                              'refreshes itself' if t['auto_refresh'] else t.get('expiry'), _days_text(t['days_left']),
                              t.get('next_scheduled_refresh_date'), t.get('latest_refresh_date')]
                             for t in env['edgekv_tokens']]) if env['edgekv_tokens'] else ['None.']
            lines.append('')
        if env.get('api_key_collections') is not None:
            lines += ['### API key collections', '']
            lines += _table(['Collection', 'Id', 'Contract / group', 'Keys active', 'Keys revoked', 'Quota'],
                            [[c['name'], c['id'], '%s / %s' % (c.get('contract_id'), c.get('group_id')),
                              (c.get('keys') or {}).get('present'), (c.get('keys') or {}).get('revoked'),
                              _quota_text(c.get('quota'))] for c in env['api_key_collections']]) \
                if env['api_key_collections'] else ['None.']
            lines.append('')
        if env.get('throttling_counters') is not None:
            lines += ['### Throttling counters', '']
            lines += _table(['Counter', 'Id', 'Enabled', 'Limit (requests/s)', 'Over the limit'],
                            [[c['name'], c['id'], c.get('enabled'), c.get('limit'), c.get('on_over_limit')]
                             for c in env['throttling_counters']]) if env['throttling_counters'] else ['None.']
            lines.append('')
    return '\n'.join(lines).rstrip('\n') + '\n'


# ---------------------------------------------------------------------------------------------------------------
# HTML: one self-contained page (no request leaves it: the Content-Security-Policy forbids any)

_CSS = '''
:root { --expired: #7f1d1d; --critical: #dc2626; --warning: #ea580c; --notice: #ca8a04; --ok: #15803d; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #111827; background: #f9fafb; }
header { background: #111827; color: #f9fafb; padding: 16px 24px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
main { padding: 16px 24px; max-width: 1200px; }
.controls { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; background: #fff; padding: 12px;
  border: 1px solid #e5e7eb; border-radius: 6px; position: sticky; top: 0; z-index: 1; }
.controls input[type=search] { min-width: 240px; padding: 4px 8px; }
section { background: #fff; border: 1px solid #e5e7eb; border-radius: 6px; padding: 8px 16px 16px; margin: 16px 0; }
h2 { font-size: 18px; margin: 8px 0; } h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
.badge { display: inline-block; min-width: 64px; text-align: center; padding: 2px 8px; border-radius: 10px;
  color: #fff; font-weight: 600; }
.level-expired .badge, .badge.level-expired { background: var(--expired); }
.level-critical .badge, .badge.level-critical { background: var(--critical); }
.level-warning .badge, .badge.level-warning { background: var(--warning); }
.level-notice .badge, .badge.level-notice { background: var(--notice); }
.level-ok .badge, .badge.level-ok { background: var(--ok); }
.bar { height: 10px; border-radius: 5px; min-width: 4px; }
.level-expired .bar { background: var(--expired); } .level-critical .bar { background: var(--critical); }
.level-warning .bar { background: var(--warning); } .level-notice .bar { background: var(--notice); }
.level-ok .bar { background: var(--ok); }
tr.replaced td { color: #6b7280; } tr.replaced .badge, tr.replaced .bar { background: #9ca3af; }
table.timeline td:last-child { width: 25%; }
.errors { color: #991b1b; }
.legend span { margin-right: 8px; }
.muted { color: #6b7280; }
[hidden] { display: none !important; }
'''

_JS = '''
(function () {
  var text = document.getElementById('filter-text');
  var envSelect = document.getElementById('filter-environment');
  var kinds = Array.prototype.slice.call(document.querySelectorAll('input[name=kind]'));
  var within = document.getElementById('filter-within');
  var shown = document.getElementById('shown-count');
  function apply() {
    var needle = text.value.trim().toLowerCase();
    var env = envSelect.value;
    var allowed = {};
    kinds.forEach(function (box) { allowed[box.value] = box.checked; });
    var limit = within.value === '' ? null : parseInt(within.value, 10);
    var rows = document.querySelectorAll('#timeline tbody tr');
    var count = 0;
    Array.prototype.forEach.call(rows, function (row) {
      var ok = (!env || row.dataset.environment === env) && allowed[row.dataset.kind] !== false &&
        (!needle || row.textContent.toLowerCase().indexOf(needle) >= 0) &&
        (limit === null || parseInt(row.dataset.days, 10) < limit);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = count + ' of ' + rows.length;
    Array.prototype.forEach.call(document.querySelectorAll('section.environment'), function (sec) {
      sec.hidden = !!env && sec.dataset.environment !== env;
      Array.prototype.forEach.call(sec.querySelectorAll('tbody tr'), function (row) {
        row.hidden = !!needle && row.textContent.toLowerCase().indexOf(needle) < 0 &&
          sec.dataset.environment.toLowerCase().indexOf(needle) < 0;
      });
    });
  }
  [text, envSelect, within].concat(kinds).forEach(function (el) {
    el.addEventListener('input', apply); el.addEventListener('change', apply);
  });
  apply();
}());
'''

# The page loads nothing: no script, style, image, font or connection from anywhere (inline style and script only).
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _e(value):
    if value is None or value == '':
        return '<span class="muted">-</span>'
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    return _html.escape(str(value))


def _anchor(name):
    return 'env-' + re.sub(r'[^A-Za-z0-9_-]+', '-', name)


def _html_table(headers, rows, css=''):
    out = ['<table%s><thead><tr>%s</tr></thead><tbody>' % (' class="%s"' % css if css else '',
                                                           ''.join('<th>%s</th>' % _e(h) for h in headers))]
    for row in rows:
        attrs, cells = row if isinstance(row, tuple) else ('', row)
        out.append('<tr%s>%s</tr>' % (attrs, ''.join('<td>%s</td>' % c for c in cells)))
    out.append('</tbody></table>')
    return ''.join(out)


def _badge(days, lvl):
    if days is None:
        return '<span class="muted">-</span>'
    return '<span class="badge level-%s" title="%s">%s</span>' % (lvl, _e(LEVEL_TITLES.get(lvl)), _e(_days_text(days)))


def html(report):
    """The report as one self-contained HTML page: a filterable timeline of expiries, nearest first, coloured by
    days left, then one section per environment."""
    summary = report['summary']
    envs = report['environments']
    span = max([730] + [i['days_left'] for i in report['timeline'] if i['days_left'] > 0])
    parts = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
             '<meta http-equiv="Content-Security-Policy" content="%s">' % _CSP,
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<title>Akamai access report - %s</title>' % _e(report['as_of']),
             '<style>%s</style></head><body>' % _CSS,
             '<header><h1>Akamai access report</h1><div>As of <time id="as-of">%s</time> (UTC) &middot; '
             '%d environments &middot; %d credentials &middot; %d EdgeKV tokens &middot; %d API key collections &middot; '
             '%d throttling counters &middot; <span id="summary-expiring">%d expiring within %s days</span>%s%s</div>'
             '</header><main>' % (
                 _e(report['as_of']), summary['environments'], summary['credentials'], summary['edgekv_tokens'],
                 summary['api_key_collections'], summary['throttling_counters'], summary['expiring'],
                 _e(report.get('warn_within_days')),
                 (' &middot; <span id="summary-replaced">%d replaced by a rotation (not counted)</span>'
                  % summary['replaced']) if summary.get('replaced') else '',
                 (' &middot; <span class="errors">%d read errors</span>' % summary['errors'])
                 if summary['errors'] else '')]
    options = ''.join('<option value="%s">%s</option>' % (_e(env['name']), _e(env['name'])) for env in envs)
    parts.append(
        '<div class="controls" role="search">'
        '<label>Filter <input type="search" id="filter-text" placeholder="name, environment, description"></label>'
        '<label>Environment <select id="filter-environment"><option value="">all</option>%s</select></label>'
        '<label><input type="checkbox" name="kind" value="credential" checked> credentials</label>'
        '<label><input type="checkbox" name="kind" value="edgekv_token" checked> EdgeKV tokens</label>'
        '<label>Expiring within <select id="filter-within"><option value="">any time</option>'
        '<option value="7">7 days</option><option value="30">30 days</option><option value="90">90 days</option>'
        '</select></label>'
        '<span class="legend">%s</span></div>' % (
            options, ''.join('<span class="badge level-%s">%s</span>' % (lvl, _e(LEVEL_TITLES[lvl]))
                             for lvl, dummy in LEVELS)))
    rows = []
    for item in report['timeline']:
        width = 0 if item['days_left'] <= 0 else max(1, int(round(100.0 * item['days_left'] / span)))
        replaced = not item.get('counted', True)
        rows.append((' class="level-%s%s" data-environment="%s" data-kind="%s" data-days="%d"'
                     % (item['level'], ' replaced' if replaced else '', _e(item['environment']), item['kind'],
                        item['days_left']),
                     [_badge(item['days_left'], item['level']), _e(item['expires_on']),
                      '<a href="#%s">%s</a>' % (_anchor(item['environment']), _e(item['environment'])),
                      _e(KIND_TITLES.get(item['kind'], item['kind'])),
                      _e(item['name']) + (' <span class="muted">replaced by credential %s, not counted</span>'
                                          % _e(item['replaced_by']) if replaced else ''),
                      _e(item.get('description')),
                      '<div class="bar" style="width:%d%%"></div>' % width]))
    parts.append('<section id="timeline" class="timeline"><h2>Expiries, nearest first '
                 '<span class="muted">(<span id="shown-count">%d of %d</span>)</span></h2>%s</section>'
                 % (len(rows), len(rows), _html_table(['Days left', 'Expires', 'Environment', 'Kind', 'What',
                                                       'Description', 'Time left'], rows, 'timeline')
                    if rows else '<p>Nothing expires.</p>'))
    for env in envs:
        parts.append('<section class="environment" id="%s" data-environment="%s"><h2>%s</h2><p>%s</p>'
                     % (_anchor(env['name']), _e(env['name']), _e(env['name']), _e(_where(env))))
        if env['errors']:
            parts.append('<ul class="errors">%s</ul>' % ''.join(
                '<li>%s: %s</li>' % (_e(e['read']), _e(e['message'])) for e in env['errors']))
        if env.get('api_clients') is not None:
            rows = []
            for client in env['api_clients']:
                for cred in client.get('credentials') or []:
                    greyed = cred.get('replaced_by') is not None and not cred.get('signing')
                    rows.append((' class="level-%s%s"' % (cred['level'], ' replaced' if greyed else '')
                                 if cred.get('level') else '',
                                 ['%s <span class="muted">%s</span>' % (_e(client.get('name')), _e(client.get('client_id'))),
                                  _e(cred.get('credential_id')), _e(_status_text(cred)), _e(cred.get('description')),
                                  _e(cred.get('expires_on')), _badge(cred.get('days_left'), cred.get('level')),
                                  _e(cred.get('managed')), _e(cred.get('signing'))]))
            parts.append('<h3>Credentials</h3>' + (_html_table(
                ['API client', 'Credential', 'Status', 'Description', 'Expires', 'Days left',
                 'Created by edgegrid.access', 'Signs the reads'], rows) if rows else '<p>None.</p>'))
        if env.get('edgekv_tokens') is not None:
            rows = [(' class="level-%s"' % t['level'] if t.get('level') else '',
                     [_e(t['name']), _e('expired' if t['expired'] else t.get('token_activation_status')),
                      _e('refreshes itself' if t['auto_refresh'] else t.get('expiry')),
                      _badge(t.get('days_left'), t.get('level')), _e(t.get('next_scheduled_refresh_date')),
                      _e(t.get('latest_refresh_date'))]) for t in env['edgekv_tokens']]
            parts.append('<h3>EdgeKV tokens</h3>' + (_html_table(
                ['Token', 'Status', 'Expiry', 'Days left', 'Next refresh', 'Latest refresh'], rows)
                if rows else '<p>None.</p>'))
        if env.get('api_key_collections') is not None:
            rows = [[_e(c['name']), _e(c['id']), _e('%s / %s' % (c.get('contract_id'), c.get('group_id'))),
                     _e((c.get('keys') or {}).get('present')), _e((c.get('keys') or {}).get('revoked')),
                     _e(_quota_text(c.get('quota')))] for c in env['api_key_collections']]
            parts.append('<h3>API key collections</h3>' + (_html_table(
                ['Collection', 'Id', 'Contract / group', 'Keys active', 'Keys revoked', 'Quota'], rows)
                if rows else '<p>None.</p>'))
        if env.get('throttling_counters') is not None:
            rows = [[_e(c['name']), _e(c['id']), _e(c.get('enabled')), _e(c.get('limit')), _e(c.get('on_over_limit'))]
                    for c in env['throttling_counters']]
            parts.append('<h3>Throttling counters</h3>' + (_html_table(
                ['Counter', 'Id', 'Enabled', 'Limit (requests/s)', 'Over the limit'], rows)
                if rows else '<p>None.</p>'))
        parts.append('</section>')
    parts.append('</main><script>%s</script></body></html>' % _JS)
    return '\n'.join(parts) + '\n'
