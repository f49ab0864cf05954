# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""_rotation: the rotation policy, for every state a crash or a race can leave (issue 14)."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import datetime, timedelta, timezone

from ansible_collections.edgegrid.access.plugins.module_utils import _rotation

NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
HOST = socket.gethostname().split('.')[0]


def at(**delta):
    return (NOW + timedelta(**delta)).strftime('%Y-%m-%dT%H:%M:%S.000Z')


def cred(cid, description='', status='active', created=None, expires=None):
    return dict(credential_id=cid, description=description, status=status, created_on=created or at(days=-100),
                expires_on=expires or at(days=600))


def dead_pid():
    proc = subprocess.Popen(['true'])
    proc.wait()
    return proc.pid


def plan(creds, current, **knobs):
    return _rotation.plan(creds, current, now=NOW, **knobs)


def test_markers_round_trip():
    final = _rotation.final_description(41)
    assert final == 'edgegrid.access rotation replaces credential 41'
    pending = _rotation.pending_description(final, 'h:1:ab', NOW)
    assert pending == final + ' [pending h:1:ab 2026-06-01T12:00:00Z]'
    assert _rotation.parse_pending(pending) == (final, 'h:1:ab', NOW)
    assert _rotation.replaced_id(pending) == _rotation.replaced_id(final) == 41
    assert _rotation.parse_pending(final) is None and _rotation.replaced_id('ci') is None
    assert _rotation.parse_pending(_rotation.pending_description('', 'h:1:ab', NOW)) == ('', 'h:1:ab', NOW)


def test_due_is_one_rule():
    young = cred(1, created=at(days=-10), expires=at(days=700))
    assert not _rotation.due(young, NOW, min_remaining_days=30, max_age_days=90)
    assert _rotation.due(young, NOW, min_remaining_days=30, max_age_days=90, force=True)
    assert _rotation.due(cred(1, created=at(days=-91)), NOW, max_age_days=90)
    assert _rotation.due(cred(1, expires=at(days=29)), NOW, min_remaining_days=30)
    assert _rotation.due(cred(1, expires=at(days=30)), NOW, min_remaining_days=30)  # "within 30 days"
    assert not _rotation.due(cred(1, expires=at(days=31)), NOW, min_remaining_days=30)
    assert _rotation.due(None, NOW, min_remaining_days=30)


def test_nothing_due():
    current = cred(1, created=at(days=-10))
    result = plan([current], current)
    assert (result['due'], result['rotate'], result['finish'], result['retire_id']) == (False, False, False, 0)


def test_due_rotates_and_retires_the_current_one():
    current = cred(1, created=at(days=-100))
    result = plan([current], current)
    assert result['rotate'] and result['retire_id'] == 1 and result['retire_set_expiry']
    assert result['new_description'] == 'edgegrid.access rotation replaces credential 1'


def test_killed_between_the_write_and_the_description_is_finished():
    """Input 3: the section holds the new credential, whose description still says pending."""
    old = cred(1)
    new = cred(2, _rotation.pending_description(_rotation.final_description(1), '%s:%d:aa' % (HOST, dead_pid()),
                                                NOW), created=at(minutes=-1))
    result = plan([old, new], new, force=True)
    assert result['describe'] and result['current_description'] == 'edgegrid.access rotation replaces credential 1'
    assert result['finish'] and result['retire_id'] == 1 and not result['rotate']
    assert result['orphans'] == [] and result['busy'] == []


def test_finished_rotation_is_not_finished_again():
    old = cred(1, expires=at(hours=20))
    new = cred(2, _rotation.final_description(1), created=at(days=-1))
    result = plan([old, new], new)
    assert not result['finish'] and not result['describe'] and result['retire_id'] == 0


def test_deactivate_old_finishes_even_within_the_overlap():
    old = cred(1, expires=at(hours=20))
    new = cred(2, _rotation.final_description(1), created=at(days=-1))
    assert plan([old, new], new, deactivate_old=True)['retire_id'] == 1


def test_another_run_in_progress_stops_the_rotation():
    """Input 1: another run's pending credential (its process alive, here this very process)."""
    current = cred(1)
    other = cred(2, _rotation.pending_description(_rotation.final_description(1), '%s:%d:bb' % (HOST, os.getpid() + 0),
                                                  NOW), created=at(seconds=-5))
    # os.getpid() is this process: alive, but run_gone() never calls its own process gone; another host likewise.
    for run in ('%s:%d:bb' % (HOST, os.getppid()), 'elsewhere:1:bb'):
        other['description'] = _rotation.pending_description(_rotation.final_description(1), run, NOW)
        result = plan([current, other], current, force=True)
        assert not result['rotate'] and result['busy'] and 'credential 2' in result['busy'][0]
        assert result['orphans'] == [] and result['delete'] == [] and result['retire_id'] == 0


def test_a_fresh_undescribed_credential_is_another_run_between_create_and_description():
    current = cred(1)
    fresh = cred(2, '', created=at(seconds=-3))
    result = plan([current, fresh], current, force=True)
    assert not result['rotate'] and result['busy'] and result['orphans'] == []


def test_a_new_credential_stored_elsewhere_is_never_touched():
    """Another AWX job rotated the credential into its own copy of the .edgerc: stop, touch nothing."""
    current = cred(1)
    other = cred(2, _rotation.final_description(1), created=at(minutes=-2))
    result = plan([current, other], current, force=True)
    assert not result['rotate'] and result['busy'] == [] and 'credential 2 replaced it' in result['finished_elsewhere']
    assert 2 not in result['orphans'] + result['delete']


