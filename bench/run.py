# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmarks of the API key modules against the local emulator: wall time and HTTP requests.

Each scenario runs real `ansible-playbook` processes against a fresh emulator and reads the emulator's
request log for the requests each playbook sent. Results are printed as a Markdown table and, with
--record, written to bench/RESULTS.md with the machine and versions.

    .venv/bin/python bench/run.py --collection .build/ansible_collections/edgegrid/access [--record]

Scenarios (issue "API keys and traffic management"):
  a  N keys declared in one api_key task, against the same N keys created one task per key in a loop
  b  the converged re-run of an estate (collection, keys, counter), against as many no-op ping tasks
  c  10,000 keys (the contract maximum) reconciled in one task: create, then the converged re-run
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'emulator'))

from akamai_emulator.testing import running_emulator  # noqa: E402  pylint: disable=wrong-import-position

WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')


class Bench:
    """One emulator, one working directory, playbooks run and measured one by one."""

    def __init__(self, emu, workdir, collections_path, api_version):
        self.emu = emu
        self.workdir = workdir
        self.collections_path = collections_path
        self.api_version = api_version
        self.contract_id, self.group_id = self._contract_and_group()

    def _contract_and_group(self):
        account = self.emu.store.accounts[self.emu.store.meta['primary_account']]
        return account.contracts[0], account.groups[0]['groupId']

    def run(self, name, tasks):
        """Run a play of `tasks` on localhost; return (seconds, {'GET': n, ...}, total requests)."""
        play = [{
            'name': name, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': self.emu.edgerc}},
            'tasks': tasks,
        }]
        path = os.path.join(self.workdir, '%s.yml' % name)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(play, handle, sort_keys=False)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
        self.emu.admin.reset_log()
        started = time.monotonic()
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path],
                              env=env, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        if proc.returncode != 0:
            raise RuntimeError('%s failed:\n%s' % (name, proc.stdout[-4000:] + proc.stderr[-2000:]))
        counts = {}
        for key, value in self.emu.admin.log()['counts'].items():
            method = key.split(' ', 1)[0]
            counts[method] = counts.get(method, 0) + value
        return seconds, counts, sum(counts.values())

    def collection_task(self, name):
        return {'name': 'Collection %s' % name, 'edgegrid.access.api_key_collection': {
            'name': name, 'contract_id': self.contract_id, 'group_id': self.group_id,
            'api_version': self.api_version}}

    def keys_task(self, collection, keys, exclusive=False):
        return {'name': 'Keys of %s' % collection, 'no_log': True, 'edgegrid.access.api_key': {
            'collection': collection, 'keys': keys, 'exclusive': exclusive, 'api_version': self.api_version}}

    def counter_task(self, name):
        return {'name': 'Counter %s' % name, 'edgegrid.access.throttling_counter': {
            'name': name, 'contract_id': self.contract_id, 'group_id': self.group_id, 'limit': 100,
            'on_over_limit': 'DENY', 'api_version': self.api_version}}


def keys(prefix, count):
    return [{'value': '%s-%05d-bench-value' % (prefix, i), 'label': '%s-%05d' % (prefix, i)} for i in range(count)]


def scenario_a(bench, count):
    bulk = bench.run('a_bulk', [bench.collection_task('bench-a-bulk'),
                                bench.keys_task('bench-a-bulk', keys('ab', count))])
    loop_task = dict(bench.keys_task('bench-a-loop', ['{{ item }}']))
    loop_task['edgegrid.access.api_key'] = dict(loop_task['edgegrid.access.api_key'], keys=['{{ item }}'])
    loop_task['loop'] = keys('al', count)
    loop_task['loop_control'] = {'label': '{{ item.label }}'}
    loop = bench.run('a_loop', [bench.collection_task('bench-a-loop'), loop_task])
    return [
        ('a', '%d keys in one api_key task' % count, bulk),
        ('a', '%d keys, one api_key task per key (loop)' % count, loop),
        ('a', 'ratio loop / one task', (loop[0] / bulk[0], None, None)),
    ]


