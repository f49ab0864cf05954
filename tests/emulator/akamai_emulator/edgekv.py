"""EdgeKV v1 access tokens (enhanced token workflow, since 2024-08-30) and a read-only namespace listing.

State, in ``account.data["edgekv"]``:

- ``cpcode``: the CP code EdgeKV was initialised with (returned on every token).
- ``edgeWorkerIds``: EdgeWorker ids that exist in the account (``restrictToEdgeWorkerIds`` must name them).
- ``namespaces``: namespace name -> namespace document (as ``GET /networks/{network}/namespaces?details=on``).
- ``tokens``: token name -> token record (dates as ``YYYY-MM-DD``, ``activationStart`` as epoch seconds).

Behaviour, from the EdgeKV documents (seed 002, techdocs, the OpenAPI file where still valid):

- ``expiry`` is optional; without it the token refreshes itself and reports ``expiry: 9999-12-31``.
  With it (the pre-2024 workflow, kept so that expiry can be exercised) the expiry must be a date between
  today and six months ahead; such a token never refreshes and cannot be refreshed by hand.
- The token ``value`` (JWT) is never returned; ``uuid`` is what goes into ``edgekv_tokens.js``.
- ``tokenActivationStatus`` is ``IN_PROGRESS`` for ``config().propagation_delay`` seconds after a create or
  a refresh, then ``COMPLETE`` (computed lazily from timestamps).
- Refresh cadence (an assumption drawn from the documented examples): every two calendar months.
  ``nextScheduledRefreshDate`` = issue / latest refresh date + 2 months; when the business clock passes it the
  token refreshes itself (``latestRefreshDate`` moves to that date).
- Expired tokens stay listed (``includeExpired=true``) for 30 days, answer ``GET`` with 410 and then vanish.
- ``GET /tokens`` with nothing to list answers 404 "No tokens exist." as the OpenAPI file documents.
"""

import calendar
import json
import re
import uuid
import zlib
from datetime import date, datetime, timezone

from flask import Blueprint, jsonify, request

from .context import config, current_account, now
from .problems import Problem

SERVICE_NAME = "edgekv"  # the core's IAM catalog key; apiName "EdgeKV"
AUTH = "edgegrid"

blueprint = Blueprint("edgekv", __name__, url_prefix="/edgekv/v1")

NO_EXPIRY = "9999-12-31"
REFRESH_MONTHS = 2
MAX_EXPIRY_MONTHS = 6
EXPIRED_RETENTION_DAYS = 30
MAX_NAMESPACES = 20
PERMISSIONS = ("r", "w", "d")
TOKEN_FIELDS = ("name", "allowOnProduction", "allowOnStaging", "namespacePermissions",
                "restrictToEdgeWorkerIds", "expiry")
NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,31}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EW_ID_RE = re.compile(r"^[0-9]{1,10}$")

_ERRORS = {
    400: ("edgekv-bad-request", "Bad Request", "EKV_2000"),
    404: ("edgekv-not-found", "Not Found", "EKV_3000"),
    409: ("edgekv-conflict", "Conflict", "EKV_3000"),
    # The documented 410 example carries the title "Not Found" and the not-found type.
    410: ("edgekv-not-found", "Not Found", "EKV_3000"),
    422: ("edgekv-unprocessable-entity", "Unprocessable Entity", "EKV_2001"),
}


def _problem(status, detail, error_code=None):
    """An EdgeKV problem document shaped like the documented examples."""
    kind, title, code = _ERRORS[status]
    return Problem(status, "/edgekv/error-types/%s" % kind, title, detail,
                   instance="/edgekv/error-instances/%s" % uuid.uuid4(),
                   errorCode=error_code or code,
                   additionalDetail={"requestId": uuid.uuid4().hex[:16]})


# ---------------------------------------------------------------- dates


def _add_months(day, months):
    """The same day ``months`` calendar months later, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _midnight(day):
    """Epoch seconds of 00:00 UTC on ``day``."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp()


