"""Regenerate the bundled CJK fonts in assets/fonts/ from Debian's fonts-noto-cjk.

Takes: the Debian package (downloaded with ``apt-get download fonts-noto-cjk`` unless
``--deb`` names one), ``hb-subset`` (Debian ``libharfbuzz-bin``), Unihan's ``kTGH`` field
(Debian ``unicode-data``, for the 通用规范汉字表) and the raw corpus texts.
Gives, in assets/fonts/ (see its README.md), every face with each glyph's CID equal to its glyph
id (so every PDF engine finds the glyph WeasyPrint means): four main faces subset to GB2312, the corpus and
a few symbol blocks (``charset.txt``, one ``U+XXXX`` per line); four *plus* faces with what the
other named sets add (``plus-charset.txt``); the supplement with every other character of Noto
Sans CJK SC Bold (``supplement-charset.txt``); and ``charsets.json`` (the named sets as
code-point ranges, read by ``briefbook.core.fonts``).

Run it with the project's venv (it needs OpenCC to add the simplified forms of the raw
articles):  ``.venv/bin/python scripts/build_fonts.py``.  The output is byte-for-byte
reproducible for the same package version and HarfBuzz version.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

from briefbook.core.fonts import (CHARSETS_FILE, SUPPLEMENT, big5_common_codepoints,
                             cid_mismatches, gb2312_codepoints, plus_face, ranges_to_text,
                             renumber_cids)

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "assets" / "fonts"
RAW_DIR = ROOT / "corpus" / "raw"

# Debian file name -> bundled file name. Index 2 of each collection is the SC face.
FACES = {
    "NotoSerifCJK-Regular.ttc": "NotoSerifCJKsc-Regular.otf",
    "NotoSerifCJK-Bold.ttc": "NotoSerifCJKsc-Bold.otf",
    "NotoSansCJK-Regular.ttc": "NotoSansCJKsc-Regular.otf",
    "NotoSansCJK-Bold.ttc": "NotoSansCJKsc-Bold.otf",
}
SC_FACE_INDEX = 2
#: The supplement is cut from this face: one weight (bold: reader marks, titles, names).
SUPPLEMENT_SOURCE = "NotoSansCJK-Bold.ttc"
UNIHAN = Path("/usr/share/unicode")  # Debian unicode-data

# Blocks kept whole: Latin, punctuation, symbols that briefs, tables and charts use.
RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1 supplement (©, ·, ×, ÷ …)
    (0x2000, 0x206F),  # general punctuation (— … ‘ ’ “ ” ‰)
    (0x2100, 0x214F),  # letterlike symbols (℃ №)
    (0x2150, 0x218F),  # number forms (Ⅰ Ⅱ …)
    (0x2190, 0x21FF),  # arrows
    (0x2212, 0x2212),  # minus sign (matplotlib tick labels)
    (0x2460, 0x24FF),  # enclosed alphanumerics (① ②)
    (0x25A0, 0x25FF),  # geometric shapes (■ ● ▲ ○)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK (㈠)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half/full-width forms
]


def corpus_codepoints() -> set[int]:
    """Every character of the raw articles, as written and converted to simplified."""
    import opencc

    converter = opencc.OpenCC("t2s")
    chars: set[int] = set()
    for path in sorted(RAW_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        chars.update(map(ord, text))
        chars.update(map(ord, converter.convert(text)))
    return {c for c in chars if c >= 0x20}


def tongyong_codepoints() -> set[int]:
    """通用规范汉字表 (2013): every character Unihan gives a ``kTGH`` value."""
    points: set[int] = set()
    for path in sorted(UNIHAN.glob("Unihan_*.txt.bz2")):
        with bz2.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                parts = line.split("\t")
                if len(parts) >= 2 and parts[1] == "kTGH":
                    points.add(int(parts[0][2:], 16))
    if len(points) != 8105:
        raise SystemExit(f"kTGH lists {len(points)} characters in {UNIHAN}, expected 8,105 "
                         "(install Debian's unicode-data)")
    return points


def ranges(spans: list[tuple[int, int]], categories: str = "LMNPSZ") -> set[int]:
    """Assigned code points of ``spans`` whose general category starts with one of
    ``categories`` (P: punctuation, S: symbols, Zs: spaces …)."""
    return {p for low, high in spans for p in range(low, high + 1)
            if unicodedata.category(chr(p))[0] in categories
            and unicodedata.category(chr(p)) not in ("Zl", "Zp")}


#: CJK symbols and punctuation, vertical and compatibility forms, full-width forms: whole.
CJK_PUNCTUATION = [(0x3000, 0x303F), (0xFE10, 0xFE1F), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF)]
#: From General Punctuation, the marks GB/T 15834 and GB2312 use: – — ― ‖ ‘ ’ “ ” • ‥ … ‧ ‰ ′ ″ ※
GENERAL_PUNCTUATION = "\u2013\u2014\u2015\u2016\u2018\u2019\u201c\u201d\u2022\u2025" \
                      "\u2026\u2027\u2030\u2032\u2033\u203b"
LATIN = [(0x0020, 0x007E), (0x00A0, 0x00FF)]


def named_sets() -> list[dict]:
    """The sets every main face must cover, in the order doctor and assets/fonts/README.md list them."""
    return [
        {"key": "gb2312", "name": "GB2312", "source": "GB 2312-80 via Python's gb2312 codec",
         "points": gb2312_codepoints()},
        {"key": "tongyong", "name": "通用规范汉字表",
         "source": "Unihan kTGH (Debian unicode-data " + unicode_data_version() + ")",
         "points": tongyong_codepoints()},
        {"key": "big5-common", "name": "Big5 common",
         "source": "Big5 level 1, 0xA440-0xC67E via Python's big5 codec",
         "points": big5_common_codepoints()},
        {"key": "punctuation", "name": "CJK punctuation and symbols",
         "source": "punctuation, symbols and the ideographic space of U+3000-303F, "
                   "U+FE10-FE1F, U+FE30-FE4F, U+FF00-FFEF, and " + GENERAL_PUNCTUATION,
         "points": ranges(CJK_PUNCTUATION, "PSZ") | set(map(ord, GENERAL_PUNCTUATION))},
        {"key": "latin", "name": "Latin and digits",
         "source": "U+0020-007E, U+00A0-00FF", "points": ranges(LATIN)},
        {"key": "corpus", "name": "corpus",
         "source": "every character of corpus/raw/*.txt, as written and through OpenCC t2s",
         "points": corpus_codepoints()},
    ]


def unicode_data_version() -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "unicode-data"],
                         capture_output=True, text=True)
    return out.stdout.strip() or "unknown"


def main_charset() -> list[int]:
    """The main faces: GB2312, the corpus and the RANGES blocks (the set of earlier releases,
    so their glyph ids — and the size of every PDF that uses only them — stay as they were)."""
    points = gb2312_codepoints() | corpus_codepoints()
    for low, high in RANGES:
        points.update(range(low, high + 1))
    return sorted(points)


def cmap(path: Path, index: int | None = None) -> set[int]:
    if index is None:
        with TTFont(path, lazy=True) as font:
            return set(font.getBestCmap())
    collection = TTCollection(path, lazy=True)
    try:
        return set(collection.fonts[index].getBestCmap())
    finally:
        collection.close()


def subset(source: Path, unicodes: Path, out: Path, *extra: str) -> None:
    subprocess.run(
        ["hb-subset", f"--face-index={SC_FACE_INDEX}", f"--unicodes-file={unicodes}",
         "--layout-features=*", "--name-IDs=*", "--notdef-outline", *extra,
         f"--output-file={out}", str(source)],
        check=True,
    )
    # hb-subset renumbers the glyphs but keeps each glyph's CID; PDF viewers look glyphs up by
    # CID (the code WeasyPrint writes is the glyph id), so the CIDs are made equal to the ids.
    renumbered = out.with_name(out.name + ".cid")
    renumber_cids(out, renumbered)
    renumbered.replace(out)
    if cid_mismatches(out):
        raise SystemExit(f"{out.name}: glyph ids and CIDs still differ after renumbering")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
    print(f"{out.name}: {out.stat().st_size / 1e6:.2f} MB sha256 {digest}…")


def ofl_text(debian_copyright: str) -> str:
    """The SIL OFL 1.1 paragraph of Debian's copyright file, as plain text."""
    block = debian_copyright.split("License: SIL-1.1\n", 2)[2].split("\nLicense:", 1)[0]
    lines = [line[1:] if line.startswith(" ") else line for line in block.splitlines()]
    header = "Noto Serif CJK and Noto Sans CJK: Copyright 2014-2021 Adobe (http://www.adobe.com/),\n"
    header += "with Reserved Font Name 'Source'. Subset for briefbook by scripts/build_fonts.py.\n\n"
    return header + "\n".join("" if line == "." else line for line in lines).strip() + "\n"


