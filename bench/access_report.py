# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmark of the access report over 20 environments: wall time by forks, and requests per environment.

A fresh emulator gets a small estate (in the primary account: a credential of the rotation role's, an EdgeKV token
with an expiry, a key collection with 20 keys and a quota, a throttling counter; in the second account a token). An
.edgerc of 20 sections (env01 ... env20, copies of the emulator's sections: the primary account's admin and read-only
API clients, and the second account through an account switch key) is the inventory, through the inventory plugin
edgegrid.access.akamai. Then `ansible-playbook edgegrid.access.access_report` runs with each number of forks, twice
(the second run writes nothing); the emulator's request log gives the requests.

    .venv/bin/python bench/access_report.py --collection .build/ansible_collections/edgegrid/access [--record]

With --record, a section is appended to bench/RESULTS.md (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import configparser
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time

import yaml

from akamai_emulator.testing import collections_root, running_emulator

HERE = os.path.dirname(os.path.abspath(__file__))

BIN = os.path.dirname(os.path.abspath(sys.executable))
ENVIRONMENTS = 20
SOURCES = ('default', 'readonly', 'account2')
TITLE = '## Access report over 20 environments'


def run(command, collections_path, cwd):
    environ = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0')
    for name in [n for n in environ if n.startswith('AKAMAI_')]:
        del environ[name]
    start = time.monotonic()
    proc = subprocess.run(command, env=environ, cwd=cwd, capture_output=True, text=True, check=False)
    return proc, time.monotonic() - start


def setup(emu, workdir, collections_path):
    account = emu.store.accounts[emu.store.meta['primary_account']]
    contract, group = account.contracts[0], account.groups[0]['groupId']
    now = datetime.datetime.fromisoformat(emu.admin.clock()['now'].replace('Z', '+00:00'))
    playbook = os.path.join(workdir, 'setup.yml')
    with open(playbook, 'w', encoding='utf-8') as handle:
        yaml.safe_dump([{
            'name': 'The estate', 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': emu.edgerc}},
            'tasks': [
                {'edgegrid.access.api_credential': {
                    'description': 'edgegrid.access rotation replaces credential 100001',
                    'expires_on': (now + datetime.timedelta(days=20)).strftime('%Y-%m-%dT%H:%M:%SZ')}, 'no_log': True},
                {'edgegrid.access.edgekv_token': {'name': 'bench_soon', 'namespace_permissions': {'default': ['r']},
                                                  'allow_on_staging': True,
                                                  'expiry': (now.date() + datetime.timedelta(days=40)).isoformat()}},
                {'edgegrid.access.edgekv_token': {'name': 'bench_two', 'namespace_permissions': {'default': ['r']},
                                                  'allow_on_staging': True, 'section': 'account2'}},
                {'edgegrid.access.api_key_collection': {'name': 'bench', 'contract_id': contract, 'group_id': group,
                                                        'quota': {'enabled': True, 'limit': 1000, 'interval': 'DAY'}}},
                {'edgegrid.access.api_key': {'collection': 'bench', 'generate': [{'label': 'bench', 'count': 20}],
                                             'return_keys': 'none'}},
                {'edgegrid.access.throttling_counter': {'name': 'bench', 'contract_id': contract, 'group_id': group,
                                                        'limit': 50, 'on_over_limit': 'WARN'}},
            ]}], handle, sort_keys=False)
    proc, dummy = run([os.path.join(BIN, 'ansible-playbook'), playbook], collections_path, workdir)
    if proc.returncode != 0:
        raise SystemExit('setup failed:\n%s%s' % (proc.stdout[-3000:], proc.stderr[-3000:]))
    # 20 sections: env01 ... env20, copies of the emulator's three.
    source = configparser.RawConfigParser()
    source.read(emu.edgerc)
    edgerc = configparser.RawConfigParser()
    for index in range(ENVIRONMENTS):
        name = 'env%02d' % (index + 1)
        edgerc.add_section(name)
        for key, value in source.items(SOURCES[index % len(SOURCES)]):
            edgerc.set(name, key, value)
    path = os.path.join(workdir, 'edgerc')
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w', encoding='utf-8') as handle:
        edgerc.write(handle)
    inventory = os.path.join(workdir, 'bench.akamai.yml')
    with open(inventory, 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'plugin': 'edgegrid.access.akamai', 'edgerc': path}, handle)
    return inventory


