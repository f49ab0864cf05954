# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Benchmarks of the API key modules against the local emulator: wall time and HTTP requests.

Each scenario runs real `ansible-playbook` processes against a fresh emulator and reads the emulator's
request log for the requests each playbook sent. The callback in bench/callback_plugins times each task
(from its start to the start of the next), so a task's time is told apart from ansible-playbook's start
and the loading of the playbook. Converged runs are repeated (--repeats) and their median is reported.
Results are printed as a Markdown table and, with --record, written to bench/RESULTS.md with the machine
and versions.

    .venv/bin/python bench/run.py --collection .build/ansible_collections/edgegrid/access [--record]

Scenarios (issue "API keys and traffic management"):
  a  N keys declared in one api_key task, against the same N keys created one task per key in a loop
  b  the converged re-run of an estate (collection, keys, counter), against as many no-op ping tasks
  c  10,000 keys (the contract maximum) reconciled in one task: create, then the converged re-run, with
     the keys in the playbook or in a CSV file, returning every key or the changed ones
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

from akamai_emulator.testing import running_emulator

HERE = os.path.dirname(os.path.abspath(__file__))

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

    def run(self, name, tasks, play_vars=None):
        """Run a play of `tasks` on localhost; return (seconds, {'GET': n, ...}, total requests)."""
        play = [{
            'name': name, 'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
            'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': self.emu.edgerc}},
            'vars': play_vars or {},
            'tasks': tasks,
        }]
        path = os.path.join(self.workdir, '%s.yml' % name)
        with open(path, 'w', encoding='utf-8') as handle:
            yaml.safe_dump(play, handle, sort_keys=False)
        timer = os.path.join(self.workdir, '%s.times.json' % name)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path, ANSIBLE_NOCOLOR='1',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_LOCALHOST_WARNING='0',
                   ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
                   ANSIBLE_CALLBACKS_ENABLED='bench_timer', BENCH_TIMER_FILE=timer)
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
        with open(timer, encoding='utf-8') as handle:
            self.task_times = json.load(handle)
        return seconds, counts, sum(counts.values())

    def collection_task(self, name):
        return {'name': 'Collection %s' % name, 'edgegrid.access.api_key_collection': {
            'name': name, 'contract_id': self.contract_id, 'group_id': self.group_id,
            'api_version': self.api_version}}

    def keys_task(self, collection, keys, exclusive=False, return_keys='all', import_file=None):
        args = {'collection': collection, 'keys': keys, 'exclusive': exclusive, 'api_version': self.api_version,
                'return_keys': return_keys}
        if import_file:
            args = dict(args, keys=[], import_file=import_file)
        return {'name': 'Keys of %s' % collection, 'no_log': True, 'edgegrid.access.api_key': args}

    def counter_task(self, name):
        return {'name': 'Counter %s' % name, 'edgegrid.access.throttling_counter': {
            'name': name, 'contract_id': self.contract_id, 'group_id': self.group_id, 'limit': 100,
            'on_over_limit': 'DENY', 'api_version': self.api_version}}

    def repeat(self, name, tasks, times, play_vars=None):
        """Run a converged playbook `times` times: (median playbook seconds, counts, total, median seconds per task)."""
        runs = []
        for dummy in range(times):
            seconds, counts, total = self.run(name, tasks, play_vars)
            runs.append((seconds, counts, total, [t['seconds'] for t in self.task_times]))
        if any(run[2] != runs[0][2] for run in runs):
            raise RuntimeError('%s: the runs sent different numbers of requests: %s' % (name, [r[2] for r in runs]))
        per_task = [statistics.median(run[3][i] for run in runs) for i in range(len(runs[0][3]))]
        return statistics.median(run[0] for run in runs), runs[0][1], runs[0][2], per_task

    def syntax_check(self, name):
        """Seconds that ansible-playbook takes to load (parse) the playbook written for `name`, without running it."""
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=self.collections_path)
        started = time.monotonic()
        subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '--syntax-check',
                        os.path.join(self.workdir, '%s.yml' % name)], env=env, capture_output=True, check=True)
        return time.monotonic() - started


def keys(prefix, count):
    return [{'value': '%s-%05d-bench-value' % (prefix, i), 'label': '%s-%05d' % (prefix, i)} for i in range(count)]


def scenario_a(bench, count, repeats):  # pylint: disable=unused-argument
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


