# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one rotation policy of the collection: when a credential is due, what a run must finish, retire, delete.

This file is private to the collection (note the leading underscore): it may change without notice. It is used
by ``api_credential`` (``rotate_before_days``, ``replaces``) on the managed host and by the
``edgegrid.access.rotation_plan`` filter (the ``credential_rotation`` role) on the controller. Standard library
only; pure functions of the credential list (as ``api_credential_info`` returns it) and the clock.

How a credential of this collection says what it is, in its description (the IAM API keeps a free-text
description per credential: ``techdocs.akamai.com/iam-api/reference/put-self-credential``; the create takes
no body, so the description is set by an update right after the create):

- ``<prefix> replaces credential <id>``: the rotation that created it stored its secret (the final state).
- ``<description> [pending <run> <time>]``: created by run ``<run>`` (``host:pid:random``) at ``<time>``; its
  secret is not stored yet. This is the claim that a rotation is in progress. A pending credential is
  *abandoned* when its run is provably gone: the run's host is this host and its process no longer exists, or
  the credential is older than the lease (``LEASE_SECONDS``): a run stores the secret within seconds of the
  create, and refuses to store it once a third of the lease has passed.
- No description: a credential just created (the description update follows within a second), or one whose
  create answer was lost. Older than the lease and newer than the credential in use, it is taken for the latter
  (``adopt_undescribed``).
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from datetime import datetime, timedelta, timezone

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _iam

DEFAULT_PREFIX = 'edgegrid.access rotation'
LEASE_SECONDS = 900
# Credentials one API client may hold: Akamai's IAM API does not document it; its refusal says so.
CREDENTIAL_LIMIT = 2
_PENDING_RE = re.compile(r'^(?P<base>.*?) ?\[pending (?P<run>[^\s\]]+) (?P<at>[0-9TZ:.+-]+)\]$')


def _format(value):
    return value.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def utcnow():
    return datetime.now(timezone.utc)


def new_run_id():
    """``host:pid:random``: who runs, so that another run on the same host can tell whether it is still alive."""
    return '%s:%d:%s' % (socket.gethostname().split('.')[0] or 'host', os.getpid(), secrets.token_hex(3))


def final_description(replaced_id, prefix=DEFAULT_PREFIX):
    """``<prefix> replaces credential <id>``."""
    return '%s replaces credential %s' % (prefix, replaced_id)


def pending_description(description, run_id, now=None):
    """The description of a credential whose secret is not stored yet: ``<description> [pending <run> <time>]``."""
    marker = '[pending %s %s]' % (run_id, _format(now or utcnow()))
    return ('%s %s' % (description, marker)) if description else marker


def parse_pending(description):
    """(description it will get, run id, start time as datetime or None) of a pending credential, else None."""
    match = _PENDING_RE.match(description or '')
    if not match:
        return None
    return match.group('base'), match.group('run'), _iam.parse_time_or_none(match.group('at'))


def replaced_id(description, prefix=DEFAULT_PREFIX):
    """The credential a rotation credential replaces (int), from its final or pending description; else None."""
    pending = parse_pending(description)
    base = pending[0] if pending else (description or '')
    marker = '%s replaces credential ' % prefix
    if base.startswith(marker) and base[len(marker):].isdigit():
        return int(base[len(marker):])
    return None


def run_gone(run_id):
    """True when `run_id` names a process of this host that no longer exists (provably gone); else False."""
    parts = (run_id or '').split(':')
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    if parts[0] != (socket.gethostname().split('.')[0] or 'host'):
        return False
    return int(parts[1]) != os.getpid() and not _edgerc.process_alive(int(parts[1]))


def age_seconds(cred, now=None):
    created = _iam.parse_time_or_none(cred.get('created_on'))
    return None if created is None else ((now or utcnow()) - created).total_seconds()


def _expired(cred, now):
    expires = _iam.parse_time_or_none(cred.get('expires_on'))
    return expires is not None and expires <= now


def usable(cred, now=None):
    return cred.get('status') == 'active' and not _expired(cred, now or utcnow())


def abandoned(cred, now=None, lease=LEASE_SECONDS):
    """Whether a pending (or undescribed) credential was provably left behind by a run that is gone."""
    now = now or utcnow()
    age = age_seconds(cred, now)
    pending = parse_pending(cred.get('description'))
    if pending and run_gone(pending[1]):
        return True
    return age is not None and age > lease


