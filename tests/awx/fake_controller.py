# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small stand-in for the AWX / Automation Platform controller REST API: credentials and their inputs.

What the credential_rotation role relies on, as AWX's API v2 does it:
- ``GET <prefix>v2/ping/`` answers without a login; everything else needs one (``Authorization: Bearer <token>``
  or HTTP basic auth), else 401.
- ``GET <prefix>v2/credentials/?name=<name>`` lists the credentials of that exact name (``count``, ``results``);
  ``GET <prefix>v2/credentials/<id>/`` reads one (404 when there is none).
- Secret inputs (the fields the credential type marks ``secret: true``) are answered as ``$encrypted$``.
- ``PATCH <prefix>v2/credentials/<id>/`` with ``{"inputs": {...}}`` replaces the inputs as a whole; a secret input
  sent as ``$encrypted$`` keeps its stored value; an unknown input or a missing required one is a 400.
- The prefix is ``/api/`` (AWX) or ``/api/controller/`` (Automation Platform 2.5 and later, behind its gateway);
  the other one answers 404.

Faults, for the failure paths: ``patch_fault`` ``'refuse'`` (403, nothing stored), ``'lost'`` (stored, then a 504
as if the answer were lost on the way back); ``fail_reads_after_patch`` makes the reads after a PATCH answer 503.
"""

from __future__ import annotations

import base64
import json
import re

from werkzeug.wrappers import Response

ENCRYPTED = '$encrypted$'


class FakeController:
    """The controller's credentials, served by a pytest-httpserver instance."""

    def __init__(self, httpserver, credential_type, prefix='/api/', token=None, username=None, password=None):
        self.httpserver = httpserver
        self.prefix = prefix
        self.token = token
        self.username = username
        self.password = password
        self.fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
        self.required = list(credential_type['inputs'].get('required', []))
        self.credentials = {}
        self.requests = []
        self.patch_fault = None
        self.fail_reads_after_patch = False
        self._patched = False
        self._next_id = 7
        httpserver.expect_request(re.compile(r'^/.*')).respond_with_handler(self.handle)

    @property
    def host(self):
        """What CONTROLLER_HOST holds: the base URL, without the API path."""
        return self.httpserver.url_for('/').rstrip('/')

    def add_credential(self, name, inputs):
        """Store a credential (its inputs in clear, as the controller decrypts them for a job); its id."""
        cid = self._next_id
        self._next_id += 1
        self.credentials[cid] = {'id': cid, 'name': name, 'inputs': dict((k, v) for k, v in inputs.items() if v)}
        return cid

    def inputs(self, cid):
        """The stored inputs in clear: what the controller injects into a job."""
        return dict(self.credentials[cid]['inputs'])

    def writes(self):
        return [(method, path) for method, path in self.requests if method not in ('GET', 'HEAD', 'OPTIONS')]

    # -- the API ---------------------------------------------------------------------------------------------------

    def _masked(self, cred):
        inputs = dict((key, ENCRYPTED if self.fields.get(key, {}).get('secret') else value)
                      for key, value in cred['inputs'].items())
        return {'id': cred['id'], 'type': 'credential', 'url': '%sv2/credentials/%d/' % (self.prefix, cred['id']),
                'name': cred['name'], 'credential_type': 99, 'inputs': inputs}

    @staticmethod
    def _json(body, status=200):
        return Response(json.dumps(body), status=status, content_type='application/json')

    def _authorized(self, request):
        header = request.headers.get('Authorization', '')
        if self.token and header == 'Bearer %s' % self.token:
            return True
        if self.username and header.startswith('Basic '):
            try:
                user, dummy, password = base64.b64decode(header[6:]).decode('utf-8').partition(':')
            except ValueError:
                return False
            return (user, password) == (self.username, self.password)
        return False

    def handle(self, request):
        self.requests.append((request.method, request.path))
        base = self.prefix + 'v2/'
        if not request.path.startswith(base):
            return self._json({'detail': 'Not found.'}, 404)
        path = request.path[len(base):]
        if path == 'ping/' and request.method == 'GET':
            return self._json({'ha': False, 'version': '24.6.1', 'active_node': 'fake'})
        if not self._authorized(request):
            return self._json({'detail': 'Authentication credentials were not provided.'}, 401)
        if self.fail_reads_after_patch and self._patched and request.method == 'GET':
            return self._json({'detail': 'Service unavailable.'}, 503)
        if path == 'credentials/' and request.method == 'GET':
            found = [self._masked(cred) for cred in self.credentials.values()
                     if 'name' not in request.args or cred['name'] == request.args['name']]
            return self._json({'count': len(found), 'next': None, 'previous': None, 'results': found})
        match = re.match(r'^credentials/(\d+)/$', path)
        if not match:
            return self._json({'detail': 'Not found.'}, 404)
        cred = self.credentials.get(int(match.group(1)))
        if cred is None:
            return self._json({'detail': 'Not found.'}, 404)
        if request.method == 'GET':
            return self._json(self._masked(cred))
        if request.method != 'PATCH':
            return self._json({'detail': 'Method "%s" not allowed.' % request.method}, 405)
        return self._patch(cred, request)

    def _patch(self, cred, request):
        if self.patch_fault == 'refuse':
            return self._json({'detail': 'You do not have permission to perform this action.'}, 403)
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get('inputs'), dict):
            return self._json({'inputs': ['Expected a dictionary of items.']}, 400)
        new = {}
        for key, value in body['inputs'].items():
            if key not in self.fields:
                return self._json({'inputs': {key: ['Unknown field.']}}, 400)
            if value == ENCRYPTED:
                if key not in cred['inputs']:
                    return self._json({'inputs': {key: ['$encrypted$ sent for a field that holds no value.']}}, 400)
                value = cred['inputs'][key]
            if value:
                new[key] = value
        missing = [key for key in self.required if key not in new]
        if missing:
            return self._json({'inputs': dict((key, ['required for this credential type']) for key in missing)}, 400)
        cred['inputs'] = new
        self._patched = True
        if self.patch_fault == 'lost':
            return self._json({'detail': 'Gateway Time-out'}, 504)
        return self._json(self._masked(cred))
