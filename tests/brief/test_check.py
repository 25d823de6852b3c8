"""Brief validation: every mistake at once, each at file:line:column with a suggestion."""

import textwrap

import pytest

from briefbook.brief import check_brief, json_schema, load_brief
from briefbook.core.errors import BriefbookError, BriefbookErrors

CORPUS_IDS = {"cjrb-2021-07-25", "cjrb-2021-07-25/s3", "cjrb-2021-07-25/s3/p2"}
METRIC_IDS = {"graduates-retained", "emergency-circle-central", "life-circle-15min"}


def write(tmp_path, text, name="brief.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def check(path):
    return check_brief(path, corpus_ids=CORPUS_IDS, metric_ids=METRIC_IDS)


GOOD = """\
    title: 超大城市治理简报
    issuer: 城市治理研究组
    date: 2021-08-01
    sections:
      - heading: 就业与人才
        quotes: [cjrb-2021-07-25/s3/p2]
        metrics: [graduates-retained]
    """


def test_good_brief_passes(tmp_path):
    brief = check(write(tmp_path, GOOD))
    assert brief.title == "超大城市治理简报"
    assert brief.sections[0].metrics == ["graduates-retained"]


def test_five_planted_mistakes_all_reported_with_lines(tmp_path):
    path = write(tmp_path, """\
        title: 超大城市治理简报
        issuer: 城市治理研究组
        date: 2021-13-01
        paper: A3
        sections:
          - heading: 就业与人才
            quotes: [cjrb-2021-07-25/s3/p9]
            metrics: [graduates-retaned]
            comentary: 拼错的字段
        """)
    with pytest.raises(BriefbookErrors) as info:
        check(path)
    text = str(info.value)
    assert len(info.value.errors) == 5
    assert f"{path}:3:7: date" in text
    assert f"{path}:4:8: paper" in text
    assert f"{path}:7:14: sections[0].quotes[0]: unknown corpus id 'cjrb-2021-07-25/s3/p9'" in text
    assert "did you mean 'cjrb-2021-07-25/s3/p2'?" in text
    assert f"{path}:8:15: sections[0].metrics[0]: unknown metric 'graduates-retaned'" in text
    assert f"{path}:9:5: sections[0].comentary: unknown field" in text
    assert "did you mean 'commentary'?" in text
    assert "did you mean 'graduates-retained'?" in text


def test_missing_required_fields(tmp_path):
    with pytest.raises(BriefbookErrors) as info:
        check(write(tmp_path, "title: 简报\n"))
    text = str(info.value)
    assert "missing required field 'issuer'" in text and "missing required field 'date'" in text


@pytest.mark.parametrize("content, message", [
    ("", "the brief is empty"),
    ("- a\n- b\n", "a brief is a mapping of fields, not a list"),
    ("title: [unclosed\n", "expected"),
    ("title: !!python/object/apply:os.system ['echo pwned']\n", "YAML tag not allowed"),
    ("a: 1\na: 2\n", None),  # duplicate keys: PyYAML keeps the last; schema then rejects 'a'
])
def test_broken_yaml_is_a_clear_error(tmp_path, content, message):
    with pytest.raises(BriefbookError) as info:
        check(write(tmp_path, content))
    assert str(tmp_path / "brief.yaml") in str(info.value)
    if message:
        assert message in str(info.value)


def test_yaml_tag_never_executes(tmp_path):
    marker = tmp_path / "pwned"
    with pytest.raises(BriefbookError):
        check(write(tmp_path, f"title: !!python/object/apply:os.system ['touch {marker}']\n"))
    assert not marker.exists()


@pytest.mark.parametrize("payload, message", [
    (b"\x00\x01\x02binary", "binary file"),
    ("title: 超大城市治理简报\n".encode("gbk"), "not UTF-8"),
    ("title: 超大城市治理簡報\n".encode("big5"), "not UTF-8"),
])
def test_wrong_bytes_are_a_clear_error(tmp_path, payload, message):
    path = tmp_path / "brief.yaml"
    path.write_bytes(payload)
    with pytest.raises(BriefbookError, match=message):
        load_brief(path)


def test_missing_file(tmp_path):
    with pytest.raises(BriefbookError, match="no such file"):
        load_brief(tmp_path / "nope.yaml")


def test_json_schema_lists_fields():
    import json

    schema = json.loads(json_schema())
    assert {"title", "issuer", "date", "sections", "paper"} <= set(schema["properties"])
    assert "additionalProperties" in schema["$defs"]["Section"]
