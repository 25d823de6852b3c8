"""read_html on saved pages written for the tests (tests/plugins/saved_pages.py): the article's
lines and nothing of the page's furniture, the metadata and where it was found, each line's
origin, charsets, refusals, bounded time on huge and deep pages, no network, determinism, and
what the corpus builds from the text."""

from __future__ import annotations

import datetime as dt
import socket
import time
import tracemalloc

import pytest
from plugins.saved_pages import (
    GOV_LINES,
    NEWS_LEAD,
    PAGES,
    STATS_ROWS,
    SavedPage,
    deep_page,
    gov_page,
    large_page,
    news_page,
    no_text_page,
    photos_page,
    stats_page,
    table_line,
)

from briefbook.core.errors import BriefbookError
from briefbook.corpus.defects import Corrections
from briefbook.corpus.formats import Extracted, extract, reader
from briefbook.corpus.formats import html as reader_html
from briefbook.corpus.formats.html import read_html
from briefbook.corpus.sources import SourceEntry
from briefbook.corpus.store import build_article

#: Words of the pages' furniture (menus, breadcrumbs, share bars, related links, comments,
#: sidebars, footers, scripts, styles); none is in any article.
FURNITURE = ("首页", "要闻", "正文", "分享到", "微信", "微博", "QQ空间", "相关新闻", "网友评论",
             "点赞", "热点推荐", "地铁5号线", "版权所有", "ICP备", "公网安备", "字体", "责任编辑",
             "当前位置", "您现在的位置", "打印", "关闭窗口", "主办", "关于我们", "推荐阅读",
             "_hmt", "font-size", "上一页", "政务公开", "统计数据", "上一篇", "下一篇", "扫一扫",
             "城建")


def _read(page: SavedPage) -> Extracted:
    return read_html(page.html, page.file_name)


def _lines(extracted: Extracted) -> tuple[str, ...]:
    return tuple(line for line in extracted.text.split("\n") if line)


@pytest.fixture(scope="module")
def read_pages() -> dict[str, tuple[SavedPage, Extracted]]:
    """Every saved page and what read_html gives for it, read once."""
    return {name: (page, _read(page)) for name, make in PAGES.items() for page in [make()]}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_the_article_and_nothing_else(read_pages, name):
    page, got = read_pages[name]
    assert _lines(got) == page.lines
    assert (got.metadata.title, got.metadata.date, got.metadata.outlet) == (
        page.title, page.date, page.outlet)
    assert got.format == "html"
    for word in FURNITURE:
        assert word not in got.text, word
    assert got.text.split("\n")[0] == page.lines[0]     # no headline, no date line on top


@pytest.mark.parametrize("name", sorted(PAGES))
def test_one_origin_per_line(read_pages, name):
    _, got = read_pages[name]
    lines = got.text.split("\n")
    assert len(got.origins) == len(lines)
    for line, origin in zip(lines, got.origins, strict=True):
        assert bool(origin) == bool(line), (line, origin)
    assert "\n\n\n" not in got.text and not got.text.startswith("\n")


def test_origins_name_the_element(read_pages):
    origin = {name: dict(zip(got.text.split("\n"), got.origins, strict=True))
              for name, (_, got) in read_pages.items()}
    assert origin["news"][NEWS_LEAD] == "<p> 1"       # the page's first <p>
    assert origin["news"]["资金来源更加多元"] == "<p> 5"
    assert origin["gov"][GOV_LINES[2]] == "<div> 1, line 3"   # <br>-separated lines
    assert origin["gov_gbk"][GOV_LINES[2]] == "<div> 1, line 3"
    assert origin["stats"][table_line(STATS_ROWS[0])] == "<table> 1, row 2"
    assert origin["stats"]["工业生产较快增长"] == "<h2> 1"
    assert origin["photos"][photos_page().lines[2]] == "<figcaption> 1"
    assert origin["photos"][photos_page().lines[4]] == "<p> 5"   # under <p><img></p>


