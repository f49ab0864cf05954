"""The v2 wire format (apikey-manager-api-v2-REFERENCE.md): wrapped lists, prefixed member names,
keys in several collections, ACL and quota sub-resources, raw-body import and export."""

from flask import Blueprint, Response, jsonify, request

from ..context import config
from ..problems import Problem
from . import files, model
from .common import ERROR_BASE, Checker, enum_arg, int_arg, invalid_one, iso, json_body
from .v1 import error_response

bp = Blueprint("apikeys_v2", __name__, url_prefix="/v2")

PREFIX = "/apikey-manager-api/v2"
INTERVALS = ["HOUR_1", "HOUR_6", "HOUR_12", "DAY", "WEEK", "MONTH"]
KEY_STATUSES = ["DEPLOYED", "REVOKED", "PENDING_REVOCATION", "PENDING_DEPLOYMENT"]
# Quota headersConfig: the member names and item format are not documented (see README).
QUOTA_ALLOW = {"X-RateLimit-Limit": "allowLimitHeaderShown", "X-RateLimit-Remaining": "allowRemainingHeaderShown",
               "X-RateLimit-Reset": "allowResetHeaderShown"}
QUOTA_DENY = {"X-RateLimit-Limit": "denyLimitHeaderShown", "X-RateLimit-Remaining": "denyRemainingHeaderShown",
              "X-RateLimit-Next": "denyNextHeaderShown"}
THROTTLE_CLIENT = {"X-Throttling-Limit": "sendLimitToClient", "X-Throttling-Rate": "sendRateToClient"}
THROTTLE_ORIGIN = {"X-Throttling-Limit": "sendLimitToOrigin", "X-Throttling-Rate": "sendRateToOrigin"}
ACL_KINDS = (("endpointIds", "ENDPOINT"), ("resourceIds", "RESOURCE"), ("methodIds", "METHOD"))


# ---------------------------------------------------------------- renderers

def collection_v2(coll):
    """A key collection."""
    return {"collectionId": coll["id"], "collectionName": coll["name"],
            "collectionDescription": coll["description"], "contractId": coll["contractId"],
            "groupId": coll["groupId"], "keyCount": len(coll["members"]), "dirty": model.collection_dirty(coll)}


def key_v2(data, key):
    """A key, with one entry per collection it belongs to."""
    state, usage, stamp = model.quota_state(key)
    collections = []
    for cid in key["collections"]:
        coll = data["collections"].get(str(cid))
        if coll:
            collections.append({"collectionId": cid, "collectionName": coll["name"], "quotaUpdateState": state,
                                "quotaUsage": usage, "quotaUsageTimestamp": stamp})
    return {"keyId": key["id"], "keyValue": key["value"], "label": key["label"],
            "keyDescription": key["description"], "tags": list(key["tags"]), "keyStatus": model.key_status(key),
            "createdAt": iso(key["createdAt"]), "revokedAt": iso(key["revokedAt"]),
            "terminationAt": iso(model.termination_at(key)), "collections": collections}


def acl_v2(entries):
    """Prefixed ACL strings as the three integer arrays."""
    result = {name: [] for name, _prefix in ACL_KINDS}
    for entry in entries:
        prefix, number = entry.split("-", 1)
        for name, kind in ACL_KINDS:
            if kind == prefix:
                result[name].append(int(number))
    return result


def endpoint_v2(endpoint):
    """An endpoint (member names beyond endpointId and endpointName are not documented)."""
    return {"endpointId": endpoint["id"], "endpointName": endpoint["name"], "basePath": endpoint["basePath"],
            "versionNumber": endpoint["versionNumber"],
            "resources": [{"resourceId": r["logicId"], "resourceName": r["name"], "resourcePath": r["path"],
                           "methods": [{"methodId": m["logicId"], "method": m["method"]} for m in r["methods"]]}
                          for r in endpoint["resources"]]}


def quota_v2(quota):
    """The quota settings."""
    headers = quota["headers"]
    return {"isEnabled": quota["enabled"], "requestLimit": quota["value"], "resetInterval": quota["interval"],
            "headersConfig": {"allowHeaders": [h for h, flag in QUOTA_ALLOW.items() if headers[flag]],
                              "denyHeaders": [h for h, flag in QUOTA_DENY.items() if headers[flag]]}}


