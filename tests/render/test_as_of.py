"""As-of integrity (issue 23, item 3): a book as of a day holds nothing published or dated
after it — no event, article, chart point, source entry, history step or printed date.

The property: every example brief, copied with ``as_of:`` set to a drawn day (between the
earliest and the latest date of the example corpus and its events, and a little before and
after), minus what ``check`` refuses as later evidence, gives a Book and HTML in which every
date — ``datetime.date`` values, 2021年7月25日 / 2021年7月 / 2021年 and the ISO dates inside
paragraph ids — is on or before that day. The issue date (``date:``, printed on the cover) is
the one date a book may print after it. Others' words are no evidence of a leak and are
taken out before the dates are read: the corpus's paragraphs (quotes, with their citations
kept) and the periods of pledges (a pledge made by the day may run past it); the copied
brief's own prose is replaced by words with no date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import html as html_lib
import re
from functools import cache

import pypdfium2 as pdfium
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefbook.brief.schema import Brief
from briefbook.checks.lint import normalise_text
from briefbook.charts import TimelinePoint, quarter_starts
from briefbook.corpus.model import known_on
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.metrics.status import RUBRIC
from briefbook.render import Renderer
from briefbook.render.book.model import Book, assemble
from plugins.example import BRIEFS_DIR, example_project

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))

CN_DATE = re.compile(r"(\d{4})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")
ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


@cache
def example_renderer() -> Renderer:
    return Renderer(example_project(), chart_cache=False)


@cache
def first_published() -> dict[str, dt.date]:
    """Article id or metric id → the day it (first) appeared, as ``check`` reads it."""
    r = example_renderer()
    days = {a.id: a.published for a in r.corpus.articles}
    days.update({m.id: min(o.published for o in m.observations) for m in r.catalog.metrics})
    return days


@cache
def data_days() -> tuple[dt.date, ...]:
    """Every day the example data is dated: articles published, events held."""
    r = example_renderer()
    return tuple(sorted({a.published for a in r.corpus.articles}
                        | {e.date for e in r.project.events}))


@st.composite
def as_of_days(draw) -> dt.date:
    """A day between the first and the last data day (a month either side), or one on,
    just before or just after a data day."""
    days = data_days()
    edges = sorted({d + dt.timedelta(k) for d in days for k in (-1, 0, 1)})
    return draw(st.one_of(
        st.dates(days[0] - dt.timedelta(30), days[-1] + dt.timedelta(30)),
        st.sampled_from(edges)))


def as_of_copy(data: dict, day: dt.date) -> dict:
    """``data`` (an example brief) as of ``day``: later ids dropped (``check`` refuses them:
    see the tests below), parts left empty dropped, the brief's own prose without dates."""
    seen = first_published()

    def known(ids: list[str]) -> list[str]:
        return [i for i in ids if seen.get(i, seen.get(i.split("/", 1)[0])) <= day]

    def charts(items: list[dict]) -> list[dict]:
        kept = []
        for chart in items:
            chart = dict(chart)
            if "metrics" in chart:
                chart["metrics"] = known(chart["metrics"])
                if not chart["metrics"]:
                    continue
            kept.append(chart)
        return kept

    out = {k: v for k, v in data.items() if k not in ("subtitle", "subject", "keywords", "question")}
    out.update(title="简报", date=max(data["date"], day), as_of=day)
    if "summary" in data:
        out["summary"] = {**data["summary"], "text": "摘要。",
                          "metrics": known(data["summary"].get("metrics", []))}
    if isinstance(data.get("table", {}).get("metrics"), list):
        out["table"] = {**data["table"], "metrics": known(data["table"]["metrics"])}
        if not out["table"]["metrics"]:
            del out["table"]
    out["charts"] = charts(data.get("charts", []))
    sections = []
    for spec in data.get("sections", []):
        spec = {**spec, "metrics": known(spec.get("metrics", [])),
                "quotes": known(spec.get("quotes", [])), "charts": charts(spec.get("charts", []))}
        if spec.get("commentary"):
            spec["commentary"] = "评述。"
        sections.append(spec)
    book_metrics = bool(out.get("summary", {}).get("metrics") or "table" in out
                        or any(s["metrics"] for s in sections))
    if not book_metrics:   # nothing to plot: a chart without metrics of its own goes
        out["charts"] = [c for c in out["charts"] if c.get("metrics")]
        for spec in sections:
            spec["charts"] = [c for c in spec["charts"] if c.get("metrics") or spec["metrics"]]
    out["sections"] = [s for s in sections if s.get("commentary") or s["metrics"]
                       or s["quotes"] or s["charts"]]
    return out


