# -*- coding: utf-8 -*-
# Copyright (c) edgegrid.access contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one writer of the files this collection writes: mode 0600 from their first byte, atomic, with backups.

This file is private to the collection (note the leading underscore): it may change without notice.
Every file the collection writes goes through ``atomic_write`` (and its backups through ``backup``): the ``.edgerc``
files (``_edgerc.write_section``), the files of the ``private_file`` module (the key export of the
``key_provisioning`` role) and the ``edgekv_tokens.js`` files of ``edgekv_token``. It needs nothing but the Python
standard library.

How a file is written: a temporary file ``.<file>.<pid>.<n>.tmp`` is created in the target's directory with
``os.open(O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)`` (so it is 0600 or less whatever the umask, and a file or link
planted under that name is never opened), given the previous file's owner and group when they differ, written,
fsynced, and moved over the target with ``os.replace``; then the directory is fsynced. The target is never open for
writing, so a reader sees the old file or the new one, never half of one, and the bytes are never in a file that
group or others may read. Ansible's ``AnsibleModule.atomic_move`` (and so ``ansible.builtin.copy`` and ``template``)
gives a new file ``0666 & ~umask`` after the rename and sets the ``mode`` asked for afterwards: the file is
readable by others for a moment, which is why the collection does not use them for a file that holds a secret.

Public API::

    atomic_write(target, data, origin, mode=0o600)   write bytes `data` to `target` (a path, links resolved)
    backup(target, origin) -> str                     copy `target` beside itself, 0600, its owner and group kept;
                                                      the copy's path
    keep_owner(fd, stat)                              give a file just created the owner and group of `stat`
    create_private(path) -> int                       create `path` exclusively, mode 0600; an fd
    remove_stale_temporary_files(target) -> list      the temporary files a killed writer left, removed
    process_alive(pid) -> bool
    not_a_file_name(path) -> str or None             why `path` as given names no file (empty, blank, it ends in
                                                      "/", a name begins or ends with white space)
    shown_path(path) -> str                           `path` for a message (quoted when white space would hide)
    dangling_file_link(path) -> str or None           why `path`, a symbolic link, cannot be written through
    missing_directory(target, if_missing='') -> str   why the directory of `target` cannot hold it (before a write)
    unwritable_file(path, writable=True) -> str       why atomic_write could not write `path`, as far as a look
                                                      tells (before a write; writes nothing)
    directories_to_make(path) -> list                 the missing directories of `path`, outermost first, after
                                                      checking that they can be made (before a write)
    make_directories(path) -> list                    make them, each 0755; the directories made
    remove_directories(made)                          remove those again (innermost first)
    probe_write(target, origin)                       a temporary file made and removed where atomic_write writes
    locked_directory(directory) -> str or None        why no file may be renamed into `directory` (chattr +i / +a)
    probe_mode(target, origin)                        the mode of `target` set to what it is (before a chmod)
    locked_flags(target) -> str or None               the immutable or append-only flag that forbids replacing
                                                      `target`, as root too
    FileWriteError

`origin` is how messages name the file (``'.edgerc file /home/me/.edgerc'``); no message ever holds the data.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import struct
import time

try:
    import fcntl
except ImportError:  # not on every platform Python runs on; the flags are then not read (locked_flags)
    fcntl = None

from ansible_collections.edgegrid.access.plugins.module_utils import _errors

FILE_MODE = 0o600
# A temporary file of a writer whose process is alive is kept unless it is older than this many seconds.
STALE_TMP_SECONDS = 300
_TMP_RE = re.compile(r'^\.(?P<base>.+)\.(?P<pid>[0-9]+)\.(?P<n>[0-9]+)\.tmp$')


class FileWriteError(_errors.EdgeGridError):
    """A file cannot be written (or backed up). The message names the file (its `origin`) and the reason."""


def _reason(exc):
    return exc.strerror or type(exc).__name__


