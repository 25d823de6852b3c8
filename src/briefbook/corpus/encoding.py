"""Reading a new article's bytes in the encoding it was saved in (``briefbook ingest``).

Takes: the bytes of a text file, where they came from (for messages), and optionally the
encoding the user names (``--encoding NAME``, any Python text codec: gbk, big5, utf-16, …).
Gives: a ``Decoded`` — the text (through ``sources.decode_raw``'s checks: not empty, not
binary, no control characters), the codec's name, whether it was detected or given, the bytes
to store under ``raw/`` (the file itself when it is UTF-8, else the text in UTF-8: the corpus
reader takes UTF-8 only) and warnings. Or a ``BriefbookError`` naming the file, and for bytes
that cannot be decoded the offset of the first bad byte.

Detection never guesses silently. In order: UTF-8 (with or without a BOM); UTF-16 only with
its BOM; else GB18030 and Big5, each strict, and a reading counts only when it is plausible
Chinese: at least ``PLAUSIBLE`` of its non-ASCII characters are common Han characters
(GB2312 level 1 or Big5 level 1: Simplified or Traditional) or CJK punctuation and full-width
forms. One plausible reading is taken; two that differ are refused ("could be GB18030 or Big5;
pass --encoding"); none is refused too.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections import Counter
from dataclasses import dataclass

from briefbook.core.chars import CJK_PUNCTUATION, FULLWIDTH_FORMS
from briefbook.core.errors import BriefbookError
from briefbook.corpus.sources import decode_raw

#: Share of a reading's non-ASCII characters that must be common Chinese characters or
#: punctuation for it to count as Chinese text. Real text scores 0.95-1.0; a GBK file read as
#: Big5 scores about 0.5 and a Big5 file read as GB18030 about 0.1-0.3.
PLAUSIBLE = 0.8
#: The candidates tried when UTF-8 fails, with the names shown; big5hkscs only where plain
#: Big5 fails (Hong Kong characters).
_CANDIDATES = ("gb18030", "big5")
_LABELS = {"utf-8": "UTF-8", "gb18030": "GB18030", "big5": "Big5"}
_CHINESE_CODECS = frozenset({"gb2312", "gbk", "gb18030", "hz", "big5", "big5hkscs", "cp950"})
_PUNCTUATION = re.compile(f"[{CJK_PUNCTUATION}{FULLWIDTH_FORMS}]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CONVERT = "iconv -f {codec} -t UTF-8 {where} > article.txt"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str          # Python's name for the codec: "utf-8", "gb18030", "big5", …
    detected: bool         # False when given with --encoding
    stored: bytes          # what goes under raw/: the file itself if UTF-8, else the text in UTF-8
    warnings: tuple[str, ...] = ()


def decode_article(data: bytes, where: str, encoding: str | None = None) -> Decoded:
    """The text of a new article's bytes: in ``encoding`` when given, else detected."""
    if encoding is not None:
        return _given(data, where, encoding)
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BriefbookError(f"{_at(data, exc.start)} cannot be decoded as UTF-16 (the file "
                                 "starts with a UTF-16 byte-order mark)", where=where,
                                 hint="the file may be damaged there; fix or remove that byte"
                                 ) from None
        return _checked(text, "utf-16", data, where, detected=True)
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in data or not data.strip():
            decode_raw(data, where)  # binary or empty: its own message
        return _detect(data, where, exc.start)
    return Decoded(text=decode_raw(data, where), encoding="utf-8", detected=True, stored=data)


def share_common(text: str) -> float:
    """The share of the text's non-ASCII, non-space characters that are common Chinese
    characters (GB2312 level 1 or Big5 level 1), CJK punctuation or full-width forms; 1.0 for
    text with none."""
    counts = Counter(c for c in text if not c.isascii() and not c.isspace())
    total = sum(counts.values())
    if not total:
        return 1.0
    return sum(n for c, n in counts.items() if _common(c)) / total


@functools.lru_cache(maxsize=65536)
def _common(ch: str) -> bool:
    if _PUNCTUATION.fullmatch(ch):
        return True
    for codec, low, high in (("gb2312", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E)):
        try:
            code = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if len(code) == 2 and low <= int.from_bytes(code, "big") <= high:
            return True
    return False


def _checked(text: str, codec: str, data: bytes, where: str, *, detected: bool,
             warnings: tuple[str, ...] = ()) -> Decoded:
    """The decoded text through the corpus reader's checks, as it will be stored."""
    text = text.removeprefix("\ufeff")
    stored = data if codec == "utf-8" else text.encode("utf-8")
    return Decoded(text=decode_raw(stored, where), encoding=codec, detected=detected,
                   stored=stored, warnings=warnings)


