# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filters of role edgegrid.access.credential_rotation, each documented in the .yml file of its name: the
rotation plan (rotation_plan), and what the role's tasks would otherwise compute in Jinja - the item's settings
(rotation_item), what a run has to do (rotation_run, rotation_peers) and its record (rotation_record)."""

from __future__ import annotations

import math
import os
from numbers import Number

from ansible.errors import AnsibleFilterError
from ansible.module_utils.datatag import native_type_name
from jinja2.filters import do_int

try:
    # The `bool` filter itself (2.19-2.21), so that the role's switches read here as its templates read them.
    from ansible.plugins.filter.core import to_bool
except ImportError:  # pragma: no cover - an ansible-core whose filter file has moved: the public conversion
    from ansible.module_utils.parsing.convert_bool import boolean as _boolean

    def to_bool(value):
        return _boolean(value, strict=False)

from ansible_collections.edgegrid.access.plugins.filter.access_report import _plain
from ansible_collections.edgegrid.access.plugins.filter.role_auth import blank_problem


def _policy():
    """module_utils._rotation, imported when a plan is made, not with this file: ansible-core imports every filter
    file of the collection wherever it looks up any filter of the collection (see access_report._report), so that what
    this file imports would be paid there by all of them (the tasks that only read an item's settings or record it,
    and the other roles' tasks that run before the play's first module of this collection)."""
    from ansible_collections.edgegrid.access.plugins.module_utils import _rotation  # pylint: disable=import-outside-toplevel
    return _rotation


def rotation_plan(credentials, current, force=False, max_age_days=90, min_remaining_days=30, overlap_hours=24,
                  deactivate_old=False, retention_days=30, adopt_undescribed=True, lease_seconds=None, prefix=None,
                  credential_limit=None, cleanup=True):
    """What one run of the rotation does for the credential `current`, from the API client's credentials
    (`lease_seconds`, `prefix`, `credential_limit` None: the policy's defaults)."""
    policy = _policy()
    lease_seconds = policy.LEASE_SECONDS if lease_seconds is None else lease_seconds
    prefix = policy.DEFAULT_PREFIX if prefix is None else prefix
    credential_limit = policy.CREDENTIAL_LIMIT if credential_limit is None else credential_limit
    if not isinstance(current, dict) or not current.get('credential_id'):
        raise AnsibleFilterError('rotation_plan: current must be a credential (a dict with credential_id)')
    if not isinstance(credentials, list):
        raise AnsibleFilterError('rotation_plan: the input must be the list of the API client\'s credentials')
    try:
        return policy.plan(_plain(credentials), _plain(current), force=bool(force),
                           max_age_days=float(max_age_days), min_remaining_days=float(min_remaining_days),
                           overlap_hours=float(overlap_hours), deactivate_old=bool(deactivate_old),
                           retention_days=float(retention_days), adopt_undescribed=bool(adopt_undescribed),
                           lease=float(lease_seconds), prefix=str(prefix),
                           credential_limit=int(credential_limit), cleanup=bool(cleanup))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('rotation_plan: %s' % exc) from None


def _given(*values):
    """The first of `values` that is given, else None: a value that is missing (None) or empty ('') is not given, as
    the role reads its variables; 0 and false are (YAML reads a section or key named 0 as a number)."""
    return next((value for value in values if value is not None and value != ''), None)


def _text(value):
    """A given value as the modules read a string option ('0' for 0); '' for none."""
    return '' if value is None else str(value)


def _client_id_problem(where, client_id):
    """The modules' own check of a client ID (_iam.check_client_id: white space around it, a character that is not
    printable ASCII, such as a zero-width space pasted with it), as a message naming `where`; None when it passes.
    _iam is imported only for a client ID that is a string other than self (see _policy)."""
    if not isinstance(client_id, str) or client_id in ('', 'self'):
        return None
    from ansible_collections.edgegrid.access.plugins.module_utils import _errors, _iam  # pylint: disable=import-outside-toplevel
    try:
        _iam.check_client_id(client_id, where)
    except _errors.InputError as exc:
        return str(exc)
    return None


def _account_key_problem(where, value):
    """The modules' own check of an account switch key (_edgerc.token_problem, as _client reads the option: trimmed;
    a zero-width space in it, for instance), as a message naming `where`; None when it passes or is empty. _edgerc
    is imported only for a key that is given (see _policy)."""
    if not isinstance(value, str) or not value.strip():
        return None
    from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc  # pylint: disable=import-outside-toplevel
    problem = _edgerc.token_problem(value.strip())
    return None if problem is None else '%s is not a valid account switch key: %s' % (where, problem)


def rotation_item(item, edgerc='', section=None, client_id='self', account_switch_key='', controller_credential='',
                  max_retries=3, request_timeout=30):
    """What one item of credential_rotation_credentials names, the role's variables filling what it leaves empty."""
    if not isinstance(item, dict):
        raise AnsibleFilterError('rotation_item: the input must be an item of credential_rotation_credentials (a dict)')
    item = _plain(item)
    # Each text the item gives, else the role's variable: a number is its text (a section 0), a boolean, list or
    # mapping is refused (its text - "False" - would name a section or an account that is not meant).
    texts = {}
    for name, default in (('edgerc', edgerc), ('section', section), ('auth_section', None),
                          ('account_switch_key', account_switch_key), ('controller_credential', controller_credential)):
        value = _given(item.get(name), default)
        where = '%s (of the item%s)' % (name, '' if name == 'auth_section' else ', else credential_rotation_%s%s' % (
            name, '' if name == 'controller_credential' else ', by default edgegrid_%s' % name))
        if isinstance(value, bool) or not isinstance(value, (str, Number, type(None))):
            raise AnsibleFilterError('credential_rotation: %s must be %s, not %s' % (
                where, 'a path (a string)' if name == 'edgerc' else 'a string', native_type_name(value)))
        if name != 'controller_credential':
            problem = blank_problem(where, 'section' if name == 'auth_section' else name, value)
            if problem is None and name == 'account_switch_key':
                problem = _account_key_problem(where, value)
            if problem is not None:
                raise AnsibleFilterError('credential_rotation: %s' % problem)
        texts[name] = _text(value)
    client = _given(item.get('client_id'), client_id)
    where = 'client_id (of the item, else credential_rotation_client_id)'
    if isinstance(client, bool) or not isinstance(client, (str, Number, type(None))):
        raise AnsibleFilterError('credential_rotation: %s must be a string, not %s' % (where, native_type_name(client)))
    problem = blank_problem(where, 'client_id', client) or _client_id_problem(where, client)
    if problem is not None:
        raise AnsibleFilterError('credential_rotation: %s' % problem)
    given = dict(
        edgerc=os.path.expanduser(texts['edgerc']),
        section=texts['section'],
        client_id='self' if client is None else client,
        auth_section=texts['auth_section'] or texts['section'],
        account_switch_key=texts['account_switch_key'],
        controller_credential=texts['controller_credential'],
    )
    given['key'] = [given['edgerc'], given['section'], given['client_id'], given['auth_section'],
                    given['account_switch_key']]
    auth = dict(host='', client_token='', client_secret='', access_token='', max_retries=max_retries,
                request_timeout=request_timeout)
    # The module options the item gives (the section that signs is the module's section): those it leaves empty
    # are left to the modules' own defaults.
    given_options = (('edgerc', 'edgerc'), ('section', 'auth_section'), ('account_switch_key', 'account_switch_key'))
    auth.update((name, given[key]) for name, key in given_options if given[key])
    given['auth'] = auth
    return given


# The role's knobs rotation_run checks on every run (a wrong one would fail a rotation half done, on the day it is due):
# (the least value, whether it may be that value, what the knob is).
_KNOBS = dict(
    max_age_days=(0, True, 'the age in days at which the credential is rotated; 0: every run'),
    min_remaining_days=(0, True, 'the days before its expiry at which the credential is rotated'),
    overlap_hours=(0, False, 'the hours the old credential stays ACTIVE after a rotation, for what holds a copy of it; '
                             'to make it INACTIVE at once, set credential_rotation_deactivate_old: true'),
    retention_days=(0, True, 'the days an INACTIVE or expired credential is kept before it is deleted'),
    lease_seconds=(0, False, 'the seconds after which the remains of a stopped run are deleted'),
    credential_limit=(0, True, 'the credentials Akamai allows per API client; 0: not predicted'),
)


def _check_knobs(**knobs):
    """Raise AnsibleFilterError naming credential_rotation_<knob> when one of `knobs` (None: the default) is no
    number or out of its range (_KNOBS)."""
    for name, value in knobs.items():
        if value is None:
            continue
        least, inclusive, meaning = _KNOBS[name]
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, bool) or math.isnan(number):
            raise AnsibleFilterError('credential_rotation_%s must be a number (%s), not %s'
                                     % (name, meaning, native_type_name(value)))
        if number < least or (number == least and not inclusive):
            raise AnsibleFilterError('credential_rotation_%s must be %s %s (%s), got %s'
                                     % (name, 'at least' if inclusive else 'more than', least, meaning, value))


