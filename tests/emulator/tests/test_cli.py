"""The command line: python -m akamai_emulator serve, with a state file and fault options."""

import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from akamai.edgegrid import EdgeGridAuth, EdgeRc

SELF_CREDS = "/identity-management/v3/api-clients/self/credentials"


def _start(tmp_path, *extra):
    edgerc = tmp_path / "edgerc"
    started = edgerc.stat().st_mtime_ns if edgerc.exists() else None
    proc = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "akamai_emulator", "serve", "--port", "0", "--edgerc", str(edgerc),
         "--state", str(tmp_path / "state.json"), "--propagation-delay", "0.1", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not edgerc.exists() or edgerc.stat().st_mtime_ns == started:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the emulator did not start"
        time.sleep(0.05)
    rc = EdgeRc(str(edgerc))
    host = rc.get("default", "host")
    while True:
        try:
            requests.get(host + "/_emulator/health", timeout=1)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    return proc, rc, host


def _stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=10) == 0
    finally:
        proc.stderr.close()


def _signer(rc, section="default"):
    return EdgeGridAuth.from_edgerc(rc, section)


def test_cli_serves_persists_and_injects_faults(tmp_path):
    proc, rc, host = _start(tmp_path, "--fault-503", "1@POST:/identity-management", "--credential-limit", "3")
    try:
        assert oct(os.stat(tmp_path / "edgerc").st_mode & 0o777) == "0o600"
        assert host.startswith("http://127.0.0.1:")
        signer = _signer(rc)
        assert requests.post(host + SELF_CREDS, auth=signer, json={}, timeout=10).status_code == 503
        created = requests.post(host + SELF_CREDS, auth=signer, json={"description": "kept"}, timeout=10)
        assert created.status_code == 201, created.text
        created = created.json()
        assert requests.post(host + SELF_CREDS, auth=signer, json={}, timeout=10).status_code == 201
    finally:
        _stop(proc)
    with open(tmp_path / "edgerc", "a", encoding="utf-8") as handle:
        handle.write("\n[custom]\nclient_token = kept-as-is\n")
    proc, rc2, host2 = _start(tmp_path)
    try:
        listed = requests.get(host2 + SELF_CREDS, auth=_signer(rc2), timeout=10).json()
        assert created["credentialId"] in [cred["credentialId"] for cred in listed]
        assert rc2.get("default", "client_token") == rc.get("default", "client_token")
        assert rc2.get("custom", "client_token") == "kept-as-is"
        # the limit given at the first start is not persisted: the default (2) applies again
        assert len(listed) == 3
        assert requests.post(host2 + SELF_CREDS, auth=_signer(rc2), json={}, timeout=10).status_code == 400
    finally:
        _stop(proc)


def test_cli_refuses_non_loopback(tmp_path):
    result = subprocess.run([sys.executable, "-m", "akamai_emulator", "serve", "--port", "0", "--host", "0.0.0.0",
                             "--edgerc", str(tmp_path / "rc")], capture_output=True, timeout=30,
                            check=False)
    assert result.returncode != 0
    assert b"loopback" in result.stderr
    assert not (tmp_path / "rc").exists()


def test_fault_option_parsing():
    from akamai_emulator.__main__ import build_parser  # pylint: disable=import-outside-toplevel
    args = build_parser().parse_args([
        "serve", "--port", "0", "--edgerc", "rc", "--fault-429", "3@GET:/apikey-manager-api",
        "--fault-drop", "0.1", "--fault-slow", "2.5,1@POST:", "--fault-503", "@:/edgekv",
        "--fault-drop-after", "1"])
    assert args.fault_429 == [{"kind": "429", "count": 3, "method": "GET", "path": "/apikey-manager-api"}]
    assert args.fault_drop == [{"kind": "drop", "fraction": 0.1}]
    assert args.fault_slow == [{"kind": "slow", "delay": 2.5, "count": 1, "method": "POST"}]
    assert args.fault_503 == [{"kind": "503", "path": "/edgekv"}]
    assert args.fault_drop_after == [{"kind": "drop-after", "count": 1}]


def test_page_cap_and_openapi_check_options():
    from akamai_emulator.__main__ import build_parser  # pylint: disable=import-outside-toplevel
    args = build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc", "--max-page-size", "100",
                                      "--check-openapi"])
    assert args.max_page_size == 100 and args.check_openapi is True
    args = build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc"])
    assert args.max_page_size == 10000 and args.check_openapi is False
    for bad in ("0", "-5", "many"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc", "--max-page-size", bad])


def test_latency_options():
    from akamai_emulator.__main__ import build_parser  # pylint: disable=import-outside-toplevel
    args = build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc", "--latency-ms", "150",
                                      "--latency-jitter-ms", "20"])
    assert args.latency_ms == 150.0 and args.latency_jitter_ms == 20.0
    args = build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc"])
    assert args.latency_ms == 0.0 and args.latency_jitter_ms == 0.0
    for bad in ("-5", "nan", "fast"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--port", "0", "--edgerc", "rc", "--latency-ms", bad])
