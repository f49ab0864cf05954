# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The edgegrid.access demo: the collection's playbooks against the local Akamai API emulator.

Starts the emulator (tests/emulator) in the background with a fresh world, gives the staging and production
environments of examples/inventories/ an API client each, then runs key provisioning, EdgeKV tokens and a credential
rotation for both environments; runs everything again to show that nothing changes (and no write is sent); prints a
short summary; stops the emulator.

    make demo                  # or: .venv/bin/python demo/run.py [--keep]

Needs the virtual environment (`make venv`); the collection is taken from ANSIBLE_COLLECTIONS_PATH when it holds
edgegrid.access (as `make collection` leaves it), else copied from this work tree.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(os.path.abspath(sys.executable))
INVENTORIES = [os.path.join(REPO, 'examples', 'inventories', name) for name in ('staging', 'production')]
RECAP = re.compile(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)')
WRITE = re.compile(r'^(POST|PUT|PATCH|DELETE) ')


def say(text=''):
    print(text, flush=True)


def collections_path(work):
    """A directory holding ansible_collections/edgegrid/access."""
    for entry in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        if entry and os.path.isfile(os.path.join(entry, 'ansible_collections', 'edgegrid', 'access', 'galaxy.yml')):
            return entry
    root = os.path.join(work, 'collections')
    dest = os.path.join(root, 'ansible_collections', 'edgegrid', 'access')
    os.makedirs(dest)
    listing = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=REPO, check=True,
                             capture_output=True).stdout.decode('utf-8').split('\0')
    files = [name for name in listing if name and os.path.isfile(os.path.join(REPO, name))]
    archive = subprocess.run(['tar', '-cf', '-', '--null', '-T', '-'], cwd=REPO, check=True,
                             input='\0'.join(files).encode('utf-8'), capture_output=True).stdout
    subprocess.run(['tar', '-xf', '-', '-C', dest], input=archive, check=True)
    return root


class Emulator:
    """The emulator as a background process, on a free loopback port."""

    def __init__(self, work):
        self.edgerc = os.path.join(work, '.edgerc')
        self.state = os.path.join(work, 'emulator-state.json')
        self.log_path = os.path.join(work, 'emulator.log')
        self.process = None
        self.base_url = None

    def start(self):
        with open(self.log_path, 'w', encoding='utf-8') as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, '-m', 'akamai_emulator', 'serve', '--port', '0', '--edgerc', self.edgerc,
                 '--state', self.state, '--propagation-delay', '0.5'],
                stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit('the emulator stopped at once; see %s' % self.log_path)
            if os.path.exists(self.edgerc):
                parser = configparser.RawConfigParser()
                parser.read(self.edgerc)
                if parser.has_section('default'):
                    self.base_url = parser.get('default', 'host').rstrip('/')
                    try:
                        self.admin('GET', '/health')
                        return
                    except OSError:
                        pass
            time.sleep(0.2)
        raise SystemExit('the emulator did not start within 30 seconds; see %s' % self.log_path)

    def admin(self, method, path):
        request = urllib.request.Request(self.base_url + '/_emulator' + path, method=method)
        with urllib.request.urlopen(request, timeout=10) as answer:  # nosec - loopback only
            body = answer.read()
        return json.loads(body) if body else None

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Runner:
    """ansible-playbook with the demo's environment; keeps every run's output in the work directory."""

    def __init__(self, work, collections):
        self.work = work
        self.count = 0
        self.env = dict(os.environ)
        self.env.update({
            'ANSIBLE_COLLECTIONS_PATH': collections,
            'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': 'false',
            'AKAMAI_EDGERC': os.path.join(work, '.edgerc'),
            'EDGEWORKER_BUNDLE_DIR': os.path.join(work, 'edgeworkers'),
            'EDGEGRID_EXPORT_DIR': os.path.join(work, 'exported'),
            'PATH': BIN + os.pathsep + os.environ.get('PATH', ''),
        })
        for name in ('AKAMAI_EDGERC_SECTION', 'AKAMAI_HOST', 'AKAMAI_CLIENT_TOKEN', 'AKAMAI_CLIENT_SECRET',
                     'AKAMAI_ACCESS_TOKEN', 'AKAMAI_ACCOUNT_KEY'):
            self.env.pop(name, None)
        os.makedirs(self.env['EDGEGRID_EXPORT_DIR'], mode=0o700, exist_ok=True)

    def run(self, playbook, *extra, inventories=True):
        """Run a playbook; returns {host: (ok, changed, failed)} and the output."""
        self.count += 1
        command = [os.path.join(BIN, 'ansible-playbook'), playbook]
        if inventories:
            for inventory in INVENTORIES:
                command += ['-i', inventory]
        command += list(extra)
        result = subprocess.run(command, env=self.env, cwd=self.work, capture_output=True, text=True, check=False)
        output = result.stdout + result.stderr
        name = re.sub(r'[^A-Za-z0-9_.-]', '_', os.path.basename(playbook))
        with open(os.path.join(self.work, 'run-%02d-%s.log' % (self.count, name)), 'w', encoding='utf-8') as log:
            log.write(output)
        recap = {}
        for line in output.splitlines():
            match = RECAP.match(line)
            if match:
                recap[match.group(1)] = (int(match.group(2)), int(match.group(3)), int(match.group(5)))
        if result.returncode != 0:
            say(output[-4000:])
            raise SystemExit('demo: %s failed (exit %d); its output is in %s'
                             % (playbook, result.returncode, self.work))
        return recap, output