def due(cred, now=None, min_remaining_days=None, max_age_days=None, force=False):
    """Whether `cred` is due for rotation: forced, older than `max_age_days`, or expiring within
    `min_remaining_days` (``api_credential``'s ``rotate_before_days`` is the same rule). No credential: due."""
    if force or not cred:
        return True
    now = now or utcnow()
    if max_age_days is not None:
        age = age_seconds(cred, now)
        if age is not None and age >= float(max_age_days) * 86400:
            return True
    if min_remaining_days is not None:
        expires = _iam.parse_time_or_none(cred.get('expires_on'))
        if expires is None or (expires - now).total_seconds() <= float(min_remaining_days) * 86400:
            return True
    return False


def in_progress(credentials, current, now=None, lease=LEASE_SECONDS, own_id=None, prefix=DEFAULT_PREFIX):
    """The claims of other runs on `current`: a list of (credential, why) that must stop a new rotation.

    - a pending credential that is not abandoned (another run is between its create and its write);
    - an ACTIVE credential without description, newer than `current`, younger than the lease (another run is
      between its create and its description update).

    A credential whose final description says it replaces `current` is not a rotation in progress but one that
    finished elsewhere: ``replaced_by``.
    """
    now = now or utcnow()
    found = []
    current_id = current.get('credential_id') if current else None
    for cred in credentials:
        cid = cred.get('credential_id')
        if cid in (current_id, own_id) or not usable(cred, now):
            continue
        pending = parse_pending(cred.get('description'))
        if pending:
            if not abandoned(cred, now, lease):
                since = _format(pending[2]) if pending[2] else '?'
                found.append((cred, 'run %s started rotating it at %s' % (pending[1], since)))
        elif not cred.get('description'):
            age = age_seconds(cred, now)
            newer = (cred.get('created_on') or '') >= ((current or {}).get('created_on') or '')
            if newer and age is not None and age <= lease:
                found.append((cred, 'it was created %d s ago and has no description yet' % max(age, 0)))
    return found


def replaced_by(credentials, current, now=None, prefix=DEFAULT_PREFIX):
    """The ACTIVE credentials whose final description (no pending marker: their secret is stored) says they replace
    `current`: a rotation of `current` that finished, its new secret stored where it ran (another machine, another
    AWX job), not where `current` was read from."""
    now = now or utcnow()
    current_id = current.get('credential_id') if current else None
    if current_id is None:
        return []
    return [cred for cred in credentials
            if cred.get('credential_id') != current_id and usable(cred, now)
            and not parse_pending(cred.get('description'))
            and replaced_id(cred.get('description'), prefix) == current_id]


def finished_elsewhere(credentials, current, now=None, prefix=DEFAULT_PREFIX):
    """What to say when `current` (the credential a section holds) was rotated elsewhere (``replaced_by``): the
    rotation is finished, when `current` stops working, and what to do; '' when it was not."""
    done = replaced_by(credentials, current, now, prefix)
    if not done:
        return ''
    expires = _iam.parse_time_or_none(current.get('expires_on'))
    return ('the rotation of credential %s is finished: credential %s replaced it, and its secret was stored where '
            'that rotation ran (another copy of the .edgerc, on another machine or in another job\'s controller '
            'credential; or another section), not in this section. '
            'Credential %s, which this section holds, %s. Copy credential %s into this section from where that '
            'rotation stored it; once credential %s is gone, put a new credential into the section (docs/rotation.md, '
            'Last resort). If no other copy holds it - a run of this section whose verification failed restored '
            'credential %s into the section but could not deactivate credential %s (its log says so; its secret is '
            'then nowhere) -, delete credential %s (edgegrid.access.api_credential state=absent credential_id=%s) '
            'and run again. Running the rotation again finds the same'
            % (current.get('credential_id'), ', '.join(str(c.get('credential_id')) for c in done),
               current.get('credential_id'),
               ('expires at %s' % _format(expires)) if expires is not None else 'has no expiry',
               done[0].get('credential_id'), current.get('credential_id'), current.get('credential_id'),
               done[0].get('credential_id'), done[0].get('credential_id'), done[0].get('credential_id')))


