#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: edgekv_token
short_description: Manage an EdgeKV access token
version_added: 0.1.0
description:
  - Creates, refreshes and revokes an EdgeKV access token, the token that lets EdgeWorkers read, write or
    delete the data of EdgeKV namespaces.
  - Follows EdgeKV's enhanced token workflow (since 2024-08-30). A token created without O(expiry) refreshes
    itself and never expires (the API reports C(expiry) as C(9999-12-31)). The API never returns the token
    value; EdgeWorkers find the token through its C(uuid), written into the C(edgekv_tokens.js) file of their
    code bundle (see O(tokens_js)).
  - B(A token cannot be edited.) Its namespace permissions, networks, EdgeWorker ids and expiry are fixed when
    it is created. When the token exists and one of the options given differs, the task fails, unless
    O(recreate=true) allows the module to revoke the token and create it again (see O(recreate) for what
    that does to deployed EdgeWorkers).
  - Only the options given are compared with the existing token.
  - One task keeps one token (O(name)) or many (O(tokens)). With O(tokens), every element's input is checked before
    any request, the tokens are read side by side (at most 4 requests at once, Akamai's rate-limit headers
    honoured), every token's plan is made (a token that differs without O(recreate), a namespace that does not
    exist, fail the task before the first write), then the tokens are written one after the other, in the order
    of O(tokens).
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  name:
    description:
      - The name of the token, unique in the account; 1 to 32 characters of C(A-Z), C(a-z), C(0-9), C(_) and C(-).
      - Exactly one of O(name) and O(tokens) is required.
    type: str
  tokens:
    description:
      - Many tokens in one task, instead of O(name), each element one token with the options of one token.
      - With O(tokens), the top-level O(namespace_permissions), O(allow_on_staging), O(allow_on_production),
        O(edgeworker_ids) and O(expiry) cannot be set (each element sets its own); the top-level O(state),
        O(recreate), O(refresh), O(refresh_after_days) and O(tokens_js) are the defaults of the elements that do
        not set them.
      - A name declared twice, or two present tokens whose O(tokens[].namespace_permissions) name the same namespace
        and which write the same O(tokens_js) file, fail the task before any request. A token that declares no
        O(tokens[].namespace_permissions) holds the namespaces it has, and two tokens that would so take one entry of
        one file (by any path to it) fail the task once the tokens are read, before any write.
      - A failed read of the tokens fails the task before any write, with a message that begins C(tokens:).
      - A failure of one element fails the task with a message that begins with the element and its name, for
        example C(tokens[2] (catalog_prod)), with the results of the elements done before it in RV(edgekv_tokens),
        so that a re-run completes the rest.
      - An empty list sends no request.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: As O(name).
        type: str
        required: true
      state:
        description: As O(state). Default the top-level O(state).
        type: str
        choices: [present, absent]
      namespace_permissions:
        description: As O(namespace_permissions).
        type: dict
      allow_on_staging:
        description: As O(allow_on_staging).
        type: bool
      allow_on_production:
        description: As O(allow_on_production).
        type: bool
      edgeworker_ids:
        description: As O(edgeworker_ids).
        type: list
        elements: str
        aliases: [restrict_to_edgeworker_ids]
      expiry:
        description: As O(expiry).
        type: str
      recreate:
        description: As O(recreate). Default the top-level O(recreate).
        type: bool
      refresh:
        description:
          - As O(refresh). Default the top-level O(refresh), except for an element with its own O(tokens[].expiry),
            which is not refreshed unless it says so (a token with a fixed expiry cannot be refreshed).
        type: bool
      refresh_after_days:
        description: As O(refresh_after_days). Default the top-level O(refresh_after_days).
        type: int
      tokens_js:
        description:
          - As O(tokens_js). Default the top-level O(tokens_js).
          - Several tokens may keep one file; they must name different namespaces.
        type: dict
        suboptions:
          path:
            description: The path of the C(edgekv_tokens.js) file. Its directory must exist, unless
              O(tokens[].tokens_js.create_directory=true).
            type: path
            required: true
          create_directory:
            description: As O(tokens_js.create_directory).
            type: bool
            default: false
            version_added: 0.2.0
  state:
    description:
      - V(present) creates the token when it does not exist.
      - V(absent) revokes it (C(DELETE)); a revoked token cannot be restored. An expired token cannot be revoked
        and is left as it is (with a warning); the API purges it 30 days after its expiry.
    type: str
    choices: [present, absent]
    default: present
  namespace_permissions:
    description:
      - The namespaces the token gives access to, each with its permissions, V(r) (read), V(w) (write) and
        V(d) (delete), as a list (V([r, w])) or a string (V(rw)). At most 20 namespaces.
      - All the namespaces of one token need the same data access policy.
      - Before a token is created, the namespaces are read (one C(GET /edgekv/v1/networks/{network}/namespaces)); a
        namespace that does not exist, or namespaces of different data access policies, fail the task before
        anything is created.
      - Required to create the token.
    type: dict
  allow_on_staging:
    description:
      - Whether EdgeWorkers on Akamai's staging network may use the token.
      - To create a token, at least one of O(allow_on_staging) and O(allow_on_production) must be V(true);
        one not given counts as V(false).
    type: bool
  allow_on_production:
    description:
      - Whether EdgeWorkers on Akamai's production network may use the token.
    type: bool
  edgeworker_ids:
    description:
      - The EdgeWorker ids allowed to use the token (C(restrictToEdgeWorkerIds)). An empty list, or the option
        left out when creating, allows every EdgeWorker of the account.
      - The ids are not checked against the account before the create, as that needs a read of the EdgeWorkers API,
        which the API client may have no grant for. An id that does not exist is refused by the EdgeKV API with
        HTTP 400 (its problem details are returned) and no token is created.
    type: list
    elements: str
    aliases: [restrict_to_edgeworker_ids]
  expiry:
    description:
      - A fixed expiry date, C(YYYY-MM-DD), from today to at most six months ahead (UTC dates, as the API counts
        them). Such a token does not refresh itself, cannot be refreshed, and stops working at that date (the
        pre-2024 workflow). A date in the past or further ahead is refused before any request.
      - Leave it out (the normal case) for a token that refreshes itself and never expires.
    type: str
  recreate:
    description:
      - When the token exists with other permissions, networks, EdgeWorker ids or expiry than the options
        given, revoke it and create it again with the same name (the options not given keep the old token's
        values).
      - B(The new token has a new C(uuid).) Every EdgeWorker whose C(edgekv_tokens.js) holds the old one fails its
        EdgeKV requests from the moment the old token is revoked until its C(edgekv_tokens.js) is updated
        (O(tokens_js) updates one file) and a new version of the EdgeWorker bundle is activated. Plan a
        deployment right after, or create a token with another name, deploy, then revoke the old one.
      - With V(false), such a difference fails the task and changes nothing.
    type: bool
    default: false
  refresh:
    description:
      - Refresh the token (C(POST /tokens/{name}/refresh)) when a refresh is due.
      - A refresh is B(due) when the token's current value is at least O(refresh_after_days) days old, counted
        from its C(latestRefreshDate), or its C(issueDate) when it was never refreshed, to today (UTC).
      - The token keeps its C(uuid), so C(edgekv_tokens.js) and deployed EdgeWorkers need no change.
      - Tokens refresh themselves on their own schedule (C(nextScheduledRefreshDate)); a refresh by hand is
        for when a token value may have leaked, or to follow a rotation policy.
      - A token just created or recreated by the same task is not refreshed. A token with a fixed O(expiry)
        cannot be refreshed; a refresh due on one fails the task.
    type: bool
    default: false
  refresh_after_days:
    description:
      - The age, in days, at which a refresh is due (see O(refresh)).
      - V(0) forces a refresh on every run (the task then always reports a change).
    type: int
    default: 30
  tokens_js:
    description:
      - Keep the C(edgekv_tokens.js) file of an EdgeWorkers code bundle in step with the token.
      - With O(state=present), the file gets one entry per namespace of the token, keyed
        C(namespace-<namespace>), holding the token C(name) and its C(uuid) as C(reference), the format the EdgeKV
        helper library C(edgekv.js) (0.6.2 or later) reads. An entry of another token for the same namespace
        is replaced, and entries naming the token for namespaces it no longer has are removed. With
        O(state=absent), the entries that name the token are removed.
      - Other entries are kept. A file that changes is rewritten in a canonical form (comments are not kept),
        atomically, by the collection's one writer of files, a temporary file created with mode C(0600) in the
        same directory, fsynced, then renamed over the file. A file that cannot be parsed fails the task and is
        left as it is.
      - The entries this module writes hold the token name and its C(uuid), no secret (the token value stays with
        Akamai), so the file keeps its mode (a new file gets C(0644) less the umask). A file that still holds an
        entry with a token C(value) (written before the enhanced token workflow of 2024) holds a secret, and it is
        written with mode C(0600), and set to C(0600) when it lets group or others in (a change). The temporary
        file is C(0600) from its first byte either way.
      - Written only when its entries change. After the reads and before the first write of the task (not in check
        mode), every file the task will write is tried (a temporary file made and removed beside it), the file of a
        token to be created or recreated, and that of a token that exists as declared, is refreshed or is revoked
        when its entries change; a file whose only change is its mode (a file that holds a token value, above) has its
        mode tried. A file that cannot be written (a read-only or virtual file system, an immutable directory, an
        immutable or append-only file, which no permission check tells) fails the task with no token written, naming
        the element. A file that the task does not write is not tried.
    type: dict
    suboptions:
      path:
        description:
          - The path of the C(edgekv_tokens.js) file. Its directory must exist, unless
            O(tokens_js.create_directory=true).
          - A path that ends in C(/) names a directory, not a file, and fails before any request; so does a FIFO, a
            device or a socket.
          - A path that is empty or only white space, or a name of which begins or ends with white space (almost
            always a slip of templating, as in C("{{ dir }}/edgekv_tokens.js ")), fails before any request, naming the
            option.
          - A symbolic link as the file is written through, to the file it names; one whose target is in a directory
            that does not exist fails before any request, naming the link (the directory is not made, with
            O(tokens_js.create_directory=true) either).
          - A boolean, a dict or a list fails the task before any request (a number names a file).
        type: path
        required: true
      create_directory:
        description:
          - Make the missing directories of O(tokens_js.path) (as C(mkdir -p)), each with mode C(0755), for a token
            with O(state=present), after the reads and before the first write of the task (the token's create,
            recreate or refresh), whether or not the token changes. A directory that cannot be made fails the task
            before any write to the API, naming the option, and the directories made before it are removed.
            Directories that exist keep their mode.
          - They are checked before any request. A file on the way, a symbolic link on the way whose target does
            not exist (as C(mkdir -p), the directories are not made where it points), or a nearest existing
            directory this process may not write, fails the task before any write, naming the option and the path.
          - Nothing is made for a token with O(state=absent) (its file, which does not exist yet, is not written).
            In check mode nothing is made; a file in a directory that does not exist yet is a new file
            (a change). RV(tokens_js.directories_created) lists the directories made, or that would be.
          - With V(false), a missing directory fails the task before any request.
        type: bool
        default: false
        version_added: 0.2.0
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.attributes
  - edgegrid.access.attributes.write_module