def _parse_date(text):
    """A ``YYYY-MM-DD`` string as a date, or None when it is not one."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


# ---------------------------------------------------------------- state


def _state(account=None):
    account = account or current_account()
    data = account.data.setdefault("edgekv", {})
    data.setdefault("cpcode", str(1000000 + zlib.crc32(account.id.encode("utf-8")) % 9000000))
    data.setdefault("edgeWorkerIds", [])
    data.setdefault("namespaces", {})
    data.setdefault("tokens", {})
    return data


def _settle(token, moment):
    """Bring a token up to date with the business clock: scheduled refreshes, activation status.

    Returns "active", "expired" (listed with includeExpired, 410 on GET) or "gone" (purged).
    """
    today = moment.date()
    if token.get("autoRefresh"):
        scheduled = _parse_date(token.get("nextScheduledRefreshDate"))
        while scheduled is not None and scheduled <= today:
            token["latestRefreshDate"] = scheduled.isoformat()
            token["activationStart"] = _midnight(scheduled)
            scheduled = _add_months(scheduled, REFRESH_MONTHS)
            token["nextScheduledRefreshDate"] = scheduled.isoformat()
    ready = moment.timestamp() >= float(token.get("activationStart", 0.0)) + float(config().propagation_delay)
    token["tokenActivationStatus"] = "COMPLETE" if ready else "IN_PROGRESS"
    expiry = _parse_date(token.get("expiry"))
    if token.get("autoRefresh") or expiry is None or today <= expiry:
        return "active"
    if (today - expiry).days > EXPIRED_RETENTION_DAYS:
        return "gone"
    return "expired"


def _settled_tokens(data):
    """All stored tokens with their state, purging those expired more than 30 days ago."""
    moment = now()
    result = []
    for name in sorted(data["tokens"]):
        token = data["tokens"][name]
        state = _settle(token, moment)
        if state == "gone":
            del data["tokens"][name]
            continue
        result.append((token, state))
    return result


def _summary(token):
    """A token as ``GET /tokens`` lists it."""
    return {
        "name": token["name"],
        "uuid": token["uuid"],
        "expiry": token["expiry"],
        "tokenActivationStatus": token["tokenActivationStatus"],
        "issueDate": token["issueDate"],
        "latestRefreshDate": token.get("latestRefreshDate"),
        "nextScheduledRefreshDate": token.get("nextScheduledRefreshDate"),
    }


def _detail(token):
    """A token as create, get and refresh return it (never its value)."""
    doc = _summary(token)
    doc.update({
        "cpcode": token["cpcode"],
        "restrictToEdgeWorkerIds": list(token.get("restrictToEdgeWorkerIds") or []),
        "allowOnProduction": token["allowOnProduction"],
        "allowOnStaging": token["allowOnStaging"],
        "namespacePermissions": {key: list(value) for key, value in token["namespacePermissions"].items()},
    })
    return doc


def _check_name(name):
    if not 1 <= len(name) <= 32:
        raise _problem(400, "Name must be between 1 and 32 characters.")
    if not NAME_RE.match(name):
        raise _problem(400, "Name contains invalid characters.")


def _find(data, name):
    """The stored, settled token called ``name``; 400 / 404 / 410 as documented."""
    _check_name(name)
    token = data["tokens"].get(name)
    if token is not None:
        state = _settle(token, now())
        if state == "gone":
            del data["tokens"][name]
            token = None
        elif state == "expired":
            raise _problem(410, "Token has expired.")
    if token is None:
        raise _problem(404, "Token with name %s does not exist." % name)
    return token


# ---------------------------------------------------------------- request parsing


def _reject_duplicates(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate attribute")
    return dict(pairs)


def _json_body():
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_reject_duplicates)
    except ValueError as exc:
        raise _problem(422, "The JSON request body contained a syntax error or duplicate attributes.") from exc


def _boolean(body, field):
    """A required boolean; the strings "true" / "false" are accepted, as Akamai's own httpie example sends."""
    if field not in body:
        raise _problem(400, "%s is required." % field)
    value = body[field]
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise _problem(400, "%s must be a boolean." % field)


