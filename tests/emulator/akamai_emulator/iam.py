"""Identity and Access Management API v3: API clients and their credentials.

Sources: identity-management-v3/09-api-clients-admin.yaml and 10-api-clients-credentials.yaml, their
schemas and examples; seeds 000 (credentials, rotation) and 003 (API clients limited to chosen APIs).
The access grants that access.py enforces live here (``access_level``): one source of truth.
"""

import base64
import copy
import secrets
from flask import Blueprint, jsonify, request

from . import context
from .context import isoformat, parse_time
from .problems import Problem

SERVICE_NAME = "identity-management"
AUTH = "edgegrid"
blueprint = Blueprint("iam", __name__, url_prefix="/identity-management/v3")

ERROR_TYPE = "/identity-management/error-types/%d"
LEVELS = ("READ-ONLY", "READ-WRITE")
CLIENT_TYPES = ("CLIENT", "USER_CLIENT")
STATUSES = ("ACTIVE", "INACTIVE")

# Metadata of the APIs an API client can be granted, by the SERVICE_NAME of the emulated module (case-insensitive).
# apiId values are the emulator's own; apiName / endPoint follow the Akamai API names.
KNOWN_APIS = {
    "identity-management": {
        "apiId": 1001, "apiName": "Identity and Access Management", "endPoint": "/identity-management",
        "description": "Identity and Access Management API",
        "documentationUrl": "https://techdocs.akamai.com/iam-api/reference/api",
    },
    "apikey-manager-api": {
        "apiId": 1002, "apiName": "API Keys and Traffic Management", "endPoint": "/apikey-manager-api",
        "description": "API Keys and Traffic Management API",
        "documentationUrl": "https://techdocs.akamai.com/key-traffic-mgmt/reference/api",
    },
    "edgekv": {
        "apiId": 1003, "apiName": "EdgeKV", "endPoint": "/edgekv",
        "description": "EdgeKV API",
        "documentationUrl": "https://techdocs.akamai.com/edgekv/reference/api",
    },
}
CATALOG = {}
NEXT_API_ID = 1100


def register_services(modules):
    """Build the catalog of grantable APIs from the loaded modules' SERVICE_NAME."""
    CATALOG.clear()
    extra = NEXT_API_ID
    for module in modules.values():
        name = getattr(module, "SERVICE_NAME", None)
        if not name or name in CATALOG:
            continue
        if name.lower() in KNOWN_APIS:
            CATALOG[name] = dict(KNOWN_APIS[name.lower()])
        else:
            CATALOG[name] = {"apiId": extra, "apiName": name, "endPoint": "/" + name, "description": name,
                             "documentationUrl": "https://techdocs.akamai.com/"}
            extra += 1


def catalog_by_id():
    """The grantable APIs keyed by apiId."""
    return {entry["apiId"]: (name, entry) for name, entry in CATALOG.items()}


def access_level(client, service_name):
    """The client's access level for a service: "READ-ONLY", "READ-WRITE" or None."""
    if client.get("isLocked"):
        return None
    entry = CATALOG.get(service_name)
    if entry is None:
        return None
    api_access = client.get("apiAccess") or {}
    if api_access.get("allAccessibleApis"):
        return "READ-WRITE"
    for api in api_access.get("apis", []):
        if api.get("apiId") == entry["apiId"]:
            return api.get("accessLevel")
    return None


# ---------------------------------------------------------------------------------------------------------------
# Records


def _token(prefix):
    raw = secrets.token_hex(16)
    return "%s-%s-%s" % (prefix, raw[:16], raw[16:])


