# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The inventory plugin edgegrid.access.akamai against the emulator: sections, accounts, constructed groups, cache."""

from __future__ import annotations

import ast
import configparser
import json
import os
import re

import yaml

from conftest import LEDGER

SWITCH_KEYS = '/identity-management/v3/api-clients/self/account-switch-keys'


def hosts_of(inventory, group):
    return sorted(inventory.get(group, {}).get('hosts', []))


def plain(value):
    """A value of `ansible-inventory --list` without the markers of untrusted text ({"__ansible_unsafe": text})."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def hostvars(inventory, host):
    return plain(inventory['_meta']['hostvars'][host])


def test_graph_lists_the_sections_and_the_second_account(ansible):
    emu = ansible.emu
    path = ansible.inventory_file(edgerc=emu.edgerc, accounts=True)
    rc, out, err = ansible.run(['ansible-inventory', '-i', path, '--graph'])
    assert rc == 0, err
    lines = [line.strip(' |-') for line in out.splitlines()]
    assert lines[:2] == ['@all:', '@ungrouped:'] and '@akamai:' in lines
    assert lines[lines.index('@akamai:') + 1:] == ['default', 'readonly', 'account2', 'emulated_company_two']

    inventory = ansible.inventory(path)
    second = emu.store.accounts['1-EMUACC2']
    assert hostvars(inventory, 'emulated_company_two') == {
        'ansible_connection': 'local', 'edgegrid_source': 'account', 'edgegrid_section': 'default',
        'edgegrid_edgerc': emu.edgerc, 'edgegrid_account_switch_key': second.switch_key,
        'edgegrid_account_name': 'Emulated Company Two',
        'edgegrid_access_auth': {'edgerc': emu.edgerc, 'section': 'default', 'account_switch_key': second.switch_key}}
    assert hostvars(inventory, 'readonly') == {
        'ansible_connection': 'local', 'edgegrid_source': 'section', 'edgegrid_section': 'readonly',
        'edgegrid_edgerc': emu.edgerc, 'edgegrid_access_auth': {'edgerc': emu.edgerc, 'section': 'readonly'}}
    # Where the credentials are, never what they are.
    parser = configparser.RawConfigParser()
    parser.read(emu.edgerc)
    text = json.dumps(inventory)
    for section in parser.sections():
        for key in ('client_token', 'client_secret', 'access_token'):
            assert parser.get(section, key) not in text


def test_sections_by_pattern_and_the_edgerc_from_the_environment(ansible):
    emu = ansible.emu
    path = ansible.inventory_file(sections=['*'], exclude_sections=['read*'])
    inventory = ansible.inventory(path, env={'AKAMAI_EDGERC': emu.edgerc})
    assert hosts_of(inventory, 'akamai') == ['account2', 'default']
    # The file came from AKAMAI_EDGERC: the hosts leave it to the modules (an AWX job injects a file of its own).
    assert hostvars(inventory, 'default') == {
        'ansible_connection': 'local', 'edgegrid_source': 'section', 'edgegrid_section': 'default',
        'edgegrid_access_auth': {'section': 'default'}}
    only = ansible.inventory(ansible.inventory_file('only', edgerc=emu.edgerc, sections=['acc?unt2'], group=''))
    assert list(only['_meta']['hostvars']) == ['account2'] and 'akamai' not in only
    assert ansible.emu.admin.log()['total'] == 0  # sections alone send no request


def test_accounts_only_with_search_and_names(ansible):
    emu = ansible.emu
    second = emu.store.accounts['1-EMUACC2']
    path = ansible.inventory_file(edgerc=emu.edgerc, sections=[], accounts=True, accounts_search='Two',
                                  account_hostname='switch_key')
    inventory = ansible.inventory(path)
    name = second.switch_key.lower().replace('-', '_').replace(':', '_')
    assert hosts_of(inventory, 'akamai') == [name]
    emu.admin.reset_log()
    none = ansible.inventory(ansible.inventory_file('none', edgerc=emu.edgerc, sections=[], accounts=True,
                                                    accounts_search='Nothing like it'))
    assert none['_meta']['hostvars'] == {}
    log = emu.admin.log()
    assert log['counts'] == {'GET ' + SWITCH_KEYS: 1}


def test_compose_groups_and_keyed_groups(ansible):
    emu = ansible.emu
    path = ansible.inventory_file(
        edgerc=emu.edgerc, accounts=True,
        compose={'edgegrid_contract_id': "'C-1EMU002' if edgegrid_source == 'account' else 'C-1EMU001'",
                 'display_name': "inventory_hostname | upper"},
        groups={'production': "edgegrid_source == 'account' or inventory_hostname == 'account2'"},
        keyed_groups=[{'key': 'edgegrid_source', 'prefix': 'source'},
                      {'key': 'edgegrid_account_name | default(\"\")', 'prefix': 'account'}])
    inventory = ansible.inventory(path)
    assert hosts_of(inventory, 'source_section') == ['account2', 'default', 'readonly']
    assert hosts_of(inventory, 'source_account') == ['emulated_company_two']
    assert hosts_of(inventory, 'production') == ['account2', 'emulated_company_two']
    assert hosts_of(inventory, 'account_Emulated_Company_Two') == ['emulated_company_two']
    assert hostvars(inventory, 'emulated_company_two')['edgegrid_contract_id'] == 'C-1EMU002'
    assert hostvars(inventory, 'default')['edgegrid_contract_id'] == 'C-1EMU001'
    assert hostvars(inventory, 'default')['display_name'] == 'DEFAULT'


def test_cache_hit_sends_no_request(ansible, tmp_path):
    emu = ansible.emu
    cache_dir = tmp_path / 'inventory-cache'
    path = ansible.inventory_file(edgerc=emu.edgerc, accounts=True, cache=True, cache_plugin='ansible.builtin.jsonfile',
                                  cache_connection=str(cache_dir), cache_timeout=3600)
    emu.admin.reset_log()
    first = ansible.inventory(path)
    assert emu.admin.log()['counts'] == {'GET ' + SWITCH_KEYS: 1}
    emu.admin.reset_log()
    second = ansible.inventory(path)
    assert emu.admin.log()['total'] == 0
    assert second == first
    cached = ''.join(p.read_text() for p in cache_dir.iterdir())
    assert emu.store.accounts['1-EMUACC2'].switch_key in cached
    assert not LEDGER.scan(cached)
    # Another query is not answered from the cache; --flush-cache asks again.
    changed = ansible.inventory_file(edgerc=emu.edgerc, accounts=True, accounts_search='Company', cache=True,
                                     cache_plugin='ansible.builtin.jsonfile', cache_connection=str(cache_dir))
    os.replace(changed, path)
    emu.admin.reset_log()
    ansible.inventory(path)
    assert emu.admin.log()['total'] == 1
    emu.admin.reset_log()
    ansible.inventory(path, options=['--flush-cache'])
    assert emu.admin.log()['total'] == 1


def test_bad_input_names_the_file_section_or_option(ansible, tmp_path):
    emu = ansible.emu
    missing = ansible.inventory_file('missing', edgerc=str(tmp_path / 'no-such-edgerc'))
    rc, out, err = ansible.run(['ansible-inventory', '-i', missing, '--list'], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0 and 'no-such-edgerc does not exist' in err, err

    broken = tmp_path / 'broken.edgerc'
    with open(emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    broken.write_text(text + '\n[half]\nhost = %s\nclient_secret = not-enough\n' % emu.base_url)
    # strict: a section that cannot be used fails the inventory (else it is skipped, see below).
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'half', edgerc=str(broken), strict=True), '--list'], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0 and 'section [half]' in err and 'client_token' in err, err
    assert 'not-enough' not in out + err

    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'short', edgerc=emu.edgerc, accounts=True, accounts_search='ab'), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0 and 'accounts_search: search must be at least 3 characters' in err, err

    # An API error: Akamai's problem details, no traceback.
    parser = configparser.RawConfigParser()
    parser.read(emu.edgerc)
    parser.set('default', 'client_secret', 'a-wrong-secret-for-the-test')
    wrong = tmp_path / 'wrong.edgerc'
    with open(wrong, 'w', encoding='utf-8') as handle:
        parser.write(handle)
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'wrong', edgerc=str(wrong), accounts=True, strict=True), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0, out
    assert 'cannot list the accounts of section [default]' in err and 'HTTP 401' in err, err
    assert 'Traceback' not in err and 'a-wrong-secret-for-the-test' not in err


def _warnings(err):
    """The text of the warnings of an ansible command's stderr, each on one line."""
    return ' '.join(err.split())


