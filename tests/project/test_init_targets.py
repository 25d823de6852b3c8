"""``briefbook init`` on targets it cannot make into a project folder (issue 24, low items).

A path under a regular file, a dangling symbolic link, a name longer than the file system
allows: each was an internal error (NotADirectoryError, FileExistsError, OSError 36). Each is
now one clear error, exit 1, with nothing written. Real folders, the real CLI entry point.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefbook.cli import main


def _listing(folder: Path) -> list[tuple[str, bool]]:
    return sorted((str(p.relative_to(folder)), p.is_symlink()) for p in folder.rglob("*"))


def fails(capsys, *args: str) -> str:
    """Run the command as a user does: exit 1 and an ``error:`` message, not exit 70."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    err = capsys.readouterr().err
    assert info.value.code == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert err.startswith("error:"), err
    return err


def test_init_under_a_regular_file_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "afile").write_text("mine\n", encoding="utf-8")
    before = _listing(tmp_path)
    err = fails(capsys, "init", str(tmp_path / "afile" / "sub"))
    assert "afile is not a folder" in err and "nothing was written" in err
    err = fails(capsys, "init", str(tmp_path / "afile" / "a" / "b"))  # deeper: same answer
    assert "afile is not a folder" in err
    assert _listing(tmp_path) == before
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine\n"


def test_init_onto_a_dangling_symlink_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "dang").symlink_to(tmp_path / "nowhere")
    before = _listing(tmp_path)
    err = fails(capsys, "init", str(tmp_path / "dang"))
    assert "symbolic link" in err and "nothing was written" in err
    assert _listing(tmp_path) == before and not (tmp_path / "nowhere").exists()


def test_init_onto_a_symlink_to_an_empty_folder_writes_nothing_through_it(tmp_path, capsys):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert "symbolic link" in fails(capsys, "init", str(tmp_path / "link"))
    assert list((tmp_path / "real").iterdir()) == []


@pytest.mark.parametrize("where", ["top", "deep"])
def test_init_with_a_300_character_name_is_a_clear_error(tmp_path, capsys, where):
    name = "a" * 300
    target = tmp_path / name if where == "top" else tmp_path / "x" / "y" / name
    err = fails(capsys, "init", str(target))
    assert "300 bytes" in err and "at most 255" in err
    assert name not in err  # the name is shown cut short, not echoed whole
    assert list(tmp_path.iterdir()) == []  # not even x/y


def test_init_with_a_long_path_is_a_clear_error(tmp_path, capsys):
    target = tmp_path.joinpath(*["d" * 200] * 20)  # 4 kB: names are fine, the path is not
    err = fails(capsys, "init", str(target))
    assert "paths are at most 4096 bytes" in err
    assert list(tmp_path.iterdir()) == []


def test_init_where_no_folder_can_be_made_is_a_clear_error(capsys):
    """/proc takes no new folders, even from root: the OSError of the first mkdir."""
    err = fails(capsys, "init", "/proc/briefbook-init-test/p")
    assert "cannot create the project" in err and "nothing was written" in err
    assert not Path("/proc/briefbook-init-test").exists()