def rotation_run(credentials, client_id, client_token='', item=None, force=False, max_age_days=90,
                 min_remaining_days=30, overlap_hours=24, deactivate_old=False, retention_days=30,
                 adopt_undescribed=True, lease_seconds=None, prefix=None, credential_limit=None, cleanup=True):
    """What this run has to do for one item: the credential in use, its plan and whether any step acts."""
    if not isinstance(credentials, list) or not all(isinstance(cred, dict) for cred in credentials):
        raise AnsibleFilterError('rotation_run: the input must be the list of the API client\'s credentials (dicts)')
    _check_knobs(max_age_days=max_age_days, min_remaining_days=min_remaining_days, overlap_hours=overlap_hours,
                 retention_days=retention_days, lease_seconds=lease_seconds, credential_limit=credential_limit)
    credentials = _plain(credentials)
    if client_id == 'self':
        current = [cred for cred in credentials if cred.get('signing')]
    else:
        current = [cred for cred in credentials if 'client_token' in cred and cred['client_token'] == client_token]
    plan = {}
    if len(current) == 1:
        plan = rotation_plan(credentials, current[0], force=to_bool(force), max_age_days=max_age_days,
                             min_remaining_days=min_remaining_days, overlap_hours=overlap_hours,
                             deactivate_old=to_bool(deactivate_old), retention_days=retention_days,
                             adopt_undescribed=to_bool(adopt_undescribed), lease_seconds=lease_seconds,
                             prefix=prefix, credential_limit=credential_limit, cleanup=to_bool(cleanup))
    # `cleanup` as the role's tasks read it: the plan's through the bool filter, the deletions acted on as truthy.
    act = bool(len(current) != 1 or plan['busy'] or plan['finished_elsewhere'] or plan['limit'] or plan['describe']
               or plan['rotate'] or plan['finish'] or plan['orphans'] or (plan['delete'] if cleanup else []))
    return dict(current=current, plan=plan, act=act, peers=0, turn=0, item=_plain(item))


