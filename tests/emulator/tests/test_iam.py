"""IAM v3: API clients and credentials, through real requests signed by edgegrid-python."""

from datetime import datetime, timedelta, timezone

import requests
from akamai.edgegrid import EdgeGridAuth

BASE = "/identity-management/v3"
SELF_CREDS = BASE + "/api-clients/self/credentials"


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _problem(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    return resp.json()


def _signer(emulator, created, section="default"):
    return EdgeGridAuth(client_token=created["clientToken"], client_secret=created["clientSecret"],
                        access_token=emulator.section(section)["access_token"])


def _own_credential_id(emulator, session, section="default"):
    token = emulator.section(section)["client_token"]
    return [c for c in session.get(emulator.url(SELF_CREDS)).json() if c["clientToken"] == token][0]["credentialId"]


def test_list_and_get_never_show_the_secret(emulator):
    session = emulator.session()
    listed = session.get(emulator.url(SELF_CREDS)).json()
    assert len(listed) == 1
    cred = listed[0]
    assert cred["status"] == "ACTIVE" and cred["clientToken"] == emulator.section("default")["client_token"]
    for name in ("credentialId", "clientToken", "createdOn", "expiresOn", "status", "description", "maxAllowedExpiry"):
        assert name in cred
    assert "clientSecret" not in cred
    one = session.get(emulator.url("%s/%d" % (SELF_CREDS, cred["credentialId"])), params={"actions": "true"}).json()
    assert "clientSecret" not in one
    assert one["actions"] == {"delete": False, "activate": False, "deactivate": True, "editDescription": True,
                              "editExpiration": True}


def test_create_returns_secret_once_and_new_credential_signs(emulator):
    session = emulator.session()
    resp = session.post(emulator.url(SELF_CREDS), json={"description": "rotation 1"})
    assert resp.status_code == 201
    created = resp.json()
    assert set(created) == {"credentialId", "clientToken", "clientSecret", "createdOn", "expiresOn", "status",
                            "description"}
    assert created["status"] == "ACTIVE" and created["description"] == "rotation 1"
    assert resp.headers["Location"].endswith("/credentials/%d" % created["credentialId"])
    created_on = datetime.fromisoformat(created["createdOn"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(created["expiresOn"].replace("Z", "+00:00"))
    assert timedelta(days=729) < expires - created_on <= timedelta(days=731)
    again = session.get(emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))).json()
    assert "clientSecret" not in again
    resp = requests.get(emulator.url(SELF_CREDS), auth=_signer(emulator, created), timeout=10)
    assert resp.status_code == 200
    assert len(resp.json()) == 2


def test_credential_limit_refuses_and_changes_nothing(emulator):
    session = emulator.session()
    assert session.post(emulator.url(SELF_CREDS), json={}).status_code == 201
    before = session.get(emulator.url(SELF_CREDS)).json()
    body = _problem(session.post(emulator.url(SELF_CREDS), json={"description": "third"}), 400)
    assert "maximum" in body["detail"]
    after = session.get(emulator.url(SELF_CREDS)).json()
    for cred in before + after:
        cred.pop("maxAllowedExpiry")
    assert after == before and len(after) == 2


def test_credential_limit_is_configurable(tmp_path):
    from akamai_emulator.testing import running_emulator  # pylint: disable=import-outside-toplevel
    with running_emulator(tmp_path, credential_limit=3) as emu:
        session = emu.session()
        assert session.post(emu.url(SELF_CREDS), json={}).status_code == 201
        assert session.post(emu.url(SELF_CREDS), json={}).status_code == 201
        assert session.post(emu.url(SELF_CREDS), json={}).status_code == 400


def test_update_expiry_status_description(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    soon = _iso(datetime.now(timezone.utc) + timedelta(days=7))
    resp = session.put(url, json={"expiresOn": soon, "status": "ACTIVE", "description": "old one"})
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"status": "ACTIVE", "expiresOn": soon, "description": "old one"}
    assert session.get(url).json()["expiresOn"] == soon


def test_update_refuses_expiry_beyond_two_years(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    too_far = _iso(datetime.now(timezone.utc) + timedelta(days=2 * 365 + 5))
    body = _problem(session.put(url, json={"expiresOn": too_far, "status": "ACTIVE"}), 400)
    assert "expiresOn" in body["detail"]
    assert session.get(url).json()["expiresOn"] == created["expiresOn"]


def test_update_validation(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    soon = _iso(datetime.now(timezone.utc) + timedelta(days=7))
    _problem(session.put(url, json={"status": "ACTIVE"}), 400)
    _problem(session.put(url, json={"expiresOn": soon}), 400)
    _problem(session.put(url, json={"expiresOn": soon, "status": "DELETED"}), 400)
    _problem(session.put(url, json={"expiresOn": "tomorrow", "status": "ACTIVE"}), 400)
    _problem(session.put(url, json={"expiresOn": soon, "status": "ACTIVE", "bogus": 1}), 400)
    _problem(session.put(url, json={"expiresOn": _iso(datetime.now(timezone.utc) - timedelta(days=1)),
                                    "status": "ACTIVE"}), 400)
    _problem(session.get(emulator.url(SELF_CREDS + "/999999")), 404)


def test_delete_only_inactive(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    body = _problem(session.delete(url), 400)
    assert "INACTIVE" in body["detail"]
    assert session.get(url).status_code == 200
    assert session.post(url + "/deactivate").status_code == 204
    assert session.get(url).json()["status"] == "INACTIVE"
    assert session.delete(url).status_code == 204
    _problem(session.get(url), 404)
    _problem(session.delete(url), 404)


def test_deactivated_credential_can_no_longer_sign(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    signer = _signer(emulator, created)
    assert requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10).status_code == 200
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    soon = _iso(datetime.now(timezone.utc) + timedelta(days=7))
    assert session.put(url, json={"expiresOn": soon, "status": "INACTIVE"}).status_code == 200
    body = _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)
    assert body["detail"] == "Inactive client token"
    assert session.put(url, json={"expiresOn": soon, "status": "ACTIVE"}).status_code == 200
    assert requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10).status_code == 200


def test_deactivate_all_locks_yourself_out(emulator):
    session = emulator.session("readonly")
    assert session.post(emulator.url(SELF_CREDS + "/deactivate")).status_code == 403
    admin = emulator.session()
    assert admin.post(emulator.url(SELF_CREDS + "/deactivate")).status_code == 204
    _problem(admin.get(emulator.url(SELF_CREDS)), 401)


def test_expired_credential_stops_authenticating(emulator):
    session = emulator.session()
    created = session.post(emulator.url(SELF_CREDS), json={}).json()
    url = emulator.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    soon = _iso(datetime.now(timezone.utc) + timedelta(hours=1))
    assert session.put(url, json={"expiresOn": soon, "status": "ACTIVE"}).status_code == 200
    signer = _signer(emulator, created)
    assert requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10).status_code == 200
    emulator.admin.advance_clock(2 * 3600)
    body = _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)
    assert "xpired" in body["detail"]
    assert session.get(emulator.url(SELF_CREDS)).status_code == 200


