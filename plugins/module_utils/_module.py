# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The module base: common auth options, the shared client, failures with Akamai's problem details.

This file is private to the collection (note the leading underscore): it may change without notice.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.edgegrid.access.plugins.module_utils import _client, _errors, _funnel, _listing_cache

# The errors, for the modules that handle one case of them themselves: a module imports them from here, never from
# _client. EdgeGridError is the root of every error of the collection (_errors.py); InputError is the user's input,
# reported by its message alone; ApiError carries Akamai's problem details (as_dict()), TransportError says no
# answer could be had.
EdgeGridError = _errors.EdgeGridError
InputError = _errors.InputError
ApiError = _client.ApiError
TransportError = _client.TransportError

# The connection options of every module; documented once in doc_fragments/auth.py. The credentials and the
# account switch key have no environment fallback here: which AKAMAI_* variables apply depends on the section
# (Akamai's rule), which _client.resolve_config applies.
AUTH_ARGUMENT_SPEC = dict(
    edgerc=dict(type='path', fallback=(env_fallback, ['AKAMAI_EDGERC'])),
    section=dict(type='str', fallback=(env_fallback, ['AKAMAI_EDGERC_SECTION'])),
    host=dict(type='str'),
    client_token=dict(type='str', no_log=True),
    client_secret=dict(type='str', no_log=True),
    access_token=dict(type='str', no_log=True),
    account_switch_key=dict(type='str', no_log=False),
    request_timeout=dict(type='float', default=_client.DEFAULT_TIMEOUT),
    max_retries=dict(type='int', default=_client.DEFAULT_MAX_RETRIES),
    retry_max_wait=dict(type='float', default=_client.DEFAULT_RETRY_MAX_WAIT),
)

SECRET_MASK = _errors.MASK


def mask_secrets(value, secret_keys):
    """A copy of `value` with the values of every dict key in `secret_keys` masked, at any depth."""
    if isinstance(value, dict):
        return dict((k, SECRET_MASK if k in secret_keys and v not in (None, '') else mask_secrets(v, secret_keys))
                    for k, v in value.items())
    if isinstance(value, list):
        return [mask_secrets(v, secret_keys) for v in value]
    return value


# Lists longer than this are summarised in the `invocation` a module returns. Ansible masks every no_log
# value in every string it returns, one by one: with thousands of declared key values, a full echo of the
# arguments would cost minutes of masking and megabytes of output.
INVOCATION_LIST_LIMIT = 50


def compact_arguments(value):
    """The module arguments for `invocation`, with long lists summarised (their items are not shown)."""
    if isinstance(value, dict):
        return dict((k, compact_arguments(v)) for k, v in value.items())
    if isinstance(value, list):
        if len(value) > INVOCATION_LIST_LIMIT:
            return ['(%d items, not shown)' % len(value)]
        return [compact_arguments(v) for v in value]
    return value


# Above this many no_log values, the values that do not occur in a result are dropped before Ansible masks it.
FEW_NO_LOG_VALUES = 50


def _leaves(value):
    """Every string (and number, as Ansible checks those too) inside a result, as text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
        elif isinstance(item, str):
            yield item
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            yield str(item)


def occurring_values(values, result):
    """The values that occur as a substring of any string in `result`, found through windows of each length.

    Ansible masks each no_log value in each returned string with one str.replace per value and string: with
    thousands of declared key values that takes minutes. Narrowed to the values that occur, its masking gives
    the same output at once.
    """
    lengths = sorted(set(len(v) for v in values))
    found = set()
    for text in _leaves(result):
        size = len(text)
        for length in lengths:
            if length > size:
                break
            for start in range(size - length + 1):
                window = text[start:start + length]
                if window in values:
                    found.add(window)
    return found


def auth_argument_spec():
    """A fresh copy of the common options, to merge into a module's own argument spec."""
    return copy.deepcopy(AUTH_ARGUMENT_SPEC)


def element_name(option, index, label=None):
    """How messages name the element at `index` of the list option `option`: `option[index] (label)`, or
    `option[index]` when the label is empty (str)."""
    return '%s[%d]%s' % (option, index, ' (%s)' % label if label else '')


