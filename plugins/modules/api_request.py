#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: api_request
short_description: Send one signed request to any Akamai API
version_added: 0.1.0
description:
  - Sends one request to an Akamai API path, signed with EdgeGrid, with the collection's retries, timeouts,
    account switch key and error handling.
  - With O(auth_type=oauth2), sends it instead to an API that takes OAuth 2.0 client-credentials bearer
    tokens (such as Edgio's REST API), with the same retries and error handling.
  - The escape hatch for what no other module of the collection covers yet.
  - Reads (V(GET), V(HEAD)) report C(changed=false). Writes report C(changed=true) when they succeed; use
    C(changed_when) on the task when a write is known to change nothing.
  - In check mode reads are sent and writes are not; a write is reported as C(changed=true) without being sent.
author:
  - edgegrid.access maintainers (@edgegrid-access)
options:
  method:
    description:
      - The HTTP method.
    type: str
    choices: [GET, HEAD, POST, PUT, PATCH, DELETE]
    default: GET
  path:
    description:
      - The API path, starting with C(/), for example C(/identity-management/v3/api-clients/self/credentials).
      - May carry a query string; O(query) is added to it.
      - A path holding a control character (such as a line break) is refused before anything is sent; so is a
        header of O(headers) whose name or value holds one.
    type: str
    required: true
  query:
    description:
      - Query parameters. A list value repeats the parameter. Booleans are sent as C(true) / C(false).
      - The account switch key is added on its own; do not set C(accountSwitchKey) here.
    type: dict
  body:
    description:
      - The request body. A dict, a list, a number or a boolean is sent as JSON with the content type
        C(application/json).
      - A string is sent as it is. Without a C(Content-Type) in O(headers) it must be a JSON text (for example
        V("{{ lookup('template', 'body.json.j2') }}")), which is sent with the content type C(application/json);
        a string that is not JSON is refused before anything is sent (on ansible-core 2.19 and later a templated
        string stays a string, not turned into a dict). With a C(Content-Type) in O(headers) (for example
        C(text/csv) for an import of keys), the string is sent as it is with that type.
    type: raw
  headers:
    description:
      - Extra request headers. C(Authorization) cannot be set, since the module authenticates every request.
    type: dict
  status_code:
    description:
      - The HTTP statuses that count as success. Any other status fails the task with the API's problem
        details.
      - A status outside 2xx listed here (for example V(404)) returns its body instead of failing.
    type: list
    elements: int
    default: [200, 201, 202, 204]
  return_secrets:
    description:
      - Return secret-bearing fields of the answer as they are.
      - By default what carries a secret is replaced with C(********) in RV(json), RV(all_items) and RV(content),
        by the path (as the server resolves it, with percent-escapes decoded and C(.), C(..) and empty segments
        resolved) and the content type of the answer. For the APIs the collection speaks, the members each API
        documents as secret (IAM C(clientSecret), C(accessToken) and passwords; EdgeKV token C(value); API Keys v1
        key C(value) in the key paths; API Keys v2 C(keyValue); an OAuth 2.0 API client's secret C(value) and the
        token endpoint's C(access_token)) are masked in JSON, in the columns of a CSV answer (a key export) and in
        the elements of an XML answer; other text of such a path is masked whole. For a path the collection does
        not know, every member, column or element whose name looks like a secret (secret, password, token,
        credential, private, key, value, content...) is masked. C(clientSecret), C(client_secret),
        C(accessToken), C(access_token), C(secret) and C(keyValue) are masked in every answer.
      - The credentials that sign the request are masked anywhere in the answer, and so are the secrets of the
        request body (for example the C(keyValues) of a create) in errors and in the module arguments returned.
      - With V(true), set C(no_log) on the task, or the secrets reach the output and logs.
    type: bool
    default: false
  paginate:
    description:
      - Follow the pages of a list (only with O(method=GET)) and return all items in RV(all_items).
      - Pages are requested with a page number and a page size until a page is empty or shorter than the
        page size; a page that repeats the one before it, or more than O(paginate.max_pages) pages, fails.
    type: dict
    suboptions:
      items:
        description:
          - Where the list is in each page's JSON body, as dot-separated keys (for example V(keys)).
          - Leave empty when the body itself is the list.
        type: str
        default: ''
      page_param:
        description:
          - The query parameter carrying the page number.
          - An empty name (or only white space), the name of O(paginate.size_param), or a name O(query) sets fails
            before any request.
        type: str
        default: page
      size_param:
        description:
          - The query parameter carrying the page size.
          - Empty (V("")) for an API that takes no page size - none is sent, and only an empty page ends the list. Only
            white space, or a name O(query) sets, fails before any request.
        type: str
        default: pageSize
      page_size:
        description: Items asked for per page.
        type: int
        default: 100
      first_page:
        description: The number of the first page.
        type: int
        default: 1
      max_pages:
        description: The most pages followed before failing.
        type: int
        default: 100
extends_documentation_fragment:
  - edgegrid.access.auth
  - edgegrid.access.oauth2
  - edgegrid.access.attributes
attributes:
  check_mode:
    support: full
    details: Reads are sent in check mode; writes are not sent and are reported as changed.
  diff_mode:
    support: none
seealso:
  - name: Akamai API reference
    description: Paths, bodies and problem types of every Akamai API.
    link: https://techdocs.akamai.com/home/page/reference
'''

EXAMPLES = r'''
- name: List the credentials of the API client that signs the request
  edgegrid.access.api_request:
    path: /identity-management/v3/api-clients/self/credentials
    section: production
  register: creds

- name: Create an EdgeKV token, credentials from the AKAMAI_* environment variables
  edgegrid.access.api_request:
    method: POST
    path: /edgekv/v1/tokens
    body:
      name: my_token
      allowOnStaging: true
      allowOnProduction: false
      namespacePermissions:
        default: [r]

- name: Read every key of an API key collection, page by page
  edgegrid.access.api_request:
    path: /apikey-manager-api/v2/keys
    query:
      collectionId: 12345
    paginate:
      items: keys
      page_size: 500
  register: all_keys  # all_keys.all_items holds every key

- name: Create a credential and keep its secret, which the API returns only this once
  edgegrid.access.api_request:
    method: POST
    path: /identity-management/v3/api-clients/self/credentials
    return_secrets: true
  register: new_credential
  no_log: true

- name: Tolerate a missing object instead of failing
  edgegrid.access.api_request:
    path: /edgekv/v1/tokens/maybe_there
    status_code: [200, 404]
  register: token

- name: The same auth options for many tasks, through the action group
  module_defaults:
    group/edgegrid.access.akamai:
      edgerc: ~/.edgerc
      section: staging
      account_switch_key: 1-ABCDE:1-2FGHI
  block:
    - name: Read one API client
      edgegrid.access.api_request:
        path: /identity-management/v3/api-clients/self
'''

RETURN = r'''
status:
  description: The HTTP status of the answer.
  returned: when a request was sent and O(paginate) is not set
  type: int
  sample: 200
json:
  description: The parsed JSON body of the answer.
  returned: when the answer has a JSON body and O(paginate) is not set
  type: raw
  sample: {"credentials": []}
content:
  description: The body of the answer as text, when it is not JSON.
  returned: when the answer has a body that is not JSON
  type: str
all_items:
  description: Every item of every page, with O(paginate).
  returned: when O(paginate) is set
  type: list
  elements: raw
headers:
  description:
    - The response headers that matter to a caller, with lower-case names (content type, location, etag,
      rate-limit headers, request ids).
  returned: when a request was sent and O(paginate) is not set
  type: dict
  sample: {"content-type": "application/json"}
url:
  description: The URL requested, with its query string.
  returned: when a request was sent and O(paginate) is not set
  type: str
attempts:
  description: How many attempts the request took (more than 1 after retries).
  returned: when a request was sent and O(paginate) is not set
  type: int
  sample: 1
error:
  description: Akamai's problem details when the request failed with an error status.
  returned: on failure with an HTTP error status
  type: dict
  contains:
    status:
      description: The HTTP status.
      type: int
    type:
      description: The problem type URI.
      type: str
    title:
      description: The problem title.
      type: str
    detail:
      description: The problem detail.
      type: str
    instance:
      description: The problem instance.
      type: str
    request_id:
      description: The request id to quote to Akamai support.
      type: str
    errors:
      description: Nested problems, for example one per invalid field.
      type: list
      elements: dict
'''

import json
import re

from ansible_collections.edgegrid.access.plugins.module_utils import _masking
from ansible_collections.edgegrid.access.plugins.module_utils._module import (EdgeGridError, EdgeGridModule, InputError,
                                                                              compact_arguments)
from ansible_collections.edgegrid.access.plugins.module_utils._oauth2 import OAUTH2_ARGUMENT_SPEC

WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')


# Control characters (C0, DEL, C1): a line break in a path or header would split the request.
_CONTROL = re.compile('[\x00-\x1f\x7f-\x9f]')


def _query(values):
    query = {}
    for key, value in (values or {}).items():
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        elif isinstance(value, (list, tuple)):
            value = [('true' if v else 'false') if isinstance(v, bool) else v for v in value]
        query[key] = value
    return query


def main():
    module = EdgeGridModule(
        argument_spec=dict(
            method=dict(type='str', default='GET', choices=['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
            path=dict(type='str', required=True),
            query=dict(type='dict'),
            body=dict(type='raw'),
            headers=dict(type='dict'),
            status_code=dict(type='list', elements='int', default=[200, 201, 202, 204]),
            return_secrets=dict(type='bool', default=False, no_log=False),
            paginate=dict(type='dict', options=dict(
                items=dict(type='str', default=''),
                page_param=dict(type='str', default='page'),
                size_param=dict(type='str', default='pageSize'),
                page_size=dict(type='int', default=100),
                first_page=dict(type='int', default=1),
                max_pages=dict(type='int', default=100),
            )),
            **OAUTH2_ARGUMENT_SPEC
        ),
    )
    module.execute(run, module)


def run(module):
    """The request of the task: its input checked (InputError) before anything is sent, then sent once."""
    params = module.params
    method = params['method']
    path = params['path']
    if not path.startswith('/'):
        raise InputError('path must start with "/", got %r' % path)
    if _CONTROL.search(path):
        raise InputError('path must not hold control characters (such as a line break), got %r' % path)
    query = _query(params['query'])
    if 'accountSwitchKey' in query:
        raise InputError('query must not set accountSwitchKey; use the account_switch_key option')
    headers = dict((str(k), str(v)) for k, v in (params['headers'] or {}).items())
    for name, value in headers.items():
        if _CONTROL.search(name) or _CONTROL.search(value) or not name.strip():
            raise InputError('headers: the header %r must have a name and no control characters (such as a line '
                             'break) in its name or value' % name)
    if any(k.lower() == 'authorization' for k in headers):
        raise InputError('headers must not set Authorization: the module authenticates every request')
    paginate = params['paginate']
    if paginate:
        if method != 'GET':
            raise InputError('paginate works only with method GET, got %s' % method)
        if paginate['page_size'] < 1 or paginate['max_pages'] < 1:
            raise InputError('paginate.page_size and paginate.max_pages must be at least 1')
        for name, empty_ok in (('page_param', False), ('size_param', True)):
            value = paginate[name]
            if (value == '' and not empty_ok) or (value and not value.strip()):
                raise InputError('paginate.%s %r names no query parameter: give its name (default %s)%s; nothing was '
                                 'sent' % (name, value, 'page' if name == 'page_param' else 'pageSize',
                                           ', or "" for none' if empty_ok else ''))
            if value in query:
                raise InputError('query sets %r, which paginate sends on every page (paginate.%s); leave it out of '
                                 'query; nothing was sent' % (value, name))
        if paginate['page_param'] == paginate['size_param']:
            raise InputError('paginate.page_param and paginate.size_param are both %r: the page number and the page '
                             'size need two query parameters; nothing was sent' % paginate['page_param'])
    if params['body'] is not None and method in ('GET', 'HEAD'):
        raise InputError('body cannot be sent with method %s' % method)
    kind = _masking.OAUTH2 if params['auth_type'] == 'oauth2' else _masking.EDGEGRID
    content_type = next((v for k, v in headers.items() if k.lower() == 'content-type'), None)
    body, data, parsed = _body(module, params['body'], content_type, headers)
    rule = _masking.policy(path, kind)
    if not params['return_secrets']:
        # The module arguments shown in the result (at -v and in logs): the body with its secrets masked.
        shown = dict(params)
        if params['body'] is not None:
            shown['body'] = _masking.mask_body(params['body'], path, kind, content_type)
        module.invocation = dict(module_args=compact_arguments(shown))

    is_write = method in WRITE_METHODS
    if is_write and module.check_mode:
        module.exit_json(changed=True, msg='check mode: %s %s not sent' % (method, path))

    client = module.oauth2_client(params['oauth2']) if params['auth_type'] == 'oauth2' else module.client
    # A secret of the request (a key value to create) is masked wherever the API echoes it (an error detail).
    for value in _masking.secret_values(parsed, rule):
        client.add_secret(value)
    result = dict(changed=False)

    if paginate:
        result['all_items'] = client.paginate(
            path, paginate['items'], params=query, page_param=paginate['page_param'],
            size_param=paginate['size_param'], page_size=paginate['page_size'],
            first_page=paginate['first_page'], max_pages=paginate['max_pages'])
    else:
        response = client.request(method, path, params=query, json_body=body, data=data, headers=headers,
                                  expected=params['status_code'])
        result.update(
            status=response.status,
            headers=response.interesting_headers(),
            url=response.url,
            attempts=response.attempts,
        )
        if response.body is not None:
            result['json'] = response.body
        elif response.text:
            result['content'] = response.text
            result['content_type'] = response.headers.get('content-type', '')
        if response.status not in params['status_code']:
            raise EdgeGridError('%s %s answered HTTP %s, not one of status_code %s'
                                % (method, path, response.status, params['status_code']),
                                result=_masked_result(result, params, client))
        result['changed'] = is_write

    module.exit_json(**_masked_result(result, params, client))


def _body(module, body, content_type, headers):
    """(json_body, data, parsed) to send: a string is sent as it is, and must be JSON unless headers give its type."""
    if not isinstance(body, str):
        return body, None, body
    is_json = content_type is None or 'json' in content_type.lower()
    try:
        parsed = json.loads(body)
    except ValueError as exc:
        if is_json:
            raise InputError('body is a string that is not JSON (%s at line %d, column %d); nothing was sent. Give '
                             'the body as a dict or list, or as a JSON text (for example the output of a '
                             'template), or set headers Content-Type for a body in another format'
                             % (exc.msg, exc.lineno, exc.colno)) from None
        parsed = None
    if content_type is None:
        headers['Content-Type'] = 'application/json'
    return None, body.encode('utf-8'), parsed


def _masked_result(result, params, client):
    """The result with the answer's secrets masked by path and content type (unless return_secrets)."""
    content_type = result.pop('content_type', '')
    if params['return_secrets']:
        return result
    rule = _masking.policy(params['path'], _masking.OAUTH2 if params['auth_type'] == 'oauth2' else _masking.EDGEGRID)
    for key in ('json', 'all_items'):
        if key in result:
            result[key] = client.redact.tree(_masking.mask_json(result[key], rule))
    if 'content' in result:
        result['content'] = client.redact(_masking.mask_text(result['content'], content_type, rule))
    return result


if __name__ == '__main__':
    main()
