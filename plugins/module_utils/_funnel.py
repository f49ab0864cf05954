# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place where an error of the collection becomes a failed task, for every module.

This file is private to the collection (note the leading underscore): it may change without notice. It imports
only `_errors` of the collection (and ansible-core's AnsibleModule and public validation helper), so that the modules that take no credentials
(edgerc, private_file) fail through the same funnel as the API modules without carrying the client (`_client`:
requests, edgegrid-python) into their module process and payload.

    failure(exc)  the return keys of a failed task beside its message (problem details, the error's result keys)
    Funnel        the mixin of an AnsibleModule: execute(run, *args) and fail_from(exc, **result); it also checks the
                  shape of the dict and list options (shape_error) before any request, and reads an explicit null of
                  one as "not given"
    LocalModule   an AnsibleModule with the funnel, for the modules that only read and write local files
                  (the API modules use _module.EdgeGridModule, which inherits the funnel too)
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.validation import check_type_dict

from ansible_collections.edgegrid.access.plugins.module_utils import _errors

# How a message names the type of a value it got (the value itself is never shown: it may be a secret).
_TYPE_NAMES = dict(bool='a boolean', int='an integer', float='a number', str='a string', list='a list',
                   dict='a dict', NoneType='null')
# Said of a boolean where a string or a number is wanted: YAML's doing, most often.
_UNQUOTED = ' (YAML reads yes, no, true, false, on and off unquoted as booleans: quote the text)'
# The scalar types ansible-core cannot read as null (it fails naming "NoneType"), as a message asks for them.
_NULL_REFUSED = dict(bool='true or false', int='an integer', float='a number')
# The scalar element types of a list option, as a message names them.
_ELEMENT_NAMES = dict(str='strings', int='integers', float='numbers', path='paths', bool='booleans')


def _type_name(value):
    if isinstance(value, Mapping):
        return 'a dict'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return _TYPE_NAMES.get(type(value).__name__, 'a %s' % type(value).__name__)


def _options(spec, params):
    """(name as the user gave it, option spec, value) of each option of `spec` set in `params` (by its name or an
    alias)."""
    for name, option in spec.items():
        for given in [name] + list(option.get('aliases') or ()):
            if given in params:
                yield given, option, params[given]


def _as_dict(value):
    """`value` as ansible-core reads a dict option: a dict, or a string of JSON or key=value pairs; None when it is
    neither."""
    if isinstance(value, Mapping):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return check_type_dict(value)
        except (TypeError, ValueError):
            return None
    return None


def _keys(option):
    fields = option.get('options')
    return ' with the keys %s' % ', '.join(sorted(fields)) if fields else ''


def _got(value):
    """What a message says of a value that is not the dict wanted."""
    if isinstance(value, str):
        return 'an empty string' if not value.strip() else 'a string that is neither JSON nor key=value pairs'
    return _type_name(value)


def shape_error(spec, params, prefix=''):
    """The first dict or list option of `spec` (an argument spec, suboptions at any depth) that `params` (the
    module's input as given, before ansible-core converts it) sets to a value of the wrong type, as a message: the
    option (e.g. `tokens[2].tokens_js`), the type it takes (with the keys of a dict with suboptions) and the type it
    got. None when every one has a shape ansible-core reads as meant: a dict, or a string of JSON or key=value pairs,
    for a dict; a list, a comma-separated string or a number for a list of scalars (not a boolean, not a dict); a
    list for a list of dicts, and a dict (or such a string) for each of its elements; no dict, list or boolean as an element of a list of scalars (a
    boolean only where the elements are booleans); a whole number, or its text, for each element of a list of ints (its
    value unquoted); a string (or a number) for a string or a path (a boolean, a dict or a list is refused, not
    turned into its text: "True", "['a']"), without a NUL character; no boolean for an int or a float (not read as 1
    or 0); no null for a boolean, a number or an option with choices that has a default (`drop_nulls` has
    dropped the other nulls: ansible-core would say "got: " and nothing, or "NoneType"). The value itself is never
    shown: it may be a secret."""
    for name, option, value in _options(spec, params):
        where = prefix + name
        kind = option.get('type', 'str')
        if value is None:
            if _null_refused(option):
                return _null_error(where, option, kind)
            continue
        if kind == 'dict':
            value = _as_dict(value)
            if value is None:
                return '%s must be a dict%s; got %s' % (where, _keys(option), _got(params[name]))
            found = _suboptions_error(option, value, where + '.')
            if found:
                return found
        elif kind == 'list':
            found = _list_error(where, option, value)
            if found:
                return found
        elif kind in ('path', 'str') and isinstance(value, (bool, Mapping, list, tuple)):
            # ansible-core would turn true into the text 'True' (a key value, a label, a name written to Akamai; for
            # a path, a file written where the task runs) and a list into "['a']". A number is its text, as
            # ansible-core reads it (a section 0, a file named 0).
            return '%s must be %s; got %s%s' % (where, 'a path (a string)' if kind == 'path' else 'a string',
                                                _type_name(value), _UNQUOTED if isinstance(value, bool) else '')
        elif kind in ('int', 'float') and isinstance(value, bool):
            # ansible-core would read true as 1 (a count, a limit).
            return '%s must be %s; got a boolean%s' % (where, 'an integer' if kind == 'int' else 'a number', _UNQUOTED)
        elif kind in ('path', 'str') and isinstance(value, str) and '\0' in value:
            return _nul_error(where, kind)
    return None


def _null_refused(option):
    """Whether a null of `option` (an argument spec) is refused: it has a default, and ansible-core cannot read a
    null as a value of it (a boolean, a number, an option with choices)."""
    return option.get('default') is not None and bool(option.get('choices') or option.get('type') in _NULL_REFUSED)


def _null_error(where, option, kind, fallback=None):
    """A null (an empty variable) for an option with a default that ansible-core cannot read as null: the option's
    values and its default, or `fallback` (what leaving it out means instead) (read as the default, it might create
    what an empty variable meant to remove)."""
    default = option['default']
    if option.get('choices'):
        wanted = 'one of %s' % ', '.join(str(choice) for choice in option['choices'])
    else:
        wanted = _NULL_REFUSED[kind]
    if isinstance(default, bool):
        default = 'true' if default else 'false'
    elif isinstance(default, float) and default.is_integer():
        default = int(default)
    return '%s is null (an empty variable?): give %s, or leave it out for %s' % (where, wanted, fallback or default)


def inherited_null_error(inherited, params):
    """The message for the first element of a list option that sets to null an option it takes from the task's
    top-level option when it leaves it out (`inherited`: {list option: {name: the top-level option's argument spec}},
    as list_form gives it), where that top-level option refuses a null (_null_refused): `collections[0].state` null
    would be the task's state (present, creating what an empty variable may have meant to remove). None otherwise.
    Read on the input as given, before drop_nulls drops those nulls (an element's option has no default of its own)."""
    for option, names in (inherited or {}).items():
        elements = params.get(option)
        if not isinstance(elements, list):
            continue
        for index, element in enumerate(elements):
            # A dict, or a string of JSON or key=value pairs, as ansible-core reads an element.
            element = _as_dict(element)
            if element is None:
                continue
            for name, spec in names.items():
                if name in element and element[name] is None and _null_refused(spec):
                    return _null_error('%s[%d].%s' % (option, index, name), spec, spec.get('type', 'str'),
                                       "the task's %s" % name)
    return None


def _suboptions_error(option, value, prefix):
    """shape_error() of the dict `value` of a dict option (or an element of a list of dicts) with suboptions, after a
    required suboption it leaves out (a null is left out: drop_nulls), named with its place - `tokens[1].name is
    required` (ansible-core: "missing required arguments: name found in tokens", no element named). None when the
    option has no suboptions, or nothing is wrong."""
    options = option.get('options')
    if not options:
        return None
    for name, suboption in options.items():
        names = [name] + list(suboption.get('aliases') or ())
        # A null is left out too: drop_nulls dropped those of a dict, not those of a string of JSON, which ansible-core
        # would take for given (and send a request without the option).
        if suboption.get('required') and all(value.get(given) is None for given in names):
            return '%s%s is required (left out, or given as null)' % (prefix, name)
    return shape_error(options, value, prefix)


def _nul_error(where, kind):
    """A string holding a NUL character: no path, name, token or text Akamai or a file system takes (and ansible-core
    would fail on it first, logging the invocation to syslog: "embedded null character")."""
    return '%s holds a NUL character, which no %s may hold' % (where, 'path' if kind == 'path' else 'value of it')


def _list_error(where, option, value):
    elements = option.get('elements')
    if elements == 'dict':
        wanted = 'a list of dicts, one per item, each%s' % (_keys(option) or ' a dict')
    else:
        wanted = 'a list of %s' % _ELEMENT_NAMES.get(elements, 'items')
    scalars = (str, int, float) if elements != 'dict' else ()
    if not isinstance(value, (list, tuple) + scalars) or isinstance(value, bool) or isinstance(value, Mapping):
        return '%s must be %s; got %s' % (where, wanted, _type_name(value))
    if not isinstance(value, (list, tuple)):
        if isinstance(value, str) and '\0' in value and elements in (None, 'str', 'path'):
            # ansible-core's string-to-list splits it at the commas: the element that holds it is named.
            index = next(i for i, item in enumerate(value.split(',')) if '\0' in item)
            return _nul_error('%s[%d]' % (where, index), elements or 'str')
        return None  # ansible-core's string-to-list and number-to-list
    for index, item in enumerate(value):
        at = '%s[%d]' % (where, index)
        if elements == 'dict':
            parsed = _as_dict(item)
            if parsed is None:
                return '%s must be %s; %s is %s' % (where, wanted, at, _got(item))
            found = _suboptions_error(option, parsed, at + '.')
            if found:
                return found
        elif elements is not None and item is not None and (
                isinstance(item, (Mapping, list, tuple)) or (isinstance(item, bool) and elements != 'bool')):
            return '%s must be %s; %s is %s' % (where, wanted, at, _type_name(item))
        elif elements == 'int' and _not_a_whole_number(item):
            # ansible-core's message would quote the item: a key value put in a list of key ids, for instance.
            return '%s must be %s; %s is %s' % (where, wanted, at, _number_got(item))
        elif elements in ('str', 'path') and isinstance(item, str) and '\0' in item:
            return _nul_error(at, elements)
    return None


def _not_a_whole_number(value):
    """Whether ansible-core would refuse `value` as an int with a message that quotes it: a string that is no whole
    number (ansible-core's check_type_int reads the text of one, such as '42')."""
    if not isinstance(value, str):
        return False
    try:
        int(value)
    except ValueError:
        return True
    return False


def _number_got(value):
    return 'an empty string' if not value.strip() else 'a string that is not a whole number'


def drop_nulls(spec, params):
    """Remove from `params` (in place, at any depth of suboptions) every option set to null (None) that is a dict or
    list option, or has no default: an empty variable means "not given", to ansible-core's checks (required_one_of,
    mutually_exclusive, required_if, required_together count an option that is set to null: `collection_id: null`
    met required_one_of, and the module looked for a collection named None) and to a dict or list option's default
    alike. A null scalar option with a default is not read as the default: shape_error refuses it where ansible-core
    cannot read it (a boolean, a number, an option with choices); a string or path keeps ansible-core's meaning
    ('')."""
    for name, option, value in list(_options(spec, params)):
        if value is None and (option.get('type') in ('dict', 'list') or option.get('default') is None):
            del params[name]
        elif option.get('options') and isinstance(value, Mapping):
            drop_nulls(option['options'], value)
        elif option.get('options') and isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    drop_nulls(option['options'], item)


def masked_arguments(spec, params):
    """A copy of `params` with the value of every no_log option of `spec` (at any depth) masked: the `invocation` of
    a task that fails before ansible-core's validation could list the values to mask."""
    result = {}
    for key, value in params.items():
        option = spec.get(key) or next((o for o in spec.values() if key in (o.get('aliases') or ())), {})
        if option.get('no_log') and value not in (None, ''):
            result[key] = _errors.MASK
        elif option.get('options') and isinstance(value, Mapping):
            result[key] = masked_arguments(option['options'], value)
        elif option.get('options') and isinstance(value, list):
            result[key] = [masked_arguments(option['options'], item) if isinstance(item, Mapping) else item
                           for item in value]
        else:
            result[key] = value
    return result


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
    (`_errors.EdgeGridError`) into a failed task, with no traceback.

    It also checks the input of the module as it is built, before any request: a dict or list option given a value
    of the wrong type, a string given a list, dict or boolean, a number given a boolean, fail the task with
    `shape_error`'s message (ansible-core would say "argument of type 'bool' is not iterable" with a traceback, or
    name the option only through its own wording, or turn `true` into the list ['True'] or the text 'True'); and an
    explicit null of a dict or list option, or of one without a default, is read as not given (`drop_nulls`).
    """

    _shape_spec = None
    _raw_params = None
    # inherited_null_error()'s message, read as the module is built (before drop_nulls); None when it has none.
    _inherited_null = None

    def __init__(self, *args, **kwargs):
        self._shape_spec = kwargs.get('argument_spec', args[0] if args else None) or {}
        # The options the elements of a list option take from the top level (list_form's `inherited`).
        self._inherited = kwargs.pop('inherited', None)
        try:
            super().__init__(*args, **kwargs)
        except TypeError:
            # ansible-core's validation of an option with suboptions raises on some scalars (a boolean, a number).
            error = self.shape_error()
            if error is None:
                raise
            self.fail_json(msg=error)
        # ansible-core accepted the input; a shape it converted against the user's meaning (true as a list) is
        # refused here (fail_json says shape_error()'s message).
        error = self.shape_error()
        if error is not None:
            self.fail_json(msg=error)
        self._shape_spec = self._raw_params = self._inherited_null = None

    def _load_params(self):
        # A fence around one ansible-core method: AnsibleModule.__init__ reads the input through self._load_params()
        # (kept, says ansible-core, for modules that override it) before it validates it. Here the input is taken
        # as given, with its nulls dropped. On a version that would not call it, shape_error reads self.params (as
        # ansible-core converted it, a public attribute) and an explicit null keeps ansible-core's meaning.
        super()._load_params()
        if isinstance(self.params, dict):
            self._inherited_null = inherited_null_error(self._inherited, self.params)
            drop_nulls(self._shape_spec or {}, self.params)
            self._raw_params = dict(self.params)

    def shape_error(self):
        """While the module is built: shape_error() of its input (see the function); None after."""
        if self._shape_spec is None:
            return None
        if self._inherited_null is not None:
            return self._inherited_null
        params = self._raw_params if self._raw_params is not None else getattr(self, 'params', None)
        return shape_error(self._shape_spec, params) if isinstance(params, dict) else None

    def shaped_failure(self, msg, kwargs):
        """The message of a failure while the module is built: shape_error()'s, when the input has a wrong shape
        (then the `invocation` in `kwargs` is the input with its no_log options masked), else `msg`."""
        error = self.shape_error()
        if error is None:
            return msg
        params = self._raw_params if self._raw_params is not None else getattr(self, 'params', None) or {}
        kwargs['invocation'] = dict(module_args=masked_arguments(self._shape_spec, params))
        # ansible-core's own failure to log the invocation (a NUL character) carries it whole: not shown.
        kwargs.pop('msg_to_log', None)
        return error

    def fail_json(self, msg, **kwargs):
        super().fail_json(self.shaped_failure(msg, kwargs), **kwargs)

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
