"""Did-you-mean: the known names closest to one a user got wrong, at a bounded cost.

Takes: the unknown word (an id, a field name, a topic), the known choices, how many guesses
to give and, for many guesses in one run, a shared ``Budget``.
Gives: up to ``n`` close choices, best first (difflib's ratio), or ``[]``.

Policy — one measure (``difflib.SequenceMatcher.ratio``: twice the characters in common, in
order, over both lengths) and two levels:

- ``CLOSE`` (0.6, difflib's own default) for names: ids and field names. ``graduates-retaned``
  finds ``graduates-retained`` (0.97), ``topik`` finds ``topics`` (0.73); a guess with less in
  common reads as noise, and the caller lists what is known instead.
- ``LOOSE`` (0.3) for topic words: short Chinese words of two to six characters, where one
  character more or less moves the ratio by 0.2 to 0.3 (``就叶`` → ``就业`` is 0.5).

Cost: a guess compares the word with every choice (about 25 µs a pair of similar ids). One
call compares at most ``MAX_COMPARISONS`` pairs: with more choices it gives no guess (the
caller names the listing command). A ``Budget`` shared by the calls of one run bounds them
together — 2,000 unknown quotes against a corpus of 20,000 paragraphs once took 25 minutes.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

#: Ratio for names (ids, field names): difflib's default.
CLOSE = 0.6
#: Ratio for topic words (short Chinese words, see the module docstring).
LOOSE = 0.3
#: Comparisons one run may spend on guesses (about 2 s): 50 guesses against a corpus of
#: 1,000 paragraphs, two against one of 20,000.
MAX_COMPARISONS = 50_000


@dataclass
class Budget:
    """Comparisons left for the guesses of one run (one check, one load)."""

    left: int = MAX_COMPARISONS

    def take(self, comparisons: int) -> bool:
        """Spend ``comparisons`` if that many are left; else spend none and say no."""
        if comparisons > self.left:
            return False
        self.left -= comparisons
        return True


def did_you_mean(word: str, choices: Collection[str], *, n: int = 1, near: float = CLOSE,
                 budget: Budget | None = None) -> list[str]:
    """Up to ``n`` of ``choices`` at least ``near`` (``CLOSE`` or ``LOOSE``) like ``word``, best
    first; ``[]`` when none is, or when comparing with every choice would spend more than the
    ``budget`` has left (by default ``MAX_COMPARISONS`` for this call alone)."""
    if not (budget if budget is not None else Budget()).take(len(choices)):
        return []
    return difflib.get_close_matches(word, list(choices), n=n, cutoff=near)