def test_a_section_that_cannot_be_used_is_skipped_with_a_warning(ansible, tmp_path):
    """One bad section of the file does not take the other environments down, and is never silent."""
    emu = ansible.emu
    with open(emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    broken = tmp_path / 'broken.edgerc'
    broken.write_text(text + '\n[half]\nhost = akab-x.luna.akamaiapis.net\n'
                      '\n[badhost]\nhost = https://no-such host\nclient_token = akab-t\nclient_secret = not-shown-1\n'
                      'access_token = akab-a\n')
    path = ansible.inventory_file('half', edgerc=str(broken))
    rc, out, err = ansible.run(['ansible-inventory', '-i', path, '--list'],
                               env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['account2', 'default', 'readonly']
    warned = _warnings(err)
    # The file is 0644 (written under the umask, as a hand-written one is): one warning of it, whatever the sections;
    # and one still when a module reads it in the same run (the inventory words it as the modules do).
    mode_warning = '.edgerc file %s has mode 0644: users other than its owner may read it' % broken
    assert warned.count(mode_warning) == 1, err
    rc, out, err = ansible.run(['ansible', '-i', path, 'default', '-m', 'edgegrid.access.api_key_collection_info',
                                '-a', 'edgerc=%s details=false' % broken])
    assert rc == 0 and 'default | SUCCESS' in out and _warnings(err).count(mode_warning) == 1, out + err
    assert 'section [half] of .edgerc file %s' % broken in warned and 'client_token' in warned and 'skipped' in warned, err
    assert 'section [badhost]' in warned and 'host' in warned, err
    assert 'not-shown-1' not in out + err
    # A playbook over the inventory runs on the good environments, and says which one it left out.
    rc, out, err = ansible.run(['ansible', '-i', path, 'akamai', '-m', 'ansible.builtin.ping'])
    assert rc == 0 and 'default | SUCCESS' in out and 'section [half]' in _warnings(err), out + err
    # Excluded, it is not read, and not warned about (the file made private: no other warning).
    os.chmod(broken, 0o600)
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'excluded', edgerc=str(broken), exclude_sections=['half', 'badhost']), '--list'])
    assert rc == 0 and 'WARNING' not in err, err


