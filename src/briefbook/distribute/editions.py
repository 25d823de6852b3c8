"""Per-reader editions: render the book once, stamp each reader's copy.

Takes: a brief, a readers CSV (header ``name`` or ``name,copy``; UTF-8), an output folder.
Gives: ``OUT/<brief stem>-<copy>.pdf`` per reader — the base render with ``张三 第007份`` on
every page (cover included) in the top margin, above the running header — and
``OUT/editions.json`` (file, sha256, pages, copy, name, base sha256, trace code; signed,
encrypted). A run replaces the previous run's copies only when all its copies are written,
and a run killed while moving its copies in is finished by the next run (see
``make_editions``). Each copy also carries a faint dot code that ``trace`` reads, and may be
signed and encrypted (distribute/finish.py, trace.py, signing.py).

How: the book is laid out ONCE. For each reader a one-page *stamp sheet* is rendered with
WeasyPrint — the page size of the book, nothing on it but the mark, in the bundled Noto Sans
CJK SC Bold — so the mark is real text with a ToUnicode map, and the stamp font is subset to
that reader's mark alone (a sheet shared by several readers would put their names' glyphs and
ToUnicode entries into every copy). Each copy is then a full rewrite of the base document
(pypdf): the stamp page becomes a form XObject drawn after each page's own content, which is
wrapped in ``q … Q`` so nothing leaks. A copy has a single revision: it does not begin with
the base bytes, so cutting it at an ``%%EOF`` cannot recover an unmarked book. Every object of
the base is carried over unchanged apart from the pages' content arrays and resources, so
every copy renders as the base outside the mark's box.

Where the copies are stamped — local worker processes, or a Dask cluster (``--executor
dask``: base PDF and stamp inputs sent once per worker, copies returned as bytes and written
here; see ``_stamp_on_dask`` and dask_run.py) — changes nothing in them: the same bytes and the
same ``editions.json``.

Reader names are untrusted: they are HTML-escaped into the stamp sheet, checked against the
bundled fonts, and never used in file names (the copy number is).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import glob
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

from briefbook.core import resources
from briefbook.core.coverage import HINT, describe, missing_characters
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.fileio import (
    _owner_alive,
    atomic_path,
    check_writable_target,
    make_staging,
    read_bounded,
    write_atomic,
)
from briefbook.core.fonts import Slot, font_face_css
from briefbook.core.proc import run_jobs, signals_held
from briefbook.distribute.build import sigterm_as_interrupt
from briefbook.distribute.executor import LOCAL, ExecutorKind, ExecutorSettings
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.manifest import (
    EDITIONS_MANIFEST,
    pdf_pages,
    read_manifest,
    sha256_file,
    write_manifest,
)
from briefbook.distribute.signing import stage_passwords, take_passwords

if TYPE_CHECKING:
    from pypdf import PageObject

    from briefbook.render import Renderer

#: Where the mark sits, in mm from the page's top-right corner (right edge aligned with the
#: text block's right margin of book.css). Tests compare copies to the base outside this box.
MARK_TOP_MM = 9.0
MARK_RIGHT_MM = 22.0
MARK_FONT_PT = 8.0


#: (left, top, right, bottom) in mm from the page's top-left, for a page ``width_mm`` wide.
def mark_box_mm(width_mm: float) -> tuple[float, float, float, float]:
    return (width_mm / 3, MARK_TOP_MM - 1.5, width_mm - MARK_RIGHT_MM + 1.0, MARK_TOP_MM + 6.0)


MAX_NAME = 40
#: Readers per run (``--max-readers``): 10,000 copies of the full book take ~4 min and ~4 GB
#: of disk on 2 cores (benchmarks/RESULTS.md: 1,000 in 25 s); more is a mistake more often
#: than a plan, so it must be asked for.
MAX_READERS = 10_000
#: The readers CSV: 10,000 rows of a 40-character name and a 6-digit copy fit in 2 MB.
MAX_READERS_BYTES = 2_000_000
MAX_COPY = 999_999
CHUNK = 50  # readers per worker task (progress granularity); copies do not depend on it

#: The mark's face: Noto Sans CJK SC Bold, backed by the supplement (briefbook.core.fonts).
STAMP_SLOTS = (Slot("BB Sans", 700, "NotoSansCJKsc-Bold.otf"),)
STAMP_CSS = """
@page {{ size: {width}pt {height}pt; margin: 0; background: transparent; }}
html, body {{ margin: 0; background: transparent; }}
.page {{ position: relative; height: {height}pt; break-after: page; }}
.page:last-child {{ break-after: auto; }}
.mark {{ position: absolute; top: {top}mm; right: {right}mm; white-space: nowrap;
         font: 700 {size}pt/1.2 "BB Sans"; color: #b3121e; }}
"""
STAMP_HTML = """<!DOCTYPE html>
<html lang="zh-Hans"><head><meta charset="utf-8"><title>stamp</title></head><body>
{% for mark in marks %}<div class="page"><span class="mark">{{ mark }}</span></div>
{% endfor %}</body></html>
"""


@dataclass(frozen=True)
class Reader:
    name: str
    copy: int
    line: int = 0  # line in the CSV, for messages

    @property
    def mark(self) -> str:
        return f"{self.name} 第{self.copy:03d}份"


# --- readers CSV -----------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def _decode_readers(path: Path, raw: bytes) -> str:
    """The readers CSV's text; not UTF-8 is an error at the line it fails on."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BriefbookError("not UTF-8 text (save the list as UTF-8 CSV)",
                             where=f"{path}:{line}") from exc


def _readers_header(path: Path, text: str) -> list[str]:
    """The CSV's header, lower-cased: ``name`` or ``name,copy``; anything else is an error."""
    rows = list(itertools.islice(csv.reader(io.StringIO(text, newline="")), 1))
    if not rows:
        raise BriefbookError("empty readers list; expected a header 'name' or 'name,copy'",
                             where=f"{path}:1")
    header = [h.strip().lower() for h in rows[0]]
    if header not in (["name"], ["name", "copy"]):
        raise BriefbookError(f"header is {','.join(rows[0])!r}; expected 'name' or 'name,copy'",
                             where=f"{path}:1")
    return header


def _reader_name(cells: list[str], where: str) -> str | BriefbookError:
    """A row's name, NFC-normalised, or the error that refuses it (empty, control or
    invisible characters, too long, characters the bundled fonts cannot print)."""
    name = unicodedata.normalize("NFC", cells[0].strip())
    if not name:
        return BriefbookError("empty name", where=where)
    if _CONTROL.search(name):
        return BriefbookError("name contains control or invisible characters", where=where)
    if len(name) > MAX_NAME:
        return BriefbookError(f"name longer than {MAX_NAME} characters", where=where)
    missing = missing_characters(name)
    if missing:
        chars = "; ".join(describe(m, position=f"character {m.index + 1} of the name")
                          for m in missing.values())
        return BriefbookError(f"name has characters the bundled fonts cannot print: "
                              f"{chars}", where=where, hint=HINT)
    return name


def _reader_copy(cells: list[str], header: list[str], next_copy: int,
                 where: str) -> int | BriefbookError:
    """A row's copy number: its ``copy`` cell (1 to ``MAX_COPY``), or ``next_copy`` when the
    list has no copy column; or the error that refuses it."""
    if len(header) != 2:
        return next_copy
    value = cells[1].strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_COPY:
        return BriefbookError(f"copy number {value!r} is not a whole number "
                              f"from 1 to {MAX_COPY}", where=where)
    return int(value)


def read_readers(path: Path, *, max_readers: int = MAX_READERS) -> list[Reader]:
    """Parse and validate a readers CSV; every problem at once, each at ``file:line``.

    More than ``max_readers`` readers (``--max-readers``) is refused before any is checked."""
    path = Path(path)
    raw = read_bounded(path, MAX_READERS_BYTES, "the readers list")
    text = _decode_readers(path, raw)
    header = _readers_header(path, text)
    errors: list[BriefbookError] = []
    readers: list[Reader] = []
    names: dict[str, int] = {}
    copies: dict[int, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    for cells in reader:
        line = reader.line_num
        where = f"{path}:{line}"
        if not cells or all(not c.strip() for c in cells):
            continue  # blank line
        if len(readers) + len(errors) >= max_readers:
            raise BriefbookError(f"more than {max_readers:,} readers; the limit per run is "
                                 f"{max_readers:,}", where=where,
                                 hint="split the list, or raise the limit with --max-readers N")
        if len(cells) != len(header):
            errors.append(BriefbookError(f"{len(cells)} field(s), expected {len(header)}",
                                         where=where))
            continue
        name = _reader_name(cells, where)
        if isinstance(name, BriefbookError):
            errors.append(name)
            continue
        copy = _reader_copy(cells, header, len(readers) + 1, where)
        if isinstance(copy, BriefbookError):
            errors.append(copy)
            continue
        if name in names:
            errors.append(BriefbookError(f"duplicate name {name!r} (first on line {names[name]})",
                                         where=where))
            continue
        if copy in copies:
            errors.append(BriefbookError(f"duplicate copy number {copy} (first on line "
                                         f"{copies[copy]})", where=where))
            continue
        names[name] = line
        copies[copy] = line
        readers.append(Reader(name, copy, line))
    if errors:
        raise errors[0] if len(errors) == 1 else BriefbookErrors(errors)
    if not readers:
        raise BriefbookError("no readers listed", where=f"{path}:2")
    return readers


# --- stamping --------------------------------------------------------------------------------


def page_size(pdf: bytes) -> tuple[float, float]:
    """The one page size of ``pdf`` in points; an error if its pages differ."""
    sizes = {(round(float(p.mediabox.width), 3), round(float(p.mediabox.height), 3))
             for p in PdfReader(io.BytesIO(pdf)).pages}
    if len(sizes) != 1:
        raise BriefbookError(f"the book mixes page sizes {sorted(sizes)}; editions need one size")
    return sizes.pop()


class Stamper:
    """Renders stamp sheets (WeasyPrint) and writes stamped copies of one base PDF (pypdf)."""

    def __init__(self, base: bytes):
        # imported here: WeasyPrint and the render engine cost ~1 s; a readers list with
        # mistakes is refused (read_readers) before they load. The engine first: it imports
        # WeasyPrint with its libraries opened by name (engine.libraries)
        from briefbook.render.engine import libraries

        libraries.load()
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from briefbook.render.engine.fetcher import AssetFetcher
        from briefbook.render.engine.pdf import remove_at_exit

        self.base = base
        self.reader = PdfReader(io.BytesIO(base))  # parsed once, cloned for every copy
        self.width, self.height = page_size(base)
        self.fetcher = AssetFetcher()
        self.font_config = FontConfiguration()
        css = font_face_css(slots=STAMP_SLOTS) + STAMP_CSS.format(
            width=self.width, height=self.height, top=MARK_TOP_MM, right=MARK_RIGHT_MM,
            size=MARK_FONT_PT)
        self.stylesheet = CSS(string=css, base_url=str(resources.TEMPLATES_DIR) + "/",
                              font_config=self.font_config, url_fetcher=self.fetcher)
        remove_at_exit(self.font_config)

    def sheet(self, marks: Sequence[str]) -> bytes:
        """One page per mark; nothing else on the pages. Its fonts cover exactly ``marks``."""
        # imported here: WeasyPrint and the render engine, see __init__
        import jinja2
        from weasyprint import HTML

        from briefbook.render.engine.bridge import finish_runs
        from briefbook.render.engine.pdf import raise_on_warnings, weasyprint_warnings

        html = jinja2.Environment(autoescape=True).from_string(STAMP_HTML).render(marks=marks)
        self.fetcher.refused.clear()
        with weasyprint_warnings() as warnings:
            pdf = HTML(string=html, base_url=str(resources.TEMPLATES_DIR) + "/",
                       url_fetcher=self.fetcher).write_pdf(stylesheets=[self.stylesheet],
                                                           font_config=self.font_config)
        raise_on_warnings(warnings, self.fetcher, where="stamp sheet")
        # A process that rendered a book draws run marks (render/engine/runs.py): finish them
        # here too.
        return finish_runs(pdf)

    def stamp_page(self, mark: str) -> PageObject:
        """The stamp for one reader: a one-page sheet of its own, so its font holds only
        ``mark``'s glyphs."""
        sheet = PdfReader(io.BytesIO(self.sheet([mark])))
        if len(sheet.pages) != 1:
            raise BriefbookError(f"stamp sheet has {len(sheet.pages)} pages for one reader"
                                 " (a mark too long for one line?)")
        return sheet.pages[0]

    def stamp(self, stamp_page: PageObject, out: Any, under: bytes = b"") -> None:
        """Write to ``out`` a full copy of the base PDF drawing ``stamp_page`` on every page
        (and ``under``, self-contained content operators, before each page's own content)."""
        writer = PdfWriter(clone_from=self.reader)
        writer.pdf_header = self.reader.pdf_header  # keep the base's version (pypdf says 1.3)
        contents = stamp_page.get_contents()
        if contents is None:
            raise BriefbookError("the stamp sheet's page is empty")
        form = DecodedStreamObject()
        form.set_data(contents.get_data())
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(v) for v in stamp_page.mediabox]),
            NameObject("/Resources"): stamp_page["/Resources"].clone(writer),
        })
        form_ref = writer._add_object(form)
        opening = DecodedStreamObject()
        opening.set_data(under + b"q\n")
        closing = DecodedStreamObject()
        # The mark is an artifact (PDF/UA): readers of a tagged copy skip it, as a page header.
        closing.set_data(b"\nQ\n/Artifact <</Type /Pagination>> BDC q /BBStamp Do Q EMC\n")
        opening_ref, closing_ref = writer._add_object(opening), writer._add_object(closing)
        done: set[int] = set()
        for page in writer.pages:
            resources = page.get("/Resources")
            if resources is None:
                resources = DictionaryObject()
                page[NameObject("/Resources")] = resources
            resources = resources.get_object()
            assert isinstance(resources, DictionaryObject)  # a page's resources: a dictionary
            if id(resources) not in done:  # WeasyPrint shares one resources dict
                done.add(id(resources))
                xobjects = resources.get("/XObject")
                if xobjects is None:
                    xobjects = DictionaryObject()
                    resources[NameObject("/XObject")] = xobjects
                xobjects = xobjects.get_object()
                assert isinstance(xobjects, DictionaryObject)  # /XObject: a dictionary
                if "/BBStamp" in xobjects:
                    raise BriefbookError("the base PDF is already stamped")
                xobjects[NameObject("/BBStamp")] = form_ref
            contents = page.raw_get("/Contents")
            resolved = contents.get_object()
            original = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([opening_ref, *original, closing_ref])
        writer.write(out)


