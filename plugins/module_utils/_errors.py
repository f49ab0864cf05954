# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The root of every exception of the collection, and its input errors.

This file is private to the collection (note the leading underscore): it may change without notice. It imports
nothing of the collection, so that every other file can import it (`_files` and `_edgerc` sit below `_client`).

EdgeGridError
    ConfigError, TransportError, ApiError (_client.py: the client; ApiError carries Akamai's problem details)
    WireError (_iam.py, _apikeys.py: an answer without the documented shape)
    EdgercError, EdgercConflict (_edgerc.py), FileWriteError (_files.py)
    InputError: the user's input is wrong, found before any write
        Unsupported (_apikeys.py), EdgeKVError (_edgekv.py)

`_module.EdgeGridModule.execute` is the one place where one of them becomes a failed task: its message, and
Akamai's problem details (`error`) for an ApiError. No message holds a secret.
"""

from __future__ import annotations


class EdgeGridError(Exception):
    """Base of every error the collection raises. Its text never holds a secret.

    `result` (optional, keyword only): return keys a failed task adds beside `msg` (for example the resource as it
    was, or Akamai's problem details `error` of an error this one wraps); None when there are none. A key that may
    hold a secret is one the module documents as returned.
    """

    result = None

    def __init__(self, *args, result=None):
        super().__init__(*args)
        self.result = result


class InputError(EdgeGridError):
    """The user's input is wrong (the message names the option, file, section or key); found before any write.

    A failed task reports it by its message alone: it carries no problem details.
    """


__all__ = ['EdgeGridError', 'InputError']