attributes:
  check_mode:
    details:
      - Reads are sent in check mode; no write is sent and no file written.
      - When a token would be created, the fields the API assigns (C(uuid), dates, status) are missing from
        RV(edgekv_token).
  diff_mode:
    details:
      - The diff holds the token; when its C(edgekv_tokens.js) changes (or would), also C(tokens_js) with the file's
        C(path), its C(entries) (C(namespace-<ns>) to the token's C(name) and C(reference), its uuid; a legacy token
        C(value) masked) and, when only its mode is set, C(mode). A run that changes the file only shows that change.
      - In check mode, the entries of a token that would be created have an empty C(reference).
notes:
  - Needs an API client with READ-WRITE access to the EdgeKV API (a READ-ONLY one can only read).
  - Revoking a token that deployed EdgeWorkers still use breaks their EdgeKV requests.
seealso:
  - module: edgegrid.access.edgekv_token_info
  - name: Generate and retrieve EdgeKV access tokens
    description: How EdgeKV access tokens work, and the enhanced token workflow.
    link: https://techdocs.akamai.com/edgekv/docs/generate-and-retrieve-edgekv-access-tokens
  - name: EdgeKV helper library
    description: The C(edgekv.js) library that reads C(edgekv_tokens.js).
    link: https://github.com/akamai/edgeworkers-examples/tree/master/edgekv/lib
