# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client of the collection: EdgeGrid configuration, signing, retries, errors, pagination.

This file is private to the collection (note the leading underscore): it may change without notice.
It knows nothing of any single Akamai API: wire formats live in the API's own module_utils file.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import random
import threading
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

from ansible_collections.edgegrid.access.plugins.module_utils import _edgerc, _errors, _listing_cache

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

DEFAULT_EDGERC = _edgerc.DEFAULT_PATH
DEFAULT_SECTION = _edgerc.DEFAULT_SECTION
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3
DEFAULT_RETRY_MAX_WAIT = 60.0
# The least wait before retry n (1, 2, ...) is a random time between half and all of
# min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (n - 1)) seconds: 0.5-1 s, 1-2 s, 2-4 s... (see ApiClient).
DEFAULT_BACKOFF_BASE = 1.0
DEFAULT_BACKOFF_CAP = 30.0
# The most requests ApiClient.run_parallel / get_many keep in flight at once: independent reads of one task
# (pages of a key listing, the tokens or API clients an info module details). Small on purpose: Akamai limits
# requests per API client (https://techdocs.akamai.com/reporting/reference/rate-limiting), and every environment
# of a play (every fork) sends its own.
PARALLEL_READS = 4

# The four credential values, whichever source they come from.
EDGERC_REQUIRED = _edgerc.REQUIRED_KEYS
SECRET_FIELDS = _edgerc.SECRET_KEYS

READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))

# Response headers worth returning to a caller (lower case).
INTERESTING_HEADERS = (
    'content-type', 'location', 'etag', 'retry-after', 'x-trace-id', 'x-request-id',
    'akamai-ratelimit-limit', 'akamai-ratelimit-remaining', 'akamai-ratelimit-next',
    'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-next',
)


# The root of every error of the collection (_errors.py), named here too: callers have long taken it from _client.
EdgeGridError = _errors.EdgeGridError


class ConfigError(EdgeGridError):
    """The credentials could not be resolved (missing file, section or key, malformed host)."""


class TransportError(EdgeGridError):
    """No usable HTTP answer: connection refused or dropped, timeout, retries exhausted.

    TransportError(text, signed_with=None): the message is `text` followed by where the request's credentials came
    from (``signed_with_suffix``); ``describe()`` is `text` alone."""

    def __init__(self, text, signed_with=None):
        self.text = str(text)
        super().__init__(signed_with_suffix(self.text, signed_with))

    def describe(self):
        """The error's text without the credentials it was signed with (str)."""
        return self.text


class ApiError(EdgeGridError):
    """The API answered with an error status. Carries Akamai's problem details."""

    def __init__(self, method, path, status, problem=None, body_text=None, headers=None, attempts=1, redactor=None,
                 signed_with=None):
        self.method = method
        # Where the credentials that signed the request came from ('section [x] of .edgerc file /path'), or None.
        self.signed_with = signed_with
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
        super().__init__(signed_with_suffix(self.describe(), signed_with))

    def describe(self):
        """The error's text without the credentials it was signed with (str): the method, path and status, then
        Akamai's problem details (title, detail, type, nested errors), the request id and the attempts."""
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


def signed_with_suffix(text, signed_with):
    """`text` followed by where the request's credentials came from, when known: the one wording of every error of
    a request (ApiError, TransportError), so that with several environments the user can tell which failed."""
    return '%s (signed with %s)' % (text, signed_with) if signed_with else text


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

    MASK = _errors.MASK

    def __init__(self, secrets=()):
        # The threads of ApiClient.run_parallel may mask while another adds a secret: both under the lock.
        self._lock = threading.Lock()
        self._secrets = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret):
        if secret and isinstance(secret, str) and len(secret) >= 4:
            with self._lock:
                self._secrets.add(secret)

    def __call__(self, text):
        if not isinstance(text, str):
            return text
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, self.MASK)
        return text

    def tree(self, value):
        """`value` (parsed JSON: dicts, lists, text, numbers) with the known secrets masked in every string, at any
        depth; a copy."""
        return _redact_tree(value, self)


