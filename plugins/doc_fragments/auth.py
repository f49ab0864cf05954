# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The connection options shared by every module, and the attributes they share."""

    DOCUMENTATION = r'''
options:
  edgerc:
    description:
      - Path of the C(.edgerc) file to read the credentials from.
      - Used when O(host), O(client_token), O(client_secret) and O(access_token) are not given.
      - If not set, the value of the E(AKAMAI_EDGERC) environment variable is used, else C(~/.edgerc).
    type: path
  section:
    description:
      - The section of the O(edgerc) file to read, for example C(default), C(staging) or C(production).
      - If not set, the value of the E(AKAMAI_EDGERC_SECTION) environment variable is used, else C(default).
    type: str
  host:
    description:
      - The API host of the API client, for example C(akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net).
      - Written with or without C(https://) and a trailing slash. A host written with C(http://) is
        reached over plain HTTP (useful only for a local emulator).
      - Together with O(client_token), O(client_secret) and O(access_token), takes precedence over the
        O(edgerc) file; all four must then be given.
      - If not set, the value of the E(AKAMAI_HOST) environment variable is used.
    type: str
  client_token:
    description:
      - The client token of the API credential.
      - If not set, the value of the E(AKAMAI_CLIENT_TOKEN) environment variable is used.
    type: str
  client_secret:
    description:
      - The client secret of the API credential.
      - If not set, the value of the E(AKAMAI_CLIENT_SECRET) environment variable is used.
    type: str
  access_token:
    description:
      - The access token of the API client.
      - If not set, the value of the E(AKAMAI_ACCESS_TOKEN) environment variable is used.
    type: str
  account_switch_key:
    description:
      - Act on another account that the API client may manage.
      - Sent as the C(accountSwitchKey) query parameter of every request.
      - If not set, the value of the E(AKAMAI_ACCOUNT_KEY) environment variable is used, else C(account_key)
        in the O(edgerc) section.
    type: str
  request_timeout:
    description:
      - Seconds to wait for the API to answer one request.
    type: float
    default: 30
  max_retries:
    description:
      - How many times a request is retried after the first attempt.
      - Reads are retried on connection errors, timeouts, HTTP 429 and 5xx (except 501); writes only on
        HTTP 429, where the API cannot have acted.
      - Each retry is signed anew. Retry n (1, 2, ...) waits until the time the API's rate-limit headers name
        (C(Akamai-RateLimit-Next), else C(X-RateLimit-Next), else C(Retry-After)), then a random backoff
        beyond it of between half and all of min(30, 2^(n-1)) seconds (0.5 to 1 s, 1 to 2 s, 2 to 4 s...). A
        rate-limit time already reached, or a C(Retry-After) of 0, never makes the retries immediate.
    type: int
    default: 3
  retry_max_wait:
    description:
      - The most seconds one request may spend waiting between its attempts, in all. A retry whose wait would
        pass it is not made, and the task fails saying so; a rate-limit time further ahead fails the task at once.
      - One request thus waits at most min(O(retry_max_wait), H + B) seconds, where H is what the rate-limit
        headers ask in all and B the backoffs, at most the sum of min(30, 2^(n-1)) for n = 1 to O(max_retries).
        With the defaults, at most 60 s, and at most 1 + 2 + 4 = 7 s when no header asks for more.
      - A task that sends several requests may wait that long for each.
    type: float
    default: 60
notes:
  - Every request is signed with EdgeGrid (edgegrid-python). See
    U(https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials) for creating credentials.
  - Set the connection options once for many tasks with C(module_defaults) and the action group
    C(group/edgegrid.access.akamai).
requirements:
  - edgegrid-python >= 2.0.9
  - requests
'''
