"""EdgeKV v1 access tokens (enhanced token workflow) against the emulator."""

import uuid
from datetime import datetime, timezone

TOKENS = "/edgekv/v1/tokens"


def _name(prefix="tok"):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


def _body(name, **extra):
    body = {"name": name, "allowOnStaging": True, "allowOnProduction": False,
            "namespacePermissions": {"default": ["r", "w"]}}
    body.update(extra)
    return body


def _business_date(emulator):
    """Today on the emulator's business clock, read from a token's issueDate."""
    session = emulator.session()
    name = _name("clock")
    resp = session.post(emulator.url(TOKENS), json=_body(name))
    assert resp.status_code == 200, resp.text
    session.delete(emulator.url("%s/%s" % (TOKENS, name)))
    return datetime.strptime(resp.json()["issueDate"], "%Y-%m-%d").replace(tzinfo=timezone.utc).date()


def _assert_problem(resp, status, type_suffix, error_code=None):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    doc = resp.json()
    assert doc["status"] == status
    assert doc["type"] == "/edgekv/error-types/" + type_suffix
    assert doc["instance"].startswith("/edgekv/error-instances/")
    if error_code:
        assert doc["errorCode"] == error_code
    return doc


def test_create_get_list_refresh_revoke(emulator):
    session = emulator.session()
    name = _name()
    body = _body(name, namespacePermissions={"default": ["r", "w", "d"], "marketing": ["r"]},
                 allowOnProduction=True, restrictToEdgeWorkerIds=["42001", "42002"])
    resp = session.post(emulator.url(TOKENS), json=body)
    assert resp.status_code == 200, resp.text
    token = resp.json()
    assert "value" not in token
    assert token["name"] == name
    assert uuid.UUID(token["uuid"])
    assert token["expiry"] == "9999-12-31"
    assert token["tokenActivationStatus"] == "IN_PROGRESS"
    assert token["latestRefreshDate"] is None
    assert token["nextScheduledRefreshDate"] > token["issueDate"]
    assert token["cpcode"] == "1234567"
    assert token["restrictToEdgeWorkerIds"] == ["42001", "42002"]
    assert token["namespacePermissions"] == {"default": ["r", "w", "d"], "marketing": ["r"]}
    assert token["allowOnProduction"] is True and token["allowOnStaging"] is True

    got = session.get(emulator.url("%s/%s" % (TOKENS, name)))
    assert got.status_code == 200
    assert got.json()["uuid"] == token["uuid"]
    assert "value" not in got.json()

    listed = session.get(emulator.url(TOKENS))
    assert listed.status_code == 200
    entry = [item for item in listed.json()["tokens"] if item["name"] == name]
    assert len(entry) == 1
    assert set(entry[0]) == {"name", "uuid", "expiry", "tokenActivationStatus", "issueDate",
                             "latestRefreshDate", "nextScheduledRefreshDate"}

    refreshed = session.post(emulator.url("%s/%s/refresh" % (TOKENS, name)))
    assert refreshed.status_code == 200, refreshed.text
    doc = refreshed.json()
    assert doc["uuid"] == token["uuid"]
    assert doc["latestRefreshDate"] == doc["issueDate"]
    assert doc["tokenActivationStatus"] == "IN_PROGRESS"
    assert "value" not in doc

    revoked = session.delete(emulator.url("%s/%s" % (TOKENS, name)))
    assert revoked.status_code == 200
    assert revoked.json() == {"name": name, "uuid": token["uuid"]}
    gone = session.get(emulator.url("%s/%s" % (TOKENS, name)))
    _assert_problem(gone, 404, "edgekv-not-found", "EKV_3000")
    again = session.delete(emulator.url("%s/%s" % (TOKENS, name)))
    _assert_problem(again, 404, "edgekv-not-found")


def test_activation_completes_after_propagation_delay(emulator):
    session = emulator.session()
    name = _name()
    assert session.post(emulator.url(TOKENS), json=_body(name)).json()["tokenActivationStatus"] == "IN_PROGRESS"
    emulator.admin.advance_clock(120)
    assert session.get(emulator.url("%s/%s" % (TOKENS, name))).json()["tokenActivationStatus"] == "COMPLETE"
    refreshed = session.post(emulator.url("%s/%s/refresh" % (TOKENS, name))).json()
    assert refreshed["tokenActivationStatus"] == "IN_PROGRESS"
    emulator.admin.advance_clock(120)
    listed = session.get(emulator.url(TOKENS)).json()["tokens"]
    assert [item["tokenActivationStatus"] for item in listed if item["name"] == name] == ["COMPLETE"]


