"""The docs' commands are runnable (documentation that cannot rot silently).

- docs/getting-started.md's walkthrough runs, block by block, with the installed ``briefbook``
  in a fresh folder, and makes what the page says (a PDF, the statuses it names);
- the example brief in docs/briefs.md checks against the example project;
- every ``briefbook …`` command and option any page (or the README) shows exists
  (``briefbook <sub> --help``), and every ``make`` target it names is in the Makefile.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from plugins.example import REPO, example_project
from typer.testing import CliRunner

from briefbook.cli import load_commands
from briefbook.render import Renderer

DOCS = REPO / "docs"
#: ```sh … ``` blocks, and `briefbook …` / `make …` in running text
SHELL_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`((?:\.venv/bin/)?briefbook [^`]+|make [a-z-]+)`")


def shell_blocks(page: Path) -> list[str]:
    return SHELL_BLOCK.findall(page.read_text("utf-8"))


def without_comment(line: str) -> str:
    """``line`` without its shell comment (``#`` at the start of a word, as bash reads it)."""
    return re.sub(r"(^|\s)#.*$", "", line).strip()


def command_lines(text: str) -> list[str]:
    """The shell commands in ``text`` (continuation lines joined; heredoc bodies skipped)."""
    lines: list[str] = []
    heredoc: str | None = None
    joined = ""
    for raw in text.splitlines():
        if heredoc is not None:
            heredoc = None if raw.strip() == heredoc else heredoc
            continue
        line = without_comment(raw)
        if line.endswith("\\"):
            joined += line[:-1] + " "
            continue
        line, joined = joined + line, ""
        if match := re.search(r"<<'?(\w+)'?", line):
            heredoc = match.group(1)
        lines.extend(part.strip() for part in re.split(r"&&|;", line) if part.strip())
    return lines


def documented_commands() -> list[tuple[str, list[str]]]:
    """(page, argv) of every ``briefbook`` or ``make`` command the docs show."""
    found = []
    for page in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = page.read_text("utf-8")
        lines = [line for block in SHELL_BLOCK.findall(text) for line in command_lines(block)]
        lines += INLINE.findall(text)
        for line in lines:
            argv = shlex.split(line.replace("…", ""))
            if argv and argv[0] in ("briefbook", ".venv/bin/briefbook", "make"):
                found.append((page.name, ["briefbook" if "briefbook" in argv[0] else "make",
                                          *argv[1:]]))
    return found


@cache
def cli() -> Any:
    """The command tree (Typer's click group, whose ``commands`` are the subcommands)."""
    return typer.main.get_command(load_commands())


def resolve(argv: list[str]) -> tuple[list[str], Any]:
    """The subcommand path ``argv`` names (``["metrics", "link"]``) and its command."""
    path: list[str] = []
    command = cli()
    for word in argv:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None or word.startswith("-"):
            break
        path.append(word)
        command = sub
    return path, command


def test_every_documented_briefbook_command_and_option_exists():
    commands = [(page, argv[1:]) for page, argv in documented_commands()
                if argv[0] == "briefbook"]
    assert len(commands) > 40, "the docs' commands were not found"
    runner, helped = CliRunner(), set()
    for page, argv in commands:
        path, command = resolve(argv)
        assert path, f"{page}: `briefbook {shlex.join(argv)}` names no briefbook command"
        if tuple(path) not in helped:
            result = runner.invoke(load_commands(), [*path, "--help"])
            assert result.exit_code == 0, (path, result.output)
            helped.add(tuple(path))
        options = {opt for param in command.params for opt in param.opts}
        for word in argv[len(path):]:
            if word.startswith("-") and word != "-":
                assert word.split("=")[0] in options | {"--help"}, \
                    f"{page}: `briefbook {shlex.join(path)}` has no option {word}"


def test_every_documented_make_target_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (REPO / "Makefile").read_text("utf-8"), re.M))
    named = {argv[1] for _, argv in documented_commands() if argv[0] == "make" and len(argv) > 1}
    assert {"demo", "test", "docs"} <= named
    assert named <= targets, named - targets


