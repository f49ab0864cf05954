# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Files that hold secrets are 0600 from their first byte, while the roles write them (issue 15, item 2).

The directory a role writes into is watched with inotify while ansible-playbook runs, with a umask of 0 (the worst
case: a file created without an explicit mode is 0666). Each event is recorded with the file's mode read at once.
Two things are asserted: no file of the directory is ever seen with a mode that lets group or others in, and the
secret file gets no change of mode once it is in place under its name (a chmod after the rename is the window in
which another user could read it: what ``ansible.builtin.template`` with ``mode: '0600'`` did to the key export of
``key_provisioning``, renaming it in place at 0666 less the umask, then setting 0600). The second assertion does not
depend on the watcher being fast enough to see the short-lived mode.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import stat
import struct
import threading

import pytest

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
_EVENT = struct.Struct('iIII')
_NAMES = {IN_MODIFY: 'MODIFY', IN_ATTRIB: 'ATTRIB', IN_CLOSE_WRITE: 'CLOSE_WRITE', IN_MOVED_TO: 'MOVED_TO',
          IN_CREATE: 'CREATE'}


class DirectoryWatch:
    """Record (event, name, mode) for each inotify event on the files of one directory, the mode read at once."""

    def __init__(self, directory):
        self.directory = directory
        self.events = []
        libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0:
            pytest.fail('inotify_init1 failed: errno %d' % ctypes.get_errno())
        mask = IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
        if libc.inotify_add_watch(self.fd, os.fsencode(directory), mask) < 0:
            pytest.fail('inotify_add_watch failed: errno %d' % ctypes.get_errno())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._drain()
        os.close(self.fd)

    def _loop(self):
        while not self._stop.is_set():
            ready, dummy, dummy = select.select([self.fd], [], [], 0.05)
            if ready:
                self._drain()

    def _drain(self):
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                return
            offset = 0
            while offset < len(data):
                dummy, mask, dummy, length = _EVENT.unpack_from(data, offset)
                name = data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b'\0').decode()
                offset += _EVENT.size + length
                if not name:
                    continue  # the directory itself
                try:
                    mode = stat.S_IMODE(os.lstat(os.path.join(self.directory, name)).st_mode)
                except OSError:
                    mode = None
                for bit, label in _NAMES.items():
                    if mask & bit:
                        self.events.append((label, name, mode))

    def modes_open_to_others(self):
        return [(label, name, '%04o' % mode) for label, name, mode in self.events
                if mode is not None and mode & 0o077]

    def events_after_in_place(self, name):
        """The events on `name` after it first came into place (created or renamed to it)."""
        events = [label for label, event_name, dummy in self.events if event_name == name]
        for index, label in enumerate(events):
            if label in ('MOVED_TO', 'CREATE'):
                return events[index + 1:]
        return None


@pytest.fixture
def umask_0():
    old = os.umask(0)
    yield
    os.umask(old)


def test_the_key_export_is_0600_from_its_first_byte(playbook, tmp_path, umask_0):
    export_dir = tmp_path / 'export'
    export_dir.mkdir(mode=0o700)
    export = export_dir / 'keys.yml'
    tasks = [{'name': 'Provision with an export', 'ansible.builtin.include_role': {
        'name': 'edgegrid.access.key_provisioning'}, 'vars': {
        'key_provisioning_edgerc': playbook.emu.edgerc,
        'key_provisioning_contract_id': playbook.contract_id,
        'key_provisioning_group_id': playbook.group_id,
        'key_provisioning_collections': [{'name': 'private-export', 'generate': [{'label': 'p', 'count': 2}]}],
        'key_provisioning_export_path': str(export)}}]
    with DirectoryWatch(str(export_dir)) as watch:
        rc, output, dummy = playbook.run(tasks, [], verbosity=1)
    assert rc == 0, output
    assert 'changed=' in output and stat.S_IMODE(os.stat(export).st_mode) == 0o600
    assert 'private-export' in export.read_text()
    assert watch.events, 'the watcher saw no event'
    assert watch.modes_open_to_others() == [], watch.events
    after = watch.events_after_in_place('keys.yml')
    assert after is not None, watch.events
    assert 'ATTRIB' not in after, 'the mode of the export changed after it was in place: %s' % watch.events

    # A second run writes nothing.
    with DirectoryWatch(str(export_dir)) as watch:
        rc, output, dummy = playbook.run(tasks, [], verbosity=1)
    assert rc == 0, output
    assert 'changed=1 ' in output, output  # the task that saves the results, no task of the role
    assert watch.events == [], watch.events


LEGACY = ('var edgekv_access_tokens = {\n'
          '  "namespace-legacy": {"name": "legacy_token", "value": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"},\n'
          '};\nexport { edgekv_access_tokens };\n')


def test_an_edgekv_tokens_js_holding_a_token_value_is_rewritten_0600(playbook, tmp_path, umask_0):
    """edgekv_tokens.js entries of the enhanced workflow hold no secret (a name and a uuid); an entry that still holds
    a token value (a JWT) is kept, and the file is then written 0600, through the same writer."""
    bundle = tmp_path / 'bundle'
    bundle.mkdir(mode=0o755)
    tokens_js = bundle / 'edgekv_tokens.js'
    tokens_js.write_text(LEGACY)
    os.chmod(tokens_js, 0o644)
    tasks = [{'name': 'Keep a token', 'ansible.builtin.include_role': {'name': 'edgegrid.access.edgekv_tokens'},
              'vars': {'edgekv_tokens_edgerc': playbook.emu.edgerc, 'edgekv_tokens_js_path': str(tokens_js),
                       'edgekv_tokens_tokens': [{'name': 'private_js', 'namespace_permissions': {'default': ['r']},
                                                 'allow_on_staging': True}]}}]
    with DirectoryWatch(str(bundle)) as watch:
        rc, output, dummy = playbook.run(tasks, [], verbosity=1)
    assert rc == 0, output
    text = tokens_js.read_text()
    assert 'legacy_token' in text and 'namespace-default' in text
    assert stat.S_IMODE(os.stat(tokens_js).st_mode) == 0o600
    assert watch.modes_open_to_others() == [], watch.events
    after = watch.events_after_in_place('edgekv_tokens.js')
    assert after is not None and 'ATTRIB' not in after, watch.events

    with DirectoryWatch(str(bundle)) as watch:
        rc, output, dummy = playbook.run(tasks, [], verbosity=1)
    assert rc == 0, output
    assert 'changed=1 ' in output, output  # the task that saves the results, no task of the role
    assert watch.events == [], watch.events


def test_an_edgekv_tokens_js_without_secrets_keeps_its_mode(playbook, tmp_path):
    bundle = tmp_path / 'bundle'
    bundle.mkdir(mode=0o755)
    tokens_js = bundle / 'edgekv_tokens.js'
    tasks = [{'name': 'Keep a token', 'ansible.builtin.include_role': {'name': 'edgegrid.access.edgekv_tokens'},
              'vars': {'edgekv_tokens_edgerc': playbook.emu.edgerc, 'edgekv_tokens_js_path': str(tokens_js),
                       'edgekv_tokens_tokens': [{'name': 'public_js', 'namespace_permissions': {'default': ['r']},
                                                 'allow_on_staging': True}]}}]
    old = os.umask(0o022)
    try:
        rc, output, dummy = playbook.run(tasks, [], verbosity=1)
    finally:
        os.umask(old)
    assert rc == 0, output
    assert stat.S_IMODE(os.stat(tokens_js).st_mode) == 0o644
    assert 'value' not in tokens_js.read_text()
