# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one reader of ``.edgerc`` files, and the editor of one section: atomic, mode 0600 from the first byte.

This file is private to the collection (note the leading underscore): it may change without notice.
Everything in the collection that reads an ``.edgerc`` file reads it here: the EdgeGrid client
(``_client.resolve_config``), the ``edgerc`` module, ``api_credential``'s ``edgerc_write`` and the
``edgegrid.access.edgerc`` lookup (which imports this file on the controller). It needs nothing but the
Python standard library.

What is read, and what is refused, follows Akamai's own readers of the file; where they disagree, the rule
that this file follows is the one written in ``docs/edgerc.md`` (one row per form, with the library it comes
from). The references:

- edgegrid-golang ``pkg/edgegrid/config.go`` (Akamai CLI, the Terraform provider), which reads the file with
  ``gopkg.in/ini.v1`` and its default options;
- edgegrid-node ``src/edgerc.js``;
- edgegrid-python ``akamai/edgegrid/edgerc.py`` (a ``configparser.ConfigParser``).

In short: full-line comments start with ``#`` or ``;``; an inline comment (``#`` or ``;``) ends a value and a
pair of quotes around it is removed (edgegrid-golang); ``key = value`` or ``key: value``; key names are
case-sensitive and ``max-body`` is read as ``max_body``; a section written twice is one section (edgegrid-golang),
a key given twice with two different values is refused; a UTF-8 byte order mark and CRLF line endings are read;
a value continued on the next line (indented, or after a backslash) is refused.

The editor (``write_section``) works on the text, line by line, never round-tripped through a parser that
rewrites: other sections, comments (inline ones too), blank lines, quotes, key order and spelling stay as they
were; only the value of the keys that change is replaced, new keys are appended to the section, a new section
to the end of the file.

Public API::

    load_section(path, section) -> Section        the section checked as credentials (errors, warnings)
    read_section(path, section) -> dict | None    the section's values as read, without checking them
    write_section(path, section, values, backup=False, check_mode=False, remove=False, update_copies=False,
                  expect_client_token=None) -> dict
    write_lock(path)                              context manager: the file's write lock (<file>.lock, 0600)
    host_url(value, where) -> str                 'https://host' (or the http:// of an emulator), checked
    check_token(key, value, where)                a client token, secret or access token, checked
    env_prefix(section) -> str                    'AKAMAI_' for default, else 'AKAMAI_<SECTION>_'
    EdgercError, EdgercConflict

Every write is a read-modify-write under an exclusive ``fcntl.flock`` on ``<file>.lock`` (created 0600 beside the
file, never removed): two writers of one file (two cron jobs, two playbooks rotating two sections) run one after
the other, and the second one edits what the first one wrote, so that no update is lost. The temporary files of
a write (``.<file>.<pid>.<n>.tmp``, 0600) that a killed writer left are removed by the next write, under the lock.
The write itself, and the backup, are the collection's one writer of files (``_files.atomic_write``,
``_files.backup``): a temporary file created 0600 beside the file, fsynced, renamed over it.

With ``update_copies``, the other sections that hold the same credential as the section written (the same
``client_token`` and host before the write) get its new ``client_token`` / ``client_secret`` in the same write:
a credential copied into ``[default]`` and ``[papi]`` is replaced in both, with one backup.

