"""API Keys and Traffic Management v1 through signed HTTP against the running emulator."""

import json
import uuid

import pytest

CONTRACT = "C-1EMU001"
GROUP = 10001
DAY = 86400
ERR = "/apikey-manager-api/error-types/"


class Api:
    """Signed calls to one version of the API for one .edgerc section."""

    def __init__(self, emulator, section="default", version="v1"):
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
    """v1 as the READ-WRITE admin."""
    return Api(emulator)


@pytest.fixture(name="coll")
def coll_fixture(api):
    """A fresh collection, deleted afterwards."""
    resp = api("POST", "/collections", json={"name": "coll-" + uid(), "contractId": CONTRACT, "groupId": GROUP})
    assert resp.status_code == 201, resp.text
    yield resp.json()
    api("DELETE", "/collections/%d" % resp.json()["id"])


def make_keys(api, coll, *values, **extra):
    """Create keys with the given values; returns their keyDtos."""
    body = dict(extra, collectionId=coll["id"], value=",".join(values))
    resp = api("POST", "/keys", json=body)
    assert resp.status_code in (201, 207), resp.text
    return [resp.json()] if resp.status_code == 201 else resp.json()


def test_collection_crud_and_unique_name(api, emulator):
    name = "books-" + uid()
    resp = api("POST", "/collections", json={"name": name, "contractId": CONTRACT, "groupId": GROUP,
                                             "description": "Bookstore"})
    assert resp.status_code == 201, resp.text
    coll = resp.json()
    assert resp.headers["Location"].endswith("/apikey-manager-api/v1/collections/%d" % coll["id"])
    assert coll["name"] == name and coll["keyCount"] == 0 and coll["grantedACL"] == [] and coll["dirty"] is True
    assert coll["quota"]["enabled"] is False and coll["quota"]["interval"] == "HOUR_1"
    assert api("GET", "/collections/%d" % coll["id"]).json()["description"] == "Bookstore"
    assert coll["id"] in [c["id"] for c in api("GET", "/collections").json()]

    dup = api("POST", "/collections", json={"name": name, "contractId": CONTRACT, "groupId": GROUP})
    assert dup.status_code == 400
    assert dup.headers["Content-Type"].startswith("application/problem+json")
    assert dup.json()["type"] == ERR + "validation-error" and fields(dup) == ["name"]

    edited = api("PUT", "/collections/%d" % coll["id"], json={"name": name + "-2", "description": "",
                                                              "contractId": CONTRACT, "groupId": GROUP})
    assert edited.status_code == 200 and edited.json()["name"] == name + "-2"
    assert edited.json()["description"] is None
    moved = api("PUT", "/collections/%d" % coll["id"], json={"name": name, "contractId": CONTRACT, "groupId": 10002})
    assert moved.status_code == 400 and fields(moved) == ["groupId"]

    emulator.admin.advance_clock(60)
    assert api("GET", "/collections/%d" % coll["id"]).json()["dirty"] is False

    assert api("DELETE", "/collections/%d" % coll["id"]).status_code == 204
    gone = api("GET", "/collections/%d" % coll["id"])
    assert gone.status_code == 404 and gone.json()["type"] == ERR + "resource-not-found"
    assert api("DELETE", "/collections/%d" % coll["id"]).status_code == 404


def test_collection_validation(api):
    resp = api("POST", "/collections", json={"contractId": CONTRACT, "groupId": "x"})
    assert resp.status_code == 400 and sorted(fields(resp)) == ["groupId", "name"]
    assert api("POST", "/collections", json={"name": "n-" + uid(), "contractId": "C-NOPE",
                                             "groupId": GROUP}).status_code == 403
    assert api("POST", "/collections", data="not json").status_code == 400


