"""Issue 14's holes, each closed by a named test: bounded reads, work budgets, linear cleaning,
outputs only to regular files, corpus paths confined to raw/, no deleting what another run or
brief wrote, fonts covering every character (spaces, chart labels), escaped terminal text.

Time bounds are generous (a 2-core machine shared by many jobs) and measured by the tests;
they catch a hang or a quadratic blow-up, not a slow day.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from pathlib import Path

import pytest
import yaml

from plugins.example import BRIEFS_DIR, CORPUS_DIR, example_project
from briefbook.brief import check
from briefbook.corpus import load_corpus
from briefbook.corpus.clean import parse_caption
from briefbook.corpus.ingest import ingest
from briefbook.distribute.editions import Reader, make_editions, read_readers
from briefbook.core.errors import BriefbookError, shown
from briefbook.core.fileio import read_bounded, write_atomic
from briefbook.core.coverage import check_coverage, missing_characters

from plugins.cli import MINIMAL, assert_clean_failure, run_cli, snapshot

EVENTS = example_project().events
SHEET = BRIEFS_DIR / "summary-sheet.yaml"


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _timed(fn, *args, **kw):
    start = time.perf_counter()
    try:
        return fn(*args, **kw), time.perf_counter() - start
    except BriefbookError as exc:
        return exc, time.perf_counter() - start


# --- reads before limits -----------------------------------------------------------------


def test_check_dev_zero_and_a_fifo_brief_fail_at_once(tmp_path):
    """`check /dev/zero` once grew until memory ran out; a FIFO brief blocked forever."""
    fifo = _fifo(tmp_path / "brief.yaml")
    for brief, kind in (("/dev/zero", "character device"), (fifo, "FIFO")):
        start = time.perf_counter()
        result = run_cli("check", brief, timeout=60)
        assert_clean_failure(result, brief, kind, "must be a regular file")
        assert time.perf_counter() - start < 30


@pytest.mark.parametrize("what", ["brief", "yaml", "readers", "article", "pdf"])
def test_every_reader_refuses_devices_fifos_and_folders(tmp_path, what):
    from briefbook.core.models import read_yaml
    from briefbook.core.safeyaml import read_text
    from briefbook.checks.files import read_pdf

    readers = {"brief": read_yaml, "yaml": lambda p: read_text(p, "the sources catalogue"),
               "readers": read_readers, "pdf": read_pdf,
               "article": lambda p: ingest(p, corpus_dir=CORPUS_DIR, article_id="x",
                                           date="2021-07-26", outlet="x", dry_run=True,
                                           known_events=EVENTS)}
    for path, words in ((Path("/dev/zero"), "character device"),
                        (_fifo(tmp_path / f"{what}.fifo"), "FIFO"), (tmp_path, "folder")):
        error, seconds = _timed(readers[what], path)
        assert isinstance(error, BriefbookError), error
        assert str(path) in str(error) and words in str(error)
        assert seconds < 5


def test_read_bounded_reads_at_most_limit_plus_one(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"x" * 5000)
    assert read_bounded(path, 5000, "a file") == b"x" * 5000
    with pytest.raises(BriefbookError, match="a file is 5,000 bytes; the limit is 4,999"):
        read_bounded(path, 4999, "a file")


# --- unbounded work from a small brief ---------------------------------------------------


def _brief(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_whole_article_in_99_sections_by_alias_is_refused_by_check(tmp_path):
    """16 KB of brief quoting whole articles by YAML alias across 99 sections passed `check`
    and made `render` run for minutes; now `check` refuses it, at the entry, in seconds."""
    articles = [a.id for a in load_corpus(CORPUS_DIR).articles]
    body = MINIMAL
    sections = "sections:\n  - {heading: 节, quotes: &q [" + ", ".join(articles * 3) + "]}\n" + \
        "  - {heading: 节, quotes: *q}\n" * 98
    path = _brief(tmp_path, body + sections)
    assert path.stat().st_size < 16_000
    start = time.perf_counter()
    result = run_cli("check", path, timeout=120)
    assert_clean_failure(result, path, "more than", "after aliases are expanded")
    assert re.search(rf"{re.escape(str(path))}:\d+:\d+: sections\[\d+\]\.quotes\[\d+\]",
                     result.stderr), result.stderr
    assert time.perf_counter() - start < 60


@pytest.mark.parametrize("budget, what", [("MAX_BOOK_QUOTED_PARAGRAPHS", "quoted paragraphs"),
                                          ("MAX_BOOK_TEXT_CHARS", "characters of text"),
                                          ("MAX_BOOK_METRIC_ROWS", "metric rows"),
                                          ("MAX_BOOK_CHARTS", "charts")])
def test_each_book_budget_is_reported_like_any_brief_error(renderer, tmp_path, monkeypatch,
                                                           budget, what):
    monkeypatch.setattr(check, budget, 3)
    brief = _brief(tmp_path, MINIMAL + "table: {metrics: [graduates-retained]}\n"
                   "charts: [{kind: timeline}, {kind: timeline}]\nsections:\n"
                   "  - heading: 节\n    quotes: [cjrb-2021-07-25/s3, cjrb-2021-07-25/s3/p3]\n"
                   "    metrics: [life-circle, tax-fee-cuts, graduates-retained]\n"
                   "    charts: [{kind: timeline}, {kind: timeline}]\n")
    if budget == "MAX_BOOK_TEXT_CHARS":
        monkeypatch.setattr(check, budget, 200)
    with pytest.raises(BriefbookError) as info:
        renderer.check(brief)
    assert f"more than {getattr(check, budget):,} {what}" in str(info.value)
    assert f"{brief}:" in str(info.value)


def test_the_example_briefs_are_well_inside_the_budgets(renderer):
    for brief in sorted(BRIEFS_DIR.glob("*.yaml")):
        renderer.check(brief)


# --- linear-time cleaning ----------------------------------------------------------------

OLD_CAPTION = re.compile(  # the regex parse_caption replaced: the reference for its meaning
    r"(?:^|(?<=[。！？.!?])|\s)\s*(?P<credit>(?:[^。！？\s][^。！？]*?)?"
    r"(?:记者|通讯员|摄影|实习生|供图)[^。！？]*?)\s*(?<!拍)摄$")


def _old_caption(line: str):
    m = OLD_CAPTION.search(line)
    return None if not m else (line[:m.start("credit")].strip(), m["credit"].strip())


def test_caption_parsing_means_what_the_regex_meant():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=600, derandomize=True, database=None, deadline=None)
    @given(st.text(st.sampled_from(list("记者通讯员摄影实习生供图拍。！？.!? \u3000甲a")), max_size=16))
    def same(line):
        assert parse_caption(line) == _old_caption(line)

    same()
    assert parse_caption("……好去处。长江日报记者彭年 摄") == ("……好去处。", "长江日报记者彭年")


@pytest.mark.parametrize("char", [" ", "\u3000", "?", "记 "])
def test_cleaning_a_long_run_of_one_character_is_linear(corpus_copy, tmp_path, char):
    """A 4,000-space line took 6 s in the caption regex (quadratic); 400,000 now take well
    under the bound, measured here — through the whole ingest pipeline."""
    src = tmp_path / "run.txt"
    src.write_text("武汉测试报道\n\n  长江日报7月26日讯 市委十三届十一次全会召开。\n  "
                   + char * 200_000 + "记者摄\n", encoding="utf-8")
    start = time.perf_counter()
    try:
        ingest(src, corpus_dir=corpus_copy, article_id="run", date="2021-07-26", outlet="测试",
               title="测试", events=["13-11"], known_events=EVENTS, dry_run=True)
    except BriefbookError:
        pass
    assert time.perf_counter() - start < 30


# --- writing where it must not -----------------------------------------------------------


def _specials(tmp_path: Path) -> dict[str, Path]:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "link.pdf"
    link.symlink_to(victim)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    found = {"symlink": link, "fifo": _fifo(tmp_path / "pipe.pdf"), "folder": folder}
    try:
        os.mknod(tmp_path / "null.pdf", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        found["device"] = tmp_path / "null.pdf"
    except OSError:  # not root: the real /dev/null, refused before anything is written
        found["device"] = Path("/dev/null")
    return found


def test_output_to_symlink_fifo_device_or_folder_is_refused(tmp_path):
    """`-o` naming a device, FIFO or symlink replaced it with a regular file and exited 0."""
    specials = _specials(tmp_path)
    before = {name: os.lstat(p) for name, p in specials.items()}
    for name, target in specials.items():
        result = run_cli("render", SHEET, "-o", target, timeout=120)
        assert_clean_failure(result, target, "not a regular file", "nothing was changed")
        after = os.lstat(target)
        assert (stat.S_IFMT(after.st_mode), after.st_ino) == (
            stat.S_IFMT(before[name].st_mode), before[name].st_ino), name
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_write_atomic_refuses_a_link_made_while_writing(tmp_path):
    from briefbook.core.fileio import atomic_path

    target = tmp_path / "out.pdf"
    victim = tmp_path / "victim"
    victim.write_text("keep")
    with pytest.raises(BriefbookError, match="symbolic link"):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"new")
            target.symlink_to(victim)  # swapped in between the check and the rename
    assert victim.read_text() == "keep" and target.is_symlink()
    assert sorted(os.listdir(tmp_path)) == ["out.pdf", "victim"]


# --- one command deleting another's files ------------------------------------------------


def test_editions_of_one_brief_keep_another_briefs_copies(tmp_path, sheet_pdf):
    other = tmp_path / "briefs" / "other.yaml"
    other.parent.mkdir()
    other.write_bytes(SHEET.read_bytes())
    out = tmp_path / "out"
    make_editions(other, [Reader("甲", 1), Reader("乙", 2)], out, base=sheet_pdf)
    theirs = {p: (out / p).read_bytes() for p in ("other-001.pdf", "other-002.pdf")}
    make_editions(SHEET, [Reader("丙", 1)], out, base=sheet_pdf)
    make_editions(SHEET, [Reader("丁", 1)], out, base=sheet_pdf)  # replaces only its own
    assert {p: (out / p).read_bytes() for p in theirs} == theirs
    listed = json.loads((out / "editions.json").read_text(encoding="utf-8"))["outputs"]
    assert sorted((e["edition"], e["file"]) for e in listed) == [
        ("other", "other-001.pdf"), ("other", "other-002.pdf"), ("summary-sheet", "summary-sheet-001.pdf")]


def test_a_crafted_editions_manifest_deletes_nothing(tmp_path, sheet_pdf):
    """Entries pointing outside the folder, to another brief's copies, to a changed file or
    to a file through a link are ignored — never deleted — and a file in the way is refused."""
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "precious.pdf"
    outside.write_bytes(b"precious")
    (out / "other-001.pdf").write_bytes(b"another brief's copy")
    (out / "summary-sheet-005.pdf").write_bytes(b"changed by hand")
    (out / "summary-sheet-006.pdf").symlink_to(outside)
    (out / "notes.pdf").write_bytes(b"someone's notes")
    sha = hashlib.sha256(b"precious").hexdigest()
    crafted = [{"file": "../precious.pdf", "edition": "summary-sheet", "sha256": sha},
               {"file": str(outside), "edition": "summary-sheet", "sha256": sha},
               {"file": "other-001.pdf", "edition": "summary-sheet",
                "sha256": hashlib.sha256(b"another brief's copy").hexdigest()},
               {"file": "summary-sheet-005.pdf", "edition": "summary-sheet", "sha256": "0" * 64},
               {"file": "summary-sheet-006.pdf", "edition": "summary-sheet", "sha256": sha},
               {"file": "notes.pdf"}, {"file": ".."}, {"file": ""}, "junk", {"nofile": 1}]
    (out / "editions.json").write_text(json.dumps({"outputs": crafted}), encoding="utf-8")
    before = snapshot(tmp_path)
    make_editions(SHEET, [Reader("甲", 1)], out, base=sheet_pdf)
    after = snapshot(tmp_path)
    assert {k: v for k, v in after.items() if k in before and k != "out/editions.json"} == \
        {k: v for k, v in before.items() if k != "out/editions.json"}
    assert (out / "summary-sheet-006.pdf").is_symlink()
    # A file in the way that editions did not write is refused, not overwritten.
    with pytest.raises(BriefbookError, match="not list it as a copy of this brief") as info:
        make_editions(SHEET, [Reader("甲", 5)], out, base=sheet_pdf)
    assert str(out / "summary-sheet-005.pdf") in str(info.value)
    with pytest.raises(BriefbookError, match="symbolic link"):
        make_editions(SHEET, [Reader("甲", 6)], out, base=sheet_pdf)
    assert outside.read_bytes() == b"precious"
    assert (out / "summary-sheet-005.pdf").read_bytes() == b"changed by hand"


def test_build_refuses_to_replace_a_file_it_did_not_write(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "summary-sheet.pdf").write_bytes(b"someone else's PDF")
    result = run_cli("build", SHEET, "--out", out, "-j", "1", timeout=180)
    assert result.returncode == 1 and "manifest.json does not record it" in result.stderr
    assert (out / "summary-sheet.pdf").read_bytes() == b"someone else's PDF"


# --- reading where it must not -----------------------------------------------------------


@pytest.mark.parametrize("file", ["/etc/passwd", "raw/../../../../etc/passwd", "../sources.yaml",
                                  "raw/../sources.yaml", "raw/link.txt", "raw\\..\\ids.lock",
                                  "raw/", "raw"])
def test_article_file_outside_raw_is_refused(corpus_copy, file):
    """`file:` in sources.yaml took absolute paths and `..`: `show` could print any file."""
    (corpus_copy / "raw" / "link.txt").symlink_to("/etc/passwd")
    sources = corpus_copy / "sources.yaml"
    data = yaml.safe_load(sources.read_text(encoding="utf-8"))
    victim = data["articles"][0]["id"]
    data["articles"][0]["file"] = file
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BriefbookError) as info:
        load_corpus(corpus_copy)
    message = str(info.value)
    assert str(sources) in message and victim in message and "raw/" in message
    assert "root:" not in message


def test_show_cannot_print_a_file_outside_the_corpus(corpus_copy):
    sources = corpus_copy / "sources.yaml"
    data = yaml.safe_load(sources.read_text(encoding="utf-8"))
    data["articles"][0]["file"] = "/etc/passwd"
    sources.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("show", data["articles"][0]["id"], "--project", corpus_copy.parent, timeout=120)
    assert_clean_failure(result, sources, "is not a relative path inside raw/")
    assert "root:" not in result.stdout + result.stderr


# --- silent font fallbacks ---------------------------------------------------------------


def test_every_space_is_checked_against_the_fonts():
    spaces = [chr(c) for c in [0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]]
    from briefbook.core.fonts import coverage

    lacking = [s for s in spaces if ord(s) not in coverage()]
    assert lacking, "the fonts cover every space: this test needs another uncovered character"
    assert set(missing_characters("甲" + "".join(spaces) + "乙")) == set(lacking)
    with pytest.raises(BriefbookError, match=f"U\\+{ord(lacking[0]):04X}"):
        check_coverage(f"<p>甲{lacking[0]}乙</p>", where="x")


@pytest.mark.slow
def test_math_syntax_and_spaces_in_brief_text_never_reach_a_fallback_font(renderer, tmp_path):
    """A label in matplotlib math syntax printed in DejaVu; a thin space took a system font."""
    from briefbook import charts
    from briefbook.checks.lint import lint_pdf

    svg = charts.pledged_vs_reported([charts.RatioRow("$x^2$ 指标", 1.2, "$5$万", "6万",
                                                      "超额完成")]).decode()
    assert "$x^2$ 指标" in svg and "DejaVu" not in svg and "STIX" not in svg
    brief = _brief(tmp_path, MINIMAL + "charts: [{kind: status-breakdown, title: '$\\\\alpha$ 图',"
                   " metrics: [emergency-circle-central]}]\n"
                   "sections: [{heading: '甲\u2009乙', commentary: 文}]\n")
    with pytest.raises(BriefbookError, match="U\\+2009"):
        renderer.render(brief)
    brief.write_text(brief.read_text(encoding="utf-8").replace("\u2009", "\u3000"),
                     encoding="utf-8")
    report = lint_pdf(renderer.render(brief))
    assert report.ok, report.failures  # bundled fonts only, no .notdef


def test_ingest_refuses_a_title_the_fonts_cannot_print(corpus_copy, tmp_path):
    src = tmp_path / "new.txt"
    src.write_text("武汉测试报道\n\n  长江日报7月26日讯 市委十三届十一次全会召开。\n", encoding="utf-8")
    before = snapshot(corpus_copy)
    with pytest.raises(BriefbookError, match="U\\+1F600") as info:
        ingest(src, corpus_dir=corpus_copy, article_id="emoji", date="2021-07-26", outlet="测试",
               title="标题\U0001F600", events=["13-11"], known_events=EVENTS)
    assert "title" in str(info.value)
    assert snapshot(corpus_copy) == before


# --- terminal escapes --------------------------------------------------------------------


def test_untrusted_text_in_messages_is_escaped_on_the_terminal(tmp_path):
    brief = _brief(tmp_path, MINIMAL + '"evil\\e[2J\\e]0;pwned\\a": 1\nsections: [{heading: h, '
                   'quotes: ["x\\e[31m\\r"]}]\n')
    result = run_cli("check", brief, timeout=120)
    assert_clean_failure(result, brief, "unknown field")
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\r" not in result.stderr
    assert "evil\\x1b[2J\\x1b]0;pwned\\x07" in result.stderr
    assert shown("a\x1bb\u202ec\x9b") == "a\\x1bb\\u202ec\\x9b"