def new_client_secret():
    """A client secret like Akamai's: 44 base64 characters."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def account_iam(account):
    """The IAM namespace of an account: users, roles."""
    return account.data.setdefault("iam", {"users": [], "roles": []})


def seed_account(account, users, roles):
    """Record the users and roles of an account (bootstrap)."""
    ns = account_iam(account)
    ns["users"] = users
    ns["roles"] = roles


def make_client(the_store, account, now, *, name, description="", apis=None, all_apis=False,
                switchable_accounts=(), created_by="admin", notification_emails=(), can_auto_create=False,
                authorized_users=None, groups=None):
    """Create and store an API client record; apis maps service name -> access level."""
    client_id = None
    while client_id is None or client_id in the_store.clients:
        client_id = secrets.token_hex(8)
    api_list = []
    for service, level in (apis or {}).items():
        entry = CATALOG.get(service) or KNOWN_APIS.get(service.lower())
        if entry is None:
            continue
        api_list.append(dict(entry, accessLevel=level))
    if groups is None:
        groups = _default_groups(account)
    record = {
        "clientId": client_id,
        "accountId": account.id,
        "accessToken": _token("akab"),
        "serviceConsumerToken": _token("akab"),
        "clientName": name,
        "clientDescription": description,
        "clientType": "CLIENT",
        "allowAccountSwitch": bool(switchable_accounts),
        "switchableAccounts": list(switchable_accounts),
        "canAutoCreateCredential": bool(can_auto_create),
        "createdBy": created_by,
        "createdDate": isoformat(now),
        "isLocked": False,
        "authorizedUsers": list(authorized_users if authorized_users is not None else [created_by]),
        "notificationEmails": list(notification_emails),
        "apiAccess": {"allAccessibleApis": bool(all_apis), "apis": api_list},
        "groupAccess": {"cloneAuthorizedUserGroups": False, "groups": groups},
        "ipAcl": {"enable": False, "cidr": []},
        "purgeOptions": None,
    }
    the_store.clients[client_id] = record
    return record


def _default_groups(account):
    roles = account_iam(account).get("roles") or [{"roleId": 1, "roleName": "Admin", "roleDescription": "Admin"}]
    role = roles[0]
    return [{"groupId": grp["groupId"], "groupName": grp["groupName"], "isBlocked": False,
             "roleId": role["roleId"], "roleName": role["roleName"], "roleDescription": role["roleDescription"],
             "subGroups": []} for grp in account.groups]


def make_credential(the_store, client, now, description="", years=2):
    """Create and store an ACTIVE credential for a client, expiring in two years; returns it (with its secret)."""
    cred_id = the_store.new_id()
    record = {
        "credentialId": cred_id,
        "clientId": client["clientId"],
        "clientToken": _token("akab"),
        "clientSecret": new_client_secret(),
        "createdOn": isoformat(now),
        "expiresOn": isoformat(add_years(now, years)),
        "status": "ACTIVE",
        "description": description,
    }
    the_store.credentials[str(cred_id)] = record
    return record


def _credentials_of(client_id):
    creds = [cred for cred in context.store().credentials.values() if cred["clientId"] == client_id]
    return sorted(creds, key=lambda cred: cred["credentialId"])


def add_years(value, years):
    """The same instant `years` calendar years later (29 February becomes 28 February)."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def _max_expiry(now):
    return add_years(now, context.config().credential_max_years)


def _credential_view(cred, with_actions=False, with_max_expiry=True):
    """A credential as the credentials operations show it (schemas/credential-nosecret.yaml); with_max_expiry=False
    as an API client's detail embeds it (schemas/api-client-detail-v3.yaml: its credentials items, with
    additionalProperties false, have no maxAllowedExpiry)."""
    now = context.now()
    view = {
        "credentialId": cred["credentialId"],
        "clientToken": cred["clientToken"],
        "status": cred["status"],
        "createdOn": cred["createdOn"],
        "description": cred["description"],
        "expiresOn": cred["expiresOn"],
    }
    if with_max_expiry:
        view["maxAllowedExpiry"] = isoformat(_max_expiry(now))
    if with_actions:
        view["actions"] = {
            "delete": cred["status"] == "INACTIVE",
            "activate": cred["status"] == "INACTIVE",
            "deactivate": cred["status"] == "ACTIVE",
            "editDescription": True,
            "editExpiration": True,
        }
    return view


