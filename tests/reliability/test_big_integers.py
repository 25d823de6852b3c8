"""Giant integers in any YAML form are a clear error at file:line:column, never an internal
error (issue 24: Python refuses to convert more than 4,300 digits; a hex or sexagesimal value
in a brief, the catalog or briefbook.yaml used to end in "internal error: ValueError")."""

from __future__ import annotations

import subprocess
import sys

import pytest

from plugins.example import copy_project

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
HEX = "0x" + "f" * 4500
DECIMAL = "9" * 5000
SEXAGESIMAL = "1:" + ":".join(["59"] * 3000)


def run(*args, cwd=None):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("number", [HEX, DECIMAL, SEXAGESIMAL], ids=["hex", "decimal", "base60"])
def test_a_giant_integer_in_a_brief_is_an_error_at_its_place(tmp_path, number):
    brief = tmp_path / "brief.yaml"
    brief.write_text(f"title: 超大城市治理简报\ndate: 2021-08-01\nedition: {number}\n",
                     encoding="utf-8")
    done = run("check", brief)
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith(f"error: {brief}:3:10: a number of "), done.stderr
    assert "(at most 100 are read)" in done.stderr and "internal error" not in done.stderr


def test_a_giant_integer_in_the_catalog_or_the_project_file(tmp_path):
    project = copy_project(tmp_path / "p", briefs=False)
    catalog = project.root / "corpus" / "metrics.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text + f"# a bad one\nobservations: {HEX}\n", encoding="utf-8")
    done = run("metrics", cwd=project.root)
    assert done.returncode == 1 and "a number of 4,501 digits" in done.stderr, done.stderr
    assert str(catalog) in done.stderr and "internal error" not in done.stderr
    catalog.write_text(text, encoding="utf-8")
    config = project.root / "briefbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra: {DECIMAL}\n",
                      encoding="utf-8")
    done = run("sources", cwd=project.root)
    assert done.returncode == 1 and "a number of 5,000 digits" in done.stderr, done.stderr
    assert str(config) in done.stderr and "internal error" not in done.stderr


def test_an_ordinary_integer_still_loads(tmp_path):
    from briefbook.brief.safeyaml import load_yaml

    data, _ = load_yaml("a: 0x1f\nb: 1_000\nc: 1:30\nd: " + "9" * 100 + "\n", "t.yaml")
    assert data == {"a": 31, "b": 1000, "c": 90, "d": int("9" * 100)}
