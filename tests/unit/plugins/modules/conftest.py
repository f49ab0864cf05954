# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The helpers of the module tests: a module run in process (its main(), as Ansible would run it), and the writes the
emulator (the `emulator` fixture of tests/unit/conftest.py) logged."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import _internal as module_utils_internal
from ansible.module_utils.testing import patch_module_args

# The methods of a write; the emulator logs each request as 'METHOD /path'.
WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')


class ModuleRun(object):
    """run(module, args, unseen=()): module.main() run in this process with `args` (a module's arguments, as
    patch_module_args takes them); (failed, result), the result parsed from what the module printed. `out`: what the
    last run printed. Each of `unseen` (a secret) must not occur in it."""

    def __init__(self, capsys):
        self.capsys = capsys
        self.out = None

    def __call__(self, module, args, unseen=()):
        with patch_module_args(args), pytest.MonkeyPatch.context() as patch:
            # As in a module process: once controller code is imported in this process (the filter tests import
            # plugins), ansible-core sends module warnings to its Display instead of the result; the module's
            # result is what these tests read.
            if hasattr(module_utils_internal, 'is_controller'):
                patch.setattr(module_utils_internal, 'is_controller', False)
            with pytest.raises(SystemExit) as exc:
                module.main()
        self.out = self.capsys.readouterr().out
        for secret in unseen:
            assert secret not in self.out
        return exc.value.code != 0, json.loads(self.out)


@pytest.fixture
def run(capsys):
    """A ModuleRun: run(module, args) -> (failed, result)."""
    return ModuleRun(capsys)


@pytest.fixture
def writes(emulator):
    """writes(): the writes the emulator logged so far, {'METHOD /path': count}."""
    def logged():
        return dict((k, v) for k, v in emulator.admin.log()['counts'].items() if k.split(' ')[0] in WRITE_METHODS)
    return logged
