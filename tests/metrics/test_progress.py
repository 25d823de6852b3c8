"""Progress and deadlines (issue 23, item 4): a report under way, a stage figure, a result.

Three articles of our own (tests/metrics/progress/, a fictional city 溪南市): a plan of
2024-01-18 with four 年内 targets, a mid-year report of 2024-07-16 (截至6月底 … 完成年度目标的
57%, 其余正在施工, a figure with no progress word, 上半年 …) and a year-end report of
2025-01-14 that accounts for three of the four. They are ingested, drafted and linked with
the real commands; the statuses are then taken as of July, as of the first days of January
(the deadline passed, no year-end report yet) and as of late January, each checked against
what the rubric (``status.RUBRIC``) says.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from briefbook.cli import load_commands, main
from briefbook.metrics.catalog import Observation, _LOADER_FIELDS
from briefbook.metrics.draft import CATALOG_FIELDS, DRAFT_FIELDS
from briefbook.metrics.extract import guess_progress
from briefbook.metrics.numbers import find_quantities
from briefbook.metrics.status import DEADLINE_PASSED, RUBRIC, Status, assess

HERE = Path(__file__).parent / "progress"
app = load_commands()
runner = CliRunner()
D = dt.date
MEANING = dict(RUBRIC)

PROJECT = """\
title: 溪南市为民办实事
events:
  - {id: xn-2024, name: 溪南市为民办实事, date: 2024-01-17}
topics: [民生保障, 城市建设, 生态环境]
"""
ARTICLES = (("plan", "xnwb-2024-01-18"), ("midyear", "xnwb-2024-07-16"),
            ("yearend", "xnwb-2025-01-14"))


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def fail(capsys, *args: str) -> str:
    """Run the real entry point (its error handling included); it must fail with a message."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    err = capsys.readouterr().err
    assert info.value.code == 1 and "Traceback" not in err, err
    return err


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("xinan")
    (root / "briefbook.yaml").write_text(PROJECT, encoding="utf-8")
    corpus = root / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "sources.yaml").write_text("articles: []\n", encoding="utf-8")
    (corpus / "ids.lock").write_text("", encoding="utf-8")
    for name, aid in ARTICLES:
        day = f"{aid[5:9]}-{aid[10:12]}-{aid[13:15]}"
        run("ingest", str(HERE / f"{name}.txt"), "--id", aid, "--date", day, "--outlet", "溪南晚报",
            "--event", "xn-2024", "--project", str(root))
        run("metrics", "draft", aid, "--into", str(root / f"{name}.yaml"), "--project", str(root))
    return root


@pytest.fixture()
def xinan_project(prepared, tmp_path):
    """A private copy of the prepared 溪南 project (its articles ingested and drafted)."""
    root = tmp_path / "xinan"
    shutil.copytree(prepared, root)
    return root


def entries(path: Path) -> dict[float, dict]:
    """The draft's entries by value."""
    return {e["value"]: e for e in yaml.safe_load(path.read_text(encoding="utf-8"))["observations"]}


def statuses(root: Path, day: str) -> dict[str, dict]:
    out = run("metrics", "--json", "--as-of", day, "--project", str(root)).output
    return {m["id"]: m for m in json.loads(out)}


# ------------------------------------------------------------------ drafting sets progress

def test_draft_reads_progress_from_our_articles(prepared):
    plan = entries(prepared / "plan.yaml")
    assert sorted(plan) == [40, 80, 120, 6000]
    for e in plan.values():            # 年内 in a January plan: this year; no progress on a pledge
        assert (e["kind"], e["period"], e["period_cue"]) == ("pledged", "2024年", "年内")
        assert "progress" not in e and "progress_cue" not in e

    mid = entries(prepared / "midyear.yaml")
    got = {v: (e["kind"], e["progress"], e["progress_cue"]) for v, e in mid.items()}
    assert got == {
        68: ("reported", "underway", "完成年度目标的57%"),    # the share in the next clause
        57: ("reported", "underway", "完成年度目标的57%"),    # the share itself is reported
        23: ("reported", "underway", "正在"),                # 其余正在施工
        41: ("reported", None, "(无线索：发表于承诺期限之前的报道按阶段数字计)"),
        3100: ("reported", "underway", "上半年"),
    }
    assert mid[3100]["period"] == "2024年1月—2024年6月" and mid[68]["period"] == "2024年"

    end = entries(prepared / "yearend.yaml")
    assert {v: (e["kind"], e["progress"], e["progress_cue"], e["period"]) for v, e in end.items()} == {
        126: ("reported", "done", "全年", "2024年"), 40: ("reported", "done", "全年", "2024年"),
        76: ("reported", "done", "全年", "2024年")}


