"""A brief path that leads to a file which is not a brief (issue 24, low item).

A project's ``briefs/x.yaml`` symlinked to a secret file (``/etc/shadow`` in the report; here a
stand-in written by the test, in the same formats): its key-like lines were echoed one by one
as "unknown field" by ``check`` and served in the preview's ``/state``. Now:
- a brief that is a symbolic link to a file outside its project folder is refused before it
  is read (a link inside the project still works);
- a mapping none of whose top-level keys is a brief field (or a project-file field, for
  ``briefbook.yaml``) is "not a brief", naming none of its keys;
- an unknown field of a brief-shaped file is shown cut to 40 characters.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefbook.cli import main
from briefbook.preview.session import PreviewSession
from plugins.example import copy_project

from plugins.cli import MINIMAL

#: Stand-ins for secret files, in the formats that leaked (shadow lines end in ':', so YAML
#: reads each as a key; a .env/credentials file in YAML form).
SHADOW = ("root:$6$saltsalt$SHADOWHASHROOT0123456789:19000:0:99999:7:::\n"
          "daemon:*:19000:0:99999:7:::\n"
          "alice:$6$pepper$SHADOWHASHALICE987654:19000:0:99999:7:::\n")
ENV = ("AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI-SECRET-K7MDENG\n"
       "aws_access_key_id: AKIASECRETEXAMPLE\n"
       "db_password: hunter2-SECRET\n")
SECRET_WORDS = ("SHADOWHASH", "root:", "alice", "daemon", "AWS_SECRET", "aws_access_key_id",
                "db_password", "SECRET")


def _check(capsys, brief: Path, *extra: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(["check", str(brief), *extra])
    err = capsys.readouterr().err
    assert info.value.code == 1, err
    assert err.startswith("error:") and "internal error" not in err, err
    return err


def _ok(capsys, brief: Path, *extra: str) -> str:
    with pytest.raises(SystemExit) as info:
        main(["check", str(brief), *extra])
    out = capsys.readouterr()
    assert info.value.code in (0, None), out.err
    return out.out


def _leaks(text: str) -> list[str]:
    return [w for w in SECRET_WORDS if w in text]


@pytest.fixture(scope="module")
def project_beside_secrets(tmp_path_factory):
    """A copy of the example project with no briefs, beside a folder of secret files."""
    root = tmp_path_factory.mktemp("foreign")
    project = copy_project(root / "project", briefs=False)
    project.briefs_dir.mkdir(exist_ok=True)
    secrets = root / "secrets"
    secrets.mkdir()
    (secrets / "shadow").write_text(SHADOW, encoding="utf-8")
    (secrets / "env").write_text(ENV, encoding="utf-8")
    return project


@pytest.mark.parametrize("secret", ["shadow", "env"])
def test_a_brief_linked_outside_the_project_is_not_read(project_beside_secrets, capsys, secret):
    link = project_beside_secrets.briefs_dir / f"{secret}-link.yaml"
    link.unlink(missing_ok=True)
    link.symlink_to(project_beside_secrets.root.parent / "secrets" / secret)
    err = _check(capsys, link)
    assert "symbolic link to a file outside the project folder" in err
    assert "it was not read" in err
    assert _leaks(err) == []


@pytest.mark.parametrize("secret", ["shadow", "env"])
def test_the_preview_state_does_not_serve_a_linked_secret(project_beside_secrets, secret):
    """What `/state` serves as `error` is the session's snapshot error."""
    link = project_beside_secrets.briefs_dir / f"{secret}-preview.yaml"
    link.unlink(missing_ok=True)
    link.symlink_to(project_beside_secrets.root.parent / "secrets" / secret)
    error = PreviewSession(link, project_beside_secrets).render().summary()["error"]
    assert error and "symbolic link" in error
    assert _leaks(error) == []


@pytest.mark.parametrize("secret", ["shadow", "env"])
def test_a_copied_secret_is_not_a_brief_and_no_key_is_named(project_beside_secrets, capsys, secret):
    copy = project_beside_secrets.briefs_dir / f"{secret}-copy.yaml"
    copy.write_text((project_beside_secrets.root.parent / "secrets" / secret).read_text(encoding="utf-8"),
                    encoding="utf-8")
    err = _check(capsys, copy)
    assert "this is not a brief: none of its 3 top-level key(s)" in err
    assert "names are not shown" in err and f"{copy}:1:1" in err
    assert _leaks(err) == []


def test_a_project_file_that_is_a_secret_names_no_key(tmp_path, capsys):
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "briefbook.yaml").write_text(ENV, encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        main(["sources", "--project", str(folder)])
    err = capsys.readouterr().err
    assert info.value.code == 1 and "internal error" not in err, err
    assert "this is not a project file" in err and _leaks(err) == []


def test_a_link_inside_the_project_still_works(project_beside_secrets, capsys):
    real = project_beside_secrets.briefs_dir / "real.yaml"
    real.write_text(MINIMAL, encoding="utf-8")
    inside = project_beside_secrets.briefs_dir / "inside.yaml"
    inside.unlink(missing_ok=True)
    inside.symlink_to("real.yaml")
    assert "inside.yaml: ok" in _ok(capsys, inside)
    # also through a linked folder whose target is in the project
    (project_beside_secrets.root / "drafts").mkdir(exist_ok=True)
    (project_beside_secrets.root / "drafts" / "d.yaml").write_text(MINIMAL, encoding="utf-8")
    linked_folder = project_beside_secrets.briefs_dir / "drafts"
    linked_folder.unlink(missing_ok=True)
    linked_folder.symlink_to(project_beside_secrets.root / "drafts")
    assert "d.yaml: ok" in _ok(capsys, linked_folder / "d.yaml")


def test_a_folder_linked_out_of_the_project_is_refused(project_beside_secrets, capsys):
    out = project_beside_secrets.briefs_dir / "elsewhere"
    out.unlink(missing_ok=True)
    out.symlink_to(project_beside_secrets.root.parent / "secrets")
    err = _check(capsys, out / "env")
    assert "outside the project folder" in err and _leaks(err) == []


def test_outside_a_project_a_link_may_not_leave_its_folder(project_beside_secrets, tmp_path, capsys):
    """A draft kept outside the project, checked with --project: its own folder bounds it."""
    (tmp_path / "secret").write_text(ENV, encoding="utf-8")
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "b.yaml").symlink_to(tmp_path / "secret")
    (loose / "ok.yaml").write_text(MINIMAL, encoding="utf-8")
    (loose / "same.yaml").symlink_to("ok.yaml")
    assert "same.yaml: ok" in _ok(capsys, loose / "same.yaml", "--project", str(project_beside_secrets.root))
    err = _check(capsys, loose / "b.yaml", "--project", str(project_beside_secrets.root))
    assert "outside its folder" in err and _leaks(err) == []


def test_a_long_unknown_field_is_cut_to_40_characters(tmp_path, capsys):
    brief = tmp_path / "b.yaml"
    key = "root:$6$saltsalt$SHADOWHASHROOT0123456789:19000:0:99999:7::"
    brief.write_text(MINIMAL + key + ":\n", encoding="utf-8")
    err = _check(capsys, brief)
    assert f"{key[:40]}…: unknown field" in err and key not in err
    assert f"{brief}:4:1" in err