def scenario_b(bench, count, repeats):
    estate = [bench.collection_task('bench-b'), bench.keys_task('bench-b', keys('bb', count), return_keys='changed'),
              bench.counter_task('bench-b-counter')]
    bench.run('b_converge', estate)
    seconds, counts, total, tasks = bench.repeat('b_rerun', estate, repeats)
    pings = [{'name': 'ping %d' % i, 'ansible.builtin.ping': {}} for i in range(len(estate))]
    ping_seconds, ping_counts, ping_total, ping_tasks = bench.repeat('b_ping', pings, repeats)
    # The same re-run with the modules as module processes, as on a host that is not the controller.
    process = bench.repeat('b_rerun_process', estate, repeats, {'edgegrid_access_in_process': False})
    return [
        ('b', 'converged re-run: %d tasks (collection, %d keys, counter), playbook' % (len(estate), count),
         (seconds, counts, total)),
        ('b', '%d no-op ansible.builtin.ping tasks, playbook' % len(estate), (ping_seconds, ping_counts, ping_total)),
        ('b', 'ratio re-run / ping, playbooks', (seconds / ping_seconds, None, None)),
        ('b', 'the %d tasks alone: collection %.2f, keys %.2f, counter %.2f' % ((len(estate),) + tuple(tasks)),
         (sum(tasks), None, None)),
        ('b', 'the %d ping tasks alone' % len(estate), (sum(ping_tasks), None, None)),
        ('b', 'ratio re-run / ping, tasks alone', (sum(tasks) / sum(ping_tasks), None, None)),
        ('b', 'converged re-run as module processes (edgegrid_access_in_process=false), playbook', process[:3]),
        ('b', 'ratio re-run as module processes / ping, playbooks', (process[0] / ping_seconds, None, None)),
        ('b', 'the %d tasks alone as module processes: collection %.2f, keys %.2f, counter %.2f'
         % ((len(estate),) + tuple(process[3])), (sum(process[3]), None, None)),
    ]


def scenario_c(bench, count, repeats):
    listed = keys('cc', count)
    path = os.path.join(bench.workdir, 'keys.csv')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('VALUE,LABEL,TAGS\n' + ''.join('%s,%s,\n' % (k['value'], k['label']) for k in listed))
    create = bench.run('c_create', [bench.collection_task('bench-c'),
                                    bench.keys_task('bench-c', listed, return_keys='none')])
    create_task = bench.task_times[1]['seconds']
    rows = [('c', '%d keys in the playbook, return_keys=none: create, playbook' % count, create),
            ('c', '%d keys in the playbook, return_keys=none: create, the key task' % count, (create_task, None, None))]
    variants = [
        ('c_inline_all', 'in the playbook, return_keys=all', dict(keys=listed)),
        ('c_inline_changed', 'in the playbook, return_keys=changed', dict(keys=listed, return_keys='changed')),
        ('c_file_changed', 'from a CSV file (import_file), return_keys=changed',
         dict(keys=[], import_file=path, return_keys='changed')),
    ]
    for name, what, args in variants:
        tasks = [bench.collection_task('bench-c'), bench.keys_task('bench-c', **args)]
        seconds, counts, total, per_task = bench.repeat(name, tasks, repeats)
        rows.append(('c', '%d keys %s: converged re-run, playbook' % (count, what), (seconds, counts, total)))
        rows.append(('c', '%d keys %s: converged re-run, the key task' % (count, what), (per_task[1], None, None)))
    rows.append(('c', 'ansible-playbook --syntax-check of the playbook with %d keys in it (loading it)' % count,
                 (bench.syntax_check('c_inline_changed'), None, None)))
    return rows


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
    parser.add_argument('--max-page-size', type=int, default=10000,
                        help='most keys the emulator serves in one page of API Keys v2 GET /keys (default 10000)')
    parser.add_argument('--repeats', type=int, default=3, help='runs of each converged playbook (the median counts)')
    parser.add_argument('--latency-ms', type=float, default=0.0,
                        help='milliseconds every API request waits in the emulator, as a round trip to Akamai')
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
            with running_emulator(tmp, propagation_delay=0.2, max_page_size=args.max_page_size,
                                  latency_ms=args.latency_ms) as emu:
                found = scenario(Bench(emu, tmp, collections_path, args.api_version), count, args.repeats)
        print(table(found), flush=True)
        rows += found
    text = table(rows)
    print(text)
    if args.record:
        record(text, args)
    print(json.dumps({'rows': [[s, w, list(r)] for s, w, r in rows]}, default=str))


READING = '## Reading the results'


def record(text, args):
    """Write the table into bench/RESULTS.md, keeping its hand-written reading (from READING on) and the rows of
    the scenarios not run this time."""
    path = os.path.join(HERE, 'RESULTS.md')
    reading = ''
    if os.path.exists(path):
        with open(path, encoding='utf-8') as handle:
            old = handle.read()
        if READING in old:
            reading = '\n' + old[old.index(READING):]
        kept = [line for line in old.splitlines()
                if len(line) > 4 and line.startswith('| ') and line[3] == ' ' and line[2] in 'abc'
                and line[2] not in args.scenarios]
        if kept:
            lines = text.splitlines()
            rows = sorted(kept + lines[2:], key=lambda line: line[2])  # stable: each scenario's rows keep their order
            text = '\n'.join(lines[:2] + rows)
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('# Benchmark results\n\nRecorded by `bench/run.py --record` (API Keys %s, against the local '
                     'emulator).\n\nMachine: %s\n\n%s\n%s' % (args.api_version, machine(), text, reading))


if __name__ == '__main__':
    main()
