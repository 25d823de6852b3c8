"""Reading untrusted YAML with hard limits: every file the pipeline reads goes through here.

Takes: a path (a brief, ``metrics.yaml``, ``sources.yaml``, ``corrections.yaml``).
Gives: the plain data (safe loader: no tags, no objects) and the composed node tree (for
line numbers) — or one ``BriefbookError`` naming the file (and line:column where known).

Limits, checked before any value is built, so a hostile file fails fast instead of hanging:

- ``MAX_YAML_DEPTH`` — mappings/lists nested deeper than this (``[[[[…]]]]``) are refused;
  without it PyYAML recurses until Python's stack runs out.
- ``MAX_YAML_NODES`` — the number of values after YAML aliases are expanded. A "billion
  laughs" file (``b: [*a, *a, …]``, ``c: [*b, *b, …]`` …) is a few hundred bytes but
  expands to billions of values; it is refused by counting, without expanding it.

Callers keep their own file-size limit (the brief's is ``brief.load.MAX_BRIEF_BYTES``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded

MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 200_000


class LimitedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses nesting deeper than ``MAX_YAML_DEPTH`` while composing."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _TooDeep(mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


#: Longest number a YAML value may spell, in digits of any base (Python refuses to convert
#: more than 4,300 decimal digits; no brief, catalog or project needs more than a few dozen).
MAX_INT_DIGITS = 100


def _digits(text: str, *, letters: bool) -> int:
    """How many digits ``text`` spells: sign, ``_`` and a ``0x``/``0o``/``0b`` prefix left
    out; with ``letters`` (an int: hex digits) letters count, else only 0-9 do (a float's
    exponent marker ``e`` is no digit)."""
    body = text.replace("_", "").lstrip("+-")
    if body[:2].lower() in ("0x", "0o", "0b"):
        body = body[2:]
    return sum(ch.isalnum() if letters else ch.isdigit() for ch in body)


def _refuse_long(node: Any, *, letters: bool) -> None:
    digits = _digits(str(node.value), letters=letters)
    if digits > MAX_INT_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"a number of {digits:,} digits (at most {MAX_INT_DIGITS} are read)",
            node.start_mark)


def _bounded_int(loader: Any, node: Any) -> int:
    """YAML's int constructor for every form — decimal, hex ``0x``, octal ``0o``/``017``,
    binary ``0b``, base 60 ``1:30``, signs and ``_`` — refusing a number spelled with more
    than ``MAX_INT_DIGITS`` digits before Python converts it."""
    _refuse_long(node, letters=True)
    return yaml.SafeLoader.construct_yaml_int(loader, node)


def _bounded_float(loader: Any, node: Any) -> float:
    """YAML's float constructor, refusing more than ``MAX_INT_DIGITS`` digits: a base-60 float
    of 200 parts (``1:59:59:…:59.5``) made PyYAML raise OverflowError."""
    _refuse_long(node, letters=False)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


def _checked(construct: Callable[[Any, Any], Any], what: str) -> Callable[[Any, Any], Any]:
    """``construct`` with a wrong value (``!!timestamp foo``, ``!!bool maybe``, ``!!int x``) as a
    YAML error at the value's line and column: PyYAML itself lets AttributeError, KeyError or
    a bare ValueError escape for them."""
    def constructor(loader: Any, node: Any) -> Any:
        try:
            return construct(loader, node)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            value = str(node.value)
            shown = value if len(value) <= 40 else value[:40] + "…"
            detail = f" ({exc})" if isinstance(exc, ValueError) and len(str(exc)) < 80 else ""
            raise yaml.constructor.ConstructorError(
                None, None, f"not a valid {what}: {shown!r}{detail}", node.start_mark) from None
    return constructor


LimitedLoader.add_constructor("tag:yaml.org,2002:int", _checked(_bounded_int, "integer"))
LimitedLoader.add_constructor("tag:yaml.org,2002:float", _checked(_bounded_float, "number"))
LimitedLoader.add_constructor("tag:yaml.org,2002:bool",
                              _checked(yaml.SafeLoader.construct_yaml_bool, "true/false"))
LimitedLoader.add_constructor("tag:yaml.org,2002:timestamp",
                              _checked(yaml.SafeLoader.construct_yaml_timestamp, "date"))


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


#: Largest YAML or text file read through ``read_text`` unless the caller says otherwise.
MAX_TEXT_FILE_BYTES = 10_000_000


def read_text(path: Path, what: str, limit: int = MAX_TEXT_FILE_BYTES) -> str:
    """A UTF-8 file's text, or a clear error (missing, a folder, a FIFO or device, larger than
    ``limit`` bytes, unreadable, wrong encoding). Reads at most ``limit + 1`` bytes."""
    path = Path(path)
    raw = read_bounded(path, limit, what)
    if b"\0" in raw:
        raise BriefbookError(f"binary file, not {what}", where=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BriefbookError(f"not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x})",
                             where=str(path), hint="save the file as UTF-8") from None


def expanded_size(node: yaml.Node | None, limit: int = MAX_YAML_NODES) -> int:
    """Number of values ``node`` stands for once aliases are expanded (stops past ``limit``).

    Shared nodes (aliases) are counted once per use, but each node's size is computed only
    once, so this is linear in the file even for an alias bomb.
    """
    sizes: dict[int, int] = {}

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        sizes[key] = limit + 1  # a node inside itself (recursive alias) counts as too big
        total = 1
        if isinstance(n, yaml.SequenceNode):
            children = n.value
        elif isinstance(n, yaml.MappingNode):
            children = [c for pair in n.value for c in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > limit:
                break
        sizes[key] = min(total, limit + 1)
        return sizes[key]

    return 0 if node is None else size(node)


def load_yaml(text: str, where: str, *, loader: type[LimitedLoader] = LimitedLoader,
              ) -> tuple[object, yaml.Node | None]:
    """Safe-load one YAML document with the limits above; errors name ``where:line:col``."""
    try:
        # The constructor already reads the text: a control character fails right here.
        instance = loader(text)
    except yaml.YAMLError as exc:
        raise BriefbookError(f"invalid YAML: {exc}".replace("\n", " "), where=where) from None
    try:
        node = instance.get_single_node()
        if node is not None:
            _refuse_duplicate_keys(node, where)
            if expanded_size(node) > MAX_YAML_NODES:
                raise BriefbookError(
                    f"the YAML expands to more than {MAX_YAML_NODES:,} values "
                    "(aliases repeated inside aliases?)", where=where,
                    hint="write the values out; anchors (&) and aliases (*) are for small reuse")
        data = instance.construct_document(node) if node is not None else None
    except _TooDeep as exc:
        raise BriefbookError(f"nested more than {MAX_YAML_DEPTH} levels deep",
                             where=f"{where}:{exc.mark.line + 1}:{exc.mark.column + 1}") from None
    except yaml.MarkedYAMLError as exc:
        problem, hint, mark = explain_error(exc)
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        raise BriefbookError(problem, where=at, hint=hint) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise BriefbookError(f"invalid YAML: {exc}", where=where) from None
    finally:
        instance.dispose()
    return data, node


#: PyYAML's wording of common mistakes → what is wrong and how to write it. ``{ctx}`` is the
#: line where what went wrong started (PyYAML's context mark), ``{key}`` the key on the line.
_PROBLEMS = [
    ("found character '\\t' that cannot start any token",
     "a tab character: YAML indents with spaces only",
     "replace the tab with spaces (two per level)"),
    ("found a tab character",
     "a tab character: YAML indents with spaces only",
     "replace the tab with spaces (two per level)"),
    ("could not find expected ':'",
     "a line that is neither 'key: value' nor a list item '- …'",
     "check the indentation and the ': ' after each key"),
    ("expected <block end>, but found '<block mapping start>'",
     "this line is indented more than the key above it",
     "line it up with the keys of the block that starts on line {ctx} (same number of spaces)"),
    ("did not find expected key",
     "this line does not line up with the keys above it",
     "line it up with the keys of the block that starts on line {ctx} (same number of spaces)"),
    ("expected <block end>, but found '?'",
     "this key is indented like the '- ' of the list that starts on line {ctx}, not like the "
     "keys of its item",
     "indent it like the keys of the item above it, or start a new item with '- '"),
    ("expected <block end>, but found '-'",
     "a list item '- …' where a key was expected: it does not line up with the keys above it",
     "put the list under its key (key: then the '- ' lines indented more than the key)"),
    ("expected <block end>, but found '<scalar>'",
     "text that does not fit here: after a quoted value, or not lined up with the keys above it",
     "check the line's indentation; a value with quotes inside is put in other quotes: "
     "'他说\"好\"'"),
    ("found undefined alias",
     "a '*' value names an anchor (&name) that is not defined above it",
     "define the anchor earlier in the file, or put the value in quotes if the * is text"),
    ("found unexpected end of stream",
     "a quote opened on line {ctx} is never closed: the file ends inside it",
     "close the quote on the same value (\" … \" or ' … ')"),
    ("expected ',' or ']'",
     "a [list] opened on line {ctx} is not closed, or its items lack commas",
     "close it with ] and separate the items with ', ', or write them as '- ' lines"),
    ("expected ',' or '}'",
     "a {mapping} opened on line {ctx} is not closed, or its items lack commas",
     "close it with } and separate the items with ', ', or write them as key: lines"),
]

#: Problems whose cause is where PyYAML's context mark points (the line the key or quote began).
_AT_CONTEXT = ("could not find expected ':'", "found unexpected end of stream",
               "expected ',' or")


def explain_error(exc: yaml.MarkedYAMLError) -> tuple[str, str | None, yaml.Mark | None]:
    """A PyYAML error → (message in plain words with PyYAML's own after it, hint, the mark
    to report it at: the problem's, or the context's where the mistake began)."""
    raw = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    ctx = exc.context_mark.line + 1 if exc.context_mark else None
    if exc.context_mark and any(p in raw for p in _AT_CONTEXT):
        mark = exc.context_mark
    before = _line_before(exc.problem_mark)
    message, hint = explain_problem(raw, ctx, before)
    if message.startswith("`") and before is not None and exc.problem_mark is not None:
        # an over-indented `key:` is reported where the key starts, not at its colon
        m, indent = exc.problem_mark, len(before) - len(before.lstrip(" "))
        mark = yaml.Mark(m.name, m.index - len(before) + indent, m.line, indent, m.buffer,
                         m.pointer - len(before) + indent)
    return message, hint, mark


def _line_before(mark: yaml.Mark | None) -> str | None:
    """The text of the mark's line up to the mark (None when PyYAML kept no buffer)."""
    if mark is None or not isinstance(getattr(mark, "buffer", None), str):
        return None
    start = mark.buffer.rfind("\n", 0, mark.pointer) + 1
    return mark.buffer[start:mark.pointer]


