"""The neutral API Keys state of one account, shared by the v1 and v2 wire formats.

Layout of ``account.data["apikeys"]`` (JSON only; ids are stored as str keys):
  collections: id -> {id, name, description, contractId, groupId, createdAt, changedAt, acl, dirtyAcl,
                      aclChangedAt, quota, members: {keyId: 1}}
  keys:        id -> {id, value, label, description, tags, collections: [ids], createdAt, statusAt,
                      revokedAt, quotaResetAt}
  values:      key value -> key id (uniqueness index)
  revoked:     key id -> revokedAt (so expiry is checked without scanning every key)
  terminated:  key id -> when it was deleted, 120 days after revocation
  counters:    id -> {id, name, description, enabled, contractId, groupId, throttling, onOverLimit,
                      alertThreshold, headers, errorResponse, rules: {acl, keys, collections}, ruleIds, ...}
  endpoints:   [{id, name, basePath, versionNumber, contractId, groupId, resources: [...]}]
Times are epoch seconds of the business clock.
"""

import re
import uuid

from ..context import current_account, current_client, new_id
from .common import (error_item, fname, forbidden, invalid, invalid_one, iso, not_found, now_ts,
                     within_delay)

RESTORE_WINDOW = 120 * 86400
KEY_LIMIT = 10000
MAX_TAGS = 10
MAX_VALUE_LEN = 64
MAX_COUNTERS = 100
ACL_RE = re.compile(r"^(ENDPOINT|RESOURCE|METHOD)-([0-9]+)$")
QUOTA_HEADERS = ("allowLimitHeaderShown", "allowRemainingHeaderShown", "allowResetHeaderShown",
                 "denyLimitHeaderShown", "denyNextHeaderShown", "denyRemainingHeaderShown")
COUNTER_HEADERS = ("sendLimitToClient", "sendLimitToOrigin", "sendRateToClient", "sendRateToOrigin")


def state():
    """This account's API Keys namespace, with keys past their restore window deleted."""
    data = current_account().data.setdefault("apikeys", {})
    for name in ("collections", "keys", "values", "revoked", "terminated", "counters"):
        data.setdefault(name, {})
    data.setdefault("endpoints", [])
    if data["revoked"]:
        _purge(data)
    return data


def _purge(data):
    limit = now_ts() - RESTORE_WINDOW
    for kid, revoked_at in list(data["revoked"].items()):
        if revoked_at <= limit:
            _delete_key(data, kid)
            data["terminated"][kid] = revoked_at + RESTORE_WINDOW


def _delete_key(data, kid):
    key = data["keys"].pop(kid, None)
    data["revoked"].pop(kid, None)
    if key is None:
        return
    data["values"].pop(key["value"], None)
    for cid in key["collections"]:
        coll = data["collections"].get(str(cid))
        if coll:
            coll["members"].pop(kid, None)
    for counter in data["counters"].values():
        if key["id"] in counter["rules"]["keys"]:
            counter["rules"]["keys"].remove(key["id"])


# ---------------------------------------------------------------- endpoints (seeded)

def seed_endpoints(data, contract_id, group_id, ids):
    """Three small API endpoints in one contract and group; ids() gives unique integers."""
    specs = [
        ("Bookstore API", "/bookstore", [("books", "/books", ["GET", "POST"]),
                                         ("book", "/books/{bookId}", ["GET", "PUT", "DELETE"])]),
        ("Weather API", "/weather", [("forecast", "/forecast", ["GET"])]),
        ("Payments API", "/payments", [("payments", "/payments", ["GET", "POST"]),
                                       ("refunds", "/refunds", ["POST"])]),
    ]
    for name, base, resources in specs:
        endpoint = {"id": ids(), "name": name, "basePath": base, "versionNumber": 1,
                    "contractId": contract_id, "groupId": group_id, "resources": []}
        for rname, path, methods in resources:
            resource = {"id": ids(), "logicId": ids(), "name": rname, "path": path, "private": True,
                        "methods": [{"id": ids(), "logicId": ids(), "method": m, "private": True} for m in methods]}
            endpoint["resources"].append(resource)
        data["endpoints"].append(endpoint)


def endpoints_for(data, contract_id, group_id):
    """The endpoints of one contract and group."""
    return [e for e in data["endpoints"] if e["contractId"] == contract_id and e["groupId"] == group_id]


