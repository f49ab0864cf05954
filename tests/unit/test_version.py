# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The collection's version is galaxy.yml's; the places that cannot read it at run time must say the same.

- plugins/module_utils/_client.py COLLECTION_VERSION (the User-Agent of every request): a module runs from an AnsiballZ
  payload on the target, where neither galaxy.yml nor the built MANIFEST.json is at hand.
- docs/awx.md and docs/awx/controller_objects.yml tag the example execution environment image with the version.
(execution-environment.yml names the tarball of the version: tests/awx/test_execution_environment.py builds it.)
"""

from __future__ import annotations

import os
import re

import yaml

from ansible_collections.edgegrid.access.plugins.module_utils import _client

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGE_TAG = re.compile(r'edgegrid-access-ee:(\d[^\s"\']*)')


def galaxy_version():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)['version']


def test_the_user_agent_carries_galaxy_version():
    assert _client.COLLECTION_VERSION == galaxy_version()
    assert _client.USER_AGENT == 'edgegrid.access/%s' % galaxy_version()


def test_the_example_image_tags_are_galaxy_version():
    found = []
    for name in ('docs/awx.md', 'docs/awx/controller_objects.yml'):
        with open(os.path.join(ROOT, name), encoding='utf-8') as handle:
            found += [(name, tag) for tag in IMAGE_TAG.findall(handle.read())]
    assert found, 'no versioned image tag found: update this test with the docs'
    assert [(name, tag) for name, tag in found if tag != galaxy_version()] == []
