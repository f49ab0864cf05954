"""OAuth 2.0 client credentials (RFC 6749 section 4.4), after Edgio's Identity Service (seed 004).

Endpoints (prefix ``/oauth2``; no EdgeGrid: the core skips its verification for this blueprint):

- ``POST /oauth2/connect/token``: form-encoded ``client_id``, ``client_secret`` (or HTTP Basic),
  ``grant_type=client_credentials``, ``scope`` (scopes separated by spaces or ``+``). Answers
  ``{access_token, expires_in, token_type: "Bearer", scope}``; errors as RFC 6749 section 5.2 JSON.
- ``/oauth2/api/<namespace>/<service>/<type>[/<id>]``: a small protected API (see ``RESOURCES``) whose
  required scope follows the scope hierarchy and the HTTP method.
- ``/oauth2/clients...``: administration of API clients and their secrets, itself protected by bearer
  tokens with scope ``ids.clients`` (or narrower: ``ids.clients.clients:read``, ``ids.clients.secrets:create``...).

Scopes: ``Namespace.Service[.Type][:Modifier]``. A scope without a type covers every type of its service;
a scope without a modifier covers every action. Modifiers: ``create`` (create), ``read`` (retrieve),
``edit`` (create, retrieve, modify; not delete), ``delete`` (delete). HTTP methods map to actions:
GET -> retrieve, POST -> create, PUT / PATCH -> modify, DELETE -> delete.

State lives in the primary account only: ``account.data["oauth2"]`` with ``clients`` (client id -> record,
secrets included), ``tokens`` (access token -> grant) and ``resources`` (the protected API's objects).
"""

import base64
import binascii
import hmac
import re
import secrets
from datetime import datetime, timedelta, timezone

from flask import Blueprint, has_app_context, jsonify, request

from .context import isoformat, now, parse_time, store

SERVICE_NAME = None
AUTH = "oauth2"

blueprint = Blueprint("oauth2", __name__, url_prefix="/oauth2")

ACTIONS = ("create", "retrieve", "modify", "delete")
MODIFIERS = {
    None: frozenset(ACTIONS),
    "create": frozenset(["create"]),
    "read": frozenset(["retrieve"]),
    "edit": frozenset(["create", "retrieve", "modify"]),
    "delete": frozenset(["delete"]),
}
METHOD_ACTIONS = {"GET": "retrieve", "POST": "create", "PUT": "modify", "PATCH": "modify", "DELETE": "delete"}
SCOPE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z][A-Za-z0-9_-]*)(?:\.([A-Za-z][A-Za-z0-9_-]*))?"
                      r"(?::([a-z]+))?$")
TOKEN_RE = re.compile(r"^[A-Za-z0-9._~+/-]+=*$")
RESOURCES = (
    ("app", "waf", "rules"),
    ("app", "waf", "profiles"),
    ("app", "bot_security", "rules"),
)
# Expired access tokens are remembered this long, so that using one says "expired" rather than "invalid".
EXPIRED_MEMORY = timedelta(days=7)
DEFAULT_LIFETIME = 300

SEED_CLIENTS = (
    {
        "id": "emu-waf-admin",
        "name": "WAF administration",
        "scopes": ["app.waf", "app.bot_security.rules:read", "ids.clients"],
        "accessTokenLifetime": 300,
        "secret": {"id": "emu-waf-admin-secret-1", "value": "waf-admin-secret-1"},
    },
    {
        "id": "emu-waf-reader",
        "name": "WAF reader",
        "scopes": ["app.waf.rules:read", "app.waf.profiles:edit"],
        "accessTokenLifetime": 60,
        "secret": {"id": "emu-waf-reader-secret-1", "value": "waf-reader-secret-1"},
    },
)


class OAuthError(Exception):
    """An OAuth 2.0 error answered as JSON (not problem+json)."""

    def __init__(self, status, error, description, reason=None, headers=None):
        super().__init__("%s %s: %s" % (status, error, description))
        self.status = status
        self.error = error
        self.description = description
        self.reason = reason
        self.headers = dict(headers or {})


@blueprint.errorhandler(OAuthError)
def _render_error(exc):
    body = {"error": exc.error, "error_description": exc.description}
    if exc.reason:
        body["reason"] = exc.reason
    resp = jsonify(body)
    resp.status_code = exc.status
    resp.headers["Cache-Control"] = "no-store"
    for name, value in exc.headers.items():
        resp.headers[name] = value
    return resp


