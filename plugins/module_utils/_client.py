# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection: EdgeGrid configuration, signing, retries, errors, pagination.

This file is private to the collection (note the leading underscore): it may change without notice.
It knows nothing of any single Akamai API: wire formats live in the API's own module_utils file.
"""

from __future__ import annotations

import configparser
import email.utils
import json
import os
import random
import re
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

try:
    import requests
    from akamai.edgegrid import EdgeGridAuth
except ImportError:  # pragma: no cover - reported by the module base through missing_required_lib
    HAS_EDGEGRID = False
    EDGEGRID_IMPORT_ERROR = 'edgegrid-python and requests'
else:
    HAS_EDGEGRID = True
    EDGEGRID_IMPORT_ERROR = None

COLLECTION_NAME = 'edgegrid.access'
COLLECTION_VERSION = '0.1.0'
USER_AGENT = '%s/%s' % (COLLECTION_NAME, COLLECTION_VERSION)

DEFAULT_EDGERC = '~/.edgerc'
DEFAULT_SECTION = 'default'
DEFAULT_MAX_BODY = 131072
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_MAX_WAIT = 60.0
# The least wait before retry n (1, 2, ...) is a random time between half and all of
# min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (n - 1)) seconds: 0.5-1 s, 1-2 s, 2-4 s... (see ApiClient).
DEFAULT_BACKOFF_BASE = 1.0
DEFAULT_BACKOFF_CAP = 30.0

# The keys an .edgerc section must hold, and the ones it may hold.
EDGERC_REQUIRED = ('host', 'client_token', 'client_secret', 'access_token')
SECRET_FIELDS = ('client_token', 'client_secret', 'access_token')

READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))

# Response headers worth returning to a caller (lower case).
INTERESTING_HEADERS = (
    'content-type', 'location', 'etag', 'retry-after', 'x-trace-id', 'x-request-id',
    'akamai-ratelimit-limit', 'akamai-ratelimit-remaining', 'akamai-ratelimit-next',
    'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-next',
)

_HOST_RE = re.compile(r'^[A-Za-z0-9.-]+(:[0-9]{1,5})?$')


class EdgeGridError(Exception):
    """Base of every error this client raises. Its text never holds a secret."""


class ConfigError(EdgeGridError):
    """The credentials could not be resolved (missing file, section or key, malformed host)."""


class TransportError(EdgeGridError):
    """No usable HTTP answer: connection refused or dropped, timeout, retries exhausted."""


class ApiError(EdgeGridError):
    """The API answered with an error status. Carries Akamai's problem details."""

    def __init__(self, method, path, status, problem=None, body_text=None, headers=None, attempts=1, redactor=None):
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {}
        self.headers = headers or {}
        self.attempts = attempts
        redact = redactor or (lambda text: text)
        self.body_text = redact(body_text) if body_text else None
        self.type = self.problem.get('type')
        # Problem details (RFC 9457), else an OAuth 2.0 error (RFC 6749 section 5.2, RFC 6750 section 3).
        title = self.problem.get('title', self.problem.get('error'))
        detail = self.problem.get('detail', self.problem.get('error_description'))
        self.title = redact(str(title)) if title is not None else None
        self.detail = redact(str(detail)) if detail is not None else None
        self.instance = self.problem.get('instance')
        self.request_id = (self.problem.get('requestId') or self.headers.get('x-trace-id')
                           or self.headers.get('x-request-id') or self.instance)
        self.errors = [_redact_tree(e, redact) for e in self.problem.get('errors') or [] if isinstance(e, dict)]
        super().__init__(self._message())

    def _message(self):
        parts = ['%s %s failed with HTTP %s' % (self.method, self.path, self.status)]
        if self.title:
            parts.append(self.title)
        if self.detail:
            parts.append(self.detail)
        text = ': '.join(parts)
        if self.type:
            text += ' (type %s)' % self.type
        if self.errors:
            nested = []
            for err in self.errors:
                what = err.get('detail') or err.get('title') or err.get('type') or ''
                field = err.get('field') or err.get('fieldName')
                nested.append('%s: %s' % (field, what) if field else str(what))
            text += '; errors: ' + '; '.join(nested)
        if not self.problem and self.body_text:
            text += ': ' + self.body_text[:300]
        if self.request_id:
            text += ' [request id %s]' % self.request_id
        if self.attempts > 1:
            text += ' (gave up after %d attempts)' % self.attempts
        return text

    def as_dict(self):
        """The problem details as returned to the user in a failed task."""
        result = {
            'status': self.status,
            'method': self.method,
            'path': self.path,
            'type': self.type,
            'title': self.title,
            'detail': self.detail,
            'instance': self.instance,
            'request_id': self.request_id,
            'errors': self.errors,
        }
        if not self.problem and self.body_text:
            result['body'] = self.body_text[:2000]
        return result


