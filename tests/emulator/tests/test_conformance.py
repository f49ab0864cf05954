"""The emulator against Akamai's OpenAPI files (--check-openapi, conformance.py), and the answers that once broke them.

Each exchange below runs against an emulator started with check_openapi=True; what it recorded is read back from
GET /_emulator/conformance. Fixed answers are also asserted directly, so that each fix is tested twice: by the file
and by the fact.
"""

import json
import logging
import math
import os
import time

import pytest
import requests

from akamai_emulator import conformance
from akamai_emulator.apikeys import v1 as apikeys_v1
from akamai_emulator.config import EmulatorConfig
from akamai_emulator.server import BackgroundServer, prepare
from akamai_emulator.testing import running_emulator

CONTRACT = "C-1EMU001"
GROUP = 10001
IAM = "/identity-management/v3"
V1 = "/apikey-manager-api/v1"
V2 = "/apikey-manager-api/v2"


@pytest.fixture(name="checked", scope="module")
def checked_fixture(tmp_path_factory):
    """One emulator checking every exchange (loading the OpenAPI files takes a second or two)."""
    with running_emulator(tmp_path_factory.mktemp("checked"), propagation_delay=0.2, check_openapi=True,
                          max_page_size=100) as emu:
        yield emu


@pytest.fixture(name="emu")
def emu_fixture(checked):
    """The checking emulator, with nothing recorded yet."""
    checked.admin.reset_conformance()
    return checked


def _violations(emu):
    return emu.admin.conformance()["violations"]


def _v1_counter(session, emu, **extra):
    body = {"name": "counter-%d" % len(extra), "enabled": True, "contractId": CONTRACT, "groupId": GROUP,
            "throttling": 100, "onOverLimit": "WARN"}
    body.update(extra)
    return session.post(emu.url(V1 + "/counters"), json=body)


# -- the six answers the files showed wrong -------------------------------------------------------------------------

def test_v1_counters_carry_only_what_counter_yaml_allows(emu):
    session = emu.session()
    created = _v1_counter(session, emu, name="conforming-counter")
    assert created.status_code == 201, created.text
    counter = created.json()
    put = session.put(emu.url(V1 + "/counters/%d" % counter["id"]), json={
        key: counter[key] for key in ("name", "enabled", "contractId", "groupId", "throttling", "onOverLimit")})
    assert put.status_code == 200, put.text
    listed = session.get(emu.url(V1 + "/counters")).json()
    for answer in (counter, put.json()) + tuple(listed):
        for member in ("dirty", "createdAt", "updatedAt", "createdBy", "updatedBy"):
            assert member not in answer
        assert answer["status"] in ("DIRTY", "ACTIVE") and answer["ownerInfo"]["identity"]
    assert _violations(emu) == []
    assert emu.admin.conformance()["checked"]["apikey-manager-api-v1"] == 3


def test_iam_list_items_carry_service_consumer_token(emu):
    session = emu.session()
    clients = session.get(emu.url(IAM + "/api-clients")).json()
    assert clients and all(client["serviceConsumerToken"].startswith("akab-") for client in clients)
    assert "serviceConsumerToken" not in session.get(emu.url(IAM + "/api-clients/self")).json()
    assert _violations(emu) == []


def test_iam_client_update_embeds_credentials_without_max_allowed_expiry(emu):
    session = emu.session()
    client = session.get(emu.url(IAM + "/api-clients/self"),
                         params={"apiAccess": "true", "groupAccess": "true"}).json()
    body = {"clientName": client["clientName"], "authorizedUsers": client["authorizedUsers"], "apiAccess": {"allAccessibleApis": True},
            "groupAccess": {"cloneAuthorizedUserGroups": True}}
    resp = session.put(emu.url(IAM + "/api-clients/" + client["clientId"]), json=body)
    assert resp.status_code == 200, resp.text
    credentials = resp.json()["credentials"]
    assert credentials and all("maxAllowedExpiry" not in cred for cred in credentials)
    # The credentials operations still carry it (credential-nosecret.yaml requires it).
    assert all("maxAllowedExpiry" in cred for cred in session.get(emu.url(IAM + "/api-clients/self/credentials")).json())
    assert _violations(emu) == []


def test_v2_empty_answers_have_no_content_type(emu):
    session = emu.session()
    coll = session.post(emu.url(V2 + "/collections"),
                        json={"collectionName": "no-content", "contractId": CONTRACT, "groupId": GROUP}).json()
    key = session.post(emu.url(V2 + "/keys/generate"), json={"collectionId": coll["collectionId"], "count": 1})
    resp = session.post(emu.url(V2 + "/keys/revoke"), json={"keyIds": [key.json()["keys"][0]["keyId"]]})
    assert resp.status_code == 204
    assert "Content-Type" not in resp.headers and resp.content == b""
    assert _violations(emu) == []
    assert emu.admin.conformance()["unchecked"][V2] == 3