def list_form(spec, option, one, defaults, keys=None):
    """The argument spec and mutually exclusive options of a module that keeps one resource by its top-level options
    or many by the list option `option` (EdgeGridModule.converge_one_or_many): dict(argument_spec=...,
    mutually_exclusive=..., inherited=...), for EdgeGridModule (`inherited`, {option: {name: the top-level spec} for
    each of `defaults`}, lets the funnel refuse an element's null of one whose top-level option refuses a null).

    `spec`: the top-level options, `option` among them (a list of dicts) without its `options`, which are made here:
    the options of one resource (`one`, their names), as at the top level; `keys` ({name: its spec in an element, or
    None when an element has no such option}); and each of `defaults` (the top-level options that serve as the
    elements' defaults), as at the top level without a default of its own. `option` excludes each of `keys` (the
    pair `[key, option]`) and of `one` (`[option, name]`).
    """
    spec = copy.deepcopy(spec)
    keys = keys or {}
    element = dict((name, copy.deepcopy(spec[name])) for name in one)
    element.update((name, copy.deepcopy(value)) for name, value in keys.items() if value is not None)
    for name in defaults:
        element[name] = dict((k, v) for k, v in copy.deepcopy(spec[name]).items() if k != 'default')
    spec[option] = dict(spec[option], options=element)
    exclusive = [[name, option] for name in keys] + [[option, name] for name in one]
    inherited = {option: dict((name, copy.deepcopy(spec[name])) for name in defaults)}
    return dict(argument_spec=spec, mutually_exclusive=exclusive, inherited=inherited)