def _active_count(client_id):
    now = context.now()
    return sum(1 for cred in _credentials_of(client_id)
               if cred["status"] == "ACTIVE" and parse_time(cred["expiresOn"]) > now)


def _client_view(client, *, detail=True, with_actions=False, with_credentials=False):
    base_url = request.host_url.rstrip("/")
    view = {
        "accessToken": client["accessToken"],
        "activeCredentialCount": _active_count(client["clientId"]),
        "allowAccountSwitch": client["allowAccountSwitch"],
        "canAutoCreateCredential": client["canAutoCreateCredential"],
        "clientDescription": client["clientDescription"],
        "clientId": client["clientId"],
        "clientName": client["clientName"],
        "clientType": client["clientType"],
        "createdBy": client["createdBy"],
        "createdDate": client["createdDate"],
        "isLocked": client["isLocked"],
        "authorizedUsers": list(client["authorizedUsers"]),
        "notificationEmails": list(client["notificationEmails"]),
    }
    if not detail:
        # Required in list items (schemas/api-client-v3.yaml: "Unique identifier for the service hostname"), not
        # allowed in the detail (api-client-detail-v3.yaml). A state saved before the emulator made one gets it here.
        view["serviceConsumerToken"] = client.setdefault("serviceConsumerToken", _token("akab"))
    if detail:
        view["baseURL"] = base_url
        view["apiAccess"] = copy.deepcopy(client["apiAccess"])
        if client["apiAccess"].get("allAccessibleApis"):
            view["apiAccess"]["apis"] = [dict(entry, accessLevel="READ-WRITE") for entry in CATALOG.values()]
        view["groupAccess"] = copy.deepcopy(client["groupAccess"])
        view["ipAcl"] = copy.deepcopy(client["ipAcl"])
        if client.get("purgeOptions") is not None:
            view["purgeOptions"] = copy.deepcopy(client["purgeOptions"])
    if with_actions:
        actions = {"deactivateAll": _active_count(client["clientId"]) > 0, "delete": True, "edit": True,
                   "lock": not client["isLocked"], "transfer": True, "unlock": client["isLocked"]}
        if detail:
            actions.update({"editApis": True, "editAuth": True, "editGroups": True, "editIpAcl": True,
                            "editSwitchAccount": client["allowAccountSwitch"]})
        view["actions"] = actions
    if with_credentials:
        view["credentials"] = [_credential_view(cred, with_actions, with_max_expiry=False)
                               for cred in _credentials_of(client["clientId"])]
    return view


# ---------------------------------------------------------------------------------------------------------------
# Helpers for the handlers


def _bad_request(detail, errors=None, code=3):
    """The 400 problem to raise."""
    return Problem(400, ERROR_TYPE % code, "Bad Request", detail, errors=errors)


def _flag(name):
    value = request.args.get(name)
    if value is None:
        return False
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise _bad_request("The query parameter %s must be true or false." % name)
    return lowered == "true"


def _json_object():
    doc = request.get_json(silent=True)
    if not isinstance(doc, dict):
        raise _bad_request("The request body must be a JSON object.")
    return doc


def _client(client_id):
    """The API client addressed by the path: self, or a clientId of the current account."""
    if client_id == "self":
        return context.current_client()
    client = context.store().clients.get(client_id)
    if client is None or client["accountId"] != context.current_account().id:
        raise Problem(404, ERROR_TYPE % 2, "invalid open identity",
                      "No API client %s in this account." % client_id)
    return client


def _credential(client, credential_id):
    cred = context.store().credentials.get(str(credential_id))
    if cred is None or cred["clientId"] != client["clientId"]:
        raise Problem(404, ERROR_TYPE % 2, "Not Found",
                      "No credential %s for API client %s." % (credential_id, client["clientId"]))
    return cred


def _created(body, location):
    resp = jsonify(body)
    resp.status_code = 201
    resp.headers["Location"] = location
    return resp


# ---------------------------------------------------------------------------------------------------------------
# Credentials (10-api-clients-credentials.yaml)


