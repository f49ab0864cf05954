# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rotation_plan filter (controller side; the policy itself is tested in module_utils/test_rotation.py).

Here, not beside the policy's tests: importing controller code changes where modules send their warnings, and the
tests of modules run in the same process."""

from __future__ import annotations

import pytest


def test_filter_checks_its_input():
    # Imported here, not when pytest collects the file: before the tests of modules run.
    from ansible.errors import AnsibleFilterError  # pylint: disable=import-outside-toplevel
    from ansible_collections.edgegrid.access.plugins.filter.rotation import rotation_plan  # pylint: disable=import-outside-toplevel

    current = dict(credential_id=1, status='active', description='', created_on='2026-01-01T00:00:00Z',
                   expires_on='2027-12-01T00:00:00Z')
    assert rotation_plan([current], current, force=True)['rotate']
    with pytest.raises(AnsibleFilterError, match='current'):
        rotation_plan([current], {})
