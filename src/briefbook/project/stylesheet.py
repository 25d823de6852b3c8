"""Checking a project's own stylesheet before WeasyPrint sees it.

Takes: the stylesheet path named in ``briefbook.yaml`` and the project root.
Gives: nothing, or one ``BriefbookErrors`` naming file:line:column of each problem: the file
must lie inside the project (no ``..``, no symlink out), be UTF-8 and at most
``MAX_STYLESHEET_BYTES``; ``@import`` is refused (every rule must be in this one file, where it
is checked); ``url(...)`` may only name files inside the project folder; ``local(...)``
(a system font) is refused, so a book never depends on the machine's fonts; a font an
``@font-face`` rule loads must not be a CID-keyed CFF font whose CIDs differ from its glyph ids
(``briefbook.fonts.cid_mismatches``): WeasyPrint writes glyph ids where the PDF standard reads
CIDs, so MuPDF, pdf.js and Ghostscript would draw wrong glyphs or none. This is the one place
the render learns the project's fonts, before any layout (the project is loaded first).
The render's URL fetcher enforces the same confinement a second time.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2

from briefbook.errors import BriefbookError, BriefbookErrors
from briefbook.fonts import cid_mismatches

MAX_STYLESHEET_BYTES = 1_000_000


def check_stylesheet(path: Path, root: Path, *, where: str) -> str:
    """Return the stylesheet's text after checking it; raise on any problem."""
    root = Path(root).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise BriefbookError(f"stylesheet {path} is outside the project folder", where=where,
                             hint="keep the stylesheet inside the project, e.g. styles/book.css")
    if not resolved.is_file():
        raise BriefbookError(f"stylesheet not found: {path}", where=where,
                             hint="fix the `stylesheet:` path (relative to the project folder)")
    if resolved.stat().st_size > MAX_STYLESHEET_BYTES:
        raise BriefbookError(f"the stylesheet is larger than {MAX_STYLESHEET_BYTES:,} bytes",
                             where=str(path))
    try:
        text = resolved.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BriefbookError("the stylesheet is not UTF-8 text", where=str(path)) from None
    problems = [BriefbookError(message, where=f"{path}:{line}:{column}", hint=hint)
                for line, column, message, hint in _problems(text, resolved.parent, root)]
    if problems:
        raise BriefbookErrors(problems)
    return text


def _problems(text: str, base: Path, root: Path):  # type: ignore[no-untyped-def]
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    yield from _walk(rules, base, root)


def _walk(nodes, base: Path, root: Path, font_face: bool = False):  # type: ignore[no-untyped-def]
    """``font_face``: inside an ``@font-face`` rule, where a url() names a font file."""
    for node in nodes or ():
        kind = getattr(node, "type", None)
        if kind == "error":
            yield (node.source_line, node.source_column, f"CSS syntax error: {node.message}",
                   None)
        elif kind == "at-rule" and node.lower_at_keyword == "import":
            yield (node.source_line, node.source_column, "@import is not allowed",
                   "put the rules into this stylesheet itself")
        elif kind == "at-rule" and node.lower_at_keyword == "font-face":
            yield from _walk(node.content, base, root, font_face=True)
        elif kind == "url":
            yield from _check_url(node, node.value, base, root, font_face)
        elif kind == "function" and node.lower_name == "url":
            strings = [a.value for a in node.arguments if getattr(a, "type", None) == "string"]
            yield from _check_url(node, strings[0] if strings else "", base, root, font_face)
        elif kind == "function" and node.lower_name == "local":
            yield (node.source_line, node.source_column,
                   "local() fonts are not allowed (they depend on the machine)",
                   "bundle the font file in the project and use url()")
        else:
            for attr in ("prelude", "content", "arguments"):
                children = getattr(node, attr, None)
                if isinstance(children, list):
                    yield from _walk(children, base, root, font_face)


def _check_url(node, url: str, base: Path, root: Path,  # type: ignore[no-untyped-def]
               font_face: bool = False):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("/"):
        yield (node.source_line, node.source_column,
               f"url({url}) points outside the project folder",
               "use a path relative to the stylesheet, to a file inside the project")
        return
    target = (base / unquote(parts.path)).resolve()
    if not target.is_relative_to(root):
        yield (node.source_line, node.source_column,
               f"url({url}) points outside the project folder",
               "use a path relative to the stylesheet, to a file inside the project")
    elif font_face and target.is_file():
        yield from _check_font(node, url, target)


def _check_font(node, url: str, font: Path):  # type: ignore[no-untyped-def]
    """A font whose CIDs are not its glyph ids prints right in pdfium and Poppler only."""
    try:
        mismatched = cid_mismatches(font)
    except Exception:  # not a font fontTools reads: WeasyPrint says so at render
        return
    if mismatched:
        fixed = font.with_name(f"{font.stem}-fixed{font.suffix}")
        yield (node.source_line, node.source_column,
               f"url({url}): the font {_shown_path(font)} is a CID-keyed CFF font whose CIDs "
               f"differ from its glyph ids ({mismatched:,} glyphs): MuPDF, pdf.js and "
               "Ghostscript would draw wrong glyphs",
               f"re-save it with CIDs equal to glyph ids — briefbook font fix "
               f"{_shown_path(font)} {_shown_path(fixed)} — and point the url() at the new file")


def _shown_path(path: Path) -> str:
    """``path`` relative to the current folder when inside it (what a user types), else whole."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