def test_abandoned_credentials_are_orphans():
    current = cred(1)
    dead = cred(2, _rotation.pending_description(_rotation.final_description(1), '%s:%d:cc' % (HOST, dead_pid()), NOW),
                created=at(seconds=-30))
    expired_lease = cred(3, _rotation.pending_description('ci', 'elsewhere:7:dd', NOW - timedelta(hours=1)),
                         created=at(hours=-1))
    lost_answer = cred(4, '', created=at(hours=-1))
    result = plan([current, dead, expired_lease, lost_answer], current, force=True)
    assert result['orphans'] == [2, 3, 4] and result['busy'] == [] and result['rotate']
    assert plan([current, lost_answer], current, adopt_undescribed=False)['orphans'] == []


def test_retention():
    current = cred(1)
    gone = cred(2, 'x', status='inactive', expires=at(days=-31))
    recent = cred(3, 'x', status='inactive', expires=at(days=-2))
    expired = cred(4, 'x', expires=at(days=-40))
    assert plan([current, gone, recent, expired], current)['delete'] == [2, 4]


def test_a_rolled_back_rotation_is_deleted_so_that_the_next_one_fits_the_limit():
    current = cred(1)
    rolled_back = cred(2, _rotation.final_description(1), status='inactive', created=at(hours=-1))
    result = plan([current, rolled_back], current, force=True)
    assert result['orphans'] == [2] and result['rotate'] and result['busy'] == []


def test_a_rotation_finished_elsewhere_is_not_in_progress():
    """A copy of the .edgerc taken before a rotation that finished on another machine: not 'in progress' (re-running
    never helps) but finished; the message names the replacement, when the old credential expires, what to do."""
    current = cred(1, expires=at(hours=24))
    other = cred(2, _rotation.final_description(1), created=at(minutes=-2))
    result = plan([current, other], current)
    assert result['busy'] == [] and not result['rotate'] and result['retire_id'] == 0
    assert 'credential 1 is finished: credential 2 replaced it' in result['finished_elsewhere']
    assert 'expires at 2026-06-02T12:00:00Z' in result['finished_elsewhere']
    assert 'Copy credential 2 into this section' in result['finished_elsewhere']
    # Found by a tester: a rotation whose verification failed restored the section but could not deactivate its new
    # credential (an IAM outage): the advice names that case and its way out too.
    assert ('could not deactivate credential 2 (its log says so; its secret is then nowhere) -, delete credential 2 '
            '(edgegrid.access.api_credential state=absent credential_id=2) and run again') in result['finished_elsewhere']
    assert 2 not in result['orphans'] + result['delete']
    # In progress (the pending marker) stays in progress, and is not called finished.
    other['description'] = _rotation.pending_description(_rotation.final_description(1), 'elsewhere:1:bb', NOW)
    result = plan([current, other], current)
    assert result['busy'] and result['finished_elsewhere'] == ''


def test_a_forced_rotation_within_the_overlap_of_the_previous_one_has_nothing_to_do():
    """Two sections holding one credential, force: the first section's rotation wrote the second too; the second then
    holds a credential whose predecessor is in its overlap, holding the other slot: rotated already, no third
    credential tried, reported (not a failure), naming the predecessor and when its overlap ends."""
    old = cred(1, expires=at(hours=24))
    new = cred(2, _rotation.final_description(1), created=at(minutes=-1))
    result = plan([old, new], new, force=True)
    assert not result['rotate'] and result['retire_id'] == 0 and result['limit'] == ''
    assert result['overlap'].startswith('credential 2 replaced credential 1, which stays ACTIVE until '
                                        '2026-06-02T12:00:00Z (the overlap of that rotation): rotated already, '
                                        'nothing to do. Another rotation would exceed the 2 credentials')
    assert 'state=absent credential_id=1' in result['overlap']
    # Where the API client may hold more, a forced rotation goes on.
    result = plan([old, new], new, force=True, credential_limit=3)
    assert result['rotate'] and result['overlap'] == '' and result['retire_id'] == 2
    # With deactivate_old the overlap is ended: finished, not rotated.
    result = plan([old, new], new, force=True, deactivate_old=True)
    assert result['finish'] and result['retire_id'] == 1 and result['overlap'] == ''


def test_a_rotation_the_credential_limit_would_refuse_is_not_planned():
    """After the overlap, the replaced credential is expired but kept for the retention: it holds the second slot."""
    old = cred(1, expires=at(hours=-1))
    new = cred(2, _rotation.final_description(1), created=at(days=-2))
    other = cred(3, 'by hand', status='inactive', expires=at(days=-3))
    result = plan([old, new, other], new, force=True)
    assert not result['rotate'] and result['retire_id'] == 0
    assert result['limit'].startswith('API client holds 3 credentials, and Akamai allows 2 per API client')
    assert 'credential 1 expired at 2026-06-01T11:00:00Z; credential 2 ACTIVE, in use; credential 3 INACTIVE' in result['limit']
    assert 'delete credential 1, credential 3, which sign nothing' in result['limit']
    # Room once the credentials past their retention are deleted in the same run (unless cleanup is off).
    gone = cred(1, expires=at(days=-31))
    assert plan([gone, new], new, force=True)['rotate']
    assert plan([gone, new], new, force=True, cleanup=False)['limit']
    assert plan([old, new], new, force=True, credential_limit=3)['rotate']
    assert plan([old, new], new, force=True, credential_limit=0)['rotate']
