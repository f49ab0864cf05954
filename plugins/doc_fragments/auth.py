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
      - Path of the C(.edgerc) file to read the credentials from, when neither the options nor the environment
        variables give them (see O(section)).
      - If not set or empty, the value of the E(AKAMAI_EDGERC) environment variable is used, else C(~/.edgerc).
      - The file is read as Akamai's own tools read it (comments, quotes, a UTF-8 byte order mark, CRLF line endings);
        a file they would refuse or read differently is refused before any request, naming the file, section, key and
        line. The forms are listed in C(docs/edgerc.md).
      - A file whose group or others may read or write it (mode C(0644), for example) is read with a warning that
        names it and its mode; it should be C(0600).
    type: path
  section:
    description:
      - The section of the O(edgerc) file to read, for example C(default), C(staging) or C(production).
      - If not set or empty, the value of the E(AKAMAI_EDGERC_SECTION) environment variable is used, else C(default).
      - 'The section also decides which environment variables hold credentials, as in Akamai''s own tools
        (edgegrid-golang, edgegrid-node). The first of these sources that has all four of C(host), C(client_token),
        C(client_secret) and C(access_token) is used, the four together:
        1. the options O(host), O(client_token), O(client_secret), O(access_token);
        2. E(AKAMAI_{SECTION}_HOST), E(AKAMAI_{SECTION}_CLIENT_TOKEN), E(AKAMAI_{SECTION}_CLIENT_SECRET),
        E(AKAMAI_{SECTION}_ACCESS_TOKEN), the section name upper-cased (C(papi-prod) gives E(AKAMAI_PAPI-PROD_HOST));
        3. for section C(default) only, E(AKAMAI_HOST), E(AKAMAI_CLIENT_TOKEN), E(AKAMAI_CLIENT_SECRET),
        E(AKAMAI_ACCESS_TOKEN);
        4. the section of the O(edgerc) file.'
      - Plain E(AKAMAI_HOST)... never apply to a section other than C(default).
      - Some but not all of the four (options or variables) is an error. The four options given as empty strings
        skip the environment variables.
      - When a source that was not used names another API client or account, the task warns, naming the source used
        and the ones left aside.
    type: str
  host:
    description:
      - The API host of the API client, for example C(akab-xxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxx.luna.akamaiapis.net).
      - Written with or without C(https://) and a trailing slash. A host written with C(http://) is
        reached over plain HTTP (useful only for a local emulator).
      - Together with O(client_token), O(client_secret) and O(access_token), takes precedence over the
        environment variables and the O(edgerc) file; all four must then be given.
      - Else the E(AKAMAI_{SECTION}_HOST) environment variable (E(AKAMAI_HOST) for section C(default)), with the
        other three of the same prefix; see O(section).
    type: str
  client_token:
    description:
      - The client token of the API credential (its C(client_token) in an C(.edgerc) section), masked in output.
      - Else E(AKAMAI_{SECTION}_CLIENT_TOKEN) (E(AKAMAI_CLIENT_TOKEN) for section C(default)); see O(section).
    type: str
  client_secret:
    description:
      - The client secret of the API credential, shown by Akamai only when the credential is created; never in
        output.
      - Else E(AKAMAI_{SECTION}_CLIENT_SECRET) (E(AKAMAI_CLIENT_SECRET) for section C(default)); see O(section).
    type: str
  access_token:
    description:
      - The access token of the API client.
      - Else E(AKAMAI_{SECTION}_ACCESS_TOKEN) (E(AKAMAI_ACCESS_TOKEN) for section C(default)); see O(section).
    type: str
  account_switch_key:
    description:
      - Act on another account that the API client may manage.
      - Sent as the C(accountSwitchKey) query parameter of every request.
      - If not set, the E(AKAMAI_{SECTION}_ACCOUNT_KEY) environment variable (E(AKAMAI_ACCOUNT_KEY) for section
        C(default)); else, when the credentials come from the O(edgerc) file, C(account_key) in its section.
      - Given as an empty string, the environment variable is not read (the C(account_key) of the O(edgerc) section
        still applies).
      - A value of white space only fails (it is almost always a variable that came out blank; read as no key, the
        requests would act on another account than the one meant); so does such an environment variable when it
        would be read.
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
  - Every request is signed with EdgeGrid (edgegrid-python), over the first 131072 bytes of a POST body as Akamai
    checks them; a C(max_body) in the O(edgerc) section is not used (a warning says so). See
    U(https://techdocs.akamai.com/developer/docs/set-up-authentication-credentials) for creating credentials.
  - Set the connection options once for many tasks with C(module_defaults) and the action group
    C(group/edgegrid.access.akamai).
requirements:
  - edgegrid-python >= 2.0.9
  - requests
'''
