# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the integration targets against a fresh local Akamai API emulator, and scan their output for secrets.

Starts the emulator (tests/emulator) on an ephemeral loopback port, writes its .edgerc and an
integration_config.yml that ansible-test hands to every target as variables, then runs
`ansible-test integration --local` at the given verbosity (-vvvv by default) in a copy of its own of the given
collection (in a temporary directory: runs of this script side by side, as `make test` starts them, share no file),
keeping the whole output in tests/output/integration/<way>-<ansible-core minor>.log of the given collection (way:
in-worker or module-process). The modules run in Ansible's worker
process, as they do for any task on the controller; --module-process runs them as module processes instead.
Afterwards every secret the emulator issued during the run (client secrets, access tokens, OAuth 2.0 secrets
and tokens, API key values) is looked for in that output: one found fails the run, naming its kind and line,
never its value.
Client tokens are not counted: Akamai shows them in Control Center and in IAM listings, as identifiers.
The emulator checks every request it receives and every answer it gives against Akamai's OpenAPI files
(tests/openapi, akamai_emulator/conformance.py): one violation outside tests/openapi/known-defects.yaml fails the
run. It serves at most --max-page-size keys a page of API Keys v2 GET /keys (default 100, so that key listings
page as they would if Akamai capped the page size without saying so).