def test_a_failed_account_listing_keeps_the_sections_with_a_warning(ansible, tmp_path):
    emu = ansible.emu
    path = ansible.inventory_file('flaky', edgerc=emu.edgerc, accounts=True, max_retries=1)
    # Retried as every read of the shared client is: one 503 is not a problem.
    emu.admin.faults('503', method='GET', path=SWITCH_KEYS, count=1)
    emu.admin.reset_log()
    inventory = ansible.inventory(path)
    assert 'emulated_company_two' in inventory['_meta']['hostvars']
    assert emu.admin.log()['counts'] == {'GET ' + SWITCH_KEYS: 2}
    # Still failing after the retries: the sections are hosts, the warning gives Akamai's problem.
    emu.admin.clear_faults()
    emu.admin.faults('503', method='GET', path=SWITCH_KEYS, count=2)
    rc, out, err = ansible.run(['ansible-inventory', '-i', path, '--list'],
                               env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['account2', 'default', 'readonly']
    warned = _warnings(err)
    assert 'cannot list the accounts of section [default] of %s: GET ' % emu.edgerc in warned, err
    assert 'HTTP 503' in warned and 'Service Unavailable' in warned, err
    # The section and its file are named once, not again as "(signed with section [default] of ...)".
    assert 'signed with' not in warned, err

    # 401: a wrong client token in the accounts section; its own host and the other sections stay.
    emu.admin.clear_faults()
    parser = configparser.RawConfigParser()
    parser.read(emu.edgerc)
    parser.set('readonly', 'client_token', 'akab-wrongwrongwrong-wrongwrongwrong')
    wrong = tmp_path / 'wrong.edgerc'
    with open(wrong, 'w', encoding='utf-8') as handle:
        parser.write(handle)
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'wrong', edgerc=str(wrong), accounts=True, accounts_section='readonly'), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['account2', 'default', 'readonly']
    warned = _warnings(err)
    assert 'cannot list the accounts of section [readonly] of %s: GET ' % wrong in warned and 'HTTP 401' in warned, err
    assert 'signed with' not in warned, err
    assert 'akab-wrongwrongwrong-wrongwrongwrong' not in out + err

    # An accounts section that is not in the file: a warning, the sections stay.
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'nosuch', edgerc=emu.edgerc, accounts=True, accounts_section='nosuch'), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['account2', 'default', 'readonly']
    assert 'cannot list the accounts of section [nosuch]' in _warnings(err), err


