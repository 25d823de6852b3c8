"""The manifests ``build`` and ``editions`` write into their output folder.

Takes: an output folder and the manifest's name — ``manifest.json`` (``MANIFEST``, build) or
``editions.json`` (``EDITIONS_MANIFEST``, editions; both may share a folder).
Gives: ``load_manifest`` / ``read_manifest`` — its body / its entries by file name, refusing
a file of that name that briefbook did not write (read bounded); ``write_manifest`` — the new
manifest written atomically; ``sha256_file`` and ``pdf_pages`` — the fields of an entry.
``trace`` reads ``EDITIONS_MANIFEST`` too (a copy's trace code names its reader).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefbook import __version__
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import check_writable_target, read_bounded, write_atomic

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
EDITIONS_MANIFEST = "editions.json"  # not build's manifest.json: both may share a folder


def sha256_file(path: Path) -> str | None:
    """The sha256 of the file at ``path`` (hex); None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


#: A manifest lists one entry (~400 bytes) per output: 10,000 readers' copies take ~4 MB.
MAX_MANIFEST_BYTES = 64 << 20


def load_manifest(out_dir: Path, name: str = MANIFEST) -> dict | None:
    """The body of ``OUT/manifest.json`` (or ``name``); None when there is none.

    A file of that name that briefbook did not write — not a regular file, not UTF-8 JSON,
    not an object with a list of ``outputs`` — would be replaced by the run: it is refused
    with a ``BriefbookError`` instead, before anything is written. Read with
    ``read_bounded``."""
    path = Path(out_dir) / name
    if not os.path.lexists(path):
        return None
    check_writable_target(path)  # a link, FIFO, device or folder there: refused
    what = f"the {name} manifest"
    raw = read_bounded(path, MAX_MANIFEST_BYTES, what,
                       hint="move it away, or choose another --out folder")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("outputs"), list):
        raise BriefbookError(f"a file named {name} is already here and briefbook did not write "
                             "it (it is not a briefbook manifest: no list of outputs); the run "
                             "would replace it, so nothing was changed", where=str(path),
                             hint="move it away, or choose another --out folder")
    return body


def read_manifest(out_dir: Path, name: str = MANIFEST) -> dict[str, dict]:
    """Entries of ``OUT/manifest.json`` (or ``name``) by file name; {} when there is none.
    A file of that name that is not a briefbook manifest is an error (``load_manifest``)."""
    body = load_manifest(out_dir, name) or {}
    return {e["file"]: e for e in body.get("outputs", [])
            if isinstance(e, dict) and isinstance(e.get("file"), str)}


def write_manifest(out_dir: Path, entries: Iterable[dict[str, Any]], *, name: str = MANIFEST,
                   **extra: Any) -> Path:
    """Write ``OUT/manifest.json`` (or ``name``) atomically: ``extra`` fields, then the
    ``entries`` sorted by file name; returns its path."""
    target = Path(out_dir) / name
    body = {"format": MANIFEST_FORMAT, "briefbook": __version__, **extra,
            "outputs": sorted(entries, key=lambda e: e["file"])}
    write_atomic(target, json.dumps(body, ensure_ascii=False, indent=2) + "\n")
    return target


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of ``pdf`` (a manifest entry's ``pages``)."""
    # imported here: pypdf costs ~0.1 s, and a build with nothing to do never needs it
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)
