# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The floor: the GETs a hand-written edgegrid-python script needs to tell that one environment's estate is converged.

One Python process, one requests session signed by edgegrid-python, one request after the other, reads only. It
checks the estate of bench/latency.py (written as JSON by it) against one `.edgerc` section and exits 0 when every
declared object is as declared, 1 (printing what differs, never a value) when not.

    python bench/floor.py ESTATE.json EDGERC SECTION

GETs, for the estate of bench/latency.py (5 collections with a quota, 1,000 keys, 5 counters, 10 EdgeKV tokens,
2 credentials): 19, each needed:
  1  GET /apikey-manager-api/v2/collections                 every collection (name, id, contract, group)
  5  GET .../collections/{id}/quota-config                  the quota of each (not in the listing); no ACL is
                                                            declared, so no ACL is read
  1  GET .../keys?collectionId=..&page=1&pageSize=1000      the 1,000 keys (more pages only until totalItems)
  1  GET .../counters                                       every counter, with its settings
 10  GET /edgekv/v1/tokens/{name}                           each token's permissions (the listing has none)
  1  GET /identity-management/v3/api-clients/self/credentials   the described credentials, and the age of the
                                                            one the section signs with (the rotation's test)
Wire names: plugins/module_utils/_apikeys_v2.py, _edgekv.py, _iam.py (from Akamai's API documents).
"""

from __future__ import annotations

import configparser
import datetime
import json
import sys

import requests
from akamai.edgegrid import EdgeGridAuth

KEYS = '/apikey-manager-api/v2'
PAGE_SIZE = 1000


def session_of(edgerc, section):
    """(base URL, requests.Session signing with the section, adding accountSwitchKey when it has account_key)."""
    parser = configparser.RawConfigParser()
    parser.read(edgerc)
    values = dict(parser.items(section))
    host = values['host']
    base = host if host.startswith(('http://', 'https://')) else 'https://' + host
    session = requests.Session()
    session.auth = EdgeGridAuth(client_token=values['client_token'], client_secret=values['client_secret'],
                                access_token=values['access_token'])
    if values.get('account_key'):
        session.params = {'accountSwitchKey': values['account_key']}
    return base.rstrip('/'), session, values['client_token']


def check(estate, edgerc, section):
    """The differences between the estate and what the API holds (empty when converged), and the GETs sent."""
    base, session, client_token = session_of(edgerc, section)
    sent = []

    def get(path, **params):
        sent.append(path)
        resp = session.get(base + path, params=params or None, timeout=60)
        if resp.status_code == 404:
            return None
        resp.raise_for_status()
        return resp.json()

    diffs = []
    listed = {c['collectionName']: c for c in get(KEYS + '/collections')['collections']}
    for coll in estate['collections']:
        have = listed.get(coll['name'])
        if have is None:
            diffs.append('collection %s: missing' % coll['name'])
            continue
        quota = get(KEYS + '/collections/%d/quota-config' % have['collectionId'])
        want = coll['quota']
        if (quota.get('isEnabled'), quota.get('requestLimit'), quota.get('resetInterval')) != (
                want['enabled'], want['limit'], want['interval']):
            diffs.append('collection %s: quota' % coll['name'])
        if coll.get('keys'):
            keys, page, total = [], 1, None
            while True:
                body = get(KEYS + '/keys', collectionId=have['collectionId'], page=page, pageSize=PAGE_SIZE)
                keys.extend(body['keys'])
                total = body.get('totalItems', total)
                if not body['keys'] or (total is not None and len(keys) >= total):
                    break
                page += 1
            have_keys = {(k.get('label'), k.get('keyValue')) for k in keys
                         if k.get('keyStatus') not in ('REVOKED', 'PENDING_REVOCATION')}
            missing = [k for k in coll['keys'] if (k['label'], k['value']) not in have_keys]
            if missing:
                diffs.append('collection %s: %d keys missing' % (coll['name'], len(missing)))
    counters = {c['throttlingCounterName']: c for c in get(KEYS + '/counters')['throttlingCounters']}
    for counter in estate['counters']:
        have = counters.get(counter['name'])
        if have is None or (have.get('throttlingLimit'), have.get('throttlingLimitExceededAction')) != (
                counter['limit'], counter['on_over_limit']):
            diffs.append('counter %s' % counter['name'])
    for token in estate['tokens']:
        have = get('/edgekv/v1/tokens/%s' % token['name'])
        if have is None or have.get('namespacePermissions') != token['namespace_permissions'] or \
                have.get('allowOnStaging') != token['allow_on_staging']:
            diffs.append('token %s' % token['name'])
    creds = get('/identity-management/v3/api-clients/self/credentials')
    now = datetime.datetime.now(datetime.timezone.utc)

    def usable(cred):
        expires = datetime.datetime.fromisoformat(cred['expiresOn'].replace('Z', '+00:00'))
        return cred['status'] == 'ACTIVE' and expires > now, expires

    for description in estate['credentials']:
        if not any(usable(c)[0] for c in creds if c.get('description') == description):
            diffs.append('credential %s' % description)
    mine = [c for c in creds if c.get('clientToken') == client_token]
    if not mine or usable(mine[0])[1] - now < datetime.timedelta(days=estate['rotation_min_remaining_days']):
        diffs.append('the credential of section %s is due for rotation' % section)
    return diffs, sent


def main(argv=None):
    """Check one environment; print the GETs sent and the differences."""
    args = sys.argv[1:] if argv is None else argv
    with open(args[0], encoding='utf-8') as handle:
        estate = json.load(handle)
    diffs, sent = check(estate, args[1], args[2])
    print(json.dumps({'gets': len(sent), 'differences': diffs}))
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main())
