"""Project folders: finding them, their config and its errors, init, events and topics as data.

Real files in temporary folders, the real CLI entry point, real renders where pages are claimed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from briefbook.cli import main
from briefbook.core.errors import BriefbookError
from briefbook.corpus import load_project_corpus
from briefbook.project import PROJECT_FILE, find_project, load_project
from briefbook.render import Renderer
from plugins.example import REPO, copy_project, project_with_stylesheet

MINIMAL = "title: 测试项目\ntopics: [民生保障]\n"


def fails(capsys, *args: str) -> str:
    """Run the command as a user does; it must fail with a message, not a traceback."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    assert info.value.code not in (0, None, 70)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in doc)
    finally:
        doc.close()


# --- finding the project ------------------------------------------------------------------

def test_found_by_walking_up_from_the_brief_and_overridden_by_project(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    deep = project.briefs_dir / "drafts" / "2024"
    deep.mkdir(parents=True)
    brief = deep / "draft.yaml"
    brief.write_text("x: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the cwd holds no project: only the brief's folder can say
    assert find_project(brief).root == project.root
    other = copy_project(tmp_path / "q", briefs=False)
    assert find_project(brief, other.root).root == other.root
    assert find_project(brief, other.config_path).root == other.root  # the file works too


def test_no_project_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    brief = tmp_path / "loose.yaml"
    brief.write_text("title: x\n", encoding="utf-8")
    err = fails(capsys, "check", str(brief))
    assert "no briefbook.yaml" in err and "briefbook init" in err
    err = fails(capsys, "sources", "--project", str(tmp_path))
    assert "not a briefbook project" in err


def test_a_draft_outside_any_project_uses_the_project_of_the_cwd(tmp_path, monkeypatch):
    draft = tmp_path / "draft.yaml"
    draft.write_text("x: 1\n", encoding="utf-8")
    monkeypatch.chdir(REPO)
    assert find_project(draft).root == REPO


def test_nested_projects_are_refused(tmp_path, capsys):
    outer = copy_project(tmp_path / "outer", briefs=False)
    inner = outer.root / "sub"
    inner.mkdir()
    (inner / PROJECT_FILE).write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(BriefbookError, match="inside another project"):
        find_project(inner)
    err = fails(capsys, "init", str(outer.root / "new"))
    assert "cannot nest" in err and not (outer.root / "new").exists()


# --- the config file and its errors ---------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "needle"), [
    ("", 1, "the project file is empty"),
    ("[1, 2]\n", 1, "not a list"),
    ("title: 甲\ntopics: [民生保障\n", 2, "expected ',' or ']'"),  # where the list opened
    ("title: 甲\ntopik: [民生保障]\n", 2, "did you mean 'topics'"),
    ("title: 甲\ntopics: []\n", 2, "at least 1"),
    ("title: 甲\ntopics: [民生保障, 民生保障]\n", 2, "repeated: 民生保障"),
    ("title: 甲\ntopics: [民生保障]\nevents:\n  - {id: a, name: 甲会, date: 2024-13-01}\n", 4,
     "date"),
    ("title: 甲\ntopics: [民生保障]\nevents:\n  - {id: a, name: 甲会, date: 2024-01-01}\n"
     "  - {id: a, name: 乙会, date: 2024-02-01}\n", 4, "repeated: a"),
    ("title: 甲\ntopics: [民生保障]\nevents:\n  - {id: 'a b', name: 甲会, date: 2024-01-01}\n",
     4, "pattern"),
    ("title: 甲\ntopics: [民生保障]\ndefaults: {paper: A3}\n", 3, "A4"),
    ("title: !!python/object/apply:os.system ['true']\ntopics: [x]\n", 1, "tag"),
])
def test_bad_config_names_file_line_and_what_is_wrong(tmp_path, capsys, text, line, needle):
    root = tmp_path / "p"
    root.mkdir()
    (root / PROJECT_FILE).write_text(text, encoding="utf-8")
    err = fails(capsys, "sources", "--project", str(root))
    assert f"{root / PROJECT_FILE}:{line}" in err, err
    assert needle in err, err


def test_unknown_event_in_an_article_names_sources_yaml_and_its_line(tmp_path, capsys):
    project = copy_project(tmp_path / "p", briefs=False)
    sources = project.corpus_dir / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("- 13-10\n", "- 13-99\n"), encoding="utf-8")
    line = next(i for i, t in enumerate(sources.read_text(encoding="utf-8").splitlines(), 1)
                if t == "- id: cjw-2020-12-22")
    err = fails(capsys, "sources", "--project", str(project.root))
    assert f"{sources}:{line}: article cjw-2020-12-22: unknown event '13-99'" in err
    assert "13-9, 13-10, 13-11" in err


