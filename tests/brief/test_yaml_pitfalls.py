"""YAML pitfalls (issue 23.6), through the real command: a key indented into a block scalar,
and PyYAML's parser errors in plain words — each at the brief's own file:line:column."""

import subprocess
import sys
import textwrap

import pytest

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]


def run(*args):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def write(tmp_path, body, name="brief.yaml"):
    path = tmp_path / name
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


HEAD = "title: 超大城市治理简报\nissuer: 城市治理研究组\ndate: 2021-08-01\n"


def test_a_key_indented_into_commentary_is_an_error_at_its_line(tmp_path):
    brief = write(tmp_path, """\
    sections:
      - heading: 就业与人才
        commentary: |
          分析者自己的文字。

          metrics: [graduates-retained]
        quotes: [cjrb-2021-07-25/s3/p2]
    """)
    result = run("check", brief)
    assert result.returncode == 1, result.stdout
    assert result.stderr.splitlines() == [
        f"error: {brief}:9:7: sections[0].commentary: `metrics:` is inside the `commentary:` "
        "text (a block scalar): it is indented more than `commentary:` on line 6",
        "  hint: if it is a key of the section, indent it like `commentary:` (4 spaces); if it "
        "is text, reword the line so it does not start with `metrics:`"]


def test_the_same_brief_indented_right_is_ok(tmp_path):
    brief = write(tmp_path, """\
    sections:
      - heading: 就业与人才
        commentary: |
          分析者自己的文字。
        metrics: [graduates-retained]
    """)
    result = run("check", brief)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{brief}: ok"


def test_a_top_level_key_inside_the_summary_text_points_at_the_top_level(tmp_path):
    brief = write(tmp_path, """\
    summary:
      text: >
        一段摘要。
        说明：这里不是键。
        table: {topics: [公共卫生]}
    sections:
      - heading: 甲
        metrics: [graduates-retained]
    """)
    result = run("check", brief)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (f"error: {brief}:8:5: summary.text: `table:` is inside the `text:` text "
                        "(a block scalar): it is indented more than `text:` on line 5")
    assert "if it is a key of the brief, indent it like `summary:` (0 spaces)" in lines[1]
    assert len(lines) == 2            # 说明： (full-width colon) and prose are not keys


def test_prose_that_starts_with_an_unknown_word_and_colon_is_left_alone(tmp_path):
    brief = write(tmp_path, """\
    sections:
      - heading: 甲
        commentary: |
          note: this is the analyst's English aside.
          http://example.org is a link
    """)
    result = run("check", brief)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("body, where, human, raw", [
    # a key indented more than the key above it, under a list item
    ("sections:\n  - heading: 甲\n     metrics: [graduates-retained]\n", "6:6",
     "`metrics:` is indented more than the line above it, so YAML reads it as more text of "
     "that line's value", "mapping values are not allowed here"),
    ("sections:\n  - heading: 甲\n   metrics: [graduates-retained]\n", "6:4",
     "this line is indented more than the key above it",
     "expected <block end>, but found '<block mapping start>'"),
    ("subtitle: 专题: 公共卫生\n", "4:13",
     "a ': ' inside a value: YAML reads it as the start of another key",
     "mapping values are not allowed here"),
    ("edition\nsubtitle: 专题\n", "4:1",
     "a line that is neither 'key: value' nor a list item '- …'", "could not find expected ':'"),
    ("sections:\n\t- heading: 甲\n", "5:1",
     "a tab character: YAML indents with spaces only",
     "found character '\\t' that cannot start any token"),
    ("sections:\n  - heading: 甲\n    metrics: [graduates-retained]\n  quotes: [x]\n", "7:3",
     "this key is indented like the '- ' of the list that starts on line 5, not like the keys "
     "of its item", "expected <block end>, but found '?'"),
    ("subtitle: *topic\n", "4:11",
     "a '*' value names an anchor (&name) that is not defined above it",
     "found undefined alias"),
    ("subtitle: \"专题\nedition: 第2期\n", "4:11",
     "a quote opened on line 4 is never closed: the file ends inside it",
     "found unexpected end of stream"),
    ("keywords: [就业, 人才\n", "4:11",
     "a [list] opened on line 4 is not closed, or its items lack commas",
     "expected ',' or ']', but got '<stream end>'"),
])
def test_parser_errors_in_plain_words_then_pyyaml_s(tmp_path, body, where, human, raw):
    brief = tmp_path / "brief.yaml"
    brief.write_text(HEAD + body, encoding="utf-8")
    result = run("check", brief)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {brief}:{where}: {human} (YAML: {raw}"), first
    assert "  hint: " in result.stderr and "Traceback" not in result.stderr