def _bearer_error(reason, error, description):
    """401 for a request the protected API does not authorise (RFC 6750 header, reason in the body)."""
    header = 'Bearer realm="akamai-emulator"'
    if reason != "missing":  # RFC 6750 section 3.1: no error code when the request carried no credentials
        header += ', error="%s", error_description="%s"' % (error, description.replace('"', "'"))
    return OAuthError(401, error, description, reason=reason, headers={"WWW-Authenticate": header})


# ---------------------------------------------------------------- state


def primary_account(the_store=None):
    """The account that holds the OAuth 2.0 state: the store's primary account, else the one seeded."""
    the_store = the_store or store()
    primary = the_store.meta.get("primary_account")
    if primary in the_store.accounts:
        return the_store.accounts[primary]
    holders = sorted(key for key, acc in the_store.accounts.items() if "oauth2" in acc.data)
    if holders:
        return the_store.accounts[holders[0]]
    if not the_store.accounts:
        raise OAuthError(503, "temporarily_unavailable", "The emulator has no account yet.")
    return the_store.accounts[sorted(the_store.accounts)[0]]


def _state(account=None):
    account = account or primary_account()
    data = account.data.setdefault("oauth2", {})
    data.setdefault("clients", {})
    data.setdefault("tokens", {})
    data.setdefault("resources", {})
    return data


def parse_scope(text):
    """(namespace, service, type or None, modifier or None) of a scope string, or None when malformed."""
    match = SCOPE_RE.match(text or "")
    if not match or match.group(4) not in MODIFIERS:
        return None
    return match.group(1), match.group(2), match.group(3), match.group(4)


def covers(granted, requested):
    """True when the granted scope string includes the requested one (both well-formed)."""
    grant, want = parse_scope(granted), parse_scope(requested)
    if grant is None or want is None or grant[:2] != want[:2]:
        return False
    if grant[2] is not None and grant[2] != want[2]:
        return False
    return MODIFIERS[want[3]] <= MODIFIERS[grant[3]]


def allows(scopes, namespace, service, kind, action):
    """True when one of the token's scopes allows ``action`` on namespace.service.kind."""
    for text in scopes:
        scope = parse_scope(text)
        if scope is None or scope[:2] != (namespace, service):
            continue
        if scope[2] not in (None, kind):
            continue
        if action in MODIFIERS[scope[3]]:
            return True
    return False


def _new_secret(description=""):
    return {
        "id": "sec-%s" % secrets.token_hex(6),
        "description": description,
        "value": secrets.token_urlsafe(24),
        "createdAt": isoformat(now()),
    }


def _client_view(client, with_secret_values=False):
    doc = {
        "id": client["id"],
        "name": client["name"],
        "scopes": list(client["scopes"]),
        "accessTokenLifetime": client["accessTokenLifetime"],
        "createdAt": client["createdAt"],
        "tokensIssued": client.get("tokensIssued", 0),
        "secrets": [],
    }
    for secret in client["secrets"]:
        item = {"id": secret["id"], "description": secret.get("description", ""), "createdAt": secret["createdAt"]}
        if with_secret_values:
            item["value"] = secret["value"]
        doc["secrets"].append(item)
    return doc


# ---------------------------------------------------------------- token endpoint


def _client_credentials():
    """client_id / client_secret from the form body or from HTTP Basic (RFC 6749 section 2.3.1)."""
    form_id, form_secret = request.form.get("client_id"), request.form.get("client_secret")
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        if form_secret is not None:
            raise OAuthError(400, "invalid_request", "Use one client authentication method, not two.")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError(401, "invalid_client", "Malformed HTTP Basic credentials.",
                             headers={"WWW-Authenticate": 'Basic realm="akamai-emulator"'}) from exc
        client_id, _sep, client_secret = decoded.partition(":")
        return client_id, client_secret
    return form_id, form_secret


def _authenticate_client(data):
    client_id, client_secret = _client_credentials()
    if not client_id or not client_secret:
        raise OAuthError(401, "invalid_client", "client_id and client_secret are required.")
    client = data["clients"].get(client_id)
    matched = None
    for secret in (client or {}).get("secrets", []):
        if hmac.compare_digest(secret["value"].encode("utf-8"), client_secret.encode("utf-8")):
            matched = secret
    if client is None or matched is None:
        raise OAuthError(401, "invalid_client", "Client authentication failed.")
    return client, matched


def _purge_tokens(data, moment):
    for value in [key for key, grant in data["tokens"].items()
                  if parse_time(grant["expiresAt"]) + EXPIRED_MEMORY < moment]:
        del data["tokens"][value]