def test_project_schema_is_printed(capsys):
    with pytest.raises(SystemExit) as info:
        main(["schema", "--project"])
    assert info.value.code in (0, None)
    out = capsys.readouterr().out
    assert '"events"' in out and '"topics"' in out and "briefbook.yaml" in out


# --- the project stylesheet -----------------------------------------------------------------

def _with_stylesheet(tmp_path: Path, css: str):
    return project_with_stylesheet(tmp_path / "p", css)


@pytest.mark.parametrize(("css", "needle"), [
    ("h1 { color: red }\n@import url(other.css);\n", "house.css:2:1: @import is not allowed"),
    ("\n.masthead { background: url(../../etc/passwd) }\n", "house.css:2:25: url(../../etc/pas"),
    ("@font-face { font-family: x; src: url(https://example.org/f.otf) }\n", "outside the project"),
    ("@font-face { font-family: x; src: local(SimSun) }\n", "local() fonts are not allowed"),
    ("a { background: url(data:image/png;base64,AAAA) }\n", "outside the project"),
])
def test_stylesheet_escapes_are_refused_with_their_position(tmp_path, capsys, css, needle):
    root = _with_stylesheet(tmp_path, css)
    err = fails(capsys, "check", str(root / "briefs" / "summary-sheet.yaml"))
    assert needle in err, err


def test_stylesheet_outside_the_project_is_refused(tmp_path, capsys):
    root = _with_stylesheet(tmp_path, "")
    (tmp_path / "evil.css").write_text("h1 { color: red }\n", encoding="utf-8")
    config = root / PROJECT_FILE
    config.write_text(config.read_text(encoding="utf-8").replace("styles/house.css", "../evil.css"),
                      encoding="utf-8")
    err = fails(capsys, "check", str(root / "briefs" / "summary-sheet.yaml"))
    assert "outside the project folder" in err


@pytest.mark.slow
def test_stylesheet_extends_book_css(tmp_path):
    root = _with_stylesheet(tmp_path, 'h1::after { content: "（项目样式）" }\n')
    pdf = Renderer(load_project(root)).render(root / "briefs" / "summary-sheet.yaml")
    assert "（项目样式）" in pdf_text(pdf)


# --- events and topics as data ------------------------------------------------------------

NEW_ARTICLE = """\
武汉发布养老服务三年行动计划

2022-03-02 09:00　来源：长江日报

本报讯（记者王一）3月2日，市政府工作报告提出，今年全市计划新建社区养老服务设施30个。

一、居家养老

全市将继续推进居家养老服务，今年新增家庭养老床位1000张。
"""


@pytest.mark.slow
def test_a_new_event_and_topic_reach_the_timeline_and_the_appendix(tmp_path):
    project = copy_project(tmp_path / "p")
    config = project.config_path
    text = config.read_text(encoding="utf-8")
    text = text.replace("topics: [", "topics: [养老服务, ")
    text = text.replace("topics:", "  - id: gwr-2022\n    name: 武汉市2022年政府工作报告\n"
                                   "    kind: 政府工作报告\n    date: 2022-01-06\ntopics:")
    config.write_text(text, encoding="utf-8")
    src = tmp_path / "new.txt"
    src.write_text(NEW_ARTICLE, encoding="utf-8")
    main_ok(["ingest", str(src), "--id", "cjrb-2022-03-02", "--date", "2022-03-02",
             "--outlet", "长江日报", "--event", "gwr-2022", "--project", str(project.root)])
    project = load_project(project.root)
    corpus = load_project_corpus(project)
    pid = next(p.id for p in corpus.article("cjrb-2022-03-02").paragraphs() if "30个" in p.text)
    with open(project.catalog_path, "a", encoding="utf-8") as catalog:
        catalog.write(f"""
- id: elderly-facilities
  label: 社区养老服务设施
  unit: 个
  topic: 养老服务
  observations:
    - kind: pledged
      value: 30
      period: 2022年
      source: {pid}
      quote: 今年全市计划新建社区养老服务设施30个
""")
    brief = project.briefs_dir / "elderly.yaml"
    brief.write_text(f"""title: 养老服务简报
date: 2022-03-10
cover: false
contents: false
table: {{topics: [养老服务]}}
charts: [{{kind: timeline}}]
sections:
  - heading: 新的承诺
    metrics: [elderly-facilities]
    quotes: [{pid}]
""", encoding="utf-8")
    renderer = Renderer(project)
    book = renderer.book(brief)
    assert [s.id for s in book.sources] == ["cjrb-2022-03-02"]  # only what the book cites
    assert book.sources[0].events == "武汉市2022年政府工作报告（2022年1月6日）"
    (chart,) = book.charts
    assert chart.title == "时间线：何时承诺，何时报道"  # four events of two kinds: no 三次全会
    assert [p.label for p in chart.rows][-1] == "武汉市2022年政府工作报告"
    assert chart.rows[-1].pledged == 1 and chart.rows[-1].day.isoformat() == "2022-01-06"
    text = pdf_text(renderer.render(brief))
    assert "养老服务" in text and "城市治理研究组" in text   # the issuer comes from the project


