"""The command as users run it: clear errors, exit codes, no tracebacks, nothing clobbered."""

import os
import subprocess
import sys

import pytest
from plugins.example import BRIEFS_DIR

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]


def run(*args, cwd=None):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_module_entry_point_runs():
    result = run("--help")
    assert result.returncode == 0 and "render" in result.stdout


def test_help_loads_no_render_stage():
    """`briefbook --help` lists every command without importing the render stage, the charts,
    matplotlib, WeasyPrint, pypdf or Dask: each command imports those only when it runs."""
    script = ("import sys\n"
              "from briefbook.cli import main\n"
              "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
              "heavy = ('briefbook.render', 'briefbook.charts', 'matplotlib', 'weasyprint',\n"
              "         'pypdf', 'distributed', 'pyhanko')\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
              "             or m.startswith(heavy[:2])))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "compare" in result.stdout and "editions" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_briefbook_prints_pyproject_version():
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    expected = tomllib.loads(pyproject.read_text())["project"]["version"]
    result = subprocess.run([sys.executable, "-m", "briefbook", "--version"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"briefbook {expected}"


@pytest.mark.parametrize("content", [
    "title: [unclosed\n",
    "title: !!python/object/apply:os.system ['true']\n",
    "",
    "title: 简报\nissuer: 组\ndate: 2021-08-01\n"
    "sections:\n  - heading: 甲\n    metrics: [no-such]\n",
])
def test_bad_brief_fails_cleanly_and_keeps_the_old_pdf(tmp_path, content):
    brief = tmp_path / "brief.yaml"
    brief.write_text(content, encoding="utf-8")
    out = tmp_path / "book.pdf"
    out.write_bytes(b"%PDF-1.7 yesterday's good book %%EOF")
    result = run("render", brief, "-o", out)
    assert result.returncode == 1
    assert "error:" in result.stderr and str(brief) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert out.read_bytes() == b"%PDF-1.7 yesterday's good book %%EOF"
    assert sorted(os.listdir(tmp_path)) == ["book.pdf", "brief.yaml"]


def test_check_reports_with_positions(tmp_path):
    brief = tmp_path / "brief.yaml"
    brief.write_text("title: 简报\nissuer: 组\ndate: 2021-08-01\nsumary: {}\n", encoding="utf-8")
    result = run("check", brief)
    assert result.returncode == 1
    assert f"{brief}:4:1: sumary: unknown field" in result.stderr
    assert "did you mean 'summary'?" in result.stderr


def test_missing_brief_file(tmp_path):
    result = run("check", tmp_path / "nope.yaml")
    assert result.returncode == 1 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_render_writes_pdf(tmp_path):
    out = tmp_path / "sheet.pdf"
    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "-o", out)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert os.listdir(tmp_path) == ["sheet.pdf"]


def test_doctor_passes_here():
    result = run("doctor")
    assert result.returncode == 0, result.stdout
    assert "HarfBuzz subsetting" in result.stdout and "available" in result.stdout


def test_schema_is_json():
    import json

    result = run("schema")
    assert json.loads(result.stdout)["title"] == "briefbook brief"


def test_render_refuses_two_briefs_writing_one_pdf(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.yaml").write_text("title: 简报\nissuer: 组\ndate: 2021-08-01\n",
                                                      encoding="utf-8")
    result = run("render", tmp_path / "a" / "same.yaml", tmp_path / "b" / "same.yaml",
                 "--out-dir", tmp_path / "out")
    assert result.returncode == 1
    assert "several briefs would write the same PDF" in result.stderr
    assert not (tmp_path / "out").exists()


def test_ctrl_c_while_loading_commands_is_not_a_traceback(monkeypatch, capsys):
    import briefbook.cli as cli

    def interrupted(command=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "load_commands", interrupted)
    with pytest.raises(SystemExit) as info:
        cli.main(["render", "x.yaml"])
    assert info.value.code == 130
    assert "interrupted" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--format", "html", "--pdf-variant", "pdf/a-3b"], "--pdf-variant applies to PDF output only"),
    (["--format", "html", "--sign", "key.p12"],
     "--sign signs PDFs; the HTML edition cannot be signed"),
])
def test_render_variant_and_format_mistakes(tmp_path, args, message):
    out = tmp_path / "sheet.out"
    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "-o", out, *args)
    assert result.returncode == 1
    assert f"error: {message}" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("args, message", [
    (["--pdf-variant", "pdf/x-4"], "Invalid value for '--pdf-variant': Value error, 'pdf/x-4' "
                                   "is not one of 'pdf/a-3b', 'pdf/ua-1'."),
    (["--format", "epub"], "Invalid value for '--format': Value error, 'epub' is not one of "
                           "'pdf', 'html'."),
])
def test_render_choices_outside_their_set_are_usage_errors(tmp_path, args, message):
    """--pdf-variant and --format are choices: a value outside them is a malformed command
    line (exit 2) whose message names the option, the value and every value it may take."""
    out = tmp_path / "sheet.out"
    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "-o", out, *args)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.replace("│", " ").split())
    assert "Traceback" not in result.stderr
    assert os.listdir(tmp_path) == []


@pytest.mark.slow
def test_render_archival_and_html_editions(tmp_path):
    import pikepdf

    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "--pdf-variant", "pdf/a-3b",
                 "--out-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    with pikepdf.open(tmp_path / "summary-sheet.pdf") as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "3" and len(pdf.Root.AF) == 3
    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "--format", "html",
                 "--out-dir", tmp_path)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "summary-sheet.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "@font-face" in html and "<img" not in html
    assert sorted(os.listdir(tmp_path)) == ["summary-sheet.html", "summary-sheet.pdf"]


@pytest.mark.parametrize("name", ["out.png", "out.PDF.svg", "out"])
def test_render_refuses_an_output_that_is_not_pdf(tmp_path, name):
    out = tmp_path / name
    result = run("render", BRIEFS_DIR / "summary-sheet.yaml", "-o", out)
    assert result.returncode == 1
    assert f"-o {out}: this writes PDF, so the name must end in .pdf" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