@pytest.mark.parametrize("sentence, figure, expected", [
    # under way: an interim day, a share below 100%, a word of work going on
    ("截至9月底，全区已安装电梯47部。", "47部", ("underway", "截至9月底")),
    ("截至目前，已有12所学校开工。", "12所", ("underway", "截至目前")),
    ("1—5月，新增城镇就业1.8万人。", "1.8万人", ("underway", "1—5月")),
    ("前三季度，全县修缮危桥9座。", "9座", ("underway", "前三季度")),
    ("第二批安置房在建1500套。", "1500套", ("underway", "在建")),
    ("两条公交专用道仍在施工，已完成路面铺设6公里。", "6公里", ("done", "已完成")),   # nearest
    ("已铺设6公里，其余路段仍在施工。", "6公里", ("underway", "仍在")),
    ("全区累计培训护理员800名，完成年度计划的64.5%。", "800名", ("underway", "完成年度计划的64.5%")),
    # done: the year, a year-end day, a share of 100% or more, a word that closes the work
    ("截至去年底，全市共建成充电桩3200个。", "3200个", ("done", "截至去年底")),
    ("截至12月31日，累计发放补贴960万元。", "960万元", ("done", "截至12月31日")),
    ("安置房交付2100套，完成全年任务的105%。", "2100套", ("done", "完成全年任务的105%")),
    ("14座公厕已全部建成。", "14座", ("done", "全部建成")),
    ("全年共调解纠纷4300件。", "4300件", ("done", "全年")),
    # nothing said: left to the catalog's rule (a stage figure before the deadline)
    ("新增停车泊位5000个。", "5000个", (None, None)),
    ("截至2024年，全市有社区食堂88家。", "88家", (None, None)),   # 截至 a year, no month: unsaid
])
def test_progress_cues(sentence, figure, expected):
    [q] = [q for q in find_quantities(sentence) if q.text == figure]
    assert guess_progress(sentence, q.start, q.end) == expected


# ------------------------------------------------------------------ link keeps every field

def test_the_draft_names_every_catalog_field():
    """What link copies is exactly what a catalog observation holds (nothing silently lost)."""
    assert set(CATALOG_FIELDS) == set(Observation.model_fields) - _LOADER_FIELDS
    assert not set(CATALOG_FIELDS) & set(DRAFT_FIELDS)


def test_link_round_trips_every_field(xinan_project):
    mid = xinan_project / "midyear.yaml"
    doc = yaml.safe_load(mid.read_text(encoding="utf-8"))
    by_value = {e["value"]: e for e in doc["observations"]}
    # what an analyst adds by hand: progress where the guess was empty, a summary
    by_value[41] |= {"progress": "done", "summary": "新增绿道41公里"}
    mid.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan = entries(xinan_project / "plan.yaml")

    run("metrics", "link", "greenways", f"{xinan_project}/plan.yaml#{plan[80]['n']}",
        f"{mid}#{by_value[41]['n']}", "--new", "--label", "城市绿道", "--project", str(xinan_project))
    run("metrics", "link", "elderly-homes", f"{xinan_project}/plan.yaml#{plan[6000]['n']}", "--new",
        "--label", "适老化改造", "--topic", "民生保障", "--project", str(xinan_project))
    run("metrics", "link", "elderly-homes", f"{mid}#{by_value[3100]['n']}", "--project", str(xinan_project))

    linked = yaml.safe_load((xinan_project / "corpus/metrics/linked.yaml").read_text(encoding="utf-8"))
    [greenways] = linked["metrics"][:1]
    written = greenways["observations"][1]
    assert written == {"kind": "reported", "value": 41, "period": "2024年", "progress": "done",
                       "source": "xnwb-2024-07-16/s1/p2", "quote": "全市新增城市绿道41公里",
                       "summary": "新增绿道41公里"}          # the metric's unit is implied
    assert linked["observations"] == [{
        "metric": "elderly-homes", "kind": "reported", "value": 3100,
        "period": "2024年1月—2024年6月", "progress": "underway",
        "source": "xnwb-2024-07-16/s1/p3", "quote": "全市为3100户困难老年人家庭完成适老化改造"}]

    # loaded back, every catalog field of each draft entry is what the draft said
    data = statuses(xinan_project, "2024-07-31")
    pairs = [(data["greenways"]["observations"][0], plan[80]),
             (data["greenways"]["observations"][1], by_value[41]),
             (data["elderly-homes"]["observations"][1], by_value[3100])]
    for loaded, entry in pairs:
        for field in CATALOG_FIELDS:
            if field == "summary":
                continue                    # not in the JSON; checked in the file above
            assert loaded[field] == entry.get(field), (field, entry["n"])


