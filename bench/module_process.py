# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a module process costs per task (edgegrid_access_in_process: false), against the module in the worker.

1. The converged estate of bench/latency.py (tasks, env01, 0 ms) is run in the worker and as module processes,
   timing each task with bench/callback_plugins/bench_timer.py: the difference per module run is what the module
   process adds (payload build on the controller, interpreter start, unpacking, imports, result parsing).
2. One module's AnsiballZ payload, kept with ANSIBLE_KEEP_REMOTE_FILES, is run by hand under `python -X importtime`
   (5 times, the median): its wall time and the import time of each top-level package.

    .venv/bin/python bench/module_process.py --collection .build/ansible_collections/edgegrid/access
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

from akamai_emulator.testing import collections_root
from latency import Bench, converge, running_emulator, tasks_play

HERE = os.path.dirname(os.path.abspath(__file__))

RUNS_PER_TASK = {'Key collections': 5, 'Keys': 1, 'Throttling counters': 5, 'EdgeKV tokens': 10, 'Credentials': 2}


def task_times(bench, in_process, repeats=3):
    """Median seconds of each task of the estate over `repeats` runs."""
    timer = os.path.join(bench.workdir, 'times.json')
    environ = {'ANSIBLE_CALLBACK_PLUGINS': os.path.join(HERE, 'callback_plugins'),
               'ANSIBLE_CALLBACKS_ENABLED': 'bench_timer', 'BENCH_TIMER_FILE': timer}
    runs = []
    for dummy in range(repeats):
        bench.playbook(bench.playbooks['tasks'], 'env01', extra={'edgegrid_access_in_process': in_process},
                       environ=environ)
        with open(timer, encoding='utf-8') as handle:
            runs.append({t['task']: t['seconds'] for t in json.load(handle)})
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def group(module):
    """The group an imported module counts under."""
    top = module.split('.')[0]
    if module.startswith('ansible_collections.edgegrid.access.plugins.module_utils'):
        return 'our module_utils (' + module.rsplit('.', 1)[-1] + ')'
    if module.startswith('ansible_collections'):
        return 'our module (and package __init__s)'
    if module.startswith('ansible.module_utils.basic'):
        return 'ansible.module_utils.basic (itself)'
    if top in ('requests', 'urllib3', 'charset_normalizer', 'idna', 'certifi', 'chardet'):
        return 'requests and its dependencies'
    if top == 'akamai':
        return 'edgegrid-python (akamai.edgegrid)'
    if top == 'ansible':
        return 'ansible (other module_utils)'
    return 'standard library (' + top + ')' if top in sys.stdlib_module_names else 'other (' + top + ')'


def importtime(payload, repeats=5):
    """(median wall seconds of the payload, {group: median self-seconds}, the 8 costliest cumulative imports)."""
    walls, groups, cumulative = [], [], []
    for dummy in range(repeats):
        started = time.monotonic()
        proc = subprocess.run([sys.executable, '-X', 'importtime', payload], capture_output=True, text=True,
                              check=False)
        walls.append(time.monotonic() - started)
        selfs = defaultdict(float)
        cums = {}
        for line in proc.stderr.splitlines():
            match = re.match(r'import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)', line)
            if match:
                selfs[group(match.group(4))] += int(match.group(1)) / 1e6
                if len(match.group(3)) <= 3:
                    cums[match.group(4)] = int(match.group(2)) / 1e6
        groups.append(selfs)
        cumulative.append(cums)
    names = set().union(*groups)
    median_groups = {name: statistics.median(g.get(name, 0.0) for g in groups) for name in names}
    top = sorted(cumulative[-1].items(), key=lambda item: -item[1])[:8]
    return statistics.median(walls), median_groups, top


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the built collection (.build/ansible_collections/...)')
    args = parser.parse_args()
    collections_path = collections_root(args.collection)
    with tempfile.TemporaryDirectory() as workdir:
        with running_emulator(workdir, propagation_delay=0.2, credential_limit=4) as emu:
            bench = Bench(emu, workdir, collections_path, 1)
            converge(bench)
            worker = task_times(bench, True)
            process = task_times(bench, False)
            print('| task | module runs | in the worker | as module processes | added per module run |')
            print('|---|---:|---:|---:|---:|')
            for name, runs in RUNS_PER_TASK.items():
                added = (process[name] - worker[name]) / runs
                print('| %s | %d | %.2f s | %.2f s | %.3f s |' % (name, runs, worker[name], process[name], added))
            total_runs = sum(RUNS_PER_TASK.values())
            added = sum(process[n] - worker[n] for n in RUNS_PER_TASK)
            print('| all | %d | %.2f s | %.2f s | %.3f s |' % (total_runs, sum(worker[n] for n in RUNS_PER_TASK),
                                                               sum(process[n] for n in RUNS_PER_TASK),
                                                               added / total_runs))
            # One payload kept: the throttling counter task, one loop item.
            remote_tmp = os.path.join(workdir, 'remote_tmp')
            play = tasks_play(bench.estate)
            task = dict(play[0]['tasks'][2], loop=play[0]['tasks'][2]['loop'][:1])
            path = bench._dump('keep.yml', [dict(play[0], tasks=[task])])  # pylint: disable=protected-access
            bench.playbook(path, 'env01', extra={'edgegrid_access_in_process': False},
                           environ={'ANSIBLE_KEEP_REMOTE_FILES': '1', 'ANSIBLE_REMOTE_TMP': remote_tmp})
            payload = glob.glob(os.path.join(remote_tmp, '*', 'AnsiballZ_throttling_counter.py'))[0]
            wall, groups, top = importtime(payload)
            print('\nAnsiballZ_throttling_counter.py run by hand (one converged counter, 1 GET): %.3f s wall' % wall)
            print('| imported | self time, summed |\n|---|---:|')
            for name, seconds in sorted(groups.items(), key=lambda item: -item[1]):
                if seconds >= 0.002:
                    print('| %s | %.3f s |' % (name, seconds))
            print('| all imports | %.3f s |' % sum(groups.values()))
            print('\ncostliest top-level imports (cumulative): ' + ', '.join('%s %.3f s' % item for item in top))


if __name__ == '__main__':
    main()
