"""``briefbook corpus rename OLD NEW`` (issue 26, item 6).

The article's id and its section and paragraph ids change wherever a model holds them —
sources.yaml (the entry's id, its raw file and its original, renamed on disk too), ids.lock,
corrections.yaml, the catalog's sources and status reasons, the briefs' quotes — and nowhere
else: a line that only mentions the id (a comment, a note, commentary) stays as written, and is
listed. The renamed project loads and its briefs pass their check. All or nothing: a bad new
id, an unknown old one (did-you-mean), a taken name, a read-only file change nothing; a write
that fails at any point, or a file the system will not replace, leaves every file as it was.
``--dry-run`` says what would change and changes nothing. Through the real CLI (a subprocess)
where the command is the subject, in-process (``main``) where a failure is injected.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from plugins.cli import run_in_process as run
from plugins.cli import run_cli, snapshot
from plugins.example import copy_project
from plugins.hewan import ARTICLE_ID, LATER, LATER_ID

import briefbook.core.filegroup as filegroup
from briefbook.brief.check import CORPUS_LISTS
from briefbook.brief.schema import Section
from briefbook.core.errors import BriefbookError
from briefbook.corpus import load_project_corpus
from briefbook.corpus.defects import Repair
from briefbook.corpus.ingest import ingest
from briefbook.corpus.rename import CORRECTIONS_IDS, SOURCES_FILES, SOURCES_IDS
from briefbook.corpus.sources import Original, SourceEntry, load_sources, read_original
from briefbook.corpus.store import LOCK_FILE, read_lock
from briefbook.manage import rename_article
from briefbook.metrics.catalog import Metric, Observation
from briefbook.metrics.rename import CATALOG_CITES, CATALOG_IDS
from briefbook.project import load_project

NEW_ID = "hw-2025-04-08"




def _only_ids_changed(before: dict[str, bytes], after: dict[str, bytes], old: str, new: str,
                      moved: dict[str, str]) -> set[str]:
    """Every file of ``before`` is in ``after`` (the ``moved`` ones under their new name) and
    differs, if at all, only in lines where ``old`` became ``new``; the files that changed."""
    changed = set()
    assert set(after) == {moved.get(name, name) for name in before}
    for name, data in before.items():
        now = after[moved.get(name, name)]
        if now == data:
            continue
        changed.add(name)
        lines, new_lines = data.decode().splitlines(), now.decode().splitlines()
        assert len(lines) == len(new_lines), name
        for a, b in zip(lines, new_lines, strict=True):
            assert a == b or (old in a and a.replace(old, new) == b), (name, a, b)
    return changed


def test_cli_renames_the_article_everywhere_in_the_example(tmp_path):
    project = copy_project(tmp_path / "project")
    old, new = "cjw-2020-12-22", "whcj-2020-12-22"
    before = snapshot(project.root)
    paragraphs = {p.id: p.text for p in load_project_corpus(project).article(old).paragraphs()}
    locked = sum(1 for k in read_lock(project.corpus_dir / LOCK_FILE) if k.startswith(old + "/"))

    result = run_cli("corpus", "rename", old, new, "--project", project.root)
    assert result.returncode == 0, result.stderr
    assert f"renamed {old} to {new}" in result.stdout
    assert "  corpus/sources.yaml: 2 values\n" in result.stdout
    assert f"  corpus/ids.lock: {locked} ids\n" in result.stdout
    # six observations' sources and the status_reason that cites one of its paragraphs
    assert "  corpus/metrics.yaml: 7 ids\n" in result.stdout
    assert "  briefs/full-book.yaml: 5 quotes\n" in result.stdout
    assert "  briefs/topic-public-health.yaml: 1 quotes\n" in result.stdout
    assert f"  corpus/raw/{old}.txt → corpus/raw/{new}.txt\n" in result.stdout
    # the catalog's head comment names the article: listed, left as written
    assert f"{old} is still named in text or comments" in result.stdout
    assert "  corpus/metrics.yaml:16\n" in result.stdout
    assert "next: review the change" in result.stdout

    after = snapshot(project.root)
    changed = _only_ids_changed(before, after, old, new,
                                {f"corpus/raw/{old}.txt": f"corpus/raw/{new}.txt"})
    assert changed == {"corpus/sources.yaml", "corpus/ids.lock", "corpus/metrics.yaml",
                       "briefs/full-book.yaml", "briefs/topic-public-health.yaml"}
    catalog = after["corpus/metrics.yaml"].decode().splitlines()
    assert f"（{new}/s5/p2）" in catalog[256] and catalog[256].startswith("  status_reason:")
    assert old in catalog[15]

    corpus = load_project_corpus(load_project(project.root))
    renamed = corpus.article(new)
    assert {p.id: p.text for p in renamed.paragraphs()} == \
        {new + pid[len(old):]: text for pid, text in paragraphs.items()}
    assert old not in corpus.ids()
    checked = run_cli("check", "--project", project.root)     # every brief
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": ok\n") == 5


def test_dry_run_says_what_would_change_and_changes_nothing(hewan):
    before = snapshot(hewan.root)
    result = run_cli("corpus", "rename", ARTICLE_ID, NEW_ID, "--dry-run", "--project", hewan.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"dry run, nothing changed; renaming {ARTICLE_ID} to {NEW_ID} would change:\n"
        "  corpus/sources.yaml: 2 values\n  corpus/ids.lock: 6 ids\n"
        "  corpus/metrics.yaml: 2 ids\n  briefs/parks.yaml: 3 quotes\n"
        f"  corpus/raw/{ARTICLE_ID}.txt → corpus/raw/{NEW_ID}.txt\n")
    # the note in sources.yaml, the catalog's note, the brief's commentary
    assert "  corpus/sources.yaml:17\n  corpus/metrics.yaml:32\n  briefs/parks.yaml:7\n" \
        in result.stdout
    assert "next: run it again without --dry-run" in result.stdout
    assert snapshot(hewan.root) == before


@pytest.mark.parametrize(("old", "new", "says"), [
    ("hwrb-2025-04-18", NEW_ID, "unknown article id 'hwrb-2025-04-18'"),
    (ARTICLE_ID, "HW_2025", "'HW_2025' is not an article id"),
    (ARTICLE_ID, ARTICLE_ID, "nothing to do"),
    (ARTICLE_ID, LATER_ID, f"there is already an article {LATER_ID}"),
    (ARTICLE_ID, "taken", "taken.txt already exists"),
])
def test_refused_and_nothing_changed(hewan, tmp_path, old, new, says):
    page = tmp_path / "later.txt"
    page.write_text(LATER, encoding="utf-8")
    ingest(page, corpus_dir=hewan.corpus_dir, article_id=LATER_ID)
    (hewan.corpus_dir / "raw" / "taken.txt").write_text("另一个文件\n", encoding="utf-8")
    before = snapshot(hewan.root)
    result = run_cli("corpus", "rename", old, new, "--project", hewan.root)
    assert result.returncode == 1 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    if old != ARTICLE_ID:
        assert f"did you mean {ARTICLE_ID}" in result.stderr
    if new == "HW_2025":
        assert "lower-case letters a-z and digits" in result.stderr
    assert snapshot(hewan.root) == before


@pytest.mark.parametrize("failing", [1, 2, 3, 4])
def test_a_write_failing_part_way_puts_every_file_back(hewan, capsys, monkeypatch, failing):
    """Four files are written (sources.yaml, ids.lock, the catalog, the brief): the write
    numbered ``failing`` fails, after the ones before it went through."""
    before = snapshot(hewan.root)
    write, calls = filegroup.write_atomic, []

    def flaky(target: Path, data: bytes | str) -> None:
        calls.append(target.name)
        if len(calls) == failing:
            raise BriefbookError("could not write the file (disk full); nothing was changed",
                                 where=str(target))
        write(target, data)

    monkeypatch.setattr(filegroup, "write_atomic", flaky)
    code, _, err = run(capsys, "corpus", "rename", ARTICLE_ID, NEW_ID, "--project",
                       str(hewan.root))
    assert code == 1 and "disk full" in err and "every file was put back as it was" in err
    assert calls[:failing] == ["sources.yaml", "ids.lock", "metrics.yaml", "parks.yaml"][:failing]
    assert snapshot(hewan.root) == before
    assert [a.id for a in load_project_corpus(load_project(hewan.root)).articles] == [ARTICLE_ID]


def test_the_old_name_failing_to_go_puts_every_file_back(hewan, capsys, monkeypatch):
    before = snapshot(hewan.root)
    unlink = Path.unlink

    def refuse(self: Path, missing_ok: bool = False) -> None:
        if self.name == f"{ARTICLE_ID}.txt":
            raise PermissionError(13, "Permission denied", str(self))
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", refuse)
    code, _, err = run(capsys, "corpus", "rename", ARTICLE_ID, NEW_ID, "--project",
                       str(hewan.root))
    monkeypatch.undo()
    assert code == 1 and "Permission denied" in err and "put back as it was" in err
    assert snapshot(hewan.root) == before


def test_a_read_only_file_is_refused_before_anything_changes(hewan):
    brief = hewan.briefs_dir / "parks.yaml"
    brief.chmod(0o444)
    before = snapshot(hewan.root)
    result = run_cli("corpus", "rename", ARTICLE_ID, NEW_ID, "--project", hewan.root)
    assert result.returncode == 1, result.stdout
    assert "parks.yaml: the file is read-only; nothing was changed" in result.stderr
    assert "chmod u+w" in result.stderr
    assert snapshot(hewan.root) == before


def test_a_file_the_system_will_not_replace_fails_part_way_and_all_is_put_back(hewan):
    """The brief, written last, is made immutable (``chattr +i``: even root cannot replace
    it): the three files before it are written, then put back. chattr is e2fsprogs' (Debian:
    priority required) and the test folders are on ext4 here and in CI; a machine where it
    cannot make the file immutable fails here, loudly, rather than skip the test."""
    brief = hewan.briefs_dir / "parks.yaml"
    made = subprocess.run(["chattr", "+i", str(brief)], capture_output=True, check=False)
    assert made.returncode == 0, f"chattr +i failed, so this test cannot fail a write: " \
        f"{made.stderr!r}"
    try:
        before = snapshot(hewan.root)
        result = run_cli("corpus", "rename", ARTICLE_ID, NEW_ID, "--project", hewan.root)
        assert result.returncode == 1, result.stdout
        assert "parks.yaml" in result.stderr and "put back as it was" in result.stderr
        assert snapshot(hewan.root) == before
    finally:
        subprocess.run(["chattr", "-i", str(brief)], check=False)


def test_the_original_is_renamed_with_the_raw_copy(hewan, tmp_path):
    page = tmp_path / "later.txt"
    page.write_bytes(LATER.encode("gb18030"))
    ingest(page, corpus_dir=hewan.corpus_dir, article_id=LATER_ID, encoding="gb18030")
    raw = hewan.corpus_dir / "raw"
    assert (raw / f"{LATER_ID}.gb18030.txt").is_file()
    new = "hwwb-2025-06-02-b"
    result = run_cli("corpus", "rename", LATER_ID, new, "--project", hewan.root)
    assert result.returncode == 0, result.stderr
    assert f"  corpus/raw/{LATER_ID}.gb18030.txt → corpus/raw/{new}.gb18030.txt\n" \
        in result.stdout
    assert "  corpus/sources.yaml: 3 values\n" in result.stdout
    assert sorted(p.name for p in raw.iterdir()) == \
        [f"{ARTICLE_ID}.txt", f"{new}.gb18030.txt", f"{new}.txt"]
    assert (raw / f"{new}.gb18030.txt").read_bytes() == LATER.encode("gb18030")
    project = load_project(hewan.root)
    corpus = load_project_corpus(project)       # the hashes still match their files
    assert corpus.article(new).title == "河湾区首批口袋公园开园"
    entry = next(e for e in load_sources(project.corpus_dir).articles if e.id == new)
    assert (entry.file, entry.original.file if entry.original else None) == \
        (f"raw/{new}.txt", f"raw/{new}.gb18030.txt")
    assert read_original(project.corpus_dir, entry) == LATER.encode("gb18030")


def test_repairs_follow_the_article(tmp_path):
    """hbrb-2020-06-29's three reviewed repairs name it in corrections.yaml: they are renamed,
    their reasons and the file's comments are not, and they still repair its text."""
    project = copy_project(tmp_path / "project", briefs=False)
    old, new = "hbrb-2020-06-29", "hbrb-2020-06-29-copy"
    corrections = project.corpus_dir / "corrections.yaml"
    text = corrections.read_text(encoding="utf-8")
    repairs = [d.repair for d in load_project_corpus(project).article(old).defects]
    done = rename_article(project, old, new)
    assert [(r.path.name, r.changed) for r in done.rewrites][:3] == [
        ("sources.yaml", 2), ("ids.lock", 13), ("corrections.yaml", 3)]
    assert corrections.read_text(encoding="utf-8") == \
        text.replace(f"- article: {old}\n", f"- article: {new}\n")
    assert "(hbrb is traditional)" in text      # the comment kept, as written
    article = load_project_corpus(load_project(project.root)).article(new)
    assert [d.repair for d in article.defects] == repairs and all(repairs)


