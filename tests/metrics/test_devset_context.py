"""``metrics draft`` in document context (issue 23, item 5) on pages of our own:
tests/metrics/devset_context/ (eight dev pages, four held back — run only once the kind and
period rules were final). Reproduce: .venv/bin/python tests/metrics/devset_context/score_context.py

Measured (floors below are these, rounded down):
  dev    gold 85  precision 0.988  recall 1.000  kind 1.000  period 0.988
  held   gold 39  precision 1.000  recall 1.000  kind 1.000  period 1.000
Before this work the dev part scored recall 0.896, kind 0.464, period 0.696. The held-back
part first scored kind 0.949 (two figures of 超过年度目标 read as pledges); dev08-targets-met
was then written with that construction and the rule fixed on it (extract._MET_TARGET), so the
held-back part is no longer blind to it: its 1.000 is not an unseen-data figure for that case.

A third part, ``blind`` (three pages in styles not used before: a budget report, an interview,
a numbered year-end notice), was written after all of that and scored once, with no rule
changed in between: precision 1.000, recall 0.955, kind 0.857, period 0.857 (after writing its
gold's 亿元 figures in 元, the extractor's convention) — short of the 0.95 kind goal: 实事 in a
title read as a plan (半年过去，…实事办得怎么样), 两成 not read, 比计划少1个 read as a pledge.
Those were then fixed (PLAN_TITLE 公布 instead of 实事, 两成, 比计划 with _MET_TARGET), and one
gold period corrected (将于今年上半年建成 ends 2025-06-30): precision 1.000, recall 1.000,
kind 1.000, period 0.909 — no longer a blind figure. A fourth part, ``fresh`` (three more pages:
a press conference, a news flash, a commentary), written after those fixes and scored once:
precision 0.900, recall 1.000, kind 1.000, period 1.000 — nine figures; and ``fresh2`` (four
more: a county work report with 回顾/安排 headings, a reply to a deputy's proposal, a 1—9月
spending bulletin, a bulleted year-end post), also written after the last rule change and scored
once: precision, recall, kind and period all 1.000 on 20 figures.
"""

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "devset_context"
sys.path.insert(0, str(HERE))
import score_context  # noqa: E402

FLOORS = {"dev": {"precision": 0.98, "recall": 1.0, "kind_accuracy": 1.0, "period_accuracy": 0.98},
          "held": {"precision": 1.0, "recall": 1.0, "kind_accuracy": 0.95, "period_accuracy": 1.0},
          "blind": {"precision": 1.0, "recall": 1.0, "kind_accuracy": 1.0, "period_accuracy": 0.9},
          "fresh": {"precision": 0.9, "recall": 1.0, "kind_accuracy": 1.0, "period_accuracy": 1.0},
          "fresh2": {"precision": 1.0, "recall": 1.0, "kind_accuracy": 1.0, "period_accuracy": 1.0}}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    return score_context.score(score_context.ingest_all(tmp_path_factory.mktemp("ctx") / "corpus"))


@pytest.mark.parametrize("split", ["dev", "held", "blind", "fresh", "fresh2"])
def test_recall_kind_and_period_in_context(scores, split):
    t = scores[split]
    print("\n" + score_context.line(split, t))
    for rate, floor in FLOORS[split].items():
        assert t[rate] >= floor, (rate, t["problems"])


def test_the_raw_traditional_page_yields_the_cleaned_pages_figures():
    """``briefbook extract page.txt`` on the traditional page itself (no ingest) finds what
    the draft of the cleaned article finds, quoted as the page writes it."""
    from briefbook.metrics.extract import extract_mentions

    raw = (HERE / "raw" / "held01-traditional-plan.txt").read_text(encoding="utf-8")
    headline_end = raw.index("\n")          # the page's headline is text too: 十件 in it
    found = [m for m in extract_mentions(raw) if m.start > headline_end]
    import yaml

    figures = yaml.safe_load((HERE / "gold.yaml").read_text(encoding="utf-8"))[
        "held01-traditional-plan"]["figures"]
    assert sorted((m.value, m.unit) for m in found) == sorted((f["value"], f["unit"]) for f in figures)
    assert all(raw[m.start:m.end] == m.text and m.sentence in raw for m in found)
    assert "1200個" in [m.text for m in found]
