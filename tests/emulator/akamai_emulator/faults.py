"""Fault injection and the request log, as a WSGI middleware around the Flask app.

A fault rule: {"kind": "429" | "503" | "slow" | "drop" | "drop-after", "method": "POST" | None,
"path": "/prefix" | None, "count": N | None (the next N matching requests),
"fraction": 0..1 | None (that share of matching requests), "skip": N (the first N matching requests pass
untouched, then the rule applies; they do not use up its count), "delay": seconds (slow),
"retry_after": seconds (429 / 503: when the next request may succeed)}.
A rule with neither count nor fraction applies to every matching request until cleared.
The admin paths (/_emulator/) are never faulted nor logged.

Latency: every API request (not the admin paths) first waits latency_ms plus a uniform random draw in
[-jitter_ms, +jitter_ms] (never below 0), outside the store lock, as a round trip to Akamai would make it wait;
faulted answers wait too.

Requests in flight: the log keeps the most API requests that were in the emulator at once (from their arrival,
before the latency wait, to their answer), max_in_flight: a test proves that reads went side by side by it, not
by a wall time.
"""

import json
import random
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

ADMIN_PREFIX = "/_emulator"
KINDS = ("429", "503", "slow", "drop", "drop-after")


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)


def validate_rule(rule):
    """Normalise a fault rule; raise ValueError when it is not understood."""
    if not isinstance(rule, dict):
        raise ValueError("a fault rule is a JSON object")
    unknown = set(rule) - {"kind", "method", "path", "count", "fraction", "skip", "delay", "retry_after"}
    if unknown:
        raise ValueError("unknown fault fields: %s" % ", ".join(sorted(unknown)))
    kind = str(rule.get("kind", ""))
    if kind not in KINDS:
        raise ValueError("kind must be one of %s" % ", ".join(KINDS))
    out = {"kind": kind, "method": rule.get("method"), "path": rule.get("path"),
           "count": rule.get("count"), "fraction": rule.get("fraction"), "skip": int(rule.get("skip", 0)),
           "delay": float(rule.get("delay", 1.0)), "retry_after": float(rule.get("retry_after", 1.0))}
    if out["method"] is not None:
        out["method"] = str(out["method"]).upper()
    if out["count"] is not None:
        out["count"] = int(out["count"])
        if out["count"] < 1:
            raise ValueError("count must be >= 1")
    if out["fraction"] is not None:
        out["fraction"] = float(out["fraction"])
        if not 0.0 < out["fraction"] <= 1.0:
            raise ValueError("fraction must be in (0, 1]")
    if out["delay"] < 0 or out["retry_after"] < 0 or out["skip"] < 0:
        raise ValueError("delay, retry_after and skip must be >= 0")
    out["id"] = uuid.uuid4().hex[:12]
    return out


class Faults:
    """Installed fault rules and the request log (thread safe; in memory only)."""

    def __init__(self, rules=None, seed=None):
        self.lock = threading.Lock()
        self.rules = [validate_rule(rule) for rule in (rules or [])]
        self.random = random.Random(seed)
        self.entries = []
        self.counts = Counter()
        self.in_flight = 0
        self.max_in_flight = 0

    def enter(self):
        """An API request arrived (see leave): counts it in flight and raises the high-water mark."""
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self):
        """An API request counted by enter was answered (or dropped)."""
        with self.lock:
            self.in_flight -= 1

    def add(self, rule):
        """Install a rule; returns it normalised (with its id)."""
        rule = validate_rule(rule)
        with self.lock:
            self.rules.append(rule)
        return rule

    def clear(self):
        """Remove every rule."""
        with self.lock:
            self.rules = []

    def list(self):
        """The installed rules."""
        with self.lock:
            return [dict(rule) for rule in self.rules]

    def pick(self, method, path):
        """The rule that applies to this request, if any (consumes one use of a counted rule)."""
        with self.lock:
            for rule in list(self.rules):
                if rule["method"] and rule["method"] != method:
                    continue
                if rule["path"] and not path.startswith(rule["path"]):
                    continue
                if rule["fraction"] is not None and self.random.random() >= rule["fraction"]:
                    continue
                if rule["skip"] > 0:
                    rule["skip"] -= 1
                    continue
                if rule["count"] is not None:
                    rule["count"] -= 1
                    if rule["count"] <= 0:
                        self.rules.remove(rule)
                return dict(rule)
        return None

    def record(self, method, path, status, fault):
        """Log one request."""
        with self.lock:
            self.counts["%s %s" % (method, path)] += 1
            self.entries.append({"time": _iso(datetime.now(timezone.utc)), "method": method, "path": path,
                                 "status": status, "fault": fault})
            if len(self.entries) > 10000:
                del self.entries[:1000]

    def log(self):
        """The request log: total, counts per "METHOD /path", the entries, and max_in_flight (the most API requests
        in the emulator at once since the log was reset)."""
        with self.lock:
            return {"total": sum(self.counts.values()), "counts": dict(self.counts), "entries": list(self.entries),
                    "max_in_flight": self.max_in_flight}

    def reset_log(self):
        """Forget the logged requests (and the high-water mark of requests in flight: those in flight now count)."""
        with self.lock:
            self.entries = []
            self.counts = Counter()
            self.max_in_flight = self.in_flight