def _redact_tree(value, redact):
    if isinstance(value, dict):
        return dict((k, _redact_tree(v, redact)) for k, v in value.items())
    if isinstance(value, list):
        return [_redact_tree(v, redact) for v in value]
    if isinstance(value, str):
        return redact(value)
    return value


class Redactor:
    """Masks known secret strings in any text that leaves the client."""

    MASK = '********'

    def __init__(self, secrets=()):
        self._secrets = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if secret and isinstance(secret, str) and len(secret) >= 4:
            self._secrets.add(secret)

    def __call__(self, text):
        if not isinstance(text, str):
            return text
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, self.MASK)
        return text


class EdgeGridConfig:
    """Resolved connection settings. `repr` never shows a secret."""

    def __init__(self, base_url, client_token, client_secret, access_token, max_body=DEFAULT_MAX_BODY,
                 account_switch_key=None, source=''):
        self.base_url = base_url
        self.client_token = client_token
        self.client_secret = client_secret
        self.access_token = access_token
        self.max_body = max_body
        self.account_switch_key = account_switch_key or None
        self.source = source

    @property
    def host(self):
        return urlsplit(self.base_url).netloc

    def __repr__(self):
        return 'EdgeGridConfig(base_url=%r, source=%r, account_switch_key=%r)' % (
            self.base_url, self.source, self.account_switch_key)


def normalize_host(host, origin):
    """Return the base URL for `host`: https unless the host names its own scheme, no path, no slash."""
    value = (host or '').strip()
    if not value:
        raise ConfigError('%s: host is empty' % origin)
    if '://' not in value:
        value = 'https://' + value
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in ('https', 'http'):
        raise ConfigError('%s: host %r has an unsupported scheme %r; use a host name such as '
                          'akab-xxxx.luna.akamaiapis.net' % (origin, host, parts.scheme))
    if parts.path not in ('', '/') or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError('%s: host %r must be a host name only, without a path, query or user' % (origin, host))
    if not parts.netloc or not _HOST_RE.match(parts.netloc) or parts.netloc.startswith(('.', '-')):
        raise ConfigError('%s: host %r is not a valid host name' % (origin, host))
    return '%s://%s' % (scheme, parts.netloc.lower())


def _read_edgerc(path, section):
    """Read one section of an .edgerc file, with errors that name the problem and never a value."""
    origin = '.edgerc file %s' % path
    if not os.path.exists(path):
        raise ConfigError('%s does not exist; create it, or give host, client_token, client_secret and '
                          'access_token (or the AKAMAI_* environment variables)' % origin)
    if not os.path.isfile(path):
        raise ConfigError('%s is not a regular file' % origin)
    # Interpolation is off so that a '%' in a secret is read as it is written.
    parser = configparser.RawConfigParser(default_section='__edgegrid_access_no_defaults__', strict=False)
    parser.optionxform = lambda option: option.strip().lower().replace('-', '_')
    try:
        with open(path, encoding='utf-8') as handle:
            parser.read_file(handle)
    except configparser.MissingSectionHeaderError:
        raise ConfigError('%s does not start with a [section] header' % origin) from None
    except configparser.ParsingError as exc:
        lines = ', '.join(str(lineno) for lineno, dummy in exc.errors)
        raise ConfigError('%s cannot be parsed (line %s is not "key = value")' % (origin, lines)) from None
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError('%s cannot be parsed: %s' % (origin, type(exc).__name__)) from None
    except OSError as exc:
        raise ConfigError('%s cannot be read: %s' % (origin, exc.strerror or exc)) from None
    if not parser.has_section(section):
        available = ', '.join(sorted(parser.sections())) or 'none'
        raise ConfigError('%s has no section [%s] (sections found: %s)' % (origin, section, available))
    values = dict((k, (v or '').strip()) for k, v in parser.items(section))
    missing = [key for key in EDGERC_REQUIRED if not values.get(key)]
    if missing:
        raise ConfigError('section [%s] of %s is missing %s' % (section, origin, ', '.join(missing)))
    return values


