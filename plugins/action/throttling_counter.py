# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of the module edgegrid.access.throttling_counter: runs it in Ansible's worker process when the task runs on
the controller, else as a module process; loaded in the controller's process, it imports the module there for every
worker (plugins/plugin_utils/_in_process.py)."""

from __future__ import annotations

from ansible_collections.edgegrid.access.plugins.plugin_utils._in_process import InProcessAction, preload

preload(__name__)


class ActionModule(InProcessAction):
    pass
