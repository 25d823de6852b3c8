"""Generated inputs (issue 24, item 9): briefs, project files, metric catalogs and articles,
written as YAML text with every integer spelling (big decimal, hex, octal, binary, base 60,
underscores), floats, timestamps, tags, merge keys and chains of aliases (tests/reliability/
fuzz_inputs.py). Each goes through its stage as the CLI runs it and must end in success or a
BriefbookError with a clear message — never another exception — within a time bound.

A fixed small budget here (derandomized: the same inputs every run, a few seconds);
``make fuzz`` runs ≥ 10,000 and reports crashes and the slowest input.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from plugins.fuzz_inputs import KINDS, Fuzz, Outcome, strategy

PROFILE = dict(derandomize=True, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))
#: Inputs per kind in the suite (about 5 s in all on the shared 2-core machine).
BUDGET = {"brief": 40, "project": 30, "catalog": 40, "article": 12}
#: No input of the suite's sizes may take longer (the slowest take about 0.5 s).
SECONDS = 10.0


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory) -> Fuzz:
    return Fuzz(tmp_path_factory.mktemp("fuzz"))


@pytest.mark.parametrize("kind", KINDS)
def test_generated_inputs_end_in_success_or_a_clear_error(fuzz, kind):
    seen: list[tuple[Outcome, str]] = []

    @settings(max_examples=BUDGET[kind], **PROFILE)
    @given(text=strategy(kind, runs=(10, 30)))
    def prop(text):
        outcome = fuzz.run(kind, text)
        seen.append((outcome, text))
        assert outcome.result != "crash", \
            f"{kind} input crashed:\n{text[:3000]!r}\n{outcome.detail}"

    prop()
    results = Counter(o.result for o, _ in seen)
    # A generator that only ever makes broken input tests only the error path, and one that
    # never does tests nothing: both must happen.
    assert results["ok"] >= 1 and results["error"] >= 1, results
    slowest, text = max(seen, key=lambda pair: pair[0].seconds)
    assert slowest.seconds < SECONDS, (f"{kind} input took {slowest.seconds:.1f} s:\n"
                                       f"{text[:3000]!r}")
    print(f"{kind}: {len(seen)} inputs, {dict(results)}, slowest {slowest.seconds:.3f} s")


# Every spelling the generator draws from, each placed in every kind of input once (the
# generated run above samples them; these always run). Article text gets the same spelling
# as a figure in a sentence.
HARD = {
    "decimal 5,000 digits": "1" + "0" * 4999,
    "decimal with underscores": "1_" + "0" * 4400 + "_",
    "octal 5,000 digits": "0" + "7" * 5000,
    "binary 15,000 digits": "0b" + "1" * 15000,
    "hex 4,000 digits": "0x" + "f" * 4000,
    "hex with underscores": "0x_" + "F_" * 2000,
    "empty hex": "0x_",
    "base 60 integer, 3,000 groups": "1" + ":30" * 3000,
    "base 60 float, 200 groups": "1" + ":30" * 200 + ".5",
    "float over the range": "1.0e+999",
    "not a number": ".nan",
    "minus infinity": "-.inf",
    "float of 400 digits": "9" * 400 + ".0",
    "tagged hex int": "!!int '0x" + "f" * 4000 + "'",
    "tagged base 60 float": "!!float '1" + ":30" * 200 + "'",
    "timestamp on 30 February": "2021-02-30",
    "timestamp with 300 fraction digits": "2021-01-01T00:00:00." + "9" * 300 + "Z",
    "timestamp with zone -99:99": "2021-01-01 00:00:00 -99:99",
    "timestamp in year 0": "0000-01-01",
    "merge of a scalar": "{<<: 5}",
    "merge of two mappings": "{<<: [{a: 1}, {b: 2}]}",
    "a bool that is not one": "!!bool maybe",
    "a timestamp that is not one": "!!timestamp 'x'",
    "binary": "!!binary aGVsbG8=",
    "set": "!!set {a, b}",
}
TEMPLATES = {
    "brief": "title: 简报\ndate: 2021-08-01\nsubtitle: {v}\n",
    "project": "title: 项目\ntopics: [就业与人才]\ndefaults: {{issuer: {v}}}\n",
    "catalog": ("metrics: [{{id: fuzz-a, label: 留汉大学生, unit: 人, topic: 就业与人才, "
                "observations: [{{kind: pledged, value: {v}, qualifier: 力争, period: 2020年, "
                "source: hbrb-2020-06-29/s6/p1, quote: 力争全年留下25万大学生在汉创业就业}}]}}]\n"),
    "article": "标题\n\n  今年新增{v}个，力争完成{v}万元。\n",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", list(HARD))
def test_every_scalar_spelling_in_every_kind_is_success_or_a_clear_error(fuzz, kind, name):
    outcome = fuzz.run(kind, TEMPLATES[kind].format(v=HARD[name]))
    assert outcome.result != "crash", outcome.detail
    assert outcome.seconds < SECONDS


def test_merge_keys_and_alias_chains_are_success_or_a_clear_error(fuzz):
    chain = ["c0: &c0 [文字, 文字, 文字]"] + [
        f"c{i}: &c{i} [{', '.join([f'*c{i - 1}'] * 3)}]" for i in range(1, 11)]  # 177,147
    documents = {
        "brief": ["title: 简报\ndate: 2021-08-01\nsummary: &s {text: 摘要}\n"
                  "sections: [{<<: *s, heading: 节}]\n<<: {issuer: 合并}\n",
                  "\n".join(chain) + "\ntitle: 简报\ndate: 2021-08-01\nkeywords: *c10\n",
                  "title: &t 简报\ndate: 2021-08-01\nsubtitle: *t\nsections: &x [*x]\n"],
        "project": ["base: &b {issuer: 研究组}\ntitle: x\ntopics: [就业与人才]\ndefaults: {<<: *b}\n",
                    "\n".join(chain) + "\ntitle: x\ntopics: *c10\n"],
        "catalog": ["metrics: &m [*m]\n", "\n".join(chain) + "\nmetrics: *c10\n",
                    "metrics: [{id: [a, b], label: 甲, unit: 人, topic: 就业与人才}]\n",
                    "metrics: [&a {id: fuzz-a, label: 甲, unit: 人, topic: 就业与人才, observations: "
                    "[{kind: pledged, period: 2020年, source: hbrb-2020-06-29/s6/p1, "
                    "quote: 力争全年留下25万大学生在汉创业就业}]}, {<<: *a, id: fuzz-b}]\n"],
    }
    for kind, texts in documents.items():
        for text in texts:
            outcome = fuzz.run(kind, text)
            assert outcome.result != "crash", (kind, text[:300], outcome.detail)
            assert outcome.seconds < SECONDS, (kind, text[:300], outcome.seconds)