'''

EXAMPLES = r'''
- name: Create a token that reads and writes the default namespace on staging
  edgegrid.access.edgekv_token:
    name: catalog_staging
    namespace_permissions:
      default: [r, w]
    allow_on_staging: true
    section: staging

- name: Create a token for two EdgeWorkers and write it into their bundle's edgekv_tokens.js
  edgegrid.access.edgekv_token:
    name: catalog_prod
    namespace_permissions:
      default: [r]
      marketing: rw
    allow_on_production: true
    edgeworker_ids: ["42001", "42002"]
    tokens_js:
      path: "{{ playbook_dir }}/edgeworker/edgekv_tokens.js"

- name: Add delete permission (revokes and recreates the token; redeploy the EdgeWorker afterwards)
  edgegrid.access.edgekv_token:
    name: catalog_prod
    namespace_permissions:
      default: [r, w, d]
    recreate: true
    tokens_js:
      path: "{{ playbook_dir }}/edgeworker/edgekv_tokens.js"

- name: Refresh the token when its value is 30 days old or more
  edgegrid.access.edgekv_token:
    name: catalog_prod
    refresh: true

- name: Refresh it now, whatever its age
  edgegrid.access.edgekv_token:
    name: catalog_prod
    refresh: true
    refresh_after_days: 0

- name: Revoke the token
  edgegrid.access.edgekv_token:
    name: catalog_staging
    state: absent

- name: Keep three tokens in one task (read side by side), refreshed when due, in one edgekv_tokens.js
  edgegrid.access.edgekv_token:
    refresh: true
    tokens_js:
      path: "{{ playbook_dir }}/edgeworker/edgekv_tokens.js"
    tokens:
      - name: catalog_read
        namespace_permissions: {default: [r]}
        allow_on_production: true
      - name: catalog_write
        namespace_permissions: {marketing: [r, w]}
        allow_on_production: true
        edgeworker_ids: ["42001"]
      - name: catalog_old
        state: absent
  register: kept

- name: Show what each token's task did
  ansible.builtin.debug:
    msg: "{{ kept.edgekv_tokens | items2dict(key_name='name', value_name='actions') }}"