def fetch_package(work: Path) -> Path:
    subprocess.run(["apt-get", "download", "fonts-noto-cjk"], cwd=work, check=True)
    return next(work.glob("fonts-noto-cjk_*.deb"))


def deb_version(deb: Path) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def write_charset(path: Path, points) -> Path:
    path.write_text("".join(f"U+{p:04X}\n" for p in sorted(points)), encoding="ascii")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, help="a fonts-noto-cjk .deb already downloaded")
    args = parser.parse_args()

    sets = named_sets()
    points = main_charset()
    plus = set().union(*(s["points"] for s in sets)) - set(points)
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    main_file = write_charset(FONT_DIR / "charset.txt", points)
    plus_file = write_charset(FONT_DIR / "plus-charset.txt", plus)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        deb = args.deb.resolve() if args.deb else fetch_package(work)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        source_dir = work / "x" / "usr" / "share" / "fonts" / "opentype" / "noto"
        for source, target in FACES.items():
            subset(source_dir / source, main_file, FONT_DIR / target)
            subset(source_dir / source, plus_file, FONT_DIR / plus_face(target))
        # The supplement: the rest of the SC face, disjoint from every main and plus face.
        # Hinting is dropped (2.4 MB less; print does not use it) — outlines are unchanged.
        full = cmap(source_dir / SUPPLEMENT_SOURCE, SC_FACE_INDEX)
        have = [cmap(FONT_DIR / t) | cmap(FONT_DIR / plus_face(t)) for t in FACES.values()]
        if set.union(*have) != set.intersection(*have):
            raise SystemExit("the four families map different characters; check the charset")
        rest = write_charset(FONT_DIR / "supplement-charset.txt", full - have[0])
        subset(source_dir / SUPPLEMENT_SOURCE, rest, FONT_DIR / SUPPLEMENT, "--no-hinting")
        for source in FACES:
            if cmap(source_dir / source, SC_FACE_INDEX) - full:
                raise SystemExit(f"{source} maps characters {SUPPLEMENT_SOURCE} lacks")
        if cmap(FONT_DIR / SUPPLEMENT) & have[0] or (cmap(FONT_DIR / SUPPLEMENT) | have[0]) != full:
            raise SystemExit("supplement and main faces overlap or leave gaps")
        sets.append({"key": "noto-sc", "name": "Noto Sans CJK SC (whole face)",
                     "source": f"cmap of {SUPPLEMENT_SOURCE} face {SC_FACE_INDEX}, "
                               f"fonts-noto-cjk {deb_version(deb)}",
                     "points": full})
        copyright_file = work / "x" / "usr" / "share" / "doc" / "fonts-noto-cjk" / "copyright"
        (FONT_DIR / "OFL.txt").write_text(ofl_text(copyright_file.read_text("utf-8")), "utf-8")
    record = {"sets": [{"key": s["key"], "name": s["name"], "source": s["source"],
                        "count": len(s["points"]), "ranges": ranges_to_text(s["points"])}
                       for s in sets]}
    (FONT_DIR / CHARSETS_FILE).write_text(
        json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(points)} code points requested for the main faces, {len(plus)} for the plus "
          f"faces, {len(full - have[0])} in the supplement -> {FONT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