def test_readonly_client_cannot_touch_credentials(emulator):
    session = emulator.session("readonly")
    own = _own_credential_id(emulator, session, "readonly")
    url = emulator.url("%s/%d" % (SELF_CREDS, own))
    soon = _iso(datetime.now(timezone.utc) + timedelta(days=7))
    _problem(session.put(url, json={"expiresOn": soon, "status": "INACTIVE"}), 403)
    _problem(session.post(url + "/deactivate"), 403)
    _problem(session.delete(url), 403)


def test_admin_manages_other_client_credentials(emulator):
    admin = emulator.session()
    readonly_id = emulator.store.meta["readonly_client"]
    url = emulator.url("%s/api-clients/%s/credentials" % (BASE, readonly_id))
    listed = admin.get(url).json()
    assert [c["clientToken"] for c in listed] == [emulator.section("readonly")["client_token"]]
    created = admin.post(url, json={"description": "for readonly"}).json()
    signer = _signer(emulator, created, "readonly")
    assert requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10).status_code == 200
    # another account's admin view does not see this client
    _problem(emulator.session("account2").get(url), 404)


# -- API clients ---------------------------------------------------------------------------------------------------

def _allowed(session, emulator):
    return {api["apiName"]: api for api in session.get(emulator.url(BASE + "/users/admin/allowed-apis")).json()}


def _new_client_body(session, emulator, levels, **extra):
    apis = _allowed(session, emulator)
    groups = session.get(emulator.url(BASE + "/users/admin/group-access")).json()
    body = {
        "clientName": "limited-client",
        "clientDescription": "Only some APIs",
        "clientType": "CLIENT",
        "authorizedUsers": ["admin"],
        "notificationEmails": ["ops@example.com"],
        "canAutoCreateCredential": True,
        "createCredential": True,
        "apiAccess": {"allAccessibleApis": False,
                      "apis": [{"apiId": apis[name]["apiId"], "accessLevel": level} for name, level in levels.items()]},
        "groupAccess": {"cloneAuthorizedUserGroups": False,
                        "groups": [{"groupId": groups[0]["groupId"], "roleId": groups[0]["roleId"]}]},
    }
    body.update(extra)
    return body


