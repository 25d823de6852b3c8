"""Broken input, as users meet it on the command line: one clear message naming the file,
exit 1, no traceback, no partial or clobbered output. (Cases already covered in
tests/test_cli.py, tests/brief/test_check.py and tests/corpus/test_ingest.py are not repeated.)
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from briefbook.core.safeyaml import MAX_YAML_DEPTH
from briefbook.corpus import load_corpus
from briefbook.core.errors import BriefbookError
from briefbook.metrics import load_catalog

from plugins.cli import MINIMAL, assert_clean_failure, run_cli, snapshot
from plugins.example import BRIEFS_DIR

BOMB = "".join(
    f"{k}: &{k} [{', '.join(['*' + p] * 9) if p else ', '.join(['lol'] * 9)}]\n"
    for p, k in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi"))

BROKEN_BRIEFS: dict[str, bytes] = {
    "bomb": (MINIMAL + BOMB.replace("a: &a", "keywords: &a", 1)).encode(),
    "bomb-in-sections": (BOMB + MINIMAL).encode(),
    "deep": (MINIMAL + "keywords: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
    "wrong-types": (MINIMAL + "cover: maybe\nsections: 5\nkeywords: {a: 1}\npaper: A3\n").encode(),
    "unknown-keys": (MINIMAL + "titel: x\nsections: [{heading: h, qoutes: []}]\n").encode(),
    "whitespace-only": b"  \n\n# only a comment\n",
    "binary": bytes(range(256)),
    "gbk": ("title: 超大城市治理简报\nissuer: 研究组\ndate: 2021-08-01\n").encode("gbk"),
    "big5": ("title: 超大城市治理簡報\nissuer: 研究組\ndate: 2021-08-01\n").encode("big5"),
    "utf16": ("title: 简报\nissuer: 研究组\ndate: 2021-08-01\n").encode("utf-16"),
    "python-tag": b"title: !!python/name:os.system\nissuer: x\ndate: 2021-08-01\n",
    "custom-tag": b"title: !include /etc/passwd\nissuer: x\ndate: 2021-08-01\n",
    "too-big": (MINIMAL + "# " + "x" * 1_000_001 + "\n").encode(),
    "too-many-sections": (MINIMAL + "sections:\n" + "  - heading: 节\n" * 120).encode(),
    "bad-date": (MINIMAL.replace("2021-08-01", "2021-02-30")).encode(),
    "list-not-mapping": b"- title: x\n",
}


@pytest.fixture(scope="module")
def broken_render(tmp_path_factory):
    """Every broken brief rendered in one CLI run, each with yesterday's PDF in place."""
    folder = tmp_path_factory.mktemp("broken")
    out = folder / "out"
    out.mkdir()
    briefs = []
    for name, payload in BROKEN_BRIEFS.items():
        (folder / f"{name}.yaml").write_bytes(payload)
        (out / f"{name}.pdf").write_bytes(b"%PDF-1.7 yesterday %%EOF")
        briefs.append(folder / f"{name}.yaml")
    before = snapshot(out)
    result = run_cli("render", *briefs, "--out-dir", out, timeout=300)
    return folder, result, before, snapshot(out)


def test_every_broken_brief_fails_cleanly_and_keeps_old_output(broken_render):
    folder, result, before, after = broken_render
    assert_clean_failure(result, *(folder / f"{n}.yaml" for n in BROKEN_BRIEFS))
    assert after == before  # no PDF replaced, no *.part left


