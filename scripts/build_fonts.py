"""Regenerate the bundled CJK fonts in assets/fonts/ from Debian's fonts-noto-cjk.

Takes: the Debian package (downloaded with ``apt-get download fonts-noto-cjk`` unless
``--deb`` names one), ``hb-subset`` (Debian ``libharfbuzz-bin``) and the raw corpus texts.
Gives: four single-face OpenType files subset to the character set documented in
assets/fonts/README.md, plus ``charset.txt`` (the code points, one ``U+XXXX`` per line).

Run it with the project's venv (it needs OpenCC to add the simplified forms of the raw
articles):  ``.venv/bin/python scripts/build_fonts.py``.  The output is byte-for-byte
reproducible for the same package version and HarfBuzz version.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

from briefbook.fonts import gb2312_codepoints

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


def charset() -> list[int]:
    points = gb2312_codepoints() | corpus_codepoints()
    for low, high in RANGES:
        points.update(range(low, high + 1))
    return sorted(points)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", type=Path, help="a fonts-noto-cjk .deb already downloaded")
    args = parser.parse_args()

    points = charset()
    FONT_DIR.mkdir(parents=True, exist_ok=True)
    (FONT_DIR / "charset.txt").write_text(
        "".join(f"U+{p:04X}\n" for p in points), encoding="ascii"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        deb = args.deb.resolve() if args.deb else fetch_package(work)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(work / "x")], check=True)
        source_dir = work / "x" / "usr" / "share" / "fonts" / "opentype" / "noto"
        for source, target in FACES.items():
            out = FONT_DIR / target
            subprocess.run(
                [
                    "hb-subset",
                    f"--face-index={SC_FACE_INDEX}",
                    f"--unicodes-file={FONT_DIR / 'charset.txt'}",
                    "--layout-features=*",
                    "--name-IDs=*",
                    "--notdef-outline",
                    f"--output-file={out}",
                    str(source_dir / source),
                ],
                check=True,
            )
            digest = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
            print(f"{target}: {out.stat().st_size / 1e6:.2f} MB sha256 {digest}…")
        copyright_file = work / "x" / "usr" / "share" / "doc" / "fonts-noto-cjk" / "copyright"
        (FONT_DIR / "OFL.txt").write_text(ofl_text(copyright_file.read_text("utf-8")), "utf-8")
    print(f"{len(points)} code points -> {FONT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
