# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
name: edgerc
author:
  - edgegrid.access maintainers (@edgegrid-access)
version_added: 0.1.0
short_description: Read sections of an Akamai C(.edgerc) file
description:
  - Returns sections of an C(.edgerc) file, each as a dict of its keys, secrets included.
  - The file is read by the reader every module of this collection uses, as Akamai's own tools read it
    (edgegrid-golang, edgegrid-node, edgegrid-python), with full-line and inline comments, quotes around a value, a UTF-8
    byte order mark, CRLF line endings, C(max-body), a section written twice. A file or section those tools would refuse
    or read differently from one another is refused with an error that names the file, the section, the key and its
    line, never a secret. The forms accepted and refused are listed in C(docs/edgerc.md).
  - A section is checked as credentials, as the modules check it before any request. C(host), C(client_token),
    C(client_secret) and C(access_token) must be present and not empty, the tokens and the secret must be tokens
    (no space, no stray quote), C(host) a host name. A C(max_body) other than 131072 is reported with a warning,
    since Akamai checks the hash of the first 131072 bytes of a POST body whatever it says; so is a file whose group
    or others may read or write it (it should be mode C(0600)).
  - Unlike C(ansible.builtin.ini), it reads a file with a section written twice (its keys merge), and it returns the
    values as Akamai's tools read them, without the inline comment or the quotes.
  - It reads the file only; the C(AKAMAI_*) environment variables, which the modules may take their credentials from,
    play no part.
  - Runs on the controller, where lookups run.
options:
  _terms:
    description:
      - The names of the sections, for example V(default), V(staging) or V(production).
      - Without a name, the section named by the E(AKAMAI_EDGERC_SECTION) environment variable of the controller, else
        V(default).
    type: list
    elements: str
    required: false
  edgerc:
    description:
      - The C(.edgerc) file.
    type: path
    default: ~/.edgerc
    env:
      - name: AKAMAI_EDGERC
  missing:
    description:
      - What a missing file or a missing section gives.
      - V(error) fails the task, naming the sections the file has.
      - V(empty) gives an empty dict; a file that exists but cannot be read, or a section that is there but is not
        usable, still fails.
    type: str
    choices: [error, empty]
    default: error
notes:
  - The result holds the client secret and the access token. Set C(no_log=true) on every task that looks it up or
    passes it on, and keep it out of C(debug) output and of facts that are written anywhere.
  - Use M(edgegrid.access.edgerc) to write a section; the modules read the file themselves (options O(edgegrid.access.api_request#module:edgerc)
    and O(edgegrid.access.api_request#module:section)).
seealso:
  - module: edgegrid.access.edgerc
  - name: The .edgerc forms this collection reads and refuses
    description: C(docs/edgerc.md) in the collection, with the Akamai library each rule comes from.
    link: https://github.com/edgegrid-access/edgegrid.access/blob/main/docs/edgerc.md
  - name: Set up authentication credentials
    description: Akamai's description of the C(.edgerc) file.
    link: https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials
'''

EXAMPLES = r'''
- name: Read section [staging] of ~/.edgerc (secrets included)
  ansible.builtin.set_fact:
    staging_credentials: "{{ lookup('edgegrid.access.edgerc', 'staging') }}"
  no_log: true

- name: The client token of section [production] of a given file, to find its credential among the API client's
  ansible.builtin.set_fact:
    production_client_token: "{{ lookup('edgegrid.access.edgerc', 'production', edgerc='~/.edgerc').client_token }}"
  no_log: true

- name: Several sections at once, as a list
  ansible.builtin.assert:
    that: query('edgegrid.access.edgerc', 'staging', 'production') | map(attribute='host') | unique | length == 1
    quiet: true

- name: A section that may not exist gives an empty dict with missing=empty
  ansible.builtin.debug:
    msg: "[legacy] {{ 'exists' if lookup('edgegrid.access.edgerc', 'legacy', missing='empty') else 'does not exist' }}"

- name: Hand section [admin] to a tool that reads Akamai's variables of a named section (AKAMAI_ADMIN_HOST...)
  ansible.builtin.command:
    cmd: sh -c 'test -n "$AKAMAI_ADMIN_HOST" && test -n "$AKAMAI_ADMIN_CLIENT_SECRET"'
  environment:
    AKAMAI_ADMIN_HOST: "{{ admin.host }}"
    AKAMAI_ADMIN_CLIENT_TOKEN: "{{ admin.client_token }}"
    AKAMAI_ADMIN_CLIENT_SECRET: "{{ admin.client_secret }}"
    AKAMAI_ADMIN_ACCESS_TOKEN: "{{ admin.access_token }}"
  vars:
    admin: "{{ lookup('edgegrid.access.edgerc', 'admin') }}"
  changed_when: false
  no_log: true
'''

RETURN = r'''
_raw:
  description:
    - One dict per section named, in the order named.
    - The keys of the section that Akamai's tools know, with their values as those tools read them. Keys that no
      tool knows are left out.
    - An empty dict for a missing file or section with O(missing=empty).
  type: list
  elements: dict
  contains:
    host:
      description:
        - The API host, without C(https://) and without a trailing slash, as Akamai's tools want it. A host written
          with C(http://) (a local emulator) keeps it.
      type: str
      sample: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net
    client_token:
      description: The client token.
      type: str
    client_secret:
      description: The client secret. A secret; keep the task C(no_log).
      type: str
    access_token:
      description: The access token. A secret; keep the task C(no_log).
      type: str
    account_key:
      description: The account switch key, when the section has one.
      type: str
      sample: 1-ABCDE:1-2FGHI
    max_body:
      description: C(max_body) (or C(max-body)) as written, when the section has it. Not used by this collection.
      type: str
    headers_to_sign:
      description: C(headers_to_sign) as written, when the section has it (edgegrid-python and edgegrid-golang read it).
      type: str
'''

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc

display = Display()


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        path = self.get_option('edgerc') or _edgerc.DEFAULT_PATH
        missing = self.get_option('missing')
        sections = list(terms or []) or [os.environ.get('AKAMAI_EDGERC_SECTION') or _edgerc.DEFAULT_SECTION]
        results = []
        for name in sections:
            if not isinstance(name, str) or not name:
                raise AnsibleLookupError('edgegrid.access.edgerc: a section name must be a non-empty string, got %r'
                                         % (name,))
            results.append(self._section(path, name, missing))
        return results

    @staticmethod
    def _section(path, name, missing):
        if missing == 'empty' and _edgerc.read_section(path, name) is None:
            return {}
        try:
            section = _edgerc.load_section(path, name)
        except _edgerc.EdgercError as exc:
            raise AnsibleLookupError(str(exc)) from None
        # As the modules word them (each names the file): a run that reads the file both ways says it once.
        for warning in section.warnings:
            display.warning(warning)
        values = _edgerc.public_values(section.values)
        values['host'] = _edgerc.normalize_host(values['host'])
        return values