@pytest.mark.parametrize("name, message", [
    ("bomb", "expands to more than"), ("bomb-in-sections", "expands to more than"),
    ("deep", f"nested more than {MAX_YAML_DEPTH} levels"), ("wrong-types", "sections"),
    ("unknown-keys", "titel: unknown field"), ("whitespace-only", "the brief is empty"),
    ("binary", "binary file"), ("gbk", "not UTF-8"), ("big5", "not UTF-8"),
    ("utf16", "UTF-16 text: a brief must be UTF-8"), ("python-tag", "YAML tag not allowed"),
    ("custom-tag", "YAML tag not allowed"), ("too-big", "the limit is 1,000,000"),
    ("too-many-sections", "at most 99 items"), ("bad-date", "date"),
    ("list-not-mapping", "not a list"),
])
def test_each_message_says_what_is_wrong(broken_render, name, message):
    folder, result, _, _ = broken_render
    lines = [line for line in result.stderr.splitlines() if str(folder / f"{name}.yaml") in line]
    assert lines and any(message in line for line in lines), (message, result.stderr)


def test_check_command_on_a_bomb_is_fast_and_clean(tmp_path):
    brief = tmp_path / "bomb.yaml"
    brief.write_bytes(BROKEN_BRIEFS["bomb"])
    result = run_cli("check", brief, timeout=60)
    assert_clean_failure(result, brief, "expands to more than")


# --- output that cannot be written ---------------------------------------------------------

SHEET = BRIEFS_DIR / "summary-sheet.yaml"


