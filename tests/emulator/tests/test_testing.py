"""The test helpers: SecretLedger finds, names and masks every secret the emulator issued; where the harnesses find
the collection under test."""

import os

import pytest

from akamai_emulator import iam
from akamai_emulator.apikeys import model as apikeys_model
from akamai_emulator.testing import (SecretLedger, collections_root, exported_collections_path, ledgered_emulator,
                                     running_emulator)

SELF_CREDS = "/identity-management/v3/api-clients/self/credentials"
V2 = "/apikey-manager-api/v2"


@pytest.fixture(name="wrapped")
def wrapped_fixture(monkeypatch):
    """The emulator functions a ledger wraps: monkeypatch puts the originals back after the test."""
    for owner, name in ((iam, "make_credential"), (iam, "make_client"), (apikeys_model, "create_keys")):
        monkeypatch.setattr(owner, name, getattr(owner, name))


def _short_lived_secrets(emu):
    """Create a credential and delete it, generate two API keys and revoke them; returns (credential, key values)."""
    session = emu.session()
    created = session.post(emu.url(SELF_CREDS), json={"description": "short-lived"}).json()
    url = emu.url("%s/%d" % (SELF_CREDS, created["credentialId"]))
    assert session.post(url + "/deactivate").status_code == 204
    assert session.delete(url).status_code == 204
    coll = session.post(emu.url(V2 + "/collections"),
                        json={"collectionName": "ledger", "contractId": "C-1EMU001", "groupId": 10001}).json()
    keys = session.post(emu.url(V2 + "/keys/generate"), json={"collectionId": coll["collectionId"], "count": 2})
    assert keys.status_code == 201, keys.text
    values = [key["keyValue"] for key in keys.json()["keys"]]
    revoked = session.post(emu.url(V2 + "/keys/revoke"), json={"keyIds": [key["keyId"] for key in keys.json()["keys"]]})
    assert revoked.status_code == 204, revoked.text
    return created, values


@pytest.mark.usefixtures("wrapped")
def test_secret_ledger_records_every_creation_scans_and_masks(tmp_path):
    ledger = SecretLedger(every_creation=True)
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        admin = emu.section("default")
        created, values = _short_lived_secrets(emu)
        # Recorded as they were made, before any collect(): the deleted credential too.
        assert ledger.secrets[created["clientSecret"]] == "credential client secret"
        assert ledger.secrets[admin["client_secret"]] == "credential client secret"
        assert ledger.secrets[admin["access_token"]] == "API client access token"
        assert [ledger.secrets[value] for value in values] == ["API key value"] * 2
        ledger.collect(emu.store)

    assert ledger.secrets["waf-admin-secret-1"] == "OAuth 2.0 client secret"
    # Client tokens are identifiers, not secrets.
    assert admin["client_token"] not in ledger.secrets and created["clientToken"] not in ledger.secrets

    secret = created["clientSecret"]
    text = "PLAY RECAP\nlocalhost : ok=1\n  client_secret = %s\n%s\n" % (secret, values[1])
    assert ledger.scan(text) == [("credential client secret", 3), ("API key value", 4)]
    assert ledger.scan("client_token = %s" % created["clientToken"]) == []
    masked = ledger.mask(text)
    assert secret not in masked and values[1] not in masked and "client_secret = ********" in masked


@pytest.mark.usefixtures("wrapped")
def test_secret_ledger_records_credentials_and_collects_the_rest(tmp_path):
    ledger = SecretLedger()
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        admin = emu.section("default")
        created, values = _short_lived_secrets(emu)
        assert ledger.secrets[created["clientSecret"]] == "credential client secret"
        assert admin["access_token"] not in ledger.secrets and values[0] not in ledger.secrets
        ledger.collect(emu.store)
    assert ledger.secrets[admin["access_token"]] == "API client access token"
    assert [ledger.secrets[value] for value in values] == ["API key value"] * 2


def test_ledgered_emulator_collects_what_the_state_holds(tmp_path, wrapped):  # pylint: disable=unused-argument
    ledger = SecretLedger()
    with ledgered_emulator(tmp_path, ledger, propagation_delay=0.0) as emu:
        assert os.path.dirname(emu.edgerc) == str(tmp_path / "emulator")
        token = emu.section()["access_token"]
    assert ledger.scan("token %s" % token) == [("API client access token", 1)]


def test_where_the_collection_is(tmp_path, monkeypatch):
    collection = tmp_path / "ansible_collections" / "edgegrid" / "access"
    assert collections_root(str(collection)) == str(tmp_path)
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", str(tmp_path))
    assert exported_collections_path() is None
    collection.mkdir(parents=True)
    assert exported_collections_path() == str(tmp_path)
    monkeypatch.delenv("ANSIBLE_COLLECTIONS_PATH")
    assert exported_collections_path() is None