def counter_v2(counter):
    """A throttling counter."""
    headers = counter["headers"]
    config = None
    if headers is not None:
        config = {"clientHeaders": [h for h, flag in THROTTLE_CLIENT.items() if headers[flag]],
                  "originHeaders": [h for h, flag in THROTTLE_ORIGIN.items() if headers[flag]]}
    rules = counter["rules"]
    return {"throttlingCounterId": counter["id"], "throttlingCounterName": counter["name"],
            "throttlingCounterDescription": counter["description"],
            "throttlingCounterEnabled": counter["enabled"], "contractId": counter["contractId"],
            "groupId": counter["groupId"], "throttlingLimit": counter["throttling"],
            "throttlingLimitExceededAction": counter["onOverLimit"],
            "throttlingAlertThreshold": counter.get("alertThreshold"), "headersConfig": config,
            "errorResponse": counter["errorResponse"],
            "throttlingRules": {"aclEntries": acl_v2(rules["acl"]), "keyIds": list(rules["keys"]),
                                "keyCollectionIds": list(rules["collections"])}}


def _json(body, status=200, location=None):
    resp = jsonify(body)
    resp.status_code = status
    if location:
        resp.headers["Location"] = location
    return resp


def _no_content():
    return "", 204


def _acl_from(check, name, value):
    """Integer arrays -> prefixed strings; value None means an empty ACL."""
    entries = []
    if value is None:
        return entries
    inner = Checker(value, prefix=name + ".")
    for member, prefix in ACL_KINDS:
        for number in inner.get(member, "list", item="int", default=[]):
            entries.append("%s-%d" % (prefix, number))
    check.errors.extend(inner.errors)
    return entries


# ---------------------------------------------------------------- collections

@bp.route("/collections", methods=["GET"])
def list_collections():
    """{"collections": [...]}."""
    return jsonify({"collections": [collection_v2(c) for c in model.state()["collections"].values()]})


@bp.route("/collections", methods=["POST"])
def create_collection():
    """Create a key collection."""
    data = model.state()
    check = Checker(json_body())
    name = check.get("collectionName", "str", required=True, min_len=1, max_len=200)
    description = check.get("collectionDescription", "str")
    contract_id = check.get("contractId", "str", required=True, min_len=1)
    group_id = check.get("groupId", "int", required=True, minimum=0)
    check.done()
    coll = model.create_collection(data, name, description, contract_id, group_id)
    return _json(collection_v2(coll), 201, "%s/collections/%d" % (PREFIX, coll["id"]))


@bp.route("/collections/<int:cid>", methods=["GET"])
def get_collection(cid):
    """Get a key collection."""
    return jsonify(collection_v2(model.get_collection(model.state(), cid)))


@bp.route("/collections/<int:cid>", methods=["PUT"])
def update_collection(cid):
    """Edit name and description; read-only members are tolerated, contract and group cannot change."""
    data = model.state()
    coll = model.get_collection(data, cid)
    check = Checker(json_body())
    name = check.get("collectionName", "str", required=True, min_len=1, max_len=200)
    description = check.get("collectionDescription", "str")
    contract_id = check.get("contractId", "str", default=coll["contractId"])
    group_id = check.get("groupId", "int", default=coll["groupId"])
    check.done()
    if contract_id != coll["contractId"]:
        raise invalid_one("invalid-value", "contractId", "The contract of a collection cannot be changed.", contract_id)
    if group_id != coll["groupId"]:
        raise invalid_one("invalid-value", "groupId", "The group of a collection cannot be changed.", group_id)
    model.update_collection(data, coll, name, description)
    return jsonify(collection_v2(coll))


@bp.route("/collections/<int:cid>", methods=["DELETE"])
def delete_collection(cid):
    """Delete a collection and the keys that are in no other collection."""
    data = model.state()
    model.delete_collection(data, model.get_collection(data, cid))
    return _no_content()


