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
outlives it; between the items of a loop, the environment, working directory and module warnings are restored. The
module runs in the directory a module process would start in (the task's base directory), so relative paths agree.

The items of one loop share the listings they read (collections, counters, API clients, credentials): each run opens
the scope of _listing_cache for its task and host, so the first item's listing answers the next items' until one of
them sends a write. A task with `until` or `retries` shares none (it waits for a change, which it must see).

The module runs as usual (a module process) when the connection is not `local`, with `become`, with `async`, with
ANSIBLE_KEEP_REMOTE_FILES, when the controller's Python lacks edgegrid-python or requests, or when the variable
`edgegrid_access_in_process` is false (each said at -vvv). It also runs as a module process, never fails, on an
ansible-core the runner was not verified on, or when an ansible-core internal it needs is missing or behaves
otherwise (said at -v): every such internal is used through _core_compat, and only there.

Every module has an action plugin of its own name (plugins/action/<module>.py: a subclass of InProcessAction that
calls `preload`), so that Ansible loads it in the controller's process too: the strategy loads each task's action
plugin there before it forks the task's workers (ansible-core 2.19-2.21, to read the class's BYPASS_HOST_LOOP).
`preload` then imports the module, and with it the shared client, `requests` and edgegrid-python, once for the whole
run; every worker forked afterwards has them and neither imports them nor compiles the collection's sources again
(measured in bench/RESULTS.md: before, each task on each host imported them anew). The first `preload` of a process
also loads the Jinja filters and tests there (Ansible's own, and this collection's, which the roles use), through the
plugin loaders' public `all()` and `get()`: a worker otherwise loads them again for the first template it renders
(10-20 ms per task and host, every task of a play). It also makes there the check of the ansible-core internals the
runner uses (_core_compat.check_in_advance), which each worker otherwise makes again before its module runs (10-20 ms
of every module task), and imports the API Keys wire of each version. Where a strategy does not load the action plugin
in the controller, the worker does all this, as before, and nothing else changes. The module to run is the one the
action plugin is named for.

