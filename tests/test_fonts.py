"""The bundled fonts: single faces, small enough, covering what the books print."""

from pathlib import Path

import opencc
import pytest
from fontTools.ttLib import TTFont

from briefbook.core import resources
from plugins.example import CORPUS_DIR

FACES = ["NotoSerifCJKsc-Regular.otf", "NotoSerifCJKsc-Bold.otf",
         "NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"]


def gb2312() -> set[str]:
    chars = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def seed_characters() -> set[str]:
    from briefbook.corpus import load_corpus

    t2s = opencc.OpenCC("t2s")
    chars = set()
    for raw in CORPUS_DIR.glob("raw/*.txt"):
        text = raw.read_text("utf-8")
        chars |= set(text) | set(t2s.convert(text))
    for article in load_corpus(CORPUS_DIR).articles:
        chars |= set(article.text) | set(article.title)
    return {c for c in chars if c not in "\n\r\t\ufffd"}


@pytest.fixture(scope="module", params=FACES)
def face(request):
    path = resources.FONTS_DIR / request.param
    with TTFont(path) as font:
        yield path, font, set(map(chr, font.getBestCmap()))


def test_single_face_opentype_and_small(face):
    path, font, _ = face
    assert path.read_bytes()[:4] == b"OTTO"  # CFF OpenType, not a .ttc collection
    assert path.stat().st_size <= 8_000_000
    assert font["name"].getDebugName(1) in ("Noto Serif CJK SC", "Noto Sans CJK SC")


def test_covers_gb2312_seeds_punctuation_latin(face):
    _, _, have = face
    needed = gb2312() | seed_characters() | set("，。、；：？！“”‘’（）《》【】—…·") | set(
        "ABCXYZabcxyz0123456789%.-")
    missing = sorted(needed - have - {" ", "\u3000"})
    assert not missing, missing[:20]


def test_layout_features_kept(face):
    _, font, _ = face
    tags = {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
    tags |= {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"halt", "vert", "kern"} <= tags


def test_licence_ships_beside_the_fonts():
    text = (resources.FONTS_DIR / "OFL.txt").read_text("utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in text


@pytest.mark.parametrize("path", sorted(resources.FONTS_DIR.glob("*.otf")), ids=lambda p: p.name)
def test_coverage_read_with_harfbuzz_is_the_cmap_fonttools_reads(path):
    # The preflight reads each face's code points with HarfBuzz (fast); fontTools' best cmap
    # is the independent reference for what the face maps.
    from briefbook.core.fonts import _cmap

    with TTFont(path, lazy=True) as font:
        assert _cmap(path) == set(font.getBestCmap())
