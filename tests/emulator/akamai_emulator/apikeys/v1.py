"""The v1 wire format (apikey-manager-api-v1 OpenAPI): bare arrays, keyPage, prefixed ACL strings."""

import re

from flask import Blueprint, jsonify, request

from ..context import current_account
from . import files, model
from .common import Checker, enum_arg, int_arg, invalid_one, iso, json_body

bp = Blueprint("apikeys_v1", __name__, url_prefix="/v1")

PREFIX = "/apikey-manager-api/v1"
INTERVALS = ["HOUR_1", "HOUR_6", "HOUR_12", "DAY", "WEEK", "MONTH"]
KEY_TYPES = {
    "All": None,
    "Active": lambda k: not model.key_revoked(k),
    "Revoked": model.key_revoked,
    "Pending": model.key_dirty,
}
VALUE_SPLIT = re.compile(r"[,;\n]")


def _status(version):
    return {"versionNumber": version, "status": "ACTIVE"}


def endpoint_v1(endpoint):
    """An endpoint in the API Endpoints format."""
    return {
        "apiEndPointId": endpoint["id"], "apiEndPointName": endpoint["name"], "basePath": endpoint["basePath"],
        "versionNumber": endpoint["versionNumber"], "protectedByApiKey": True,
        "stagingVersion": _status(endpoint["versionNumber"]), "productionVersion": _status(endpoint["versionNumber"]),
        "apiResourceBaseInfo": [{
            "apiResourceId": r["id"], "apiResourceLogicId": r["logicId"], "apiResourceName": r["name"],
            "resourcePath": r["path"], "private": r["private"],
            "stagingVersion": _status(endpoint["versionNumber"]),
            "productionVersion": _status(endpoint["versionNumber"]),
            "methods": [{"apiResourceMethodId": m["id"], "apiResourceMethodLogicId": m["logicId"],
                         "apiResourceMethod": m["method"], "private": m["private"],
                         "stagingVersion": _status(endpoint["versionNumber"]),
                         "productionVersion": _status(endpoint["versionNumber"])} for m in r["methods"]],
        } for r in endpoint["resources"]],
    }


def collection_v1(coll):
    """keyCollectionDto."""
    return {
        "id": coll["id"], "name": coll["name"], "description": coll["description"],
        "keyCount": len(coll["members"]), "contractId": coll["contractId"], "groupId": coll["groupId"],
        "dirty": model.collection_dirty(coll), "grantedACL": list(coll["acl"]), "dirtyACL": model.dirty_acl(coll),
        "quota": {"enabled": coll["quota"]["enabled"], "value": coll["quota"]["value"],
                  "interval": coll["quota"]["interval"], "headers": dict(coll["quota"]["headers"])},
    }


def key_v1(data, key):
    """keyDto (a key in several collections, made by v2, shows its first one)."""
    coll = data["collections"].get(str(key["collections"][0])) if key["collections"] else None
    state, usage, stamp = model.quota_state(key)
    return {
        "id": key["id"], "value": key["value"], "label": key["label"],
        "collectionName": coll["name"] if coll else None, "collectionId": coll["id"] if coll else None,
        "description": key["description"], "revoked": model.key_revoked(key), "dirty": model.key_dirty(key),
        "createdAt": iso(key["createdAt"]), "revokedAt": iso(key["revokedAt"]),
        "terminationAt": iso(model.termination_at(key)), "quotaUsage": usage, "quotaUsageTimestamp": stamp,
        "quotaUpdateState": state, "tags": list(key["tags"]),
    }


def counter_v1(counter):
    """The counter object (schemas/counter.yaml, additionalProperties false: no dirty flag, no dates, no
    createdBy / updatedBy; the propagation state is `status`, the creator `ownerInfo.identity`)."""
    rules = []
    wire = (("acl", "ACL_ENTRY"), ("keys", "KEY"), ("collections", "KEY_COLLECTION"))
    for kind, name in wire:
        if counter["rules"][kind]:
            rules.append({"id": counter["ruleIds"][kind], "type": name, "values": list(counter["rules"][kind])})
    dirty = model.counter_dirty(counter)
    return {
        "id": counter["id"], "enabled": counter["enabled"], "name": counter["name"],
        "description": counter["description"], "groupId": counter["groupId"], "throttling": counter["throttling"],
        "onOverLimit": counter["onOverLimit"], "contractId": counter["contractId"],
        "status": "DIRTY" if dirty else "ACTIVE",
        "ownerInfo": {"accountId": current_account().id, "identity": counter["createdBy"]},
        "errorResponse": counter["errorResponse"], "headers": counter["headers"], "rules": rules,
    }


