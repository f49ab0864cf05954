# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """OAuth 2.0 client-credentials options, for APIs that use bearer tokens instead of EdgeGrid."""

    DOCUMENTATION = r'''
options:
  auth_type:
    description:
      - How requests are authenticated.
      - V(edgegrid) signs every request with the EdgeGrid options (O(edgerc), O(section), O(host)...).
      - V(oauth2) sends a bearer token obtained with the OAuth 2.0 client-credentials grant
        (RFC 6749 section 4.4) from O(oauth2); the EdgeGrid options are then not used.
    type: str
    choices: [edgegrid, oauth2]
    default: edgegrid
  oauth2:
    description:
      - The OAuth 2.0 client, with O(auth_type=oauth2).
      - The token is fetched once per task, reused until shortly before it expires (C(expires_in)),
        fetched again once after a 401, and never shown in output or errors.
    type: dict
    suboptions:
      token_url:
        description:
          - The token endpoint, for example C(https://id.edgio.app/connect/token).
          - If not set, the value of the E(OAUTH2_TOKEN_URL) environment variable is used.
        type: str
      client_id:
        description:
          - The id of the API client.
          - If not set, the value of the E(OAUTH2_CLIENT_ID) environment variable is used.
        type: str
      client_secret:
        description:
          - The secret of the API client.
          - If not set, the value of the E(OAUTH2_CLIENT_SECRET) environment variable is used.
        type: str
      scopes:
        description:
          - The scopes to ask for, each C(Namespace.Service[.Type[:Modifier]]) with a modifier among
            C(create), C(edit), C(delete), C(read); a broad scope grants all scopes below it.
          - If not set, the value of the E(OAUTH2_SCOPES) environment variable (scopes separated by spaces) is used.
        type: list
        elements: str
      api_url:
        description:
          - The base URL of the API that O(path) is relative to, for example C(https://edgioapis.com).
          - If not set, the value of the E(OAUTH2_API_URL) environment variable is used.
        type: str
'''