@blueprint.get("/api-clients/<client_id>/credentials")
def list_credentials(client_id):
    """List the credentials of an API client (secrets never included)."""
    client = _client(client_id)
    with_actions = _flag("actions")
    return jsonify([_credential_view(cred, with_actions) for cred in _credentials_of(client["clientId"])])


@blueprint.post("/api-clients/<client_id>/credentials")
def create_credential(client_id):
    """Create a credential: ACTIVE, expires in two years; the secret is in this response only."""
    client = _client(client_id)
    if request.get_data():
        doc = request.get_json(silent=True)
        if not isinstance(doc, dict):
            raise _bad_request("The request body must be a JSON object or empty.")
        unknown = set(doc) - {"description"}
        if unknown:
            raise _bad_request("Unknown fields: %s." % ", ".join(sorted(unknown)))
        description = doc.get("description", "")
        if not isinstance(description, str):
            raise _bad_request("description must be a string.")
    else:
        description = ""
    limit = context.config().credential_limit
    if len(_credentials_of(client["clientId"])) >= limit:
        raise Problem(400, ERROR_TYPE % 4, "Credential limit reached",
                      "The API client %s already has %d credentials, the maximum. Delete an inactive credential "
                      "before creating another." % (client["clientId"], limit),
                      errors=[{"type": "credential-limit", "detail": "maximum %d credentials per API client" % limit}])
    cred = make_credential(context.store(), client, context.now(), description, context.config().credential_max_years)
    body = {key: cred[key] for key in ("credentialId", "clientToken", "clientSecret", "createdOn", "expiresOn",
                                       "status", "description")}
    return _created(body, "%s/api-clients/%s/credentials/%d" % (blueprint.url_prefix, client_id, cred["credentialId"]))


@blueprint.post("/api-clients/<client_id>/credentials/deactivate")
def deactivate_all(client_id):
    """Deactivate every credential of the client."""
    client = _client(client_id)
    for cred in _credentials_of(client["clientId"]):
        if cred["status"] == "ACTIVE":
            cred["status"] = "INACTIVE"
    return "", 204


@blueprint.get("/api-clients/<client_id>/credentials/<int:credential_id>")
def get_credential(client_id, credential_id):
    """One credential, without its secret."""
    cred = _credential(_client(client_id), credential_id)
    return jsonify(_credential_view(cred, _flag("actions")))


@blueprint.put("/api-clients/<client_id>/credentials/<int:credential_id>")
def update_credential(client_id, credential_id):
    """Update expiresOn (required, at most two years ahead), status (required) and description."""
    cred = _credential(_client(client_id), credential_id)
    doc = _json_object()
    unknown = set(doc) - {"expiresOn", "status", "description"}
    if unknown:
        raise _bad_request("Unknown fields: %s." % ", ".join(sorted(unknown)))
    errors = []
    for name in ("expiresOn", "status"):
        if name not in doc:
            errors.append({"type": "missing-field", "detail": "%s is required" % name, "field": name})
    if errors:
        raise _bad_request("The request is missing required fields.", errors)
    status = doc["status"]
    if status not in STATUSES:
        raise _bad_request("status must be ACTIVE or INACTIVE (a DELETED credential cannot be set or reactivated).")
    description = doc.get("description", cred["description"])
    if not isinstance(description, str):
        raise _bad_request("description must be a string.")
    try:
        expires = parse_time(doc["expiresOn"])
    except (ValueError, TypeError):
        raise _bad_request("expiresOn must be an ISO 8601 timestamp.") from None
    now = context.now()
    if expires > _max_expiry(now):
        raise _bad_request("expiresOn can be at most %d years from now (%s)."
                           % (context.config().credential_max_years, isoformat(_max_expiry(now))),
                           [{"type": "invalid-field", "field": "expiresOn", "detail": "beyond maxAllowedExpiry"}])
    if expires <= now:
        raise _bad_request("expiresOn must be in the future.",
                           [{"type": "invalid-field", "field": "expiresOn", "detail": "in the past"}])
    cred["expiresOn"] = isoformat(expires)
    cred["status"] = status
    cred["description"] = description
    return jsonify({"status": cred["status"], "expiresOn": cred["expiresOn"], "description": cred["description"]})


