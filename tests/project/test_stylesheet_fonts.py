"""A project stylesheet's @font-face fonts: a CID-keyed CFF font whose CIDs differ from its
glyph ids (MuPDF, pdf.js and Ghostscript would draw wrong glyphs) stops the render before
layout, with the stylesheet position, the font and the fix; ``briefbook font fix`` writes
the fixed font; a fault-free project font renders.

Through the real CLI entry point, on copies of the example project.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
import uharfbuzz as hb
from pypdf import PdfReader

from briefbook.checks.lint import lint_pdf
from briefbook.cli import main
from briefbook.core.fonts import cid_mismatches
from briefbook.core.resources import FONTS_DIR
from plugins.example import copy_project

SANS = FONTS_DIR / "NotoSansCJKsc-Regular.otf"


def run(capsys, *args: str) -> tuple[int, str, str]:
    """The command as a user runs it: exit code, stdout, stderr."""
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return info.value.code or 0, out, err


def project_with_font(tmp_path: Path, font: Path) -> Path:
    """A copy of the example project whose stylesheet sets headings in ``font`` (copied to
    the project's fonts/ folder), with the url() on line 3, column 35 of styles/house.css."""
    root = copy_project(tmp_path / "p").root
    (root / "fonts").mkdir()
    shutil.copyfile(font, root / "fonts" / font.name)
    (root / "styles").mkdir()
    (root / "styles" / "house.css").write_text(
        "/* the house face */\n"
        "@font-face {\n"
        f'  font-family: "House Sans"; src: url("../fonts/{font.name}");\n'
        "}\n"
        'h1, h2 { font-family: "House Sans", "BB Sans"; }\n', encoding="utf-8")
    config = root / "briefbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "stylesheet: styles/house.css\n",
                      encoding="utf-8")
    return root


@pytest.fixture
def bad_font(tmp_path) -> Path:
    """The bundled face cut by hb-subset: glyph ids renumbered, CIDs kept."""
    subset_input = hb.SubsetInput()
    for char in "武汉工作报告":
        subset_input.unicode_set.add(ord(char))
    face = hb.Face(hb.Blob.from_file_path(str(SANS)))
    path = tmp_path / "house.otf"
    path.write_bytes(hb.subset(face, subset_input).blob.data)
    return path


def test_a_font_whose_cids_are_not_its_glyph_ids_stops_the_render(tmp_path, capsys, bad_font,
                                                                   monkeypatch):
    mismatched = cid_mismatches(bad_font)
    assert mismatched > 0
    root = project_with_font(tmp_path, bad_font)
    monkeypatch.chdir(root)
    out = tmp_path / "out"
    code, _, err = run(capsys, "render", "briefs/summary-sheet.yaml", "--out-dir", str(out))
    assert code == 1
    assert err == (
        f"error: {root / 'styles' / 'house.css'}:3:35: url(../fonts/house.otf): the font "
        f"fonts/house.otf is a CID-keyed CFF font whose CIDs differ from its glyph ids "
        f"({mismatched} glyphs): MuPDF, pdf.js and Ghostscript would draw wrong glyphs\n"
        "  hint: re-save it with CIDs equal to glyph ids — briefbook font fix fonts/house.otf "
        "fonts/house-fixed.otf — and point the url() at the new file\n")
    assert not out.exists() or not list(out.iterdir())  # nothing laid out, nothing written

    # the hint, followed: the fixed font passes the same check
    code, stdout, _ = run(capsys, "font", "fix", "fonts/house.otf", "fonts/house-fixed.otf")
    assert code == 0
    assert stdout == (f"fonts/house-fixed.otf: {mismatched} glyph(s) renumbered; every CID now "
                      "equals its glyph id\n")
    assert cid_mismatches(root / "fonts" / "house-fixed.otf") == 0
    css = root / "styles" / "house.css"
    css.write_text(css.read_text(encoding="utf-8").replace("house.otf", "house-fixed.otf"),
                   encoding="utf-8")
    code, _, err = run(capsys, "check", "briefs/summary-sheet.yaml")
    assert code == 0, err


def test_font_fix_refuses_what_it_cannot_fix(tmp_path, capsys):
    (tmp_path / "notes.otf").write_text("not a font", encoding="utf-8")
    code, _, err = run(capsys, "font", "fix", str(tmp_path / "notes.otf"), str(tmp_path / "o.otf"))
    assert code == 1 and "not a font fontTools can read" in err
    code, _, err = run(capsys, "font", "fix", str(SANS), str(SANS))
    assert code == 1 and "OUT must be another file than IN" in err
    assert not (tmp_path / "o.otf").exists()


@pytest.mark.slow
def test_a_fault_free_project_font_renders(tmp_path, capsys):
    assert cid_mismatches(SANS) == 0  # CID-keyed, every CID its glyph id
    root = project_with_font(tmp_path, SANS)
    out = tmp_path / "out"
    code, _, err = run(capsys, "render", str(root / "briefs" / "summary-sheet.yaml"),
                       "--out-dir", str(out))
    assert code == 0, err
    pdf = (out / "summary-sheet.pdf").read_bytes()
    names = {str(ref.get_object()["/BaseFont"])
             for page in PdfReader(io.BytesIO(pdf)).pages
             for ref in page["/Resources"]["/Font"].values()}
    assert any(re.search(r"\+House-Sans", name) for name in names), names  # the project's face
    assert "glyph-lookup" not in lint_pdf(pdf).codes()
