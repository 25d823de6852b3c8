"""The tool outside its repository: a wheel built from the repository, installed into a fresh
venv, runs a project of its own from an empty folder — and never writes into the install.

The venv gets the wheel and nothing else of briefbook. Its dependencies are those of the venv
running the suite (``make`` installed them from requirements.lock), seen read-only through a
folder of links, without briefbook's own editable install: installing the lock's ~100 packages
again took most of this test's time and proved only that pip works. Slow (a wheel is built in
an isolated build environment), so it runs once, end to end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from plugins.example import REPO

#: What a source distribution holds: the build reads only these. The package data (templates,
#: fonts) lives inside src/briefbook; the repository's top-level templates/ and assets/fonts/
#: are links into it and are left out, so the wheel can only carry what the package holds.
SOURCE_FILES = ("pyproject.toml", "README.md", "requirements.lock")
SOURCE_DIRS = ("src",)

ARTICLE = """\
武汉发布2022年城市更新项目清单

2022-02-20 10:00　来源：长江日报

本报讯（记者李青）2月20日，市城市更新中心发布今年项目清单。

一、老旧小区

今年全市计划改造老旧小区300个，惠及居民约12万户。

二、口袋公园

今年将新建口袋公园50座。
"""


def dependencies_view(target: Path) -> Path:
    """A folder of links to this venv's installed packages, less briefbook's editable install
    and every .pth file: what the fresh venv imports its dependencies from."""
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if (name.startswith(("briefbook", "__editable__")) or name.endswith(".pth")
                or name == "__pycache__"):
            continue
        (target / entry.name).symlink_to(entry)
    return target


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_a_new_project(tmp_path):
    src = tmp_path / "src-tree"
    src.mkdir()
    for name in SOURCE_FILES:
        shutil.copy2(REPO / name, src / name)
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".*"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(src)], check=True, timeout=600)
    (wheel,) = wheels.glob("briefbook-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=300)
    python = str(venv / "bin" / "python")
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; "
                                   "print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / "dependencies.pth").write_text(f"{dependencies_view(tmp_path / 'deps')}\n",
                                              encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", python, "install", "-q",
                    "--no-deps", str(wheel)], check=True, timeout=300)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BRIEFBOOK_CACHE")}
    site = Path(subprocess.run(
        [python, "-c", "import briefbook, os; print(os.path.dirname(briefbook.__file__))"],
        capture_output=True, text=True, check=True, cwd=tmp_path, env=env).stdout.strip())
    assert site.is_relative_to(venv), site   # the installed copy, not the repository's
    assert (site / "templates" / "book.css").is_file()
    assert (site / "templates" / "book.html.j2").is_file()
    assert (site / "assets" / "fonts" / "NotoSerifCJKsc-Regular.otf").is_file()
    assert (site / "preview" / "static").is_dir()
    before = tree_digest(venv)

    work = tmp_path / "work"
    work.mkdir()
    tool = str(venv / "bin" / "briefbook")

    def run(*args: str, cwd: Path) -> str:
        done = subprocess.run([tool, *args], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done.stdout

    run("init", "city", cwd=work)
    project = work / "city"
    config = project / "briefbook.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "topics:", "  - id: renewal-2022\n    name: 2022年城市更新项目清单\n    kind: 项目清单\n"
                   "    date: 2022-02-20\ntopics:").replace("  - 公共交通\n",
                                                       "  - 公共交通\n  - 城市建设\n"),
        encoding="utf-8")
    (work / "renewal.txt").write_text(ARTICLE, encoding="utf-8")
    run("ingest", "../renewal.txt", "--id", "cjrb-2022-02-20", "--date", "2022-02-20",
        "--outlet", "长江日报", "--event", "renewal-2022", cwd=project)
    tree = json.loads(run("sections", "cjrb-2022-02-20", "--json", cwd=project))
    paragraphs = [p for s in tree[0]["sections"] for p in s["paragraphs"]]
    pid = next(p["id"] for p in paragraphs if p["start"].startswith("今年全市计划改造老旧小区"))
    (project / "briefs" / "renewal.yaml").write_text(f"""\
title: 城市更新简报
date: 2022-03-01
sections:
  - heading: 老旧小区改造
    commentary: 今年的清单把老旧小区改造放在首位。
    quotes: [{pid}]
""", encoding="utf-8")
    run("check", "briefs/renewal.yaml", cwd=project)
    run("render", "briefs/renewal.yaml", "-o", "renewal.pdf", cwd=project)
    assert (project / "renewal.pdf").read_bytes().startswith(b"%PDF-")
    out = run("build", "--out", "dist", "--jobs", "1", cwd=project)
    assert "2 built" in out, out
    assert sorted(p.name for p in (project / "dist").glob("*.pdf")) == ["example.pdf",
                                                                        "renewal.pdf"]
    assert tree_digest(venv) == before, "a command wrote into the installed package"