def describe_credentials(credentials, now=None, in_use_id=None, prefix=DEFAULT_PREFIX):
    """The state of each credential of an API client, as a sentence fragment ('credential 2 ACTIVE, in use; credential
    1 ACTIVE until <time>, the overlap after credential 2 replaced it; credential 3 INACTIVE'), and what frees a slot
    for another credential (a sentence), as a pair of strings. No secret."""
    now = now or utcnow()
    successors = {}
    for cred in credentials:
        rid = replaced_id(cred.get('description'), prefix)
        if rid is not None and cred.get('status') == 'active':
            successors.setdefault(rid, cred.get('credential_id'))
    states, dead, overlap, other = [], [], [], []
    for cred in sorted(credentials, key=lambda c: c.get('credential_id') or 0):
        cid = cred.get('credential_id')
        expires = _iam.parse_time_or_none(cred.get('expires_on'))
        if cred.get('status') != 'active':
            states.append('credential %s INACTIVE' % cid)
            dead.append(cid)
        elif _expired(cred, now):
            states.append('credential %s expired at %s' % (cid, _format(expires)))
            dead.append(cid)
        elif in_use_id is not None and cid == in_use_id:
            states.append('credential %s ACTIVE, in use' % cid)
        elif cid in successors and expires is not None:
            states.append('credential %s ACTIVE until %s, the overlap after credential %s replaced it'
                          % (cid, _format(expires), successors[cid]))
            overlap.append((cid, _format(expires)))
        else:
            states.append('credential %s ACTIVE' % cid)
            other.append(cid)
    ways = []
    if dead:
        ways.append('delete %s, which sign%s nothing (edgegrid.access.api_credential state=absent credential_id=<ID>)'
                    % (', '.join('credential %s' % cid for cid in dead), 's' if len(dead) == 1 else ''))
    for cid, until in overlap:
        ways.append('delete credential %s once nothing signs with it any more (its overlap ends at %s; a rotation run '
                    'deletes it when its retention has passed too)' % (cid, until))
    if other:
        ways.append('delete %s once nothing signs with %s'
                    % (', '.join('credential %s' % cid for cid in other), 'it' if len(other) == 1 else 'them'))
    way_out = ('To free a slot: %s.' % '; or '.join(ways)) if ways else ''
    return '; '.join(states), way_out


