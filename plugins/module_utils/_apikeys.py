# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""API Keys and Traffic Management: the neutral model and the version dispatch.

This file is private to the collection (note the leading underscore): it may change without notice.

The modules speak only the neutral model below; `_apikeys_v1.py` and `_apikeys_v2.py` translate it to
and from each wire format (paths, member names, list wrappers, paging), on what they share in
`_apikeys_wire.py`. A correction of the v2 wire format from a live account therefore touches `_apikeys_v2.py`,
and `_apikeys_wire.py` only for a path or member name that v1 has too.

Neutral shapes (plain dicts):

collection: id, name, description, contract_id, group_id, key_count, dirty, acl (sorted list of
    ENDPOINT-n / RESOURCE-n / METHOD-n), quota ({enabled, limit, interval, allow_headers, deny_headers})
key: id, value (secret), label, description, tags (sorted), state (present | revoked), network_status
    (PENDING_DEPLOYMENT | DEPLOYED | PENDING_REVOCATION | REVOKED), collection_ids, created_at,
    revoked_at, termination_at, quota_update_state
counter: id, name, description, contract_id, group_id, enabled, limit, on_over_limit, alert_threshold,
    headers ({client, origin}), error_response ({status_code, body, headers: {name: value}}),
    rules ({acl, keys, key_collections}), status
endpoint: id, name, base_path, version, acl_entry, resources [{id, name, path, acl_entry, methods
    [{id, method, acl_entry}]}]