def acl_universe(data, contract_id, group_id):
    """The ACL entries that exist in a contract and group."""
    entries = set()
    for endpoint in endpoints_for(data, contract_id, group_id):
        entries.add("ENDPOINT-%d" % endpoint["id"])
        for resource in endpoint["resources"]:
            entries.add("RESOURCE-%d" % resource["logicId"])
            for method in resource["methods"]:
                entries.add("METHOD-%d" % method["logicId"])
    return entries


def check_acl(data, entries, contract_id, group_id, field):
    """Raise a validation problem for malformed or unknown ACL entries; returns them de-duplicated."""
    known = acl_universe(data, contract_id, group_id)
    errors = []
    result = []
    for entry in entries:
        if not isinstance(entry, str) or not ACL_RE.match(entry):
            errors.append(error_item("invalid-value", field, "An ACL entry must look like ENDPOINT-n, RESOURCE-n "
                                     "or METHOD-n.", entry if isinstance(entry, (str, int)) else None))
        elif entry not in known:
            errors.append(error_item("invalid-value", field, "The ACL entry '%s' does not exist in contract '%s' "
                                     "and group %s." % (entry, contract_id, group_id), entry))
        elif entry not in result:
            result.append(entry)
    if errors:
        raise invalid(errors)
    return result


# ---------------------------------------------------------------- collections

def check_access(contract_id, group_id):
    """Forbid a contract or group the account does not have."""
    account = current_account()
    if contract_id not in account.contracts:
        raise forbidden("You don't have access to contract '%s'." % contract_id)
    for group in account.groups:
        if group["groupId"] == group_id and contract_id in group.get("contractIds", []):
            return
    raise forbidden("You don't have access to group %s under contract '%s'." % (group_id, contract_id))


def get_collection(data, cid, field=None):
    """A collection by id, or 404 (or 400 naming the field when it came from a body)."""
    coll = data["collections"].get(str(cid))
    if coll is None:
        if field:
            raise invalid_one("invalid-value", fname(field), "The collection %s does not exist." % cid, cid)
        raise not_found(cid)
    return coll


def _check_name(data, name, contract_id, group_id, exclude=None):
    for coll in data["collections"].values():
        if (coll["name"] == name and coll["contractId"] == contract_id and coll["groupId"] == group_id
                and coll["id"] != exclude):
            raise invalid_one("name-not-unique", fname("collection.name"),
                              "A collection named '%s' already exists in this contract and group. "
                              "Enter a unique name and try again." % name, name)


def create_collection(data, name, description, contract_id, group_id):
    """Create an empty collection."""
    check_access(contract_id, group_id)
    _check_name(data, name, contract_id, group_id)
    ts = now_ts()
    coll = {
        "id": new_id(), "name": name, "description": description or None, "contractId": contract_id,
        "groupId": group_id, "createdAt": ts, "changedAt": ts, "acl": [], "dirtyAcl": [], "aclChangedAt": None,
        "quota": {"enabled": False, "value": 100, "interval": "HOUR_1",
                  "headers": {name_: True for name_ in QUOTA_HEADERS}},
        "members": {},
    }
    data["collections"][str(coll["id"])] = coll
    return coll


def update_collection(data, coll, name, description):
    """Change the name and description (contract and group are fixed)."""
    _check_name(data, name, coll["contractId"], coll["groupId"], exclude=coll["id"])
    coll["name"] = name
    coll["description"] = description or None
    coll["changedAt"] = now_ts()


def delete_collection(data, coll):
    """Delete a collection and the keys that belong to no other collection."""
    cid = coll["id"]
    for kid in list(coll["members"]):
        key = data["keys"].get(kid)
        if key is None:
            continue
        key["collections"] = [c for c in key["collections"] if c != cid]
        if not key["collections"]:
            _delete_key(data, kid)
    del data["collections"][str(cid)]
    for counter in data["counters"].values():
        if cid in counter["rules"]["collections"]:
            counter["rules"]["collections"].remove(cid)


def set_acl(data, coll, entries):
    """Replace the ACL of a collection (entries already checked)."""
    before = set(coll["acl"])
    coll["dirtyAcl"] = sorted(before.symmetric_difference(entries))
    coll["acl"] = list(entries)
    coll["aclChangedAt"] = coll["changedAt"] = now_ts()