def _edition_name(stem: str, copy: int, width: int) -> str:
    return f"{stem}-{copy:0{width}d}.pdf"


@dataclass(frozen=True)
class StampTask:
    """A chunk of readers for a local worker: the base PDF (as a file path, not bytes: large
    task payloads fill the pool's pipe, and on Python 3.11.2 (Debian 12) a pool stopped by
    Ctrl-C then hangs joining its feeder) and its sha256, the folder the copies go to, the
    brief's stem and the copy numbers' width (file names), and the run's ``CopyFinish``."""

    base_path: str
    base_sha: str
    out_dir: str
    stem: str
    width: int
    readers: tuple[Reader, ...]
    finish: CopyFinish


def _stamp_chunk(task: StampTask) -> list[dict[str, Any]]:
    """Local worker: write the copies of a chunk of readers. Returns manifest entries."""
    stamper = _stamper_for(task.base_sha, lambda: Path(task.base_path).read_bytes())
    finish = task.finish
    entries = []
    for reader in task.readers:
        stamp_page = stamper.stamp_page(reader.mark)
        target = Path(task.out_dir) / _edition_name(task.stem, reader.copy, task.width)
        under, extra = finish.under(reader.copy, stamper.width, stamper.height)
        with atomic_path(target) as tmp:
            with open(tmp, "wb") as handle:
                stamper.stamp(stamp_page, handle, under)
            mode = os.stat(tmp).st_mode
            extra.update(finish.protect(tmp))
            os.chmod(tmp, mode)  # signing/encrypting rewrote it as 0600: the mode of any copy
        entries.append({"file": target.name, "copy": reader.copy, "name": reader.name,
                        "sha256": sha256_file(target), **extra})
    return entries


