"""Is this machine ready to render? Versions, libraries and fonts, checked.

Takes: nothing. Gives: a list of ``Finding``s (name, value, ok) — Python, WeasyPrint, Pango,
HarfBuzz and its subsetter (without it WeasyPrint falls back to fontTools and writing a
Chinese PDF is ~20× slower), each bundled font with its size and code points, and the coverage
of each named character set (GB2312, 通用规范汉字表, Big5 common … from ``briefbook.core.fonts``).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

import cffi  # type: ignore[import-untyped]  # cffi ships no type information (no types-cffi here)
from fontTools.ttLib import TTFont

from briefbook.core import fonts

MIN_PANGO = (1, 44)


@dataclass(frozen=True)
class Finding:
    name: str
    value: str
    ok: bool
    fix: str = ""


def findings() -> list[Finding]:
    out = [Finding("Python", platform.python_version(),
                   platform.python_version_tuple()[:2] == ("3", "11"), "use Python 3.11")]
    try:
        # imported here: a missing system library (Pango, HarfBuzz) must become a finding,
        # not a crash of ``doctor`` itself
        import weasyprint
        from weasyprint.text import ffi

        from briefbook.render.engine.pinned import PINNED_WEASYPRINT
    except Exception as exc:  # a missing system library surfaces here as OSError
        return out + [Finding("WeasyPrint", f"cannot load: {exc}", False,
                              "run `make system-deps` (installs Pango and HarfBuzz)")]
    out.append(Finding("WeasyPrint", weasyprint.__version__,
                       weasyprint.__version__ == PINNED_WEASYPRINT,
                       f"reinstall with `make` (pinned {PINNED_WEASYPRINT})"))
    pango = ffi.pango.pango_version()
    pango_version = (pango // 10000, pango // 100 % 100, pango % 100)
    out.append(Finding("Pango", ".".join(map(str, pango_version)), pango_version[:2] >= MIN_PANGO,
                       "Debian 12's libpango-1.0-0 (1.50) or newer"))
    out.append(Finding("HarfBuzz", _harfbuzz_version(), True))
    out.append(Finding("HarfBuzz subsetting", "available" if ffi.harfbuzz_subset else "missing",
                       ffi.harfbuzz_subset is not None, "apt-get install libharfbuzz-subset0"))
    out += font_findings()
    return out


def _harfbuzz_version() -> str:
    """WeasyPrint declares no version call for HarfBuzz, so ask the library directly."""
    hb = cffi.FFI()
    hb.cdef("const char *hb_version_string (void);")
    for name in ("libharfbuzz.so.0", "harfbuzz"):
        try:
            return hb.string(hb.dlopen(name).hb_version_string()).decode()
        except OSError:
            continue
    return "unknown"


def font_findings() -> list[Finding]:
    out = []
    expected = [*fonts.FACES, *map(fonts.plus_face, fonts.FACES), fonts.SUPPLEMENT]
    folder = fonts.fonts_dir()
    for name in expected:
        path = folder / name
        if not path.is_file():
            out.append(Finding(f"font {name}", "missing", False, "run `make fonts`"))
            continue
        with TTFont(path, lazy=True) as font:
            cmap = font.getBestCmap()
            family = font["name"].getDebugName(1)
        out.append(Finding(f"font {name}", f"{family}, {len(cmap):,} code points, "
                                          f"{path.stat().st_size / 1e6:.1f} MB",
                           family.endswith("SC"), "run `make fonts`"))
    if any(not f.ok for f in out):
        return out
    rows = fonts.coverage_by_set()
    if not rows:
        return out + [Finding("character sets", "charsets.json missing", False,
                              "run `make fonts`")]
    for row in rows:
        out.append(Finding(f"coverage {row.name}", fonts.describe_set_coverage(row).removeprefix(
            row.name + " "), row.printable == row.total, "run `make fonts`"))
    return out
