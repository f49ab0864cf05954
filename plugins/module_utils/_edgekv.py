# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""EdgeKV v1 access tokens: the wire format, validation, and the ``edgekv_tokens.js`` file of a code bundle.

This file is private to the collection (note the leading underscore): it may change without notice.

The API follows the enhanced token workflow (since 2024-08-30): a token created without ``expiry``
refreshes itself and reports ``expiry: 9999-12-31``; its ``value`` is never returned; its ``uuid`` goes into
``edgekv_tokens.js`` as ``reference`` (read by the EdgeKV helper library ``edgekv.js`` 0.6.2 and later,
which sends it as ``X-Akamai-EdgeDB-Auth-Ref``); ``POST /tokens/{name}/refresh`` refreshes it by hand.
Tokens cannot be edited: every field is fixed at creation.

The modules see tokens in a neutral, snake_case shape (``from_wire``) and send nothing themselves:
``Tokens(client)`` builds the paths, sends through the one shared client (_client.ApiClient) and translates, in the
style of ``_apikeys_v2.Wire`` and ``_iam.ApiClients``. The camelCase wire names and the paths appear only here.
Sources: Akamai's OpenAPI file edgekv-v1 (tokens.yaml, token.yaml, tokens-200.yaml, networks.yaml).
"""

from __future__ import annotations

import json
import os
import re
import stat
from datetime import date, datetime, timezone
from urllib.parse import quote

from ansible_collections.edgegrid.access.plugins.module_utils import _errors, _files, _wire

BASE_PATH = '/edgekv/v1'
NO_EXPIRY = '9999-12-31'
PERMISSIONS = ('r', 'w', 'd')
MAX_NAMESPACES = 20
# A fixed expiry is at most this many months ahead (tokens.yaml, and the module's expiry option).
MAX_EXPIRY_MONTHS = 6
NAME_RE = re.compile(r'^[A-Za-z0-9_-]{1,32}$')
NAMESPACE_RE = re.compile(r'^[A-Za-z0-9_-]{1,32}$')
EDGEWORKER_ID_RE = re.compile(r'^[0-9]{1,10}$')
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}$')

# What carries a secret in EdgeKV answers and request bodies, by path (see _iam.SECRET_MEMBERS for the shape): the
# token `value` of tokens-200.yaml ("the access token value", returned before the enhanced workflow). Namespaces,
# groups and items hold no credential.
SECRET_MEMBERS = (
    (r'^/edgekv/v1/tokens(/|$)', ('value',)),
    (r'^/edgekv/v1/', ()),
)

# Fields fixed at creation, by their neutral names (all of them: the API has no update).
CREATE_ONLY = ('namespace_permissions', 'allow_on_staging', 'allow_on_production', 'edgeworker_ids', 'expiry')

# Members of a token as the API answers them -> the neutral names (from_wire).
_WIRE_NAMES = (
    ('name', 'name'),
    ('uuid', 'uuid'),
    ('expiry', 'expiry'),
    ('tokenActivationStatus', 'token_activation_status'),
    ('issueDate', 'issue_date'),
    ('latestRefreshDate', 'latest_refresh_date'),
    ('nextScheduledRefreshDate', 'next_scheduled_refresh_date'),
    ('cpcode', 'cpcode'),
    ('allowOnStaging', 'allow_on_staging'),
    ('allowOnProduction', 'allow_on_production'),
    ('namespacePermissions', 'namespace_permissions'),
    ('restrictToEdgeWorkerIds', 'edgeworker_ids'),
)


class EdgeKVError(_errors.InputError):
    """Invalid input or an unusable edgekv_tokens.js file. The message names the option or the file."""


# ---------------------------------------------------------------- paths


def tokens_path():
    return '%s/tokens' % BASE_PATH


def token_path(name):
    return '%s/tokens/%s' % (BASE_PATH, quote(name, safe=''))


def refresh_path(name):
    return '%s/refresh' % token_path(name)


# ---------------------------------------------------------------- validation and normal forms


def check_name(name, option='name'):
    """`name` when it can name an EdgeKV token; EdgeKVError naming `option` otherwise (null or empty: not given)."""
    if name is None or name == '':
        raise EdgeKVError('%s is required (given as null or empty): the name of the token, 1 to 32 characters of A-Z, '
                          'a-z, 0-9, _ and -' % option)
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise EdgeKVError('%s must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -, got %r' % (option, name))
    return name


def normalize_permissions(value, option='namespace_permissions'):
    """``{namespace: [r, w, d]}`` (a list, or a string such as ``rw``) as ``{namespace: [in r, w, d order]}``."""
    if not isinstance(value, dict) or not value:
        raise EdgeKVError('%s must map at least one namespace to its permissions, for example {default: [r]}' % option)
    if len(value) > MAX_NAMESPACES:
        raise EdgeKVError('%s names %d namespaces; a token may name at most %d' % (option, len(value), MAX_NAMESPACES))
    result = {}
    for namespace, perms in value.items():
        if not isinstance(namespace, str) or not NAMESPACE_RE.match(namespace):
            raise EdgeKVError('%s: namespace %r must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -'
                              % (option, namespace))
        if isinstance(perms, str):
            items = list(re.sub(r'[\s,]', '', perms))
        elif isinstance(perms, (list, tuple)):
            items = list(perms)
        else:
            raise EdgeKVError('%s: the permissions of namespace %s must be a list of r, w, d' % (option, namespace))
        items = [str(p).strip().lower() for p in items]
        wrong = [p for p in items if p not in PERMISSIONS]
        if wrong or not items:
            raise EdgeKVError('%s: the permissions of namespace %s must be one or more of r, w, d (got %s)'
                              % (option, namespace, ', '.join(str(p) for p in items) or 'none'))
        result[namespace] = [p for p in PERMISSIONS if p in items]
    return result


def normalize_edgeworker_ids(value, option='edgeworker_ids'):
    """EdgeWorker ids as sorted unique strings of digits; [] means every EdgeWorker."""
    result = set()
    for item in value or []:
        text = str(item).strip()
        if isinstance(item, bool) or not EDGEWORKER_ID_RE.match(text):
            raise EdgeKVError('%s: %r is not an EdgeWorker id (a number)' % (option, item))
        result.add(str(int(text)))
    return sorted(result, key=_ew_key)


def _ew_key(value):
    return (len(value), value)


def add_months(day, months):
    """`day` moved `months` calendar months ahead (the last day of a shorter month when the day does not exist)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    return day  # not reached


