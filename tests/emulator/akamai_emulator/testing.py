"""Test helpers: a fresh emulator served on 127.0.0.1 in a background thread, and a ledger of its secrets.

    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        session = emu.session()            # signs with the [default] section (admin client)
        session.get(emu.url("/identity-management/v3/api-clients/self/credentials"))

    ledger = SecretLedger()                # before the emulator starts: records every credential created
    ...                                    # run something against the emulator, keep its output
    ledger.collect(emu.store)              # and what the state holds at the end
    ledger.scan(output)                    # (kind, line number) of each secret found in the output

and where the test harnesses (tests/*/run.py, tests/*/conftest.py, bench/) find the collection under test:
exported_collections_path() (ANSIBLE_COLLECTIONS_PATH as make exports it), collections_root(--collection).
"""

import contextlib
import os
import shutil
import subprocess
from urllib.parse import urljoin

import requests
from akamai.edgegrid import EdgeGridAuth, EdgeRc

from . import bootstrap, iam, oauth2
from .apikeys import model as apikeys_model
from .config import EmulatorConfig
from .server import BackgroundServer, prepare

MIN_SECRET_LENGTH = 8


class SecretLedger:
    """Every secret the emulator hands out while tests run, by kind: to look for them in the tests' output.

    The client secrets of credentials are recorded as they are made, so that a credential deleted later still
    counts; with every_creation=True, so are the access tokens of API clients, the values of API keys and OAuth 2.0
    client secrets (a secret deleted later still counts). collect()
    adds what the state holds when it is called: client secrets, access tokens, OAuth 2.0 client secrets and access
    tokens, API key values. Client tokens are not counted: Akamai shows them in Control Center and in IAM listings,
    as identifiers. Create one ledger per process: it wraps the emulator functions that make these secrets.
    """

    def __init__(self, every_creation=False):
        self.secrets = {}
        self._wrap(iam, "make_credential", lambda cred: [("credential client secret", cred.get("clientSecret"))])
        if every_creation:
            self._wrap(iam, "make_client", lambda client: [("API client access token", client.get("accessToken"))])
            self._wrap(apikeys_model, "create_keys",
                       lambda keys: [("API key value", key.get("value")) for key in keys])
            self._wrap(oauth2, "_new_secret", lambda secret: [("OAuth 2.0 client secret", secret.get("value"))])

    def _wrap(self, owner, name, secrets_of):
        original = getattr(owner, name)

        def recording(*args, **kwargs):
            made = original(*args, **kwargs)
            for kind, value in secrets_of(made):
                self.add(kind, value)
            return made
        setattr(owner, name, recording)

    def add(self, kind, value):
        """Remember one secret (values shorter than MIN_SECRET_LENGTH are ignored)."""
        if isinstance(value, str) and len(value) >= MIN_SECRET_LENGTH:
            self.secrets.setdefault(value, kind)

    def collect(self, store):
        """Add what the emulator's state holds now."""
        for cred in store.credentials.values():
            self.add("credential client secret", cred.get("clientSecret"))
        for client in store.clients.values():
            self.add("API client access token", client.get("accessToken"))
        for account in store.accounts.values():
            oauth = account.data.get("oauth2", {})
            for client in oauth.get("clients", {}).values():
                for secret in client.get("secrets", []):
                    self.add("OAuth 2.0 client secret", secret.get("value"))
            for token in oauth.get("tokens", {}):
                self.add("OAuth 2.0 access token", token)
            for key in account.data.get("apikeys", {}).get("keys", {}).values():
                self.add("API key value", key.get("value"))

    def mask(self, text):
        """text with every known secret masked, for printing."""
        for value in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(value, "********")
        return text

    def scan(self, text):
        """(kind, line number) of every secret found in text."""
        found = []
        for number, line in enumerate(text.splitlines(), 1):
            for value, kind in self.secrets.items():
                if value in line:
                    found.append((kind, number))
        return found


