# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the table of bad inputs (tests/bad_inputs/cases.yml) against a fresh local emulator, in one ansible-playbook.

Every case must fail with a message that matches its `msg` (naming the option, file or key, and the problem), with
no traceback, and with no write request (POST, PUT, PATCH, DELETE) reaching the emulator; and no secret the emulator
issued may appear in the output. The modules run as they do for any play (in Ansible's worker; --module-process runs
them as module processes).

    python tests/bad_inputs/run.py --collection .build/ansible_collections/edgegrid/access [-k PATTERN]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

from akamai_emulator.testing import SecretLedger, collections_root, running_emulator

HERE = os.path.dirname(os.path.abspath(__file__))

WRITES = ('POST', 'PUT', 'PATCH', 'DELETE')
NO_TRACEBACK = '(traceback unavailable)'


def make_files(directory, files):
    for name, spec in files.items():
        path = os.path.join(directory, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if 'symlink' in spec:
            os.symlink(spec['symlink'], path)
        elif 'bytes' in spec:
            with open(path, 'wb') as handle:
                handle.write(spec['bytes'].encode('latin-1'))
        else:
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(spec['text'])


def seed(emu):
    """What some cases refer to: a key collection (named bi-seed) and a throttling counter (bi-seed-counter) in
    contract C-1EMU001 and group 10001."""
    session = emu.session()
    response = session.post(emu.url('/apikey-manager-api/v2/collections'),
                            json={'collectionName': 'bi-seed', 'contractId': 'C-1EMU001', 'groupId': 10001})
    response.raise_for_status()
    response = session.post(emu.url('/apikey-manager-api/v2/counters'), json={
        'throttlingCounterName': 'bi-seed-counter', 'throttlingCounterEnabled': True, 'throttlingLimit': 10,
        'throttlingLimitExceededAction': 'DENY', 'contractId': 'C-1EMU001', 'groupId': 10001,
        'headersConfig': {'clientHeaders': [], 'originHeaders': []},
        'throttlingRules': {'aclEntries': {'endpointIds': [], 'resourceIds': [], 'methodIds': []}, 'keyIds': [],
                            'keyCollectionIds': []}})
    response.raise_for_status()


def playbook(cases, admin_url, edgerc, in_process):
    tasks = []
    for index, case in enumerate(cases):
        args = dict(case['args'])
        if case.get('api_version'):
            args['api_version'] = case['api_version']
        tasks.append({
            'name': 'case %d: %s' % (index, case['module']),
            'edgegrid.access.%s' % case['module']: args,
            'register': 'case_%d' % index,
            'ignore_errors': True,
        })
        if case.get('check_mode'):
            tasks[-1]['check_mode'] = True
        tasks.append({
            'name': 'case %d: the request log' % index,
            'ansible.builtin.uri': {'url': admin_url + '/log'},
            'register': 'log_%d' % index,
        })
    results = '{{ {%s} | to_json }}' % ', '.join(
        "'%d': {'result': case_%d, 'counts': log_%d.json.counts}" % (i, i, i) for i in range(len(cases)))
    tasks.append({'name': 'Keep the results', 'ansible.builtin.copy': {
        'content': results, 'dest': '{{ results_path }}', 'mode': '0600'}})
    play = {
        'name': 'Bad inputs',
        'hosts': 'localhost',
        'gather_facts': False,
        'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': edgerc, 'max_retries': 0}},
        'vars': {'edgegrid_access_in_process': in_process},
        'tasks': tasks,
    }
    return [play]


def writes(counts):
    return dict((k, v) for k, v in (counts or {}).items() if k.split(' ')[0] in WRITES)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--module-process', action='store_true', help='run the modules as module processes')
    parser.add_argument('-k', dest='pattern', help='only the cases whose module or msg matches this regex')
    args = parser.parse_args()

    with open(os.path.join(HERE, 'cases.yml'), encoding='utf-8') as handle:
        table = yaml.safe_load(handle)
    cases = [c for c in table['cases'] if not args.pattern or re.search(args.pattern, c['module'] + ' ' + c['msg'])]
    collections = collections_root(args.collection)
    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    ledger = SecretLedger(every_creation=True)
    with tempfile.TemporaryDirectory(prefix='edgegrid-access-bad-inputs-') as tmp:
        fixtures = os.path.join(tmp, 'fixtures')
        make_files(fixtures, table.get('files') or {})
        with running_emulator(tmp, propagation_delay=0.0) as emu:
            seed(emu)
            ledger.collect(emu.store)
            book = os.path.join(tmp, 'bad_inputs.yml')
            with open(book, 'w', encoding='utf-8') as handle:
                yaml.safe_dump(playbook(cases, emu.base_url + '/_emulator', emu.edgerc, not args.module_process),
                               handle, sort_keys=False)
            results_path = os.path.join(tmp, 'results.json')
            env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='false',
                       ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
            env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
            emu.admin.reset_log()
            run = subprocess.run([os.path.join(bin_dir, 'ansible-playbook'), '-v', book, '-e',
                                  'fixtures=%s results_path=%s' % (fixtures, results_path)],
                                 env=env, check=False, capture_output=True, text=True)
            ledger.collect(emu.store)
            if not os.path.exists(results_path):
                print(ledger.mask(run.stdout[-6000:] + run.stderr[-3000:]))
                print('bad inputs: the playbook did not finish (exit %d)' % run.returncode)
                return 1
            with open(results_path, encoding='utf-8') as handle:
                results = json.load(handle)
    problems = []
    previous = {}
    for index, case in enumerate(cases):
        entry = results[str(index)]
        result, counts = entry['result'], entry['counts']
        made = dict((k, v - previous.get(k, 0)) for k, v in writes(counts).items() if v != previous.get(k, 0))
        previous = writes(counts)
        label = 'case %d (%s %s)' % (index, case['module'], json.dumps(case['args'])[:120])
        text = json.dumps(result)
        msg = str(result.get('msg', ''))
        if not result.get('failed'):
            problems.append('%s: did not fail' % label)
        elif not re.search(case['msg'], msg):
            problems.append('%s: message %r does not match %r' % (label, msg[:400], case['msg']))
        # ansible-core 2.19+ sets exception to '(traceback unavailable)' on every failure that has none.
        if 'Traceback' in text or result.get('module_stderr') or result.get('exception', NO_TRACEBACK) != NO_TRACEBACK:
            problems.append('%s: a traceback in the result: %s' % (label, text[:600]))
        if made:
            problems.append('%s: write requests reached the API: %s' % (label, made))
    leaks = ledger.scan(run.stdout + run.stderr)
    for kind, number in leaks:
        problems.append('a %s appears on line %d of the output' % (kind, number))
    for problem in problems:
        print(ledger.mask('BAD INPUT: ' + problem))
    print('bad inputs: %d cases, %d problems' % (len(cases), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
