# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No task of the repository writes a private file with ansible.builtin.copy or ansible.builtin.template.

A task that asks copy or template for a mode no group or other may read (0600, 0400, ...) writes a file that is meant
to be private, and gets one that is not for a moment: both rename a new file into place with 0666 less the umask and
set the mode afterwards. Such a file is written with edgegrid.access.private_file (0600 from its first byte). The
integration runs' file watch (tests/integration/run.py) catches the moment only when its poll falls into it; this test
finds every such task, in the roles, the Molecule scenarios, the test targets and fixtures and the documentation.
"""

from __future__ import annotations

import os

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WRITERS = {'copy', 'template', 'ansible.builtin.copy', 'ansible.builtin.template',
           'ansible.legacy.copy', 'ansible.legacy.template'}
SKIPPED_DIRS = {'.git', 'output', 'node_modules', '__pycache__'}


def yaml_files():
    for directory, dirs, names in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith('.'))
        for name in sorted(names):
            if name.endswith(('.yml', '.yaml')):
                yield os.path.join(directory, name)


def tasks_in(node):
    """Every mapping in a loaded YAML document (tasks, handlers, blocks at any depth)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from tasks_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from tasks_in(item)


def private_mode(mode):
    """Whether a task's octal mode keeps group and others out (YAML reads an unquoted 0600 as the int 384).

    A symbolic mode (u=rw) changes the file's mode relative to the one it has, so it does not say the file is
    meant to be private; no task of the repository uses one.
    """
    if isinstance(mode, int) and not isinstance(mode, bool):
        return mode & 0o077 == 0
    text = str(mode).strip()
    return text.isdigit() and int(text, 8) & 0o077 == 0


def private_writes():
    found = []
    for path in yaml_files():
        with open(path, encoding='utf-8') as handle:
            try:
                documents = list(yaml.safe_load_all(handle))
            except yaml.YAMLError:
                continue  # Jinja-templated YAML (a role's templates) and the like: not tasks
        for document in documents:
            for task in tasks_in(document):
                for writer in WRITERS & set(task):
                    arguments = task[writer]
                    if isinstance(arguments, dict) and 'mode' in arguments and private_mode(arguments['mode']):
                        found.append('%s: %r (%s, mode %s)' % (
                            os.path.relpath(path, ROOT), task.get('name'), writer, arguments['mode']))
    return found


def test_private_mode_reads_the_forms_of_mode():
    assert private_mode('0600') and private_mode('0400') and private_mode(0o600) and private_mode('0700')
    assert not private_mode('0644') and not private_mode(0o640) and not private_mode('0755')
    assert not private_mode('preserve') and not private_mode('u=rw') and not private_mode(True)


def test_the_scan_finds_a_private_copy(tmp_path):
    document = yaml.safe_load('''
- hosts: localhost
  tasks:
    - block:
        - name: Keys
          ansible.builtin.copy: {dest: /x/keys.csv, content: k, mode: "0600"}
        - name: Report
          ansible.builtin.copy: {dest: /x/report.md, content: r, mode: "0644"}
''')
    tasks = [task for task in tasks_in(document) if 'ansible.builtin.copy' in task]
    assert [private_mode(task['ansible.builtin.copy']['mode']) for task in tasks] == [True, False]


def test_no_task_writes_a_private_file_with_copy_or_template():
    assert private_writes() == [], (
        'these tasks write a file meant to be private with copy or template, which sets its mode only after the '
        'file is in place: write it with edgegrid.access.private_file instead')