def plan(credentials, current, now=None, force=False, max_age_days=90, min_remaining_days=30, overlap_hours=24,
         deactivate_old=False, retention_days=30, adopt_undescribed=True, lease=LEASE_SECONDS, prefix=DEFAULT_PREFIX,
         credential_limit=CREDENTIAL_LIMIT, cleanup=True):
    """What one run does for the credential `current` (the one the section holds), as a dict (no secrets):

    ``due`` (bool), ``finish`` (the credential in use replaced one that is still ACTIVE beyond the overlap: retire
    it), ``describe`` (``current`` still carries its pending marker: a run was stopped between its write and its
    description update; give it ``current_description``), ``rotate`` (create a new
    credential now), ``busy`` (list of messages: another run's rotation is in progress; nothing must be created
    or retired), ``age_days``, ``current_id``, ``current_description`` (the final description of ``current``),
    ``new_description``, ``delete`` (ids past their retention), ``orphans`` (ids of abandoned credentials whose
    secret nobody holds), ``retire_id`` (0: none), ``retire_set_expiry`` (bool); and why a due rotation is not done,
    each '' when it is not the case: ``finished_elsewhere`` (a rotation of ``current`` finished where another copy of
    the .edgerc is: this section must get its secret from there; fails the run), ``limit`` (the API client would
    hold more than `credential_limit` credentials after this run's deletions: the create would be refused; fails the
    run; `credential_limit` 0: not predicted; `cleanup`: whether ``delete`` is carried out), ``overlap`` (the same,
    when ``current`` replaced a credential still ACTIVE in its overlap: rotated already, nothing to do).

    `credentials` are dicts as ``api_credential_info`` returns them (credential_id, status, description,
    created_on, expires_on); times ISO 8601; `now` an aware datetime (default: the clock of this machine).
    """
    now = now or utcnow()
    overlap = float(overlap_hours) * 3600
    cur_id = current.get('credential_id')
    old_id = replaced_id(current.get('description'), prefix)
    pending = parse_pending(current.get('description'))
    old = None
    delete, orphans = [], []
    for cred in credentials:
        cid = cred.get('credential_id')
        if cid == cur_id:
            continue
        if old_id is not None and cid == old_id:
            old = cred
        mark = parse_pending(cred.get('description'))
        if cred.get('status') == 'active' and mark and abandoned(cred, now, lease):
            orphans.append(cid)
        elif cred.get('status') == 'inactive' and cur_id is not None \
                and replaced_id(cred.get('description'), prefix) == cur_id:
            orphans.append(cid)  # a rotation of the credential in use that was rolled back: it signs nothing
        elif (adopt_undescribed and cred.get('status') == 'active' and not cred.get('description')
              and (cred.get('created_on') or '') > (current.get('created_on') or '')
              and abandoned(cred, now, lease)):
            orphans.append(cid)
        elif cred.get('status') == 'inactive' or _expired(cred, now):
            expires = _iam.parse_time_or_none(cred.get('expires_on'))
            if expires is not None and (now - expires).total_seconds() >= float(retention_days) * 86400:
                delete.append(cid)
    busy = ['credential %s: %s' % (cred.get('credential_id'), why)
            for cred, why in in_progress(credentials, current, now, lease, prefix=prefix)
            if cred.get('credential_id') not in orphans]
    elsewhere = finished_elsewhere(credentials, current, now, prefix)
    is_due = due(current, now, min_remaining_days, max_age_days, force)
    old_left = 0.0
    if old is not None:
        expires = _iam.parse_time_or_none(old.get('expires_on'))
        old_left = (expires - now).total_seconds() if expires is not None else 0.0
    finish = bool(old is not None and old.get('status') == 'active' and not _expired(old, now)
                  and (deactivate_old or old_left > overlap + 300))
    rotate = bool(is_due and not finish and not pending and not busy and not elsewhere)
    in_overlap = limit = ''
    if rotate and credential_limit:
        gone = set(orphans) | (set(delete) if cleanup else set())
        kept = [cred for cred in credentials if cred.get('credential_id') not in gone]
        if len(kept) >= int(credential_limit):
            rotate = False
            if old is not None and usable(old, now):
                # The rotation that made `current` is not over (a section holding a copy that another section's
                # rotation wrote, a forced rotation soon after another): its predecessor holds the other slot.
                in_overlap = ('credential %s replaced credential %s, which stays ACTIVE until %s (the overlap of that '
                              'rotation): rotated already, nothing to do. Another rotation would exceed the %d '
                              'credentials Akamai allows per API client: it needs credential %s gone (once nothing '
                              'signs with it any more, state=absent credential_id=%s; or a run deletes it when its '
                              'retention has passed)'
                              % (cur_id, old.get('credential_id'), _format(now + timedelta(seconds=old_left)),
                                 int(credential_limit), old.get('credential_id'), old.get('credential_id')))
            else:
                states, way_out = describe_credentials(kept, now, cur_id, prefix)
                limit = ('API client holds %d credentials, and Akamai allows %d per API client: a new one would be '
                         'refused. %s. %s' % (len(kept), int(credential_limit), states, way_out)).strip()
    if finish:
        retire_id, retire_left = old.get('credential_id'), old_left
    elif rotate:
        retire_id = cur_id
        expires = _iam.parse_time_or_none(current.get('expires_on'))
        retire_left = (expires - now).total_seconds() if expires is not None else 0.0
    else:
        retire_id, retire_left = 0, 0.0
    created = _iam.parse_time_or_none(current.get('created_on'))
    return dict(
        due=bool(is_due),
        finish=finish,
        describe=bool(pending),
        rotate=rotate,
        busy=busy,
        age_days=round(((now - created).total_seconds() / 86400) if created else 0.0, 2),
        current_id=cur_id,
        current_description=pending[0] if pending else (current.get('description') or ''),
        new_description=final_description(cur_id, prefix),
        delete=sorted(set(delete)),
        orphans=orphans,
        retire_id=retire_id or 0,
        retire_set_expiry=bool(retire_left > overlap + 60),
        finished_elsewhere=elsewhere,
        overlap=in_overlap,
        limit=limit,
    )


def ownership(cred, now=None, lease=LEASE_SECONDS, prefix=DEFAULT_PREFIX):
    """``managed`` (created by this collection, by its description), ``secret_stored`` (None when not managed),
    ``abandoned`` (still pending and its run provably gone) of a credential as api_credential_info lists it."""
    pending = parse_pending(cred.get('description'))
    managed = bool(pending) or replaced_id(cred.get('description'), prefix) is not None
    return dict(managed=managed, secret_stored=(not pending) if managed else None,
                abandoned=bool(pending) and cred.get('status') == 'active' and abandoned(cred, now, lease))