def measure(emu, inventory, collections_path, workdir, forks):
    """(seconds of the first run, seconds of the re-run, requests of the first run, changed of the re-run)."""
    out_dir = os.path.join(workdir, 'report-forks-%d' % forks)
    command = [os.path.join(BIN, 'ansible-playbook'), '-i', inventory, 'edgegrid.access.access_report',
               '--forks', str(forks), '-e', json.dumps({'access_report_dir': out_dir, 'access_report_print': False})]
    emu.admin.reset_log()
    proc, first = run(command, collections_path, workdir)
    if proc.returncode != 0:
        raise SystemExit('report failed:\n%s%s' % (proc.stdout[-3000:], proc.stderr[-3000:]))
    log = emu.admin.log()
    writes = [k for k in log['counts'] if not k.startswith(('GET ', 'HEAD '))]
    if writes:
        raise SystemExit('the report wrote: %s' % writes)
    proc, again = run(command, collections_path, workdir)
    changed = sum(int(n) for n in re.findall(r'changed=(\d+)', proc.stdout))
    return first, again, log['total'], changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the built collection (.build/ansible_collections/...)')
    parser.add_argument('--forks', default='1,5,20', help='comma-separated numbers of forks')
    parser.add_argument('--record', action='store_true', help='append the results to bench/RESULTS.md')
    parser.add_argument('--latency-ms', type=float, default=0.0,
                        help='milliseconds every API request waits in the emulator once the estate is set up')
    args = parser.parse_args()
    collections_path = collections_root(args.collection)
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        with running_emulator(workdir, propagation_delay=0.2) as emu:
            inventory = setup(emu, workdir, collections_path)
            emu.set_latency(args.latency_ms)
            for forks in [int(f) for f in args.forks.split(',')]:
                first, again, requests, changed = measure(emu, inventory, collections_path, workdir, forks)
                rows.append((forks, first, again, requests, changed))
    table = ['| forks | wall time, first run | wall time, re-run | requests | requests per environment | '
             'changed on re-run |', '|---:|---:|---:|---:|---:|---:|']
    for forks, first, again, requests, changed in rows:
        table.append('| %d | %.1f s | %.1f s | %d | %.1f | %d |' % (forks, first, again, requests,
                                                                    requests / float(ENVIRONMENTS), changed))
    print('\n'.join(table))
    if args.record:
        import ansible.release  # pylint: disable=import-outside-toplevel
        section = [
            '', TITLE, '',
            'Recorded %s on %s (%d cores), Python %s, ansible-core %s: `bench/access_report.py`.' % (
                datetime.date.today().isoformat(), platform.machine(), os.cpu_count() or 0,
                platform.python_version(), ansible.release.__version__),
            '',
            '`ansible-playbook edgegrid.access.access_report` over 20 `.edgerc` sections (inventory plugin '
            '`edgegrid.access.akamai`) against the emulator: per environment 2 API clients (or none in the second '
            'account), 1 key collection with 20 keys, 1 counter, 1 EdgeKV token. Wall time of the whole '
            'ansible-playbook process, with `access_report_print: false`; the re-run writes nothing.',
            '']
        section += table
        section += ['', 'Reproduce: `make collection && .venv/bin/python bench/access_report.py --collection '
                    '.build/ansible_collections/edgegrid/access --record`.']
        section += ['', 'Requests per environment (API Keys v2): 1 (API clients) + 1 per API client (credentials) + 2 '
                    '(EdgeKV tokens, with the expired ones) + 1 + 2 per collection (collections, their ACL and quota) '
                    '+ 1 per 10,000 keys + 1 (counters). The reads of one environment run one after the other; '
                    'forks run environments side by side, bounded here by the 2 cores that run ansible-playbook and '
                    'the emulator alike.', '']
        section = [line if line.startswith('|') else textwrap.fill(line, 118) for line in section]
        path = os.path.join(HERE, 'RESULTS.md')
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        if TITLE in text:  # replace the earlier recording of this benchmark only
            start = text.index(TITLE)
            following = re.search(r'\n## ', text[start + len(TITLE):])
            end = start + len(TITLE) + following.start() if following else len(text)
            text = text[:start].rstrip('\n') + '\n' + text[end:]
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text.rstrip('\n') + '\n' + '\n'.join(section))


if __name__ == '__main__':
    main()
