"""The one error type users see.

Every stage raises ``BriefbookError`` (or a subclass) for bad input; the CLI prints it as one
clear message, never a traceback, and exits non-zero.
"""

from __future__ import annotations

from briefbook.core.chars import BIDI_CONTROLS, LINE_SEPARATORS


class BriefbookError(Exception):
    """A problem with the user's input or environment, explained for the user."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class BriefbookErrors(BriefbookError):
    """Several problems found at once (e.g. every mistake in a brief)."""

    def __init__(self, errors: list[BriefbookError]):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) found")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def shown(text: object) -> str:
    """``text`` safe to print on a terminal: control characters (ESC, BEL, CR, C1 controls,
    bidirectional overrides, line/paragraph separators) are written as ``\\x1b``/``\\u202e``
    escapes, so an id or key from an untrusted file cannot move the cursor, recolour the
    terminal or hide the rest of a message. Newlines are escaped too (one value, one line)."""
    out = []
    for char in str(text):
        code = ord(char)
        if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif code in _INVISIBLE_CONTROLS:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def shown_message(text: str) -> str:
    """A whole message for the terminal: each line through ``shown`` (line breaks kept)."""
    return "\n".join(shown(line) for line in str(text).split("\n"))


#: Format characters that change what a terminal shows: bidi embeddings/overrides/isolates,
#: line and paragraph separators.
_INVISIBLE_CONTROLS = frozenset(map(ord, BIDI_CONTROLS | LINE_SEPARATORS))