def resolve_config(options):
    """Build an EdgeGridConfig from module options (environment fallbacks already applied).

    Credentials given directly (host, client_token, client_secret, access_token) win over an .edgerc file;
    then the .edgerc file (`edgerc`, default ~/.edgerc) and its `section` (default `default`).
    The account switch key comes from `account_switch_key`, else `account_key` in the .edgerc section.
    """
    direct = dict((key, options.get(key)) for key in EDGERC_REQUIRED)
    given = [key for key, value in direct.items() if value]
    if given:
        missing = [key for key in EDGERC_REQUIRED if not direct[key]]
        if missing:
            raise ConfigError('credentials given directly are incomplete: %s given, %s missing (set the options '
                              'or AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET, AKAMAI_ACCESS_TOKEN; '
                              'or use an .edgerc section instead)' % (', '.join(given), ', '.join(missing)))
        origin = 'the host option (or AKAMAI_HOST)'
        return EdgeGridConfig(
            base_url=normalize_host(direct['host'], origin),
            client_token=direct['client_token'].strip(),
            client_secret=direct['client_secret'].strip(),
            access_token=direct['access_token'].strip(),
            max_body=DEFAULT_MAX_BODY,
            account_switch_key=options.get('account_switch_key'),
            source='options',
        )

    path = os.path.expanduser(options.get('edgerc') or DEFAULT_EDGERC)
    section = options.get('section') or DEFAULT_SECTION
    values = _read_edgerc(path, section)
    origin = 'section [%s] of .edgerc file %s' % (section, path)
    max_body = values.get('max_body') or str(DEFAULT_MAX_BODY)
    try:
        max_body = int(max_body)
        if max_body <= 0:
            raise ValueError()
    except ValueError:
        raise ConfigError('%s: max_body must be a positive whole number of bytes' % origin) from None
    return EdgeGridConfig(
        base_url=normalize_host(values['host'], origin),
        client_token=values['client_token'],
        client_secret=values['client_secret'],
        access_token=values['access_token'],
        max_body=max_body,
        account_switch_key=options.get('account_switch_key') or values.get('account_key') or None,
        source='%s[%s]' % (path, section),
    )


class Response:
    """A successful (or expected) answer: status, headers (lower-case keys), parsed JSON or text."""

    def __init__(self, status, headers, body, text, url, attempts):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text
        self.url = url
        self.attempts = attempts

    def interesting_headers(self):
        return dict((k, v) for k, v in self.headers.items() if k in INTERESTING_HEADERS)


def parse_wait(headers, now=None):
    """Seconds the server asks us to wait, from its rate-limit headers, or None when it does not say.

    `headers` is a dict with lower-case keys; `now` is this machine's time (epoch seconds, default the
    present). Reads `Akamai-RateLimit-Next`, then `X-RateLimit-Next` (both the time of the next allowed
    request, ISO 8601: https://techdocs.akamai.com/reporting/reference/rate-limiting), then `Retry-After`
    (seconds or an HTTP date, RFC 9110 section 10.2.3). A time already past gives 0.0. ApiClient adds its
    own backoff to this, whatever it says.

    A time is counted from the server's present, not this machine's, when the answer's `Date` shows this
    machine's clock running ahead (see _server_now): such a clock would see the next allowed request as
    already due and retry too early.
    """
    now = time.time() if now is None else now
    for name in ('akamai-ratelimit-next', 'x-ratelimit-next', 'retry-after'):
        raw = headers.get(name)
        if not raw:
            continue
        raw = raw.strip()
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
        moment = _parse_time(raw)
        if moment is not None:
            return max(0.0, moment - _server_now(headers, now))
    return None


def _server_now(headers, now):
    """The server's present as far as the answer shows it (epoch seconds): `now`, or the answer's `Date`.

    `Date` (RFC 9110 section 6.6.1) is the server's time when it answered, to the second. When `now` is a
    second or more past it, this machine's clock runs ahead of the server's and `Date` is taken instead; it
    may be up to a second behind the server's present, so a wait counted from it is too long by up to a
    second, never too short. A clock behind the server's is kept: its waits are too long, never too short.
    """
    raw = headers.get('date')
    moment = _parse_time(raw.strip()) if raw else None
    if moment is not None and now - moment >= 1.0:
        return moment
    return now


def _parse_time(raw):
    try:
        stamp = datetime.fromisoformat(raw.replace('Z', '+00:00'))
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        return stamp.timestamp()
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