@cache
def others_words() -> tuple[str, ...]:
    """Text a book prints that is not its own: the corpus's paragraphs and quotes (their
    citations stay) and the pledges' periods — longest first, whitespace removed."""
    r = example_renderer()
    texts = {p.text for p in r.corpus.paragraphs()}
    texts |= {o.quote for m in r.catalog.metrics for o in m.observations}
    texts |= {o.period for m in r.catalog.metrics for o in m.observations if o.period}
    return tuple(sorted((re.sub(r"\s", "", t) for t in texts), key=len, reverse=True))


def dates_in(text: str) -> list[tuple[str, dt.date]]:
    """Each date printed in ``text`` (others' words taken out), as the first day it names."""
    text = re.sub(r"\s", "", text)
    for words in others_words():
        text = text.replace(words, "")
    found = [(m.group(0), dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1)))
             for m in CN_DATE.finditer(text)]
    return found + [(m.group(0), dt.date(int(m[1]), int(m[2]), int(m[3])))
                    for m in ISO_DATE.finditer(text)]


def book_values(value, path: str = "book"):
    """Every (path, value) leaf of the Book, but its issue date."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if isinstance(value, Book) and f.name in ("date", "date_iso"):
                continue   # the issue date: the one date a book may print after as_of
            yield from book_values(getattr(value, f.name), f"{path}.{f.name}")
    elif isinstance(value, tuple | list):
        for i, item in enumerate(value):
            yield from book_values(item, f"{path}[{i}]")
    elif not isinstance(value, enum.Enum):
        yield path, value


def later_in_book(book: Book, day: dt.date) -> list[str]:
    found = []
    for path, value in book_values(book):
        if isinstance(value, dt.date) and value > day:
            found.append(f"{path} = {value}")
        elif isinstance(value, str):
            found += [f"{path}: {shown}" for shown, when in dates_in(value) if when > day]
    return found


def later_in_html(page: str, day: dt.date) -> list[str]:
    page = re.sub(r'<div class="issue-line">.*?</div>', "", page, flags=re.S)  # issue date
    alts = re.findall(r'alt="([^"]*)"', page)
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", page) + "".join(alts))
    return [shown for shown, when in dates_in(text) if when > day]


def write_copy(folder, name: str, day: dt.date):
    data = yaml.safe_load((BRIEFS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    path = folder / f"{name}-{day}.yaml"
    path.write_text(yaml.safe_dump(as_of_copy(data, day), allow_unicode=True), encoding="utf-8")
    return path


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(day=as_of_days())
def test_no_example_book_holds_anything_after_its_day(module_folder, day):
    r = example_renderer()
    for name in EXAMPLES:
        book = r.book(write_copy(module_folder, name, day))
        assert book.as_of_iso == day.isoformat()
        assert later_in_book(book, day) == [], name
        assert later_in_html(r.html(book), day) == [], name
        # the articles and events behind what it shows were all there by the day
        shown = [p for c in list(book.charts) + [c for s in book.sections for c in s.charts]
                 for p in c.rows if isinstance(p, TimelinePoint)]
        assert all(p.day <= day for p in shown), name
        for source in book.sources:
            assert known_on(r.corpus.article(source.id), day), (name, source.id)
        rows = list(book.key_figures) + list(book.table or ()) + [
            row for s in book.sections for row in s.rows]
        assert all(r.catalog.get(row.id).at(day) is not None for row in rows), name


def test_assemble_takes_catalog_and_events_on_its_day_and_the_checks_see_a_leak():
    """Given the whole catalog (not taken on any day) and every event, the book of a day
    before the last plenum still holds nothing later; and the checks above are not vacuous:
    a timeline point of the later plenum, had it slipped in, is found."""
    r = example_renderer()
    day = dt.date(2021, 3, 1)
    brief = Brief.model_validate({"title": "简报", "issuer": "组", "date": "2021-08-02",
                                  "as_of": day, "table": {"metrics": "all"},
                                  "charts": [{"kind": "timeline"}]})
    book = assemble(brief, r.corpus, r.catalog, RUBRIC, events=r.project.events_by_id)
    assert later_in_book(book, day) == []
    assert later_in_html(r.html(book), day) == []
    timeline = book.charts[0]
    leaked = dataclasses.replace(timeline, rows=timeline.rows + (
        TimelinePoint("十三届十一次全会", dt.date(2021, 7, 25), 0, 0, "全会"),))
    assert later_in_book(dataclasses.replace(book, charts=(leaked,)), day) == [
        "book.charts[0].rows[2].day = 2021-07-25"]
    assert later_in_html("<p>状态均截至2021年7月</p><p>cjrb-2021-07-25/s3/p3</p>", day) == [
        "2021年7月", "2021-07-25"]


def test_between_the_plenums_the_book_knows_two(module_folder):
    """As of 2021-03-01 (between the 2020-12-18 and 2021-07-25 plenums): two events on the
    timeline, its caption counts two, and no step, source or status comes from July 2021."""
    r = example_renderer()
    day = dt.date(2021, 3, 1)
    brief = Brief.model_validate({"title": "简报", "issuer": "组", "date": "2021-08-02",
                                  "as_of": day, "table": {"metrics": "all"},
                                  "charts": [{"kind": "timeline"}],
                                  "appendix": {"sources": True, "methodology": True}})
    book = assemble(brief, r.corpus, r.catalog.as_of(day), RUBRIC, events=r.project.events_by_id)
    (timeline,) = book.charts
    assert [p.label for p in timeline.rows] == ["十三届九次全会", "十三届十次全会"]
    assert timeline.title == "两次全会：何时承诺，何时报道"
    assert "十一次" not in timeline.alt
    assert [s.id for s in book.sources] == ["hbrb-2020-06-29", "cjw-2020-12-22"]
    graduates = next(row for row in book.table if row.id == "graduates-retained")
    assert graduates.status == "逾期未见报道" and graduates.reported is None
    assert graduates.history_line == "2020年6月 未见报道 → 2021年1月 逾期未见报道"


def test_an_event_held_after_the_day_is_not_named(module_folder):
    """An article published before an event it reports on (a preview): as of a day between
    the two, the article is plotted on its own day and its source entry names no event."""
    r = example_renderer()
    events = dict(r.project.events_by_id)
    events["13-9"] = dataclasses.replace(events["13-9"], date=dt.date(2020, 7, 1))
    day = dt.date(2020, 6, 30)
    brief = Brief.model_validate({"title": "简报", "issuer": "组", "date": "2020-06-30",
                                  "table": {"metrics": "all"}, "charts": [{"kind": "timeline"}],
                                  "appendix": {"sources": True}})
    book = assemble(brief, r.corpus, r.catalog.as_of(day), RUBRIC, events=events)
    assert [(p.label, p.day, p.kind) for p in book.charts[0].rows] == [
        ("湖北日报", dt.date(2020, 6, 29), None)]
    assert [(s.id, s.events) for s in book.sources] == [("hbrb-2020-06-29", None)]


def test_a_later_quote_is_a_check_error_at_its_line(tmp_path):
    """The full book as of 2020-12-31: each quote and metric first published 2021-07-25 is
    an error at its own line, and nothing is rendered."""
    text = (BRIEFS_DIR / "full-book.yaml").read_text(encoding="utf-8")
    path = tmp_path / "full-book.yaml"
    path.write_text(text.replace("date: 2021-08-02\n", "date: 2021-08-02\nas_of: 2020-12-31\n"),
                    encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    quote_line = next(n for n, line in enumerate(lines, 1)
                      if "quotes: [hbrb-2020-06-29/s6/p1, cjrb-2021-07-25/s3/p3" in line)
    with pytest.raises(BriefbookErrors) as caught:
        example_renderer().book(path)
    message = str(caught.value)
    at = line_of(message, "'cjrb-2021-07-25/s3/p3' was first published 2021-07-25, after as_of "
                          "2020-12-31")
    assert at == f"{path}:{quote_line}:{lines[quote_line - 1].index('cjrb') + 1}"
    assert "'tax-fee-cuts' was first published 2021-07-25" in message
    assert "hbrb-2020-06-29/s6/p1'" not in message


def line_of(message: str, what: str) -> str:
    """The ``file:line:column`` of the error saying ``what``."""
    line = next(line for line in message.splitlines() if what in line)
    return line.split(": ", 1)[0]


def test_assemble_refuses_a_later_quote_that_skipped_check():
    r = example_renderer()
    brief = Brief.model_validate({"title": "简报", "issuer": "组", "date": "2021-08-02",
                                  "as_of": "2020-12-31", "sections": [
                                      {"heading": "甲", "quotes": ["cjrb-2021-07-25/s3/p3"]}]})
    with pytest.raises(BriefbookError, match=r"'cjrb-2021-07-25/s3/p3' was published "
                                             r"2021-07-25, after as_of 2020-12-31"):
        assemble(brief, r.corpus, r.catalog, RUBRIC, events=r.project.events_by_id)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(first=st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)),
       length=st.integers(0, 800))
def test_timeline_ticks_stop_at_its_last_point(first, length):
    last = first + dt.timedelta(length)
    ticks = quarter_starts(first, last)
    assert all(first <= t <= last and t.day == 1 and t.month in (1, 4, 7, 10) for t in ticks)
    every = [dt.date(y, m, 1) for y in range(first.year, last.year + 1) for m in (1, 4, 7, 10)]
    assert ticks == [t for t in every if first <= t <= last]


def test_a_timeline_drawn_as_of_a_day_names_no_later_month():
    """Two plenums of 2020: the axis's right margin runs into January 2021, but its last
    tick is the last quarter the points reach."""
    from briefbook import charts

    points = [TimelinePoint("十三届九次全会", dt.date(2020, 6, 28), 3, 0, "全会"),
              TimelinePoint("十三届十次全会", dt.date(2020, 12, 18), 2, 0, "全会")]
    svg = charts.timeline(points).decode("utf-8")
    assert "2020 年 10 月" in svg and "2020 年 12 月 18 日" in svg  # spaced as in the body
    assert "2021" not in svg


def test_rendered_between_the_plenums_the_later_plenum_is_absent(write_brief):
    r = example_renderer()
    path = write_brief("title: 简报\nissuer: 研究组\ndate: 2021-08-02\nas_of: 2021-03-01\n"
                      "summary: {text: 摘要。, metrics: [graduates-retained]}\n"
                      "charts: [{kind: timeline}]\n"
                      "sections: [{heading: 甲, quotes: [hbrb-2020-06-29/s6/p1, "
                      "cjw-2020-12-22/s3/p2]}]\n"
                      "appendix: {sources: true, methodology: true}\n")
    doc = pdfium.PdfDocument(r.render(path))
    try:
        text = normalise_text("".join(doc[i].get_textpage().get_text_range()
                                      for i in range(len(doc))))
    finally:
        doc.close()
    for shown in ("两次全会：何时承诺，何时报道", "十三届九次全会", "十三届十次全会",
                  "状态均截至2021年3月1日", "逾期未见报道", "长江网，2020年12月22日"):
        assert normalise_text(shown) in text, shown
    for absent in ("十三届十一次全会", "三次全会", "2021年7月", "长江日报", "cjrb-2021-07-25"):
        assert normalise_text(absent) not in text, absent