def test_a_section_name_that_matches_nothing_is_warned_about(ansible):
    emu = ansible.emu
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'typo', edgerc=emu.edgerc, sections=['prodution', 'read*', 'nothing*'], exclude_sections=['stagin']),
        '--list'], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['readonly']
    warned = _warnings(err)
    assert "sections: no section of %s is named 'prodution'" % emu.edgerc in warned, err
    assert "exclude_sections: no section of %s is named 'stagin'" % emu.edgerc in warned, err
    assert 'default, readonly, account2' in warned, err
    # Patterns may match nothing: no warning for them.
    assert 'nothing*' not in warned, err
    # strict: a name that matches nothing fails the inventory.
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'typo', edgerc=emu.edgerc, sections=['prodution'], strict=True), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0 and "no section of %s is named 'prodution'" % emu.edgerc in _warnings(err), err


def test_a_section_named_as_a_group_is_skipped_with_a_warning(ansible, tmp_path):
    """Sections [all], [ungrouped] and [akamai] (the plugin's group) would be hosts no pattern tells from the groups:
    skipped, each with a warning naming it; an error with strict."""
    emu = ansible.emu
    with open(emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    default = text.split('[default]', 1)[1].split('\n[', 1)[0]
    named = tmp_path / 'named.edgerc'
    named.write_text(text + ''.join('\n[%s]%s' % (name, default) for name in ('all', 'ungrouped', 'akamai')))
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file('groups', edgerc=str(named)),
                                '--list'], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    assert sorted(json.loads(out)['_meta']['hostvars']) == ['account2', 'default', 'readonly']
    warned = _warnings(err)
    for name in ('all', 'ungrouped', 'akamai'):
        assert ("section [%s] of %s: '%s' is the name of an Ansible group, which a host cannot share; the section "
                "is skipped (no host)" % (name, named, name)) in warned, err
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'groups', edgerc=str(named), strict=True), '--list'], env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc != 0 and "section [all] of %s: 'all' is the name of an Ansible group" % named in _warnings(err), err

    # Groups the configuration makes: one of `groups` (named before any host joins it), one of `keyed_groups` (made
    # by a host read after the section of that name).
    made = tmp_path / 'made.edgerc'
    made.write_text(''.join('[%s]%s\n' % (name, default) for name in ('live', 'grp_zz', 'zz')))
    path = ansible.inventory_file('made', edgerc=str(made), groups={'live': 'true'},
                                  keyed_groups=[{'key': 'edgegrid_section', 'prefix': 'grp'}])
    rc, out, err = ansible.run(['ansible-inventory', '-i', path, '--list'],
                               env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1'})
    assert rc == 0, err
    listed = json.loads(out)
    assert sorted(listed['_meta']['hostvars']) == ['zz']
    assert listed['grp_zz']['hosts'] == ['zz'] and listed['live']['hosts'] == ['zz']
    warned = _warnings(err)
    for name in ('live', 'grp_zz'):
        assert "section [%s] of %s: '%s' is the name of an Ansible group" % (name, made, name) in warned, err

    # A `groups` name that Ansible sanitizes (TRANSFORM_INVALID_GROUP_CHARS) is compared as the group it makes.
    dashed = tmp_path / 'dashed.edgerc'
    dashed.write_text('[my-grp]%s\n' % default)
    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file(
        'dashed', edgerc=str(dashed), groups={'my-grp': 'true'}), '--list'],
        env={'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1', 'ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS': 'always'})
    assert rc == 0, err
    assert json.loads(out)['my_grp']['hosts'] == ['my-grp'], out


def test_module_defaults_from_the_inventory(ansible, tmp_path):
    """The README's one line: every module of the collection takes the host's connection options."""
    emu = ansible.emu
    path = ansible.inventory_file(edgerc=emu.edgerc, accounts=True)
    playbook = tmp_path / 'read.yml'
    results = tmp_path / 'results'
    playbook.write_text(yaml.safe_dump([{
        'name': 'Read each environment', 'hosts': 'akamai', 'gather_facts': False,
        'module_defaults': {'group/edgegrid.access.akamai': '{{ edgegrid_access_auth }}'},
        'tasks': [
            {'name': 'The API clients of the account', 'edgegrid.access.api_client_info': {}, 'register': 'clients'},
            {'name': 'Keep them', 'delegate_to': 'localhost', 'ansible.builtin.copy': {
                'dest': str(results) + '-{{ inventory_hostname }}.json', 'mode': '0600',
                'content': "{{ clients.api_clients | map(attribute='name') | list | to_json }}"}},
        ]}]))
    rc, out, err = ansible.run(['ansible-playbook', '-i', path, str(playbook)])
    assert rc == 0, out + err
    found = dict((host, json.loads((tmp_path / ('results-%s.json' % host)).read_text()))
                 for host in ('default', 'readonly', 'account2', 'emulated_company_two'))
    # The primary account has the two API clients; the second account (by the section's account_key, or by the
    # account host's switch key) has none.
    assert found == {'default': ['emulator-admin', 'emulator-readonly'],
                     'readonly': ['emulator-admin', 'emulator-readonly'], 'account2': [], 'emulated_company_two': []}