def rotation_peers(batch_credentials, batch, host):
    """The hosts of the batch that read the same API client as `host`, and how many of them come before it."""
    if not isinstance(batch_credentials, list) or not isinstance(batch, list) \
            or len(batch_credentials) != len(batch) or host not in batch:
        raise AnsibleFilterError('rotation_peers: the input must hold the credentials of each host of the batch, '
                                 'in its order, and the batch must name the host')
    for credentials in batch_credentials:
        if not isinstance(credentials, list) or not all(isinstance(cred, dict) and isinstance(
                cred.get('credential_id'), int) for cred in credentials):
            raise AnsibleFilterError('rotation_peers: the credentials of each host must be a list of credentials '
                                     '(dicts with a numeric credential_id)')
    own = batch.index(host)

    def client(credentials):
        ids = [cred['credential_id'] for cred in credentials]
        return min(ids) if ids else None

    mine = client(_plain(batch_credentials[own]))
    peers = turn = 0
    if mine is not None:
        for index, theirs in enumerate(batch_credentials):
            if index != own and client(_plain(theirs)) == mine:
                peers += 1
                turn += 1 if index < own else 0
    return dict(peers=peers, turn=turn)


def rotation_record(run, settings, new=None, retired=False, controller=None, controller_updated=False,
                    check_mode=False, cleanup=True):
    """The record of one item in credential_rotation_results, from its plan, its settings and what the steps
    registered."""
    if not isinstance(run, dict) or not isinstance(run.get('plan'), dict) or not isinstance(run.get('current'), list):
        raise AnsibleFilterError('rotation_record: the input must be the plan of the run (rotation_run)')
    if not isinstance(settings, dict):
        raise AnsibleFilterError('rotation_record: settings must be the settings of the item (a dict)')
    run, settings, new, controller = _plain(run), _plain(settings), _plain(new or {}), _plain(controller or {})
    plan = run['plan']
    if not plan or (not run['current'] and 'credential' not in new):
        # Under ignore_errors: the section's credential was not found among the API client's (the steps said so).
        raise AnsibleFilterError('rotation_record: there is no plan to record: the credential of the section was not '
                                 'found among the API client\'s (see the task that failed before)')
    try:
        rotated = 'credential' in new
        credential_id = new['credential']['credential_id'] if rotated else run['current'][0]['credential_id']
        written = new.get('edgerc')
        return dict(
            section=settings['section'],
            edgerc=settings['edgerc'],
            client_id=settings['client_id'],
            account_switch_key=settings['account_switch_key'] or None,
            due=plan['due'],
            rotated=rotated,
            finished=plan['finish'],
            check_mode=check_mode,
            credential_id=credential_id,
            overlap=plan['overlap'],
            retired_id=plan['retire_id'] if retired else None,
            deleted_ids=list(plan['delete'] if cleanup else []) + list(plan['orphans']),
            copied_sections=written.get('copied_sections', []) if isinstance(written, dict) else [],
            controller_credential_id=do_int(controller['id']) if 'id' in controller else None,
            controller_updated=to_bool(controller_updated),
        )
    except KeyError as exc:
        raise AnsibleFilterError('rotation_record: %s missing' % exc) from None
    except (IndexError, TypeError) as exc:
        raise AnsibleFilterError('rotation_record: the plan, settings or steps\' results have another shape: %s'
                                 % exc) from None


class FilterModule:
    """The rotation filters."""

    def filters(self):
        return {'rotation_plan': rotation_plan, 'rotation_item': rotation_item, 'rotation_run': rotation_run,
                'rotation_peers': rotation_peers, 'rotation_record': rotation_record}
