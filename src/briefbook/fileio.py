"""Writing output files so that a failure never leaves a partial or clobbered file.

Takes: bytes (or a function that writes into a path). Gives: the file, complete, or nothing.
The data goes to a temporary file in the target's folder, is flushed to disk, and is renamed
over the target only once complete; on any error or interrupt the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from briefbook.errors import BriefbookError


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
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
