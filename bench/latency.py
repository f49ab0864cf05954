# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Round trips of a converged estate against the floor script, with a real network's latency (issue 19).

The estate of one environment: 5 API key collections with a daily quota, 1,000 keys (in the first collection),
5 throttling counters, 10 EdgeKV tokens and 2 credentials described `bench-ci` and `bench-monitoring`. It is
written twice, as the README shows:
  tasks  one task per resource type, as the README shows (6 module runs): api_key_collection x1 (the 5
         collections in its list `collections`), api_key x1 (by the collection id the collection task returned),
         throttling_counter x1 (the 5 counters in `counters`), edgekv_token x1 (the 10 tokens in `tokens`),
         api_credential x2 (a loop);
  roles  the shipped roles key_provisioning (collections, keys, counters), edgekv_tokens (tokens) and
         credential_rotation (the credential the section signs with: not due, so read only);
  roles, keys from a file
         the same roles, the 1,000 keys in a CSV file that the collection item names (`import_file`) instead of
         in the role's variables.
The floor is bench/floor.py: one Python process, edgegrid-python, the 19 GETs that tell the estate is converged.

One emulator serves 20 `.edgerc` sections, env01 ... env20, copies of its [default] section (the same API client
and account: every environment holds the same estate, so each sends the same requests). The estate is made at 0 ms,
then each converged run is measured at each latency: env01 alone, and the 20 environments with --forks 10 (the
floor: 20 processes, 10 at a time). Every measured run must send no write and report nothing changed.

    .venv/bin/python bench/latency.py --collection .build/ansible_collections/edgegrid/access [--latencies 0,150]
        [--environments 20] [--record]

Each row gives, besides the wall time, the CPU time of the run (ansible-playbook and the workers it forked; the floor's
processes): at 20 environments on a small machine the CPU is what bounds the wall time, and it moves far less than the
wall time with what else the machine runs.

--attribute also runs each task (and each role) of env01 alone at 0 ms and prints the requests it sends, by
path pattern: where the requests above the floor's come from.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import configparser
import datetime
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter

import yaml

from akamai_emulator.testing import collections_root, running_emulator

HERE = os.path.dirname(os.path.abspath(__file__))

BIN = os.path.dirname(os.path.abspath(sys.executable))
TITLE = '## Round trips with a real network\'s latency (issue 19)'
JITTER_MS = 20.0
FORKS = 10
KINDS = ('tasks', 'roles', 'roles, keys from a file')


def estate(contract_id, group_id):
    """The estate of one environment, as plain data (also what bench/floor.py checks)."""
    quota = {'enabled': True, 'limit': 10000, 'interval': 'DAY'}
    collections = [{'name': 'bench-coll-%d' % i, 'quota': dict(quota), 'keys': []} for i in range(1, 6)]
    collections[0]['keys'] = [{'label': 'k-%04d' % i, 'value': 'bench-key-value-%04d' % i} for i in range(1000)]
    return {
        'contract_id': contract_id, 'group_id': group_id,
        'collections': collections,
        'counters': [{'name': 'bench-counter-%d' % i, 'limit': 100 * i, 'on_over_limit': 'DENY'} for i in range(1, 6)],
        'tokens': [{'name': 'bench_token_%02d' % i, 'namespace_permissions': {'default': ['r']},
                    'allow_on_staging': True} for i in range(1, 11)],
        'credentials': ['bench-ci', 'bench-monitoring'],
        'rotation_min_remaining_days': 30,
    }


