# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rotation plan filter (role edgegrid.access.credential_rotation); documented in rotation_plan.yml."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.edgegrid.access.plugins.filter.access_report import _plain
from ansible_collections.edgegrid.access.plugins.module_utils import _rotation


def rotation_plan(credentials, current, force=False, max_age_days=90, min_remaining_days=30, overlap_hours=24,
                  deactivate_old=False, retention_days=30, adopt_undescribed=True,
                  lease_seconds=_rotation.LEASE_SECONDS, prefix=_rotation.DEFAULT_PREFIX,
                  credential_limit=_rotation.CREDENTIAL_LIMIT, cleanup=True):
    """What one run of the rotation does for the credential `current`, from the API client's credentials."""
    if not isinstance(current, dict) or not current.get('credential_id'):
        raise AnsibleFilterError('rotation_plan: current must be a credential (a dict with credential_id)')
    if not isinstance(credentials, list):
        raise AnsibleFilterError('rotation_plan: the input must be the list of the API client\'s credentials')
    try:
        return _rotation.plan(_plain(credentials), _plain(current), force=bool(force),
                              max_age_days=float(max_age_days), min_remaining_days=float(min_remaining_days),
                              overlap_hours=float(overlap_hours), deactivate_old=bool(deactivate_old),
                              retention_days=float(retention_days), adopt_undescribed=bool(adopt_undescribed),
                              lease=float(lease_seconds), prefix=str(prefix),
                              credential_limit=int(credential_limit), cleanup=bool(cleanup))
    except (TypeError, ValueError) as exc:
        raise AnsibleFilterError('rotation_plan: %s' % exc) from None


class FilterModule:
    """The rotation filters."""

    def filters(self):
        return {'rotation_plan': rotation_plan}