def test_a_value_written_with_escapes_is_refused_not_half_renamed(hewan):
    brief = hewan.briefs_dir / "parks.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        f"      - {ARTICLE_ID}/s3     # 整节", f'      - "{ARTICLE_ID}\\x2fs3"     # 整节'),
        encoding="utf-8")
    before = snapshot(hewan.root)
    with pytest.raises(BriefbookError, match="cannot rename the id in this value"):
        rename_article(hewan, ARTICLE_ID, NEW_ID)
    assert snapshot(hewan.root) == before


def test_the_renamed_fields_are_the_models_id_fields():
    """Every field of the models that may hold an article's ids, and which of them the rename
    changes. A field added to one of these models fails this test: decide whether it holds ids
    (then rename it: corpus.rename, metrics.rename, brief.rename) or text, and list it here."""
    assert set(SourceEntry.model_fields) == {  # renamed: id, file (and original's file)
        "id", "file", "sha256", "original", "outlet", "published", "published_inferred",
        "title", "title_supplied", "events", "script", "notes"}
    assert set(Original.model_fields) == {"file", "format", "sha256", "encoding"}
    assert (SOURCES_IDS, SOURCES_FILES) == ((("articles", "*", "id"),), (
        ("articles", "*", "file"), ("articles", "*", "original", "file")))
    assert [f.name for f in dataclasses.fields(Repair)] == [  # renamed: article
        "article", "raw", "line", "column", "offset", "repair", "reason"]
    assert CORRECTIONS_IDS == (("repairs", "*", "article"),)
    assert set(Observation.model_fields) == {  # renamed: source (line, file: filled on load)
        "kind", "value", "qualifier", "period", "source", "quote", "progress", "summary",
        "unit", "published", "magnitude", "line", "file"}
    assert set(Metric.model_fields) == {  # renamed: the ids curated_reason (status_reason) cites
        "id", "label", "unit", "topic", "observations", "periods", "curated_status",
        "curated_reason", "note", "line", "file", "as_of"}
    assert CATALOG_IDS == (("metrics", "*", "observations", "*", "source"),
                           ("observations", "*", "source"))
    assert CATALOG_CITES == (("metrics", "*", "status_reason"),)
    assert set(Section.model_fields) == {"heading", "commentary", "quotes", "metrics", "charts"}
    assert CORPUS_LISTS == [("sections", "*", "quotes")]   # renamed: each quote


def test_a_brief_that_failed_its_check_before_is_renamed_with_a_note(hewan):
    """The rename cannot make a broken brief whole, and does not wait for it to be."""
    brief = hewan.briefs_dir / "parks.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        "    metrics: [pocket-parks]", "    metrics: [pocket-park]"), encoding="utf-8")
    done = rename_article(hewan, ARTICLE_ID, NEW_ID)
    assert done.notes == ("parks.yaml did not pass its check before the rename either; its "
                          "quotes were renamed (run `briefbook check` on it)",)
    assert f"[{NEW_ID}/s2/p1, {NEW_ID}/s1/p1]" in brief.read_text(encoding="utf-8")