def _given(data: bytes, where: str, encoding: str) -> Decoded:
    """Decode in the named codec: an error for an unknown name or a non-text codec, and for
    a byte it cannot decode (naming the offset); a warning when a Chinese codec gives text
    that is not plausibly Chinese."""
    try:
        codec = codecs.lookup(encoding).name
        b"a".decode(codec, errors="ignore")  # a non-text codec (base64, rot13) refuses here
    except LookupError as exc:
        raise BriefbookError(f"unknown encoding {encoding!r} ({exc})", where=where,
                             hint="name a text encoding, e.g. --encoding gbk, gb18030, big5, "
                                  "big5hkscs, utf-16; or leave --encoding out to detect it"
                             ) from None
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise BriefbookError(
            f"{_at(data, exc.start)} cannot be decoded as {codec} (--encoding {encoding})",
            where=where, hint="is it in another encoding? leave --encoding out to detect it, "
                              "or name the right one") from None
    codec = "utf-8" if codec == "utf-8-sig" else codec
    warnings: tuple[str, ...] = ()
    score = share_common(text)
    if codec in _CHINESE_CODECS and score < PLAUSIBLE:
        warnings = (f"read as {codec} (--encoding {encoding}), only {score:.0%} of its "
                    "non-ASCII characters are common Chinese characters or punctuation; "
                    "check the text, or leave --encoding out to detect the encoding",)
    return _checked(text, codec, data, where, detected=False, warnings=warnings)


def _detect(data: bytes, where: str, utf8_bad: int) -> Decoded:
    """GB18030 or Big5: the one plausible reading, or an error (none decodes, none is
    plausible, or two differ)."""
    readings: dict[str, str] = {}
    failures: dict[str, int] = {"utf-8": utf8_bad}
    for codec in _CANDIDATES:
        for name in (codec, "big5hkscs") if codec == "big5" else (codec,):
            try:
                readings[name] = data.decode(name)
                break
            except UnicodeDecodeError as exc:
                failures.setdefault(codec, exc.start)
    if not readings:
        raise _undecodable(data, where, failures)
    scores = {name: share_common(text) for name, text in readings.items()}
    plausible = [name for name in readings if scores[name] >= PLAUSIBLE]
    if len(plausible) == 1:
        return _checked(readings[plausible[0]], plausible[0], data, where, detected=True)
    shown = ", ".join(f"as {name}, {scores[name]:.0%}" for name in readings)
    if not plausible:
        raise BriefbookError(
            f"not UTF-8 ({_at(data, utf8_bad)} is invalid as UTF-8), and no other encoding "
            "gives plausible Chinese text (share of common Chinese characters and punctuation "
            f"among the non-ASCII ones: {shown})", where=where,
            hint=f"if it is UTF-8, it is damaged at byte {utf8_bad}: fix that byte; if you "
                 "know its encoding, pass --encoding NAME; or convert it first, e.g. "
                 + _CONVERT.format(codec="GB18030", where=where))
    samples = "; ".join(f"{name}: {_sample(readings[name])}" for name in plausible)
    raise BriefbookError(f"could be GB18030 or Big5 (both read as Chinese: {samples})",
                         where=where, hint="pass --encoding gb18030 or --encoding big5")


def _undecodable(data: bytes, where: str, failures: dict[str, int]) -> BriefbookError:
    """No candidate decodes: name the first bad byte of the one that reads furthest (of
    those, the one whose text up to there is most plausible)."""
    codec, offset = max(failures.items(), key=lambda item: (
        item[1], share_common(data[:item[1]].decode(item[0], errors="replace"))))
    label = _LABELS[codec]
    others = ", ".join(f"as {_LABELS[name]} at byte {at}" for name, at in failures.items()
                       if name != codec)
    return BriefbookError(
        f"cannot be decoded: {_at(data, offset)} is invalid as {label}, the encoding that "
        f"reads furthest (it also fails {others})", where=where,
        hint=f"the file may be damaged at byte {offset}: fix or remove that byte; if you know "
             "its encoding, pass --encoding NAME; or convert it first, e.g. "
             + _CONVERT.format(codec="GB18030" if label == "UTF-8" else label.upper(),
                               where=where))


def _at(data: bytes, offset: int) -> str:
    return f"byte {offset} (0x{data[offset]:02X})" if offset < len(data) else f"byte {offset}"


def _sample(text: str) -> str:
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    return f"“{line[:16]}{'…' if len(line) > 16 else ''}”"
