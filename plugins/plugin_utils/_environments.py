# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Environments for the inventory plugin edgegrid.access.akamai: .edgerc sections and switchable accounts.

This file is private to the collection (note the leading underscore): it may change without notice.

An environment is one inventory host: an ``.edgerc`` section, or an account that the API client of a section may act
on through an account switch key (IAM v3 ``GET /identity-management/v3/api-clients/self/account-switch-keys``,
09-api-clients-admin.yaml). Its host variables name where its credentials are (the file, the section, the account
switch key), never what they are: no client token, client secret or access token ever becomes a host variable.

Public API::

    EdgercSource(path)                  .sections() -> [name]; .config(section) -> _client.EdgeGridConfig;
                                        .mode_warning() -> str or None
    list_accounts(config, search=None, **client_options) -> ([{account_name, account_switch_key}], requests sent)
    select_sections(names, include, exclude) -> [name]
    unmatched_names(names, patterns) -> [pattern]   the literal names (no wildcard) that name no section
    usable_sections(source, sections) -> ([name], [problem])   the sections whose config can be read, and why not
    check_search(search)                EnvironmentsError for an accounts_search that Akamai would refuse
    environments(sections, accounts, edgerc=None, accounts_section=None, account_hostname='name') -> [host]
    EnvironmentsError

A host is ``{'name': str, 'vars': dict}``; its variables are described in the plugin's documentation.
"""

from __future__ import annotations

import fnmatch
import os
import re

from ansible_collections.edgegrid.access.plugins.module_utils import _client, _edgerc, _errors, _iam


class EnvironmentsError(_errors.EdgeGridError):
    """The .edgerc file, a section or the account listing cannot be used. The text never holds a secret."""


# Host variables; documented in plugins/inventory/akamai.py.
VAR_SOURCE = 'edgegrid_source'
VAR_EDGERC = 'edgegrid_edgerc'
VAR_SECTION = 'edgegrid_section'
VAR_SWITCH_KEY = 'edgegrid_account_switch_key'
VAR_ACCOUNT_NAME = 'edgegrid_account_name'
VAR_AUTH = 'edgegrid_access_auth'

SOURCE_SECTION = 'section'
SOURCE_ACCOUNT = 'account'


class EdgercSource:
    """The one place where the inventory reads an .edgerc file: its section names, and one section's config.

    Both come from the collection's one .edgerc reader (``_edgerc``): the section names, and a section's credentials
    through the shared client's ``_client.resolve_config``, which names the file, section and key of a problem.
    """

    def __init__(self, path):
        self.path = path

    def sections(self):
        """The section names of the file, in file order, each once. EnvironmentsError for a missing or bad file."""
        with _errors.raised_as(EnvironmentsError, _edgerc.EdgercError):
            names = _edgerc.section_names(self.path)
        if names is None:
            raise EnvironmentsError('%s (set the edgerc option or AKAMAI_EDGERC)' % _edgerc.missing_file(self.path))
        return names

    def mode_warning(self):
        """The warning when the file's mode lets other users read or change it (_edgerc.open_mode_warning), or None."""
        return _edgerc.open_mode_warning(os.path.expanduser(self.path))

    def config(self, section):
        """The EdgeGridConfig of one section; EnvironmentsError naming the section and what is wrong with it."""
        with _errors.raised_as(EnvironmentsError, _client.ConfigError):
            return _client.resolve_config({'edgerc': self.path, 'section': section})


def select_sections(names, include, exclude):
    """The names that match a pattern of `include` (fnmatch, case-sensitive) and none of `exclude`, in order."""
    return [name for name in names
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in include or [])
            and not any(fnmatch.fnmatchcase(name, pattern) for pattern in exclude or [])]


def _is_pattern(text):
    return any(char in text for char in '*?[')


def unmatched_names(names, patterns):
    """The patterns without a wildcard (``*``, ``?``, ``[``) that are no section name: typos, most likely.

    A pattern with a wildcard may match nothing (``prod-*`` before any production section exists); a literal name
    that matches nothing names a section that is not there.
    """
    known = set(names)
    return [pattern for pattern in patterns or [] if not _is_pattern(pattern) and pattern not in known]


