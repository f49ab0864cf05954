"""Per-request context for API modules: the account, the calling client, the business clock."""

from datetime import datetime, timedelta, timezone

from flask import current_app, g


def config():
    """The EmulatorConfig of the running app."""
    return current_app.config["EMULATOR_CONFIG"]


def store():
    """The Store of the running app."""
    return current_app.config["EMULATOR_STORE"]


def current_account():
    """The account the request acts on (after any accountSwitchKey)."""
    return g.emulator_account


def current_client():
    """The calling API client record (None on OAuth 2.0 paths)."""
    return g.get("emulator_client")


def current_credential():
    """The credential that signed the request (None on OAuth 2.0 paths)."""
    return g.get("emulator_credential")


def clock(the_store):
    """The business clock of a store: real UTC time plus the store's offset."""
    return datetime.now(timezone.utc) + timedelta(seconds=the_store.clock_offset)


def now():
    """The business clock: aware UTC datetime, real time plus the offset tests can advance."""
    return clock(store())


def new_id():
    """A unique increasing integer id, persisted with the state."""
    return store().new_id()


def isoformat(value):
    """Akamai's timestamp format: 2024-01-31T12:00:00.000Z."""
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


def parse_time(text):
    """Parse an ISO 8601 timestamp (Z or offset; naive is taken as UTC); raises ValueError."""
    if not isinstance(text, str) or not text:
        raise ValueError("not a timestamp")
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