def _created(body, location):
    resp = jsonify(body)
    resp.status_code = 201
    resp.headers["Location"] = location
    return resp


def _no_content():
    return "", 204


# ---------------------------------------------------------------- collections

def _collection_fields(body):
    check = Checker(body)
    name = check.get("name", "str", required=True, min_len=1)
    description = check.get("description", "str")
    contract_id = check.get("contractId", "str", required=True, min_len=1)
    group_id = check.get("groupId", "int", required=True, minimum=0)
    check.done()
    return name, description, contract_id, group_id


@bp.route("/collections", methods=["GET"])
def list_collections():
    """List key collections (bare array)."""
    data = model.state()
    return jsonify([collection_v1(c) for c in data["collections"].values()])


@bp.route("/collections", methods=["POST"])
def create_collection():
    """Create a key collection."""
    data = model.state()
    name, description, contract_id, group_id = _collection_fields(json_body())
    coll = model.create_collection(data, name, description, contract_id, group_id)
    return _created(collection_v1(coll), "%s/collections/%d" % (PREFIX, coll["id"]))


@bp.route("/collections/<int:cid>", methods=["GET"])
def get_collection(cid):
    """Get a key collection."""
    data = model.state()
    return jsonify(collection_v1(model.get_collection(data, cid)))


@bp.route("/collections/<int:cid>", methods=["PUT"])
def update_collection(cid):
    """Edit a key collection: name and description; contract and group cannot change."""
    data = model.state()
    coll = model.get_collection(data, cid)
    name, description, contract_id, group_id = _collection_fields(json_body())
    if contract_id != coll["contractId"]:
        raise invalid_one("invalid-value", "contractId", "The contract of a collection cannot be changed.", contract_id)
    if group_id != coll["groupId"]:
        raise invalid_one("invalid-value", "groupId", "The group of a collection cannot be changed.", group_id)
    model.update_collection(data, coll, name, description)
    return jsonify(collection_v1(coll))


@bp.route("/collections/<int:cid>", methods=["DELETE"])
def delete_collection(cid):
    """Delete a key collection and its keys."""
    data = model.state()
    model.delete_collection(data, model.get_collection(data, cid))
    return _no_content()


@bp.route("/collections/<int:cid>/acl", methods=["PUT"])
def put_acl(cid):
    """Replace the ACL with an array of ENDPOINT-n, RESOURCE-n, METHOD-n strings."""
    data = model.state()
    coll = model.get_collection(data, cid)
    entries = model.check_acl(data, json_body("list"), coll["contractId"], coll["groupId"], "acl")
    model.set_acl(data, coll, entries)
    return jsonify(collection_v1(coll))


@bp.route("/collections/<int:cid>/endpoints", methods=["GET"])
def collection_endpoints(cid):
    """Endpoints of the collection's contract and group."""
    data = model.state()
    coll = model.get_collection(data, cid)
    return jsonify([endpoint_v1(e) for e in model.endpoints_for(data, coll["contractId"], coll["groupId"])])


@bp.route("/collections/<int:cid>/quota", methods=["PUT"])
def put_quota(cid):
    """Replace the quota settings."""
    data = model.state()
    coll = model.get_collection(data, cid)
    body = json_body()
    check = Checker(body)
    enabled = check.get("enabled", "bool", required=True)
    value = check.get("value", "int", required=True, minimum=100, maximum=1000000000)
    interval = check.get("interval", "str", required=True, enum=INTERVALS)
    headers = check.get("headers", "dict", required=True)
    if headers is not None:
        inner = Checker(headers, prefix="headers.")
        headers = {name: inner.get(name, "bool", required=True) for name in model.QUOTA_HEADERS}
        check.errors.extend(inner.errors)
    check.done()
    model.set_quota(coll, {"enabled": enabled, "value": value, "interval": interval, "headers": headers})
    return jsonify(collection_v1(coll))


