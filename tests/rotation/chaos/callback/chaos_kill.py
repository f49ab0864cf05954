# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test only (tests/rotation): SIGKILL the ansible-playbook process group when a task named CHAOS_TASK starts."""

from __future__ import annotations

DOCUMENTATION = '''
name: chaos_kill
type: aggregate
short_description: test only - kill the run at a task boundary
description: Kills the process group of ansible-playbook when a task whose name contains CHAOS_TASK starts.
'''

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(_HERE) if __file__.endswith('chaos_kill.py') else _HERE)
import chaos_kill_tree  # noqa: E402  pylint: disable=wrong-import-position

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'chaos_kill'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_task_start(self, task, is_conditional):
        wanted = os.environ.get('CHAOS_TASK', '')
        if wanted and wanted in task.get_name():
            chaos_kill_tree.kill_run()
