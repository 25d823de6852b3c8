"""How an editions run commits (issue 24): a plan in the staging folder, then renames.

A run whose commit is cut short keeps its plan, and the next run (another process: here the
owner file is pointed at a pid that cannot exist, as after the process ended) finishes it.
A plan that this user's run did not write — in a folder others may write to, or naming
paths instead of plain file names — is never carried out; the staging folder is swept.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from briefbook.core.errors import BriefbookError
from briefbook.distribute.editions import PLAN_FILE, Reader, make_editions
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.signing import CopyProtection

READERS = [Reader("张三", 1), Reader("李四", 2), Reader("王五", 3)]
DEAD_OWNER = "999999999 0\n"


def test_a_commit_cut_short_keeps_its_plan_and_the_next_run_finishes_it(tmp_path, sheet_brief,
                                                                        sheet_pdf):
    out, passwords = tmp_path / "out", tmp_path / "private" / "passwords.csv"
    finish = CopyFinish.new(CopyProtection(encrypt=True), passwords)
    obstacle = out / "summary-sheet-002.pdf"

    def block_second_copy(_n: int) -> None:  # after the checks, before the commit
        obstacle.mkdir(exist_ok=True)

    with pytest.raises(BriefbookError, match="could not move all the copies into place") as info:
        make_editions(sheet_brief, READERS, out, base=sheet_pdf, finish=finish,
                      on_progress=block_second_copy)
    assert "is a folder" in str(info.value) and "the next run in this folder finishes it" in \
        str(info.value)
    (staging,) = out.glob(".editions-*.tmp")
    assert (staging / PLAN_FILE).is_file() and not passwords.exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "summary-sheet-001.pdf", "summary-sheet-002.pdf"]  # one moved in, then the folder

    obstacle.rmdir()  # the cause fixed; the run that failed has ended
    (staging / ".owner").write_text(DEAD_OWNER, encoding="ascii")
    notes, swept = [], []
    entries = make_editions(sheet_brief, READERS[:1], out, base=sheet_pdf,
                            finish=CopyFinish.new(CopyProtection(encrypt=True), passwords),
                            on_note=notes.append, on_stale=swept.append)
    assert swept == [staging] and len(notes) == 1
    assert notes[0].startswith("finished the run that was killed while moving its copies into "
                               "place: 3 copies")
    # The earlier run's plan was carried out (3 copies, its passwords), then this run's own.
    assert [e["file"] for e in entries] == ["summary-sheet-001.pdf"]
    assert sorted(os.listdir(out)) == ["editions.json", "summary-sheet-001.pdf"]
    assert len(passwords.read_text(encoding="utf-8").splitlines()) == 2
    assert os.listdir(passwords.parent) == ["passwords.csv"]


def _planted(out: Path, name: str, plan: dict, *, mode: int = 0o700) -> Path:
    staging = out / name
    staging.mkdir(parents=True)
    (staging / ".owner").write_text(DEAD_OWNER, encoding="ascii")
    (staging / "secret.part").write_text("planted\n", encoding="utf-8")
    (staging / "summary-sheet-001.pdf").write_bytes(b"%PDF-1.7 planted\n%%EOF\n")
    (staging / PLAN_FILE).write_text(json.dumps(plan), encoding="utf-8")
    staging.chmod(mode)
    return staging


@pytest.mark.parametrize("case", ["others-may-write", "path-in-plan", "not-json"])
def test_a_plan_this_users_run_did_not_write_is_never_carried_out(tmp_path, sheet_brief,
                                                                  sheet_pdf, case):
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    plan = {"format": 1, "copies": ["summary-sheet-001.pdf"], "remove": [],
            "manifest": {"outputs": [], "brief": "x", "base_sha256": "0", "pages": 1},
            "passwords": {"staged": "secret.part", "target": str(victim)}}
    if case == "path-in-plan":
        plan["copies"] = ["../escaped.pdf"]
    staging = _planted(out, ".editions-planted.tmp", plan,
                       mode=0o777 if case == "others-may-write" else 0o700)
    if case == "not-json":
        (staging / PLAN_FILE).write_bytes(b"{\"format\": 1, \"copies\": [")
    notes, swept = [], []
    make_editions(sheet_brief, READERS[:1], out, base=sheet_pdf, on_note=notes.append,
                  on_stale=swept.append)
    assert swept == [staging] and notes == []
    assert not victim.exists() and not (tmp_path / "escaped.pdf").exists()
    assert sorted(os.listdir(out)) == ["editions.json", "summary-sheet-001.pdf"]
    assert b"planted" not in (out / "summary-sheet-001.pdf").read_bytes()