def set_quota(coll, quota):
    """Replace the quota settings of a collection (v1 shape, already checked)."""
    coll["quota"] = quota
    coll["changedAt"] = now_ts()


def collection_dirty(coll):
    """Whether collection changes are still propagating."""
    return within_delay(coll["changedAt"])


def dirty_acl(coll):
    """The ACL entries whose change is still propagating."""
    return list(coll["dirtyAcl"]) if within_delay(coll["aclChangedAt"]) else []


def multi_collection(data, coll):
    """True when the collection holds a key that is also in another collection."""
    return any(len(data["keys"][kid]["collections"]) > 1 for kid in coll["members"] if kid in data["keys"])


# ---------------------------------------------------------------- keys

def get_key(data, kid):
    """A key by id, or 404."""
    key = data["keys"].get(str(kid))
    if key is None:
        if str(kid) in data["terminated"]:
            raise not_found(kid, "The key with ID '%s' was deleted on %s, 120 days after it was revoked."
                            % (kid, iso(data["terminated"][str(kid)])))
        raise not_found(kid)
    return key


def keys_by_ids(data, ids):
    """Keys for a list of ids; 404 names the first unknown one."""
    return [get_key(data, kid) for kid in dict.fromkeys(ids)]


def contract_key_count(data, contract_id):
    """The number of keys in the collections of one contract."""
    ids = set()
    for coll in data["collections"].values():
        if coll["contractId"] == contract_id:
            ids.update(coll["members"])
    return len(ids)


def check_tags(tags, field="key.tags"):
    """At most 10 tags per key."""
    if tags is not None and len(set(tags)) > MAX_TAGS:
        raise invalid_one("limit-exceeded", fname(field), "A key can have at most %d tags; %d were given."
                          % (MAX_TAGS, len(set(tags))))


def create_keys(data, coll, specs):
    """Create keys in a collection, all or nothing.

    specs: list of {value, label, description, tags}; value None means a generated value.
    """
    errors = []
    seen = set()
    for spec in specs:
        value = spec["value"]
        if value is None:
            continue
        if not value.strip() or len(value) > MAX_VALUE_LEN:
            errors.append(error_item("invalid-value", fname("key.value"), "Each key value must be 1 to %d "
                                     "characters long." % MAX_VALUE_LEN, value[:100]))
        elif value in data["values"] or value in seen:
            errors.append(error_item("key-not-unique", fname("key.value"), "A key with value '%s' already exists. "
                                     "Enter a unique key value and try again." % value, value))
        seen.add(value)
    if errors:
        raise invalid(errors)
    for spec in specs:
        check_tags(spec.get("tags"))
    existing = contract_key_count(data, coll["contractId"])
    if existing + len(specs) > KEY_LIMIT:
        raise invalid_one("limit-exceeded", fname("key.value"), "A contract can hold at most %d keys. Contract '%s' "
                          "has %d keys; %d more were requested." % (KEY_LIMIT, coll["contractId"], existing,
                                                                    len(specs)))
    ts = now_ts()
    created = []
    for spec in specs:
        value = spec["value"]
        while value is None or value in data["values"]:
            value = str(uuid.uuid4())
        key = {"id": new_id(), "value": value, "label": spec.get("label") or None,
               "description": spec.get("description") or None,
               "tags": list(dict.fromkeys(spec.get("tags") or [])), "collections": [coll["id"]],
               "createdAt": ts, "statusAt": ts, "revokedAt": None, "quotaResetAt": None}
        data["keys"][str(key["id"])] = key
        data["values"][value] = key["id"]
        coll["members"][str(key["id"])] = 1
        created.append(key)
    return created


def label_series(label, count, increment):
    """Labels for count keys, with _1.._n (zero-padded to the width of n) when asked."""
    if not increment or not label:
        return [label] * count
    width = len(str(count))
    return ["%s_%0*d" % (label, width, i + 1) for i in range(count)]


def update_key(key, label, description, tags):
    """Replace the editable members of a key."""
    check_tags(tags)
    key["label"] = label or None
    key["description"] = description or None
    key["tags"] = list(dict.fromkeys(tags or []))


