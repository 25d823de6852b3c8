"""Charts and the status legend on the printed page (issue 27, item 6), measured in the PDF.

- A project of its own, written for this test — a district's meetings: two a day apart, three
  on one day, one with a very long name — gets a timeline on A4, B5 and A5: no printed glyph
  on the chart's page overlaps another, and every event is named in full.
- The status legend (各项指标状态一览) keeps every badge clear of its label, the widest
  (逾期未见报道 with a three-digit count) too, on A4 and A5.
"""

from __future__ import annotations

import ctypes
import dataclasses

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from plugins.example import BRIEFS_DIR, copy_project
from plugins.svg_text import glyph_boxes, overlapping

from briefbook.cli import main
from briefbook.metrics.status import STATUSES, Status, status_slug
from briefbook.project import load_project
from briefbook.render import Renderer
from briefbook.render.book.model import StatusTally

#: (id, name, short name, kind, day): meetings of a district, written for this test
MEETINGS = [
    ("dh-1", "市第十五次党代会开幕会", "市第十五次党代会", "党代会", "2022-04-26"),
    ("dh-2", "市十五届人大常委会第三次会议", "人大常委会第三次会议", "人大", "2022-04-27"),
    ("dh-3", "东湖区第五届政协第二次全体会议", "东湖区政协全会", "政协", "2022-09-03"),
    ("dh-4", "东湖区第五届人民代表大会第二次会议", "东湖区人代会", "人大", "2022-09-03"),
    ("dh-5", "东湖区人民政府第十二次常务会议", "东湖区政府常务会议", "常务会", "2022-09-03"),
    ("dh-6", "市政府关于2022年民生实事项目推进情况的报告暨2023年民生实事征集工作安排会议",
     None, "专题会", "2022-12-20"),
]


def article(number: int, name: str, day: str) -> str:
    _, month, date = day.split("-")
    return (f"{name}召开\n\n{day} 10:00　来源：东湖日报\n\n"
            f"本报讯（记者李{number}）{int(month)}月{int(date)}日，{name}召开。会议提出，年内新建"
            f"口袋公园{10 + number}个，改造背街小巷{20 + number}条，新增社区食堂{number}家。\n")


def brief(paper: str) -> str:
    return f"""title: 东湖区民生实事简报
issuer: 城市治理研究组
date: 2022-12-30
paper: {paper}
cover: false
contents: false
charts:
  - kind: timeline
    title: 会议密集的一年：何时承诺，何时报道
sections:
  - heading: 会议与承诺
    commentary: 四月下旬两场会议相隔一天，九月三日一天召开三场会议，十二月的专题会议名称很长。
    metrics: [graduates-retained]
"""


@pytest.fixture(scope="module")
def crowded_project(module_folder):
    project = copy_project(module_folder / "dh")
    config = project.config_path.read_text(encoding="utf-8")
    events = "".join(f"  - id: {i}\n    name: {n}\n" + (f"    short: {s}\n" if s else "")
                     + f"    kind: {k}\n    date: {d}\n" for i, n, s, k, d in MEETINGS)
    project.config_path.write_text(config.replace("topics:", events + "topics:", 1),
                                   encoding="utf-8")
    for number, (event, name, _, _, day) in enumerate(MEETINGS, 1):
        source = module_folder / f"dh-{number}.txt"
        source.write_text(article(number, name, day), encoding="utf-8")
        try:
            main(["ingest", str(source), "--id", f"dhrb-{day}-{number}", "--date", day,
                  "--outlet", "东湖日报", "--event", event, "--project", str(project.root)])
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
    for paper in ("A4", "B5", "A5"):
        (project.briefs_dir / f"dh-{paper}.yaml").write_text(brief(paper), encoding="utf-8")
    return load_project(project.root)


@pytest.mark.slow
@pytest.mark.parametrize("paper", ["A4", "B5", "A5"])
def test_a_crowded_timeline_prints_no_glyph_over_another(crowded_project, paper):
    renderer = Renderer(crowded_project, chart_cache=False)
    pdf = renderer.render(crowded_project.briefs_dir / f"dh-{paper}.yaml")
    doc = pdfium.PdfDocument(pdf)
    try:
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    page = next(i for i, text in enumerate(texts) if "会议密集的一年" in text)
    shown = texts[page].replace(" ", "").replace("\r", "").replace("\n", "")
    for _, name, short, _, _ in MEETINGS:
        assert (short or name) in shown, short or name
    assert "2022年9月3日" in shown and shown.count("2022年9月3日") >= 3
    clashes = overlapping(glyph_boxes(pdf, page), gap=-0.3)
    assert clashes == [], clashes[:5]


def fill_rectangles(page, colours: set[str]) -> list[tuple[str, float, float, float, float]]:
    """The filled paths of ``colours`` on a page: (colour, left, bottom, right, top)."""
    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        rgba = [ctypes.c_uint() for _ in range(4)]
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *rgba)
        colour = "#{:02x}{:02x}{:02x}".format(*(v.value for v in rgba[:3]))
        if colour in colours:
            found.append((colour, *obj.get_bounds()))
    return found


@pytest.mark.parametrize("paper", ["A4", "A5"])
def test_the_status_legend_keeps_each_badge_clear_of_its_label(renderer, paper):
    """The widest badges — the longest words, a three-digit count — and a short one; each
    badge's box ends 2 pt or more before its label's first character."""
    tallies = ((Status.OVERDUE, 128, "甲类事项"), (Status.OVERDUE_UNMET, 7, "乙类事项"),
               (Status.DONE, 3, "丙类事项"))
    book = renderer.book(BRIEFS_DIR / "full-book.yaml")
    book = dataclasses.replace(
        book, paper=paper, cover=False, contents=False, key_figures=(), charts=(), sections=(),
        sources=(), table=book.table[:1],
        tallies=tuple(StatusTally(s, status_slug(s), n, (label,)) for s, n, label in tallies))
    pdf = renderer.writer.write(renderer.html(book), {})
    colour = {row.status: row.colour for row in STATUSES}
    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        badges = fill_rectangles(page, {colour[s] for s, _, _ in tallies})
        text = page.get_textpage()
        firsts = {}
        for i in range(text.count_chars()):
            char = text.get_text_range(i, 1)
            if char in "甲乙丙" and char not in firsts:
                firsts[char] = text.get_charbox(i)
    finally:
        doc.close()
    assert len(badges) == len(tallies)
    for (status, _, label), first in zip(tallies, ("甲", "乙", "丙"), strict=True):
        _, left, bottom, right, top = next(b for b in badges if b[0] == colour[status])
        glyph_left, glyph_bottom, _, glyph_top = firsts[first]
        assert glyph_bottom < top and bottom < glyph_top, label  # on the badge's line
        assert glyph_left - right >= 2.0, (status, right, glyph_left)
