# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the Molecule scenarios of extensions/molecule, each against a fresh local Akamai API emulator.

For each scenario (one per role: credential_rotation, key_provisioning, edgekv_tokens; all of them unless named),
starts the emulator (tests/emulator) on an ephemeral loopback port with its own .edgerc in a temporary directory,
and runs `molecule test -s <scenario>` in the collection copy, which must sit under ansible_collections/ (its
parent directories are ANSIBLE_COLLECTIONS_PATH). The scenario finds the emulator through the environment:

    EDGEGRID_EMULATOR_URL        http://127.0.0.1:<port>
    EDGEGRID_EMULATOR_EDGERC     the emulator's .edgerc ([default] admin, [readonly], [account2])
    EDGEGRID_EMULATOR_ADMIN_URL  http://127.0.0.1:<port>/_emulator (request log, faults, clock)

and Molecule keeps its state, inventory and the scenario's files in a temporary MOLECULE_EPHEMERAL_DIRECTORY, so
every run starts from nothing. The AKAMAI_* and OAUTH2_* variables of the caller are not passed on: the scenarios
talk to the emulator only. Each scenario's whole output (at -vvvv by default) goes to tests/output/molecule/
<scenario>.log of the copy; afterwards every secret the emulator issued is looked for in it (as
tests/integration/run.py does): one found fails the run, naming its kind and line, never its value.

    python tests/molecule/run.py --collection .build/ansible_collections/edgegrid/access [SCENARIO ...]

By hand, against `make emulator PORT=8765 EDGERC=/tmp/emulator.edgerc`, in the copy `make collection` made:

    cd .build/ansible_collections/edgegrid/access
    PATH=$PWD/../../../../.venv/bin:$PATH ANSIBLE_COLLECTIONS_PATH=$(cd ../../.. && pwd) \
    EDGEGRID_EMULATOR_URL=http://127.0.0.1:8765 EDGEGRID_EMULATOR_EDGERC=/tmp/emulator.edgerc \
    EDGEGRID_EMULATOR_ADMIN_URL=http://127.0.0.1:8765/_emulator molecule test -s key_provisioning
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

from akamai_emulator.testing import SecretLedger, running_emulator

SCENARIOS_DIR = os.path.join('extensions', 'molecule')
# What is printed of a scenario's output: the result of each Molecule step, Ansible's recaps and failures.
# (Molecule reports the missing default scenario as CRITICAL: these scenarios share no default one.)
SUMMARY = re.compile(r'^((INFO|WARNING|ERROR)\s+\[\S+ > \S+\] Executed|CRITICAL (?!.*/default/molecule\.yml. glob failed)'
                     r'|\S+\s+: (ok|actions)=|fatal:|FATAL|ERROR: )')
ANSI = re.compile(r'\x1b\[[0-9;]*m')
DROPPED_ENV = re.compile(r'^(AKAMAI_|OAUTH2_|MOLECULE_)')


def scenario_names(collection):
    """The scenarios of the collection copy: the directories of extensions/molecule holding a molecule.yml."""
    root = os.path.join(collection, SCENARIOS_DIR)
    return sorted(name for name in os.listdir(root) if os.path.isfile(os.path.join(root, name, 'molecule.yml')))


def base_environment(collection, bin_dir):
    """The environment of every molecule run, without the emulator's addresses."""
    env = {name: value for name, value in os.environ.items() if not DROPPED_ENV.match(name)}
    env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
    # <root>/ansible_collections/edgegrid/access -> <root>
    env['ANSIBLE_COLLECTIONS_PATH'] = os.path.dirname(os.path.dirname(os.path.dirname(collection)))
    env['ANSIBLE_COLLECTIONS_SCAN_SYS_PATH'] = 'false'
    env['ANSIBLE_NOCOLOR'] = env['NO_COLOR'] = '1'
    env['ANSIBLE_FORCE_COLOR'] = env['PY_COLORS'] = '0'
    return env