def test_acl_and_quota(api, coll, emulator):
    endpoints = api("GET", "/collections/%d/endpoints" % coll["id"]).json()
    assert len(endpoints) == 3
    first = endpoints[0]
    resource = first["apiResourceBaseInfo"][0]
    acl = ["ENDPOINT-%d" % first["apiEndPointId"], "RESOURCE-%d" % resource["apiResourceLogicId"],
           "METHOD-%d" % resource["methods"][0]["apiResourceMethodLogicId"]]
    resp = api("PUT", "/collections/%d/acl" % coll["id"], json=acl)
    assert resp.status_code == 200, resp.text
    assert resp.json()["grantedACL"] == acl and sorted(resp.json()["dirtyACL"]) == sorted(acl)
    assert api("GET", "/collections/%d" % coll["id"]).json()["grantedACL"] == acl
    emulator.admin.advance_clock(1)
    settled = api("GET", "/collections/%d" % coll["id"]).json()
    assert settled["dirtyACL"] == [] and settled["dirty"] is False and settled["grantedACL"] == acl
    bad = api("PUT", "/collections/%d/acl" % coll["id"], json=["ENDPOINT-1", "nonsense"])
    assert bad.status_code == 400 and len(bad.json()["errors"]) == 2

    quota = {"enabled": True, "value": 177, "interval": "DAY",
             "headers": {"denyLimitHeaderShown": True, "denyRemainingHeaderShown": False, "denyNextHeaderShown": True,
                         "allowLimitHeaderShown": True, "allowRemainingHeaderShown": True,
                         "allowResetHeaderShown": False}}
    resp = api("PUT", "/collections/%d/quota" % coll["id"], json=quota)
    assert resp.status_code == 200 and resp.json()["quota"] == quota
    assert api("GET", "/collections/%d" % coll["id"]).json()["quota"] == quota
    low = api("PUT", "/collections/%d/quota" % coll["id"], json=dict(quota, value=99, interval="YEAR"))
    assert low.status_code == 400 and sorted(fields(low)) == ["interval", "value"]
    nohead = api("PUT", "/collections/%d/quota" % coll["id"], json={k: v for k, v in quota.items() if k != "headers"})
    assert nohead.status_code == 400 and fields(nohead) == ["headers"]
    assert api("PUT", "/collections/999999999/quota", json=quota).status_code == 404


def test_create_several_keys_and_duplicates(api, coll):
    tag = "t" + uid()
    values = ["v1-" + uid(), "v2-" + uid(), "v3-" + uid(), "v4-" + uid()]
    resp = api("POST", "/keys", json={"collectionId": coll["id"], "label": "std", "incrementLabel": True,
                                      "value": "%s,%s;%s\n%s" % tuple(values), "tags": [tag]})
    assert resp.status_code == 207, resp.text
    keys = resp.json()
    assert [k["value"] for k in keys] == values
    assert [k["label"] for k in keys] == ["std_1", "std_2", "std_3", "std_4"]
    assert all(k["collectionId"] == coll["id"] and k["tags"] == [tag] and not k["revoked"] for k in keys)

    one = api("POST", "/keys", json={"collectionId": coll["id"], "value": "solo-" + uid()})
    assert one.status_code == 201 and one.headers["Location"].endswith("/keys/%d" % one.json()["id"])

    dup = api("POST", "/keys", json={"collectionId": coll["id"], "value": "fresh-%s,%s" % (uid(), values[1])})
    assert dup.status_code == 400
    err = dup.json()["errors"][0]
    assert err["type"] == ERR + "key-not-unique" and values[1] in err["detail"] and err["rejectedValue"] == values[1]
    assert api("GET", "/collections/%d" % coll["id"]).json()["keyCount"] == 5

    long_value = api("POST", "/keys", json={"collectionId": coll["id"], "value": "x" * 65})
    assert long_value.status_code == 400 and fields(long_value) == ["value"]
    assert api("POST", "/keys", json={"collectionId": 999999999, "value": "z-" + uid()}).status_code == 404
    assert api("POST", "/keys", json={"collectionId": coll["id"]}).status_code == 400


