# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test only (tests/rotation): kill the whole ansible-playbook process group inside the .edgerc write.

Python imports this file at start when its directory is on PYTHONPATH. With CHAOS_KILL=before-rename, the
process group is SIGKILLed when a temporary file is about to replace CHAOS_EDGERC (the temporary file, with every
secret, is left behind); with CHAOS_KILL=after-rename, right after the replace (the section holds the new
credential; nothing after the write has run). Nothing happens without CHAOS_KILL.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE) if __file__.endswith('chaos_kill.py') else _HERE)
import chaos_kill_tree  # noqa: E402  pylint: disable=wrong-import-position

_MODE = os.environ.get('CHAOS_KILL', '')
_TARGET = os.environ.get('CHAOS_EDGERC', '')

if _MODE in ('before-rename', 'after-rename') and _TARGET:
    _replace = os.replace

    def _kill():
        chaos_kill_tree.kill_run()

    def replace(src, dst, *args, **kwargs):
        hit = os.path.realpath(str(dst)) == os.path.realpath(_TARGET) and str(src).endswith('.tmp')
        if hit and _MODE == 'before-rename':
            _kill()
        result = _replace(src, dst, *args, **kwargs)
        if hit and _MODE == 'after-rename':
            _kill()
        return result

    os.replace = replace