@blueprint.delete("/api-clients/<client_id>/credentials/<int:credential_id>")
def delete_credential(client_id, credential_id):
    """Delete a credential: only an INACTIVE one (else 400)."""
    cred = _credential(_client(client_id), credential_id)
    if cred["status"] != "INACTIVE":
        raise _bad_request("Only an INACTIVE credential can be deleted; deactivate credential %d first."
                           % credential_id,
                           [{"type": "credential-active", "detail": "credential status is %s" % cred["status"]}],
                           code=5)
    del context.store().credentials[str(credential_id)]
    return "", 204


@blueprint.post("/api-clients/<client_id>/credentials/<int:credential_id>/deactivate")
def deactivate_credential(client_id, credential_id):
    """Deactivate one credential."""
    cred = _credential(_client(client_id), credential_id)
    cred["status"] = "INACTIVE"
    return "", 204


# ---------------------------------------------------------------------------------------------------------------
# API clients (09-api-clients-admin.yaml)


def _validate_emails(doc):
    emails = doc.get("notificationEmails", [])
    if not isinstance(emails, list) or not all(isinstance(item, str) and "@" in item for item in emails):
        raise _bad_request("notificationEmails must be a list of email addresses.")
    return list(emails)


def _validate_users(doc, account, required):
    if "authorizedUsers" not in doc:
        if required:
            raise _bad_request("authorizedUsers is required.")
        return None
    users = doc["authorizedUsers"]
    known = {user["username"] for user in account_iam(account)["users"]}
    if not isinstance(users, list) or not users or not all(isinstance(item, str) for item in users):
        raise _bad_request("authorizedUsers must be a list with one username.")
    unknown = [user for user in users if user not in known]
    if unknown:
        raise _bad_request("Unknown authorized users: %s." % ", ".join(unknown))
    if doc.get("clientType", "CLIENT") in CLIENT_TYPES and len(users) != 1:
        raise _bad_request("authorizedUsers must hold a single username for this clientType.")
    return list(users)


def _validate_api_access(doc):
    access = doc.get("apiAccess")
    if not isinstance(access, dict):
        raise _bad_request("apiAccess is required and must be an object.")
    unknown = set(access) - {"allAccessibleApis", "apis"}
    if unknown:
        raise _bad_request("Unknown apiAccess fields: %s." % ", ".join(sorted(unknown)))
    all_apis = access.get("allAccessibleApis", False)
    if not isinstance(all_apis, bool):
        raise _bad_request("apiAccess.allAccessibleApis must be a boolean.")
    if all_apis:
        return {"allAccessibleApis": True, "apis": []}
    apis = access.get("apis")
    if not isinstance(apis, list):
        raise _bad_request("apiAccess.apis is required when allAccessibleApis is false.")
    if len(apis) > 99:
        raise _bad_request("An API client can access at most 99 API services.")
    by_id = catalog_by_id()
    out, seen = [], set()
    for api in apis:
        if not isinstance(api, dict) or "apiId" not in api or "accessLevel" not in api:
            raise _bad_request("Each entry of apiAccess.apis needs apiId and accessLevel.")
        unknown = set(api) - {"apiId", "accessLevel", "apiName", "description", "documentationUrl", "endPoint"}
        if unknown:
            raise _bad_request("Unknown fields in apiAccess.apis: %s." % ", ".join(sorted(unknown)))
        if api["accessLevel"] not in LEVELS:
            raise _bad_request("accessLevel must be READ-ONLY or READ-WRITE.",
                               [{"type": "invalid-field", "field": "accessLevel", "detail": str(api["accessLevel"])}])
        if not isinstance(api["apiId"], int) or api["apiId"] not in by_id:
            raise _bad_request("Unknown apiId %r: see GET /identity-management/v3/users/{username}/allowed-apis."
                               % (api["apiId"],))
        if api["apiId"] in seen:
            raise _bad_request("apiId %d is listed twice." % api["apiId"])
        seen.add(api["apiId"])
        out.append(dict(by_id[api["apiId"]][1], accessLevel=api["accessLevel"]))
    return {"allAccessibleApis": False, "apis": out}


