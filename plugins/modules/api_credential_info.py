#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_credential_info
short_description: List the credentials of an Akamai API client
version_added: 0.1.0
description:
  - Lists the EdgeGrid credentials of an Akamai API client, or gets one, through the Identity and Access
    Management API v3, with their status and expiry.
  - Never returns a client secret (Akamai shows it only when a credential is created).
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  client_id:
    description:
      - The API client, by its client ID. V(self) is the API client whose credentials sign the request.
      - Mutually exclusive with O(client_ids).
    type: str
    default: self
  client_ids:
    description:
      - The credentials of several API clients, by their client IDs (V(self) among them if wanted), in one task;
        returned in RV(api_clients), not in RV(credentials). Their listings are read side by side (at most 4 at
        once), one request per API client.
      - When the credentials of one of them cannot be read, the task fails naming it (C(client_ids[i] (client ID))
        begins the message); RV(api_clients) still holds every API client, the credentials of those read and, for
        each one not read, its C(msg) and Akamai's problem details (C(error)).
      - Mutually exclusive with O(client_id), O(credential_id) and O(credential_client_token); O(status) and
        O(description) filter the credentials of each.
    type: list
    elements: str
    version_added: 0.2.0
  credential_id:
    description:
      - Only the credential with this ID. A credential ID that does not exist is an error.
      - Mutually exclusive with O(credential_client_token).
    type: int
  credential_client_token:
    description:
      - Only the credential with this client token (the C(client_token) of an C(.edgerc) section; not secret).
        A client token that matches no credential is an error.
      - Mutually exclusive with O(credential_id).
    type: str
  status:
    description: Only the credentials with this status.
    type: str
    choices: [active, inactive]
  description:
    description: Only the credentials with exactly this description.
    type: str
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.info_module
notes:
  - The C(expired) and C(expires_in_days) of each of RV(credentials) are judged on the clock of the machine that
    runs the module.
seealso:
  - module: edgegrid.access.api_credential
'''

EXAMPLES = r'''
- name: List the credentials of the API client that signs the request
  edgegrid.access.api_credential_info:
  register: mine

- name: Credentials that expire within 30 days
  ansible.builtin.debug:
    msg: "{{ mine.credentials | selectattr('status', '==', 'active') | selectattr('expires_in_days', '<', 30) }}"

- name: Which credential does the production section sign with?
  edgegrid.access.api_credential_info:
    section: production
    credential_client_token: "{{ lookup('edgegrid.access.edgerc', 'production').client_token }}"
  register: production_credential

- name: The INACTIVE credentials of another API client
  edgegrid.access.api_credential_info:
    client_id: k3qx5ujmzhzbttfk
    status: inactive
- name: Every API client of the account
  edgegrid.access.api_client_info:
  register: clients
- name: The ACTIVE credentials of each of them, in one task (read side by side)
  edgegrid.access.api_credential_info:
    client_ids: "{{ clients.api_clients | map(attribute='client_id') | list }}"
    status: active
  register: each
- name: How many ACTIVE credentials each API client holds
  ansible.builtin.debug:
    msg: "{{ each.api_clients | items2dict(key_name='client_id', value_name='credentials') | dict2items
             | map(attribute='value') | map('length') | list }}"
