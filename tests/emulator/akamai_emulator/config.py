"""Emulator configuration."""

import math
from dataclasses import dataclass, field


@dataclass
class EmulatorConfig:
    """Settings of one emulator instance.

    propagation_delay: seconds until dirty flags / IN_PROGRESS states settle.
    credential_limit: credentials one API client may hold (Akamai does not document it).
    timestamp_window: seconds of clock skew allowed between the EdgeGrid timestamp and the server clock.
    max_body: bytes of a POST body covered by the EdgeGrid content hash.
    state_file: JSON file the state is loaded from at start and saved to after each write.
    host / port: where the server listens (loopback only).
    faults: fault rules installed at start (same fields as POST /_emulator/faults).
    max_page_size: most keys one page of API Keys v2 GET /keys holds; a larger pageSize is served this many keys,
        without an error (the live maximum is unknown: apikey-manager-api-v2-REFERENCE.md section 4.13).
    check_openapi: validate every request and answer against Akamai's OpenAPI files (conformance.py).
    latency_ms / latency_jitter_ms: milliseconds every API request (not the /_emulator admin API) waits before it is
        handled, as a round trip to Akamai would: latency_ms plus a uniform random draw in
        [-latency_jitter_ms, +latency_jitter_ms], never below 0 (mean latency_ms while the jitter is at most latency_ms).
    """

    propagation_delay: float = 2.0
    credential_limit: int = 2
    timestamp_window: int = 30
    max_body: int = 131072
    state_file: str | None = None
    host: str = "127.0.0.1"
    port: int = 0
    credential_max_years: int = 2
    faults: list = field(default_factory=list)
    max_page_size: int = 10000
    check_openapi: bool = False
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0

    def __post_init__(self):
        for name in ("latency_ms", "latency_jitter_ms"):
            value = float(getattr(self, name))
            if not math.isfinite(value) or value < 0:
                raise ValueError("%s must be a finite number of 0 or more, not %r" % (name, getattr(self, name)))
            setattr(self, name, value)
