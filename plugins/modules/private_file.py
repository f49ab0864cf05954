#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: private_file
short_description: Write a file that holds secrets, mode 0600 from its first byte
version_added: 0.2.0
description:
  - Writes O(content) to the file O(path), for files that hold secrets, such as an export of API key values.
  - The content goes into a temporary file created with mode C(0600) in the same directory (C(O_CREAT|O_EXCL), so
    whatever the umask), which is fsynced and then renamed over the file. The file is never readable by group or
    others, not even for a moment, and never half written. This is the writer the collection uses for C(.edgerc)
    files too.
  - C(ansible.builtin.copy) and C(ansible.builtin.template) with C(mode=0600) do not give that guarantee for a new
    file, they rename it into place with C(0666) less the umask and set the mode afterwards. Use this module
    (with C(lookup('ansible.builtin.template', ...)) for a template) for a file that holds a secret.
  - Nothing is written when the file already holds O(content). An existing file whose mode lets group or others
    in is set to C(0600) (reported as a change).
  - The file keeps its owner and group when the module may set them. A symbolic link is followed and its target
    written. A temporary file (C(.<name>.<pid>.<n>.tmp)) that a killed run left beside the file is removed by the
    next write.
  - Talks to no API.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  path:
    description:
      - The file to write. Its directory must exist, and the file, when it exists, be a regular file (links are
        followed) that can be read. When the file is to be written, its directory must be writable and the file
        not one that nothing may replace (immutable or append-only, C(chattr +i) or C(+a)); checked in check mode
        too.
      - A path that is empty or only white space, that ends in C(/), or a name of which begins or ends with white
        space (almost always a slip, as in C("{{ dir }}/keys.yml ")) fails.
    type: path
    required: true
  content:
    description:
      - What the file holds, written as UTF-8. Marked C(no_log), never returned nor shown in a diff.
    type: str
    required: true
  backup:
    description:
      - Before a write, copy the file beside itself as C(<path>.<pid>.<date>@<time>~), mode C(0600).
      - No backup is made when nothing changes or when the file did not exist.
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.attributes.local_file
  - edgegrid.access.attributes
attributes:
  diff_mode:
    details: The content is never shown; the diff says whether it changes and its size in bytes.
notes:
  - O(content) is masked in Ansible's output because it is a C(no_log) option. A task that builds it from
    registered results that hold secrets should say C(no_log=true) as well, so that the loop and the task's
    arguments are not shown at C(-vvv).
seealso:
  - module: edgegrid.access.edgerc
  - module: edgegrid.access.api_key
'''

EXAMPLES = r'''
- name: Generate the keys of the partners, values returned (the task is no_log)
  edgegrid.access.api_key:
    collection: Bookstore Access
    generate:
      - label: partner
        count: 2
    return_values: true
  register: partner_keys
  no_log: true

- name: Export their values as YAML, mode 0600 from the first byte
  edgegrid.access.private_file:
    path: ~/partner-keys.yml
    content: "{{ {'Bookstore Access': partner_keys.api_key.api_keys | map(attribute='value') | list} | to_nice_yaml }}"
    backup: true
  no_log: true

- name: Render a template that holds secrets into a private file
  edgegrid.access.private_file:
    path: ~/bookstore.env
    content: "{{ lookup('ansible.builtin.template', 'bookstore.env.j2') }}"
  no_log: true
'''

RETURN = r'''
path:
  description:
    - The file written, as given (C(~) expanded); when O(path) is a symbolic link, its target (the file written).
    - Ansible adds C(mode), C(state), C(owner), C(group) and C(size) read from this file, so they describe the
      target of a link, not the link.
  returned: always
  type: str
  sample: /home/deploy/keys.yml
size:
  description: The size of the content in bytes.
  returned: always
  type: int
  sample: 1024
mode_fixed:
  description: Whether the mode of the file was (or would be) set to C(0600) because it let group or others in.
  returned: always
  type: bool
  sample: false
