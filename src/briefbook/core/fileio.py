"""Reading input files within a size limit, and writing output files so that a failure never
leaves a partial or clobbered file.

Reading (``read_bounded``): takes a path, a byte limit and what the file is ("the brief").
Gives: at most the file's bytes — or a ``BriefbookError`` *before* anything big is read. The
file is opened without blocking (a FIFO cannot hang the open), the open descriptor is
``fstat``-ed (no race between a check and the open), anything but a regular file (FIFO,
device such as ``/dev/zero``, folder, socket) is refused, and at most ``limit + 1`` bytes are
read, so ``/dev/zero`` or a file that grows while being read cannot exhaust memory.

Writing: takes bytes (or a function that writes into a path). Gives: the file, complete, or
nothing. Only a regular file (new or existing) is ever written: a target that is a symlink, a
device, a FIFO, a socket or a folder is refused with a message, never replaced. The data goes
to a temporary file in the target's folder, is flushed to disk, and is renamed over the target
only once complete; on any error or interrupt the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from briefbook.core.errors import BriefbookError

#: Kinds of file a command may read or replace, as ``stat`` calls them (for messages).
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link"))


def file_kind(mode: int) -> str:
    """What a non-regular ``st_mode`` is, in words ("a FIFO (named pipe)")."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bounded(path: Path, limit: int, what: str, *, hint: str | None = None) -> bytes:
    """The bytes of regular file ``path`` if it holds at most ``limit`` bytes; else a clear
    ``BriefbookError`` naming ``path`` and ``what`` it is. Never blocks on a FIFO, never reads
    more than ``limit + 1`` bytes."""
    path = Path(path)
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BriefbookError(f"no such file ({what})", where=where) from None
    except IsADirectoryError:
        raise BriefbookError(f"is a folder, not {what}", where=where) from None
    except OSError as exc:
        raise BriefbookError(f"cannot read {what}: {exc.strerror or exc}", where=where) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = file_kind(info.st_mode)
            message = f"is a folder, not {what}" if kind == "a folder" else \
                f"is {kind}, not a regular file; {what} must be a regular file"
            raise BriefbookError(message, where=where)
        if info.st_size > limit:
            raise BriefbookError(f"{what} is {info.st_size:,} bytes; the limit is {limit:,}",
                                 where=where, hint=hint)
        os.set_blocking(fd, True)
        data = read_fd(fd, limit)
    except OSError as exc:
        raise BriefbookError(f"cannot read {what}: {exc.strerror or exc}", where=where) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read it
        raise BriefbookError(f"{what} is more than {limit:,} bytes; the limit is {limit:,}",
                             where=where, hint=hint)
    return data


def read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from open descriptor ``fd`` (more than ``limit`` means the
    file is over it); the caller has checked what the descriptor is and closes it."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def check_writable_target(target: Path) -> None:
    """Refuse an output path that exists and is not a regular file (symlink included)."""
    try:
        info = os.lstat(target)
    except (FileNotFoundError, NotADirectoryError):
        return  # a new file (a folder that cannot be made is reported when it is made)
    if not stat.S_ISREG(info.st_mode):
        raise BriefbookError(f"is {file_kind(info.st_mode)}, not a regular file; nothing was "
                             "changed", where=str(target),
                             hint="name a new or existing regular file as the output")


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    ``target`` must be a new or regular file (see ``check_writable_target``); it is checked
    before and again just before the rename."""
    target = Path(target)
    check_writable_target(target)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise BriefbookError(f"cannot write to folder: {exc.strerror}", where=str(folder)) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are ordinary, shareable files
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        check_writable_target(target)  # it may have been swapped for a link meanwhile
        os.replace(tmp, target)
    except OSError as exc:
        reason = "disk full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
        raise BriefbookError(f"could not write the file ({reason}); nothing was changed",
                             where=str(target)) from exc
    finally:
        # BaseException included: Ctrl-C must not leave the temporary file behind.
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_atomic(target: Path, data: bytes | str) -> None:
    """Write ``data`` to ``target`` atomically."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as tmp:
        tmp.write_bytes(payload)


# --- staging folders: owned by one process, swept after a kill ------------------------------

OWNER_FILE = ".owner"


def _process_start(pid: int) -> str:
    """The start time of process ``pid`` (Linux: /proc/PID/stat field 22), "" if unknown. With
    the pid it names one process even after the pid is reused."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat_line = handle.read(4096).decode("ascii", "replace")
    except OSError:
        return ""
    return stat_line.rsplit(")", 1)[-1].split()[19] if ")" in stat_line else ""


def make_staging(folder: Path, prefix: str) -> Path:
    """A new hidden staging folder ``folder/PREFIX*.tmp`` holding an owner file (this process's
    pid and start time), so a later run can tell a live run's staging from a dead one's."""
    staging = Path(tempfile.mkdtemp(prefix=prefix, suffix=".tmp", dir=folder))
    pid = os.getpid()
    (staging / OWNER_FILE).write_text(f"{pid} {_process_start(pid)}\n", encoding="ascii")
    return staging


def _owner_alive(staging: Path) -> bool:
    try:
        fields = (staging / OWNER_FILE).read_text(encoding="ascii").split()
        pid = int(fields[0])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return False  # no owner recorded: a run killed before it wrote one
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    started = fields[1] if len(fields) > 1 else ""
    return not started or started == _process_start(pid)


def sweep_stale_staging(folder: Path, prefix: str) -> list[Path]:
    """Remove ``folder/PREFIX*.tmp`` staging folders whose owner process is gone (killed with
    SIGKILL, or the machine lost power); a live run's staging is left alone. Only folders
    with the staging name pattern are touched, and only real folders (never a symlink)."""
    removed = []
    try:
        candidates = sorted(Path(folder).glob(f"{prefix}*.tmp"))
    except OSError:
        return []
    for staging in candidates:
        if staging.is_symlink() or not staging.is_dir() or _owner_alive(staging):
            continue
        shutil.rmtree(staging, ignore_errors=True)
        removed.append(staging)
    return removed