@bp.route("/collections/<int:cid>/acl-entries", methods=["GET"])
def get_acl(cid):
    """The ACL as three integer arrays."""
    return jsonify(acl_v2(model.get_collection(model.state(), cid)["acl"]))


@bp.route("/collections/<int:cid>/acl-entries", methods=["PUT"])
def put_acl(cid):
    """Replace the ACL."""
    data = model.state()
    coll = model.get_collection(data, cid)
    body = json_body()
    check = Checker({"aclEntries": body})
    entries = _acl_from(check, "aclEntries", body)
    check.done()
    entries = model.check_acl(data, entries, coll["contractId"], coll["groupId"], "aclEntries")
    model.set_acl(data, coll, entries)
    return jsonify(acl_v2(coll["acl"]))


@bp.route("/collections/<int:cid>/endpoints", methods=["GET"])
def collection_endpoints(cid):
    """{"endpoints": [...]} of the collection's contract and group."""
    data = model.state()
    coll = model.get_collection(data, cid)
    return jsonify({"endpoints": [endpoint_v2(e) for e in model.endpoints_for(data, coll["contractId"],
                                                                              coll["groupId"])]})


@bp.route("/collections/<int:cid>/quota-config", methods=["GET"])
def get_quota(cid):
    """The quota settings."""
    return jsonify(quota_v2(model.get_collection(model.state(), cid)["quota"]))


@bp.route("/collections/<int:cid>/quota-config", methods=["PUT"])
def put_quota(cid):
    """Replace the quota settings (headersConfig kept when omitted)."""
    data = model.state()
    coll = model.get_collection(data, cid)
    check = Checker(json_body())
    enabled = check.get("isEnabled", "bool", required=True)
    limit = check.get("requestLimit", "int", required=True, minimum=100, maximum=1000000000)
    interval = check.get("resetInterval", "str", required=True, enum=INTERVALS)
    config = check.get("headersConfig", "dict")
    headers = dict(coll["quota"]["headers"])
    if config is not None:
        inner = Checker(config, prefix="headersConfig.")
        for member, table in (("allowHeaders", QUOTA_ALLOW), ("denyHeaders", QUOTA_DENY)):
            chosen = inner.get(member, "list", item="str", default=[])
            for header in chosen:
                if header not in table:
                    inner.fail("invalid-value", member, "Allowed headers: %s." % ", ".join(table), header)
            for header, flag in table.items():
                headers[flag] = header in chosen
        check.errors.extend(inner.errors)
    check.done()
    model.set_quota(coll, {"enabled": enabled, "value": limit, "interval": interval, "headers": headers})
    return jsonify(quota_v2(coll["quota"]))


def _key_ids(body=None, name="keyIds"):
    check = Checker(json_body() if body is None else body)
    ids = check.get(name, "list", required=True, item="int", min_items=1)
    check.done()
    return ids


@bp.route("/collections/<int:cid>/quota-reset", methods=["POST"])
def reset_collection_quota(cid):
    """Reset the quota of keys of this collection."""
    data = model.state()
    coll = model.get_collection(data, cid)
    keys = model.keys_by_ids(data, _key_ids())
    for key in keys:
        if str(key["id"]) not in coll["members"]:
            raise invalid_one("invalid-value", "keyIds", "The key %s is not in collection %s." % (key["id"], cid),
                              key["id"])
    model.reset_quota(keys)
    return _no_content()


IMPORT_TYPES = {"application/json": "json", "text/csv": "csv", "application/xml": "xml", "text/xml": "xml"}


@bp.route("/collections/<int:cid>/import-keys", methods=["POST"])
def import_keys(cid):
    """Import keys from the raw body; Content-Type names the format."""
    data = model.state()
    coll = model.get_collection(data, cid)
    fmt = IMPORT_TYPES.get(request.mimetype)
    if fmt is None:
        raise Problem(415, ERROR_BASE + "unsupported-media-type", "Unsupported media type",
                      "Send the keys as application/json, text/csv or application/xml.")
    content = request.get_data(as_text=True)
    if not content.strip():
        raise invalid_one("not-empty", "body", "The import file is empty.")
    keys = model.create_keys(data, coll, files.parse(content, fmt, "body"))
    return _json({"keys": [key_v2(data, k) for k in keys]}, 201)


