"""The emulator's state: accounts, identity data (API clients, credentials, grants), per-API data.

Everything in it is JSON-serialisable so that it can be saved to a file and loaded back.
"""

import json
import math
import os
import tempfile
import threading
from dataclasses import dataclass, field

STATE_VERSION = 1


@dataclass
class Account:
    """One Akamai account.

    data is a per-API namespace (``account.data.setdefault("edgekv", {})``), JSON-serialisable only.
    """

    id: str
    name: str
    contracts: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    switch_key: str = ""
    data: dict = field(default_factory=dict)

    def to_dict(self):
        """JSON form."""
        return {
            "id": self.id,
            "name": self.name,
            "contracts": self.contracts,
            "groups": self.groups,
            "switch_key": self.switch_key,
            "data": self.data,
        }

    @classmethod
    def from_dict(cls, doc):
        """Rebuild from the JSON form."""
        return cls(id=doc["id"], name=doc["name"], contracts=list(doc.get("contracts", [])),
                   groups=list(doc.get("groups", [])), switch_key=doc.get("switch_key", ""),
                   data=dict(doc.get("data", {})))


class Store:
    """All state of one emulator.

    accounts: account id -> Account
    clients: clientId -> API client record (see iam.py), each with its "accountId"
    credentials: str(credentialId) -> credential record (with its clientSecret, which only the
        POST response and the EdgeGrid verifier ever see), each with its "clientId"
    clock_offset: seconds added to the real clock (the business clock, see context.now())
    next_id: the next value new_id() hands out
    """

    def __init__(self, state_file=None):
        self.lock = threading.RLock()
        self.state_file = state_file
        self.accounts = {}
        self.clients = {}
        self.credentials = {}
        self.clock_offset = 0.0
        self.next_id = 100001
        self.meta = {}

    def is_empty(self):
        """True when nothing was bootstrapped yet."""
        return not self.accounts

    def new_id(self):
        """A unique, increasing integer id (persisted with the state)."""
        with self.lock:
            value = self.next_id
            self.next_id += 1
            return value

    def account_by_switch_key(self, key):
        """The account a switch key selects, or None."""
        for account in self.accounts.values():
            if account.switch_key and account.switch_key == key:
                return account
        return None

    def to_dict(self):
        """JSON form of the whole state."""
        return {
            "version": STATE_VERSION,
            "accounts": {key: acc.to_dict() for key, acc in self.accounts.items()},
            "clients": self.clients,
            "credentials": self.credentials,
            "clock_offset": self.clock_offset,
            "next_id": self.next_id,
            "meta": self.meta,
        }

    def from_dict(self, doc):
        """Replace the state with a JSON form."""
        if doc.get("version") != STATE_VERSION:
            raise ValueError("unsupported state file version: %r" % (doc.get("version"),))
        self.accounts = {key: Account.from_dict(acc) for key, acc in doc.get("accounts", {}).items()}
        self.clients = dict(doc.get("clients", {}))
        self.credentials = dict(doc.get("credentials", {}))
        offset = doc.get("clock_offset", 0.0)
        if isinstance(offset, bool) or not isinstance(offset, (int, float)) or not math.isfinite(offset):
            raise ValueError("clock_offset must be a finite number of seconds, not %r" % (offset,))
        self.clock_offset = float(offset)
        self.next_id = int(doc.get("next_id", 100001))
        self.meta = dict(doc.get("meta", {}))

    def save(self):
        """Write the state to state_file atomically (temporary file, fsync, rename), mode 0600."""
        if not self.state_file:
            return
        with self.lock:
            # allow_nan=False: NaN and Infinity are not JSON; a state holding one could not be loaded back.
            payload = json.dumps(self.to_dict(), indent=1, sort_keys=True, allow_nan=False)
            directory = os.path.dirname(os.path.abspath(self.state_file))
            fd, tmp = tempfile.mkstemp(prefix=".emulator-state-", dir=directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.state_file)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise

    def load(self):
        """Load the state from state_file when it exists; returns True when something was loaded."""
        if not self.state_file or not os.path.exists(self.state_file):
            return False
        with self.lock:
            with open(self.state_file, encoding="utf-8") as handle:
                text = handle.read()
            if not text.strip():
                return False
            self.from_dict(json.loads(text))
            return True
