# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
name: akamai
short_description: Akamai environments (.edgerc sections and switchable accounts) as an inventory
version_added: 0.1.0
description:
  - Builds one inventory host per Akamai environment - per section of an C(.edgerc) file (all of them, or those that
    match O(sections)), and, with O(accounts=true), per account the API client of O(accounts_section) may act on
    through an account switch key (Identity and Access Management API v3,
    C(GET /identity-management/v3/api-clients/self/account-switch-keys)).
  - Each host carries where its credentials are - the file, the section, the account switch key - never what they
    are. No client token, client secret or access token becomes a host variable.
  - Every module of the collection takes its connection options from the host with one line,
    C(module_defaults) for the action group C(group/edgegrid.access.akamai) set to C({{ edgegrid_access_auth }});
    the roles of the collection read C(edgegrid_edgerc), C(edgegrid_section) and C(edgegrid_account_switch_key).
  - The configuration file must end with C(.akamai.yml) or C(.akamai.yaml).
  - Listing the accounts is one signed request, sent through the collection's EdgeGrid client; with O(cache=true)
    its answer is kept by the inventory cache, and an inventory read from the cache sends no request. The sections
    are always read from the file.
  - A section that cannot be used (a key missing, a bad value), an account listing that fails (after the retries of
    O(max_retries)), and a name in O(sections) or O(exclude_sections) that is no section of the file, each gives a
    warning that names the file, the section or option, and the problem (Akamai's status, title and detail for the
    listing; never a secret); the other environments are still hosts. With O(strict=true), each fails the inventory
    instead. A missing or unreadable O(edgerc) file and a bad option always fail it.
  - The hosts get C(ansible_connection=local) - the modules call Akamai's APIs from the controller. Override it with
    O(compose) if needed.
author:
  - edgegrid.access maintainers (@edgegrid-access)
requirements:
  - edgegrid-python >= 2.0.9 (with O(accounts=true))
  - requests (with O(accounts=true))
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: Marks this file as a configuration of this plugin.
    type: str
    required: true
    choices: [edgegrid.access.akamai, akamai]
  edgerc:
    description:
      - The C(.edgerc) file whose sections become hosts.
      - When set in the configuration file, it is also recorded in each host's variables. When it comes from
        E(AKAMAI_EDGERC) or the default, it is not - the modules then read the same variable when the playbook runs,
        which is what an AWX / Automation Platform job needs, as its credential injects a file of its own.
      - A file whose group or others may read or write it (mode C(0644), for example) is read with a warning; it
        should be C(0600).
    type: path
    default: ~/.edgerc
    env:
      - name: AKAMAI_EDGERC
  sections:
    description:
      - Which sections become hosts, as shell-style patterns (C(*), C(?), C([seq])) matched against the whole
        section name, case-sensitively.
      - V([]) makes no host of any section (for an inventory of accounts only).
      - A name without a wildcard that is no section of the file is most likely a typo - a warning names it and the
        sections of the file (an error with O(strict=true)). A pattern with a wildcard may match no section.
    type: list
    elements: str
    default: ['*']
  exclude_sections:
    description:
      - Sections that match one of these patterns do not become hosts, even when they match O(sections).
      - A section excluded is not read (a section that cannot be used gives no warning once excluded).
    type: list
    elements: str
    default: []
  accounts:
    description:
      - Add one host per account that the API client of O(accounts_section) may act on, each with its account switch
        key and account name. One request to Akamai.
    type: bool
    default: false
  accounts_section:
    description:
      - The section of O(edgerc) whose API client lists its accounts, and that the account hosts sign their requests
        with. Its C(account_key), if any, is not sent with the listing (the listing is the API client's own).
    type: str
    default: default
    env:
      - name: AKAMAI_EDGERC_SECTION
  accounts_search:
    description:
      - Only the accounts whose id or name contains this text (Akamai's C(search) filter; at least three characters, not
        only white space).
    type: str
  account_hostname:
    description:
      - How an account host is named - V(name) from its account name (lower case, other characters than letters and
        digits as C(_)), V(switch_key) from its account switch key.
      - A name that another host already has (a section, or another account of the same name) gets the account switch
        key appended.
    type: str
    choices: [name, switch_key]
    default: name
  group:
    description: The group every host of this inventory joins (besides those of O(groups) and O(keyed_groups)).
    type: str
    default: akamai
  request_timeout:
    description: Seconds to wait for Akamai to answer the account listing.
    type: float
    default: 30
  max_retries:
    description:
      - How many times the account listing is retried (connection errors, HTTP 429 and 5xx), as every read of the
        collection's EdgeGrid client is. A listing that still fails leaves out the account hosts, with a warning (an
        error with O(strict=true)).
    type: int
    default: 3
  strict:
    description:
      - V(false) - a section of O(edgerc) that cannot be used is skipped, an account listing that fails adds no
        account host, a section or account whose host would take the name of a group (C(all), C(ungrouped), the
        O(group), a group of O(groups) or O(keyed_groups)) is skipped, and a name in O(sections) or
        O(exclude_sections) without a wildcard that is no section of the file is ignored; each with a warning naming
        the file, the section or option, and the problem. The other environments are still hosts.
      - V(true) - each of these fails the inventory, as an error in O(compose), O(groups) or O(keyed_groups) does.
        For a scheduled job (a rotation, a report) that must not run on part of the environments.
      - Ansible itself reports an inventory source that fails as a warning and runs on without its hosts (with
        none, C(no hosts matched), exit code 0), unless told otherwise - for the job to fail, set also
        E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED) to C(true) (C(any_unparsed_is_failed) in the C([inventory]) section of
        C(ansible.cfg)).
    type: bool
    default: false
