"""The brief check and number extraction do work linear in their input (issue 24, "slow
check" and "quadratic extraction").

Before: ``check`` of a 327-byte brief of nested aliases (≈180,000 values) took minutes, since
the font-coverage union (≈45,000 code points) was rebuilt for every text value and every alias
was read again at each use; ``extract`` of one sentence of N numbers rescanned the text before
each number (4.5 s at N = 1,000, 89 s at 8,000, unfinished at 100,000) and kept the whole
sentence with every mention. Each test states the structure that makes the work linear — the
union built once, each YAML node read once, the errors and sentences bounded — and counts it;
the one timing test compares CPU time of the same work at N and 4N in one process.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from briefbook.brief import check
from briefbook.core.errors import BriefbookErrors

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
HEAD = "title: 超大城市治理简报\ndate: 2021-08-01\n"


def nested_aliases(fanout: int, levels: int, text: str = "治理") -> str:
    """A brief whose ``b:`` stands for ``fanout ** levels`` copies of ``text`` (in ``levels``
    aliases of aliases): a few hundred bytes, ``fanout ** levels`` values."""
    lines = [HEAD.rstrip("\n"), f"a0: &a0 [{', '.join([repr(text)] * fanout)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * fanout)}]")
    lines.append(f"b: [*a{levels - 1}, *a{levels - 1}]")
    return "\n".join(lines) + "\n"


def test_the_font_coverage_union_is_built_once():
    from briefbook.core import fonts

    have = fonts.face_coverage()
    assert have.printable is have.printable          # not rebuilt on each read
    assert fonts.coverage() is fonts.coverage()
    assert have.printable == have.main | have.supplement


def test_each_yaml_node_is_read_once_however_often_aliases_repeat_it(tmp_path, monkeypatch):
    """The characters of an aliased value are checked once, not once per use: the texts read
    are the text nodes of the file (title, date and a0's six), not its 3,110 text values."""
    from briefbook.core import coverage as preflight

    read: list[str] = []
    real = preflight.missing_characters

    def counting(text: str):
        read.append(text)
        return real(text)

    monkeypatch.setattr(preflight, "missing_characters", counting)
    brief = tmp_path / "brief.yaml"
    brief.write_text(nested_aliases(6, 4), encoding="utf-8")
    with pytest.raises(BriefbookErrors):             # a0 … b are unknown fields
        check.check_brief(brief, corpus_ids=set(), metric_ids=set())
    assert sorted(read) == sorted(["超大城市治理简报", "2021-08-01"] + ["治理"] * 6), read


def test_a_block_text_repeated_by_aliases_is_read_once(tmp_path, monkeypatch):
    read = []
    real = check.key_lines
    monkeypatch.setattr(check, "key_lines", lambda node: read.append(node) or real(node))
    keys = "\n".join(f"  k{i}: *t" for i in range(500))
    brief = tmp_path / "brief.yaml"
    brief.write_text(HEAD + "t: &t |\n  heading: 第一行\n  heading: 第二行\nx:\n" + keys + "\n",
                     encoding="utf-8")
    with pytest.raises(BriefbookErrors) as caught:
        check.check_brief(brief, corpus_ids=set(), metric_ids=set())
    assert len(read) == 1
    lines = [e.where for e in caught.value.errors if "is inside the" in e.message]
    assert lines == [f"{brief}:4:3", f"{brief}:5:3"]  # once each, not 500 times


def test_an_aliased_unprintable_character_is_one_error(tmp_path):
    brief = tmp_path / "brief.yaml"
    brief.write_text(HEAD + "subtitle: &s \"\ue000\"\nkeywords: [" + ", ".join(["*s"] * 40)
                     + "]\n", encoding="utf-8")
    with pytest.raises(BriefbookErrors) as caught:
        check.check_brief(brief, corpus_ids=set(), metric_ids=set())
    unprintable = [e.where for e in caught.value.errors if "cannot print" in e.message]
    assert unprintable == [f"{brief}:3:15"]


def test_a_brief_of_thousands_of_mistakes_lists_fifty_then_counts_the_rest(tmp_path):
    """20,000 characters no face has, one per value: fifty are written out (each with its
    place, name and context), then one line counts them all. (At 190,000 the check wrote
    380,000 lines, in a gigabyte of memory.)"""
    brief = tmp_path / "brief.yaml"
    brief.write_text(HEAD + "keywords: [" + ",".join(["\ue000"] * 20_000) + "]\n",
                     encoding="utf-8")
    with pytest.raises(BriefbookErrors) as caught:
        check.check_brief(brief, corpus_ids=set(), metric_ids=set())
    errors = caught.value.errors
    assert len(errors) == 51
    assert errors[-1].message == "… and 19,952 more problems (20,002 in all)", errors[-1]
    assert [e.where for e in errors[2:4]] == [f"{brief}:3:12", f"{brief}:3:14"]
    assert "U+E000" in errors[2].message and "issuer" in errors[0].message


def test_did_you_mean_guesses_have_a_budget(tmp_path, close_match_comparisons):
    """Each guess compares an unknown id with every known one: 200 unknown quotes against a
    corpus of 5,000 paragraphs were a million comparisons (2,000 against 20,000: 25 minutes).
    Now ``MAX_GUESS_COMPARISONS`` bounds them; the first ids get a guess, the rest the listing."""
    compared = close_match_comparisons
    known = {f"art-2021-08-01/s1/p{i}" for i in range(5000)}
    brief = tmp_path / "brief.yaml"
    brief.write_text(HEAD + "sections:\n  - heading: 一\n    quotes: ["
                     + ", ".join(f"art-2021-08-02/s1/p{i}" for i in range(200)) + "]\n",
                     encoding="utf-8")
    with pytest.raises(BriefbookErrors) as caught:
        check.check_brief(brief, corpus_ids=known, metric_ids=set())
    assert sum(compared) <= 50_000, sum(compared)             # check.MAX_GUESS_COMPARISONS
    hints = [e.hint for e in caught.value.errors if "unknown corpus id" in e.message]
    assert hints[0] == "did you mean 'art-2021-08-01/s1/p0'?"
    assert hints[-1] == "`briefbook sections` lists them"


def test_check_of_the_reported_alias_brief_ends_with_its_errors(tmp_path):
    """The issue's case end to end: 180,000 values from a 327-byte file (minutes before)."""
    brief = tmp_path / "brief.yaml"
    brief.write_text(nested_aliases(6, 6), encoding="utf-8")
    assert brief.stat().st_size < 400
    done = subprocess.run([*BRIEFBOOK, "check", brief], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "internal error" not in done.stderr, done.stderr
    assert "a5: unknown field" in done.stderr


# --- extraction ------------------------------------------------------------------------------


def sentence(n: int) -> str:
    """One sentence of ``n`` figures joined by 、 (N = 100,000 is the issue's 2.3 MB case)."""
    return "今年全市" + "、".join(f"新建项目{i}个" for i in range(1, n + 1)) + "。\n"


def cpu_seconds(work, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return best


def test_extraction_time_grows_linearly_with_the_numbers_in_a_sentence():
    """CPU time (best of three, so other processes do not count) at N = 300 and 1,200: ×4
    when linear (measured 4.3), ×16 when each number rescans the text before it (measured 15
    before the fix); the bound is ×8."""
    from briefbook.metrics.extract import extract_mentions

    small, large = sentence(300), sentence(1200)
    assert len(extract_mentions(small)) == 300 and len(extract_mentions(large)) == 1200
    ratio = cpu_seconds(lambda: extract_mentions(large)) / cpu_seconds(
        lambda: extract_mentions(small))
    assert ratio < 8, ratio


def test_scan_time_grows_linearly_with_the_quoted_and_titled_numbers():
    """Every number's enclosure (《…》, “…”) is read from one pass over the text: ×4 from N =
    1,000 to 4,000 (measured ≈ 4; quadratic would be 16); the bound is ×8. (At 500 the small
    scan took ~20 ms of CPU, and its jitter once pushed the ratio to 8.1 in a clean CI run.)"""
    from briefbook.metrics.numbers import scan

    def text(n: int) -> str:
        return "".join(f"《{i}个》“三张网”超过七成" for i in range(n))

    small, large = text(1000), text(4000)
    assert [t.kind for t in scan(small)[:3]] == ["name", "name", "bare"]
    ratio = cpu_seconds(lambda: scan(large)) / cpu_seconds(lambda: scan(small))
    assert ratio < 8, ratio


def test_a_mention_of_a_long_sentence_keeps_the_text_around_it():
    """Each of 4,000 mentions of a 90,000-character sentence kept all of it (360 million
    characters at 4,000; 100,000 × 2.3 MB at the issue's size); now the text around it."""
    from briefbook.metrics.extract import extract_mentions

    text = sentence(4000)
    mentions = extract_mentions(text)
    longest = max(len(m.sentence) for m in mentions)
    assert longest <= 310, longest                   # extract.MAX_SENTENCE_CHARS + the figure
    middle = mentions[2000]
    assert middle.text in middle.sentence and middle.sentence in text
    assert (middle.kind, middle.cue) == (mentions[0].kind, mentions[0].cue)


def test_a_short_sentence_is_kept_whole():
    from briefbook.metrics.extract import extract_mentions

    text = "全年计划办理以下事项：\n1. 新建学校12所，新增学位1.5万个。\n2. 去年已建成公园3个。\n"
    mentions = extract_mentions(text)          # the list's lead frames its items (计划)
    assert [(m.value, m.sentence, m.kind, m.cue) for m in mentions] == [
        (12, "1. 新建学校12所，新增学位1.5万个。", "pledged", "计划"),
        (15000, "1. 新建学校12所，新增学位1.5万个。", "pledged", "计划"),
        (3, "2. 去年已建成公园3个。", "reported", "建成")]


def test_a_quote_in_a_list_of_thousands_is_its_item():
    """A draft's quote is the figure's clause; in a 、-list longer than ``QUOTE_REACH`` it is
    the item, not the whole list (which each of 100,000 entries repeated)."""
    from briefbook.metrics.draft import shortest_quote

    text = sentence(4000)
    at = text.index("新建项目2000个")
    start = at + len("新建项目")
    assert shortest_quote(text, start, start + 5, 2000, "个", None) == "新建项目2000个"
    short = "去年新增学位1.5万个，今年再新增8000个。"
    assert shortest_quote(short, 6, 11, 15000, "个", None) == "去年新增学位1.5万个"
