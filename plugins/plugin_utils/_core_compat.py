# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every ansible-core internal the in-worker runner (_in_process) touches, in one place, behind one check.

Running a module in Ansible's worker process (see _in_process) needs a few things ansible-core does not offer
as a public API. They are imported and used here and nowhere else. `unavailable()` says, before a module runs,
whether all of them are present and behave as verified; when they are not, the task runs as an ordinary module
process (ansible-core's public path), never fails. The check is made once per process; `check_in_advance()` makes it
in the controller's process, for every worker forked from it.

VERIFIED lists the ansible-core minors this file was verified on: the controller tests and the whole
integration suite of `make test` pass on each with the modules in the worker (docs/ansible-core.md says how a
new release is added). On any other minor, `unavailable()` answers, and the modules run as module processes.

The internals, and what each is for (verified on 2.19.14, 2.20.10 and 2.21.5):

=========================================================== ========================================================
internal                                                    used for
=========================================================== ========================================================
ansible.module_utils.basic._ANSIBLE_ARGS, _ANSIBLE_PROFILE  the module's input: AnsibleModule reads its arguments
                                                            (JSON bytes) and serialization profile from them
ansible.module_utils.common.json.get_module_encoder,        the arguments encoded as for a module process
Direction                                                   (vaulted values decrypted, tagged values made plain)
ansible.module_utils.common.warnings._global_warnings,      the warnings and deprecations recorded by the module
_global_deprecations                                        of an earlier loop item, forgotten (a dict each)
ActionBase._update_module_args(module_name, module_args,    the _ansible_* settings of a module's input: check
task_vars)                                                  mode, diff, no_log, verbosity, ...
ActionBase._compute_environment_string(raw_environment_out) the task's `environment`, as a dict
ActionBase._parse_returned_data(res, profile)               the module's printed output parsed as a module
                                                            process's: a dict up to 2.20, a UnifiedTaskResult
                                                            from 2.21
ansible.vars.clean.remove_internal_keys(data) (to 2.20);    the internal keys removed from the parsed result, as
UnifiedTaskResult.remove_internal_keys() and                ActionBase._execute_module does
.as_result_dict(for_round_trip=True) (2.21)
Task._uuid                                                  the task's identity, the same for every item of its
                                                            loop: the scope of the listing cache (_listing_cache);
                                                            without it, no listing is shared
ActionBase._loader.get_basedir()                            the directory a module process of the local connection
                                                            starts in (ActionBase._low_level_execute_command sets
                                                            it): the module in the worker runs there too, so a
                                                            relative path names the same file; without it, the
                                                            module runs as a module process
=========================================================== ========================================================

This file is private to the collection (note the leading underscore): it may change without notice.
"""

from __future__ import annotations

import inspect
import json

from ansible.release import __version__ as ansible_core_version

VERIFIED = ('2.19', '2.20', '2.21')  # the ansible-core minors the in-worker runner was verified on

PROFILE = 'legacy'  # the serialization profile of a module that declares none (all of this collection's)

# What could not be imported: None, or the name of the missing internal.
_MISSING = None
try:
    from ansible.module_utils import basic as _basic
    from ansible.module_utils.common import json as _module_json
    from ansible.module_utils.common import warnings as _module_warnings
    from ansible.plugins.action import ActionBase as _ActionBase
except ImportError as exc:  # pragma: no cover - an ansible-core without these is not one the collection supports
    _MISSING = str(exc)

try:
    from ansible.vars.clean import remove_internal_keys as _remove_internal_keys  # 2.20 and earlier
except ImportError:
    _remove_internal_keys = None  # 2.21 and later: UnifiedTaskResult.remove_internal_keys()

# The attributes of the modules above that the runner reads or sets.
_ATTRIBUTES = (
    ('ansible.module_utils.basic', '_basic', ('_ANSIBLE_ARGS', '_ANSIBLE_PROFILE')),
    ('ansible.module_utils.common.json', '_module_json', ('get_module_encoder', 'Direction')),
    ('ansible.module_utils.common.warnings', '_module_warnings', ('_global_warnings', '_global_deprecations')),
)
# The ActionBase methods the runner calls, with the parameters it passes.
_METHODS = (
    ('_update_module_args', ('module_name', 'module_args', 'task_vars')),
    ('_compute_environment_string', ('raw_environment_out',)),
    ('_parse_returned_data', ('res', 'profile')),
)
_PROBE = {'changed': False, 'edgegrid_access_probe': ['in the worker', 1], 'warnings': []}

_verdict = {}  # the result of the behaviour check, made once per process: {'reason': str or None}


def core_minor(version=None):
    """The ansible-core minor ('2.21') of a version string (default: the running ansible-core's)."""
    return '.'.join((version or ansible_core_version).split('.')[:2])


def _missing_internal():
    """The first internal that is missing or has another shape, as a sentence; None when all are there."""
    if _MISSING is not None:
        return 'an ansible-core internal cannot be imported (%s)' % _MISSING
    namespace = globals()
    for module_name, alias, attributes in _ATTRIBUTES:
        for attribute in attributes:
            if not hasattr(namespace[alias], attribute):
                return 'ansible-core lacks %s.%s' % (module_name, attribute)
    for method, parameters in _METHODS:
        function = getattr(_ActionBase, method, None)
        if function is None:
            return 'ansible-core lacks ActionBase.%s' % method
        try:
            names = list(inspect.signature(function).parameters)[1:]
        except (TypeError, ValueError):
            return 'the signature of ActionBase.%s cannot be read' % method
        if names[:len(parameters)] != list(parameters):
            return 'ActionBase.%s takes (%s), not (%s)' % (method, ', '.join(names), ', '.join(parameters))
    if not isinstance(_module_warnings._global_warnings, (dict, list)):
        return 'ansible.module_utils.common.warnings._global_warnings is not a dict'
    return None


def _misbehaving(action):
    """How the internals behave other than verified, on a known module output; None when they behave as verified."""
    try:
        arguments = json.loads(encode_arguments({'a': ['b', 1]}))
        if arguments != {'ANSIBLE_MODULE_ARGS': {'a': ['b', 1]}}:
            return 'the module arguments encode as %r' % (arguments,)
        result = parse_module_output(action, dict(rc=0, stdout=json.dumps(_PROBE), stderr=''))
    except Exception as exc:  # pylint: disable=broad-exception-caught  # any failure means: do not use them
        return 'parsing a module result raised %s: %s' % (type(exc).__name__, exc)
    expected = isinstance(result, dict) and result.get('changed') is False \
        and result.get('edgegrid_access_probe') == _PROBE['edgegrid_access_probe'] \
        and not any(key.startswith('_ansible_') and key != '_ansible_parsed' for key in result)
    if not expected:
        return 'a module result parses as %r' % (result,)
    return None


def unavailable(action):
    """Why the module of `action` (an ActionBase) cannot run in the worker process on this ansible-core, or None.

    Checks, in this order: the ansible-core minor is in VERIFIED; every internal listed at the top of this file
    is there with the verified shape; encoding module arguments and parsing a known module output give the
    verified results (checked once per process). Never raises.
    """
    if core_minor() not in VERIFIED:
        return 'ansible-core %s is not one the in-worker runner was verified on (%s)' % (
            ansible_core_version, ', '.join(VERIFIED))
    if 'reason' not in _verdict:
        try:
            _verdict['reason'] = _missing_internal() or _misbehaving(action)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            _verdict['reason'] = 'checking the ansible-core internals raised %s: %s' % (type(exc).__name__, exc)
    return _verdict['reason']


def check_in_advance(action_class):
    """Make the behaviour check of unavailable() in this process before any task runs in it, with an instance of
    `action_class` (an ActionBase subclass) made without its constructor: parsing a module output that parses reads
    no attribute of the action (2.19-2.21). Called where the action plugins are loaded in the controller's process
    (_in_process.preload), so that every worker forked afterwards inherits the verdict, and what ansible-core caches
    while parsing (2.21: the fields of a task result), instead of each worker making the check again before its
    module runs (10-20 ms of every task, bench/RESULTS.md). Only a verdict that the internals behave as verified is
    kept: when the check fails here, each worker still makes it with its own action, as before. Never raises."""
    if 'reason' in _verdict or core_minor() not in VERIFIED:
        return
    try:
        reason = _missing_internal() or _misbehaving(action_class.__new__(action_class))
    except Exception:  # pylint: disable=broad-exception-caught  # the workers check for themselves
        return
    if reason is None:
        _verdict['reason'] = None


def encode_arguments(module_args):
    """The module arguments as the JSON bytes a module reads, encoded as ansible-core encodes them for a module
    process (vaulted values decrypted, tagged values made plain)."""
    encoder = _module_json.get_module_encoder(PROFILE, _module_json.Direction.CONTROLLER_TO_MODULE)
    return json.dumps(dict(ANSIBLE_MODULE_ARGS=module_args), cls=encoder).encode('utf-8')


def set_module_input(encoded_arguments):
    """Hand the encoded arguments to the next AnsibleModule created in this process; None forgets them."""
    _basic._ANSIBLE_ARGS = encoded_arguments
    _basic._ANSIBLE_PROFILE = PROFILE if encoded_arguments is not None else None


def clear_module_warnings():
    """Forget the module warnings and deprecations recorded in this process so far."""
    for name in ('_global_warnings', '_global_deprecations'):
        recorded = getattr(_module_warnings, name, None)
        if recorded is not None:
            recorded.clear()


def task_uuid(action):
    """The id of the action's task, the same for each item of its loop (callbacks know a task by it); None when the
    task has none."""
    uuid = getattr(action._task, '_uuid', None)  # pylint: disable=protected-access
    return uuid if isinstance(uuid, str) and uuid else None


def task_basedir(action):
    """The directory a module process of the action's task starts in on the local connection (the task's base
    directory: the playbook's or the role's), or None when the loader does not tell it."""
    loader = getattr(action, '_loader', None)
    basedir = getattr(loader, 'get_basedir', lambda: None)()
    return basedir if isinstance(basedir, str) and basedir else None


def module_args_for(action, module_name, module_args, task_vars):
    """Add the _ansible_* settings of the task (check mode, diff, no_log, verbosity...) to module_args."""
    action._update_module_args(module_name, module_args, task_vars)  # pylint: disable=protected-access


def task_environment(action):
    """The task's `environment`, templated, as a dict of strings."""
    environment = {}
    action._compute_environment_string(environment)  # pylint: disable=protected-access
    return dict((str(k), str(v)) for k, v in environment.items())


def parse_module_output(action, res):
    """The module's printed result (res: rc, stdout, stderr) parsed and cleaned as ActionBase._execute_module
    parses and cleans a module process's; a dict."""
    parsed = action._parse_returned_data(res, PROFILE)  # pylint: disable=protected-access
    if isinstance(parsed, dict):  # 2.20 and earlier
        parsed.pop('_ansible_suppress_tmpdir_delete', None)
        _remove_internal_keys(parsed)
        return parsed
    parsed.remove_internal_keys()  # 2.21: a UnifiedTaskResult
    return parsed.as_result_dict(for_round_trip=True)
