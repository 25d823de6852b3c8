"""Ingest takes title, date and outlet from the page where it prints them, asks only for what
it does not, warns (naming both) when a given value contradicts the page; records what
cleaning did; and any id it accepts is accepted by every other command.

Real CLI and real files: the pages under ``pages/`` (written for these tests).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from briefbook.corpus import load_corpus
from briefbook.corpus.ingest import ingest, page_metadata
from briefbook.corpus.model import ARTICLE_ID_RULE, PageHeader, is_article_id, is_paragraph_id
from briefbook.core.errors import BriefbookError

PAGES = Path(__file__).parent / "pages"


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", "from briefbook.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def cli_ingest(project: Path, page: str, aid: str, *options: str) -> subprocess.CompletedProcess:
    return run("ingest", str(PAGES / page), "--id", aid, *options, "--project", str(project))


def entry(corpus_dir: Path, aid: str) -> dict:
    data = yaml.safe_load((corpus_dir / "sources.yaml").read_text(encoding="utf-8"))
    return next(e for e in data["articles"] if e["id"] == aid)


# --- metadata from the page -------------------------------------------------------------------

def test_a_page_that_prints_everything_needs_no_options(corpus_copy):
    out = cli_ingest(corpus_copy.parent, "trad-header-after.txt", "qh-lanes")
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr
    assert "title: 青禾市今年将改造背街小巷六十条 (from the page)" in out.stdout
    assert "outlet: 澄江时报 (from the page)" in out.stdout
    assert "published: 2023-05-06 (from the page)" in out.stdout
    stored = entry(corpus_copy, "qh-lanes")
    assert (stored["title"], stored["outlet"], stored["published"], stored["title_supplied"],
            stored["published_inferred"], stored["script"]) == \
        ("青禾市今年将改造背街小巷六十条", "澄江时报", "2023-05-06", False, False, "traditional")
    art = load_corpus(corpus_copy).article("qh-lanes")
    assert art.page.author == "林子谦"
    assert art.cleaning.simplified > 20 and art.cleaning.pinyin == 0
    assert "来源" not in art.text and "作者" not in art.text and "林子谦" not in art.text


def test_short_date_and_ascii_colons(corpus_copy):
    report = ingest(PAGES / "short-date.txt", corpus_dir=corpus_copy, article_id="qh-greenway",
                    dry_run=True)
    a = report.article
    assert (a.title, a.outlet, a.published) == ("青禾河滨绿道全线贯通", "青禾晚报", dt.date(2023, 5, 6))
    assert report.from_page == ("title", "date", "outlet") and report.warnings == ()
    assert "http" not in a.text and "唐宁" not in a.text


def test_short_date_without_a_year_asks_for_the_date(corpus_copy, tmp_path):
    src = tmp_path / "no-year.txt"
    src.write_text("\n".join(line for line in (PAGES / "short-date.txt").read_text(
        encoding="utf-8").split("\n") if "http" not in line), encoding="utf-8")
    with pytest.raises(BriefbookError) as info:
        ingest(src, corpus_dir=corpus_copy, article_id="qh-greenway", dry_run=True)
    assert "'05-06' without the year" in str(info.value) and "--date" in info.value.hint
    assert "--title" not in info.value.hint and "--outlet" not in info.value.hint
    report = ingest(src, corpus_dir=corpus_copy, article_id="qh-greenway", date="2023-05-06",
                    dry_run=True)
    assert report.from_page == ("title", "outlet") and report.warnings == ()


def test_a_page_without_header_asks_for_all_three_at_once(corpus_copy):
    out = cli_ingest(corpus_copy.parent, "trad-pinyin-no-header.txt", "qh-kindergarten")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "no headline" in out.stderr and "no date" in out.stderr and "no outlet" in out.stderr
    assert "--title TITLE" in out.stderr and "--date YYYY-MM-DD" in out.stderr
    assert "--outlet NAME" in out.stderr
    assert not (corpus_copy / "raw" / "qh-kindergarten.txt").exists()
    out = cli_ingest(corpus_copy.parent, "trad-pinyin-no-header.txt", "qh-kindergarten",
                     "--title", "青禾新增幼儿园学位", "--date", "2023-05-10", "--outlet", "澄江网")
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stderr
    art = load_corpus(corpus_copy).article("qh-kindergarten")
    assert art.page is None and art.title_supplied
    assert art.cleaning.simplified > 0 and art.cleaning.pinyin > 10
    assert (art.dateline, art.reporters) == ("澄江网讯", ("梁子航",))
    assert art.text.startswith("青禾市教育局日前公布")


def test_headline_without_a_source_line_is_the_title(corpus_copy):
    out = cli_ingest(corpus_copy.parent, "simplified-own-headline.txt", "qh-canteens",
                     "--date", "2023-05-08", "--outlet", "青禾日报")
    assert out.returncode == 0, out.stderr
    art = load_corpus(corpus_copy).article("qh-canteens")
    assert (art.title, art.title_supplied) == ("青禾市新增社区食堂二十四家", False)
    assert art.reporters == ("欧阳明",) and art.dateline == "青禾日报5月8日讯"
    first, *_, last = [p.text for p in art.paragraphs()]
    assert first.startswith("记者从市民政局了解到") and last.endswith("送餐上门。")
    for stray in ("本报记者", "欧阳明", "5月8日讯", "责编", "韩雪", "二十四家\n"):
        assert stray not in art.text, stray
    assert art.cleaning.simplified == 0 and art.cleaning.pinyin == 0


def test_a_given_title_equal_to_the_headline_is_the_pages(corpus_copy):
    report = ingest(PAGES / "simplified-own-headline.txt", corpus_dir=corpus_copy,
                    article_id="qh-same", title="青禾市新增社区食堂二十四家", date="2023-05-08",
                    outlet="青禾日报", dry_run=True)
    assert report.article.title_supplied is False and report.warnings == ()


def test_given_values_that_contradict_the_page_win_with_a_warning_naming_both(corpus_copy):
    out = cli_ingest(corpus_copy.parent, "trad-header-after.txt", "qh-other", "--date",
                     "2023-05-07", "--outlet", "青禾日报", "--title", "背街小巷改造")
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 3, out.stderr
    assert "--date 2023-05-07" in warnings[1] and "2023-05-06" in warnings[1]
    assert "--outlet 青禾日报" in warnings[2] and "澄江时报" in warnings[2]
    assert "背街小巷改造" in warnings[0] and "青禾市今年将改造背街小巷六十条" in warnings[0]
    stored = entry(corpus_copy, "qh-other")
    assert (stored["published"], stored["outlet"], stored["title"], stored["title_supplied"]) == \
        ("2023-05-07", "青禾日报", "背街小巷改造", True)
    art = load_corpus(corpus_copy).article("qh-other")
    assert art.page.headline == "青禾市今年将改造背街小巷六十条"


def test_an_outlet_naming_the_printed_one_agrees(corpus_copy, tmp_path):
    src = tmp_path / "page.txt"
    src.write_text("青禾老街修缮工程启动\n2023-05-09 来源：青禾日报-青禾网\n  老街修缮工程日前启动。\n",
                   encoding="utf-8")
    report = ingest(src, corpus_dir=corpus_copy, article_id="qh-street", outlet="青禾日报",
                    dry_run=True)
    assert report.warnings == () and report.article.outlet == "青禾日报"


def test_page_metadata_is_pure_and_names_the_missing():
    page = PageHeader(headline="标题", time="05-06", source=None)
    with pytest.raises(BriefbookError) as info:
        page_metadata(page, title=None, date=None, outlet=None, date_inferred=False, where="x")
    assert "'05-06' without the year" in str(info.value) and "no outlet" in str(info.value)
    assert info.value.hint == "pass --date YYYY-MM-DD --outlet NAME"
    meta = page_metadata(page, title=None, date=dt.date(2023, 5, 6), outlet="某报",
                         date_inferred=True, where="x")
    assert (meta.title, meta.title_supplied, meta.published_inferred) == ("标题", False, True)


# --- ids: one rule ------------------------------------------------------------------------------

def test_an_id_ingest_accepts_links_metrics(corpus_copy, tmp_path):
    project = corpus_copy.parent
    out = cli_ingest(project, "simplified-own-headline.txt", "cs-plan", "--date", "2023-05-08",
                     "--outlet", "青禾日报")
    assert out.returncode == 0, out.stderr
    draft = tmp_path / "draft.yaml"
    out = run("metrics", "draft", "cs-plan", "--into", str(draft), "--project", str(project))
    assert out.returncode == 0, out.stderr
    entries = yaml.safe_load(draft.read_text(encoding="utf-8"))["observations"]
    n = next(e["n"] for e in entries if e["value"] == 24)
    assert next(e for e in entries if e["n"] == n)["source"] == "cs-plan/s1/p1"
    out = run("metrics", "link", "canteens", f"{draft}#{n}", "--new", "--label", "社区食堂",
              "--topic", "基层治理", "--project", str(project))
    assert out.returncode == 0, out.stderr
    assert "cs-plan/s1/p1" in out.stdout
    out = run("show", "cs-plan/s1/p1", "--project", str(project))
    assert "社区食堂二十四家" in out.stdout


@pytest.mark.parametrize("bad", ["CS-Plan", "cs_plan", "2023-plan", "cs--plan", "cs-plan-",
                                 "城市规划", "a" * 81, "cs plan"])
def test_ingest_refuses_an_id_up_front_stating_the_rule(corpus_copy, bad):
    out = cli_ingest(corpus_copy.parent, "trad-header-after.txt", bad)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "bad article id" in out.stderr and ARTICLE_ID_RULE in out.stderr
    assert not is_article_id(bad)


@pytest.mark.parametrize("bad", ["a" * 300, "-".join(["ab"] * 100)])
def test_an_id_of_300_characters_is_refused_without_echoing_it_whole(corpus_copy, bad):
    """Issue 24: `ingest --id` of 300 characters was an internal error (file name too long);
    it is refused by the id rule, and the message shows the id cut short with its length."""
    before = sorted(p.name for p in (corpus_copy / "raw").iterdir())
    out = cli_ingest(corpus_copy.parent, "trad-header-after.txt", bad)
    assert out.returncode == 1 and "Traceback" not in out.stderr, out.stderr
    assert "internal error" not in out.stderr
    assert f"bad article id '{bad[:40]}…' ({len(bad)} characters)" in out.stderr
    assert bad not in out.stderr and ARTICLE_ID_RULE in out.stderr
    assert sorted(p.name for p in (corpus_copy / "raw").iterdir()) == before


@pytest.mark.parametrize("aid", ["cs-plan", "a", "qh2023", "cjrb-2021-07-25", "x-1-y", "a" * 80])
def test_every_id_ingest_accepts_has_paragraph_ids_the_catalog_accepts(aid):
    from briefbook.metrics.catalog import Observation

    assert is_article_id(aid) and is_paragraph_id(f"{aid}/s2/p10")
    Observation(kind="reported", period="2023年", source=f"{aid}/s2/p10", quote="引文")
    with pytest.raises(ValueError, match="paragraph id"):
        Observation(kind="reported", period="2023年", source=f"{aid}/s2", quote="引文")


def test_sources_yaml_with_a_bad_id_states_the_rule(corpus_copy):
    path = corpus_copy / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: cjw-2020-12-22",
                                                             "id: CJW_2020"), encoding="utf-8")
    out = run("sources", "--project", str(corpus_copy.parent))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert ARTICLE_ID_RULE in out.stderr and "sources.yaml" in out.stderr


@pytest.mark.parametrize(("option", "value"), [("title", " "), ("outlet", "")])
def test_an_empty_option_is_refused_naming_what_leaving_it_out_does(corpus_copy, option, value):
    with pytest.raises(BriefbookError, match=f"--{option} is empty") as info:
        ingest(PAGES / "trad-header-after.txt", corpus_dir=corpus_copy, article_id="qh-x",
               dry_run=True, **{option: value})
    assert "leave it out" in info.value.hint