def _permissions(data, body):
    value = body.get("namespacePermissions")
    if not isinstance(value, dict) or not value:
        raise _problem(400, "namespacePermissions is required and must name at least one namespace.")
    if len(value) > MAX_NAMESPACES:
        raise _problem(400, "namespacePermissions may name at most %d namespaces." % MAX_NAMESPACES)
    result = {}
    for namespace, perms in value.items():
        if not isinstance(perms, list) or not 1 <= len(perms) <= 3:
            raise _problem(400, "Permissions of namespace %s must be a list of 1 to 3 of r, w, d." % namespace)
        for perm in perms:
            if perm not in PERMISSIONS:
                raise _problem(400, "Invalid permission %s for namespace %s; allowed values are r, w, d."
                               % (json.dumps(perm), namespace))
        if len(set(perms)) != len(perms):
            raise _problem(400, "Permissions of namespace %s contain duplicates." % namespace)
        if namespace not in data["namespaces"]:
            raise _problem(400, "The requested namespace does not exist: %s." % namespace, "EKV_9000")
        result[namespace] = list(perms)
    policies = {bool(data["namespaces"][ns].get("dataAccessPolicy", {}).get("restrictDataAccess", True))
                for ns in result}
    if len(policies) > 1:
        raise _problem(400, "All namespaces of a token need the same data access policy (restrictDataAccess).")
    return result


def _edgeworker_ids(data, body):
    if "restrictToEdgeWorkerIds" not in body or body["restrictToEdgeWorkerIds"] is None:
        return []
    value = body["restrictToEdgeWorkerIds"]
    if not isinstance(value, list):
        raise _problem(400, "restrictToEdgeWorkerIds must be a list of EdgeWorker ids.")
    result = []
    for item in value:
        text = str(item) if isinstance(item, int) and not isinstance(item, bool) else item
        if not isinstance(text, str) or not EW_ID_RE.match(text):
            raise _problem(400, "Invalid EdgeWorker id %s." % json.dumps(item))
        if text not in data["edgeWorkerIds"]:
            raise _problem(400, "EdgeWorker id %s does not exist in this account." % text)
        if text not in result:
            result.append(text)
    return result


def _expiry(body, today):
    """NO_EXPIRY without an expiry; else a date from today to six months ahead."""
    if body.get("expiry") in (None, ""):
        return NO_EXPIRY
    value = _parse_date(body["expiry"])
    if value is None:
        raise _problem(400, "Expiry must be a date in the format YYYY-MM-DD.")
    if value < today:
        raise _problem(400, "Expiry must not be in the past.")
    if value > _add_months(today, MAX_EXPIRY_MONTHS):
        raise _problem(400, "Expiry can be at most six months from creation.")
    return value.isoformat()


# ---------------------------------------------------------------- routes


@blueprint.post("/tokens")
def create_token():
    """Create an access token (enhanced workflow: refreshes itself, no value returned)."""
    data = _state()
    body = _json_body()
    if not isinstance(body, dict):
        raise _problem(400, "The request body must be a JSON object.")
    unknown = sorted(set(body) - set(TOKEN_FIELDS))
    if unknown:
        raise _problem(400, "Unrecognized field %s." % json.dumps(unknown[0]))
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise _problem(400, "Name is required.")
    _check_name(name)
    on_production = _boolean(body, "allowOnProduction")
    on_staging = _boolean(body, "allowOnStaging")
    if not (on_production or on_staging):
        raise _problem(400, "At least one of allowOnProduction or allowOnStaging must be true.")
    permissions = _permissions(data, body)
    ew_ids = _edgeworker_ids(data, body)
    moment = now()
    today = moment.date()
    expiry = _expiry(body, today)
    existing = data["tokens"].get(name)
    if existing is not None and _settle(existing, moment) == "gone":
        del data["tokens"][name]
        existing = None
    if existing is not None:
        raise _problem(409, "Token with name %s is already stored." % name)
    auto = expiry == NO_EXPIRY
    token = {
        "name": name,
        "uuid": str(uuid.uuid4()),
        "allowOnProduction": on_production,
        "allowOnStaging": on_staging,
        "namespacePermissions": permissions,
        "restrictToEdgeWorkerIds": ew_ids,
        "expiry": expiry,
        "cpcode": data["cpcode"],
        "issueDate": today.isoformat(),
        "latestRefreshDate": None,
        "nextScheduledRefreshDate": _add_months(today, REFRESH_MONTHS).isoformat() if auto else None,
        "autoRefresh": auto,
        "activationStart": moment.timestamp(),
        "tokenActivationStatus": "IN_PROGRESS",
    }
    data["tokens"][name] = token
    _settle(token, moment)
    return jsonify(_detail(token)), 200