def test_duplicate_name_is_a_conflict(emulator):
    session = emulator.session()
    name = _name()
    assert session.post(emulator.url(TOKENS), json=_body(name)).status_code == 200
    resp = session.post(emulator.url(TOKENS), json=_body(name, namespacePermissions={"marketing": ["r"]}))
    doc = _assert_problem(resp, 409, "edgekv-conflict")
    assert name in doc["detail"]


BAD_NAMES = ["", "-leading-dash", "has space", "x" * 33, "dot.ted", "sl/ash"]
BAD_BODIES = [
    {"namespacePermissions": {"default": ["x"]}},
    {"namespacePermissions": {"default": []}},
    {"namespacePermissions": {"default": ["r", "r"]}},
    {"namespacePermissions": {}},
    {"namespacePermissions": {"default": ["r"], "secure": ["r"]}},
    {"allowOnStaging": False, "allowOnProduction": False},
    {"allowOnStaging": "maybe"},
    {"restrictToEdgeWorkerIds": ["99999"]},
    {"restrictToEdgeWorkerIds": "42001"},
    {"expiry": "2020-01-01"},
    {"expiry": "31/12/2099"},
    {"unknownField": 1},
]


def test_bad_names_are_refused(emulator):
    session = emulator.session()
    for name in BAD_NAMES:
        _assert_problem(session.post(emulator.url(TOKENS), json=_body(name)), 400, "edgekv-bad-request", "EKV_2000")


def test_invalid_bodies_are_refused(emulator):
    session = emulator.session()
    for changes in BAD_BODIES:
        _assert_problem(session.post(emulator.url(TOKENS), json=_body(_name(), **changes)), 400, "edgekv-bad-request")
    missing = _body(_name())
    del missing["allowOnStaging"]
    _assert_problem(session.post(emulator.url(TOKENS), json=missing), 400, "edgekv-bad-request")
    assert session.get(emulator.url(TOKENS)).status_code == 404


def test_missing_namespace_is_refused(emulator):
    resp = emulator.session().post(emulator.url(TOKENS), json=_body(_name(), namespacePermissions={"nope": ["r"]}))
    doc = _assert_problem(resp, 400, "edgekv-bad-request", "EKV_9000")
    assert "nope" in doc["detail"]


def test_syntax_error_and_duplicate_attributes_are_422(emulator):
    session = emulator.session()
    headers = {"Content-Type": "application/json"}
    for raw in ('{"name": "a", ', '{"name": "a", "name": "b"}'):
        resp = session.post(emulator.url(TOKENS), data=raw, headers=headers)
        _assert_problem(resp, 422, "edgekv-unprocessable-entity", "EKV_2001")


def test_string_booleans_are_accepted_as_in_the_documented_httpie_example(emulator):
    name = _name()
    resp = emulator.session().post(emulator.url(TOKENS), json=_body(name, allowOnStaging="true",
                                                                    allowOnProduction="false"))
    assert resp.status_code == 200, resp.text
    assert resp.json()["allowOnStaging"] is True and resp.json()["allowOnProduction"] is False


def test_bad_token_name_in_path_is_400(emulator):
    resp = emulator.session().get(emulator.url(TOKENS + "/-bad"))
    doc = _assert_problem(resp, 400, "edgekv-bad-request")
    assert doc["detail"] == "Name contains invalid characters."


def test_expired_tokens_are_listed_only_with_include_expired(emulator):
    session = emulator.session()
    today = _business_date(emulator)
    name = _name("old")
    resp = session.post(emulator.url(TOKENS), json=_body(name, expiry=today.isoformat()))
    assert resp.status_code == 200, resp.text
    assert resp.json()["expiry"] == today.isoformat()
    assert resp.json()["nextScheduledRefreshDate"] is None
    refresh = session.post(emulator.url("%s/%s/refresh" % (TOKENS, name)))
    _assert_problem(refresh, 400, "edgekv-bad-request")

    emulator.admin.advance_clock(2 * 86400)
    _assert_problem(session.get(emulator.url("%s/%s" % (TOKENS, name))), 410, "edgekv-not-found")
    listed = session.get(emulator.url(TOKENS))
    names = [item["name"] for item in listed.json()["tokens"]] if listed.status_code == 200 else []
    assert name not in names
    with_expired = session.get(emulator.url(TOKENS), params={"includeExpired": "true"})
    assert with_expired.status_code == 200
    assert name in [item["name"] for item in with_expired.json()["tokens"]]
    duplicate = session.post(emulator.url(TOKENS), json=_body(name))
    _assert_problem(duplicate, 409, "edgekv-conflict")