This file is private to the collection (note the leading underscore): it may change without notice.
"""

from __future__ import annotations

import importlib
import io
import os
import sys

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action.normal import ActionModule as NormalAction
from ansible.plugins.loader import filter_loader, module_loader, test_loader
from ansible.utils.display import Display

from ansible_collections.edgegrid.access.plugins.plugin_utils import _core_compat

# Imported with the action plugin, in the controller's process where the strategy loads it (see above): the workers
# Ansible forks for each task inherit these modules (requests, edgegrid-python, the shared client) ready to use.
from ansible_collections.edgegrid.access.plugins.module_utils import _client, _module  # noqa: F401 pylint: disable=unused-import
from ansible_collections.edgegrid.access.plugins.module_utils import _listing_cache
# The API Keys wire of each version: `_apikeys.wire()` imports the one a task asks for when the module runs, so that a
# module process compiles only its own; imported here, once, the workers inherit both, instead of the worker of each
# api_key_collection, api_key and throttling_counter task compiling one again from source (Ansible's collection loader
# keeps no compiled bytecode: about 10 ms per task and host, bench/RESULTS.md).
from ansible_collections.edgegrid.access.plugins.module_utils import _apikeys_v1, _apikeys_v2  # noqa: F401 pylint: disable=unused-import

display = Display()

VARIABLE = 'edgegrid_access_in_process'
COLLECTION = 'edgegrid.access'
MODULES_PACKAGE = 'ansible_collections.edgegrid.access.plugins.modules'
# A filter of this collection: looking one up loads every filter file of the collection (Ansible's loader reads
# them all to find one name).
COLLECTION_FILTER = 'edgegrid.access.rotation_plan'

# Whether preload prepared this process (the templating plugins, the check of the internals): a list, so that preload
# need not declare a global. Once per process, whether or not everything loaded.
_prepared = []


def _exit_code(exc):
    """The exit code of a module run that ended with SystemExit `exc` (exit_json: 0, fail_json: 1)."""
    return exc.code if isinstance(exc.code, int) else int(exc.code is not None)


def module_of(action_plugin):
    """The module an action plugin (its Python name, ...plugins.action.<module>) is named for, as a file name under
    plugins/modules (str)."""
    return action_plugin.rpartition('.')[2]


def preload(action_plugin):
    """Import the module an action plugin (its Python name, `__name__`) is named for, in the process that loads the
    action plugin: the controller's, where the strategy loads it before forking the workers (see above). Never
    raises: a module that cannot be imported here is imported again in the worker, which reports what fails as the
    task's error. The first call of a process also loads the templating plugins (load_templating_plugins) and makes
    the check of the ansible-core internals the runner uses (_core_compat.check_in_advance)."""
    try:
        importlib.import_module('%s.%s' % (MODULES_PACKAGE, module_of(action_plugin)))
    except Exception:  # pylint: disable=broad-exception-caught
        display.vvvv('edgegrid.access: %s was not imported in advance' % module_of(action_plugin))
    if not _prepared:
        _prepared.append(True)
        load_templating_plugins()
        _core_compat.check_in_advance(InProcessAction)


def load_templating_plugins():
    """Load Ansible's Jinja filters and tests, and this collection's filters, in this process, and make Jinja's
    lexer, so that the workers forked from it have them (see above). Through public APIs only: the loaders' `all()`
    loads every filter or test that is not in a collection, `get()` one of this collection's; `Templar` renders one
    template. Never raises (a plugin that cannot be loaded here is loaded, and reported, where a template uses it);
    returns whether all loaded (bool)."""
    try:
        for loader in (filter_loader, test_loader):
            for dummy in loader.all():
                break
        # One template rendered through the public Templar: Jinja's lexer (its regular expressions) is made here, once,
        # not again by each worker for its first template.
        from ansible.template import Templar, trust_as_template  # pylint: disable=import-outside-toplevel
        Templar().template(trust_as_template('{{ 0 }}'))
        return filter_loader.get(COLLECTION_FILTER) is not None
    except Exception:  # pylint: disable=broad-exception-caught
        display.vvvv('edgegrid.access: the Jinja filters and tests were not loaded in advance')
        return False


class InProcessAction(NormalAction):
    """Run the task's module in the worker process when the task runs on the controller, else as usual."""

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars if task_vars is not None else {}
        module_name = self._module_name()
        if not self._names_this_module(module_name):
            # Ansible finds a task's action plugin by the task's name through its `collections`, apart from its
            # module: a short name that resolves to a module elsewhere (ansible.legacy, another collection listed
            # first) may still find this plugin. The module the task resolves to runs, as Ansible runs a module.
            display.vvv('edgegrid.access: %s does not resolve to %s.%s: it runs as Ansible runs a module'
                        % (self._task.action, COLLECTION, module_name))
            return self._run_as_module_process(tmp, task_vars)
        basedir = _core_compat.task_basedir(self)
        reason = self._not_in_process(task_vars, basedir)
        if reason:
            display.vvv('edgegrid.access: %s runs as a module process: %s' % (self._task.action, reason))
            return self._run_as_module_process(tmp, task_vars)
        reason = _core_compat.unavailable(self)
        if reason:  # this ansible-core was not verified, or lacks what the runner needs: the public path
            display.v('edgegrid.access: %s runs as a module process: %s' % (self._task.action, reason))
            return self._run_as_module_process(tmp, task_vars)
        # The checks every action makes (check mode and async support), without the module process.
        result = super(NormalAction, self).run(tmp, task_vars)  # pylint: disable=bad-super-call
        display.vvv('edgegrid.access: %s runs in the worker process' % self._task.action)
        result.update(self._run_in_process(module_name, task_vars, basedir))
        return result

    def _names_this_module(self, module_name):
        """Whether the task's module resolves (through the task's `collections`) to this collection's module
        `module_name`, the one this action plugin is named for; False also when that cannot be told."""
        try:
            context = module_loader.find_plugin_with_context(self._task.action, collection_list=self._task.collections)
        except Exception:  # pylint: disable=broad-exception-caught
            return False
        return bool(context.resolved) and context.resolved_fqcn == '%s.%s' % (COLLECTION, module_name)

    def _module_name(self):
        """The file name under plugins/modules of the module this task runs: the one the action plugin is named
        for (plugins/action/<module>.py)."""
        return module_of(type(self).__module__)

    def _run_as_module_process(self, tmp, task_vars):
        # A module process may write; the items of this loop that run here after it must not be served a listing
        # read before it.
        _listing_cache.forget()
        return super().run(tmp, task_vars)

    def _not_in_process(self, task_vars, basedir):
        """Why the module must run as a module process, or None when it can run here (`basedir`: the task's base
        directory, where a module process would start; None when unknown)."""
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
        if basedir is None:
            return 'the directory a module process would start in (the task\'s base directory) is unknown'
        return None

    def _listing_scope(self, task_vars):
        """The scope the items of this task's loop share their listings in (task, host); None: share nothing."""
        if self._task.until or self._task.retries:
            return None  # the task waits for a change: every attempt reads afresh
        uuid = _core_compat.task_uuid(self)
        if uuid is None:
            return None
        return (uuid, task_vars.get('inventory_hostname'))

    def _run_in_process(self, module_name, task_vars, basedir):
        module = importlib.import_module('%s.%s' % (MODULES_PACKAGE, module_name))
        module_args = dict(self._task.args)
        _core_compat.module_args_for(self, self._task.action, module_args, task_vars)
        environment = _core_compat.task_environment(self)
        encoded = _core_compat.encode_arguments(module_args)

        saved_environ = dict(os.environ)
        try:
            saved_cwd = os.getcwd()
        except OSError:  # the working directory is gone: nothing to return to
            saved_cwd = None
        saved_streams = sys.stdout, sys.stderr
        stdout, stderr = io.StringIO(), io.StringIO()
        _core_compat.clear_module_warnings()  # those of an earlier loop item in this worker, or recorded before the fork
        _core_compat.set_module_input(encoded)
        rc = 0
        try:
            os.environ.update(environment)
            # Where a module process of the local connection starts: a relative path names the same file here.
            os.chdir(basedir)
            sys.stdout, sys.stderr = stdout, stderr
            try:
                try:
                    with _listing_cache.scope(self._listing_scope(task_vars)):
                        try:
                            module.main()
                        except SystemExit as exc:
                            # A failure a kept listing may have decided (a name not found in it): run again afresh.
                            if _exit_code(exc) and _listing_cache.failed_when_served():
                                raise _listing_cache.StaleListing() from None
                            raise
                except _listing_cache.StaleListing:
                    # The run was about to write, or failed, from a listing an earlier item read (nothing was
                    # sent): it runs again, from the start, reading everything afresh; what the first attempt said is
                    # dropped.
                    display.vvv('edgegrid.access: %s runs again, reading afresh (it was served a listing an earlier '
                                'item read)' % self._task.action)
                    stdout.seek(0)
                    stdout.truncate()
                    stderr.seek(0)
                    stderr.truncate()
                    _core_compat.clear_module_warnings()
                    _core_compat.set_module_input(encoded)
                    module.main()
            except SystemExit as exc:  # exit_json and fail_json end the module this way
                rc = _exit_code(exc)
        finally:
            sys.stdout, sys.stderr = saved_streams
            _core_compat.set_module_input(None)
            os.environ.clear()
            os.environ.update(saved_environ)
            if saved_cwd is not None:
                os.chdir(saved_cwd)
        return _core_compat.parse_module_output(self, dict(rc=rc, stdout=stdout.getvalue(), stderr=stderr.getvalue()))
