"""Seed a fresh store (two accounts, an admin and a read-only API client) and write the .edgerc."""

import configparser
import io
import os
import secrets

from flask import g, has_app_context

from . import iam
from .context import clock, parse_time
from .state import Account

PRIMARY = "1-EMUACC1"
SECONDARY = "1-EMUACC2"


def _account(account_id, name, contract, groups, switch_key):
    return Account(id=account_id, name=name, contracts=[contract], groups=groups, switch_key=switch_key)


def bootstrap(store, modules):
    """Seed an empty store; returns {"admin": clientId, "readonly": clientId}.

    modules: the API modules loaded by the app (name -> module); each one's seed(account, info) is called.
    Run it inside the app context (server.prepare does): seed() may use context.new_id() / now(), and
    context.current_account() is the account being seeded.
    """
    now = clock(store)
    primary = _account(PRIMARY, "Emulated Company One", "C-1EMU001", [
        {"groupId": 10001, "groupName": "Emulated Company One", "contractIds": ["C-1EMU001"]},
        {"groupId": 10002, "groupName": "Emulated Company One - Staging", "contractIds": ["C-1EMU001"]},
    ], "%s:1-%s" % (PRIMARY, secrets.token_hex(3).upper()))
    secondary = _account(SECONDARY, "Emulated Company Two", "C-1EMU002", [
        {"groupId": 20001, "groupName": "Emulated Company Two", "contractIds": ["C-1EMU002"]},
    ], "%s:1-%s" % (SECONDARY, secrets.token_hex(3).upper()))
    for account, prefix in ((primary, "admin"), (secondary, "admin2")):
        iam.seed_account(account, users=[
            {"username": prefix, "firstName": "Emulated", "lastName": "Admin", "email": "%s@example.com" % prefix,
             "uiIdentityId": "B-C-%s" % secrets.token_hex(3).upper()},
            {"username": prefix + "-ops", "firstName": "Emulated", "lastName": "Operator",
             "email": "%s-ops@example.com" % prefix, "uiIdentityId": "B-C-%s" % secrets.token_hex(3).upper()},
        ], roles=[
            {"roleId": 1, "roleName": "Admin", "roleDescription": "Administrator of the account"},
            {"roleId": 2, "roleName": "Editor", "roleDescription": "Edits configurations"},
        ])
        store.accounts[account.id] = account
    store.meta["primary_account"] = primary.id
    services = {module.SERVICE_NAME for module in modules.values() if getattr(module, "SERVICE_NAME", None)}
    admin = iam.make_client(store, primary, now, name="emulator-admin", description="Admin client (READ-WRITE)",
                            apis={name: "READ-WRITE" for name in sorted(services)},
                            switchable_accounts=[secondary.id], created_by="admin",
                            notification_emails=["admin@example.com"])
    readonly = iam.make_client(store, primary, now, name="emulator-readonly", description="Read-only client",
                               apis={name: "READ-ONLY" for name in sorted(services)}, created_by="admin-ops",
                               notification_emails=["admin-ops@example.com"])
    iam.make_credential(store, admin, now, "bootstrap credential")
    iam.make_credential(store, readonly, now, "bootstrap credential")
    store.meta["admin_client"] = admin["clientId"]
    store.meta["readonly_client"] = readonly["clientId"]
    for module in modules.values():
        seed = getattr(module, "seed", None)
        if seed is None:
            continue
        for account, info in ((primary, {"primary": True}), (secondary, {"primary": False})):
            if has_app_context():
                g.emulator_account = account
            seed(account, info)
    return {"admin": admin["clientId"], "readonly": readonly["clientId"]}


def _usable(store, cred, client_id):
    if cred is None or cred["clientId"] != client_id or cred["status"] != "ACTIVE":
        return False
    return parse_time(cred["expiresOn"]) > clock(store)


def _section_of(store, client_id, current=None):
    """Credentials of a client for an .edgerc section: the ones already in the file when still usable,
    else the newest ACTIVE, unexpired credential."""
    by_token = {cred["clientToken"]: cred for cred in store.credentials.values()}
    cred = by_token.get((current or {}).get("client_token"))
    if not _usable(store, cred, client_id):
        creds = [item for item in store.credentials.values() if _usable(store, item, client_id)]
        if not creds:
            raise RuntimeError("API client %s has no usable credential to write into the .edgerc" % client_id)
        cred = max(creds, key=lambda item: item["credentialId"])
    return {
        "client_secret": cred["clientSecret"],
        "access_token": store.clients[client_id]["accessToken"],
        "client_token": cred["clientToken"],
    }


def read_edgerc(path):
    """The sections of an existing .edgerc (empty when absent)."""
    parser = configparser.RawConfigParser()
    if path and os.path.exists(path):
        parser.read(path, encoding="utf-8")
    return {name: dict(parser.items(name)) for name in parser.sections()}


def edgerc_sections(store, base_url, existing=None):
    """The emulator's .edgerc sections: default (admin), readonly, account2 (admin + account_key).

    existing: sections already in the file; a credential found there that is still usable is kept (so a
    rotation written into the file survives a restart).
    """
    existing = existing or {}
    secondary = [acc for acc in store.accounts.values() if acc.id != store.meta["primary_account"]][0]
    admin_id, readonly_id = store.meta["admin_client"], store.meta["readonly_client"]
    return {
        "default": dict(_section_of(store, admin_id, existing.get("default")), host=base_url),
        "readonly": dict(_section_of(store, readonly_id, existing.get("readonly")), host=base_url),
        "account2": dict(_section_of(store, admin_id, existing.get("account2")), host=base_url,
                         account_key=secondary.switch_key),
    }


def write_edgerc(path, sections, keep_others=True):
    """Write the .edgerc at path, mode 0600 from its first byte, replacing it atomically.

    The given sections replace those of the same name; other sections already in the file are kept
    unless keep_others is False.
    """
    parser = configparser.RawConfigParser()
    if keep_others:
        for name, values in read_edgerc(path).items():
            if name not in sections:
                parser.add_section(name)
                for key, value in values.items():
                    parser.set(name, key, value)
    for name, values in sections.items():
        parser.add_section(name)
        for key, value in values.items():
            parser.set(name, key, value)
    buf = io.StringIO()
    parser.write(buf)
    path = os.path.abspath(path)
    tmp = "%s.tmp-%s" % (path, secrets.token_hex(4))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(buf.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