class EdgeGridConfig:
    """Resolved connection settings. `repr` never shows a secret.

    ``source`` names where the credentials came from (``options``, ``environment AKAMAI_*`` or
    ``<file>[<section>]``); ``edgerc`` (absolute path) and ``section`` (str) name the .edgerc section they were read
    from, both None when they came from the options or the environment; ``warnings`` (list of str) is what the user should be told (another source that names
    another API client or account, a ``max_body`` that is not used). Every request is signed over the first
    ``SIGNED_BODY_BYTES`` (131072) bytes of a POST body, whatever an .edgerc section says.
    """

    def __init__(self, base_url, client_token, client_secret, access_token, account_switch_key=None, source='',
                 warnings=None, edgerc=None, section=None):
        self.base_url = base_url
        self.client_token = client_token
        self.client_secret = client_secret
        self.access_token = access_token
        self.max_body = _edgerc.SIGNED_BODY_BYTES
        self.account_switch_key = account_switch_key or None
        self.source = source
        self.edgerc = edgerc
        self.section = section
        self.warnings = list(warnings or [])

    @property
    def host(self):
        return urlsplit(self.base_url).netloc

    @property
    def signed_with(self):
        """'section [<section>] of .edgerc file <absolute path>' when the credentials were read from an .edgerc
        section, else None (never a secret)."""
        if self.edgerc is None or self.section is None:
            return None
        return 'section [%s] of .edgerc file %s' % (self.section, self.edgerc)

    def __repr__(self):
        return 'EdgeGridConfig(base_url=%r, source=%r, account_switch_key=%r)' % (
            self.base_url, self.source, self.account_switch_key)


def normalize_host(host, origin):
    """Return the base URL for `host`: https unless the host names its own scheme, no path, no slash.

    Raises ConfigError naming `origin` (the host is shown: it is not a secret).
    """
    with _errors.raised_as(ConfigError, _edgerc.EdgercError):
        return _edgerc.host_url(host, '%s: host' % origin)


class _Source:
    """One place credentials may come from: its label for messages, its values, its own account switch key
    (``AKAMAI_..._ACCOUNT_KEY`` of its prefix, ``account_key`` of a section), and the one it signs with."""

    def __init__(self, label, values, own_key=None, kind='', section=None):
        self.label = label
        self.values = values
        self.own_key = own_key or None
        self.account_key = None
        self.account_key_origin = None  # where account_key came from, for messages (settle_account_key)
        self.kind = kind
        self.section = section

    def settle_account_key(self, option_key, environ, prefix):
        """The account switch key requests signed with this source would carry (see resolve_config)."""
        key, origin = None, None
        variable = 'the environment variable %sACCOUNT_KEY' % prefix
        if option_key:
            key, origin = option_key, 'the option account_switch_key'
        elif option_key is None and self.kind == 'env':
            key, origin = self.own_key, variable
        elif option_key is None and (environ.get(prefix + 'ACCOUNT_KEY') or '').strip():
            key, origin = environ[prefix + 'ACCOUNT_KEY'].strip(), variable
        elif self.kind == 'file':
            key, origin = self.own_key, 'account_key of %s' % self.label
        self.account_key = key or None
        self.account_key_origin = origin if key else None
        return self.account_key

    def identity(self):
        return (normalize_host(self.values['host'], self.label) if self.section is None else self.section.base_url,
                self.values['client_token'], self.account_key)


def _environment(environ, prefix):
    """The credential variables of `prefix` that are set (not empty): {key: (variable name, value)}."""
    found = {}
    for key in EDGERC_REQUIRED:
        name = prefix + key.upper()
        value = (environ.get(name) or '').strip()
        if value:
            found[key] = (name, value)
    return found