def explain_problem(problem: str, ctx: int | None = None, before: str | None = None,
                    ) -> tuple[str, str | None]:
    """PyYAML's problem text → (what is wrong in plain words, then ``(YAML: problem)``; a hint
    saying how to write it). ``ctx``: the line the mistake began on; ``before``: the problem
    line's text up to the problem (tells an over-indented ``key:`` from a ': ' in a value)."""
    if "could not determine a constructor" in problem:
        return f"YAML tag not allowed ({problem.split('tag ')[-1]}): plain data only", None
    raw = f" (YAML: {problem})"
    if "mapping values are not allowed here" in problem:
        key = before.strip() if before is not None else ""
        if before is not None and before[:1] == " " and key and " " not in key:
            return (f"`{key}:` is indented more than the line above it, so YAML reads it as "
                    "more text of that line's value" + raw,
                    f"if `{key}:` is a key, indent it like the keys above it; if it is text, "
                    "put the value in quotes")
        return ("a ': ' inside a value: YAML reads it as the start of another key" + raw,
                'put the whole value in quotes, e.g. title: "简报: 副题", or use the full-width ：')
    for pattern, message, hint in _PROBLEMS:
        if pattern in problem:
            where = str(ctx) if ctx else "above"
            return (message.replace("{ctx}", where) + raw,
                    hint.replace("{ctx}", where) if hint else None)
    return problem, None


def _refuse_duplicate_keys(root: yaml.Node, where: str) -> None:
    """A key written twice in one mapping is an error naming both lines (PyYAML keeps the
    last silently). Each node is visited once, so aliases cost nothing extra."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, yaml.Node] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                    earlier = first.setdefault(key.value, key)
                    if earlier is not key:
                        line, col = key.start_mark.line + 1, key.start_mark.column + 1
                        raise BriefbookError(
                            f"duplicate key '{key.value}': first on line "
                            f"{earlier.start_mark.line + 1}, again on line {line}",
                            where=f"{where}:{line}:{col}",
                            hint="a key may appear once in a mapping: keep one of the two")
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def load_yaml_file(path: Path, what: str) -> tuple[object, yaml.Node | None]:
    """``read_text`` then ``load_yaml``."""
    return load_yaml(read_text(path, what), str(path))