'''

RETURN = r'''
credentials:
  description:
    - The credentials that match, oldest first, each as M(edgegrid.access.api_credential) returns one in
      RV(edgegrid.access.api_credential#module:credential) (C(credential_id), C(client_token), C(status),
      C(description), C(created_on), C(expires_on), C(max_allowed_expiry), C(expired), C(expires_in_days),
      C(signing)), with the members below. Never a client secret.
    - An expired credential may still be listed as active.
  returned: unless O(client_ids) is given
  type: list
  elements: dict
  sample:
    - credential_id: 14111
      client_token: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx
      status: active
      description: ci-pipeline
      created_on: "2025-11-01T23:06:59.000Z"
      expires_on: "2027-11-01T23:06:59.000Z"
      max_allowed_expiry: "2027-11-24T17:00:00.000Z"
      expired: false
      expires_in_days: 729
      signing: true
      managed: false
      secret_stored: null
      abandoned: false
  contains:
    managed:
      description:
        - Whether this collection created the credential (as a rotation, or still marked pending), judged by its
          description (see P(edgegrid.access.rotation_plan#filter)).
      type: bool
      sample: true
    secret_stored:
      description:
        - For a credential this collection created, whether its secret was stored (C(.edgerc) section, or returned
          to the task), false while it is still marked pending. V(null) for other credentials.
      type: bool
      sample: true
    abandoned:
      description:
        - Whether the credential is still marked pending and the run that created it is provably gone (its process on
          this host no longer exists, or it is older than 15 minutes). Nobody holds its secret; the next rotation
          or create deletes it.
      type: bool
      sample: false
client_id:
  description: The API client whose credentials are listed, as given (V(self) or a client ID).
  returned: unless O(client_ids) is given
  type: str
  sample: self
api_clients:
  description:
    - With O(client_ids), one item per client ID given, in their order.
  returned: when O(client_ids) is given
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    client_id:
      description: The client ID, as given.
      type: str
      sample: k3qx5ujmzhzbttfk
    credentials:
      description: Its credentials that match, as RV(credentials) holds them; V(null) when they could not be read.
      type: list
      elements: dict
    msg:
      description: Why its credentials could not be read.
      returned: when they could not be read
      type: str
    error:
      description: Akamai's problem details of the failed read.
      returned: when they could not be read and the API answered with an error
      type: dict
signed_with:
  description:
    - The C(.edgerc) file and section whose credential signed the request, wherever they were named (the task's
      options, C(module_defaults), the E(AKAMAI_EDGERC) and E(AKAMAI_EDGERC_SECTION) variables, or the defaults).
    - Both V(null) when the credential was given by the options O(host), O(client_token), O(client_secret) and
      O(access_token) (or their environment variables) instead.
    - The C(edgegrid.access.credential_rotation) role reads it to find the section to rotate when its own
      variables do not name one.
  returned: always
  type: dict
  contains:
    edgerc:
      description: The absolute path of the C(.edgerc) file.
      type: str
      sample: /home/deploy/.edgerc
    section:
      description: The name of the section whose credential signed the request.
      type: str
      sample: default
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _funnel, _iam, _rotation
from ansible_collections.edgegrid.access.plugins.module_utils._module import EdgeGridError, EdgeGridModule, InputError


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            client_id=dict(type='str', default=_iam.SELF),
            client_ids=dict(type='list', elements='str'),
            credential_id=dict(type='int'),
            credential_client_token=dict(type='str', no_log=False),
            status=dict(type='str', choices=['active', 'inactive']),
            description=dict(type='str'),
        ),
        mutually_exclusive=[('credential_id', 'credential_client_token'), ('client_ids', 'credential_id'),
                            ('client_ids', 'credential_client_token')],
    )
    module.execute(run, module)


def shown(module, listed):
    """The credentials of one API client as the module returns them (expiry, signing, ownership), filtered by
    status and description, oldest first."""
    params = module.params
    signing = module.client.config.client_token
    credentials = []
    for item in listed:
        cred = _iam.credential_with_expiry(item)
        cred['signing'] = bool(cred.get('client_token')) and cred.get('client_token') == signing
        cred.update(_rotation.ownership(cred))
        credentials.append(cred)
    if params['status'] is not None:
        credentials = [c for c in credentials if c.get('status') == params['status']]
    if params['description'] is not None:
        credentials = [c for c in credentials if c.get('description') == params['description']]
    credentials.sort(key=lambda c: (c.get('created_on') or '', c.get('credential_id') or 0))
    return credentials


def run(module):
    params = module.params
    if params['client_ids'] is not None:
        return run_many(module)
    _iam.check_client_id(params['client_id'])
    client_id = params['client_id'] or _iam.SELF
    listed = _iam.Credentials(module.client).list(client_id)
    if params['credential_id'] is not None:
        listed = [c for c in listed if c.get('credential_id') == params['credential_id']]
        if not listed:
            raise InputError('credential_id %s is not a credential of API client %s'
                             % (params['credential_id'], client_id))
    if params['credential_client_token'] is not None:
        listed = [c for c in listed if c.get('client_token') == params['credential_client_token']]
        if not listed:
            raise InputError('no credential of API client %s has the credential_client_token given' % client_id)
    module.exit_json(changed=False, credentials=shown(module, listed), client_id=client_id,
                     signed_with=module.signed_with())


def run_many(module):
    """client_ids: each client's credentials, read side by side (_iam.Credentials.list_many); a client whose read
    failed is named in the message of the failed task, every client (read or not) in `api_clients`."""
    params = module.params
    if module.params['client_id'] != _iam.SELF:
        raise InputError('client_id and client_ids are mutually exclusive: give the API clients in client_ids')
    client_ids = params['client_ids']
    for index, client_id in enumerate(client_ids):
        _iam.check_client_id(client_id, 'client_ids[%d]' % index)
        if not isinstance(client_id, str) or not client_id.strip():
            raise InputError('client_ids[%d]: a client ID must be a non-empty string; nothing was read' % index)
    outcomes = _iam.Credentials(module.client).list_many(client_ids)
    clients, failures = [], []
    for index, (client_id, outcome) in enumerate(zip(client_ids, outcomes)):
        if isinstance(outcome, EdgeGridError):
            item = dict(_funnel.failure(outcome), client_id=client_id, credentials=None, msg=str(outcome))
            failures.append('client_ids[%d] (%s): %s' % (index, client_id, outcome))
        else:
            item = dict(client_id=client_id, credentials=shown(module, outcome))
        clients.append(item)
    if failures:
        raise EdgeGridError('; '.join(failures), result=dict(api_clients=clients))
    module.exit_json(changed=False, api_clients=clients, signed_with=module.signed_with())


if __name__ == '__main__':
    main()
