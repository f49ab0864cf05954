# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rotation tests' fixture `new_client` (each test file's `emu` fixture sets the emulator's credential limit)."""

from __future__ import annotations

import os
import subprocess

import pytest

from rotation_env import BIN, NEW_CLIENT, ansible_env


@pytest.fixture
def new_client(emu, tmp_path):
    """new_client(name, edgerc, section) -> client id: an API client made with the emulator's [default] section, its
    first credential written into `section` of the file `edgerc`."""
    def make(name, edgerc, section):
        book, out = tmp_path / ('setup-%s.yml' % name), tmp_path / ('%s.id' % name)
        book.write_text(NEW_CLIENT.format(emu_edgerc=emu.edgerc, name=name, edgerc=edgerc, section=section, out=out))
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(book)],
                              cwd=str(tmp_path), env=ansible_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:]
        return out.read_text().strip()
    return make
