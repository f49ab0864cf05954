# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access report (playbook edgegrid.access.access_report) over the inventory plugin's hosts, against an estate in
the emulator whose credential and EdgeKV token near their expiry once the emulator's clock is moved on a month;
the HTML page opened in a headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from datetime import date, datetime, timedelta

import pytest
import yaml
from akamai_emulator.testing import running_emulator

from browser import Browser
from conftest import LEDGER, OUTPUT, REPO, Ansible, scan_files

FILES = ('report.json', 'report.md', 'report.html')
ROTATION = 'edgegrid.access rotation replaces credential 100001'
HOSTS = ['account2', 'default', 'emulated_company_two', 'readonly']
DAY = 86400


def recap(output):
    """{host: {ok, changed, failed, ...}} from the PLAY RECAP."""
    found = {}
    for host, counts in re.findall(r'^(\S+)\s+: (ok=.*)$', output, re.M):
        found[host] = dict((k, int(v)) for k, v in re.findall(r'(\w+)=(\d+)', counts))
    return found


def mtimes(directory):
    return dict((name, os.stat(os.path.join(directory, name)).st_mtime_ns) for name in FILES)


class Estate:
    """The emulator with its estate, the inventory of its environments, and a way to run the report."""

    def __init__(self, ansible, inventory, as_of):
        self.ansible = ansible
        self.emu = ansible.emu
        self.inventory = inventory
        self.as_of = as_of

    def report(self, directory, *options, env=None):
        command = ['ansible-playbook', '-i', self.inventory, 'edgegrid.access.access_report',
                   '-e', json.dumps({'access_report_dir': str(directory), 'access_report_as_of': self.as_of})]
        rc, out, err = self.ansible.run(command + list(options), env=env)
        return rc, out + err

    def load(self, directory):
        with open(os.path.join(str(directory), 'report.json'), encoding='utf-8') as handle:
            return json.load(handle)


@pytest.fixture(scope='module')
def estate(tmp_path_factory, collections_path):
    """The emulator's two accounts with a credential that expires in 45 days and an EdgeKV token that expires in 40,
    keys (two active, one revoked) in a collection with a quota, and a throttling counter; then its clock moved on
    30 days: 15 and 10 days left."""
    tmp_path = tmp_path_factory.mktemp('estate')
    os.makedirs(tmp_path / 'emulator')
    with running_emulator(tmp_path / 'emulator', propagation_delay=0.2) as emu:
        ansible = Ansible(tmp_path, collections_path, emu)
        now = datetime.fromisoformat(emu.admin.clock()['now'].replace('Z', '+00:00'))
        account = emu.store.accounts[emu.store.meta['primary_account']]
        contract, group = account.contracts[0], account.groups[0]['groupId']
        setup = tmp_path / 'setup.yml'
        setup.write_text(yaml.safe_dump([{
            'name': 'The estate', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': emu.edgerc}},
            'tasks': [
                {'name': 'A credential of ours that expires in 45 days', 'edgegrid.access.api_credential': {
                    'description': ROTATION, 'expires_on': (now + timedelta(days=45)).strftime('%Y-%m-%dT%H:%M:%SZ')},
                 'no_log': True},
                {'name': 'An EdgeKV token that expires in 40 days', 'edgegrid.access.edgekv_token': {
                    'name': 'catalog_soon', 'namespace_permissions': {'default': ['r']}, 'allow_on_staging': True,
                    'expiry': (now.date() + timedelta(days=40)).isoformat()}},
                {'name': 'A token that refreshes itself, in the second account', 'edgegrid.access.edgekv_token': {
                    'name': 'catalog_two', 'namespace_permissions': {'default': ['r']}, 'allow_on_production': True,
                    'section': 'account2'}},
                {'name': 'A key collection with a quota', 'edgegrid.access.api_key_collection': {
                    'name': 'partners', 'contract_id': contract, 'group_id': group,
                    'quota': {'enabled': True, 'limit': 1000, 'interval': 'DAY'}}},
                {'name': 'Its keys', 'no_log': True, 'edgegrid.access.api_key': {
                    'collection': 'partners', 'keys': [
                        {'value': 'estate-partner-key-aaaa-0001', 'label': 'partner-a'},
                        {'value': 'estate-partner-key-bbbb-0002', 'label': 'partner-b'},
                        {'value': 'estate-partner-key-cccc-0003', 'label': 'partner-c'}]}},
                {'name': 'One of them revoked', 'no_log': True, 'edgegrid.access.api_key': {
                    'collection': 'partners', 'keys': [{'value': 'estate-partner-key-cccc-0003', 'state': 'revoked'}]}},
                {'name': 'A throttling counter', 'edgegrid.access.throttling_counter': {
                    'name': 'partners-burst', 'contract_id': contract, 'group_id': group, 'limit': 50,
                    'on_over_limit': 'WARN', 'rules': {'key_collections': ['partners']}}},
            ]}]))
        rc, out, err = ansible.run(['ansible-playbook', str(setup)])
        assert rc == 0, out + err
        LEDGER.add('API key value', 'estate-partner-key-aaaa-0001')
        emu.admin.advance_clock(30 * DAY)
        as_of = emu.admin.clock()['now'][:10]
        inventory = ansible.inventory_file(edgerc=emu.edgerc, accounts=True)
        yield Estate(ansible, inventory, as_of)