def scenario_b(bench, count):
    estate = [bench.collection_task('bench-b'), bench.keys_task('bench-b', keys('bb', count)),
              bench.counter_task('bench-b-counter')]
    bench.run('b_converge', estate)
    converged = bench.run('b_rerun', estate)
    pings = bench.run('b_ping', [{'name': 'ping %d' % i, 'ansible.builtin.ping': {}} for i in range(len(estate))])
    return [
        ('b', 'converged re-run: %d tasks (collection, %d keys, counter)' % (len(estate), count), converged),
        ('b', '%d no-op ansible.builtin.ping tasks' % len(estate), pings),
        ('b', 'ratio re-run / ping', (converged[0] / pings[0], None, None)),
    ]


def scenario_c(bench, count):
    tasks = [bench.collection_task('bench-c'), bench.keys_task('bench-c', keys('cc', count))]
    create = bench.run('c_create', tasks)
    rerun = bench.run('c_rerun', tasks)
    # The same playbook with a no-op in place of the key task: what is left is the key task's own time.
    baseline = bench.run('c_baseline', [tasks[0], {'name': 'no-op', 'ansible.builtin.ping': {}}])
    return [
        ('c', '%d keys in one task: create (playbook)' % count, create),
        ('c', '%d keys in one task: converged re-run (playbook)' % count, rerun),
        ('c', 'the same playbook with a ping in place of the key task', baseline),
        ('c', 'the key task alone: create', (create[0] - baseline[0], None, None)),
        ('c', 'the key task alone: converged re-run', (rerun[0] - baseline[0], None, None)),
    ]


def table(rows):
    lines = ['| scenario | what | seconds | requests | by method |', '|---|---|---|---|---|']
    for scenario, what, (seconds, counts, total) in rows:
        if counts is None and what.startswith('ratio'):
            lines.append('| %s | %s | %.2fx | | |' % (scenario, what, seconds))
        elif counts is None:
            lines.append('| %s | %s | %.2f | | |' % (scenario, what, seconds))
        else:
            by_method = ', '.join('%s %d' % (m, counts[m]) for m in sorted(counts))
            lines.append('| %s | %s | %.2f | %d | %s |' % (scenario, what, seconds, total, by_method))
    return '\n'.join(lines)


def machine():
    import ansible  # pylint: disable=import-outside-toplevel
    cpu = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            cpu = next((line.split(':', 1)[1].strip() for line in handle if line.startswith('model name')), '')
    except OSError:
        pass
    return ('%s, %d cores (%s); Python %s; ansible-core %s; %s UTC'
            % (platform.machine(), os.cpu_count() or 0, cpu or 'unknown CPU', platform.python_version(),
               ansible.__version__, datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M')))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--api-version', default='v2', choices=['v1', 'v2'])
    parser.add_argument('--scenarios', default='abc')
    parser.add_argument('--keys-a', type=int, default=1000)
    parser.add_argument('--keys-b', type=int, default=1000)
    parser.add_argument('--keys-c', type=int, default=10000)
    parser.add_argument('--record', action='store_true', help='write bench/RESULTS.md')
    args = parser.parse_args()

    collection = os.path.abspath(args.collection)
    collections_path = os.path.dirname(os.path.dirname(os.path.dirname(collection)))
    rows = []
    scenarios = [('a', scenario_a, args.keys_a), ('b', scenario_b, args.keys_b), ('c', scenario_c, args.keys_c)]
    for letter, scenario, count in scenarios:
        if letter not in args.scenarios:
            continue
        # A fresh emulator for each scenario: a contract holds at most 10,000 keys.
        with tempfile.TemporaryDirectory(prefix='edgegrid-access-bench-') as tmp:
            with running_emulator(tmp, propagation_delay=0.2) as emu:
                found = scenario(Bench(emu, tmp, collections_path, args.api_version), count)
        print(table(found), flush=True)
        rows += found
    text = table(rows)
    print(text)
    if args.record:
        record(text, args)
    print(json.dumps({'rows': [[s, w, list(r)] for s, w, r in rows]}, default=str))


def record(text, args):
    path = os.path.join(HERE, 'RESULTS.md')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('# Benchmark results\n\nRecorded by `bench/run.py --record` (API Keys %s, against the local '
                     'emulator).\n\nMachine: %s\n\n%s\n' % (args.api_version, machine(), text))


if __name__ == '__main__':
    main()
