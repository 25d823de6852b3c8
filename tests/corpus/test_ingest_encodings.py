"""Ingest reads GB18030/GBK, Big5 and UTF-16 (with its BOM) files: detected, or named with
``--encoding``; says which; stores the text in UTF-8; refuses, naming the byte offset, what it
cannot decode, and refuses to guess between GB18030 and Big5.

Real files in each encoding, made here from articles written for these tests (a county
bulletin in Simplified, a Hong Kong-style notice in Traditional).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.corpus import load_corpus
from briefbook.corpus.encoding import PLAUSIBLE, decode_article, share_common
from briefbook.corpus.ingest import IngestReport, ingest

BULLETIN = """\
柳塘县开展春季农田水利冬修收尾检查
2024-03-12 来源：柳塘县融媒体中心

本报讯 三月上旬，县农业农村局组织技术人员分赴十二个乡镇，对新修的塘堰、渠道和机埠逐一检查验收。

检查组沿着新修的渠道步行察看，重点查看渠身是否平顺、闸门启闭是否灵活、进水口有没有杂物堵塞。对发现的问题，当场列出清单，限期整改到位。

据统计，全县今冬共整修塘堰三百四十口，清淤渠道一百八十公里，新增和改善灌溉面积两万一千亩。县里要求各乡镇在春灌前完成全部扫尾工程，确保早稻育秧用水。
"""

NOTICE = """\
西灣區議會公布海濱長廊維修安排
2024年5月8日 來源：西灣區議會

西灣區議會今日公布，海濱長廊東段將於下月起分三期進行維修，工程期間部分路段會暫時封閉，市民請留意現場指示。

議會表示，維修工程包括更換損壞的欄杆、重鋪路面及加裝照明設備，預計全部工程於年底前完成。