notes:
  - Host variables of every host - C(edgegrid_source) (V(section) or V(account)), C(edgegrid_section),
    C(edgegrid_edgerc) (only when O(edgerc) is set in the configuration file), and C(edgegrid_access_auth), the
    connection options of the modules as a dict (C(edgerc), C(section), C(account_switch_key)). Account hosts also
    have C(edgegrid_account_switch_key) and C(edgegrid_account_name).
  - An account switch key is not a secret (Akamai documents it as an identifier); the modules take it with
    C(no_log=false).
seealso:
  - name: The access report
    description: The C(edgegrid.access.access_report) playbook reads every host of this inventory.
    link: https://github.com/edgegrid-access/edgegrid.access/blob/main/roles/access_report/README.md
'''

EXAMPLES = r'''
# environments.akamai.yml: every section of ~/.edgerc is a host.
plugin: edgegrid.access.akamai

---
# Staging and production sections, plus every account the [default] API client may switch to.
plugin: edgegrid.access.akamai
edgerc: ~/.edgerc
sections: [staging, 'prod*']
accounts: true
accounts_section: default
accounts_search: Company
keyed_groups:
  # groups source_section and source_account
  - key: edgegrid_source
    prefix: source
groups:
  live: "'prod' in inventory_hostname"
compose:
  # the desired state of each environment can live in group_vars, or be composed here
  edgegrid_contract_id: "'C-1EMU002' if edgegrid_source == 'account' else 'C-1EMU001'"
# The account listing is one request: keep its answer for an hour.
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/edgegrid-inventory
cache_timeout: 3600

