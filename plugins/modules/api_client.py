#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_client
short_description: Manage an Akamai API client limited to chosen APIs and groups
version_added: 0.1.0
description:
  - Creates, updates and deletes an API client through the Identity and Access Management API v3. It sets the APIs it
    may call, each READ-ONLY or READ-WRITE, the groups it may act on (with a role per group), its description,
    the addresses notified about expiring credentials, and whether it may manage several accounts.
  - The API client is found by O(client_id), else by O(name). A name that two API clients share is an error
    asking for O(client_id); a O(client_id) that does not exist is an error, never a create.
  - Only the options that are set are compared and changed; the other settings of an existing API client are
    sent back as they are.
  - The API client's credentials are managed with M(edgegrid.access.api_credential). This module never creates
    one, and refuses to delete an API client that still has ACTIVE credentials.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of the API client (C(clientName)), unique within the account.
      - Identifies the API client when O(client_id) is not given; with O(client_id), renames it.
      - Required to create an API client.
    type: str
  client_id:
    description:
      - The client ID of an existing API client. V(self) is the API client whose credentials sign the request.
    type: str
  state:
    description:
      - V(present) creates or updates the API client; V(absent) deletes it.
      - Deleting an API client that has ACTIVE credentials fails; deactivate them first.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: What the API client is for (C(clientDescription)). Cannot be empty.
    type: str
  client_type:
    description:
      - V(CLIENT) when the creator owns the API client and manages its credentials, V(USER_CLIENT) when another
        user (the authorized user) does.
      - Set at creation only (default V(CLIENT)); a different value for an existing API client is an error.
    type: str
    choices: [CLIENT, USER_CLIENT]
  authorized_users:
    description:
      - The user names of the users the API client acts for; a single one for V(CLIENT) and V(USER_CLIENT).
      - When creating without it, the authorized users of the API client that signs the request are used.
    type: list
    elements: str
  notification_emails:
    description: Addresses notified about expiring credentials. Compared as a set.
    type: list
    elements: str
  apis:
    description:
      - The APIs the API client may call, each with its access level. Replaces the whole list when it differs
        (compared as a set of API and access level).
      - At most 99. Required to create an API client, unless O(all_apis=true).
      - Each API is named by O(apis[].api_id), or by O(apis[].name), which the module looks up among the APIs
        the authorized user may grant.
      - Before a create or a change of the APIs, an O(apis[].api_id) is checked against the APIs the authorized
        user may grant (one read); an unknown ID fails the task before any write.
    type: list
    elements: dict
    suboptions:
      api_id:
        description: The ID of the API (C(apiId)).
        type: int
      name:
        description:
          - The name of the API (for example V(Identity and Access Management)) or its endpoint (for example
            V(/identity-management) or V(identity-management)), compared without regard to case.
        type: str
      access_level:
        description: What the API client may do with this API.
        type: str
        choices: [READ-ONLY, READ-WRITE]
        default: READ-ONLY
  all_apis:
    description:
      - V(true) grants every API the authorized user may grant, instead of O(apis).
      - V(false) with O(apis) restricts the API client to those.
    type: bool
  groups:
    description:
      - The groups the API client may act on, each with the role it has there. Replaces the whole list when it
        differs. Mutually exclusive with O(clone_authorized_user_groups=true).
      - When creating without O(groups), the API client gets the groups of its authorized user.
      - The groups the authorized user may grant are read first (C(GET /identity-management/v3/users/{user}/group-access));
        a group that is not among them fails the task before any write.
    type: list
    elements: dict
    suboptions:
      group_id:
        description: The ID of the group.
        type: int
        required: true
      role_id:
        description: The ID of the role the API client has in the group.
        type: int
        required: true
      is_blocked:
        description: Block the access to the group's child groups. Compared only when set.
        type: bool
  clone_authorized_user_groups:
    description:
      - V(true) gives the API client the groups and roles of its authorized user, instead of O(groups).
    type: bool
  allow_account_switch:
    description:
      - Whether the API client may manage several accounts (through account switch keys).
    type: bool
  can_auto_create_credential:
    description:
      - Whether the API client may create a credential for a new API client.
    type: bool
  ip_acl:
    description:
      - Restrict the API client to the IP addresses and CIDR blocks in O(ip_acl.cidr) (when O(ip_acl.enable=true)).
    type: dict
    suboptions:
      enable:
        description: Whether the restriction applies.
        type: bool
        required: true
      cidr:
        description: IP addresses or CIDR blocks. Compared as a set.
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.write_module
attributes:
  check_mode:
    details: The API client is read (and the APIs the authorized user may grant, to look names up); nothing is
      created, changed or deleted.
  diff_mode:
    details: The API client before and after; its access token is never part of it.
