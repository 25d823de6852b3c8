"""Editions for readers whose names GB2312 lacks: each copy prints its reader's mark as text."""

from __future__ import annotations

import pytest

from briefbook.checks.lint import lint_pdf
from briefbook.distribute.editions import make_editions, read_readers

#: Surnames are ordinary; the given names are the characters issue 13 found refused:
#: nine common given-name characters, 㛃 (通用规范汉字表, not GB2312) and 𠮷 (not even in
#: the 通用规范汉字表: the Sans Bold supplement holds it).
NAMES = ["王喆", "李堃", "张赟", "陈玥", "刘昇", "杨珺", "赵彧", "黄淏", "周犇", "吴𠮷", "徐㛃"]


@pytest.fixture(scope="module")
def rare_name_copies(tmp_path_factory, sheet_brief, sheet_pdf):
    out = tmp_path_factory.mktemp("names")
    csv = out.parent / "names.csv"
    csv.write_text("name\n" + "\n".join(NAMES) + "\n", encoding="utf-8")
    return out, make_editions(sheet_brief, read_readers(csv), out, base=sheet_pdf)


def test_every_name_is_accepted_and_gets_a_copy(rare_name_copies):
    out, entries = rare_name_copies
    assert [e["name"] for e in entries] == NAMES
    assert len(list(out.glob("summary-sheet-*.pdf"))) == len(NAMES)


@pytest.mark.parametrize("number", range(1, len(NAMES) + 1))
def test_mark_is_extractable_text_in_bundled_fonts(rare_name_copies, number):
    out, _ = rare_name_copies
    report = lint_pdf((out / f"summary-sheet-{number:03d}.pdf").read_bytes())
    assert report.ok, report.failures  # bundled families, ToUnicode maps, no .notdef
    mark = f"{NAMES[number - 1]} 第{number:03d}份"
    assert all(mark in page for page in report.text), (mark, report.text[0][:80])