'''

RETURN = r'''
edgekv_token:
  description:
    - The token after the task (as it would be, in check mode); empty when it does not exist.
    - The token value is never returned (the API does not return it).
  returned: with O(name)
  type: dict
  contains:
    name:
      description: The name of the token.
      type: str
      sample: catalog_prod
    uuid:
      description: The token's reference, which C(edgekv_tokens.js) holds as C(reference).
      type: str
      sample: fa3a7ae0-1b0c-45c7-adc3-f0638c6b7466
    expiry:
      description: The expiry date; C(9999-12-31) for a token that refreshes itself.
      type: str
      sample: '9999-12-31'
    auto_refresh:
      description: Whether the token refreshes itself (it has no fixed expiry).
      type: bool
      sample: true
    token_activation_status:
      description: C(IN_PROGRESS) while a new or refreshed token propagates, then C(COMPLETE).
      type: str
      sample: COMPLETE
    issue_date:
      description: The date the token was created.
      type: str
      sample: '2026-11-24'
    latest_refresh_date:
      description: The date of the latest refresh; null when never refreshed.
      type: str
      sample: '2026-12-01'
    next_scheduled_refresh_date:
      description: The date of the next automatic refresh.
      type: str
      sample: '2027-01-24'
    cpcode:
      description: The CP code of the EdgeKV database.
      type: str
      sample: '1234567'
    namespace_permissions:
      description: The namespaces and their permissions.
      type: dict
      sample: {"default": ["r", "w"]}
    allow_on_staging:
      description: Whether the token works on the staging network.
      type: bool
    allow_on_production:
      description: Whether the token works on the production network.
      type: bool
    edgeworker_ids:
      description: The EdgeWorker ids allowed to use the token; empty for every EdgeWorker.
      type: list
      elements: str
      sample: ["42001"]
actions:
  description: What the task did (or would do, in check mode), in order.
  returned: with O(name)
  type: list
  elements: str
  sample: [revoke, create]
edgekv_tokens:
  description:
    - With O(tokens), one item per element, in their order, each as a task with O(name) returns it.
    - When an element fails, the items of the elements before it, then its own with C(failed=true) (and, when it was
      revoked but could not be created again, C(actions=[revoke]) and C(changed=true)); the elements after it are
      not listed. When the first refusal found while the tokens are read, before any write (a token that has
      expired, two tokens that would take one entry of one C(edgekv_tokens.js) once their namespaces are read), names
      elements, the items of those elements, each with C(failed=true); when a read fails, none. A declaration
      refused before any request (one name given twice, two tokens that declare one namespace of one file) fails
      with no items (C(Nothing was sent)).
    - In diff mode, the diff holds the tokens that change (or would), keyed by name (with their C(edgekv_tokens.js),
      see the diff_mode attribute).
  returned: with O(tokens)
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    name:
      description: The name of the token (O(tokens[].name)).
      type: str
      sample: catalog_read
    changed:
      description: Whether the token, or its C(edgekv_tokens.js) file, changed (or would).
      type: bool
    edgekv_token:
      description: As RV(edgekv_token).
      type: dict
    actions:
      description: As RV(actions).
      type: list
      elements: str
      sample: [create]
    tokens_js:
      description: As RV(tokens_js), when the element has a O(tokens[].tokens_js) (its own or the top-level one).
      type: dict
    failed:
      description: Present and true on the element that failed the task.
      type: bool
tokens_js:
  description: The C(edgekv_tokens.js) file, with O(tokens_js) (and O(name)).
  returned: when O(tokens_js) is set, with O(name)
  type: dict
  contains:
    path:
      description: The path of the file.
      type: str
    changed:
      description: Whether the file was (or would be) written.
      type: bool
    set:
      description: The entries set or replaced.
      type: list
      elements: str
      sample: [namespace-default]
    removed:
      description: The entries removed.
      type: list
      elements: str
    mode_fixed:
      description:
        - Whether the file's mode was (or would be) set to C(0600) although its entries did not change, because
          it holds a token C(value) and let group or others in.
      type: bool
      sample: false
    directories_created:
      description:
        - The directories made (mode C(0755)) for the file with O(tokens_js.create_directory=true), outermost
          first, or that would be, in check mode; empty when its directory exists.
      type: list
      elements: str
      sample: [/srv/bundle/edgeworker]
      version_added: 0.2.0
    entries:
      description:
        - The entries of the file after the task, with their C(name) and C(reference).
        - In check mode, the entries of a token that would be created have an empty C(reference) (its C(uuid) is
          not known yet).
      type: dict
      sample: {"namespace-default": {"name": "catalog_prod", "reference": "fa3a7ae0-1b0c-45c7-adc3-f0638c6b7466"}}