def _export(data, keys):
    best = request.accept_mimetypes.best_match(["application/json", "text/csv", "application/xml"])
    if not request.accept_mimetypes or request.accept_mimetypes.best == "*/*":
        best = "application/json"
    items = [key_v2(data, k) for k in keys]
    if best == "application/json":
        return jsonify(items)
    if best == "text/csv":
        return Response(files.export_csv(items), mimetype="text/csv")
    if best == "application/xml":
        return Response(files.export_xml(items), mimetype="application/xml")
    raise Problem(406, ERROR_BASE + "not-acceptable", "Not acceptable",
                  "Keys can be exported as application/json, text/csv or application/xml.")


@bp.route("/collections/<int:cid>/keys/export", methods=["GET"])
def export_collection_keys(cid):
    """Export the keys of one collection."""
    data = model.state()
    model.get_collection(data, cid)
    return _export(data, model.select_keys(data, cid))


@bp.route("/keys/export", methods=["GET"])
def export_keys():
    """Export all keys."""
    data = model.state()
    return _export(data, model.select_keys(data, sort="id"))


# ---------------------------------------------------------------- keys

def _key_common(check):
    return (check.get("tags", "list", item="str", item_max_len=50, default=[]),
            check.get("keyDescription", "str", max_len=4000),
            check.get("label", "str", max_len=200),
            check.get("incrementLabel", "bool", default=False),
            check.get("collectionId", "int", required=True, minimum=0))


@bp.route("/keys", methods=["POST"])
def create_keys():
    """Create keys from keyValues; {"keys": [...]}."""
    data = model.state()
    check = Checker(json_body())
    values = check.get("keyValues", "list", required=True, item="str", min_items=1)
    tags, description, label, increment, cid = _key_common(check)
    check.done()
    model.check_tags(tags)
    coll = model.get_collection(data, cid)
    labels = model.label_series(label, len(values), increment)
    keys = model.create_keys(data, coll, [{"value": v, "label": lab, "description": description, "tags": tags}
                                          for v, lab in zip(values, labels)])
    return _json({"keys": [key_v2(data, k) for k in keys]}, 201)


@bp.route("/keys/generate", methods=["POST"])
def generate_keys():
    """Generate count (1-10,000) keys; {"keys": [...]}."""
    data = model.state()
    check = Checker(json_body())
    count = check.get("count", "int", required=True, minimum=1, maximum=10000)
    tags, description, label, increment, cid = _key_common(check)
    check.done()
    model.check_tags(tags)
    coll = model.get_collection(data, cid)
    labels = model.label_series(label, count, increment)
    keys = model.create_keys(data, coll, [{"value": None, "label": lab, "description": description, "tags": tags}
                                          for lab in labels])
    return _json({"keys": [key_v2(data, k) for k in keys]}, 201)


@bp.route("/keys", methods=["GET"])
def list_keys():
    """{"keys": [...], "page", "pageSize", "totalItems"}."""
    data = model.state()
    cid = int_arg("collectionId", None, minimum=0)
    text = request.args.get("filter") or None
    page = int_arg("page", 1, minimum=1)
    # A pageSize above the maximum is served the maximum, without an error (--max-page-size; the live
    # maximum and what Akamai does beyond it are unknown, reference section 4.13); pageSize tells how many.
    size = min(int_arg("pageSize", 25, minimum=1, maximum=model.KEY_LIMIT), config().max_page_size)
    status = enum_arg("keyStatus", KEY_STATUSES)
    column = enum_arg("sortColumn", ["createdAt", "id", "label", "description"])
    direction = enum_arg("sortDirection", ["asc", "desc"], "asc")
    predicate = (lambda k: model.key_status(k) == status) if status else None
    keys = model.select_keys(data, cid, text, predicate, column, direction == "desc")
    start = (page - 1) * size
    return jsonify({"keys": [key_v2(data, k) for k in keys[start:start + size]], "page": page, "pageSize": size,
                    "totalItems": len(keys)})