def check_expiry(value, option='expiry', today=None):
    """`value` (YYYY-MM-DD) checked: a real date, from `today` (UTC, the API's calendar) to MAX_EXPIRY_MONTHS ahead.

    The range is the API's (tokens.yaml: "expiry ... at most six months"): a date outside it is refused here, before
    any request, with EdgeKVError naming the option.
    """
    if value is None:
        return None
    if not isinstance(value, str) or not DATE_RE.match(value):
        raise EdgeKVError('%s must be a date written YYYY-MM-DD, got %r' % (option, value))
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise EdgeKVError('%s must be a valid date written YYYY-MM-DD, got %r' % (option, value)) from None
    if value == NO_EXPIRY:
        return value
    today = today or datetime.now(timezone.utc).date()
    if day < today:
        raise EdgeKVError('%s %s is in the past (today is %s, UTC); give a date from today to %d months ahead, or '
                          'leave expiry out for a token that refreshes itself' % (option, value, today, MAX_EXPIRY_MONTHS))
    latest = add_months(today, MAX_EXPIRY_MONTHS)
    if day > latest:
        raise EdgeKVError('%s %s is more than %d months ahead (the latest is %s); leave expiry out for a token that '
                          'refreshes itself and never expires' % (option, value, MAX_EXPIRY_MONTHS, latest))
    return value


