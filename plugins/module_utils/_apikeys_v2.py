# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys and Traffic Management v2: the wire format (the live API, apikey-manager-api/v2).

This file is private to the collection (note the leading underscore): it may change without notice.
It translates the neutral model of `_apikeys.py` to and from v2 JSON, on what v1 and v2 share
(`_apikeys_wire.py`: the requests both send alike, the members both name alike). No OpenAPI file of v2 is public:
the names follow `apikey-manager-api-v2-REFERENCE.md`, whose evidence tag is quoted where a name is
not printed by Akamai ([INF], [DOC-unnamed], [UNKNOWN]). Correct this file when a live account shows otherwise
(`_apikeys_wire.py` only for a path or member name that v1 has too).
"""

from __future__ import annotations

import sys

from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys, _apikeys_wire

BASE = '/apikey-manager-api/v2'

# What carries a secret in v2 answers and request bodies, by path (see _iam.SECRET_MEMBERS for the shape), after
# apikey-manager-api-v2-REFERENCE.md: `keyValue` of every key object (§1.5, [DOC]), the `keyValues` of a create
# (§4.14), and in the key paths also `value` (the column of an import or export file in the v1 spelling the
# reference calls stale, §4.12). Export (X1, K6) answers CSV, XML or JSON: _masking masks the column or element.
SECRET_MEMBERS = (
    (r'^/apikey-manager-api/v2/(keys|collections/[^/]+/(keys|import-keys))(/|$)', ('keyValue', 'keyValues', 'value')),
    (r'^/apikey-manager-api/v2/', ('keyValue', 'keyValues')),
)

# GET /keys: `page` from 1 and `pageSize` (names [CLIENT]); default and maximum page size [UNKNOWN], and so is
# the page metadata (v1 answered `totalItems` [DOC v1]). list_keys() does not trust the page size: it pages on
# until the keys add up to `totalItems` or, without it, until an empty page, and fails when the pages do not add
# up. So PAGE_SIZE only trades requests for answer size: 1,000 keys (about 0.4 MB of JSON) a page reads the most
# a contract may hold (10,000) in ten requests, and asks no more than a server that caps pages is likely to allow.
PAGE_SIZE = 1000
# More pages than the 10,000 keys a contract may hold could fill at the smallest page size of one: an API that
# ignores `page` and never answers an empty page would otherwise be read forever.
MAX_PAGES = 10001
# POST /keys `keyValues` and POST /keys/generate `count` (1-10,000 [DOC-unnamed]).
VALUES_PER_REQUEST = 10000

# List wrappers, by the kind of list (§1.4 of the reference, names [CLIENT]).
WRAPPERS = {'collections': 'collections', 'counters': 'throttlingCounters', 'keys': 'keys', 'endpoints': 'endpoints',
            'tags': 'tags'}

# Quota headersConfig: two arrays [DOC]; member names and items [UNKNOWN] (header names assumed).
QUOTA_ALLOW_MEMBER = 'allowHeaders'
QUOTA_DENY_MEMBER = 'denyHeaders'
# Throttling headersConfig: two arrays [DOC]; member names and items [UNKNOWN].
COUNTER_CLIENT_MEMBER = 'clientHeaders'
COUNTER_ORIGIN_MEMBER = 'originHeaders'
# ACL: three integer arrays [DOC]; prefixes are the neutral (v1) spelling.
ACL_MEMBERS = (('endpointIds', 'ENDPOINT'), ('resourceIds', 'RESOURCE'), ('methodIds', 'METHOD'))
# keyStatus values [DOC]: the revoked ones.
REVOKED_STATUSES = ('REVOKED', 'PENDING_REVOCATION')
# Import: the file is the raw body, its format in Content-Type [DOC]; JSON items [CLIENT].
IMPORT_CONTENT_TYPE = 'application/json'
# Endpoint members, read by _apikeys_wire.endpoint_from_wire: beyond endpointId and endpointName [UNKNOWN].
ENDPOINT_MEMBERS = {'endpoint_id': 'endpointId', 'endpoint_name': 'endpointName', 'resources': 'resources',
                    'resource_id': 'resourceId', 'resource_name': 'resourceName', 'method_id': 'methodId',
                    'method': 'method'}


# An answer that does not have the expected shape, or an operation v2 does not have.
WireError = _apikeys.WireError


def _unwrap(body, member, what):
    if not isinstance(body, dict) or not isinstance(body.get(member), list):
        raise WireError('v2 %s: expected an object with a %r array' % (what, member))
    return body[member]


def unwrap(body, kind, what):
    """The items of a list answer: v2 answers an object with the list under the member of its `kind` (WRAPPERS).
    Raises WireError naming `what` for another shape."""
    return _unwrap(body, WRAPPERS[kind], what)


# ---------------------------------------------------------------- translation (pure functions)

def acl_from_wire(body):
    entries = []
    for member, prefix in ACL_MEMBERS:
        entries.extend('%s-%s' % (prefix, number) for number in (body or {}).get(member) or [])
    return _apikeys.sort_acl(entries)


def acl_to_wire(acl):
    body = dict((member, []) for member, dummy in ACL_MEMBERS)
    for entry in acl:
        prefix, dummy, number = entry.partition('-')
        for member, kind in ACL_MEMBERS:
            if kind == prefix:
                body[member].append(int(number))
    return body


def headers_config_from_wire(body, what, members):
    """The header lists of a `headersConfig` whose member names and items are [UNKNOWN]: {member: [header, ...]}.

    members maps each member name to the header names it may hold (the collection's choices). None (absent or
    null) means no headers. A member this file does not know, or an item that is not one of those header names
    (Akamai might send tokens instead), raises WireError: read as "no headers", it would make the next PUT, which
    sends the whole configuration, silently drop what the live API holds.
    """
    config = body.get('headersConfig') if isinstance(body, dict) else None
    if config is None:
        return dict((member, []) for member in members)
    if not isinstance(config, dict):
        raise WireError('v2 %s: headersConfig is not an object' % what)
    unknown = sorted(set(config) - set(members))
    if unknown:
        raise WireError('v2 %s: headersConfig has %s, which this collection does not know (it reads %s; Akamai does '
                        'not document these names): no change was made; correct _apikeys_v2.py'
                        % (what, ', '.join(repr(name) for name in unknown), ' and '.join(members)))
    out = {}
    for member, allowed in members.items():
        value = config.get(member)
        if value is None:
            value = []
        if not isinstance(value, list) or not all(item in allowed for item in value):
            raise WireError('v2 %s: headersConfig.%s is not a list of the header names this collection knows (%s): '
                            'no change was made; correct _apikeys_v2.py' % (what, member, ', '.join(allowed)))
        out[member] = list(value)
    return out


def _header_members(kind):
    if kind == 'quota':
        return {QUOTA_ALLOW_MEMBER: _apikeys.QUOTA_ALLOW_HEADERS, QUOTA_DENY_MEMBER: _apikeys.QUOTA_DENY_HEADERS}
    return {COUNTER_CLIENT_MEMBER: _apikeys.THROTTLING_HEADERS, COUNTER_ORIGIN_MEMBER: _apikeys.THROTTLING_HEADERS}


def quota_from_wire(body):
    config = headers_config_from_wire(body, 'quota-config', _header_members('quota'))
    return {
        'enabled': bool(body.get('isEnabled')),
        'limit': body.get('requestLimit'),
        'interval': body.get('resetInterval'),
        'allow_headers': config[QUOTA_ALLOW_MEMBER],
        'deny_headers': config[QUOTA_DENY_MEMBER],
    }


def quota_to_wire(quota):
    return {
        'isEnabled': quota['enabled'],
        'requestLimit': quota['limit'],
        'resetInterval': quota['interval'],
        'headersConfig': {QUOTA_ALLOW_MEMBER: list(quota['allow_headers']),
                          QUOTA_DENY_MEMBER: list(quota['deny_headers'])},
    }


def collection_from_wire(body, acl=None, quota=None):
    return dict(
        _apikeys_wire.identity_from_wire(body, ('collectionId', 'collectionName', 'collectionDescription')),
        key_count=body.get('keyCount'),   # [UNKNOWN] in v2
        dirty=bool(body.get('dirty')),    # [UNKNOWN] in v2
        acl=acl,
        quota=quota,
    )


def collection_create_to_wire(coll):
    body = {'collectionName': coll['name'], 'contractId': coll['contract_id'], 'groupId': coll['group_id']}
    if coll.get('description'):
        body['collectionDescription'] = coll['description']
    return body


def collection_update_to_wire(coll):
    # Editable members: name and description [INF]; contract and group are fixed [DOC].
    return {'collectionName': coll['name'], 'collectionDescription': coll.get('description') or ''}


def key_from_wire(body):
    status = body.get('keyStatus')
    collections = body.get('collections') or []
    first = collections[0] if collections and isinstance(collections[0], dict) else {}
    # terminationAt (read by neutral_key) and quotaUpdateState: names [UNKNOWN] in v2.
    return _apikeys_wire.neutral_key(
        body, ('keyId', 'keyValue', 'keyDescription'), state='revoked' if status in REVOKED_STATUSES else 'present',
        network_status=status, collection_ids=[c.get('collectionId') for c in collections if isinstance(c, dict)],
        quota_update_state=first.get('quotaUpdateState'))


def key_update_to_wire(key):
    # Editable members: label, keyDescription, tags [INF]; keyValue sent unchanged (tolerated [TEST]).
    return {'keyValue': key['value'], 'label': key.get('label') or '', 'keyDescription': key.get('description') or '',
            'tags': list(key.get('tags') or [])}


# errorResponse: the v2 shape is [UNKNOWN]; the v1 shape [INF] (schemas/errorResponseDto-schema.yaml).
ERROR_RESPONSE_MEMBERS = ('statusCode', 'overrideDefaults', 'body', 'headers')


def error_response_from_wire(error):
    """The counter's error response, or None when it has none.

    A shape other than v1's (an unknown member, no integer `statusCode`, headers not `{name, value}` items) raises
    WireError: read as "no error response", the next PUT, which sends the whole counter, would drop it.
    """
    if error is None:
        return None
    if not isinstance(error, dict):
        raise WireError('v2 counter: errorResponse is not an object')
    unknown = sorted(set(error) - set(ERROR_RESPONSE_MEMBERS))
    status = error.get('statusCode')
    headers = error.get('headers') or []
    if unknown or not isinstance(status, int) or isinstance(status, bool) or not isinstance(headers, list) or \
            not all(isinstance(h, dict) and set(h) <= set(('name', 'value')) for h in headers):
        raise WireError('v2 counter: errorResponse has members %s, not the shape this collection reads (%s, headers '
                        'as name / value items; Akamai does not document the v2 shape): no change was made; correct '
                        '_apikeys_v2.py' % (', '.join(repr(name) for name in sorted(error)) or 'none',
                                            ', '.join(ERROR_RESPONSE_MEMBERS)))
    return _apikeys_wire.error_response_from_wire(error)


def counter_from_wire(body):
    config = headers_config_from_wire(body, 'throttling counter', _header_members('counter'))
    rules = body.get('throttlingRules') or {}
    return dict(
        _apikeys_wire.identity_from_wire(body, ('throttlingCounterId', 'throttlingCounterName',
                                                'throttlingCounterDescription')),
        enabled=body.get('throttlingCounterEnabled'),
        limit=body.get('throttlingLimit'),
        on_over_limit=body.get('throttlingLimitExceededAction'),
        alert_threshold=body.get('throttlingAlertThreshold'),
        headers={'client': config[COUNTER_CLIENT_MEMBER], 'origin': config[COUNTER_ORIGIN_MEMBER]},
        error_response=error_response_from_wire(body.get('errorResponse')),
        rules={'acl': acl_from_wire(rules.get('aclEntries')),
               'keys': sorted(set(rules.get('keyIds') or [])),
               'key_collections': sorted(set(rules.get('keyCollectionIds') or []))},
        status=body.get('status'),  # [UNKNOWN] in v2
    )


def counter_to_wire(counter, create):
    body = {
        'throttlingCounterName': counter['name'],
        'throttlingCounterDescription': counter.get('description') or '',
        'throttlingCounterEnabled': counter['enabled'],
        'throttlingLimit': counter['limit'],
        'throttlingLimitExceededAction': counter['on_over_limit'],
        'headersConfig': {COUNTER_CLIENT_MEMBER: list(counter['headers']['client']),
                          COUNTER_ORIGIN_MEMBER: list(counter['headers']['origin'])},
        'throttlingRules': {'aclEntries': acl_to_wire(counter['rules']['acl']),
                            'keyIds': list(counter['rules']['keys']),
                            'keyCollectionIds': list(counter['rules']['key_collections'])},
    }
    if counter.get('alert_threshold') is not None:
        body['throttlingAlertThreshold'] = counter['alert_threshold']
    if counter.get('error_response'):
        body['errorResponse'] = _apikeys_wire.error_response_to_wire(counter['error_response'])
    if create:
        # The PUT body most likely omits contract and group [INF].
        body['contractId'] = counter['contract_id']
        body['groupId'] = counter['group_id']
    return body


def import_content(specs):
    """Key specs as a JSON import body: an array of {keyValue, label, keyDescription, tags} [CLIENT]."""
    return _apikeys_wire.import_content(specs, 'keyValue', 'keyDescription')


def read_key_pages(client, params, page_size=PAGE_SIZE):
    """All items of GET /keys, page by page, as the answers say, not as the page size would suggest.

    The answer's `totalItems` ([UNKNOWN] in v2; v1's name), when given, says how many keys to expect: paging stops
    once they are read. The first page then tells how many pages there are (its length is the size the server
    serves, which may be less than `page_size` without its saying so: the maximum is [UNKNOWN]), and the pages
    after it are read side by side (`client.get_many`, at most `_client.PARALLEL_READS` at once); were they still
    short of `totalItems` without an empty page, the next ones are read one by one. Without `totalItems`, paging
    stops at the first empty page (a short page proves nothing when the server may cap `pageSize` without saying
    so). `page`, when the answer gives it, must be the page asked for.
    Raises WireError when the pages do not add up: the collection must not act (e.g. `exclusive`) on a partial view;
    an ApiError or TransportError of any page (the first, when several fail).
    """
    pages = _KeyPages('GET %s/keys' % BASE)

    def ask(page):
        return BASE + '/keys', dict(params, page=page, pageSize=page_size)

    more = pages.take(1, client.get(*ask(1)))
    page = 1
    if more and pages.total is not None and pages.short():
        last = -(-pages.total // len(pages.items))
        if last > MAX_PAGES:
            raise WireError('%s: more than %d pages; stopped' % (pages.what, MAX_PAGES))
        numbers = list(range(2, last + 1))
        for number, body in zip(numbers, client.get_many([ask(number) for number in numbers])):
            more = pages.take(number, body) and more
        page = last
    while more and pages.short():
        page += 1
        if page > MAX_PAGES:
            raise WireError('%s: more than %d pages; stopped' % (pages.what, MAX_PAGES))
        more = pages.take(page, client.get(*ask(page)))
    if pages.total is not None and len(pages.items) != pages.total:
        raise WireError('%s: the pages held %d keys, but the API counts %d (totalItems); no key was changed, run '
                        'again' % (pages.what, len(pages.items), pages.total))
    return pages.items


class _KeyPages:
    """The keys of read_key_pages so far, each page checked as it is taken, in the order of the pages."""

    def __init__(self, what):
        self.what = what
        self.items = []
        self.seen = set()
        self.total = None

    def short(self):
        """Whether keys are still missing (always, without a `totalItems`)."""
        return self.total is None or len(self.items) < self.total

    def take(self, page, body):
        """Add the keys of page number `page` (its parsed answer); whether it held any. Raises WireError."""
        what = self.what
        batch = _unwrap(body, WRAPPERS['keys'], 'keys')
        if body.get('page') is not None and body.get('page') != page:
            raise WireError('%s: asked for page %d, got page %r: the API does not page as expected; no key was '
                            'changed' % (what, page, body.get('page')))
        reported = body.get('totalItems')
        if isinstance(reported, int) and not isinstance(reported, bool):
            if self.total is not None and reported != self.total:
                raise WireError('%s: the key count changed from %s to %s while reading its pages (keys were added or '
                                'removed meanwhile); no key was changed, run again' % (what, self.total, reported))
            self.total = reported
        for item in batch:
            ident = item.get('keyId') if isinstance(item, dict) else None
            if ident in self.seen:
                raise WireError('%s: key %r came on two pages (the list changed while it was read, or the API '
                                'ignores `page`); no key was changed, run again' % (what, ident))
            self.seen.add(ident)
        self.items.extend(batch)
        return bool(batch)


class Wire(_apikeys_wire.Wire):
    """v2 requests, neutral in and out; those v1 sends alike are in _apikeys_wire.Wire. Client errors
    (EdgeGridError) pass through."""

    version = 'v2'
    has_alert_threshold = True
    has_reports = False
    base = BASE
    acl_path = '/acl-entries'
    quota_path = '/quota-config'
    ids_member = 'keyIds'
    move_to_member = 'destinationCollectionId'
    codec = sys.modules[__name__]

    # collections
    def get_collection(self, collection_id, acl=True):
        """The collection with its quota, and its ACL when `acl` (else `acl` is None): v2 keeps both in
        sub-resources (three GETs, two without the ACL); None when the collection does not exist."""
        coll = self.collection_object(collection_id)
        if coll is None:
            return None
        entries = acl_from_wire(self.client.get(BASE + '/collections/%d/acl-entries' % collection_id)) if acl else None
        quota = quota_from_wire(self.client.get(BASE + '/collections/%d/quota-config' % collection_id))
        return dict(coll, acl=entries, quota=quota)

    def complete_collection(self, coll, acl=True):
        """A listed collection with its quota, and its ACL when `acl` (else `acl` is None): the list already holds
        the collection object (two GETs, one without the ACL). None when the collection is gone since it was listed
        (the first of them answers 404)."""
        entries = None
        if acl:
            entries = self.client.get(BASE + '/collections/%d/acl-entries' % coll['id'], missing_ok=True)
            if entries is None:
                return None
        quota = self.client.get(BASE + '/collections/%d/quota-config' % coll['id'], missing_ok=True)
        if quota is None:
            return None
        return dict(coll, acl=acl_from_wire(entries) if acl else None, quota=quota_from_wire(quota))

    # keys
    def list_keys(self, collection_id=None):
        """Every key (of one collection), read page by page until the pages add up; raises WireError when they
        do not (a key read twice, fewer keys than `totalItems`, a total that changes, another page than asked)."""
        params = {'collectionId': collection_id} if collection_id is not None else {}
        return [key_from_wire(k) for k in read_key_pages(self.client, params)]

    def create_keys(self, collection_id, values, label=None, description=None, tags=None):
        """Keys with the caller's values, sharing label, description and tags: `keyValues`, 10,000 a request."""
        count = 0
        for batch in _apikeys_wire.chunks(list(values), VALUES_PER_REQUEST):
            body = {'collectionId': collection_id, 'keyValues': batch, 'incrementLabel': False}
            self._send('POST', '/keys', _apikeys_wire.key_fields(body, 'keyDescription', label, description, tags))
            count += 1
        return count

    def add_keys(self, collection_id, specs):
        """Create keys with the caller's values ({value, label, description, tags}) in as few requests as v2 allows.

        Keys that share label, description and tags go in one POST /keys (`keyValues`, 10,000 a request);
        keys that differ go together through the import operation (a JSON file, 10,000 keys a request).
        """
        groups = {}
        for spec in specs:
            groups.setdefault((spec.get('label'), spec.get('description'), tuple(spec.get('tags') or [])),
                              []).append(spec['value'])
        if len(groups) == 1:
            (label, description, tags), values = groups.popitem()
            self.create_keys(collection_id, values, label=label, description=description, tags=list(tags))
            return
        for batch in _apikeys_wire.chunks(list(specs), VALUES_PER_REQUEST):
            self.client.request('POST', BASE + '/collections/%d/import-keys' % collection_id,
                                data=import_content(batch).encode('utf-8'),
                                headers={'Content-Type': IMPORT_CONTENT_TYPE})

    def generate_keys(self, collection_id, count, label=None, description=None, tags=None):
        left = count
        while left > 0:
            batch = min(left, VALUES_PER_REQUEST)
            body = {'collectionId': collection_id, 'count': batch, 'incrementLabel': False}
            self._send('POST', '/keys/generate',
                       _apikeys_wire.key_fields(body, 'keyDescription', label, description, tags))
            left -= batch

    def quota_report(self, report, key_ids, start, end, interval):
        raise WireError('quota reports are not available in API Keys v2: the v2 API has no report operation; '
                        'use api_version v1 where v1 is still served')

    # throttling counters
    def counter_key_collections(self, counter_id):
        body = self._list('/counters/%d/key-collections' % counter_id, 'collections', 'counter key collections')
        return [collection_from_wire(c) for c in body]