def _stamp_chunk_bytes(shared: str, chunk: tuple[Reader, ...]
                       ) -> list[tuple[dict[str, Any], bytes]]:
    """Dask worker: the copies of a chunk of readers as (entry, PDF bytes), written by the
    client. The base PDF and stamp inputs come with the run's worker plugin (``shared``),
    once per worker, not with each task."""
    # imported here: dask_run loads Dask distributed (~0.5 s), for --executor dask only
    from briefbook.distribute.dask_run import shared_data

    inputs = shared_data(shared)
    stamper = _stamper_for(inputs["base_sha256"], lambda: inputs["base"])
    finish: CopyFinish = inputs["finish"]
    copies = []
    with tempfile.TemporaryDirectory(prefix="briefbook-copy-") as scratch:
        for reader in chunk:
            under, extra = finish.under(reader.copy, stamper.width, stamper.height)
            tmp = Path(scratch) / "copy.pdf"
            with open(tmp, "wb") as handle:
                stamper.stamp(stamper.stamp_page(reader.mark), handle, under)
            extra.update(finish.protect(tmp))   # signing/encryption, as the local worker does
            copies.append(({"file": _edition_name(inputs["stem"], reader.copy, inputs["width"]),
                            "copy": reader.copy, "name": reader.name, **extra},
                           tmp.read_bytes()))
    return copies