def test_blocks_lines_tables_and_captions(read_pages):
    news = read_pages["news"][1].text
    assert news.startswith(f"{NEWS_LEAD}\n\n先问需于民再动工\n\n在江滨区")
    gov = read_pages["gov"][1].text                  # <br><br> between the portal's lines
    assert gov == "\n\n".join(GOV_LINES[:-2])         # without its signature
    stats = read_pages["stats"][1].text              # a table's rows: one block
    assert "\n".join(table_line(r) for r in STATS_ROWS) in stats
    assert "地区生产总值（亿元）：2356.8　12.4。" in stats.split("\n")
    assert "指标：绝对数　比上年同期增长（%）。" in stats.split("\n")
    photos = read_pages["photos"][1].text.split("\n")
    for caption in (photos_page().lines[2], photos_page().lines[4]):
        at = photos.index(caption)
        assert photos[at - 1] == photos[at + 1] == ""


def test_where_the_metadata_was_found(read_pages):
    found = {name: got.metadata.found_in for name, (_, got) in read_pages.items()}
    assert found["news"] == {"title": '<meta property="og:title">',
                             "date": '<meta property="article:published_time">',
                             "outlet": "the page's 来源 line"}
    assert found["gov"]["date"] == '<meta name="PubDate">'
    assert found["gov"]["title"] == '<meta name="ArticleTitle">'
    assert found["stats"]["date"] == '<meta name="publishdate">'   # not its modified_time
    assert found["stats"]["title"] == "<h1>"
    assert found["photos"]["date"] == "the page's date line"       # no meta: the info bar
    assert found["undated"] == {"title": '<meta property="og:title">',
                                "outlet": '<meta property="og:site_name">'}
    assert read_pages["undated"][1].metadata.date is None   # not today, not 2019, not 2021


def test_an_h1_unlike_the_title_is_still_not_in_the_text():
    page = news_page()
    html = page.html.replace(f'content="{page.title}"'.encode(),
                             'content="青禾老旧小区改造提速_青禾日报网"'.encode())
    got = read_html(html, "news.html")
    assert got.metadata.title == "青禾老旧小区改造提速_青禾日报网"
    assert _lines(got) == page.lines
    assert got.notes[0] == f"left out the headline at the top: {page.title}"


def test_the_date_from_the_visible_line_alone():
    page = gov_page()
    html = page.html.replace(b'<meta name="PubDate" content="2021-07-26 16:05">', b"")
    got = read_html(html, "gov.html")
    assert got.metadata.date == dt.date(2021, 7, 26)
    assert got.metadata.found_in["date"] == "the page's 发布时间 line"
    assert _lines(got) == page.lines


def _undated_with(markup: bytes) -> Extracted:
    page = PAGES["undated"]()
    got = read_html(page.html.replace(b"</head>", markup + b"</head>"), "undated.html")
    assert _lines(got) == page.lines
    return got


def test_the_date_from_json_ld_or_time():
    got = _undated_with(b'<script type="application/ld+json">{"@type": "NewsArticle", '
                        b'"datePublished": "2021-07-23T08:00:00+08:00", '
                        b'"dateModified": "2021-07-30T09:00:00+08:00"}</script>')
    assert got.metadata.date == dt.date(2021, 7, 23)
    assert got.metadata.found_in["date"] == 'JSON-LD "datePublished"'
    page = PAGES["undated"]()
    html = page.html.replace(b'<div class="author">',
                             '<time datetime="2021-07-22">7月22日</time><div class="author">'
                             .encode())
    got = read_html(html, "undated.html")
    assert (got.metadata.date, got.metadata.found_in["date"]) == (dt.date(2021, 7, 22), "<time>")


def test_a_modification_date_or_a_linked_article_date_is_not_the_date():
    got = _undated_with(b'<meta property="article:modified_time" '
                        b'content="2021-07-30T08:00:00+08:00">')
    assert got.metadata.date is None and "date" not in got.metadata.found_in
    assert "2021-07-30" in got.warnings[0]
    page = PAGES["undated"]()
    links = ('<div class="related"><ul><li><a href="/a.html">青禾另一篇新闻</a>'
             '<span class="date">2021-06-01</span></li></ul></div>').encode()
    got = read_html(page.html.replace(b'<div class="footer">', links + b'<div class="footer">'),
                    "undated.html")
    assert got.metadata.date is None and "2021-06-01" in got.warnings[0]