@bp.route("/keys/<int:kid>", methods=["GET"])
def get_key(kid):
    """Get a key."""
    data = model.state()
    return jsonify(key_v2(data, model.get_key(data, kid)))


@bp.route("/keys/<int:kid>", methods=["PUT"])
def update_key(kid):
    """Replace label, keyDescription and tags; the value cannot change; read-only members are tolerated."""
    data = model.state()
    key = model.get_key(data, kid)
    check = Checker(json_body())
    value = check.get("keyValue", "str", default=key["value"])
    tags = check.get("tags", "list", item="str", item_max_len=50, default=[])
    description = check.get("keyDescription", "str", max_len=4000)
    label = check.get("label", "str", max_len=200)
    check.done()
    if value != key["value"]:
        raise invalid_one("invalid-value", "keyValue", "The value of a key cannot be changed.", value)
    model.update_key(key, label, description, tags)
    return jsonify(key_v2(data, key))


@bp.route("/keys/move", methods=["POST"])
def move_keys():
    """Move keys to destinationCollectionId or a new collection; {"movedKeyIds", "destinationCollectionId"}."""
    data = model.state()
    check = Checker(json_body())
    ids = check.get("keyIds", "list", required=True, item="int", min_items=1)
    dest_id = check.get("destinationCollectionId", "int", minimum=0)
    new_name = check.get("newCollectionName", "str", min_len=1, max_len=200)
    new_contract = check.get("newCollectionContractId", "str", min_len=1)
    new_group = check.get("newCollectionGroupId", "int", minimum=0)
    new_description = check.get("newCollectionDescription", "str")
    if dest_id is None and new_name is None and not check.errors:
        check.fail("not-empty", "destinationCollectionId", "Give destinationCollectionId, or newCollectionName, "
                   "newCollectionContractId and newCollectionGroupId.")
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
    return jsonify({"movedKeyIds": [k["id"] for k in keys], "destinationCollectionId": dest["id"]})


def _membership(operation):
    data = model.state()
    body = json_body()
    check = Checker(body)
    cids = check.get("collectionIds", "list", required=True, item="int", min_items=1)
    ids = check.get("keyIds", "list", required=True, item="int", min_items=1)
    check.done()
    keys = model.keys_by_ids(data, ids)
    colls = [model.get_collection(data, c) for c in dict.fromkeys(cids)]
    operation(data, keys, colls)
    return jsonify({"keys": [key_v2(data, k) for k in keys]})


@bp.route("/keys/assign", methods=["POST"])
def assign_keys():
    """Add keys to collections."""
    return _membership(model.assign)


@bp.route("/keys/unassign", methods=["POST"])
def unassign_keys():
    """Remove keys from collections."""
    return _membership(model.unassign)


@bp.route("/keys/revoke", methods=["POST"])
def revoke_keys():
    """Revoke keys."""
    data = model.state()
    model.revoke(data, model.keys_by_ids(data, _key_ids()))
    return _no_content()


@bp.route("/keys/restore", methods=["POST"])
def restore_keys():
    """Restore revoked keys (within 120 days)."""
    data = model.state()
    model.restore(data, model.keys_by_ids(data, _key_ids()))
    return _no_content()


@bp.route("/keys/quota-reset", methods=["POST"])
def reset_quota():
    """Reset the quota of keys."""
    data = model.state()
    model.reset_quota(model.keys_by_ids(data, _key_ids()))
    return _no_content()


@bp.route("/tags", methods=["GET"])
def list_tags():
    """{"tags": [...]}."""
    return jsonify({"tags": model.all_tags(model.state())})


# ---------------------------------------------------------------- throttling counters