def test_link_refuses_unknown_keys_and_bad_progress(xinan_project, capsys):
    mid = xinan_project / "midyear.yaml"
    doc = yaml.safe_load(mid.read_text(encoding="utf-8"))
    entry = next(e for e in doc["observations"] if e["value"] == 23)
    entry["progres"] = "done"                           # a typo must not be dropped silently
    mid.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    err = fail(capsys, "metrics", "link", "childcare", f"{mid}#{entry['n']}", "--new",
               "--project", str(xinan_project))
    assert f"midyear.yaml#{entry['n']}" in err and "unknown key(s) progres" in err
    assert "progress" in err                            # the hint lists the catalog fields

    del entry["progres"]
    entry["progress"] = "finished"
    mid.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    err = fail(capsys, "metrics", "link", "childcare", f"{mid}#{entry['n']}", "--new",
               "--project", str(xinan_project))
    assert "progress 'finished'" in err and "underway" in err
    assert not (xinan_project / "corpus/metrics/linked.yaml").exists()


# ------------------------------------------------------------------ statuses over the year

def link_all(root: Path, *, greenway_result: bool = True) -> None:
    """Link the four metrics as an analyst would: pledge, mid-year report, year-end report."""
    plan, mid, end = (entries(root / f"{name}.yaml") for name, _ in ARTICLES)
    wanted = {
        "old-compounds": [("plan", plan[120]), ("midyear", mid[68]), ("yearend", end[126])],
        "childcare": [("plan", plan[40]), ("midyear", mid[23]), ("yearend", end[40])],
        "greenways": [("plan", plan[80]), ("midyear", mid[41])]
        + ([("yearend", end[76])] if greenway_result else []),
        "elderly-homes": [("plan", plan[6000]), ("midyear", mid[3100])],   # no year-end word
    }
    for metric, chosen in wanted.items():
        run("metrics", "link", metric, *(f"{root}/{name}.yaml#{e['n']}" for name, e in chosen),
            "--new", "--project", str(root))


def test_statuses_as_of_july_and_january(xinan_project):
    link_all(xinan_project)

    july = statuses(xinan_project, "2024-07-31")
    s = {k: m["status"] for k, m in july.items()}
    # Under way before the deadline: 推进中 — "报道称该事项正在建设、推进或已启动"
    assert s["old-compounds"] == "推进中" and "正在建设或推进" in july["old-compounds"]["status_reason"]
    assert "正在建设" in MEANING[Status.IN_PROGRESS]
    assert s["childcare"] == "推进中"
    assert s["elderly-homes"] == "推进中"
    # 41 of 80 km, no progress word, published 2024-07-16 before the deadline 2024-12-31:
    # a stage figure, so 推进中 ("只给出尚未达到承诺的阶段数字"), not 未达目标 (a result only)
    assert s["greenways"] == "推进中"
    assert "阶段数字" in MEANING[Status.IN_PROGRESS] and "结果" in MEANING[Status.SHORT]
    assert "按阶段数字计" in july["greenways"]["status_reason"]
    assert "2024年12月31日之前" in july["greenways"]["status_reason"]

    early = statuses(xinan_project, "2025-01-05")
    # the deadline has passed, no year-end report yet: none of the four is still 推进中
    assert {k: m["status"] for k, m in early.items()} == dict.fromkeys(s, "逾期未见达成")
    assert "期限已过" in MEANING[Status.OVERDUE_UNMET]
    for m in early.values():
        assert "期限2024年12月31日已过，截至2025年1月5日语料中未见达到承诺的报道" in m["status_reason"]

    jan = statuses(xinan_project, "2025-01-31")
    s = {k: m["status"] for k, m in jan.items()}
    # results (全年, published after the deadline), same unit and period
    assert s["old-compounds"] == "超额完成"     # 126 > 120: "结果数字高于承诺数字"
    assert s["childcare"] == "已完成"           # 40 = 40:  "报道数字达到承诺数字"
    assert s["greenways"] == "未达目标"         # 76 < 80:  "结果数字低于承诺数字"
    # the last word on it is the mid-year 上半年 3100户, under way; the deadline has passed
    assert s["elderly-homes"] == "逾期未见达成"
    assert "最近的报道仍称在推进" in MEANING[Status.OVERDUE_UNMET]
    reason = jan["elderly-homes"]["status_reason"]
    assert "xnwb-2024-07-16/s1/p3" in reason and "xnwb-2024-01-18/s1/p1" in reason
    assert jan["old-compounds"]["ratio"] == pytest.approx(126 / 120)


