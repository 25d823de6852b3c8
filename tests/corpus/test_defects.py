"""Lost characters in hbrb: found with positions, repaired only from corrections.yaml."""

from __future__ import annotations

import pytest
import yaml
from plugins.raw_articles import HBRB, raw_text

from briefbook.corpus import load_corpus
from briefbook.corpus.defects import UNREPAIRED, find_defects, locate, line_starts
from briefbook.corpus.store import build_corpus
from briefbook.core.errors import BriefbookError


def test_defects_found_in_raw_hbrb() -> None:
    raw = raw_text(HBRB)
    found = find_defects(HBRB, raw)
    assert [(d.raw, d.line, d.column, d.offset, d.kind) for d in found] == [
        ("?qǐng)?bào)", 1, 4, 3, "lost-char-pinyin"),
        ("?jiǎng)?chuàng)", 3, 92, 360, "lost-char-pinyin"),
        ("?", 8, 11, 1812, "lost-symbol"),
    ]
    for d in found:  # positions point at the damaged text itself
        assert raw[d.offset:d.offset + len(d.raw)] == d.raw
        assert raw.split("\n")[d.line - 1][d.column - 1:].startswith(d.raw)
    assert found[0].readings == ("qǐng", "bào")


def test_two_runs_are_one_lost_character() -> None:
    # 日?qǐng)?bào)訊 stands for 日報(bào)訊: one defect, not two
    assert len(find_defects("x", "湖北日?qǐng)?bào)訊")) == 1


def test_no_defects_in_clean_text_or_real_question_marks() -> None:
    for aid in ("cjrb-2021-07-25", "cjw-2020-12-22"):
        assert find_defects(aid, raw_text(aid)) == []
    assert find_defects("x", "怎么办?要创新!这是(a)问题?") == []


def test_locate() -> None:
    starts = line_starts("ab\ncd\n\nef")
    assert locate(starts, 0) == (1, 1) and locate(starts, 4) == (2, 2)
    assert locate(starts, 7) == (4, 1)


def test_hbrb_is_repaired_from_corrections(seed_dir) -> None:
    art = load_corpus(seed_dir).article(HBRB)
    assert [(d.repair, d.in_body) for d in art.defects] == [("報", True), ("創", True), ("©", False)]
    assert all(d.reason for d in art.defects)
    assert art.dateline == "湖北日报讯" and art.reporters == ("谢慧敏",)
    assert "要创新推进疾病预防与治疗一体化机制建设" in art.text
    assert UNREPAIRED not in art.text


def test_without_corrections_defects_stay_visible(corpus_copy) -> None:
    data = yaml.safe_load((corpus_copy / "corrections.yaml").read_text(encoding="utf-8"))
    data["repairs"] = []
    (corpus_copy / "corrections.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                   encoding="utf-8")
    art = build_corpus(corpus_copy).article(HBRB)
    assert [d.repair for d in art.defects] == [None, None, None]
    assert "要〓新推进" in art.text
    assert art.dateline == "湖北日〓讯"  # the lost character stays visible in metadata too


def test_stale_correction_stops_the_build(corpus_copy) -> None:
    path = corpus_copy / "corrections.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('offset: 360', 'offset: 361'),
                    encoding="utf-8")
    with pytest.raises(BriefbookError, match="does not match a defect"):
        build_corpus(corpus_copy)


def test_every_correction_names_position_repair_and_reason(seed_dir) -> None:
    data = yaml.safe_load((seed_dir / "corrections.yaml").read_text(encoding="utf-8"))
    for entry in data["repairs"]:
        assert set(entry) == {"article", "raw", "at", "offset", "repair", "reason"}
    for entry in data["conversions"]:
        assert set(entry) == {"from", "to", "reason"}
