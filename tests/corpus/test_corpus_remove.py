"""``briefbook corpus remove ID`` (issue 26, item 6).

Refused, exit 1 and nothing changed, while a brief or a metric observation cites the article —
naming each citing ``file:line`` and the value that cites it. Uncited: its ``sources.yaml``
entry, its ``ids.lock`` lines and its raw file go, the corpus still loads and ``sources`` no
longer lists it. An unknown id gets a did-you-mean. A failure part-way leaves the corpus as it
was. On a bare project with an article written for this test, and on a copy of the example
project. Through the real CLI entry point.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from plugins.cli import run_in_process as run
from plugins.example import copy_project

from briefbook.corpus import load_project_corpus
from briefbook.corpus.store import LOCK_FILE, read_lock
from briefbook.project import Project, load_project

#: An article of this test's own: a made-up county paper on a made-up library plan.
ARTICLE = """\
青山县图书馆分馆今年开到每个乡镇

2025-03-02 09:30　来源：青山县报

本报讯 3月1日，县文化和旅游局介绍了今年的图书馆分馆计划。

去年，全县已有6个乡镇建成图书馆分馆，借阅量比前年增加三成。

今年，县里计划再建成分馆9个，做到每个乡镇都有一家，并开通通借通还。
"""
ARTICLE_ID = "qsxb-2025-03-02"




def _state(project: Project) -> dict[str, bytes]:
    """Every file of the corpus and the briefs, by relative path."""
    return {str(p.relative_to(project.root)): p.read_bytes()
            for p in sorted(project.root.rglob("*")) if p.is_file()}


def _ingest(capsys, project: Project, text: str, article_id: str) -> None:
    source = project.root.parent / f"{article_id}.txt"
    source.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "ingest", str(source), "--id", article_id,
                       "--project", str(project.root))
    assert code == 0, err


@pytest.fixture
def bare(tmp_path, capsys) -> Project:
    """A bare project holding the one article above."""
    code, _, err = run(capsys, "init", str(tmp_path / "bare"), "--bare")
    assert code == 0, err
    project = load_project(tmp_path / "bare")
    _ingest(capsys, project, ARTICLE, ARTICLE_ID)
    return project


def _pledge_id(project: Project) -> str:
    corpus = load_project_corpus(project)
    return next(p.id for p in corpus.article(ARTICLE_ID).paragraphs() if "再建成分馆9个" in p.text)


def test_refused_while_a_brief_quotes_it(bare, capsys):
    pid = _pledge_id(bare)
    (bare.briefs_dir / "libraries.yaml").write_text(
        "title: 乡镇图书馆分馆\ndate: 2025-03-10\nsections:\n"
        f"  - heading: 分馆\n    commentary: 今年补齐。\n    quotes: [{pid}]\n",
        encoding="utf-8")
    before = _state(bare)
    code, _, err = run(capsys, "corpus", "remove", ARTICLE_ID, "--project", str(bare.root))
    assert code == 1
    assert f"briefs/libraries.yaml:6: sections[0].quotes[0] = {pid}" in err
    assert "nothing was removed" in err and "cited 1 time(s) in 1 file(s)" in err
    assert _state(bare) == before


def test_refused_while_a_metric_observation_cites_it(bare, capsys):
    pid = _pledge_id(bare)
    catalog = bare.catalog_path
    catalog.write_text(
        "metrics:\n  - id: library-branches\n    label: 乡镇图书馆分馆\n    unit: 个\n"
        "    topic: 综合\n    observations:\n      - kind: pledged\n        value: 9\n"
        f"        period: 2025年\n        source: {pid}\n"
        "        quote: 今年，县里计划再建成分馆9个\n", encoding="utf-8")
    code, out, err = run(capsys, "metrics", "--project", str(bare.root))
    assert code == 0, err  # the catalog is a real one
    before = _state(bare)
    code, _, err = run(capsys, "corpus", "remove", ARTICLE_ID, "--project", str(bare.root))
    assert code == 1
    assert (f"corpus/metrics.yaml:10: metrics[library-branches].observations[0].source = {pid}"
            in err)
    assert _state(bare) == before


def test_uncited_article_is_removed(bare, capsys):
    raw = bare.corpus_dir / "raw" / f"{ARTICLE_ID}.txt"
    assert raw.is_file() and any(k.startswith(ARTICLE_ID) for k in
                                 read_lock(bare.corpus_dir / LOCK_FILE))
    code, out, err = run(capsys, "corpus", "remove", ARTICLE_ID, "--project", str(bare.root))
    assert code == 0, err
    assert f"removed {ARTICLE_ID}" in out and f"corpus/raw/{ARTICLE_ID}.txt" in out
    assert not raw.exists()
    assert read_lock(bare.corpus_dir / LOCK_FILE) == {}
    assert load_project_corpus(load_project(bare.root)).articles == ()
    code, out, _ = run(capsys, "sources", "--project", str(bare.root))
    assert code == 0 and ARTICLE_ID not in out and "no articles yet" in out


def test_unknown_id_suggests_the_close_one(bare, capsys):
    before = _state(bare)
    code, _, err = run(capsys, "corpus", "remove", "qsxb-2025-03-20", "--project", str(bare.root))
    assert code == 1
    assert "unknown article id 'qsxb-2025-03-20'" in err and f"did you mean {ARTICLE_ID}" in err
    assert _state(bare) == before


def test_a_failure_part_way_leaves_the_corpus_as_it_was(bare, capsys, monkeypatch):
    before = _state(bare)
    unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self.parent.name != "raw":
            return unlink(self, missing_ok=missing_ok)
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "unlink", refuse)  # the raw file goes last: its deletion fails
    code, _, err = run(capsys, "corpus", "remove", ARTICLE_ID, "--project", str(bare.root))
    monkeypatch.undo()
    assert code == 1 and "Permission denied" in err and "as it was" in err
    assert _state(bare) == before
    assert [a.id for a in load_project_corpus(load_project(bare.root)).articles] == [ARTICLE_ID]


def test_example_copy_names_briefs_and_metrics(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    before = _state(project)
    code, _, err = run(capsys, "corpus", "remove", "cjw-2020-12-22", "--project",
                       str(project.root))
    assert code == 1 and _state(project) == before
    assert "briefs/full-book.yaml:38: sections[0].quotes[2] = cjw-2020-12-22/s3/p2" in err
    assert "briefs/topic-public-health.yaml:31:" in err
    assert "corpus/metrics.yaml:" in err and ".observations[0].source = cjw-2020-12-22/" in err
    cited = [line for line in err.splitlines() if " = cjw-2020-12-22" in line]
    assert f"cited {len(cited)} time(s) in 3 file(s)" in err


def test_example_copy_added_article_removed_leaves_the_rest_as_it_was(tmp_path, capsys):
    project = copy_project(tmp_path / "project")
    before = _state(project)
    articles = [a.id for a in load_project_corpus(project).articles]
    _ingest(capsys, project, ARTICLE, ARTICLE_ID)
    code, out, err = run(capsys, "corpus", "remove", ARTICLE_ID, "--project", str(project.root))
    assert code == 0, err
    after = _state(project)
    # every file is as it was, sources.yaml byte for byte (edited in place: core.roundtrip)
    assert after == before
    assert [a.id for a in load_project_corpus(load_project(project.root)).articles] == articles
    code, out, _ = run(capsys, "sources", "--project", str(project.root))
    assert ARTICLE_ID not in out and all(a in out for a in articles)
