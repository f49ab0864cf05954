# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Identity and Access Management (IAM) API v3 wire format: API clients and their credentials.

This file is private to the collection (note the leading underscore): it may change without notice.
Paths, field names, the requests and the translation between module options / returned dicts and API bodies live
here, and nowhere else: `ApiClients(client)` and `Credentials(client)` send through the one shared client
(_client.ApiClient) and speak the neutral snake_case dicts the modules return (see `client_from_api` and
`credential_from_api` for their keys). Sources: Akamai's OpenAPI files
identity-management-v3/09-api-clients-admin.yaml and 10-api-clients-credentials.yaml, their schemas and examples.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from ansible_collections.edgegrid.access.plugins.module_utils import _wire
from ansible_collections.edgegrid.access.plugins.module_utils._edgerc import character_name
from ansible_collections.edgegrid.access.plugins.module_utils._errors import EdgeGridError, InputError

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


def check_client_id(value, option='client_id'):
    """Raise InputError naming `option` when `value` cannot name an API client (a client ID such as
    k3qx5ujmzhzbttfk, or self): white space only, white space around it or inside it, or a character that is not
    printable ASCII (named, e.g. U+200B). Sent as it is, it names no client (a 404 that reads "No API client    in this account"),
    or the API client's own (self) were it read as empty. None
    and '' are the option not given: not checked."""
    if not isinstance(value, str) or value == '':
        return
    if not value.strip():
        problem = 'is only white space'
    elif value != value.strip():
        problem = 'begins or ends with white space'
    else:
        odd = next((char for char in value if not 0x21 <= ord(char) <= 0x7e), None)
        if odd is None:
            return
        # A client ID is printable ASCII without white space: a zero-width space pasted with it names no client.
        problem = 'holds %s, %s' % (character_name(odd), 'white space' if odd.isspace() and odd.isascii() else
                                    'a character that is not printable ASCII')
    raise InputError('%s %r %s: give a client ID (such as k3qx5ujmzhzbttfk) or self; nothing was sent'
                     % (option, value, problem))


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
    """The query of account_switch_keys_path; ValueError for a search shorter than Akamai accepts, or that is only
    white space (it would filter by spaces: an empty variable's value, not a search)."""
    if search is None or search == '':
        return None
    if not search.strip():
        raise ValueError('search is only white space: give at least %d characters of an account id or name, or leave '
                         'it unset for every account' % ACCOUNT_SEARCH_MIN)
    odd = next((char for char in search if unicodedata.category(char) in ('Cc', 'Cf')), None)
    if odd is not None:
        raise ValueError('search holds %s, a control or invisible character' % character_name(odd))
    if sum(1 for char in search if not char.isspace()) < ACCOUNT_SEARCH_MIN:
        raise ValueError('search must be at least %d characters besides white space (Akamai filters account ids and '
                         'names by substring)' % ACCOUNT_SEARCH_MIN)
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
    out = _wire.renamed(body, CREDENTIAL_FIELDS)
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
    out = _wire.renamed(body, CLIENT_FIELDS)
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
    """Whether an allowed-apis entry (as the API answers it) is the API a user named by its name or its endpoint
    (case-insensitive); api_name_matches on the translated entry."""
    return api_name_matches(allowed_api_from_api(entry), wanted)


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


def allowed_api_from_api(entry):
    """An API a user may grant, from an item of GET /users/{user}/allowed-apis (09 yaml, schemas/allowed-apis.yaml):
    {'api_id', 'name', 'endpoint', 'access_levels'}."""
    return {'api_id': entry.get('apiId'), 'name': entry.get('apiName'), 'endpoint': entry.get('endPoint'),
            'access_levels': entry.get('accessLevels')}


def api_name_matches(api, wanted):
    """Whether an allowed API ({'name', 'endpoint'}, see allowed_api_from_api) is the one a user named by its name or
    its endpoint (case-insensitive)."""
    key = wanted.strip().lower()
    names = [str(api.get('name') or '').lower()]
    endpoint = str(api.get('endpoint') or '').lower()
    if endpoint:
        names.extend([endpoint, endpoint.lstrip('/')])
    return key in names or '/' + key.lstrip('/') == endpoint


# Options of api_client (neutral keys) -> the member of the API client an update sends (09 yaml,
# api-client-update-request-v3). The accesses are translated whole: see client_changes_body.
CLIENT_CHANGE_MEMBERS = dict((option, member) for option, member in CLIENT_SIMPLE_OPTIONS)


def client_changes_body(changes):
    """The members of an update from neutral changes (name, description, notification_emails, authorized_users,
    allow_account_switch, can_auto_create_credential, ip_acl; the accesses apart), in the order given."""
    out = {}
    for key, value in changes.items():
        if key == 'ip_acl':
            out['ipAcl'] = ip_acl_body(value)
        elif key in CLIENT_CHANGE_MEMBERS:
            out[CLIENT_CHANGE_MEMBERS[key]] = value
    return out


