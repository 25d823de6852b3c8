"""Make WeasyPrint's log warnings part of the render's result.

Takes: a block of code that renders with WeasyPrint. Gives: the warnings WeasyPrint logged
on the ``weasyprint`` logger during that block (``CapturedWarnings``), and — unless
``strict=False`` — a ``BriefbookError`` at the end of the block if any glyph was drawn as
``.notdef`` (WeasyPrint only logs that; text extraction of the PDF still looks right, so
without this the book would silently show empty boxes).

Use in the render stage::

    with capture_weasyprint_warnings() as log:
        pdf = html.write_pdf(...)
    # here: no .notdef was rendered; log.messages holds any other warnings

The handler is attached to the ``weasyprint`` logger only for the block; the logger's
level is lowered to WARNING for the block if it was set higher, and restored after.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from briefbook.core.errors import BriefbookError

NOTDEF_PREFIX = ".notdef glyph rendered"
_CODEPOINT = re.compile(r"\(U\+([0-9A-F]{4,6})\)")


@dataclass
class CapturedWarnings:
    records: list[logging.LogRecord] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]

    @property
    def notdef_codepoints(self) -> list[int]:
        """Code points WeasyPrint drew as .notdef, in order of first appearance."""
        seen: dict[int, None] = {}
        for message in self.messages:
            if message.startswith(NOTDEF_PREFIX):
                match = _CODEPOINT.search(message)
                if match:
                    seen.setdefault(int(match.group(1), 16), None)
        return list(seen)


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]):
        super().__init__(level=logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


def notdef_error(codepoints: list[int], where: str | None = None) -> BriefbookError:
    shown = ", ".join(f"U+{cp:04X} {chr(cp)!r}" for cp in codepoints[:12])
    more = f" and {len(codepoints) - 12} more" if len(codepoints) > 12 else ""
    return BriefbookError(
        f"{len(codepoints)} character(s) have no glyph in the bundled fonts and would print "
        f"as empty boxes (.notdef): {shown}{more}", where=where,
        hint="replace or remove these characters in the brief/corpus, or add a font that has "
             "them to assets/fonts")


@contextlib.contextmanager
def capture_weasyprint_warnings(*, strict: bool = True,
                                where: str | None = None) -> Iterator[CapturedWarnings]:
    """Collect WeasyPrint's warnings in the block; raise on .notdef glyphs if ``strict``."""
    logger = logging.getLogger("weasyprint")
    captured = CapturedWarnings()
    handler = _ListHandler(captured.records)
    old_level = logger.level
    if old_level == logging.NOTSET or old_level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield captured
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    # Only reached when the block succeeded: never mask the block's own exception.
    if strict and captured.notdef_codepoints:
        raise notdef_error(captured.notdef_codepoints, where)
