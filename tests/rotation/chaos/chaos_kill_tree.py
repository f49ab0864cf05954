# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test only (tests/rotation): SIGKILL ansible-playbook and every process between it and this one.

Ansible's workers start sessions of their own, so the process group of ansible-playbook does not hold them: walk
up the parents (/proc) to the child of CHAOS_PARENT (the test), and kill that one's group and each process met.
"""

import os
import signal


def _parent(pid):
    with open('/proc/%d/stat' % pid) as handle:
        return int(handle.read().rsplit(')', 1)[1].split()[1])


def kill_run():
    top = int(os.environ.get('CHAOS_PARENT', '0'))
    chain = [os.getpid()]
    while top and chain[-1] > 1:
        parent = _parent(chain[-1])
        if parent in (top, 0, 1):
            break
        chain.append(parent)
    for pid in reversed(chain):
        for kill in (lambda: os.killpg(os.getpgid(pid), signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except OSError:
                pass
