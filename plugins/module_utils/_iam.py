# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Identity and Access Management (IAM) API v3 wire format: API clients and their credentials.

This file is private to the collection (note the leading underscore): it may change without notice.
Paths, field names and the translation between module options / returned dicts and API bodies live here,
and nowhere else. Sources: Akamai's OpenAPI files identity-management-v3/09-api-clients-admin.yaml and
10-api-clients-credentials.yaml, their schemas and examples.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

BASE = '/identity-management/v3'
SELF = 'self'

# Credential statuses: module choice -> API value. DELETED exists in the schema but cannot be set.
STATUSES = {'active': 'ACTIVE', 'inactive': 'INACTIVE'}
ACCESS_LEVELS = ('READ-ONLY', 'READ-WRITE')
CLIENT_TYPES = ('CLIENT', 'USER_CLIENT')
# "By default, they expire two years from their creation date"; expiresOn can be set at most that far ahead.
MAX_EXPIRY_YEARS = 2
# The most API services one API client may access (09 yaml, apiAccess).
MAX_APIS = 99

# Members of a credential as the API answers them -> keys of the credential dict the modules return.
CREDENTIAL_FIELDS = (
    ('credentialId', 'credential_id'),
    ('clientToken', 'client_token'),
    ('status', 'status'),
    ('description', 'description'),
    ('createdOn', 'created_on'),
    ('expiresOn', 'expires_on'),
    ('maxAllowedExpiry', 'max_allowed_expiry'),
)

# Members of an API client -> keys of the api_client dict the modules return. accessToken is left out:
# it is part of what signs requests, and api_credential returns it only with a new secret.
CLIENT_FIELDS = (
    ('clientId', 'client_id'),
    ('clientName', 'name'),
    ('clientDescription', 'description'),
    ('clientType', 'client_type'),
    ('authorizedUsers', 'authorized_users'),
    ('notificationEmails', 'notification_emails'),
    ('allowAccountSwitch', 'allow_account_switch'),
    ('canAutoCreateCredential', 'can_auto_create_credential'),
    ('isLocked', 'is_locked'),
    ('activeCredentialCount', 'active_credential_count'),
    ('createdBy', 'created_by'),
    ('createdDate', 'created_date'),
    ('baseURL', 'base_url'),
)

# Query flags that make GET /api-clients/{clientId} include the parts an update must send back.
CLIENT_DETAIL_QUERY = {'apiAccess': 'true', 'groupAccess': 'true', 'ipAcl': 'true'}

# What carries a secret in IAM answers and request bodies, by path: ((regex on the path without its query, member
# names), ...), read by _masking. Sources: 10-api-clients-credentials.yaml (clientSecret, returned by the create
# only), schemas/api-client-v3.yaml (accessToken: "part of the client secret"), 05-user-profile-api.yaml and
# schemas/password-response.yaml, set-password-request.yaml, change-password-request.yaml (password, newPassword,
# currentPassword). Client tokens are identifiers (IAM lists them): not masked.
SECRET_MEMBERS = (
    (r'^/identity-management/v[13]/', ('clientSecret', 'accessToken', 'password', 'newPassword', 'currentPassword')),
)


# ---------------------------------------------------------------------------------------------------------------
# Paths


def _segment(value):
    return quote(str(value), safe='')


def clients_path():
    return '%s/api-clients' % BASE


def client_path(client_id):
    return '%s/api-clients/%s' % (BASE, _segment(client_id or SELF))


def credentials_path(client_id):
    return '%s/credentials' % client_path(client_id)


def credential_path(client_id, credential_id):
    return '%s/%s' % (credentials_path(client_id), _segment(credential_id))


def deactivate_credential_path(client_id, credential_id):
    return '%s/deactivate' % credential_path(client_id, credential_id)


def allowed_apis_path(username):
    return '%s/users/%s/allowed-apis' % (BASE, _segment(username))


def group_access_path(username):
    """GET: the groups (with subGroups) a user may grant to an API client (09 yaml, get-api-clients-users-group-access)."""
    return '%s/users/%s/group-access' % (BASE, _segment(username))


def account_switch_keys_path(client_id=None):
    """GET: the accounts an API client may act on (09 yaml, get-self-account-switch-keys)."""
    return '%s/account-switch-keys' % client_path(client_id)


# The account switch keys query: `search` filters by account id or name, at least three characters (09 yaml,
# parameters/account-switch-keys-query.yaml).
ACCOUNT_SEARCH_MIN = 3


def account_switch_keys_query(search=None):
    """The query of account_switch_keys_path; ValueError for a search shorter than Akamai accepts."""
    if search is None or search == '':
        return None
    if len(search) < ACCOUNT_SEARCH_MIN:
        raise ValueError('search must be at least %d characters (Akamai filters account ids and names by substring)'
                         % ACCOUNT_SEARCH_MIN)
    return {'search': search}