def test_api_client_lifecycle(emulator):
    session = emulator.session()
    body = _new_client_body(session, emulator, {"Identity and Access Management": "READ-ONLY"})
    resp = session.post(emulator.url(BASE + "/api-clients"), json=body)
    assert resp.status_code == 201, resp.text
    client = resp.json()
    assert client["clientName"] == "limited-client" and client["activeCredentialCount"] == 1
    assert client["apiAccess"]["apis"][0]["accessLevel"] == "READ-ONLY"
    assert client["notificationEmails"] == ["ops@example.com"] and client["canAutoCreateCredential"] is True
    cred = client["credentials"][0]
    signer = EdgeGridAuth(client_token=cred["clientToken"], client_secret=cred["clientSecret"],
                          access_token=client["accessToken"])
    assert requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10).status_code == 200
    assert requests.post(emulator.url(SELF_CREDS), auth=signer, json={}, timeout=10).status_code == 403

    url = emulator.url("%s/api-clients/%s" % (BASE, client["clientId"]))
    got = session.get(url, params={"apiAccess": "true", "groupAccess": "true", "credentials": "true"}).json()
    assert "clientSecret" not in got["credentials"][0]
    assert got["groupAccess"]["groups"][0]["groupId"] == body["groupAccess"]["groups"][0]["groupId"]
    assert "apiAccess" not in session.get(url).json()

    update = {key: body[key] for key in ("authorizedUsers", "groupAccess", "clientDescription")}
    update["apiAccess"] = {"allAccessibleApis": False, "apis": [
        {"apiId": body["apiAccess"]["apis"][0]["apiId"], "accessLevel": "READ-WRITE"}]}
    update["notificationEmails"] = ["new@example.com"]
    resp = session.put(url, json=update)
    assert resp.status_code == 200, resp.text
    assert resp.json()["notificationEmails"] == ["new@example.com"]
    assert requests.post(emulator.url(SELF_CREDS), auth=signer, json={}, timeout=10).status_code == 201

    names = [c["clientName"] for c in session.get(emulator.url(BASE + "/api-clients")).json()]
    assert "limited-client" in names
    assert session.delete(url).status_code == 204
    _problem(session.get(url), 404)
    _problem(requests.get(emulator.url(SELF_CREDS), auth=signer, timeout=10), 401)


def test_client_without_a_grant_gets_403(emulator):
    session = emulator.session()
    modules = emulator.app.extensions["emulator_modules"]
    others = [m for name, m in modules.items() if name != "iam" and m.SERVICE_NAME and m.AUTH == "edgegrid"]
    body = _new_client_body(session, emulator, {"Identity and Access Management": "READ-WRITE"})
    client = session.post(emulator.url(BASE + "/api-clients"), json=body).json()
    cred = client["credentials"][0]
    signer = EdgeGridAuth(client_token=cred["clientToken"], client_secret=cred["clientSecret"],
                          access_token=client["accessToken"])
    for module in others:
        resp = requests.get(emulator.url(module.blueprint.url_prefix + "/anything"), auth=signer, timeout=10)
        assert resp.status_code == 403, (module.__name__, resp.text)


def test_api_client_validation(emulator):
    session = emulator.session()
    url = emulator.url(BASE + "/api-clients")
    good = _new_client_body(session, emulator, {"Identity and Access Management": "READ-ONLY"})
    bad_level = _new_client_body(session, emulator, {"Identity and Access Management": "ADMIN"})
    _problem(session.post(url, json=bad_level), 400)
    bad_api = dict(good, apiAccess={"allAccessibleApis": False, "apis": [{"apiId": 424242,
                                                                          "accessLevel": "READ-ONLY"}]})
    _problem(session.post(url, json=bad_api), 400)
    bad_group = dict(good, groupAccess={"cloneAuthorizedUserGroups": False, "groups": [{"groupId": 1, "roleId": 1}]})
    _problem(session.post(url, json=bad_group), 400)
    _problem(session.post(url, json={k: v for k, v in good.items() if k != "clientType"}), 400)
    _problem(session.post(url, json=dict(good, authorizedUsers=["nobody"])), 400)
    _problem(session.post(url, json=dict(good, unknownField=True)), 400)
    assert session.post(url, json=good).status_code == 201
    _problem(session.post(url, json=good), 409)
    _problem(emulator.session("readonly").post(url, json=dict(good, clientName="other")), 403)


def test_self_client_and_account_switch_keys(emulator):
    session = emulator.session()
    me = session.get(emulator.url(BASE + "/api-clients/self"), params={"apiAccess": "true"}).json()
    assert me["clientName"] == "emulator-admin" and me["allowAccountSwitch"] is True
    assert me["baseURL"] == emulator.base_url
    assert {api["accessLevel"] for api in me["apiAccess"]["apis"]} == {"READ-WRITE"}
    keys = session.get(emulator.url(BASE + "/api-clients/self/account-switch-keys")).json()
    key = emulator.section("account2")["account_key"]
    assert keys == [{"accountName": "Emulated Company Two", "accountSwitchKey": key}]
    assert emulator.session("readonly").get(emulator.url(BASE + "/api-clients/self/account-switch-keys")).json() == []
    _problem(session.get(emulator.url(BASE + "/api-clients/self/account-switch-keys"), params={"search": "ab"}), 400)


def test_delete_self_refused_with_active_credentials(emulator):
    _problem(emulator.session().delete(emulator.url(BASE + "/api-clients/self")), 400)


def test_locked_client_cannot_call(emulator):
    session = emulator.session()
    readonly_id = emulator.store.meta["readonly_client"]
    assert session.put(emulator.url("%s/api-clients/%s/lock" % (BASE, readonly_id))).json()["isLocked"] is True
    _problem(emulator.session("readonly").get(emulator.url(SELF_CREDS)), 403)
    assert session.put(emulator.url("%s/api-clients/%s/unlock" % (BASE, readonly_id))).status_code == 200
    assert emulator.session("readonly").get(emulator.url(SELF_CREDS)).status_code == 200
