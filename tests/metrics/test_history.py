"""Status over time: periods → deadlines, 逾期未见报道, same-day reports, computed history,
the catalog as of a day, a catalog split over several files, and its JSON Schema."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.metrics import load_catalog
from briefbook.metrics.catalog import catalog_json_schema
from briefbook.metrics.periods import PeriodError, parse_period
from briefbook.metrics.status import Status, assess

D = dt.date


@pytest.mark.parametrize("text, start, end", [
    ("2020年", D(2020, 1, 1), D(2020, 12, 31)),
    ("2023年底", D(2023, 1, 1), D(2023, 12, 31)),
    ("2020年6月—2021年7月", D(2020, 6, 1), D(2021, 7, 31)),
    ("2020年—2021年7月", D(2020, 1, 1), D(2021, 7, 31)),
    ("2021—2025年（五年内）", D(2021, 1, 1), D(2025, 12, 31)),
    ("十四五期间", D(2021, 1, 1), D(2025, 12, 31)),
    ("2024年2月", D(2024, 2, 1), D(2024, 2, 29)),
    ("未定期限", None, None),
    ("尽快", None, None),
])
def test_periods(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end) == (start, end)


@pytest.mark.parametrize("text", ["明后年", "x", "", "2021年13月", "2025年—2021年"])
def test_unreadable_periods(text):
    with pytest.raises(PeriodError):
        parse_period(text)


class Obs:
    def __init__(self, value, period="2020年", qualifier=None, progress="done", source="a-2020-01-01/s1/p1"):
        self.value, self.period, self.qualifier = value, period, qualifier
        self.progress, self.source = progress, source

    @property
    def figure(self):
        return f"{self.value}人"


def test_overdue_only_once_the_deadline_has_passed():
    p = Obs(100)
    end = D(2020, 12, 31)
    assert assess(p, None, unit_pledged="人", deadline=end, as_of=end)[0] is Status.NO_REPORT
    status, reason = assess(p, None, unit_pledged="人", deadline=end, as_of=D(2021, 1, 1))
    assert status is Status.OVERDUE and "2020年12月31日已过" in reason
    assert assess(p, None, unit_pledged="人", deadline=None, as_of=D(2030, 1, 1))[0] is Status.NO_REPORT


def test_two_same_day_reports_that_disagree_are_not_chosen_between():
    status, reason = assess(Obs(100), Obs(120), unit_pledged="人", unit_reported="人",
                            rival=Obs(90, source="b-2021-01-01/s1/p1"))
    assert status is Status.INCOMPARABLE and "同日两则报道不一" in reason and "b-2021-01-01/s1/p1" in reason
    assert assess(Obs(100), Obs(120), unit_pledged="人", unit_reported="人",
                  rival=Obs(120))[0] is Status.EXCEEDED        # the same figure twice agrees


def test_the_seed_catalog_as_of_three_days(corpus):
    cat = load_catalog(corpus)
    before = cat.as_of(D(2020, 12, 31))
    assert before.get("graduates-retained").status is Status.NO_REPORT
    assert "tax-fee-cuts" not in {m.id for m in before.metrics}
    with pytest.raises(BriefbookError, match="no observation published by 2020-12-31"):
        before.get("tax-fee-cuts")
    assert cat.as_of(D(2021, 3, 1)).get("graduates-retained").status is Status.OVERDUE
    after = cat.as_of(D(2021, 8, 2)).get("graduates-retained")
    assert after.status is Status.EXCEEDED
    assert [(s.day, s.status, s.cause.source if s.cause else None) for s in after.history] == [
        (D(2020, 6, 29), Status.NO_REPORT, "hbrb-2020-06-29/s6/p1"),
        (D(2021, 1, 1), Status.OVERDUE, None),
        (D(2021, 7, 25), Status.EXCEEDED, "cjrb-2021-07-25/s3/p3")]
    assert after.history[1].because == "承诺期限已过"
    # a deadline still ahead of as_of is no step of the history
    audit = cat.as_of(D(2021, 8, 2)).get("economic-audit-coverage")
    assert [s.status for s in audit.history] == [Status.NO_REPORT]
    assert cat.as_of(D(2026, 1, 1)).get("economic-audit-coverage").status is Status.OVERDUE


@pytest.fixture()
def corpus_copy_without_metrics_dir(tmp_path):
    """A copy of the example corpus folder alone (no project), without its metrics/ folder."""
    from plugins.example import CORPUS_DIR

    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, dst, ignore=shutil.ignore_patterns("metrics"))
    return dst


def test_a_catalog_split_over_files_is_one_id_space(corpus_copy_without_metrics_dir):
    from briefbook.corpus import load_corpus

    main = yaml.safe_load((corpus_copy_without_metrics_dir / "metrics.yaml").read_text(encoding="utf-8"))
    moved = [m for m in main["metrics"] if m["topic"] == "公共卫生"]
    main["metrics"] = [m for m in main["metrics"] if m["topic"] != "公共卫生"]
    (corpus_copy_without_metrics_dir / "metrics.yaml").write_text(yaml.safe_dump(main, allow_unicode=True), encoding="utf-8")
    (corpus_copy_without_metrics_dir / "metrics").mkdir()
    (corpus_copy_without_metrics_dir / "metrics" / "health.yaml").write_text(
        yaml.safe_dump({"metrics": moved}, allow_unicode=True), encoding="utf-8")
    c = load_corpus(corpus_copy_without_metrics_dir)
    cat = load_catalog(c)
    assert len(cat.metrics) == 31 and cat.get("emergency-circle-central").file.endswith("health.yaml")
    # the same id twice across files, and a linked report naming no metric: both said where
    (corpus_copy_without_metrics_dir / "metrics" / "more.yaml").write_text(yaml.safe_dump({
        "metrics": [moved[0]],
        "observations": [{"metric": "life-circl", "kind": "reported", "value": 15, "period": "2021年",
                          "source": "cjrb-2021-07-25/s3/p3", "quote": "去年新增留汉大学生30.2万人"}]},
        allow_unicode=True), encoding="utf-8")
    with pytest.raises(BriefbookErrors) as exc:
        load_catalog(c)
    text = str(exc.value)
    assert "more.yaml" in text and "duplicate id (first at" in text and "health.yaml" in text
    assert "metric 'life-circl' is not in the catalog" in text and "life-circle" in text


def test_the_json_schema_describes_the_real_catalog(corpus):
    schema = catalog_json_schema()
    metric = schema["$defs"]["Metric"]
    assert set(metric["required"]) == {"id", "label", "topic", "observations"}
    assert "line" not in metric["properties"] and "status" in metric["properties"]
    assert "published" not in schema["$defs"]["Observation"]["properties"]
    assert schema["$defs"]["LinkedObservation"]["required"][0] == "metric"
    # every key the real catalog uses is a property the schema names
    data = yaml.safe_load(Path(load_catalog(corpus).path).read_text(encoding="utf-8"))
    for m in data["metrics"]:
        assert set(m) <= set(metric["properties"]), m["id"]
        for o in m["observations"]:
            assert set(o) <= set(schema["$defs"]["Observation"]["properties"]), m["id"]
