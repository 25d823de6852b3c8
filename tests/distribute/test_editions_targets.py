"""What ``editions`` and ``build`` write over (issue 24): the ``--passwords`` target, a
manifest of the same name that briefbook did not write, and the mode of protected copies.

- ``--passwords`` names a new or regular file, as ``-o`` does: a symbolic link (even one to a
  regular file, or dangling), a FIFO or a folder is refused before anything is rendered, and
  left as it was.
- An ``editions.json`` / ``manifest.json`` in ``--out`` that is not a briefbook manifest (not
  JSON, or JSON without a list of outputs) is refused with what to do, never replaced.
- Signed or encrypted copies get the mode plain copies get; only the passwords file is 0600.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from plugins.pki import ThrowawayCA

from briefbook.core.errors import BriefbookError
from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.signing import CopyProtection, load_key

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
READERS = [Reader("张三", 1), Reader("李四", 2)]
KEY_PASSWORD = b"test key password"


def run(*args, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("BRIEFBOOK_DEBUG", None)
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=env)


def clean_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    text = result.stdout + result.stderr
    assert result.returncode == 1, text
    assert "error:" in result.stderr and "Traceback" not in text, text
    for needle in needles:
        assert needle in result.stderr, (needle, text)


@pytest.fixture()
def readers(tmp_path) -> Path:
    path = tmp_path / "readers.csv"
    path.write_text("name\n张三\n", encoding="utf-8")
    return path


# --- the --passwords target --------------------------------------------------------------------

@pytest.mark.parametrize("kind, message", [
    ("symlink", "is a symbolic link, not a regular file"),
    ("dangling", "is a symbolic link, not a regular file"),
    ("fifo", "is a FIFO (named pipe), not a regular file"),
    ("folder", "is a folder"),
])
def test_passwords_target_must_be_a_new_or_regular_file(tmp_path, readers, sheet_brief, kind,
                                                        message):
    private = tmp_path / "private"
    private.mkdir()
    precious = private / "precious.txt"
    precious.write_text("someone's file\n", encoding="utf-8")
    target = private / "passwords.csv"
    if kind == "symlink":
        target.symlink_to(precious)
    elif kind == "dangling":
        target.symlink_to(private / "nowhere.csv")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    before = os.lstat(target)
    out = tmp_path / "out"
    result = run("editions", sheet_brief, "--readers", readers, "--out", out, "--encrypt",
                 "--passwords", target)
    clean_failure(result, message, str(target))
    after = os.lstat(target)
    assert (stat.S_IFMT(after.st_mode), after.st_ino) == (stat.S_IFMT(before.st_mode),
                                                          before.st_ino)
    assert precious.read_text(encoding="utf-8") == "someone's file\n"
    assert not (private / "nowhere.csv").exists() and not out.exists()
    assert sorted(p.name for p in private.iterdir()) == ["passwords.csv", "precious.txt"]


def test_make_editions_refuses_a_linked_passwords_target(tmp_path, sheet_brief, sheet_pdf):
    precious = tmp_path / "precious.txt"
    precious.write_text("keep", encoding="utf-8")
    link = tmp_path / "passwords.csv"
    link.symlink_to(precious)
    finish = CopyFinish.new(CopyProtection(encrypt=True), link)
    with pytest.raises(BriefbookError, match="symbolic link"):
        make_editions(sheet_brief, READERS, tmp_path / "out", base=sheet_pdf, finish=finish)
    assert link.is_symlink() and precious.read_text(encoding="utf-8") == "keep"
    assert not (tmp_path / "out").exists()


def test_passwords_on_another_file_system_arrive_whole_and_private(tmp_path, sheet_brief,
                                                                   sheet_pdf):
    """The passwords file is staged in the editions folder; on another file system (tmpfs
    here) it is copied beside its target and renamed, mode 0600, nothing left behind."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.fail("this test needs /dev/shm on another file system than the temp folder")
    import tempfile

    with tempfile.TemporaryDirectory(dir=shm) as folder:
        passwords = Path(folder) / "passwords.csv"
        finish = CopyFinish.new(CopyProtection(encrypt=True), passwords)
        make_editions(sheet_brief, READERS, tmp_path / "out", base=sheet_pdf, finish=finish)
        assert os.listdir(folder) == ["passwords.csv"]
        assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
        rows = passwords.read_text(encoding="utf-8").splitlines()
        assert rows[0].startswith("copy,name,file,password") and len(rows) == 3
    assert sorted(os.listdir(tmp_path / "out")) == ["editions.json", "summary-sheet-001.pdf",
                                                    "summary-sheet-002.pdf"]


