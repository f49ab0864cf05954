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
    type: str
    required: true
  query:
    description:
      - Query parameters. A list value repeats the parameter. Booleans are sent as C(true) / C(false).
      - The account switch key is added on its own; do not set C(accountSwitchKey) here.
    type: dict
  body:
    description:
      - The request body, sent as JSON with the content type C(application/json).
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
      - By default the values of fields that hold secrets in Akamai's APIs (C(clientSecret), C(client_secret),
        C(accessToken), C(access_token), C(secret), C(keyValue)) are replaced with C(********) in RV(json) and
        RV(all_items), and the credentials that sign the request are masked anywhere in the answer.
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
        description: The query parameter carrying the page number.
        type: str
        default: page
      size_param:
        description: The query parameter carrying the page size.
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

from ansible_collections.edgegrid.access.plugins.module_utils import _client
from ansible_collections.edgegrid.access.plugins.module_utils._module import (
    OAUTH2_ARGUMENT_SPEC, EdgeGridModule, mask_secrets)

WRITE_METHODS = ('POST', 'PUT', 'PATCH', 'DELETE')
# Fields that hold secrets in Akamai's APIs: masked in what the module returns unless return_secrets.
SECRET_FIELDS = ('clientSecret', 'client_secret', 'accessToken', 'access_token', 'secret', 'keyValue')


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
    params = module.params
    method = params['method']
    path = params['path']
    if not path.startswith('/'):
        module.fail_json(msg='path must start with "/", got %r' % path)
    query = _query(params['query'])
    if 'accountSwitchKey' in query:
        module.fail_json(msg='query must not set accountSwitchKey; use the account_switch_key option')
    headers = dict((str(k), str(v)) for k, v in (params['headers'] or {}).items())
    if any(k.lower() == 'authorization' for k in headers):
        module.fail_json(msg='headers must not set Authorization: the module authenticates every request')
    paginate = params['paginate']
    if paginate:
        if method != 'GET':
            module.fail_json(msg='paginate works only with method GET, got %s' % method)
        if paginate['page_size'] < 1 or paginate['max_pages'] < 1:
            module.fail_json(msg='paginate.page_size and paginate.max_pages must be at least 1')
    if params['body'] is not None and method in ('GET', 'HEAD'):
        module.fail_json(msg='body cannot be sent with method %s' % method)

    is_write = method in WRITE_METHODS
    if is_write and module.check_mode:
        module.exit_json(changed=True, msg='check mode: %s %s not sent' % (method, path))

    client = module.oauth2_client(params['oauth2']) if params['auth_type'] == 'oauth2' else module.client
    result = dict(changed=False)
    try:
        if paginate:
            result['all_items'] = client.paginate(
                path, paginate['items'], params=query, page_param=paginate['page_param'],
                size_param=paginate['size_param'], page_size=paginate['page_size'],
                first_page=paginate['first_page'], max_pages=paginate['max_pages'])
        else:
            response = client.request(method, path, params=query, json_body=params['body'], headers=headers,
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
            if response.status not in params['status_code']:
                module.fail_json(msg='%s %s answered HTTP %s, not one of status_code %s'
                                 % (method, path, response.status, params['status_code']),
                                 **_masked_result(result, params, client))
            result['changed'] = is_write
    except _client.EdgeGridError as exc:
        module.fail_from(exc)
    module.exit_json(**_masked_result(result, params, client))


def _masked_result(result, params, client):
    if not params['return_secrets']:
        for key in ('json', 'all_items', 'content'):
            if key in result:
                result[key] = _masked(result[key], client.redact)
    return result


def _masked(value, redact):
    """The answer with secret fields masked and the signing credentials masked anywhere."""
    value = mask_secrets(value, SECRET_FIELDS)
    if isinstance(value, dict):
        return dict((k, _masked(v, redact)) for k, v in value.items())
    if isinstance(value, list):
        return [_masked(v, redact) for v in value]
    return redact(value) if isinstance(value, str) else value


if __name__ == '__main__':
    main()
