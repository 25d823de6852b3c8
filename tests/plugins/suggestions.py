"""A fixture that counts the work of did-you-mean.

Gives: ``close_match_comparisons`` — a list that receives, for every call of
``difflib.get_close_matches`` made through ``briefbook.core.suggest``, how many candidates it
compared (the real function still answers), so a test can bound the comparisons.
"""

from __future__ import annotations

import pytest

from briefbook.core import suggest


@pytest.fixture
def close_match_comparisons(monkeypatch) -> list[int]:
    compared: list[int] = []
    real = suggest.difflib.get_close_matches

    def counting(word, possibilities, *args, **kwargs):
        compared.append(len(possibilities))
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(suggest.difflib, "get_close_matches", counting)
    return compared
