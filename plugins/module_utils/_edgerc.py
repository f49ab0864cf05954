# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read and edit one section of an ``.edgerc`` file: atomically, mode 0600 from the first byte, comments kept.

This file is private to the collection (note the leading underscore): it may change without notice.

The file is edited as text, line by line, never round-tripped through configparser: other sections,
comments, blank lines, key order and spelling stay exactly as they were. Only the lines of the keys that
change are rewritten (``key = value``, keeping the original ``key =`` prefix), new keys are appended to
the section, a new section is appended to the end of the file.

The parsing follows what the collection's client (``_client._read_edgerc``, a ``RawConfigParser`` with
``strict=False``) and edgegrid-python read: full-line comments start with ``#`` or ``;``; ``key = value``
or ``key: value``; key names are compared lower case with ``-`` read as ``_``; a section may appear more
than once (its keys merge, the last value wins); an indented line after a key continues its value.

Public API::

    read_section(path, section) -> dict | None
    write_section(path, section, values, backup=False, check_mode=False, remove=False, update_copies=False) -> dict
    EdgercError

With ``update_copies``, the other sections that hold the same credential as the section written (the same
``client_token`` and host before the write) get its new ``client_token`` / ``client_secret`` in the same write:
a credential copied into ``[default]`` and ``[papi]`` is replaced in both, with one backup.

Errors never hold a value from the file: they name the file, the line number, the section or the key.
"""

from __future__ import annotations

import os
import re
import stat
import time

# Keys an .edgerc section may hold (and write_section accepts), in the order Akamai's template uses.
KNOWN_KEYS = ('client_secret', 'host', 'access_token', 'client_token', 'max_body', 'account_key')
REQUIRED_KEYS = ('host', 'client_token', 'client_secret', 'access_token')
SECRET_KEYS = ('client_secret', 'access_token', 'client_token')
# What identifies a credential (as opposed to its API client): what update_copies writes into the copies.
COPIED_KEYS = ('client_token', 'client_secret')
SECRET_MASK = '********'
FILE_MODE = 0o600

_COMMENT_PREFIXES = ('#', ';')
# configparser's SECTCRE, matched on the stripped line.
_SECTION_RE = re.compile(r'\[(?P<header>.+)\]')
# configparser's OPTCRE (delimiters '=' and ':'), matched on the stripped line.
_OPTION_RE = re.compile(r'(?P<option>.*?)\s*(?P<vi>[=:])\s*(?P<value>.*)$')
_OPTION_PREFIX_RE = re.compile(r'^(?P<prefix>\s*[^=:]*?\s*[=:][ \t]*)')


class EdgercError(Exception):
    """The .edgerc file cannot be read, parsed or written, or the request is invalid.

    The message names the file, the line, the section or the key; never a value from the file.
    """


def normalize_key(name):
    """A key name as the readers compare it: stripped, lower case, '-' read as '_'."""
    return name.strip().lower().replace('-', '_')


def normalize_host(value):
    """The host as it is best written: no ``https://`` (the default scheme), no trailing slash.

    ``http://`` (an emulator or a proxy) is kept, as is a port.
    """
    host = (value or '').strip()
    if host.lower().startswith('https://'):
        host = host[len('https://'):]
    return host.rstrip('/')


def mask_values(values):
    """A copy of a section's values with the secret keys masked."""
    if values is None:
        return None
    return dict((k, SECRET_MASK if k in SECRET_KEYS and v not in (None, '') else v) for k, v in values.items())


class _Entry:
    """One ``key = value`` line (plus its continuation lines) of a section block."""

    def __init__(self, key, start, value):
        self.key = key
        self.start = start
        self.end = start + 1  # exclusive; grows with continuation lines
        self.parts = [value]

    @property
    def value(self):
        return '\n'.join(self.parts).strip()


class _Block:
    """One ``[section]`` header and the lines up to the next header."""

    def __init__(self, name, start):
        self.name = name
        self.start = start
        self.end = None  # exclusive
        self.entries = []