def test_expiry_beyond_six_months_is_refused(emulator):
    today = _business_date(emulator)
    too_late = today.replace(year=today.year + 1).isoformat()
    resp = emulator.session().post(emulator.url(TOKENS), json=_body(_name(), expiry=too_late))
    _assert_problem(resp, 400, "edgekv-bad-request")


def test_readonly_client_can_read_but_not_create(emulator):
    name = _name()
    assert emulator.session().post(emulator.url(TOKENS), json=_body(name)).status_code == 200
    readonly = emulator.session(section="readonly")
    assert readonly.get(emulator.url("%s/%s" % (TOKENS, name))).status_code == 200
    resp = readonly.post(emulator.url(TOKENS), json=_body(_name()))
    assert resp.status_code == 403, resp.text
    assert readonly.delete(emulator.url("%s/%s" % (TOKENS, name))).status_code == 403
    assert readonly.post(emulator.url("%s/%s/refresh" % (TOKENS, name))).status_code == 403


def test_accounts_are_isolated(emulator):
    name = _name()
    assert emulator.session().post(emulator.url(TOKENS), json=_body(name)).status_code == 200
    other = emulator.session(section="account2")
    _assert_problem(other.get(emulator.url("%s/%s" % (TOKENS, name))), 404, "edgekv-not-found")
    listed = other.get(emulator.url(TOKENS))
    if listed.status_code == 200:
        assert name not in [item["name"] for item in listed.json()["tokens"]]
    else:
        _assert_problem(listed, 404, "edgekv-not-found")
    created = other.post(emulator.url(TOKENS), json=_body(name, restrictToEdgeWorkerIds=["43001"]))
    assert created.status_code == 200, created.text
    assert created.json()["cpcode"] == "1234568"
    refused = other.post(emulator.url(TOKENS), json=_body(_name(), restrictToEdgeWorkerIds=["42001"]))
    _assert_problem(refused, 400, "edgekv-bad-request")


def test_namespaces_are_listed(emulator):
    session = emulator.session()
    resp = session.get(emulator.url("/edgekv/v1/networks/staging/namespaces"))
    assert resp.status_code == 200
    assert {"namespace": "default"} in resp.json()["namespaces"]
    detailed = session.get(emulator.url("/edgekv/v1/networks/production/namespaces"), params={"details": "on"})
    by_name = {item["namespace"]: item for item in detailed.json()["namespaces"]}
    assert {"default", "marketing", "secure"} <= set(by_name)
    assert by_name["secure"]["dataAccessPolicy"]["restrictDataAccess"] is True


def test_scheduled_refresh_happens_by_itself(emulator):
    session = emulator.session()
    name = _name()
    token = session.post(emulator.url(TOKENS), json=_body(name)).json()
    scheduled = token["nextScheduledRefreshDate"]
    emulator.admin.advance_clock(70 * 86400)
    doc = session.get(emulator.url("%s/%s" % (TOKENS, name))).json()
    assert doc["latestRefreshDate"] == scheduled
    assert doc["nextScheduledRefreshDate"] > scheduled
    assert doc["expiry"] == "9999-12-31"
    assert doc["uuid"] == token["uuid"]


def test_expired_tokens_vanish_after_thirty_days(emulator):
    session = emulator.session()
    today = _business_date(emulator)
    name = _name("old")
    assert session.post(emulator.url(TOKENS), json=_body(name, expiry=today.isoformat())).status_code == 200
    emulator.admin.advance_clock(35 * 86400)
    _assert_problem(session.get(emulator.url("%s/%s" % (TOKENS, name))), 404, "edgekv-not-found")
    listed = session.get(emulator.url(TOKENS), params={"includeExpired": "true"})
    _assert_problem(listed, 404, "edgekv-not-found")
    assert listed.json()["detail"] == "No tokens exist."
    assert session.post(emulator.url(TOKENS), json=_body(name)).status_code == 200
