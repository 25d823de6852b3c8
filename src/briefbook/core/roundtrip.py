"""Editing a YAML file in its own text: a few values changed, list entries dropped or added,
and every other character as the file had it.

Takes: a file's text (the caller reads it through ``core.safeyaml.read_text``) and what to
change: scalar values, found by their nodes (``rewrite_scalar``), or the entries of a block list
under a top-level key (``edit_list``: the list made to hold given entries; ``append_to_list``).
Gives: the new text, read back with ``core.safeyaml.load_yaml`` and checked to hold exactly the
data meant (``checked``) — comments (at the top, between entries, at the end of a line), blank
lines, key order, quoting, indentation and line breaks kept outside the entries changed; or a
``BriefbookError`` naming the file, and the caller writes nothing.

How: the text is read once, by the project's safe loader (its limits on size, depth and
aliases first; no objects built, no second parser), whose node tree says where each value
starts and ends. A value is changed by replacing its characters (a ``Splice``); a list entry
is its lines, from its ``-`` to the line before the next entry's (comment lines right below it,
indented deeper than its ``-``, are its own; comments at its ``-`` or left of it belong to what
follows). New entries are written by PyYAML's safe dumper (width 100, as ``save_sources`` and
``metrics link`` always wrote them), at the column of the entries beside them, nested lists
indented the way the file indents them, separated by a blank line where the file's are.

Why not ruamel.yaml's round trip: it keeps comments but lays the whole file out again — long
values re-wrapped to its width, flow lists re-flowed, every block indented one way. On this
project's own files, loaded and dumped with nothing changed, ruamel.yaml 0.19.1 gave
``sources.yaml`` back with a note re-wrapped and ``metrics.yaml`` with 467 of its lines changed
(its metrics sit at the margin, their observations indented), whatever the settings.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from briefbook.core.errors import BriefbookError
from briefbook.core.safeyaml import load_yaml

#: A place in the data: keys and list indexes (``("metrics", 3, "observations", 0)``).
Loc = tuple[str | int, ...]
#: Where new entries are wrapped (PyYAML's ``width``).
WIDTH = 100


@dataclass(frozen=True)
class Splice:
    """Characters ``start:end`` of a text replaced by ``text`` (inserted, when they are equal)."""

    start: int
    end: int
    text: str


def apply(text: str, splices: Iterable[Splice]) -> str:
    """``text`` with every splice made. One splice given twice (a value a YAML alias repeats)
    is made once; splices that overlap are a mistake of the caller (``ValueError``)."""
    out: list[str] = []
    at = 0
    for s in sorted(set(splices), key=lambda s: (s.start, s.end, s.text)):
        if s.start < at:
            raise ValueError(f"overlapping edits at character {s.start}")
        out += [text[at:s.start], s.text]
        at = s.end
    out.append(text[at:])
    return "".join(out)


def checked(text: str, expected: object, where: str, *, what: str) -> str:
    """``text``, once the safe loader reads it back as ``expected``; else an error (the edit
    would not say what was meant: the caller writes nothing)."""
    data, _ = load_yaml(text, where)
    if data != expected:
        raise BriefbookError(f"cannot change {what} in place: the edited file would not read "
                             "back as intended, so nothing was changed", where=where,
                             hint="YAML aliases (*name), escapes or an unusual layout there? "
                                  "make the change by hand")
    return text


# --------------------------------------------------------------------------- values

def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of ``key`` in mapping ``node``, or None. (A key given by a ``<<`` merge and
    again in the mapping: the mapping's own, as the loader reads it.)"""
    found = None
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found = v
    return found


def scalars_at(node: yaml.Node | None, pattern: Loc, loc: Loc = ()
               ) -> Iterator[tuple[Loc, yaml.ScalarNode]]:
    """The string scalars at ``pattern`` under ``node`` (a key; an index; ``"*"``: each item of a
    list), with their places in the data. A node a YAML alias repeats is given at each place."""
    if not pattern:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
            yield loc, node
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                yield from scalars_at(item, rest, (*loc, i))
    elif isinstance(head, int):
        if isinstance(node, yaml.SequenceNode) and 0 <= head < len(node.value):
            yield from scalars_at(node.value[head], rest, (*loc, head))
    else:
        yield from scalars_at(value_node(node, head), rest, (*loc, head))