@blueprint.post("/connect/token")
def issue_token():
    """Issue an access token for the client credentials grant."""
    mimetype = (request.mimetype or "").lower()
    if mimetype != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.")
    data = _state()
    client, secret = _authenticate_client(data)
    grant_type = request.form.get("grant_type")
    if not grant_type:
        raise OAuthError(400, "invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.")
    requested = []
    for item in re.split(r"[ +]+", request.form.get("scope", "").strip()):
        if item and item not in requested:
            requested.append(item)
    if not requested:
        raise OAuthError(400, "invalid_scope", "At least one scope is required.")
    for item in requested:
        if parse_scope(item) is None:
            raise OAuthError(400, "invalid_scope", "Malformed scope: %s." % item)
        if not any(covers(granted, item) for granted in client["scopes"]):
            raise OAuthError(400, "invalid_scope", "Scope not granted to this client: %s." % item)
    moment = now()
    _purge_tokens(data, moment)
    lifetime = int(client["accessTokenLifetime"])
    value = secrets.token_hex(32)
    data["tokens"][value] = {
        "clientId": client["id"],
        "secretId": secret["id"],
        "scopes": requested,
        "issuedAt": isoformat(moment),
        "expiresAt": isoformat(moment + timedelta(seconds=lifetime)),
    }
    client["tokensIssued"] = int(client.get("tokensIssued", 0)) + 1
    resp = jsonify({"access_token": value, "expires_in": lifetime, "token_type": "Bearer",
                    "scope": " ".join(requested)})
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Pragma"] = "no-cache"
    return resp


# ---------------------------------------------------------------- bearer tokens


def _authorise(data, namespace, service, kind, action, known=None):
    """The grant of the request's bearer token, when it allows ``action``; else a 401 with the reason.

    ``known`` (called once the token is found valid) may refuse an unknown path before the scope is checked.
    """
    header = request.headers.get("Authorization")
    if header is None or not header.strip():
        raise _bearer_error("missing", "invalid_request", "The Authorization header is missing.")
    scheme, _sep, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value or " " in value or not TOKEN_RE.match(value):
        raise _bearer_error("malformed", "invalid_request",
                            "The Authorization header must read: Bearer <access token>.")
    grant = data["tokens"].get(value.lower())
    if grant is None:
        raise _bearer_error("invalid", "invalid_token", "The access token is not valid.")
    if now() >= parse_time(grant["expiresAt"]):
        raise _bearer_error("expired", "invalid_token", "The access token expired at %s." % grant["expiresAt"])
    if known is not None:
        known(namespace, service, kind)
    if not allows(grant["scopes"], namespace, service, kind, action):
        needed = "%s.%s.%s" % (namespace, service, kind)
        raise _bearer_error("insufficient_scope", "insufficient_scope",
                            "The access token's scope does not allow %s on %s." % (action, needed))
    return grant


def _action():
    return METHOD_ACTIONS[request.method]


def _json_object():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise OAuthError(400, "invalid_request", "The request body must be a JSON object.")
    return body


# ---------------------------------------------------------------- protected API


def _collection(data, namespace, service, kind):
    data_key = "%s.%s.%s" % (namespace, service, kind)
    return data["resources"].setdefault(data_key, {})


def _known(namespace, service, kind):
    if (namespace, service, kind) not in RESOURCES:
        raise OAuthError(404, "not_found", "No such API: /%s/%s/%s." % (namespace, service, kind))


@blueprint.route("/api/<namespace>/<service>/<kind>", methods=["GET", "POST"])
def resources(namespace, service, kind):
    """List (GET, needs retrieve) or create (POST, needs create) objects of one resource type."""
    data = _state()
    _authorise(data, namespace, service, kind, _action(), known=_known)
    items = _collection(data, namespace, service, kind)
    if request.method == "GET":
        return jsonify({"items": [items[key] for key in sorted(items)]})
    body = _json_object()
    item = dict(body)
    item["id"] = "%s-%d" % (kind, store().new_id())
    item["createdAt"] = isoformat(now())
    items[item["id"]] = item
    return jsonify(item), 201


@blueprint.route("/api/<namespace>/<service>/<kind>/<item_id>", methods=["GET", "PUT", "PATCH", "DELETE"])
def resource(namespace, service, kind, item_id):
    """Read (GET), modify (PUT / PATCH) or delete (DELETE) one object."""
    data = _state()
    _authorise(data, namespace, service, kind, _action(), known=_known)
    items = _collection(data, namespace, service, kind)
    if item_id not in items:
        raise OAuthError(404, "not_found", "No %s with id %s." % (kind, item_id))
    if request.method == "GET":
        return jsonify(items[item_id])
    if request.method == "DELETE":
        del items[item_id]
        return "", 204
    body = _json_object()
    item = {} if request.method == "PUT" else dict(items[item_id])
    item.update(body)
    item["id"] = item_id
    item["createdAt"] = items[item_id]["createdAt"]
    items[item_id] = item
    return jsonify(item)


