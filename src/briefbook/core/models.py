"""Typed models at the boundaries: the text types every file's schema shares.

Takes: nothing. Gives: ``Text`` and ``Id`` (stripped, non-empty, at most ``MAX_TEXT``
characters), used by the project file, the brief and the catalog schemas alike.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

MAX_TEXT = 200  # title, headings, keywords, ids … (characters)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
