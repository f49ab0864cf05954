# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Masking the secrets in what an API answers (and in a request body), by path and content type.

This file is private to the collection (note the leading underscore): it may change without notice.
Which members carry secrets is each API's knowledge and lives beside its wire code, as ``SECRET_MEMBERS`` in
``_iam``, ``_edgekv``, ``_apikeys_v1``, ``_apikeys_v2`` (EdgeGrid APIs) and ``_oauth2`` (OAuth 2.0 APIs); this file
only applies it:

- a path one of those rules matches: the members it names, and the members of ``ALWAYS``, are masked wherever
  they occur in a JSON answer; in a CSV answer (``text/csv``) the columns of those names; in an XML answer the
  elements and attributes of those names; any other text of a path whose rule names a member is masked whole;
- a path no rule matches (the collection does not know it): every member, column, element or attribute whose
  name looks like a secret (``FALLBACK``: secret, password, token, credential, private, key, value...) is
  masked; other text is left as it is.

Names are compared without regard to case. A masked value reads ``********``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import unquote

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v1, _apikeys_v2, _edgekv, _errors, _iam, _oauth2

MASK = _errors.MASK

# Masked in every answer of every API: the secrets of EdgeGrid and OAuth 2.0 themselves.
ALWAYS = ('clientSecret', 'client_secret', 'accessToken', 'access_token', 'secret', 'keyValue')

# Member names that look like a secret, for paths no rule knows; but not the names of identifiers, counts,
# statuses, types and dates about one (credentialId, tokenName, secretCount, tokenActivationStatus, keyType...).
FALLBACK = re.compile(r'secret|passw|passphrase|token|credential|private|^(api_?)?keys?$|^key_?values?$|^values?$'
                      r'|^content$', re.IGNORECASE)
NOT_SECRET = re.compile(r'(ids?|names?|count|status|type|date|on|at|description|expiry|expires|url|uri)$',
                        re.IGNORECASE)

EDGEGRID = 'edgegrid'
OAUTH2 = 'oauth2'

_RULES = {
    EDGEGRID: [(re.compile(pattern), members) for api in (_iam, _edgekv, _apikeys_v1, _apikeys_v2)
               for pattern, members in api.SECRET_MEMBERS],
    OAUTH2: [(re.compile(pattern), members) for pattern, members in _oauth2.SECRET_MEMBERS],
}


class Policy:
    """Which names are secret for one path: `known` is False for a path no rule matches."""

    def __init__(self, members, known):
        self.names = frozenset(name.lower() for name in tuple(members) + ALWAYS)
        self.known = known
        self.names_secret = bool(members)

    def secret(self, name):
        if not isinstance(name, str):
            return False
        if name.lower() in self.names:
            return True
        return not self.known and bool(FALLBACK.search(name)) and not NOT_SECRET.search(name)


def canonical_path(path):
    """`path` without its query, as the server resolves it: percent-escapes decoded, empty and `.` segments
    dropped, `..` segments resolved (RFC 3986 section 5.2.4), a trailing `/` kept. `/apikey-manager-api/v1/./keys`,
    `/apikey-manager-api/v1//keys` and `/apikey-manager-api/v1/%6Beys` are all `/apikey-manager-api/v1/keys`."""
    path = unquote((path or '').split('?', 1)[0].split('#', 1)[0])
    segments = []
    for segment in path.split('/'):
        if segment in ('', '.'):
            continue
        if segment == '..':
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    return '/' + '/'.join(segments) + ('/' if path.endswith('/') and segments else '')


def policy(path, kind=EDGEGRID):
    """The Policy of `path` (with or without a query string) for an API of `kind` (EDGEGRID or OAUTH2), chosen by
    the path as the server resolves it (canonical_path): a path spelled otherwise is masked as its resolved form."""
    path = canonical_path(path)
    for pattern, members in _RULES[kind]:
        if (pattern.search if kind == OAUTH2 else pattern.match)(path):
            return Policy(members, True)
    return Policy((), False)


def mask_json(value, rule):
    """A copy of parsed JSON with the values of secret members masked, at any depth.

    For a known path every value of a secret member is masked; for an unknown one only text and numbers (a list
    or object under a name such as ``tokens`` is searched instead).
    """
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if rule.secret(key) and item not in (None, '', [], {}) and (
                    rule.known and _named(key, rule) or not isinstance(item, (dict, list))):
                result[key] = MASK
            else:
                result[key] = mask_json(item, rule)
        return result
    if isinstance(value, list):
        return [mask_json(item, rule) for item in value]
    return value


def _named(key, rule):
    return key.lower() in rule.names


def mask_csv(text, rule):
    """CSV text with the columns of secret names masked (the first row names the columns)."""
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return MASK
    if not rows:
        return text
    secret_columns = [index for index, name in enumerate(rows[0]) if rule.secret(name.strip())]
    if not secret_columns:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([MASK if index in secret_columns and cell else cell for index, cell in enumerate(row)])
    return out.getvalue()


_ELEMENT = re.compile(r'<([A-Za-z_][\w.-]*)(\s[^<>]*)?>([^<]*)</\1\s*>')
_ATTRIBUTE = re.compile(r'([A-Za-z_][\w.-]*)(\s*=\s*)("[^"]*"|\'[^\']*\')')


def mask_xml(text, rule):
    """XML text with the content of elements, and the values of attributes, of secret names masked."""
    def element(match):
        if rule.secret(match.group(1)) and match.group(3).strip():
            return '<%s%s>%s</%s>' % (match.group(1), match.group(2) or '', MASK, match.group(1))
        return match.group(0)

    def attribute(match):
        if rule.secret(match.group(1)):
            quote = match.group(3)[0]
            return '%s%s%s%s%s' % (match.group(1), match.group(2), quote, MASK, quote)
        return match.group(0)
    text = _ELEMENT.sub(element, text)
    return re.sub(r'<[^<>]+>', lambda tag: _ATTRIBUTE.sub(attribute, tag.group(0)), text)


def mask_text(text, content_type, rule):
    """An answer's text by its content type: JSON, CSV, XML masked by name; other text of a known secret-bearing
    path masked whole, other text of an unknown path as it is."""
    kind = (content_type or '').lower()
    if not text:
        return text
    if 'json' in kind:
        try:
            return json.dumps(mask_json(json.loads(text), rule))
        except ValueError:
            return MASK if rule.names_secret else text
    if 'csv' in kind:
        return mask_csv(text, rule)
    if 'xml' in kind:
        return mask_xml(text, rule)
    if rule.known and rule.names_secret:
        return MASK
    return text


def mask_body(body, path, kind=EDGEGRID, content_type=None):
    """A request body (parsed JSON, or text of `content_type`) as it may be shown: secrets masked."""
    rule = policy(path, kind)
    if isinstance(body, str):
        return mask_text(body, content_type or 'application/json', rule)
    return mask_json(body, rule)


def secret_values(value, rule):
    """Every text (or number) masked by mask_json in `value`: to mask wherever it is echoed (an error detail)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if rule.secret(key):
                found.extend(_leaves(item))
            else:
                found.extend(secret_values(item, rule))
    elif isinstance(value, list):
        for item in value:
            found.extend(secret_values(item, rule))
    return found


def _leaves(value):
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, bool) or value is None:
        return []
    return [str(value)]
