# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The attributes every module documents; each module states its own support."""

    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in C(check_mode) and return a changed status prediction without sending any write.
  diff_mode:
    description: Returns the state before and after (or what would change in C(check_mode)), secrets masked.
  action:
    description:
      - Runs in the worker process of the controller when the task's connection is C(local), else as a module
        process; the variable C(edgegrid_access_in_process=false) makes it a module process everywhere.
      - On an ansible-core the in-process runner was not verified on, or when an ansible-core internal it needs is
        missing or has changed, it runs as a module process, never fails for it, and says why at C(-v).
        See the collection's README, "Where the modules run".
    support: full
  action_group:
    description: Use C(group/edgegrid.access.akamai) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - edgegrid.access.akamai
'''