def namespaces_path(network):
    return '%s/networks/%s/namespaces' % (BASE_PATH, quote(network, safe=''))


def read_namespaces(client, network):
    """The namespaces of `network` (GET /networks/{network}/namespaces?details=on, networks.yaml): {name: the
    namespace as listed, with its dataAccessPolicy}."""
    response = client.request('GET', namespaces_path(network), params={'details': 'on'})
    body = response.body if isinstance(response.body, dict) else {}
    return dict((item.get('namespace'), item) for item in body.get('namespaces') or [] if isinstance(item, dict))


def check_namespaces(client, permissions, network, option='namespace_permissions', known=None):
    """Refuse, with EdgeKVError naming the option, a namespace of `permissions` that does not exist on `network` or
    namespaces of different data access policies (token.yaml: "All specified namespaces need the same database Data
    Access Policy"). `known`: the namespaces of the network as read_namespaces gives them; read when None."""
    if known is None:
        known = read_namespaces(client, network)
    missing = sorted(ns for ns in permissions if ns not in known)
    if missing:
        raise EdgeKVError('%s: namespace %s does not exist on the %s network (namespaces: %s)'
                          % (option, ', '.join(missing), network, ', '.join(sorted(known)) or 'none'))
    policies = dict((ns, bool((known[ns].get('dataAccessPolicy') or {}).get('restrictDataAccess', True)))
                    for ns in permissions)
    if len(set(policies.values())) > 1:
        restricted = ', '.join(sorted(ns for ns, r in policies.items() if r))
        open_ones = ', '.join(sorted(ns for ns, r in policies.items() if not r))
        raise EdgeKVError('%s: the namespaces of one token need the same data access policy; %s restrict data access '
                          'and %s do not' % (option, restricted, open_ones))


# ---------------------------------------------------------------- wire format


def create_body(name, namespace_permissions, allow_on_staging, allow_on_production, edgeworker_ids=None,
                expiry=None):
    """The body of ``POST /tokens``. Without ``expiry`` the token refreshes itself."""
    body = {
        'name': name,
        'allowOnStaging': bool(allow_on_staging),
        'allowOnProduction': bool(allow_on_production),
        'namespacePermissions': dict((ns, list(perms)) for ns, perms in namespace_permissions.items()),
    }
    if edgeworker_ids:
        body['restrictToEdgeWorkerIds'] = list(edgeworker_ids)
    if expiry and expiry != NO_EXPIRY:
        body['expiry'] = expiry
    return body


def from_wire(doc):
    """A token (create, get, refresh or list answer) in the neutral shape; never a ``value``."""
    token = _wire.renamed(doc, _WIRE_NAMES)
    if 'namespace_permissions' in token and isinstance(token['namespace_permissions'], dict):
        token['namespace_permissions'] = dict(
            (ns, [p for p in PERMISSIONS if p in (perms or [])]) for ns, perms in token['namespace_permissions'].items())
    if 'edgeworker_ids' in token:
        token['edgeworker_ids'] = sorted((str(i) for i in token['edgeworker_ids'] or []), key=_ew_key)
    if 'expiry' in token:
        token['auto_refresh'] = token['expiry'] in (None, NO_EXPIRY)
    return token


def differences(current, desired):
    """The create-only fields set in `desired` (not None) whose value differs from `current`."""
    changed = []
    for field in CREATE_ONLY:
        want = desired.get(field)
        if want is None:
            continue
        have = current.get(field)
        if field == 'expiry':
            have = have or NO_EXPIRY
        if field == 'edgeworker_ids':
            have = sorted(have or [], key=_ew_key)
        if have != want:
            changed.append(field)
    return changed


def list_tokens(client, include_expired=False):
    """Every token (neutral summaries). ``GET /tokens`` answers 404 "No tokens exist." for none: []."""
    params = {'includeExpired': 'true'} if include_expired else None
    response = client.request('GET', tokens_path(), params=params, expected=(404,))
    if response.status == 404:
        return []
    body = response.body if isinstance(response.body, dict) else {}
    return [from_wire(_register_secret(client, item)) for item in body.get('tokens') or []]