def tasks_play(est):
    """The estate as one task per resource type (list options; a loop for the credentials)."""
    contract, group = est['contract_id'], est['group_id']
    return [{
        'name': 'The estate, as tasks', 'hosts': 'envs', 'gather_facts': False,
        'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': '{{ edgegrid_edgerc }}',
                                                             'section': '{{ edgegrid_section }}'}},
        'tasks': [
            # One task for the collections (`collections`: one listing, the quotas read side by side), as the README
            # shows.
            {'name': 'Key collections', 'edgegrid.access.api_key_collection': {
                'contract_id': contract, 'group_id': group,
                'collections': [{'name': c['name'], 'quota': c['quota']} for c in est['collections']]},
             'register': 'bench_collections'},
            # By the id the collection task returned, as the README shows (by name when run alone: --attribute).
            {'name': 'Keys', 'no_log': True, 'edgegrid.access.api_key': {
                'collection': "{{ omit if bench_collections is defined else '%s' }}" % est['collections'][0]['name'],
                'collection_id': '{{ bench_collections.api_key_collections[0].api_key_collection.id '
                                 'if bench_collections is defined else omit }}',
                'keys': est['collections'][0]['keys'], 'return_keys': 'changed'}},
            # One task for the counters (`counters`, one listing of the counters), as the README shows.
            {'name': 'Throttling counters', 'edgegrid.access.throttling_counter': {
                'contract_id': contract, 'group_id': group, 'counters': est['counters']}},
            # One task for the tokens (`tokens`, read side by side), as the README shows.
            {'name': 'EdgeKV tokens', 'edgegrid.access.edgekv_token': {'tokens': est['tokens']}},
            {'name': 'Credentials', 'no_log': True, 'edgegrid.access.api_credential': {
                'description': '{{ item }}'}, 'loop': est['credentials']},
        ]}]


def roles_play(est, keys_file=None):
    """The estate through the shipped roles (keys_file: a CSV file of the keys, given as the collections'
    `import_file` instead of their `keys`)."""
    def keys(coll):
        if not coll['keys']:
            return {}
        return {'import_file': keys_file} if keys_file else {'keys': coll['keys']}
    return [{
        'name': 'The estate, through the roles', 'hosts': 'envs', 'gather_facts': False,
        'vars': {
            'key_provisioning_contract_id': est['contract_id'], 'key_provisioning_group_id': est['group_id'],
            'key_provisioning_collections': [
                dict({'name': c['name'], 'quota': c['quota']}, **keys(c)) for c in est['collections']],
            'key_provisioning_counters': est['counters'],
            'edgekv_tokens_tokens': est['tokens'],
            'credential_rotation_min_remaining_days': est['rotation_min_remaining_days'],
        },
        'roles': ['edgegrid.access.key_provisioning', 'edgegrid.access.edgekv_tokens',
                  'edgegrid.access.credential_rotation'],
    }]


