"""``briefbook init DIR --bare`` (issue 26, item 6): a project with no example content.

The bare project has ``briefbook.yaml`` (no events, one placeholder topic: the schema needs at
least one), an empty catalogue, an empty id lock, a catalog with no metrics and an empty
``briefs/``. ``check``, ``metrics`` and ``sources`` work on it and say there is nothing yet and
what to do next. Through the real CLI entry point, in a real folder.
"""

from __future__ import annotations

import pytest

from briefbook.cli import main
from briefbook.corpus import load_project_corpus
from briefbook.corpus.sources import load_sources
from briefbook.corpus.store import read_lock
from briefbook.metrics import load_project_catalog
from briefbook.project import load_project


def run(capsys, *args: str) -> str:
    """Run the command as a user does; it must succeed. Gives what it printed."""
    try:
        main(list(args))
    except SystemExit as exc:
        assert exc.code in (0, None), capsys.readouterr()
    out = capsys.readouterr()
    assert "Traceback" not in out.err, out.err
    return out.out


def test_bare_project_has_no_example_content(tmp_path, capsys):
    folder = tmp_path / "bare"
    out = run(capsys, "init", str(folder), "--bare", "--title", "空项目")
    assert "created project" in out and "ingest" in out and "example.yaml" not in out
    project = load_project(folder)
    assert project.config.title == "空项目"
    assert project.events == () and len(project.topics) == 1
    assert load_sources(project.corpus_dir).articles == []
    assert read_lock(project.corpus_dir / "ids.lock") == {}
    assert sorted(p.name for p in (project.corpus_dir / "raw").iterdir()) == []
    assert project.briefs() == [] and project.briefs_dir.is_dir()
    corpus = load_project_corpus(project)
    assert corpus.articles == ()
    assert load_project_catalog(project, corpus).metrics == []
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
    assert names == [".gitignore", "briefbook.yaml", "briefs", "corpus", "corpus/corrections.yaml",
                     "corpus/ids.lock", "corpus/metrics.yaml", "corpus/raw",
                     "corpus/sources.yaml"]


def test_commands_on_a_bare_project_say_what_to_do_next(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "bare"
    run(capsys, "init", str(folder), "--bare")
    monkeypatch.chdir(folder)
    out = run(capsys, "check")
    assert "no briefs yet" in out and "briefbook check briefs/" in out
    out = run(capsys, "sources")
    assert "no articles yet" in out and "briefbook ingest" in out
    out = run(capsys, "metrics")
    assert "0 / 0 metrics" in out and "no metrics yet" in out and "metrics draft" in out
    assert run(capsys, "sources", "--json").strip() == "[]"
    assert run(capsys, "metrics", "--json").strip() == "[]"


def test_bare_init_refuses_what_full_init_refuses(tmp_path, capsys):
    folder = tmp_path / "taken"
    folder.mkdir()
    (folder / "mine.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["init", str(folder), "--bare"])
    assert info.value.code == 1
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]


def test_check_without_a_brief_checks_every_brief(tmp_path, capsys, monkeypatch):
    """The full example project: ``check`` with no argument checks briefs/example.yaml."""
    folder = tmp_path / "full"
    run(capsys, "init", str(folder))
    monkeypatch.chdir(folder)
    out = run(capsys, "check")
    assert out.strip().endswith("example.yaml: ok")