def test_generate_list_and_pages(api, coll):
    resp = api("POST", "/keys/generate", json={"collectionId": coll["id"], "count": 25, "label": "gen",
                                               "incrementLabel": True, "description": "generated"})
    assert resp.status_code == 204, resp.text
    make_keys(api, coll, "x-" + uid(), tags=["special"], label="special-one")
    seen = []
    for number in (1, 2, 3):
        page = api("GET", "/keys", params={"collectionId": coll["id"], "pageSize": 10, "pageNumber": number}).json()
        assert page["totalItems"] == 26 and page["pageNumber"] == number and page["pageSize"] == 10
        seen.extend(k["id"] for k in page["items"])
    assert len(seen) == 26 == len(set(seen)) and seen == sorted(seen)
    empty = api("GET", "/keys", params={"collectionId": coll["id"], "pageSize": 10, "pageNumber": 4}).json()
    assert empty["items"] == []
    desc = api("GET", "/keys", params={"collectionId": coll["id"], "pageSize": 5, "sortColumn": "id",
                                       "sortDirection": "desc"}).json()
    assert [k["id"] for k in desc["items"]] == sorted(seen, reverse=True)[:5]
    labels = [k["label"] for k in api("GET", "/keys", params={"collectionId": coll["id"], "pageSize": 30}).json()
              ["items"]]
    assert labels[0] == "gen_01" and labels[24] == "gen_25"
    found = api("GET", "/keys", params={"collectionId": coll["id"], "filter": "special"}).json()
    assert found["totalItems"] == 1 and found["filter"] == "special"
    assert api("GET", "/keys", params={"pageNumber": 0}).status_code == 400
    assert api("GET", "/keys", params={"keyType": "Sleeping"}).status_code == 400
    assert api("POST", "/keys/generate", json={"collectionId": coll["id"], "count": 0}).status_code == 400


def test_import_csv_xml_json(api, coll):
    values = ["imp-%d-%s" % (n, uid()) for n in range(6)]
    csv_content = "VALUE,LABEL,TAGS\n%s,premium,external;premium\n%s,premium,temp\n" % (values[0], values[1])
    xml_content = ('<?xml version="1.0"?><keys><key><value>%s</value><label>gold</label><tags>a;b</tags></key>'
                   '<key><value>%s</value></key></keys>' % (values[2], values[3]))
    json_content = json.dumps([{"value": values[4], "label": "j", "tags": ["j1"]}, {"value": values[5]}])
    for name, content in (("keys.csv", csv_content), ("keys.xml", xml_content), ("keys.json", json_content)):
        resp = api("POST", "/keys/import", json={"name": name, "content": content, "collectionId": coll["id"]})
        assert resp.status_code == 204, (name, resp.text)
    items = api("GET", "/keys", params={"collectionId": coll["id"], "pageSize": 50}).json()["items"]
    by_value = {k["value"]: k for k in items}
    assert set(values) <= set(by_value)
    assert by_value[values[0]]["tags"] == ["external", "premium"] and by_value[values[0]]["label"] == "premium"
    assert by_value[values[2]]["tags"] == ["a", "b"] and by_value[values[4]]["tags"] == ["j1"]

    dup = api("POST", "/keys/import", json={"name": "again.csv", "content": csv_content, "collectionId": coll["id"]})
    assert dup.status_code == 400 and dup.json()["errors"][0]["type"] == ERR + "key-not-unique"
    broken = api("POST", "/keys/import", json={"name": "x.xml", "content": "<keys><key>", "collectionId": coll["id"]})
    assert broken.status_code == 400 and fields(broken) == ["content"]
    assert api("POST", "/keys/import", json={"name": "x.csv", "content": "a,b"}).status_code == 400


