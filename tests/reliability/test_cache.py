"""Issue 24: a cache that can only cost time.

Whoever can write the project's ``.cache/briefbook/`` (or ``$BRIEFBOOK_CACHE``) plants entries:
a chart with a ``<script>``, a remote ``<image href>``, an ``onerror=`` or a forged ``<text>``;
a FIFO, a symlink to ``/dev/zero``, a folder, an oversized or a truncated file in place of an
entry; forged layout facts. Each case is planted over a real entry and the book is made with
real WeasyPrint (HTML edition, PDF, or the CLI): it must come out as from a clean cache, in
bounded time and memory, and the entry must be rebuilt as a genuine, signed one.

Every test has its own cache secret (``XDG_STATE_HOME``) and cache folder.
"""

from __future__ import annotations

import json
import os
import re
import resource
import stat
import time
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from briefbook import charts
from briefbook.charts.svgcheck import plain_svg
from briefbook.render import Renderer, chart_store
from briefbook.render.layout import diskcache
from briefbook.render.book.model import chart_jobs
from briefbook.render.layout.facts import FootnoteMoves, LayoutFacts
from briefbook.render.formats.html_edition import render_html
from plugins.example import BRIEFS_DIR, example_project

from plugins.cli import run_cli

SHEET = BRIEFS_DIR / "summary-sheet.yaml"  # one chart
NOTE = BRIEFS_DIR / "note-grassroots.yaml"  # two quotes with their footnotes
FORGED = "伪造数字九九九"