class _Document:
    """The lines of an .edgerc file and where its sections and keys are."""

    def __init__(self, text, origin):
        self.origin = origin
        self.lines = text.splitlines(True)
        self.newline = '\r\n' if '\r\n' in text else '\n'
        self.blocks = []
        self._parse()

    def _parse(self):
        block = None
        entry = None
        entry_indent = 0
        for index, line in enumerate(self.lines):
            stripped = line.strip()
            if not stripped:
                entry = None
                continue
            if stripped.startswith(_COMMENT_PREFIXES):
                continue
            indent = len(line) - len(line.lstrip())
            if entry is not None and indent > entry_indent:
                entry.parts.append(stripped)
                entry.end = index + 1
                continue
            entry = None
            match = _SECTION_RE.match(stripped)
            if match:
                if block is not None:
                    block.end = index
                block = _Block(match.group('header'), index)
                self.blocks.append(block)
                continue
            if block is None:
                raise EdgercError('%s does not start with a [section] header (line %d)' % (self.origin, index + 1))
            match = _OPTION_RE.match(stripped)
            if not match or not match.group('option').strip():
                raise EdgercError('%s cannot be parsed (line %d is not "key = value")' % (self.origin, index + 1))
            entry = _Entry(normalize_key(match.group('option')), index, match.group('value'))
            entry_indent = indent
            block.entries.append(entry)
        if block is not None:
            block.end = len(self.lines)

    def blocks_of(self, section):
        return [block for block in self.blocks if block.name == section]

    def values_of(self, section):
        """The section's values (the last one wins, as configparser reads them), None if it is absent."""
        blocks = self.blocks_of(section)
        if not blocks:
            return None
        values = {}
        for block in blocks:
            for entry in block.entries:
                values[entry.key] = entry.value
        return values

    def text(self):
        return ''.join(self.lines)


def _origin(path):
    return '.edgerc file %s' % path


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
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError:
        raise EdgercError('%s cannot be parsed: it is not UTF-8 text' % origin) from None
    if text.startswith('\ufeff'):
        text = text[1:]
    return _Document(text, origin)


def read_section(path, section):
    """The values of `section` in the .edgerc file at `path` (unmasked), None if the file or section is absent.

    Raises EdgercError when the file cannot be read or parsed.
    """
    path = os.path.expanduser(path)
    document = _load(path)
    if document is None:
        return None
    return document.values_of(section)


def _check_values(values, origin):
    """The values to set as strings (None dropped), after checking names and content."""
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
        if '\n' in text or '\r' in text:
            raise EdgercError('the value of %s holds a line break, which %s cannot hold' % (name, origin))
        if name == 'host' and text:
            text = normalize_host(text)
        if text == '' and name in REQUIRED_KEYS:
            raise EdgercError('%s cannot be removed from a section: every section needs %s'
                              % (name, ', '.join(REQUIRED_KEYS)))
        if name == 'max_body' and text and not text.isdigit():
            raise EdgercError('max_body must be a whole number of bytes')
        desired[name] = text
    return desired


def _same(key, current, wanted):
    if current is None:
        return False
    if key == 'host':
        return normalize_host(current) == wanted
    return current == wanted


def _set_line(document, entry, value):
    """Rewrite the line of `entry` with `value`, keeping its `key =` prefix; drop its continuation lines."""
    line = document.lines[entry.start]
    ending = line[len(line.rstrip('\r\n')):] or document.newline
    match = _OPTION_PREFIX_RE.match(line)
    prefix = match.group('prefix') if match else '%s = ' % entry.key
    if not prefix.endswith((' ', '\t')) and value:
        prefix += ' '
    document.lines[entry.start] = (prefix + value).rstrip() + ending
    for index in range(entry.start + 1, entry.end):
        document.lines[index] = None


def _ensure_final_newline(lines, newline):
    if lines and not lines[-1].endswith(('\n', '\r')):
        lines[-1] += newline


def _edit(document, section, desired, remove):
    """Apply the change to document.lines (None marks a removed line). Returns the changed key names."""
    blocks = document.blocks_of(section)
    current = document.values_of(section)
    newline = document.newline
    if remove:
        if not blocks:
            return []
        for block in blocks:
            last = max([block.start] + [entry.end - 1 for entry in block.entries])
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
        if wanted == '':
            if have is None:
                continue
            # An empty value removes the key (every occurrence in the section).
            for block in blocks:
                for entry in block.entries:
                    if entry.key == key:
                        for index in range(entry.start, entry.end):
                            document.lines[index] = None
            changed.append(key)
            continue
        if _same(key, have, wanted):
            continue
        changed.append(key)
        last_entry = None
        for block in blocks:
            for entry in block.entries:
                if entry.key == key:
                    last_entry = entry
        if last_entry is not None:
            _set_line(document, last_entry, wanted)
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
        anchor = max([block.start] + [entry.end - 1 for entry in block.entries])
        _ensure_final_newline_at(document, anchor)
        document.lines[anchor] = document.lines[anchor] + ''.join(appended)
    return changed


def _ensure_final_newline_at(document, index):
    line = document.lines[index]
    if line is not None and not line.endswith(('\n', '\r')):
        document.lines[index] = line + document.newline


