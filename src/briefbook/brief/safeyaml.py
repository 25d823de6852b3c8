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

from pathlib import Path

import yaml

from briefbook.errors import BriefbookError

MAX_YAML_DEPTH = 64
MAX_YAML_NODES = 200_000


class LimitedLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses nesting deeper than ``MAX_YAML_DEPTH`` while composing."""

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise _TooDeep(mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _TooDeep(Exception):
    def __init__(self, mark):  # type: ignore[no-untyped-def]
        self.mark = mark


#: Largest YAML or text file read through ``read_text`` unless the caller says otherwise.
MAX_TEXT_FILE_BYTES = 10_000_000


def read_text(path: Path, what: str, limit: int = MAX_TEXT_FILE_BYTES) -> str:
    """A UTF-8 file's text, or a clear error (missing, a folder, a FIFO or device, larger than
    ``limit`` bytes, unreadable, wrong encoding). Reads at most ``limit + 1`` bytes."""
    from briefbook.fileio import read_bounded

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
        mark = exc.problem_mark or exc.context_mark
        at = f"{where}:{mark.line + 1}:{mark.column + 1}" if mark else where
        problem, hint = explain_problem(exc.problem or "invalid YAML")
        raise BriefbookError(problem, where=at, hint=hint) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise BriefbookError(f"invalid YAML: {exc}", where=where) from None
    finally:
        instance.dispose()
    return data, node


#: PyYAML's wording of common mistakes → what is wrong and how to write it.
_PROBLEMS = [
    ("found character '\\t' that cannot start any token",
     "a tab character: YAML indents with spaces only",
     "replace the tab with spaces (two per level)"),
    ("found a tab character",
     "a tab character: YAML indents with spaces only",
     "replace the tab with spaces (two per level)"),
    ("mapping values are not allowed here",
     "a ': ' inside a value: YAML reads it as the start of another key",
     'put the whole value in quotes, e.g. title: "简报: 副题", or use the full-width ：'),
    ("could not find expected ':'",
     "a line that is neither 'key: value' nor a list item '- …'",
     "check the indentation and the ': ' after each key"),
]


def explain_problem(problem: str) -> tuple[str, str | None]:
    """PyYAML's problem text in plain words, and a hint saying how to write it."""
    if "could not determine a constructor" in problem:
        return f"YAML tag not allowed ({problem.split('tag ')[-1]}): plain data only", None
    for raw, message, hint in _PROBLEMS:
        if raw in problem:
            return message, hint
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
