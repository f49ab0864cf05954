# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of every module of the collection (meta/runtime.yml names it for each): runs the module in
Ansible's worker process when the task runs on the controller, else as a module process (see _in_process)."""

from __future__ import annotations

from ansible_collections.edgegrid.access.plugins.plugin_utils._in_process import InProcessAction


class ActionModule(InProcessAction):
    pass
