# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""OAuth 2.0 client credentials (RFC 6749 section 4.4) beside EdgeGrid, for APIs such as Edgio's.

This file is private to the collection (note the leading underscore): it may change without notice.
A bearer token is fetched from the token endpoint on first use, reused until shortly before it expires,
fetched again once after a 401, and never shown: every error text masks it and the client secret.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.edgegrid.access.plugins.module_utils import _client

try:
    from requests.auth import AuthBase
except ImportError:  # pragma: no cover - reported by the module base through missing_required_lib
    AuthBase = object

SCOPE_RE = re.compile(r'^[A-Za-z][A-Za-z0-9_-]*\.[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z][A-Za-z0-9_-]*)?(:[a-z]+)?$')
SCOPE_MODIFIERS = ('create', 'edit', 'delete', 'read')

# The options of OAuth 2.0 client credentials (api_request only, beside the EdgeGrid options of
# _module.AUTH_ARGUMENT_SPEC); documented once in doc_fragments/oauth2.py; validated by resolve_config.
OAUTH2_ARGUMENT_SPEC = dict(
    auth_type=dict(type='str', default='edgegrid', choices=['edgegrid', 'oauth2']),
    oauth2=dict(type='dict', apply_defaults=True, options=dict(
        token_url=dict(type='str', no_log=False, fallback=(env_fallback, ['OAUTH2_TOKEN_URL'])),
        client_id=dict(type='str', fallback=(env_fallback, ['OAUTH2_CLIENT_ID'])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['OAUTH2_CLIENT_SECRET'])),
        scopes=dict(type='list', elements='str', fallback=(env_fallback, ['OAUTH2_SCOPES'])),
        api_url=dict(type='str', fallback=(env_fallback, ['OAUTH2_API_URL'])),
    )),
)

# What carries a secret in the answers of an OAuth 2.0 API (see _iam.SECRET_MEMBERS for the shape). The API's base
# URL is the user's (api_url), so the regexes match the end of the path. Seed 004 (Edgio's REST API): an API
# client's secrets are shown under "Value" and returned when created (`value` of a secret, also inside `secrets`
# of a client created with its first secret); the token endpoint answers access_token (RFC 6749 section 5.1,
# refresh_token and id_token beside it) and takes client_secret.
SECRET_MEMBERS = (
    (r'/clients(/[^/]+(/secrets(/[^/]+)?)?)?/?$', ('value', 'secret')),
    (r'/token/?$', ('access_token', 'refresh_token', 'id_token', 'client_secret')),
)


class OAuth2Config:
    """Resolved OAuth 2.0 settings. `repr` never shows the secret."""

    def __init__(self, token_url, client_id, client_secret, scopes, api_url):
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.api_url = api_url

    def __repr__(self):
        return 'OAuth2Config(token_url=%r, client_id=%r, scopes=%r, api_url=%r)' % (
            self.token_url, self.client_id, self.scopes, self.api_url)


def _url(value, option):
    parts = urlsplit(value or '')
    if parts.scheme not in ('https', 'http') or not parts.netloc or parts.username or parts.password:
        raise _client.ConfigError('%s must be an http(s) URL without credentials in it, got %r' % (option, value))
    return parts


def split_scopes(scopes):
    """Scopes as a list: a list as given, or one string separated by spaces or '+' (as the seed allows)."""
    if isinstance(scopes, str):
        scopes = [scopes]
    result = []
    for item in scopes or []:
        result.extend(part for part in re.split(r'[ +]+', str(item).strip()) if part)
    return result


def resolve_config(options):
    """Validate the OAuth 2.0 options (environment fallbacks already applied)."""
    missing = [name for name in ('token_url', 'client_id', 'client_secret', 'api_url') if not options.get(name)]
    if missing:
        raise _client.ConfigError('auth_type=oauth2 needs %s (or their OAUTH2_* environment variables)'
                                  % ', '.join(missing))
    _url(options['token_url'], 'token_url')
    api = _url(options['api_url'], 'api_url')
    if api.query or api.fragment:
        raise _client.ConfigError('api_url must be a base URL without a query, got %r' % options['api_url'])
    scopes = split_scopes(options.get('scopes'))
    if not scopes:
        raise _client.ConfigError('auth_type=oauth2 needs at least one scope in scopes (or OAUTH2_SCOPES)')
    for scope in scopes:
        match = SCOPE_RE.match(scope)
        if not match or (match.group(2) and match.group(2)[1:] not in SCOPE_MODIFIERS):
            raise _client.ConfigError('scope %r is not of the form Namespace.Service[.Type[:Modifier]] with a '
                                      'modifier among %s' % (scope, ', '.join(SCOPE_MODIFIERS)))
    return OAuth2Config(
        token_url=options['token_url'],
        client_id=options['client_id'],
        client_secret=options['client_secret'],
        scopes=scopes,
        api_url=options['api_url'].rstrip('/'),
    )


class BearerAuth(AuthBase):
    """A requests auth handler that puts a client-credentials bearer token on every request."""

    def __init__(self, config, token_client, clock=time.time, on_token=None):
        self.config = config
        self.token_client = token_client
        self.clock = clock
        self.on_token = on_token
        self._token = None
        self._renew_at = 0.0
        self.token_requests = 0

    def __call__(self, request):
        request.headers['Authorization'] = 'Bearer ' + self.token()
        return request

    def token(self):
        if self._token is None or self.clock() >= self._renew_at:
            self._fetch()
        return self._token

    def refresh(self):
        """Forget the token: the next request fetches a new one."""
        self._token = None

    def _fetch(self):
        parts = urlsplit(self.config.token_url)
        path = parts.path or '/'
        if parts.query:
            path += '?' + parts.query
        self.token_requests += 1
        try:
            response = self.token_client.request('POST', path, data={
                'client_id': self.config.client_id,
                'client_secret': self.config.client_secret,
                'grant_type': 'client_credentials',
                'scope': ' '.join(self.config.scopes),
            }, headers={'Content-Type': 'application/x-www-form-urlencoded'})
        except _client.ApiError as exc:
            raise _client.ApiError(exc.method, 'the token endpoint %s' % self.config.token_url, exc.status,
                                   problem=exc.problem, body_text=exc.body_text, headers=exc.headers,
                                   attempts=exc.attempts, redactor=self.token_client.redact) from None
        body = response.body if isinstance(response.body, dict) else {}
        token = body.get('access_token')
        if not token or str(body.get('token_type', 'bearer')).lower() != 'bearer':
            raise _client.EdgeGridError('the token endpoint %s answered without a bearer access_token'
                                        % self.config.token_url)
        try:
            lifetime = float(body.get('expires_in', 60))
        except (TypeError, ValueError):
            lifetime = 60.0
        if self.on_token:
            self.on_token(token)
        self._token = token
        # Renew a little before the end of the token's life: a tenth of it, at most a minute.
        self._renew_at = self.clock() + lifetime - min(60.0, lifetime / 10.0)


def build_client(config, **kwargs):
    """An ApiClient for `config.api_url` whose requests carry a bearer token from `config.token_url`."""
    token_parts = urlsplit(config.token_url)
    secrets = [config.client_secret]
    token_client = _client.ApiClient('%s://%s' % (token_parts.scheme, token_parts.netloc), secrets=secrets,
                                     **kwargs)
    client = _client.ApiClient(config.api_url, secrets=secrets, **kwargs)
    auth = BearerAuth(config, token_client, on_token=lambda token: (client.add_secret(token),
                                                                    token_client.add_secret(token)))
    client.session.auth = auth
    return client