def test_report_fails_on_what_expires_soon_and_writes_the_three_files(estate, tmp_path):
    out_dir = tmp_path / 'report'
    estate.emu.admin.reset_log()
    rc, output = estate.report(out_dir, '-e', 'access_report_fail_within_days=14')
    assert rc == 2, output
    # The token (10 days) fails the run, in both environments of the primary account; the credential (15 days)
    # does not, but is warned about.
    failure = re.search(r'2 item\(s\) expire within 14 days \(access_report_fail_within_days\): (.*)', output)
    assert failure, output
    assert 'default / EdgeKV token catalog_soon' in failure.group(1) and 'readonly / EdgeKV token catalog_soon' in \
        failure.group(1) and 'credential' not in failure.group(1)
    assert re.search(r'WARNING: 4 item\(s\) expire within 30 days', output), output
    # Reads only.
    assert all(key.startswith(('GET ', 'HEAD ')) for key in estate.emu.admin.log()['counts'])

    assert sorted(os.listdir(out_dir)) == sorted(FILES)
    for name in FILES:
        assert stat.S_IMODE(os.stat(out_dir / name).st_mode) == 0o644
    assert not scan_files([str(out_dir / name) for name in FILES])

    report = estate.load(out_dir)
    assert report['as_of'] == estate.as_of and report['fail_within_days'] == 14 and report['warn_within_days'] == 30
    assert [env['name'] for env in report['environments']] == HOSTS
    first = report['timeline'][0]
    assert (first['environment'], first['kind'], first['name'], first['days_left'], first['level']) == \
        ('default', 'edgekv_token', 'EdgeKV token catalog_soon', 10, 'warning')
    assert [(i['environment'], i['days_left']) for i in report['failing']] == [('default', 10), ('readonly', 10)]
    ours = [i for i in report['expiring'] if i['kind'] == 'credential']
    assert [(i['environment'], i['days_left'], i['managed'], i['description']) for i in ours] == [
        ('default', 15, True, ROTATION), ('readonly', 15, True, ROTATION)]
    default = report['environments'][1]
    assert default['source'] == 'section' and default['errors'] == []
    admin = [c for c in default['api_clients'] if c['name'] == 'emulator-admin'][0]
    assert [(c['credential_id'], c['managed'], c['signing']) for c in admin['credentials']] == [
        (100001, False, True), (admin['credentials'][1]['credential_id'], True, False)]
    # Ours says it replaces 100001: shown as replaced, and still counted in every environment, since one of them
    # (default) still signs its reads with it.
    assert [c['replaced_by'] for c in admin['credentials']] == [admin['credentials'][1]['credential_id'], None]
    assert [i for i in report['timeline'] if not i['counted']] == [] and report['summary']['replaced'] == 0
    partners = default['api_key_collections'][0]
    assert (partners['name'], partners['keys'], partners['quota']) == (
        'partners', {'total': 3, 'present': 2, 'revoked': 1}, {'enabled': True, 'limit': 1000, 'interval': 'DAY'})
    assert [(c['name'], c['limit'], c['on_over_limit']) for c in default['throttling_counters']] == [
        ('partners-burst', 50, 'WARN')]
    second = report['environments'][2]
    assert (second['source'], second['account_name'], second['section']) == ('account', 'Emulated Company Two',
                                                                             'default')
    assert [(t['name'], t['auto_refresh'], t['days_left']) for t in second['edgekv_tokens']] == [
        ('catalog_two', True, None)]
    assert second['api_key_collections'] == [] and second['api_clients'] == []

    text = (out_dir / 'report.md').read_text()
    assert '## Expiring within 30 days' in text
    assert '| 10 | default | EdgeKV token catalog_soon | %s | - |' % (
        date.fromisoformat(estate.as_of) + timedelta(days=10)).isoformat() in text
    assert '| partners | %s | C-1EMU001 / 10001 | 2 | 1 | 1000 per DAY |' % partners['id'] in text
    for host in HOSTS:
        assert '\n## %s\n' % host in text

    # The same run again: the same bytes, nothing written.
    before = mtimes(out_dir)
    rc, output = estate.report(out_dir, '-e', 'access_report_fail_within_days=14')
    assert rc == 2
    assert all(counts['changed'] == 0 for counts in recap(output).values()), output
    assert mtimes(out_dir) == before