@pytest.fixture(autouse=True)
def own_secret_and_cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("BRIEFBOOK_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _pages(pdf: bytes) -> list[str]:
    """Each page's text (a moved page break shows, unlike in the book's joined text)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, re.S)


def _from_empty_cache(tmp_path_factory, make):
    folder = tmp_path_factory.mktemp("clean")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_STATE_HOME", str(folder / "state"))
        env.setenv("BRIEFBOOK_CACHE", str(folder / "cache"))
        return make(Renderer(example_project(), chart_cache=False))


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """The summary sheet's chart and HTML edition charts, from an empty cache."""
    def make(renderer):
        (job,) = chart_jobs(renderer.book(SHEET))
        return {"svg": renderer.chart_svg(job),
                "html_svgs": _svgs(render_html(renderer, SHEET))}
    return _from_empty_cache(tmp_path_factory, make)


@pytest.fixture(scope="module")
def clean_pages(tmp_path_factory):
    """Each page's text of the summary sheet and of the note, from an empty cache."""
    return _from_empty_cache(tmp_path_factory, lambda renderer: {
        "sheet": _pages(renderer.render(SHEET)), "note": _pages(renderer.render(NOTE))})


def _seeded(cache: Path) -> tuple[Path, bytes]:
    """Fill the chart cache as a render does; the one entry's path and (signed) bytes."""
    renderer = Renderer(example_project(), chart_cache=cache / "charts")
    renderer.charts(renderer.book(SHEET))
    (entry,) = (cache / "charts").glob("*.svg")
    return entry, entry.read_bytes()


def _before_svg_end(entry: Path, extra: bytes) -> None:
    """Put ``extra`` just before the drawing's last ``</svg>`` (the signature stays as it is)."""
    data = entry.read_bytes()
    at = data.rindex(b"</svg>")
    entry.write_bytes(data[:at] + extra + data[at:])


def _plant(entry: Path, case: str) -> None:
    good = entry.read_bytes()
    if case == "script":
        _before_svg_end(entry, b'<script>alert("planted")</script>')
    elif case == "remote-image":
        _before_svg_end(entry, b'<image href="https://evil.example/beacon.png" width="1" '
                               b'height="1"/>')
    elif case == "onerror":
        _before_svg_end(entry, b'<image href="#x" onerror="alert(1)" width="1" height="1"/>')
    elif case == "style-import":
        _before_svg_end(entry, b'<style>@import url(https://evil.example/x.css);</style>')
    elif case == "forged-text":
        _before_svg_end(entry, f'<text x="130" y="60" style="font-size: 14px">{FORGED}</text>'
                        .encode())
    elif case == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    elif case == "truncated-closed":  # cut, yet it still ends like an SVG document
        entry.write_bytes(good[: len(good) // 2] + b"\n</svg>\n")
    elif case == "oversized":  # a well-formed SVG past the size limit
        _before_svg_end(entry, b"<!--" + b" " * (20 << 20) + b"-->")
    elif case == "folder":
        entry.unlink()
        (entry / "inside").mkdir(parents=True)
    elif case == "fifo":
        entry.unlink()
        os.mkfifo(entry)
    elif case == "dev-zero":
        entry.unlink()
        entry.symlink_to("/dev/zero")
    else:  # pragma: no cover
        raise AssertionError(case)


HTML_CASES = ["script", "remote-image", "onerror", "style-import", "truncated",
              "truncated-closed", "oversized", "folder"]


@pytest.mark.parametrize("case", HTML_CASES)
def test_a_planted_chart_never_reaches_the_html_edition(case, own_secret_and_cache, clean):
    entry, signed = _seeded(own_secret_and_cache)
    _plant(entry, case)
    renderer = Renderer(example_project(), chart_cache=own_secret_and_cache / "charts")
    html = render_html(renderer, SHEET)
    assert _svgs(html) == clean["html_svgs"], case
    for active in ("<script", "evil.example", "onerror", "@import"):
        assert active not in html, (case, active)
    # the planted entry is gone, and a genuine one is in its place
    assert stat.S_ISREG(os.lstat(entry).st_mode) and entry.read_bytes() == signed, case


@pytest.mark.slow
def test_a_forged_chart_text_does_not_print_in_the_pdf(own_secret_and_cache, clean_pages):
    entry, signed = _seeded(own_secret_and_cache)
    _plant(entry, "forged-text")
    renderer = Renderer(example_project(), chart_cache=own_secret_and_cache / "charts")
    pages = _pages(renderer.render(SHEET))
    assert not any(FORGED in page for page in pages)
    assert pages == clean_pages["sheet"]
    assert entry.read_bytes() == signed


@pytest.mark.slow
@pytest.mark.parametrize("case", ["fifo", "dev-zero"])
def test_a_special_file_for_a_chart_neither_hangs_nor_exhausts_memory(case, tmp_path,
                                                                     own_secret_and_cache,
                                                                     clean):
    """The real CLI, with 4 GB of address space: a FIFO once hung the render for ever, a
    symlink to /dev/zero once grew until memory ran out."""
    entry, signed = _seeded(own_secret_and_cache)
    _plant(entry, case)
    out = tmp_path / "sheet.html"

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    start = time.perf_counter()
    result = run_cli("render", SHEET, "--format", "html", "-o", out, timeout=90,
                     preexec_fn=limit_memory)
    took = time.perf_counter() - start
    assert result.returncode == 0, result.stdout + result.stderr
    assert _svgs(out.read_text(encoding="utf-8")) == clean["html_svgs"]
    assert took < 60, took
    assert stat.S_ISREG(os.lstat(entry).st_mode) and entry.read_bytes() == signed


def test_a_chart_signed_with_the_secret_is_still_checked_for_active_content(
        own_secret_and_cache, clean):
    """Second layer: even an entry signed with this user's secret (a leaked secret) is drawn
    again if it holds anything matplotlib does not write."""
    store = chart_store(own_secret_and_cache / "charts")
    entry, _ = _seeded(own_secret_and_cache)
    key = entry.name.removesuffix(".svg")
    at = clean["svg"].rindex(b"</svg>")
    store.put(key, clean["svg"][:at] + b"<script>alert(1)</script>" + clean["svg"][at:])
    renderer = Renderer(example_project(), chart_cache=own_secret_and_cache / "charts")
    (job,) = chart_jobs(renderer.book(SHEET))
    assert renderer.chart_svg(job) == clean["svg"]


def test_every_chart_kind_passes_the_vocabulary_check():
    """Else the cache would silently redraw every chart of that kind in every process."""
    hostile = '<script>alert(1)</script> & "onerror=" url(https://x) @import'
    drawn = [
        charts.pledged_vs_reported([charts.RatioRow(hostile, 1.2, hostile, hostile, "超额完成"),
                                    charts.RatioRow("乙", None, "五万", None, "无法比较")]),
        charts.status_breakdown([charts.StatusCount("已完成", 3),
                                 charts.StatusCount("推进中", 2)]),
        charts.timeline([charts.TimelinePoint(hostile, date(2020, 1, 5),
                                              3, 1),
                         charts.TimelinePoint("乙", date(2021, 3, 5),
                                              0, 2, "全会")]),
    ]
    for svg in drawn:
        assert plain_svg(svg)


# --- the signature ---------------------------------------------------------------------------


def _store(tmp_path: Path) -> diskcache.DiskCache:
    return diskcache.DiskCache(tmp_path / "entries", "test", suffix=".bin", limit=1 << 10)


KEY = "ab" * 32
OTHER = "cd" * 32


def test_an_entry_is_bound_to_its_key_and_to_this_users_secret(tmp_path, monkeypatch):
    store = _store(tmp_path)
    store.put(KEY, b"value")
    assert store.get(KEY) == b"value"
    # copied under another key: refused and removed
    store.path(OTHER).write_bytes(store.path(KEY).read_bytes())
    assert store.get(OTHER) is None and not store.path(OTHER).exists()
    # an edited value with its old signature line: refused
    data = store.path(KEY).read_bytes()
    store.path(KEY).write_bytes(b"VALUE" + data[5:])
    assert store.get(KEY) is None and not store.path(KEY).exists()
    # another user's (or machine's) secret: a valid signature under it proves nothing here
    store.put(KEY, b"value")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "elsewhere"))
    assert store.get(KEY) is None


def test_the_secret_is_private_and_a_bad_one_is_replaced(tmp_path):
    store = _store(tmp_path)
    store.put(KEY, b"value")
    key_file = diskcache.key_path()
    assert key_file == tmp_path / "state" / "briefbook" / "cache.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_file.parent).st_mode) == 0o700
    secret = key_file.read_bytes()
    assert len(secret) == diskcache.KEY_BYTES
    # others may read it: no longer secret, so a new one is made (old entries are redrawn)
    os.chmod(key_file, 0o644)
    diskcache._secret.cache_clear()
    assert store.get(KEY) is None
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600 and key_file.read_bytes() != secret
    # a symlink in its place is never followed, only replaced
    target = tmp_path / "target"
    target.write_bytes(b"x" * diskcache.KEY_BYTES)
    os.chmod(target, 0o600)
    key_file.unlink()
    key_file.symlink_to(target)
    diskcache._secret.cache_clear()
    store.put(KEY, b"value")
    assert not key_file.is_symlink() and target.read_bytes() == b"x" * diskcache.KEY_BYTES
    assert store.get(KEY) == b"value"


def test_a_key_folder_others_can_write_turns_the_disk_cache_off(tmp_path):
    folder = tmp_path / "state" / "briefbook"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o777)
    diskcache._secret.cache_clear()
    store = _store(tmp_path)
    store.put(KEY, b"value")
    assert not store.path(KEY).exists() and store.get(KEY) is None
    diskcache._secret.cache_clear()