def not_a_file_name(path):
    """Why `path`, as the user gave it, names no file, as the end of a message (after ``shown_path(path)``): ``is
    empty`` or ``is only white space`` (the file would be the working directory, or a file named with spaces in it),
    ``ends in "/": give the name of a file, not of a directory`` (``os.path.realpath`` would drop the slash, and the
    file be written as the directory's name), or a name of the way that begins or ends with white space (almost
    always a slip of templating or quoting: ``"{{ dir }}/edgekv_tokens.js "``), ``is no path: it holds a NUL
    character``; None otherwise. Checked before any
    write, with ``missing_directory``, by every module that writes a file."""
    if not isinstance(path, str):
        return None
    if not path:
        return 'is empty: give the name of a file'
    if '\0' in path:
        return 'is no path: it holds a NUL character'
    if not path.strip():
        return 'is only white space: give the name of a file'
    if path.endswith(('/', os.sep)):
        return 'ends in "/": give the name of a file, not of a directory'
    for name in path.split(os.sep):
        if name != name.strip():
            return ('has a name that begins or ends with white space (%r), which is almost always a slip; give the '
                    'path without it' % name)
    return None


def shown_path(path):
    """`path` as a message shows it: as it is, or quoted (its repr) when it is empty or a name of it begins or ends
    with white space, which a message would not show."""
    if isinstance(path, str) and (not path or any(name != name.strip() for name in path.split(os.sep))):
        return repr(path)
    return path


def _way_to(target):
    """The way to the directory of the file `target`: (that directory, the directories of the way that do not exist,
    innermost first, the nearest path of the way that exists: a directory, or a file that blocks the way)."""
    directory = os.path.dirname(target) or '.'
    missing = []
    existing = directory
    while not os.path.lexists(existing) and os.path.dirname(existing) != existing:
        missing.append(existing)
        existing = os.path.dirname(existing)
    return directory, missing, existing


def missing_directory(target, if_missing=''):
    """Why the directory of the file `target` cannot hold it, as the end of a message: ``directory <dir> does not
    exist`` (naming the file's directory) followed by `if_missing` (a hint, such as the option that makes it), or
    ``<path> is not a directory`` (the nearest existing component of the way is a file); None when the directory
    exists. The one check, before any write, of every file the collection writes (the modules that write check it
    first, in check mode too)."""
    directory, dummy, existing = _way_to(target)
    if os.path.isdir(directory):
        return None
    if os.path.lexists(existing) and not os.path.isdir(existing):
        return '%s is not a directory' % existing
    return 'directory %s does not exist%s' % (directory, if_missing)


# What a file that is no regular file is, by its type (stat.S_IFMT), as the end of "is not a regular file: it is".
_KINDS = ((stat.S_ISDIR, 'a directory'), (stat.S_ISFIFO, 'a FIFO'), (stat.S_ISSOCK, 'a socket'),
          (stat.S_ISCHR, 'a character device'), (stat.S_ISBLK, 'a block device'))


# The inode flags that forbid replacing, renaming or removing a file and setting its mode, to root too: Linux's
# (FS_IMMUTABLE_FL, FS_APPEND_FL; <linux/fs.h>, read with the FS_IOC_GETFLAGS ioctl, as lsattr reads them) and the
# BSDs' and macOS's (st_flags, chflags(2)).
_LINUX_LOCKS = ((0x10, 'immutable (chattr +i)'), (0x20, 'append-only (chattr +a)'))
_BSD_LOCKS = ((stat.UF_IMMUTABLE | stat.SF_IMMUTABLE, 'immutable (chflags uchg or schg)'),
              (stat.UF_APPEND | stat.SF_APPEND, 'append-only (chflags uappnd or sappnd)'))
# FS_IOC_GETFLAGS = _IOR('f', 1, long): the size of a C long is in the request number (the kernel writes an int).
_FS_IOC_GETFLAGS = 0x80006601 | (struct.calcsize('l') << 16)


def locked_flags(target, directory=False):
    """The flag of the regular file `target` (links already resolved) that forbids a write of ``atomic_write`` (the
    rename over it) and a chmod, whatever the permissions and as root too - ``immutable (chattr +i)``,
    ``append-only (chattr +a)``, or the chflags(1) ones - as the end of a message after ``is ``; None when it has
    none, does not exist, is no regular file, or its flags cannot be read (a file system without them, a platform
    without the ioctl: the write then tells). With `directory`, the same flags of the directory `target`: in an
    append-only directory a file may be created but neither renamed nor removed (``os.access`` says it is writable),
    in an immutable one nothing may be created. Opens `target` for reading, changes nothing."""
    try:
        info = os.stat(target)
    except OSError:
        return None
    if not (stat.S_ISDIR(info.st_mode) if directory else stat.S_ISREG(info.st_mode)):
        return None
    flags = getattr(info, 'st_flags', None)
    if flags is not None:
        return next((name for mask, name in _BSD_LOCKS if flags & mask), None)
    if fcntl is None:
        return None
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0) | getattr(os, 'O_CLOEXEC', 0))
    except OSError:
        return None
    try:
        buffer = bytearray(8)
        fcntl.ioctl(fd, _FS_IOC_GETFLAGS, buffer, True)
        flags = struct.unpack('i', bytes(buffer[:4]))[0]
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return next((name for mask, name in _LINUX_LOCKS if flags & mask), None)


