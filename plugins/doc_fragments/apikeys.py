# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The API version option of the API Keys and Traffic Management modules."""

    DOCUMENTATION = r'''
options:
  api_version:
    description:
      - The version of the API Keys and Traffic Management API to speak.
      - Akamai decommissioned V(v1) on 2025-04-30; it remains for tools and emulators that still serve it.
    type: str
    choices: [v2, v1]
    default: v2
'''
