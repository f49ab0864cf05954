# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run the integration targets against a fresh local Akamai API emulator.

Starts the emulator (tests/emulator) on an ephemeral loopback port, writes its .edgerc and an
integration_config.yml that ansible-test hands to every target as variables, then runs
`ansible-test integration --local` in the collection copy. Usage (from the repository root):

    python tests/integration/run.py --collection .build/ansible_collections/edgegrid/access [TARGET ...]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'emulator'))

from akamai_emulator.testing import running_emulator  # noqa: E402  pylint: disable=wrong-import-position


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--collection', required=True, help='the collection copy under ansible_collections/')
    parser.add_argument('--propagation-delay', type=float, default=0.5)
    parser.add_argument('targets', nargs='*', help='targets to run (default: all)')
    args = parser.parse_args()

    collection = os.path.abspath(args.collection)
    bin_dir = os.path.dirname(os.path.abspath(sys.executable))
    with tempfile.TemporaryDirectory(prefix='edgegrid-access-it-') as tmp:
        with running_emulator(tmp, propagation_delay=args.propagation_delay) as emu:
            config = {
                'emulator_url': emu.base_url,
                'emulator_edgerc': emu.edgerc,
                'emulator_admin_url': emu.base_url + '/_emulator',
            }
            config_path = os.path.join(collection, 'tests', 'integration', 'integration_config.yml')
            with open(config_path, 'w', encoding='utf-8') as handle:
                json.dump(config, handle)
            env = dict(os.environ)
            env['PATH'] = bin_dir + os.pathsep + env.get('PATH', '')
            command = [os.path.join(bin_dir, 'ansible-test'), 'integration', '--local', '--python', '3.11',
                       '--color', 'no'] + args.targets
            result = subprocess.run(command, cwd=collection, env=env, check=False)
    return result.returncode


if __name__ == '__main__':
    sys.exit(main())
