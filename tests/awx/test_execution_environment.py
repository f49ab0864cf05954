# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`ansible-builder create` accepts execution-environment.yml and writes a complete build context."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import yaml

from conftest import REPO, copy_collection

BIN = os.path.dirname(os.path.abspath(sys.executable))


def test_ansible_builder_create(tmp_path):
    collection = copy_collection(str(tmp_path / 'src'))
    with open(os.path.join(collection, 'galaxy.yml'), encoding='utf-8') as handle:
        galaxy = yaml.safe_load(handle)
    tarball = '%s-%s-%s.tar.gz' % (galaxy['namespace'], galaxy['name'], galaxy['version'])

    # What `make build` does: the collection tarball that the definition copies into the image.
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'build', '--force', '--output-path',
                    os.path.join(collection, '.build')], cwd=collection, check=True, capture_output=True)
    assert os.path.isfile(os.path.join(collection, '.build', tarball))

    context = str(tmp_path / 'context')
    result = subprocess.run([os.path.join(BIN, 'ansible-builder'), 'create', '-f', 'execution-environment.yml',
                             '--context', context, '--output-filename', 'Containerfile'],
                            cwd=collection, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

    containerfile = open(os.path.join(context, 'Containerfile'), encoding='utf-8').read()
    assert 'ansible-galaxy collection install' in containerfile
    assert 'introspect' in containerfile
    # The tarball named in the definition is the one `make build` writes for the version in galaxy.yml.
    assert os.path.isfile(os.path.join(context, '_build', 'edgegrid-access', tarball))
    with open(os.path.join(context, '_build', 'requirements.yml'), encoding='utf-8') as handle:
        requirements = yaml.safe_load(handle)
    assert requirements['collections'][0]['type'] == 'file'

    # The collection inside the tarball declares its Python needs for ansible-builder's introspection.
    unpacked = tmp_path / 'unpacked'
    unpacked.mkdir()
    shutil.unpack_archive(os.path.join(collection, '.build', tarball), str(unpacked))
    with open(unpacked / 'meta' / 'execution-environment.yml', encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    requirements_txt = (unpacked / meta['dependencies']['python']).read_text(encoding='utf-8')
    assert 'edgegrid-python' in requirements_txt


def test_definition_is_complete():
    with open(os.path.join(REPO, 'execution-environment.yml'), encoding='utf-8') as handle:
        definition = yaml.safe_load(handle)
    assert definition['version'] == 3
    assert definition['images']['base_image']['name']
    deps = definition['dependencies']
    assert deps['python_interpreter']['python_path']
    assert deps['ansible_core']['package_pip'].startswith('ansible-core')
    assert deps['ansible_runner']['package_pip'].startswith('ansible-runner')
    assert deps['galaxy']['collections']