"""

from __future__ import annotations

import copy
import re

from ansible_collections.edgegrid.access.plugins.module_utils._errors import EdgeGridError, InputError

API_VERSIONS = ('v2', 'v1')
DEFAULT_API_VERSION = 'v2'

# Limits from the v1 documents (v2: the same, [INF] in the v2 reference).
KEY_VALUE_MAX = 64
TAG_MAX = 50
TAGS_PER_KEY = 10
LABEL_MAX = 200
DESCRIPTION_MAX = 4000
NAME_MAX = 200
KEYS_PER_CONTRACT = 10000
QUOTA_LIMIT_MIN = 100
QUOTA_LIMIT_MAX = 1000000000
COUNTER_LIMIT_MIN = 10
COUNTER_LIMIT_MAX = 1000000
ALERT_THRESHOLD_MIN = 70
ALERT_THRESHOLD_MAX = 98
RESTORE_DAYS = 120

QUOTA_INTERVALS = ['HOUR_1', 'HOUR_6', 'HOUR_12', 'DAY', 'WEEK', 'MONTH']
QUOTA_ALLOW_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset']
QUOTA_DENY_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Next']
THROTTLING_HEADERS = ['X-Throttling-Limit', 'X-Throttling-Rate']
ON_OVER_LIMIT = ['DENY', 'WARN']
ACL_RE = re.compile(r'^(ENDPOINT|RESOURCE|METHOD)-([0-9]+)$')

# The options every API Keys module takes: the API version it speaks (documented once in doc_fragments/apikeys.py),
# and the contract and group of a collection or counter (documented in each module: what they select differs).
IDENTITY_ARGUMENT_SPEC = dict(
    api_version=dict(type='str', default=DEFAULT_API_VERSION, choices=list(API_VERSIONS)),
    contract_id=dict(type='str'),
    group_id=dict(type='int'),
)


def argument_spec(**options):
    """A module's argument spec (dict): a fresh copy of IDENTITY_ARGUMENT_SPEC with the module's own `options`."""
    spec = copy.deepcopy(IDENTITY_ARGUMENT_SPEC)
    spec.update(copy.deepcopy(options))
    return spec


class WireError(EdgeGridError):
    """An answer that does not have the documented shape, or an operation the API version does not have.

    Raised by `_apikeys_v1.py` and `_apikeys_v2.py` (it is their `WireError`).
    """


class Unsupported(InputError):
    """The chosen API version has no such operation."""


def wire(client, api_version):
    """The wire translator for `api_version`, sending through `client`.

    Only the file of that version is imported: a module process does not compile the other one.
    """
    # pylint: disable=import-outside-toplevel
    if api_version == 'v1':
        from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v1
        return _apikeys_v1.Wire(client)
    if api_version == 'v2':
        from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v2
        return _apikeys_v2.Wire(client)
    raise InputError('api_version must be one of %s, got %r' % (', '.join(API_VERSIONS), api_version))


# ---------------------------------------------------------------- checks shared by the modules

def check_acl(entries, option='acl'):
    """Normalise an ACL list (sorted, without duplicates); fail on a malformed entry."""
    result = set()
    for entry in entries or []:
        text = str(entry).strip()
        if not ACL_RE.match(text):
            raise InputError('%s: %r is not an ACL entry; use ENDPOINT-<id>, RESOURCE-<id> or METHOD-<id>'
                             % (option, entry))
        result.add(text)
    return sort_acl(result)


def acl_universe(endpoints):
    """Every ACL entry that `endpoints` (as collection_endpoints returns them) offer: ENDPOINT-, RESOURCE-, METHOD-."""
    entries = set()
    for endpoint in endpoints or []:
        entries.add(endpoint.get('acl_entry'))
        for resource in endpoint.get('resources') or []:
            entries.add(resource.get('acl_entry'))
            for method in resource.get('methods') or []:
                entries.add(method.get('acl_entry') if isinstance(method, dict) else None)
    entries.discard(None)
    return entries


def sibling_collection(api, contract_id, group_id, collections=None):
    """A key collection of contract `contract_id` and group `group_id` (from `collections`, else one listing), whose
    endpoints (E1) are the endpoints of that contract and group; None when there is none."""
    for coll in api.list_collections() if collections is None else collections:
        if coll['contract_id'] == contract_id and coll['group_id'] == group_id:
            return coll
    return None


def endpoints_source(api, contract_id, group_id, collections=None):
    """Where the endpoints (the ACL entries) of contract `contract_id` and group `group_id` can be read, as a read of
    the wire: ('collection_endpoints', id) (E1 of the v2 reference: the endpoints of the contract and group where the
    collection was created) through a key collection of them (from `collections`, else one listing), else
    ('counter_endpoints', id) (N6: those of the counter's contract and group) through a throttling counter of them
    (the counter listing, read only then); None when the contract and group have neither: the entries cannot be
    checked before something is created there."""
    sibling = sibling_collection(api, contract_id, group_id, collections)
    if sibling is not None:
        return ('collection_endpoints', sibling['id'])
    for counter in api.list_counters():
        if counter['contract_id'] == contract_id and counter['group_id'] == group_id:
            return ('counter_endpoints', counter['id'])
    return None


def unchecked_acl_warning(option, contract_id, group_id):
    """The check-mode warning of ACL entries that endpoints_source found nowhere to check (a real run lets the
    create decide)."""
    return ('%s: contract %s and group %s have no key collection or throttling counter yet to read their endpoints '
            'through, so check mode cannot tell whether the entries exist; a real run checks them once it has created '
            'the object, and undoes the create when one does not' % (option, contract_id, group_id))


def check_acl_exists(api, acl, source, contract_id, group_id, option='acl'):
    """Fail (InputError naming the option) when an entry of `acl` is not an endpoint, resource or method of the
    contract and group, as the read `source` lists them: ('collection_endpoints', id), the endpoints of that key
    collection (E1 of the v2 reference; the same path in v1), or ('counter_endpoints', id), those of that throttling
    counter (N6: the endpoints of the counter's contract and group), as endpoints_source names them. Only ACL
    entries that exist can be set: checked before any write."""
    kind, item_id = source
    known = acl_universe(api.counter_endpoints(item_id) if kind == 'counter_endpoints'
                         else api.collection_endpoints(item_id))
    unknown = [entry for entry in acl if entry not in known]
    if unknown:
        raise InputError('%s: %s %s not an API endpoint, resource or method of contract %s and group %s (the entries '
                         'that are: %s); nothing was changed'
                         % (option, ', '.join(unknown), 'is' if len(unknown) == 1 else 'are', contract_id, group_id,
                            ', '.join(sort_acl(known)) or 'none'))


def sort_acl(entries):
    """ACL entries (an iterable of ENDPOINT-n / RESOURCE-n / METHOD-n; None: none) as a list without duplicates, in
    a stable order: endpoints, resources, methods, each by number; an entry of another form last."""
    order = {'ENDPOINT': 0, 'RESOURCE': 1, 'METHOD': 2}

    def rank(entry):
        kind, dummy, number = str(entry).partition('-')
        return (order.get(kind, 3), int(number) if number.isdigit() else 0)
    return sorted(set(entries or []), key=rank)


# A control character (C0, DEL): see check_trimmed.
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')


def check_tags(tags, where):
    """Tags as a sorted list; at most 10, each 1-50 characters. Raises InputError naming `where` and the tag.

    An empty item is named by its index as empty or null: ansible-core turns a null item of a list of strings into
    '' before the module sees it, so the two cannot be told apart."""
    if tags is None:
        return None
    for index, tag in enumerate(tags):
        if tag is None or not str(tag).strip():
            raise InputError('%s: tags[%d] is empty or null (%r): each tag is 1 to %d characters long'
                             % (where, index, tag, TAG_MAX))
        check_trimmed(str(tag), '%s: tags[%d]' % (where, index))
    clean = sorted(set(str(t) for t in tags))
    for tag in clean:
        if not tag.strip() or len(tag) > TAG_MAX:
            raise InputError('%s: tag %r must be 1 to %d characters long' % (where, tag, TAG_MAX))
    if len(clean) > TAGS_PER_KEY:
        raise InputError('%s: a key can have at most %d tags, %d given' % (where, TAGS_PER_KEY, len(clean)))
    return clean


def check_length(value, maximum, where, minimum=0):
    """Fail when a string is outside its documented length."""
    if value is not None and not minimum <= len(value) <= maximum:
        raise InputError('%s must be %d to %d characters long, got %d' % (where, minimum, maximum, len(value)))
    return value


def check_name(value, where='name'):
    """Fail when a name is outside 1 to NAME_MAX characters or only white space (the API refuses both), or begins or
    ends with white space or holds a control character (check_trimmed)."""
    check_length(value, NAME_MAX, where, minimum=1)
    if value is not None and not value.strip():
        raise InputError('%s cannot be blank (only white space), got %r' % (where, value))
    check_trimmed(value, where)
    return value


def check_range(value, minimum, maximum, where):
    """Fail when a number is outside its documented range."""
    if value is not None and not minimum <= value <= maximum:
        raise InputError('%s must be between %s and %s, got %s' % (where, minimum, maximum, value))
    return value


def check_contract_and_group(params, current, kind):
    """Fail when the task sets a contract_id or group_id other than those of `current`, an existing collection or
    counter (a neutral dict with id, contract_id and group_id; `kind`: 'collection' or 'counter', for the message):
    neither can be changed once it exists. Raises InputError naming the option, e.g. "contract_id cannot be
    changed: collection 5 is in contract id C-1"."""
    for option in ('contract_id', 'group_id'):
        if params[option] is not None and params[option] != current[option]:
            raise InputError('%s cannot be changed: %s %s is in %s %s'
                             % (option, kind, current['id'], option.replace('_', ' '), current[option]))


# ---------------------------------------------------------------- finding things by name or id

def _matching(items, noun, item_id, name, contract_id, group_id, missing_ok=False):
    """Of `items` (neutral collections or counters), the one with id `item_id` when it is given (InputError
    'no <noun> has id ...' when none has, unless `missing_ok`: then none), else those named `name` within
    `contract_id` and `group_id` (each when given). A list."""
    if item_id is not None:
        for item in items:
            if item['id'] == item_id:
                return [item]
        if missing_ok:
            return []
        raise InputError('no %s has id %s' % (noun, item_id))
    return [c for c in items if c['name'] == name
            and (contract_id is None or c['contract_id'] == contract_id)
            and (group_id is None or c['group_id'] == group_id)]


def find_collection(api, name=None, collection_id=None, contract_id=None, group_id=None, collections=None,
                    missing_ok=False):
    """The one collection named `name` (within contract_id / group_id when given) or with id `collection_id`.

    Returns None when no collection has that name (or, with `missing_ok`, that id: a task that deletes it by id);
    fails when an id is unknown or a name is ambiguous.
    """
    collections = api.list_collections() if collections is None else collections
    matches = _matching(collections, 'key collection', collection_id, name, contract_id, group_id, missing_ok)
    if len(matches) > 1:
        raise ambiguous('key collection', name, matches, contract_id, group_id)
    return matches[0] if matches else None


def ambiguous(kind, name, matches, contract_id, group_id):
    """The InputError of a name that several of `matches` (collections or counters, neutral dicts; `kind` the
    singular, e.g. 'key collection') hold: their ids,
    and what tells them apart - contract_id and group_id when those differ and the task did not give both; else
    the id (the same name in one contract and group: two runs created it at once, or it was made elsewhere)."""
    ids = ', '.join(str(item['id']) for item in matches)
    places = sorted(set('%s/%s' % (item.get('contract_id'), item.get('group_id')) for item in matches))
    if len(places) > 1 and (contract_id is None or group_id is None):
        return InputError('%d %ss are named %r (ids %s, in %s); give the %s id, or contract_id and group_id'
                          % (len(matches), kind, name, ids, '; '.join(places), kind.split()[-1]))
    return InputError('%d %ss are named %r in contract/group %s (ids %s); name the one this task manages by its id '
                      '(option id), and delete the others (state=absent with their id) if they are not wanted'
                      % (len(matches), kind, name, places[0] if len(places) == 1 else '; '.join(places), ids))


def find_counter(api, name=None, counter_id=None, contract_id=None, group_id=None, counters=None, missing_ok=False):
    """The one throttling counter named `name` or with id `counter_id` (None when no name matches, or, with
    `missing_ok`, no id: a task that deletes it by id)."""
    counters = api.list_counters() if counters is None else counters
    matches = _matching(counters, 'throttling counter', counter_id, name, contract_id, group_id, missing_ok)
    if len(matches) > 1:
        raise ambiguous('throttling counter', name, matches, contract_id, group_id)
    return matches[0] if matches else None


def resolve_collection_refs(refs, collections, contract_id, group_id, option, missing=None):
    """Collection ids for a list of names or ids (within a contract and group), failing on unknown ones.

    With a `missing` list, unknown names are appended to it instead of failing (check mode: an earlier task may
    create them); unknown ids fail either way. An empty entry (null, '' or white space) fails naming it
    (`option[i]`).
    """
    ids = []
    for index, ref in enumerate(refs or []):
        text = str(ref).strip() if ref is not None else ''
        if not text:
            raise InputError('%s[%d] is empty: name a key collection by its name or its id' % (option, index))
        if text.isdigit() and any(c['id'] == int(text) for c in collections):
            ids.append(int(text))
            continue
        matches = [c for c in collections if c['name'] == text and c['contract_id'] == contract_id
                   and c['group_id'] == group_id]
        if not matches:
            if missing is not None and not text.isdigit():
                if text not in missing:
                    missing.append(text)
                continue
            raise InputError('%s: no key collection %r in contract %s, group %s'
                             % (option, text, contract_id, group_id))
        ids.append(matches[0]['id'])
    return sorted(set(ids))


# ---------------------------------------------------------------- comparing

def differs(current, desired):
    """True when any member of `desired` (the parts the user set) differs from `current`."""
    for name, want in desired.items():
        have = current.get(name) if current else None
        if isinstance(want, dict) and isinstance(have, dict):
            if differs(have, want):
                return True
        elif want != have:
            return True
    return False


def merged(current, desired):
    """`current` with the members of `desired` laid over it (dicts merged member by member)."""
    result = dict(current or {})
    for name, want in desired.items():
        have = result.get(name)
        if isinstance(want, dict) and isinstance(have, dict):
            result[name] = merged(have, want)
        else:
            result[name] = want
    return result


# ---------------------------------------------------------------- key import files

# Column, member or element names of an import file, per neutral member: the v1 names (VALUE, LABEL, TAGS as
# documented), the v2 names (keyValue, keyDescription) and those of a v2 export, whose read-only columns are
# ignored.
_FILE_NAMES = {'value': 'value', 'keyvalue': 'value', 'label': 'label', 'tags': 'tags',
               'description': 'description', 'keydescription': 'description'}
_FILE_IGNORED = ('keyid', 'id', 'keystatus', 'createdat', 'revokedat', 'terminationat', 'collections',
                 'collectionid', 'collectionname', 'revoked', 'dirty', 'quotausage', 'quotausagetimestamp',
                 'quotaupdatestate')
IMPORT_FORMATS = ('csv', 'json', 'xml')


def _file_spec(raw, where):
    spec = {'value': None, 'label': None, 'description': None, 'tags': None}
    for name, value in raw.items():
        target = _FILE_NAMES.get(str(name).strip().lower())
        if target is None:
            if str(name).strip().lower() in _FILE_IGNORED:
                continue
            raise InputError('%s: unknown member %r (expected value, label, description, tags)' % (where, name))
        if target == 'tags':
            if isinstance(value, str):
                value = [t.strip() for t in value.split(';') if t.strip()]
            if value is not None and not isinstance(value, list):
                raise InputError('%s: tags must be a list or a ";"-separated string' % where)
        elif value is not None and not isinstance(value, str):
            raise InputError('%s: %s must be a string' % (where, name))
        spec[target] = value if value != '' else None
    if not spec['value']:
        raise InputError('%s: the key value is missing' % where)
    return spec


def parse_key_file(path, file_format=None):
    """Key specs {value, label, description, tags} from a CSV, JSON or XML import file (``key_file_entries``)."""
    return [spec for dummy, spec in key_file_entries(path, file_format)]


def key_file_entries(path, file_format=None):
    """The keys of a CSV, JSON or XML import file, each with where it is: [(where, {value, label, description, tags})],
    `where` such as ``import_file /srv/keys.csv, line 7`` (the line of the file, blank lines counted), ``..., item 3``
    (JSON) or ``..., key 3`` (XML). `file_format`: one of IMPORT_FORMATS, else the file's extension.
    Raises InputError naming the file (and the line, item or key) for a file that cannot be read or parsed, or that
    is no regular file (a FIFO would hang the read)."""
    import csv
    import io
    import json
    import os
    import stat
    from xml.etree import ElementTree

    fmt = file_format or os.path.splitext(path)[1].lstrip('.').lower()
    if fmt not in IMPORT_FORMATS:
        raise InputError('import_file %s: cannot tell its format from the extension; set import_format to one of %s'
                         % (path, ', '.join(IMPORT_FORMATS)))
    try:
        # Not a FIFO or a device (opening one would wait, or reading it never end): a regular file, links followed.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError('import_file %s is not a regular file (a directory, a FIFO or a device); give the file '
                             'of keys' % path)
        with open(path, encoding='utf-8-sig') as handle:
            content = handle.read()
    except OSError as exc:
        raise InputError('import_file %s cannot be read: %s' % (path, exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise InputError('import_file %s is not UTF-8 text (byte %d cannot be decoded); save it as UTF-8'
                         % (path, exc.start)) from None
    where = 'import_file %s' % path
    if fmt == 'json':
        try:
            items = json.loads(content)
        except ValueError as exc:
            raise InputError('%s is not valid JSON: %s' % (where, exc)) from None
        if isinstance(items, dict) and isinstance(items.get('keys'), list):
            items = items['keys']
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise InputError('%s must hold a JSON array of key objects' % where)
        places = ['%s, item %d' % (where, n + 1) for n in range(len(items))]
        specs = [_file_spec(item, place) for item, place in zip(items, places)]
    elif fmt == 'xml':
        try:
            root = ElementTree.fromstring(content)
        except ElementTree.ParseError as exc:
            raise InputError('%s is not valid XML: %s' % (where, exc)) from None
        if root.tag != 'keys':
            raise InputError('%s: the root element must be <keys>' % where)
        keys = [elem for elem in root if elem.tag == 'key']
        places = ['%s, key %d' % (where, n + 1) for n in range(len(keys))]
        specs = [_file_spec(dict((child.tag, (child.text or '').strip()) for child in elem), place)
                 for elem, place in zip(keys, places)]
    else:
        reader = csv.reader(io.StringIO(content))
        # Each row with the line of the file it starts on (blank lines are skipped, but counted).
        rows = []
        line = 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
        if not rows:
            raise InputError('%s is empty' % where)
        header = [cell.strip() for cell in rows[0][1]]
        if 'value' not in [_FILE_NAMES.get(h.lower()) for h in header]:
            raise InputError('%s: the first line must name the columns, with a VALUE column (VALUE,LABEL,TAGS)'
                             % where)
        specs, places = [], []
        for line, row in rows[1:]:
            if len(row) > len(header):
                raise InputError('%s: line %d has more fields than the header' % (where, line))
            places.append('%s, line %d' % (where, line))
            specs.append(_file_spec(dict((h, cell.strip()) for h, cell in zip(header, row)), places[-1]))
    return list(zip(places, specs))


# ---------------------------------------------------------------- the input checks of the modules that need no request
# Run by the modules (api_key_collection, api_key, throttling_counter) on their options as their argument spec made
# them, and by the role key_provisioning's filter (plugins/filter/key_provisioning.py) on its items, so that the role
# refuses before any write what the modules would refuse after the writes before them. They read no file but the key
# file of declared_keys and send no request; a message names the option, never a key value.

def without_none(value):
    """A copy of a dict without the keys whose value is None (options the user did not set)."""
    return dict((k, v) for k, v in value.items() if v is not None)


# The options of one key collection (api_key_collection): `name`/`id` and, with `collections`, each element.
QUOTA_OPTION = dict(type='dict', options=dict(
    enabled=dict(type='bool'),
    limit=dict(type='int'),
    interval=dict(type='str', choices=QUOTA_INTERVALS),
    allow_headers=dict(type='list', elements='str', choices=QUOTA_ALLOW_HEADERS),
    deny_headers=dict(type='list', elements='str', choices=QUOTA_DENY_HEADERS),
))
COLLECTION_OPTIONS = dict(
    name=dict(type='str'),
    id=dict(type='int'),
    description=dict(type='str'),
    quota=QUOTA_OPTION,
    acl=dict(type='list', elements='str'),
)

# The declared keys and the keys to generate (api_key's `keys` and `generate`).
KEYS_OPTION = dict(type='list', elements='dict', default=[], no_log=False, options=dict(
    value=dict(type='str', no_log=True),
    label=dict(type='str'),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
    state=dict(type='str', default='present', choices=['present', 'revoked']),
))
GENERATE_OPTION = dict(type='list', elements='dict', default=[], options=dict(
    label=dict(type='str', required=True),
    count=dict(type='int', required=True),
    description=dict(type='str'),
    tags=dict(type='list', elements='str'),
))


def desired_quota(option):
    """The quota parts the user set, checked."""
    if not option:
        return None
    quota = without_none(option)
    check_range(quota.get('limit'), QUOTA_LIMIT_MIN, QUOTA_LIMIT_MAX, 'quota.limit')
    for name in ('allow_headers', 'deny_headers'):
        if name in quota:
            quota[name] = sorted(set(quota[name]))
    return quota or None


def checked_collection(params):
    """The quota and the ACL of one key collection's options (`params`, as api_key_collection's argument spec made
    them), after every check of them that needs no request: (quota or None, ACL or None). Raises InputError naming
    the option."""
    if params['name'] is not None:
        check_name(params['name'])
    quota = desired_quota(params['quota'])
    return quota, check_acl(params['acl']) if params['acl'] is not None else None


def _entry_name(index, entry):
    if entry.get('label'):
        return 'keys[%d] (label %r)' % (index, entry['label'])
    return 'keys[%d]' % index


def check_trimmed(text, where, shown=True):
    """Fail when `text` (a name, label or tag or, with shown=False, a secret value) begins or ends with white space,
    or holds a control character (U+0000 to U+001F, U+007F: a tab, a line break, NUL).

    Akamai's API documents no trimming and no character set (apikey-manager-api-v2-REFERENCE.md: a value is a string
    of length 1 or more, a label 0 to 200 characters, a collection or counter name 1 to 200), and the local emulator
    keeps them as given: " abc " would be a key, label or collection apart from "abc", and a label-only entry " a"
    would not find the key labelled "a". A control character is a typing or copying mistake, and a key value that
    holds one cannot be sent in an HTTP header (RFC 9110, field values), where clients present their key. Raises
    InputError naming `where`, quoting `text` only when `shown`."""
    if not text:
        return
    shown_text = ' (%r)' % text if shown else ''
    if text != text.strip():
        raise InputError('%s begins or ends with white space%s: remove it (Akamai keeps it, so it would be '
                         'another key, label or name than the one without it)' % (where, shown_text))
    if _CONTROL.search(text):
        raise InputError('%s holds a control character (a tab, a line break, NUL...)%s: remove it' % (where, shown_text))


def check_value_text(value, name, api_version):
    """Fail when a key value begins or ends with white space or holds a control character (check_trimmed), or, in
    v1, holds a comma, semicolon or line break: v1's create operation takes one string and splits it at those
    (createNewKeyCommand.yaml, `value`), so such a value would become several keys. The value is a secret: the
    message names the entry, never the value."""
    if value is None:
        return
    if api_version == 'v1' and value == value.strip() and any(c in value for c in ',;\r\n'):
        raise InputError('%s: the value holds a comma, semicolon or line break: API Keys v1 splits a value '
                         'there into several keys' % name)
    check_trimmed(value, '%s: the value' % name, shown=False)


def declared_keys(params):
    """The declared keys, checked: [(name, {value, label, description, tags, state})]."""
    entries = []
    if params['import_file']:
        for where, spec in key_file_entries(params['import_file'], params['import_format']):
            spec['state'] = 'present'
            # Named by its place in the file (line, item or key) and its label; never by its value (a secret).
            entries.append(('%s (label %r)' % (where, spec['label'] or ''), spec))
    explicit = {}
    for index, raw in enumerate(params['keys']):
        entry = dict(raw)
        name = _entry_name(index, entry)
        if not entry.get('value') and not entry.get('label'):
            raise InputError('%s: give a value, or a label for a key whose value Akamai makes' % name)
        if entry.get('value') is not None:
            check_length(entry['value'], KEY_VALUE_MAX, '%s: the value' % name, minimum=1)
            if entry['value'] in explicit:
                raise InputError('%s: the same value is declared in %s' % (name, explicit[entry['value']]))
            explicit[entry['value']] = name
        entries.append((name, entry))
    if explicit:
        entries = [(n, e) for n, e in entries if not (n.startswith('import_file') and e['value'] in explicit)]
    seen = {}
    labels = set()
    for name, entry in entries:
        check_length(entry.get('value'), KEY_VALUE_MAX, '%s: the value' % name, minimum=1)
        check_value_text(entry.get('value'), name, params['api_version'])
        check_length(entry.get('label'), LABEL_MAX, '%s: label' % name)
        check_trimmed(entry.get('label'), '%s: the label' % name)
        check_length(entry.get('description'), DESCRIPTION_MAX, '%s: description' % name)
        entry['tags'] = check_tags(entry.get('tags'), name)
        if entry.get('value'):
            if entry['value'] in seen:
                raise InputError('%s: the same value is declared in %s' % (name, seen[entry['value']]))
            seen[entry['value']] = name
        else:
            if entry['label'] in labels:
                raise InputError('%s: another entry without a value has the same label' % name)
            labels.add(entry['label'])
    return entries


def declared_generate(params, key_labels):
    """The keys to generate (`params['generate']`), checked: [{label, count, description, tags}]. `key_labels`: the
    labels of the declared keys without a value (declared_keys), which a label to generate may not repeat."""
    result = []
    labels = set()
    for index, raw in enumerate(params['generate']):
        entry = dict(raw)
        name = 'generate[%d] (label %r)' % (index, entry['label'])
        check_range(entry['count'], 1, KEYS_PER_CONTRACT, '%s: count' % name)
        check_length(entry['label'], LABEL_MAX, '%s: label' % name, minimum=1)
        check_trimmed(entry['label'], '%s: the label' % name)
        check_length(entry.get('description'), DESCRIPTION_MAX, '%s: description' % name)
        entry['tags'] = check_tags(entry.get('tags'), name)
        if entry['label'] in labels or entry['label'] in key_labels:
            raise InputError('%s: the label is declared twice (in generate or in keys without a value)' % name)
        labels.add(entry['label'])
        result.append(entry)
    return result


def declared(params):
    """api_key's declared keys and keys to generate (`params`: its options), checked: (declared_keys,
    declared_generate)."""
    entries = declared_keys(params)
    generate = declared_generate(params, set(entry['label'] for dummy, entry in entries if not entry.get('value')))
    # More keys than a contract may hold, in this declaration alone (found by a tester: two `generate` entries of
    # 6,000 each made 6,000 keys, then the second failed). The keys of the contract's other collections need a read:
    # the API's answer checks those.
    total = len(entries) + sum(entry['count'] for entry in generate)
    if total > KEYS_PER_CONTRACT:
        raise InputError('the keys declared (%d in keys and the import file) and to generate (%d) make %d: a contract '
                         'holds at most %d keys' % (len(entries), total - len(entries), total, KEYS_PER_CONTRACT))
    return entries, generate


# The options of one throttling counter (throttling_counter): the top level with `name` (or `id`), and each element of
# `counters`.
COUNTER_OPTIONS = dict(
    description=dict(type='str'),
    enabled=dict(type='bool'),
    limit=dict(type='int'),
    on_over_limit=dict(type='str', choices=ON_OVER_LIMIT),
    alert_threshold=dict(type='int'),
    headers=dict(type='dict', options=dict(
        client=dict(type='list', elements='str', choices=THROTTLING_HEADERS),
        origin=dict(type='list', elements='str', choices=THROTTLING_HEADERS),
    )),
    error_response=dict(type='dict', options=dict(
        status_code=dict(type='int', required=True),
        body=dict(type='str'),
        headers=dict(type='dict'),
    )),
    rules=dict(type='dict', options=dict(
        acl=dict(type='list', elements='str'),
        keys=dict(type='list', elements='int', no_log=False),
        key_collections=dict(type='list', elements='str', no_log=False),
    )),
)
# What an element of `counters` takes beside them (None: not in an element): a name, never an id.
COUNTER_ELEMENT_KEYS = dict(name=dict(type='str', required=True), id=None)


def checked_parts(params, has_alert_threshold, where=''):
    """The parts of the counter the task sets (a dict in the neutral shape; a member not set is absent), after every
    check of the input that needs no request. Raises InputError naming the option, prefixed with `where` (e.g.
    'counters[2].'). rules.keys and rules.key_collections are checked against the API later (throttling_counter's
    resolve_rules). `has_alert_threshold`: whether the API version has alert thresholds (the wire's attribute)."""
    parts = {}
    if params['name'] is not None:
        parts['name'] = check_name(params['name'], where + 'name')
    if params['description'] is not None:
        parts['description'] = check_length(params['description'], DESCRIPTION_MAX, where + 'description') or None
    for option in ('enabled', 'on_over_limit'):
        if params[option] is not None:
            parts[option] = params[option]
    if params['limit'] is not None:
        parts['limit'] = check_range(params['limit'], COUNTER_LIMIT_MIN, COUNTER_LIMIT_MAX, where + 'limit')
    if params['alert_threshold'] is not None:
        if not has_alert_threshold:
            raise Unsupported('%salert_threshold is available in API Keys v2 only (api_version: v2)' % where)
        parts['alert_threshold'] = check_range(params['alert_threshold'], ALERT_THRESHOLD_MIN, ALERT_THRESHOLD_MAX,
                                               where + 'alert_threshold')
    if params['headers'] is not None:
        parts['headers'] = dict((k, sorted(set(v))) for k, v in without_none(params['headers']).items())
    if params['error_response'] is not None:
        error = params['error_response']
        check_range(error['status_code'], 200, 599, where + 'error_response.status_code')
        parts['error_response'] = {'status_code': error['status_code'], 'body': error.get('body') or None,
                                   'headers': dict((str(k), str(v)) for k, v in (error.get('headers') or {}).items())}
    if params['rules'] is not None:
        rules = without_none(params['rules'])
        if 'acl' in rules:
            rules['acl'] = check_acl(rules['acl'], where + 'rules.acl')
        if 'keys' in rules:
            rules['keys'] = sorted(set(rules['keys']))
        parts['rules'] = rules
    return parts
