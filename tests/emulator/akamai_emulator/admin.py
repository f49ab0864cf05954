"""Admin endpoints under /_emulator/ (no EdgeGrid; loopback callers only).

GET    /_emulator/health                 {"status": "ok", "modules": [...]}
GET    /_emulator/faults                 installed fault rules
POST   /_emulator/faults                 install one rule (or {"faults": [rules]}); 201
DELETE /_emulator/faults                 remove all rules; 204
GET    /_emulator/log                    {"total", "counts": {"METHOD /path": n}, "entries": [...]}
DELETE /_emulator/log                    reset the log; 204
GET    /_emulator/clock                  {"now": ISO, "offset": seconds}
POST   /_emulator/clock                  {"advance": seconds} moves the business clock forward
"""

import ipaddress

from flask import Blueprint, current_app, jsonify, request

from . import context
from .problems import Problem

blueprint = Blueprint("emulator_admin", __name__, url_prefix="/_emulator")
ADMIN_ERROR = "https://problems.luna.akamaiapis.net/-/emulator/admin-error"


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
    try:
        seconds = float(doc.get("advance")) if isinstance(doc, dict) else None
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or seconds < 0:
        raise Problem(400, ADMIN_ERROR, "Bad Request", "advance must be a number of seconds >= 0.")
    the_store = context.store()
    the_store.clock_offset += seconds
    the_store.save()
    return jsonify({"now": context.isoformat(context.now()), "offset": the_store.clock_offset})
