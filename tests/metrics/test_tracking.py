"""From a new article to a tracked pledge, end to end in a scratch corpus folder.

Ingest a plan article and a later report (our own text, tests/metrics/tracking/), draft
both, keep two observations of each, link them, render a brief: it shows the pledge, the
report, the status and its history — no quote or paragraph id written by hand. Then the
bad input of issue 18: a missing metric, a quote gone from its paragraph, an unreadable
period, evidence after ``as_of``, two same-day reports that disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2
import pytest
import yaml
from typer.testing import CliRunner

from briefbook.cli import load_commands, main
from briefbook.project import load_project

HERE = Path(__file__).parent / "tracking"
app = load_commands()
runner = CliRunner()

PROJECT = """\
title: 青山区民生实事
events:
  - {id: qs-2023, name: 青山区民生实事, date: 2023-02-14}
topics: [民生保障, 城市建设, 生态环境, 公共卫生]
"""


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, result.output
    return result


class Failed:
    def __init__(self, code: int, output: str):
        self.exit_code, self.output = code, output


def fail(capsys, *args: str) -> Failed:
    """Run the real entry point (its error handling included); it must fail."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    return Failed(info.value.code, capsys.readouterr().err)


@pytest.fixture()
def qingshan_project(tmp_path):
    """A new 青山 project with two articles ingested and drafted; (its folder, its corpus)."""
    (tmp_path / "briefbook.yaml").write_text(PROJECT, encoding="utf-8")
    corpus = tmp_path / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "sources.yaml").write_text("articles: []\n", encoding="utf-8")
    (corpus / "ids.lock").write_text("", encoding="utf-8")
    for name, aid, date in (("plan", "qsrb-2023-02-15", "2023-02-15"),
                            ("report", "qsrb-2024-01-10", "2024-01-10")):
        run("ingest", str(HERE / f"{name}.txt"), "--id", aid, "--date", date, "--outlet", "青山日报",
            "--event", "qs-2023", "--project", str(corpus.parent))
        run("metrics", "draft", aid, "--into", str(tmp_path / f"{name}.yaml"), "--project", str(corpus.parent))
    return tmp_path, corpus


def keep(draft: Path, values: list[int]) -> dict[int, int]:
    """What the analyst does: delete every entry but those with these values; value → n."""
    doc = yaml.safe_load(draft.read_text(encoding="utf-8"))
    doc["observations"] = [e for e in doc["observations"] if e["value"] in values]
    draft.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return {e["value"]: e["n"] for e in doc["observations"]}


def test_drafts_are_valid_catalog_observations(qingshan_project):
    tmp, corpus = qingshan_project
    plan = yaml.safe_load((tmp / "plan.yaml").read_text(encoding="utf-8"))
    assert plan["draft_of"] == "qsrb-2023-02-15"
    by_value = {e["value"]: e for e in plan["observations"]}
    parks = by_value[30]
    assert parks["kind"] == "pledged" and parks["unit"] == "座" and parks["period"] == "2023年"
    assert parks["quote"] == "全年新建口袋公园30座"       # the shortest clause with the number
    assert parks["source"] == "qsrb-2023-02-15/s1/p1" and parks["cue"] == "计划提出，"
    assert set(by_value) == {30, 2000, 45}                 # the title and 记者 line are not text
    report = yaml.safe_load((tmp / "report.yaml").read_text(encoding="utf-8"))
    assert {e["value"]: e["kind"] for e in report["observations"]} == {
        36: "reported", 2000: "reported", 41: "reported"}
    assert {e["period"] for e in report["observations"]} == {"2023年"}