def get_token(client, name):
    """(state, token): ('present', token), ('absent', None) for a 404, ('expired', None) for a 410."""
    response = client.request('GET', token_path(name), expected=(404, 410))
    if response.status == 404:
        return 'absent', None
    if response.status == 410:
        return 'expired', None
    return 'present', from_wire(_register_secret(client, response.body))


def _register_secret(client, doc):
    """Register the token ``value`` of an answer (tokens-200.yaml; returned before the enhanced workflow) for masking
    in every error text from now on. `doc` is returned as it is."""
    if isinstance(doc, dict) and doc.get('value'):
        client.add_secret(doc['value'])
    return doc


class Tokens:
    """The EdgeKV v1 access tokens (tokens.yaml, token.yaml), neutral in and out: dicts as from_wire returns them,
    never a token ``value`` (one that arrives is registered for masking). Client errors (_client.EdgeGridError:
    ApiError, TransportError) pass through; EdgeKVError for input the API would refuse.

    `spec`, for preview_create, create and check_namespaces: a token in the neutral shape, {name,
    namespace_permissions ({namespace: [r, w, d]}, normal form), allow_on_staging, allow_on_production,
    edgeworker_ids (normal form, or None: every EdgeWorker), expiry (YYYY-MM-DD, or None / NO_EXPIRY: a token that
    refreshes itself)}.
    """

    def __init__(self, client):
        self.client = client
        self._namespaces = {}  # network -> its namespaces, read once per module run (check_namespaces)

    def list(self, include_expired=False):
        """Every token (neutral summaries, GET /tokens); with `include_expired`, the expired ones too."""
        return list_tokens(self.client, include_expired=include_expired)

    def listing(self, include_expired=False):
        """Every active token and, with `include_expired`, every expired one, each with ``expired`` (bool).

        The API marks no token as expired in a listing: the active listing and, with `include_expired`, the listing
        with the expired ones are read side by side (_client.ApiClient.run_parallel), and a token only in the
        second has expired."""
        listings = [lambda: list_tokens(self.client)]
        if include_expired:
            listings.append(lambda: list_tokens(self.client, include_expired=True))
        read = self.client.run_parallel(listings)
        active_names = set(t.get('name') for t in read[0])
        return [dict(token, expired=token.get('name') not in active_names) for token in read[-1]]

    def get(self, name):
        """(state, token) of token `name` (GET /tokens/{name}): ('present', token), ('absent', None) for a 404,
        ('expired', None) for a 410."""
        return get_token(self.client, name)

    def get_many(self, names):
        """get(name) of each of `names`, in their order, read side by side (_client.ApiClient.run_parallel: at most
        _client.PARALLEL_READS at once, a rate-limit wait holds them all)."""
        return self.client.run_parallel([self._getter(name) for name in names])

    def _getter(self, name):
        return lambda: get_token(self.client, name)

    def check_namespaces(self, spec, option='namespace_permissions'):
        """Before a create of `spec`: its namespaces exist on the network it is created for (production when
        allowed there, else staging) and share one data access policy (see check_namespaces). The namespaces of a
        network are read once for all the tokens of this Tokens (the `tokens` of one task share it), not once per
        token. Raises EdgeKVError naming `option`."""
        network = 'production' if spec.get('allow_on_production') else 'staging'
        if network not in self._namespaces:
            self._namespaces[network] = read_namespaces(self.client, network)
        check_namespaces(self.client, spec['namespace_permissions'], network, option=option,
                         known=self._namespaces[network])

    @staticmethod
    def _create_body(spec):
        return create_body(spec['name'], spec['namespace_permissions'], spec.get('allow_on_staging'),
                           spec.get('allow_on_production'), spec.get('edgeworker_ids'), spec.get('expiry'))

    def preview_create(self, spec):
        """The token a create of `spec` would make, sending nothing (check mode): without the fields the API
        assigns (uuid, dates, status)."""
        body = self._create_body(spec)
        token = from_wire(dict(body, expiry=body.get('expiry', NO_EXPIRY)))
        token.setdefault('edgeworker_ids', [])
        return token

    def create(self, spec):
        """POST /tokens from `spec`: the token created; None when the answer has no body."""
        answer = self.client.request('POST', tokens_path(), json_body=self._create_body(spec)).body
        if answer is None:
            return None
        return from_wire(_register_secret(self.client, answer))

    def refresh(self, name):
        """POST /tokens/{name}/refresh: the token refreshed (it keeps its uuid)."""
        answer = self.client.request('POST', refresh_path(name)).body
        return from_wire(_register_secret(self.client, answer))

    def revoke(self, name):
        """DELETE /tokens/{name}: revoke the token (it cannot be restored)."""
        self.client.request('DELETE', token_path(name))