backup_file:
  description: The backup of the previous file.
  returned: when O(backup=true) and the file was changed
  type: str
  sample: /home/deploy/keys.yml.2871.2026-11-24@17:40:01~
'''

import os
import stat

from ansible_collections.edgegrid.access.plugins.module_utils import _errors, _files, _funnel


def _describe(size):
    return '' if size is None else '(secret content, %d bytes, not shown)\n' % size


def main():
    module = _funnel.LocalModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            content=dict(type='str', required=True, no_log=True),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.execute(run, module)


def run(module):
    """Write the file and exit. A path that cannot be used (empty, a directory, unreadable, in a missing directory;
    when the content changes, an unwritable directory or a file nothing may replace:
    _files.unwritable_file, the check the key_provisioning role makes of its export file before any write) raises
    InputError before any write; a failed write raises FileWriteError; both fail the task through module.execute."""
    path = module.params['path']
    data = module.params['content'].encode('utf-8')
    if not path:
        raise _errors.InputError('path is empty; give the file to write; nothing was written')
    origin = 'path %s' % _files.shown_path(path)
    problem = _files.unwritable_file(path, writable=False)
    if problem is not None:
        raise _errors.InputError('%s %s; nothing was written' % (origin, problem))
    target = os.path.realpath(path)

    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _errors.InputError('%s cannot be read: %s' % (origin, exc.strerror or type(exc).__name__)) from None

    current = None
    if info is not None:
        try:
            with open(target, 'rb') as handle:
                current = handle.read()
        except OSError as exc:
            raise _errors.InputError('%s cannot be read: %s' % (origin, exc.strerror or type(exc).__name__)) from None

    content_changed = current != data
    mode_fixed = info is not None and not content_changed and bool(stat.S_IMODE(info.st_mode) & 0o077)
    # Through a symbolic link the file written is its target: returned as path, Ansible's mode, state, owner and
    # size describe the target (they are read with lstat(path), which would describe the link).
    written = target if os.path.islink(path) else path
    result = dict(changed=content_changed or mode_fixed, path=written, size=len(data), mode_fixed=mode_fixed)
    if content_changed:
        # Before the backup and the write, and in check mode, which predicts the failure of a real run: a write
        # creates a temporary file in the directory and renames it over the file (in an append-only directory the
        # backup and the temporary file would stay there, with the secret). A file that needs no write is not
        # judged (a run leaves it alone).
        problem = _files.unwritable_file(path)
        if problem is not None:
            raise _errors.InputError('%s %s; nothing was written' % (origin, problem))
    elif mode_fixed:
        flag = _files.locked_flags(target)
        if flag is not None:
            raise _errors.InputError('cannot set the mode of %s to 0600: the file is %s' % (origin, flag))
    if not module.check_mode:
        if content_changed:
            # The temporary files a killed run left beside the file (0600; their process gone) go first.
            _files.remove_stale_temporary_files(target)
            if module.params['backup'] and current is not None:
                result['backup_file'] = _files.backup(target, origin)
            _files.atomic_write(target, data, origin)
        elif mode_fixed:
            try:
                os.chmod(target, _files.FILE_MODE)
            except OSError as exc:
                raise _files.FileWriteError('cannot set the mode of %s to 0600: %s'
                                            % (origin, exc.strerror or type(exc).__name__)) from None
    if module._diff:
        before = _describe(None if current is None else len(current))
        after = _describe(len(data))
        if content_changed and current is not None and len(current) == len(data):
            after = after.replace('not shown', 'changed, not shown')
        diff = dict(before_header=path, after_header=path, before=before, after=after)
        if mode_fixed:
            diff['before'] += 'mode %04o\n' % stat.S_IMODE(info.st_mode)
            diff['after'] += 'mode 0600\n'
        result['diff'] = diff
    module.exit_json(**result)


if __name__ == '__main__':
    main()
