#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_credential
short_description: Manage the credentials of an Akamai API client
version_added: 0.1.0
description:
  - Creates, updates, deactivates and deletes the EdgeGrid credentials of an Akamai API client through the
    Identity and Access Management API v3. By default the API client is the one whose credentials sign the
    request (O(client_id=self)).
  - An existing credential is named by O(credential_id) or O(credential_client_token); the module then sets its
    O(status), O(expires_on) and O(description). A credential that is named but does not exist is an error with
    O(state=present), never a reason to create one.
  - A credential is never created blindly on every run. Without O(credential_id) or O(credential_client_token),
    the module follows a policy. With O(description), it ensures that one ACTIVE, unexpired credential with
    that description exists and creates one only when there is none. With O(rotate_before_days), it creates one
    only when the newest ACTIVE credential (with O(description) when given) expires within that many days; the
    older credential is left as it is (give it an expiry, or deactivate it, once the new one is deployed).
  - A new credential is first marked pending (its description gets C([pending <run> <time>]), the run being
    C(host:pid:random)), then its secret is stored, then it gets its description. A credential still marked
    pending that its run provably left (the run's process on this host is gone, or it is older than 15 minutes)
    is deleted by the next create, and reported (RV(removed_orphans)). When the answer to the create is lost,
    the module reads the credentials again. When no new credential without description appeared, the create did
    not take and is sent again, once. When one did and it gets no description within 8 seconds (another run of
    this collection marks its new credential pending at once), it is this create's - deleted, as nobody received
    its secret, and the create is sent again, with a warning; when it gets one, another run made it and it is left
    alone. When several did, it cannot be told which, so the task fails naming them and deletes nothing.
  - Two jobs creating the credential of one O(description) at once leave one. A create fails before any write
    while another run's credential of that description is marked pending (and not abandoned). After marking its
    own new credential pending, a run lists the credentials again; when another run's credential of that
    description has a lower ID (marked pending, or without description yet, waited for up to 8 seconds) or was
    completed meanwhile, it deletes its own new credential (nobody received its secret) and fails, saying so. Run
    it again once the other job is over; it then finds that credential.
  - The client secret of a new credential is returned only once, by the task that creates it, under RV(secret).
    Set C(no_log=true) on such a task. Better, give O(edgerc_write), and the secret is written straight into
    a section of an C(.edgerc) file (atomically, mode C(0600)) and not returned at all.
  - O(state=absent) deactivates the credential, then deletes it (Akamai deletes only INACTIVE credentials).
  - The module refuses to deactivate or delete the credential that signs its own requests, since that would
    lock the automation out. Use the credentials of another C(.edgerc) section to do it.
  - Akamai does not document how many credentials one API client may hold. When the API refuses to create one
    more, the task fails, saying so, and nothing is changed; the message names the state of each credential
    (ACTIVE and in use, ACTIVE until the end of its overlap after a rotation, expired, INACTIVE) and how to free a
    slot.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  client_id:
    description:
      - The API client whose credentials are managed, by its client ID.
      - V(self) is the API client whose credentials sign the request.
    type: str
    default: self
  credential_id:
    description:
      - The credential to manage, by its ID.
      - Mutually exclusive with O(credential_client_token).
    type: int
  credential_client_token:
    description:
      - The credential to manage, by its client token (the C(client_token) of an C(.edgerc) section).
      - The client token identifies a credential; it is not the secret.
      - Mutually exclusive with O(credential_id).
    type: str
  state:
    description:
      - V(present) creates or updates the credential.
      - V(absent) deactivates the credential when it is ACTIVE, then deletes it. It needs O(credential_id),
        O(credential_client_token) or O(description); a credential already gone is no change.
    type: str
    choices: [present, absent]
    default: present
  status:
    description:
      - The status of the credential. An INACTIVE credential no longer authenticates; it can be activated again.
      - V(inactive) needs O(credential_id) or O(credential_client_token).
      - When not set, the status of an existing credential is left as it is; a new credential is ACTIVE.
    type: str
    choices: [active, inactive]
  expires_on:
    description:
      - When the credential expires, as an ISO 8601 date (V(2026-06-30), midnight UTC) or date-time
        (V(2026-06-30T12:00:00Z)).
      - At most two years from now, and in the future, which is checked before anything is sent.
      - When not set, an existing credential keeps its expiry and a new one gets Akamai's default (two years).
      - Compared to the second.
      - Mutually exclusive with O(rotate_before_days).
    type: str
  description:
    description:
      - The description of the credential.
      - Without O(credential_id) or O(credential_client_token), it also selects the credential. With
        O(state=present) that is the ACTIVE, unexpired credential with this description (created when there is
        none; an error when there are several). With O(state=absent) that is the one credential with this
        description, whatever its status.
    type: str
  rotate_before_days:
    description:
      - Create a new credential when the newest ACTIVE credential of the API client (with O(description), if
        given) expires within this many days, or when there is no ACTIVE credential; else change nothing.
      - The new credential gets O(description), and Akamai's default expiry of two years. The older credential is
        not changed, so that access is not lost; it is returned as RV(previous_credential).
      - Choose a value well below the lifetime of a new credential (two years), or every run creates one.
      - From 0 to 729. Only with O(state=present), and not with O(credential_id) or O(credential_client_token).
    type: int
  replaces:
    description:
      - Create the credential that replaces credential O(replaces) (by its ID) in the section of O(edgerc_write), as
        one step of a rotation (the P(edgegrid.access.credential_rotation#role) role uses it).
      - The section must hold credential O(replaces) (else the task fails, nothing created), or a credential whose
        description says it replaces it (then nothing changes). While another run rotates it (a credential of
        another run still marked pending, or one created in the last minutes without description), the task fails
        saying so and creates nothing. When a rotation of it finished elsewhere (a credential that replaces it, its
        secret stored where that rotation ran), the task fails saying that it is finished, by which credential, and
        when credential O(replaces) expires (the section must get the new secret from there). When two runs
        create at the same moment, the one whose credential got the lower ID goes on; the other deletes its own.
      - The section is written only if it still holds credential O(replaces) at that moment (under the file's lock).
      - O(description) defaults to V(edgegrid.access rotation replaces credential <replaces>).
      - Needs O(edgerc_write); not with O(credential_id), O(credential_client_token), O(rotate_before_days) or
        O(state=absent).
    type: int
    version_added: 0.2.0
  edgerc_write:
    description:
      - Write the new credential into a section of an C(.edgerc) file instead of returning its secret.
      - The section gets C(host), C(client_token), C(client_secret) and C(access_token) (and C(account_key) when
        O(client_id=self) and the request uses an account switch key); its other keys and the comments of the file
        are kept. Other sections that hold a copy of the credential the section held are updated too (see
        O(edgerc_write.update_copies)); the rest of the file is kept. The file is written atomically and is mode
        C(0600) from its first byte.
      - Used only when the task creates a credential; RV(secret) is then not returned.
      - Only without O(credential_id) and O(credential_client_token) (a secret cannot be read back later).
    type: dict
    suboptions:
      path:
        description:
          - The C(.edgerc) file. Created when missing (its directory must exist).
          - A path that ends in C(/) names a directory, not a file, and fails before the credential is created; so
            does one that is blank or a name of which begins or ends with white space (almost always a slip), and
            a file that nothing may replace (immutable or append-only, C(chattr +i) or C(+a)), as root too.
        type: path
        required: true
      section:
        description: The section to create or replace the credential keys of, for example V(default) or V(rotated).
        type: str
        required: true
      backup:
        description: Copy the file beside itself (C(<file>.<pid>.<timestamp>~), mode C(0600)) before changing it.
        type: bool
        default: false
      update_copies:
        description:
          - Also write the new C(client_token) and C(client_secret) into every other section of the file that holds
            the credential the section held before (the same C(client_token) and the same C(host)). A credential
            copied into C([default]) and C([papi]), or into a section with and one without C(account_key), is then
            replaced in all of them, so that none keeps a secret that stops working once the old credential expires.
          - The other keys of those sections are left as they are. All of it is one atomic write, with one backup.
          - The sections updated are returned in RV(edgerc.copied_sections).
        type: bool
        default: true
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.write_module
attributes:
  check_mode:
    details: The credentials are read; nothing is created, changed, deleted or written to the C(.edgerc) file.
  diff_mode:
    details: The credential before and after. The client secret is never part of it.
notes:
  - Akamai's rotation recipe (create the new credential, deploy it, then let the old one expire with some overlap)
    is what O(rotate_before_days) and O(edgerc_write) start. Give the old credential an O(expires_on) only once
    the new one works.
  - The client token and the description of a credential are not secret; the client secret is.
  - Whether a credential is expired, and O(rotate_before_days), are judged on the clock of the machine that runs
    the module.
  - When the answer to a deactivate, an update or a delete is lost (the connection dropped after the request was
    sent), the module reads the credential again by its ID - the IAM API v3 lists the credentials of an API client
    (GET C(/identity-management/v3/api-clients/{clientId}/credentials)) - and reports the write as done, with a
    warning, when it took; else the task fails saying it did not, to be run again.
seealso:
  - module: edgegrid.access.api_credential_info
  - module: edgegrid.access.api_client
  - name: Rotate credentials (Akamai)
    description: Akamai's recipe for rotating the credentials of an API client.
    link: https://techdocs.akamai.com/iam-api/reference/rotate-credentials
'''

EXAMPLES = r'''
- name: Ensure the API client that signs the request has a credential for the CI pipeline
  edgegrid.access.api_credential:
    description: ci-pipeline
  register: ci_credential
  no_log: true  # the task that creates a credential returns its secret once

- name: Create a credential when the newest one expires within 30 days, straight into an .edgerc section
  edgegrid.access.api_credential:
    description: automation
    rotate_before_days: 30
    edgerc_write:
      path: ~/.edgerc
      section: default-next
      backup: true
  register: rotation  # no secret in the result: it is in the file

# Midnight UTC a week from today: the same date all day long, so that running this again changes nothing.
- name: Once the new credential works, let the old one expire in a week
  edgegrid.access.api_credential:
    credential_id: "{{ rotation.previous_credential.credential_id }}"
    expires_on: "{{ '%Y-%m-%dT00:00:00Z' | strftime(now(utc=true).timestamp() + 7 * 86400, utc=true) }}"
  when: rotation.previous_credential is defined

- name: Deactivate a credential of another API client
  edgegrid.access.api_credential:
    client_id: k3qx5ujmzhzbttfk
    credential_id: 14111
    status: inactive
    section: admin

- name: Delete a credential (deactivated first when it is still active)
  edgegrid.access.api_credential:
    client_id: k3qx5ujmzhzbttfk
    credential_client_token: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx
    state: absent
'''

RETURN = r'''
credential:
  description:
    - The credential after the task (as predicted in check mode). Empty after O(state=absent).
    - Never holds the client secret.
  returned: always
  type: dict
  contains:
    credential_id:
      description: The ID of the credential (none in check mode before it is created).
      type: int
      sample: 14111
    client_token:
      description: The client token of the credential (not secret).
      type: str
      sample: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx
    status:
      description: V(active) or V(inactive) (V(deleted) only if Akamai reports it).
      type: str
      sample: active
    description:
      description: The description of the credential.
      type: str
      sample: ci-pipeline
    created_on:
      description: When the credential was created (ISO 8601).
      type: str
      sample: "2025-11-01T23:06:59.000Z"
    expires_on:
      description: When the credential expires (ISO 8601).
      type: str
      sample: "2027-11-01T23:06:59.000Z"
    max_allowed_expiry:
      description: The latest expiry Akamai accepts now (ISO 8601), when the API reports it.
      type: str
      sample: "2027-11-24T17:00:00.000Z"
    expired:
      description: Whether the credential has expired (on the clock of the machine running the module).
      type: bool
      sample: false
    expires_in_days:
      description: Whole days until the credential expires; negative when it has.
      type: int
      sample: 729
    signing:
      description: Whether this credential signed the module's own requests.
      type: bool
      sample: false
secret:
  description:
    - The new credential, ready for an C(.edgerc) section, with its client secret in clear.
    - Returned once, only by the task that creates the credential, and only without O(edgerc_write).
      Set C(no_log) on that task. Akamai never shows the client secret again.
  returned: when a credential was created and O(edgerc_write) is not set
  type: dict
  contains:
    client_secret:
      description: The client secret.
      type: str
    client_token:
      description: The client token of the new credential.
      type: str
    access_token:
      description: The access token of the API client.
      type: str
    host:
      description: The API host of the API client.
      type: str
      sample: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net
edgerc:
  description: What O(edgerc_write) did.
  returned: when O(edgerc_write) is set and a credential was created (or would be, in check mode)
  type: dict
  contains:
    path:
      description: The C(.edgerc) file.
      type: str
    section:
      description: The section written.
      type: str
    changed:
      description: Whether the file changed.
      type: bool
    backup_file:
      description: The backup of the previous file, when O(edgerc_write.backup) made one.
      type: str
    copied_sections:
      description:
        - The other sections that held the credential the section held before and got the new one
          (O(edgerc_write.update_copies)), in the order of the file; predicted in check mode.
      type: list
      elements: str
      sample: [papi]
previous_credential:
  description:
    - With O(rotate_before_days), the ACTIVE credential whose expiry made the module create a new one. It is
      left unchanged.
  returned: when O(rotate_before_days) created a credential and an ACTIVE one existed
  type: dict
  sample: {"credential_id": 14110, "status": "active", "expires_on": "2025-12-01T00:00:00.000Z"}
removed_orphans:
  description:
    - Credentials an earlier create of this collection left behind without storing their secret (still marked
      pending, their run gone), deleted before this create.
  returned: when there were any
  type: list
  elements: int
  sample: [14112]
error:
  description: Akamai's problem details when a request failed with an error status.
  returned: on failure with an HTTP error status
  type: dict
'''

import os
import time

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _files, _iam, _rotation
from ansible_collections.edgegrid.access.plugins.module_utils._module import (
    ApiError, EdgeGridError, EdgeGridModule, InputError, Resource, TransportError)

MAX_ROTATE_DAYS = 729
# Seconds a create waits, after marking its credential pending, for a credential of a lower ID without description
# to get its pending marker (a run of this collection sets it right after its create).
UNDESCRIBED_WAIT = 8


def problem(exc):
    """Akamai's problem details of `exc` as a failed task returns them ({'error': ...}), or {} when it has none."""
    return {'error': exc.as_dict()} if isinstance(exc, ApiError) else {}


class Credential(Resource):
    """One credential of one API client (the hooks of EdgeGridModule.converge; neutral dicts, see
    _iam.credential_from_api; _iam.Credentials sends the requests). find() picks it: named by credential_id or
    credential_client_token, else by the policy (description, rotate_before_days) or by `replaces`; None means one
    is to be created. The hooks return the credential as the module returns it (view); the credential as listed
    is kept in self.listed."""

    key = 'credential'

    @property
    def settles(self):
        """A credential found (updated or deleted) settles a lost answer through EdgeGridModule._settle, read again
        by its ID (find_again); a create settles its own (post_create: the claim protocol, its one-time secret)."""
        return self.listed is not None

    def __init__(self, module):
        super(Credential, self).__init__(module)
        self.client_id = self.params['client_id'] or _iam.SELF
        self.named_by = self.params['credential_id'] is not None or self.params['credential_client_token'] is not None
        self.expires_on = None
        self.credentials = []
        self.listed = None  # the credential found, as listed
        self.changes = {}  # the update to send
        self.previous = None  # rotate_before_days: the newest ACTIVE credential, due for rotation
        self.replaced = None  # replaces: the credential the new one replaces
        self.wanted_desc = None  # the description of a new credential
        self.values = None  # the connection values of a new credential's .edgerc section
        self.returned = {}  # the return keys beside the credential (extra)
        self.found_again = False  # find_again() read the credential again, after a write whose answer was lost
        self._api = None

    @property
    def api(self):
        """The credentials' wire, built on first use (the client is built from the auth options then)."""
        if self._api is None:
            self._api = _iam.Credentials(self.module.client)
        return self._api

    # -- input ---------------------------------------------------------------------------------------------------

    def validate(self):
        """Fail (InputError) on options that contradict each other, before any request; parse expires_on."""
        params = self.params
        named = self.named_by
        _iam.check_client_id(params['client_id'])
        if params['credential_id'] is not None and params['credential_id'] < 1:
            raise InputError('credential_id must be a positive number, got %s' % params['credential_id'])
        if params['expires_on'] is not None:
            try:
                self.expires_on = _iam.parse_time(params['expires_on'])
            except ValueError:
                raise InputError('expires_on must be an ISO 8601 date (2026-06-30) or date-time '
                                 '(2026-06-30T12:00:00Z), got %r' % params['expires_on']) from None
            if self.expires_on > _iam.max_expiry():
                raise InputError('expires_on %s is more than %d years from now: Akamai accepts at most %s'
                                 % (params['expires_on'], _iam.MAX_EXPIRY_YEARS, _iam.format_time(_iam.max_expiry())))
        rotate = params['rotate_before_days']
        if rotate is not None and not 0 <= rotate <= MAX_ROTATE_DAYS:
            raise InputError('rotate_before_days must be from 0 to %d, got %s' % (MAX_ROTATE_DAYS, rotate))
        if params['replaces'] is not None:
            if params['replaces'] < 1:
                raise InputError('replaces must be a positive credential ID, got %s' % params['replaces'])
            if named or params['state'] == 'absent' or rotate is not None:
                raise InputError('replaces cannot be used with credential_id, credential_client_token, '
                                 'rotate_before_days or state=absent: it creates the credential that replaces another '
                                 'one')
            if not params['edgerc_write']:
                raise InputError('replaces needs edgerc_write: the section that holds the credential it replaces')
        target = params['edgerc_write']
        if target:
            # The file and section to write, before any request (what needs a look at the file: preflight_edgerc).
            problem = _files.not_a_file_name(target['path'] or '')
            if problem is not None:
                raise InputError('edgerc_write.path %s %s; nothing was created'
                                 % (_files.shown_path(target['path']), problem))
            problem = _edgerc.section_name_problem(target['section'])
            if problem is not None:
                raise InputError('edgerc_write.section: %s; nothing was created' % problem)
        if params['state'] == 'absent':
            for option in ('status', 'expires_on', 'rotate_before_days', 'edgerc_write'):
                if params[option] is not None:
                    raise InputError('%s cannot be used with state=absent' % option)
            if not named and params['description'] is None:
                raise InputError('state=absent needs credential_id, credential_client_token or description')
            return
        if named:
            for option in ('rotate_before_days', 'edgerc_write'):
                if params[option] is not None:
                    raise InputError('%s cannot be used with credential_id or credential_client_token: it applies '
                                     'only when the module may create a credential' % option)
        else:
            if params['description'] is None and rotate is None and params['replaces'] is None:
                raise InputError('name the credential with credential_id or credential_client_token, or give '
                                 'description or rotate_before_days for the module to create one only when needed')
            if params['status'] == 'inactive':
                raise InputError('status=inactive needs credential_id or credential_client_token')

    # -- reads ---------------------------------------------------------------------------------------------------

    def signing_token(self):
        return self.module.client.config.client_token

    def view(self, cred):
        """The credential as returned: API fields translated, plus expiry and whether it signs this request."""
        if not cred:
            return {}
        out = _iam.credential_with_expiry(cred)
        if out.get('client_token'):
            out['signing'] = out['client_token'] == self.signing_token()
        return out

    def load(self):
        self.credentials = self.api.list(self.client_id, cacheable=True)

    def named(self):
        """The credential named by credential_id / credential_client_token, or None."""
        if self.params['credential_id'] is not None:
            found = [c for c in self.credentials if c.get('credential_id') == self.params['credential_id']]
        else:
            found = [c for c in self.credentials if c.get('client_token') == self.params['credential_client_token']]
        return found[0] if found else None

    def usable(self, cred):
        return cred.get('status') == 'active' and not self.view(cred).get('expired', False)

    def describe(self):
        if self.params['credential_id'] is not None:
            return 'credential_id %s' % self.params['credential_id']
        return 'the credential with credential_client_token %s' % self.params['credential_client_token']

    # -- which credential: the policy ----------------------------------------------------------------------------

    def find(self):
        """The credential the task is about (view), or None: none to delete, or one to create. Checks the input
        first, then reads the credentials of the API client (one listing)."""
        self.validate()
        self.load()
        if self.params['state'] == 'absent':
            found = self.to_delete()
        elif self.named_by:
            found = self.named()
        elif self.params['replaces'] is not None:
            found = self.replacement()
        else:
            found = self.by_policy()
        self.listed = found
        return self.view(found) if found else None

    def to_delete(self):
        """The credential state=absent deletes (named, or the one with the description), None when it is gone."""
        if self.named_by:
            current = self.named()
        else:
            matches = [c for c in self.credentials
                       if c.get('description') == self.params['description'] and c.get('status') != 'deleted']
            if len(matches) > 1:
                raise InputError('%d credentials of API client %s have the description %r (IDs %s): name one with '
                                 'credential_id' % (len(matches), self.client_id, self.params['description'],
                                                    ', '.join(str(c.get('credential_id')) for c in matches)))
            current = matches[0] if matches else None
        if current is None or current.get('status') == 'deleted':
            return None
        return current

    def by_policy(self):
        """Without a named credential: the ACTIVE, unexpired one with the description, or with rotate_before_days
        the newest one when it is not due (when it is, it is kept in self.previous); None: one is to be created."""
        params = self.params
        description = params['description']
        candidates = [c for c in self.credentials if self.usable(c)]
        if description is not None:
            candidates = [c for c in candidates if c.get('description') == description]
        if params['rotate_before_days'] is not None:
            newest = max(candidates, key=lambda c: (c.get('created_on') or '', c.get('credential_id') or 0),
                         default=None)
            if newest is not None and not _rotation.due(newest, min_remaining_days=params['rotate_before_days']):
                return newest
            self.previous = newest
            return None
        if len(candidates) > 1:
            raise InputError('%d ACTIVE credentials of API client %s have the description %r (IDs %s): name one with '
                             'credential_id. %s' % (len(candidates), self.client_id, description,
                                                    ', '.join(str(c.get('credential_id')) for c in candidates),
                                                    self.duplicates_advice(candidates)))
        return candidates[0] if candidates else None

    def duplicates_advice(self, candidates):
        """What to do about several ACTIVE credentials of one description (two creates at once, by an older
        version or another tool): keep the one whose secret is stored, delete the others. The section of
        edgerc_write, when it holds one of them, says which; it cannot prove that no other file holds the others,
        so nothing is deleted here."""
        target = self.params['edgerc_write']
        held = None
        if target:
            try:
                held = (_edgerc.read_section(target['path'], target['section']) or {}).get('client_token')
            except _edgerc.EdgercError:
                held = None
        keep = [c for c in candidates if held and c.get('client_token') == held]
        if keep:
            others = [c for c in candidates if c is not keep[0]]
            return ('Section [%s] of %s holds credential %s; if the others come from two runs at once, their secret '
                    'is likely stored nowhere: once sure, delete them (%s)'
                    % (target['section'], target['path'], keep[0].get('credential_id'),
                       ', '.join('state=absent credential_id=%s' % c.get('credential_id') for c in others)))
        return ('Keep the one whose client_token your .edgerc holds and delete the others (state=absent '
                'credential_id=<ID>): credentials whose secret nobody stored')

    def replacement(self):
        """With replaces: the credential that replaced credential `replaces` in the section of edgerc_write when the
        section holds it already (nothing to do), else None, the replaced one kept in self.replaced. Fails when the
        section holds neither, or while another run rotates it."""
        params = self.params
        target = params['edgerc_write']
        old = [c for c in self.credentials if c.get('credential_id') == params['replaces']]
        if not old:
            raise InputError('replaces: credential %s is not a credential of API client %s; nothing was created'
                             % (params['replaces'], self.client_id))
        old = old[0]
        try:
            held = (_edgerc.read_section(target['path'], target['section']) or {}).get('client_token') or ''
        except _edgerc.EdgercError as exc:
            raise InputError('edgerc_write: %s; nothing was created' % exc) from None
        if held != old.get('client_token'):
            done = [c for c in self.credentials if c.get('client_token') == held and held
                    and _rotation.replaced_id(c.get('description'), self.prefix()) == params['replaces']]
            if done:  # this rotation already happened: the section holds its credential
                return done[0]
            raise EdgeGridError('edgerc_write: section [%s] of %s holds neither credential %s nor a credential that '
                                'replaces it: another run changed it; nothing was created'
                                % (target['section'], target['path'], params['replaces']))
        busy = self.busy(old)
        if busy:
            raise EdgeGridError('%s; nothing was created. Run again once it is over.' % busy)
        elsewhere = _rotation.finished_elsewhere(self.credentials, old, prefix=self.prefix())
        if elsewhere:
            raise EdgeGridError('edgerc_write: section [%s] of %s: %s; nothing was created.'
                                % (target['section'], target['path'], elsewhere))
        self.replaced = old
        return None

    def prefix(self):
        description = self.params['description'] or ''
        marker = ' replaces credential '
        return description.split(marker)[0] if marker in description else _rotation.DEFAULT_PREFIX

    def busy(self, old, own_id=None):
        """Why another run's rotation of `old` is in progress (None: it is not). With `own_id` (the credential this
        run created), only the claims of lower credential IDs count: of runs that got this far together, the one
        that created first goes on, the others step back."""
        claims = _rotation.in_progress(self.credentials, old, own_id=own_id, prefix=self.prefix())
        if own_id is not None:
            # After this run's create: another run's rotation of `old` that finished meanwhile steps this one back too.
            claims += [(c, 'it replaces credential %s and was completed meanwhile' % old.get('credential_id'))
                       for c in _rotation.replaced_by(self.credentials, old, prefix=self.prefix())
                       if c.get('credential_id') != own_id]
            claims = [(c, why) for c, why in claims if (c.get('credential_id') or 0) < own_id]
        if not claims:
            return None
        return 'another rotation of credential %s is in progress (%s)' % (
            old.get('credential_id'), '; '.join('credential %s: %s' % (c.get('credential_id'), why)
                                                for c, why in claims))

    # -- an existing credential: update and delete ---------------------------------------------------------------

    def desired(self, current):
        if current is None:
            if self.found_again:
                return None  # gone since the write whose answer was lost: not applied, and nothing is created
            if self.named_by:
                raise InputError('%s is not a credential of API client %s; nothing was created'
                                 % (self.describe(), self.client_id))
            return self.desired_new()
        if self.params['replaces'] is not None:
            return current  # the section holds the credential that replaced it: nothing to do
        params, listed = self.params, self.listed
        if listed.get('status') == 'deleted':
            raise InputError('credential %s is DELETED and cannot be changed or activated again'
                             % listed.get('credential_id'))
        changes = {}
        if params['status'] is not None and params['status'] != listed.get('status'):
            changes['status'] = params['status']
        if self.expires_on is not None and not _iam.same_instant(self.expires_on, listed.get('expires_on')):
            changes['expires_on'] = _iam.format_time(self.expires_on)
        if params['description'] is not None and params['description'] != listed.get('description'):
            changes['description'] = params['description']
        self.changes = changes
        if not changes:
            return current
        if changes.get('status') == 'inactive':
            self.refuse_own(listed, 'deactivate')
        if 'expires_on' in changes:
            self.check_expiry(listed)
        return self.view(dict(listed, **changes))

    def differs(self, current, desired):
        return bool(self.changes)

    def update(self, current, desired):
        """A lost answer (TransportError) is settled by EdgeGridModule._settle: find_again, then desired again."""
        changes, listed = self.changes, self.listed
        if set(changes) == {'status'} and changes['status'] == 'inactive':
            self.api.deactivate(self.client_id, listed['credential_id'])
            return self.view(dict(listed, **changes))
        return self.view(self.api.update(self.client_id, listed, status=changes.get('status'),
                                         expires_on=changes.get('expires_on'), description=changes.get('description')))

    # -- a write whose answer was lost: read again ---------------------------------------------------------------

    def find_again(self):
        """The credential the task wrote, read again by its ID (find() picks by policy, which the write may have
        moved it out of), None when it is gone; self.listed becomes it (EdgeGridModule._settle, and delete between
        its two writes). Its max_allowed_expiry, which moves with the clock rather than with the credential, stays as
        first read: the credential compares equal to the one found when the write did not take."""
        cid = self.listed['credential_id']
        moment = self.listed.get('max_allowed_expiry')
        self.found_again = True
        listed = self.api.list(self.client_id)
        found = [c for c in listed if c.get('credential_id') == cid and c.get('status') != 'deleted']
        if not found:
            self.listed = None
            return None
        self.listed = found[0]
        now = self.view(self.listed)
        if moment is not None:
            now['max_allowed_expiry'] = moment
        return now

    def read_between(self, lost):
        """find_again() after the first of delete's two writes, or its second, whose answer was lost (`lost`). When
        that read fails, `lost` is raised: EdgeGridModule._settle settles the delete as a whole (it reads again,
        and says it cannot tell when that fails too)."""
        try:
            return self.find_again()
        except EdgeGridError:
            raise lost from None

    def refuse_own(self, current, what):
        if current.get('client_token') and current.get('client_token') == self.signing_token():
            raise InputError('refusing to %s credential %s: it signs this very request, and the automation would lose '
                             'its access. Use the credentials of another .edgerc section.'
                             % (what, current.get('credential_id')))

    def check_expiry(self, current):
        """expires_on must lie in the future and within what Akamai allows (its maxAllowedExpiry when reported)."""
        if self.expires_on <= _iam.utcnow():
            raise InputError('expires_on %s is in the past; to stop a credential now, set status=inactive'
                             % self.params['expires_on'])
        limit = current.get('max_allowed_expiry')
        if limit:
            try:
                limit_time = _iam.parse_time(limit)
            except ValueError:
                return
            if self.expires_on > limit_time:
                raise InputError('expires_on %s is later than Akamai allows for credential %s (%s)'
                                 % (self.params['expires_on'], current.get('credential_id'), limit))

    def check_delete(self, current):
        self.refuse_own(self.listed, 'delete')

    def delete(self, current):
        """Deactivate (when ACTIVE), then delete. Two writes: a lost answer to either is settled here, by reading the
        credential again (read_between): gone or INACTIVE as wanted, the task goes on (warning); else it fails saying
        what is left. (EdgeGridModule._settle settles one write: after a deactivate that took, the delete is due.)"""
        cid = self.listed['credential_id']
        if self.listed.get('status') != 'inactive':
            try:
                self.api.deactivate(self.client_id, cid)
            except TransportError as lost:
                now = self.read_between(lost)
                if now is not None and now.get('status') != 'inactive':
                    raise EdgeGridError('%s; read again, credential %s is still %s: nothing was changed; run the '
                                        'task again' % (lost, cid, (now.get('status') or '?').upper()),
                                        result=dict(changed=False)) from None
                self.module.warn('%s; read again, the write was applied' % lost)
                if now is None:
                    return
        try:
            self.api.delete(self.client_id, cid)
        except TransportError as lost:
            if self.read_between(lost) is None:
                self.module.warn('%s; read again, credential %s is gone: the delete was applied' % (lost, cid))
                return
            raise EdgeGridError('credential %s is now INACTIVE, but deleting it failed: %s; read again, it is still '
                                'there: run the task again' % (cid, lost), result=dict(changed=True)) from None
        except EdgeGridError as exc:
            raise EdgeGridError('credential %s is now INACTIVE, but deleting it failed: %s' % (cid, exc),
                                result=dict(problem(exc), changed=True)) from None

    # -- a new credential: the one-time secret -------------------------------------------------------------------

    def extra(self, before, after):
        return False, self.returned

    def connection(self):
        """host and access_token of the API client, for the new credential's .edgerc section."""
        config = self.module.client.config
        if self.client_id == _iam.SELF:
            values = {'host': _edgerc.normalize_host(config.base_url), 'access_token': config.access_token}
            if config.account_switch_key:
                values['account_key'] = config.account_switch_key
            return values
        found = _iam.ApiClients(self.module.client).connection(self.client_id)
        return {'host': _edgerc.normalize_host(found['base_url']), 'access_token': found['access_token']}

    def preflight_edgerc(self, target, values):
        """Fail before the credential is created when its .edgerc section could not be written."""
        directory = os.path.dirname(os.path.abspath(target['path'])) or '.'
        if not os.path.isdir(directory):
            raise InputError('edgerc_write.path: directory %s does not exist; nothing was created' % directory)
        if not os.access(directory, os.W_OK):
            raise InputError('edgerc_write.path: directory %s is not writable; nothing was created' % directory)
        problem = _files.unwritable_file(target['path'])  # also a file that nothing may replace (chattr +i)
        if problem is not None:
            raise InputError('edgerc_write.path: .edgerc file %s %s; nothing was created' % (target['path'], problem))
        placeholder = dict(values, client_token='preflight', client_secret='preflight')
        try:
            return _edgerc.write_section(target['path'], target['section'], placeholder, backup=False,
                                         check_mode=True, update_copies=target['update_copies'])
        except _edgerc.EdgercError as exc:
            raise InputError('edgerc_write: %s; nothing was created' % exc) from None

    def desired_new(self):
        """The credential a create would make (credential_id and client_token none: the API has not assigned them),
        after the checks a create needs; the .edgerc write predicted (self.returned)."""
        params = self.params
        target = params['edgerc_write']
        if self.previous is not None:
            self.returned['previous_credential'] = self.view(self.previous)
        self.wanted_desc = params['description']
        if self.replaced is not None and self.wanted_desc is None:
            self.wanted_desc = _rotation.final_description(self.replaced.get('credential_id'))
        predicted = {'credential_id': None, 'client_token': None, 'status': 'active',
                     'description': self.wanted_desc or ''}
        if self.expires_on is not None:
            predicted['expires_on'] = _iam.format_time(self.expires_on)
            if self.expires_on <= _iam.utcnow():
                raise InputError('expires_on %s is in the past' % params['expires_on'])
        if self.replaced is None:
            claims = self.rivals(self.credentials)
            if claims:
                raise EdgeGridError('%s; nothing was created. Run the task again once it is over.'
                                    % self.refuse_rivals(claims))
        self.values = self.connection()
        if target:
            predicted_write = self.preflight_edgerc(target, self.values)
            self.returned['edgerc'] = {'path': target['path'], 'section': target['section'], 'changed': True,
                                       'copied_sections': predicted_write['copied_sections']}
        return predicted

    def remove_abandoned(self):
        """Delete the credentials an earlier create of this collection left without stored secret (abandoned
        pending markers); the IDs. Undescribed credentials cannot be told from a user's, and are only warned of."""
        removed = []
        for cred in list(self.credentials):
            if cred.get('status') != 'active' or not _rotation.parse_pending(cred.get('description')):
                continue
            if not _rotation.abandoned(cred) or cred.get('client_token') == self.signing_token():
                continue
            self.discard(cred)
            removed.append(cred.get('credential_id'))
            self.credentials.remove(cred)
        return removed

    def discard(self, cred):
        """Deactivate and delete a credential this module created and whose secret nobody holds; best effort."""
        cid = cred.get('credential_id')
        try:
            self.api.deactivate(self.client_id, cid, missing_ok=True)
            self.api.delete(self.client_id, cid)
            return True
        except EdgeGridError:
            return False

    def post_create(self):
        """POST the create: (the new credential, its secret). When its answer is lost, read the credentials again
        (lost_create): when nothing new appeared, the create did not take and is sent once more; when one credential
        without description appeared and keeps none for UNDESCRIBED_WAIT seconds, it is taken as this create's
        (another run of this collection gives its new credential its pending marker right after its create):
        nobody received its secret, so it is deleted and the create sent again, with a warning; when it gets a
        description meanwhile, another run made it and it is left alone; more than one: it cannot be told which,
        nothing is deleted and the task fails naming them."""
        # The credentials that had the description wanted before the create (with rotate_before_days, the one due).
        known = set(c.get('credential_id') for c in self.credentials
                    if (c.get('description') or '') == (self.wanted_desc or ''))
        for attempt in (1, 2):
            try:
                return self.api.create(self.client_id)
            except ApiError as exc:
                if exc.status in (400, 409, 422):
                    in_use = [c.get('credential_id') for c in self.credentials
                              if c.get('client_token') == self.signing_token()]
                    states, way_out = _rotation.describe_credentials(self.credentials, in_use_id=(in_use or [None])[0],
                                                                     prefix=self.prefix())
                    raise EdgeGridError(
                        'the API refused to create a credential for API client %s, which holds %d credentials (%s). '
                        'Akamai limits how many credentials one API client may hold. Nothing was changed. %s%s %s'
                        % (self.client_id, len(self.credentials), states, way_out, self.in_flight(), exc),
                        result=problem(exc)) from None
                raise
            except TransportError as exc:
                self.lost_create(exc, known)
                if attempt == 2:
                    raise EdgeGridError('%s, twice; nothing is left of either attempt' % exc) from None
        return None, None  # not reached

    def lost_create(self, exc, known, wait=None):
        """After a create whose answer was lost (`exc`): return when the create may be sent again (nothing of it is
        left), else raise EdgeGridError. See post_create."""
        wait = UNDESCRIBED_WAIT if wait is None else wait
        deadline = time.time() + wait
        before = set(c.get('credential_id') for c in self.credentials)
        while True:
            listed = self.api.list(self.client_id)  # its own failure fails the task with its error
            appeared = [c for c in listed if c.get('credential_id') not in known | before and not c.get('description')]
            if not appeared:
                self.module.warn('the answer to the create was lost and no new credential without description '
                                 'appeared: the create did not take, or another run made it; it was sent again')
                return
            if len(appeared) > 1:
                ids = ', '.join(str(c.get('credential_id')) for c in appeared)
                raise EdgeGridError(
                    '%s; since, credentials %s appeared without description: this run cannot tell which one its '
                    'create made, if any (another job creating a credential of API client %s at the same moment '
                    'makes one just like it), so nothing was deleted. The one no job names within %d minutes is '
                    'deleted by the next create or rotation; to go on now, delete the one not in use '
                    '(state=absent credential_id=N) and run the task again'
                    % (exc, ids, self.client_id, _rotation.LEASE_SECONDS // 60)) from None
            if time.time() >= deadline:
                break
            time.sleep(1)
        mine = appeared[0]
        if not self.discard(mine):
            raise EdgeGridError('%s; the create was applied (credential %s, still without description after %d s), '
                                'but deleting that credential, whose secret nobody received, failed; the next run '
                                'deletes it' % (exc, mine.get('credential_id'), wait)) from None
        self.module.warn('the answer to the create was lost; credential %s, which appeared without description and '
                         'got none within %d s (another run of this collection marks its new credential at once), '
                         'was taken as this create\'s and deleted (nobody received its secret), and the create was sent '
                         'again' % (mine.get('credential_id'), wait))

    # -- two creates of one description at once --------------------------------------------------------------------

    def rivals(self, credentials, own_id=None, known=()):
        """Another run's create of the credential this one would create: (credential, why) of the ACTIVE,
        unexpired credentials (not `own_id`) that carry the description wanted, whether still pending (their run
        not provably gone) or final, or that have none yet and are younger than the lease (_rotation: what a run of
        this collection leaves between its create and its pending marker). With `own_id` (this run's credential,
        marked pending), a pending or undescribed one counts only with a lower ID: of two runs that created at
        once, the one whose credential got the lower ID goes on; a final one only when it is not among `known` (the
        IDs that had that description before the create: with rotate_before_days, the credential due)."""
        wanted = self.wanted_desc or ''
        previous = (self.previous or {}).get('credential_id')  # rotate_before_days: the one due, not a rival
        found = []
        for cred in credentials:
            cid = cred.get('credential_id') or 0
            if cid in (own_id, previous) or not _rotation.usable(cred):
                continue
            description = cred.get('description') or ''
            pending = _rotation.parse_pending(description)
            lower = own_id is None or cid < own_id
            if pending:
                if pending[0] == wanted and lower and not _rotation.abandoned(cred):
                    found.append((cred, 'run %s created it at %s and has not stored its secret yet'
                                  % (pending[1], _iam.format_time(pending[2]) if pending[2] else '?')))
            elif not description:
                age = _rotation.age_seconds(cred)
                if own_id is not None and lower and age is not None and age <= _rotation.LEASE_SECONDS:
                    found.append((cred, 'it was created %d s ago and has no description yet' % max(age, 0)))
            elif description == wanted and own_id is not None and cid not in known:
                found.append((cred, 'it was created by another run, which stored its secret'))
        return found

    def refuse_rivals(self, claims):
        return ('another run is creating the credential with description %r of API client %s (%s)'
                % (self.wanted_desc or '', self.client_id,
                   '; '.join('credential %s: %s' % (c.get('credential_id'), why) for c, why in claims)))

    def step_back(self, new, known, wait=None):
        """After this run marked its credential `new` pending: list again; when another run's create of the same
        credential has a lower ID (or has completed), delete `new` (this run's, by its ID) and fail. A lower-ID
        credential without description is waited for a few seconds, for its pending marker to tell what it is."""
        wait = UNDESCRIBED_WAIT if wait is None else wait
        deadline = time.time() + wait
        while True:
            try:
                listed = self.api.list(self.client_id)
            except EdgeGridError as exc:
                self.give_up(new, 'reading the credentials again, to tell whether another run creates the same '
                                  'credential, failed: %s' % exc)
            claims = self.rivals(listed, own_id=new['credential_id'], known=known)
            if not claims:
                return
            undescribed = all(not c.get('description') for c, _why in claims)
            if not undescribed or time.time() >= deadline:
                break
            time.sleep(1)
        hint = (' (a credential without description that no job is creating is one whose create answer was lost: '
                'delete it with state=absent credential_id=<ID>)' if undescribed else '')
        self.give_up(new, '%s, and it started first. Run the task again once it is over: it then finds that '
                          'credential%s' % (self.refuse_rivals(claims), hint))

    def in_flight(self):
        """After a refused create: the credentials of API client that another run is creating now (marked pending
        and not abandoned, or without description and younger than the lease), said in a sentence that begins with
        a space; '' when there are none or the listing fails (the refusal is what the task reports)."""
        try:
            listed = self.api.list(self.client_id)
        except EdgeGridError:
            return ''
        busy = []
        for cred in listed:
            if cred.get('status') != 'active':
                continue
            pending = _rotation.parse_pending(cred.get('description'))
            age = _rotation.age_seconds(cred)
            if (pending and not _rotation.abandoned(cred)) or (
                    not cred.get('description') and age is not None and age <= _rotation.LEASE_SECONDS):
                busy.append(str(cred.get('credential_id')))
        if not busy:
            return ''
        return (' Credential %s, created in the last %d minutes, %s: another job may be creating a credential of '
                'this API client right now; run the task again once it is over.'
                % (', '.join(busy), _rotation.LEASE_SECONDS // 60,
                   'is marked pending or has no description yet' if len(busy) == 1
                   else 'are marked pending or have no description yet'))

    def set_description(self, new, description):
        return self.api.update(self.client_id, new, description=description,
                               expires_on=_iam.format_time(self.expires_on) if self.expires_on is not None else None)

    def give_up(self, new, why):
        """Fail after the create: the new credential, whose secret is stored nowhere, is deleted (best effort)."""
        gone = self.discard(new)
        raise EdgeGridError('%s; the new credential %s %s' % (
            why, new['credential_id'], 'was deleted (its secret was never stored); nothing else was changed'
            if gone else 'could not be deleted: the next run deletes it'))

    def create(self, desired):
        """Create the credential: claim it (pending marker), store its secret (edgerc_write) or return it once
        (`secret`), then give it its description. The credential after it (view)."""
        target = self.params['edgerc_write']
        returned = self.returned
        removed = self.remove_abandoned()
        if removed:
            returned['removed_orphans'] = removed
            self.module.warn('deleted credentials %s: an earlier run of this collection created them and was stopped '
                             'before it stored their secret' % ', '.join(str(i) for i in removed))
        run = _rotation.new_run_id()
        started = _iam.utcnow()
        # The credentials that had the description wanted before the create (with rotate_before_days, the one due).
        known = set(c.get('credential_id') for c in self.credentials
                    if (c.get('description') or '') == (self.wanted_desc or ''))
        new, secret = self.post_create()
        section = dict(self.values, client_token=new.get('client_token'), client_secret=secret)

        # The claim: the pending marker says who created it, and that its secret is not stored yet.
        try:
            new = self.set_description(new, _rotation.pending_description(self.wanted_desc or '', run, started))
        except EdgeGridError as exc:
            self.give_up(new, 'marking the new credential as pending failed: %s' % exc)
        if self.replaced is not None:
            self.load()
            busy = self.busy(self.replaced, new['credential_id'])
            if busy:
                self.give_up(new, busy + ', and it started first')
        else:
            self.step_back(new, known)
        if target:
            if (_iam.utcnow() - started).total_seconds() > _rotation.LEASE_SECONDS / 3:
                self.give_up(new, 'the create took longer than a third of the lease (%d s)' % _rotation.LEASE_SECONDS)
            try:
                written = _edgerc.write_section(
                    target['path'], target['section'], section, backup=target['backup'],
                    update_copies=target['update_copies'],
                    expect_client_token=self.replaced.get('client_token') if self.replaced is not None else None)
            except _edgerc.EdgercError as exc:
                self.give_up(new, 'its secret could not be written: %s' % exc)
            returned['edgerc'] = {'path': target['path'], 'section': target['section'], 'changed': written['changed'],
                                  'backup_file': written.get('backup_file'),
                                  'copied_sections': written['copied_sections']}
        else:
            returned['secret'] = section

        try:
            new = self.set_description(new, self.wanted_desc or '')
        except EdgeGridError as exc:
            raise EdgeGridError('credential %s was created and its secret %s, but setting its description and expiry '
                                'failed: %s. It still carries its pending marker; the next run of the '
                                'credential_rotation role completes it'
                                % (new['credential_id'], 'written' if target else 'returned', exc),
                                result=dict(returned, credential=self.view(new), **problem(exc))) from None
        return self.view(new)


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            client_id=dict(type='str', default=_iam.SELF),
            credential_id=dict(type='int'),
            credential_client_token=dict(type='str', no_log=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            status=dict(type='str', choices=['active', 'inactive']),
            expires_on=dict(type='str'),
            description=dict(type='str'),
            rotate_before_days=dict(type='int'),
            replaces=dict(type='int'),
            edgerc_write=dict(type='dict', options=dict(
                path=dict(type='path', required=True),
                section=dict(type='str', required=True),
                backup=dict(type='bool', default=False),
                update_copies=dict(type='bool', default=True),
            )),
        ),
        mutually_exclusive=[
            ('credential_id', 'credential_client_token'),
            ('rotate_before_days', 'expires_on'),
        ],
    )
    module.execute(module.converge, Credential(module), module.params['state'])


if __name__ == '__main__':
    main()