def run_scenario(name, args, collection, env, ledger, log_path):
    """Run `molecule test -s name` against a fresh emulator; returns (exit code, seconds)."""
    with tempfile.TemporaryDirectory(prefix='edgegrid-access-molecule-') as tmp:
        with running_emulator(tmp, propagation_delay=args.propagation_delay) as emu:
            ledger.collect(emu.store)
            env = dict(env)
            env['EDGEGRID_EMULATOR_URL'] = emu.base_url
            env['EDGEGRID_EMULATOR_EDGERC'] = emu.edgerc
            env['EDGEGRID_EMULATOR_ADMIN_URL'] = emu.base_url + '/_emulator'
            env['MOLECULE_EPHEMERAL_DIRECTORY'] = os.path.join(tmp, 'molecule')
            command = [os.path.join(os.path.dirname(sys.executable), 'molecule')]
            if args.verbosity:
                command.append('-' + 'v' * args.verbosity)
            command += ['test', '--scenario-name', name]
            started = time.monotonic()
            with open(log_path, 'w', encoding='utf-8') as log:
                result = subprocess.run(command, cwd=collection, env=env, check=False, stdin=subprocess.DEVNULL,
                                        stdout=log, stderr=subprocess.STDOUT)
            seconds = time.monotonic() - started
            ledger.collect(emu.store)
    return result.returncode, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--propagation-delay', type=float, default=0.5)
    parser.add_argument('--verbosity', type=int, default=4, help='molecule / ansible-playbook -v count (default 4)')
    parser.add_argument('scenarios', nargs='*', help='scenarios to run (default: all)')
    args = parser.parse_args()

    collection = os.path.abspath(args.collection)
    if os.path.basename(os.path.dirname(os.path.dirname(collection))) != 'ansible_collections':
        parser.error('%s is not under an ansible_collections/ directory' % collection)
    known = scenario_names(collection)
    unknown = sorted(set(args.scenarios) - set(known))
    if unknown:
        parser.error('no such scenario: %s (there are: %s)' % (', '.join(unknown), ', '.join(known)))
    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    env = base_environment(collection, bin_dir)
    log_dir = os.path.join(collection, 'tests', 'output', 'molecule')
    os.makedirs(log_dir, exist_ok=True)
    # Secrets are recorded as they are made: cleanup deletes the scenario's API client and keys before the end.
    ledger = SecretLedger(every_creation=True)

    failed, leaked = [], []
    for name in args.scenarios or known:
        log_path = os.path.join(log_dir, '%s.log' % name)
        print('molecule: scenario %s' % name, flush=True)
        returncode, seconds = run_scenario(name, args, collection, env, ledger, log_path)
        with open(log_path, encoding='utf-8', errors='replace') as handle:
            lines = handle.read().splitlines()
        for line in lines:
            line = ANSI.sub('', line)
            if SUMMARY.match(line):
                print('  ' + ledger.mask(line))
        if returncode != 0:
            failed.append(name)
            print(ledger.mask('\n'.join(['', '--- the last 150 lines of %s ---' % log_path] + lines[-150:] + [''])))
        leaks = ledger.scan('\n'.join(lines))
        for kind, number in leaks[:50]:
            print('SECRET IN OUTPUT: a %s appears on line %d of %s' % (kind, number, log_path))
        if leaks:
            leaked.append(name)
        print('molecule: scenario %s %s in %.0f s (exit %d; %d lines of output, %d secret(s) in them)'
              % (name, 'passed' if returncode == 0 and not leaks else 'FAILED', seconds, returncode, len(lines),
                 len(leaks)), flush=True)

    if failed or leaked:
        print('molecule: failed: %s; secrets in the output of: %s'
              % (', '.join(failed) or 'none', ', '.join(leaked) or 'none'))
        return 1
    print('molecule: %d scenario(s) passed; %d secrets issued by the emulators, none in the output (verbosity %d)'
          % (len(args.scenarios or known), len(ledger.secrets), args.verbosity))
    return 0


if __name__ == '__main__':
    sys.exit(main())
