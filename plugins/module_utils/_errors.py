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

`_funnel.Funnel.execute` (inherited by `_module.EdgeGridModule` and `_funnel.LocalModule`, so by every module) is
the one place where one of them becomes a failed task: its message, and Akamai's problem details (`error`) for an
ApiError. No message holds a secret. `raised_as` is how a file raises its own class for the error of a file below
it (an EdgercError as the client's ConfigError...).
"""

from __future__ import annotations

from contextlib import contextmanager


# What stands for a secret wherever one would be shown: in results, diffs, messages and logged answers. The one mask of
# the collection (_module, _masking, _edgerc and the client's Redactor name it).
MASK = '********'


class EdgeGridError(Exception):
    """Base of every error the collection raises. Its text never holds a secret.

    `result` (keyword only, optional): return keys a failed task reports beside `msg` (for example the resource as
    it is, or `changed`), merged by `_funnel.Funnel.fail_from`; an empty dict when not given.
    """

    def __init__(self, *args, result=None):
        super().__init__(*args)
        self.result = dict(result or {})


class InputError(EdgeGridError):
    """The user's input is wrong (the message names the option, file, section or key); found before any write.

    A failed task reports it by its message alone: it carries no problem details. `elements` (keyword only,
    optional): the resources of a module's list option that it refuses when they are read together
    (`_module.EdgeGridModule.converge_many` lists them as failed in the result); an empty tuple when not given.
    """

    def __init__(self, *args, result=None, elements=()):
        super().__init__(*args, result=result)
        self.elements = tuple(elements)


@contextmanager
def raised_as(error_class, *caught):
    """Run the `with` block; an exception of a class in `caught` leaves it as `error_class` (an exception class
    taking one message) with the same message, without the first one as its context (``raise ... from None``)."""
    try:
        yield
    except caught as exc:
        raise error_class(str(exc)) from None


__all__ = ['EdgeGridError', 'InputError', 'MASK', 'raised_as']