Errors never hold a secret from the file: they name the file, the line number, the section and the key.
"""

from __future__ import annotations

import errno
import os
import re
import shlex
import stat
import time
import unicodedata
from contextlib import contextmanager
from urllib.parse import urlsplit

from ansible_collections.edgegrid.access.plugins.module_utils import _errors, _files

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no lock (the collection's targets are POSIX hosts)
    fcntl = None

DEFAULT_PATH = '~/.edgerc'
DEFAULT_SECTION = 'default'
# Keys an .edgerc section may hold (and write_section accepts), in the order Akamai's template uses.
KNOWN_KEYS = ('client_secret', 'host', 'access_token', 'client_token', 'max_body', 'account_key')
REQUIRED_KEYS = ('host', 'client_token', 'client_secret', 'access_token')
SECRET_KEYS = ('client_secret', 'access_token', 'client_token')
TOKEN_KEYS = ('client_token', 'client_secret', 'access_token')
# Keys other readers know and this collection does not use (edgegrid-golang's Config; edgegrid-python).
OTHER_KEYS = ('headers_to_sign', 'debug')
# Spellings read as another key: edgegrid-python (every '-' read as '_') and edgegrid-node (max-body only) agree
# on this one; edgegrid-golang ignores max-body, which is harmless since max_body is not used to sign (below).
KEY_SPELLINGS = {'max-body': 'max_body'}
# What identifies a credential (as opposed to its API client): what update_copies writes into the copies.
COPIED_KEYS = ('client_token', 'client_secret')
SECRET_MASK = _errors.MASK
FILE_MODE = _files.FILE_MODE
# The bytes of a POST body that EdgeGrid hashes. Akamai's gateway checks the hash of the first 131072 bytes
# whatever a client's max_body says; edgegrid-node replaces any max_body by its fixed helpers.MAX_BODY (the key is
# deprecated there), and edgegrid-golang's MaxBodySize is the same number. The collection always signs with it.
SIGNED_BODY_BYTES = 131072

_COMMENT_PREFIXES = ('#', ';')
_DELIMITERS = '=:'
_HOST_RE = re.compile(r'^[A-Za-z0-9.-]+(:[0-9]{1,5})?$')
# Characters that are never part of a token, a secret or an account switch key, with why.
_NOT_IN_TOKENS = (
    (' \t', 'a space or a tab'),
    ('"\'`', 'a quotation mark (quotes are read only in a pair around the whole value)'),
    ('#;', 'a "#" or ";" (Akamai\'s readers take what follows for a comment)'),
    ('\\', 'a backslash'),
)


class EdgercError(_errors.EdgeGridError):
    """The .edgerc file cannot be read, parsed or written, a section is not usable, or the request is invalid.

    The message names the file, the line, the section or the key; never a secret from the file.
    """


class EdgercConflict(EdgercError):
    """The section no longer holds the credential the write expected (``expect_client_token``): another writer
    changed it since the caller read it. Nothing was written."""


class Section:
    """One section of an .edgerc file, checked: what ``load_section`` returns.

    Attributes: ``path`` (str, the file, ``~`` expanded), ``name`` (str), ``values`` (dict of str: every key of
    the section with the value as read, ``max-body`` as ``max_body``; ``host`` as written), ``base_url`` (str,
    ``https://<host>`` or the ``http://`` one written), ``account_key`` (str or None), ``warnings`` (list of str,
    for the user: a ``max_body`` that is not used, for one), ``lines`` (dict: key -> line number).
    ``repr`` shows no secret.
    """

    def __init__(self, path, name, values, base_url, warnings, lines):
        self.path = path
        self.name = name
        self.values = values
        self.base_url = base_url
        self.account_key = values.get('account_key') or None
        self.warnings = warnings
        self.lines = lines

    def __repr__(self):
        return 'Section(path=%r, name=%r, base_url=%r)' % (self.path, self.name, self.base_url)


def normalize_key(name):
    """A key name as the editor matches it: stripped, lower case, '-' read as '_'."""
    return name.strip().lower().replace('-', '_')


def normalize_host(value):
    """The host as it is best written: no ``https://`` (the default scheme), no trailing slash.

    ``http://`` (an emulator or a proxy) is kept, as is a port.
    """
    host = (value or '').strip()
    if host.lower().startswith('https://'):
        host = host[len('https://'):]
    return host.rstrip('/')


def host_url(value, where):
    """The base URL of an API host: ``https://<host>`` unless the host names its own scheme; no path or slash.

    `where` names the value in errors (``"section [x] of .edgerc file F: host"``). Written with or without
    ``https://`` and one trailing slash, as edgegrid-node reads it (edgegrid-golang refuses the slash).
    Raises EdgercError for an empty host, a scheme other than http(s), a path, query, user or an invalid name;
    the host is shown (it is not a secret).
    """
    text = (value or '').strip()
    if not text:
        raise EdgercError('%s is empty' % where)
    if '://' not in text:
        text = 'https://' + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ('https', 'http'):
        raise EdgercError('%s %r has an unsupported scheme %r; use a host name such as '
                          'akab-xxxx.luna.akamaiapis.net' % (where, value, parts.scheme))
    if parts.path not in ('', '/') or parts.query or parts.fragment or parts.username or parts.password:
        raise EdgercError('%s %r must be a host name only, without a path, query or user' % (where, value))
    if not parts.netloc or not _HOST_RE.match(parts.netloc) or parts.netloc.startswith(('.', '-')):
        raise EdgercError('%s %r is not a valid host name' % (where, value))
    return '%s://%s' % (scheme, parts.netloc.lower())


def token_problem(value):
    """Why `value` cannot be a client token, secret, access token or account switch key, or None if it can.

    Akamai's tokens and secrets are printable ASCII without spaces (base64 and ``akab-`` names); the reason never
    quotes the value.
    """
    for char in value:
        for chars, what in _NOT_IN_TOKENS:
            if char in chars:
                return 'it holds %s' % what
        if 0xdc80 <= ord(char) <= 0xdcff:  # a byte that is not UTF-8 (read with surrogateescape): not named
            return 'it holds a byte that is not UTF-8, not printable ASCII'
        if not 0x21 <= ord(char) <= 0x7e:
            # Named, not quoted: an invisible one (a zero-width or no-break space pasted from a web page) is no part
            # of a secret, which is ASCII.
            return 'it holds %s, a character that is not printable ASCII' % character_name(char)
    return None


def character_name(char):
    """How a message names the character `char`: ``U+200B (ZERO WIDTH SPACE)``, ``U+0007`` when Unicode names none."""
    name = unicodedata.name(char, '')
    return 'U+%04X%s' % (ord(char), ' (%s)' % name if name else '')


def check_token(key, value, where):
    """Raise EdgercError (naming `where` and `key`, never the value) unless `value` can be a token of `key`."""
    problem = token_problem(value)
    if problem:
        raise EdgercError('%s: %s is not a valid %s: %s' % (where, key, KEY_NOUNS.get(key, 'value'), problem))


KEY_NOUNS = {
    'client_token': 'client token', 'client_secret': 'client secret', 'access_token': 'access token',
    'account_key': 'account switch key',
}


def env_prefix(section):
    """The prefix of the environment variables that hold the credentials of `section`, as Akamai's tools name them.

    ``AKAMAI_`` for ``default``; else ``AKAMAI_`` + the section name upper-cased + ``_``, nothing else changed
    (``strings.ToUpper`` in edgegrid-golang's ``FromEnv``, ``toUpperCase()`` in edgegrid-node's ``readEnv``):
    section ``papi-prod`` reads ``AKAMAI_PAPI-PROD_HOST``.
    """
    if not section or section == DEFAULT_SECTION:
        return 'AKAMAI_'
    return 'AKAMAI_%s_' % section.upper()


class _Entry:
    """One ``key = value`` line of a section block.

    ``raw_key`` as written, ``key`` as read (``max-body`` -> ``max_body``), ``value`` as read (comment and quotes
    removed), ``index`` (0-based line), ``key_span`` and ``value_span`` (begin, end) within the line's text.
    """

    def __init__(self, raw_key, index, key_span, value, value_span):
        self.raw_key = raw_key
        self.key = KEY_SPELLINGS.get(raw_key, raw_key)
        self.index = index
        self.key_span = key_span
        self.value = value
        self.value_span = value_span

    @property
    def lineno(self):
        return self.index + 1


class _Block:
    """One ``[section]`` header and the lines up to the next header."""

    def __init__(self, name, start):
        self.name = name
        self.start = start
        self.end = None  # exclusive
        self.entries = []


def _key_label(raw_key):
    """'key host' for a key the readers know, else 'key' alone: a line such as 'secret=' must not be quoted."""
    if normalize_key(raw_key) in KNOWN_KEYS + OTHER_KEYS:
        return 'key %s' % raw_key
    return 'key'


def _split_lines(text):
    """The lines of `text` with their endings; LF and CRLF end a line, as every reader agrees."""
    lines = text.split('\n')
    result = [line + '\n' for line in lines[:-1]]
    if lines[-1]:
        result.append(lines[-1])
    return result


def _content(line):
    """A line without its ending."""
    if line.endswith('\r\n'):
        return line[:-2]
    if line.endswith('\n'):
        return line[:-1]
    return line


def _indent(text):
    return len(text) - len(text.lstrip())


def _read_value(text, start, where):
    """The value that starts at `start` in the line `text`, read as edgegrid-golang reads it.

    Returns (value, begin, end): the value and where it lies in `text` (inside its quotes). Raises EdgercError
    for a value that goes on over the next line (an unclosed ``\"\"\"`` or backquote, a trailing backslash).
    """
    begin = start
    while begin < len(text) and text[begin].isspace():
        begin += 1
    rest = text[begin:]
    if not rest:
        return '', begin, begin
    # gopkg.in/ini.v1 reads a value in triple double quotes or backquotes verbatim, up to the last closing one.
    for quote in ('"""', '`'):
        if rest.startswith(quote) and (quote == '`' or len(rest) > len(quote)):
            close = rest.rfind(quote, len(quote))
            if close == -1:
                raise EdgercError('%s: the value opens a %s quote that the line does not close; a value cannot go on '
                                  'over several lines' % (where, quote))
            return rest[len(quote):close], begin + len(quote), begin + close
    body = rest.rstrip()
    if body.endswith('\\'):
        raise EdgercError('%s: the value ends with a backslash, which edgegrid-golang reads as "continued on the next '
                          'line" and the other readers as part of the value; remove it' % where)
    # An inline comment: from the first '#' or ';' (gopkg.in/ini.v1 with its default options).
    cut = min([i for i in (body.find('#'), body.find(';')) if i != -1] or [len(body)])
    body = body[:cut].rstrip()
    end = begin + len(body)
    if len(body) >= 2 and body[0] == body[-1] and body[0] in '"\'' and body.count(body[0]) == 2:
        return body[1:-1], begin + 1, end - 1
    return body, begin, end


class _Document:
    """The lines of an .edgerc file and where its sections and keys are.

    Raises EdgercError (naming the file and line, never a value) for what Akamai's readers refuse or read
    differently from one another: see the module docstring and docs/edgerc.md.
    """

    def __init__(self, text, origin, bom=''):
        self.origin = origin
        self.bom = bom
        if re.search(r'\r(?!\n)', text):
            raise EdgercError('%s cannot be parsed: it ends its lines with a lone carriage return (CR); '
                              'edgegrid-golang and edgegrid-node read it as one line. Save it with LF (or CRLF) '
                              'line endings' % origin)
        self.lines = _split_lines(text)
        self.newline = '\r\n' if '\r\n' in text else '\n'
        self.blocks = []
        self._parse()

    def _parse(self):
        block = None
        key_indent = None  # the indentation of the last key line of the current block
        key_entry = None
        for index, line in enumerate(self.lines):
            text = _content(line)
            stripped = text.strip()
            lineno = index + 1
            if not stripped or stripped.startswith(_COMMENT_PREFIXES):
                continue
            indent = _indent(text)
            if key_entry is not None and indent > key_indent:
                # configparser (edgegrid-python) reads an indented line as more of the value above it;
                # gopkg.in/ini.v1 and edgegrid-node as a line of its own.
                raise EdgercError('%s cannot be parsed: line %d is indented below the %s of line %d, which '
                                  'edgegrid-python reads as more of its value and the other readers as a line of '
                                  'its own; remove the indentation' % (self.origin, lineno, _key_label(key_entry.raw_key),
                                                                       key_entry.lineno))
            if stripped.startswith('['):
                close = stripped.rfind(']')
                if close == -1:
                    raise EdgercError('%s cannot be parsed: line %d opens a [section] header without its closing "]"'
                                      % (self.origin, lineno))
                name = stripped[1:close]
                if not name:
                    raise EdgercError('%s cannot be parsed: line %d is a section header without a name'
                                      % (self.origin, lineno))
                if block is not None:
                    block.end = index
                block = _Block(name, index)
                self.blocks.append(block)
                key_entry = None
                continue
            if block is None:
                raise EdgercError('%s does not start with a [section] header (line %d)' % (self.origin, lineno))
            positions = [text.find(d) for d in _DELIMITERS if text.find(d) != -1]
            delimiter = min(positions) if positions else -1
            raw_key = text[:delimiter].strip() if delimiter != -1 else ''
            if not raw_key:
                raise EdgercError('%s cannot be parsed (line %d is not "key = value")' % (self.origin, lineno))
            key_begin = indent
            where = '%s, line %d, %s' % (self.origin, lineno, _key_label(raw_key))
            value, begin, end = _read_value(text, delimiter + 1, where)
            key_entry = _Entry(raw_key, index, (key_begin, key_begin + len(raw_key)), value, (begin, end))
            key_indent = indent
            block.entries.append(key_entry)
        if block is not None:
            block.end = len(self.lines)

    def names(self):
        """The section names, in file order, each once."""
        names = []
        for block in self.blocks:
            if block.name not in names:
                names.append(block.name)
        return names

    def blocks_of(self, section):
        return [block for block in self.blocks if block.name == section]

    def entries_of(self, section):
        return [entry for block in self.blocks_of(section) for entry in block.entries]

    def values_of(self, section):
        """The section's values as read (a key given twice: the last), None if the section is absent.

        A section written twice is one section whose keys merge, as edgegrid-golang (gopkg.in/ini.v1) reads it.
        """
        if not self.blocks_of(section):
            return None
        values = {}
        for entry in self.entries_of(section):
            values[entry.key] = entry.value
        return values

    def text(self):
        return ''.join(self.lines)

    def data(self):
        """The file's bytes: the text, with its byte order mark if it had one, bytes that were not UTF-8 kept."""
        return (self.bom + self.text()).encode('utf-8', 'surrogateescape')


def _origin(path):
    """How messages name the file: by its absolute path (a relative one is taken from the current directory)."""
    return '.edgerc file %s' % os.path.abspath(path)


def missing_file(path):
    """The message for an .edgerc file at `path` that does not exist: its absolute path, and for a relative `path`
    the directory it was taken from (a task's modules run in the directory of its playbook or role, not in the one
    ansible-playbook was started in: docs/edgerc.md)."""
    hint = ''
    if not os.path.isabs(path):
        hint = (' (given as the relative path %s, taken from the current directory %s; the modules of a task run in '
                'the directory of its playbook or role, not in the one ansible-playbook was started in: give an '
                'absolute path)' % (path, os.getcwd()))
    return '%s does not exist%s' % (_origin(path), hint)


def _decode(raw, origin):
    """(text, bom) of the file's bytes. UTF-8, with or without a byte order mark (edgegrid-golang and edgegrid-node
    skip it); bytes that are not UTF-8 are kept as they are (edgegrid-golang and edgegrid-node do not check them),
    so that a Latin-1 comment does not break the file; UTF-16 and binary files are refused."""
    if raw.startswith((b'\xff\xfe', b'\xfe\xff')) or b'\x00' in raw:
        raise EdgercError('%s cannot be parsed: it is UTF-16 or binary, not text in UTF-8; save it as UTF-8' % origin)
    text = raw.decode('utf-8', 'surrogateescape')
    if text.startswith('\ufeff'):
        return text[1:], '\ufeff'
    return text, ''


def _load(path):
    """The parsed document, or None when the file does not exist."""
    origin = _origin(path)
    try:
        with open(path, 'rb') as handle:
            raw = handle.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise EdgercError('%s is not a regular file' % origin) from None
    except OSError as exc:
        raise EdgercError('%s cannot be read: %s' % (origin, exc.strerror or type(exc).__name__)) from None
    text, bom = _decode(raw, origin)
    return _Document(text, origin, bom)


def _readable_path(path):
    """`path` with ~ expanded; EdgercError for one no file can have (a NUL character: the system refuses it with a
    bare ValueError, "embedded null byte")."""
    if isinstance(path, str) and '\0' in path:
        raise EdgercError('.edgerc file %r is no path: it holds a NUL character' % path)
    return os.path.expanduser(path)


def section_names(path):
    """The section names of the .edgerc file at `path`, in file order, each once; None when the file does not exist.

    Raises EdgercError when the file cannot be read or parsed.
    """
    document = _load(_readable_path(path))
    return None if document is None else document.names()


def read_section(path, section):
    """The values of `section` in the .edgerc file at `path`, as read; None if the file or section is absent.

    The values are not checked as credentials (``load_section`` does that). Raises EdgercError when the file
    cannot be read or parsed.
    """
    path = _readable_path(path)
    document = _load(path)
    if document is None:
        return None
    return document.values_of(section)


def load_section(path, section):
    """The section `section` of the .edgerc file at `path`, checked as EdgeGrid credentials: a Section.

    Refused with EdgercError, which names the file, the section, the key and its line but never a secret: a
    missing file or section (the sections found are listed), a key of the four (host, client_token, client_secret,
    access_token) missing or empty, one of them spelled in another case or with '-' (Akamai's readers would not
    find it), a key given twice with different values, a token or secret that cannot be one (a space, a quote left
    over...), a host that is not a host, a max_body that is not a whole number. A max_body other than 131072 is
    read but not used: signing always covers the first 131072 bytes, as Akamai's gateway checks them; it is
    reported in ``Section.warnings``.
    """
    path = _readable_path(path or DEFAULT_PATH)
    origin = _origin(path)
    if os.path.isdir(path):
        raise EdgercError('%s is not a regular file' % origin)
    document = _load(path)
    if document is None:
        raise EdgercError(missing_file(path))
    if not document.blocks_of(section):
        names = document.names()
        found = ', '.join(name if name == name.strip() else repr(name) for name in names) or 'none'
        hint = ''
        if any(name.strip() == section for name in names):
            hint = '; a section name is read as written, spaces inside the brackets included'
        raise EdgercError('%s has no section [%s] (sections found: %s)%s' % (origin, section, found, hint))
    where = 'section [%s] of %s' % (section, origin)
    values = {}
    lines = {}
    for entry in document.entries_of(section):
        at = '%s, line %d' % (where, entry.lineno)
        canonical = normalize_key(entry.raw_key)
        if entry.key != canonical and canonical in KNOWN_KEYS:
            raise EdgercError('%s: the key %s is read by none of Akamai\'s tools as %s (key names are case-sensitive '
                              'and only max-body may be written with "-"); write %s'
                              % (at, entry.raw_key, canonical, canonical))
        if entry.key in values and values[entry.key] != entry.value:
            raise EdgercError('%s: %s is given twice with different values (lines %d and %d): edgegrid-golang reads '
                              'the last, edgegrid-node the one in the first block of the section, edgegrid-python '
                              'refuses the file; keep one'
                              % (where, entry.key, lines[entry.key], entry.lineno))
        values[entry.key] = entry.value
        lines[entry.key] = entry.lineno
    missing = [key for key in REQUIRED_KEYS if key not in values]
    if missing:
        hints = ['line %d starts with %s but has no "=" or ":" right after it' % (entry.lineno, key)
                 for key in missing for entry in document.entries_of(section)
                 if re.match(r'%s\s' % key, entry.raw_key)]
        raise EdgercError('%s is missing %s%s' % (where, ', '.join(missing), ' (%s)' % '; '.join(hints) if hints else ''))
    empty = [key for key in REQUIRED_KEYS if not values[key]]
    if empty:
        raise EdgercError('%s: %s %s empty (line %s)'
                          % (where, ', '.join(empty), 'is' if len(empty) == 1 else 'are',
                             ', '.join(str(lines[key]) for key in empty)))
    for key in TOKEN_KEYS + ('account_key',):
        if values.get(key):
            check_token(key, values[key], '%s, line %d' % (where, lines[key]))
    base_url = host_url(values['host'], '%s, line %d: host' % (where, lines['host']))
    warnings = []
    warning = open_mode_warning(path)
    if warning:
        warnings.append(warning)
    if 'max_body' in values:
        warning = max_body_warning(values['max_body'], '%s, line %d' % (where, lines['max_body']))
        if warning:
            warnings.append(warning)
    return Section(path, section, values, base_url, warnings, lines)


def open_mode_warning(path):
    """The warning for an .edgerc file at `path` (links followed) whose mode lets its group or others read or write
    it (OpenSSH refuses such a private key): it holds client secrets and access tokens that other users of the host
    could read, or credentials they could replace. None for a mode of 0600 or narrower, or a file that cannot be
    looked at (the read reports that). The file is named by its real path (links resolved): the same file reached
    by another path (a linked directory, ~ and its target) is the same warning, which Ansible shows once a run."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except (OSError, ValueError):  # ValueError: a NUL in the path (the read names it)
        return None
    if not mode & 0o066:
        return None
    real = os.path.realpath(path)
    return ('%s has mode %04o: users other than its owner may %s it, and it holds API credentials. Make it private: '
            'chmod 600 %s (the edgerc module sets 0600 when it writes the file)'
            % (_origin(real), mode, 'read' if mode & 0o044 else 'change', shlex.quote(real)))


def max_body_warning(value, where):
    """The warning for a max_body of `value` (str or int) found at `where`, or None for 131072 (or empty).

    Raises EdgercError for a value that is not a whole number of bytes (edgegrid-golang and edgegrid-python
    refuse it too).
    """
    text = str(value).strip()
    if not text:
        return None
    if not text.isdigit() or int(text) <= 0:
        raise EdgercError('%s: max_body must be a positive whole number of bytes' % where)
    if int(text) == SIGNED_BODY_BYTES:
        return None
    return ('%s: max_body is %s; it is not used. Akamai checks the hash of the first %d bytes of a POST body '
            'whatever max_body says, so this collection (like edgegrid-node) always signs %d bytes; edgegrid-python '
            'would sign %s and be refused on larger POST bodies. Remove max_body from the section.'
            % (where, text, SIGNED_BODY_BYTES, SIGNED_BODY_BYTES, text))


def public_values(values):
    """The keys of a section that Akamai's readers know (KNOWN_KEYS, OTHER_KEYS), without the others.

    A key no reader knows is left out of anything shown or returned: a secret pasted on a line of its own reads as
    the name of such a key (base64 ends with '=').
    """
    if values is None:
        return None
    return dict((k, v) for k, v in values.items() if k in KNOWN_KEYS + OTHER_KEYS)


def mask_values(values):
    """A copy of a section's values with the secret keys masked and the unknown keys left out (public_values)."""
    if values is None:
        return None
    return dict((k, SECRET_MASK if k in SECRET_KEYS and v not in (None, '') else v)
                for k, v in public_values(values).items())


def _check_values(values, origin):
    """The values to set as strings (None dropped), after checking names and content as the reader would."""
    desired = {}
    for key, value in (values or {}).items():
        name = normalize_key(key)
        if name not in KNOWN_KEYS:
            raise EdgercError('unknown .edgerc key %s (known: %s)' % (key, ', '.join(KNOWN_KEYS)))
        if value is None:
            continue
        if isinstance(value, bool):
            raise EdgercError('the value of %s must be a string or a number' % name)
        text = str(value).strip()
        if not text and str(value):
            # Read as empty it would remove the key: an account_key so removed sends every request of the section
            # to the API client's own account. Almost always a variable that came out blank.
            raise EdgercError('the value of %s is only white space; give the value, or an empty string to remove the '
                              'key from the section' % name)
        if '\n' in text or '\r' in text:
            raise EdgercError('the value of %s holds a line break, which %s cannot hold' % (name, origin))
        if text == '' and name in REQUIRED_KEYS:
            raise EdgercError('%s cannot be removed from a section: every section needs %s'
                              % (name, ', '.join(REQUIRED_KEYS)))
        if text and name == 'host':
            host_url(text, 'host')
            text = normalize_host(text)
        elif text and name in TOKEN_KEYS + ('account_key',):
            check_token(name, text, 'the value to write into %s' % origin)
        elif text and name == 'max_body':
            if not text.isdigit():
                raise EdgercError('max_body must be a whole number of bytes')
            if int(text) != SIGNED_BODY_BYTES:
                raise EdgercError('max_body %s is refused: Akamai checks the hash of the first %d bytes of a POST body '
                                  'whatever max_body says, and edgegrid-python would sign only %s bytes and be refused '
                                  'on larger POST bodies. Leave max_body out (or give %d)'
                                  % (text, SIGNED_BODY_BYTES, text, SIGNED_BODY_BYTES))
        desired[name] = text
    return desired


def _same(key, current, wanted):
    if current is None:
        return False
    if key == 'host':
        return normalize_host(current) == wanted
    return current == wanted


def _set_line(document, entry, key, value):
    """Put `value` in the place of the value of `entry` (its quotes and inline comment kept), the key spelled `key`."""
    line = document.lines[entry.index]
    text = _content(line)
    ending = line[len(text):] or document.newline
    begin, end = entry.value_span
    if value and begin == end and begin > 0 and not text[begin - 1].isspace():
        value = ' ' + value
    text = text[:begin] + value + text[end:]
    key_begin, key_end = entry.key_span
    if entry.key != key:
        text = text[:key_begin] + key + text[key_end:]
    document.lines[entry.index] = text.rstrip() + ending


def _ensure_final_newline(lines, newline):
    if lines and not lines[-1].endswith(('\n', '\r')):
        lines[-1] += newline


def _last_line(block):
    return max([block.start] + [entry.index for entry in block.entries])


def _edit(document, section, desired, remove):
    """Apply the change to document.lines (None marks a removed line). Returns the changed key names."""
    blocks = document.blocks_of(section)
    current = document.values_of(section)
    newline = document.newline
    if remove:
        if not blocks:
            return []
        for block in blocks:
            last = _last_line(block)
            for index in range(block.start, last + 1):
                document.lines[index] = None
            # One blank line that separated the section goes with it, so that no double gap is left: the one
            # after it, or at the end of the file the one before it.
            following = [i for i in range(last + 1, len(document.lines)) if document.lines[i] is not None]
            if following and not document.lines[following[0]].strip():
                document.lines[following[0]] = None
            elif not following and block.start > 0 and document.lines[block.start - 1] is not None \
                    and not document.lines[block.start - 1].strip():
                document.lines[block.start - 1] = None
        return sorted(current)

    changed = []
    appended = []
    for key in KNOWN_KEYS:
        if key not in desired:
            continue
        wanted = desired[key]
        have = current.get(key) if current is not None else None
        # Every line of the key, in every block of the section, whatever its spelling (Client_Token...).
        entries = [entry for block in blocks for entry in block.entries if normalize_key(entry.raw_key) == key]
        if wanted == '':
            if not entries:
                continue
            # An empty value removes the key (every occurrence in the section).
            for entry in entries:
                document.lines[entry.index] = None
            changed.append(key)
            continue
        if _same(key, have, wanted) and all(entry.key == key for entry in entries) \
                and all(_same(key, entry.value, wanted) for entry in entries):
            continue
        changed.append(key)
        if entries:
            for entry in entries:
                _set_line(document, entry, key, wanted)
        else:
            appended.append('%s = %s%s' % (key, wanted, newline))

    if not blocks:
        lines = [line for line in document.lines if line is not None]
        _ensure_final_newline(lines, newline)
        if lines and lines[-1].strip():
            lines.append(newline)
        lines.append('[%s]%s' % (section, newline))
        lines.extend(appended)
        document.lines = lines
    elif appended:
        block = blocks[-1]
        anchor = max(index for index in [block.start] + [entry.index for entry in block.entries]
                     if document.lines[index] is not None)
        _ensure_final_newline_at(document, anchor)
        document.lines[anchor] = document.lines[anchor] + ''.join(appended)
    return changed


def _ensure_final_newline_at(document, index):
    line = document.lines[index]
    if line is not None and not line.endswith(('\n', '\r')):
        document.lines[index] = line + document.newline


LOCK_SUFFIX = '.lock'
# How long a writer waits for another writer of the same file, in seconds.
LOCK_TIMEOUT = 120


def _lock_path(target):
    return target + LOCK_SUFFIX


def lock_problem(path):
    """Why ``write_lock`` could not open the lock file of the .edgerc file at `path`, as far as a look tells (check
    mode, and api_credential before it creates a credential whose secret goes into the file): ``<lock> cannot be
    opened: <reason>`` - a symbolic link (never followed), not a regular file, a file nothing may write
    (``_files.locked_flags``: immutable, append-only), or one this process may not read and write. None when the lock
    file does not exist (the directory's checks tell whether it can be made) or a look tells nothing against it."""
    if fcntl is None:  # pragma: no cover
        return None
    lock = _lock_path(os.path.realpath(os.path.expanduser(path)))
    try:
        info = os.lstat(lock)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return '%s cannot be opened: %s' % (lock, exc.strerror or type(exc).__name__)
    if stat.S_ISLNK(info.st_mode):
        why = 'it is a symbolic link, which is not followed'
    elif not stat.S_ISREG(info.st_mode):
        why = 'it is not a regular file'
    else:
        flag = _files.locked_flags(lock)
        why = ('the file is %s' % flag) if flag is not None else (
            None if os.access(lock, os.R_OK | os.W_OK) else os.strerror(errno.EACCES))
    return None if why is None else '%s cannot be opened: %s' % (lock, why)


@contextmanager
def write_lock(path, timeout=LOCK_TIMEOUT):
    """Hold the exclusive write lock of the .edgerc file at `path`: ``fcntl.flock`` on ``<file>.lock``.

    The lock file is created with mode 0600 (it holds nothing) beside the file (after symbolic links are
    resolved), with the file's owner and group (``_files.keep_owner``), and is never removed, so that every
    writer locks the same inode. Waits up to `timeout` seconds for
    another writer, then raises EdgercError naming the lock file. The lock goes with the process: a writer that
    is killed holds it no longer. Without ``fcntl`` (not POSIX) there is no lock.
    """
    target = os.path.realpath(os.path.expanduser(path))
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock = _lock_path(target)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, 'O_NOFOLLOW', 0), FILE_MODE)
    except OSError as exc:
        raise EdgercError('cannot lock %s: %s cannot be opened: %s'
                          % (_origin(path), lock, exc.strerror or type(exc).__name__)) from None
    try:
        try:
            _files.keep_owner(fd, os.stat(target))  # the file's owner can take the lock on their own
        except OSError:
            pass
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise EdgercError('cannot lock %s: %s'
                                      % (_origin(path), exc.strerror or type(exc).__name__)) from None
                if time.monotonic() >= deadline:
                    raise EdgercError('%s is being written by another process, which has held its lock %s for more '
                                      'than %d seconds; nothing was written' % (_origin(path), lock, timeout)) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


