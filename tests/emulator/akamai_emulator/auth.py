"""EdgeGrid (EG1-HMAC-SHA256) verification, as Akamai verifies what edgegrid-python signs.

Data to sign (tab separated): method, scheme, host, path (+ "?" + query), canonicalised headers,
content hash (POST bodies only, truncated to max_body; PUT and PATCH are not hashed), and the
Authorization header up to and including the ";" before "signature=".
Signing key: base64(HMAC-SHA256(key=client_secret, msg=timestamp)); signature:
base64(HMAC-SHA256(key=signing_key, msg=data_to_sign)).
"""

import base64
import hashlib
import hmac
import re
import time
import uuid
from datetime import datetime, timezone

from .problems import Problem

SCHEME = "EG1-HMAC-SHA256"
TIMESTAMP_FORMAT = "%Y%m%dT%H:%M:%S+0000"
TIMESTAMP_RE = re.compile(r"^\d{8}T\d{2}:\d{2}:\d{2}\+0000$")
AUTHN_DENY = "https://problems.luna.akamaiapis.net/-/pep-authn/deny"
AUTHN_REQUEST_ERROR = "https://problems.luna.akamaiapis.net/-/pep-authn/request-error"
REQUIRED_FIELDS = ("client_token", "access_token", "timestamp", "nonce", "signature")
SPACES_RE = re.compile(r"\s+")


def base64_hmac_sha256(data, key):
    """base64(HMAC-SHA256(key, data)) with both given as str."""
    digest = hmac.new(key.encode("utf-8"), data.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signing_key(client_secret, timestamp):
    """The per-timestamp signing key."""
    return base64_hmac_sha256(timestamp, client_secret)


def content_hash(method, body, max_body):
    """base64(SHA-256(body[:max_body])) for a non-empty POST body, else the empty string."""
    if method.upper() != "POST" or not body:
        return ""
    return base64.b64encode(hashlib.sha256(body[:max_body]).digest()).decode("ascii")


def canonical_headers(headers, headers_to_sign):
    """name:value pairs (lower-case names, whitespace runs squeezed) joined by tabs, in the signed order."""
    lower = {name.lower(): value for name, value in headers.items()}
    out = []
    for name in headers_to_sign:
        name = name.lower()
        if name in lower:
            out.append("%s:%s" % (name, SPACES_RE.sub(" ", lower[name].strip())))
    return "\t".join(out)


def data_to_sign(method, scheme, host, path_query, headers, body, unsigned_auth, max_body, headers_to_sign=()):
    """The string the signature covers."""
    return "\t".join([
        method.upper(),
        scheme,
        host,
        path_query,
        canonical_headers(headers, headers_to_sign),
        content_hash(method, body, max_body),
        unsigned_auth,
    ])


def signature(client_secret, timestamp, to_sign):
    """The expected signature of a request."""
    return base64_hmac_sha256(to_sign, signing_key(client_secret, timestamp))


def parse_authorization(header):
    """Split an EdgeGrid Authorization header into (fields, unsigned part); raise ValueError if malformed."""
    if not header or not header.startswith(SCHEME + " "):
        raise ValueError("not an %s header" % SCHEME)
    index = header.rfind(";signature=")
    if index < 0:
        raise ValueError("no signature")
    unsigned = header[:index + 1]
    fields = {}
    for part in header[len(SCHEME) + 1:].split(";"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or name in fields:
            raise ValueError("malformed field")
        fields[name] = value
    for name in REQUIRED_FIELDS:
        if not fields.get(name):
            raise ValueError("missing %s" % name)
    return fields, unsigned


def parse_timestamp(text):
    """The EdgeGrid timestamp as an aware datetime; raise ValueError if malformed."""
    if not TIMESTAMP_RE.match(text):
        raise ValueError("bad timestamp")
    return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=timezone.utc)


def _unauthorized(detail):
    return Problem(401, AUTHN_DENY, "Not authorized", detail, requestId=uuid.uuid4().hex[:8])


class NonceCache:
    """Nonces seen within the timestamp window (in memory; a replay inside the window is refused)."""

    def __init__(self):
        self.seen = {}

    def check_and_add(self, nonce, window):
        """False when the nonce was seen within the window; else remember it."""
        now = time.monotonic()
        if len(self.seen) > 1000:
            self.seen = {key: exp for key, exp in self.seen.items() if exp > now}
        expiry = self.seen.get(nonce)
        if expiry is not None and expiry > now:
            return False
        # A nonce stays blocked for two windows: its timestamp can be up to one window old or ahead.
        self.seen[nonce] = now + 2 * window + 1
        return True


def request_path_query(environ, fallback):
    """The path and query exactly as the client sent them (and signed them)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not raw:
        return fallback
    if raw.startswith(("http://", "https://")):
        rest = raw.split("://", 1)[1]
        slash = rest.find("/")
        raw = rest[slash:] if slash >= 0 else "/"
    return raw


def verify(req, the_store, cfg, nonces, now):
    """Verify the EdgeGrid signature of a flask request.

    ``now`` is the business clock (credential expiry); the timestamp is checked against the real clock.
    Returns (client record, credential record). Raises Problem (401, or 400 for a bad timestamp as
    Akamai answers it) on any failure; no detail ever echoes a secret.
    """
    header = req.headers.get("Authorization", "")
    try:
        fields, unsigned = parse_authorization(header)
    except ValueError:
        raise _unauthorized("Invalid authorization header") from None
    credential = None
    for cred in the_store.credentials.values():
        if hmac.compare_digest(cred["clientToken"], fields["client_token"]):
            credential = cred
            break
    if credential is None:
        raise _unauthorized("Invalid authorization client token")
    client = the_store.clients.get(credential["clientId"])
    if client is None or not hmac.compare_digest(client["accessToken"], fields["access_token"]):
        raise _unauthorized("Invalid authorization access token")
    if credential["status"] != "ACTIVE":
        raise _unauthorized("Inactive client token")
    expires = credential.get("expiresOn")
    if expires and datetime.fromisoformat(expires.replace("Z", "+00:00")) <= now:
        raise _unauthorized("Expired client token")
    try:
        stamp = parse_timestamp(fields["timestamp"])
    except ValueError:
        stamp = None
    real_now = datetime.now(timezone.utc)
    if stamp is None or abs((real_now - stamp).total_seconds()) > cfg.timestamp_window:
        raise Problem(400, AUTHN_REQUEST_ERROR, "Bad request", "Invalid timestamp", requestId=uuid.uuid4().hex[:8])
    body = req.get_data(cache=True) if req.method.upper() == "POST" else b""
    to_sign = data_to_sign(req.method, req.scheme, req.headers.get("Host", req.host),
                           request_path_query(req.environ, req.full_path.rstrip("?")), req.headers, body,
                           unsigned, cfg.max_body)
    expected = signature(credential["clientSecret"], fields["timestamp"], to_sign)
    if not hmac.compare_digest(expected, fields["signature"]):
        raise _unauthorized("The signature does not match")
    if not nonces.check_and_add(fields["nonce"], cfg.timestamp_window):
        raise _unauthorized("Invalid nonce: this nonce was already used")
    return client, credential
