"""catalog.py: corpus/metrics.yaml loads, verifies against the corpus, and fails loudly."""

import json
import re
from pathlib import Path

import pytest

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.metrics import Status, load_catalog
from plugins.example import CORPUS_DIR, example_project

TOPICS = example_project().topics
CATALOG_PATH = CORPUS_DIR / "metrics.yaml"
from briefbook.metrics.numbers import find_quantities


@pytest.fixture(scope="module")
def catalog(corpus):
    return load_catalog(corpus)


def test_catalog_loads_clean(catalog):
    assert len(catalog.metrics) >= 25
    assert len({m.id for m in catalog.metrics}) == len(catalog.metrics)
    assert {m.topic for m in catalog.metrics} <= set(TOPICS)


def test_every_printed_figure_is_in_its_quote_and_the_quote_in_its_paragraph(catalog, corpus):
    for m in catalog.metrics:
        for o in m.observations:
            assert o.quote in corpus.paragraph(o.source).text, (m.id, o.source)
            if o.value is not None:
                assert any(q.plain == o.value and q.unit == o.unit
                           for q in find_quantities(o.quote)), (m.id, o.quote)
                assert o.published is not None and o.magnitude is not None


def test_graduates_pledge_vs_report(catalog):
    m = catalog.get("graduates-retained")
    assert (m.pledged.value, m.pledged.qualifier, m.pledged.display) == (250000, "力争", "力争25万人")
    assert (m.reported.value, m.reported.display) == (302000, "30.2万人")
    assert m.status is Status.EXCEEDED
    assert m.ratio == pytest.approx(1.208)
    assert "hbrb-2020-06-29/s6/p1" in m.status_reason and "cjrb-2021-07-25/s3/p3" in m.status_reason


@pytest.mark.parametrize("metric_id, status", [
    ("emergency-circle-central", Status.IN_PROGRESS),
    ("emergency-circle-new-districts", Status.IN_PROGRESS),
    ("life-circle", Status.NO_REPORT),
    ("culture-circle", Status.NO_REPORT),
    ("green-within-300m", Status.NO_REPORT),
    ("old-compounds-renovated", Status.REPORT_ONLY),
    ("economic-audit-coverage", Status.NO_REPORT),
    ("industry-map", Status.DONE),
    ("community-teams", Status.IN_PROGRESS),
])
def test_statuses(catalog, metric_id, status):
    assert catalog.get(metric_id).status is status


def test_display_forms(catalog):
    assert catalog.get("tax-fee-cuts").reported.display == "586亿元"
    assert catalog.get("tax-fee-cuts").reported.value == 58_600_000_000
    assert catalog.get("party-members-to-communities").reported.display == "14.9万余名"
    assert catalog.get("supporting-documents").reported.display == "近30份"


def test_latest_observation_by_publication_date(catalog):
    m = catalog.get("instant-approval")   # pledged June 2020, pledged again Dec 2020
    assert m.pledged.source.startswith("cjw-2020-12-22")


def test_unknown_id_suggests(catalog):
    with pytest.raises(BriefbookError) as info:
        catalog.get("graduates-retaned")
    assert "graduates-retained" in info.value.hint


def _corrupt(tmp_path: Path) -> tuple[Path, int, int]:
    text = CATALOG_PATH.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    quote_line = next(i for i, l in enumerate(lines) if "quote: 完成276个小区改造" in l
                      or "完成276个小区改造" in l and "quote:" in l)
    lines[quote_line] = lines[quote_line].replace("完成276个小区改造", "完成267个小区改造")
    value_line = next(i for i, l in enumerate(lines) if re.match(r"\s+value: 302000\b", l))
    lines[value_line] = lines[value_line].replace("302000", "320000")
    path = tmp_path / "metrics.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, quote_line + 1, value_line + 1


