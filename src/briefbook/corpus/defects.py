"""Lost text in raw copies, and the reviewed corrections that repair it.

Takes: an article's raw text (verbatim) and ``corpus/corrections.yaml``.
Gives: every defect found, located in the raw file (line:column and code-point offset),
each with the repair from the corrections file or, if none, ``〓`` in the cleaned text.

Defects are never guessed: a repair exists only if a person wrote it into
``corrections.yaml`` with the exact damaged raw text, its position and a reason.
A correction that no longer matches the raw text (wrong position or text) is an error.

``corrections.yaml`` has two lists::

    repairs:        # lost characters
      - article: hbrb-2020-06-29
        raw: "?qǐng)?bào)"
        at: "1:4"          # line:column in the raw file (1-based, code points)
        offset: 3          # code-point offset in the raw file (0-based)
        repair: "報"       # in the script of the raw text; converted like the rest
        reason: "…"
    conversions:    # fixes to OpenCC t2s output, applied to traditional-script articles
      - from: 著力
        to: 着力
        reason: "…"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.models import Locator
from briefbook.core.safeyaml import load_yaml, load_yaml_file
from briefbook.corpus.clean import PINYIN_SYLLABLE
from briefbook.corpus.model import Defect

UNREPAIRED = "〓"  # U+3013 GETA MARK: the typographic sign for a missing character

# Two or more "?pinyin)" runs in a row stand for ONE lost character (and its annotation):
# 日?qǐng)?bào)訊 was 日報(bào)訊. A single run is one lost character too.
_LOST_PINYIN = re.compile(f"(?:\\?({PINYIN_SYLLABLE})\\))+")
_ONE_RUN = re.compile(f"\\?({PINYIN_SYLLABLE})\\)")
# "Copyright ? 2001-2025": the © sign became "?"
_LOST_SYMBOL = re.compile(r"(?i)(?<=copyright )\?(?=\s*\d{4})|(?<=\d{4} )\?(?= *copyright)")
_REPLACEMENT = re.compile("\ufffd+")


def line_starts(raw: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(raw):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def locate(starts: list[int], offset: int) -> tuple[int, int]:
    """Code-point offset → (line, column), both 1-based."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1, offset - starts[lo] + 1


def find_defects(article_id: str, raw: str) -> list[Defect]:
    """Every lost character in ``raw``, in order of position."""
    starts = line_starts(raw)
    found: list[Defect] = []
    for kind, pattern in (("lost-char-pinyin", _LOST_PINYIN), ("lost-symbol", _LOST_SYMBOL),
                          ("replacement-char", _REPLACEMENT)):
        for m in pattern.finditer(raw):
            line, column = locate(starts, m.start())
            readings = tuple(r.group(1) for r in _ONE_RUN.finditer(m.group())) \
                if kind == "lost-char-pinyin" else ()
            found.append(Defect(article_id=article_id, kind=kind, raw=m.group(), line=line,
                                column=column, offset=m.start(), readings=readings))
    return sorted(found, key=lambda d: d.offset)


@dataclass(frozen=True)
class Repair:
    article: str
    raw: str
    line: int
    column: int
    offset: int
    repair: str
    reason: str


@dataclass(frozen=True)
class Corrections:
    repairs: tuple[Repair, ...] = ()
    conversions: tuple[tuple[str, str, str], ...] = ()  # (from, to, reason)

    @property
    def conversion_fixes(self) -> tuple[tuple[str, str], ...]:
        return tuple((a, b) for a, b, _ in self.conversions)

    def for_article(self, article_id: str) -> tuple[Repair, ...]:
        return tuple(r for r in self.repairs if r.article == article_id)


def _need(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str | int) or (isinstance(value, str) and not value.strip()):
        raise BriefbookError(f"entry lacks {key!r}", where=where,
                             hint="each repair needs article, raw, at, offset, repair, reason")
    return str(value)