class AdminHelper:
    """Calls to the /_emulator/ admin endpoints."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.http = requests.Session()

    def _call(self, method, path, body=None):
        resp = self.http.request(method, self.base_url + "/_emulator" + path, json=body, timeout=10)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def faults(self, kind=None, *, method=None, path=None, count=None, fraction=None, skip=None, delay=None,
               retry_after=None, clear=False):
        """Install a fault rule (kind: "429", "503", "slow", "drop", "drop-after"); clear=True removes all first.

        Without kind, returns the installed rules.
        """
        if clear:
            self._call("DELETE", "/faults")
        if kind is None:
            return self._call("GET", "/faults")["faults"]
        rule = {"kind": str(kind)}
        for name, value in (("method", method), ("path", path), ("count", count), ("fraction", fraction),
                            ("skip", skip), ("delay", delay), ("retry_after", retry_after)):
            if value is not None:
                rule[name] = value
        return self._call("POST", "/faults", rule)["faults"][0]

    def clear_faults(self):
        """Remove every fault rule."""
        self._call("DELETE", "/faults")

    def log(self):
        """The request log: {"total", "counts": {"METHOD /path": n}, "entries": [...], "max_in_flight": n (the most
        API requests in the emulator at once since the log was reset)}."""
        return self._call("GET", "/log")

    def reset_log(self):
        """Forget the logged requests."""
        self._call("DELETE", "/log")

    def advance_clock(self, seconds):
        """Move the business clock forward."""
        return self._call("POST", "/clock", {"advance": seconds})

    def clock(self):
        """The business clock."""
        return self._call("GET", "/clock")

    def conformance(self):
        """What check_openapi recorded: {"checked", "unchecked", "known", "violations"} (see conformance.py)."""
        return self._call("GET", "/conformance")

    def reset_conformance(self):
        """Forget what check_openapi recorded."""
        self._call("DELETE", "/conformance")


class RunningEmulator:
    """What running_emulator yields."""

    def __init__(self, app, store, server, edgerc):
        self.app = app
        self.store = store
        self.server = server
        self.base_url = server.base_url
        self.edgerc = edgerc
        self.admin = AdminHelper(self.base_url)

    def url(self, path):
        """Absolute URL of a path on the emulator."""
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def section(self, name="default"):
        """One .edgerc section as a dict."""
        rc = EdgeRc(self.edgerc)
        return dict(rc.items(name))

    def session(self, section="default"):
        """A requests.Session signing with edgegrid-python from a section (adds accountSwitchKey when set)."""
        values = self.section(section)
        session = requests.Session()
        session.auth = EdgeGridAuth(client_token=values["client_token"], client_secret=values["client_secret"],
                                    access_token=values["access_token"])
        if values.get("account_key"):
            session.params = {"accountSwitchKey": values["account_key"]}
        return session

    def set_latency(self, latency_ms, jitter_ms=0.0):
        """Change the wait of every API request from now on (see EmulatorConfig.latency_ms), e.g. to set up an
        estate at 0 ms and measure it at 150 ms on the same emulator."""
        config = EmulatorConfig(latency_ms=latency_ms, latency_jitter_ms=jitter_ms)
        middleware = self.app.wsgi_app
        middleware.latency_ms, middleware.jitter_ms = config.latency_ms, config.latency_jitter_ms

    def write_edgerc(self, path=None):
        """(Re)write the .edgerc from the current state (e.g. after a rotation in a test)."""
        path = path or self.edgerc
        sections = bootstrap.edgerc_sections(self.store, self.base_url, bootstrap.read_edgerc(path))
        return bootstrap.write_edgerc(path, sections)


@contextlib.contextmanager
def running_emulator(tmp_path, **config_overrides):
    """Bootstrap a fresh store, serve it on 127.0.0.1:<ephemeral>, write tmp_path/.edgerc; stop on exit.

    config_overrides are EmulatorConfig fields: e.g. propagation_delay=0.2, max_page_size=100 (keys per page of
    API Keys v2 GET /keys), check_openapi=True (validate every exchange against Akamai's OpenAPI files; read the
    result with emu.admin.conformance()), latency_ms=150, latency_jitter_ms=20 (every API request, not the admin API,
    waits 150 +- 20 ms, as a round trip to Akamai). With state_file= pointing at an existing state, that state is loaded
    instead (a restart).
    """
    config = EmulatorConfig(**config_overrides)
    app, store, dummy = prepare(config)
    server = BackgroundServer(app, config.host, config.port).start()
    try:
        edgerc = bootstrap.write_edgerc(os.path.join(str(tmp_path), ".edgerc"),
                                        bootstrap.edgerc_sections(store, server.base_url))
        yield RunningEmulator(app, store, server, edgerc)
    finally:
        server.stop()


@contextlib.contextmanager
def ledgered_emulator(directory, ledger, **config_overrides):
    """running_emulator in directory/emulator (made here), what its state holds collected into `ledger` (a
    SecretLedger) when it starts and when it stops: a test that prints a secret of it then fails ledger.scan."""
    path = os.path.join(str(directory), "emulator")
    os.makedirs(path)
    with running_emulator(path, **config_overrides) as emu:
        ledger.collect(emu.store)
        try:
            yield emu
        finally:
            ledger.collect(emu.store)


def exported_collections_path(namespace="edgegrid", name="access"):
    """ANSIBLE_COLLECTIONS_PATH (a str) when it holds ansible_collections/<namespace>/<name>, as the Makefile exports
    it after `make collection`; None otherwise (the caller says which make target to run)."""
    path = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
    if path and os.path.isdir(os.path.join(path, "ansible_collections", namespace, name)):
        return path
    return None


def collections_root(collection):
    """The directory for ANSIBLE_COLLECTIONS_PATH (absolute, a str) that holds `collection`, the path of a collection
    copy .../ansible_collections/<namespace>/<name> (the --collection of the harnesses)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(collection))))


@contextlib.contextmanager
def chattr_flag(path, flag="i"):
    """`path` with the file attribute `flag` set (chattr +i: immutable, +a: append-only; nothing may replace, rename
    or remove it, or set its mode, as root too) while the block runs; cleared afterwards. Yields whether it could be
    set: False where chattr cannot (no chattr, a file system without the attribute, no CAP_LINUX_IMMUTABLE) - the
    caller skips the case then, as no other means makes such a file."""
    path = str(path)
    done = bool(shutil.which("chattr")) and subprocess.run(
        ["chattr", "+" + flag, path], capture_output=True, check=False).returncode == 0
    try:
        yield done
    finally:
        if done:
            subprocess.run(["chattr", "-" + flag, path], capture_output=True, check=False)


@contextlib.contextmanager
def unwritable_directory(directory, monkeypatch=None):
    """`directory` (it exists) one this process may not write in while the block runs: mode 0500 for a user; for
    root, whom only an immutable directory or a read-only file system stops (os.access and the kernel alike),
    immutable (chattr_flag). Where root cannot make it immutable: with `monkeypatch` (pytest's), os.access answers
    for it what the kernel answers for an immutable one (the look before a write is tested, not the write itself);
    without, the block gets None and the caller leaves the case out. Yields the directory, or None."""
    directory = str(directory)
    if os.geteuid() != 0:
        os.chmod(directory, 0o500)
        try:
            yield directory
        finally:
            os.chmod(directory, 0o700)
        return
    with chattr_flag(directory, "i") as immutable:
        if immutable:
            yield directory
            return
    if monkeypatch is None:
        yield None
        return
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: (
        False if str(path) == directory and mode & os.W_OK else real_access(path, mode, **kw)))
    yield directory
