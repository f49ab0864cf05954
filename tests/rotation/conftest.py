# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the rotation tests share: the built collection, ansible-playbook's environment, and an API client with its
first credential written into a section (the `new_client` fixture; each test file's `emu` fixture sets the
emulator's credential limit)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

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


@pytest.fixture
def new_client(emu, tmp_path):
    """new_client(name, edgerc, section) -> client id: an API client made with the emulator's [default] section, its
    first credential written into `section` of the file `edgerc`."""
    def make(name, edgerc, section):
        book, out = tmp_path / ('setup-%s.yml' % name), tmp_path / ('%s.id' % name)
        book.write_text(NEW_CLIENT.format(emu_edgerc=emu.edgerc, name=name, edgerc=edgerc, section=section, out=out))
        proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', str(book)],
                              cwd=str(tmp_path), env=ansible_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:]
        return out.read_text().strip()
    return make
