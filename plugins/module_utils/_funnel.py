# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where an error of the collection becomes a failed task, for every module.

This file is private to the collection (note the leading underscore): it may change without notice. It imports
only `_errors` of the collection (and ansible-core's AnsibleModule), so that the modules that take no credentials
(edgerc, private_file) fail through the same funnel as the API modules without carrying the client (`_client`:
requests, edgegrid-python) into their module process and payload.

    failure(exc)  the return keys of a failed task beside its message (problem details, the error's result keys)
    Funnel        the mixin of an AnsibleModule: execute(run, *args) and fail_from(exc, **result)
    LocalModule   an AnsibleModule with the funnel, for the modules that only read and write local files
                  (the API modules use _module.EdgeGridModule, which inherits the funnel too)
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.edgegrid.access.plugins.module_utils import _errors


def failure(exc):
    """The return keys of a task failed by `exc` (an EdgeGridError), beside `msg`: Akamai's problem details under
    `error` when the error carries them (an `as_dict()` method: `_client.ApiError`; an InputError, or any other, has
    none), then the error's own `result` keys (EdgeGridError.result: e.g. a partly done write says what it did).
    A new dict; {} when there is nothing to add."""
    keys = {}
    problem = getattr(exc, 'as_dict', None)
    if callable(problem):
        keys['error'] = problem()
    keys.update(getattr(exc, 'result', None) or {})
    return keys


class Funnel(object):
    """The mixin of an AnsibleModule (it calls the module's `fail_json`) that turns an error of the collection
    (`_errors.EdgeGridError`) into a failed task, with no traceback."""

    def fail_from(self, exc, **result):
        """Fail the task from `exc` (an EdgeGridError): `msg` is its message; an error that carries Akamai's problem
        details (an `as_dict()` method: `_client.ApiError`) adds them under `error` (an InputError, or any other,
        has none); the error's own `result` keys (EdgeGridError.result) are added last. Never returns."""
        problem = getattr(exc, 'as_dict', None)
        if callable(problem):
            result['error'] = problem()
        result.update(getattr(exc, 'result', None) or {})
        self.fail_json(msg=str(exc), **result)

    def execute(self, run, *args):
        """run(*args), the body of a module: the one place where an error of the collection (EdgeGridError: an
        input error, an API, transport or wire error, an .edgerc or file error) that escapes it becomes a failed
        task (see fail_from). A module catches an error itself only to say more than its message."""
        try:
            return run(*args)
        except _errors.EdgeGridError as exc:
            self.fail_from(exc)


class LocalModule(Funnel, AnsibleModule):
    """An AnsibleModule with the funnel (execute, fail_from), for a module that talks to no API and takes no
    credentials: it checks its input by raising `_errors.InputError` from the body it runs through `execute`."""


__all__ = ['Funnel', 'LocalModule', 'failure']