def test_report_passes_without_a_limit_and_check_mode_writes_nothing(estate, tmp_path):
    out_dir = tmp_path / 'report'
    rc, output = estate.report(out_dir, '--check')
    assert rc == 0, output
    assert not out_dir.exists()
    assert recap(output)['default']['changed'] >= 2, output  # the directory and the files would be made
    rc, output = estate.report(out_dir)
    assert rc == 0, output
    assert recap(output)['default']['changed'] == 2  # the directory, and the loop over the three files
    before = mtimes(out_dir)
    rc, output = estate.report(out_dir, '--check', '--diff')
    assert rc == 0, output
    assert all(counts['changed'] == 0 for counts in recap(output).values()), output
    assert mtimes(out_dir) == before


def test_read_errors_are_reported_and_fail_only_when_asked(estate, tmp_path):
    """A section whose credential Akamai refuses: its reads fail, the report says so, the other environments are read."""
    with open(estate.emu.edgerc, encoding='utf-8') as handle:
        text = handle.read()
    default = re.search(r'\[default\]\n(.*?)(?:\n\[|\Z)', text, re.S).group(1)
    broken = re.sub(r'client_secret = .*', 'client_secret = not-the-secret-of-this-credential', default)
    edgerc = tmp_path / 'edgerc'
    edgerc.write_text(text + '\n[broken]\n' + broken + '\n')
    os.chmod(edgerc, 0o600)
    inventory = estate.ansible.inventory_file('broken', edgerc=str(edgerc), sections=['default', 'broken'])
    run = Estate(estate.ansible, inventory, estate.as_of)
    rc, output = run.report(tmp_path / 'report')
    assert rc == 0, output
    report = run.load(tmp_path / 'report')
    broken_env = report['environments'][0]
    assert broken_env['name'] == 'broken'
    assert [(e['read'], e['status']) for e in broken_env['errors']] == [('api_clients', 401)]
    assert broken_env['errors'][0]['message'].startswith('HTTP 401 Not authorized')
    assert broken_env['not_read'] == ['edgekv_tokens', 'api_key_collections', 'api_keys', 'throttling_counters']
    assert report['environments'][1]['errors'] == []
    assert 'WARNING: broken: api_clients: HTTP 401' in output
    rc, output = run.report(tmp_path / 'report', '-e', 'access_report_fail_on_read_error=true')
    assert rc == 2 and '1 read(s) failed (access_report_fail_on_read_error): broken / api_clients: HTTP 401' in output, \
        output
    # An expiry check (nothing expires within a day) fails on the environment it could not read, unless told not to.
    rc, output = run.report(tmp_path / 'report', '-e', 'access_report_fail_within_days=1')
    assert rc == 2, output
    assert '1 read(s) failed (access_report_fail_within_days: what could not be read cannot be checked for expiry; ' \
        'access_report_fail_on_read_error=false lets the run pass all the same): broken / api_clients: HTTP 401' in \
        output, output
    assert 'expire within 1 days (access_report_fail_within_days)' not in output
    rc, output = run.report(tmp_path / 'report', '-e', 'access_report_fail_within_days=1',
                            '-e', 'access_report_fail_on_read_error=false')
    assert rc == 0, output