@pytest.mark.parametrize("raw", ['{"advance": NaN}', '{"advance": Infinity}', '{"advance": -Infinity}',
                                 '{"advance": 1e300}', '{"advance": "nan"}', '{"advance": "inf"}',
                                 '{"advance": true}', '{"advance": -1}'])
def test_clock_refuses_what_is_not_a_finite_advance(tmp_path, raw):
    state = str(tmp_path / "state.json")
    with running_emulator(tmp_path, state_file=state) as emu:
        resp = requests.post(emu.url("/_emulator/clock"), data=raw, headers={"Content-Type": "application/json"},
                             timeout=10)
        assert resp.status_code == 400, resp.text
        assert "advance must be a finite JSON number" in resp.json()["detail"]
        assert emu.admin.clock()["offset"] == 0
        # Every later call still works, and a write saves a state that loads again.
        session = emu.session()
        assert session.post(emu.url(IAM + "/api-clients/self/credentials"), json={}).status_code == 201
        emu.admin.advance_clock(60)
    with open(state, encoding="utf-8") as handle:
        text = handle.read()
    assert "NaN" not in text and "Infinity" not in text
    app, store, bootstrapped = prepare(EmulatorConfig(state_file=state))
    assert not bootstrapped and store.clock_offset == 60
    server = BackgroundServer(app).start()
    try:
        assert requests.get(server.base_url + "/_emulator/clock", timeout=10).json()["offset"] == 60
    finally:
        server.stop()


def test_clock_offset_stays_within_a_century(emulator):
    emulator.admin.advance_clock(86400)
    resp = requests.post(emulator.url("/_emulator/clock"), json={"advance": 100 * 365.25 * 86400}, timeout=10)
    assert resp.status_code == 400 and emulator.admin.clock()["offset"] == 86400
    assert emulator.session().get(emulator.url(IAM + "/api-clients/self/credentials")).status_code == 200


def test_a_state_holding_nan_is_refused_by_name(tmp_path):
    state = tmp_path / "state.json"
    with running_emulator(tmp_path, state_file=str(state)):
        pass
    doc = json.loads(state.read_text(encoding="utf-8"))
    doc["clock_offset"] = math.nan
    state.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match="clock_offset must be a finite number"):
        prepare(EmulatorConfig(state_file=str(state)))


def test_a_dropped_request_body_is_not_logged(emulator, caplog, capfd):
    secret = "dropped-key-value-%s" % os.urandom(6).hex()
    coll = emulator.session().post(emulator.url(V2 + "/collections"), json={
        "collectionName": "dropped", "contractId": CONTRACT, "groupId": GROUP}).json()
    emulator.admin.faults("drop", method="POST", count=1)
    with caplog.at_level(logging.DEBUG, logger="werkzeug"):
        with pytest.raises(requests.exceptions.ConnectionError):
            emulator.session().post(emulator.url(V2 + "/keys"),
                                    json={"collectionId": coll["collectionId"], "keyValues": [secret]})
        # The next request is answered; the server thread of the dropped connection has had time to read (and,
        # before the fix, to log as a malformed request) what the client had sent.
        assert emulator.session().get(emulator.url(V2 + "/tags")).status_code == 200
        time.sleep(0.5)
    out, err = capfd.readouterr()
    server_side = [record.getMessage() for record in caplog.records
                   if record.name.startswith(("werkzeug", "akamai_emulator"))]
    assert all(secret not in line for line in server_side)
    assert secret not in out and secret not in err
    assert secret not in json.dumps(emulator.admin.log())


# -- the check itself ----------------------------------------------------------------------------------------------

def test_a_wrong_answer_is_a_violation_and_fails_the_report(emu, monkeypatch):
    original = apikeys_v1.counter_v1
    monkeypatch.setattr(apikeys_v1, "counter_v1", lambda counter: dict(original(counter), dirty=False))
    resp = emu.session().get(emu.url(V1 + "/counters"))
    assert resp.status_code == 200
    violations = _violations(emu)
    assert [(v["api"], v["operation"], v["where"], v["status"]) for v in violations] == \
        [("apikey-manager-api-v1", "GET /counters", "response", 200)] * len(violations)
    assert any("'dirty' was unexpected" in v["message"] for v in violations)
    lines, ok = conformance.report(emu.admin.conformance())
    assert not ok and any(line.startswith("OPENAPI VIOLATION: apikey-manager-api-v1 GET /counters") for line in lines)