def unwritable_file(path, writable=True):
    """Why ``atomic_write`` could not write the file `path` (as given: links are resolved here, as the writers
    resolve them, and the file written is the target of a link), as the end of a message after the path's name
    (``<origin> <problem>``); None when a look tells nothing against it. Writes nothing and makes no probe file (check
    mode and the filters of the controller call it, on every task), and costs a few ``stat`` calls:

    - ``is no path: it holds a NUL character``; ``ends in "/": ...`` (``not_a_file_name``);
    - ``cannot be written: <missing_directory>`` - its directory does not exist (followed by ``; <link> is a
      dangling symbolic link (to <target>, which does not exist)`` when a link of the way leads there), or the way
      goes through a file;
    - ``cannot be read: <reason>`` - the file (or a link of its way) cannot be looked at (a loop of links, a
      directory that may not be searched), or it exists and may not be read (the writer compares it with what it
      would write);
    - ``is not a regular file: it is a directory`` (a FIFO, a socket, a character or block device; links followed);
    - with `writable`, ``cannot be written: directory <dir> is immutable (chattr +i), ...`` or ``... append-only
      (chattr +a), ...`` (``locked_directory``: os.access answers yes for an append-only directory, where the
      rename fails);
    - with `writable`, ``cannot be written: directory <dir> is not writable (...)`` - this process may not create and
      rename a file there (``os.access``, which answers no to root too on a read-only file system or for an
      immutable directory);
    - with `writable`, ``cannot be written: the file is immutable (chattr +i), which nothing may replace, root
      neither`` (or append-only; ``locked_flags``), for a file that exists.

    What only a write can tell (a full disk, a virtual file system) is ``probe_write``'s or the write's."""
    problem = not_a_file_name(path)
    if problem is not None:
        return problem
    target = os.path.realpath(path)
    problem = missing_directory(target)
    if problem is not None:
        link = _unfollowable_link(path)
        return 'cannot be written: %s%s' % (problem, '' if link is None else '; ' + link)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        return 'cannot be read: %s' % _reason(exc)
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), 'of another type')
            return 'is not a regular file: it is %s' % kind
        if not os.access(target, os.R_OK):
            return 'cannot be read: %s' % os.strerror(errno.EACCES)
    directory = os.path.dirname(target) or '.'
    problem = locked_directory(directory) if writable else None
    if problem is not None:
        return 'cannot be written: %s' % problem
    if writable and not os.access(directory, os.W_OK | os.X_OK):
        return ('cannot be written: directory %s is not writable (its permissions, a read-only file system or an '
                'immutable directory)' % directory)
    if writable and info is not None:
        flag = locked_flags(target)
        if flag is not None:
            return 'cannot be written: the file is %s, which nothing may replace, root neither' % flag
    return None


def locked_directory(directory):
    """Why no file may be written into `directory` by a rename (``atomic_write``) whatever its permissions, as root
    too: ``directory <dir> is immutable (chattr +i), in which no file may be made, renamed nor removed, root
    neither`` or ``... is append-only (chattr +a), in which a file may be made but not renamed nor removed, root
    neither`` (``locked_flags(directory=True)``); None otherwise."""
    flag = locked_flags(directory, directory=True)
    if flag is None:
        return None
    what = ('no file may be made, renamed nor removed' if flag.startswith('immutable') else
            'a file may be made but not renamed nor removed')
    return 'directory %s is %s, in which %s, root neither' % (directory, flag, what)


DIRECTORY_MODE = 0o755