def _counter_fields(body, counter=None):
    check = Checker(body)
    fields = {
        "name": check.get("throttlingCounterName", "str", required=True, min_len=1, max_len=200),
        "description": check.get("throttlingCounterDescription", "str", max_len=4000),
        "enabled": check.get("throttlingCounterEnabled", "bool", required=True),
        "throttling": check.get("throttlingLimit", "int", required=True, minimum=10, maximum=1000000),
        "onOverLimit": check.get("throttlingLimitExceededAction", "str", required=True, enum=["DENY", "WARN"]),
        "alertThreshold": check.get("throttlingAlertThreshold", "int", minimum=70, maximum=98),
    }
    if counter is None:
        fields["contractId"] = check.get("contractId", "str", required=True, min_len=1)
        fields["groupId"] = check.get("groupId", "int", required=True, minimum=0)
    config = check.get("headersConfig", "dict")
    headers = None
    if config is not None:
        headers = {}
        inner = Checker(config, prefix="headersConfig.")
        for member, table in (("clientHeaders", THROTTLE_CLIENT), ("originHeaders", THROTTLE_ORIGIN)):
            chosen = inner.get(member, "list", item="str", default=[])
            for header in chosen:
                if header not in table:
                    inner.fail("invalid-value", member, "Allowed headers: %s." % ", ".join(table), header)
            for header, flag in table.items():
                headers[flag] = header in chosen
        check.errors.extend(inner.errors)
    fields["headers"] = headers
    fields["errorResponse"] = error_response(check, check.get("errorResponse", "dict"))
    rules = {"acl": [], "keys": [], "collections": []}
    raw = check.get("throttlingRules", "dict")
    if raw is not None:
        inner = Checker(raw, prefix="throttlingRules.")
        rules["acl"] = _acl_from(inner, "throttlingRules.aclEntries", inner.get("aclEntries", "dict"))
        rules["keys"] = inner.get("keyIds", "list", item="int", default=[])
        rules["collections"] = inner.get("keyCollectionIds", "list", item="int", default=[])
        check.errors.extend(inner.errors)
    fields["rules"] = rules
    check.done()
    return fields


@bp.route("/counters", methods=["GET"])
def list_counters():
    """{"throttlingCounters": [...]}."""
    return jsonify({"throttlingCounters": [counter_v2(c) for c in model.state()["counters"].values()]})


@bp.route("/counters", methods=["POST"])
def create_counter():
    """Create a throttling counter."""
    data = model.state()
    counter = model.save_counter(data, _counter_fields(json_body()))
    return _json(counter_v2(counter), 201, "%s/counters/%d" % (PREFIX, counter["id"]))


@bp.route("/counters/<int:counter_id>", methods=["GET"])
def get_counter(counter_id):
    """Get a throttling counter."""
    return jsonify(counter_v2(model.get_counter(model.state(), counter_id)))


@bp.route("/counters/<int:counter_id>", methods=["PUT"])
def update_counter(counter_id):
    """Replace a throttling counter; contractId and groupId in the body are ignored."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    return jsonify(counter_v2(model.save_counter(data, _counter_fields(json_body(), counter), counter)))


@bp.route("/counters/<int:counter_id>", methods=["DELETE"])
def delete_counter(counter_id):
    """Delete a throttling counter."""
    data = model.state()
    model.get_counter(data, counter_id)
    del data["counters"][str(counter_id)]
    return _no_content()


@bp.route("/counters/<int:counter_id>/endpoints", methods=["GET"])
def counter_endpoints(counter_id):
    """{"endpoints": [...]} of the counter's contract and group."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    return jsonify({"endpoints": [endpoint_v2(e) for e in model.endpoints_for(data, counter["contractId"],
                                                                              counter["groupId"])]})


@bp.route("/counters/<int:counter_id>/keys", methods=["GET"])
def counter_keys(counter_id):
    """{"keys": [...]} of the counter's contract and group."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    return jsonify({"keys": [key_v2(data, k) for k in model.keys_of_group(data, counter["contractId"],
                                                                          counter["groupId"])]})


@bp.route("/counters/<int:counter_id>/key-collections", methods=["GET"])
def counter_key_collections(counter_id):
    """{"collections": [...]}: the collections of the counter's contract and group usable in keyCollectionIds."""
    data = model.state()
    counter = model.get_counter(data, counter_id)
    colls = [c for c in data["collections"].values()
             if c["contractId"] == counter["contractId"] and c["groupId"] == counter["groupId"]
             and not model.multi_collection(data, c)]
    return jsonify({"collections": [collection_v2(c) for c in colls]})
