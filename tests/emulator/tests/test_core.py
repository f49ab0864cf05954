"""Core of the emulator: EdgeGrid verification, access control, problems, faults, log, clock, state."""

import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from akamai.edgegrid import EdgeGridAuth, edgegrid as eg_module

from akamai_emulator import auth, bootstrap
from akamai_emulator.app import create_app
from akamai_emulator.config import EmulatorConfig
from akamai_emulator.problems import Problem
from akamai_emulator.server import BackgroundServer, prepare
from akamai_emulator.state import Store
from akamai_emulator.testing import running_emulator

VECTORS_DIR = os.path.join(os.path.dirname(eg_module.__file__), "test")
SELF_CREDS = "/identity-management/v3/api-clients/self/credentials"


def _load(name):
    with open(os.path.join(VECTORS_DIR, name), encoding="utf-8") as handle:
        return json.load(handle)


CASES = [case for case in _load("testcases.json") if not case.get("failsWithMessage")]


def _problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status
    for name in ("type", "title", "detail", "instance"):
        assert body[name], name
    return body


# -- EdgeGrid test vectors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=[case["testName"] for case in CASES])
def test_edgegrid_vectors(case):
    data = _load("testdata.json")
    req = case["request"]
    headers = {}
    for item in req.get("headers", []):
        headers.update(item)
    url = urlsplit(urljoin(data["base_url"], req["path"]))
    host = headers.get("Host", url.netloc)
    path_query = url.path + ("?" + url.query if url.query else "")
    body = req.get("data", "").encode("utf-8")
    fields, unsigned = auth.parse_authorization(case["expectedAuthorization"])
    assert unsigned == ("EG1-HMAC-SHA256 client_token=%s;access_token=%s;timestamp=%s;nonce=%s;"
                        % (data["client_token"], data["access_token"], data["timestamp"], data["nonce"]))
    to_sign = auth.data_to_sign(req["method"], url.scheme, host, path_query, headers, body, "",
                                data["max_body"], data["headers_to_sign"])
    assert to_sign == case["expectedDataToSign"]
    to_sign = auth.data_to_sign(req["method"], url.scheme, host, path_query, headers, body, unsigned,
                                data["max_body"], data["headers_to_sign"])
    assert auth.signature(data["client_secret"], fields["timestamp"], to_sign) == fields["signature"]


def test_edgegrid_vector_helpers():
    data = _load("testdata.json")
    assert auth.signing_key(data["client_secret"], data["timestamp"]) == data["sign_key_test"]
    assert auth.content_hash("POST", b"test_body", data["max_body"]) == data["content_hash_test"]
    assert auth.content_hash("PUT", b"test_body", data["max_body"]) == ""


@pytest.mark.parametrize("header", [
    "", "Basic abc", "EG1-HMAC-SHA256 client_token=a;access_token=b;timestamp=c;nonce=d;",
    "EG1-HMAC-SHA256 client_token=a;access_token=b;nonce=d;signature=e",
])
def test_parse_authorization_refuses_malformed(header):
    with pytest.raises(ValueError):
        auth.parse_authorization(header)


# -- EdgeGrid over real HTTP ---------------------------------------------------------------------------------------

def test_signed_get_and_post_accepted(emulator):
    session = emulator.session()
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200
    resp = session.post(emulator.url(SELF_CREDS), json={"description": "x" * 10})
    assert resp.status_code == 201, resp.text


def test_large_post_body_hashed_up_to_max_body(emulator):
    resp = emulator.session().post(emulator.url(SELF_CREDS), json={"description": "d" * 200000})
    assert resp.status_code == 201, resp.text


def test_missing_authorization(emulator):
    body = _problem(requests.get(emulator.url(SELF_CREDS), timeout=10), 401)
    assert body["type"].endswith("/pep-authn/deny")


def test_tampered_body_refused(emulator):
    session = emulator.session()
    prepared = session.prepare_request(requests.Request("POST", emulator.url(SELF_CREDS),
                                                        json={"description": "signed"}))
    prepared.body = json.dumps({"description": "tampered"}).encode()
    prepared.headers["Content-Length"] = str(len(prepared.body))
    body = _problem(session.send(prepared), 401)
    assert body["detail"] == "The signature does not match"
    assert len(emulator.store.credentials) == 2


