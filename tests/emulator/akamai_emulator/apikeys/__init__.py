"""API Keys and Traffic Management (apikey-manager-api), v1 and v2 over one neutral state per account."""

import itertools

from flask import Blueprint

from . import model, v1, v2

SERVICE_NAME = "APIKEY-MANAGER-API"
AUTH = "edgegrid"

blueprint = Blueprint("apikeys", __name__, url_prefix="/apikey-manager-api")
blueprint.register_blueprint(v1.bp)
blueprint.register_blueprint(v2.bp)


def seed(account, info=None):  # pylint: disable=unused-argument
    """Seed three API endpoints (with resources and methods that ACLs and counters reference) in the
    account's first group and that group's first contract."""
    data = account.data.setdefault("apikeys", {})
    if data.get("endpoints"):
        return
    data["endpoints"] = []
    if not account.groups:
        return
    group = account.groups[0]
    contracts = group.get("contractIds") or account.contracts
    if not contracts:
        return
    # The bootstrap may run outside a request, so the ids come from a local sequence (ACL entries are
    # typed, ENDPOINT-n / RESOURCE-n / METHOD-n, so they cannot clash with key or collection ids).
    model.seed_endpoints(data, contracts[0], group["groupId"], itertools.count(810001).__next__)
