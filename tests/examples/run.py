# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the EXAMPLES of every module and lookup against a fresh local Akamai API emulator: each example task must succeed.

For each module of plugins/modules/ and each lookup of plugins/lookup/ (named lookup/<name>; all of them unless
named), the EXAMPLES string is read from the plugin file
with ast (the module is not executed) and its task list is run for real, in order, as one play on
localhost, by ansible-playbook at its default verbosity, against a fresh emulator (tests/emulator) whose .edgerc
is ~/.edgerc (HOME is a temporary directory). The play sets module_defaults for group/edgegrid.access.akamai with
`edgerc` pointing at that file, so the examples name it only where they demonstrate it.

What the examples refer to is made to exist first:
- world() below, for every module: what the examples name by values only Akamai assigns (the API client
  k3qx5ujmzhzbttfk and its credentials 14111 and akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx, the key collection 12345,
  the ACL entries ENDPOINT-101, RESOURCE-3001 and METHOD-2034, the account switch key 1-ABCDE:1-2FGHI) and the
  .edgerc sections the examples name (staging, production, admin); the next object created gets the id 108051;
- tests/examples/fixtures/<module>.yml (lookup_<name>.yml for a lookup), when it exists: a playbook run before the
  examples, in the same
  ansible-playbook run and directory, that creates what they name (collections, keys, tokens, files, the
  variables they take from a vault...).

Each example task that changes something (a task of a module that is not an _info module, not in check mode) runs
twice in a row: the copy, named "<name> (again)" and registering nothing, must report no change, as a second run of
any task with the same input must. The few examples that change something every time they run are listed in
CHANGES_EVERY_TIME with the reason, and are not repeated; nor are those of api_request (NOT_REPEATED).

A task of the setup or of the examples that fails or is skipped, a repeated task that changes something, a warning,
or a secret that the emulator issued found in the output fails the module, named with the task; so does a request
or an answer that Akamai's OpenAPI files do not allow (each emulator checks every exchange: tests/emulator/README.md,
"Conformance to Akamai's OpenAPI files"). The few example
tasks that cannot succeed against the emulator are listed in CANNOT_RUN with the reason: they run with ignore_errors
and must fail for that reason.
The output of each module (secrets masked) goes to tests/output/examples/<module>.log of the collection copy, the
playbook it ran beside it. Modules run four at a time (--jobs), each with its own emulator and HOME.

    python tests/examples/run.py --collection .build/ansible_collections/edgegrid/access [MODULE | lookup/NAME ...]
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

import yaml

from akamai_emulator import bootstrap, iam
from akamai_emulator.context import clock
from akamai_emulator.conformance import report
from akamai_emulator.testing import SecretLedger, running_emulator

HERE = os.path.dirname(os.path.abspath(__file__))

FIXTURES = os.path.join(HERE, 'fixtures')
DROPPED_ENV = re.compile(r'^(AKAMAI_|OAUTH2_|ANSIBLE_)')

# Emulator settings: short propagation; the examples of api_credential make the API client that signs hold four
# credentials at once (its own, one the fixture gives an early expiry, ci-pipeline, and the rotated one). Akamai
# does not document the limit; the emulator's default is two.
# check_openapi: every request of the examples and every answer of the emulators is checked against Akamai's OpenAPI
# files (tests/openapi); a violation outside tests/openapi/known-defects.yaml fails the module.
EMULATOR = {'propagation_delay': 0.2, 'credential_limit': 4, 'check_openapi': True}

# Modules whose examples take credentials from the AKAMAI_* environment variables (as an AWX credential injects
# them): ansible-playbook gets those of this .edgerc section. They then sign every task of that module.
ENVIRONMENT = {'api_request': 'default'}

# Example tasks that cannot succeed against the emulator, with why and a pattern their failure message must
# match (so that the entry goes once the emulator can serve them). They run with ignore_errors.
CANNOT_RUN = {
}

# Example tasks that change something each time they run, with why: they are not run a second time.
CHANGES_EVERY_TIME = {
    ('api_key', 'Reset the quota of two keys'): 'a quota reset is an action, done each time it is asked for',
    ('edgekv_token', 'Refresh it now, whatever its age'): 'refresh: always replaces the token, by definition',
}

# Modules whose tasks are not repeated: api_request sends the request it is given, and a write is a write each time.
NOT_REPEATED = ('api_request',)