def usable_sections(source, sections):
    """The sections of `source` whose credentials can be read, in order, and a problem text for each other one.

    A problem names the file, the section and what is wrong (never a value of the section): one section that cannot
    be used leaves the others usable.
    """
    usable = []
    problems = []
    for section in sections:
        try:
            source.config(section)
        except EnvironmentsError as exc:
            problems.append(str(exc))
        else:
            usable.append(section)
    return usable, problems


def check_search(search):
    """EnvironmentsError, naming the option, for an accounts_search that Akamai would refuse."""
    try:
        _iam.account_switch_keys_query(search)
    except ValueError as exc:
        raise EnvironmentsError('accounts_search: %s' % exc) from None


def list_accounts(config, search=None, **client_options):
    """The accounts the API client of `config` may act on, sorted by switch key, and the number of requests sent.

    The listing is the API client's own, whatever account a section's ``account_key`` selects: the request is sent
    without an account switch key. `client_options` go to the shared client (timeout, max_retries, retry_max_wait).
    Raises EnvironmentsError (a bad `search`, an unusable answer) or _client.EdgeGridError (Akamai's problem details).
    """
    check_search(search)
    own = _client.EdgeGridConfig(config.base_url, config.client_token, config.client_secret, config.access_token,
                                 account_switch_key=None, source=config.source, edgerc=config.edgerc,
                                 section=config.section)
    client = _client.EdgeGridClient(own, **client_options)
    try:
        with _errors.raised_as(EnvironmentsError, _iam.WireError):
            accounts = _iam.ApiClients(client).account_switch_keys(search)
    finally:
        client.session.close()
    return sorted(accounts, key=lambda a: (a['account_switch_key'], a['account_name'])), client.request_count


def slug(text):
    """A host name from free text: lower case, runs of other characters than [a-z0-9] as one '_', not empty."""
    value = re.sub(r'[^a-z0-9]+', '_', (text or '').lower()).strip('_')
    return value or 'account'


def _auth(edgerc, section, switch_key=None):
    auth = {}
    if edgerc:
        auth['edgerc'] = edgerc
    auth['section'] = section
    if switch_key:
        auth['account_switch_key'] = switch_key
    return auth


def environments(sections, accounts, edgerc=None, accounts_section=None, account_hostname='name'):
    """The hosts: one per section (named as the section), then one per account.

    `edgerc` is the path to record in the host variables (None: leave it to the modules' own default, AKAMAI_EDGERC
    or ~/.edgerc, as an AWX job that injects its own file needs). An account host is named by its account name
    (`account_hostname='name'`, made a host name by slug()) or its switch key (`'switch_key'`); a name that another
    host already has gets the slug of the switch key appended, so that every host name is unique and the same from
    run to run.
    """
    hosts = []
    taken = set()
    for section in sections:
        variables = {VAR_SOURCE: SOURCE_SECTION, VAR_SECTION: section}
        if edgerc:
            variables[VAR_EDGERC] = edgerc
        variables[VAR_AUTH] = _auth(edgerc, section)
        hosts.append({'name': section, 'vars': variables})
        taken.add(section)
    base = {}
    for account in accounts:
        key = account['account_switch_key']
        base[key] = slug(account['account_name']) if account_hostname == 'name' else slug(key)
    counts = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    for account in accounts:
        key = account['account_switch_key']
        name = base[key]
        if counts[name] > 1 or name in taken:
            name = '%s_%s' % (name, slug(key))
        suffix = 2
        unique = name
        while unique in taken:
            unique = '%s_%d' % (name, suffix)
            suffix += 1
        taken.add(unique)
        variables = {VAR_SOURCE: SOURCE_ACCOUNT, VAR_SECTION: accounts_section, VAR_SWITCH_KEY: key,
                     VAR_ACCOUNT_NAME: account['account_name']}
        if edgerc:
            variables[VAR_EDGERC] = edgerc
        variables[VAR_AUTH] = _auth(edgerc, accounts_section, key)
        hosts.append({'name': unique, 'vars': variables})
    return hosts
