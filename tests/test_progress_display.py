"""Long work shows progress on a terminal and stays quiet when output is not a terminal:
ingest, render, build (the real CLI; stderr a real pseudo-terminal or a pipe)."""

from __future__ import annotations

import re

import pytest

from plugins.cli import MINIMAL, run_cli, run_cli_on_a_terminal
from plugins.example import copy_project

BULLETIN = """\
青石镇完成老旧供水管网改造一期工程
2025-04-02 来源：青石镇人民政府

本报讯 青石镇老旧供水管网改造一期工程日前通过验收，镇区三个社区的居民用上了新管道送来的自来水。

一期工程更换主管道十二公里，新建加压泵站一座，改造入户管线两千三百户。
"""
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


def plain(terminal: str) -> str:
    return ESCAPES.sub("\n", terminal)


@pytest.fixture
def water_project(tmp_path):
    project = copy_project(tmp_path / "p")
    src = tmp_path / "bulletin.txt"
    src.write_text(BULLETIN, encoding="utf-8")
    return project, src


def test_ingest_shows_its_steps_on_a_terminal(water_project):
    project, src = water_project
    result, terminal = run_cli_on_a_terminal("ingest", src, "--id", "qingshi", "--project",
                                             project.root)
    assert result.returncode == 0, terminal
    assert "ingesting bulletin.txt" in plain(terminal)
    assert "stored: qingshi" in result.stdout and "ingesting" not in result.stdout


def test_ingest_is_quiet_in_a_pipe(water_project):
    project, src = water_project
    result = run_cli("ingest", src, "--id", "qingshi", "--project", project.root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "ingesting" not in result.stdout and "\x1b[" not in result.stdout


@pytest.mark.slow
def test_render_shows_the_brief_on_a_terminal_and_not_in_a_pipe(tmp_path):
    project = copy_project(tmp_path / "p", briefs=False)
    brief = project.root / "short.yaml"
    brief.write_text(MINIMAL, encoding="utf-8")
    result, terminal = run_cli_on_a_terminal("render", brief, "--out-dir", tmp_path / "out",
                                             "--jobs", "1", timeout=300)
    assert result.returncode == 0, terminal
    assert f"rendering {brief.name}" in plain(terminal)
    assert f"{brief.stem}.pdf" in result.stdout
    piped = run_cli("render", brief, "--out-dir", tmp_path / "out2", "--jobs", "1", timeout=300)
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