def _documented_inventories():
    """The inventory configurations of the docs: the README's, the plugin's EXAMPLES, the AWX project's."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(repo, 'README.md'), encoding='utf-8') as handle:
        readme = handle.read()
    block = re.search(r'```yaml\n(# environments\.akamai\.yml\n.*?)```', readme, re.S).group(1)
    with open(os.path.join(repo, 'plugins', 'inventory', 'akamai.py'), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    examples = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
                and getattr(node.targets[0], 'id', None) == 'EXAMPLES'][0]
    documents = [doc for doc in yaml.safe_load_all(examples) if doc]
    with open(os.path.join(repo, 'docs', 'awx', 'project', 'inventories', 'environments.akamai.yml'),
              encoding='utf-8') as handle:
        awx = yaml.safe_load(handle)
    return yaml.safe_load(block), documents, awx


def test_the_documented_inventories_run(ansible, tmp_path):
    emu = ansible.emu
    home = tmp_path / 'home'
    home.mkdir()
    parser = configparser.RawConfigParser()
    parser.read(emu.edgerc)
    mine = configparser.RawConfigParser()
    for name, source in (('default', 'default'), ('staging', 'readonly'), ('production', 'account2')):
        mine.add_section(name)
        for key, value in parser.items(source):
            mine.set(name, key, value)
    with open(home / '.edgerc', 'w', encoding='utf-8') as handle:
        mine.write(handle)
    os.chmod(home / '.edgerc', 0o600)
    readme, examples, awx = _documented_inventories()

    rc, out, err = ansible.run(['ansible-inventory', '-i', ansible.inventory_file('readme', **readme), '--graph'],
                               env={'HOME': str(home)})
    assert rc == 0, err
    lines = [line.strip(' |-') for line in out.splitlines()]
    assert lines[lines.index('@akamai:') + 1:lines.index('@akamai:') + 5] == [
        'default', 'staging', 'production', 'emulated_company_two']

    assert len(examples) == 2
    for number, example in enumerate(examples):
        inventory = ansible.inventory(ansible.inventory_file('example%d' % number, **example), env={'HOME': str(home)})
        assert inventory['_meta']['hostvars'], example
    assert hosts_of(inventory, 'live') == ['production']
    assert hosts_of(inventory, 'source_account') == ['emulated_company_two']

    # As an AWX inventory source: the credential injects the file and its section.
    inventory = ansible.inventory(ansible.inventory_file('awx', **awx),
                                  env={'AKAMAI_EDGERC': emu.edgerc, 'AKAMAI_EDGERC_SECTION': 'default'})
    assert sorted(inventory['_meta']['hostvars']) == ['account2', 'default', 'emulated_company_two', 'readonly']
    second = hostvars(inventory, 'emulated_company_two')
    assert second['edgegrid_access_auth'] == {'section': 'default', 'account_switch_key': second[
        'edgegrid_account_switch_key']}
    assert 'edgegrid_edgerc' not in second


def test_the_rotation_report_of_an_account_host_names_its_account(ansible):
    """An account host rotates the credential of its section through its account switch key: the report line of the
    rotate_credentials playbook says so, and does not read as the section's own host."""
    emu = ansible.emu
    second = emu.store.accounts['1-EMUACC2']
    path = ansible.inventory_file(edgerc=emu.edgerc, sections=[], accounts=True)
    rc, out, err = ansible.run(['ansible-playbook', '-i', path, 'edgegrid.access.rotate_credentials'])
    assert rc == 0, out + err
    assert '"msg": "[default, account switch key %s] credential' % second.switch_key in out, out
    # The include's label names what the item gives (here nothing: each host's own section); the host is named.
    assert "rotate.yml for emulated_company_two => (item=each host's own section)" in out, out
    assert '(item=default, account switch key %s) => {' % second.switch_key in out, out