def main_ok(args: list[str]) -> None:
    try:
        main(args)
    except SystemExit as exc:
        assert exc.code in (0, None), exc.code


def test_the_example_timeline_is_titled_by_its_three_plenums():
    from briefbook.brief.schema import ChartKind
    from briefbook.render.book.model import _chart_title
    from briefbook.charts import TimelinePoint
    import datetime as dt

    plenums = tuple(TimelinePoint(f"第{i}次", dt.date(2020, i, 1), 1, 1, "全会") for i in (1, 2, 3))
    assert _chart_title(ChartKind.TIMELINE, plenums) == "三次全会：何时承诺，何时报道"
    # a count of two is 两次 (二次 reads as "the second")
    assert _chart_title(ChartKind.TIMELINE, plenums[:2]) == "两次全会：何时承诺，何时报道"
    mixed = plenums + (TimelinePoint("长江日报", dt.date(2022, 1, 1), 1, 0, None),)
    assert _chart_title(ChartKind.TIMELINE, mixed) == "时间线：何时承诺，何时报道"


def test_sources_appendix_lists_cited_articles_in_order_of_first_citation(example, tmp_path):
    brief = tmp_path / "b.yaml"
    brief.write_text("""title: 简报
date: 2021-08-01
sections:
  - heading: 甲
    quotes: [cjw-2020-12-22/s2/p1]
  - heading: 乙
    quotes: [hbrb-2020-06-29/s2/p1, cjw-2020-12-22/s3/p1]
""", encoding="utf-8")
    book = Renderer(example).book(brief)
    assert [s.id for s in book.sources] == ["cjw-2020-12-22", "hbrb-2020-06-29"]


# --- init ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_init_makes_a_project_that_renders_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    main_ok(["init", "mine", "--title", "我的项目"])
    root = tmp_path / "mine"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".gitignore", "briefbook.yaml", "briefs/example.yaml", "corpus/corrections.yaml",
        "corpus/ids.lock", "corpus/metrics.yaml", "corpus/raw/sl-2024-01-15.txt",
        "corpus/sources.yaml"]
    project = load_project(root)
    assert project.config.title == "我的项目" and project.topics == ("养老服务", "公共交通")
    monkeypatch.chdir(root)
    main_ok(["check", "briefs/example.yaml"])
    main_ok(["render", "briefs/example.yaml", "-o", "example.pdf"])
    text = pdf_text((root / "example.pdf").read_bytes())
    assert "社区养老服务站" in text and "20" in text and "示例日报" in text


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    err = fails(capsys, "init", str(folder))
    assert "not empty" in err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    file = tmp_path / "a-file"
    file.write_text("x", encoding="utf-8")
    assert "not a folder" in fails(capsys, "init", str(file))


def test_distribution_settings_come_from_the_project_and_yield_to_the_command_line(tmp_path,
                                                                                  capsys):
    from briefbook.distribute.executor import executor_settings

    project = copy_project(tmp_path / "p", briefs=False)
    config = project.config_path
    config.write_text(config.read_text(encoding="utf-8")
                      + "distribute: {executor: dask, scheduler: 'tcp://127.0.0.1:8786'}\n",
                      encoding="utf-8")
    project = load_project(project.root)
    chosen = executor_settings(project)
    assert (chosen.kind, chosen.scheduler) == ("dask", "tcp://127.0.0.1:8786")
    assert executor_settings(project, "local").kind == "local"
    assert executor_settings(None).kind == "local"
    config.write_text(config.read_text(encoding="utf-8").replace("executor: dask",
                                                                 "executor: spark"),
                      encoding="utf-8")
    err = fails(capsys, "sources", "--project", str(project.root))
    assert "distribute.executor" in err and "'local' or 'dask'" in err