def test_a_cache_folder_that_is_a_symlink_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = _store(tmp_path)
    store.folder.symlink_to(elsewhere)
    assert store.get(KEY) is None
    store.put(KEY, b"value")
    assert list(elsewhere.iterdir()) == []
    assert store.folder.is_dir() and not store.folder.is_symlink()
    assert store.get(KEY) == b"value"


def test_a_value_over_the_limit_is_not_stored(tmp_path):
    store = _store(tmp_path)
    store.put(KEY, b"x" * (store.limit + 1))
    assert not store.path(KEY).exists()


# --- layout facts ---------------------------------------------------------------------------


def _moves_key(renderer: Renderer) -> tuple[FootnoteMoves, str]:
    moves = FootnoteMoves(renderer.layout_cache, renderer.writer.css_text)
    return moves, moves.key("moves", renderer.html(renderer.book(NOTE)))


@pytest.mark.slow
def test_forged_footnote_moves_do_not_break_pages(own_secret_and_cache, clean_pages):
    """A planted move list once pushed quotes to a new page in a book that did not need it."""
    renderer = Renderer(example_project(), chart_cache=False)
    moves, key = _moves_key(renderer)
    moves.folder.mkdir(parents=True)
    (moves.folder / f"{key}.json").write_text(json.dumps([[1, 2]]), encoding="utf-8")
    assert _pages(renderer.render(NOTE)) == clean_pages["note"]
    assert not (moves.folder / f"{key}.json").exists()


def test_layout_facts_of_a_special_file_or_junk_are_discarded(own_secret_and_cache):
    renderer = Renderer(example_project(), chart_cache=False)
    facts = LayoutFacts(renderer.layout_cache, "p { }")
    facts.folder.mkdir(parents=True)
    keys = [facts.key("chapter", str(i)) for i in range(4)]
    os.mkfifo(facts.folder / f"{keys[0]}.json")
    (facts.folder / f"{keys[1]}.json").symlink_to("/dev/zero")
    (facts.folder / f"{keys[2]}.json").write_text('{"pages": 2, "anchors": {}}')  # unsigned
    (facts.folder / f"{keys[3]}.json").mkdir()
    start = time.perf_counter()
    assert [facts.get(k) for k in keys] == [None] * 4
    assert time.perf_counter() - start < 5
    assert list(facts.folder.iterdir()) == []
    facts.write(keys[0], {"pages": 3, "anchors": {"a": 1}})
    assert facts.get(keys[0]) == {"pages": 3, "anchors": {"a": 1}}


@pytest.mark.slow
def test_a_fifo_for_footnote_moves_does_not_hang_the_cli(tmp_path, own_secret_and_cache,
                                                         clean_pages):
    renderer = Renderer(example_project(), chart_cache=False)
    moves, key = _moves_key(renderer)
    moves.folder.mkdir(parents=True)
    os.mkfifo(moves.folder / f"{key}.json")
    out = tmp_path / "note.pdf"
    result = run_cli("render", NOTE, "-o", out, "--jobs", "1", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _pages(out.read_bytes()) == clean_pages["note"]
    entry = moves.folder / f"{key}.json"
    assert not os.path.lexists(entry) or stat.S_ISREG(os.lstat(entry).st_mode)