市民如有查詢，可於辦公時間致電區議會秘書處，或親臨區議會辦事處查詢。
"""


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-c", "from briefbook.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def paragraphs(report: IngestReport) -> list[str]:
    return [p.text for p in report.article.paragraphs()]


@pytest.mark.parametrize(("text", "codec"), [
    (BULLETIN, "gbk"), (BULLETIN, "gb18030"), (NOTICE, "big5"), (NOTICE, "gbk"),
    (BULLETIN, "utf-16"), (NOTICE, "utf-16"),
])
def test_detected_and_cleaned_like_the_utf8_copy(corpus_copy, tmp_path, text, codec):
    utf8 = ingest(write(tmp_path, "utf8.txt", text.encode("utf-8")), corpus_dir=corpus_copy,
                  article_id="same", dry_run=True)
    assert (utf8.encoding, utf8.encoding_detected) == ("utf-8", True)
    src = write(tmp_path, f"{codec}.txt", text.encode(codec))
    report = ingest(src, corpus_dir=corpus_copy, article_id="same")
    detected = {"gbk": "gb18030", "gb18030": "gb18030", "big5": "big5", "utf-16": "utf-16"}
    assert (report.encoding, report.encoding_detected) == (detected[codec], True)
    assert paragraphs(report) == paragraphs(utf8) and len(paragraphs(report)) == 3
    assert (report.article.title, report.article.outlet, report.article.published) == \
        (utf8.article.title, utf8.article.outlet, utf8.article.published)
    assert report.article.script == utf8.article.script
    # stored as the same text in UTF-8 (what the corpus reader takes); the corpus still loads
    assert (corpus_copy / "raw" / "same.txt").read_bytes() == text.encode("utf-8")
    assert [p.text for p in load_corpus(corpus_copy).article("same").paragraphs()] == \
        paragraphs(utf8)


def test_the_traditional_notice_reads_as_its_text(corpus_copy, tmp_path):
    report = ingest(write(tmp_path, "notice.txt", NOTICE.encode("big5")), corpus_dir=corpus_copy,
                    article_id="xiwan-notice", dry_run=True)
    assert report.article.script == "traditional" and report.encoding == "big5"
    assert report.article.outlet == "西湾区议会" and "海滨长廊" in paragraphs(report)[0]


def test_a_utf8_file_is_stored_byte_for_byte(corpus_copy, tmp_path):
    data = b"\xef\xbb\xbf" + BULLETIN.encode("utf-8")  # with a BOM, as before
    report = ingest(write(tmp_path, "bom.txt", data), corpus_dir=corpus_copy, article_id="bom")
    assert (report.encoding, report.encoding_detected) == ("utf-8", True)
    assert (corpus_copy / "raw" / "bom.txt").read_bytes() == data


@pytest.mark.parametrize(("name", "shown"), [
    ("gbk", "gbk"), ("GBK", "gbk"), ("cp936", "gbk"), ("gb18030", "gb18030")])
def test_a_named_encoding_is_used_and_reported_as_given(corpus_copy, tmp_path, name, shown):
    src = write(tmp_path, "b.txt", BULLETIN.encode("gbk"))
    report = ingest(src, corpus_dir=corpus_copy, article_id="given", encoding=name,
                    dry_run=True)
    assert (report.encoding, report.encoding_detected) == (shown, False)
    assert len(paragraphs(report)) == 3 and not report.warnings


@pytest.mark.parametrize(("text", "data_codec", "given", "message"), [
    (BULLETIN, "gbk", "utf-8", r"byte 0 \(0xC1\) cannot be decoded as utf-8 \(--encoding utf-8\)"),
    (BULLETIN, "gbk", "big5", r"byte 58 \(0xC8\) cannot be decoded as big5 \(--encoding big5\)"),
    (NOTICE, "big5", "ascii", r"byte 0 \(0xA6\) cannot be decoded as ascii"),
])
def test_a_wrong_named_encoding_errs_at_its_byte(corpus_copy, tmp_path, text, data_codec, given,
                                                 message):
    src = write(tmp_path, "w.txt", text.encode(data_codec))
    with pytest.raises(BriefbookError, match=message) as err:
        ingest(src, corpus_dir=corpus_copy, article_id="wrong", encoding=given)
    assert err.value.where == str(src) and "encoding" in (err.value.hint or "")
    assert not (corpus_copy / "raw" / "wrong.txt").exists()


def test_a_wrong_named_encoding_that_decodes_is_warned_about(corpus_copy, tmp_path):
    decoded = decode_article(NOTICE.encode("big5"), "n.txt", "gb18030")
    assert decoded.encoding == "gb18030" and not decoded.detected
    assert len(decoded.warnings) == 1 and "common Chinese characters" in decoded.warnings[0]
    # and ingest refuses the mojibake: its private-use characters cannot be printed
    src = write(tmp_path, "n.txt", NOTICE.encode("big5"))
    with pytest.raises(BriefbookError, match="cannot print"):
        ingest(src, corpus_dir=corpus_copy, article_id="mojibake", encoding="gb18030",
               date="2024-05-08", outlet="西湾区议会", title="海滨长廊")


@pytest.mark.parametrize("name", ["gbkk", "big-5-hk", "base64", "rot13"])
def test_an_unknown_or_non_text_encoding_is_refused(corpus_copy, tmp_path, name):
    src = write(tmp_path, "u.txt", BULLETIN.encode("gbk"))
    with pytest.raises(BriefbookError, match=f"unknown encoding '{name}'") as err:
        ingest(src, corpus_dir=corpus_copy, article_id="unknown", encoding=name)
    assert "gb18030" in (err.value.hint or "")


@pytest.mark.parametrize(("text", "codec", "label"), [
    (BULLETIN, "gbk", "GB18030"), (NOTICE, "big5", "Big5")])
def test_a_bad_byte_is_named_by_its_offset(corpus_copy, tmp_path, text, codec, label):
    head = text[:text.index("本报讯" if codec == "gbk" else "議會表示")].encode(codec)
    data = head + b"\xff" + text.encode(codec)[len(head):]
    src = write(tmp_path, "bad.txt", data)
    with pytest.raises(BriefbookError, match=rf"byte {len(head)} \(0xFF\) is invalid as {label}"
                       ) as err:
        ingest(src, corpus_dir=corpus_copy, article_id="bad")
    assert err.value.where == str(src) and f"byte {len(head)}" in (err.value.hint or "")
    assert not (corpus_copy / "raw" / "bad.txt").exists()


def test_a_damaged_utf8_file_names_its_byte(corpus_copy, tmp_path):
    data = BULLETIN.encode("utf-8")
    at = len(BULLETIN[:BULLETIN.index("检查组")].encode("utf-8"))
    src = write(tmp_path, "u8.txt", data[:at] + b"\xff" + data[at:])
    with pytest.raises(BriefbookError, match=rf"byte {at} \(0xFF\) is invalid as UTF-8") as err:
        ingest(src, corpus_dir=corpus_copy, article_id="damaged")
    assert f"byte {at}" in (err.value.hint or "")


def test_a_damaged_utf16_file_names_its_byte(corpus_copy, tmp_path):
    data = NOTICE.encode("utf-16")[:41]  # BOM + 19½ characters: the last one cut in half
    with pytest.raises(BriefbookError, match=r"byte 40 \(0x.*\) cannot be decoded as UTF-16"):
        ingest(write(tmp_path, "cut.txt", data), corpus_dir=corpus_copy, article_id="cut")


def test_short_text_that_reads_as_both_is_refused_with_the_hint(corpus_copy, tmp_path):
    data = "公告".encode("gbk")  # as Big5: 鼠豢, two common characters too
    src = write(tmp_path, "short.txt", data)
    with pytest.raises(BriefbookError, match="could be GB18030 or Big5") as err:
        ingest(src, corpus_dir=corpus_copy, article_id="short", date="2024-01-02", outlet="x",
               title="t")
    assert "--encoding" in (err.value.hint or "")
    assert "公告" in str(err.value) and "鼠豢" in str(err.value)
    report = ingest(src, corpus_dir=corpus_copy, article_id="short", date="2024-01-02",
                    outlet="x", title="t", encoding="gbk", dry_run=True)
    assert paragraphs(report) == ["公告"]


def test_text_that_is_chinese_in_no_encoding_is_refused(corpus_copy, tmp_path):
    data = "Grüße aus Köln, schöne Straße".encode("cp1252") * 3  # decodes as GB18030 only
    assert share_common(data.decode("gb18030")) < PLAUSIBLE
    with pytest.raises(BriefbookError, match="no other encoding gives plausible Chinese text"):
        ingest(write(tmp_path, "de.txt", data), corpus_dir=corpus_copy, article_id="de",
               date="2024-01-02", outlet="x", title="t")


def test_binary_and_empty_keep_their_messages(tmp_path):
    with pytest.raises(BriefbookError, match="binary"):
        decode_article(bytes(range(256)), "f")
    with pytest.raises(BriefbookError, match="binary"):
        decode_article(NOTICE.encode("utf-16-le"), "f")  # UTF-16 without its BOM: not guessed
    with pytest.raises(BriefbookError, match="empty"):
        decode_article(b" \n", "f")


def test_cli_shows_the_encoding(corpus_copy, tmp_path):
    project = str(corpus_copy.parent)
    src = write(tmp_path, "bulletin.txt", BULLETIN.encode("gbk"))
    out = run("ingest", str(src), "--id", "liutang-2024-03-12", "--dry-run", "--project",
              project)
    assert out.returncode == 0, out.stderr
    assert "encoding: gb18030 (detected)" in out.stdout
    out = run("ingest", str(src), "--id", "liutang-2024-03-12", "--encoding", "gbk", "--json",
              "--project", project)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["encoding"], data["encoding_detected"], data["stored"]) == ("gbk", False, True)
    out = run("ingest", str(write(tmp_path, "s.txt", "公告".encode("gbk"))), "--id", "s",
              "--date", "2024-01-02", "--outlet", "x", "--title", "t", "--project", project)
    assert out.returncode == 1 and "could be GB18030 or Big5" in out.stderr
    assert "--encoding" in out.stderr and "Traceback" not in out.stderr
    out = run("ingest", str(src), "--id", "x", "--encoding", "nope", "--project", project)
    assert out.returncode == 1 and "unknown encoding 'nope'" in out.stderr