def set_at(data: Any, loc: Loc, value: object) -> None:
    """Set the value at ``loc`` (every step of which exists) in plain data."""
    for step in loc[:-1]:
        data = data[step]
    data[loc[-1]] = value


def rewrite_scalar(text: str, node: yaml.ScalarNode, change: Callable[[str], str]
                   ) -> Splice | None:
    """``change`` made to the characters that write ``node`` (None: it changes nothing).

    Right for a change within a token that needs no quoting — an id for an id, a path for a
    path — where the value is written as it is (plain, quoted, or a block); the caller makes
    the same change to the value and ``checked`` compares the two."""
    start, end = node.start_mark.index, node.end_mark.index
    source = text[start:end]
    new = change(source)
    return None if new == source else Splice(start, end, new)


# --------------------------------------------------------------------------- lines

def line_of(text: str, index: int) -> int:
    """The 1-based line of character ``index``."""
    return text.count("\n", 0, index) + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _next_line(text: str, index: int) -> int:
    """Where the line after the one holding character ``index`` starts (or the text's end)."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _dash(text: str, item: yaml.Node, where: str) -> int:
    """Where the ``-`` of a block list's ``item`` is: on the item's line before it, or alone
    (perhaps with a comment) on a line above it."""
    start = item.start_mark.index
    before = text[_line_start(text, start):start]
    if before.strip(" ") == "":             # the item starts its line: the dash is above
        above = _line_start(text, _line_start(text, start) - 1)
        before = text[above:_line_start(text, start) - 1].split("#", 1)[0]
        start = above + len(before)
    stripped = before.rstrip(" ")
    if stripped.endswith("-"):
        return start - len(before) + len(stripped) - 1
    raise BriefbookError(f"line {line_of(text, start)}: cannot tell where this list entry starts "
                         "(its '- ' is not on its line or the line above)", where=where,
                         hint="write the entry as '- key: value' lines, then run it again")


@dataclass(frozen=True)
class _Region:
    """A list entry's lines ``start:end`` and the column of its ``-``."""

    start: int
    end: int
    column: int


def _regions(text: str, seq: yaml.SequenceNode, where: str) -> list[_Region]:
    """The lines of each entry of block list ``seq``."""
    items = seq.value
    starts = [item.start_mark.index for item in items]
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)) or \
            not all(seq.start_mark.index <= s <= seq.end_mark.index for s in starts):
        raise BriefbookError(f"line {line_of(text, seq.start_mark.index)}: an entry of this "
                             "list is a YAML alias (*name), so its lines cannot be edited",
                             where=where, hint="write the entry out, then run it again")
    dashes = [_dash(text, item, where) for item in items]
    end = seq.end_mark.index
    last = _line_start(text, end) if text[_line_start(text, end):end].strip() == "" else end
    regions = []
    for i, dash in enumerate(dashes):
        start = _line_start(text, dash)
        limit = _line_start(text, dashes[i + 1]) if i + 1 < len(dashes) else last
        regions.append(_Region(start, _own_end(text, dash, limit, dash - start), dash - start))
    return regions


def _own_end(text: str, dash: int, limit: int, column: int) -> int:
    """The end of an entry's own lines: its ``-`` line and the lines up to ``limit`` that are
    content, or comments indented deeper than its ``-`` (blank lines only between them)."""
    end = pos = _next_line(text, dash)
    while pos < limit:
        nxt = min(_next_line(text, pos), limit)
        line = text[pos:nxt]
        body = line.strip()
        if body and (not body.startswith("#") or _indent(line) > column):
            end = nxt
        pos = nxt
    return end


def _blank_before(text: str, start: int) -> bool:
    """Whether the line before the one starting at ``start`` is blank."""
    return start > 0 and text[_line_start(text, start - 1):start].strip() == ""