Every file written during the run under ansible-test's output_dir and the run's TMPDIR (the ANSIBLE_LOG_PATH log is
one) is scanned too: a secret in a file that group or others may read fails the run.

    python tests/integration/run.py --collection .build/ansible_collections/edgegrid/access [TARGET ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading

import yaml
from ansible import release as ansible_release

from akamai_emulator.conformance import report
from akamai_emulator.testing import SecretLedger, running_emulator

SUMMARY = re.compile(r'^(PLAY RECAP|\S+\s+: ok=|FATAL|ERROR: |WARNING: |Running .* integration test role)')


class FileWatch:
    """Every version of every regular file written under some directories while a run goes on, for the secret scan.

    Polls the directories (every `interval` seconds) and keeps the text and the mode of each file whose size or
    time changed; a file made and removed between two polls is not seen. Files larger than MAX_BYTES are skipped.
    """

    MAX_BYTES = 4 * 1024 * 1024

    def __init__(self, roots, interval=0.2):
        self.roots = roots
        self.interval = interval
        self.seen = {}
        self.versions = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.poll()

    def _loop(self):
        while not self._stop.wait(self.interval):
            self.poll()

    def poll(self):
        for root in self.roots:
            for directory, dummy, names in os.walk(root):
                for name in names:
                    self._look(os.path.join(directory, name))

    def _look(self, path):
        try:
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or info.st_size > self.MAX_BYTES:
                return
            mark = (info.st_size, info.st_mtime_ns, info.st_mode)
            if self.seen.get(path) == mark:
                return
            with open(path, 'rb') as handle:
                data = handle.read()
        except OSError:
            return
        self.seen[path] = mark
        self.versions.append((path, stat.S_IMODE(info.st_mode), data.decode('utf-8', errors='replace')))

    def leaks(self, ledger):
        """(path, mode, kind) of each secret in a file whose mode lets group or others read it."""
        found = set()
        for path, mode, text in self.versions:
            if mode & 0o077:
                for kind, dummy in ledger.scan(text):
                    found.add((path, mode, kind))
        return sorted(found)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--propagation-delay', type=float, default=0.5)
    parser.add_argument('--max-page-size', type=int, default=100,
                        help='most keys the emulator serves in one page of API Keys v2 GET /keys (default 100)')
    parser.add_argument('--verbosity', type=int, default=4, help='ansible-playbook -v count (default 4)')
    parser.add_argument('--module-process', action='store_true',
                        help='run every module as a module process (edgegrid_access_in_process=false), not in the worker')
    parser.add_argument('targets', nargs='*', help='targets to run (default: all)')
    args = parser.parse_args()

    source = os.path.abspath(args.collection)
    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    log_path = os.path.join(source, 'tests', 'output', 'integration', '%s-%s.log' % (
        'module-process' if args.module_process else 'in-worker', ansible_release.__version__.rsplit('.', 1)[0]))
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    ledger = SecretLedger(every_creation=True)
    with tempfile.TemporaryDirectory(prefix='edgegrid-access-it-') as tmp:
        # The run's own copy (its .git included: ansible-test lists the files through git); not tests/output.
        collection = os.path.join(tmp, 'collections', 'ansible_collections', 'edgegrid', 'access')
        tests = os.path.join(source, 'tests')
        shutil.copytree(source, collection, symlinks=True,
                        ignore=lambda directory, names: ['output'] if directory == tests else [])
        with running_emulator(tmp, propagation_delay=args.propagation_delay, max_page_size=args.max_page_size,
                              check_openapi=True) as emu:
            ledger.collect(emu.store)
            config = {
                'emulator_url': emu.base_url,
                'emulator_edgerc': emu.edgerc,
                'emulator_admin_url': emu.base_url + '/_emulator',
            }
            if args.module_process:
                config['edgegrid_access_in_process'] = False
            config_path = os.path.join(collection, 'tests', 'integration', 'integration_config.yml')
            with open(config_path, 'w', encoding='utf-8') as handle:
                handle.write('---\n' + yaml.safe_dump(config, default_flow_style=False))
            env = dict(os.environ)
            env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
            # Every file the run writes is watched: ansible-test's output_dir, the temporary files of the tasks
            # (TMPDIR), and the ANSIBLE_LOG_PATH log.
            run_tmp = os.path.join(tmp, 'run-tmp')
            os.makedirs(run_tmp)
            env['TMPDIR'] = run_tmp
            env['ANSIBLE_LOG_PATH'] = os.path.join(run_tmp, 'ansible.log')
            watched = [run_tmp, os.path.join(collection, 'tests', 'output', '.tmp', 'output_dir')]
            for root in watched:
                os.makedirs(root, exist_ok=True)
            python = '%d.%d' % sys.version_info[:2]  # the Python of the venv this runs in
            command = [os.path.join(bin_dir, 'ansible-test'), 'integration', '--local', '--python', python,
                       '--color', 'no']
            if args.verbosity:
                command.append('-' + 'v' * args.verbosity)
            with open(log_path, 'w', encoding='utf-8') as log, FileWatch(watched) as files:
                result = subprocess.run(command + args.targets, cwd=collection, env=env, check=False,
                                        stdout=log, stderr=subprocess.STDOUT)
            ledger.collect(emu.store)
            conformance = emu.admin.conformance()
            file_leaks = files.leaks(ledger)
            file_count = len(files.seen)

    with open(log_path, encoding='utf-8', errors='replace') as handle:
        text = handle.read()
    lines = text.splitlines()
    for line in lines:
        if SUMMARY.match(line):
            print(ledger.mask(line))
    if result.returncode != 0:
        print(ledger.mask('\n'.join(['', '--- the last 150 lines of %s ---' % log_path] + lines[-150:])))
    leaks = ledger.scan(text)
    for path, mode, kind in file_leaks[:50]:
        print('SECRET IN A FILE: a %s is in %s (mode %04o, not 0600)' % (kind, path, mode))
    if leaks:
        for kind, number in leaks[:50]:
            print('SECRET IN OUTPUT: a %s appears on line %d of %s' % (kind, number, log_path))
        print('integration: %d secret(s) found in the -v%s output' % (len(leaks), 'v' * (args.verbosity - 1)))
        return 1
    if file_leaks:
        print('integration: %d secret(s) found in files written during the run' % len(file_leaks))
        return 1
    print('integration: ansible-test exit %d; %d secrets issued by the emulator, none in %d lines of output nor in '
          'the %d files written during the run (ANSIBLE_LOG_PATH included)'
          % (result.returncode, len(ledger.secrets), len(lines), file_count))
    report_lines, conforms = report(conformance)
    for line in report_lines:
        print(ledger.mask(line))
    if not conforms:
        print('integration: the emulator saw requests or gave answers that Akamai\'s OpenAPI files do not allow')
        return result.returncode or 1
    return result.returncode


if __name__ == '__main__':
    sys.exit(main())
