"""The seed corpus's raw article files, for the corpus tests (real seed files, no mocks).

Gives: three seed article ids (``CJRB``, ``CJW``, ``HBRB``), an article's raw text by id
(``raw_text``) and one line of a raw file, verbatim (``raw_line``).
"""

from __future__ import annotations

from plugins.example import CORPUS_DIR

CJRB, CJW, HBRB = "cjrb-2021-07-25", "cjw-2020-12-22", "hbrb-2020-06-29"


def raw_text(article_id: str) -> str:
    return (CORPUS_DIR / "raw" / f"{article_id}.txt").read_text(encoding="utf-8")


def raw_line(name: str, number: int) -> str:
    """Line ``number`` (1-based) of a seed's raw file, verbatim (name with or without .txt)."""
    return raw_text(name.removesuffix(".txt")).split("\n")[number - 1]