def test_a_date_after_midnight_in_its_own_time_zone():
    html = news_page().html.replace(b"2021-07-25T10:30:00+08:00", b"2021-07-25T00:30:00+08:00")
    assert read_html(html, "news.html").metadata.date == dt.date(2021, 7, 25)


def test_meta_and_visible_date_disagreeing_warns():
    html = news_page().html.replace(b"2021-07-25T10:30:00+08:00", b"2021-07-24T10:30:00+08:00")
    got = read_html(html, "news.html")
    assert got.metadata.date == dt.date(2021, 7, 24)
    assert any("2021-07-25" in w for w in got.warnings)


def test_gbk_page_reads_like_its_utf8_twin(read_pages):
    gbk, utf8 = read_pages["gov_gbk"][1], read_pages["gov"][1]
    assert gbk.encoding == "gb18030" and utf8.encoding == "utf-8"
    assert "李堃" in gbk.text and "王镕" in gbk.text        # in GBK, not in GB2312
    assert (gbk.text, gbk.metadata, gbk.origins) == (utf8.text, utf8.metadata, utf8.origins)


@pytest.mark.parametrize(("old", "new"), [
    (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', b""),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
     b'<meta charset="GBK">')])
def test_gbk_without_or_with_another_declaration(old, new):
    page = PAGES["gov_gbk"]()
    got = read_html(page.html.replace(old, new), "gov.html")
    assert got.encoding == "gb18030" and _lines(got) == page.lines and not got.warnings


def test_utf8_page_declaring_gb2312_is_read_as_utf8():
    page = news_page()
    got = read_html(page.html.replace(b'<meta charset="utf-8">', b'<meta charset="gb2312">'),
                    "news.html")
    assert got.encoding == "utf-8" and _lines(got) == page.lines
    assert got.warnings == ("the page declares charset gb2312 but its bytes are utf-8; read "
                            "as utf-8",)


def test_a_bad_byte_is_replaced_and_named():
    page = PAGES["gov_gbk"]()
    bad = page.html.replace("各区".encode("gbk"), b"\x81\x20", 1)
    got = read_html(bad, "gov.html")
    assert got.text.startswith("\ufffd")
    assert "byte" in got.warnings[0] and str(page.html.index("各区".encode("gbk"))) in \
        got.warnings[0]


def test_utf16_with_its_bom():
    page = news_page()
    text = page.html.decode("utf-8").replace('<meta charset="utf-8">', "")
    got = read_html(text.encode("utf-16"), "news.html")
    assert _lines(got) == page.lines and got.encoding == "utf-16"


def test_controls_and_bidi_marks_never_reach_the_text():
    page = news_page()
    html = page.html.replace(NEWS_LEAD[:6].encode(), NEWS_LEAD[:3].encode() + b"\x00\x1b"
                             + "\u202e\u200b".encode() + NEWS_LEAD[3:6].encode())
    assert _lines(read_html(html, "news.html")) == page.lines


def test_same_bytes_same_result():
    page = news_page()
    first = _read(page)
    _read(stats_page())            # trafilatura keeps caches between calls
    assert _read(page) == first == read_html(bytes(page.html), page.file_name)