class ApiClient:
    """Sends requests to one API base URL, with an auth handler that signs each attempt.

    Retries (bounded by `max_retries` and by `retry_max_wait` seconds of waiting in all):
    reads on connection errors, timeouts, 429 and 5xx except 501; writes only on 429, where the server
    cannot have acted. Every attempt goes through the auth handler again (for EdgeGrid: a fresh
    timestamp, nonce and signature). An auth handler with a `refresh()` method (OAuth 2.0) gets one
    chance to renew its credential after a 401.

    Retry n (1, 2, ...) waits, in seconds, until the time the answer's rate-limit headers name (parse_wait;
    0 without one), then the backoff: a random time between half and all of
    min(backoff_cap, backoff_base * 2 ** (n - 1)) (by default 0.5-1, 1-2, 2-4...). So a rate-limit time
    that is now or past, or a `Retry-After: 0`, never makes retries immediate, and clients limited at the
    same time do not come back at the same moment (the jitter beyond the refill time that Akamai advises,
    https://techdocs.akamai.com/reporting/reference/rate-limiting). When the waits so far plus the next one
    would pass `retry_max_wait`, the retry is not made and the request fails (TransportError, naming the
    wait).
    `backoff_base` and `backoff_cap` (seconds), `sleep(seconds)` and `clock()` (epoch seconds) exist for
    tests; the modules keep the defaults.
    """

    def __init__(self, base_url, auth=None, default_params=None, secrets=(), timeout=DEFAULT_TIMEOUT,
                 max_retries=DEFAULT_MAX_RETRIES, retry_max_wait=DEFAULT_RETRY_MAX_WAIT,
                 backoff_base=DEFAULT_BACKOFF_BASE, backoff_cap=DEFAULT_BACKOFF_CAP, session=None, sleep=time.sleep,
                 clock=time.time, user_agent=USER_AGENT):
        if not HAS_EDGEGRID:
            raise EdgeGridError('the Python libraries %s are required' % EDGEGRID_IMPORT_ERROR)
        self.base_url = base_url
        self.default_params = dict(default_params or {})
        self.timeout = timeout
        self.max_retries = max(0, int(max_retries))
        self.retry_max_wait = max(0.0, float(retry_max_wait))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.session = session or requests.Session()
        self.session.auth = auth
        self.session.headers['User-Agent'] = user_agent
        self.session.headers['Accept'] = 'application/json, application/problem+json'
        self.sleep = sleep
        self.clock = clock
        self.redact = Redactor(secrets)
        self.request_count = 0

    def add_secret(self, value):
        """Mask `value` in every error text from now on (e.g. a key value the API may echo)."""
        self.redact.add(value)

    def _backoff(self, retry):
        """The least wait, in seconds, before retry number `retry` (1 for the first retry).

        A random time between half and all of min(backoff_cap, backoff_base * 2 ** (retry - 1)) seconds
        ("equal jitter"): it grows with each retry, never falls below half its ceiling, and spreads the
        retries of many clients hit by the same rate limit.
        """
        ceiling = min(self.backoff_cap, self.backoff_base * (2 ** (retry - 1)))
        return random.uniform(ceiling / 2.0, ceiling)

    def request(self, method, path, params=None, json_body=None, data=None, headers=None, expected=None):
        """Send one API request (with retries) and return a Response.

        Raises ApiError for a status that is neither 2xx nor in `expected`, TransportError when no
        answer could be had.
        """
        method = method.upper()
        if not path.startswith('/'):
            raise EdgeGridError('the API path %r must start with "/"' % path)
        query = dict(params or {})
        query.update(self.default_params)
        url = self.base_url + path
        send_headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body, separators=(',', ':'))
            send_headers.setdefault('Content-Type', 'application/json')
        expected = set(expected or ())
        is_read = method in READ_METHODS
        refresh = getattr(self.session.auth, 'refresh', None)
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            failure = None
            response = None
            self.request_count += 1
            try:
                response = self.session.request(method, url, params=query or None, data=data,
                                                headers=send_headers, timeout=self.timeout,
                                                allow_redirects=False)
            except requests.exceptions.Timeout:
                failure = 'timed out after %s seconds' % self.timeout
            except requests.exceptions.ConnectionError as exc:
                failure = 'connection failed (%s)' % type(_root_cause(exc)).__name__
            except requests.exceptions.RequestException as exc:
                raise TransportError(self.redact('%s %s failed: %s' % (method, path, type(exc).__name__))) from None

            if response is not None:
                status = response.status_code
                if 200 <= status < 300 or status in expected:
                    return self._response(response, attempt)
                if status == 401 and refresh is not None and not _insufficient_scope(response):
                    # The credential may have expired since it was issued: renew it once, then ask again.
                    refresh()
                    refresh = None
                    continue
                retryable = status == 429 or (is_read and 500 <= status < 600 and status != 501)
                if not retryable or attempt > self.max_retries:
                    raise self._api_error(method, path, response, attempt)
                # The time the server names, then the backoff beyond it: a rate-limit time that is now or past
                # (as a clock running ahead sees it) never makes the retry immediate, and clients that hit the
                # same limit do not all come back at the same moment.
                wait = (parse_wait(_lower(response.headers), self.clock()) or 0.0) + self._backoff(attempt)
                reason = 'HTTP %s' % status
            else:
                if not is_read:
                    # The request may have reached the server: the caller re-reads before deciding.
                    raise TransportError('%s %s: %s; not retried, since a write may have been applied'
                                         % (method, path, failure))
                if attempt > self.max_retries:
                    raise TransportError('%s %s: %s; gave up after %d attempts'
                                         % (method, path, failure, attempt))
                wait = self._backoff(attempt)
                reason = failure
            if waited + wait > self.retry_max_wait:
                if response is not None:
                    error = self._api_error(method, path, response, attempt)
                    raise TransportError('%s; gave up after %d attempts: the next retry would wait %.1f s, beyond '
                                         'the retry budget of %.1f s (retry_max_wait)'
                                         % (error, attempt, wait, self.retry_max_wait))
                raise TransportError('%s %s: %s; gave up after %d attempts: the next retry would wait %.1f s, '
                                     'beyond the retry budget of %.1f s (retry_max_wait)'
                                     % (method, path, reason, attempt, wait, self.retry_max_wait))
            self.sleep(wait)
            waited += wait

    def _response(self, response, attempts):
        headers = _lower(response.headers)
        text = response.text if response.content else ''
        body = None
        if text and 'json' in headers.get('content-type', 'application/json'):
            try:
                body = response.json()
            except ValueError:
                body = None
        return Response(response.status_code, headers, body, text, response.url, attempts)

    def _api_error(self, method, path, response, attempts):
        headers = _lower(response.headers)
        problem = None
        try:
            problem = response.json()
        except ValueError:
            problem = None
        text = response.text if not isinstance(problem, dict) else None
        return ApiError(method, path, response.status_code, problem=problem, body_text=text,
                        headers=headers, attempts=attempts, redactor=self.redact)

    def get(self, path, params=None, missing_ok=False):
        """GET `path`: the parsed body, or None for a 404 when `missing_ok`."""
        response = self.request('GET', path, params=params, expected=(404,) if missing_ok else None)
        if response.status == 404:
            return None
        return response.body

    def paginate(self, path, items_key, params=None, page_param='page', size_param='pageSize', page_size=100,
                 first_page=1, max_pages=1000):
        """Fetch every page of a list and return all items.

        Stops at an empty or short page. A page that repeats the previous one, or more than `max_pages`
        pages, is an error rather than an endless loop.
        """
        items = []
        previous = None
        for index in range(max_pages):
            query = dict(params or {})
            query[page_param] = first_page + index
            if size_param:
                query[size_param] = page_size
            body = self.request('GET', path, params=query).body
            page = _items_of(body, items_key)
            if page is None:
                raise EdgeGridError('GET %s: the answer has no list under %r' % (path, items_key))
            if page and page == previous:
                raise EdgeGridError('GET %s: page %d repeats the page before it; the API ignores %r'
                                    % (path, first_page + index, page_param))
            items.extend(page)
            if not page or (size_param and len(page) < page_size):
                return items
            previous = page
        raise EdgeGridError('GET %s: more than %d pages; stopped' % (path, max_pages))