def _accesses(changes):
    """apiAccess and groupAccess from neutral changes (None: unchanged). The API access changes when `all_apis` is
    among the changes (with `apis` when it is false), the group access when `clone_authorized_user_groups` is (with
    `groups` when it is false)."""
    api_access = group_access = None
    if 'all_apis' in changes:
        api_access = api_access_body(changes['all_apis'], changes.get('apis') or [])
    if 'clone_authorized_user_groups' in changes:
        group_access = group_access_body(changes['clone_authorized_user_groups'], changes.get('groups') or [])
    return api_access, group_access


def _with_api_names(predicted, apis):
    """A predicted API client whose apis are the resolved ones (name and endpoint None where unknown)."""
    predicted['apis'] = [dict(dict(name=None, endpoint=None), **api) for api in apis]
    return predicted


class WireError(EdgeGridError):
    """An IAM answer that does not have the shape the API documents; its message names the request."""


class ApiClients:
    """The API clients of IAM v3 (09-api-clients-admin.yaml), neutral in and out: dicts as client_from_api returns
    them. Client errors (_client.EdgeGridError: ApiError, TransportError) and WireError pass through.

    The API client as last read is kept by client ID: an update sends back whole what it does not change (members
    the modules do not manage, such as purgeOptions, and the groups as read), as Akamai's PUT replaces the client.
    """

    def __init__(self, client):
        self.client = client
        self._read = {}

    def _keep(self, body):
        if isinstance(body, dict) and body.get('clientId') is not None:
            self._read[body['clientId']] = body
        return body

    def list(self, cacheable=False):
        """Every API client of the account (GET /api-clients), without their accesses. `cacheable`: a listing the
        items of one loop may share (_client.ApiClient.get)."""
        return [client_from_api(item) for item in self.client.get(clients_path(), cacheable=cacheable) or []]

    def get(self, client_id, detail=True, missing_ok=True):
        """One API client (SELF: the one that signs), with its API and group accesses and IP ACL when `detail`;
        None when it does not exist and `missing_ok`."""
        body = self.client.get(client_path(client_id), params=CLIENT_DETAIL_QUERY if detail else None,
                               missing_ok=missing_ok)
        if body is None:
            return None
        return client_from_api(self._keep(body) if detail else body)

    def get_many(self, client_ids):
        """The API clients of `client_ids` with their accesses and IP ACL, as get(detail=True) returns them, in the
        order given; None for one that does not exist. Read side by side (_client.ApiClient.get_many: at most
        _client.PARALLEL_READS at once, a rate-limit wait holds them all)."""
        bodies = self.client.get_many([(client_path(client_id), CLIENT_DETAIL_QUERY) for client_id in client_ids],
                                      missing_ok=True)
        return [None if body is None else client_from_api(self._keep(body)) for body in bodies]

    def connection(self, client_id):
        """{'base_url', 'access_token'} of an API client, what an .edgerc section of its credentials needs; the
        access token (part of the client secret, schemas/api-client-v3.yaml) is registered for masking.
        Raises WireError when the answer lacks either."""
        body = self.client.get(client_path(client_id)) or {}
        if not body.get('accessToken') or not body.get('baseURL'):
            raise WireError('GET %s: the answer has no accessToken or baseURL; cannot build the credential for an '
                            '.edgerc section' % client_path(client_id))
        self.client.add_secret(body['accessToken'])
        return {'base_url': body['baseURL'], 'access_token': body['accessToken']}

    def account_switch_keys(self, search=None):
        """The accounts the signing API client may act on, as accounts_from_api returns them (GET
        /api-clients/self/account-switch-keys, 09 yaml). Raises ValueError for a `search` Akamai does not accept
        (before any request), WireError for an answer of another shape."""
        query = account_switch_keys_query(search)
        path = account_switch_keys_path()
        body = self.client.get(path, params=query)
        try:
            return accounts_from_api(body)
        except ValueError as exc:
            raise WireError('GET %s: %s' % (path, exc)) from None

    def allowed_apis(self, username):
        """The APIs user `username` may grant, as allowed_api_from_api returns them."""
        return [allowed_api_from_api(entry) for entry in self.client.get(allowed_apis_path(username)) or []]

    def grantable_group_ids(self, username):
        """The IDs of the groups (child groups included) user `username` may grant to an API client (GET
        /users/{user}/group-access, 09 yaml, which lists them with their subGroups)."""
        known = set()
        stack = list(self.client.get(group_access_path(username)) or [])
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                known.add(item.get('groupId'))
                stack.extend(item.get('subGroups') or [])
        return known

    @staticmethod
    def _create_body(spec):
        return client_create_body(spec, api_access_body(spec.get('all_apis'), spec.get('apis') or []),
                                  group_access_body(spec.get('clone_authorized_user_groups'), spec.get('groups') or []))

    def preview_create(self, spec):
        """The API client a create of `spec` would make, sending nothing (check mode). `spec`: the options of
        api_client (client_type, name, description, notification_emails, authorized_users, allow_account_switch,
        can_auto_create_credential, ip_acl), all_apis with apis ([{'api_id', 'access_level'}, optionally 'name'
        and 'endpoint'}]), clone_authorized_user_groups with groups ([{'group_id', 'role_id', 'is_blocked'}])."""
        predicted = client_from_api(self._create_body(spec))
        if spec.get('apis'):
            _with_api_names(predicted, spec['apis'])
        return predicted

    def create(self, spec):
        """POST /api-clients from `spec` (see preview_create); the API client created."""
        answer = self.client.request('POST', clients_path(), json_body=self._create_body(spec)).body
        return client_from_api(answer or {})

    def _update_body(self, current, changes):
        api_access, group_access = _accesses(changes)
        return client_update_body(self._read.get(current['client_id']) or {}, client_changes_body(changes),
                                  api_access, group_access)

    def preview_update(self, current, changes):
        """The API client `current` (as get returned it) after `changes` (neutral keys, see client_changes_body and
        _accesses), sending nothing (check mode)."""
        merged = dict(self._read.get(current['client_id']) or {})
        merged.update(self._update_body(current, changes))
        predicted = client_from_api(merged)
        if 'all_apis' not in changes and 'apis' in current:
            predicted['apis'] = current['apis']
        elif changes.get('apis') is not None:
            _with_api_names(predicted, changes['apis'])
        if 'clone_authorized_user_groups' not in changes and 'groups' in current:
            predicted['groups'] = current['groups']
        return predicted

    def update(self, current, changes):
        """PUT /api-clients/{clientId}: `current` (as get returned it) with `changes` applied, the rest sent back as
        read; the API client as the answer reports it."""
        body = self._update_body(current, changes)
        answer = self.client.request('PUT', client_path(current['client_id']), json_body=body).body or {}
        return client_from_api(answer)

    def delete(self, client_id):
        """DELETE /api-clients/{clientId}; an API client already gone (404) is no error."""
        self.client.request('DELETE', client_path(client_id), expected=(404,))