def test_nothing_opens_a_socket(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("read_html tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    html = news_page().html.replace(
        b"<head>", b'<head><link rel="canonical" href="https://news.example.cn/a/1.html">'
                   b'<base href="https://news.example.cn/">')
    assert _lines(read_html(html, "news.html")) == news_page().lines
    for make in PAGES.values():
        _read(make())


def test_a_page_without_an_article_is_refused():
    page = no_text_page()
    with pytest.raises(BriefbookError, match="no article text found") as error:
        _read(page)
    assert error.value.where == "no_text.html" and error.value.hint
    for empty in (b"", b"  \n", b"<html><head><title>x</title></head><body></body></html>"):
        with pytest.raises(BriefbookError):
            read_html(empty, "empty.html")


def test_deep_nesting_is_refused_quickly():
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(BriefbookError, match="nests its elements too deeply"):
        read_html(deep_page(50_000), "deep.html")
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seconds < 2 and peak < 20_000_000


def test_nesting_under_the_limit_is_read():
    got = read_html(deep_page(240), "deep.html")
    assert _lines(got) == ("这是一段放在很深层级里的正文，用来检验读取网页时的深度限制。",) * 3


def test_limits_on_size_and_elements(monkeypatch):
    page = news_page()
    monkeypatch.setattr(reader_html, "MAX_HTML_BYTES", len(page.html) - 1)
    with pytest.raises(BriefbookError, match="the limit for a web page"):
        _read(page)
    monkeypatch.setattr(reader_html, "MAX_HTML_BYTES", 20_000_000)
    monkeypatch.setattr(reader_html, "MAX_ELEMENTS", 50)
    with pytest.raises(BriefbookError, match="elements; the limit is 50"):
        _read(page)


def test_a_large_page():
    page = large_page()
    assert len(page.html) > 2_000_000 and sum(1 for ln in page.lines if "项目位于" in ln) >= 1000
    start = time.perf_counter()
    got = _read(page)
    assert time.perf_counter() - start < 15
    assert _lines(got) == page.lines
    assert (got.metadata.title, got.metadata.date, got.metadata.outlet) == (
        page.title, page.date, page.outlet)
    assert all(origin for line, origin in zip(got.text.split("\n"), got.origins, strict=True)
               if line)
    assert got.origins[-1] == "<table> 20, row 6"


def test_the_dispatch_reads_pages_with_this_reader():
    page = news_page()
    assert reader("html") is read_html
    assert extract(page.html, name="page.htm", where="page.htm") == _read(page)


def _built(page: SavedPage, got: Extracted):
    entry = SourceEntry(id=f"{page.name}-2021-07-25", file=f"raw/{page.name}.txt",
                        outlet=got.metadata.outlet, published=got.metadata.date,
                        title=got.metadata.title, script="simplified")
    return build_article(entry, got.text, corrections=Corrections()).article


def test_the_corpus_builds_the_sections_a_reader_sees(read_pages):
    page, got = read_pages["news"]
    article = _built(page, got)
    assert article.dateline == "本报讯"
    assert [(c.role, c.name) for c in article.credits] == [("记者", "林晓岚"), ("通讯员", "周文")]
    assert [(s.heading, [p.text for p in s.paragraphs]) for s in article.sections] == [
        (None, [NEWS_LEAD.split("）", 1)[1]]),
        (page.lines[1], list(page.lines[2:4])),
        (page.lines[4], list(page.lines[5:7]))]
    assert article.page is None             # no headline or date line left in the text


def test_table_rows_are_paragraphs_not_headings(read_pages):
    page, got = read_pages["stats"]
    article = _built(page, got)
    assert [(s.heading, len(s.paragraphs)) for s in article.sections] == [
        (None, 6), ("工业生产较快增长", 1), ("消费市场持续回暖", 1)]
    rows = [p.text for p in article.sections[0].paragraphs[1:]]
    assert rows[0] == "指标：绝对数　比上年同期增长（%）。"
    assert rows[1] == "地区生产总值（亿元）：2356.8　12.4。"


def test_a_notices_closing_signature_is_metadata_not_text():
    from plugins.saved_pages import GOV_SIGNATURE

    got = read_html(gov_page().html, "gov.html")
    assert got.text.rstrip().endswith("要带队到一线检查。")
    assert not any(line in got.text.splitlines() for line in GOV_SIGNATURE)
    assert any(note.startswith("left out the signature at the end") and GOV_SIGNATURE[0] in note
               for note in got.notes)
    # the page's head gave the date and the outlet: the signature does not replace them
    assert got.metadata.found_in["date"] == '<meta name="PubDate">'


def test_a_signature_dates_a_page_that_has_no_other_date():
    body = ("<p>各有关单位：</p><p>现将2022年度河道保洁考核结果通报如下，请各单位对照整改。</p>"
            "<p>青禾市水务局</p><p>2022年12月30日</p>")
    page = f"<html><head><meta charset=utf-8></head><body><div>{body}</div></body></html>"
    got = read_html(page.encode(), "notice.html")
    assert (got.metadata.date, got.metadata.outlet) == (dt.date(2022, 12, 30), "青禾市水务局")
    assert got.metadata.found_in["outlet"] == "the issuing body signing it at its end"
    assert "青禾市水务局" not in got.text