seealso:
  - module: edgegrid.access.api_client_info
  - module: edgegrid.access.api_credential
  - name: Create an API client with custom permissions (Akamai)
    description: The API clients this module manages, as Control Center shows them.
    link: https://techdocs.akamai.com/developer/docs/create-a-client-with-custom-permissions
'''

EXAMPLES = r'''
- name: An API client that may read EdgeKV and manage API keys, in one group
  edgegrid.access.api_client:
    name: ci-api-keys
    description: CI pipeline for API keys and EdgeKV tokens
    notification_emails: [platform@example.com]
    apis:
      - name: /apikey-manager-api
        access_level: READ-WRITE
      - name: EdgeKV
        access_level: READ-ONLY
    groups:
      - group_id: 10001
        role_id: 1
  register: ci_client

- name: Give it a credential, written into its own .edgerc section
  edgegrid.access.api_credential:
    client_id: "{{ ci_client.api_client.client_id }}"
    description: ci-api-keys
    edgerc_write:
      path: ~/.edgerc
      section: ci-api-keys

- name: Let an API client manage the accounts its creator manages
  edgegrid.access.api_client:
    client_id: k3qx5ujmzhzbttfk
    allow_account_switch: true

- name: Before deleting the API client, delete its credential (deactivated first)
  edgegrid.access.api_credential:
    client_id: "{{ ci_client.api_client.client_id }}"
    description: ci-api-keys
    state: absent

- name: Delete an API client (its credentials must be INACTIVE)
  edgegrid.access.api_client:
    name: ci-api-keys
    state: absent
'''

RETURN = r'''
api_client:
  description:
    - The API client after the task (as predicted in check mode). Empty after O(state=absent).
    - Never holds the access token or a client secret.
  returned: always
  type: dict
  contains:
    client_id:
      description: The client ID.
      type: str
      sample: k3qx5ujmzhzbttfk
    name:
      description: The name (C(clientName)).
      type: str
    description:
      description: The description.
      type: str
    client_type:
      description: V(CLIENT) or V(USER_CLIENT).
      type: str
    authorized_users:
      description: The user names of its authorized users.
      type: list
      elements: str
    notification_emails:
      description: Addresses notified about expiring credentials.
      type: list
      elements: str
    allow_account_switch:
      description: Whether it may manage several accounts.
      type: bool
    can_auto_create_credential:
      description: Whether it may create a credential for a new API client.
      type: bool
    is_locked:
      description: Whether the API client is locked.
      type: bool
    active_credential_count:
      description: How many ACTIVE credentials it has.
      type: int
    created_by:
      description: Who created it.
      type: str
    created_date:
      description: When it was created (ISO 8601).
      type: str
    base_url:
      description: The API host URL its credentials use.
      type: str
    all_apis:
      description: Whether it may call every API its authorized user may grant.
      type: bool
    apis:
      description: The APIs it may call.
      type: list
      elements: dict
      contains:
        api_id:
          description: The ID of the API.
          type: int
        name:
          description: The name of the API.
          type: str
        endpoint:
          description: The endpoint of the API, for example C(/identity-management).
          type: str
        access_level:
          description: V(READ-ONLY) or V(READ-WRITE).
          type: str
    clone_authorized_user_groups:
      description: Whether it has the groups of its authorized user.
      type: bool
    groups:
      description: The groups it may act on, with its role in each.
      type: list
      elements: dict
      contains:
        group_id:
          description: The ID of the group.
          type: int
        group_name:
          description: The name of the group.
          type: str
        role_id:
          description: The ID of its role in the group.
          type: int
        role_name:
          description: The name of that role.
          type: str
        is_blocked:
          description: Whether the access to child groups is blocked.
          type: bool
        sub_groups:
          description: Child groups, in the same form, when the API lists them.
          type: list
          elements: dict
    ip_acl:
      description: The IP restriction, C(enable) and C(cidr).
      type: dict
error:
  description: Akamai's problem details when a request failed with an error status.
  returned: on failure with an HTTP error status
  type: dict
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _iam
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridModule, InputError, Resource

# The options that only describe an API client to create or update.
PRESENT_ONLY = ('description', 'client_type', 'authorized_users', 'notification_emails', 'apis', 'all_apis', 'groups',
                'clone_authorized_user_groups', 'allow_account_switch', 'can_auto_create_credential', 'ip_acl')