class EdgeGridClient(ApiClient):
    """An ApiClient for one Akamai API host, signing with EdgeGrid and sending the account switch key."""

    def __init__(self, config, **kwargs):
        if not HAS_EDGEGRID:
            raise EdgeGridError('the Python libraries %s are required' % EDGEGRID_IMPORT_ERROR)
        auth = EdgeGridAuth(
            client_token=config.client_token,
            client_secret=config.client_secret,
            access_token=config.access_token,
            max_body=config.max_body,
        )
        params = {'accountSwitchKey': config.account_switch_key} if config.account_switch_key else None
        super().__init__(config.base_url, auth=auth, default_params=params,
                         secrets=[config.client_secret, config.access_token, config.client_token], **kwargs)
        self.config = config


def _items_of(body, items_key):
    if items_key in (None, ''):
        return body if isinstance(body, list) else None
    value = body
    for part in items_key.split('.'):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value if isinstance(value, list) else None


def _insufficient_scope(response):
    """A 401 that a new token would not cure (RFC 6750 section 3.1; seed 004 answers it with 401)."""
    return 'insufficient_scope' in response.headers.get('WWW-Authenticate', '')


def _lower(headers):
    return dict((k.lower(), v) for k, v in headers.items())


def _root_cause(exc):
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__
    if seen is exc and exc.args and isinstance(exc.args[0], Exception):
        return exc.args[0]
    return seen