def secrets_in(work):
    """Every secret the demo's files hold: the .edgerc (and its backups) and the exported key values."""
    found = set()
    for name in os.listdir(work):
        if name.startswith('.edgerc'):
            parser = configparser.RawConfigParser()
            parser.read(os.path.join(work, name))
            for section in parser.sections():
                for key in ('client_secret', 'access_token'):
                    if parser.has_option(section, key):
                        found.add(parser.get(section, key))
    export_dir = os.path.join(work, 'exported')
    for name in os.listdir(export_dir) if os.path.isdir(export_dir) else []:
        with open(os.path.join(export_dir, name), encoding='utf-8') as handle:
            found.update(re.findall(r'^\s+value: "(.+)"$', handle.read(), re.M))
    return set(value for value in found if len(value) >= 8)


def leaks(work):
    """(secrets checked, lines of playbook output, how many secrets appear in that output)."""
    secrets = secrets_in(work)
    lines = 0
    seen = set()
    for name in sorted(os.listdir(work)):
        if name.startswith('run-') and name.endswith('.log'):
            with open(os.path.join(work, name), encoding='utf-8') as handle:
                text = handle.read()
            lines += len(text.splitlines())
            seen.update(value for value in secrets if value in text)
    return len(secrets), lines, len(seen)


def describe(recap):
    return ', '.join('%s changed=%d' % (host, values[1]) for host, values in sorted(recap.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--keep', action='store_true', help='keep the work directory (.edgerc, exported keys, logs)')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='edgegrid-demo-')
    os.chmod(work, 0o700)
    emulator = Emulator(work)
    failed = True
    try:
        say('== edgegrid.access demo (work directory %s)' % work)
        emulator.start()
        say('== emulator started on %s (its .edgerc: %s)' % (emulator.base_url, emulator.edgerc))
        runner = Runner(work, collections_path(work))

        recap, dummy = runner.run(os.path.join(REPO, 'demo', 'bootstrap.yml'), inventories=False)
        say('== bootstrap: an API client and an .edgerc section for staging and for production (%s)'
            % describe(recap))

        say('== first pass')
        first = {}
        for playbook, extra in (('edgegrid.access.provision_keys', []), ('edgegrid.access.edgekv_tokens', []),
                                ('edgegrid.access.rotate_credentials', ['-e', 'credential_rotation_force=true'])):
            recap, output = runner.run(playbook, *extra)
            first[playbook] = recap
            say('   %-38s %s' % (playbook, describe(recap)))
            if playbook.endswith('rotate_credentials'):
                for line in output.splitlines():
                    match = re.search(r'"msg": "(\[.*)"$', line.strip())
                    if match:
                        say('      ' + match.group(1))

        say('== second pass: the same playbooks, nothing due, nothing to change')
        emulator.admin('DELETE', '/log')
        unchanged = True
        for playbook in ('edgegrid.access.provision_keys', 'edgegrid.access.edgekv_tokens',
                         'edgegrid.access.rotate_credentials'):
            recap, dummy = runner.run(playbook)
            say('   %-38s %s' % (playbook, describe(recap)))
            unchanged = unchanged and all(values[1] == 0 for values in recap.values())
        writes = sum(count for key, count in emulator.admin('GET', '/log')['counts'].items() if WRITE.match(key))
        say('   write requests sent in the second pass: %d' % writes)

        recap, output = runner.run(os.path.join(REPO, 'demo', 'summary.yml'))
        say('== summary')
        for line in output.splitlines():
            match = re.search(r'"msg": "(.*)"$', line.strip())
            if match:
                say('   ' + match.group(1))
        exported = sorted(os.listdir(runner.env['EDGEGRID_EXPORT_DIR']))
        tokens_js = sorted(os.path.relpath(os.path.join(d, f), work)
                           for d, dummy, files in os.walk(runner.env['EDGEWORKER_BUNDLE_DIR']) for f in files)
        say('   key values exported (mode 0600): %s' % ', '.join(exported))
        say('   edgekv_tokens.js written: %s' % ', '.join(tokens_js))
        checked, lines, found = leaks(work)
        say('   secrets (client secrets, access tokens, key values) in the %d lines of playbook output: %d of %d'
            % (lines, found, checked))
        if found:
            raise SystemExit('demo: a secret appears in the playbook output (see %s)' % work)
        if not unchanged or writes:
            raise SystemExit('demo: the second pass changed something')
        say('== the second pass changed nothing: the playbooks are idempotent')
        failed = False
    finally:
        emulator.stop()
        say('== emulator stopped')
        if args.keep or failed:
            say('== kept %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