def _fsync_dir(directory):
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_private(path):
    """Create `path` exclusively with mode 0600 (never readable by others, whatever the umask); an fd."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _backup(target, origin):
    """Copy `target` beside itself (timestamped, 0600). Returns the backup's path."""
    with open(target, 'rb') as handle:
        data = handle.read()
    stamp = time.strftime('%Y-%m-%d@%H:%M:%S')
    base = '%s.%s.%s' % (target, os.getpid(), stamp)
    for attempt in range(100):
        candidate = '%s~' % base if attempt == 0 else '%s.%d~' % (base, attempt)
        try:
            fd = _create_private(candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            raise EdgercError('cannot back up %s: %s' % (origin, exc.strerror or type(exc).__name__)) from None
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        return candidate
    raise EdgercError('cannot back up %s: no free backup file name' % origin)


def _atomic_write(target, data, origin):
    """Write `data` to `target` through a 0600 temporary file in the same directory and os.replace."""
    directory = os.path.dirname(target) or '.'
    if not os.path.isdir(directory):
        raise EdgercError('%s cannot be written: directory %s does not exist' % (origin, directory))
    try:
        previous = os.stat(target)
    except FileNotFoundError:
        previous = None
    tmp = None
    for attempt in range(100):
        candidate = os.path.join(directory, '.%s.%d.%d.tmp' % (os.path.basename(target), os.getpid(), attempt))
        try:
            fd = _create_private(candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            raise EdgercError('%s cannot be written: %s' % (origin, exc.strerror or type(exc).__name__)) from None
        tmp = candidate
        break
    if tmp is None:
        raise EdgercError('%s cannot be written: no free temporary file name' % origin)
    try:
        try:
            if previous is not None and (previous.st_uid, previous.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fd, previous.st_uid, previous.st_gid)
                except OSError:
                    pass
            _write_all(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise EdgercError('%s cannot be written: %s' % (origin, exc.strerror or type(exc).__name__)) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _fsync_dir(directory)


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


def write_section(path, section, values, backup=False, check_mode=False, remove=False, update_copies=False):
    """Make one section of the .edgerc file at `path` hold `values` (or remove it with `remove=True`).

    `values` maps key names (host, client_token, client_secret, access_token, account_key, max_body) to
    their values: a key that is absent or None is left as it is; an empty string removes the key; any
    other value is written (host without ``https://`` and trailing slash; numbers as text). A new section
    needs host, client_token, client_secret and access_token. A missing file is created.

    Nothing is written when nothing changes. A write goes to a temporary file created with mode 0600 in the
    same directory, is fsynced and moved over the file with os.replace; the file is mode 0600 from its first
    byte. An existing file whose mode lets group or others in is set to 0600 (a change). With `backup`,
    the previous file is first copied beside it (``<file>.<pid>.<timestamp>~``, mode 0600). With
    `check_mode`, the result is predicted and nothing is written.

    With `update_copies`, when `values` sets ``client_token`` or ``client_secret`` of an existing section,
    every other section that holds the credential the section held before (the same ``client_token`` and,
    compared without ``https://`` and trailing slash, the same ``host``) gets the same ``client_token`` and
    ``client_secret``; its other keys (``access_token``, ``account_key``...) are left as they are. All of
    it goes into the file in the one write (and the one backup).

    Returns a dict: ``changed`` (bool), ``backup_file`` (str or None), ``before`` and ``after`` (the
    section's values, secrets masked; None when the section is absent), ``changed_keys`` (the key names
    whose value changes, sorted), ``mode_fixed`` (bool: the file mode was set to 0600),
    ``copied_sections`` (the other sections updated by `update_copies`, in file order) and ``copies``
    (for each of them: ``before``, ``after`` masked and ``changed_keys``).

    Raises EdgercError for a file that cannot be read, parsed or written, and for invalid values.
    """
    if not section or not isinstance(section, str) or any(c in section for c in '[]\r\n') \
            or section != section.strip():
        raise EdgercError('invalid section name %r: it must be non-empty, without brackets, line breaks or '
                          'surrounding spaces' % (section,))
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
    written = _Document(new_text, origin)
    after = written.values_of(section)
    copied_sections = [name for name in copy_names if name in copies]
    for name in copied_sections:
        copies[name] = dict(before=mask_values(copies[name]['before']), after=mask_values(written.values_of(name)),
                            changed_keys=copies[name]['changed_keys'])

    mode_fixed = False
    if exists and not content_changed:
        mode = stat.S_IMODE(os.stat(target).st_mode)
        if mode & 0o077:
            mode_fixed = True
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
        _atomic_write(target, new_text.encode('utf-8'), origin)

    return dict(
        changed=content_changed or mode_fixed,
        backup_file=backup_file,
        before=mask_values(before),
        after=mask_values(after),
        changed_keys=sorted(changed_keys) if content_changed else [],
        mode_fixed=mode_fixed,
        copied_sections=copied_sections,
        copies=copies,
    )


__all__ = ['EdgercError', 'read_section', 'write_section', 'normalize_host', 'mask_values',
           'KNOWN_KEYS', 'REQUIRED_KEYS', 'SECRET_KEYS', 'SECRET_MASK']