def refresh_due(token, today, after_days):
    """Whether a refresh is due: the token's current value (last refresh, else issue) is `after_days` old.

    ``after_days=0`` makes every run due (a forced refresh). Dates are the API's (UTC) dates.
    """
    last = token.get('latest_refresh_date') or token.get('issue_date')
    if after_days <= 0 or not last:
        return True
    try:
        last_day = date.fromisoformat(str(last)[:10])
    except ValueError:
        return True
    return (today - last_day).days >= after_days


# ---------------------------------------------------------------- edgekv_tokens.js

TOKENS_JS_VAR = 'edgekv_access_tokens'
TOKENS_JS_HEADER = ('// EdgeKV access tokens of this EdgeWorkers code bundle, read by the EdgeKV helper library\n'
                    '// (edgekv.js 0.6.2 or later). Maintained by edgegrid.access.edgekv_token.\n')
_ASSIGN_RE = re.compile(r'\b(?:var|let|const)\s+%s\s*=\s*' % TOKENS_JS_VAR)


def tokens_js_entries(token):
    """The entries of `token` for edgekv_tokens.js: ``namespace-<ns>`` -> {name, reference (the uuid)}."""
    return dict(('namespace-%s' % ns, {'name': token['name'], 'reference': token['uuid']})
                for ns in sorted(token.get('namespace_permissions') or {}))


class _JsObjectParser:
    """A small reader for the object literal of edgekv_tokens.js: string or identifier keys, string values,
    nested objects, trailing commas and comments (what Akamai's CLI and people write). Nothing else."""

    def __init__(self, text, pos):
        self.text = text
        self.pos = pos

    def fail(self, what):
        line = self.text.count('\n', 0, self.pos) + 1
        raise ValueError('%s at line %d' % (what, line))

    def skip(self):
        text = self.text
        while self.pos < len(text):
            if text[self.pos].isspace():
                self.pos += 1
            elif text.startswith('//', self.pos):
                end = text.find('\n', self.pos)
                self.pos = len(text) if end < 0 else end + 1
            elif text.startswith('/*', self.pos):
                end = text.find('*/', self.pos + 2)
                if end < 0:
                    self.fail('unterminated comment')
                self.pos = end + 2
            else:
                break

    def string(self):
        quote_char = self.text[self.pos]
        end = self.pos + 1
        while end < len(self.text) and self.text[end] != quote_char:
            if self.text[end] in '\\\n':
                self.fail('unsupported character in a string')
            end += 1
        if end >= len(self.text):
            self.fail('unterminated string')
        value = self.text[self.pos + 1:end]
        self.pos = end + 1
        return value

    def key(self):
        char = self.text[self.pos:self.pos + 1]
        if char in ('"', "'"):
            return self.string()
        match = re.compile(r'[A-Za-z_$][A-Za-z0-9_$]*').match(self.text, self.pos)
        if not match:
            self.fail('expected a key')
        self.pos = match.end()
        return match.group(0)

    def value(self):
        self.skip()
        char = self.text[self.pos:self.pos + 1]
        if char == '{':
            return self.obj()
        if char in ('"', "'"):
            return self.string()
        self.fail('expected a string or an object')
        return None  # not reached

    def obj(self):
        result = {}
        self.pos += 1  # '{'
        while True:
            self.skip()
            if self.text[self.pos:self.pos + 1] == '}':
                self.pos += 1
                return result
            key = self.key()
            self.skip()
            if self.text[self.pos:self.pos + 1] != ':':
                self.fail('expected ":"')
            self.pos += 1
            if key in result:
                self.fail('duplicate key')
            result[key] = self.value()
            self.skip()
            char = self.text[self.pos:self.pos + 1]
            if char == ',':
                self.pos += 1
            elif char != '}':
                self.fail('expected "," or "}"')


