"""The compare / lint / snapshot commands, end to end through the real CLI app."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import briefbook.render
from briefbook.cli import load_commands, main

app = load_commands()

runner = CliRunner()


@pytest.fixture
def sample_pdf_files(tmp_path, docs):
    """The base, char and nochart sample documents written to PDF files."""
    paths = {}
    for variant in ("base", "char", "nochart"):
        paths[variant] = tmp_path / f"{variant}.pdf"
        paths[variant].write_bytes(docs[variant].pdf)
    return paths


def test_compare_identical_exits_0(sample_pdf_files, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(sample_pdf_files["base"]), str(sample_pdf_files["base"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.count("identical") == 2 and "unchanged" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_compare_change_exits_1_with_table_and_diffs(sample_pdf_files, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["compare", str(sample_pdf_files["base"]), str(sample_pdf_files["char"]), "--out", str(out)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[1].split()[:2] == ["1", "identical"]
    assert lines[2].split()[:2] == ["2", "changed"] and "mm" in lines[2]
    assert (out / "page-002-diff.png").exists() and (out / "page-002-expected.png").exists()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["actual_pdf"].endswith("char.pdf")


def test_compare_budget_lets_a_small_change_pass(sample_pdf_files, tmp_path):
    args = ["compare", str(sample_pdf_files["base"]), str(sample_pdf_files["char"]), "--out", str(tmp_path / "o")]
    assert runner.invoke(app, args + ["--budget", "100"]).exit_code == 0
    assert runner.invoke(app, args + ["--budget", "0.01%"]).exit_code == 1  # 54 px < 65 px
    assert runner.invoke(app, args + ["--dpi", "60", "--budget", "40"]).exit_code == 1


def test_bad_input_is_one_clear_line(sample_pdf_files, tmp_path, capsys):
    (tmp_path / "x.pdf").write_text("hello")
    for argv, expected in ([["compare", str(sample_pdf_files["base"]), str(tmp_path / "nope.pdf")], "no such file"],
                           [["compare", str(sample_pdf_files["base"]), str(tmp_path / "x.pdf")], "not a PDF file"],
                           [["compare", str(sample_pdf_files["base"]), str(sample_pdf_files["base"]), "--budget", "lots"], "cannot read budget"],
                           [["lint", str(tmp_path / "x.pdf")], "not a PDF file"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 1
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err


def test_lint_good_and_bad(sample_pdf_files):
    good = runner.invoke(app, ["lint", str(sample_pdf_files["base"]), "--pages", "2",
                               "--expect-text", "进展简报", "--expect-text", "586亿元"])
    assert good.exit_code == 0, good.output
    assert good.output.startswith("ok: 2 page(s), 3 font(s)")
    bad = runner.invoke(app, ["lint", str(sample_pdf_files["nochart"]), "--pages", "3",
                              "--expect-text", "图1 留汉大学生人数"])
    assert bad.exit_code == 1
    fails = [l for l in bad.output.splitlines() if l.startswith("FAIL")]
    assert fails == ["FAIL page-count: 2 page(s), expected 3",
                     "FAIL missing-text: text not found: '图1 留汉大学生人数'"]


def test_snapshot_records_compares_and_updates(tmp_path, docs, monkeypatch):
    current = {"pdf": docs["base"].pdf}
    monkeypatch.setattr(briefbook.render, "render_pdf_bytes", lambda path, project=None: current["pdf"])
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: x\n", encoding="utf-8")
    baseline, out = tmp_path / "baselines" / "demo", tmp_path / "diffs"
    args = ["snapshot", str(brief), "--baseline", str(baseline), "--out", str(out)]
    missing = runner.invoke(app, args)  # no baseline yet: an error, nothing recorded
    assert missing.exit_code == 1
    assert "no baseline recorded" in str(missing.exception) + missing.output
    assert "--update" in str(missing.exception) + missing.output
    assert not baseline.exists()
    first = runner.invoke(app, args + ["--update"])
    assert first.exit_code == 0 and "baseline recorded" in first.output
    assert runner.invoke(app, args).exit_code == 0
    current["pdf"] = docs["nochart"].pdf
    changed = runner.invoke(app, args)
    assert changed.exit_code == 1
    assert "page 2: changed" in changed.output and "--update" in changed.output
    assert (out / "page-002-diff.png").exists()
    assert runner.invoke(app, args + ["--update"]).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0


def test_snapshot_without_baseline_exits_1_with_one_clear_line(tmp_path, docs, monkeypatch,
                                                                capsys):
    monkeypatch.setattr(briefbook.render, "render_pdf_bytes", lambda path, project=None: docs["base"].pdf)
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: x\n", encoding="utf-8")
    baseline = tmp_path / "baselines" / "demo"
    with pytest.raises(SystemExit) as info:
        main(["snapshot", str(brief), "--baseline", str(baseline), "--out", str(tmp_path / "d")])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert f"error: {baseline}: no baseline recorded" in err and "--update" in err
    assert not baseline.exists() and not (tmp_path / "baselines").exists()