# --- a manifest that briefbook did not write ---------------------------------------------------

UNRELATED = [b'{"name": "my notes", "items": [1, 2]}\n', b"not JSON at all\n", b"[]\n",
             b'{"outputs": "everything"}\n', b"\xff\xfe garbage"]


@pytest.mark.parametrize("content", UNRELATED, ids=["other-json", "text", "list", "no-list",
                                                    "binary"])
def test_an_unrelated_editions_json_is_refused_not_replaced(tmp_path, sheet_brief, sheet_pdf,
                                                            content):
    out = tmp_path / "out"
    out.mkdir()
    (out / "editions.json").write_bytes(content)
    with pytest.raises(BriefbookError, match="briefbook did not write it") as info:
        make_editions(sheet_brief, READERS, out, base=sheet_pdf)
    assert "move it away, or choose another --out" in str(info.value)
    assert str(out / "editions.json") in str(info.value)
    assert os.listdir(out) == ["editions.json"]
    assert (out / "editions.json").read_bytes() == content


def test_cli_refuses_unrelated_manifests_before_rendering(tmp_path, readers, sheet_brief):
    out = tmp_path / "out"
    out.mkdir()
    notes = b'{"title": "the team\'s reading list"}\n'
    (out / "editions.json").write_bytes(notes)
    (out / "manifest.json").write_bytes(notes)
    result = run("editions", sheet_brief, "--readers", readers, "--out", out)
    clean_failure(result, str(out / "editions.json"), "briefbook did not write it",
                  "choose another --out")
    result = run("build", sheet_brief, "--out", out, "-j", "1")
    clean_failure(result, str(out / "manifest.json"), "briefbook did not write it")
    assert sorted(os.listdir(out)) == ["editions.json", "manifest.json"]
    assert all((out / name).read_bytes() == notes for name in os.listdir(out))


def test_our_own_manifests_are_still_read(tmp_path, sheet_brief, sheet_pdf):
    out = tmp_path / "out"
    make_editions(sheet_brief, READERS, out, base=sheet_pdf)
    again = make_editions(sheet_brief, READERS[:1], out, base=sheet_pdf)  # replaces its own
    assert [e["file"] for e in again] == ["summary-sheet-001.pdf"]
    body = json.loads((out / "editions.json").read_text(encoding="utf-8"))
    assert [e["file"] for e in body["outputs"]] == ["summary-sheet-001.pdf"]
    assert sorted(os.listdir(out)) == ["editions.json", "summary-sheet-001.pdf"]


# --- modes ---------------------------------------------------------------------------------------

def test_signed_and_encrypted_copies_get_the_mode_of_plain_copies(tmp_path, sheet_brief,
                                                                  sheet_pdf):
    ca = ThrowawayCA.create()
    key = load_key(ca.issue_p12(tmp_path / "signer.p12", KEY_PASSWORD), KEY_PASSWORD)
    passwords = tmp_path / "private" / "passwords.csv"
    modes = {}
    for label, protection, target in [("plain", None, None),
                                      ("signed", CopyProtection(key), None),
                                      ("encrypted", CopyProtection(encrypt=True), passwords),
                                      ("both", CopyProtection(key, encrypt=True), passwords)]:
        out = tmp_path / label
        make_editions(sheet_brief, READERS, out, base=sheet_pdf,
                      finish=CopyFinish.new(protection, target))
        modes[label] = {stat.S_IMODE(p.stat().st_mode) for p in out.glob("*.pdf")}
    assert modes["plain"] == {0o644}, modes  # as fileio.atomic_path makes every output
    assert all(m == modes["plain"] for m in modes.values()), modes
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
