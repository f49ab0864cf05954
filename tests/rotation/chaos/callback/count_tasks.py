# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test only (tests/rotation): note the name of every task that starts, skipped ones included, one a line."""

from __future__ import annotations

DOCUMENTATION = '''
name: count_tasks
type: aggregate
short_description: test only - note the tasks a run evaluates
description: Appends the name of every task that starts (run, skipped or included) to the file COUNT_TASKS names.
'''

import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'count_tasks'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_task_start(self, task, is_conditional):
        path = os.environ.get('COUNT_TASKS', '')
        if path:
            with open(path, 'a', encoding='utf-8') as out:
                out.write('%s\n' % task.get_name())