def test_edit_key_and_tags_limit(api, coll):
    key = make_keys(api, coll, "edit-" + uid())[0]
    body = dict(key, label="renamed", description="desc", tags=["t%d" % n for n in range(10)])
    resp = api("PUT", "/keys/%d" % key["id"], json=body)
    assert resp.status_code == 200 and resp.json()["label"] == "renamed" and len(resp.json()["tags"]) == 10
    assert api("GET", "/keys/%d" % key["id"]).json()["description"] == "desc"
    too_many = api("PUT", "/keys/%d" % key["id"], json=dict(body, tags=["t%d" % n for n in range(11)]))
    assert too_many.status_code == 400 and fields(too_many) == ["tags"]
    created = api("POST", "/keys", json={"collectionId": coll["id"], "value": "tags-" + uid(),
                                         "tags": ["t%d" % n for n in range(11)]})
    assert created.status_code == 400 and fields(created) == ["tags"]
    assert api("PUT", "/keys/%d" % key["id"], json=dict(body, value="other")).status_code == 400
    assert "t9" in api("GET", "/tags").json()
    assert api("GET", "/keys/999999999").status_code == 404


def test_revoke_restore_and_window(api, coll, emulator):
    keys = make_keys(api, coll, "r1-" + uid(), "r2-" + uid())
    ids = [k["id"] for k in keys]
    assert api("POST", "/keys/revoke", json={"keys": ids}).status_code == 204
    revoked = api("GET", "/keys/%d" % ids[0]).json()
    assert revoked["revoked"] is True and revoked["revokedAt"] and revoked["terminationAt"]
    only_revoked = api("GET", "/keys", params={"collectionId": coll["id"], "keyType": "Revoked"}).json()
    assert sorted(k["id"] for k in only_revoked["items"]) == sorted(ids)
    assert api("POST", "/keys/restore", json={"keys": [ids[0]]}).status_code == 204
    assert api("GET", "/keys/%d" % ids[0]).json()["revoked"] is False
    assert api("POST", "/keys/revoke", json={"keys": []}).status_code == 400
    assert api("POST", "/keys/revoke", json={"keys": [999999999]}).status_code == 404

    emulator.admin.advance_clock(119 * DAY)
    assert api("GET", "/keys/%d" % ids[1]).json()["revoked"] is True
    emulator.admin.advance_clock(2 * DAY)
    late = api("POST", "/keys/restore", json={"keys": [ids[1]]})
    assert late.status_code == 404 and "120 days" in late.json()["detail"]
    assert api("GET", "/keys/%d" % ids[1]).status_code == 404
    assert api("GET", "/keys/%d" % ids[0]).json()["revoked"] is False


def test_move_and_quota_reset(api, coll, emulator):
    keys = make_keys(api, coll, "m1-" + uid(), "m2-" + uid(), "m3-" + uid())
    other = api("POST", "/collections", json={"name": "dest-" + uid(), "contractId": CONTRACT, "groupId": GROUP})
    dest = other.json()
    try:
        assert api("POST", "/keys/move", json={"collectionId": dest["id"], "keys": [keys[0]["id"]]}).status_code == 204
        assert api("GET", "/keys/%d" % keys[0]["id"]).json()["collectionId"] == dest["id"]
        new_name = "new-" + uid()
        resp = api("POST", "/keys/move", json={"keys": [keys[1]["id"]], "newCollectionName": new_name,
                                               "newCollectionContractId": CONTRACT, "newCollectionGroupId": GROUP})
        assert resp.status_code == 204
        moved = api("GET", "/keys/%d" % keys[1]["id"]).json()
        assert moved["collectionName"] == new_name
        api("DELETE", "/collections/%d" % moved["collectionId"])
        assert api("POST", "/keys/move", json={"keys": [keys[2]["id"]]}).status_code == 400
        assert api("POST", "/keys/move", json={"collectionId": 999999999, "keys": [keys[2]["id"]]}).status_code == 404

        assert api("POST", "/keys/quota-reset", json={"keys": [keys[2]["id"]]}).status_code == 204
        assert api("GET", "/keys/%d" % keys[2]["id"]).json()["quotaUpdateState"] == "PROCESSING"
        emulator.admin.advance_clock(60)
        assert api("GET", "/keys/%d" % keys[2]["id"]).json()["quotaUpdateState"] == "NONE"
    finally:
        api("DELETE", "/collections/%d" % dest["id"])