# ---------------------------------------------------------------- keys

def _key_common(check):
    tags = check.get("tags", "list", item="str", item_max_len=50, default=[])
    description = check.get("description", "str", max_len=4000)
    label = check.get("label", "str", max_len=200)
    increment = check.get("incrementLabel", "bool", default=False)
    cid = check.get("collectionId", "int", required=True, minimum=0)
    return tags, description, label, increment, cid


@bp.route("/keys", methods=["POST"])
def create_keys():
    """Create keys from one value string (values separated by comma, semicolon or newline)."""
    data = model.state()
    check = Checker(json_body())
    value = check.get("value", "str", required=True, min_len=1, max_len=10000)
    tags, description, label, increment, cid = _key_common(check)
    check.done()
    values = [v.strip() for v in VALUE_SPLIT.split(value) if v.strip()]
    if not values:
        raise invalid_one("not-empty", "value", "This field must contain a non-blank value.")
    model.check_tags(tags)
    coll = model.get_collection(data, cid)
    labels = model.label_series(label, len(values), increment)
    keys = model.create_keys(data, coll, [{"value": v, "label": lab, "description": description, "tags": tags}
                                          for v, lab in zip(values, labels)])
    if len(keys) == 1:
        return _created(key_v1(data, keys[0]), "%s/keys/%d" % (PREFIX, keys[0]["id"]))
    resp = jsonify([key_v1(data, k) for k in keys])
    resp.status_code = 207
    return resp


@bp.route("/keys/generate", methods=["POST"])
def generate_keys():
    """Generate count keys with server-made values (204, no body)."""
    data = model.state()
    check = Checker(json_body())
    count = check.get("count", "int", required=True, minimum=1)
    tags, description, label, increment, cid = _key_common(check)
    check.done()
    model.check_tags(tags)
    coll = model.get_collection(data, cid)
    labels = model.label_series(label, count, increment)
    model.create_keys(data, coll, [{"value": None, "label": lab, "description": description, "tags": tags}
                                   for lab in labels])
    return _no_content()


@bp.route("/keys/import", methods=["POST"])
def import_keys():
    """Import keys from a CSV, XML or JSON file embedded in {name, content, collectionId}."""
    data = model.state()
    check = Checker(json_body())
    name = check.get("name", "str", required=True, min_len=1)
    content = check.get("content", "str", required=True, min_len=1)
    cid = check.get("collectionId", "int", required=True, minimum=0)
    check.done()
    coll = model.get_collection(data, cid, field="key.collectionId")
    stripped = content.lstrip()
    if name.lower().endswith(".json") or stripped.startswith("["):
        fmt = "json"
    elif name.lower().endswith(".xml") or stripped.startswith("<"):
        fmt = "xml"
    else:
        fmt = "csv"
    model.create_keys(data, coll, files.parse(content, fmt, "content"))
    return _no_content()


def _id_list(name="keys", min_items=1):
    check = Checker(json_body())
    ids = check.get(name, "list", required=True, item="int", min_items=min_items)
    check.done()
    return ids


@bp.route("/keys/move", methods=["POST"])
def move_keys():
    """Move keys to an existing collection (collectionId) or a new one (newCollection*)."""
    data = model.state()
    check = Checker(json_body())
    ids = check.get("keys", "list", required=True, item="int", min_items=1)
    dest_id = check.get("collectionId", "int", minimum=0)
    new_name = check.get("newCollectionName", "str", min_len=1)
    new_contract = check.get("newCollectionContractId", "str", min_len=1)
    new_group = check.get("newCollectionGroupId", "int", minimum=0)
    new_description = check.get("newCollectionDescription", "str")
    if dest_id is None and new_name is None and not check.errors:
        check.fail("not-empty", "collectionId", "Give collectionId, or newCollectionName, newCollectionContractId "
                   "and newCollectionGroupId.")
    if dest_id is None and new_name is not None:
        if new_contract is None:
            check.fail("not-empty", "newCollectionContractId", "This field must contain a non-blank value.")
        if new_group is None:
            check.fail("not-empty", "newCollectionGroupId", "This field must contain a non-blank value.")
    check.done()
    keys = model.keys_by_ids(data, ids)
    if dest_id is not None:
        dest = model.get_collection(data, dest_id)
    else:
        dest = model.create_collection(data, new_name, new_description, new_contract, new_group)
    model.move(data, keys, dest)
    return _no_content()


