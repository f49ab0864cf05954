#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: edgerc
short_description: Manage one section of an Akamai C(.edgerc) file
version_added: 0.1.0
description:
  - Creates, updates or removes one C([section]) of an C(.edgerc) file, the file from which Akamai's tools
    and this collection read EdgeGrid credentials.
  - The file is edited as text. Other sections, comments, blank lines and the order of keys stay exactly as
    they were. Only the lines of the keys that change are rewritten; new keys are appended to the section;
    a new section is appended to the end of the file.
  - Every write goes to a temporary file created with mode C(0600) in the same directory, which is fsynced
    and then moved over the file, so the file is never readable by others, not even for a moment, and is
    never left half written. A missing file is created with mode C(0600).
  - An existing file whose mode lets group or others read it is set to C(0600) (reported as a change).
  - Nothing is written when the section already holds the given values.
  - Talks to no API.
  - The file is read as Akamai's own tools read it (comments, quotes, a UTF-8 byte order mark, CRLF line endings;
    see C(docs/edgerc.md)) by the same reader the other modules use; a file those tools would refuse or read
    differently is refused, naming the line, and nothing is written. The values given are checked as that reader
    checks them; a token with a space or a quote, a host with a path, a C(max_body) other than 131072 are refused.
  - A line whose value changes keeps its quotes and its inline comment.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  path:
    description:
      - The C(.edgerc) file. A symbolic link is followed and its target edited.
      - Its directory must exist; one that does not (or a path through a file) fails before any write, naming it,
        in check mode too. With O(state=absent) there is nothing to remove there (no change).
      - A path that ends in C(/) names a directory, not a file, and fails before any write; so does a path a name of
        which begins or ends with white space (almost always a slip).
    type: path
    default: ~/.edgerc
  section:
    description:
      - The name of the section, without brackets, for example V(default), V(staging) or V(production).
    type: str
    default: default
  state:
    description:
      - V(present) creates the section or sets the given keys in it.
      - V(absent) removes the section with all its keys (comments outside its key lines are kept).
    type: str
    choices: [present, absent]
    default: present
  host:
    description:
      - The API host of the API client, for example C(akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net).
      - Written without C(https://) and without a trailing slash; a host already written with them counts as
        the same host. C(http://) is kept (only a local emulator uses it).
      - Required to create a section, like O(client_token), O(client_secret) and O(access_token).
      - Keys not given are left as they are in an existing section.
    type: str
  client_token:
    description:
      - The client token of the API client's credential.
    type: str
  client_secret:
    description:
      - The client secret of the credential. Never returned nor shown in a diff.
    type: str
  access_token:
    description:
      - The access token of the API client.
    type: str
  account_key:
    description:
      - The account switch key to use with this section (written as C(account_key)), for clients that
        manage several accounts.
      - An empty string removes the key from the section; a value of white space only fails (almost always a
        variable that came out blank, which would send the section's requests to the API client's own account).
    type: str
  max_body:
    description:
      - The C(max_body) key of the section, in bytes. Only V(131072) is accepted; an empty string removes the key.
        The key is not needed.
      - Akamai checks the hash of the first 131072 bytes of a POST body whatever C(max_body) says, so this collection
        always signs 131072 bytes and ignores the key. A smaller value would make edgegrid-python sign fewer bytes and
        be refused with HTTP 401 on larger POST bodies, so it is refused here (see C(docs/edgerc.md)).
      - A section that holds another C(max_body) gets a warning; V('') removes the key.
    type: str
  backup:
    description:
      - Before a write, copy the file beside itself as C(<path>.<pid>.<date>@<time>~), mode C(0600), with the owner and
        group of the file (when the writer may set them, as root editing another user's file does).
      - No backup is made when nothing changes or when the file did not exist.
      - One backup covers the sections updated by O(update_copies) too.
    type: bool
    default: false
  update_copies:
    description:
      - When the task changes the O(client_token) or O(client_secret) of an existing section, also write them into
        every other section of the file that holds the same credential as the section did before the task, that
        is the same C(client_token) and the same C(host) (compared without C(https://) and trailing slash). Their other
        keys (C(access_token), C(account_key), C(max_body)) are left as they are.
      - For a credential copied into several sections, for example C([default]) and C([papi]), or one section with
        and one without C(account_key), so that the copies do not keep a secret that is about to stop working.
      - Everything is written in one atomic write. The sections updated are returned in
        RV(edgerc_section.copied_sections).
      - Off by default here, since this module manages one section;
        O(edgegrid.access.api_credential#module:edgerc_write.update_copies) is on by default.
    type: bool
    default: false
extends_documentation_fragment:
  - edgegrid.access.attributes.local_file
  - edgegrid.access.attributes
attributes:
  diff_mode:
    details: The section before and after, with C(client_secret), C(access_token) and C(client_token) masked.
notes:
  - Akamai's edgegrid-python reads C(.edgerc) files with interpolation, so a value holding C(%) breaks it (this
    collection reads such values as written). The module warns when a value holds C(%).
  - Secrets given to this module are marked C(no_log), so Ansible masks them in the output. Secrets that come
    from a registered result (for example a new credential) are masked only by the module's own masking; keep
    C(no_log=true) on tasks that pass them around otherwise.
seealso:
  - name: Add credential to .edgerc file
    description: Akamai's description of the C(.edgerc) file and its sections.
    link: https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials
'''

EXAMPLES = r'''
- name: Write the staging section of ~/.edgerc
  edgegrid.access.edgerc:
    section: staging
    host: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net
    client_token: "{{ vault_staging_client_token }}"
    client_secret: "{{ vault_staging_client_secret }}"
    access_token: "{{ vault_staging_access_token }}"
    backup: true

- name: Put a new client secret into the production section of another file (the other keys stay as they are)
  edgegrid.access.edgerc:
    path: ~/automation/.edgerc
    section: production
    client_token: "{{ new_credential.client_token }}"
    client_secret: "{{ new_credential.client_secret }}"
    backup: true
  no_log: true

- name: Put the new credential into [default] and into every section that holds a copy of the old one
  edgegrid.access.edgerc:
    section: default
    client_token: "{{ new_credential.client_token }}"
    client_secret: "{{ new_credential.client_secret }}"
    update_copies: true
    backup: true
  no_log: true

- name: Switch the section to another account
  edgegrid.access.edgerc:
    section: partner
    account_key: 1-ABCDE:1-2RBL

- name: Remove the section of a retired API client
  edgegrid.access.edgerc:
    section: legacy
    state: absent
'''

RETURN = r'''
edgerc_section:
  description: The section after the task (as it would be, in check mode), secrets masked.
  returned: always
  type: dict
  contains:
    path:
      description: The path of the C(.edgerc) file.
      type: str
      sample: /home/deploy/.edgerc
    section:
      description: The name of the section.
      type: str
      sample: staging
    exists:
      description: Whether the section exists after the task.
      type: bool
      sample: true
    settings:
      description:
        - The keys of the section and their values, as Akamai's tools read them (an inline comment and the quotes
          around a value left out; C(max-body) as C(max_body)).
        - Only the keys Akamai's tools know are shown (C(host), C(client_token), C(client_secret), C(access_token),
          C(account_key), C(max_body), C(headers_to_sign), C(debug)).
        - C(client_secret), C(access_token) and C(client_token) are shown as C(********).
        - Empty when the section does not exist.
      type: dict
      sample:
        host: akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net
        client_token: '********'
        client_secret: '********'
        access_token: '********'
    changed_keys:
      description: The keys whose value changed (or would change, in check mode); for V(absent), the keys removed.
      type: list
      elements: str
      sample: [client_secret]
    mode_fixed:
      description: Whether the file mode was (or would be) set to C(0600) because it let others in.
      type: bool
      sample: false
    copied_sections:
      description:
        - The other sections that held the same credential and were (or would be, in check mode) updated with it,
          in the order of the file. Empty without O(update_copies).
      type: list
      elements: str
      sample: [papi]
backup_file:
  description: The backup of the previous file.
  returned: when O(backup=true) and the file was changed
  type: str
  sample: /home/deploy/.edgerc.2871.2026-11-24@17:40:01~
'''

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _errors, _funnel

VALUE_OPTIONS = ('host', 'client_token', 'client_secret', 'access_token', 'account_key', 'max_body')


def main():
    module = _funnel.LocalModule(
        argument_spec=dict(
            path=dict(type='path', default='~/.edgerc'),
            section=dict(type='str', default='default'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            host=dict(type='str'),
            client_token=dict(type='str', no_log=True),
            client_secret=dict(type='str', no_log=True),
            access_token=dict(type='str', no_log=True),
            account_key=dict(type='str', no_log=False),
            max_body=dict(type='str'),
            backup=dict(type='bool', default=False),
            update_copies=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.execute(run, module)


def _checked_values(params, remove):
    """The section values the task sets, checked before anything is read or written; InputError names the option."""
    if not (params['path'] or '').strip():
        raise _errors.InputError('path must not be empty: give the .edgerc file to write (default ~/.edgerc)')
    values = dict((key, params[key]) for key in VALUE_OPTIONS if params[key] is not None)
    if remove and values:
        raise _errors.InputError('state=absent removes the whole section; do not give %s' % ', '.join(sorted(values)))
    for key in ('host', 'client_token', 'client_secret', 'access_token'):
        if key in values and not values[key].strip():
            raise _errors.InputError('%s must not be empty' % key)
    for key in sorted(values):
        if values[key] and not values[key].strip():
            # Read as empty it would remove the key (an account_key so removed: the section's requests would go to
            # the API client's own account). Almost always a variable that came out blank.
            raise _errors.InputError('%s is only white space; give the value, or an empty string to remove the key'
                                     % key)
    if 'max_body' in values and values['max_body'].strip() and not values['max_body'].strip().isdigit():
        raise _errors.InputError('max_body must be a positive number of bytes, got %s' % values['max_body'])
    return values


def run(module):
    """Write (or remove) the section and exit; an input check or an .edgerc error (EdgercError) raises, and fails the
    task through module.execute."""
    params = module.params
    path = params['path']
    section = params['section']
    remove = params['state'] == 'absent'
    values = _checked_values(params, remove)
    for key, value in values.items():
        if isinstance(value, str) and '%' in value:
            module.warn('the value of %s holds a %% sign, which edgegrid-python cannot read from an .edgerc file '
                        '(this collection can)' % key)
    result = _edgerc.write_section(path, section, values, backup=params['backup'],
                                   check_mode=module.check_mode, remove=remove,
                                   update_copies=params['update_copies'])
    for warning in result['warnings']:
        module.warn(warning)
    after = result['after']
    section_result = dict(
        path=path,
        section=section,
        exists=after is not None,
        settings=after or {},
        changed_keys=result['changed_keys'],
        mode_fixed=result['mode_fixed'],
        copied_sections=result['copied_sections'],
    )
    output = dict(changed=result['changed'], edgerc_section=section_result)
    if result['backup_file']:
        output['backup_file'] = result['backup_file']
    if module._diff:
        before_values = result['before']
        after_values = dict(after) if after is not None else None
        if before_values is not None:
            after_values = _mark_changed(after_values, result['changed_keys'])
        before_text = _diff_text(section, before_values)
        after_text = _diff_text(section, after_values)
        for name in result['copied_sections']:
            copy = result['copies'][name]
            before_text += _diff_text(name, copy['before'])
            after_text += _diff_text(name, _mark_changed(copy['after'], copy['changed_keys']))
        sections = ', '.join('[%s]' % name for name in [section] + result['copied_sections'])
        header = '%s %s' % (path, sections)
        output['diff'] = dict(before_header=header, after_header=header, before=before_text, after=after_text)
    module.exit_json(**output)


def _mark_changed(values, changed_keys):
    """A changed secret shows as masked on both sides of a diff: mark it so the diff shows that it changes."""
    if values is None:
        return None
    values = dict(values)
    for key in changed_keys:
        if key in _edgerc.SECRET_KEYS and key in values:
            values[key] = '%s (changed)' % _edgerc.SECRET_MASK
    return values


def _diff_text(section, values):
    """The section as it reads in the file (secrets already masked); empty when absent."""
    if values is None:
        return ''
    lines = ['[%s]' % section] + ['%s = %s' % (key, value) for key, value in values.items()]
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    main()
