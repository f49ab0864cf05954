# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the access report (role edgegrid.access.access_report); documented in the .yml file of each filter."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def _report():
    """plugin_utils._access_report, imported when a filter of the report runs, not with this file: ansible-core imports
    every filter file of the collection wherever it looks up any filter of the collection - in the controller's
    process once an action plugin of the collection has loaded the templating plugins there (plugin_utils._in_process),
    else in the worker of each task that looks one up (the tasks before the play's first module of this collection,
    such as the key_provisioning role's first include) - so that what this file imports is paid there by all of them."""
    from ansible_collections.edgegrid.access.plugins.plugin_utils import _access_report  # pylint: disable=import-outside-toplevel
    return _access_report


def _plain(value):
    """A copy made of built-in types only (dict, list, str, int, float, bool, None)."""
    if isinstance(value, dict):
        return dict((str(k), _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def access_report_environment(reads, name, source=None, managed_prefixes=None):
    """One environment of the report from the results the role registered."""
    report = _report()
    try:
        return report.environment(str(name), _plain(reads), source=_plain(source),
                                  managed_prefixes=_plain(managed_prefixes or []))
    except report.ReportError as exc:
        raise AnsibleFilterError('access_report_environment: %s' % exc) from None


def access_report(environments, as_of, warn_within_days=30, fail_within_days=None, hosts=None):
    """The report from the environments, as of a date."""
    report = _report()
    try:
        return report.build(_plain(environments), _plain(as_of), warn_within_days=_plain(warn_within_days),
                            fail_within_days=_plain(fail_within_days), hosts=_plain(hosts))
    except report.ReportError as exc:
        raise AnsibleFilterError('access_report: %s' % exc) from None


def _rendered(render, report, name):
    if not isinstance(report, dict) or 'environments' not in report:
        raise AnsibleFilterError('%s: the input must be a report made by the edgegrid.access.access_report filter'
                                 % name)
    return render(_plain(report))


def access_report_markdown(report):
    """The report as Markdown."""
    return _rendered(_report().markdown, report, 'access_report_markdown')


def access_report_html(report):
    """The report as one self-contained HTML page."""
    return _rendered(_report().html, report, 'access_report_html')


class FilterModule:
    """The access report filters."""

    def filters(self):
        return {
            'access_report_environment': access_report_environment,
            'access_report': access_report,
            'access_report_markdown': access_report_markdown,
            'access_report_html': access_report_html,
        }
