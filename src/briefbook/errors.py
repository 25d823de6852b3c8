"""The one error type users see.

Every stage raises ``BriefbookError`` (or a subclass) for bad input; the CLI prints it as one
clear message, never a traceback, and exits non-zero.
"""

from __future__ import annotations


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