def _unfollowable_link(path):
    """Where the way to the file `path` (as given, links not resolved) stops at a symbolic link: its nearest
    component that exists, when that is a link whose target does not exist (dangling) or cannot be followed (a loop);
    as the end of a message, None otherwise. ``mkdir -p`` refuses such a way; ``os.path.realpath`` follows a
    dangling link to where its target would be, and the directories would be made there."""
    existing = path if os.path.lexists(path) else _way_to(path)[2]
    if not os.path.islink(existing):
        return None
    try:
        os.stat(existing)
    except FileNotFoundError:
        try:
            link_target = os.readlink(existing)
        except OSError:
            link_target = '?'
        return '%s is a dangling symbolic link (to %s, which does not exist)' % (existing, link_target)
    except OSError as exc:
        return '%s is a symbolic link that cannot be followed (%s)' % (existing, _reason(exc))
    return None


def dangling_file_link(path):
    """Why the file `path` (as given), itself a symbolic link, cannot be written through, as the end of a message:
    ``<path> is a dangling symbolic link (to <target>, in directory <dir>, which does not exist)``; None otherwise (not
    a link, a link to a file, or a dangling link into a directory that exists, through which a write makes the file it
    names). Nothing is made where it points: as for a link on the way (``directories_to_make``), its directory is
    not made."""
    if not os.path.islink(path) or os.path.exists(path):
        return None
    target = os.path.realpath(path)
    directory = os.path.dirname(target) or '.'
    if os.path.isdir(directory):
        return None
    try:
        link_target = os.readlink(path)
    except OSError:
        link_target = '?'
    return ('%s is a dangling symbolic link (to %s, in directory %s, which does not exist)'
            % (path, link_target, directory))


def directories_to_make(path):
    """The directories of the file `path` (as given: links are resolved here) that do not exist, outermost first ([]
    when its directory exists), as ``mkdir -p`` would make them. Raises FileWriteError('<reason>') when they cannot
    be made: the file itself is a dangling symbolic link into a directory that does not exist
    (``dangling_file_link``), the way meets a symbolic link that leads nowhere (``directory <dir> cannot be made:
    <link> is a dangling symbolic link (to <target>, which does not exist)``: nothing is made where it points), a
    component of the way is a file (``<path> is not a directory``), or the nearest existing directory may not be
    written by this process (``directory <dir> cannot be made: <existing> is not writable``) or is immutable or
    append-only (``directory <dir> cannot be made: directory <existing> is append-only ...``: one made in it could
    not be removed again when the write it was made for fails; ``locked_directory``). The check, before any
    write, of a file whose missing directories a module makes (``make_directories``); a directory it passes may still
    fail to be made (a read-only or virtual file system as root): make them before any other write that depends on
    them."""
    directory, missing, existing = _way_to(os.path.realpath(path))
    if missing or not os.path.isdir(existing):
        link = dangling_file_link(path)
        if link is not None:
            raise FileWriteError(link)  # the file itself is the link: no directory on the way is in question
        link = _unfollowable_link(path)
        if link is not None:
            raise FileWriteError('directory %s cannot be made: %s' % (os.path.dirname(path) or '.', link))
    if not os.path.isdir(existing):
        raise FileWriteError('%s is not a directory' % existing)
    locked = locked_directory(existing) if missing else None
    if locked is not None:
        # An append-only one lets a directory be made but never removed: a write that then fails would leave it.
        raise FileWriteError('directory %s cannot be made: %s; make it yourself, or clear the flag (chattr -a / -i)'
                             % (directory, locked))
    if missing and not os.access(existing, os.W_OK | os.X_OK):
        raise FileWriteError('directory %s cannot be made: %s is not writable' % (directory, existing))
    return list(reversed(missing))


def make_directories(path):
    """Make the missing directories of the file `path` (``directories_to_make``), each with mode 0755 whatever the
    umask; the directories that exist keep their mode. Returns the directories made, outermost first. Raises
    FileWriteError('directory <dir> cannot be made: <reason>'); the directories it made before are removed then."""
    made = []
    try:
        for directory in directories_to_make(path):
            try:
                os.mkdir(directory, DIRECTORY_MODE)
            except FileExistsError:
                if os.path.isdir(directory):
                    continue  # made meanwhile (another run): it is not ours to set
                raise FileWriteError('%s is not a directory' % directory) from None
            except OSError as exc:
                raise FileWriteError('directory %s cannot be made: %s' % (directory, _reason(exc))) from None
            made.append(directory)
            try:
                os.chmod(directory, DIRECTORY_MODE)
            except OSError as exc:
                raise FileWriteError('cannot set the mode of directory %s to 0755: %s' % (directory, _reason(exc))) \
                    from None
    except FileWriteError:
        remove_directories(made)
        raise
    return made