def _env_label(prefix):
    return 'the environment variables %s' % ', '.join(prefix + key.upper() for key in EDGERC_REQUIRED)


def _env_source(environ, prefix, section):
    """The complete set of credential variables of `prefix` as a _Source, None when none is set.

    Raises ConfigError for a partial set, or a value that cannot be a token (naming the variable, not the value).
    """
    found = _environment(environ, prefix)
    if not found:
        return None
    missing = [prefix + key.upper() for key in EDGERC_REQUIRED if key not in found]
    if missing:
        raise ConfigError('%s %s set but %s %s not: set all four, or none of them to read section [%s] of the '
                          '.edgerc file' % (', '.join(found[key][0] for key in EDGERC_REQUIRED if key in found),
                                            'is' if len(found) == 1 else 'are', ', '.join(missing),
                                            'is' if len(missing) == 1 else 'are', section))
    for key in _edgerc.TOKEN_KEYS:
        _check(key, found[key][1], 'the environment variable %s' % found[key][0])
    values = dict((key, value) for key, (name, value) in found.items())
    normalize_host(values['host'], 'the environment variable %s' % found['host'][0])
    return _Source(_env_label(prefix), values, (environ.get(prefix + 'ACCOUNT_KEY') or '').strip(), kind='env')


def _check(key, value, where):
    """ConfigError naming `where` (the option, variable or section that gave `value`; never the value) unless `value`
    can be a token of `key` (_edgerc.token_problem)."""
    problem = _edgerc.token_problem(value)
    if problem:
        raise ConfigError('%s is not a valid %s: %s' % (where, _edgerc.KEY_NOUNS.get(key, 'value'), problem))


def _file_source(path, section):
    with _errors.raised_as(ConfigError, _edgerc.EdgercError):
        loaded = _edgerc.load_section(path, section)
    return _Source('section [%s] of .edgerc file %s' % (section, path), loaded.values, loaded.account_key,
                   kind='file', section=loaded)


