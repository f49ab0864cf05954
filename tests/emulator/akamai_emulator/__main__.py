"""Command line: python -m akamai_emulator serve --port P --edgerc PATH [--state FILE] [...]."""

import argparse
import json
import logging
import signal
import sys
import threading

from . import bootstrap
from .config import EmulatorConfig
from .faults import validate_rule
from .server import BackgroundServer, check_loopback, prepare

LOG = logging.getLogger("akamai_emulator")


def _fault_rule(kind):
    def parse(text):
        """N (the next N requests), 0.F (that fraction of requests), optionally @METHOD:/path/prefix."""
        spec, dummy, scope = text.partition("@")
        rule = {"kind": kind}
        try:
            if kind == "slow":
                delay, dummy, share = spec.partition(",")
                rule["delay"] = float(delay)
                spec = share
            if spec:
                value = float(spec)
                if 0 < value < 1:
                    rule["fraction"] = value
                else:
                    rule["count"] = int(value)
            if scope:
                method, dummy, path = scope.partition(":")
                if method:
                    rule["method"] = method.upper()
                if path:
                    rule["path"] = path
            validate_rule(rule)
        except ValueError as exc:
            raise argparse.ArgumentTypeError("invalid fault %r: %s" % (text, exc)) from None
        return rule
    return parse


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be an integer of 1 or more, not %r" % (text,))
    return value


def _milliseconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError("must be a number of milliseconds, 0 or more, not %r" % (text,))
    return value


def build_parser():
    """The argument parser."""
    parser = argparse.ArgumentParser(prog="python -m akamai_emulator",
                                     description="Local emulator of the Akamai APIs used by edgegrid.access.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the emulator on 127.0.0.1 in the foreground")
    serve.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any free port)")
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    serve.add_argument("--edgerc", required=True, help=".edgerc file to (re)write with the seeded credentials")
    serve.add_argument("--state", help="JSON state file: loaded at start, saved after every write")
    serve.add_argument("--propagation-delay", type=float, default=EmulatorConfig.propagation_delay,
                       help="seconds until dirty / IN_PROGRESS states settle (default %(default)s)")
    serve.add_argument("--credential-limit", type=int, default=EmulatorConfig.credential_limit,
                       help="credentials per API client (default %(default)s)")
    serve.add_argument("--timestamp-window", type=int, default=EmulatorConfig.timestamp_window,
                       help="allowed EdgeGrid timestamp skew in seconds (default %(default)s)")
    serve.add_argument("--max-page-size", type=_positive_int, default=EmulatorConfig.max_page_size,
                       help="most keys one page of API Keys v2 GET /keys holds; a larger pageSize gets this many, "
                            "without an error (default %(default)s)")
    serve.add_argument("--check-openapi", action="store_true",
                       help="validate every request and answer against Akamai's OpenAPI files (tests/openapi); "
                            "read the violations at GET /_emulator/conformance")
    serve.add_argument("--latency-ms", type=_milliseconds, default=EmulatorConfig.latency_ms, metavar="MS",
                       help="milliseconds every API request waits before it is handled, as a round trip to Akamai "
                            "(not the /_emulator admin API; default %(default)s)")
    serve.add_argument("--latency-jitter-ms", type=_milliseconds, default=EmulatorConfig.latency_jitter_ms,
                       metavar="MS", help="uniform random jitter of at most MS added to or taken from --latency-ms, "
                                          "never below 0 (default %(default)s)")
    serve.add_argument("--fault-429", type=_fault_rule("429"), action="append", default=[], metavar="SPEC",
                       help="answer 429: N (next N requests) or 0.F (fraction), optionally @METHOD:/path")
    serve.add_argument("--fault-503", type=_fault_rule("503"), action="append", default=[], metavar="SPEC",
                       help="answer 503: same SPEC as --fault-429")
    serve.add_argument("--fault-slow", type=_fault_rule("slow"), action="append", default=[], metavar="SPEC",
                       help="delay answers: SECONDS[,N|0.F][@METHOD:/path]")
    serve.add_argument("--fault-drop", type=_fault_rule("drop"), action="append", default=[], metavar="SPEC",
                       help="drop the connection without an answer: same SPEC as --fault-429")
    serve.add_argument("--fault-drop-after", type=_fault_rule("drop-after"), action="append", default=[],
                       metavar="SPEC", help="handle the request, then drop the connection without the answer")
    serve.add_argument("--faults-json", help="JSON list of fault rules (as POST /_emulator/faults)")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    return parser


def serve(args):
    """Run until SIGINT / SIGTERM."""
    check_loopback(args.host)
    faults = args.fault_429 + args.fault_503 + args.fault_slow + args.fault_drop + args.fault_drop_after
    if args.faults_json:
        faults.extend(json.loads(args.faults_json))
    config = EmulatorConfig(propagation_delay=args.propagation_delay, credential_limit=args.credential_limit,
                            timestamp_window=args.timestamp_window, state_file=args.state, host=args.host,
                            port=args.port, faults=faults, max_page_size=args.max_page_size,
                            check_openapi=args.check_openapi, latency_ms=args.latency_ms,
                            latency_jitter_ms=args.latency_jitter_ms)
    app, store, bootstrapped = prepare(config)
    server = BackgroundServer(app, args.host, args.port, quiet=not args.verbose)
    with store.lock:
        sections = bootstrap.edgerc_sections(store, server.base_url, bootstrap.read_edgerc(args.edgerc))
        path = bootstrap.write_edgerc(args.edgerc, sections)
    LOG.warning("Akamai emulator on %s (%s state%s); .edgerc written to %s (sections: default, readonly, account2)",
                server.base_url, "new" if bootstrapped else "loaded",
                " in " + args.state if args.state else ", not persisted", path)
    stop = threading.Event()

    def on_signal(signum, frame):  # pylint: disable=unused-argument
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server.start()
    while not stop.wait(0.5):
        pass
    server.stop()
    with store.lock:
        store.save()
    LOG.warning("Akamai emulator stopped")
    return 0


def main(argv=None):
    """Entry point."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