process_alive = _files.process_alive
remove_stale_temporary_files = _files.remove_stale_temporary_files


def _atomic_write(target, data, origin):
    """Write `data` to `target` through the collection's one writer (``_files.atomic_write``), mode 0600."""
    with _errors.raised_as(EdgercError, _files.FileWriteError):
        _files.atomic_write(target, data, origin)


def _backup(target, origin):
    """Copy `target` beside itself (timestamped, 0600) through ``_files.backup``. Returns the backup's path."""
    with _errors.raised_as(EdgercError, _files.FileWriteError):
        return _files.backup(target, origin)


def _copies_of(document, section, before):
    """The other sections holding the credential `section` holds (`before`): same client_token, same host.

    In file order, each name once. Empty when the section is absent or has no client_token.
    """
    if not before or not before.get('client_token'):
        return []
    token = before['client_token']
    host = normalize_host(before.get('host'))
    names = []
    for block in document.blocks:
        name = block.name
        if name == section or name in names:
            continue
        values = document.values_of(name)
        if values.get('client_token') == token and normalize_host(values.get('host')) == host:
            names.append(name)
    return names


def write_section(path, section, values, backup=False, check_mode=False, remove=False, update_copies=False,
                  expect_client_token=None):
    """Make one section of the .edgerc file at `path` hold `values` (or remove it with `remove=True`).

    `values` maps key names (host, client_token, client_secret, access_token, account_key, max_body) to
    their values: a key that is absent or None is left as it is; an empty string removes the key; any
    other value is written (host without ``https://`` and trailing slash; numbers as text) in the place of the
    old value on every line of the key in the section, the quotes and inline comment of the line kept, the key
    spelled as Akamai's readers read it. Values are checked as ``load_section`` checks them: a token or secret
    that cannot be one, a host that is not a host, and a ``max_body`` other than 131072 are refused. A new
    section needs host, client_token, client_secret and access_token. A missing file is created; an existing
    file keeps its byte order mark, its line endings and the bytes of its other lines.

    Nothing is written when nothing changes. A write goes to a temporary file created with mode 0600 in the
    same directory, is fsynced and moved over the file with os.replace; the file is mode 0600 from its first
    byte. An existing file whose mode lets group or others in is set to 0600 (a change). With `backup`,
    the previous file is first copied beside it (``<file>.<pid>.<timestamp>~``, mode 0600). With
    `check_mode`, the result is predicted and nothing is written; a change that a real run could not write fails as
    it would (``_files.unwritable_file``: a directory that may not be written, a file that is immutable or
    append-only, whose mode could not be set either).

    With `update_copies`, when `values` sets ``client_token`` or ``client_secret`` of an existing section,
    every other section that holds the credential the section held before (the same ``client_token`` and,
    compared without ``https://`` and trailing slash, the same ``host``) gets the same ``client_token`` and
    ``client_secret``; its other keys (``access_token``, ``account_key``...) are left as they are. All of
    it goes into the file in the one write (and the one backup).

    The read, the edit and the write happen under the file's write lock (``write_lock``), which also removes the
    temporary files a killed writer left. With `expect_client_token`, the section must hold that client token when
    it is read under the lock (``''``: the section must be absent or hold none), else EdgercConflict is raised and
    nothing is written: the compare-and-swap that keeps a run from overwriting what another run wrote.

    Returns a dict: ``changed`` (bool), ``backup_file`` (str or None), ``before`` and ``after`` (the
    section's values, secrets masked; None when the section is absent), ``changed_keys`` (the key names
    whose value changes, sorted), ``mode_fixed`` (bool: the file mode was set to 0600),
    ``copied_sections`` (the other sections updated by `update_copies`, in file order) and ``copies``
    (for each of them: ``before``, ``after`` masked and ``changed_keys``) and ``warnings`` (list of str: a
    ``max_body`` left in the section that is not used to sign).

    A file whose directory does not exist (or whose way goes through a file: ``_files.missing_directory``) raises
    EdgercError naming it before any lock or write, in check mode too; with `remove` there is nothing to remove (no
    change).

    Raises EdgercError for a file that cannot be read, parsed or written, and for invalid values; EdgercConflict
    when the section does not hold `expect_client_token`.
    """
    problem = _files.not_a_file_name(path)
    if problem is not None:
        raise EdgercError('.edgerc file %s %s; nothing was written' % (_files.shown_path(path), problem))
    problem = _files.missing_directory(os.path.realpath(os.path.expanduser(path)))
    if problem is not None:
        # Before the lock (whose file lives beside the .edgerc file), in check mode too.
        if not remove:
            raise EdgercError('%s cannot be written: %s; nothing was written' % (_origin(path), problem))
        # Nothing to remove: no file can be there.
        return dict(changed=False, backup_file=None, before=None, after=None, changed_keys=[], mode_fixed=False,
                    copied_sections=[], copies={}, warnings=[])
    if check_mode:
        # A run takes the file's lock, to write or not: a lock file it could not open fails it.
        problem = lock_problem(path)
        if problem is not None:
            raise EdgercError('cannot lock %s: %s' % (_origin(path), problem))
        return _write_section(path, section, values, backup, check_mode, remove, update_copies, expect_client_token)
    with write_lock(path):
        remove_stale_temporary_files(os.path.realpath(os.path.expanduser(path)))
        return _write_section(path, section, values, backup, check_mode, remove, update_copies, expect_client_token)