def resolve_config(options, environ=None):
    """Build an EdgeGridConfig from module options and the environment, by Akamai's rule (docs/edgerc.md).

    The client token, client secret, access token and host come together from the first of:

    1. the options ``host``, ``client_token``, ``client_secret``, ``access_token`` (all four, else an error);
    2. the environment variables ``AKAMAI_{SECTION}_HOST``, ``_CLIENT_TOKEN``, ``_CLIENT_SECRET``,
       ``_ACCESS_TOKEN`` of the section (`section`, default ``default``; the name upper-cased as edgegrid-golang
       does), and for section ``default`` the plain ``AKAMAI_HOST``... (all four, else an error); skipped when one
       of the four options is given as an empty string;
    3. the section of the .edgerc file (`edgerc`, default ``~/.edgerc``), read and checked by ``_edgerc``.

    An empty `edgerc` or `section` is one not given: ``AKAMAI_EDGERC`` / ``AKAMAI_EDGERC_SECTION`` apply, else the
    defaults.

    The account switch key: the option ``account_switch_key``; else (when that option is not given at all)
    ``AKAMAI_{SECTION}_ACCOUNT_KEY`` (``AKAMAI_ACCOUNT_KEY`` for ``default``); else ``account_key`` of the
    section when the credentials come from the file. An option ``account_switch_key`` of white space only is an
    error (an empty string is not: it reads no variable), and so is such a variable that would be read. A key
    that cannot be one is refused naming where it came from (the option, the variable, the file's section).

    When another source is present (a complete set of options or variables, including plain ``AKAMAI_*`` with a
    section other than ``default``, or the file's section) and names another host, client token or account switch
    key, ``warnings`` says which source was used and which were not. `environ` defaults to os.environ.

    Raises ConfigError (never with a secret in its text).
    """
    environ = os.environ if environ is None else environ
    option_key = options.get('account_switch_key')
    if option_key and not option_key.strip():
        # Almost always a variable that came out blank ("{{ key }} "): read as no key, the requests would act on
        # the API client's own account instead of the one meant.
        raise ConfigError('the option account_switch_key is only white space; give the account switch key (such as '
                          '1-5C0YLB:1-8BYUX), or an empty string for none given (the account_key of the .edgerc section '
                          'still applies)')
    # An empty option is one not given (a templated "{{ x | default('') }}"): the environment applies, as it does to
    # an option left out (whose value Ansible took from it already).
    section = options.get('section') or environ.get('AKAMAI_EDGERC_SECTION') or DEFAULT_SECTION
    path = os.path.expanduser(options.get('edgerc') or environ.get('AKAMAI_EDGERC') or DEFAULT_EDGERC)
    prefix = _edgerc.env_prefix(section)

    given = dict((key, options.get(key)) for key in EDGERC_REQUIRED if options.get(key) is not None)
    filled = [key for key, value in given.items() if value.strip()]
    chosen = None
    if filled:
        missing = [key for key in EDGERC_REQUIRED if key not in filled]
        if missing:
            raise ConfigError('credentials given as options are incomplete: %s given, %s missing (give all four, or '
                              'none to use %s or section [%s] of the .edgerc file)'
                              % (', '.join(filled), ', '.join(missing), _env_label(prefix), section))
        values = dict((key, given[key].strip()) for key in EDGERC_REQUIRED)
        for key in _edgerc.TOKEN_KEYS:
            _check(key, values[key], 'the option %s' % key)
        normalize_host(values['host'], 'the option host')
        chosen = _Source('the options host, client_token, client_secret, access_token', values, kind='options')

    use_environment = not given
    own = None
    if chosen is None and use_environment:
        own = _env_source(environ, prefix, section)
        chosen = own
    if chosen is None:
        try:
            chosen = _file_source(path, section)
        except ConfigError as exc:
            raise ConfigError('%s%s' % (exc, _no_credentials_hint(environ, prefix, section, path, given))) from None

    option_key = option_key.strip() if option_key is not None else None
    blank = environ.get(prefix + 'ACCOUNT_KEY')
    if option_key is None and blank and not blank.strip():
        # Read as unset, the requests would go to another account than the one meant (see account_switch_key).
        raise ConfigError('the environment variable %sACCOUNT_KEY is only white space; unset it, or give the account '
                          'switch key' % prefix)
    if chosen.settle_account_key(option_key, environ, prefix):
        _check('account_key', chosen.account_key, chosen.account_key_origin)

    warnings = list(chosen.section.warnings) if chosen.section is not None else []
    others = _other_sources(chosen, environ, prefix, section, path, option_key)
    if others:
        warnings.append(
            'Akamai credentials: signing with %s (%s); not used, though they name another API client or account: '
            '%s. The order is: the options, then AKAMAI_{SECTION}_* (AKAMAI_* for section [default] only), then '
            'the .edgerc section.' % (chosen.label, urlsplit(chosen.identity()[0]).netloc,
                                      '; '.join('%s (%s)' % (other.label, urlsplit(other.identity()[0]).netloc)
                                                for other in others)))
    if chosen.kind == 'options':
        source = 'options'
    elif chosen.kind == 'env':
        source = 'environment %s*' % prefix
    else:
        source = '%s[%s]' % (path, section)
    return EdgeGridConfig(
        base_url=chosen.identity()[0],
        client_token=chosen.values['client_token'],
        client_secret=chosen.values['client_secret'],
        access_token=chosen.values['access_token'],
        account_switch_key=chosen.account_key,
        source=source,
        warnings=warnings,
        edgerc=os.path.abspath(path) if chosen.kind == 'file' else None,
        section=section if chosen.kind == 'file' else None,
    )


