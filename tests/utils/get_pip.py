# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stand-in for the get-pip bootstrap script that ansible-test downloads for its sanity environments.

ansible-test fetches get-pip.py from a host that is not reachable on every CI machine (only the package
registries are). `make sanity` copies this file into ansible-test's cache in its place. Like get-pip.py, it
is run as __main__ inside an empty virtual environment with pip's install arguments: it installs the pip
wheel bundled with Python (ensurepip, offline), then runs `pip install --upgrade` with those arguments
against the package index.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args)


if __name__ == '__main__':
    main()
