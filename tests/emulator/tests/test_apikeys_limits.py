"""The 10,000-keys-per-contract limit and listing speed at that size (in the second account, so the
other API Keys tests keep their room)."""

import time
import uuid

CONTRACT2 = "C-1EMU002"
GROUP2 = 20001
LIMIT = 10000


def test_ten_thousand_keys_per_contract(emulator):
    session = emulator.session("account2")

    def call(method, path, **kwargs):
        return session.request(method, emulator.url("/apikey-manager-api" + path), **kwargs)

    resp = call("POST", "/v2/collections", json={"collectionName": "bulk-" + uuid.uuid4().hex[:8],
                                                 "contractId": CONTRACT2, "groupId": GROUP2})
    assert resp.status_code == 201, resp.text
    cid = resp.json()["collectionId"]
    try:
        gen = call("POST", "/v2/keys/generate", json={"collectionId": cid, "count": LIMIT - 1})
        assert gen.status_code == 201, gen.text
        last = call("POST", "/v1/keys", json={"collectionId": cid, "value": "last-" + uuid.uuid4().hex})
        assert last.status_code == 201, last.text
        over = call("POST", "/v1/keys", json={"collectionId": cid, "value": "over-" + uuid.uuid4().hex})
        assert over.status_code == 400
        assert over.json()["errors"][0]["type"] == "/apikey-manager-api/error-types/limit-exceeded"
        assert "10000" in over.json()["errors"][0]["detail"]
        assert call("POST", "/v2/keys/generate", json={"collectionId": cid, "count": 1}).status_code == 400
        assert call("POST", "/v2/collections/%d/import-keys" % cid, data="VALUE\nimp-%s\n" % uuid.uuid4().hex,
                    headers={"Content-Type": "text/csv"}).status_code == 400

        started = time.monotonic()
        ids = set()
        for number in range(1, 11):
            page = call("GET", "/v1/keys", params={"collectionId": cid, "pageSize": 1000, "pageNumber": number})
            assert page.status_code == 200
            assert page.json()["totalItems"] == LIMIT
            ids.update(k["id"] for k in page.json()["items"])
        assert len(ids) == LIMIT
        v2_ids = set()
        for number in range(1, 11):
            page = call("GET", "/v2/keys", params={"collectionId": cid, "pageSize": 1000, "page": number}).json()
            v2_ids.update(k["keyId"] for k in page["keys"])
        assert v2_ids == ids
        assert time.monotonic() - started < 10
        assert call("GET", "/v1/collections/%d" % cid).json()["keyCount"] == LIMIT
    finally:
        assert call("DELETE", "/v1/collections/%d" % cid).status_code == 204
    again = call("POST", "/v2/collections", json={"collectionName": "after-" + uuid.uuid4().hex[:8],
                                                  "contractId": CONTRACT2, "groupId": GROUP2})
    try:
        made = call("POST", "/v2/keys", json={"collectionId": again.json()["collectionId"], "keyValues": ["x-1"]})
        assert made.status_code == 201, made.text
    finally:
        call("DELETE", "/v2/collections/%d" % again.json()["collectionId"])