class EdgeGridModule(_funnel.Funnel, AnsibleModule):
    """An AnsibleModule with the auth options merged in and one lazily built EdgeGrid client; its errors fail the
    task through the one funnel (_funnel.Funnel: execute(run, *args), fail_from(exc, **result))."""

    def __init__(self, argument_spec, supports_check_mode=True, **kwargs):
        spec = auth_argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)
        if not _client.HAS_EDGEGRID:
            self.fail_json(msg=missing_required_lib(_client.EDGEGRID_IMPORT_ERROR))
        self._validate_common()
        self._client = None

    def _lighten(self, kwargs):
        """A compact invocation, and only the no_log values that occur in the result, for Ansible to mask."""
        if getattr(self, 'params', None) is None:
            return
        kwargs.setdefault('invocation', getattr(self, 'invocation', None) or dict(module_args=compact_arguments(self.params)))
        if len(self.no_log_values) > FEW_NO_LOG_VALUES:
            self.no_log_values = occurring_values(set(self.no_log_values), kwargs)

    def exit_json(self, **kwargs):
        self._lighten(kwargs)
        super().exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        # While the module is built, a dict or list option of the wrong shape is named (the funnel's shape_error).
        kwargs['msg'] = self.shaped_failure(msg, kwargs)
        # A task that fails after one of its writes took changed something, unless the failure says otherwise (e.g. a
        # roll-back undid it).
        client = getattr(self, '_client', None)
        if 'changed' not in kwargs and client is not None and client.applied_write_count:
            kwargs['changed'] = True
        self._lighten(kwargs)
        super().fail_json(**kwargs)

    def _validate_common(self):
        if self.params['request_timeout'] <= 0:
            self.fail_json(msg='request_timeout must be greater than 0 (seconds), got %s'
                           % self.params['request_timeout'])
        if self.params['max_retries'] < 0:
            self.fail_json(msg='max_retries must be 0 or more, got %s' % self.params['max_retries'])
        if self.params['retry_max_wait'] < 0:
            self.fail_json(msg='retry_max_wait must be 0 or more (seconds), got %s' % self.params['retry_max_wait'])

    @property
    def client(self):
        """The EdgeGrid client, built on first use from the auth options."""
        if self._client is None:
            try:
                config = _client.resolve_config(self.params)
            except _client.ConfigError as exc:
                self.fail_json(msg='Akamai credentials: %s' % exc)
            # The secret and the access token read from the environment or a file are masked like no_log options.
            # (Client tokens are identifiers: the credential modules return them, to pick a credential by.)
            self.no_log_values.update(secret for secret in (config.client_secret, config.access_token) if secret)
            for warning in config.warnings:
                self.warn(warning)
            self._client = _client.EdgeGridClient(
                config,
                timeout=self.params['request_timeout'],
                max_retries=self.params['max_retries'],
                retry_max_wait=self.params['retry_max_wait'],
            )
        return self._client

    def signed_with(self):
        """Where the credential of the client came from: dict(edgerc=<absolute path>, section=<name>).

        Both are None when the credential was given by the options or the AKAMAI_* variables rather than read
        from an .edgerc section (see _client.resolve_config for the order of the sources).
        """
        config = self.client.config
        return dict(edgerc=config.edgerc, section=config.section)

    def oauth2_client(self, options):
        """An API client authenticated with OAuth 2.0 client credentials from the `oauth2` option."""
        # Imported here: only api_request speaks OAuth 2.0.
        from ansible_collections.edgegrid.access.plugins.module_utils import _oauth2
        try:
            config = _oauth2.resolve_config(options or {})
        except _client.ConfigError as exc:
            self.fail_json(msg='OAuth 2.0 credentials: %s' % exc)
        return _oauth2.build_client(
            config,
            timeout=self.params['request_timeout'],
            max_retries=self.params['max_retries'],
            retry_max_wait=self.params['retry_max_wait'],
        )

    def finish(self, changed, key, resource, before=None, after=None, secret_keys=(), **extra):
        """Exit with the resource under its one documented key, and a diff (secrets masked) in diff mode.

        `resource`, `before` and `after` are masked with `secret_keys`; a secret meant to be returned once
        is passed in `extra` under its own documented key (and that option/return carries no_log).
        """
        result = dict(changed=changed)
        result[key] = mask_secrets(resource, secret_keys)
        if self._diff:
            result['diff'] = dict(before=mask_secrets(before if before is not None else {}, secret_keys),
                                  after=mask_secrets(after if after is not None else {}, secret_keys))
        result.update(extra)
        self.exit_json(**result)

    def converge(self, resource, state='present'):
        """Bring one resource to `state` ('present' or 'absent') through the hooks of `resource` (a Resource), and
        finish: the one present/absent ladder of the collection's modules.

        present: find; the desired resource from what the task sets (`resource.desired`, which checks the input and
        may read, never write); no change when it does not differ; else, unless in check mode, create or update.
        absent: find; when it exists, `resource.check_delete` (in check mode too), then delete unless in check mode.
        Between the plan and the write, unless in check mode, `resource.prepare()` (either state).
        Every write is guarded by check mode here; in check mode the result is the prediction (`desired`). The result
        is the resource under `resource.key` (masked with `resource.secret_keys`), the diff in diff mode (both as
        `resource.shown(...)` gives them), and `resource.extra(...)`'s keys. Never returns.
        """
        current = resource.find()
        changed, desired = self._plan(resource, state, current)
        if not self.check_mode:
            resource.prepare()
        try:
            after = self._write(resource, state, current, desired, changed)
            also_changed, extra = resource.extra(current, after)
        except (EdgeGridError, _listing_cache.StaleListing):
            # What prepare made for a write that failed, or that was held for the run again (see Resource.unprepare).
            resource.unprepare()
            raise
        changed = changed and not resource.nothing_written
        shown, diff_before, diff_after = resource.shown(current, after)
        if resource.nothing_written:
            diff_before = diff_after  # found as declared after all (made by another run): no change to show
        self.finish(changed or also_changed, resource.key, shown, before=diff_before, after=diff_after,
                    secret_keys=resource.secret_keys, **extra)

    @staticmethod
    def _plan(resource, state, current):
        """(changed, desired) of one resource found as `current`: the first half of the ladder, which may read and
        never writes. absent: changed when it exists (after `resource.check_delete`), desired None. present:
        `resource.desired(current)`, changed when it is to be created or differs."""
        if state == 'absent':
            if current is not None:
                resource.check_delete(current)
            return current is not None, None
        desired = resource.desired(current)
        return current is None or resource.differs(current, desired), desired

    def _write(self, resource, state, current, desired, changed):
        """The second half of the ladder: the write that `_plan` found due, unless in check mode (then the result is
        the prediction). Returns the resource after it (None when absent).

        A write whose answer was lost (TransportError: the connection dropped or timed out after the request was
        sent, or the read after it failed) may have been applied. A resource that `settles` is then read again
        (`_settle`); any other fails with the client's message, which says so."""
        if state == 'absent':
            if not changed or self.check_mode:
                return None
            write, args = resource.delete, (current,)
        elif not changed:
            return current
        elif self.check_mode:
            return desired
        elif current is None:
            write, args = resource.create, (desired,)
        else:
            write, args = resource.update, (current, desired)
        try:
            after = write(*args)
        except TransportError as exc:
            if not resource.settles:
                raise
            return self._settle(resource, state, current, exc)
        return None if state == 'absent' else after

    def _settle(self, resource, state, current, lost):
        """After a write of `resource` whose answer was lost (`lost`, a TransportError): find it again
        (`resource.find_again()`) and plan again. Nothing left to do: the write took; warn and return the resource
        as read (the task reports a change). Else raise EdgeGridError: the write did not take (or not all of it),
        with `changed` when the resource is no longer as it was; the re-read failing too raises TransportError
        (whether it took is not known)."""
        try:
            now = resource.find_again()
            pending, _desired = self._plan(resource, state, now)
        except EdgeGridError as again:
            raise TransportError('%s; reading it again to tell whether it took failed too (%s): run the task again'
                                 % (lost, again)) from None
        if pending:
            raise EdgeGridError('%s; read again, it is not (all) applied: run the task again' % lost,
                                result=dict(changed=now != current)) from None
        self.warn('%s; read again, the write was applied' % lost)
        return now

    def converge_one_or_many(self, option, key, build, defaults=(), check=None):
        """The body of a module that keeps one resource by its top-level options or many by the list option `option`
        (its argument spec made by `list_form`), run through execute. Never returns.

        `option` not set: `converge` of `build(None, None)` (the resource of the top-level options) in the task's
        `state`. Set: for each element in order, its options (a copy) with each of `defaults` that it leaves unset
        (None) taken from the top-level option of that name, then `build(params, index)` (the resource of the element
        at `index`; it may refuse the element, raising InputError, before any request); then `check(resources)`
        when given (a refusal of the elements together, before any request); then `converge_many(resources, key,
        option)`.
        """
        def many():
            resources = []
            for index, element in enumerate(self.params[option]):
                params = dict(element)
                for name in defaults:
                    if params.get(name) is None:
                        params[name] = self.params[name]
                resources.append(build(params, index))
            if check is not None:
                check(resources)
            self.converge_many(resources, key, option)

        if self.params[option] is None:
            self.execute(self.converge, build(None, None), self.params['state'])
        else:
            self.execute(many)

    def converge_many(self, resources, key, option):
        """Bring each of `resources` (Resources of one class, each with its `label`) to its `state`, through the same
        hooks and ladder as converge, and finish once: the list option `option` of a module that keeps many resources
        in one task.

        In order, each step for every resource before the next step: `check()` (the input, before any request);
        `find_many()` of their class (side by side where the resource allows); the plan (`desired`, which may read,
        and `differs`), so that a refusal fails the task before the first write; unless in check mode, `prepare()`
        of every resource; then, resource after resource, the write (guarded by check mode) and `extra`. The result:
        `changed` when any changed, `key` a list with, per resource, `name` (its label), `changed`, the resource under
        `resource.key` (masked) and `extra`'s keys; in diff mode the diff of the resources that change, keyed by label.

        An error of `find_many` fails the task before any write: an InputError (the class refusing them together, a
        message that names the elements) by its message, `key` listing the elements it refuses (its `elements`, each
        with `failed`, in their order); any other (a read that failed) prefixed with `<option>:`, `key` empty.
        An error of the collection (EdgeGridError) raised for the resource at index i fails the task with a message
        that begins `<option>[i] (<label>):` (`<option>[i]:` when the label is empty), and `key` lists the results
        of the resources before it, then its own (with the error's `result` keys: a partly done write says what it
        did), so that a re-run completes; an ApiError adds Akamai's problem details under `error` (_funnel.failure).
        The message says what was done before it, by each resource's `summary`. Never returns.
        """
        resources = list(resources)
        where = [element_name(option, index, resource.label) for index, resource in enumerate(resources)]
        for index, resource in enumerate(resources):
            self._step(resource.check, where[index], key, None, resource)
        try:
            found = type(resources[0]).find_many(resources) if resources else []
        except EdgeGridError as exc:
            # Their class refused them (its message names the elements), or a read failed (its message names what
            # was read): nothing was written.
            result = dict(_funnel.failure(exc), changed=False)
            refused = getattr(exc, 'elements', ())
            result[key] = [dict(name=resource.label, changed=False, failed=True) for resource in resources
                           if any(resource is element for element in refused)]
            msg = str(exc) if isinstance(exc, InputError) else '%s: %s (nothing was written)' % (option, exc)
            self.fail_json(msg=msg, **result)
        plans = [self._step(lambda r=resource, c=current: self._plan(r, r.state, c), where[index], key, None, resource)
                 for index, (resource, current) in enumerate(zip(resources, found))]
        if not self.check_mode:
            prepared = []
            for index, resource in enumerate(resources):
                self._step(lambda r=resource: self._prepare(r, prepared), where[index], key, None, resource)
        results, before, after_diff = [], {}, {}
        for index, resource in enumerate(resources):
            current, (changed, desired) = found[index], plans[index]

            def write(resource=resource, current=current, desired=desired, changed=changed, index=index):
                try:
                    after = self._write(resource, resource.state, current, desired, changed)
                    return after, resource.extra(current, after)
                except (EdgeGridError, _listing_cache.StaleListing):
                    # The task stops here: what prepare made for this resource and those after it is not used.
                    for later in reversed(resources[index:]):
                        later.unprepare()
                    raise

            after, (also_changed, extra) = self._step(write, where[index], key, results, resource)
            item = dict(name=resource.label, changed=bool((changed and not resource.nothing_written) or also_changed))
            item[resource.key] = mask_secrets(after or {}, resource.secret_keys)
            item.update(extra)
            results.append(item)
            if item['changed']:
                dummy, diff_before, diff_after = resource.shown(current, after)
                before[resource.label] = mask_secrets(diff_before, resource.secret_keys)
                after_diff[resource.label] = mask_secrets(diff_after, resource.secret_keys)
        result = dict(changed=any(item['changed'] for item in results))
        result[key] = results
        if self._diff:
            result['diff'] = dict(before=before, after=after_diff)
        self.exit_json(**result)

    @staticmethod
    def _prepare(resource, prepared):
        """`resource.prepare()`; when it fails, the resources `prepared` before it are undone (`unprepare`, last
        first) before the error goes on."""
        try:
            resource.prepare()
        except EdgeGridError:
            for earlier in reversed(prepared):
                earlier.unprepare()
            raise
        prepared.append(resource)

    def _step(self, run, where, key, done, resource):
        """run() for the resource named `where` in converge_many; an EdgeGridError fails the task (see there). `done`:
        the results of the resources written before it, or None before the first write."""
        try:
            return run()
        except EdgeGridError as exc:
            partial = _funnel.failure(exc)
            error = partial.pop('error', None)
            item = dict(name=resource.label, changed=bool(partial.pop('changed', False)), failed=True)
            item.update(mask_secrets(partial, resource.secret_keys))
            results = list(done or []) + [item]
            result = {key: results, 'changed': any(entry['changed'] for entry in results)}
            if error is not None:
                result['error'] = error
            if done:
                summary = '; '.join('%s: %s' % (entry['name'], resource.summary(entry)) for entry in done)
                tail = ' (done before it: %s; run the task again to complete the rest)' % summary
            elif done is None:
                tail = ' (nothing was written)'
            else:
                tail = ''
            self.fail_json(msg='%s: %s%s' % (where, exc, tail), **result)


