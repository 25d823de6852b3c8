"""The catalog reports every problem of every file in one run (issue 23.6), and `metrics link`
names the user's files, never the unwritten text it checks."""

import subprocess
import sys

import pytest
import yaml

from plugins.example import copy_project

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]

GOOD = ("  - id: {id}\n    label: 留汉大学生\n    unit: 人\n    topic: {topic}\n"
        "    observations:\n      - {{kind: reported, value: 302000, period: 2020年, "
        "source: cjrb-2021-07-25/s3/p3, quote: {quote}}}\n")


def run(*args):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture()
def corpus_with_empty_metrics_dir(tmp_path):
    """The corpus folder of a private copy of the example project, its metrics/ folder empty."""
    corpus = copy_project(tmp_path / "project", briefs=False).corpus_dir
    (corpus / "metrics").mkdir(exist_ok=True)
    for old in (corpus / "metrics").glob("*.yaml"):
        old.unlink()
    return corpus


def test_every_problem_of_every_file_in_one_run(corpus_with_empty_metrics_dir):
    (corpus_with_empty_metrics_dir / "metrics.yaml").write_text(
        "metrics:\n" + GOOD.format(id="a-one", topic="就业与人才", quote="去年新增留汉大学生30.2万人")
        + GOOD.format(id="a-two", topic="就业与人才", quote="去年新增留汉大学生40万人"),
        encoding="utf-8")
    (corpus_with_empty_metrics_dir / "metrics" / "b.yaml").write_text("metrics:\n  - id: b\n    label: x\n  unit: 人\n",
                                               encoding="utf-8")
    (corpus_with_empty_metrics_dir / "metrics" / "c.yaml").write_text(
        "metrics:\n" + GOOD.format(id="c-one", topic="就业", quote="去年新增留汉大学生30.2万人"),
        encoding="utf-8")
    result = run("metrics", "--project", corpus_with_empty_metrics_dir.parent)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    err = result.stderr
    # metrics.yaml: the second entry's quote is not in the paragraph (line 12)
    assert f"{corpus_with_empty_metrics_dir / 'metrics.yaml'}:13: metric a-two, reported observation 1: quote " in err, err
    # b.yaml: a parser error, in words, at its line and column — and reading went on
    assert (f"{corpus_with_empty_metrics_dir / 'metrics' / 'b.yaml'}:4:3: this key is indented like the '- ' of the "
            "list that starts on line 2") in err
    # c.yaml: an unknown topic at its line
    assert f"{corpus_with_empty_metrics_dir / 'metrics' / 'c.yaml'}:5: metric c-one: unknown topic '就业'" in err
    assert err.count("error: ") == 1 and len([l for l in err.splitlines()
                                              if not l.startswith("  hint:")]) == 4


def test_a_linked_observation_to_a_metric_of_an_unreadable_file_is_not_blamed(corpus_with_empty_metrics_dir):
    (corpus_with_empty_metrics_dir / "metrics.yaml").write_text("metrics: [{id: x}\n", encoding="utf-8")
    (corpus_with_empty_metrics_dir / "metrics" / "b.yaml").write_text(
        "observations:\n  - {metric: a-one, kind: reported, value: 302000, period: 2020年, "
        "source: cjrb-2021-07-25/s3/p3, quote: 去年新增留汉大学生30.2万人}\n", encoding="utf-8")
    result = run("metrics", "--project", corpus_with_empty_metrics_dir.parent)
    assert result.returncode == 1
    assert f"{corpus_with_empty_metrics_dir / 'metrics.yaml'}:1:10: a [list] opened on line 1" in result.stderr
    assert "is not in the catalog" not in result.stderr


def test_many_problems_are_listed_up_to_fifty_then_counted(corpus_with_empty_metrics_dir):
    entries = "".join(GOOD.format(id=f"m-{i}", topic="没有", quote="去年新增留汉大学生30.2万人")
                      for i in range(60))
    (corpus_with_empty_metrics_dir / "metrics.yaml").write_text("metrics:\n" + entries, encoding="utf-8")
    result = run("metrics", "--project", corpus_with_empty_metrics_dir.parent)
    assert result.returncode == 1
    problems = [l for l in result.stderr.splitlines() if not l.startswith("  hint:")]
    assert len(problems) == 51
    assert f"{corpus_with_empty_metrics_dir / 'metrics.yaml'}:341: metric m-56: unknown topic" not in result.stderr
    assert f"{corpus_with_empty_metrics_dir / 'metrics.yaml'}:299: metric m-49: unknown topic '没有'" in result.stderr
    assert problems[-1] == "… and 10 more problems (60 in all)"


def test_link_names_the_users_files_not_a_temporary_copy(corpus_with_empty_metrics_dir, tmp_path):
    draft = tmp_path / "plan.yaml"
    draft.write_text(yaml.safe_dump({"draft_of": "cjrb-2021-07-25", "observations": [
        {"n": 1, "metric": None, "label": "留汉大学生", "topic": "就业与人才", "kind": "reported",
         "value": 302000, "unit": "人", "period": "2020年", "source": "cjrb-2021-07-25/s3/p3",
         "quote": "去年新增留汉大学生30.2万人"}]}, allow_unicode=True), encoding="utf-8")
    (corpus_with_empty_metrics_dir / "metrics.yaml").write_text("metrics:\n" + GOOD.format(
        id="a-one", topic="就业与人才", quote="去年新增留汉大学生30.2万人"), encoding="utf-8")
    target = corpus_with_empty_metrics_dir / "metrics" / "linked.yaml"
    result = run("metrics", "link", "grads", f"{draft}#1", "--new", "--topic", "没有这个",
                 "--project", corpus_with_empty_metrics_dir.parent)
    assert result.returncode == 1, result.stdout
    err = result.stderr
    assert err.startswith(f"error: {target}: metric grads: unknown topic '没有这个' — linking "
                          f"to grads in {target} ({draft}#1; nothing written)"), err
    assert "/tmp" not in err.replace(str(tmp_path), "") and not target.exists()