def test_corrupted_quote_and_value_both_reported_in_one_error(corpus, tmp_path):
    path, quote_line, value_line = _corrupt(tmp_path)
    with pytest.raises(BriefbookErrors) as info:
        load_catalog(corpus, path)
    messages = [str(e) for e in info.value.errors]
    quote_err = [m for m in messages if "old-compounds-renovated" in m and "verbatim" in m]
    value_err = [m for m in messages if "graduates-retained" in m and "320000" in m]
    assert quote_err and value_err, messages
    # located at the observation's line in the YAML, naming the quote
    obs_line_q = max(n for n in _observation_lines(path) if n <= quote_line)
    obs_line_v = max(n for n in _observation_lines(path) if n <= value_line)
    assert f"metrics.yaml:{obs_line_q}:" in quote_err[0] and "完成267个小区改造" in quote_err[0]
    assert f"metrics.yaml:{obs_line_v}:" in value_err[0] and "30.2万人" in value_err[0]
    # the 267 also no longer gives the catalogued 276: reported too, still one error object
    assert any("old-compounds-renovated" in m and "276" in m and "value" in m for m in messages)


def _observation_lines(path: Path) -> list[int]:
    return [n for n, l in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if l.lstrip().startswith("- kind:")]


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "metrics.yaml"
    path.write_text("metrics:\n" + body, encoding="utf-8")
    return path


def test_dropped_qualifier_is_caught(corpus, tmp_path):
    path = _write(tmp_path, """
- id: supporting-documents
  label: 配套文件
  unit: 份
  topic: 体制机制
  observations:
    - kind: reported
      value: 30
      period: 2020年
      source: cjrb-2021-07-25/s2/p2
      quote: 出台相关配套文件近30份
""")
    with pytest.raises(BriefbookErrors) as info:
        load_catalog(corpus, path)
    assert "qualifier" in str(info.value) and "近30份" in str(info.value)


def test_wrong_unit_unknown_source_bad_topic_and_uncurated_qualitative(corpus, tmp_path):
    path = _write(tmp_path, """
- id: a
  label: 甲
  unit: 名
  topic: 就业与人才
  observations:
    - kind: reported
      value: 302000
      period: 2020年
      source: cjrb-2021-07-25/s3/p3
      quote: 去年新增留汉大学生30.2万人
- id: b
  label: 乙
  unit: 个
  topic: 没有这个
  observations:
    - {kind: reported, value: 1, period: 未定期限, source: cjrb-2021-07-25/s3/p3, quote: 出台22条政策措施}
- id: c
  label: 丙
  unit: 个
  topic: 公共卫生
  observations:
    - {kind: pledged, period: 未定期限, source: hbrb-2020-06-29/s9/p1, quote: 公共卫生补短板项目}
    - {kind: reported, value: 125, period: 未定期限, source: cjrb-2021-07-25/s3/p2, quote: 全市实施公共卫生补短板项目125个}
- id: d
  label: 丁
  unit: 个
  topic: 公共卫生
  observations:
    - {kind: pledged, period: 未定期限, source: hbrb-2020-06-29/s4/p1, quote: 公共卫生补短板项目}
    - {kind: reported, value: 125, period: 未定期限, source: cjrb-2021-07-25/s3/p2, quote: 全市实施公共卫生补短板项目125个}
""")
    with pytest.raises(BriefbookErrors) as info:
        load_catalog(corpus, path, topics=TOPICS)
    text = str(info.value)
    assert "metric a" in text and "30.2万人" in text          # 人 in the quote, 名 catalogued
    assert "metric b" in text and "topic" in text
    assert "metric c" in text and "hbrb-2020-06-29/s9/p1" in text and "not a paragraph" in text
    assert "metric d" in text and "curated" in text
    assert len(info.value.errors) >= 4


def test_bad_yaml_is_located(corpus, tmp_path):
    path = tmp_path / "metrics.yaml"
    path.write_text("metrics:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(BriefbookError) as info:
        load_catalog(corpus, path)
    assert "metrics.yaml:" in str(info.value)


_ONE_METRIC = """
- id: only-one
  label: 留汉大学生
  unit: 人
  topic: 就业与人才
  observations:
    - kind: reported
      value: 302000
      period: 2020年
      source: cjrb-2021-07-25/s3/p3
      quote: 去年新增留汉大学生30.2万人
"""


def _corpus_with_own_catalog(tmp_path: Path) -> Path:
    import shutil

    from plugins.example import CORPUS_DIR

    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    (target / "metrics.yaml").write_text("metrics:\n" + _ONE_METRIC, encoding="utf-8")
    return target


def test_unknown_topic_is_an_error_naming_its_line(tmp_path):
    from briefbook.corpus import load_corpus

    folder = _corpus_with_own_catalog(tmp_path)
    path = folder / "metrics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("topic: 就业与人才", "topic: 就业人才"),
                    encoding="utf-8")
    with pytest.raises(BriefbookErrors) as info:
        load_catalog(load_corpus(folder), path, topics=TOPICS)
    (err,) = info.value.errors
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "topic:" in t)
    assert err.where == f"{path}:{line}" and "unknown topic '就业人才'" in err.message
    assert "did you mean '就业与人才'" in err.hint