def _gap(text: str, regions: list[_Region]) -> int:
    """1 when the file separates its last two entries with a blank line, else 0."""
    if len(regions) < 2:
        return 0
    between = text[regions[-2].end:regions[-1].start]
    return int(any(not line.strip() for line in between.splitlines()))


def _indented(text: str, seq: yaml.SequenceNode, key: yaml.Node) -> bool:
    """Whether the file indents a list below its key (``key:`` then ``  - a``) rather than at
    the key's column: as a list inside the entries does, else as ``seq`` itself does."""
    for item in seq.value[:20]:
        if isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                if isinstance(v, yaml.SequenceNode) and not v.flow_style and v.value:
                    return v.start_mark.column > k.start_mark.column
    return seq.start_mark.column > key.start_mark.column


class _IndentedLists(yaml.SafeDumper):
    """PyYAML's safe dumper, a list under a key indented below it (``key:`` / ``  - a``)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render(items: Sequence[object], column: int, *, indented: bool = False,
           newline: str = "\n") -> str:
    """``items`` as block-list entries whose ``-`` is at ``column``, written by PyYAML's safe
    dumper (keys in their order, text as UTF-8, wrapped at ``WIDTH``)."""
    body = yaml.dump(list(items), Dumper=_IndentedLists if indented else yaml.SafeDumper,
                     allow_unicode=True, sort_keys=False, width=WIDTH, default_flow_style=False)
    pad = " " * column
    text = "".join(pad + line if line.strip() else line
                   for line in body.splitlines(keepends=True))
    return text.replace("\n", newline) if newline != "\n" else text


# --------------------------------------------------------------------------- lists

def _top(text: str, where: str, what: str) -> tuple[dict[Any, Any], yaml.MappingNode | None]:
    """The file's data and node as a block mapping (an empty or comment-only file: ``{}``)."""
    data, root = load_yaml(text, where)
    if data is None:
        return {}, None
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise BriefbookError(f"{what} is not a block mapping (key: value lines)", where=where,
                             hint="write it as `key:` lines, then run it again")
    return data, root


def _key_node(root: yaml.MappingNode | None, key: str) -> yaml.ScalarNode | None:
    found = None
    for k, _ in root.value if root is not None else []:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            found = k
    return found


def _is_block_list(node: yaml.Node | None) -> bool:
    return isinstance(node, yaml.SequenceNode) and not node.flow_style and bool(node.value)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _as_block(text: str, key: str, key_node: yaml.ScalarNode | None, value: yaml.Node | None,
              items: Sequence[object]) -> list[Splice]:
    """``key``'s value written anew as a block list of ``items`` (``[]`` when none): the value
    was missing, empty (``[]``, ``~``, nothing) or a flow list ``[a, b]``."""
    nl = _newline(text)
    if key_node is None or value is None:      # no such key: it goes at the end of the file
        lead = "" if not text or text.endswith("\n") else nl
        body = render(items, 0, newline=nl) if items else ""
        return [Splice(len(text), len(text), f"{lead}{key}:{' []' if not items else ''}{nl}"
                       + body)]
    colon = text.index(":", key_node.end_mark.index)
    start, end = value.start_mark.index, value.end_mark.index
    if not items:
        return [Splice(colon + 1, end, " []")]
    at = _next_line(text, max(end - 1, colon))
    lead = "" if at > 0 and text[at - 1] == "\n" else nl
    column = key_node.start_mark.column
    return [Splice(colon + 1, max(end, start), ""),
            Splice(at, at, lead + render(items, column, newline=nl))]


def edit_list(text: str, where: str, key: str, items: Sequence[Any], *,
              ident: Callable[[Any], Hashable], same: Callable[[Any, Any], bool],
              what: str) -> str:
    """The text with the list under top-level ``key`` holding ``items``, matched to the entries
    it has by ``ident`` (an id): an entry that stays, and is ``same`` as its item, keeps its
    lines; one that goes loses its lines (and a blank line, where one is left on each side);
    a new one is written where it comes in ``items``; a changed one is written anew in place.
    ``what`` names the file in messages."""
    data, root = _top(text, where, what)
    key_node, value = _key_node(root, key), value_node(root, key)
    old = data.get(key)
    if not _is_block_list(value) or not isinstance(old, list) or not isinstance(value,
                                                                                yaml.SequenceNode):
        if (old or []) == list(items):
            return text
        return checked(apply(text, _as_block(text, key, key_node, value, items)),
                       {**data, key: list(items)}, where, what=what)
    assert key_node is not None
    splices, expected = _list_splices(text, where, key_node, value, old, items, ident, same)
    if not expected:
        colon = text.index(":", key_node.end_mark.index)
        splices.append(Splice(colon + 1, colon + 1, " []"))
    return checked(apply(text, splices), {**data, key: expected}, where, what=what)


