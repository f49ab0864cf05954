"""API Keys and Traffic Management v2 through signed HTTP against the running emulator."""

import json
import uuid
import xml.etree.ElementTree as ET

import pytest

CONTRACT = "C-1EMU001"
GROUP = 10001
ERR = "/apikey-manager-api/error-types/"


class Api:
    """Signed calls to one version of the API for one .edgerc section."""

    def __init__(self, emulator, section="default", version="v2"):
        self.emulator = emulator
        self.session = emulator.session(section)
        self.base = "/apikey-manager-api/" + version

    def __call__(self, method, path, **kwargs):
        return self.session.request(method, self.emulator.url(self.base + path), **kwargs)


def uid():
    """A unique suffix."""
    return uuid.uuid4().hex[:12]


def fields(resp):
    """The field names of a problem's nested errors."""
    return [item.get("field") for item in resp.json()["errors"]]


@pytest.fixture(name="api")
def api_fixture(emulator):
    """v2 as the READ-WRITE admin."""
    return Api(emulator)


def new_collection(api, **extra):
    """Create a collection; returns it."""
    body = {"collectionName": "coll-" + uid(), "contractId": CONTRACT, "groupId": GROUP}
    body.update(extra)
    resp = api("POST", "/collections", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


@pytest.fixture(name="coll")
def coll_fixture(api):
    """A fresh collection, deleted afterwards."""
    coll = new_collection(api)
    yield coll
    api("DELETE", "/collections/%d" % coll["collectionId"])


def make_keys(api, coll, *values, **extra):
    """Create keys; returns their v2 objects."""
    body = dict(extra, collectionId=coll["collectionId"], keyValues=list(values))
    resp = api("POST", "/keys", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["keys"]


def test_collection_crud(api):
    coll = new_collection(api, collectionDescription="premium users")
    cid = coll["collectionId"]
    assert coll["collectionDescription"] == "premium users" and coll["keyCount"] == 0
    listed = api("GET", "/collections").json()
    assert cid in [c["collectionId"] for c in listed["collections"]]
    dup = api("POST", "/collections", json={"collectionName": coll["collectionName"], "contractId": CONTRACT,
                                            "groupId": GROUP})
    assert dup.status_code == 400 and fields(dup) == ["collectionName"]
    long_name = api("POST", "/collections", json={"collectionName": "n" * 201, "contractId": CONTRACT,
                                                  "groupId": GROUP})
    assert long_name.status_code == 400 and fields(long_name) == ["collectionName"]
    edited = api("PUT", "/collections/%d" % cid, json=dict(coll, collectionName=coll["collectionName"] + "-x"))
    assert edited.status_code == 200 and edited.json()["collectionName"] == coll["collectionName"] + "-x"
    assert api("GET", "/collections/%d" % cid).json()["collectionName"] == coll["collectionName"] + "-x"
    assert api("DELETE", "/collections/%d" % cid).status_code == 204
    assert api("GET", "/collections/%d" % cid).status_code == 404


def test_acl_entries_and_quota_config(api, coll):
    cid = coll["collectionId"]
    endpoints = api("GET", "/collections/%d/endpoints" % cid).json()["endpoints"]
    assert len(endpoints) == 3 and all("endpointId" in e and "endpointName" in e for e in endpoints)
    acl = {"endpointIds": [endpoints[0]["endpointId"]], "resourceIds": [endpoints[1]["resources"][0]["resourceId"]],
           "methodIds": []}
    resp = api("PUT", "/collections/%d/acl-entries" % cid, json=acl)
    assert resp.status_code == 200 and resp.json() == acl
    assert api("GET", "/collections/%d/acl-entries" % cid).json() == acl
    bad = api("PUT", "/collections/%d/acl-entries" % cid, json={"endpointIds": [1], "resourceIds": [], "methodIds": []})
    assert bad.status_code == 400 and fields(bad) == ["aclEntries"]
    assert api("PUT", "/collections/%d/acl-entries" % cid, json={"endpointIds": ["x"]}).status_code == 400

    quota = api("GET", "/collections/%d/quota-config" % cid).json()
    assert quota["isEnabled"] is False and quota["requestLimit"] and quota["resetInterval"]
    resp = api("PUT", "/collections/%d/quota-config" % cid, json=dict(quota, isEnabled=True, requestLimit=5000,
                                                                      resetInterval="WEEK"))
    assert resp.status_code == 200 and resp.json()["isEnabled"] is True
    got = api("GET", "/collections/%d/quota-config" % cid).json()
    assert (got["requestLimit"], got["resetInterval"]) == (5000, "WEEK")
    for bad_value in ({"requestLimit": 99}, {"requestLimit": 1000000001}, {"resetInterval": "HOUR_2"}):
        assert api("PUT", "/collections/%d/quota-config" % cid, json=dict(quota, **bad_value)).status_code == 400
    v1_view = Api(api.emulator, version="v1")("GET", "/collections/%d" % cid).json()
    assert v1_view["quota"]["value"] == 5000 and v1_view["grantedACL"][0] == "ENDPOINT-%d" % acl["endpointIds"][0]


def test_keys_create_generate_edit(api, coll):
    values = ["k-" + uid() for dummy in range(3)]
    keys = make_keys(api, coll, *values, label="lbl", incrementLabel=True, keyDescription="d", tags=["x"])
    assert [k["keyValue"] for k in keys] == values and [k["label"] for k in keys] == ["lbl_1", "lbl_2", "lbl_3"]
    assert keys[0]["collections"][0]["collectionId"] == coll["collectionId"]
    assert keys[0]["keyStatus"] == "PENDING_DEPLOYMENT"
    dup = api("POST", "/keys", json={"collectionId": coll["collectionId"], "keyValues": [values[0]]})
    assert dup.status_code == 400 and dup.json()["errors"][0]["type"] == ERR + "key-not-unique"
    assert "A key with value '%s' already exists" % values[0] in dup.json()["errors"][0]["detail"]
    assert api("POST", "/keys", json={"collectionId": coll["collectionId"], "keyValues": []}).status_code == 400
    assert api("POST", "/keys", json={"collectionId": coll["collectionId"], "keyValues": ["a", "a"]}).status_code == 400
    eleven = api("POST", "/keys", json={"collectionId": coll["collectionId"], "keyValues": ["e-" + uid()],
                                        "tags": ["t%d" % n for n in range(11)]})
    assert eleven.status_code == 400 and fields(eleven) == ["tags"]

    gen = api("POST", "/keys/generate", json={"collectionId": coll["collectionId"], "count": 5,
                                              "keyDescription": "generated"})
    assert gen.status_code == 201 and len(gen.json()["keys"]) == 5
    assert gen.json()["keys"][0]["keyDescription"] == "generated"
    assert api("POST", "/keys/generate", json={"collectionId": coll["collectionId"], "count": 10001}).status_code == 400

    key = api("GET", "/keys/%d" % keys[0]["keyId"]).json()
    edited = api("PUT", "/keys/%d" % key["keyId"], json=dict(key, label="new", tags=["y", "z"]))
    assert edited.status_code == 200 and edited.json()["label"] == "new" and edited.json()["keyValue"] == values[0]
    assert api("PUT", "/keys/%d" % key["keyId"], json=dict(key, keyValue="changed")).status_code == 400
    assert {"y", "z"} <= set(api("GET", "/tags").json()["tags"])


def test_list_pages_sort_and_status(api, coll, emulator):
    make_keys(api, coll, *["p-%02d-%s" % (n, uid()) for n in range(12)])
    cid = coll["collectionId"]
    pages = [api("GET", "/keys", params={"collectionId": cid, "pageSize": 5, "page": n}).json() for n in (1, 2, 3)]
    ids = [k["keyId"] for p in pages for k in p["keys"]]
    assert len(ids) == 12 == len(set(ids)) and [len(p["keys"]) for p in pages] == [5, 5, 2]
    newest = api("GET", "/keys", params={"collectionId": cid, "sortColumn": "createdAt", "sortDirection": "desc",
                                         "pageSize": 1}).json()["keys"][0]
    assert newest["keyId"] == max(ids)
    emulator.admin.advance_clock(60)
    api("POST", "/keys/revoke", json={"keyIds": ids[:2]})
    pending = api("GET", "/keys", params={"collectionId": cid, "keyStatus": "PENDING_REVOCATION"}).json()["keys"]
    assert sorted(k["keyId"] for k in pending) == sorted(ids[:2])
    deployed = api("GET", "/keys", params={"collectionId": cid, "keyStatus": "DEPLOYED", "pageSize": 50}).json()
    assert len(deployed["keys"]) == 10
    emulator.admin.advance_clock(60)
    revoked = api("GET", "/keys", params={"collectionId": cid, "keyStatus": "REVOKED"}).json()["keys"]
    assert len(revoked) == 2
    assert api("POST", "/keys/restore", json={"keyIds": ids[:2]}).status_code == 204
    assert api("GET", "/keys/%d" % ids[0]).json()["keyStatus"] == "PENDING_DEPLOYMENT"
    assert api("GET", "/keys", params={"keyStatus": "ACTIVE"}).status_code == 400
    assert api("GET", "/keys", params={"page": 0}).status_code == 400


def test_import_raw_bodies_and_export(api, coll):
    cid = coll["collectionId"]
    vals = ["i-%d-%s" % (n, uid()) for n in range(6)]
    bodies = [
        ("application/json", json.dumps([{"keyValue": vals[0], "label": "j", "tags": ["a"]}, {"keyValue": vals[1]}])),
        ("text/csv", "VALUE,LABEL,TAGS\n%s,c,a;b\n%s,,\n" % (vals[2], vals[3])),
        ("application/xml", "<keys><key><value>%s</value></key><key><value>%s</value><tags>q</tags></key></keys>"
         % (vals[4], vals[5])),
    ]
    for ctype, body in bodies:
        resp = api("POST", "/collections/%d/import-keys" % cid, data=body, headers={"Content-Type": ctype})
        assert resp.status_code == 201, (ctype, resp.text)
        assert len(resp.json()["keys"]) == 2
    assert api("POST", "/collections/%d/import-keys" % cid, data="x",
               headers={"Content-Type": "text/plain"}).status_code == 415

    exported = api("GET", "/collections/%d/keys/export" % cid, headers={"Accept": "application/json"})
    assert exported.status_code == 200 and sorted(k["keyValue"] for k in exported.json()) == sorted(vals)
    as_csv = api("GET", "/collections/%d/keys/export" % cid, headers={"Accept": "text/csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv") and vals[2] in as_csv.text
    as_xml = api("GET", "/collections/%d/keys/export" % cid, headers={"Accept": "application/xml"})
    root = ET.fromstring(as_xml.text)
    assert root.tag == "keys" and len(root) == 6
    assert api("GET", "/keys/export", headers={"Accept": "image/png"}).status_code == 406
    assert vals[0] in [k["keyValue"] for k in api("GET", "/keys/export").json()]
    for ctype, text in (("application/json", exported.text), ("text/csv", as_csv.text),
                        ("application/xml", as_xml.text)):
        again = api("POST", "/collections/%d/import-keys" % cid, data=text, headers={"Content-Type": ctype})
        assert again.status_code == 400 and "already exists" in again.json()["errors"][0]["detail"], ctype


def test_assign_unassign_move_and_quota_reset(api, coll):
    other = new_collection(api)
    try:
        keys = make_keys(api, coll, "a1-" + uid(), "a2-" + uid())
        ids = [k["keyId"] for k in keys]
        body = {"collectionIds": [other["collectionId"]], "keyIds": ids}
        resp = api("POST", "/keys/assign", json=body)
        assert resp.status_code == 200 and len(resp.json()["keys"]) == 2
        assert len(api("GET", "/keys/%d" % ids[0]).json()["collections"]) == 2
        assert api("GET", "/collections/%d" % other["collectionId"]).json()["keyCount"] == 2
        resp = api("POST", "/keys/unassign", json={"collectionIds": [coll["collectionId"]], "keyIds": [ids[0]]})
        assert resp.status_code == 200
        assert [c["collectionId"] for c in resp.json()["keys"][0]["collections"]] == [other["collectionId"]]
        last = api("POST", "/keys/unassign", json={"collectionIds": [other["collectionId"]], "keyIds": [ids[0]]})
        assert last.status_code == 400 and fields(last) == ["keyIds"]
        assert api("POST", "/keys/assign", json={"collectionIds": [999999999], "keyIds": ids}).status_code == 404

        moved = api("POST", "/keys/move", json={"keyIds": [ids[1]], "destinationCollectionId": coll["collectionId"]})
        assert moved.status_code == 200
        assert moved.json() == {"movedKeyIds": [ids[1]], "destinationCollectionId": coll["collectionId"]}
        assert [c["collectionId"] for c in api("GET", "/keys/%d" % ids[1]).json()["collections"]] == \
            [coll["collectionId"]]

        reset = api("POST", "/collections/%d/quota-reset" % coll["collectionId"], json={"keyIds": [ids[1]]})
        assert reset.status_code == 204
        outsider = api("POST", "/collections/%d/quota-reset" % coll["collectionId"], json={"keyIds": [ids[0]]})
        assert outsider.status_code == 400
        assert api("POST", "/keys/quota-reset", json={"keyIds": ids}).status_code == 204
        assert api("GET", "/keys/%d" % ids[0]).json()["collections"][0]["quotaUpdateState"] == "PROCESSING"

        api("POST", "/keys/assign", json={"collectionIds": [coll["collectionId"]], "keyIds": [ids[0]]})
        assert api("DELETE", "/collections/%d" % other["collectionId"]).status_code == 204
        assert api("GET", "/keys/%d" % ids[0]).status_code == 200
    finally:
        api("DELETE", "/collections/%d" % other["collectionId"])


def counter_body(**extra):
    """A valid v2 counter body."""
    body = {"throttlingCounterName": "ctr-" + uid(), "throttlingCounterEnabled": True, "contractId": CONTRACT,
            "groupId": GROUP, "throttlingLimit": 500, "throttlingLimitExceededAction": "DENY",
            "throttlingCounterDescription": ""}
    body.update(extra)
    return body


def test_counters(api, coll):
    key = make_keys(api, coll, "ck-" + uid())[0]
    endpoint = api("GET", "/collections/%d/endpoints" % coll["collectionId"]).json()["endpoints"][0]
    rules = {"aclEntries": {"endpointIds": [endpoint["endpointId"]], "resourceIds": [], "methodIds": []},
             "keyIds": [key["keyId"]], "keyCollectionIds": [coll["collectionId"]]}
    resp = api("POST", "/counters", json=counter_body(throttlingRules=rules, throttlingAlertThreshold=80,
                                                      headersConfig={"clientHeaders": ["X-Throttling-Limit"],
                                                                     "originHeaders": []}))
    assert resp.status_code == 201, resp.text
    counter = resp.json()
    ctr = counter["throttlingCounterId"]
    try:
        assert counter["throttlingCounterDescription"] is None and counter["throttlingRules"] == rules
        assert counter["throttlingAlertThreshold"] == 80
        listed = api("GET", "/counters").json()["throttlingCounters"]
        assert ctr in [c["throttlingCounterId"] for c in listed]
        for bad in ({"throttlingLimit": 9}, {"throttlingLimit": 1000001}, {"throttlingAlertThreshold": 69},
                    {"throttlingAlertThreshold": 99}, {"throttlingLimitExceededAction": "DROP"},
                    {"throttlingCounterName": "n" * 201}):
            reply = api("POST", "/counters", json=counter_body(**bad))
            assert reply.status_code == 400 and fields(reply) == list(bad), bad
        edited = api("PUT", "/counters/%d" % ctr, json=dict(counter, throttlingLimit=10, throttlingAlertThreshold=98))
        assert edited.status_code == 200 and edited.json()["throttlingLimit"] == 10
        assert api("PUT", "/counters/%d" % ctr, json=dict(counter, throttlingLimit=5)).status_code == 400
        assert key["keyId"] in [k["keyId"] for k in api("GET", "/counters/%d/keys" % ctr).json()["keys"]]
        assert len(api("GET", "/counters/%d/endpoints" % ctr).json()["endpoints"]) == 3
        usable = api("GET", "/counters/%d/key-collections" % ctr).json()["collections"]
        assert coll["collectionId"] in [c["collectionId"] for c in usable]
        other = new_collection(api)
        refused = api("POST", "/keys/assign", json={"collectionIds": [other["collectionId"]], "keyIds": [key["keyId"]]})
        assert refused.status_code == 400
        api("DELETE", "/collections/%d" % other["collectionId"])
    finally:
        assert api("DELETE", "/counters/%d" % ctr).status_code == 204
    assert api("GET", "/counters/%d" % ctr).status_code == 404


def test_v1_and_v2_share_state(api, coll):
    v1 = Api(api.emulator, version="v1")
    made_v1 = v1("POST", "/keys", json={"collectionId": coll["collectionId"], "value": "from-v1-" + uid()}).json()
    seen_v2 = api("GET", "/keys/%d" % made_v1["id"]).json()
    assert seen_v2["keyValue"] == made_v1["value"]
    made_v2 = make_keys(api, coll, "from-v2-" + uid(), tags=["shared"])[0]
    seen_v1 = v1("GET", "/keys/%d" % made_v2["keyId"]).json()
    assert seen_v1["value"] == made_v2["keyValue"] and seen_v1["collectionId"] == coll["collectionId"]
    assert coll["collectionId"] in [c["id"] for c in v1("GET", "/collections").json()]
    dup = v1("POST", "/keys", json={"collectionId": coll["collectionId"], "value": made_v2["keyValue"]})
    assert dup.status_code == 400 and fields(dup) == ["value"]
    assert "shared" in v1("GET", "/tags").json()


def test_readonly_and_account2(api, coll):
    readonly = Api(api.emulator, "readonly")
    assert readonly("GET", "/collections").status_code == 200
    assert readonly("POST", "/keys", json={"collectionId": coll["collectionId"], "keyValues": ["ro-" + uid()]}) \
        .status_code == 403
    assert readonly("PUT", "/collections/%d/quota-config" % coll["collectionId"],
                    json={"isEnabled": True, "requestLimit": 100, "resetInterval": "DAY"}).status_code == 403
    other = Api(api.emulator, "account2")
    assert coll["collectionId"] not in [c["collectionId"] for c in other("GET", "/collections").json()["collections"]]
    assert other("GET", "/keys", params={"collectionId": coll["collectionId"]}).status_code == 404
    assert other("GET", "/counters").json() == {"throttlingCounters": []}
