"""Pytest plugin: a project of the suite's own in another city and style — Lanwan, a made-up
city, its parking spaces, lifts for old housing, school places and river greenways — with
long metric names (up to 17 characters, none broken by punctuation), for the page-design tests
(tests/render/test_pages.py).

Gives: ``lanwan_project(folder)`` (makes it: a bare project, two articles written for these
tests — not copied from anywhere — ingested, a catalog that quotes them, a book-length brief
with a cover) and the session fixtures ``lanwan`` (made once) and ``lanwan_renderer`` (a
long-lived ``Renderer`` of it). ``LONG_NAMES``: the metric names a table must never break
inside.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefbook.corpus import load_corpus
from briefbook.corpus.ingest import ingest
from briefbook.project import Project, load_project
from briefbook.scaffold import init_project

PLAN_ID, REPORT_ID = "lwrb-2023-02-10", "lwwb-2024-01-12"
PLAN = """\
澜湾市公布今年城市更新八项安排

2023-02-10 09:30　来源：澜湾日报

本报讯 2月9日，澜湾市住建、教育、交通等部门在新闻发布会上介绍了今年城市更新的安排。

一、停车

今年，全市计划新增城区公共停车泊位8000个，重点解决医院、学校周边停车难。城区公共停车泊位智能引导系统年内开工建设。

二、电梯

今年将为老旧小区加装电梯300部，优先安排高层住户多、老年人多的小区。

三、学位

全市力争新增中小学学位1.2万个，新建、改扩建学校18所。

四、绿道

滨河绿道贯通工程今年完成一期，新建绿道26公里，把城东几段断头路连起来。
"""
REPORT = """\
澜湾市城市更新去年交出成绩单

2024-01-12 18:20　来源：澜湾晚报

本报讯 1月11日，澜湾市召开城市更新工作总结会。

会上通报，去年全市新增城区公共停车泊位8600个，比计划多出六百个。

老旧小区加装电梯已完成210部，另有56部正在施工。

全年新增中小学学位1.5万个，新建、改扩建学校18所全部投入使用。
"""

LONG_NAMES = ("全市义务教育阶段中小学新增学位数量", "既有住宅老旧小区加装电梯工程",
              "城区公共停车泊位新增数量", "滨河绿道贯通工程一期新建绿道里程")

PROJECT_YAML = """\
title: 澜湾城市更新
defaults: {issuer: 城市更新观察组, classification: 内部参阅}
events: []
topics: [停车与交通, 住房与社区, 教育, 生态环境]
"""

CATALOG = """\
metrics:
  - id: parking
    label: 城区公共停车泊位新增数量
    unit: 个
    topic: 停车与交通
    observations:
      - {{kind: pledged, value: 8000, period: 2023年, source: {parking_plan},
         quote: 今年，全市计划新增城区公共停车泊位8000个}}
      - {{kind: reported, value: 8600, period: 2023年, source: {parking_report},
         quote: 去年全市新增城区公共停车泊位8600个}}
  - id: lifts
    label: 既有住宅老旧小区加装电梯工程
    unit: 部
    topic: 住房与社区
    observations:
      - {{kind: pledged, value: 300, period: 2023年, source: {lifts_plan},
         quote: 今年将为老旧小区加装电梯300部}}
      - {{kind: reported, value: 210, period: 2023年, source: {lifts_report},
         quote: 老旧小区加装电梯已完成210部}}
  - id: school-places
    label: 全市义务教育阶段中小学新增学位数量
    unit: 个
    topic: 教育
    observations:
      - {{kind: pledged, value: 12000, qualifier: 力争, period: 2023年,
         source: {schools_plan}, quote: 全市力争新增中小学学位1.2万个}}
      - {{kind: reported, value: 15000, period: 2023年, source: {schools_report},
         quote: 全年新增中小学学位1.5万个}}
  - id: greenway
    label: 滨河绿道贯通工程一期新建绿道里程
    unit: 公里
    topic: 生态环境
    observations:
      - {{kind: pledged, value: 26, period: 2023年, source: {greenway_plan},
         quote: 新建绿道26公里}}
"""

BRIEF = """\
title: 澜湾城市更新观察
subtitle: 2023年城市更新八项安排：承诺与兑现
edition: 第1期
date: 2024-01-20
summary:
  text: |
    澜湾市在2023年2月公布的城市更新安排里，有四项给出了可以核对的数字。一年后的总结会报出了其中三项的结果：停车泊位和中小学学位超过计划，加装电梯少于计划，滨河绿道没有再提。
  metrics: [parking, lifts, school-places, greenway]
table: {{metrics: all}}
charts:
  - {{kind: pledged-vs-reported, title: 四项安排：报道值与计划值之比}}
sections:
  - heading: 停车与学位
    commentary: |
      两项都超过了年初的计划。停车泊位多出的六百个，总结会的说法是“比计划多出”，口径与年初一致。学位一项年初用的是“力争”，结果超出三千个，说明当时的估计偏保守。
    metrics: [parking, school-places]
    quotes: [{parking_report}, {schools_report}]
  - heading: 电梯与绿道
    commentary: |
      加装电梯完成七成，另有56部在施工，列为未达目标。绿道一期的二十六公里在总结会上没有出现，按承诺的时期仍算未见报道：

      - 如果年内已经贯通，下一期应当补报；
      - 如果延期，应当说明新的期限。
    metrics: [lifts, greenway]
    quotes: [{lifts_report}, {greenway_plan}]
appendix: {{sources: true, methodology: true}}
"""


def lanwan_project(folder: Path) -> Project:
    """A project with ``PLAN`` and ``REPORT`` ingested, the catalog and ``briefs/book.yaml``."""
    init_project(folder, bare=True)
    (folder / "briefbook.yaml").write_text(PROJECT_YAML, encoding="utf-8")
    project = load_project(folder)
    for article_id, text in ((PLAN_ID, PLAN), (REPORT_ID, REPORT)):
        source = folder.parent / f"{article_id}.txt"
        source.write_text(text, encoding="utf-8")
        ingest(source, corpus_dir=project.corpus_dir, article_id=article_id)
    corpus = load_corpus(project.corpus_dir)
    paragraphs = [p for article in corpus.articles for p in article.paragraphs()]

    def cited(words: str) -> str:
        return next(p.id for p in paragraphs if words in p.text)

    ids = {"parking_plan": cited("计划新增城区公共停车泊位"),
           "parking_report": cited("去年全市新增城区公共停车泊位"),
           "lifts_plan": cited("加装电梯300部"), "lifts_report": cited("已完成210部"),
           "schools_plan": cited("力争新增中小学学位"), "schools_report": cited("学位1.5万个"),
           "greenway_plan": cited("新建绿道26公里")}
    project.catalog_path.write_text(CATALOG.format(**ids), encoding="utf-8")
    (project.briefs_dir / "book.yaml").write_text(BRIEF.format(**ids), encoding="utf-8")
    return load_project(folder)


@pytest.fixture(scope="session")
def lanwan(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return lanwan_project(tmp_path_factory.mktemp("lanwan") / "project")


@pytest.fixture(scope="session")
def lanwan_renderer(lanwan: Project):
    # imported here: briefbook.render loads WeasyPrint, which tests that do not render never pay
    from briefbook.render import Renderer

    return Renderer(lanwan)