def test_history_says_when_the_deadline_passed(xinan_project):
    link_all(xinan_project)
    jan = statuses(xinan_project, "2025-01-31")
    steps = lambda m: [(h["date"], h["status"], h["because"]) for h in jan[m]["history"]]  # noqa: E731
    assert steps("elderly-homes") == [
        ("2024-01-18", "未见报道", "承诺6000户（xnwb-2024-01-18/s1/p1）"),
        ("2024-07-16", "推进中", "报道3100户（推进中）（xnwb-2024-07-16/s1/p3）"),
        ("2025-01-01", "逾期未见达成", DEADLINE_PASSED)]
    assert steps("old-compounds") == [
        ("2024-01-18", "未见报道", "承诺120个（xnwb-2024-01-18/s1/p1）"),
        ("2024-07-16", "推进中", "报道68个（推进中）（xnwb-2024-07-16/s1/p1）"),
        ("2025-01-01", "逾期未见达成", DEADLINE_PASSED),
        ("2025-01-14", "超额完成", "报道126个（xnwb-2025-01-14/s1/p1）")]


def test_a_stage_figure_left_alone_falls_overdue(xinan_project):
    link_all(xinan_project, greenway_result=False)
    [g] = [m for m in json.loads(run("metrics", "--json", "--as-of", "2025-01-31",
                                     "--project", str(xinan_project)).output) if m["id"] == "greenways"]
    assert g["status"] == "逾期未见达成" and "按阶段数字计" in g["status_reason"]
    assert "只给出尚未达到承诺的阶段数字" in MEANING[Status.OVERDUE_UNMET]
    assert [h["status"] for h in g["history"]] == ["未见报道", "推进中", "逾期未见达成"]


# ------------------------------------------------------------------ the rubric, case by case

class Obs:
    def __init__(self, value, *, published=None, progress=None, period="2024年", source="a-2024-01-01/s1/p1"):
        self.value, self.published, self.progress = value, published, progress
        self.period, self.source, self.qualifier = period, source, None

    @property
    def figure(self):
        return "定性" if self.value is None else f"{self.value}个"


END = D(2024, 12, 31)


def rubric(p, r, as_of, **kw):
    return assess(p, r, unit_pledged="个", unit_reported="个", deadline=END, as_of=as_of, **kw)[0]


@pytest.mark.parametrize("report, as_of, expected", [
    # no progress word: before the deadline a stage figure, after it a result
    (Obs(60, published=D(2024, 7, 1)), D(2024, 7, 31), Status.IN_PROGRESS),
    (Obs(60, published=D(2024, 7, 1)), D(2025, 1, 1), Status.OVERDUE_UNMET),
    (Obs(120, published=D(2024, 7, 1)), D(2025, 1, 1), Status.DONE),     # reached early
    (Obs(130, published=D(2024, 7, 1)), D(2024, 7, 31), Status.DONE),    # not 超额 before the end
    (Obs(60, published=D(2024, 12, 31)), D(2024, 12, 31), Status.IN_PROGRESS),  # on the last day
    (Obs(60, published=D(2025, 1, 10)), D(2025, 1, 31), Status.SHORT),
    (Obs(130, published=D(2025, 1, 10)), D(2025, 1, 31), Status.EXCEEDED),
    # the report says it is the outcome: a result whenever published
    (Obs(60, published=D(2024, 7, 1), progress="done"), D(2024, 7, 31), Status.SHORT),
    # the report says it goes on: never done by its figure, overdue after the deadline
    (Obs(130, published=D(2024, 7, 1), progress="underway"), D(2024, 7, 31), Status.IN_PROGRESS),
    (Obs(130, published=D(2025, 1, 10), progress="underway"), D(2025, 1, 31), Status.OVERDUE_UNMET),
    # no figure for a numeric pledge
    (Obs(None, published=D(2024, 7, 1)), D(2024, 7, 31), Status.IN_PROGRESS),
    (Obs(None, published=D(2024, 7, 1)), D(2025, 1, 1), Status.OVERDUE_UNMET),
    # publication day unknown: read as a result (as before this rule)
    (Obs(60), D(2024, 7, 31), Status.SHORT),
])
def test_stage_figures_and_results(report, as_of, expected):
    assert rubric(Obs(120), report, as_of) is expected


