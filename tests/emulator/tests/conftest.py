"""Fixtures for the emulator's own tests."""

import pytest
from akamai_emulator.testing import running_emulator


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator with short propagation delays."""
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        yield emu