def test_output_folder_through_a_regular_file(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    result = run_cli("render", SHEET, "-o", blocker / "out.pdf")
    assert_clean_failure(result, "cannot write to folder")
    assert blocker.read_text() == "a file" and sorted(os.listdir(tmp_path)) == ["not-a-folder"]


def test_output_path_is_a_folder(tmp_path):
    target = tmp_path / "book.pdf"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    result = run_cli("render", SHEET, "-o", target)
    assert_clean_failure(result, target, "nothing was changed")
    assert (target / "keep.txt").read_text() == "keep"
    assert sorted(os.listdir(tmp_path)) == ["book.pdf"]  # no temporary file left


def test_full_disk_during_write_keeps_the_old_pdf(tmp_path, monkeypatch, capsys):
    """ENOSPC simulated in the write (in-process CLI): clear message, old PDF untouched."""
    from briefbook.cli import main

    out = tmp_path / "sheet.pdf"
    out.write_bytes(b"%PDF-1.7 yesterday %%EOF")
    real_write = Path.write_bytes

    def full(self, data):
        if self.name.endswith(".part"):
            real_write(self, data[: len(data) // 2])  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", str(SHEET), "-o", str(out)])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "disk full" in err and str(out) in err and "Traceback" not in err
    assert out.read_bytes() == b"%PDF-1.7 yesterday %%EOF"
    assert sorted(os.listdir(tmp_path)) == ["sheet.pdf"]


def _mount_tiny_tmpfs(where: Path) -> bool:
    where.mkdir()
    if os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(where)],
                          capture_output=True, check=False)
    return done.returncode == 0


def test_really_full_disk(tmp_path):
    """A 64 KB tmpfs (only where mount works, e.g. root in a container): the PDF does not fit."""
    disk = tmp_path / "disk"
    if not _mount_tiny_tmpfs(disk):
        pytest.skip("cannot mount a tmpfs here")
    try:
        old = disk / "full-book.pdf"
        old.write_bytes(b"%PDF-1.7 yesterday %%EOF")
        result = run_cli("render", BRIEFS_DIR / "full-book.yaml", "-o", old)
        assert_clean_failure(result, old, "disk full")
        assert old.read_bytes() == b"%PDF-1.7 yesterday %%EOF"
        assert os.listdir(disk) == ["full-book.pdf"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# --- ingest on the command line ------------------------------------------------------------

ARTICLE = "武汉测试报道\n\n  长江日报7月26日讯 市委十三届十一次全会召开，全市新建项目5个。\n"
INGEST = ("--date", "2021-07-26", "--outlet", "测试", "--title", "测试", "--event", "13-11")


def test_ingest_same_id_twice(corpus_copy, tmp_path):
    src = tmp_path / "new.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    first = run_cli("ingest", src, "--id", "new-2021-07-26", *INGEST, "--project", corpus_copy.parent)
    assert first.returncode == 0, first.stderr
    before = snapshot(corpus_copy)
    src.write_text(ARTICLE.replace("5个", "6个"), encoding="utf-8")
    again = run_cli("ingest", src, "--id", "new-2021-07-26", *INGEST, "--project", corpus_copy.parent)
    assert_clean_failure(again, src, "already in the corpus")
    assert snapshot(corpus_copy) == before


@pytest.mark.parametrize("payload, message", [
    ("武漢市委十三屆十一次全會召開。".encode("big5") + b"\x80",
     "byte 30 (0x80) is invalid as Big5"),
    ("武汉市委十三届十一次全会召开。".encode("utf-16-le"), "binary"),  # no BOM: not guessed
    ("标题\n\n  正文\x07响铃。\n".encode(), "line 3, column 5: U+0007 is a control character"),
])
def test_ingest_bad_bytes_on_the_command_line(corpus_copy, tmp_path, payload, message):
    src = tmp_path / "bad.txt"
    src.write_bytes(payload)
    before = snapshot(corpus_copy)
    result = run_cli("ingest", src, "--id", "bad", *INGEST, "--project", corpus_copy.parent)
    assert_clean_failure(result, src, message)
    assert snapshot(corpus_copy) == before


def test_ingest_missing_file(corpus_copy, tmp_path):
    result = run_cli("ingest", tmp_path / "nope.txt", "--id", "x", *INGEST, "--project", corpus_copy.parent)
    assert result.returncode != 0 and "Traceback" not in result.stderr + result.stdout
    assert "nope.txt" in result.stderr


# --- a corrupt corpus folder ---------------------------------------------------------------

CORRUPT = {
    "empty": b"", "binary": b"\x00\x01\x02", "gbk": "会议：甲".encode("gbk"),
    "bad-yaml": b"a: [", "tag": b"x: !!python/object/apply:os.system ['true']\n",
    "bomb": BOMB.encode(), "deep": b"x: " + b"[" * 3000 + b"]" * 3000 + b"\n",
    "wrong-types": b"metrics: 5\nmeetings: 5\narticles: 5\nrepairs: 5\nconversions: 5\n",
    "wrong-items": (b"metrics: [{id: 5, observations: 7}]\nmeetings: {a: 5}\narticles: [5]\n"
                    b"repairs: [{article: a, at: '1:1', offset: x, raw: 1, repair: 2, reason: 3}]\n"
                    b"conversions: [{from: 1}]\n"),
    "folder": None,
}
FILES = ["metrics.yaml", "sources.yaml", "corrections.yaml", "ids.lock"]


def _corrupt(corpus: Path, name: str, payload: bytes | None) -> Path:
    path = corpus / name
    if payload is None:
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes(payload)
    return path


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("kind", list(CORRUPT))
def test_corrupt_corpus_file_is_a_clear_error(corpus_copy, name, kind):
    path = _corrupt(corpus_copy, name, CORRUPT[kind])
    if (name, kind) == ("corrections.yaml", "empty"):
        load_catalog(load_corpus(corpus_copy), corpus_copy / "metrics.yaml")  # = no corrections
        return
    with pytest.raises(BriefbookError) as info:
        load_catalog(load_corpus(corpus_copy), corpus_copy / "metrics.yaml")
    assert str(path) in str(info.value)


@pytest.mark.parametrize("name, command", [
    ("sources.yaml", ["sources"]), ("corrections.yaml", ["sources"]), ("ids.lock", ["sources"]),
    ("metrics.yaml", ["metrics"]),
])
def test_corrupt_corpus_file_on_the_command_line(corpus_copy, name, command):
    path = _corrupt(corpus_copy, name, CORRUPT["deep"] if name != "ids.lock" else CORRUPT["gbk"])
    extra = ["--catalog", path] if name == "metrics.yaml" else []
    result = run_cli(*command, "--project", corpus_copy.parent, *extra)
    assert_clean_failure(result, path)