def parse_tokens_js(text):
    """The entries of an edgekv_tokens.js file: {key: {name, reference | value}}. Raises ValueError."""
    match = _ASSIGN_RE.search(text)
    if not match:
        raise ValueError('no "var %s = {...}" assignment' % TOKENS_JS_VAR)
    parser = _JsObjectParser(text, match.end())
    parser.skip()
    if text[parser.pos:parser.pos + 1] != '{':
        parser.fail('expected "{"')
    entries = parser.obj()
    if not re.search(r'\bexport\b[^;]*\b%s\b' % TOKENS_JS_VAR, text[parser.pos:]):
        raise ValueError('no "export { %s }"' % TOKENS_JS_VAR)
    for key, entry in entries.items():
        if not isinstance(entry, dict):
            raise ValueError('the entry %s is not an object' % key)
    return entries


def render_tokens_js(entries):
    """The canonical edgekv_tokens.js text for `entries` (in their order)."""
    body = json.dumps(entries, indent=2)
    return '%svar %s = %s;\n\nexport { %s };\n' % (TOKENS_JS_HEADER, TOKENS_JS_VAR, body, TOKENS_JS_VAR)


def plan_tokens_js(path, token=None, remove_name=None, text=None):
    """What edgekv_tokens.js at `path` must become.

    With `token`, its ``namespace-<ns>`` entries are set (replacing those of any other token for the same
    namespaces) and the entries naming it for other namespaces are removed; with `remove_name`, the entries
    that name that token are removed. Other entries stay as they are. Returns (changed, new_text or None, summary):
    new_text is None when the entries do not change; `changed` is also true when a file that holds a secret
    (``holds_secret``) lets group or others in and only its mode is to be set to 0600 (``mode_fixed`` in the
    summary). The summary lists the entries set/removed by key, and ``entries`` (the file's after the write), with
    names and references only (a legacy ``value`` is never copied into it); ``diff`` is (before, after): the
    entries as the file holds them ({} when it does not exist) and after the write, a legacy ``value`` shown masked.
    `text`, when given, is taken as what the file holds instead of reading it (check mode: what an earlier
    plan of the same task would have written).
    Raises EdgeKVError for a file that cannot be read or parsed: it is never overwritten then.
    """
    origin = 'edgekv_tokens.js file %s' % path
    if text is None:
        text = _read_tokens_js(path, origin)
    if text is None:
        entries = {}
    else:
        try:
            entries = parse_tokens_js(text)
        except ValueError as exc:
            raise EdgeKVError('%s cannot be parsed (%s); fix or remove it, it is not overwritten' % (origin, exc)) \
                from None
    new = dict(entries)
    set_keys, removed_keys = [], []
    if token is not None:
        wanted = tokens_js_entries(token)
        for key, entry in wanted.items():
            if new.get(key) != entry:
                new[key] = entry
                set_keys.append(key)
        # Entries of this token for namespaces it no longer has (after a recreate) go.
        for key in list(new):
            if key not in wanted and new[key].get('name') == token['name']:
                del new[key]
                removed_keys.append(key)
    if remove_name is not None:
        for key in list(new):
            if new[key].get('name') == remove_name:
                del new[key]
                removed_keys.append(key)
    content_changed = new != entries or (text is None and token is not None)
    mode_fixed = False
    if text is not None and not content_changed and holds_secret(new):
        try:
            mode_fixed = bool(stat.S_IMODE(os.stat(path).st_mode) & 0o077)
        except OSError:
            mode_fixed = False
    changed = content_changed or mode_fixed

    def public(held, masked=False):
        # A legacy token value is never copied; for the diff (masked) that an entry holds one is shown, masked, so
        # that dropping it is a visible change.
        return dict((key, dict((k, _errors.MASK if k == 'value' else v) for k, v in entry.items()
                               if k in ('name', 'reference') or (masked and k == 'value')))
                    for key, entry in held.items())

    summary = dict(
        path=path,
        changed=changed,
        mode_fixed=mode_fixed,
        set=set_keys,
        removed=removed_keys,
        entries=public(new),
        diff=(public(entries, masked=True), public(new, masked=True)),
    )
    return changed, (render_tokens_js(new) if content_changed else None), summary