def key_revoked(key):
    """True for a revoked key."""
    return key["revokedAt"] is not None


def key_dirty(key):
    """True while a key's deployment or revocation propagates."""
    return within_delay(key["statusAt"])


def key_status(key):
    """The v2 network status."""
    if key_revoked(key):
        return "PENDING_REVOCATION" if key_dirty(key) else "REVOKED"
    return "PENDING_DEPLOYMENT" if key_dirty(key) else "DEPLOYED"


def quota_state(key):
    """(quotaUpdateState, quotaUsage, quotaUsageTimestamp) of a key."""
    if key["quotaResetAt"] is not None and within_delay(key["quotaResetAt"]):
        return "PROCESSING", 0, iso(key["quotaResetAt"])
    return "NONE", 0, iso(key["quotaResetAt"] if key["quotaResetAt"] is not None else key["createdAt"])


def termination_at(key):
    """When a revoked key will be deleted."""
    return key["revokedAt"] + RESTORE_WINDOW if key_revoked(key) else None


def revoke(data, keys):
    """Revoke keys (already revoked ones keep their revocation time)."""
    ts = now_ts()
    for key in keys:
        if not key_revoked(key):
            key["revokedAt"] = key["statusAt"] = ts
            data["revoked"][str(key["id"])] = ts


def restore(data, keys):
    """Restore revoked keys (the caller's keys still exist, so they are within the 120 days)."""
    ts = now_ts()
    for key in keys:
        if key_revoked(key):
            if ts - key["revokedAt"] >= RESTORE_WINDOW:
                raise invalid_one("invalid-value", fname("keys"), "The key %s was revoked more than 120 days ago "
                                  "and can no longer be restored." % key["id"], key["id"])
    for key in keys:
        if key_revoked(key):
            key["revokedAt"] = None
            key["statusAt"] = ts
            data["revoked"].pop(str(key["id"]), None)


def reset_quota(keys):
    """Queue a quota reset for keys."""
    ts = now_ts()
    for key in keys:
        key["quotaResetAt"] = ts


def move(data, keys, dest):
    """Move keys into dest, out of every collection they were in."""
    for key in keys:
        for cid in key["collections"]:
            coll = data["collections"].get(str(cid))
            if coll:
                coll["members"].pop(str(key["id"]), None)
        key["collections"] = [dest["id"]]
        dest["members"][str(key["id"])] = 1
    dest["changedAt"] = now_ts()


def _counter_collection_ids(data):
    ids = set()
    for counter in data["counters"].values():
        ids.update(counter["rules"]["collections"])
    return ids


def assign(data, keys, colls):
    """Add keys to collections."""
    locked = _counter_collection_ids(data)
    for key in keys:
        targets = [c for c in colls if c["id"] not in key["collections"]]
        if targets and locked.intersection(key["collections"]):
            raise invalid_one("invalid-value", fname("keys"), "The key %s is in a collection used by a throttling "
                              "key-collection condition and cannot be assigned to other collections." % key["id"],
                              key["id"])
        for coll in targets:
            if coll["id"] in locked:
                raise invalid_one("invalid-value", fname("collectionIds"), "The collection %s is used by a throttling "
                                  "key-collection condition and cannot hold keys of other collections." % coll["id"],
                                  coll["id"])
    for key in keys:
        for coll in colls:
            if coll["id"] not in key["collections"]:
                key["collections"].append(coll["id"])
                coll["members"][str(key["id"])] = 1


def unassign(data, keys, colls):
    """Remove keys from collections; every key keeps at least one collection."""
    ids = {c["id"] for c in colls}
    for key in keys:
        if not [c for c in key["collections"] if c not in ids]:
            raise invalid_one("invalid-value", fname("keys"), "The key %s would belong to no collection; a key must "
                              "stay in at least one collection." % key["id"], key["id"])
    for key in keys:
        key["collections"] = [c for c in key["collections"] if c not in ids]
        for coll in colls:
            coll["members"].pop(str(key["id"]), None)