@bp.route("/keys/revoke", methods=["POST"])
def revoke_keys():
    """Revoke keys."""
    data = model.state()
    model.revoke(data, model.keys_by_ids(data, _id_list()))
    return _no_content()


@bp.route("/keys/restore", methods=["POST"])
def restore_keys():
    """Restore revoked keys (within 120 days of revocation)."""
    data = model.state()
    model.restore(data, model.keys_by_ids(data, _id_list()))
    return _no_content()


@bp.route("/keys/quota-reset", methods=["POST"])
def reset_quota():
    """Reset the quota of keys."""
    data = model.state()
    model.reset_quota(model.keys_by_ids(data, _id_list(min_items=0)))
    return _no_content()


@bp.route("/keys", methods=["GET"])
def list_keys():
    """A keyPage."""
    data = model.state()
    cid = int_arg("collectionId", None, minimum=0)
    text = request.args.get("filter") or None
    page = int_arg("pageNumber", 1, minimum=1)
    size = int_arg("pageSize", 25, minimum=1, maximum=model.KEY_LIMIT)
    key_type = enum_arg("keyType", list(KEY_TYPES), "All")
    column = enum_arg("sortColumn", ["id", "label", "description"])
    direction = enum_arg("sortDirection", ["asc", "desc"], "asc")
    keys = model.select_keys(data, cid, text, KEY_TYPES[key_type], column, direction == "desc")
    start = (page - 1) * size
    body = {"pageNumber": page, "pageSize": size, "totalItems": len(keys),
            "items": [key_v1(data, k) for k in keys[start:start + size]]}
    if text:
        body["filter"] = text
    if column:
        body["sortColumn"] = column
        body["sortDirection"] = direction
    return jsonify(body)


@bp.route("/keys/<int:kid>", methods=["GET"])
def get_key(kid):
    """Get a key."""
    data = model.state()
    return jsonify(key_v1(data, model.get_key(data, kid)))


@bp.route("/keys/<int:kid>", methods=["PUT"])
def update_key(kid):
    """Edit a key: label, description and tags (the value cannot change)."""
    data = model.state()
    key = model.get_key(data, kid)
    check = Checker(json_body())
    value = check.get("value", "str", required=True, min_len=1)
    tags = check.get("tags", "list", item="str", item_max_len=50, default=[])
    description = check.get("description", "str", max_len=4000)
    label = check.get("label", "str", max_len=200)
    check.done()
    if value != key["value"]:
        raise invalid_one("invalid-value", "value", "The value of a key cannot be changed.", value)
    model.update_key(key, label, description, tags)
    return jsonify(key_v1(data, key))


@bp.route("/tags", methods=["GET"])
def list_tags():
    """All tags in use."""
    return jsonify(model.all_tags(model.state()))


# ---------------------------------------------------------------- throttling counters

def _counter_fields(body):
    check = Checker(body)
    fields = {
        "name": check.get("name", "str", required=True, min_len=1, max_len=200),
        "description": check.get("description", "str", max_len=4000),
        "enabled": check.get("enabled", "bool", required=True),
        "contractId": check.get("contractId", "str", required=True, min_len=1),
        "groupId": check.get("groupId", "int", required=True, minimum=0),
        "throttling": check.get("throttling", "int", required=True, minimum=10, maximum=1000000),
        "onOverLimit": check.get("onOverLimit", "str", required=True, enum=["DENY", "WARN"]),
        "alertThreshold": None,
    }
    headers = check.get("headers", "dict")
    if headers is not None:
        inner = Checker(headers, prefix="headers.")
        headers = {n: inner.get(n, "bool", default=False) for n in model.COUNTER_HEADERS}
        check.errors.extend(inner.errors)
    fields["headers"] = headers
    fields["errorResponse"] = error_response(check, check.get("errorResponse", "dict"))
    rules = {"acl": [], "keys": [], "collections": []}
    for index, rule in enumerate(check.get("rules", "list", default=[])):
        if rule is None:
            continue
        if not isinstance(rule, dict):
            check.fail("invalid-value", "rules[%d]" % index, "Each rule must be an object.")
            continue
        inner = Checker(rule, prefix="rules[%d]." % index)
        kind = inner.get("type", "str", required=True, enum=["KEY", "KEY_COLLECTION", "ACL_ENTRY"])
        item = "str" if kind == "ACL_ENTRY" else "int"
        values = inner.get("values", "list", required=True, min_items=1, max_items=10000, item=item)
        check.errors.extend(inner.errors)
        if kind and values:
            rules[{"KEY": "keys", "KEY_COLLECTION": "collections", "ACL_ENTRY": "acl"}[kind]].extend(values)
    fields["rules"] = rules
    check.done()
    return fields


