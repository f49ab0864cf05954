# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Makes the ansible-core of one ansible-playbook process look like one the in-worker runner does not know.

tests/controller/test_core_fence.py puts this directory on PYTHONPATH and names a fault in
EDGEGRID_ACCESS_TEST_CORE_FAULT; Python imports this file at start-up. Only the ansible-playbook process is
changed (module processes started from it are not), and only what the fault names:

- version:   ansible-core reports 2.99.0, a minor the runner was not verified on;
- missing:   ansible.module_utils.basic has no _ANSIBLE_PROFILE;
- shape:     ActionBase._update_module_args names its parameters otherwise;
- behaviour: ActionBase._parse_returned_data parses the runner's known output into something else.
"""

import os
import sys

FAULT = os.environ.get('EDGEGRID_ACCESS_TEST_CORE_FAULT')


def _install(fault):
    if fault == 'version':
        import ansible.release
        ansible.release.__version__ = '2.99.0'
    elif fault == 'missing':
        from ansible.module_utils import basic
        del basic._ANSIBLE_PROFILE
    elif fault in ('shape', 'behaviour'):
        from ansible.plugins.action import ActionBase
        if fault == 'shape':
            original_update = ActionBase._update_module_args

            def _update_module_args(self, name, args, variables, ignore_unknown_opts=False):
                return original_update(self, name, args, variables, ignore_unknown_opts=ignore_unknown_opts)
            ActionBase._update_module_args = _update_module_args
        else:
            original_parse = ActionBase._parse_returned_data

            def _parse_returned_data(self, res, profile):
                parsed = original_parse(self, res, profile)
                if 'edgegrid_access_probe' in res.get('stdout', ''):
                    return {'changed': True}
                return parsed
            ActionBase._parse_returned_data = _parse_returned_data
    else:
        raise SystemExit('EDGEGRID_ACCESS_TEST_CORE_FAULT: unknown fault %r' % fault)


if FAULT and sys.argv and os.path.basename(sys.argv[0]) == 'ansible-playbook':
    _install(FAULT)
