# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the rotation tests share: the built collection, ansible-playbook's environment, and the playbook that makes
an API client with its first credential written into a section (conftest.py's `new_client` fixture runs it). A module
of its own name (not conftest): pytest may have imported another test directory's conftest under that name."""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The built collection: where make exports it (ANSIBLE_COLLECTIONS_PATH, `make collection`), else .build.
COLLECTIONS = os.environ.get('ANSIBLE_COLLECTIONS_PATH') or os.path.join(ROOT, '.build')
sys.path.insert(0, COLLECTIONS)
BIN = os.path.dirname(sys.executable)

NEW_CLIENT = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: An API client for the test
      edgegrid.access.api_client:
        edgerc: {emu_edgerc}
        name: {name}
        description: tests/rotation
        all_apis: true
        clone_authorized_user_groups: true
      register: client
    - name: Its first credential, in section [{section}]
      edgegrid.access.api_credential:
        edgerc: {emu_edgerc}
        client_id: "{{{{ client.api_client.client_id }}}}"
        description: first credential
        edgerc_write: {{path: {edgerc}, section: {section}}}
    - name: Note its ID
      ansible.builtin.copy:
        content: "{{{{ client.api_client.client_id }}}}"
        dest: {out}
        mode: "0600"
"""


def ansible_env(extra=None):
    """ansible-playbook's environment: the built collection, no colour, no AKAMAI_EDGERC* of the caller's; `extra`
    added last."""
    out = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
               ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    out.pop('AKAMAI_EDGERC', None)
    out.pop('AKAMAI_EDGERC_SECTION', None)
    out.update(extra or {})
    return out
