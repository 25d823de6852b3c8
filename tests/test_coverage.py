"""Named character sets and what the bundled faces print: figures, messages, positions.

Expected figures come from the standards, not from the code: GB2312 encodes 7,445 characters
(6,763 Han + 682 others), the 通用规范汉字表 lists 8,105, Big5 level 1 has 5,401.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from fontTools.ttLib import TTFont

from briefbook.core import fonts, resources
from briefbook.brief import check_brief
from briefbook.doctor import font_findings
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.coverage import check_coverage, missing_characters

NAMES = "喆堃赟玥昇珺彧淏犇㛃"  # given-name characters GB2312 lacks (all in the 通用规范汉字表)
RARE = "𠮷"                    # beyond the 通用规范汉字表: the supplement holds it


def test_named_sets_have_their_standard_sizes():
    sizes = {s.key: len(s.points) for s in fonts.named_sets()}
    assert sizes["gb2312"] == 7445
    assert sizes["tongyong"] == 8105
    assert sizes["big5-common"] == 5401
    tongyong = next(s for s in fonts.named_sets() if s.key == "tongyong")
    assert {ord(c) for c in NAMES + "硚"} <= tongyong.points and ord("𠮷") not in tongyong.points
    assert "kTGH" in tongyong.source and "unicode-data" in tongyong.source


def test_every_named_set_prints_in_every_family_and_weight():
    rows = {r.name: r for r in fonts.coverage_by_set()}
    for name in ("GB2312", "通用规范汉字表", "Big5 common", "CJK punctuation and symbols",
                 "Latin and digits", "corpus"):
        assert rows[name].main == rows[name].total, name
    whole = rows["Noto Sans CJK SC (whole face)"]
    assert whole.printable == whole.total > 44_000  # all of the SC face prints somewhere


def test_layers_are_disjoint_and_each_plus_face_backs_its_main_face():
    folder = resources.FONTS_DIR
    supplement = set(TTFont(folder / fonts.SUPPLEMENT, lazy=True).getBestCmap())
    for face in fonts.FACES:
        main = set(TTFont(folder / face, lazy=True).getBestCmap())
        plus = set(TTFont(folder / fonts.plus_face(face), lazy=True).getBestCmap())
        assert not main & plus and not (main | plus) & supplement, face
        assert {ord(c) for c in NAMES + "硚"} <= plus
    assert {ord(c) for c in RARE} <= supplement


def test_fonts_fit_the_repository_budget():
    total = sum(p.stat().st_size for p in fonts.face_files())
    assert len(fonts.face_files()) == 9
    assert total <= 40_000_000


def test_doctor_states_coverage_by_named_set():
    found = {f.name: f for f in font_findings()}
    assert found["coverage GB2312"].value == "7,445/7,445"
    assert found["coverage 通用规范汉字表"].value == "8,105/8,105"
    assert found["coverage Big5 common"].value == "5,401/5,401"
    assert all(f.ok for f in found.values())


def test_doctor_command_prints_the_figures():
    out = subprocess.run([sys.executable, "-m", "briefbook.cli", "doctor"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "通用规范汉字表" in out.stdout and "8,105/8,105" in out.stdout


def test_names_and_rare_characters_pass_preflight():
    assert missing_characters("硚口区 " + NAMES + RARE) == {}


def test_preflight_names_code_point_position_and_set():
    # U+30000 (Extension G) is in no bundled face and in none of the named sets.
    with pytest.raises(BriefbookError) as info:
        check_coverage("<p>第一段</p><p>名字𰀀</p>", where="x.yaml")
    message = str(info.value)
    assert "U+30000" in message and "character 9 of the book text" in message
    assert "in none of the named sets" in message and "Extensions G–H" in message


def test_preflight_with_older_faces_names_the_set_that_would_hold_it(tmp_path):
    """A process pointed at the earlier GB2312-only faces refuses 喆 as a 通用规范汉字表 character."""
    old = tmp_path / "old"
    old.mkdir()
    for face in fonts.FACES:
        (old / face).write_bytes((resources.FONTS_DIR / face).read_bytes())  # main faces only
    code = ("from briefbook.core.coverage import check_coverage\n"
            "check_coverage('<p>张喆</p>', where='b.yaml')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**__import__("os").environ, "BRIEFBOOK_FONTS_DIR": str(old)},
                         timeout=120)
    assert out.returncode != 0
    assert "U+5586" in out.stderr and "named sets: 通用规范汉字表" in out.stderr


def test_check_reports_unprintable_character_at_file_line_column(tmp_path):
    brief = tmp_path / "b.yaml"
    brief.write_text("title: 测试\n# 注释里的𰀀不印出来\nissuer: 研究组\ndate: 2021-08-01\n"
                     "summary:\n  text: |\n    第一行。\n    第二行有𰀀字。\n", encoding="utf-8")
    with pytest.raises((BriefbookError, BriefbookErrors)) as info:
        check_brief(brief, corpus_ids=set(), metric_ids=set())
    errors = getattr(info.value, "errors", [info.value])
    assert [e.where for e in errors] == [f"{brief}:8:9"]
    assert "U+30000" in str(errors[0])


def test_check_accepts_names_beyond_gb2312(tmp_path):
    brief = tmp_path / "b.yaml"
    brief.write_text(f"title: 硚口区{RARE}\nissuer: {NAMES}\ndate: 2021-08-01\n",
                     encoding="utf-8")
    assert check_brief(brief, corpus_ids=set(), metric_ids=set()).title == f"硚口区{RARE}"