def _validate_group_access(doc, account):
    access = doc.get("groupAccess")
    if not isinstance(access, dict) or "cloneAuthorizedUserGroups" not in access:
        raise _bad_request("groupAccess is required with cloneAuthorizedUserGroups.")
    unknown = set(access) - {"cloneAuthorizedUserGroups", "groups"}
    if unknown:
        raise _bad_request("Unknown groupAccess fields: %s." % ", ".join(sorted(unknown)))
    clone = access["cloneAuthorizedUserGroups"]
    if not isinstance(clone, bool):
        raise _bad_request("groupAccess.cloneAuthorizedUserGroups must be a boolean.")
    if clone:
        return {"cloneAuthorizedUserGroups": True, "groups": _default_groups(account)}
    groups = access.get("groups")
    if not isinstance(groups, list):
        raise _bad_request("groupAccess.groups is required when cloneAuthorizedUserGroups is false.")
    known = {grp["groupId"]: grp for grp in account.groups}
    roles = {role["roleId"]: role for role in account_iam(account)["roles"]}
    out = []
    for grp in groups:
        if not isinstance(grp, dict) or "groupId" not in grp or "roleId" not in grp:
            raise _bad_request("Each group needs groupId and roleId.")
        if grp["groupId"] not in known:
            raise _bad_request("Unknown groupId %r in this account." % (grp["groupId"],))
        if grp["roleId"] not in roles:
            raise _bad_request("Unknown roleId %r in this account." % (grp["roleId"],))
        role = roles[grp["roleId"]]
        out.append({"groupId": grp["groupId"], "groupName": known[grp["groupId"]]["groupName"],
                    "isBlocked": bool(grp.get("isBlocked", False)), "roleId": role["roleId"],
                    "roleName": role["roleName"], "roleDescription": role["roleDescription"], "subGroups": []})
    return {"cloneAuthorizedUserGroups": False, "groups": out}


def _validate_ip_acl(doc, current):
    if "ipAcl" not in doc:
        return current
    acl = doc["ipAcl"]
    if not isinstance(acl, dict) or not isinstance(acl.get("enable"), bool) or not isinstance(acl.get("cidr"), list):
        raise _bad_request("ipAcl needs enable (boolean) and cidr (list).")
    return {"enable": acl["enable"], "cidr": [str(item) for item in acl["cidr"]]}


def _validate_string(doc, name, current, required=False):
    if name not in doc:
        if required:
            raise _bad_request("%s is required." % name)
        return current
    value = doc[name]
    if not isinstance(value, str) or not value:
        raise _bad_request("%s must be a non-empty string." % name)
    return value


def _validate_bool(doc, name, current):
    if name not in doc:
        return current
    if not isinstance(doc[name], bool):
        raise _bad_request("%s must be a boolean." % name)
    return doc[name]


POST_FIELDS = {"allowAccountSwitch", "apiAccess", "authorizedUsers", "canAutoCreateCredential", "clientDescription",
               "clientName", "clientType", "createCredential", "groupAccess", "ipAcl", "notificationEmails",
               "purgeOptions"}
PUT_FIELDS = POST_FIELDS - {"clientType", "createCredential"}


def _switchable(allow):
    """Accounts a client may switch to: those of the calling client (the emulator's model of "accounts you manage")."""
    if not allow:
        return []
    caller = context.current_client()
    return [acc for acc in caller.get("switchableAccounts", []) if acc != context.current_account().id]


def _check_name_unique(account, name, except_id=None):
    for other in context.store().clients.values():
        if other["accountId"] == account.id and other["clientName"] == name and other["clientId"] != except_id:
            raise Problem(409, ERROR_TYPE % 6, "Conflict", "An API client named %r already exists." % name)