def _stamp_on_dask(client: Any, base: bytes, base_sha: str, staging: Path, stem: str,
                   width: int, chunks: list[tuple[Reader, ...]], finish: CopyFinish,
                   ) -> Iterator[list[dict[str, Any]]]:
    """Stamp ``chunks`` on the Dask cluster of ``client`` (dask_run.connect); write each
    returned copy into ``staging`` (atomically, so an interrupt leaves no partial file);
    yield each chunk's entries."""
    # imported here: dask_run loads Dask distributed (~0.5 s), for --executor dask only
    from briefbook.distribute import dask_run

    shared = {"base": base, "base_sha256": base_sha, "stem": stem, "width": width,
              "finish": finish}
    written: set[str] = set()
    for copies in dask_run.run_tasks(client, _stamp_chunk_bytes, chunks, shared=shared):
        entries = []
        for entry, data in copies:
            if entry["file"] in written:  # a retried task delivered twice: never expected
                raise BriefbookError(f"copy {entry['file']} came back twice from the cluster")
            written.add(entry["file"])
            write_atomic(staging / entry["file"], data)
            head = {k: entry.pop(k) for k in ("file", "copy", "name")}  # local's key order
            entries.append({**head, "sha256": hashlib.sha256(data).hexdigest(), **entry})
        yield entries


_stampers: dict[str, Stamper] = {}


