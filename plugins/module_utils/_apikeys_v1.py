# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys and Traffic Management v1: the wire format (Akamai's official OpenAPI, apikey-manager-api/v1).

This file is private to the collection (note the leading underscore): it may change without notice.
It translates the neutral model of `_apikeys.py` to and from v1 JSON: bare arrays, `keyPage`,
ACL entries as prefixed strings, quota headers as six booleans, counter rules as typed lists; what v2
sends and names alike is in `_apikeys_wire.py`.
Akamai decommissioned v1 on 2025-04-30; it is kept for accounts and tools that still speak it.
"""

from __future__ import annotations

import sys

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _apikeys_wire

BASE = '/apikey-manager-api/v1'

# What carries a secret in v1 answers and request bodies, by path (see _iam.SECRET_MEMBERS for the shape): the key
# `value` of keyDto / keyPage / keyList (KeysResource.yaml; also the CSV / XML column of an import file), and the
# `content` of an import request (the file itself, importKeysCommand). Elsewhere `value` is a quota limit
# (collections) or a rule's values (counters): not secret.
SECRET_MEMBERS = (
    (r'^/apikey-manager-api/v1/(keys|collections/[^/]+/keys)(/|$)', ('value', 'content')),
    (r'^/apikey-manager-api/v1/', ()),
)

# GET /keys: `pageNumber` from 1 and `pageSize`; the documents give no maximum. 10,000 is the most keys a
# contract may hold, so one page holds any collection.
PAGE_SIZE = 10000
# POST /keys: one `value` string of at most 10,000 characters, values separated by newlines.
VALUE_STRING_MAX = 10000

QUOTA_ALLOW = (('X-RateLimit-Limit', 'allowLimitHeaderShown'), ('X-RateLimit-Remaining', 'allowRemainingHeaderShown'),
               ('X-RateLimit-Reset', 'allowResetHeaderShown'))
QUOTA_DENY = (('X-RateLimit-Limit', 'denyLimitHeaderShown'), ('X-RateLimit-Remaining', 'denyRemainingHeaderShown'),
              ('X-RateLimit-Next', 'denyNextHeaderShown'))
COUNTER_CLIENT = (('X-Throttling-Limit', 'sendLimitToClient'), ('X-Throttling-Rate', 'sendRateToClient'))
COUNTER_ORIGIN = (('X-Throttling-Limit', 'sendLimitToOrigin'), ('X-Throttling-Rate', 'sendRateToOrigin'))
RULE_TYPES = (('acl', 'ACL_ENTRY'), ('keys', 'KEY'), ('key_collections', 'KEY_COLLECTION'))
REPORTS = {'by_quota': 'rapidkey-by-quota', 'by_time': 'rapidkey-by-time'}
# Endpoint members (schemas/endpoints.yaml, endpointResourceBaseInfo.yaml, endpointResourceMethod.yaml), read by
# _apikeys_wire.endpoint_from_wire.
ENDPOINT_MEMBERS = {'endpoint_id': 'apiEndPointId', 'endpoint_name': 'apiEndPointName',
                    'resources': 'apiResourceBaseInfo', 'resource_id': 'apiResourceLogicId',
                    'resource_name': 'apiResourceName', 'method_id': 'apiResourceMethodLogicId',
                    'method': 'apiResourceMethod'}


# An answer that does not have the documented shape, or an operation v1 does not have.
WireError = _apikeys.WireError


# ---------------------------------------------------------------- translation (pure functions)

def quota_from_wire(body):
    headers = body.get('headers') or {}
    return {
        'enabled': bool(body.get('enabled')),
        'limit': body.get('value'),
        'interval': body.get('interval'),
        'allow_headers': [name for name, flag in QUOTA_ALLOW if headers.get(flag)],
        'deny_headers': [name for name, flag in QUOTA_DENY if headers.get(flag)],
    }


def quota_to_wire(quota):
    headers = dict((flag, name in quota['allow_headers']) for name, flag in QUOTA_ALLOW)
    headers.update((flag, name in quota['deny_headers']) for name, flag in QUOTA_DENY)
    return {'enabled': quota['enabled'], 'value': quota['limit'], 'interval': quota['interval'], 'headers': headers}


def collection_from_wire(body):
    return dict(
        _apikeys_wire.identity_from_wire(body, ('id', 'name', 'description')),
        key_count=body.get('keyCount'),
        dirty=bool(body.get('dirty')),
        acl=_apikeys.sort_acl(body.get('grantedACL')),
        quota=quota_from_wire(body['quota']) if isinstance(body.get('quota'), dict) else None,
    )


def collection_to_wire(coll):
    body = {'name': coll['name'], 'contractId': coll['contract_id'], 'groupId': coll['group_id']}
    if coll.get('description'):
        body['description'] = coll['description']
    return body


# POST /collections and PUT /collections/{id} send the same body.
collection_create_to_wire = collection_update_to_wire = collection_to_wire


def acl_to_wire(acl):
    """The body of PUT /collections/{id}/acl: the ACL entries as a bare array of prefixed strings."""
    return list(acl)


def key_from_wire(body):
    revoked = bool(body.get('revoked'))
    dirty = bool(body.get('dirty'))
    if revoked:
        status = 'PENDING_REVOCATION' if dirty else 'REVOKED'
    else:
        status = 'PENDING_DEPLOYMENT' if dirty else 'DEPLOYED'
    return _apikeys_wire.neutral_key(
        body, ('id', 'value', 'description'), state='revoked' if revoked else 'present', network_status=status,
        collection_ids=[body['collectionId']] if body.get('collectionId') is not None else [],
        quota_update_state=body.get('quotaUpdateState'))


def key_update_to_wire(key):
    """The keyDto sent by PUT /keys/{id}: the value (required, unchanged), label, description, tags."""
    return {'value': key['value'], 'label': key.get('label') or '', 'description': key.get('description') or '',
            'tags': list(key.get('tags') or [])}


def counter_from_wire(body):
    headers = body.get('headers')
    rules = {'acl': [], 'keys': [], 'key_collections': []}
    for rule in body.get('rules') or []:
        if not isinstance(rule, dict):
            continue
        for neutral, kind in RULE_TYPES:
            if rule.get('type') == kind:
                rules[neutral].extend(rule.get('values') or [])
    rules['acl'] = _apikeys.sort_acl(rules['acl'])
    rules['keys'] = sorted(set(int(v) for v in rules['keys']))
    rules['key_collections'] = sorted(set(int(v) for v in rules['key_collections']))
    return dict(
        _apikeys_wire.identity_from_wire(body, ('id', 'name', 'description')),
        enabled=body.get('enabled'),
        limit=body.get('throttling'),
        on_over_limit=body.get('onOverLimit'),
        alert_threshold=None,
        headers={
            'client': [name for name, flag in COUNTER_CLIENT if (headers or {}).get(flag)],
            'origin': [name for name, flag in COUNTER_ORIGIN if (headers or {}).get(flag)],
        },
        error_response=_apikeys_wire.error_response_from_wire(body.get('errorResponse')),
        rules=rules,
        status=body.get('status'),
    )


def counter_to_wire(counter, create=True):
    """The counterDto of POST /counters and PUT /counters/{id}: the same body for both (`create` changes nothing),
    contract and group included."""
    headers = dict((flag, name in counter['headers']['client']) for name, flag in COUNTER_CLIENT)
    headers.update((flag, name in counter['headers']['origin']) for name, flag in COUNTER_ORIGIN)
    rules = [{'type': kind, 'values': list(counter['rules'][neutral])}
             for neutral, kind in RULE_TYPES if counter['rules'].get(neutral)]
    body = {
        'name': counter['name'],
        'description': counter.get('description') or '',
        'contractId': counter['contract_id'],
        'groupId': counter['group_id'],
        'enabled': counter['enabled'],
        'throttling': counter['limit'],
        'onOverLimit': counter['on_over_limit'],
        'headers': headers,
        'rules': rules,
    }
    if counter.get('error_response'):
        body['errorResponse'] = _apikeys_wire.error_response_to_wire(counter['error_response'])
    return body


def import_content(specs):
    """Key specs as the content of a v1 JSON import file (value, label, tags as documented; no description)."""
    return _apikeys_wire.import_content(specs, 'value', None)


def unwrap(body, kind, what):
    """The items of a list answer: v1 answers a bare JSON array, whatever the `kind` of list. Raises WireError
    naming `what` for another shape."""
    if not isinstance(body, list):
        raise WireError('v1 %s: expected a JSON array, got %s' % (what, type(body).__name__))
    return body


class Wire(_apikeys_wire.Wire):
    """v1 requests, neutral in and out; those v2 sends alike are in _apikeys_wire.Wire. Client errors
    (EdgeGridError) pass through."""

    version = 'v1'
    has_alert_threshold = False
    has_reports = True
    base = BASE
    acl_path = '/acl'
    quota_path = '/quota'
    ids_member = 'keys'
    move_to_member = 'collectionId'
    codec = sys.modules[__name__]

    # collections
    def get_collection(self, collection_id, acl=True):
        """The collection with its ACL and quota (v1 holds both in the collection: one GET, whatever `acl` says)."""
        return self.collection_object(collection_id)

    def complete_collection(self, coll, acl=True):
        """A listed collection with its ACL and quota: v1 lists them within the collection, else one GET (the ACL
        comes with it, whatever `acl` says)."""
        if coll.get('quota') is not None and coll.get('acl') is not None:
            return coll
        return self.get_collection(coll['id'])

    # keys
    def list_keys(self, collection_id=None):
        params = {'collectionId': collection_id} if collection_id is not None else None
        items = self.client.paginate(BASE + '/keys', 'items', params=params, page_param='pageNumber',
                                     size_param='pageSize', page_size=PAGE_SIZE, first_page=1)
        return [key_from_wire(k) for k in items]

    def create_keys(self, collection_id, values, label=None, description=None, tags=None):
        """Keys with the caller's values, sharing label, description and tags: one POST per 10,000 characters."""
        batches = []
        current = []
        size = 0
        for value in values:
            if current and size + 1 + len(value) > VALUE_STRING_MAX:
                batches.append(current)
                current, size = [], 0
            current.append(value)
            size += len(value) + (1 if size else 0)
        if current:
            batches.append(current)
        for batch in batches:
            body = {'collectionId': collection_id, 'value': '\n'.join(batch)}
            self._send('POST', '/keys', _apikeys_wire.key_fields(body, 'description', label, description, tags))
        return len(batches)

    def add_keys(self, collection_id, specs):
        """Create keys with the caller's values ({value, label, description, tags}) in as few requests as v1 allows.

        The import operation takes any number of keys, each with its own label and tags, in one request; its
        documented file format has no description, so keys with a description go through POST /keys instead,
        one request per label, description and tags (and per 10,000 characters of values).
        """
        plain = [spec for spec in specs if not spec.get('description')]
        described = [spec for spec in specs if spec.get('description')]
        if plain:
            self._send('POST', '/keys/import', {'name': 'edgegrid-access.json', 'content': import_content(plain),
                                                'collectionId': collection_id})
        groups = {}
        for spec in described:
            groups.setdefault((spec.get('label'), spec['description'], tuple(spec.get('tags') or [])),
                              []).append(spec['value'])
        for (label, description, tags), values in groups.items():
            self.create_keys(collection_id, values, label=label, description=description, tags=list(tags))

    def generate_keys(self, collection_id, count, label=None, description=None, tags=None):
        body = {'collectionId': collection_id, 'count': count, 'incrementLabel': False}
        self._send('POST', '/keys/generate', _apikeys_wire.key_fields(body, 'description', label, description, tags))

    def quota_report(self, report, key_ids, start, end, interval):
        path = '/reports/%s/versions/1/report-data' % REPORTS[report]
        return self._send('POST', path, {'filters': {'api_key': [str(k) for k in key_ids]}},
                          params={'start': start, 'end': end, 'interval': interval})

    # throttling counters
    def counter_key_collections(self, counter_id):
        raise WireError('listing the key collections a counter can use is not available in API Keys v1 (v2 only)')