def test_put_body_is_not_signed(emulator):
    """As Akamai (and edgegrid-python): only POST bodies are hashed; a PUT body is not covered."""
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    expires = created["expiresOn"]
    prepared = session.prepare_request(requests.Request("PUT", url, json={"expiresOn": expires, "status": "ACTIVE",
                                                                          "description": "signed"}))
    prepared.body = json.dumps({"expiresOn": expires, "status": "ACTIVE", "description": "changed"}).encode()
    prepared.headers["Content-Length"] = str(len(prepared.body))
    assert session.send(prepared).status_code == 200
    assert session.get(url).json()["description"] == "changed"


def test_post_body_hashed_only_up_to_max_body(emulator):
    session = emulator.session()
    text = "a" * 140000
    prepared = session.prepare_request(requests.Request("POST", emulator.url(SELF_CREDS),
                                                        json={"description": text}))
    body = prepared.body
    prepared.body = body[:131072] + body[131072:].replace(b"a", b"b")
    assert session.send(prepared).status_code == 201
    prepared = session.prepare_request(requests.Request("POST", emulator.url(SELF_CREDS),
                                                        json={"description": text}))
    prepared.body = prepared.body[:100] + b"b" + prepared.body[101:]
    _problem(session.send(prepared), 401)


def test_tampered_path_and_query_refused(emulator):
    session = emulator.session()
    prepared = session.prepare_request(requests.Request("GET", emulator.url(SELF_CREDS)))
    prepared.url = prepared.url + "?actions=true"
    _problem(session.send(prepared), 401)


def test_wrong_secret_refused(emulator):
    values = emulator.section("default")
    signer = EdgeGridAuth(client_token=values["client_token"], access_token=values["access_token"],
                          client_secret="A" * 43 + "=")
    body = _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)
    assert values["client_secret"] not in json.dumps(body)


def test_unknown_client_token_and_wrong_access_token(emulator):
    values = emulator.section("default")
    signer = EdgeGridAuth(client_token="akab-unknown", access_token=values["access_token"],
                          client_secret=values["client_secret"])
    assert "client token" in _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)["detail"]
    readonly = emulator.section("readonly")
    signer = EdgeGridAuth(client_token=values["client_token"], access_token=readonly["access_token"],
                          client_secret=values["client_secret"])
    assert "access token" in _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)["detail"]


@pytest.mark.parametrize("skew", [-3600, -40, 40])
def test_stale_or_future_timestamp_refused(emulator, monkeypatch, skew):
    stamp = (datetime.now(timezone.utc) + timedelta(seconds=skew)).strftime("%Y%m%dT%H:%M:%S+0000")
    monkeypatch.setattr(eg_module, "eg_timestamp", lambda: stamp)
    body = _problem(emulator.session().get(emulator.url(SELF_CREDS)), 400)
    assert body["detail"] == "Invalid timestamp"
    assert body["type"].endswith("/pep-authn/request-error")


def test_timestamp_within_window_accepted(emulator, monkeypatch):
    stamp = (datetime.now(timezone.utc) - timedelta(seconds=20)).strftime("%Y%m%dT%H:%M:%S+0000")
    monkeypatch.setattr(eg_module, "eg_timestamp", lambda: stamp)
    assert emulator.session().get(emulator.url(SELF_CREDS)).status_code == 200


def test_replayed_nonce_refused(emulator):
    session = emulator.session()
    prepared = session.prepare_request(requests.Request("GET", emulator.url(SELF_CREDS)))
    assert session.send(prepared).status_code == 200
    body = _problem(session.send(prepared), 401)
    assert "nonce" in body["detail"]


def test_each_attempt_signed_anew_is_accepted(emulator):
    session = emulator.session()
    for dummy in range(5):
        assert session.get(emulator.url(SELF_CREDS)).status_code == 200


# -- access control ------------------------------------------------------------------------------------------------

def test_readonly_client_reads_but_cannot_write(emulator):
    session = emulator.session("readonly")
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200
    body = _problem(session.post(emulator.url(SELF_CREDS), json={}), 403)
    assert body["detail"] == "The client does not have the grant needed for the request"
    assert body["type"].endswith("/pep-authz/deny")