def test_an_expiry_check_that_read_nothing_fails(estate, tmp_path):
    """The example inventory with a section the .edgerc file does not have: nothing is read, and a CI expiry guard
    (access_report_fail_within_days) must not pass for it."""
    inventory = os.path.join(REPO, 'examples', 'inventories', 'staging')
    run = Estate(estate.ansible, inventory, estate.as_of)
    env = {'AKAMAI_EDGERC': estate.emu.edgerc}
    rc, output = run.report(tmp_path / 'report', '-e', 'edgegrid_section=nosuch',
                            '-e', 'access_report_fail_within_days=3650', env=env)
    assert rc == 2, output
    assert re.search(r'1 read\(s\) failed \(access_report_fail_within_days: .*\): akamai_staging / api_clients: Akamai '
                     r'credentials: \.edgerc file %s has no section \[nosuch\]' % re.escape(estate.emu.edgerc), output), \
        output
    assert [e['read'] for e in run.load(tmp_path / 'report')['environments'][0]['errors']] == ['api_clients']


def test_the_page_in_a_browser(estate, tmp_path):
    """What a person sees: the nearest expiry first, coloured, a section per environment, filters that work."""
    out_dir = tmp_path / 'report'
    rc, output = estate.report(out_dir)
    assert rc == 0, output
    os.makedirs(OUTPUT, exist_ok=True)
    with Browser() as browser:
        browser.open('file://%s' % (out_dir / 'report.html'))
        rows = browser.evaluate(
            "Array.from(document.querySelectorAll('#timeline tbody tr')).filter(r => !r.hidden).map(r => "
            "({text: r.innerText, level: r.className, colour: getComputedStyle(r.querySelector('.badge'))"
            ".backgroundColor}))")
        assert rows[0]['text'].startswith('10\t') and 'catalog_soon' in rows[0]['text'] and 'default' in rows[0]['text']
        assert rows[0]['level'] == 'level-warning' and rows[0]['colour'] == 'rgb(234, 88, 12)'
        assert 'credential' in rows[2]['text'] and rows[2]['text'].startswith('15\t')
        assert rows[-1]['level'] == 'level-ok' and rows[-1]['colour'] == 'rgb(21, 128, 61)'
        sections = browser.evaluate(
            "Array.from(document.querySelectorAll('section.environment')).map(s => s.querySelector('h2').innerText)")
        assert sections == HOSTS
        assert browser.evaluate("document.getElementById('as-of').innerText") == estate.as_of
        assert browser.evaluate("performance.getEntriesByType('resource').length") == 0
        browser.screenshot(os.path.join(OUTPUT, 'report.png'))

        # Filter: one environment, then expiring within 7 days (nothing), then a text.
        shown = ("(() => { const s = document.getElementById('filter-environment'); s.value = 'readonly';"
                 " s.dispatchEvent(new Event('change')); return [document.getElementById('shown-count').innerText,"
                 " Array.from(document.querySelectorAll('section.environment')).filter(x => !x.hidden)"
                 ".map(x => x.dataset.environment)]; })()")
        count, visible = browser.evaluate(shown)
        assert visible == ['readonly'] and count.endswith('of %d' % len(rows)) and not count.startswith('%d ' % len(rows))
        assert browser.evaluate(
            "(() => { const w = document.getElementById('filter-within'); w.value = '7';"
            " w.dispatchEvent(new Event('change')); return document.getElementById('shown-count').innerText; })()"
        ) == '0 of %d' % len(rows)
        assert browser.evaluate(
            "(() => { document.getElementById('filter-within').value = ''; const e = document.getElementById("
            "'filter-environment'); e.value = ''; const t = document.getElementById('filter-text');"
            " t.value = 'catalog'; t.dispatchEvent(new Event('input'));"
            " return Array.from(document.querySelectorAll('#timeline tbody tr')).filter(r => !r.hidden)"
            ".map(r => r.dataset.environment); })()") == ['default', 'readonly']
        browser.screenshot(os.path.join(OUTPUT, 'report-filtered.png'))