class Resource(object):
    """The hooks of one resource a module converges with EdgeGridModule.converge: what the module states instead
    of writing its own find -> absent -> create -> update ladder. Resources are neutral dicts (the module's
    RETURN shape), never Akamai's wire fields; the hooks raise EdgeGridError (InputError for the user's input),
    which EdgeGridModule.execute turns into a failed task.

    A subclass sets `key` (the module's one return key) and, where the resource holds secrets, `secret_keys`
    (masked in the result and the diff); `module` is the EdgeGridModule.
    """

    key = None
    secret_keys = ()
    # Whether converge may settle a write whose answer was lost by finding the resource again (find_again) and
    # planning again (EdgeGridModule._settle): True only where find_again() and desired() may run after the write
    # and the resource as read is the whole result (no one-time secret in a create's answer, no per-write
    # bookkeeping in the result).
    settles = False
    # How EdgeGridModule.converge_many names this resource among many, in its results and messages (e.g. its name).
    label = None

    def __init__(self, module):
        self.module = module
        self.params = module.params
        # Set by a write hook that found nothing to write after all (create: another run made the resource meanwhile,
        # as this task declares it): converge and converge_many report no change for it.
        self.nothing_written = False

    @property
    def state(self):
        """The state the task wants ('present' or 'absent'): the `state` of the resource's parameters (converge_many;
        converge takes it as its argument)."""
        return self.params['state']

    def summary(self, item):
        """What was done to a resource of this class, in a few words, from its result `item` (a dict of
        converge_many's result list): converge_many says it of the resources written before one that failed."""
        return 'changed' if item.get('changed') else 'no change'

    def check(self):
        """Check the input (raising InputError) before any request: converge_many calls it for every resource before
        the first find. Nothing here; a resource that checks its input in find() may check it here instead."""

    @classmethod
    def find_many(cls, resources):
        """find() of each of `resources` (instances of cls, checked), in their order: one after the other here; a
        resource whose API allows overrides it to read them side by side (converge_many)."""
        return [resource.find() for resource in resources]

    def find(self):
        """The resource as it is (a dict), or None when it does not exist."""
        raise NotImplementedError

    def find_again(self):
        """The resource as it is after a write whose answer was lost (EdgeGridModule._settle, for a resource that
        `settles`), or None when it does not exist: find() here. A resource that find() picks otherwise than by what
        the write cannot change (e.g. by a policy the write may move it out of) reads the one it wrote instead."""
        return self.find()

    def desired(self, current):
        """The resource as the task wants it: `current` (None when it is to be created) with what the user set.
        Checks the input (raising InputError) and may read; never writes. In check mode it is the prediction."""
        raise NotImplementedError

    def differs(self, current, desired):
        """Whether `current` must be written to become `desired`."""
        return current != desired

    def create(self, desired):
        """Create the resource; return it as read back."""
        raise NotImplementedError

    def update(self, current, desired):
        """Change the resource from `current` to `desired`; return it as read back."""
        raise NotImplementedError

    def check_delete(self, current):
        """Before a delete, in check mode too: raise EdgeGridError when `current` must not be deleted. Never writes."""

    def delete(self, current):
        """Delete the resource."""
        raise NotImplementedError

    def prepare(self):
        """After the plan (of every resource, in converge_many), before the first write of the task, not in check
        mode: the local step a later write of this resource needs and that a check cannot tell will succeed (e.g.
        making a directory), so that its failure (raise EdgeGridError) fails the task before any API write. Whether
        or not the resource itself changes. Nothing here."""

    def unprepare(self):
        """Undo what `prepare` made (e.g. remove the directories it made, those still empty) when it will not be
        used: the prepare of a later resource of the same task failed (the task fails before any write), or the
        write of this resource or of one before it failed. Nothing here."""

    def extra(self, before, after):
        """(changed, dict): whether something beside the resource changed (or would), and the return keys to add.
        `after` is None when the resource is absent after the task."""
        return False, {}

    def shown(self, before, after):
        """(returned, diff_before, diff_after): what the task returns under `key`, and the two sides of its diff
        (used in diff mode only), from the resource `before` the task and `after` it (either None when absent).
        By default the resource itself, {} for an absent one; a module whose result is shaped otherwise (e.g. a diff
        of part of a large resource) overrides it. `secret_keys` are masked in all three afterwards."""
        return after or {}, before or {}, after or {}