def test_every_loaded_module_is_granted_to_the_admin(emulator):
    modules = emulator.app.extensions["emulator_modules"]
    assert "iam" in modules
    from akamai_emulator import iam  # pylint: disable=import-outside-toplevel
    admin = emulator.store.clients[emulator.store.meta["admin_client"]]
    readonly = emulator.store.clients[emulator.store.meta["readonly_client"]]
    for module in modules.values():
        if module.SERVICE_NAME:
            assert iam.access_level(admin, module.SERVICE_NAME) == "READ-WRITE"
            assert iam.access_level(readonly, module.SERVICE_NAME) == "READ-ONLY"


def test_account_switch_key(emulator):
    admin = emulator.session()
    switched = emulator.session("account2")
    key = emulator.section("account2")["account_key"]
    url = emulator.url("/identity-management/v3/api-clients")
    own = admin.get(url).json()
    other = switched.get(url).json()
    assert {c["clientName"] for c in own} == {"emulator-admin", "emulator-readonly"}
    assert other == []
    body = _problem(admin.get(url, params={"accountSwitchKey": "1-NOPE:1-NOPE"}), 403)
    assert body["type"].endswith("/pep-authz/deny")
    _problem(emulator.session("readonly").get(url, params={"accountSwitchKey": key}), 403)


def test_switch_key_of_own_account_is_accepted(emulator):
    own_key = emulator.store.accounts[emulator.store.meta["primary_account"]].switch_key
    resp = emulator.session("readonly").get(emulator.url(SELF_CREDS), params={"accountSwitchKey": own_key})
    assert resp.status_code == 200


def test_concurrent_requests(emulator):
    results = []

    def worker():
        session = emulator.session()
        for dummy in range(5):
            results.append(session.get(emulator.url(SELF_CREDS)).status_code)

    threads = [threading.Thread(target=worker) for dummy in range(8)]
    emulator.admin.reset_log()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [200] * 40
    assert emulator.admin.log()["counts"]["GET " + SELF_CREDS] == 40


def test_unknown_path_and_method_are_problems(emulator):
    session = emulator.session()
    _problem(session.get(emulator.url("/identity-management/v3/nothing-here")), 404)
    _problem(session.patch(emulator.url(SELF_CREDS)), 405)
    _problem(requests.get(emulator.url("/identity-management/v3/nothing-here"), timeout=10), 401)


def test_problem_rendering_and_uncaught_exception(tmp_path):
    config = EmulatorConfig()
    store = Store()
    app = create_app(config, store)

    def boom():
        raise RuntimeError("secret internals")

    def limited():
        raise Problem(429, "urn:test", "Too Many Requests", "slow down", errors=[{"a": 1}],
                      headers={"Retry-After": "3"}, extra_member="x")

    app.add_url_rule("/_emulator/boom", view_func=boom)
    app.add_url_rule("/_emulator/limited", view_func=limited)
    client = app.test_client()
    resp = client.get("/_emulator/boom")
    assert resp.status_code == 500
    assert resp.mimetype == "application/problem+json"
    assert "secret internals" not in resp.get_data(as_text=True)
    first = client.get("/_emulator/limited")
    second = client.get("/_emulator/limited")
    assert first.status_code == 429 and first.headers["Retry-After"] == "3"
    doc = first.get_json(force=True)
    assert doc["errors"] == [{"a": 1}] and doc["extra_member"] == "x" and doc["detail"] == "slow down"
    assert doc["instance"] != second.get_json(force=True)["instance"]
    assert tmp_path


# -- faults, log, clock --------------------------------------------------------------------------------------------

