"""Ingest on texts it has never seen, and clean errors for bad files. Real files, real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from plugins.raw_articles import CJRB, CJW, HBRB, raw_text

from briefbook.corpus import load_corpus
from briefbook.corpus.clean import to_traditional
from briefbook.corpus.ingest import ingest, named_events
from briefbook.corpus.store import LOCK_FILE, build_corpus
from briefbook.core.errors import BriefbookError
from plugins.example import example_project

EVENTS = example_project().events



def texts(corpus, aid):
    art = corpus.article(aid)
    return [(s.heading, s.speaker, s.post, [p.text for p in s.paragraphs]) for s in art.sections]


def _ingest(corpus_dir: Path, tmp_path: Path, text: str, aid: str, **kw):
    src = tmp_path / f"{aid}-input.txt"
    src.write_text(text, encoding="utf-8")
    return ingest(src, corpus_dir=corpus_dir, article_id=aid, **kw)


@pytest.mark.parametrize(("seed", "date", "outlet"), [
    (CJRB, "2021-07-25", "长江日报"), (CJW, "2020-12-22", "长江网")])
def test_traditional_variant_cleans_to_the_same_text(corpus_copy, tmp_path, seed, date, outlet):
    report = _ingest(corpus_copy, tmp_path, to_traditional(raw_text(seed)), "trad", date=date,
                     outlet=outlet)
    assert report.article.script == "traditional"
    assert report.rule_counts["t2s"] > 500
    corpus = load_corpus(corpus_copy)  # stored, and the lock still holds
    assert texts(corpus, "trad") == texts(corpus, seed)
    assert corpus.article("trad").captions == tuple(
        c.__class__(**{**c.__dict__, "section_id": c.section_id.replace(seed, "trad"),
                       "before": c.before.replace(seed, "trad") if c.before else None})
        for c in corpus.article(seed).captions)


def test_other_page_debris(corpus_copy, tmp_path):
    lines = raw_text(CJW).split("\n")
    lines[0] = "首页 > 新闻 > 武汉 > 正文"
    lines[4] = "分享到：微信 微博 QQ空间"
    lines[7] = "【字体：大 中 小】【打印】【关闭】"
    lines[149] = "责任编辑：张靖"
    lines[151] = "热门推荐"
    lines += ["相关新闻", "Copyright © 2003-2020 长江网 cjn.cn All Rights Reserved",
              "鄂ICP备12345678号 - 鄂公网安备 42010202000123号",
              "关于我们 | 联系我们 | 网站地图", "  返回顶部"]
    report = _ingest(corpus_copy, tmp_path, "\n".join(lines), "cjw-variant", date="2020-12-22",
                     outlet="长江网", title="变体")
    counts = report.rule_counts
    assert counts["debris:breadcrumb"] == 1 and counts["debris:share"] == 2
    assert counts["debris:font-size"] == 1 and counts["debris:copyright"] == 1
    assert counts["debris:editor"] == 1 and counts["debris:licence"] == 1
    corpus = load_corpus(corpus_copy)
    assert texts(corpus, "cjw-variant") == texts(corpus, CJW)


@pytest.mark.parametrize("variant", ["full-width", "spaced half-width"])
def test_punctuation_variants(corpus_copy, tmp_path, variant):
    raw = raw_text(CJRB)
    if variant == "full-width":  # as a clean print source would have it
        text = raw.translate(str.maketrans({",": "，", ":": "：", "(": "（", ")": "）"}))
        text = text.replace("22：30", "22:30")
    else:  # typed English-style: ", " ": " "; " with spaces, plus ? and !
        text = raw.replace(",", ", ").replace(":", ": ").replace("22: 30", "22:30")
        text = text.replace("强弱项,", "强弱项; ")
    report = _ingest(corpus_copy, tmp_path, text, "cjrb-variant", date="2021-07-25",
                     outlet="长江日报")
    assert report.article.title.startswith("“八大工程”主要任务已取得阶段性成果，武汉")
    assert report.article.events == ()  # an article reports on an event only when told
    corpus = load_corpus(corpus_copy)
    got, want = texts(corpus, "cjrb-variant"), texts(corpus, CJRB)
    if variant == "full-width":
        assert got == want
    else:
        assert str(got).replace("强弱项；", "强弱项，") == str(want)


def test_question_and_exclamation_marks_in_a_new_text(corpus_copy, tmp_path):
    text = ("展开频道 收起频道\n\n武汉能否留住大学生?\n\n2020-07-01 08:00 来源: 长江网\n"
            "  记者问:市委十三届九次全会提出的目标能实现吗?回答:能!\n【编辑:张三】")
    report = _ingest(corpus_copy, tmp_path, text, "qa", date="2020-07-01", outlet="长江网")
    assert report.article.title == "武汉能否留住大学生？"
    assert report.article.text == "记者问：市委十三届九次全会提出的目标能实现吗？回答：能！"


def test_damaged_traditional_copy_reports_defects(corpus_copy, tmp_path):
    # the same damaged copy as saved from another page (one more footer line)
    report = _ingest(corpus_copy, tmp_path, raw_text(HBRB) + "\n责任编辑：王某", "hbrb-again", date="2020-06-29",
                     outlet="湖北日报", title="再收", events=["13-9"], known_events=EVENTS, dry_run=True)
    # no reviewed repairs exist for this id: the three defects are listed and stay visible
    assert [(d.position, d.repair) for d in report.article.defects] == \
        [("1:4", None), ("3:92", None), ("8:11", None)]
    assert "要〓新推进" in report.article.text
    assert report.rule_counts["pinyin"] == 190 and report.rule_counts["unrepaired"] == 3
    assert not report.stored and not (corpus_copy / "raw" / "hbrb-again.txt").exists()


def test_ingest_stores_atomically_and_appends_to_lock(corpus_copy, tmp_path):
    before = (corpus_copy / LOCK_FILE).read_text(encoding="utf-8")
    _ingest(corpus_copy, tmp_path, to_traditional(raw_text(CJRB)), "cjrb-trad",
            date="2021-07-26", outlet="长江日报", date_inferred=True)
    after = (corpus_copy / LOCK_FILE).read_text(encoding="utf-8")
    assert after.startswith(before)  # existing ids untouched
    assert "cjrb-trad/s3/p2\tL30" in after
    entry = [e for e in yaml.safe_load((corpus_copy / "sources.yaml").read_text(encoding="utf-8"))
             ["articles"] if e["id"] == "cjrb-trad"][0]
    assert entry["published_inferred"] is True and entry["script"] == "traditional"
    assert (corpus_copy / "raw" / "cjrb-trad.txt").read_text(encoding="utf-8") == \
        to_traditional(raw_text(CJRB))  # verbatim
    assert not list(corpus_copy.rglob("*.part"))
    build_corpus(corpus_copy)  # the whole corpus still builds and matches the lock


@pytest.mark.parametrize(("payload", "message"), [
    # GBK and Big5 files are read (test_ingest_encodings.py); one with a bad byte is not
    ("湖北日报讯 武汉将千方百计稳住就业。".encode("gbk") + b"\xff",
     r"byte 35 \(0xFF\) is invalid as GB18030"),
    ("武漢將千方百計穩住就業。".encode("big5") + b"\x80", r"byte 24 \(0x80\) is invalid as Big5"),
    (b"", "empty"), (b"  \n\n", "empty"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_bad_files_give_clear_errors(corpus_copy, tmp_path, payload, message):
    src = tmp_path / "bad.txt"
    src.write_bytes(payload)
    with pytest.raises(BriefbookError, match=message) as err:
        ingest(src, corpus_dir=corpus_copy, article_id="bad", date="2020-01-01", outlet="x",
               title="t", events=["13-9"], known_events=EVENTS)
    assert err.value.where == str(src)
    assert not (corpus_copy / "raw" / "bad.txt").exists()


def test_duplicates_and_bad_metadata(corpus_copy, tmp_path):
    with pytest.raises(BriefbookError, match="already in the corpus"):
        _ingest(corpus_copy, tmp_path, "新文本。", CJRB, date="2021-07-25", outlet="长江日报",
                title="t", events=["13-11"], known_events=EVENTS)
    with pytest.raises(BriefbookError, match=f"already in the corpus as '{CJW}'"):
        _ingest(corpus_copy, tmp_path, raw_text(CJW), "copy", date="2020-12-22", outlet="长江网")
    with pytest.raises(BriefbookError, match="bad date"):
        _ingest(corpus_copy, tmp_path, "新文本。", "n1", date="2020-13-01", outlet="x")
    with pytest.raises(BriefbookError, match="bad article id"):
        _ingest(corpus_copy, tmp_path, "新文本。", "Bad Id", date="2020-01-01", outlet="x")
    with pytest.raises(BriefbookError, match="unknown event '14-1'"):
        _ingest(corpus_copy, tmp_path, "新文本。", "n2", date="2020-01-01", outlet="x",
                title="t", events=["14-1"], known_events=EVENTS)
    with pytest.raises(BriefbookError, match="given twice"):
        _ingest(corpus_copy, tmp_path, "新文本。", "n4", date="2020-01-01", outlet="x",
                title="t", events=["13-9", "13-9"], known_events=EVENTS)
    # no event at all is fine: a report on no plenum
    assert _ingest(corpus_copy, tmp_path, "新文本。", "n3", date="2020-01-01", outlet="x",
                   title="t", dry_run=True).article.events == ()


def test_named_events_finds_the_project_events_a_text_mentions():
    ids = [e.id for e in named_events("市委十三届十一次全会审议通过", EVENTS)]
    assert ids == ["13-11"]
    assert [e.id for e in named_events("十三届九次全会上", EVENTS)] == ["13-9"]  # short name
    assert named_events("没有会议", EVENTS) == []


# --- the command line, run as a user runs it ---------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", "from briefbook.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_cli_listing_commands(corpus_copy):
    out = run("sources", "--project", str(corpus_copy.parent))
    assert out.returncode == 0 and "2020-06-29 (inferred)" in out.stdout
    out = run("sections", CJRB, "--project", str(corpus_copy.parent))
    assert "cjrb-2021-07-25/s3  持续实施“学子留汉”工程，新改扩建80个公益普惠性幼儿园" in out.stdout
    out = run("sections", "--json", "--project", str(corpus_copy.parent))
    assert out.returncode == 0 and '"id": "cjw-2020-12-22/s8"' in out.stdout
    out = run("show", f"{CJRB}/s3/p3", "--project", str(corpus_copy.parent))
    assert "去年新增留汉大学生30.2万人" in out.stdout
    out = run("show", f"{HBRB}/s6/p1", "--json", "--project", str(corpus_copy.parent))
    assert '"section_id": "hbrb-2020-06-29/s6"' in out.stdout


def test_cli_diff_shows_rules(corpus_copy):
    out = run("corpus", "diff", HBRB, "--project", str(corpus_copy.parent))
    assert out.returncode == 0
    assert "repair×1 pinyin×7 t2s×24 t2s-fix×1 dateline×1 punctuation×3" in out.stdout
    assert "dropped (debris:copyright)" in out.stdout
    out = run("corpus", "diff", CJRB, "--unified", "--project", str(corpus_copy.parent))
    assert out.stdout.startswith("--- raw/cjrb-2021-07-25.txt (raw)")


def test_cli_errors_without_traceback(corpus_copy, tmp_path):
    out = run("show", "cjrb-2021-07-25/s9", "--project", str(corpus_copy.parent))
    assert out.returncode == 1 and "did you mean" in out.stderr and "Traceback" not in out.stderr
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("武汉将千方百计稳住就业。".encode("gbk") + b"\xff")  # a bad byte
    out = run("ingest", str(gbk), "--id", "g", "--date", "2020-01-01", "--outlet", "x",
              "--project", str(corpus_copy.parent))
    assert out.returncode == 1 and str(gbk) in out.stderr and "iconv" in out.stderr
    assert "Traceback" not in out.stderr


def test_cli_ingest_reports(corpus_copy, tmp_path):
    src = tmp_path / "half.txt"
    src.write_text(raw_text(CJRB).replace(",", ", "), encoding="utf-8")
    out = run("ingest", str(src), "--id", "half", "--date", "2021-07-25", "--outlet", "长江日报",
              "--project", str(corpus_copy.parent))
    assert out.returncode == 0, out.stderr
    assert "stored: half" in out.stdout and "punctuation" in out.stdout
    assert "defects: 0" in out.stdout
    out = run("ingest", str(src), "--id", "half", "--date", "2021-07-25", "--outlet", "长江日报",
              "--project", str(corpus_copy.parent))
    assert out.returncode == 1 and "already in the corpus" in out.stderr


def test_show_prints_every_caption_including_those_ending_a_section(corpus_copy, tmp_path):
    lines = raw_text(CJRB).split("\n")
    # a second photo before the first paragraph of s1, and two photos after the last paragraph
    lines.insert(11, "  第二张照片说明文字。长江日报记者甲 摄")
    last = next(i for i, l in enumerate(lines) if l.strip() == "(长江日报记者高萌)")
    lines[last:last] = ["  文末照片一。长江日报记者乙 摄", "  文末照片二。长江日报记者丙 摄"]
    report = _ingest(corpus_copy, tmp_path, "\n".join(lines), "cjrb-captions", date="2021-07-25",
                     outlet="长江日报")
    caps = report.article.captions
    assert [c.before for c in caps if c.before is None] == [None, None]
    s1 = run("show", "cjrb-captions/s1", "--project", str(corpus_copy.parent)).stdout
    assert "西北湖边步道围绕" in s1 and "第二张照片说明文字" in s1
    assert s1.index("西北湖边步道围绕") < s1.index("第二张照片说明文字") < s1.index("[cjrb-captions/s1/p1]")
    last_section = report.article.sections[-1].id
    out = run("show", last_section, "--project", str(corpus_copy.parent)).stdout
    last_para = report.article.sections[-1].paragraphs[-1].id
    assert out.index(f"[{last_para}]") < out.index("文末照片一") < out.index("文末照片二")
    whole = run("show", "cjrb-captions", "--project", str(corpus_copy.parent)).stdout
    assert all(t in whole for t in ("第二张照片说明文字", "文末照片一", "文末照片二"))


def test_title_supplied_is_recorded_when_it_differs_from_the_headline(corpus_copy, tmp_path):
    headline = load_corpus(corpus_copy).article(CJRB).page.headline
    text = raw_text(CJRB).replace("西北湖边", "西北湖畔")   # not a duplicate text
    own = _ingest(corpus_copy, tmp_path, text, "cjrb-own-title", date="2021-07-25",
                  outlet="长江日报", title="编辑拟的标题")
    assert own.article.title_supplied is True
    same = _ingest(corpus_copy, tmp_path, text.replace("晨跑", "晨练"), "cjrb-same-title",
                   date="2021-07-25", outlet="长江日报", title=headline)
    assert same.article.title_supplied is False
    corpus = load_corpus(corpus_copy)
    assert corpus.article("cjrb-own-title").title_supplied is True
    assert corpus.article("cjrb-same-title").title_supplied is False
    entries = {e["id"]: e for e in yaml.safe_load((corpus_copy / "sources.yaml").read_text(
        encoding="utf-8"))["articles"]}
    assert entries["cjrb-own-title"]["title_supplied"] is True


@pytest.mark.parametrize("failing", ["sources", "lock"])
def test_a_failed_store_leaves_the_corpus_loadable(corpus_copy, tmp_path, monkeypatch, failing):
    import briefbook.corpus.ingest as ingest_mod

    before = {n: (corpus_copy / n).read_bytes() for n in ("sources.yaml", LOCK_FILE)}
    text = raw_text(CJRB).replace("西北湖边", "西北湖畔")
    if failing == "sources":
        def boom(*args, **kwargs):
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(ingest_mod, "save_sources", boom)
    else:
        real = ingest_mod.write_atomic

        def boom(path, data, *args, **kwargs):
            if Path(path).name == LOCK_FILE:
                raise OSError(28, "No space left on device")
            return real(path, data, *args, **kwargs)
        monkeypatch.setattr(ingest_mod, "write_atomic", boom)
    with pytest.raises(OSError):
        _ingest(corpus_copy, tmp_path, text, "cjrb-half", date="2021-07-25", outlet="长江日报")
    monkeypatch.undo()
    assert {n: (corpus_copy / n).read_bytes() for n in before} == before
    assert not (corpus_copy / "raw" / "cjrb-half.txt").exists()
    assert "cjrb-half" not in load_corpus(corpus_copy).ids()
    # and the same article can be stored on a second try
    _ingest(corpus_copy, tmp_path, text, "cjrb-half", date="2021-07-25", outlet="长江日报")
    assert "cjrb-half" in load_corpus(corpus_copy).ids()
