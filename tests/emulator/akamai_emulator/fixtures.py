"""pytest fixtures of the harnesses that run Ansible against the built collection and a fresh emulator
(tests/controller, tests/environments); a conftest.py imports them:

    from akamai_emulator.fixtures import LEDGER, collections_path, emulator  # noqa: F401

collections_path: the directory holding the built ansible_collections/edgegrid/access, as make exports it
    (ANSIBLE_COLLECTIONS_PATH after `make collection`); without it the test fails, saying to run it with make.
emulator: a fresh emulator on 127.0.0.1 with its .edgerc in tmp_path/emulator (propagation delay 0.2 s).
LEDGER: the SecretLedger of the process (every secret the emulators made): ledger.scan(output) finds them in output.
"""

import pytest

from .testing import SecretLedger, exported_collections_path, ledgered_emulator

LEDGER = SecretLedger(every_creation=True)


@pytest.fixture(scope="session")
def collections_path():
    """The directory (a str) holding the built ansible_collections/edgegrid/access."""
    path = exported_collections_path()
    if path is None:
        pytest.fail("ANSIBLE_COLLECTIONS_PATH must name the directory of the built collection: run these tests with "
                    "make, through the target of their directory (`make controller`, `make environments`)")
    return path


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator (testing.RunningEmulator); what it makes and holds is collected into LEDGER."""
    with ledgered_emulator(tmp_path, LEDGER, propagation_delay=0.2) as emu:
        yield emu