def _read_tokens_js(path, origin):
    """The text of the edgekv_tokens.js at `path`, None when it does not exist; EdgeKVError (naming `origin`) for
    one that cannot be read or is no regular file."""
    try:
        kind = os.stat(path).st_mode
    except OSError:
        kind = None  # the open below says why
    if kind is not None and not stat.S_ISREG(kind) and not stat.S_ISDIR(kind):
        # A FIFO would block the read for ever; a device or a socket is no file of entries either.
        raise EdgeKVError('%s is not a regular file (a FIFO, a device or a socket); give the edgekv_tokens.js file'
                          % origin)
    try:
        with open(path, 'r', encoding='utf-8') as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EdgeKVError('%s cannot be read: %s' % (origin, getattr(exc, 'strerror', None) or type(exc).__name__)) \
            from None


def check_tokens_js(path, create_directory=False, option='tokens_js'):
    """Before any write: `path` names a file (``_files.not_a_file_name``: not empty nor blank, no name of it beginning
    or ending with white space, not ending in "/") and is no dangling symbolic link into a directory that does not
    exist (``_files.dangling_file_link``, whatever `create_directory`: nothing is made where it points); the directory
    of the edgekv_tokens.js at `path` exists (``_files.missing_directory``), or, with `create_directory`, can be made
    (``_files.directories_to_make``: no file on the way, the nearest existing directory writable), and the file can
    be read and parsed (or does not exist yet). Returns the directories a write would make (outermost first; [] when
    the directory exists). Raises EdgeKVError naming `option` and the file."""
    problem = _files.not_a_file_name(path)
    if problem is not None:
        raise EdgeKVError('%s.path %s %s' % (option, _files.shown_path(path), problem))
    problem = _files.dangling_file_link(path)
    if problem is not None:
        raise EdgeKVError('%s.path %s: edgekv_tokens.js file %s' % (option, path, problem))
    target = os.path.realpath(path)
    if create_directory:
        try:
            missing = _files.directories_to_make(path)
        except _files.FileWriteError as exc:
            raise EdgeKVError('%s.path %s: %s' % (option, path, exc)) from None
        if missing:
            return missing  # the file does not exist: nothing to read
    else:
        problem = _files.missing_directory(target, if_missing=' (%s.create_directory=true makes it)' % option)
        if problem is not None:
            raise EdgeKVError('%s.path %s: %s' % (option, path, problem))
    plan_tokens_js(path)
    return []


def tokens_js_directories(path):
    """The directories a write of edgekv_tokens.js at `path` with `create_directory` makes (outermost first; [] when
    its directory exists). Raises EdgeKVError when they cannot be made."""
    with _errors.raised_as(EdgeKVError, _files.FileWriteError):
        return _files.directories_to_make(path)