def test_as_an_awx_job_of_a_project(estate, tmp_path):
    """docs/awx.md: the project's inventory file and wrapper playbook, with what the credential type injects; the
    report lands in access-report/ of the directory the job runs in."""
    project = tmp_path / 'project'
    shutil.copytree(os.path.join(REPO, 'docs', 'awx', 'project'), str(project))
    # The credential type's file injector: one section, mode 0600, in the job's private directory.
    with open(estate.emu.edgerc, encoding='utf-8') as handle:
        section = re.search(r'\[default\]\n.*?(?=\n\[|\Z)', handle.read(), re.S).group(0)
    injected = tmp_path / 'private' / 'edgerc'
    os.makedirs(injected.parent)
    injected.write_text(section.strip() + '\n')
    os.chmod(injected, 0o600)
    env = {'AKAMAI_EDGERC': str(injected), 'AKAMAI_EDGERC_SECTION': 'default'}
    rc, out, err = estate.ansible.run(['ansible-playbook', '-i', 'inventories/environments.akamai.yml',
                                       'access_report.yml', '-e', 'access_report_as_of=%s' % estate.as_of],
                                      env=env, cwd=str(project))
    assert rc == 0, out + err
    report = estate.load(project / 'access-report')
    assert [env['name'] for env in report['environments']] == ['default', 'emulated_company_two']
    assert report['environments'][0]['errors'] == [] and report['environments'][1]['errors'] == []
    assert '"# Akamai access report",' in out  # the Markdown report, in the job log


def test_the_credential_a_rotation_just_replaced_does_not_fail_the_run(tmp_path, collections_path):
    """The credential_rotation role rotates the credential of [default] (max_age_days=0 forces it): the old one
    expires after the overlap (24 h). The report of the same day, failing on what expires within 7 days, shows it as
    replaced by the new one and does not fail the run."""
    os.makedirs(tmp_path / 'emulator')
    with running_emulator(tmp_path / 'emulator', propagation_delay=0.2) as emu:
        ansible = Ansible(tmp_path, collections_path, emu)
        inventory = ansible.inventory_file(edgerc=emu.edgerc, sections=['default'])
        rc, out, err = ansible.run(['ansible-playbook', '-i', inventory, 'edgegrid.access.rotate_credentials',
                                    '-e', 'credential_rotation_max_age_days=0'])
        assert rc == 0 and 'rotated; credential 100001 retired' in out, out + err
        run = Estate(ansible, inventory, emu.admin.clock()['now'][:10])
        rc, output = run.report(tmp_path / 'report', '-e', 'access_report_fail_within_days=7')
        assert rc == 0, output
        report = run.load(tmp_path / 'report')
        old, new = [c for c in report['environments'][0]['api_clients'] if c['name'] == 'emulator-admin'][0][
            'credentials'][:2]
        assert (old['credential_id'], old['replaced_by'], old['signing']) == (100001, new['credential_id'], False)
        assert new['signing'] and new['description'] == 'edgegrid.access rotation replaces credential 100001'
        assert old['days_left'] in (0, 1) and old['level'] == 'critical'
        assert report['failing'] == [] and report['summary']['replaced'] == 1
        assert [(i['id'], i['counted']) for i in report['timeline'] if i['id'] == 100001] == [(100001, False)]
        assert 'credential 100001 of emulator-admin (replaced by credential %s' % new['credential_id'] in \
            (tmp_path / 'report' / 'report.md').read_text()