def remove_directories(made):
    """Remove the directories `made` (outermost first, as make_directories returns them), innermost first, when a
    write they were made for cannot happen; stops at the first that cannot be removed (one no longer empty)."""
    for directory in reversed(made):
        try:
            os.rmdir(directory)
        except OSError:
            break


def create_private(path):
    """Create `path` exclusively with mode 0600 (never readable by others, whatever the umask); an fd.

    Raises FileExistsError when `path` exists (a symbolic link too: it is not followed), OSError otherwise.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_NOFOLLOW', 0), FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except OSError:
        os.close(fd)
        raise
    return fd


def keep_owner(fd, previous):
    """Give the file open as `fd` the owner and group of `previous` (an os.stat_result of the file it is written
    beside or for; None: nothing to keep), when they differ from this process's and the process may set them (root
    writing someone else's file); else leave it as it is. Called before anything is written into it, so that the
    owner of a file can read what is written for it (its backup, its next version) and open its lock file."""
    if previous is None or (previous.st_uid, previous.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(fd, previous.st_uid, previous.st_gid)
    except OSError:
        pass


def _create_free(candidates, failure, kind):
    """Create (``create_private``) the first path of `candidates` (an iterable of paths) that does not exist yet.

    Returns (path, fd). Raises FileWriteError '<failure>: <reason>' when a path cannot be created for another
    reason than that it exists, '<failure>: no free <kind> file name' when every one exists.
    """
    for candidate in candidates:
        try:
            return candidate, create_private(candidate)
        except FileExistsError:
            continue
        except OSError as exc:
            raise FileWriteError('%s: %s' % (failure, _reason(exc))) from None
    raise FileWriteError('%s: no free %s file name' % (failure, kind))


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


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


def backup(target, origin):
    """Copy the file `target` beside itself as ``<target>.<pid>.<YYYY-mm-dd@HH:MM:SS>~``, created 0600, with the
    owner and group of `target` (``keep_owner``, before the first byte is written).

    Returns the backup's path. Raises FileWriteError naming `origin`.
    """
    try:
        with open(target, 'rb') as handle:
            previous = os.fstat(handle.fileno())
            data = handle.read()
    except OSError as exc:
        raise FileWriteError('cannot back up %s: %s' % (origin, _reason(exc))) from None
    stamp = time.strftime('%Y-%m-%d@%H:%M:%S')
    base = '%s.%s.%s' % (target, os.getpid(), stamp)
    names = ('%s~' % base if attempt == 0 else '%s.%d~' % (base, attempt) for attempt in range(100))
    candidate, fd = _create_free(names, 'cannot back up %s' % origin, 'backup')
    try:
        keep_owner(fd, previous)  # the owner of the file can read its backup
        _write_all(fd, data)
    except OSError as exc:
        os.close(fd)
        raise FileWriteError('cannot back up %s: %s' % (origin, _reason(exc))) from None
    os.close(fd)
    return candidate


def _temporary_names(target):
    """The names atomic_write tries for its temporary file of `target`, in the same directory."""
    directory = os.path.dirname(target) or '.'
    return (os.path.join(directory, '.%s.%d.%d.tmp' % (os.path.basename(target), os.getpid(), attempt))
            for attempt in range(100))


def probe_write(target, origin):
    """Check that `target` (links already resolved) can be written by ``atomic_write``: its temporary file is created in
    the directory, as the write creates it, and removed at once; `target` itself is not touched. The check, before
    a write elsewhere (an API's) after which `target` is written, of what no permission check can tell: a read-only
    or virtual file system, a full directory table, as root too; and `target`, when it exists, without a flag that
    forbids replacing it (``locked_flags``: immutable, append-only). Raises
    FileWriteError('<origin> cannot be written: <reason>')."""
    _check_locks(target, origin)
    tmp, fd = _create_free(_temporary_names(target), '%s cannot be written' % origin, 'temporary')
    os.close(fd)
    try:
        os.unlink(tmp)
    except OSError as exc:
        # Made but not removable: the write's rename would fail too (the probe holds nothing).
        raise FileWriteError('%s cannot be written: %s cannot be removed: %s' % (origin, tmp, _reason(exc))) from None


def _check_locks(target, origin):
    """Raise FileWriteError when the directory of `target` is missing or locked (``locked_directory``), or `target`
    is a file nothing may replace (``locked_flags``): what makes a write fail whatever the permissions, told before
    any temporary file is made (in an append-only directory it could not be removed again)."""
    problem = missing_directory(target)
    if problem is None:
        problem = locked_directory(os.path.dirname(target) or '.')
    if problem is not None:
        raise FileWriteError('%s cannot be written: %s' % (origin, problem))
    flag = locked_flags(target)
    if flag is not None:
        # The rename would fail with a bare "Operation not permitted": say why.
        raise FileWriteError('%s cannot be written: the file is %s, which nothing may replace, root neither'
                             % (origin, flag))


def probe_mode(target, origin):
    """Check that the mode of the file `target` (links already resolved) can be set, as a write that only sets it
    does (``os.chmod``): its mode is set to what it is. The check, before a write elsewhere (an API's) after which
    the mode of `target` is set, of what no permission check tells: a read-only file system, an immutable file.
    Raises FileWriteError('the mode of <origin> cannot be set: <reason>')."""
    flag = locked_flags(target)
    if flag is not None:
        raise FileWriteError('the mode of %s cannot be set: the file is %s' % (origin, flag))
    try:
        os.chmod(target, stat.S_IMODE(os.stat(target).st_mode))
    except OSError as exc:
        raise FileWriteError('the mode of %s cannot be set: %s' % (origin, _reason(exc))) from None


def atomic_write(target, data, origin, mode=FILE_MODE):
    """Write the bytes `data` to the file `target` (links already resolved) and fsync it and its directory.

    The data go into a temporary file created 0600 in the same directory, which becomes `target` by
    ``os.replace``. `mode` is the file's mode after the write: 0600 (the default) for a file that holds a secret;
    a wider mode (``edgekv_tokens.js`` without secrets keeps its mode) is set on the temporary file after it is
    written, before the rename. The previous file's owner and group are kept when the writer may set them.
    A directory or a file that no write may replace (``locked_directory``, ``locked_flags``) is refused before the
    temporary file is made. Raises FileWriteError naming `origin`; the target is then as it was and no temporary
    file is left (one that cannot be removed is emptied).
    """
    directory = os.path.dirname(target) or '.'
    _check_locks(target, origin)
    try:
        previous = os.stat(target)
    except FileNotFoundError:
        previous = None
    except OSError as exc:
        raise FileWriteError('%s cannot be written: %s' % (origin, _reason(exc))) from None
    tmp, fd = _create_free(_temporary_names(target), '%s cannot be written' % origin, 'temporary')
    try:
        try:
            keep_owner(fd, previous)
            _write_all(fd, data)
            if mode != FILE_MODE:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise FileWriteError('%s cannot be written: %s' % (origin, _reason(exc))) from None
    finally:
        if tmp is not None:
            _discard(tmp)
    _fsync_dir(directory)


def _discard(tmp):
    """Remove the temporary file `tmp` of a write that failed; when it cannot be removed, empty it, so that what it
    held (a secret) is not left beside the file."""
    try:
        os.unlink(tmp)
    except OSError:
        try:
            os.truncate(tmp, 0)
        except OSError:
            pass


def process_alive(pid):
    """Whether process `pid` of this host exists and is not a zombie (a killed process nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    try:
        with open('/proc/%d/stat' % pid) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, IndexError):
        return True


def _pid_alive(pid):
    if pid == os.getpid():
        return False  # a temporary file of this process is never in use outside atomic_write
    return process_alive(pid)


def remove_stale_temporary_files(target):
    """Remove the temporary files a killed writer of `target` left beside it; the names removed.

    Call it under a lock that writers of `target` hold (``_edgerc.write_lock``). A temporary file is
    ``.<file>.<pid>.<n>.tmp``; it is stale when its process is gone, or older than STALE_TMP_SECONDS. Files of
    other names are never touched.
    """
    directory = os.path.dirname(target) or '.'
    base = os.path.basename(target)
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        match = _TMP_RE.match(name)
        if not match or match.group('base') != base:
            continue
        candidate = os.path.join(directory, name)
        try:
            info = os.lstat(candidate)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if _pid_alive(int(match.group('pid'))) and time.time() - info.st_mtime < STALE_TMP_SECONDS:
            continue
        try:
            os.unlink(candidate)
            removed.append(candidate)
        except OSError:
            pass
    return removed
