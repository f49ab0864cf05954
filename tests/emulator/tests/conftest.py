"""Fixtures for the emulator's own tests."""

import os
import sys

import pytest

EMULATOR_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if EMULATOR_ROOT not in sys.path:
    sys.path.insert(0, EMULATOR_ROOT)

from akamai_emulator.testing import running_emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator with short propagation delays."""
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        yield emu