def _children_cpu():
    """The CPU seconds (user and system) of this process's children that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Bench:
    """One emulator with 20 sections, the playbooks, and what each run costs. `cpu`: the CPU seconds of the last
    playbook or floor run (ansible-playbook and every worker it forked; the floor's processes), which, unlike the wall
    time, moves little with what else the machine runs."""

    def __init__(self, emu, workdir, collections_path, environments):
        self.cpu = 0.0
        self.emu = emu
        self.workdir = workdir
        self.collections_path = collections_path
        self.environments = environments
        account = emu.store.accounts[emu.store.meta['primary_account']]
        self.estate = estate(account.contracts[0], account.groups[0]['groupId'])
        self.estate_path = self._dump('estate.json', self.estate, as_json=True)
        self.edgerc = os.path.join(workdir, 'edgerc')
        source = configparser.RawConfigParser()
        source.read(emu.edgerc)
        edgerc = configparser.RawConfigParser()
        self.sections = ['env%02d' % (i + 1) for i in range(environments)]
        for name in self.sections:
            edgerc.add_section(name)
            for key, value in source.items('default'):
                edgerc.set(name, key, value)
        with open(os.open(self.edgerc, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w',
                  encoding='utf-8') as handle:
            edgerc.write(handle)
        self.inventory = self._dump('inventory.yml', {'envs': {'hosts': {name: {
            'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable,
            'edgegrid_edgerc': self.edgerc, 'edgegrid_section': name} for name in self.sections}}})
        keyed = [c for c in self.estate['collections'] if c['keys']]
        keys_file = os.path.join(workdir, 'keys.csv')
        with open(keys_file, 'w', encoding='utf-8') as handle:
            handle.write('VALUE,LABEL,TAGS\n' + ''.join('%s,%s,\n' % (k['value'], k['label']) for k in keyed[0]['keys']))
        assert len(keyed) == 1, 'one keys file serves one collection'
        self.playbooks = {'tasks': self._dump('tasks.yml', tasks_play(self.estate)),
                          'roles': self._dump('roles.yml', roles_play(self.estate)),
                          'roles, keys from a file': self._dump('roles-file.yml', roles_play(self.estate, keys_file))}

    def _dump(self, name, data, as_json=False):
        path = os.path.join(self.workdir, name)
        with open(path, 'w', encoding='utf-8') as handle:
            if as_json:
                json.dump(data, handle)
            else:
                yaml.safe_dump(data, handle, sort_keys=False)
        return path

    def playbook(self, playbook, limit, forks=FORKS, extra=None, tags=None, environ=None):
        """Run a playbook (environ: more environment variables); (seconds, log, changed, tasks): tasks is the
        number of tasks env01 ran or skipped (its recap's ok + skipped), what Ansible queued for it."""
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_HOST_KEY_CHECKING='0', **(environ or {}))
        for name in [n for n in env if n.startswith('AKAMAI_')]:
            del env[name]
        command = [os.path.join(BIN, 'ansible-playbook'), '-i', self.inventory, playbook, '--limit', limit,
                   '--forks', str(forks)]
        if extra:
            command += ['-e', json.dumps(extra)]
        if tags:
            command += ['--tags', tags]
        self.emu.admin.reset_log()
        cpu = _children_cpu()
        started = time.monotonic()
        proc = subprocess.run(command, env=env, cwd=self.workdir, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        self.cpu = _children_cpu() - cpu
        if proc.returncode != 0:
            raise SystemExit('%s failed:\n%s%s' % (playbook, proc.stdout[-4000:], proc.stderr[-2000:]))
        changed = sum(int(n) for n in re.findall(r'changed=(\d+)', proc.stdout))
        recap = re.search(r'^env01\s*:\s*ok=(\d+).*skipped=(\d+)', proc.stdout, re.M)
        tasks = int(recap.group(1)) + int(recap.group(2)) if recap else 0
        return seconds, self.emu.admin.log(), changed, tasks

    def floor(self, sections):
        """Run bench/floor.py once per section, FORKS at a time; (seconds, log, not converged)."""
        def one(section):
            return subprocess.run([sys.executable, os.path.join(HERE, 'floor.py'), self.estate_path, self.edgerc,
                                   section], capture_output=True, text=True, check=False)
        self.emu.admin.reset_log()
        cpu = _children_cpu()
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(FORKS) as pool:
            procs = list(pool.map(one, sections))
        seconds = time.monotonic() - started
        self.cpu = _children_cpu() - cpu
        failed = [p.stdout + p.stderr for p in procs if p.returncode != 0]
        return seconds, self.emu.admin.log(), failed


def gets_and_writes(log):
    gets = sum(n for key, n in log['counts'].items() if key.startswith('GET '))
    return gets, log['total'] - gets


def pattern(path):
    """A path with its identifiers replaced: /collections/{id}/quota-config, /tokens/{name}."""
    path = re.sub(r'/\d+', '/{id}', path)
    return re.sub(r'/tokens/[A-Za-z0-9_]+', '/tokens/{name}', path)


def by_pattern(log):
    counts = Counter()
    for key, value in log['counts'].items():
        method, path = key.split(' ', 1)
        counts['%s %s' % (method, pattern(path))] += value
    return dict(sorted(counts.items()))


def converge(bench):
    """Make the estate at 0 ms (tasks, then the roles), and check that the floor sees it converged."""
    bench.emu.set_latency(0)
    for kind in ('tasks', 'roles'):
        bench.playbook(bench.playbooks[kind], 'env01')
    dummy, dummy, failed = bench.floor(['env01'])
    if failed:
        raise SystemExit('the floor does not see the estate converged: %s' % failed)


def measure(bench, latencies):
    rows = []
    scopes = [('1 environment', 'env01', ['env01'])]
    if bench.environments > 1:
        scopes.append(('%d environments, forks %d' % (bench.environments, FORKS), 'envs', bench.sections))
    for latency in latencies:
        bench.emu.set_latency(latency, JITTER_MS if latency else 0)
        for scope, limit, sections in scopes:
            seconds, log, failed = bench.floor(sections)
            if failed:
                raise SystemExit('floor: not converged: %s' % failed[:2])
            floor_seconds, floor_gets = seconds, gets_and_writes(log)[0]
            rows.append((latency, scope, 'floor script (bench/floor.py)', floor_gets, 0, seconds, 1.0, 0, None,
                         bench.cpu))
            for kind in KINDS:
                seconds, log, changed, tasks = bench.playbook(bench.playbooks[kind], limit)
                gets, writes = gets_and_writes(log)
                if writes or changed:
                    raise SystemExit('%s, %s: %d writes, changed=%d on a converged run'
                                     % (kind, scope, writes, changed))
                rows.append((latency, scope, 'converged run, %s' % kind, gets, writes, seconds,
                             seconds / floor_seconds, gets / float(floor_gets), tasks, bench.cpu))
            print(rows[-1 - len(KINDS):], file=sys.stderr)
    return rows


def attribute(bench):
    """Requests of each task / role of env01 alone, at 0 ms: {name: {pattern: n}}."""
    bench.emu.set_latency(0)
    out = {}
    play = tasks_play(bench.estate)
    for task in play[0]['tasks']:
        path = bench._dump('one-task.yml', [dict(play[0], tasks=[task])])  # pylint: disable=protected-access
        dummy, log, dummy, dummy = bench.playbook(path, 'env01')
        out['task: ' + task['name']] = by_pattern(log)
    play = roles_play(bench.estate)
    for role in play[0]['roles']:
        path = bench._dump('one-role.yml', [dict(play[0], roles=[role])])  # pylint: disable=protected-access
        dummy, log, dummy, dummy = bench.playbook(path, 'env01')
        out['role: ' + role.rsplit('.', maxsplit=1)[-1]] = by_pattern(log)
    bench.emu.admin.reset_log()
    import floor  # pylint: disable=import-outside-toplevel
    dummy, sent = floor.check(bench.estate, bench.edgerc, 'env01')
    out['floor'] = dict(sorted(Counter('GET ' + pattern(p) for p in sent).items()))
    return out


def table(rows):
    lines = ['| latency per request | environments | run | GETs | writes | wall time | x floor time | x floor GETs '
             '| tasks per host | CPU time |',
             '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|']
    for latency, scope, what, gets, writes, seconds, ratio, get_ratio, tasks, cpu in rows:
        lines.append('| %s | %s | %s | %d | %d | %.1f s | %.2fx | %s | %s | %.1f s |' % (
            '%d ms' % latency if not latency else '%d ms +- %d' % (latency, JITTER_MS), scope, what, gets, writes,
            seconds, ratio, '%.2fx' % get_ratio if get_ratio else '', '' if tasks is None else tasks, cpu))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the built collection (.build/ansible_collections/...)')
    parser.add_argument('--latencies', default='0,150', help='comma-separated milliseconds per request')
    parser.add_argument('--environments', type=int, default=20)
    parser.add_argument('--attribute', action='store_true', help='print the requests of each task and role')
    parser.add_argument('--record', action='store_true', help='append the results to bench/RESULTS.md')
    args = parser.parse_args()
    collections_path = collections_root(args.collection)
    with tempfile.TemporaryDirectory() as workdir:
        with running_emulator(workdir, propagation_delay=0.2, credential_limit=4) as emu:
            bench = Bench(emu, workdir, collections_path, args.environments)
            converge(bench)
            if args.attribute:
                print(json.dumps(attribute(bench), indent=1))
            rows = measure(bench, [float(x) for x in args.latencies.split(',') if x])
    lines = table(rows)
    print('\n'.join(lines))
    if args.record:
        import ansible.release  # pylint: disable=import-outside-toplevel
        header = ['', TITLE, '', textwrap.fill(
            'Recorded %s on %s (%d cores), Python %s, ansible-core %s: `bench/latency.py` (once each, not repeated).'
            % (datetime.date.today().isoformat(), platform.machine(), os.cpu_count() or 0,
               platform.python_version(), ansible.release.__version__), 118), '']
        with open(os.path.join(HERE, 'RESULTS.md'), 'a', encoding='utf-8') as handle:
            handle.write('\n'.join(header + lines) + '\n')


if __name__ == '__main__':
    main()