'''

import os
import stat
from datetime import datetime, timezone

from ansible_collections.edgegrid.access.plugins.module_utils import _edgekv, _files, _funnel
from ansible_collections.edgegrid.access.plugins.module_utils._module import (ApiError, EdgeGridError, EdgeGridModule,
                                                                              InputError, Resource, TransportError,
                                                                              list_form)


# The options of one token: `name` and, with `tokens`, each element. In an element, state, recreate, refresh,
# refresh_after_days and tokens_js have no default of their own: one not set takes the top-level option's value.
TOKEN_OPTIONS = dict(
    namespace_permissions=dict(type='dict'),
    allow_on_staging=dict(type='bool'),
    allow_on_production=dict(type='bool'),
    edgeworker_ids=dict(type='list', elements='str', aliases=['restrict_to_edgeworker_ids']),
    expiry=dict(type='str'),
)
TOKENS_JS_OPTION = dict(type='dict', no_log=False, options=dict(
    path=dict(type='path', required=True),
    create_directory=dict(type='bool', default=False),
))
# The top-level options that serve as the defaults of the elements of `tokens` (refresh only for a token without a
# fixed expiry: token_builder).
ELEMENT_DEFAULTS = ('state', 'recreate', 'refresh', 'refresh_after_days', 'tokens_js')


def main():
    module = EdgeGridModule(
        required_one_of=[['name', 'tokens']],
        supports_check_mode=True,
        **list_form(dict(
            TOKEN_OPTIONS,
            name=dict(type='str'),
            tokens=dict(type='list', elements='dict', no_log=False),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            recreate=dict(type='bool', default=False),
            refresh=dict(type='bool', default=False),
            refresh_after_days=dict(type='int', default=30),
            tokens_js=TOKENS_JS_OPTION,
        ), 'tokens', TOKEN_OPTIONS, ELEMENT_DEFAULTS, keys=dict(name=dict(type='str', required=True)))
    )
    module.converge_one_or_many('tokens', 'edgekv_tokens', token_builder(module),
                                [option for option in ELEMENT_DEFAULTS if option != 'refresh'], check_declarations)


def token_builder(module):
    """The builder of EdgeGridModule.converge_one_or_many: the Token of `name`, or of an element of `tokens` (its
    defaults filled in from the top level). Before any request check_declarations refuses a name declared twice or a
    namespace entry of one edgekv_tokens.js claimed by two tokens; then converge_many checks each element's input and
    reads the tokens side by side (Token.find_many)."""

    # In check mode, the text each edgekv_tokens.js would have after the tokens planned so far (by real path): the
    # file is not written, and a token after another that shares its file is planned from what that one would write.
    planned = {}

    def build(params, index):
        if params is None:
            return Token(module, planned=planned)
        if params.get('refresh') is None:
            # A token with a fixed expiry cannot be refreshed: the top-level refresh is not its default (a refresh
            # due on it would fail every run once it is due).
            params['refresh'] = False if params.get('expiry') is not None else module.params['refresh']
        return Token(module, params, 'tokens[%d].' % index, planned=planned)

    return build


def check_declarations(tokens):
    """Before any request: refuse (InputError) one name declared twice, and two present tokens whose declared
    namespaces would each take the entry of one namespace in one edgekv_tokens.js (they would take it in turn on
    every run)."""
    seen = {}
    for token in tokens:
        name = token.params['name']
        if name in seen:
            raise InputError('tokens: EdgeKV token %s is declared more than once (%sname and %sname); a name is one '
                             'token. Nothing was sent.' % (name, seen[name], token.where))
        seen[name] = token.where
    check_entries(tokens, dict((token.name, token.params['namespace_permissions']) for token in tokens),
                  'Nothing was sent.')


def check_entries(tokens, namespaces, outcome):
    """Refuse (InputError) two present tokens that would each hold the entry of one namespace in one
    edgekv_tokens.js (the same file by any path: links and `..` resolved). `namespaces`: {token name: its namespace
    permissions (a dict, or None when not known)}; `outcome` ends the message."""
    slots = {}
    for token in tokens:
        held = namespaces.get(token.name)
        if token.params['state'] != 'present' or not token.params['tokens_js'] or not isinstance(held, dict):
            continue
        path = os.path.realpath(token.params['tokens_js']['path'])
        for namespace in held:
            other = slots.setdefault((path, namespace), token)
            if other is not token:
                raise InputError('tokens: the entry namespace-%s of %s is claimed by the tokens %s (%s) and %s (%s); '
                                 'an edgekv_tokens.js file holds one token per namespace: give each namespace one '
                                 'token, or write the tokens to different files. %s'
                                 % (namespace, token.params['tokens_js']['path'], other.name, other.where[:-1],
                                    token.name, token.where[:-1], outcome), elements=[other, token])


def checked_input(params, where=''):
    """The create-only fields the task sets, in the neutral shape (None: not set), after every check of the input
    (raising InputError naming the option, prefixed with `where`, e.g. 'tokens[2].'), before any request."""
    _edgekv.check_name(params['name'], option=where + 'name')
    wanted = dict(
        namespace_permissions=(_edgekv.normalize_permissions(params['namespace_permissions'],
                                                             option=where + 'namespace_permissions')
                               if params['namespace_permissions'] is not None else None),
        allow_on_staging=params['allow_on_staging'],
        allow_on_production=params['allow_on_production'],
        edgeworker_ids=(_edgekv.normalize_edgeworker_ids(params['edgeworker_ids'], option=where + 'edgeworker_ids')
                        if params['edgeworker_ids'] is not None else None),
        expiry=_edgekv.check_expiry(params['expiry'], option=where + 'expiry'),
    )
    if params['allow_on_staging'] is False and params['allow_on_production'] is False:
        raise InputError('%sallow_on_staging and %sallow_on_production are both false: a token must be allowed on at '
                         'least one network' % (where, where))
    if params['refresh_after_days'] < 0:
        raise InputError('%srefresh_after_days must be 0 or more, got %d' % (where, params['refresh_after_days']))
    if params['tokens_js']:
        # The file is checked before the token is touched: a token made or revoked while its file cannot follow
        # would leave the two out of step.
        try:
            _edgekv.check_tokens_js(params['tokens_js']['path'], params['tokens_js'].get('create_directory'),
                                    option=where + 'tokens_js')
        except _edgekv.EdgeKVError as exc:
            raise _edgekv.EdgeKVError('%s; nothing was changed' % exc) from None
    return wanted


class Token(Resource):
    """An EdgeKV access token, found by name (the hooks of EdgeGridModule.converge).

    A token cannot change in place: a change of a create-only field is a revoke and a create (with `recreate`), and
    `refresh` renews the token's value when due. `actions` (returned) lists the writes, done or (check mode) due:
    'create', 'revoke', 'refresh'. With `tokens_js`, the edgekv_tokens.js file follows the token.
    """

    key = 'edgekv_token'
    # A write whose answer was lost is settled by reading the token again (EdgeGridModule._settle): its uuid and
    # value are read back by GET /tokens/{name}, nothing is lost with the answer. `executed` keeps the actions
    # carried out for the result (the plan made from the read after them has none).
    settles = True

    def __init__(self, module, params=None, where='', planned=None):
        """`params`: the options of this token (an element of `tokens`, its defaults filled in); the module's when
        None. `where`: the prefix of the options in messages ('tokens[2].' for an element, '' for `name`).
        `planned`: shared by the tokens of one task, in check mode the text each edgekv_tokens.js would have after
        the tokens before this one (by real path)."""
        super(Token, self).__init__(module)
        self.planned = {} if planned is None else planned
        if params is not None:
            self.params = params
        self.where = where
        self.name = self.params['name']
        self.label = self.name
        self.wanted = None  # the create-only fields the task sets (checked_input)
        self.tokens = None  # _edgekv.Tokens, built once the input is checked
        self.spec = None  # the token to create (create_spec), when one is
        self.actions = []
        self.executed = None  # the actions of the write carried out (create, update), for the result
        self.directories_made = []  # the directories of the edgekv_tokens.js made before the first write (prepare)
        self.current = None  # the token as read (_found), for the edgekv_tokens.js it leaves (prepare)
        self.file_diff = None  # (before, after) of the edgekv_tokens.js when it changes (or would), for the diff

    def check(self):
        self.wanted = checked_input(self.params, self.where)

    @classmethod
    def find_many(cls, resources):
        """The tokens of `resources`, read side by side (_edgekv.Tokens.get_many)."""
        tokens = _edgekv.Tokens(resources[0].module.client)
        for resource in resources:
            resource.tokens = tokens
        read = tokens.get_many([resource.name for resource in resources])
        found = [resource._found(state, current) for resource, (state, current) in zip(resources, read)]
        # The namespaces a token holds when the task does not declare them are known now: two tokens that would
        # take one entry of one edgekv_tokens.js are refused before any write.
        check_entries(resources, dict(
            (resource.name, resource.params['namespace_permissions'] or (current or {}).get('namespace_permissions'))
            for resource, current in zip(resources, found)), 'Nothing was written.')
        return found

    def find(self):
        self.check()
        self.tokens = _edgekv.Tokens(self.module.client)
        state, current = self.tokens.get(self.name)
        return self._found(state, current)

    def _found(self, state, current):
        """The token as read (state as _edgekv.get_token gives it): an expired token fails a present task."""
        if state == 'expired':
            # An element of `tokens` is named in the message: 'tokens[2] (name): ...'.
            element = '%s (%s): ' % (self.where[:-1], self.name) if self.where else ''
            if self.params['state'] == 'absent':
                self.module.warn('%sEdgeKV token %s has expired and cannot be revoked; the API purges it 30 days after '
                                 'its expiry' % (element, self.name))
            else:
                raise InputError('%sEdgeKV token %s has expired; its name stays taken until the API purges it, 30 days '
                                 'after its expiry. Use another name. Nothing was written.' % (element, self.name)
                                 if element else
                                 'EdgeKV token %s has expired; its name stays taken until the API purges it, 30 days '
                                 'after its expiry. Use another name.' % self.name, elements=[self])
        self.current = current
        return current

    def desired(self, current):
        params, name = self.params, self.name
        self.actions = []
        if current is None:
            self._plan_create(current)
            self.actions = ['create']
            return self.tokens.preview_create(self.spec)
        diffs = _edgekv.differences(current, self.wanted)
        if diffs and not params['recreate']:
            raise InputError('EdgeKV token %s exists and differs in %s (%s); a token cannot be changed in place. Set '
                             'recreate=true to revoke it and create it again: it gets a new uuid, so every '
                             'EdgeWorker using it needs its edgekv_tokens.js updated and a new version '
                             'activated.' % (name, ', '.join(diffs), _describe(current, self.wanted, diffs)),
                             result=dict(edgekv_token=current, differences=diffs))
        if diffs:
            self._plan_create(current)
            self.actions = ['revoke', 'create']
            return self.tokens.preview_create(self.spec)
        if params['refresh'] and _edgekv.refresh_due(current, _today(), params['refresh_after_days']):
            if not current.get('auto_refresh', True):
                raise InputError('EdgeKV token %s has a fixed expiry (%s) and cannot be refreshed; a refresh is due '
                                 '(refresh_after_days=%d)' % (name, current.get('expiry'), params['refresh_after_days']))
            self.actions = ['refresh']
        return current

    def _plan_create(self, current):
        """The token to create, checked: its namespaces exist and share one data access policy (one read)."""
        self.spec = create_spec(self.name, self.wanted, current, self.where)
        try:
            self.tokens.check_namespaces(self.spec, option=self.where + 'namespace_permissions')
        except _edgekv.EdgeKVError as exc:
            raise _edgekv.EdgeKVError('%s; nothing was created' % exc) from None

    def differs(self, current, desired):
        return bool(self.actions)

    def create(self, desired):
        self.executed = list(self.actions)
        try:
            created = self.tokens.create(self.spec)
        except ApiError as exc:
            if exc.status != 409:
                raise
            return self._made_meanwhile(exc)
        return created if created is not None else desired

    def _made_meanwhile(self, exc):
        """The create was refused as a conflict (HTTP 409): another run (another job, another host) may have created
        the token since it was read. Read it again: as the task declares it, it is the result, with a warning; else
        the refusal is raised, saying so."""
        state, now = self.tokens.get(self.name)
        if state == 'present' and not _edgekv.differences(now, self.wanted):
            self.module.warn('EdgeKV token %s was created by another run at the same time as this one, as this task '
                             'declares it; it is kept' % self.name)
            return now
        raise EdgeGridError('%s; EdgeKV token %s was created by another run meanwhile%s: run the task again to '
                            'compare it with what this task declares' % (exc, self.name,
                                                                         ' (it differs from this task)'
                                                                         if state == 'present' else ''),
                            result=_funnel.failure(exc)) from None

    def update(self, current, desired):
        self.executed = list(self.actions)
        if self.actions == ['refresh']:
            return self.tokens.refresh(self.name)
        self.tokens.revoke(self.name)
        try:
            return self.tokens.create(self.spec) or {}
        except TransportError:
            raise  # the answer was lost: read again (EdgeGridModule._settle)
        except EdgeGridError as exc:
            error = _funnel.failure(exc).get('error')
            raise EdgeGridError('EdgeKV token %s was revoked, but creating it again failed (run the task again to '
                                'create it): %s' % (self.name, exc),
                                result=dict(error=error, edgekv_token={}, actions=['revoke'], changed=True)) from None

    def delete(self, current):
        self.tokens.revoke(self.name)

    def prepare(self):
        """Before the first write of the task (not in check mode), for a token with tokens_js: with
        tokens_js.create_directory, the missing directories of the edgekv_tokens.js of a present token are made (its
        file is written in this run: a file that does not exist gets the token's entries); and every file the run
        writes is tried (a temporary file made and removed beside it), or, when only its mode is to be set, its mode
        (set to what it is): the file of a token to be created or recreated, and that of any other token (one that
        exists as declared, is refreshed, or is revoked) whose entries change. The checks before any request cannot
        tell every directory that cannot be made nor every file that cannot be written (a read-only or virtual file
        system, an immutable directory, as root): either fails the task before any token is written, with nothing
        made. A file that the run does not write is not tried."""
        tokens_js = self.params['tokens_js']
        if not tokens_js:
            return
        present = self.params['state'] == 'present'
        path = tokens_js['path']
        try:
            if present and 'create' in self.actions:
                written, mode_fixed = True, False  # its new uuid goes into the file
            elif present:
                # No new uuid: the file as the token leaves it (a refresh keeps the uuid).
                written, mode_fixed = _edgekv.tokens_js_written(path, token=self.current)
            else:
                written, mode_fixed = _edgekv.tokens_js_written(path, remove_name=self.name)
            create_directory = present and bool(tokens_js.get('create_directory'))
            self.directories_made = _edgekv.prepare_tokens_js(
                path, create_directory=create_directory, probe=written, probe_mode=mode_fixed,
                option=self.where + 'tokens_js')
        except _edgekv.EdgeKVError as exc:
            raise _edgekv.EdgeKVError('%s; nothing was changed' % exc) from None

    def unprepare(self):
        """The directories prepare made for this token's edgekv_tokens.js removed (those still empty, innermost
        first) when they will not be used: a later token's prepare failed, or a write of this token or of one before
        it failed."""
        _files.remove_directories(self.directories_made)
        self.directories_made = []

    def summary(self, item):
        return ', '.join(item.get('actions') or []) or 'no change'

    def shown(self, before, after):
        """The token, and in the diff the edgekv_tokens.js under `tokens_js` (path, entries by namespace, the mode
        when it is set) when the file changes: a run that changes only the file shows that change."""
        returned, diff_before, diff_after = super(Token, self).shown(before, after)
        if self.file_diff is not None:
            diff_before = dict(diff_before, tokens_js=self.file_diff[0])
            diff_after = dict(diff_after, tokens_js=self.file_diff[1])
        return returned, diff_before, diff_after

    def extra(self, before, after):
        if self.params['state'] == 'absent':
            actions, token, remove_name = (['revoke'] if before is not None else []), None, self.name
        else:
            actions = self.executed if self.executed is not None else self.actions
            token, remove_name = after, None
        extra = dict(actions=actions)
        tokens_js_changed = False
        if self.params['tokens_js']:
            tokens_js_changed, extra['tokens_js'] = self._sync_tokens_js(token, remove_name)
        return tokens_js_changed, extra

    def _check_planned_write(self, path, real, text, summary, in_new_directory):
        """Check mode: what the run would do to the edgekv_tokens.js at `path` (its real path `real`; `text` to write,
        or None; only its mode set, summary['mode_fixed']) planned for the tokens after this one of the task (they
        share `planned`), and a write or a mode the run could not make told as the run tells it before any write
        (prepare): a directory where no file may be written or renamed, a file nothing may replace. A mode that a
        token before this one sets (a write of a file that holds a secret, or the mode alone) is not set again."""
        where = '%stokens_js.path %s: ' % (self.where, path)
        if text is not None:
            self.planned[real] = text
            problem = None if in_new_directory else _files.unwritable_file(path)
            if problem is not None:
                raise _edgekv.EdgeKVError('%sedgekv_tokens.js file %s %s; nothing was changed' % (where, path, problem))
            if _edgekv.holds_secret(_edgekv.parse_tokens_js(text)):
                self.planned[(real, 'mode')] = True
        elif summary['mode_fixed']:
            if self.planned.get((real, 'mode')):
                summary['mode_fixed'] = summary['changed'] = False
                return
            self.planned[(real, 'mode')] = True
            flag = _files.locked_flags(real)
            if flag is not None:
                raise _edgekv.EdgeKVError('%sthe mode of edgekv_tokens.js file %s cannot be set: the file is %s; '
                                          'nothing was changed' % (where, path, flag))

    def _sync_tokens_js(self, token, remove_name):
        module = self.module
        path = self.params['tokens_js']['path']
        create_directory = bool(self.params['tokens_js'].get('create_directory'))
        # The directories a write would make, none without the option. Checked before any request (checked_input),
        # and found out again here: a token before this one in the module's `tokens` may have made them. Out of
        # check mode they were made before the first write (prepare): directories_made.
        missing = _edgekv.tokens_js_directories(path) if create_directory else []
        # Check mode, token to be created: its uuid is not known yet (its entries planned with an empty reference),
        # so the file would change; nothing is written.
        to_create = token is not None and not token.get('uuid')
        real = os.path.realpath(path)
        changed, text, summary = _edgekv.plan_tokens_js(path, token=dict(token, uuid='') if to_create else token,
                                                        remove_name=remove_name, text=self.planned.get(real))
        changed = changed or to_create
        if module.check_mode:
            self._check_planned_write(path, real, text, summary, bool(missing))
            changed = changed and (text is not None or to_create or summary['mode_fixed'])
        entries_before, entries_after = summary.pop('diff')
        if changed:
            # Names and uuids (a legacy value masked): what the diff shows of the file, its mode when only that is set.
            before, after = dict(path=path, entries=entries_before), dict(path=path, entries=entries_after)
            if summary['mode_fixed']:
                before['mode'], after['mode'] = '%04o' % stat.S_IMODE(os.stat(path).st_mode), '0600'
            self.file_diff = (before, after)
        summary['directories_created'] = missing if text is not None or to_create else []
        if to_create:
            summary['changed'] = True
            return True, summary
        if not module.check_mode:
            summary['directories_created'] = list(self.directories_made)
            if text is not None:
                summary['directories_created'] += _edgekv.write_tokens_js(
                    path, text, _edgekv.holds_secret(_edgekv.parse_tokens_js(text)), create_directory=create_directory)
            elif summary['mode_fixed']:
                _edgekv.fix_tokens_js_mode(path)
        return changed, summary


def _today():
    """Today's date in UTC, the calendar of the API's dates."""
    return datetime.now(timezone.utc).date()


def create_spec(name, wanted, current, where=''):
    """The token to create: what the user set (`wanted`), else (for a recreate) what the old token had. Raises
    InputError when it would lack namespace permissions or a network (options named with the prefix `where`)."""
    merged = dict(current or {})
    if merged.get('expiry') == _edgekv.NO_EXPIRY:
        del merged['expiry']
    for key, value in wanted.items():
        if value is not None:
            merged[key] = value
    if not merged.get('namespace_permissions'):
        raise InputError('%snamespace_permissions is required to create EdgeKV token %s' % (where, name))
    if not (merged.get('allow_on_staging') or merged.get('allow_on_production')):
        raise InputError('%sallow_on_staging or %sallow_on_production must be true to create EdgeKV token %s'
                         % (where, where, name))
    return dict(name=name, namespace_permissions=merged['namespace_permissions'],
                allow_on_staging=merged.get('allow_on_staging'), allow_on_production=merged.get('allow_on_production'),
                edgeworker_ids=merged.get('edgeworker_ids'), expiry=merged.get('expiry'))


def _describe(current, desired, diffs):
    return '; '.join('%s: has %s, wanted %s' % (field, _show(current.get(field)), _show(desired[field]))
                     for field in diffs)


def _show(value):
    if isinstance(value, dict):
        return '{%s}' % ', '.join('%s: [%s]' % (k, ', '.join(v)) for k, v in sorted(value.items()))
    if isinstance(value, list):
        return '[%s]' % ', '.join(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


if __name__ == '__main__':
    main()