def section_name_problem(section):
    """Why `section` cannot name a section that ``write_section`` writes (``invalid section name ...: it must be
    non-empty, without brackets, line breaks or surrounding spaces``), or None: checked before any request."""
    if not section or not isinstance(section, str) or any(c in section for c in '[]\r\n') \
            or section != section.strip():
        return ('invalid section name %r: it must be non-empty, without brackets, line breaks or surrounding spaces'
                % (section,))
    return None


def _write_section(path, section, values, backup, check_mode, remove, update_copies, expect_client_token):
    problem = section_name_problem(section)
    if problem is not None:
        raise EdgercError(problem)
    path = os.path.expanduser(path)
    target = os.path.realpath(path)
    origin = _origin(path)
    if os.path.exists(target) and not os.path.isfile(target):
        raise EdgercError('%s is not a regular file' % origin)
    desired = {} if remove else _check_values(values, origin)

    document = _load(target)
    exists = document is not None
    if document is None:
        document = _Document('', origin)
    before = document.values_of(section)
    if expect_client_token is not None and ((before or {}).get('client_token') or '') != expect_client_token:
        raise EdgercConflict('section [%s] of %s no longer holds the credential this write replaces: another process '
                             'changed it since it was read; nothing was written' % (section, origin))

    if before is None and not remove:
        missing = [key for key in REQUIRED_KEYS if not desired.get(key)]
        if missing:
            raise EdgercError('section [%s] is not in %s; to create it give %s' % (section, origin, ', '.join(missing)))

    original_text = document.text()
    copy_names = _copies_of(document, section, before) if update_copies and not remove else []
    changed_keys = _edit(document, section, desired, remove)
    copies = {}
    credential = dict((key, desired[key]) for key in COPIED_KEYS if key in desired)
    if credential:
        for name in copy_names:
            copy_before = document.values_of(name)
            copy_changed = _edit(document, name, credential, False)
            if copy_changed:
                copies[name] = dict(before=copy_before, changed_keys=sorted(copy_changed))
    document.lines = [line for line in document.lines if line is not None]
    new_text = document.text()
    content_changed = new_text != original_text or (not exists and not remove)
    written = _Document(new_text, origin, document.bom)
    after = written.values_of(section)
    copied_sections = [name for name in copy_names if name in copies]
    for name in copied_sections:
        copies[name] = dict(before=mask_values(copies[name]['before']), after=mask_values(written.values_of(name)),
                            changed_keys=copies[name]['changed_keys'])

    mode_fixed = False
    if content_changed:
        # Before the backup and the write (a temporary file created beside the file and renamed over it), in check
        # mode too: a directory that may not be written or where no file may be renamed nor removed (chattr +a: the
        # backup and the temporary file, both holding secrets, would stay there), a file nothing may replace.
        problem = _files.unwritable_file(path)
        if problem is not None:
            raise EdgercError('%s %s; nothing was written' % (origin, problem))
    if exists and not content_changed:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        if mode & 0o077:
            mode_fixed = True
            flag = _files.locked_flags(target)
            if flag is not None:
                raise EdgercError('cannot set the mode of %s to 0600: the file is %s' % (origin, flag))
            if not check_mode:
                try:
                    os.chmod(target, FILE_MODE)
                except OSError as exc:
                    raise EdgercError('cannot set the mode of %s to 0600: %s'
                                      % (origin, exc.strerror or type(exc).__name__)) from None

    backup_file = None
    if content_changed and not check_mode:
        if backup and exists:
            backup_file = _backup(target, origin)
        _atomic_write(target, document.data(), origin)

    warnings = []
    if after and after.get('max_body'):
        where = 'section [%s] of %s' % (section, origin)
        try:
            warning = max_body_warning(after['max_body'], where)
        except EdgercError as exc:
            warning = '%s; Akamai\'s tools refuse the section' % exc
        if warning:
            warnings.append(warning)

    return dict(
        changed=content_changed or mode_fixed,
        backup_file=backup_file,
        before=mask_values(before),
        after=mask_values(after),
        changed_keys=sorted(changed_keys) if content_changed else [],
        mode_fixed=mode_fixed,
        copied_sections=copied_sections,
        copies=copies,
        warnings=warnings,
    )


__all__ = ['EdgercError', 'EdgercConflict', 'Section', 'write_lock', 'remove_stale_temporary_files', 'process_alive',
           'missing_file', 'load_section', 'read_section', 'write_section', 'section_name_problem', 'lock_problem',
           'normalize_host', 'host_url',
           'check_token', 'env_prefix', 'mask_values', 'public_values', 'max_body_warning', 'KNOWN_KEYS', 'REQUIRED_KEYS',
           'SECRET_KEYS', 'SECRET_MASK', 'SIGNED_BODY_BYTES']