def _stamper_for(base_sha: str, load: Callable[[], bytes]) -> Stamper:
    """One Stamper per worker and base PDF (``load`` gives the base's bytes, called once)."""
    if base_sha not in _stampers:
        _stampers.clear()
        _stampers[base_sha] = Stamper(load())
    return _stampers[base_sha]


STAGING_PREFIX = ".editions-"
EDITIONS_FORMAT = 2
#: In a staging folder: the plan of a run that decided to move its copies in (``_commit``).
PLAN_FILE = "commit.json"
PLAN_FORMAT = 1
#: The passwords file, staged inside the staging folder (so a killed run's is swept with it).
STAGED_PASSWORDS = "passwords.csv"
MAX_PLAN_BYTES = 128 << 20
MAX_PASSWORDS_BYTES = 64 << 20


def _previous_outputs(out_dir: Path) -> list[dict]:
    """The entries of ``editions.json`` that are well-formed (plain file names); [] if none.
    An ``editions.json`` that editions did not write is an error (``load_manifest``)."""
    return [e for e in read_manifest(out_dir, EDITIONS_MANIFEST).values()
            if isinstance(e.get("file"), str) and _plain_name(e["file"])]


def _plain_name(name: object) -> bool:
    return isinstance(name, str) and Path(name).name == name and name not in ("", ".", "..")


def _ours(entry: dict, out_dir: Path, stem: str) -> bool:
    """Did ``editions`` for brief ``stem`` write this file, unchanged since? Only then may a
    later run replace or delete it: the entry names this brief (``edition``), a copy file name
    of this brief, and the file on disk is a regular file with the recorded sha256. A crafted or
    stale entry (another brief, a path, a file changed or swapped for a link) is ignored."""
    name = entry.get("file", "")
    if entry.get("edition") != stem or not re.fullmatch(re.escape(stem) + r"-\d{3,6}\.pdf", name):
        return False
    return _unchanged(out_dir / name, entry.get("sha256"))


