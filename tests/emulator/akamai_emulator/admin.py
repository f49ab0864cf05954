"""Admin endpoints under /_emulator/ (no EdgeGrid; loopback callers only).

GET    /_emulator/health                 {"status": "ok", "modules": [...]}
GET    /_emulator/faults                 installed fault rules
POST   /_emulator/faults                 install one rule (or {"faults": [rules]}); 201
DELETE /_emulator/faults                 remove all rules; 204
GET    /_emulator/log                    {"total", "counts": {"METHOD /path": n}, "entries": [...], "max_in_flight"}
DELETE /_emulator/log                    reset the log; 204
GET    /_emulator/clock                  {"now": ISO, "offset": seconds}
POST   /_emulator/clock                  {"advance": seconds} moves the business clock forward
GET    /_emulator/conformance            what --check-openapi recorded (conformance.py); 404 without it
DELETE /_emulator/conformance            forget it; 204
"""

import ipaddress
import math

from flask import Blueprint, current_app, jsonify, request

from . import context
from .problems import Problem

blueprint = Blueprint("emulator_admin", __name__, url_prefix="/_emulator")
ADMIN_ERROR = "https://problems.luna.akamaiapis.net/-/emulator/admin-error"
# The business clock may run at most a century ahead: far beyond any expiry the APIs compute (two years for
# credentials, 120 days for revoked keys), well within what dates can hold.
MAX_CLOCK_OFFSET = 100 * 365.25 * 86400


def _faults():
    return current_app.extensions["emulator_faults"]


@blueprint.before_request
def loopback_only():
    """Refuse callers that are not on the loopback interface."""
    try:
        loopback = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise Problem(403, ADMIN_ERROR, "Forbidden", "The emulator's admin endpoints answer loopback callers only.")


def _json_body():
    doc = request.get_json(silent=True)
    if doc is None:
        raise Problem(400, ADMIN_ERROR, "Bad Request", "The body must be a JSON document.")
    return doc


@blueprint.get("/health")
def health():
    """Liveness and the loaded API modules."""
    return jsonify({"status": "ok", "modules": sorted(current_app.extensions["emulator_modules"])})


@blueprint.get("/faults")
def list_faults():
    """The installed fault rules."""
    return jsonify({"faults": _faults().list()})


@blueprint.post("/faults")
def add_faults():
    """Install one rule or a list under "faults"."""
    doc = _json_body()
    rules = doc.get("faults") if isinstance(doc, dict) and "faults" in doc else [doc]
    if not isinstance(rules, list):
        raise Problem(400, ADMIN_ERROR, "Bad Request", "faults must be a list.")
    try:
        added = [_faults().add(rule) for rule in rules]
    except (ValueError, TypeError) as exc:
        raise Problem(400, ADMIN_ERROR, "Bad Request", "Invalid fault rule: %s" % exc) from None
    return jsonify({"faults": added}), 201


@blueprint.delete("/faults")
def clear_faults():
    """Remove every rule."""
    _faults().clear()
    return "", 204


@blueprint.get("/log")
def get_log():
    """The request log."""
    return jsonify(_faults().log())


@blueprint.delete("/log")
def reset_log():
    """Forget the logged requests."""
    _faults().reset_log()
    return "", 204


@blueprint.get("/clock")
def get_clock():
    """The business clock."""
    return jsonify({"now": context.isoformat(context.now()), "offset": context.store().clock_offset})


@blueprint.post("/clock")
def advance_clock():
    """Move the business clock forward by {"advance": seconds}."""
    doc = _json_body()
    seconds = doc.get("advance") if isinstance(doc, dict) else None
    the_store = context.store()
    # A JSON number only (NaN and Infinity are not JSON, though Python reads them), finite, and within the
    # century the clock may move: anything else would poison every later date and the saved state.
    if (isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds)
            or seconds < 0 or the_store.clock_offset + seconds > MAX_CLOCK_OFFSET):
        raise Problem(400, ADMIN_ERROR, "Bad Request",
                      "advance must be a finite JSON number of seconds, 0 or more, that keeps the clock at most "
                      "%d seconds ahead (now %d)." % (MAX_CLOCK_OFFSET, the_store.clock_offset))
    the_store.clock_offset += float(seconds)
    the_store.save()
    return jsonify({"now": context.isoformat(context.now()), "offset": the_store.clock_offset})


def _conformance():
    checker = current_app.extensions.get("emulator_conformance")
    if checker is None:
        raise Problem(404, ADMIN_ERROR, "Not Found", "The emulator was not started with --check-openapi.")
    return checker


@blueprint.get("/conformance")
def get_conformance():
    """What the OpenAPI check recorded: {"checked", "unchecked", "known", "violations"}."""
    return jsonify(_conformance().summary())


@blueprint.delete("/conformance")
def reset_conformance():
    """Forget what the OpenAPI check recorded."""
    _conformance().reset()
    return "", 204