---
# A playbook over these hosts: one line gives every module of the collection its connection options.
# - hosts: akamai
#   gather_facts: false
#   module_defaults:
#     group/edgegrid.access.akamai: "{{ edgegrid_access_auth }}"
#   tasks:
#     - edgegrid.access.api_credential_info:
'''

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

try:
    # The name Ansible gives a group (TRANSFORM_INVALID_GROUP_CHARS), as the constructed plugin takes it.
    from ansible.inventory.group import to_safe_group_name
except ImportError:  # pragma: no cover - the names as written
    def to_safe_group_name(name, *args, **kwargs):  # pylint: disable=unused-argument
        return name

from ansible_collections.edgegrid.access.plugins.module_utils import _client
from ansible_collections.edgegrid.access.plugins.plugin_utils import _environments

# What the cache holds: the query that the accounts answer (so that another query is not answered from it).
CACHE_FORMAT = 1


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """One host per .edgerc section and per switchable account."""

    NAME = 'edgegrid.access.akamai'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(('.akamai.yml', '.akamai.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path) or {}
        # The file's path is recorded only when the configuration names it (see the edgerc option).
        recorded_edgerc = self.get_option('edgerc') if 'edgerc' in config else None
        strict = self.get_option('strict')
        source = _environments.EdgercSource(self.get_option('edgerc'))
        include = self._list_option('sections')
        exclude = self._list_option('exclude_sections')
        # What makes the whole configuration unusable fails it; a problem of one section or account does not.
        try:
            names = source.sections()
            if self.get_option('accounts'):
                self._check_accounts_options()
        except _environments.EnvironmentsError as exc:
            raise AnsibleParserError('%s: %s' % (self.NAME, exc)) from None
        warning = source.mode_warning()
        if warning:
            # Worded as the modules and the lookup word it (it names the file), so that a run says it once.
            self.display.warning(warning)
        for option, patterns in (('sections', include), ('exclude_sections', exclude)):
            for name in _environments.unmatched_names(names, patterns):
                self._problem(strict, "%s: no section of %s is named '%s' (its sections: %s)"
                              % (option, source.path, name, ', '.join(names) or 'none'))
        sections, problems = _environments.usable_sections(
            source, _environments.select_sections(names, include, exclude))
        for problem in problems:
            self._problem(strict, '%s; the section is skipped (no host)' % problem)
        accounts = []
        if self.get_option('accounts'):
            try:
                accounts = self._accounts(path, source, cache)
            except (_client.ApiError, _client.TransportError) as exc:
                # The section and file once: the error's own text without its "(signed with ...)".
                self._problem(strict, 'cannot list the accounts of section [%s] of %s: %s; no account host'
                              % (self.get_option('accounts_section'), source.path, exc.describe()))
            except _client.EdgeGridError as exc:
                self._problem(strict, 'cannot list the accounts of section [%s]: %s; no account host'
                              % (self.get_option('accounts_section'), exc))

        hosts = _environments.environments(sections, accounts, edgerc=recorded_edgerc,
                                           accounts_section=self.get_option('accounts_section'),
                                           account_hostname=self.get_option('account_hostname'))
        group = self.get_option('group')
        if group:
            self.inventory.add_group(group)
        # The groups of the `groups` option are known by name before any host joins them.
        composed = set(to_safe_group_name(name, silent=True) for name in self.get_option('groups') or {})
        added = []
        for host in hosts:
            name = host['name']
            if name in self.inventory.groups or name in composed:
                self._skip_host(strict, host, source)
                continue
            added.append(host)
            self.inventory.add_host(name, group=group or None)
            self.inventory.set_variable(name, 'ansible_connection', 'local')
            for key, value in host['vars'].items():
                self.inventory.set_variable(name, key, value)
            host_vars = self.inventory.get_host(name).get_vars()
            self._set_composite_vars(self.get_option('compose'), host_vars, name, strict=strict)
            host_vars = self.inventory.get_host(name).get_vars()
            self._add_host_to_composed_groups(self.get_option('groups'), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), host_vars, name, strict=strict)
        # A group of `keyed_groups` named by a host added before it.
        for host in added:
            if host['name'] in self.inventory.groups:
                self.inventory.remove_host(self.inventory.get_host(host['name']))
                self._skip_host(strict, host, source)

    def _skip_host(self, strict, host, source):
        """A section or account whose host would take the name of a group of the inventory (all, ungrouped, the
        `group` option's, one of `groups` or `keyed_groups`), which no pattern (`hosts:`, --limit) tells apart from
        the host: skipped with a warning, an error with `strict`."""
        problem = "'%s' is the name of an Ansible group, which a host cannot share" % host['name']
        if host['vars'].get(_environments.VAR_SOURCE) == _environments.SOURCE_SECTION:
            self._problem(strict, 'section [%s] of %s: %s; the section is skipped (no host). Rename the section, or '
                          'leave it out with exclude_sections' % (host['name'], source.path, problem))
        else:
            self._problem(strict, 'the host of account %s: %s; the account is skipped (no host). Name account hosts '
                          'by switch key (account_hostname: switch_key)'
                          % (host['vars'].get(_environments.VAR_SWITCH_KEY), problem))

    def _problem(self, strict, message):
        """A section or account that cannot be an environment: an error with strict, else a warning."""
        if strict:
            raise AnsibleParserError('%s: %s' % (self.NAME, message))
        self.display.warning('%s: %s' % (self.NAME, message))

    def _check_accounts_options(self):
        """AnsibleParserError or EnvironmentsError, naming the option, for an option of the listing that is wrong."""
        timeout = self.get_option('request_timeout')
        retries = self.get_option('max_retries')
        if timeout is None or timeout <= 0:
            raise AnsibleParserError('%s: request_timeout must be greater than 0 (seconds)' % self.NAME)
        if retries is None or retries < 0:
            raise AnsibleParserError('%s: max_retries must be 0 or more' % self.NAME)
        _environments.check_search(self.get_option('accounts_search'))

    def _list_option(self, name):
        value = self.get_option(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise AnsibleParserError('%s: %s must be a list of section name patterns' % (self.NAME, name))
        return value

    def _accounts(self, path, source, cache):
        """The switchable accounts: from the inventory cache when it holds the same query, else from Akamai."""
        section = self.get_option('accounts_section')
        search = self.get_option('accounts_search')
        config = source.config(section)
        query = {'edgerc': source.path, 'section': section, 'host': config.host, 'search': search or None}
        use_cache = bool(self.get_option('cache'))
        cache_key = self.get_cache_key(path)
        if use_cache and cache:
            try:
                held = self._cache[cache_key]
            except KeyError:
                held = None
            if isinstance(held, dict) and held.get('format') == CACHE_FORMAT and held.get('query') == query:
                self.display.vvv('%s: the accounts of section [%s] come from the inventory cache' % (self.NAME, section))
                return held['accounts']
        if not _client.HAS_EDGEGRID:
            raise AnsibleError('%s: accounts=true needs the Python libraries %s'
                               % (self.NAME, _client.EDGEGRID_IMPORT_ERROR))
        accounts, sent = _environments.list_accounts(config, search, timeout=self.get_option('request_timeout'),
                                                     max_retries=self.get_option('max_retries'))
        self.display.vvv('%s: %d accounts of section [%s] listed in %d request(s)'
                         % (self.NAME, len(accounts), section, sent))
        if use_cache:
            self._cache[cache_key] = {'format': CACHE_FORMAT, 'query': query, 'accounts': accounts}
        return accounts
