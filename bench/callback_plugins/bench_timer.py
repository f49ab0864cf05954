# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A callback for bench/run.py: the wall time of each task, written as JSON to $BENCH_TIMER_FILE."""

from __future__ import annotations

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: Task wall times for the benchmarks
description: Writes the wall time of each task (from its start to its last result) to the file in BENCH_TIMER_FILE.
options: {}
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tasks = []
        self._started = None

    def _close(self):
        if self._started is not None:
            name, started = self._started
            self._tasks.append({'task': name, 'seconds': time.monotonic() - started})
            self._started = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self._started = (task.get_name(), time.monotonic())

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get('BENCH_TIMER_FILE')
        if path:
            with open(path, 'w', encoding='utf-8') as handle:
                json.dump(self._tasks, handle)