@blueprint.get("/api-clients")
def list_clients():
    """List the API clients of the account."""
    account = context.current_account()
    with_actions = _flag("actions")
    clients = [client for client in context.store().clients.values() if client["accountId"] == account.id]
    clients.sort(key=lambda client: client["createdDate"])
    return jsonify([_client_view(client, detail=False, with_actions=with_actions) for client in clients])


@blueprint.post("/api-clients")
def create_client():
    """Create an API client (optionally with a credential when canAutoCreateCredential and createCredential)."""
    account = context.current_account()
    doc = _json_object()
    unknown = set(doc) - POST_FIELDS
    if unknown:
        raise _bad_request("Unknown fields: %s." % ", ".join(sorted(unknown)))
    client_type = doc.get("clientType")
    if client_type not in CLIENT_TYPES:
        raise _bad_request("clientType is required: CLIENT or USER_CLIENT.")
    users = _validate_users(doc, account, True)
    api_access = _validate_api_access(doc)
    group_access = _validate_group_access(doc, account)
    name = _validate_string(doc, "clientName", None) or "client-%s" % secrets.token_hex(3)
    _check_name_unique(account, name)
    description = _validate_string(doc, "clientDescription", "")
    emails = _validate_emails(doc)
    allow_switch = _validate_bool(doc, "allowAccountSwitch", False)
    auto_create = _validate_bool(doc, "canAutoCreateCredential", False)
    create_cred = _validate_bool(doc, "createCredential", False)
    ip_acl = _validate_ip_acl(doc, {"enable": False, "cidr": []})
    now = context.now()
    record = make_client(context.store(), account, now, name=name, description=description,
                         created_by=context.current_client()["authorizedUsers"][0], notification_emails=emails,
                         can_auto_create=auto_create, authorized_users=users)
    record.update({"clientType": client_type, "apiAccess": api_access, "groupAccess": group_access,
                   "ipAcl": ip_acl, "allowAccountSwitch": allow_switch,
                   "switchableAccounts": _switchable(allow_switch),
                   "purgeOptions": copy.deepcopy(doc.get("purgeOptions"))})
    view = _client_view(record, with_actions=True, with_credentials=False)
    credentials = []
    if create_cred and auto_create:
        cred = make_credential(context.store(), record, now)
        fields = ("credentialId", "clientToken", "clientSecret", "createdOn", "expiresOn", "status", "description")
        credentials.append({key: cred[key] for key in fields})
        view["activeCredentialCount"] = 1
    view["credentials"] = credentials
    return _created(view, "%s/api-clients/%s" % (blueprint.url_prefix, record["clientId"]))


@blueprint.get("/api-clients/<client_id>")
def get_client(client_id):
    """One API client; apiAccess / groupAccess / credentials / ipAcl / actions on request."""
    client = _client(client_id)
    view = _client_view(client, with_actions=_flag("actions"), with_credentials=_flag("credentials"))
    if not _flag("apiAccess"):
        view.pop("apiAccess", None)
    if not _flag("groupAccess"):
        view.pop("groupAccess", None)
    if not _flag("ipAcl"):
        view.pop("ipAcl", None)
    return jsonify(view)


