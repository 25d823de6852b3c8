"""The on-disk caches (drawn charts, layout facts): entries that can only cost time.

Takes: a cache folder, a kind ("charts", "layout"), a byte limit, an entry's key (a hex hash of
everything that decides its value) and, to store, the value's bytes.
Gives: the bytes this user's briefbook stored under that key, or ``None`` — never anything
else. A caller that gets ``None`` builds the value anew and stores it.

The threat. Anyone who can write the cache folder — a project shared on a team drive, a
repository or archive that ships its ``.cache/``, a CI cache restored from another branch, a
``$BRIEFBOOK_CACHE`` on a shared disk — can plant any file under any entry's name. A hash of
the bytes kept beside the entry proves nothing (the planter computes it as easily), and a
check that a chart *looks like* matplotlib's output cannot catch a chart with forged numbers
in well-formed ``<text>``. So:

- **Every entry is signed.** Its last line is an HMAC-SHA256, under a secret key, of the
  cache kind, the entry's key (its file name) and its bytes. Only a process holding the secret
  makes an entry that passes; a planted, edited, truncated or renamed entry (moved under
  another key) fails the check and is discarded. The signature binds content to key, so a
  stale entry cannot be passed off for other data either.
- **The secret lives outside every cache folder**: 32 random bytes in
  ``$XDG_STATE_HOME/briefbook/cache.key`` (default ``~/.local/state/briefbook/cache.key``),
  made on first use in a folder of mode 0700, mode 0600, and published whole (a complete
  temporary file is hard-linked into place, so processes starting together agree on one key).
  It is used only if it is a regular file (never a symlink), owned by this user, not readable
  or writable by others, in a folder owned by this user that others cannot write. A key that
  fails these checks is replaced by a new one (all earlier entries are then redrawn); if no
  key can be kept at all (read-only or foreign home), the disk cache is off and every process
  draws its charts and lays its books out afresh — time, never content.
- **An entry is read without following or blocking**: opened with ``O_NOFOLLOW |
  O_NONBLOCK``, ``fstat``-ed on the open descriptor, accepted only as a regular file within
  the kind's byte limit, read with a bound. A symlink (to ``/dev/zero`` or anywhere), FIFO,
  device, socket, folder, oversized, truncated or forged entry is removed and the caller
  rebuilds it; a cache folder that is a symlink or a file is removed and made again.
- **Second layer for charts** (``charts.svgcheck``): a signed chart is also checked against
  the vocabulary matplotlib writes (no script, no event attribute, no reference outside the
  drawing), so even a leaked secret cannot put active content into the HTML edition.

A value larger than the kind's limit is not stored (it would be refused when read back).
Writes are atomic (``fileio.write_atomic``); a cache that cannot be written only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_fd, write_atomic

KEY_BYTES = 32
_KEY_NAME = re.compile(r"[0-9a-f]{64}")
#: The last line of every entry; for an SVG entry it is an XML comment, so the file stays a
#: viewable SVG.
_TRAILER = re.compile(rb"\n<!-- briefbook-cache v1 hmac-sha256:([0-9a-f]{64}) -->\n")
_TRAILER_LEN = len(b"\n<!-- briefbook-cache v1 hmac-sha256: -->\n") + 64


def key_path() -> Path | None:
    """Where the secret is kept (None: no home to keep it in)."""
    state = os.environ.get("XDG_STATE_HOME", "")
    try:
        base = Path(state) if os.path.isabs(state) else Path.home() / ".local" / "state"
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None
    return base / "briefbook" / "cache.key"


def _private(info: os.stat_result, *, folder: bool) -> bool:
    """Owned by this user, and others can neither write it nor (a file) read it."""
    if info.st_uid != os.geteuid():
        return False
    return not (info.st_mode & (0o022 if folder else 0o077))


def _read_key(path: Path) -> bytes | None:
    """The secret, if ``path`` is a private regular file of exactly ``KEY_BYTES`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not (stat.S_ISREG(info.st_mode) and _private(info, folder=False)
                and info.st_size == KEY_BYTES):
            return None
        data = os.read(fd, KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == KEY_BYTES else None


def _new_key(path: Path) -> bytes | None:
    """Make a secret at ``path`` (replacing an unusable one); None if it cannot be kept."""
    folder = path.parent
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    if not _folder_private(folder):
        return None  # someone else could swap the key: no disk cache
    try:
        fd, tmp = tempfile.mkstemp(prefix=".cache.key.", dir=folder)  # mode 0600
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # publish whole; another process may have won the race
        except FileExistsError:
            if _read_key(path) is None:
                os.replace(tmp, path)  # an unusable key (wrong mode, size, a link, a FIFO)
    except OSError:
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return _read_key(path)


def _folder_private(folder: Path) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and _private(info, folder=True)


@cache
def _secret(path: Path | None) -> bytes | None:
    if path is None:
        return None
    if path.parent.exists() and not _folder_private(path.parent):
        return None  # someone else could swap the key: no disk cache
    return _read_key(path) or _new_key(path)


def secret() -> bytes | None:
    """This user's cache secret, made on first use; None: the disk cache is off."""
    return _secret(key_path())


class _Refused(Exception):
    """An entry that is there but may not be used."""


def _read_entry(path: Path, limit: int) -> bytes | None:
    """The bytes of regular file ``path`` (None: there is none); ``_Refused`` for anything
    else there, or one over ``limit`` bytes. Never follows a link, never blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: a symlink; ENXIO: a socket; EACCES …
        raise _Refused(exc.strerror or str(exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused("not a regular file")
        if info.st_size > limit:
            raise _Refused("over the size limit")
        data = read_fd(fd, limit)
    except OSError as exc:
        raise _Refused(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise _Refused("over the size limit")
    return data


def _discard(path: Path) -> None:
    """Remove whatever is at ``path`` (a link itself, never its target)."""
    try:
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


class DiskCache:
    """One kind of entry in one folder: ``get`` verified bytes, ``put`` signed bytes."""

    def __init__(self, folder: Path, kind: str, *, suffix: str, limit: int):
        self.folder = Path(folder)
        self.kind = kind
        self.suffix = suffix
        #: the largest value kept, in bytes (its signature line comes on top)
        self.limit = limit

    def path(self, key: str) -> Path:
        if not _KEY_NAME.fullmatch(key):
            raise ValueError(f"cache keys are sha256 hex digests, not {key!r}")
        return self.folder / f"{key}{self.suffix}"

    def _mac(self, secret: bytes, key: str, value: bytes) -> str:
        message = b"briefbook-cache v1\0" + self.kind.encode() + b"\0" + key.encode() + b"\0"
        return hmac.new(secret, message + value, hashlib.sha256).hexdigest()

    def _folder_ok(self) -> bool:
        """The folder is a real folder (a link or a file there is removed)."""
        try:
            info = os.lstat(self.folder)
        except FileNotFoundError:
            return True  # made by the first write
        except OSError:
            return False
        if stat.S_ISDIR(info.st_mode):
            return True
        _discard(self.folder)
        return False

    def get(self, key: str, check: Callable[[bytes], bool] | None = None) -> bytes | None:
        """The value stored under ``key``, verified; None if there is none or it may not be
        used (then it is removed, and the caller rebuilds and ``put``s it)."""
        path = self.path(key)
        secret_ = secret()
        if secret_ is None or not self._folder_ok():
            return None
        try:
            data = _read_entry(path, self.limit + _TRAILER_LEN)
        except _Refused:
            _discard(path)
            return None
        if data is None:
            return None
        found = _TRAILER.fullmatch(data[-_TRAILER_LEN:])
        value = data[:-_TRAILER_LEN]
        if found is None or not hmac.compare_digest(found.group(1).decode(),
                                                   self._mac(secret_, key, value)):
            _discard(path)
            return None
        if check is not None and not check(value):
            _discard(path)
            return None
        return value

    def put(self, key: str, value: bytes) -> None:
        """Store ``value`` under ``key``, signed; silently nothing if it cannot be kept."""
        path = self.path(key)
        secret_ = secret()
        if secret_ is None or len(value) > self.limit or not self._folder_ok():
            return
        trailer = f"\n<!-- briefbook-cache v1 hmac-sha256:{self._mac(secret_, key, value)} -->\n"
        try:
            if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
                _discard(path)  # write_atomic refuses to replace a link or a FIFO
            write_atomic(path, value + trailer.encode("ascii"))
        except (OSError, BriefbookError):
            pass  # a read-only cache only costs the next render time