@blueprint.get("/tokens")
def list_tokens():
    """List tokens; expired ones (up to 30 days after expiry) only with includeExpired=true."""
    data = _state()
    flag = request.args.get("includeExpired", "false").lower()
    if flag not in ("true", "false"):
        raise _problem(400, "includeExpired must be true or false.")
    include_expired = flag == "true"
    tokens = [_summary(token) for token, state in _settled_tokens(data)
              if state == "active" or include_expired]
    if not tokens:
        raise _problem(404, "No tokens exist.")
    return jsonify({"tokens": tokens}), 200


@blueprint.get("/tokens/<token_name>")
def get_token(token_name):
    """One token, without its value."""
    return jsonify(_detail(_find(_state(), token_name))), 200


@blueprint.post("/tokens/<token_name>/refresh")
def refresh_token(token_name):
    """Refresh a token now instead of waiting for its scheduled refresh."""
    token = _find(_state(), token_name)
    if not token.get("autoRefresh"):
        raise _problem(400, "Token %s was created with a fixed expiry and cannot be refreshed." % token_name)
    moment = now()
    today = moment.date()
    token["latestRefreshDate"] = today.isoformat()
    token["nextScheduledRefreshDate"] = _add_months(today, REFRESH_MONTHS).isoformat()
    token["activationStart"] = moment.timestamp()
    _settle(token, moment)
    return jsonify(_detail(token)), 200


@blueprint.delete("/tokens/<token_name>")
def revoke_token(token_name):
    """Revoke a token: it is gone for good; the response names it."""
    data = _state()
    token = _find(data, token_name)
    del data["tokens"][token["name"]]
    return jsonify({"name": token["name"], "uuid": token["uuid"]}), 200


@blueprint.get("/networks/<network>/namespaces")
def list_namespaces(network):
    """The namespaces of the account (read-only here: the emulator seeds them)."""
    if network not in ("staging", "production"):
        raise _problem(400, "Network must be staging or production.")
    details = request.args.get("details", "off").lower()
    if details not in ("on", "off"):
        raise _problem(400, "details must be on or off.")
    data = _state()
    if details == "on":
        items = [dict(data["namespaces"][name]) for name in sorted(data["namespaces"])]
    else:
        items = [{"namespace": name} for name in sorted(data["namespaces"])]
    return jsonify({"namespaces": items}), 200


# ---------------------------------------------------------------- bootstrap


SEED_NAMESPACES = (
    ("default", 0, False),
    ("marketing", 0, False),
    ("secure", 0, True),
)


def seed(account, info=None):
    """Initialise EdgeKV in an account: CP code, EdgeWorker ids, namespaces (no tokens)."""
    info = info if isinstance(info, dict) else {}
    data = _state(account)
    index = 0 if info.get("primary", True) else 1
    data["cpcode"] = str(1234567 + index)
    base = 42000 + 1000 * index
    data["edgeWorkerIds"] = [str(base + 1), str(base + 2), str(base + 3)]
    for name, group_id, restricted in SEED_NAMESPACES:
        data["namespaces"][name] = {
            "namespace": name,
            "geoLocation": "US",
            "retentionInSeconds": 15724800,
            "groupId": group_id,
            "dataAccessPolicy": {
                "restrictDataAccess": restricted,
                "policyType": "overridden" if restricted else "inherited",
            },
        }
    return data