def _no_credentials_hint(environ, prefix, section, path, given):
    """What to say after a file error when nothing else gave credentials: where else they could come from."""
    hint = ''
    if not os.path.lexists(path):  # truly absent: a symbolic link loop or a dangling link is reported as it is
        hint = ('; give the options host, client_token, client_secret and access_token, or %s' % _env_label(prefix)
                if not given else '')
    if prefix != 'AKAMAI_' and len(_environment(environ, 'AKAMAI_')) == len(EDGERC_REQUIRED):
        hint += ('. (%s are set, but they apply to section [default] only, as in Akamai\'s tools: use section default, '
                 'or set %s)' % (', '.join('AKAMAI_' + key.upper() for key in EDGERC_REQUIRED),
                                 ', '.join(prefix + key.upper() for key in EDGERC_REQUIRED)))
    return hint


def _other_sources(chosen, environ, prefix, section, path, option_key):
    """The sources present besides `chosen` that name another host, client token or account switch key.

    Sources that cannot be read (an incomplete set of variables, a file that does not parse) are not compared:
    they were not needed.
    """
    candidates = []
    for env_prefix, note in ((prefix, ''), ('AKAMAI_', ' (they apply to section [default] only)')):
        if chosen.kind == 'env' and env_prefix == prefix or (note and prefix == 'AKAMAI_'):
            continue
        try:
            source = _env_source(environ, env_prefix, section)
        except ConfigError:
            continue
        if source is not None:
            source.label += note
            candidates.append(source)
    if chosen.kind != 'file' and os.path.isfile(path):
        try:
            candidates.append(_file_source(path, section))
        except ConfigError:
            pass
    mine = chosen.identity()
    others = []
    for source in candidates:
        source.settle_account_key(option_key, environ, prefix)
        try:
            if source.identity() != mine:
                others.append(source)
        except ConfigError:
            continue
    return others


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

    One client may send from several threads at once (run_parallel, get_many). When an answer is a 429 or names
    a rate-limit time, the wait before its retry holds every request of the client: none is sent before that
    wait is over (the rate limit is the API client's, not the request's).
    """

    def __init__(self, base_url, auth=None, default_params=None, secrets=(), timeout=DEFAULT_TIMEOUT,
                 max_retries=DEFAULT_MAX_RETRIES, retry_max_wait=DEFAULT_RETRY_MAX_WAIT,
                 backoff_base=DEFAULT_BACKOFF_BASE, backoff_cap=DEFAULT_BACKOFF_CAP, session=None, sleep=time.sleep,
                 clock=time.time, user_agent=USER_AGENT, signed_with=None):
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
        # Where the credentials came from (EdgeGridConfig.signed_with), named in every error of a request; or None.
        self.signed_with = signed_with
        self.request_count = 0
        # Writes (requests other than GET, HEAD, OPTIONS) begun through this client: what a memo of reads made
        # before a write compares to tell its answers are stale (e.g. throttling_counter's Reads).
        self.write_count = 0
        # Writes answered 2xx through this client: a task that fails after one of them says it changed something.
        self.applied_write_count = 0
        # Who the requests are signed for, as the listing cache keys its answers (_listing_cache); None: not kept.
        self.cache_identity = None
        self._lock = threading.Lock()
        # (clock time, owner): no request but the owner's is sent before that time (see _hold).
        self._held = (0.0, None)
        # The requests in flight through this client, whichever thread sends them: at most PARALLEL_READS, also when
        # a call of run_parallel reads side by side in its turn.
        self._in_flight = threading.BoundedSemaphore(PARALLEL_READS)

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

    def _hold(self, owner, wait):
        """Hold every request but `owner`'s for `wait` seconds from now (a 429 or a rate-limit time)."""
        with self._lock:
            until = self.clock() + wait
            if until > self._held[0]:
                self._held = (until, owner)

    def _await_hold(self, owner):
        """Sleep until no hold set by another request than `owner` is left."""
        while True:
            with self._lock:
                until, holder = self._held
            pause = until - self.clock()
            if holder is owner or pause <= 0:
                return
            self.sleep(pause)

    def _count(self):
        with self._lock:
            self.request_count += 1

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
        if not is_read:
            # The item after a write reads its listings afresh; a write that a listing kept from an earlier item
            # may have decided is not sent (StaleListing: the module runs again, reading afresh).
            _listing_cache.before_write()
            with self._lock:
                self.write_count += 1
        refresh = getattr(self.session.auth, 'refresh', None)
        waited = 0.0
        attempt = 0
        owner = object()  # this request: it waits for its own retries itself, for the holds of the others here
        while True:
            attempt += 1
            self._await_hold(owner)
            failure = None
            response = None
            named = None
            self._count()
            try:
                with self._in_flight:
                    response = self.session.request(method, url, params=query or None, data=data,
                                                    headers=send_headers, timeout=self.timeout,
                                                    allow_redirects=False)
            except requests.exceptions.Timeout:
                failure = 'timed out after %s seconds' % self.timeout
            except requests.exceptions.ConnectionError as exc:
                failure = 'connection failed (%s)' % type(_root_cause(exc)).__name__
            except requests.exceptions.RequestException as exc:
                raise self._transport_error(self.redact('%s %s failed: %s' % (method, path, type(exc).__name__))) from None

            if response is not None:
                status = response.status_code
                if 200 <= status < 300 or status in expected:
                    if not is_read and 200 <= status < 300:
                        with self._lock:
                            self.applied_write_count += 1
                    return self._response(response, attempt)
                if status == 401 and refresh is not None and not _insufficient_scope(response):
                    # The credential may have expired since it was issued: renew it once, then ask again.
                    refresh()
                    refresh = None
                    continue
                retryable = status == 429 or (is_read and 500 <= status < 600 and status != 501)
                if is_read and status in (404, 410):
                    # A read of an id that a listing kept from an earlier item named (gone since): run again afresh.
                    _listing_cache.before_failure()
                if not retryable or attempt > self.max_retries:
                    raise self._api_error(method, path, response, attempt)
                # The time the server names, then the backoff beyond it: a rate-limit time that is now or past
                # (as a clock running ahead sees it) never makes the retry immediate, and clients that hit the
                # same limit do not all come back at the same moment.
                named = parse_wait(_lower(response.headers), self.clock())
                wait = (named or 0.0) + self._backoff(attempt)
                reason = 'HTTP %s' % status
            else:
                if not is_read:
                    # The request may have reached the server: the caller re-reads before deciding.
                    raise self._transport_error('%s %s: %s; not retried, since a write may have been applied'
                                                % (method, path, failure))
                if attempt > self.max_retries:
                    raise self._transport_error('%s %s: %s; gave up after %d attempts'
                                                % (method, path, failure, attempt))
                wait = self._backoff(attempt)
                reason = failure
            if waited + wait > self.retry_max_wait:
                if response is not None:
                    error = self._api_error(method, path, response, attempt)
                    raise self._transport_error('%s; gave up after %d attempts: the next retry would wait %.1f s, '
                                                'beyond the retry budget of %.1f s (retry_max_wait)'
                                                % (error.describe(), attempt, wait, self.retry_max_wait))
                raise self._transport_error('%s %s: %s; gave up after %d attempts: the next retry would wait %.1f '
                                            's, beyond the retry budget of %.1f s (retry_max_wait)'
                                            % (method, path, reason, attempt, wait, self.retry_max_wait))
            if named is not None or (response is not None and response.status_code == 429):
                self._hold(owner, wait)
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

    def _transport_error(self, text):
        return TransportError(text, self.signed_with)

    def _api_error(self, method, path, response, attempts):
        headers = _lower(response.headers)
        problem = None
        try:
            problem = response.json()
        except ValueError:
            problem = None
        text = response.text if not isinstance(problem, dict) else None
        return ApiError(method, path, response.status_code, problem=problem, body_text=text,
                        headers=headers, attempts=attempts, redactor=self.redact,
                        signed_with=self.signed_with)

    def get(self, path, params=None, missing_ok=False, cacheable=False):
        """GET `path`: the parsed body, or None for a 404 when `missing_ok`.

        `cacheable` marks a listing the items of one loop may share: within a scope of _listing_cache (a task run
        in the worker process), its answer is kept and served again until a write is sent; elsewhere it changes
        nothing.
        """
        key = None
        if cacheable and self.cache_identity is not None:
            query = dict(params or {})
            query.update(self.default_params)
            key = (self.base_url, self.cache_identity, path, tuple(sorted((str(k), str(v)) for k, v in query.items())))
            hit, body = _listing_cache.lookup(key)
            if hit:
                return body
        response = self.request('GET', path, params=params, expected=(404,) if missing_ok else None)
        if response.status == 404:
            return None
        if key is not None:
            _listing_cache.keep(key, response.body)
        return response.body

    def run_parallel(self, calls, max_workers=PARALLEL_READS):
        """Call each of `calls` (callables without arguments that send through this client) and return their
        results, in the order of `calls`.

        At most `max_workers` (default PARALLEL_READS, 4) run at once, each in a thread of its own; one call or
        `max_workers` 1 runs in the caller's thread. Whatever the nesting (a call that reads side by side in its
        turn), at most PARALLEL_READS requests of the client are in flight at once: request() waits for a slot.
        Every request still goes through request(): its retries, and
        a rate-limit wait that holds the others (see the class). When a call raises, the calls not yet started are
        cancelled, those running are waited for, and the exception of the first call, in the order of `calls`, that
        raised is raised again: an ApiError keeps Akamai's problem details.
        """
        calls = list(calls)
        workers = max(1, min(int(max_workers), len(calls)))
        if workers == 1:
            return [call() for call in calls]
        # Imported here: a module that reads nothing in parallel does not pay for it.
        from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait  # pylint: disable=import-outside-toplevel
        pool = ThreadPoolExecutor(max_workers=workers)
        futures = []
        try:
            futures = [pool.submit(call) for call in calls]
            wait(futures, return_when=FIRST_EXCEPTION)
            if any(future.done() and future.exception() is not None for future in futures):
                for future in futures:
                    future.cancel()
        finally:
            pool.shutdown(wait=True)
        # Every call that ran has ended: the error reported is that of the first call, in their order, that failed.
        failed = [future for future in futures if not future.cancelled() and future.exception() is not None]
        if failed:
            raise failed[0].exception()
        return [future.result() for future in futures]

    def get_many(self, reads, missing_ok=False, max_workers=PARALLEL_READS):
        """GET each of `reads` (a path, or a pair (path, params)) side by side (run_parallel) and return their
        parsed bodies in the order of `reads`; None for a 404 when `missing_ok`.

        Raises the first ApiError or TransportError, as get() would, once the other reads have ended.
        """
        def one(read):
            path, params = (read, None) if isinstance(read, str) else read
            return lambda: self.get(path, params=params, missing_ok=missing_ok)
        return self.run_parallel([one(read) for read in reads], max_workers=max_workers)

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
            max_body=_edgerc.SIGNED_BODY_BYTES,
        )
        params = {'accountSwitchKey': config.account_switch_key} if config.account_switch_key else None
        kwargs.setdefault('signed_with', config.signed_with)
        super().__init__(config.base_url, auth=auth, default_params=params,
                         secrets=[config.client_secret, config.access_token, config.client_token], **kwargs)
        self.config = config
        # The whole credential: two sections that share a client token but not a secret are two identities (the
        # one with a wrong secret must fail on its own reads, not be served the other's listing).
        self.cache_identity = hashlib.sha256('\n'.join(
            (config.client_token, config.client_secret, config.access_token)).encode('utf-8')).hexdigest()


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