def test_briefs_page_example_checks(tmp_path):
    page = (DOCS / "briefs.md").read_text("utf-8")
    block = re.search(r"## A brief\n.*?```yaml\n(.*?)```", page, re.S).group(1)
    brief = tmp_path / "example.yaml"
    brief.write_text(block, "utf-8")
    checked = Renderer(example_project()).check(brief)
    assert checked.sections[0].quotes == ["hbrb-2020-06-29/s2/p1"]


@pytest.mark.slow
def test_getting_started_walkthrough_runs(tmp_path):
    """Every shell block of the walkthrough, in order, each in a shell started in the folder
    the blocks before it ``cd``-ed to, beginning in a fresh folder."""
    setup, *walkthrough = shell_blocks(DOCS / "getting-started.md")
    assert [line.split()[:2] for line in command_lines(setup)] == [["make", "demo"],
                                                                   ["make", "test"]]
    assert len(walkthrough) >= 4
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}
    env.pop("BRIEFBOOK_DEBUG", None)
    env.pop("BRIEFBOOK_CACHE", None)
    outputs, cwd = [], tmp_path
    for block in walkthrough:
        result = subprocess.run(["bash", "-euo", "pipefail", "-c", block], capture_output=True,
                                text=True, env=env, cwd=cwd, timeout=300)
        assert result.returncode == 0, f"{block}\n--- stdout\n{result.stdout}\n--- stderr\n" \
                                       f"{result.stderr}"
        assert "internal error" not in result.stdout + result.stderr
        outputs.append(result.stdout)
        for line in command_lines(block):
            if line.startswith("cd "):
                cwd = cwd / shlex.split(line)[1]
    project = tmp_path / "my-city"
    # what the page says each step makes
    assert (project / "briefbook.yaml").is_file()
    assert "sl-2024-12-28/s2/p1" in outputs[1]
    assert "超额完成" in outputs[2] and "推进中" in outputs[2]
    assert (project / "corpus" / "metrics" / "linked.yaml").is_file()
    assert "ok" in outputs[3]
    pdf = project / "year-end.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert "ok:" in outputs[4]


#: a file path in running text: `render/engine/pdf.py`, `tests/render/test_layout.py`
PATH_SPAN = re.compile(r"`([\w.-]+(?:/[\w.-]+)+\.(?:py|md|txt|json|css|j2|lock|sh|yaml))`")
#: a dotted name inside the package: `core.fileio.read_bounded`, `corpus.model.known_on`
DOTTED_SPAN = re.compile(r"`((?:core|project|corpus|metrics|brief|charts|render|checks|"
                         r"distribute|preview|cli)(?:\.\w+)+)`")


#: files the docs name that a user's project has, not this repository
USER_FILES = {"briefs/example.yaml", "briefs/year-end.yaml", "styles/house.css",
              "corpus/metrics/linked.yaml", "corpus/metrics/*.yaml"}


def test_every_file_and_name_the_docs_point_to_exists():
    """A path is the repository's or the package's (``src/briefbook/``); a dotted name is
    importable from ``briefbook``. Moving a module means updating the page that names it."""
    package = REPO / "src" / "briefbook"
    missing = []
    for page in [REPO / "README.md", *sorted(DOCS.glob("*.md"))]:
        text = page.read_text("utf-8")
        for path in PATH_SPAN.findall(text):
            if "<" in path or "/ID." in path or path in USER_FILES:
                continue  # a placeholder (<name>, ID), or a file of a user's project
            if not (REPO / path).exists() and not (package / path).exists():
                missing.append(f"{page.name}: {path}")
        for dotted in DOTTED_SPAN.findall(text):
            if dotted.rsplit(".", 1)[1] in ("yaml", "json", "py", "md", "css", "lock", "txt"):
                continue  # a file name (`metrics.yaml`), not a module
            module, _, name = f"briefbook.{dotted}".rpartition(".")
            try:
                found = hasattr(importlib.import_module(module), name)
            except ImportError:
                found = importlib.util.find_spec(f"briefbook.{dotted}") is not None
            if not found:
                missing.append(f"{page.name}: {dotted}")
    assert not missing, missing