def accounts_from_api(body):
    """[{'account_name', 'account_switch_key'}] from the answer of account_switch_keys_path (a JSON array of
    accountName / accountSwitchKey, schemas/self-account-switch-keys.yaml); ValueError for another shape."""
    if not isinstance(body, list):
        raise ValueError('the answer is not a list of accounts')
    accounts = []
    for item in body:
        if not isinstance(item, dict) or not item.get('accountSwitchKey'):
            raise ValueError('an item of the answer has no accountSwitchKey')
        accounts.append({'account_name': item.get('accountName') or '',
                         'account_switch_key': item['accountSwitchKey']})
    return accounts


# ---------------------------------------------------------------------------------------------------------------
# Time


def parse_time(text):
    """An aware UTC datetime from an ISO 8601 date or date-time (Z, offset, or naive = UTC); ValueError if not."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError('empty')
    value = text.strip()
    if re.match(r'^\d{4}-\d{2}-\d{2}$', value):
        value += 'T00:00:00'
    stamp = datetime.fromisoformat(re.sub(r'[zZ]$', '+00:00', value))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)


def parse_time_or_none(text):
    """parse_time(text), or None when the text is absent or not a date or date-time."""
    try:
        return parse_time(text)
    except ValueError:
        return None


def format_time(value):
    """Akamai's timestamp format: 2024-01-31T12:00:00.000Z."""
    value = value.astimezone(timezone.utc)
    return value.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (value.microsecond // 1000)


def same_instant(left, right):
    """Whether two timestamps (strings or datetimes) name the same second."""
    try:
        first = left if isinstance(left, datetime) else parse_time(left)
        second = right if isinstance(right, datetime) else parse_time(right)
    except (TypeError, ValueError):
        return False
    return first.replace(microsecond=0) == second.replace(microsecond=0)


def add_years(value, years):
    """The same instant `years` calendar years later (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def utcnow():
    return datetime.now(timezone.utc)


def max_expiry(now=None):
    return add_years(now or utcnow(), MAX_EXPIRY_YEARS)


def days_until(text, now=None):
    """Days (a float, negative when past) from now until the timestamp `text`; None when unparsable."""
    try:
        stamp = parse_time(text)
    except (TypeError, ValueError):
        return None
    return (stamp - (now or utcnow())) / timedelta(days=1)


# ---------------------------------------------------------------------------------------------------------------
# Credentials


def credential_from_api(body):
    """The credential dict the modules return (never the secret), from an API credential."""
    if not body:
        return {}
    out = {}
    for api_name, name in CREDENTIAL_FIELDS:
        if api_name in body:
            out[name] = body[api_name]
    if 'status' in out and isinstance(out['status'], str):
        out['status'] = out['status'].lower()
    return out


def credential_with_expiry(cred, now=None):
    """A returned credential plus `expired` and `expires_in_days`, computed on the local clock."""
    out = dict(cred)
    days = days_until(cred.get('expires_on'), now)
    if days is not None:
        out['expired'] = days <= 0
        out['expires_in_days'] = int(days // 1)
    return out


def secret_from_create(body):
    """The client secret in the answer of a credential create (the only answer that holds it)."""
    return (body or {}).get('clientSecret')


def credential_update_body(current, status=None, expires_on=None, description=None):
    """The body of PUT .../credentials/{credentialId}: expiresOn and status are required, description optional.

    `current` is the credential as the module returns it; the other arguments are what changes (None = keep).
    """
    body = {
        'expiresOn': expires_on if expires_on is not None else current.get('expires_on'),
        'status': STATUSES[status] if status is not None else STATUSES.get(current.get('status'), 'ACTIVE'),
    }
    desc = description if description is not None else current.get('description')
    if desc is not None:
        body['description'] = desc
    return body


def credential_update_result(current, answer):
    """The credential after an update: the current one with what the PUT answer reports."""
    out = dict(current)
    out.update(credential_from_api(dict((k, v) for k, v in (answer or {}).items()
                                        if k in ('status', 'expiresOn', 'description'))))
    return out


# ---------------------------------------------------------------------------------------------------------------
# API clients


def client_from_api(body):
    """The api_client dict the modules return (no access token, no credential secret)."""
    if not body:
        return {}
    out = {}
    for api_name, name in CLIENT_FIELDS:
        if api_name in body:
            out[name] = body[api_name]
    access = body.get('apiAccess')
    if isinstance(access, dict):
        out['all_apis'] = bool(access.get('allAccessibleApis'))
        out['apis'] = [api_from_api(api) for api in access.get('apis') or []]
    group_access = body.get('groupAccess')
    if isinstance(group_access, dict):
        out['clone_authorized_user_groups'] = bool(group_access.get('cloneAuthorizedUserGroups'))
        out['groups'] = [group_from_api(grp) for grp in group_access.get('groups') or []]
    acl = body.get('ipAcl')
    if isinstance(acl, dict):
        out['ip_acl'] = {'enable': bool(acl.get('enable')), 'cidr': list(acl.get('cidr') or [])}
    return out


def api_from_api(api):
    return {
        'api_id': api.get('apiId'),
        'name': api.get('apiName'),
        'endpoint': api.get('endPoint'),
        'access_level': api.get('accessLevel'),
    }


def group_from_api(grp):
    out = {
        'group_id': grp.get('groupId'),
        'group_name': grp.get('groupName'),
        'role_id': grp.get('roleId'),
        'role_name': grp.get('roleName'),
        'is_blocked': bool(grp.get('isBlocked', False)),
    }
    if grp.get('subGroups'):
        out['sub_groups'] = [group_from_api(sub) for sub in grp['subGroups']]
    return out


def api_matches(entry, wanted):
    """Whether an allowed-apis entry is the API a user named by its name or its endpoint (case-insensitive)."""
    key = wanted.strip().lower()
    names = [str(entry.get('apiName') or '').lower()]
    endpoint = str(entry.get('endPoint') or '').lower()
    if endpoint:
        names.extend([endpoint, endpoint.lstrip('/')])
    return key in names or '/' + key.lstrip('/') == endpoint


def api_access_body(all_apis, apis):
    """apiAccess from the module's view: all_apis, or apis as [{'api_id', 'access_level'}]."""
    if all_apis:
        return {'allAccessibleApis': True}
    return {'allAccessibleApis': False,
            'apis': [{'apiId': api['api_id'], 'accessLevel': api['access_level']} for api in apis]}


def group_access_body(clone, groups):
    """groupAccess from the module's view: clone the authorized user's groups, or groups with their roles."""
    if clone:
        return {'cloneAuthorizedUserGroups': True}
    out = []
    for grp in groups:
        item = {'groupId': grp['group_id'], 'roleId': grp['role_id']}
        if grp.get('is_blocked') is not None:
            item['isBlocked'] = bool(grp['is_blocked'])
        out.append(item)
    return {'cloneAuthorizedUserGroups': False, 'groups': out}


def current_group_access_body(body):
    """groupAccess to send back unchanged in an update, from the API client as read (groups kept whole)."""
    access = (body or {}).get('groupAccess') or {}
    if access.get('cloneAuthorizedUserGroups'):
        return {'cloneAuthorizedUserGroups': True}
    return {'cloneAuthorizedUserGroups': False, 'groups': list(access.get('groups') or [])}


def current_api_access_body(body):
    """apiAccess to send back unchanged in an update, from the API client as read."""
    access = (body or {}).get('apiAccess') or {}
    if access.get('allAccessibleApis'):
        return {'allAccessibleApis': True}
    return {'allAccessibleApis': False,
            'apis': [{'apiId': api.get('apiId'), 'accessLevel': api.get('accessLevel')}
                     for api in access.get('apis') or []]}


# Module options of api_client that map one to one onto a top-level member of the API client.
CLIENT_SIMPLE_OPTIONS = (
    ('name', 'clientName'),
    ('description', 'clientDescription'),
    ('notification_emails', 'notificationEmails'),
    ('allow_account_switch', 'allowAccountSwitch'),
    ('can_auto_create_credential', 'canAutoCreateCredential'),
    ('authorized_users', 'authorizedUsers'),
)

# Members an update (PUT) may carry back from the current API client (09 yaml, api-client-update-request-v3).
CLIENT_UPDATE_KEEP = ('clientName', 'clientDescription', 'notificationEmails', 'allowAccountSwitch',
                      'canAutoCreateCredential', 'authorizedUsers', 'ipAcl', 'purgeOptions')


def client_create_body(options, api_access, group_access):
    """POST /api-clients from the module options (already checked) and the translated accesses."""
    body = {'clientType': options.get('client_type') or 'CLIENT', 'apiAccess': api_access, 'groupAccess': group_access}
    for option, member in CLIENT_SIMPLE_OPTIONS:
        if options.get(option) is not None:
            body[member] = options[option]
    if options.get('ip_acl') is not None:
        body['ipAcl'] = ip_acl_body(options['ip_acl'])
    return body


def client_update_body(current, changes, api_access=None, group_access=None):
    """PUT /api-clients/{clientId}: the current settings with `changes` (member -> value) applied.

    apiAccess, groupAccess and authorizedUsers are required and replaced whole; the other members are sent
    back as read, so that nothing the module does not manage is lost.
    """
    body = {}
    for member in CLIENT_UPDATE_KEEP:
        value = current.get(member)
        if value is None or value == '':
            continue
        body[member] = value
    body['apiAccess'] = api_access if api_access is not None else current_api_access_body(current)
    body['groupAccess'] = group_access if group_access is not None else current_group_access_body(current)
    body.update(changes)
    return body


def ip_acl_body(acl):
    return {'enable': bool(acl.get('enable')), 'cidr': list(acl.get('cidr') or [])}
