"""Adversarial inputs: a table of named attacks on the command line, and hypothesis strategies
for reader lists, corpus `file:` entries and output paths.

Every attack must end with exit 1 and a clear ``error:`` message (never exit 70, never a
traceback), within a generous time bound measured here, having written and deleted nothing
outside the file it was asked to write (the test folder is compared before and after).
The commands run in-process (``briefbook.cli.main``) to keep the suite fast.
"""

from __future__ import annotations

import itertools
import os
import shutil
import stat
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugins.example import BRIEFS_DIR, CORPUS_DIR, example_project
from briefbook.corpus.sources import SourceEntry, raw_path
from briefbook.distribute.editions import read_readers
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic

from plugins.cli import MINIMAL

PROFILE = dict(derandomize=True, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SHEET = BRIEFS_DIR / "summary-sheet.yaml"
ARTICLE = "武汉测试报道\n\n  长江日报7月26日讯 市委十三届十一次全会召开。\n"
INGEST = ["--id", "atk-2021-07-26", "--date", "2021-07-26", "--outlet", "测试", "--event", "13-11"]


def _listing(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (links not followed): kind, size, bytes of small files."""
    out = {}
    for p in sorted(folder.rglob("*")):
        info = os.lstat(p)
        data = p.read_bytes() if stat.S_ISREG(info.st_mode) and info.st_size < 1 << 20 else None
        out[str(p.relative_to(folder))] = (stat.S_IFMT(info.st_mode), info.st_size, data)
    return out


def _corpus_with(folder: Path, file: str | None) -> Path:
    """A copy of the example project (no briefs); with ``file``, the first article's
    ``file:`` replaced. Returns the project folder."""
    from plugins.example import copy_project

    project = copy_project(folder / "project", briefs=False)
    corpus = project.corpus_dir
    if file is None:
        return project.root
    data = yaml.safe_load((corpus / "sources.yaml").read_text(encoding="utf-8"))
    data["articles"][0]["file"] = file
    (corpus / "sources.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return project.root


def _write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# name -> (builds argv in a folder, words the error must contain)
ATTACKS = {
    "check /dev/zero": (lambda d: ["check", "/dev/zero"], "character device"),
    "check a FIFO": (lambda d: ["check", _fifo(d / "b.yaml")], "FIFO"),
    "check a folder": (lambda d: ["check", d], "is a folder"),
    "render -o a FIFO": (lambda d: ["render", SHEET, "-o", _fifo(d / "o.pdf")], "FIFO"),
    "render -o a symlink to a file": (
        lambda d: ["render", SHEET, "-o", _link(d / "o.pdf", _write(d, "v.txt", "keep"))],
        "symbolic link"),
    "render -o a dangling symlink": (
        lambda d: ["render", SHEET, "-o", _link(d / "o.pdf", d / "nowhere")], "symbolic link"),
    "editions --readers /dev/zero": (
        lambda d: ["editions", SHEET, "--readers", "/dev/zero", "--out", d / "e"],
        "character device"),
    "editions over the reader limit": (
        lambda d: ["editions", SHEET, "--readers", _write(d, "r.csv", "name\n甲\n乙\n丙\n"),
                   "--out", d / "e", "--max-readers", "2"], "more than 2 readers"),
    "editions reader name with ESC": (
        lambda d: ["editions", SHEET, "--readers", _write(d, "r.csv", "name\n甲\x1b[2J\n"),
                   "--out", d / "e"], "control or invisible"),
    "lint /dev/zero": (lambda d: ["lint", "/dev/zero"], "character device"),
    "compare a FIFO": (lambda d: ["compare", _fifo(d / "a.pdf"), "/dev/zero"], "FIFO"),
    "ingest /dev/zero": (lambda d: ["ingest", "/dev/zero", *INGEST, "--title", "测试", "--project",
                                    _corpus_with(d, None)],
                         "character device"),
    "ingest a title the fonts lack": (
        lambda d: ["ingest", _write(d, "a.txt", ARTICLE), *INGEST, "--title", "标题\U0001F600",
                   "--project", _corpus_with(d, None)], "U+1F600"),
    "sources with file: /etc/passwd": (
        lambda d: ["sources", "--project", _corpus_with(d, "/etc/passwd")],
        "not a relative path inside raw/"),
    "sources with file: raw/../../x": (
        lambda d: ["sources", "--project", _corpus_with(d, "raw/../../x")],
        "not a relative path inside raw/"),
    "extract from /dev/zero": (lambda d: ["extract", "/dev/zero"], "character device"),
    "metrics --catalog a FIFO": (lambda d: ["metrics", "--catalog", _fifo(d / "m.yaml")], "FIFO"),
    "whole articles in 99 sections by alias": (
        lambda d: ["check", _write(d, "b.yaml", MINIMAL + "sections:\n  - {heading: 节, quotes: &q ["
                   + ", ".join(["cjw-2020-12-22"] * 20) + "]}\n" + "  - {heading: 节, quotes: *q}\n"
                   * 98)], "quoted paragraphs"),
    "unknown key with terminal escapes": (
        lambda d: ["check", _write(d, "b.yaml", MINIMAL + '"\\e]0;x\\a\\e[2J": 1\n')],
        "\\x1b[2J"),
}


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _link(path: Path, to: Path) -> Path:
    path.symlink_to(to)
    return path


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack(tmp_path, capsys, name):
    from briefbook.cli import main

    build, words = ATTACKS[name]
    argv = [str(a) for a in build(tmp_path)]
    before = _listing(tmp_path)
    start = time.perf_counter()
    with pytest.raises(SystemExit) as info:
        main(argv)
    seconds = time.perf_counter() - start
    err = capsys.readouterr().err
    assert info.value.code == 1, err
    assert "error:" in err and words in err, err
    assert "Traceback" not in err and "internal error" not in err and "\x1b" not in err, err
    assert seconds < 60, seconds
    assert _listing(tmp_path) == before  # nothing written, nothing deleted


# --- generated reader lists --------------------------------------------------------------

NAME = st.one_of(st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1,
                         max_size=8),
                 st.text(st.characters(codec="utf-8"), max_size=50),
                 st.text(st.sampled_from(',"\n\r\x1b\u202e\u200b 甲乙'), max_size=12))
CELL = st.one_of(NAME, st.integers(-5, 2_000_000).map(str), st.just(""))
COUNT = itertools.count()


@settings(max_examples=200, **PROFILE)
@given(header=st.sampled_from(["name", "name,copy", "copy,name", "", "name,copy,x"]),
       rows=st.lists(st.lists(CELL, min_size=0, max_size=3), max_size=12),
       bom=st.booleans())
def test_generated_reader_lists(tmp_path, header, rows, bom):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    text = header + "\n" + buffer.getvalue()
    path = tmp_path / f"readers-{next(COUNT)}.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass"))
    try:
        readers = read_readers(path, max_readers=10)
    except BriefbookError as exc:
        assert str(path) in str(exc)
        return
    from briefbook.core.coverage import missing_characters

    assert 1 <= len(readers) <= 10
    assert len({r.copy for r in readers}) == len(readers) == len({r.name for r in readers})
    for reader in readers:
        assert reader.name and not missing_characters(reader.mark)
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in reader.name)


# --- generated corpus file entries -------------------------------------------------------

PART = st.one_of(st.sampled_from(["raw", "..", ".", "", "etc", "passwd", "link", "a.txt",
                                  "\\..", "~", "raw\x00"]),
                 st.text(st.characters(codec="utf-8"), max_size=8))


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("confine")
    corpus = folder / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "raw" / "a.txt").write_text("x")
    (corpus / "raw" / "link").symlink_to("/etc")
    (corpus / "raw" / "inner").symlink_to("a.txt")
    (folder / "secret.txt").write_text("secret")
    return corpus


@settings(max_examples=300, **PROFILE)
@given(parts=st.lists(PART, min_size=0, max_size=5), absolute=st.booleans())
def test_generated_corpus_file_entries_stay_in_raw(corpus_folder, parts, absolute):
    name = ("/" if absolute else "") + "/".join(parts)
    entry = SourceEntry.model_construct(id="gen", file=name)
    try:
        path = raw_path(corpus_folder, entry)
    except BriefbookError as exc:
        assert "sources.yaml" in str(exc) and "gen" in str(exc)
        return
    raw = (corpus_folder / "raw").resolve()
    assert path.resolve().is_relative_to(raw) and path.resolve() != raw
    assert not name.startswith("/") and ".." not in name.split("/")


# --- generated output paths --------------------------------------------------------------

KINDS = ["new", "regular", "symlink", "dangling", "fifo", "folder", "under-a-file",
         "under-a-missing-folder"]
FILENAME = st.text(st.characters(codec="utf-8", exclude_characters="/\x00"), min_size=1,
                   max_size=20).filter(lambda n: n not in (".", ".."))


@settings(max_examples=150, **PROFILE)
@given(kind=st.sampled_from(KINDS), name=FILENAME)
def test_generated_output_paths(tmp_path, kind, name):
    case = tmp_path / f"case-{next(COUNT)}"
    case.mkdir()
    (case / "victim").write_text("keep")
    target = case / name
    try:
        if kind == "regular":
            target.write_text("old")
        elif kind == "symlink":
            target.symlink_to(case / "victim")
        elif kind == "dangling":
            target.symlink_to(case / "nowhere")
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "folder":
            target.mkdir()
        elif kind == "under-a-file":
            target = case / "victim" / name
        elif kind == "under-a-missing-folder":
            target = case / "new-folder" / name
    except (OSError, UnicodeEncodeError):
        return  # a name the file system itself refuses
    before = _listing(case)
    try:
        write_atomic(target, b"new")
    except BriefbookError as exc:
        assert kind not in ("new", "regular", "under-a-missing-folder"), exc
        assert _listing(case) == before
        return
    assert kind in ("new", "regular", "under-a-missing-folder")
    assert stat.S_ISREG(os.lstat(target).st_mode) and target.read_bytes() == b"new"
    after = _listing(case)
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    rel = str(target.relative_to(case))
    assert changed <= {rel, str(Path(rel).parent)}, changed
    assert (case / "victim").read_text() == "keep"