def select_keys(data, collection_id=None, text=None, status=None, sort=None, descending=False):
    """Keys for listings: optional collection, filter text (label, description, tags) and status predicate."""
    if collection_id is not None:
        coll = get_collection(data, collection_id)
        keys = [data["keys"][kid] for kid in coll["members"] if kid in data["keys"]]
        keys.sort(key=lambda k: k["id"])
    else:
        keys = list(data["keys"].values())
    if text:
        needle = text.lower()
        keys = [k for k in keys if needle in (k["label"] or "").lower() or needle in (k["description"] or "").lower()
                or any(needle in t.lower() for t in k["tags"])]
    if status is not None:
        keys = [k for k in keys if status(k)]
    if sort:
        if sort in ("id", "createdAt"):
            keys.sort(key=lambda k: (k[sort], k["id"]), reverse=descending)
        else:
            present = [k for k in keys if k[sort] is not None]
            absent = [k for k in keys if k[sort] is None]
            present.sort(key=lambda k: (k[sort].lower(), k["id"]), reverse=descending)
            keys = present + absent if not descending else absent + present
    return keys


def all_tags(data):
    """Every tag in use, sorted."""
    tags = set()
    for key in data["keys"].values():
        tags.update(key["tags"])
    return sorted(tags)


def keys_of_group(data, contract_id, group_id):
    """Keys in the collections of one contract and group."""
    seen = {}
    for coll in data["collections"].values():
        if coll["contractId"] == contract_id and coll["groupId"] == group_id:
            for kid in coll["members"]:
                if kid in data["keys"]:
                    seen[kid] = data["keys"][kid]
    return sorted(seen.values(), key=lambda k: k["id"])


# ---------------------------------------------------------------- throttling counters

def get_counter(data, counter_id):
    """A counter by id, or 404."""
    counter = data["counters"].get(str(counter_id))
    if counter is None:
        raise not_found(counter_id)
    return counter


def check_rules(data, rules, contract_id, group_id):
    """Check rule references exist; rules = {acl: [...], keys: [...], collections: [...]}."""
    rules["acl"] = check_acl(data, rules["acl"], contract_id, group_id, fname("rules.acl"))
    errors = []
    for kid in rules["keys"]:
        if str(kid) not in data["keys"]:
            errors.append(error_item("invalid-value", fname("rules.keys"), "The key %s does not exist." % kid, kid))
    for cid in rules["collections"]:
        coll = data["collections"].get(str(cid))
        if coll is None:
            errors.append(error_item("invalid-value", fname("rules.collections"),
                                     "The collection %s does not exist." % cid, cid))
        elif multi_collection(data, coll):
            errors.append(error_item("invalid-value", fname("rules.collections"), "The collection %s holds keys "
                                     "assigned to several collections and cannot be used in a key-collection "
                                     "condition." % cid, cid))
    if errors:
        raise invalid(errors)
    rules["keys"] = list(dict.fromkeys(rules["keys"]))
    rules["collections"] = list(dict.fromkeys(rules["collections"]))
    return rules


def save_counter(data, fields, counter=None):
    """Create (counter None) or replace a counter from neutral fields."""
    if counter is None:
        check_access(fields["contractId"], fields["groupId"])
        if len(data["counters"]) >= MAX_COUNTERS:
            raise invalid_one("limit-exceeded", None, "An account can have at most %d throttling counters."
                              % MAX_COUNTERS)
    contract_id = counter["contractId"] if counter else fields["contractId"]
    group_id = counter["groupId"] if counter else fields["groupId"]
    fields["rules"] = check_rules(data, fields["rules"], contract_id, group_id)
    ts = now_ts()
    client = current_client()
    who = (client or {}).get("clientName") or (client or {}).get("clientId") or "emulator"
    if counter is None:
        counter = {"id": new_id(), "contractId": contract_id, "groupId": group_id, "createdAt": ts,
                   "createdBy": who, "ruleIds": {}}
        data["counters"][str(counter["id"])] = counter
    for name in ("name", "description", "enabled", "throttling", "onOverLimit", "alertThreshold", "headers",
                 "errorResponse", "rules"):
        counter[name] = fields[name]
    counter["description"] = counter["description"] or None
    for kind in ("acl", "keys", "collections"):
        if counter["rules"][kind] and kind not in counter["ruleIds"]:
            counter["ruleIds"][kind] = new_id()
    counter["updatedAt"] = counter["changedAt"] = ts
    counter["updatedBy"] = who
    return counter


def counter_dirty(counter):
    """Whether counter changes are still propagating."""
    return within_delay(counter["changedAt"])
