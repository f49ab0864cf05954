"""OAuth 2.0 client credentials and the scope-protected API against the emulator."""

import requests

TOKEN_PATH = "/oauth2/connect/token"
ADMIN = ("emu-waf-admin", "waf-admin-secret-1")
READER = ("emu-waf-reader", "waf-reader-secret-1")


def _token_request(emulator, client, scope, grant_type="client_credentials"):
    client_id, secret = client
    return requests.post(emulator.url(TOKEN_PATH), timeout=10, data={
        "client_id": client_id, "client_secret": secret, "grant_type": grant_type, "scope": scope})


def _token(emulator, client, scope):
    resp = _token_request(emulator, client, scope)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def _call(emulator, method, path, token=None, scheme="Bearer", **kwargs):
    headers = {}
    if token is not None:
        headers["Authorization"] = "%s %s" % (scheme, token)
    return requests.request(method, emulator.url("/oauth2/api" + path), headers=headers, timeout=10, **kwargs)


def _assert_401(resp, reason):
    assert resp.status_code == 401, resp.text
    assert resp.json()["reason"] == reason
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    return resp.json()


def _new_client(emulator, scopes, lifetime=300):
    admin = _token(emulator, ADMIN, "ids.clients")
    resp = requests.post(emulator.url("/oauth2/clients"), timeout=10, headers={"Authorization": "Bearer " + admin},
                         json={"name": "test client", "scopes": scopes, "accessTokenLifetime": lifetime})
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    return doc["id"], doc["secrets"][0]["value"], doc["secrets"][0]["id"]


def test_token_is_issued(emulator):
    resp = _token_request(emulator, ADMIN, "app.waf")
    assert resp.status_code == 200, resp.text
    doc = resp.json()
    assert doc["token_type"] == "Bearer"
    assert doc["expires_in"] == 300
    assert doc["scope"] == "app.waf"
    assert len(doc["access_token"]) >= 32
    assert resp.headers["Cache-Control"] == "no-store"
    assert _token_request(emulator, READER, "app.waf.rules:read").json()["expires_in"] == 60
    assert emulator.admin.log()["counts"]["POST " + TOKEN_PATH] == 2