def prepare_tokens_js(path, create_directory=False, probe=False, probe_mode=False, option='tokens_js'):
    """Before the first write to the API of a task that then writes the edgekv_tokens.js at `path`: with
    `create_directory`, its missing directories made (``_files.make_directories``, each 0755); with `probe` (the
    file is written in this run: ``tokens_js_written``), the file tried (``_files.probe_write``: a temporary file made
    and removed beside it); with `probe_mode` (only its mode is set to 0600), its mode tried (``_files.probe_mode``:
    set to what it is). The checks before any request (``check_tokens_js``) cannot tell every directory that cannot
    be made nor every file that cannot be written (a read-only or virtual file system, an immutable directory, as
    root too): either fails the task here, before any token is written. Returns the directories made (outermost
    first). Raises EdgeKVError naming `option`; the directories made are then removed."""
    made = []
    origin = 'edgekv_tokens.js file %s' % path
    try:
        if create_directory:
            made = _files.make_directories(path)
        if probe:
            _files.probe_write(os.path.realpath(path), origin)
        if probe_mode:
            _files.probe_mode(os.path.realpath(path), origin)
    except _files.FileWriteError as exc:
        _files.remove_directories(made)
        raise EdgeKVError('%s.path %s: %s' % (option, path, exc)) from None
    return made


def tokens_js_written(path, token=None, remove_name=None):
    """(written, mode_fixed): whether the edgekv_tokens.js at `path` is to be written, and whether only its mode is to
    be set, by a run that leaves `token` as it is (present, its uuid known) or removes the entries of `remove_name`
    (``plan_tokens_js``). Raises EdgeKVError as plan_tokens_js does."""
    dummy, text, summary = plan_tokens_js(path, token=token, remove_name=remove_name)
    return text is not None, bool(summary['mode_fixed'])


def holds_secret(entries):
    """Whether edgekv_tokens.js `entries` hold a token value (a legacy ``value`` entry): the file is then secret.

    Entries of the enhanced workflow hold the token's ``name`` and ``uuid`` (``reference``) only, no secret: the
    token value stays with Akamai and is no longer returned (seed 002, DESIGN.md). A file written before it may
    still hold ``value`` entries (the token itself, a JWT); they are kept, and the file is then written 0600.
    """
    return any(isinstance(entry, dict) and 'value' in entry for entry in entries.values())


def tokens_js_mode(path, secret):
    """The mode edgekv_tokens.js at `path` gets on a write: 0600 when it holds a secret, else its mode as it is
    (a new file: 0644 less the umask)."""
    if secret:
        return _files.FILE_MODE
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o644 & ~umask


def write_tokens_js(path, text, secret, create_directory=False):
    """Write edgekv_tokens.js `text` to `path` through the collection's one writer (``_files.atomic_write``): a
    temporary file created 0600 beside it, renamed over it; mode ``tokens_js_mode(path, secret)``. With
    `create_directory`, the missing directories of `path` are made first, 0755 (``_files.make_directories``).
    Returns the directories made (outermost first). Raises EdgeKVError naming the file."""
    target = os.path.realpath(path)
    made = []
    with _errors.raised_as(EdgeKVError, _files.FileWriteError):
        if create_directory:
            try:
                made = _files.make_directories(path)
            except _files.FileWriteError as exc:
                raise _files.FileWriteError('edgekv_tokens.js file %s cannot be written: %s' % (path, exc)) from None
        _files.remove_stale_temporary_files(target)
        _files.atomic_write(target, text.encode('utf-8'), 'edgekv_tokens.js file %s' % path,
                            mode=tokens_js_mode(target, secret))
    return made


def fix_tokens_js_mode(path):
    """Set edgekv_tokens.js at `path` to 0600 (it holds a secret and lets group or others in). Raises EdgeKVError."""
    try:
        os.chmod(path, _files.FILE_MODE)
    except OSError as exc:
        raise EdgeKVError('cannot set the mode of edgekv_tokens.js file %s to 0600: %s'
                          % (path, exc.strerror or type(exc).__name__)) from None