class Credentials:
    """The credentials of IAM v3 API clients (10-api-clients-credentials.yaml), neutral in and out: dicts as
    credential_from_api returns them, never a secret except the one create returns. Client errors
    (_client.EdgeGridError: ApiError, TransportError) and WireError pass through."""

    def __init__(self, client):
        self.client = client

    def list(self, client_id, cacheable=False):
        """Every credential of API client `client_id` (SELF: the one that signs). `cacheable`: a listing the items of
        one loop may share (_client.ApiClient.get). Raises WireError when the answer is not a list."""
        path = credentials_path(client_id)
        body = self.client.get(path, cacheable=cacheable)
        if not isinstance(body, list):
            raise WireError('GET %s: the answer is not a list of credentials' % path)
        return [credential_from_api(item) for item in body]

    def list_many(self, client_ids):
        """The credentials of each of `client_ids`, as list() gives them, in their order, read side by side
        (_client.ApiClient.run_parallel: at most _client.PARALLEL_READS at once, a rate-limit wait holds them all).
        A client whose read failed gets its error (an EdgeGridError: ApiError, TransportError, WireError) in its
        place instead of a list: the others are still read. A client named twice is read once."""
        def one(client_id):
            def read():
                try:
                    return self.list(client_id)
                except EdgeGridError as exc:
                    return exc
            return read
        distinct = list(dict.fromkeys(client_ids))
        read = dict(zip(distinct, self.client.run_parallel([one(client_id) for client_id in distinct])))
        return [read[client_id] for client_id in client_ids]

    def create(self, client_id):
        """POST .../credentials: (the new credential, its client secret). The secret, which only this answer holds,
        is registered for masking. Raises WireError when the answer lacks the credential ID or the secret."""
        body = self.client.request('POST', credentials_path(client_id)).body or {}
        secret = secret_from_create(body)
        if secret:
            self.client.add_secret(secret)
        new = credential_from_api(body)
        if not secret or not new.get('credential_id'):
            raise WireError('POST %s answered without a credential ID or client secret' % credentials_path(client_id))
        return new, secret

    def update(self, client_id, current, status=None, expires_on=None, description=None):
        """PUT .../credentials/{credentialId}: `current` (as list returned it) with what is not None changed
        (status: active or inactive; expires_on: Akamai's timestamp format); the credential after it."""
        body = credential_update_body(current, status=status, expires_on=expires_on, description=description)
        answer = self.client.request('PUT', credential_path(client_id, current['credential_id']), json_body=body).body
        return credential_update_result(current, answer)

    def deactivate(self, client_id, credential_id, missing_ok=False):
        """POST .../credentials/{credentialId}/deactivate; a credential gone (404) is no error when `missing_ok`."""
        self.client.request('POST', deactivate_credential_path(client_id, credential_id),
                            expected=(404,) if missing_ok else None)

    def delete(self, client_id, credential_id):
        """DELETE .../credentials/{credentialId} (Akamai deletes only INACTIVE ones); a credential gone is no error."""
        self.client.request('DELETE', credential_path(client_id, credential_id), expected=(404,))
