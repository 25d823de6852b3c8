"""briefbook metrics / briefbook extract."""

import json

import pytest
from typer.testing import CliRunner

from briefbook.cli import load_commands, main

app = load_commands()

runner = CliRunner()


def test_metrics_json():
    result = runner.invoke(app, ["metrics", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data) >= 25
    grads = next(m for m in data if m["id"] == "graduates-retained")
    assert grads["status"] == "超额完成" and grads["ratio"] == pytest.approx(1.208)
    assert [o["value"] for o in grads["observations"]] == [250000, 302000]
    tax = next(m for m in data if m["id"] == "tax-fee-cuts")
    assert tax["observations"][0]["value"] == 58_600_000_000
    assert tax["observations"][0]["display"] == "586亿元"


def test_metrics_filters():
    result = runner.invoke(app, ["metrics", "--json", "--status", "未见报道", "--topic", "民生保障"])
    data = json.loads(result.output)
    assert {m["id"] for m in data} == {"life-circle", "public-activity-circle"}


def test_metrics_table():
    result = runner.invoke(app, ["metrics"])
    assert result.exit_code == 0 and "graduates-retained" in result.output and "超额完成" in result.output


def test_extract_json_on_an_article():
    result = runner.invoke(app, ["extract", "cjrb-2021-07-25", "--json"])
    rows = json.loads(result.output)
    hit = next(r for r in rows if r["value"] == 302000)
    assert hit["paragraph"] == "cjrb-2021-07-25/s3/p3" and hit["kind"] == "reported"


def test_extract_a_file(tmp_path):
    f = tmp_path / "t.txt"
    f.write_text("力争全年留下25万大学生在汉创业就业。", encoding="utf-8")
    rows = json.loads(runner.invoke(app, ["extract", str(f), "--json"]).output)
    assert [(r["value"], r["unit"], r["kind"]) for r in rows] == [(250000, "人", "pledged")]


@pytest.mark.parametrize("argv, needle", [
    (["metrics", "--topic", "health"], "unknown topic"),
    (["extract", "cjrb-2021-07-52"], "did you mean"),
])
def test_bad_input_is_one_clear_message(argv, needle, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_an_unknown_status_is_a_usage_error_listing_the_statuses(capsys):
    with pytest.raises(SystemExit) as info:
        main(["metrics", "--status", "done"])
    assert info.value.code == 2
    err = " ".join(capsys.readouterr().err.replace("│", " ").split())
    assert "Invalid value for '--status': Value error, 'done' is not one of '超额完成'," in err
    assert "'仅有报道'." in err and "Traceback" not in err


def test_metrics_project_option_reads_that_projects_catalog(tmp_path):
    from plugins.example import copy_project

    folder = copy_project(tmp_path / "project", briefs=False).corpus_dir
    (folder / "metrics.yaml").write_text(
        "metrics:\n- id: only-one\n  label: 留汉大学生\n  unit: 人\n  topic: 就业与人才\n"
        "  observations:\n    - {kind: reported, value: 302000, period: 2020年, "
        "source: cjrb-2021-07-25/s3/p3, quote: 去年新增留汉大学生30.2万人}\n", encoding="utf-8")
    result = runner.invoke(app, ["metrics", "--json", "--project", str(folder.parent)])
    assert result.exit_code == 0, result.output
    assert [m["id"] for m in json.loads(result.output)] == ["only-one"]
