"""The defects a new user found (issue 12), each as the message `check` now gives.

Briefs are checked against the real corpus ids and metric catalog (via ``Renderer.check``),
so topics and did-you-mean come from the project's data, not from a list in the test.
"""

import textwrap

import re

import pytest

from briefbook.brief.schema import Brief, Breaks
from briefbook.core.errors import BriefbookError, BriefbookErrors

HEAD = "    title: 简报\n    issuer: 城市治理研究组\n    date: 2021-08-01\n"


def write(tmp_path, text: str, name: str = "brief.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors_of(renderer, path) -> str:
    with pytest.raises(BriefbookError) as info:
        renderer.check(path)
    return str(info.value)


def test_heading_only_section_is_an_error(renderer, tmp_path):
    path = write(tmp_path, HEAD + """\
    sections:
      - heading: 只有标题
      - heading: 有内容
        commentary: 一段文字。
    """)
    text = errors_of(renderer, path)
    assert f"{path}:5:14: sections[0].heading: section has a heading and nothing else" in text
    assert "sections[1]" not in text


def test_unknown_topic_has_did_you_mean(renderer, tmp_path):
    path = write(tmp_path, HEAD + "    table: {topics: [公共衛生]}\n")
    text = errors_of(renderer, path)
    assert f"{path}:4:18: table.topics[0]: unknown topic '公共衛生'" in text
    assert "did you mean '公共卫生'?" in text


def test_metric_excluded_by_listed_topics_is_an_error(renderer, tmp_path):
    path = write(tmp_path, HEAD + """\
    table:
      topics: [公共卫生]
      metrics: [emergency-circle-central, graduates-retained]
    """)
    with pytest.raises(BriefbookErrors) as info:
        renderer.check(path)
    assert len(info.value.errors) == 1
    text = str(info.value)
    assert (f"{path}:6:39: table.metrics[1]: metric 'graduates-retained' is of topic "
            "'就业与人才', which table.topics leaves out") in text
    assert "add '就业与人才' to table.topics" in text


def test_chart_with_nothing_to_plot_is_an_error(renderer, tmp_path):
    path = write(tmp_path, HEAD + """\
    charts: [{kind: timeline}]
    sections:
      - heading: 一节
        commentary: 文字。
    """)
    assert "charts[0]: timeline chart has no metrics to plot" in errors_of(renderer, path)


def test_duplicate_keys_name_both_lines(renderer, tmp_path):
    path = write(tmp_path, HEAD + """\
    sections:
      - heading: 一节
        commentary: 文字。
        heading: 又一节
    """)
    text = errors_of(renderer, path)
    assert f"{path}:7:5: duplicate key 'heading': first on line 5, again on line 7" in text


@pytest.mark.parametrize("text, message, hint", [
    ("title: 简报\nissuer: 组\ndate: 2021-08-01\nsections:\n\t- heading: 一\n",
     "5:1: a tab character: YAML indents with spaces only", "replace the tab with spaces"),
    ("title: 简报: 副题\nissuer: 组\ndate: 2021-08-01\n",
     "1:10: a ': ' inside a value", 'put the whole value in quotes, e.g. title: "简报: 副题"'),
    ("title: 简报\nissuer: 组\ndate: 20210820\n",
     "3:7: date: not a date (got 20210820)", "write the date as YYYY-MM-DD"),
    ("title: 简报\nissuer: 组\ndate: 2021-08-01\nsections:\n  - 就业与人才\n",
     "5:5: sections[0]: expected fields (key: value), got a text '就业与人才'",
     "write it as - heading: 就业与人才"),
])
def test_parser_wording_is_replaced_by_what_is_wrong(renderer, tmp_path, text, message, hint):
    path = tmp_path / "brief.yaml"
    path.write_text(text, encoding="utf-8")
    out = errors_of(renderer, path)
    assert f"{path}:{message}" in out
    assert hint in out
    # PyYAML's own wording comes only after ours, marked "(YAML: …)" (issue 23.6)
    ours = re.sub(r" \(YAML: [^\n]*\)", "", out)
    for raw in ("cannot start any token", "mapping values are not allowed", "zero time",
                "valid dictionary or instance"):
        assert raw not in ours


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_brief_is_named_as_such(renderer, tmp_path, encoding):
    path = tmp_path / "brief.yaml"
    path.write_bytes(textwrap.dedent(HEAD).encode(encoding))
    out = errors_of(renderer, path)
    assert "UTF-16 text: a brief must be UTF-8" in out and "iconv" in out


@pytest.mark.parametrize("fields, expected", [
    ({}, Breaks.CHAPTERS),                                      # a book with a cover
    ({"cover": False}, Breaks.NONE),                            # a short note flows
    ({"cover": False, "sections": [{"heading": str(i), "commentary": "文"} for i in range(4)]},
     Breaks.SECTIONS),                                          # a longer one breaks at sections
    ({"cover": False, "breaks": "chapters"}, Breaks.CHAPTERS),  # the brief decides
])
def test_page_breaks_default_by_length(fields, expected):
    brief = Brief.model_validate({"title": "简", "issuer": "组", "date": "2021-08-01", **fields})
    assert brief.page_breaks is expected