@blueprint.put("/api-clients/<client_id>")
def update_client(client_id):
    """Replace the editable settings of an API client (apiAccess, groupAccess, authorizedUsers required)."""
    client = _client(client_id)
    account = context.current_account()
    doc = _json_object()
    unknown = set(doc) - PUT_FIELDS
    if unknown:
        raise _bad_request("Unknown fields: %s." % ", ".join(sorted(unknown)))
    doc.setdefault("clientType", client["clientType"])
    users = _validate_users(doc, account, True)
    api_access = _validate_api_access(doc)
    group_access = _validate_group_access(doc, account)
    name = _validate_string(doc, "clientName", client["clientName"])
    _check_name_unique(account, name, client["clientId"])
    updates = {
        "clientName": name,
        "clientDescription": _validate_string(doc, "clientDescription", client["clientDescription"]),
        "notificationEmails": _validate_emails(doc) if "notificationEmails" in doc else client["notificationEmails"],
        "allowAccountSwitch": _validate_bool(doc, "allowAccountSwitch", client["allowAccountSwitch"]),
        "canAutoCreateCredential": _validate_bool(doc, "canAutoCreateCredential", client["canAutoCreateCredential"]),
        "ipAcl": _validate_ip_acl(doc, client["ipAcl"]),
        "authorizedUsers": users,
        "apiAccess": api_access,
        "groupAccess": group_access,
    }
    if updates["allowAccountSwitch"] != client["allowAccountSwitch"]:
        updates["switchableAccounts"] = _switchable(updates["allowAccountSwitch"])
    if "purgeOptions" in doc:
        updates["purgeOptions"] = copy.deepcopy(doc["purgeOptions"])
    client.update(updates)
    return jsonify(_client_view(client, with_actions=True, with_credentials=True))


@blueprint.delete("/api-clients/<client_id>")
def delete_client(client_id):
    """Delete an API client and its credentials (yours only without active credentials, per 09 yaml)."""
    client = _client(client_id)
    if client_id == "self" and _active_count(client["clientId"]):
        raise _bad_request("Deactivate all credentials of your API client before deleting it.",
                           [{"type": "credential-active", "detail": "the API client has active credentials"}], code=5)
    the_store = context.store()
    for key in [key for key, cred in the_store.credentials.items() if cred["clientId"] == client["clientId"]]:
        del the_store.credentials[key]
    del the_store.clients[client["clientId"]]
    return "", 204


def _lock(client_id, locked):
    client = _client(client_id)
    client["isLocked"] = locked
    view = _client_view(client, detail=False)
    return jsonify(view)


@blueprint.put("/api-clients/<client_id>/lock")
def lock_client(client_id):
    """Lock an API client: it keeps its credentials but no API grants apply while locked."""
    return _lock(client_id, True)


@blueprint.put("/api-clients/<client_id>/unlock")
def unlock_client(client_id):
    """Unlock an API client."""
    if client_id == "self":
        raise Problem(404, ERROR_TYPE % 2, "Not Found", "There is no unlock operation for self.")
    return _lock(client_id, False)


@blueprint.get("/api-clients/<client_id>/account-switch-keys")
def account_switch_keys(client_id):
    """The account switch keys the client may use (filter with search, at least three characters)."""
    client = _client(client_id)
    search = request.args.get("search")
    if search is not None and len(search) < 3:
        raise _bad_request("search needs at least three characters.")
    the_store = context.store()
    out = []
    if client.get("allowAccountSwitch"):
        for account_id in client.get("switchableAccounts", []):
            account = the_store.accounts.get(account_id)
            if account is None:
                continue
            if search and search.lower() not in account.name.lower() and search.lower() not in account.id.lower():
                continue
            out.append({"accountName": account.name, "accountSwitchKey": account.switch_key})
    return jsonify(out)


# ---------------------------------------------------------------------------------------------------------------
# Helpers (tag "Helper" in 09-api-clients-admin.yaml)


def _user(username):
    for user in account_iam(context.current_account())["users"]:
        if user["username"] == username:
            return user
    raise Problem(404, ERROR_TYPE % 2, "Not Found", "No user %s in this account." % username)


@blueprint.get("/users")
def list_users():
    """The users that can be authorized users of an API client."""
    return jsonify(copy.deepcopy(account_iam(context.current_account())["users"]))


@blueprint.get("/users/<username>/allowed-apis")
def allowed_apis(username):
    """The APIs a user may grant to an API client."""
    _user(username)
    return jsonify([dict(entry, serviceProviderId=1, hasAccess=True, accessLevels=list(LEVELS))
                    for entry in CATALOG.values()])


@blueprint.get("/users/<username>/group-access")
def group_access(username):
    """The groups a user may grant to an API client."""
    _user(username)
    return jsonify(_default_groups(context.current_account()))