@pytest.mark.slow
def test_plan_and_report_to_a_rendered_brief(qingshan_project):
    tmp, corpus = qingshan_project
    plan = keep(tmp / "plan.yaml", [30, 2000])
    report = keep(tmp / "report.yaml", [36, 2000])
    out = run("metrics", "link", "pocket-parks", f"{tmp}/plan.yaml#{plan[30]}",
              f"{tmp}/report.yaml#{report[36]}", "--new", "--label", "口袋公园",
              "--project", str(corpus.parent))
    assert "超额完成" in out.output
    # the second one the other way: the pledge first, the report linked to it later
    run("metrics", "link", "kindergarten-places", f"{tmp}/plan.yaml#{plan[2000]}", "--new",
        "--label", "公办幼儿园学位", "--topic", "民生保障", "--project", str(corpus.parent))
    run("metrics", "link", "kindergarten-places", f"{tmp}/report.yaml#{report[2000]}",
        "--project", str(corpus.parent))

    data = json.loads(run("metrics", "--json", "--project", str(corpus.parent), "--as-of", "2024-02-01").output)
    parks = next(m for m in data if m["id"] == "pocket-parks")
    assert [(h["date"], h["status"]) for h in parks["history"]] == [
        ("2023-02-15", "未见报道"), ("2024-01-01", "逾期未见报道"), ("2024-01-10", "超额完成")]
    assert parks["history"][2]["source"] == "qsrb-2024-01-10/s1/p1"
    late = json.loads(run("metrics", "--json", "--project", str(corpus.parent), "--as-of", "2023-12-31").output)
    assert {m["id"]: m["status"] for m in late} == {"pocket-parks": "未见报道",
                                                     "kindergarten-places": "未见报道"}

    brief = tmp / "brief.yaml"
    brief.write_text("""\
title: 青山区民生实事跟踪
issuer: 测试组
date: 2024-02-01
cover: false
contents: false
table: {metrics: [pocket-parks, kindergarten-places]}
sections:
  - heading: 口袋公园
    metrics: [pocket-parks]
appendix: {sources: true, methodology: true}
""", encoding="utf-8")
    from briefbook.render import Renderer, render_to_file

    pdf = tmp / "brief.pdf"
    render_to_file(brief, pdf, Renderer(load_project(corpus.parent), chart_cache=False))
    doc = pypdfium2.PdfDocument(str(pdf))
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    flat = "".join(text.split())
    for shown in ("30座", "36座", "2000个", "超额完成", "已完成", "逾期未见报道",
                  "2023年2月未见报道", "2024年1月10日超额完成", "qsrb-2024-01-10/s1/p1",
                  "状态均截至2024年2月1日"):
        assert shown in flat, shown


def test_link_refuses_a_missing_metric_and_a_stale_quote(qingshan_project, capsys):
    tmp, corpus = qingshan_project
    plan = keep(tmp / "plan.yaml", [30])
    r = fail(capsys, "metrics", "link", "no-such-metric", f"{tmp}/plan.yaml#{plan[30]}",
            "--project", str(corpus.parent))
    assert r.exit_code == 1 and "unknown metric id 'no-such-metric'" in r.output and "--new" in r.output
    assert not (corpus / "metrics" / "linked.yaml").exists()

    doc = yaml.safe_load((tmp / "plan.yaml").read_text(encoding="utf-8"))
    doc["observations"][0]["quote"] = "全年新建口袋公园40座"     # no longer what the text says
    (tmp / "plan.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = fail(capsys, "metrics", "link", "pocket-parks", f"{tmp}/plan.yaml#{plan[30]}", "--new",
            "--project", str(corpus.parent))
    assert r.exit_code == 1 and "is no longer in qsrb-2023-02-15/s1/p1" in r.output
    assert "metrics draft" in r.output and "Traceback" not in r.output

    doc["observations"][0]["quote"] = "全年新建口袋公园30座"
    doc["observations"][0]["period"] = "明后年"
    (tmp / "plan.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = fail(capsys, "metrics", "link", "pocket-parks", f"{tmp}/plan.yaml#{plan[30]}", "--new",
            "--project", str(corpus.parent))
    assert r.exit_code == 1 and "period '明后年'" in r.output
    assert not (corpus / "metrics" / "linked.yaml").exists()


def test_draft_does_not_clobber_an_edited_draft(qingshan_project, capsys):
    tmp, corpus = qingshan_project
    r = fail(capsys, "metrics", "draft", "qsrb-2023-02-16", "--project", str(corpus.parent))
    assert r.exit_code == 1 and "qsrb-2023-02-15" in r.output      # did you mean
    before = (tmp / "plan.yaml").read_bytes()
    r = fail(capsys, "metrics", "draft", "qsrb-2023-02-15", "--into", str(tmp / "plan.yaml"),
            "--project", str(corpus.parent))
    assert r.exit_code == 1 and "--force" in r.output
    assert (tmp / "plan.yaml").read_bytes() == before