def test_an_undeclared_status_and_a_wrong_request_are_violations(emu):
    session = emu.session()
    # A member counter.yaml does not have: the request breaks the file (whatever the emulator answers).
    _v1_counter(session, emu, color="blue")
    found = {(v["where"], v["message"]) for v in _violations(emu)}
    assert ("request", "Additional properties are not allowed ('color' was unexpected)") in found
    # A path the file does not have.
    emu.admin.reset_conformance()
    session.get(emu.url(IAM + "/no-such-thing"))
    assert [v["kind"] for v in _violations(emu)] == ["PathNotFound"]


def test_violations_never_quote_the_value(emu, monkeypatch):
    secret = "value-that-must-not-show-%s" % os.urandom(6).hex()
    original = apikeys_v1.counter_v1
    monkeypatch.setattr(apikeys_v1, "counter_v1", lambda counter: dict(original(counter), name=[secret]))
    emu.session().get(emu.url(V1 + "/counters"))
    summary = emu.admin.conformance()
    assert summary["violations"] and secret not in json.dumps(summary)
    assert any(v["pointer"].endswith("/name") and v["message"] == "type 'string' failed"
               for v in summary["violations"])


def test_known_defects_are_counted_apart(emu):
    session = emu.session()
    allowed = session.get(emu.url(IAM + "/users/admin/allowed-apis")).json()
    groups = session.get(emu.url(IAM + "/users/admin/group-access")).json()
    body = {"clientName": "defect-client", "clientDescription": "known defects", "clientType": "CLIENT",
            "authorizedUsers": ["admin"],
            "apiAccess": {"allAccessibleApis": False,
                          "apis": [{"apiId": allowed[0]["apiId"], "accessLevel": "READ-ONLY"}]},
            "groupAccess": {"cloneAuthorizedUserGroups": False,
                            "groups": [{"groupId": groups[0]["groupId"], "roleId": groups[0]["roleId"]}]}}
    resp = session.post(emu.url(IAM + "/api-clients"), json=body)
    assert resp.status_code == 201, resp.text
    summary = emu.admin.conformance()
    assert summary["violations"] == []
    assert summary["known"].get("iam-api-access-not-all-apis") and summary["known"].get("iam-group-access-custom")
    session.delete(emu.url(IAM + "/api-clients/" + resp.json()["clientId"]))


@pytest.mark.parametrize("status,headers,data,expected", [
    (204, {"Content-Type": "text/html; charset=utf-8"}, b"", "carries Content-Type"),
    (204, {}, b"x", "carries a body"),
    (200, {"Content-Type": "application/json"}, b'{"a": NaN}', "not strict JSON"),
    (400, {"Content-Type": "application/problem+json"}, b'{"title": "t", "status": 400}', "lacks 'type'"),
    (404, {"Content-Type": "application/problem+json"}, b'{"type": "t", "title": "t", "status": 400}',
     "differs from the HTTP status"),
])
def test_http_rules_apply_to_every_api(status, headers, data, expected):
    problems = conformance.generic_problems(status, headers, data)
    assert len(problems) == 1 and expected in problems[0][1]
    assert conformance.generic_problems(200, {"Content-Type": "application/json"}, b'{"a": 1}') == []


def test_known_defects_file_gives_each_a_reason():
    checker = conformance.Conformance()
    ids = [entry["id"] for entry in checker.defects]
    assert len(ids) == len(set(ids))
    for entry in checker.defects:
        assert entry["api"] in conformance.SPECS.values() and entry["where"] in ("request", "response")
        assert len(entry["reason"].split()) >= 8, entry["id"]


# -- the page size cap (--max-page-size) ---------------------------------------------------------------------------

def test_v2_key_pages_are_capped_without_an_error(emu):
    session = emu.session()
    coll = session.post(emu.url(V2 + "/collections"),
                        json={"collectionName": "capped", "contractId": CONTRACT, "groupId": GROUP}).json()
    session.post(emu.url(V2 + "/keys/generate"), json={"collectionId": coll["collectionId"], "count": 250})
    seen = []
    for page in (1, 2, 3, 4):
        resp = session.get(emu.url(V2 + "/keys"),
                           params={"collectionId": coll["collectionId"], "page": page, "pageSize": 1000})
        assert resp.status_code == 200
        body = resp.json()
        assert body["pageSize"] == 100 and body["totalItems"] == 250 and body["page"] == page
        seen += [key["keyId"] for key in body["keys"]]
    assert len(seen) == len(set(seen)) == 250