def test_default_catalog_is_the_corpus_folders_own(tmp_path):
    from briefbook.corpus import load_corpus

    folder = _corpus_with_own_catalog(tmp_path)
    cat = load_catalog(load_corpus(folder))
    assert [m.id for m in cat.metrics] == ["only-one"]
    assert cat.path == folder.resolve() / "metrics.yaml"


def test_a_report_published_before_the_pledge_is_not_its_outcome(corpus, tmp_path):
    # The report (June 2020) predates the pledge (December 2020): by the rubric the pledge
    # has no later report (未见报道), even though the figures match.
    path = _write(tmp_path, """
- id: earlier-report
  label: 12分钟圈
  unit: 分钟
  topic: 文化旅游
  observations:
    - {kind: reported, value: 12, period: 未定期限, source: hbrb-2020-06-29/s2/p1, quote: 新城区12分钟医疗急救圈}
    - {kind: pledged, value: 12, period: 未定期限, source: cjw-2020-12-22/s10/p2, quote: 打造武汉“12分钟文化圈”}
""")
    m = load_catalog(corpus, path).get("earlier-report")
    assert m.pledged.source.startswith("cjw-2020-12-22")
    assert m.reported is None
    assert m.status is Status.NO_REPORT and m.ratio is None


def test_community_teams_names_three_kinds_of_team_not_a_target_of_three(catalog):
    m = catalog.get("community-teams")
    assert m.pledged.value is None and m.unit == ""
    assert m.curated_status is Status.IN_PROGRESS and m.status is Status.IN_PROGRESS
    assert "志愿者" in m.status_reason
    assert "hbrb-2020-06-29/s3/p1" in m.status_reason and "cjrb-2021-07-25/s5/p3" in m.status_reason


def test_public_health_pledge_and_report_are_about_different_things(catalog):
    # pledged: lobby for support for the projects; reported: 125 projects under way
    m = catalog.get("public-health-projects")
    assert m.status is Status.INCOMPARABLE
    assert "hbrb-2020-06-29/s4/p1" in m.status_reason and "cjrb-2021-07-25/s3/p2" in m.status_reason
    assert "争取" in m.status_reason and "125" in m.status_reason


def test_rubric_says_incomparable_covers_different_subjects():
    from briefbook.metrics.status import RUBRIC

    assert "所指事项" in dict(RUBRIC)[Status.INCOMPARABLE]


def test_party_members_report_says_the_work_is_under_way(catalog):
    m = catalog.get("party-members-to-communities")   # 推进党员干部下沉社区常态化
    assert m.status is Status.IN_PROGRESS
    assert "常态化" in m.status_reason and "cjrb-2021-07-25/s5/p4" in m.status_reason


def test_status_reason_and_ratio_share_one_assessment(corpus, monkeypatch):
    import briefbook.metrics.catalog as catalog_mod

    cat = load_catalog(corpus)
    calls = []
    real = catalog_mod.assess
    monkeypatch.setattr(catalog_mod, "assess", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    m = cat.get("graduates-retained")
    assert (m.status, m.status) == (Status.EXCEEDED, Status.EXCEEDED)
    assert "hbrb-2020-06-29/s6/p1" in m.status_reason and m.ratio == pytest.approx(1.208)
    assert len(calls) <= 1
    assert "assessment" not in m.model_dump()   # a cache, not a field
    pledge_only = m.model_copy(update={"observations": m.observations[:1]})
    assert pledge_only.status is Status.NO_REPORT   # a copy is assessed afresh