def _list_splices(text: str, where: str, key_node: yaml.ScalarNode, seq: yaml.SequenceNode,
                  old: list[Any], items: Sequence[Any], ident: Callable[[Any], Hashable],
                  same: Callable[[Any, Any], bool]) -> tuple[list[Splice], list[Any]]:
    """The splices that turn block list ``seq`` (data ``old``) into ``items``, and the list the
    text will then hold."""
    regions = _regions(text, seq, where)
    nl, gap = _newline(text), _gap(text, regions)
    indented = _indented(text, seq, key_node)

    def entries(new: Sequence[Any], column: int) -> str:
        return _entries(new, column, indented, nl, gap)

    splices: list[Splice] = []
    expected: list[Any] = []
    matcher = difflib.SequenceMatcher(None, [ident(o) for o in old], [ident(n) for n in items],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if same(old[i], items[j]):
                    expected.append(old[i])
                else:
                    r = regions[i]
                    splices.append(Splice(r.start, r.end, entries([items[j]], r.column)))
                    expected.append(items[j])
            continue
        dropped = [_drop(text, regions[i]) for i in range(i1, i2)]
        new = list(items[j1:j2])
        expected += new
        if new and i1 < len(regions):           # before the entry that follows
            r = regions[i1]
            insert = Splice(r.start, r.start, entries(new, r.column) + nl * gap)
        elif new:                               # after the last entry
            insert = _after_last(text, regions, new, indented)
        splices += dropped + ([insert] if new else [])
    return splices, expected


def _drop(text: str, region: _Region) -> Splice:
    """An entry's lines removed; with a blank line above them, the blank lines below go too."""
    end = region.end
    if _blank_before(text, region.start):
        while end < len(text) and text[end:_next_line(text, end)].strip() == "":
            end = _next_line(text, end)
    return Splice(region.start, end, "")


def append_to_list(text: str, where: str, key: str, items: Sequence[Any], *, what: str) -> str:
    """The text with ``items`` added at the end of the list under top-level ``key`` (the key
    made, at the end of the file, when there is none)."""
    data, root = _top(text, where, what)
    key_node, value = _key_node(root, key), value_node(root, key)
    old = data.get(key)
    if old is not None and not isinstance(old, list):
        raise BriefbookError(f"`{key}:` is not a list", where=where,
                             hint=f"make `{key}:` a list of entries (- …)")
    if not items:
        return text
    everything = [*(old or []), *items]
    if _is_block_list(value) and isinstance(value, yaml.SequenceNode) and key_node is not None:
        regions = _regions(text, value, where)
        splices = [_after_last(text, regions, items, _indented(text, value, key_node))]
    else:
        splices = _as_block(text, key, key_node, value, everything)
    return checked(apply(text, splices), {**data, key: everything}, where, what=what)


def _after_last(text: str, regions: list[_Region], items: Sequence[Any], indented: bool
                ) -> Splice:
    """``items`` written after the last entry (``regions[-1]``), like it."""
    nl, gap, last = _newline(text), _gap(text, regions), regions[-1]
    lead = "" if text[last.end - 1:last.end] == "\n" else nl
    return Splice(last.end, last.end, lead + nl * gap + _entries(items, last.column, indented,
                                                                  nl, gap))


def _entries(items: Sequence[Any], column: int, indented: bool, nl: str, gap: int) -> str:
    """``items`` as entries at ``column``, a blank line between them where ``gap``."""
    return (nl * gap).join(render([item], column, indented=indented, newline=nl)
                           for item in items)
