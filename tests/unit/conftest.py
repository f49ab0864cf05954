# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures: the local Akamai API emulator (tests/emulator) as a real server for the client."""

from __future__ import annotations

import pytest
from akamai_emulator.testing import running_emulator


@pytest.fixture
def emulator(tmp_path):
    """A fresh emulator on 127.0.0.1, with its .edgerc in tmp_path."""
    with running_emulator(tmp_path, propagation_delay=0.2) as emu:
        yield emu
