# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the wire files of the APIs (`_iam.py`, `_edgekv.py`) share: reading Akamai's members under neutral names.

This file is private to the collection (note the leading underscore): it may change without notice. It imports
nothing of the collection and knows no API: the member names come from each API's file.
"""

from __future__ import annotations


def renamed(body, names):
    """The members of `body` (a dict from an API answer) that `names` lists, under their neutral names: a dict.

    `names` is a sequence of (the API's member name, the neutral name) pairs; a member `body` does not have is left
    out, its value is taken as it is. {} when `body` is not a dict (None, an empty answer).
    """
    if not isinstance(body, dict):
        return {}
    return dict((neutral, body[member]) for member, neutral in names if member in body)