def test_evidence_after_as_of_is_an_error_at_its_line(qingshan_project):
    tmp, corpus = qingshan_project
    plan = keep(tmp / "plan.yaml", [30])
    report = keep(tmp / "report.yaml", [36])
    run("metrics", "link", "pocket-parks", f"{tmp}/plan.yaml#{plan[30]}", "--new",
        "--project", str(corpus.parent))
    run("metrics", "link", "late-parks", f"{tmp}/report.yaml#{report[36]}", "--new",
        "--project", str(corpus.parent))
    brief = tmp / "brief.yaml"
    brief.write_text("title: 简报\nissuer: 组\ndate: 2024-02-01\nas_of: 2023-06-30\n"
                     "sections:\n  - heading: 甲\n    metrics: [pocket-parks, late-parks]\n"
                     "    quotes: [qsrb-2024-01-10/s1/p1]\n", encoding="utf-8")
    from briefbook.core.errors import BriefbookErrors
    from briefbook.render import Renderer

    with pytest.raises(BriefbookErrors) as exc:
        Renderer(load_project(corpus.parent), chart_cache=False).book(brief)
    message = str(exc.value)
    assert "brief.yaml:7:" in message and "'late-parks' was first published 2024-01-10" in message
    assert "'qsrb-2024-01-10/s1/p1' was first published 2024-01-10, after as_of 2023-06-30" in message
    book = None
    brief.write_text("title: 简报\nissuer: 组\ndate: 2024-02-01\nas_of: 2023-06-30\n"
                     "table: {metrics: [pocket-parks]}\n", encoding="utf-8")
    book = Renderer(load_project(corpus.parent), chart_cache=False).book(brief)
    assert book.table[0].status == "未见报道" and book.table[0].reported is None


def test_two_same_day_reports_that_disagree_are_incomparable(qingshan_project, capsys):
    tmp, corpus = qingshan_project
    plan = keep(tmp / "plan.yaml", [45])
    report = keep(tmp / "report.yaml", [41])
    run("metrics", "link", "old-compounds", f"{tmp}/plan.yaml#{plan[45]}", "--new",
        "--project", str(corpus.parent))
    linked = corpus / "metrics" / "linked.yaml"
    doc = yaml.safe_load(linked.read_text(encoding="utf-8"))
    entry = yaml.safe_load((tmp / "report.yaml").read_text(encoding="utf-8"))["observations"][0]
    doc["observations"] = [
        {"metric": "old-compounds", "kind": "reported", "value": 41, "period": "2023年",
         "source": entry["source"], "quote": entry["quote"]},
        {"metric": "old-compounds", "kind": "reported", "value": 45, "period": "2023年",
         "source": "qsrb-2024-01-10/s1/p1", "quote": "改造老旧小区45个"}]
    linked.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = fail(capsys, "metrics", "--json", "--project", str(corpus.parent))
    # the second quote is not in the report: the loader says where, nothing is chosen
    assert r.exit_code == 1 and "linked.yaml" in r.output and "does not occur verbatim" in r.output

    doc["observations"][1]["quote"] = "完成老旧小区改造41个"
    doc["observations"][1]["value"] = 41
    doc["observations"][1]["qualifier"] = None
    doc["observations"][1]["progress"] = "underway"      # same day, same figure, another reading
    linked.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    [m] = json.loads(run("metrics", "--json", "--project", str(corpus.parent), "--as-of", "2024-02-01").output)
    assert m["status"] == "无法比较" and "同日两则报道不一" in m["status_reason"]


def test_draft_topic_guesses_stay_among_the_projects_topics():
    from briefbook.metrics.draft import _topic

    mine = ("养老服务", "公共交通")
    assert _topic("今年新增养老服务床位300张", mine) == ("养老服务", "养老服务")  # named outright
    assert _topic("新增就业岗位2万个", mine) == ("养老服务", "(无线索，请核对)")   # 就业与人才 is not ours
    assert _topic("新增就业岗位2万个", ("公共交通", "就业与人才")) == ("就业与人才", "就业")
