# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys and Traffic Management: what the v1 and v2 wire formats share.

This file is private to the collection (note the leading underscore): it may change without notice.
It sits between `_apikeys.py` and the two version files: `_apikeys_v1.py` and `_apikeys_v2.py` import it, it
imports `_apikeys.py` (WireError, sort_acl) and neither version file, and `_apikeys.py` imports a version file
only inside `wire()`.

Here are the requests that both versions send alike, but for paths, member names, list wrappers and the
translation functions (`Wire`, which each version's `Wire` subclasses), and the translations that differ only in
member names. What really differs (paging, bulk creates, the collection's ACL and quota, reports) stays in the
version files, with the source of each member name.
"""

from __future__ import annotations

import json

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys

WireError = _apikeys.WireError


def chunks(items, size):
    """The list `items` in slices of at most `size` (an int > 0), in order."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---------------------------------------------------------------- translation (pure functions)

def identity_from_wire(body, members):
    """What a collection and a throttling counter share, in the neutral shape: id, name, description (None when
    empty), contract_id, group_id. `members` names the id, name and description members of the object in the version
    (a tuple of three str); contractId and groupId are the same in both versions."""
    id_member, name_member, description_member = members
    return {
        'id': body.get(id_member),
        'name': body.get(name_member),
        'description': body.get(description_member) or None,
        'contract_id': body.get('contractId'),
        'group_id': body.get('groupId'),
    }


def neutral_key(body, members, state, network_status, collection_ids, quota_update_state):
    """A key (dict) in the neutral shape of `_apikeys.py`, from a key object of either version.

    `members` names its id, value and description members in the version (a tuple of three str); label, tags,
    createdAt, revokedAt and terminationAt are read under those names. What each version reads its own way comes
    ready: `state` (present | revoked), `network_status`, `collection_ids` (a list) and `quota_update_state`.
    """
    id_member, value_member, description_member = members
    return {
        'id': body.get(id_member),
        'value': body.get(value_member),
        'label': body.get('label') or None,
        'description': body.get(description_member) or None,
        'tags': sorted(body.get('tags') or []),
        'state': state,
        'network_status': network_status,
        'collection_ids': collection_ids,
        'created_at': body.get('createdAt'),
        'revoked_at': body.get('revokedAt'),
        'termination_at': body.get('terminationAt'),
        'quota_update_state': quota_update_state,
    }


def key_fields(body, description_member, label=None, description=None, tags=None):
    """`body` (a dict, changed and returned) with the key fields that are set, in this order: `label` (str) and
    `tags` (a list of str) under those names in both versions, `description` (str) under `description_member`
    (v1 `description`, v2 `keyDescription`; None: not sent). An empty or None field is left out."""
    if label:
        body['label'] = label
    if description and description_member:
        body[description_member] = description
    if tags:
        body['tags'] = list(tags)
    return body


def import_content(specs, value_member, description_member):
    """Key specs ({value, label, description, tags}) as the JSON of an import file: a compact array of objects
    holding the value under `value_member` and the fields of `key_fields` that are set."""
    items = [key_fields({value_member: spec['value']}, description_member, spec.get('label'), spec.get('description'),
                        spec.get('tags')) for spec in specs]
    return json.dumps(items, separators=(',', ':'))


def endpoint_from_wire(body, members):
    """An API endpoint (dict) in the neutral shape: id, name, base_path, version, acl_entry (ENDPOINT-<id>),
    resources [{id, name, path, acl_entry (RESOURCE-<id>), methods [{id, method, acl_entry (METHOD-<id>)}]}].

    `members` gives the version's names (dict): endpoint_id, endpoint_name, resources, resource_id,
    resource_name, method_id, method. `basePath`, `versionNumber`, `resourcePath` and `methods` are the same in
    both versions.
    """
    resources = []
    for res in body.get(members['resources']) or []:
        methods = [{'id': m.get(members['method_id']), 'method': m.get(members['method']),
                    'acl_entry': 'METHOD-%s' % m.get(members['method_id'])} for m in res.get('methods') or []]
        resources.append({'id': res.get(members['resource_id']), 'name': res.get(members['resource_name']),
                          'path': res.get('resourcePath'), 'acl_entry': 'RESOURCE-%s' % res.get(members['resource_id']),
                          'methods': methods})
    return {'id': body.get(members['endpoint_id']), 'name': body.get(members['endpoint_name']),
            'base_path': body.get('basePath'), 'version': body.get('versionNumber'),
            'acl_entry': 'ENDPOINT-%s' % body.get(members['endpoint_id']), 'resources': resources}


def error_response_from_wire(error):
    """A counter's error response in the neutral shape ({status_code, body, headers: {name: value}}), from the v1
    shape (schemas/errorResponseDto-schema.yaml: statusCode, overrideDefaults, body, headers as name / value
    items); None when `error` is not an object. v2 checks the shape first (`_apikeys_v2.error_response_from_wire`).
    """
    if not isinstance(error, dict):
        return None
    return {
        'status_code': error.get('statusCode'),
        'body': error.get('body') or None,
        'headers': dict((h.get('name'), h.get('value')) for h in error.get('headers') or [] if isinstance(h, dict)),
    }


def error_response_to_wire(error):
    """The neutral error response as errorResponseDto (overrideDefaults true, headers sorted by name); None for
    None."""
    if error is None:
        return None
    return {'statusCode': error['status_code'], 'overrideDefaults': True, 'body': error.get('body'),
            'headers': [{'name': k, 'value': v} for k, v in sorted((error.get('headers') or {}).items())]}


# ---------------------------------------------------------------- the requests both versions send alike

class Wire:
    """API Keys requests, neutral dicts in and out: the operations whose path and shape both versions share.

    A version's `Wire` subclasses it and sets:

    - `version` ('v1' | 'v2'), `has_alert_threshold` and `has_reports` (bools): what the modules ask of it;
    - `base` (str): the API's path prefix; `acl_path` and `quota_path` (str): the collection's ACL and quota,
      below /collections/{id}; `ids_member` (str): the key id array of revoke, restore, quota reset and move;
      `move_to_member` (str): the destination collection of a move;
    - `codec`: the version file itself (a module). Its functions translate: collection_from_wire,
      collection_create_to_wire, collection_update_to_wire, acl_to_wire, quota_to_wire, key_from_wire,
      key_update_to_wire, counter_from_wire, counter_to_wire(counter, create); its unwrap(body, kind, what) gives
      the items (a list) of a list answer, `kind` being collections, counters, keys, endpoints or tags and `what`
      the list's name in the WireError raised for another shape; its ENDPOINT_MEMBERS are the member names that
      `endpoint_from_wire` reads.

    Client errors (EdgeGridError: ApiError, TransportError) pass through.
    """

    version = None
    has_alert_threshold = False
    has_reports = False
    base = None
    acl_path = None
    quota_path = None
    ids_member = None
    move_to_member = None
    codec = None
    # Key ids per revoke / restore / quota reset / move request: the v1 documents set no maximum, and none is
    # documented for v2 ([UNKNOWN] in apikey-manager-api-v2-REFERENCE.md).
    ids_per_request = 1000

    def __init__(self, client):
        self.client = client

    def _send(self, method, path, body=None, params=None):
        return self.client.request(method, self.base + path, json_body=body, params=params).body

    def _list(self, path, kind, what, cacheable=False):
        """The items of GET `path` (below `base`), not yet translated. Raises WireError for another shape."""
        return self.codec.unwrap(self.client.get(self.base + path, cacheable=cacheable), kind, what)

    def _endpoints(self, path, what):
        """The API endpoints that GET `path` lists, in the neutral shape (endpoint_from_wire)."""
        return [endpoint_from_wire(e, self.codec.ENDPOINT_MEMBERS) for e in self._list(path, 'endpoints', what)]

    def _saved(self, from_wire, method, path, body):
        """The object that a POST or PUT of `body` answers, translated by `from_wire`."""
        return from_wire(self._send(method, path, body))

    # collections
    def list_collections(self):
        body = self._list('/collections', 'collections', 'collections', cacheable=True)
        return [self.codec.collection_from_wire(c) for c in body]

    def collection_object(self, collection_id):
        """The collection as GET /collections/{id} answers it (one GET): v1 with its ACL and quota, v2 without them
        (`acl` and `quota` None). None when it does not exist."""
        body = self.client.get(self.base + '/collections/%d' % collection_id, missing_ok=True)
        return self.codec.collection_from_wire(body) if body is not None else None

    def create_collection(self, coll):
        codec = self.codec
        return self._saved(codec.collection_from_wire, 'POST', '/collections', codec.collection_create_to_wire(coll))

    def update_collection(self, coll):
        codec = self.codec
        return self._saved(codec.collection_from_wire, 'PUT', '/collections/%d' % coll['id'],
                           codec.collection_update_to_wire(coll))

    def delete_collection(self, collection_id):
        self._send('DELETE', '/collections/%d' % collection_id)

    def set_acl(self, collection_id, acl):
        self._send('PUT', '/collections/%d%s' % (collection_id, self.acl_path), self.codec.acl_to_wire(acl))

    def set_quota(self, collection_id, quota):
        self._send('PUT', '/collections/%d%s' % (collection_id, self.quota_path), self.codec.quota_to_wire(quota))

    def collection_endpoints(self, collection_id):
        return self._endpoints('/collections/%d/endpoints' % collection_id, 'endpoints')

    # keys
    def update_key(self, key):
        codec = self.codec
        return self._saved(codec.key_from_wire, 'PUT', '/keys/%d' % key['id'], codec.key_update_to_wire(key))

    def _ids(self, path, ids, **members):
        for batch in chunks(list(ids), self.ids_per_request):
            self._send('POST', path, dict({self.ids_member: batch}, **members))

    def revoke_keys(self, ids):
        self._ids('/keys/revoke', ids)

    def restore_keys(self, ids):
        self._ids('/keys/restore', ids)

    def reset_quota(self, ids, collection_id=None):
        self._ids('/keys/quota-reset', ids)

    def move_keys(self, ids, collection_id):
        self._ids('/keys/move', ids, **{self.move_to_member: collection_id})

    def list_tags(self):
        return sorted(self._list('/tags', 'tags', 'tags'))

    # throttling counters
    def list_counters(self):
        body = self._list('/counters', 'counters', 'counters', cacheable=True)
        return [self.codec.counter_from_wire(c) for c in body]

    def create_counter(self, counter):
        codec = self.codec
        return self._saved(codec.counter_from_wire, 'POST', '/counters', codec.counter_to_wire(counter, create=True))

    def update_counter(self, counter):
        codec = self.codec
        return self._saved(codec.counter_from_wire, 'PUT', '/counters/%d' % counter['id'],
                           codec.counter_to_wire(counter, create=False))

    def delete_counter(self, counter_id):
        self._send('DELETE', '/counters/%d' % counter_id)

    def counter_endpoints(self, counter_id):
        return self._endpoints('/counters/%d/endpoints' % counter_id, 'counter endpoints')

    def counter_keys(self, counter_id):
        body = self._list('/counters/%d/keys' % counter_id, 'keys', 'counter keys')
        return [self.codec.key_from_wire(k) for k in body]