def _json_response(start_response, status, body, headers):
    payload = json.dumps(body).encode("utf-8")
    start_response(status, [("Content-Type", "application/problem+json"),
                            ("Content-Length", str(len(payload)))] + list(headers))
    return [payload]


def _discard_body(environ):
    """Read the request body to its end, so that the server does not take what is left of it for the next
    request on the connection (and log it, secrets included, as a malformed request line)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    try:
        if environ.get("wsgi.input_terminated"):
            while stream.read(65536):
                pass
            return
        remaining = int(environ.get("CONTENT_LENGTH") or 0)
        while remaining > 0:
            chunk = stream.read(min(65536, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except (OSError, ValueError):
        pass


def _drop_connection(environ):
    """Shut the client socket down: the client sees the connection closed without an HTTP answer."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("emulator fault: connection dropped")


class FaultMiddleware:
    """WSGI middleware: request log, then faults, then the app under the store lock."""

    def __init__(self, app, faults, lock, latency_ms=0.0, jitter_ms=0.0):
        self.app = app
        self.faults = faults
        self.lock = lock
        self.latency_ms = float(latency_ms)
        self.jitter_ms = float(jitter_ms)
        self.random = random.Random()

    def latency(self):
        """Seconds the next API request waits: latency_ms +- a uniform draw of at most jitter_ms, never below 0."""
        if not self.latency_ms and not self.jitter_ms:
            return 0.0
        jitter = self.random.uniform(-self.jitter_ms, self.jitter_ms) if self.jitter_ms else 0.0
        return max(0.0, self.latency_ms + jitter) / 1000.0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/"):
            with self.lock:
                return self.app(environ, start_response)
        self.faults.enter()
        try:
            return self._api_call(environ, start_response, method, path)
        finally:
            self.faults.leave()

    def _api_call(self, environ, start_response, method, path):
        wait = self.latency()
        if wait:
            time.sleep(wait)
        rule = self.faults.pick(method, path)
        kind = rule["kind"] if rule else None
        if kind == "drop":
            self.faults.record(method, path, None, kind)
            _discard_body(environ)  # unread by the app (drop-after's app has read it)
            _drop_connection(environ)
        if kind in ("429", "503"):
            status = 429 if kind == "429" else 503
            self.faults.record(method, path, status, kind)
            return self._fault_answer(start_response, rule, status)
        if kind == "slow":
            time.sleep(rule["delay"])
        seen = {}

        def recording_start_response(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        with self.lock:
            result = self.app(environ, recording_start_response)
            if kind == "drop-after":
                # The request was fully handled (state changed, saved); the answer is lost.
                for dummy in result:
                    pass
                if hasattr(result, "close"):
                    result.close()
        self.faults.record(method, path, seen.get("status"), kind)
        if kind == "drop-after":
            _drop_connection(environ)
        return result

    @staticmethod
    def _fault_answer(start_response, rule, status):
        after = rule["retry_after"]
        nxt = _iso(datetime.now(timezone.utc) + timedelta(seconds=after))
        instance = uuid.uuid4().hex
        if status == 429:
            headers = [("Akamai-RateLimit-Limit", "100"), ("Akamai-RateLimit-Remaining", "0"),
                       ("Akamai-RateLimit-Next", nxt), ("X-RateLimit-Limit", "100"),
                       ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Next", nxt),
                       ("Retry-After", str(int(after + 0.999)))]
            body = {"type": "https://problems.luna.akamaiapis.net/-/emulator/rate-limit", "title": "Too Many Requests",
                    "status": 429, "detail": "Rate limit exceeded (injected fault); retry after " + nxt,
                    "instance": instance}
            return _json_response(start_response, "429 Too Many Requests", body, headers)
        body = {"type": "https://problems.luna.akamaiapis.net/-/emulator/unavailable", "title": "Service Unavailable",
                "status": 503, "detail": "The service is temporarily unavailable (injected fault).",
                "instance": instance}
        return _json_response(start_response, "503 Service Unavailable", body,
                              [("Retry-After", str(int(after + 0.999)))])
