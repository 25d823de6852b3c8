"""status.py: the rubric, case by case."""

from dataclasses import dataclass

import pytest

from briefbook.metrics.status import RUBRIC, Status, assess


@dataclass
class Obs:
    value: float | None
    period: str = "2020年"
    qualifier: str | None = None
    source: str = "x-2020-01-01/s1/p1"
    progress: str = "done"

    @property
    def figure(self) -> str:
        return "定性" if self.value is None else f"{self.value}"


def run(p, r, **kw):
    kw.setdefault("unit_pledged", "人" if p else None)
    kw.setdefault("unit_reported", "人" if r else None)
    return assess(p, r, **kw)[0]


def test_rubric_lists_every_status_once_with_a_chinese_meaning():
    assert [s for s, _ in RUBRIC] == list(Status)
    assert all(meaning and not meaning.isascii() for _, meaning in RUBRIC)


@pytest.mark.parametrize("pledged, reported, kw, expected", [
    # graduates: 力争25万 for 2020 vs 30.2万 new in 2020
    (Obs(250000, qualifier="力争"), Obs(302000), {}, Status.EXCEEDED),
    (Obs(100), Obs(100), {}, Status.DONE),
    (Obs(100), Obs(100, qualifier="余"), {}, Status.EXCEEDED),     # 100余 is more than 100
    (Obs(100), Obs(100, qualifier="近"), {}, Status.SHORT),        # 近100 is just under
    (Obs(100), Obs(100, qualifier="约"), {}, Status.DONE),
    (Obs(100), Obs(80), {}, Status.SHORT),
    # emergency-response circle: "建设…10分钟急救圈" restates the target while building it
    (Obs(10), Obs(10, progress="underway"), {}, Status.IN_PROGRESS),
    # a numeric pledge answered by a report without the figure
    (Obs(3), Obs(None), {}, Status.IN_PROGRESS),
    # 15-minute life circle: pledged, never reported
    (Obs(15), None, {}, Status.NO_REPORT),
    (Obs(None), None, {}, Status.NO_REPORT),
    # 276 compounds renovated: reported, nothing pledged
    (None, Obs(276), {}, Status.REPORT_ONLY),
    (None, Obs(None), {}, Status.REPORT_ONLY),
    # units or periods differ
    (Obs(100), Obs(120), {"unit_reported": "名"}, Status.INCOMPARABLE),
    (Obs(100, period="十四五期间"), Obs(120, period="2021年"), {}, Status.INCOMPARABLE),
    # report inside a longer pledge period: reached early, or on the way
    (Obs(100, period="十四五期间"), Obs(120, period="2021年"), {"periods": "within"}, Status.DONE),
    (Obs(100, period="十四五期间"), Obs(60, period="2021年"), {"periods": "within"},
     Status.IN_PROGRESS),
    # declared same period despite different wording
    (Obs(100, period="全年"), Obs(90, period="2020年"), {"periods": "same"}, Status.SHORT),
])
def test_rubric(pledged, reported, kw, expected):
    assert run(pledged, reported, **kw) is expected


def test_reason_cites_both_sources():
    status, reason = assess(Obs(250000, source="hbrb-2020-06-29/s6/p1"),
                            Obs(302000, source="cjrb-2021-07-25/s3/p3"),
                            unit_pledged="人", unit_reported="人")
    assert status is Status.EXCEEDED
    assert "hbrb-2020-06-29/s6/p1" in reason and "cjrb-2021-07-25/s3/p3" in reason
    assert "\n" not in reason


def test_curated_status_for_a_qualitative_pledge():
    status, reason = assess(Obs(None), Obs(None), unit_pledged="", unit_reported="",
                            curated=(Status.DONE, "编制完成（x-2021-01-01/s1/p1）"))
    assert status is Status.DONE and "x-2021" in reason


def test_qualitative_pledge_with_a_report_needs_curation():
    with pytest.raises(ValueError, match="curated"):
        assess(Obs(None), Obs(125), unit_pledged="个", unit_reported="个")


@pytest.mark.parametrize("pledged, reported", [
    (Obs(100), Obs(120)),       # the figures decide
    (Obs(None), None),          # nothing reported: 未见报道 is not a judgement call
    (None, Obs(5)),
])
def test_curated_status_cannot_overrule_the_rubric(pledged, reported):
    with pytest.raises(ValueError, match="only allowed"):
        assess(pledged, reported, unit_pledged="人", unit_reported="人",
               curated=(Status.DONE, "x"))


def test_no_observation_at_all_is_an_error():
    with pytest.raises(ValueError):
        assess(None, None)