def _int(value: str, key: str, where: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise BriefbookError(f"{key!r} must be a whole number, got {value!r}",
                             where=where) from None


def load_corrections(path: Path, text: str | None = None) -> Corrections:
    """Read and check ``corrections.yaml`` (missing file = no corrections), or ``text`` as the
    file would hold it (``corpus rename`` checks its edit before writing it)."""
    if text is None and not path.exists():
        return Corrections()
    data, node = load_yaml_file(path, "the corrections file") if text is None else \
        load_yaml(text, str(path))
    locator = Locator(path, node)
    data = data or {}
    if not isinstance(data, dict):
        raise BriefbookError("expected a mapping with 'repairs' and 'conversions'", where=str(path))
    unknown = sorted(str(k) for k in data if k not in ("repairs", "conversions"))
    if unknown:
        raise BriefbookError(f"unknown key(s) {', '.join(unknown)}", where=str(path),
                             hint="corrections.yaml has 'repairs' and 'conversions'")
    for key in ("repairs", "conversions"):
        if not isinstance(data.get(key) or [], list):
            raise BriefbookError(f"'{key}' must be a list", where=str(path))
    repairs = []
    for n, entry in enumerate(data.get("repairs") or [], 1):
        where = locator.where(("repairs", n - 1))
        if not isinstance(entry, dict):
            raise BriefbookError("each repair must be a mapping", where=where)
        at = _need(entry, "at", where)
        m = re.fullmatch(r"(\d+):(\d+)", at)
        if not m:
            raise BriefbookError(f"'at' must be LINE:COLUMN, got {at!r}", where=where)
        repairs.append(Repair(article=_need(entry, "article", where),
                              raw=_need(entry, "raw", where),
                              line=int(m[1]), column=int(m[2]),
                              offset=_int(_need(entry, "offset", where), "offset", where),
                              repair=_need(entry, "repair", where),
                              reason=_need(entry, "reason", where)))
    conversions = []
    for n, entry in enumerate(data.get("conversions") or [], 1):
        where = locator.where(("conversions", n - 1))
        if not isinstance(entry, dict):
            raise BriefbookError("each conversion must be a mapping", where=where)
        conversions.append((_need(entry, "from", where), _need(entry, "to", where),
                            _need(entry, "reason", where)))
    return Corrections(tuple(repairs), tuple(conversions))


def attach_repairs(defects: list[Defect], repairs: tuple[Repair, ...], raw: str,
                   where: str) -> list[Defect]:
    """Give each defect its reviewed repair; every repair must match a defect exactly."""
    by_offset = {d.offset: d for d in defects}
    out = {d.offset: d for d in defects}
    for r in repairs:
        actual = raw[r.offset:r.offset + len(r.raw)]
        defect = by_offset.get(r.offset)
        if actual != r.raw or defect is None or defect.raw != r.raw \
                or (defect.line, defect.column) != (r.line, r.column):
            found = (f"found {defect.raw!r} at {defect.position}" if defect else
                     f"the raw text there is {actual!r}")
            raise BriefbookError(
                f"correction for {r.raw!r} at {r.line}:{r.column} (offset {r.offset}) does not "
                f"match a defect in the raw text ({found})", where=where,
                hint="the raw file or the defect rules changed; review corrections.yaml")
        out[r.offset] = replace(defect, repair=r.repair, reason=r.reason)
    return [out[k] for k in sorted(out)]


def apply_to_raw(raw: str, defects: list[Defect]) -> str:
    """The raw text with each defect replaced by its repair, or ``〓`` if unrepaired."""
    parts: list[str] = []
    pos = 0
    for d in sorted(defects, key=lambda d: d.offset):
        parts.append(raw[pos:d.offset])
        parts.append(d.repair if d.repair is not None else UNREPAIRED)
        pos = d.offset + len(d.raw)
    parts.append(raw[pos:])
    return "".join(parts)