# ---------------------------------------------------------------- client administration


def _client(data, client_id):
    client = data["clients"].get(client_id)
    if client is None:
        raise OAuthError(404, "not_found", "No API client with id %s." % client_id)
    return client


@blueprint.get("/clients")
def list_clients():
    """API clients (secret values are never listed)."""
    data = _state()
    _authorise(data, "ids", "clients", "clients", "retrieve")
    return jsonify({"clients": [_client_view(data["clients"][key]) for key in sorted(data["clients"])]})


@blueprint.post("/clients")
def create_client():
    """Create an API client: {name, scopes, accessTokenLifetime}; its first secret value is returned once."""
    data = _state()
    _authorise(data, "ids", "clients", "clients", "create")
    body = _json_object()
    name = body.get("name")
    scopes = body.get("scopes")
    lifetime = body.get("accessTokenLifetime", DEFAULT_LIFETIME)
    if not isinstance(name, str) or not name.strip():
        raise OAuthError(400, "invalid_request", "name is required.")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) and parse_scope(s) for s in scopes):
        raise OAuthError(400, "invalid_request", "scopes must be a non-empty list of well-formed scopes.")
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or not 1 <= lifetime <= 86400:
        raise OAuthError(400, "invalid_request", "accessTokenLifetime must be 1 to 86400 seconds.")
    client = {
        "id": "client-%s" % secrets.token_hex(8),
        "name": name,
        "scopes": list(dict.fromkeys(scopes)),
        "accessTokenLifetime": lifetime,
        "createdAt": isoformat(now()),
        "tokensIssued": 0,
        "secrets": [_new_secret("initial secret")],
    }
    data["clients"][client["id"]] = client
    return jsonify(_client_view(client, with_secret_values=True)), 201


@blueprint.get("/clients/<client_id>")
def get_client(client_id):
    """One API client (secret ids and descriptions, no values)."""
    data = _state()
    _authorise(data, "ids", "clients", "clients", "retrieve")
    return jsonify(_client_view(_client(data, client_id)))


@blueprint.delete("/clients/<client_id>")
def delete_client(client_id):
    """Delete an API client; its access tokens stop working at once."""
    data = _state()
    _authorise(data, "ids", "clients", "clients", "delete")
    _client(data, client_id)
    del data["clients"][client_id]
    for value in [key for key, grant in data["tokens"].items() if grant["clientId"] == client_id]:
        del data["tokens"][value]
    return "", 204


@blueprint.post("/clients/<client_id>/secrets")
def add_secret(client_id):
    """Add a secret ({description} optional); the value is returned once, here."""
    data = _state()
    _authorise(data, "ids", "clients", "secrets", "create")
    client = _client(data, client_id)
    body = request.get_json(silent=True) or {}
    description = body.get("description", "") if isinstance(body, dict) else ""
    if not isinstance(description, str):
        raise OAuthError(400, "invalid_request", "description must be a string.")
    secret = _new_secret(description)
    client["secrets"].append(secret)
    return jsonify(dict(secret)), 201


@blueprint.delete("/clients/<client_id>/secrets/<secret_id>")
def delete_secret(client_id, secret_id):
    """Delete a secret at once: it obtains no new tokens; tokens already issued work until they expire."""
    data = _state()
    _authorise(data, "ids", "clients", "secrets", "delete")
    client = _client(data, client_id)
    remaining = [secret for secret in client["secrets"] if secret["id"] != secret_id]
    if len(remaining) == len(client["secrets"]):
        raise OAuthError(404, "not_found", "No secret with id %s." % secret_id)
    client["secrets"] = remaining
    return "", 204


# ---------------------------------------------------------------- bootstrap


def seed(account, info=None):
    """Seed the two documented API clients, in the primary account only."""
    if isinstance(info, dict) and not info.get("primary", info.get("index", 0) == 0):
        return None
    data = _state(account)
    created = isoformat(now() if has_app_context() else datetime.now(timezone.utc))
    for spec in SEED_CLIENTS:
        data["clients"][spec["id"]] = {
            "id": spec["id"],
            "name": spec["name"],
            "scopes": list(spec["scopes"]),
            "accessTokenLifetime": spec["accessTokenLifetime"],
            "createdAt": created,
            "tokensIssued": 0,
            "secrets": [{"id": spec["secret"]["id"], "description": "seeded", "value": spec["secret"]["value"],
                         "createdAt": created}],
        }
    return data