class Client(Resource):
    """One API client, found by client_id or name (the hooks of EdgeGridModule.converge; neutral dicts, see
    _iam.client_from_api; _iam.ApiClients sends the requests). Only what the task sets is compared and written."""

    key = 'api_client'
    settles = True

    def __init__(self, module):
        super(Client, self).__init__(module)
        self.api = None
        self.spec = None  # the create to send
        self.changes = {}  # the update to send
        self._self_client = None
        self._allowed_apis = {}  # user -> the APIs that user may grant, read once per run

    # -- input ---------------------------------------------------------------------------------------------------

    def validate(self):
        """Fail (InputError) on options that contradict each other, before any request."""
        params = self.params
        if params['description'] is not None and not params['description'].strip():
            raise InputError('description cannot be empty (Akamai requires at least one character)')
        if params['name'] is not None and not params['name'].strip():
            raise InputError('name cannot be empty')
        for address in params['notification_emails'] or []:
            if '@' not in address:
                raise InputError('notification_emails: %r is not an email address' % address)
        if params['authorized_users'] is not None and not params['authorized_users']:
            raise InputError('authorized_users cannot be empty')
        if params['all_apis'] and params['apis'] is not None:
            raise InputError('apis cannot be given with all_apis=true')
        if params['clone_authorized_user_groups'] and params['groups'] is not None:
            raise InputError('groups cannot be given with clone_authorized_user_groups=true')
        apis = params['apis'] or []
        if len(apis) > _iam.MAX_APIS:
            raise InputError('apis: an API client may access at most %d APIs, got %d' % (_iam.MAX_APIS, len(apis)))
        for index, api in enumerate(apis):
            if (api['api_id'] is None) == (api['name'] is None):
                raise InputError('apis[%d]: give either api_id or name' % index)
        seen = set()
        for index, grp in enumerate(params['groups'] or []):
            if grp['group_id'] in seen:
                raise InputError('groups[%d]: group_id %s is listed twice' % (index, grp['group_id']))
            seen.add(grp['group_id'])
        if params['state'] == 'absent':
            for option in PRESENT_ONLY:
                if params[option] is not None:
                    raise InputError('%s cannot be used with state=absent' % option)
        if not params['client_id'] and not params['name']:
            raise InputError('one of name or client_id is required')
        _iam.check_client_id(params['client_id'])

    # -- reads ---------------------------------------------------------------------------------------------------

    def find(self):
        """The API client (with its accesses), or None; the input is checked first."""
        self.validate()
        # The API clients' wire, built now: the client is built from the auth options after the input is checked.
        self.api = _iam.ApiClients(self.module.client)
        params = self.params
        if params['client_id']:
            return self.api.get(params['client_id'])
        listing = self.api.list(cacheable=True)
        matches = [item for item in listing if item.get('name') == params['name']]
        if len(matches) > 1:
            raise InputError('%d API clients are named %r (client IDs %s): give client_id'
                             % (len(matches), params['name'], ', '.join(str(m.get('client_id')) for m in matches)))
        if not matches:
            return None
        found = self.api.get(matches[0]['client_id'])
        if found is None:
            raise InputError('API client %s (%r) was listed but cannot be read'
                             % (matches[0]['client_id'], params['name']))
        return found

    def self_client(self):
        if self._self_client is None:
            self._self_client = self.api.get(_iam.SELF, detail=False, missing_ok=False) or {}
        return self._self_client

    def resolve_apis(self, users):
        """The desired apis as [{'api_id', 'access_level', 'name', 'endpoint'}], names looked up."""
        wanted = self.params['apis']
        if wanted is None:
            return None
        allowed = None
        out = []
        for index, api in enumerate(wanted):
            if api['api_id'] is not None:
                out.append({'api_id': api['api_id'], 'access_level': api['access_level']})
                continue
            if allowed is None:
                if not users:
                    raise InputError('apis[%d]: name %r cannot be looked up without authorized_users'
                                     % (index, api['name']))
                allowed = self.allowed_apis(users[0])
            matches = [entry for entry in allowed if _iam.api_name_matches(entry, api['name'])]
            if len(matches) != 1:
                known = ', '.join(sorted('%s (%s)' % (e.get('name'), e.get('endpoint')) for e in allowed))
                raise InputError('apis[%d]: %s API matches the name %r among those user %s may grant: %s'
                                 % (index, 'no' if not matches else 'more than one', api['name'], users[0], known))
            entry = matches[0]
            levels = entry.get('access_levels')
            if levels and api['access_level'] not in levels:
                raise InputError('apis[%d]: %s can be granted only %s' % (index, entry.get('name'), ', '.join(levels)))
            out.append({'api_id': entry.get('api_id'), 'access_level': api['access_level'],
                        'name': entry.get('name'), 'endpoint': entry.get('endpoint')})
        ids = [api['api_id'] for api in out]
        duplicates = sorted(set(i for i in ids if ids.count(i) > 1))
        if duplicates:
            raise InputError('apis: API %s is listed more than once' % ', '.join(str(i) for i in duplicates))
        return out

    def allowed_apis(self, user):
        """The APIs `user` may grant (one read per user and run)."""
        if user not in self._allowed_apis:
            self._allowed_apis[user] = self.api.allowed_apis(user)
        return self._allowed_apis[user]

    def check_api_ids(self, apis, users):
        """Fail before any write when an API given by apis[].api_id is not one the authorized user may grant, or
        not at that access level (one read: the user's allowed APIs). Without an authorized user the API's answer
        to the write is the check."""
        given = [(index, api) for index, api in enumerate(apis or []) if 'name' not in api]
        if not given or not users:
            return
        allowed = dict((entry.get('api_id'), entry) for entry in self.allowed_apis(users[0]))
        for index, api in given:
            entry = allowed.get(api['api_id'])
            if entry is None:
                raise InputError('apis[%d]: api_id %s is not one of the %d APIs user %s may grant'
                                 % (index, api['api_id'], len(allowed), users[0]))
            levels = entry.get('access_levels')
            if levels and api['access_level'] not in levels:
                raise InputError('apis[%d]: %s can be granted only %s' % (index, entry.get('name'), ', '.join(levels)))

    def check_groups(self, users):
        """Fail before any write when a group of `groups` is not one the authorized user may grant."""
        wanted = [grp['group_id'] for grp in self.params['groups'] or []]
        if not wanted or not users:
            return
        known = self.api.grantable_group_ids(users[0])
        unknown = [group_id for group_id in wanted if group_id not in known]
        if unknown:
            raise InputError('groups: group %s is not a group user %s may grant (groups: %s); nothing was changed'
                             % (', '.join(str(g) for g in unknown), users[0],
                                ', '.join(str(g) for g in sorted(g for g in known if g is not None)) or 'none'))

    # -- the hooks -----------------------------------------------------------------------------------------------

    def desired(self, current):
        if current is None:
            return self.desired_new()
        params = self.params
        changes = {}
        if params['client_type'] is not None and params['client_type'] != current.get('client_type'):
            raise InputError('client_type of API client %s is %s and cannot be changed to %s'
                             % (current.get('client_id'), current.get('client_type'), params['client_type']))
        if params['client_id'] and params['name'] is not None and params['name'] != current.get('name'):
            changes['name'] = params['name']
        if params['description'] is not None and params['description'] != current.get('description'):
            changes['description'] = params['description']
        for option in ('notification_emails', 'authorized_users'):
            if params[option] is not None and sorted(set(params[option])) != sorted(set(current.get(option) or [])):
                changes[option] = list(params[option])
        for option in ('allow_account_switch', 'can_auto_create_credential'):
            if params[option] is not None and params[option] != bool(current.get(option)):
                changes[option] = params[option]
        if params['ip_acl'] is not None:
            acl = current.get('ip_acl') or {}
            wanted = params['ip_acl']
            if bool(wanted.get('enable')) != bool(acl.get('enable')) \
                    or set(wanted.get('cidr') or []) != set(acl.get('cidr') or []):
                changes['ip_acl'] = wanted
        changes.update(self.desired_access(current, 'all_apis', 'apis', self.wanted_apis))
        changes.update(self.desired_access(current, 'clone_authorized_user_groups', 'groups', self.wanted_groups))
        self.changes = changes
        return self.api.preview_update(current, changes) if changes else current

    def desired_new(self):
        """The API client a create would make (the create to send is kept in self.spec)."""
        params = self.params
        if params['client_id']:
            raise InputError('API client %s does not exist (or is not in this account); nothing was created'
                             % params['client_id'])
        if params['apis'] is None and not params['all_apis']:
            raise InputError('apis (or all_apis=true) is required to create an API client')
        if params['all_apis'] is False and not params['apis']:
            raise InputError('apis is required to create an API client with all_apis=false')
        spec = dict(params)
        if spec['authorized_users'] is None:
            users = self.self_client().get('authorized_users') or []
            if not users:
                raise InputError('authorized_users is required: the API client that signs the request has none to copy')
            spec['authorized_users'] = list(users[:1])
        spec['apis'] = self.resolve_apis(spec['authorized_users'])
        self.check_api_ids(spec['apis'], spec['authorized_users'])
        clone = params['clone_authorized_user_groups']
        if clone is None:
            clone = params['groups'] is None
        if not clone and params['groups'] is None:
            raise InputError('groups is required with clone_authorized_user_groups=false')
        self.check_groups(spec['authorized_users'])
        spec['clone_authorized_user_groups'] = clone
        self.spec = spec
        return self.api.preview_create(spec)

    def desired_access(self, current, flag, items, wanted):
        """The access to change, else {}: {flag: True} to give every API or the groups of the authorized user
        (all_apis, clone_authorized_user_groups), or {flag: False, items: the list} when wanted(current,
        current flag) returns one (None: no change)."""
        params = self.params
        current_flag = bool(current.get(flag))
        if params[flag]:
            return {} if current_flag else {flag: True}
        if params[items] is None:
            if params[flag] is False and current_flag:
                raise InputError('apis is required to turn all_apis off' if items == 'apis'
                                 else 'groups is required with clone_authorized_user_groups=false')
            return {}
        listed = wanted(current, current_flag)
        return {} if listed is None else {flag: False, items: listed}

    def wanted_apis(self, current, current_all):
        """The APIs the task sets (names looked up), None when the API client has just these."""
        users = self.params['authorized_users'] or current.get('authorized_users') or []
        apis = self.resolve_apis(users)
        have = set((api.get('api_id'), api.get('access_level')) for api in current.get('apis') or [])
        want = set((api['api_id'], api['access_level']) for api in apis)
        if not current_all and have == want:
            return None
        self.check_api_ids(apis, users)  # a write follows: its APIs are checked first
        return apis

    def wanted_groups(self, current, current_clone):
        """The groups the task sets (checked first), None when the API client has just these, in the same roles."""
        params = self.params
        self.check_groups(params['authorized_users'] or current.get('authorized_users') or [])
        have = dict((grp.get('group_id'), grp) for grp in current.get('groups') or [])
        same = not current_clone and set(have) == set(grp['group_id'] for grp in params['groups'])
        if same:
            for grp in params['groups']:
                old = have[grp['group_id']]
                if old.get('role_id') != grp['role_id']:
                    same = False
                if grp['is_blocked'] is not None and bool(old.get('is_blocked')) != grp['is_blocked']:
                    same = False
        return None if same else params['groups']

    def differs(self, current, desired):
        return bool(self.changes)

    def create(self, desired):
        return self.api.create(self.spec)

    def update(self, current, desired):
        return self.api.update(current, self.changes)

    def check_delete(self, current):
        active = current.get('active_credential_count') or 0
        if active:
            raise InputError('API client %s (%s) has %d ACTIVE credential(s); deactivate them first (for example with '
                             'edgegrid.access.api_credential status=inactive or state=absent). Nothing was changed.'
                             % (current.get('client_id'), current.get('name'), active),
                             result={self.key: current})

    def delete(self, current):
        self.api.delete(current['client_id'])


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            name=dict(type='str'),
            client_id=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            description=dict(type='str'),
            client_type=dict(type='str', choices=list(_iam.CLIENT_TYPES)),
            authorized_users=dict(type='list', elements='str'),
            notification_emails=dict(type='list', elements='str'),
            apis=dict(type='list', elements='dict', options=dict(
                api_id=dict(type='int'),
                name=dict(type='str'),
                access_level=dict(type='str', default='READ-ONLY', choices=list(_iam.ACCESS_LEVELS)),
            )),
            all_apis=dict(type='bool'),
            groups=dict(type='list', elements='dict', options=dict(
                group_id=dict(type='int', required=True),
                role_id=dict(type='int', required=True),
                is_blocked=dict(type='bool'),
            )),
            clone_authorized_user_groups=dict(type='bool'),
            allow_account_switch=dict(type='bool'),
            can_auto_create_credential=dict(type='bool'),
            ip_acl=dict(type='dict', options=dict(
                enable=dict(type='bool', required=True),
                cidr=dict(type='list', elements='str', default=[]),
            )),
        ),
        required_one_of=[('name', 'client_id')],
    )
    module.execute(module.converge, Client(module), module.params['state'])


if __name__ == '__main__':
    main()