def _unchanged(path: Path, sha256: object) -> bool:
    """``path`` is a regular file (not a link) whose sha256 is ``sha256``."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
    except OSError:
        return False
    return isinstance(sha256, str) and sha256_file(path) == sha256


# --- committing a run: a plan, then renames; a killed commit is finished by the next run ----


def _write_plan(staging: Path, plan: dict) -> None:
    """Decide: once the plan is on disk the run's copies go in, even if this process dies."""
    write_atomic(staging / PLAN_FILE, json.dumps(plan, ensure_ascii=False) + "\n")
    with contextlib.suppress(OSError):  # the plan's name in the folder, on disk too
        fd = os.open(staging, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _commit(out_dir: Path, staging: Path, plan: dict) -> None:
    """Carry out ``plan`` (see ``make_editions``): move the staged copies in, the staged
    passwords file to its place, write ``editions.json``, remove this brief's old copies.
    Every step can be repeated, so a commit cut short (SIGKILL, power loss) is finished by
    running it again from the same plan."""
    for name in plan["copies"]:
        staged = staging / name
        if os.path.lexists(staged):  # not moved in yet
            check_writable_target(out_dir / name)
            os.replace(staged, out_dir / name)
    secret = plan.get("passwords")
    if secret:
        _move_passwords(staging / secret["staged"], Path(secret["target"]), staging.name)
    manifest = plan["manifest"]
    write_manifest(out_dir, manifest["outputs"], name=EDITIONS_MANIFEST, format=EDITIONS_FORMAT,
                   brief=manifest["brief"], base_sha256=manifest["base_sha256"],
                   pages=manifest["pages"])
    for old in plan["remove"]:  # this brief's old copies, as this tool wrote them
        if _unchanged(out_dir / old["file"], old["sha256"]):
            with contextlib.suppress(OSError):
                (out_dir / old["file"]).unlink()


def _move_passwords(staged: Path, target: Path, token: str) -> None:
    """Move the staged passwords file (mode 0600) to ``target``, a new or regular file. On
    another file system it is copied to a 0600 temporary file beside ``target`` (named after
    the run, so a repeated commit reuses it), which is renamed over ``target``."""
    if not os.path.lexists(staged):
        return  # moved by an earlier attempt of this commit
    check_writable_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staged, target)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    data = read_bounded(staged, MAX_PASSWORDS_BYTES, "the staged passwords file")
    tmp = target.parent / f".{target.name}.{token}.part"
    with contextlib.suppress(FileNotFoundError):
        check_writable_target(tmp)
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        check_writable_target(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    staged.unlink()


def _valid_plan(plan: object) -> TypeGuard[dict[str, Any]]:
    """A plan as ``make_editions`` writes it: plain copy names, a manifest, a passwords
    target path. Anything else is not carried out (the staging is swept instead)."""
    if not isinstance(plan, dict) or plan.get("format") != PLAN_FORMAT:
        return False
    copies, remove, manifest = plan.get("copies"), plan.get("remove"), plan.get("manifest")
    secret = plan.get("passwords")
    return (isinstance(copies, list) and all(_plain_name(c) and c.endswith(".pdf")
                                             for c in copies)
            and isinstance(remove, list) and all(isinstance(r, dict) and _plain_name(r.get("file"))
                                                 for r in remove)
            and isinstance(manifest, dict) and isinstance(manifest.get("outputs"), list)
            and all(isinstance(e, dict) and _plain_name(e.get("file"))
                    for e in manifest["outputs"])
            and (secret is None or (isinstance(secret, dict) and _plain_name(secret.get("staged"))
                                    and isinstance(secret.get("target"), str)
                                    and os.path.isabs(secret["target"]))))


def _private_to_me(folder: Path) -> bool:
    """A real folder owned by this user that nobody else may write into (mkdtemp's 0700): its
    plan and staged files were written by this user's run, not planted by someone else."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & 0o022)


def _recover(out_dir: Path, on_stale: Callable[[Path], None],
             on_note: Callable[[str], None]) -> None:
    """Deal with the staging folders of runs that died (their owner process is gone): a run
    that had decided to commit (its plan is there) is finished — its copies moved in, its
    passwords file moved to its place, ``editions.json`` written; then the staging folder,
    with whatever an undecided run had staged (copies, passwords), is removed."""
    try:
        candidates = sorted(out_dir.glob(f"{glob.escape(STAGING_PREFIX)}*.tmp"))
    except OSError:
        return
    for staging in candidates:
        if staging.is_symlink() or not staging.is_dir() or _owner_alive(staging):
            continue
        plan = None
        if _private_to_me(staging) and os.path.lexists(staging / PLAN_FILE):
            try:
                plan = json.loads(read_bounded(staging / PLAN_FILE, MAX_PLAN_BYTES,
                                               "a killed run's plan").decode("utf-8"))
            except (BriefbookError, UnicodeDecodeError, ValueError, RecursionError):
                plan = None
        if _valid_plan(plan):
            try:
                _commit(out_dir, staging, plan)
            except (OSError, BriefbookError) as exc:
                raise _unfinished(exc, "could not finish the run that was killed while moving "
                                  "its copies into place", staging) from exc
            on_note(f"finished the run that was killed while moving its copies into place: "
                    f"{len(plan['copies'])} copies, {EDITIONS_MANIFEST}"
                    + (f", passwords file {plan['passwords']['target']}"
                       if plan.get("passwords") else ""))
        shutil.rmtree(staging, ignore_errors=True)
        on_stale(staging)


def _unfinished(exc: BaseException, what: str, staging: Path) -> BriefbookError:
    """The error for a commit cut short: its plan stays, for the next run to finish."""
    if isinstance(exc, BriefbookError):
        reason = f"{exc.where}: {exc.message}" if exc.where else exc.message
        reason = reason.replace("; nothing was changed", "")
    else:
        reason = getattr(exc, "strerror", None) or str(exc)
    return BriefbookError(f"{what} ({reason}); its plan is kept in {staging.name}, and the next "
                          "run in this folder finishes it", where=str(staging.parent),
                          hint="fix the cause (move away what is in the way, free disk space) "
                               "and rerun")


def _connect(cluster: contextlib.ExitStack, executor: ExecutorSettings, jobs: int,
             note: Callable[[str], None]) -> Any:
    """The Dask client for ``--executor dask`` (its connection held by ``cluster``), else
    None."""
    if executor.kind is ExecutorKind.DASK:
        # imported here: dask_run loads Dask distributed (~0.5 s), for --executor dask only
        from briefbook.distribute import dask_run

        return cluster.enter_context(dask_run.connect(executor, jobs, note=note))
    return None


def _base_pdf(brief: Path, base: bytes | None, renderer: Renderer | None) -> bytes:
    """The base PDF: ``base`` as given, or ``brief`` rendered by ``renderer``."""
    if base is None:
        if renderer is None:
            raise TypeError("make_editions needs the project's renderer, or the base PDF")
        base = renderer.render(brief)
    return base


def _stamp_all(batches: Generator[list[dict[str, Any]], None, None],
               progress: Callable[[int], None]) -> list[dict[str, Any]]:
    """Every copy's entry from ``batches``, ``progress(n)`` after each batch; SIGTERM unwinds
    like Ctrl-C, and the workers are stopped (the generator closed) on the way out."""
    entries: list[dict[str, Any]] = []
    with sigterm_as_interrupt(), contextlib.closing(batches):
        # workers are stopped before the staging folder goes
        for done in batches:
            entries += done
            progress(len(done))
    return entries


def _listed(out_dir: Path, stem: str) -> tuple[list[dict], dict[str, dict]]:
    """The entries ``editions.json`` lists, and by file name those that are this brief's
    copies, unchanged on disk (``_ours``): the ones this run may replace or delete."""
    previous = _previous_outputs(out_dir) if out_dir.is_dir() else []
    return previous, {e["file"]: e for e in previous if _ours(e, out_dir, stem)}


def _refuse_in_the_way(out_dir: Path, names: Iterable[str], mine: dict[str, Any]) -> None:
    """Refuse (before the slow render) a copy's path taken by a link, FIFO, device or folder,
    or by a file that ``editions.json`` does not list as a copy of this brief."""
    for name in sorted(names):
        target = out_dir / name
        check_writable_target(target)  # a link, FIFO, device or folder in the way: refused
        if os.path.lexists(target) and name not in mine:
            raise BriefbookError("a file of this name is already there and editions.json does "
                                 "not list it as a copy of this brief; nothing was changed",
                                 where=str(target),
                                 hint="move it away, or choose another --out folder")


def _open_staging(out_dir: Path) -> Path:
    """Create ``out_dir`` if need be and a fresh staging folder in it (``make_staging``)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return make_staging(out_dir, STAGING_PREFIX)
    except OSError as exc:
        raise BriefbookError(f"cannot write to folder: {exc.strerror}",
                             where=str(out_dir)) from exc


def _batches(client: Any, base: bytes, base_sha: str, staging: Path, stem: str, width: int,
             chunks: list[tuple[Reader, ...]], finish: CopyFinish,
             jobs: int) -> Generator[list[dict[str, Any]], None, None]:
    """The stamped copies' entries, batch by batch, from the Dask ``client`` or (None) from
    ``jobs`` local workers, which read the base PDF from the staging folder."""
    # both are generators: closing one stops its workers
    if client is not None:
        return cast(Generator[list[dict[str, Any]], None, None],
                    _stamp_on_dask(client, base, base_sha, staging, stem, width, chunks, finish))
    base_path = staging / ".base.pdf"  # read by the workers; goes with the staging
    base_path.write_bytes(base)
    tasks = [StampTask(str(base_path), base_sha, str(staging), stem, width, c, finish)
             for c in chunks]
    return cast(Generator[list[dict[str, Any]], None, None],
                run_jobs(_stamp_chunk, tasks, jobs=jobs))


def _stage_secret(entries: list[dict[str, Any]], staging: Path,
                  finish: CopyFinish) -> dict[str, str] | None:
    """Take the passwords out of ``entries`` (they never reach editions.json) and, for
    encrypted copies with a passwords file, stage it; the plan's ``passwords`` part."""
    rows = take_passwords(entries)  # always: passwords never reach editions.json
    if finish.protection.encrypt and finish.passwords is not None:
        # 0600, inside the staging: swept with it if this run dies before its plan
        staged = stage_passwords(staging / STAGED_PASSWORDS, rows)
        return {"staged": staged.name, "target": str(Path(finish.passwords).absolute())}
    return None


def _edition_plan(brief: Path, out_dir: Path, entries: list[dict[str, Any]],
                  previous: list[dict[str, Any]], mine: dict[str, Any], base_sha: str,
                  pages: int, secret: dict[str, str] | None) -> dict[str, Any]:
    """The run's plan (``commit.json``): its copies, the new editions.json, this brief's old
    copies to remove, where the passwords go."""
    stem = brief.stem
    made = {entry["file"] for entry in entries}
    # Other briefs' entries stay listed while their files are still there (untouched).
    others = [e for e in previous if e.get("edition") != stem
              and isinstance(e.get("edition"), str)
              and os.path.lexists(out_dir / e["file"]) and e["file"] not in made]
    return {"format": PLAN_FORMAT, "copies": sorted(made),
            "manifest": {"outputs": [*others, *entries], "brief": str(brief),
                         "base_sha256": base_sha, "pages": pages},
            "remove": [{"file": name, "sha256": mine[name].get("sha256")}
                       for name in sorted(mine.keys() - made)],
            "passwords": secret}


def make_editions(brief: Path, readers: Iterable[Reader], out_dir: Path, *, jobs: int = 1,
                  base: bytes | None = None, renderer: Renderer | None = None,
                  on_progress: Callable[[int], None] | None = None,
                  finish: CopyFinish | None = None,
                  executor: ExecutorSettings = LOCAL, chunk: int = CHUNK,
                  on_stale: Callable[[Path], None] | None = None,
                  on_note: Callable[[str], None] | None = None) -> list[dict]:
    """Render ``brief`` once and write one stamped copy per reader into ``out_dir``.

    ``executor`` says where the copies are stamped: ``jobs`` local worker processes, or a
    Dask cluster (the copies come back as bytes and this process writes them; see
    ``_stamp_on_dask``). The copies and manifest are the same either way. ``chunk`` readers
    make one task.

    Returns the manifest entries (also written to ``out_dir/editions.json``; ``build``'s
    ``manifest.json`` in the same folder is left alone). ``on_progress(n)`` is called as each
    batch of ``n`` copies is written. ``finish`` (distribute/finish.py) adds each copy's trace
    dots and, on request, signs/encrypts it; its passwords file (mode 0600) is moved to its
    place with the copies. Signed or encrypted copies get the mode plain ones get.

    All or nothing, plain, signed or encrypted: copies are written into a hidden staging
    folder inside ``out_dir``, and the passwords file into the same folder. When every copy
    succeeded, the run writes its *plan* there (``commit.json``: the copies, the new
    ``editions.json``, the old copies to remove, where the passwords go) and carries it out:
    copies moved into place, passwords file moved to ``--passwords``, ``editions.json``
    replaced, copies listed by the previous ``editions.json`` but not made by this run
    removed. A failed or interrupted run (Ctrl-C, SIGTERM) before the plan leaves the previous
    copies, manifest and passwords file exactly as they were; Ctrl-C and SIGTERM wait while
    the plan is carried out. The staging folder carries its owner's pid: a run killed outright
    (SIGKILL, power loss) leaves it, and the next run in ``out_dir`` removes it
    (``on_stale(path)``) — after finishing the dead run's plan if it had one
    (``on_note(text)`` says so), so a kill during the renames ends, at the next run, with
    every copy of that run in place, never with a mix that blocks the next run.

    ``editions.json`` keys copies by brief (``edition``: the brief's stem): a run replaces or
    deletes only files it finds listed for *its* brief, unchanged on disk; other briefs'
    copies stay listed and untouched, and a file in the way that editions did not write is an
    error, never overwritten. So is an ``editions.json`` that editions did not write. The
    passwords target must be a new or regular file (not a link, FIFO, device or folder).
    """
    brief, out_dir = Path(brief), Path(out_dir)
    readers = list(readers)
    finish = finish or CopyFinish.new()
    note = on_note or (lambda _text: None)
    if not readers:
        raise BriefbookError("no readers")
    finish.check(out_dir)  # the passwords file: a new or regular file, outside out_dir
    if out_dir.is_dir():  # before anything is checked: a killed run's commit is finished first
        _recover(out_dir, on_stale or (lambda _p: None), note)
    # What is in the way is refused before the (slow) render.
    width = max(3, len(str(max(r.copy for r in readers))))
    stem = brief.stem
    names = {_edition_name(stem, r.copy, width) for r in readers}
    previous, mine = _listed(out_dir, stem)
    _refuse_in_the_way(out_dir, names, mine)
    with contextlib.ExitStack() as cluster:
        # The cluster first: a scheduler that cannot be reached, or has no workers, is an
        # error before the (slow) render, and nothing is staged.
        client = _connect(cluster, executor, jobs, note)
        base = _base_pdf(brief, base, renderer)
        pages = pdf_pages(base)
        created = not out_dir.exists()
        staging = _open_staging(out_dir)
        decided = committed = False
        try:
            base_sha = hashlib.sha256(base).hexdigest()
            chunks = [tuple(readers[i:i + chunk]) for i in range(0, len(readers), max(1, chunk))]
            batches = _batches(client, base, base_sha, staging, brief.stem, width, chunks,
                               finish, jobs)
            entries = _stamp_all(batches, on_progress or (lambda _n: None))
            for entry in entries:
                entry.update(pages=pages, base_sha256=base_sha, edition=stem)
            secret = _stage_secret(entries, staging, finish)
            plan = _edition_plan(brief, out_dir, entries, previous, mine, base_sha, pages,
                                 secret)
            with signals_held():  # Ctrl-C and SIGTERM wait until the plan is carried out
                try:
                    _write_plan(staging, plan)
                    decided = True
                    _commit(out_dir, staging, plan)
                    committed = True
                except (OSError, BriefbookError) as exc:
                    if decided:
                        raise _unfinished(exc, "could not move all the copies into place",
                                          staging) from exc
                    if isinstance(exc, BriefbookError):
                        raise
                    raise BriefbookError(f"could not move the copies into place "
                                         f"({exc.strerror or exc}); nothing was changed",
                                         where=str(out_dir)) from exc
        except BaseException:
            # A plan cut short stays for the next run to finish (``_recover``); a plan carried
            # out (Ctrl-C held back until after it) or no plan at all: the staging goes.
            if committed or not decided:
                shutil.rmtree(staging, ignore_errors=True)
            if created and not decided:  # a failed first run leaves no empty folder behind
                with contextlib.suppress(OSError):
                    out_dir.rmdir()
            raise
        shutil.rmtree(staging, ignore_errors=True)
        return sorted(entries, key=lambda e: e["copy"])


__all__ = ["MARK_RIGHT_MM", "MARK_TOP_MM", "Reader", "Stamper", "make_editions", "mark_box_mm",
           "read_readers"]
