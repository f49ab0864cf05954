# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Listings read once per task and host: the answers of the listing GETs shared by the items of one loop.

This file is private to the collection (note the leading underscore): it may change without notice.

A loop of N items runs a module N times; when the task runs in Ansible's worker process (plugins/plugin_utils/
_in_process.py), the N runs share one process, and each would list every collection (or counter, or credential of
an API client) to find its own. Here the first run's listing answer is kept and the next runs get a copy of it.

The rules, each enforced here and nowhere else:
- Nothing is kept or served outside a scope. Only the in-process runner opens one (`scope()`), around each run of
  a module, keyed by the task, the host and the worker process: a module process never opens one, and a new key
  (another task, another host, a forked process) empties the store. Between two scopes nothing is served.
- Only reads the wire code marks as listings (`ApiClient.get(..., cacheable=True)`) are kept, keyed by the
  API client they were signed for (base URL, a digest of the client token), the path and the query.
- Any write (a request other than GET, HEAD, OPTIONS) sent through any client empties the store, and nothing is
  kept again until the next scope opens: the item after one that changed something reads afresh. Check mode sends
  no write, so its items share the listings throughout.
- A kept answer never decides a write nor a failure: when a module run that was served one is about to send its
  first write (`before_write`), or a read of it fails for a thing that is not there (404, 410: `before_failure`),
  StaleListing is raised instead (nothing is sent; the failure is not reported), and the runner runs the module
  again with no scope, reading everything afresh; so it does when such a run fails otherwise (a name or an id not
  found in the listing: `failed_when_served`). A change someone else made between two items (a credential
  deactivated, a counter renamed, a collection deleted) is then seen by the item that writes, not written over from
  the listing of an earlier item. An item that writes nothing (a converged run) decides so from what it was served,
  as one task that declares many objects decides from one listing: a change made meanwhile is seen by the next task
  or run.
- Answers are copied in and out: a module that edits what it read does not edit what the next item gets.

A task with `until` or `retries` opens no scope (it waits for a change, which it must see).
"""

from __future__ import annotations

import copy
import os
import threading
from contextlib import contextmanager

_LOCK = threading.Lock()
_STATE = {'scope': None, 'pid': None, 'open': False, 'writing': False, 'served': False, 'entries': {}}


class StaleListing(BaseException):
    """Raised in place of a write (`before_write`) or a failure (`before_failure`, and the runner on
    `failed_when_served`) that a kept listing answer may have decided; nothing was sent. The in-process runner
    catches it and runs the module again without a scope. A BaseException: no handler of a module (they catch the
    collection's errors) takes it for a failure of the request."""


@contextmanager
def scope(key):
    """Serve and keep listing answers within the block; `key` (hashable, e.g. (task uuid, host)) names the scope.

    The store is emptied when `key` (with this process's id) differs from the last scope's. None as `key` opens no
    scope: nothing is kept or served.
    """
    if key is None:
        yield
        return
    pid = os.getpid()
    with _LOCK:
        if _STATE['scope'] != key or _STATE['pid'] != pid:
            _STATE['entries'] = {}
            _STATE['scope'], _STATE['pid'] = key, pid
        _STATE['open'] = True
        _STATE['writing'] = False
        _STATE['served'] = False
    try:
        yield
    finally:
        with _LOCK:
            _STATE['open'] = False


def _active():
    return _STATE['open'] and _STATE['pid'] == os.getpid()


def lookup(key):
    """(True, a copy of the kept answer) when a scope is open and holds `key`, else (False, None)."""
    with _LOCK:
        if not _active() or key not in _STATE['entries']:
            return False, None
        _STATE['served'] = True
        return True, copy.deepcopy(_STATE['entries'][key])


def keep(key, body):
    """Keep a copy of `body` under `key`, when a scope is open and no write was sent since it opened."""
    with _LOCK:
        if _active() and not _STATE['writing']:
            _STATE['entries'][key] = copy.deepcopy(body)


def forget():
    """A write is being sent: empty the store, and keep nothing more until the next scope opens."""
    with _LOCK:
        _STATE['entries'] = {}
        _STATE['writing'] = True


def before_write():
    """A write is about to be sent: `forget`; raises StaleListing (after emptying the store) when this module run,
    in an open scope, was served a kept answer: its write must be decided from fresh reads."""
    with _LOCK:
        stale = _active() and _STATE['served']
        _STATE['entries'] = {}
        _STATE['writing'] = True
        # 'served' stays set until the scope closes: every write of this run (those of other threads too) is held.
    if stale:
        raise StaleListing()


def before_failure():
    """A read is about to fail for a thing that is not there (404, 410): raises StaleListing when this module run,
    in an open scope, was served a kept answer - the id it read may come from a listing an earlier item read, of a
    thing deleted since - so that the runner runs the module again, reading afresh; else nothing."""
    if failed_when_served():
        raise StaleListing()


def failed_when_served():
    """The module run in the open scope has failed: True (and the store emptied) when it was served a kept answer,
    which may have decided the failure (an id or a name not found in a listing an earlier item read): the runner
    runs it again afresh. A run that was served one sent no write (`before_write`), so running it again repeats
    none."""
    with _LOCK:
        stale = _active() and _STATE['served']
        if stale:
            _STATE['entries'] = {}
            _STATE['writing'] = True
    return stale


def size():
    """How many answers are kept (for tests)."""
    with _LOCK:
        return len(_STATE['entries'])