AGAIN = '%s (again)'

# The literal values of the examples that only Akamai assigns (see world()).
EXAMPLE_CLIENT_ID = 'k3qx5ujmzhzbttfk'
EXAMPLE_CREDENTIAL_ID = 14111
EXAMPLE_CLIENT_TOKEN = 'akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx'
EXAMPLE_COLLECTION_ID = 12345
EXAMPLE_NEXT_ID = 108051
EXAMPLE_SWITCH_KEY = '1-ABCDE:1-2FGHI'
EXAMPLE_ACL = {'endpoint': 101, 'resource': 3001, 'method': 2034}
EXAMPLE_SECTIONS = ('staging', 'production', 'admin')

PLAY = re.compile(r'^PLAY \[(.*)\] \*+$')
TASK = re.compile(r'^TASK \[(.*)\] \*+$')
STATUS = re.compile(r'^(ok|changed|skipping|fatal|failed): \[[^\]]*\](.*)$')
WARNING = re.compile(r'^\[(WARNING|DEPRECATION WARNING)\]')
EXAMPLES_PLAY = 'Examples of edgegrid.access.%s'

_ledger_lock = threading.Lock()  # the ledger is shared by the threads that run modules


def examples_of(path):
    """The EXAMPLES string of a module file, read with ast (the module is not run)."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read(), filename=path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == 'EXAMPLES'):
            return ast.literal_eval(node.value)
    raise ValueError('%s has no EXAMPLES' % path)


def task_names(tasks):
    """The names of the tasks that run, in order: those of a block's tasks rather than the block's own."""
    names = []
    for task in tasks:
        if 'block' in task:
            for part in ('block', 'rescue', 'always'):
                names += task_names(task.get(part) or [])
        else:
            names.append(task.get('name'))
    return names


# ---------------------------------------------------------------------------------------------------- the world

def _with_next_id(store, first, create):
    """Run create() with the store's ids starting at first; later ids go on from where they were.

    Nothing else may create objects meanwhile (the lock is not held: create() may send requests to the emulator)."""
    saved = store.next_id
    store.next_id = first
    try:
        return create()
    finally:
        store.next_id = max(saved, store.next_id) if first > saved else saved


def world(emu):
    """Give a fresh emulator what the EXAMPLES name by values that only Akamai assigns, and their .edgerc sections.

    - the second account is reached by the switch key 1-ABCDE:1-2FGHI ([account2] of the .edgerc follows);
    - the endpoint "Bookstore API" is ENDPOINT-101, its resource "books" RESOURCE-3001, and that resource's GET
      METHOD-2034;
    - the API client k3qx5ujmzhzbttfk ("reporting-pipeline") holds credential 14111 (ACTIVE) and an INACTIVE
      credential whose client token is akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx;
    - the key collection 12345 ("Bookstore Premium") exists in contract C-1EMU001, group 10001;
    - the next object created gets the id 108051 (the setup's first collection, "Bookstore Access" in the docs);
    - ~/.edgerc has the sections staging, production and admin, copies of [default].
    """
    store = emu.store
    with store.lock:
        primary = store.accounts[store.meta['primary_account']]
        secondary = [acc for acc in store.accounts.values() if acc.id != primary.id][0]
        secondary.switch_key = EXAMPLE_SWITCH_KEY

        endpoint = [e for e in primary.data['apikeys']['endpoints'] if e['name'] == 'Bookstore API'][0]
        endpoint['id'] = EXAMPLE_ACL['endpoint']
        resource = [r for r in endpoint['resources'] if r['name'] == 'books'][0]
        resource['logicId'] = EXAMPLE_ACL['resource']
        [m for m in resource['methods'] if m['method'] == 'GET'][0]['logicId'] = EXAMPLE_ACL['method']

        now = clock(store)
        client = iam.make_client(store, primary, now, name='reporting-pipeline',
                                 description='Reads API key usage for the data team', apis={'edgekv': 'READ-ONLY'},
                                 created_by='admin', notification_emails=['data@example.com'])
        store.clients[EXAMPLE_CLIENT_ID] = store.clients.pop(client['clientId'])
        client['clientId'] = EXAMPLE_CLIENT_ID
        _with_next_id(store, EXAMPLE_CREDENTIAL_ID,
                      lambda: iam.make_credential(store, client, now, 'reporting-pipeline'))
        old = iam.make_credential(store, client, now, 'reporting-pipeline, retired')
        old['clientToken'] = EXAMPLE_CLIENT_TOKEN
        old['status'] = 'INACTIVE'

    def create_collection():
        resp = emu.session().post(emu.url('/apikey-manager-api/v2/collections'), timeout=30, json={
            'collectionName': 'Bookstore Premium', 'collectionDescription': 'Keys of the premium partners',
            'contractId': 'C-1EMU001', 'groupId': 10001})
        resp.raise_for_status()
        if resp.json().get('collectionId') != EXAMPLE_COLLECTION_ID:
            raise RuntimeError('the collection was created with id %r' % resp.json().get('collectionId'))
    _with_next_id(store, EXAMPLE_COLLECTION_ID, create_collection)
    with store.lock:
        store.next_id = max(store.next_id, EXAMPLE_NEXT_ID)

    emu.write_edgerc()
    default = emu.section('default')
    bootstrap.write_edgerc(emu.edgerc, {name: dict(default) for name in EXAMPLE_SECTIONS})


# ---------------------------------------------------------------------------------------------------- one module

def playbook(module, examples, fixture_text, edgerc):
    """The playbook text: the fixture's plays, then the examples as one play (dumped again, their meaning kept)."""
    parts = [fixture_text.rstrip() + '\n' if fixture_text else '---\n']
    tasks = yaml.safe_load(examples)
    header = {
        'name': EXAMPLES_PLAY % module,
        'hosts': 'localhost',
        'gather_facts': False,
        'module_defaults': {'group/edgegrid.access.akamai': {'edgerc': edgerc}},
    }
    # The tasks are dumped again (their meaning is kept): those that cannot run here get ignore_errors, and those
    # that change something are followed by a copy that must not.
    cannot = [name for (mod, name) in CANNOT_RUN if mod == module]
    ran = []
    for task in tasks:
        if task.get('name') in cannot:
            task['ignore_errors'] = True
        ran.append(task)
        if repeated(module, task):
            again = dict((key, value) for key, value in task.items() if key != 'register')
            again['name'] = AGAIN % task['name']
            ran.append(again)
    body = yaml.safe_dump(ran, default_flow_style=False, sort_keys=False, width=1000)
    parts.append('\n# The EXAMPLES of plugins/%s.py; each task that changes something is run again, and those '
                 'that cannot run here have ignore_errors.\n' % (module if '/' in module else 'modules/' + module))
    parts.append('- ' + yaml.safe_dump(header, default_flow_style=False, sort_keys=False).replace('\n', '\n  '))
    parts.append('tasks:\n' + ''.join('    ' + line if line.strip() else '\n'
                                      for line in body.splitlines(True)))
    return ''.join(parts), ran


def repeated(module, task):
    """Whether an example task runs a second time, which must change nothing: a task of a module that can change
    something, not in check mode, not known to change something every time, not one that cannot run here."""
    if module in NOT_REPEATED or 'block' in task or task.get('check_mode'):
        return False
    if (module, task.get('name')) in CHANGES_EVERY_TIME:
        return False
    if (module, task.get('name')) in CANNOT_RUN:
        return False
    return any(key.startswith('edgegrid.access.') and not key.endswith('_info') for key in task)


def parse(text):
    """[(play, task, status, detail)], one per task run, from the default callback's output.

    status: ok, changed, skipping, failed, or ignored (failed with ignore_errors); a loop's items are summed up (the
    task failed when an item did, was skipped when all were). detail: what follows the host of its last failure,
    else of its last line.
    """
    results, play = [], None
    for line in text.splitlines():
        match = PLAY.match(line)
        if match:
            play = match.group(1)
            continue
        match = TASK.match(line)
        if match:
            results.append([play, match.group(1), [], ''])
            continue
        match = STATUS.match(line)
        if match and results:
            status = 'failed' if match.group(1) == 'fatal' else match.group(1)
            results[-1][2].append(status)
            if status == 'failed' or 'failed' not in results[-1][2][:-1]:
                results[-1][3] = match.group(2)
        elif line.strip() == '...ignoring' and results:
            results[-1][2].append('ignored')
    summed = []
    for play, task, statuses, detail in results:
        if 'ignored' in statuses:
            status = 'ignored'
        elif 'failed' in statuses:
            status = 'failed'
        elif not statuses or all(status == 'skipping' for status in statuses):
            status = 'skipping' if statuses else 'no result'
        else:
            status = 'changed' if 'changed' in statuses else 'ok'
        summed.append((play, task, status, detail))
    return summed


def message(detail):
    """The msg of a failed task's result (the JSON after '=>'), else the detail as it is."""
    text = detail.split('=>', 1)[-1].strip()
    try:
        doc = json.loads(text)
    except ValueError:
        return text
    return doc.get('msg', text) if isinstance(doc, dict) else text


def check(module, text, returncode, expected):
    """The problems of one module's run, as lines."""
    problems = []
    results = parse(text)
    examples_play = EXAMPLES_PLAY % module
    for play, task, status, detail in results:
        if play != examples_play and status not in ('ok', 'changed'):
            problems.append('setup task %r (play %r) %s: %s' % (task, play, status, message(detail)))
    ran = [(task, status, detail) for play, task, status, detail in results if play == examples_play]
    for index, name in enumerate(expected):
        if index >= len(ran):
            problems.append('example %r did not run' % name)
            continue
        task, status, detail = ran[index]
        if task != name:
            problems.append('example %r expected, task %r ran' % (name, task))
        elif (module, name) in CANNOT_RUN:
            why, pattern = CANNOT_RUN[(module, name)]
            if status != 'ignored' or not re.search(pattern, message(detail)):
                problems.append('example %r was expected to fail (%s) matching %r; it ended %s: %s'
                                % (name, why, pattern, status, message(detail)))
        elif status not in ('ok', 'changed'):
            problems.append('example %r %s: %s' % (name, 'was skipped' if status == 'skipping' else status,
                                                   message(detail)))
        elif status == 'changed' and name.endswith(AGAIN % ''):
            problems.append('example %r changed something the second time it ran' % name[:-len(AGAIN % '')])
    for line in text.splitlines():
        if WARNING.match(line):
            problems.append('warning: %s' % line)
    if returncode != 0 and not problems:
        problems.append('ansible-playbook exited %d' % returncode)
    return problems


def plugin_file(collection, plugin):
    """The file of a module ('api_key') or of a plugin of another type ('lookup/edgerc')."""
    kind, name = plugin.split('/', 1) if '/' in plugin else ('modules', plugin)
    return os.path.join(collection, 'plugins', kind, name + '.py')


def file_name(plugin):
    """The name of a plugin's fixture and log files: 'api_key', 'lookup_edgerc'."""
    return plugin.replace('/', '_')


def run_module(module, emu, home, collection, env, ledger, log_dir):
    """Run one module's examples against its emulator, HOME being home; returns (problems, seconds, task count)."""
    examples = examples_of(plugin_file(collection, module))
    fixture = os.path.join(FIXTURES, file_name(module) + '.yml')
    fixture_text = None
    if os.path.exists(fixture):
        with open(fixture, encoding='utf-8') as handle:
            fixture_text = handle.read()
    started = time.monotonic()
    play_dir = os.path.join(home, 'play')
    os.makedirs(play_dir)
    text, tasks = playbook(module, examples, fixture_text, emu.edgerc)
    expected = task_names(tasks)
    path = os.path.join(play_dir, 'examples.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write(text)
    shutil.copyfile(path, os.path.join(log_dir, file_name(module) + '.yml'))
    with open(os.path.join(play_dir, 'inventory'), 'w', encoding='utf-8') as handle:
        handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
    run_env = dict(env, HOME=home)
    if module in ENVIRONMENT:
        section = emu.section(ENVIRONMENT[module])
        for key in ('host', 'client_token', 'client_secret', 'access_token'):
            run_env['AKAMAI_' + key.upper()] = section[key]
    extra = {'emulator_url': emu.base_url, 'emulator_edgerc': emu.edgerc}
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'inventory',
               '-e', json.dumps(extra), 'examples.yml']
    result = subprocess.run(command, cwd=play_dir, env=run_env, check=False, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace')
    seconds = time.monotonic() - started
    output = result.stdout
    with _ledger_lock:
        ledger.collect(emu.store)
        leaks = ledger.scan(output)
        masked = ledger.mask(output)
    with open(os.path.join(log_dir, file_name(module) + '.log'), 'w', encoding='utf-8') as handle:
        handle.write(masked)
    problems = check(module, output, result.returncode, expected)
    for kind, number in leaks[:20]:
        problems.append('SECRET IN OUTPUT: a %s appears on line %d of the output' % (kind, number))
    with _ledger_lock:
        problems = [ledger.mask(problem) for problem in problems]
    again = sum(1 for name in expected if name.endswith(AGAIN % ''))
    return problems, seconds, len(expected) - again, again


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--jobs', type=int, default=4, help='modules run at once (default 4)')
    parser.add_argument('modules', nargs='*', help='modules (and lookup/NAME) to run (default: all)')
    args = parser.parse_args()

    collection = os.path.abspath(args.collection)
    if os.path.basename(os.path.dirname(os.path.dirname(collection))) != 'ansible_collections':
        parser.error('%s is not under an ansible_collections/ directory' % collection)
    modules_dir = os.path.join(collection, 'plugins', 'modules')
    known = sorted(name[:-3] for name in os.listdir(modules_dir) if name.endswith('.py') and name != '__init__.py')
    for kind in ('lookup',):
        kind_dir = os.path.join(collection, 'plugins', kind)
        if os.path.isdir(kind_dir):
            known += sorted('%s/%s' % (kind, name[:-3]) for name in os.listdir(kind_dir)
                            if name.endswith('.py') and name != '__init__.py')
    unknown = sorted(set(args.modules) - set(known))
    if unknown:
        parser.error('no such module: %s' % ', '.join(unknown))
    stale = sorted(name[:-4] for name in os.listdir(FIXTURES)
                   if name.endswith('.yml') and name[:-4] not in [file_name(plugin) for plugin in known])
    if stale:
        parser.error('fixtures of modules that do not exist: %s' % ', '.join(stale))

    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    env = {name: value for name, value in os.environ.items() if not DROPPED_ENV.match(name)}
    env.update({
        'PATH': bin_dir + os.pathsep + env.get('PATH', ''),
        # <root>/ansible_collections/edgegrid/access -> <root>
        'ANSIBLE_COLLECTIONS_PATH': os.path.dirname(os.path.dirname(os.path.dirname(collection))),
        'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false',
        'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'NO_COLOR': '1',
    })
    log_dir = os.path.join(collection, 'tests', 'output', 'examples')
    os.makedirs(log_dir, exist_ok=True)
    ledger = SecretLedger(every_creation=True)

    started = time.monotonic()
    failed, total, repeats = [], 0, 0
    modules = args.modules or known
    with contextlib.ExitStack() as stack, concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        # Every emulator is started (and given its world) before any example runs: the emulator's bootstrap fills
        # module-level catalogs that the requests of the others read.
        started_emulators = {}
        for module in modules:
            home = stack.enter_context(tempfile.TemporaryDirectory(prefix='edgegrid-access-examples-%s-'
                                                                   % file_name(module)))
            emu = stack.enter_context(running_emulator(home, **EMULATOR))
            world(emu)
            started_emulators[module] = (emu, home)
        with _ledger_lock:
            for emu, home in started_emulators.values():
                ledger.collect(emu.store)
        futures = {module: pool.submit(run_module, module, emu, home, collection, env, ledger, log_dir)
                   for module, (emu, home) in started_emulators.items()}
        checked = 0
        for module in modules:
            problems, seconds, count, again = futures[module].result()
            summary = started_emulators[module][0].admin.conformance()
            checked += sum(summary['checked'].values())
            lines, conforms = report(summary)
            if not conforms:
                problems = list(problems) + [ledger.mask(line) for line in lines if line.startswith('OPENAPI VIOLATION')]
            total += count
            repeats += again
            outcome = 'FAILED' if problems else 'passed'
            print('examples: %-24s %2d task(s), %d run again, %s in %4.1f s' % (module, count, again, outcome, seconds),
                  flush=True)
            for problem in problems:
                print('  %s: %s' % (module, problem))
            if problems:
                failed.append(module)
                print('  (output: %s)' % os.path.join(log_dir, file_name(module) + '.log'))
    if failed:
        print('examples: failed: %s' % ', '.join(failed))
        return 1
    print('examples: the %d example tasks of %d module(s), %d of them run again, passed in %.0f s; %d secrets issued '
          'by the emulators, none in the output; %d exchanges conform to Akamai\'s OpenAPI files'
          % (total, len(modules), repeats, time.monotonic() - started, len(ledger.secrets), checked))
    return 0


if __name__ == '__main__':
    sys.exit(main())