def test_within_a_longer_period_falls_overdue_when_short():
    p, r = Obs(500, period="2021—2024年"), Obs(200, period="2022年", published=D(2023, 1, 5),
                                                   progress="done")
    assert rubric(p, r, D(2024, 6, 1), periods="within") is Status.IN_PROGRESS
    assert rubric(p, r, D(2025, 1, 1), periods="within") is Status.OVERDUE_UNMET


def test_open_ended_pledges_never_fall_overdue():
    r = Obs(10, published=D(2024, 7, 1), progress="underway")
    assert assess(Obs(20), r, unit_pledged="个", unit_reported="个", deadline=None,
                  as_of=D(2030, 1, 1))[0] is Status.IN_PROGRESS


def test_a_curated_in_progress_falls_overdue_with_its_reason():
    p, r = Obs(None), Obs(None, published=D(2024, 7, 1))
    curated = (Status.IN_PROGRESS, "报道称已启动（a-2024-07-01/s1/p1）")
    status, reason = assess(p, r, deadline=END, as_of=D(2025, 2, 1), curated=curated)
    assert status is Status.OVERDUE_UNMET and reason.startswith("报道称已启动（a-2024-07-01/s1/p1）；期限")
    assert assess(p, r, deadline=END, as_of=D(2024, 8, 1), curated=curated) == curated
    done = (Status.DONE, "报道称已建成（a-2024-07-01/s1/p1）")
    assert assess(p, r, deadline=END, as_of=D(2025, 2, 1), curated=done) == done


def test_same_day_reports_agree_when_both_are_results():
    late = D(2025, 1, 10)
    said, unsaid = Obs(120, published=late, progress="done"), Obs(120, published=late)
    assert rubric(Obs(120), said, D(2025, 1, 31), rival=unsaid) is Status.DONE
    early = D(2024, 7, 1)   # before the deadline the unsaid one is a stage figure: they differ
    assert rubric(Obs(120), Obs(120, published=early, progress="done"), D(2024, 7, 31),
                  rival=Obs(120, published=early)) is Status.INCOMPARABLE


# ------------------------------------------------------------------ how the books show it

def drawn_in(doc, colour: tuple[int, int, int]) -> bool:
    """Whether any page of ``doc`` has a pixel of ``colour`` (±5 per channel)."""
    for i in range(len(doc)):
        img = doc[i].render(scale=2).to_pil().convert("RGB")
        if any(all(abs(c - w) < 6 for c, w in zip(rgb, colour))
               for _n, rgb in img.getcolors(maxcolors=1 << 24)):
            return True
    return False


@pytest.mark.slow
def test_a_january_book_prints_the_new_status_its_history_and_rubric_line(xinan_project):
    import pypdfium2

    from briefbook.project import load_project
    from briefbook.render import Renderer, render_to_file
    from briefbook.render.formats.html_edition import render_html_to_file

    link_all(xinan_project)
    brief = xinan_project / "brief.yaml"
    brief.write_text("""\
title: 溪南市为民办实事跟踪
issuer: 测试组
date: 2025-02-01
as_of: 2025-01-31
cover: false
contents: false
table: {metrics: [old-compounds, childcare, greenways, elderly-homes]}
sections:
  - heading: 适老化改造
    metrics: [elderly-homes]
appendix: {sources: true, methodology: true}
""", encoding="utf-8")
    renderer = Renderer(load_project(xinan_project), chart_cache=False)
    pdf = xinan_project / "brief.pdf"
    render_to_file(brief, pdf, renderer)
    doc = pypdfium2.PdfDocument(str(pdf))
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    flat = "".join("".join(pages).split())
    for shown in ("逾期未见达成", "超额完成", "未达目标", "2025年1月1日起，承诺期限已过",
                  "最近的报道仍称在推进", "状态均截至2025年1月31日"):
        assert shown in flat, shown
    # the badge is drawn in the status's colour (#8c2d04) on some page …
    assert drawn_in(doc, (0x8C, 0x2D, 0x04))
    # … and, the control, in no page of the book as of July, when no metric has that status
    brief.write_text(brief.read_text(encoding="utf-8").replace("2025-01-31", "2024-07-31"),
                     encoding="utf-8")
    render_to_file(brief, pdf, renderer)
    assert not drawn_in(pypdfium2.PdfDocument(str(pdf)), (0x8C, 0x2D, 0x04))
    brief.write_text(brief.read_text(encoding="utf-8").replace("2024-07-31", "2025-01-31"),
                     encoding="utf-8")

    html = render_html_to_file(brief, xinan_project / "brief.html", renderer).decode("utf-8")
    assert 'class="badge overdue-unmet">逾期未见达成' in html
