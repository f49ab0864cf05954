# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The action plugin of every module: run the module in Ansible's worker process when the task runs on the controller.

Every module of this collection talks HTTP to an API; the host it "runs on" only decides which Python and which
network it uses. When that host is the controller itself (connection `local`, which is what `hosts: localhost`,
`delegate_to: localhost` and AWX / Automation Platform jobs use), a module process costs more than the work: a new
Python interpreter, the AnsiballZ payload built and unpacked, `requests` imported anew. Here the module's own
`main()` runs in the worker process Ansible has already forked for the task, with the module's usual input (its
arguments as JSON, with the `_ansible_*` settings of check mode, diff, no_log and verbosity) and its usual output
(the JSON it prints, parsed as Ansible parses a module's output). The task's `environment` is applied to the
worker's environment for the run. The worker exits after the task, so nothing the module does to the process
outlives it; between the items of a loop, the environment, working directory and module warnings are restored.

The module runs as usual (a module process) when the connection is not `local`, with `become`, with `async`, with
ANSIBLE_KEEP_REMOTE_FILES, when the controller's Python lacks edgegrid-python or requests, or when the variable
`edgegrid_access_in_process` is false.

This file is private to the collection (note the leading underscore): it may change without notice.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import sys

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils import basic
from ansible.module_utils.common import json as module_json
from ansible.module_utils.common import warnings as module_warnings
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.utils.display import Display
from ansible.vars.clean import remove_internal_keys

# Imported here, in the controller's process, when Ansible first loads one of the action plugins: the workers
# Ansible forks for each task inherit these modules (requests, edgegrid-python, the shared client) ready to use.
from ansible_collections.edgegrid.access.plugins.module_utils import _client, _module  # noqa: F401 pylint: disable=unused-import

# ansible-core 2.19 and later pass a module's input and output through a serialization profile; 2.18 has none.
PROFILE = 'legacy' if hasattr(module_json, 'get_module_encoder') else None  # 'legacy': a module that declares none

display = Display()

VARIABLE = 'edgegrid_access_in_process'
MODULES_PACKAGE = 'ansible_collections.edgegrid.access.plugins.modules'


def encode_arguments(module_args):
    """The module arguments as the JSON a module reads, encoded as ansible-core encodes them for a module process."""
    payload = dict(ANSIBLE_MODULE_ARGS=module_args)
    if PROFILE is not None:
        encoder = module_json.get_module_encoder(PROFILE, module_json.Direction.CONTROLLER_TO_MODULE)
        return json.dumps(payload, cls=encoder).encode('utf-8')
    return json.dumps(payload, cls=module_json.AnsibleJSONEncoder, vault_to_text=True).encode('utf-8')


def _clear_module_warnings():
    """Forget the module warnings and deprecations recorded in this process so far (a list, or a dict in 2.19)."""
    for name in ('_global_warnings', '_global_deprecations'):
        recorded = getattr(module_warnings, name, None)
        if recorded is not None:
            recorded.clear()


class InProcessAction(NormalAction):
    """Run the module named by MODULE in the worker process when the task runs on the controller, else as usual."""

    MODULE = None  # set by each action plugin: the module's file name under plugins/modules

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars if task_vars is not None else {}
        reason = self._not_in_process(task_vars)
        if reason:
            display.vvv('edgegrid.access: %s runs as a module process: %s' % (self._task.action, reason))
            return super().run(tmp, task_vars)
        # The checks every action makes (check mode and async support), without the module process.
        result = super(NormalAction, self).run(tmp, task_vars)  # pylint: disable=bad-super-call
        display.vvv('edgegrid.access: %s runs in the worker process' % self._task.action)
        result.update(self._run_in_process(task_vars))
        return result

    def _not_in_process(self, task_vars):
        """Why the module must run as a module process, or None when it can run here."""
        wanted = self._templar.template(task_vars.get(VARIABLE, True))
        try:
            if not boolean(wanted, strict=True):
                return '%s is false' % VARIABLE
        except TypeError:
            raise AnsibleError('%s must be true or false, got %r' % (VARIABLE, wanted)) from None
        transport = getattr(self._connection, 'transport', None)
        if transport not in ('local', 'ansible.builtin.local'):
            return 'the connection is %s, not local' % transport
        if self._play_context.become:
            return 'become is set'
        if self._task.async_val:
            return 'async is set'
        if C.DEFAULT_KEEP_REMOTE_FILES:
            return 'ANSIBLE_KEEP_REMOTE_FILES is set'
        if not _client.HAS_EDGEGRID:
            return "the controller's Python lacks edgegrid-python or requests"
        return None

    def _run_in_process(self, task_vars):
        module = importlib.import_module('%s.%s' % (MODULES_PACKAGE, self.MODULE))
        module_args = dict(self._task.args)
        self._update_module_args(self._task.action, module_args, task_vars)
        environment = {}
        self._compute_environment_string(environment)

        saved_environ = dict(os.environ)
        try:
            saved_cwd = os.getcwd()
        except OSError:  # the working directory is gone: nothing to return to
            saved_cwd = None
        saved_streams = sys.stdout, sys.stderr
        stdout, stderr = io.StringIO(), io.StringIO()
        _clear_module_warnings()  # those of an earlier loop item in this worker, or recorded before the fork
        basic._ANSIBLE_ARGS = encode_arguments(module_args)
        basic._ANSIBLE_PROFILE = PROFILE
        rc = 0
        try:
            os.environ.update((str(k), str(v)) for k, v in environment.items())
            sys.stdout, sys.stderr = stdout, stderr
            try:
                module.main()
            except SystemExit as exc:  # exit_json and fail_json end the module this way
                rc = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        finally:
            sys.stdout, sys.stderr = saved_streams
            basic._ANSIBLE_ARGS = None
            os.environ.clear()
            os.environ.update(saved_environ)
            if saved_cwd is not None:
                os.chdir(saved_cwd)
        return self._parse_module_output(dict(rc=rc, stdout=stdout.getvalue(), stderr=stderr.getvalue()))

    def _parse_module_output(self, res):
        """The module's printed result, parsed and cleaned as ActionBase._execute_module does a module process's."""
        if PROFILE is not None:
            data = self._parse_returned_data(res, PROFILE)
        else:
            data = self._parse_returned_data(res)  # pylint: disable=no-value-for-parameter
        data.pop('_ansible_suppress_tmpdir_delete', None)
        remove_internal_keys(data)
        return data
