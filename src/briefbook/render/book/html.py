"""Book model → HTML, through the Jinja2 templates in ``templates/``.

Takes: a ``Book`` (book.model). Gives: one HTML string. Autoescape is always on and
undefined names are errors: brief and corpus text can only ever appear as text.
"""

from __future__ import annotations

from functools import cache

import jinja2

from briefbook.core import resources
from briefbook.metrics.status import STATUSES
from briefbook.render.book.display import display
from briefbook.render.book.markdown import commentary
from briefbook.render.book.model import Book
from briefbook.render.book.typeset import cn_date, cn_ordinal, ref, typeset, url


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resources.TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["typeset"] = typeset
    env.filters["display"] = display  # headings, cover lines, cards: balanced lines
    env.filters["cn_date"] = cn_date
    env.filters["cn_ordinal"] = cn_ordinal
    env.filters["commentary"] = commentary
    env.filters["ref"] = ref
    env.filters["url"] = url
    env.globals["statuses"] = STATUSES  # the status rules (partials/status.css.j2)
    return env


def book_html(book: Book) -> str:
    return environment().get_template("book.html.j2").render(book=book)