def test_scopes_separated_by_plus_or_space(emulator):
    raw = "client_id=%s&client_secret=%s&grant_type=client_credentials&scope=app.waf.rules%%2Bapp.waf.profiles" % ADMIN
    resp = requests.post(emulator.url(TOKEN_PATH), data=raw, timeout=10,
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["scope"] == "app.waf.rules app.waf.profiles"
    spaced = _token_request(emulator, ADMIN, "app.waf.rules:read app.bot_security.rules:read")
    assert spaced.json()["scope"] == "app.waf.rules:read app.bot_security.rules:read"


def test_token_endpoint_errors(emulator):
    wrong = _token_request(emulator, (ADMIN[0], "not-the-secret"), "app.waf")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    unknown = _token_request(emulator, ("no-such-client", "x"), "app.waf")
    assert unknown.status_code == 401 and unknown.json()["error"] == "invalid_client"
    grant = _token_request(emulator, ADMIN, "app.waf", grant_type="password")
    assert grant.status_code == 400 and grant.json()["error"] == "unsupported_grant_type"
    broader = _token_request(emulator, READER, "app.waf")
    assert broader.status_code == 400 and broader.json()["error"] == "invalid_scope"
    other = _token_request(emulator, ADMIN, "app.cache")
    assert other.status_code == 400 and other.json()["error"] == "invalid_scope"
    wider_modifier = _token_request(emulator, READER, "app.waf.rules:edit")
    assert wider_modifier.status_code == 400 and wider_modifier.json()["error"] == "invalid_scope"
    json_body = requests.post(emulator.url(TOKEN_PATH), json={"client_id": ADMIN[0]}, timeout=10)
    assert json_body.status_code == 400 and json_body.json()["error"] == "invalid_request"


def test_broad_scope_grants_narrower(emulator):
    assert _token_request(emulator, ADMIN, "app.waf.rules:read").status_code == 200
    assert _token_request(emulator, ADMIN, "app.waf.profiles:delete").status_code == 200
    assert _token_request(emulator, READER, "app.waf.profiles:read").status_code == 200
    assert _token_request(emulator, READER, "app.waf.profiles:create").status_code == 200
    broad = _token(emulator, ADMIN, "app.waf")
    created = _call(emulator, "POST", "/app/waf/rules", broad, json={"name": "block-bad-bots"})
    assert created.status_code == 201, created.text
    rule_id = created.json()["id"]
    assert _call(emulator, "GET", "/app/waf/rules/" + rule_id, broad).status_code == 200
    assert _call(emulator, "PATCH", "/app/waf/rules/" + rule_id, broad, json={"mode": "block"}).status_code == 200
    assert _call(emulator, "GET", "/app/waf/profiles", broad).status_code == 200
    assert _call(emulator, "DELETE", "/app/waf/rules/" + rule_id, broad).status_code == 204


def test_narrower_scope_refused_for_broader_action(emulator):
    admin = _token(emulator, ADMIN, "app.waf")
    rule_id = _call(emulator, "POST", "/app/waf/rules", admin, json={"name": "r"}).json()["id"]
    narrow = _token(emulator, ADMIN, "app.waf.rules:read")
    assert _call(emulator, "GET", "/app/waf/rules/" + rule_id, narrow).status_code == 200
    doc = _assert_401(_call(emulator, "DELETE", "/app/waf/rules/" + rule_id, narrow), "insufficient_scope")
    assert doc["error"] == "insufficient_scope"
    _assert_401(_call(emulator, "POST", "/app/waf/rules", narrow, json={}), "insufficient_scope")
    _assert_401(_call(emulator, "GET", "/app/waf/profiles", narrow), "insufficient_scope")
    _assert_401(_call(emulator, "GET", "/app/bot_security/rules", admin), "insufficient_scope")


def test_edit_modifier(emulator):
    admin = _token(emulator, ADMIN, "app.waf")
    edit = _token(emulator, READER, "app.waf.profiles:edit")
    for method, allowed in (("GET", True), ("POST", True), ("PUT", True), ("PATCH", True), ("DELETE", False)):
        item_id = _call(emulator, "POST", "/app/waf/profiles", admin, json={"name": "p"}).json()["id"]
        path = "/app/waf/profiles" if method == "POST" else "/app/waf/profiles/" + item_id
        kwargs = {"json": {"name": "q"}} if method in ("POST", "PUT", "PATCH") else {}
        resp = _call(emulator, method, path, edit, **kwargs)
        if allowed:
            assert resp.status_code in (200, 201), (method, resp.text)
        else:
            _assert_401(resp, "insufficient_scope")
    _assert_401(_call(emulator, "GET", "/app/waf/rules", edit), "insufficient_scope")


def test_create_delete_and_read_modifiers(emulator):
    client_id, secret, _secret_id = _new_client(emulator, ["app.waf.rules:create", "app.waf.rules:delete",
                                                           "app.waf.rules:read"])
    creator = _token(emulator, (client_id, secret), "app.waf.rules:create")
    created = _call(emulator, "POST", "/app/waf/rules", creator, json={"name": "c"})
    assert created.status_code == 201
    rule = "/app/waf/rules/" + created.json()["id"]
    _assert_401(_call(emulator, "GET", rule, creator), "insufficient_scope")
    _assert_401(_call(emulator, "PUT", rule, creator, json={}), "insufficient_scope")
    deleter = _token(emulator, (client_id, secret), "app.waf.rules:delete")
    _assert_401(_call(emulator, "GET", rule, deleter), "insufficient_scope")
    both = _token(emulator, (client_id, secret), "app.waf.rules:read app.waf.rules:delete")
    assert _call(emulator, "GET", rule, both).status_code == 200
    assert _call(emulator, "DELETE", rule, both).status_code == 204
    assert _token_request(emulator, (client_id, secret), "app.waf.rules:edit").json()["error"] == "invalid_scope"


def test_missing_malformed_and_unknown_tokens(emulator):
    _assert_401(_call(emulator, "GET", "/app/waf/rules"), "missing")
    _assert_401(_call(emulator, "GET", "/app/waf/rules", "abc", scheme="Basic"), "malformed")
    _assert_401(_call(emulator, "GET", "/app/waf/rules", "two words"), "malformed")
    _assert_401(_call(emulator, "GET", "/app/waf/rules", "0" * 64), "invalid")


def test_bearer_and_token_are_case_insensitive(emulator):
    token = _token(emulator, READER, "app.waf.rules:read")
    assert _call(emulator, "GET", "/app/waf/rules", token.upper(), scheme="bEaReR").status_code == 200


def test_expired_token_is_refused(emulator):
    token = _token(emulator, READER, "app.waf.rules:read")
    assert _call(emulator, "GET", "/app/waf/rules", token).status_code == 200
    emulator.admin.advance_clock(61)
    doc = _assert_401(_call(emulator, "GET", "/app/waf/rules", token), "expired")
    assert doc["error"] == "invalid_token"
    assert _call(emulator, "GET", "/app/waf/rules", _token(emulator, READER, "app.waf.rules:read")).status_code == 200


def test_secret_rotation(emulator):
    client_id, old_secret, old_id = _new_client(emulator, ["app.waf.rules:read"], lifetime=600)
    old_token = _token(emulator, (client_id, old_secret), "app.waf.rules:read")
    admin = {"Authorization": "Bearer " + _token(emulator, ADMIN, "ids.clients.secrets")}
    added = requests.post(emulator.url("/oauth2/clients/%s/secrets" % client_id), json={"description": "rotated"},
                          headers=admin, timeout=10)
    assert added.status_code == 201, added.text
    new_secret = added.json()["value"]
    assert _token_request(emulator, (client_id, old_secret), "app.waf.rules:read").status_code == 200
    assert _token_request(emulator, (client_id, new_secret), "app.waf.rules:read").status_code == 200
    deleted = requests.delete(emulator.url("/oauth2/clients/%s/secrets/%s" % (client_id, old_id)),
                              headers=admin, timeout=10)
    assert deleted.status_code == 204
    refused = _token_request(emulator, (client_id, old_secret), "app.waf.rules:read")
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    assert _token_request(emulator, (client_id, new_secret), "app.waf.rules:read").status_code == 200
    assert _call(emulator, "GET", "/app/waf/rules", old_token).status_code == 200
    view = requests.get(emulator.url("/oauth2/clients/" + client_id), headers=admin, timeout=10)
    assert view.status_code == 401
    reader = {"Authorization": "Bearer " + _token(emulator, ADMIN, "ids.clients.clients:read")}
    view = requests.get(emulator.url("/oauth2/clients/" + client_id), headers=reader, timeout=10)
    assert view.status_code == 200
    assert [item["id"] for item in view.json()["secrets"]] == [added.json()["id"]]
    assert "value" not in view.json()["secrets"][0]
    assert view.json()["tokensIssued"] == 4


def test_secret_admin_needs_scope(emulator):
    waf = {"Authorization": "Bearer " + _token(emulator, ADMIN, "app.waf")}
    resp = requests.post(emulator.url("/oauth2/clients/%s/secrets" % READER[0]), json={}, headers=waf, timeout=10)
    _assert_401(resp, "insufficient_scope")
    _assert_401(requests.post(emulator.url("/oauth2/clients/%s/secrets" % READER[0]), json={}, timeout=10),
                "missing")