def counter_body(**extra):
    """A valid v1 counter body."""
    body = {"name": "counter-" + uid(), "enabled": True, "contractId": CONTRACT, "groupId": GROUP,
            "throttling": 1000, "onOverLimit": "WARN"}
    body.update(extra)
    return body


def test_counters(api, coll, emulator):
    key = make_keys(api, coll, "c-" + uid())[0]
    endpoint = api("GET", "/collections/%d/endpoints" % coll["id"]).json()[0]
    rules = [{"type": "KEY", "values": [key["id"]]}, {"type": "KEY_COLLECTION", "values": [coll["id"]]},
             {"type": "ACL_ENTRY", "values": ["ENDPOINT-%d" % endpoint["apiEndPointId"]]}]
    resp = api("POST", "/counters", json=counter_body(rules=rules, headers={"sendRateToOrigin": True}))
    assert resp.status_code == 201, resp.text
    counter = resp.json()
    assert counter["throttling"] == 1000 and {r["type"] for r in counter["rules"]} == {"KEY", "KEY_COLLECTION",
                                                                                       "ACL_ENTRY"}
    assert counter["headers"]["sendRateToOrigin"] is True and counter["headers"]["sendLimitToClient"] is False
    cid = counter["id"]
    assert counter["status"] == "DIRTY"
    try:
        assert cid in [c["id"] for c in api("GET", "/counters").json()]
        assert api("GET", "/counters/%d" % cid).json()["name"] == counter["name"]
        for bad in ({"throttling": 9}, {"throttling": 1000001}, {"onOverLimit": "BLOCK"}, {"name": ""},
                    {"rules": [{"type": "KEY", "values": [999999999]}]}, {"rules": [{"type": "KEY", "values": []}]}):
            assert api("POST", "/counters", json=counter_body(**bad)).status_code == 400, bad
        edited = api("PUT", "/counters/%d" % cid, json=counter_body(name="renamed", throttling=10, onOverLimit="DENY"))
        assert edited.status_code == 200 and edited.json()["throttling"] == 10 and edited.json()["rules"] == []
        assert api("PUT", "/counters/%d" % cid, json=counter_body(throttling=1000000)).status_code == 200
        assert len(api("GET", "/counters/%d/endpoints" % cid).json()) == 3
        assert key["id"] in [k["id"] for k in api("GET", "/counters/%d/keys" % cid).json()]
        emulator.admin.advance_clock(1)
        assert api("GET", "/counters/%d" % cid).json()["status"] == "ACTIVE"
    finally:
        assert api("DELETE", "/counters/%d" % cid).status_code == 204
    assert api("GET", "/counters/%d" % cid).status_code == 404


def test_readonly_client_cannot_write(emulator, coll):
    readonly = Api(emulator, "readonly")
    assert readonly("GET", "/collections/%d" % coll["id"]).status_code == 200
    assert readonly("POST", "/collections", json={"name": "ro-" + uid(), "contractId": CONTRACT,
                                                  "groupId": GROUP}).status_code == 403
    assert readonly("POST", "/keys/generate", json={"collectionId": coll["id"], "count": 1}).status_code == 403
    assert readonly("DELETE", "/collections/%d" % coll["id"]).status_code == 403


def test_account2_has_its_own_state(emulator, api, coll):
    other = Api(emulator, "account2")
    assert coll["id"] not in [c["id"] for c in other("GET", "/collections").json()]
    assert other("GET", "/collections/%d" % coll["id"]).status_code == 404
    assert other("POST", "/collections", json={"name": "x-" + uid(), "contractId": CONTRACT,
                                               "groupId": GROUP}).status_code == 403
    resp = other("POST", "/collections", json={"name": coll["name"], "contractId": "C-1EMU002", "groupId": 20001})
    assert resp.status_code == 201, resp.text
    theirs = resp.json()
    try:
        assert theirs["id"] not in [c["id"] for c in api("GET", "/collections").json()]
        assert len(other("GET", "/collections/%d/endpoints" % theirs["id"]).json()) == 3
    finally:
        assert other("DELETE", "/collections/%d" % theirs["id"]).status_code == 204