def error_response(check, value):
    """Check the errorResponse object (shared with v2, whose shape is inferred from v1)."""
    if value is None:
        return None
    inner = Checker(value, prefix="errorResponse.")
    result = {
        "statusCode": inner.get("statusCode", "int", required=True, minimum=200, maximum=599),
        "overrideDefaults": inner.get("overrideDefaults", "bool", required=True),
        "body": inner.get("body", "str") or None,
        "headers": None,
    }
    headers = inner.get("headers", "list")
    if headers is not None:
        result["headers"] = []
        for index, header in enumerate(headers):
            if not isinstance(header, dict):
                inner.fail("invalid-value", "headers[%d]" % index, "Each header must be an object.")
                continue
            hcheck = Checker(header, prefix="errorResponse.headers[%d]." % index)
            result["headers"].append({"name": hcheck.get("name", "str", required=True, min_len=1),
                                      "value": hcheck.get("value", "str", required=True, min_len=1)})
            inner.errors.extend(hcheck.errors)
    check.errors.extend(inner.errors)
    return result


@bp.route("/counters", methods=["GET"])
def list_counters():
    """List throttling counters (bare array)."""
    return jsonify([counter_v1(c) for c in model.state()["counters"].values()])


@bp.route("/counters", methods=["POST"])
def create_counter():
    """Create a throttling counter."""
    data = model.state()
    counter = model.save_counter(data, _counter_fields(json_body()))
    return _created(counter_v1(counter), "%s/counters/%d" % (PREFIX, counter["id"]))


@bp.route("/counters/<int:counter_id>", methods=["GET"])
def get_counter(counter_id):
    """Get a throttling counter."""
    return jsonify(counter_v1(model.get_counter(model.state(), counter_id)))


@bp.route("/counters/<int:counter_id>", methods=["PUT"])
def update_counter(counter_id):
    """Replace a throttling counter (contract and group cannot change)."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    fields = _counter_fields(json_body())
    if fields["contractId"] != counter["contractId"]:
        raise invalid_one("invalid-value", "contractId", "The contract of a counter cannot be changed.",
                          fields["contractId"])
    if fields["groupId"] != counter["groupId"]:
        raise invalid_one("invalid-value", "groupId", "The group of a counter cannot be changed.", fields["groupId"])
    fields["alertThreshold"] = counter.get("alertThreshold")
    return jsonify(counter_v1(model.save_counter(data, fields, counter)))


@bp.route("/counters/<int:counter_id>", methods=["DELETE"])
def delete_counter(counter_id):
    """Delete a throttling counter."""
    data = model.state()
    model.get_counter(data, counter_id)
    del data["counters"][str(counter_id)]
    return _no_content()


@bp.route("/counters/<int:counter_id>/endpoints", methods=["GET"])
def counter_endpoints(counter_id):
    """Endpoints of the counter's contract and group."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    return jsonify([endpoint_v1(e) for e in model.endpoints_for(data, counter["contractId"], counter["groupId"])])


@bp.route("/counters/<int:counter_id>/keys", methods=["GET"])
def counter_keys(counter_id):
    """Keys of the counter's contract and group (bare array)."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    return jsonify([key_v1(data, k) for k in model.keys_of_group(data, counter["contractId"], counter["groupId"])])