def test_fault_429_next_n(emulator):
    session = emulator.session()
    emulator.admin.faults("429", count=2, path="/identity-management", retry_after=2)
    for dummy in range(2):
        resp = session.get(emulator.url(SELF_CREDS))
        _problem(resp, 429)
        for name in ("Akamai-RateLimit-Next", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Next"):
            assert name in resp.headers
        nxt = datetime.fromisoformat(resp.headers["Akamai-RateLimit-Next"].replace("Z", "+00:00"))
        assert nxt > datetime.now(timezone.utc)
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200


def test_fault_503_filtered_by_method(emulator):
    session = emulator.session()
    emulator.admin.faults("503", method="POST", count=1)
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200
    _problem(session.post(emulator.url(SELF_CREDS), json={}), 503)
    assert len(emulator.store.credentials) == 2
    assert session.post(emulator.url(SELF_CREDS), json={}).status_code == 201


def test_fault_fraction(emulator):
    session = emulator.session()
    emulator.admin.faults("503", fraction=1.0)
    assert session.get(emulator.url(SELF_CREDS)).status_code == 503
    emulator.admin.clear_faults()
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200


def test_fault_slow(emulator):
    session = emulator.session()
    emulator.admin.faults("slow", delay=0.4, count=1)
    start = time.monotonic()
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200
    assert time.monotonic() - start >= 0.4
    with pytest.raises(requests.exceptions.ReadTimeout):
        emulator.admin.faults("slow", delay=0.5, count=1)
        session.get(emulator.url(SELF_CREDS), timeout=0.2)


def test_fault_drop(emulator):
    session = emulator.session()
    emulator.admin.faults("drop", count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(emulator.url(SELF_CREDS))
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200


def test_fault_skip_lets_the_first_matching_requests_pass(emulator):
    session = emulator.session()
    emulator.admin.faults("503", method="GET", count=1, skip=2)
    assert session.post(emulator.url(SELF_CREDS), json={}).status_code == 201  # not matching: not skipped
    assert [session.get(emulator.url(SELF_CREDS)).status_code for dummy in range(4)] == [200, 200, 503, 200]
    resp = requests.post(emulator.url("/_emulator/faults"), json={"kind": "503", "skip": -1}, timeout=10)
    _problem(resp, 400)


def test_fault_drop_after_acting(emulator):
    session = emulator.session()
    emulator.admin.faults("drop-after", method="POST", count=1)
    with pytest.raises(requests.exceptions.ConnectionError):
        session.post(emulator.url(SELF_CREDS), json={"description": "acted"})
    listed = session.get(emulator.url(SELF_CREDS)).json()
    assert [cred["description"] for cred in listed] == ["bootstrap credential", "acted"]


def test_fault_rule_validation(emulator):
    resp = requests.post(emulator.url("/_emulator/faults"), json={"kind": "teapot"}, timeout=10)
    _problem(resp, 400)


def test_request_log(emulator):
    session = emulator.session()
    emulator.admin.reset_log()
    session.get(emulator.url(SELF_CREDS))
    session.get(emulator.url(SELF_CREDS))
    session.post(emulator.url(SELF_CREDS), json={})
    log = emulator.admin.log()
    assert log["counts"]["GET " + SELF_CREDS] == 2
    assert log["counts"]["POST " + SELF_CREDS] == 1
    assert log["total"] == 3
    assert [entry["status"] for entry in log["entries"]] == [200, 200, 201]
    emulator.admin.reset_log()
    assert emulator.admin.log()["total"] == 0


def test_clock_advance(emulator):
    before = datetime.fromisoformat(emulator.admin.clock()["now"].replace("Z", "+00:00"))
    after = datetime.fromisoformat(emulator.admin.advance_clock(86400)["now"].replace("Z", "+00:00"))
    assert after - before >= timedelta(seconds=86400)
    # EdgeGrid timestamps are still checked against the real clock.
    assert emulator.session().get(emulator.url(SELF_CREDS)).status_code == 200


def test_admin_endpoints_need_no_signature(emulator):
    assert requests.get(emulator.url("/_emulator/health"), timeout=10).json()["status"] == "ok"


# -- state ---------------------------------------------------------------------------------------------------------

def test_restart_keeps_state(tmp_path):
    state = str(tmp_path / "state.json")
    with running_emulator(tmp_path, state_file=state) as emu:
        created = emu.session().post(emu.url(SELF_CREDS), json={"description": "survives"}).json()
        edgerc = emu.section("default")
        assert oct(os.stat(state).st_mode & 0o777) == "0o600"
    config = EmulatorConfig(state_file=state)
    app, store, bootstrapped = prepare(config)
    assert not bootstrapped
    server = BackgroundServer(app).start()
    try:
        signer = EdgeGridAuth(client_token=edgerc["client_token"], client_secret=edgerc["client_secret"],
                              access_token=edgerc["access_token"])
        listed = requests.get(server.base_url + SELF_CREDS, auth=signer, timeout=10).json()
        assert created["credentialId"] in [cred["credentialId"] for cred in listed]
        new_signer = EdgeGridAuth(client_token=created["clientToken"], client_secret=created["clientSecret"],
                                  access_token=edgerc["access_token"])
        assert requests.get(server.base_url + SELF_CREDS, auth=new_signer, timeout=10).status_code == 200
        assert store.new_id() > created["credentialId"]
    finally:
        server.stop()


def test_edgerc_written_0600_with_sections(emulator):
    assert oct(os.stat(emulator.edgerc).st_mode & 0o777) == "0o600"
    for name in ("default", "readonly", "account2"):
        section = emulator.section(name)
        assert section["host"] == emulator.base_url
    assert emulator.section("account2")["account_key"]
    assert "account_key" not in emulator.section("default")


def test_write_edgerc_replaces_atomically(tmp_path):
    path = tmp_path / "rc"
    bootstrap.write_edgerc(str(path), {"a": {"host": "h"}})
    bootstrap.write_edgerc(str(path), {"b": {"host": "h2"}})
    assert "[b]" in path.read_text() and "[a]" in path.read_text()
    bootstrap.write_edgerc(str(path), {"b": {"host": "h3"}}, keep_others=False)
    assert "h3" in path.read_text() and "[a]" not in path.read_text()
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


def test_module_loading(caplog):
    from akamai_emulator.app import API_MODULES, load_modules  # pylint: disable=import-outside-toplevel
    modules = load_modules()
    assert set(modules) == set(API_MODULES)
    for module in modules.values():
        assert module.AUTH in ("edgegrid", "oauth2")
        assert module.blueprint.url_prefix
    assert set(load_modules(("iam", "not_written_yet"), required=("iam",))) == {"iam"}
    assert "not_written_yet" in caplog.text
    with pytest.raises(ModuleNotFoundError):
        load_modules(("iam", "not_written_yet"), required=("iam", "not_written_yet"))


def test_latency_applies_to_api_requests_only(tmp_path):
    with running_emulator(tmp_path, latency_ms=150, latency_jitter_ms=20) as emu:
        session = emu.session()
        times = []
        for dummy in range(3):
            start = time.monotonic()
            assert session.get(emu.url(SELF_CREDS)).status_code == 200
            times.append(time.monotonic() - start)
        assert min(times) >= 0.13
        start = time.monotonic()
        for dummy in range(3):
            emu.admin.log()
        assert (time.monotonic() - start) / 3 < 0.1
        emu.admin.faults("503", count=1)
        start = time.monotonic()
        assert session.get(emu.url(SELF_CREDS)).status_code == 503
        assert time.monotonic() - start >= 0.13


def test_the_log_counts_the_api_requests_in_flight_at_once(tmp_path):
    with running_emulator(tmp_path, latency_ms=200) as emu:
        for dummy in range(2):
            assert emu.session().get(emu.url(SELF_CREDS)).status_code == 200
        assert emu.admin.log()["max_in_flight"] == 1  # one after the other
        emu.admin.faults("503", count=1)
        threads = [threading.Thread(target=lambda: emu.session().get(emu.url(SELF_CREDS))) for dummy in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = emu.admin.log()
        assert log["max_in_flight"] == 3 and log["total"] == 5  # faulted answers count too
        emu.admin.reset_log()
        assert emu.admin.log()["max_in_flight"] == 0


def test_latency_refuses_negative_values(tmp_path):
    for bad in ({"latency_ms": -1}, {"latency_jitter_ms": float("nan")}, {"latency_ms": float("inf")}):
        with pytest.raises(ValueError, match="latency"):
            with running_emulator(tmp_path, **bad):
                pass


def test_set_latency_changes_the_wait(tmp_path):
    with running_emulator(tmp_path) as emu:
        session = emu.session()
        emu.set_latency(200)
        start = time.monotonic()
        assert session.get(emu.url(SELF_CREDS)).status_code == 200
        assert time.monotonic() - start >= 0.19
        emu.set_latency(0)
        start = time.monotonic()
        assert session.get(emu.url(SELF_CREDS)).status_code == 200
        assert time.monotonic() - start < 0.19
        with pytest.raises(ValueError, match="latency_ms"):
            emu.set_latency(-1)
