"""Reading a brief file: YAML with line numbers, then the typed model, every error at once.

Takes: a path to a YAML brief (untrusted). Gives: a ``Brief`` plus a ``Locator`` that maps
any YAML path (``sections[2].quotes[0]``) back to ``file:line:column``. Raises
``BriefbookErrors`` listing every problem, each with its location, what is wrong and, where
it can guess, what was meant.

What a file that is not a brief gives away (errors are printed and served on the preview's
``/state``): a brief path that is a symbolic link to a file outside its project folder (outside
any project: outside the folder the path names) is refused before it is read; a mapping none
of whose top-level keys is a brief field is refused as "not a brief" without naming any of its
keys; an unknown field's name is shown cut to 40 characters.
"""

from __future__ import annotations

import difflib
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from briefbook.core.safeyaml import LimitedLoader, load_yaml
from briefbook.brief.schema import Brief
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.fileio import read_bounded

MAX_BRIEF_BYTES = 1_000_000
#: An unknown field's name is shown up to this many characters.
MAX_SHOWN_KEY = 40

Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Locator:
    """Maps YAML paths to positions in the brief file."""

    path: Path
    root: yaml.Node | None
    #: each mapping's keys, indexed once: an error per key of a 90,000-key mapping stays linear
    _keys: dict[int, dict] = field(default_factory=dict, repr=False, compare=False)

    def _entry(self, node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for key_node, value in node.value:
                index.setdefault(key_node.value if isinstance(key_node.value, str) else
                                 repr(key_node.value), (key_node, value))
            self._keys[id(node)] = index
        return index.get(key)

    def _child(self, node: yaml.Node | None, part: str | int) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            entry = self._entry(node, part)
            return entry[1] if entry else None
        return _child(node, part)

    def node(self, loc: Loc) -> tuple[yaml.Node | None, bool]:
        """The node at ``loc`` (or its nearest ancestor) and whether it was found exactly."""
        node = self.root
        for part in loc:
            child = self._child(node, part)
            if child is None:
                return node, False
            node = child
        return node, True

    def key_node(self, loc: Loc) -> yaml.Node | None:
        parent, _ = self.node(loc[:-1])
        if isinstance(parent, yaml.MappingNode) and isinstance(loc[-1], str):
            entry = self._entry(parent, loc[-1])
            return entry[0] if entry else None
        return None

    def where(self, loc: Loc, *, at_key: bool = False) -> str:
        node = self.key_node(loc) if at_key else None
        if node is None:
            node, _ = self.node(loc)
        if node is None:
            return f"{self.path}:1:1"
        mark = node.start_mark
        return f"{self.path}:{mark.line + 1}:{mark.column + 1}"

    def error(self, loc: Loc, message: str, hint: str | None = None, *,
              at_key: bool = False) -> BriefbookError:
        return BriefbookError(f"{format_loc(loc)}: {message}", where=self.where(loc, at_key=at_key),
                              hint=hint)


def _child(node: yaml.Node | None, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


class _PlainLoader(LimitedLoader):
    """Safe loader (with the nesting limit) that leaves dates as text: PyYAML raises a bare
    ValueError on 2021-13-01, while the schema reports it with its position."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> tuple[object, yaml.Node | None]:
    """Safe-load a YAML file, keeping the node tree for positions. Errors name file:line."""
    raw = read_bounded(path, MAX_BRIEF_BYTES, "the brief")
    if _looks_utf16(raw):
        raise BriefbookError("UTF-16 text: a brief must be UTF-8", where=str(path),
                             hint="save the brief as UTF-8 (in a shell: iconv -f UTF-16 -t UTF-8)")
    if b"\0" in raw:
        raise BriefbookError("binary file, not a YAML brief", where=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BriefbookError(f"not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x})",
                             where=str(path), hint="save the brief as UTF-8") from None
    return load_yaml(text, str(path), loader=_PlainLoader)


def _looks_utf16(raw: bytes) -> bool:
    """A byte-order mark, or text whose every other byte is zero (ASCII keys in UTF-16)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if len(raw) < 4 or len(raw) % 2:
        return False
    for order, zeros in (("utf-16-le", raw[1::2]), ("utf-16-be", raw[0::2])):
        if zeros.count(0) >= len(zeros) * 0.4:
            try:
                raw.decode(order)
            except UnicodeDecodeError:
                continue
            return True
    return False


def read_brief(path: Path) -> tuple[dict, Locator]:
    """Read a brief's YAML as a mapping, with its locator."""
    path = Path(path)
    refuse_link_out(path, "the brief")
    data, root = read_yaml(path)
    locator = Locator(path, root)
    if data is None:
        raise BriefbookError("the brief is empty", where=f"{path}:1:1",
                             hint="start from briefs/summary-sheet.yaml")
    if not isinstance(data, dict):
        raise locator.error((), f"a brief is a mapping of fields, not a {type(data).__name__}")
    refuse_foreign(data, path, Brief, "a brief", hint="a brief starts with title: and date:; "
                   "`briefbook schema` prints its fields")
    return data, locator


def refuse_link_out(path: Path, what: str) -> None:
    """Refuse ``path`` when symbolic links lead it out of its project folder (the nearest
    folder at or above it, by name, holding ``briefbook.yaml``; outside any project, the
    folder the path names): a project's ``briefs/x.yaml -> ~/.ssh/id_rsa`` is not read."""
    from briefbook.project import PROJECT_FILE

    absolute = Path(os.path.abspath(path))
    real = absolute.resolve()
    if real == absolute:
        return                              # no link on the way: nothing to check
    home = absolute.parent
    for folder in (absolute.parent, *absolute.parent.parents):
        if (folder / PROJECT_FILE).is_file():
            home = folder
            break
    if real.is_relative_to(home.resolve()):
        return
    raise BriefbookError(f"{what} is a symbolic link to a file outside "
                         f"{'the project folder' if home != absolute.parent else 'its folder'}"
                         f" ({home}); it was not read", where=str(path),
                         hint=f"copy the file into {home} instead of linking to it")


def refuse_foreign(data: dict, path: Path, model: type[BaseModel], what: str,
                   hint: str) -> None:
    """Refuse a non-empty mapping none of whose top-level keys is a field of ``model``: a file
    that is not ``what`` at all (a key file, a password list) is not echoed key by key."""
    known = set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}
    if data and not any(isinstance(k, str) and k in known for k in data):
        raise BriefbookError(f"this is not {what}: none of its {len(data)} top-level key(s) is "
                             f"a field of {what} (their names are not shown)",
                             where=f"{path}:1:1", hint=hint)


def validate(data: dict, locator: Locator, model: type[BaseModel] = Brief
             ) -> tuple[Brief | None, list[BriefbookError]]:
    """The typed brief (or other ``model``), or None and every schema problem."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_explain(err, locator, model) for err in exc.errors()]


def load_brief(path: Path) -> tuple[Brief, Locator]:
    """Read and validate a brief; raise every schema problem at once."""
    data, locator = read_brief(path)
    brief, errors = validate(data, locator)
    if errors:
        raise BriefbookErrors(errors)
    return brief, locator


def _explain(err: dict, locator: Locator, model: type[BaseModel] = Brief) -> BriefbookError:
    loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(known)}"
        name = str(loc[-1])
        shown = name if len(name) <= MAX_SHOWN_KEY else name[:MAX_SHOWN_KEY] + "…"
        return BriefbookError(f"{format_loc((*loc[:-1], shown))}: unknown field",
                              where=locator.where(loc, at_key=True), hint=hint)
    if kind == "missing":
        return locator.error(loc[:-1], f"missing required field '{loc[-1]}'")
    value = err.get("input")
    plain = _plain_words(kind, loc, value)
    if plain:
        return locator.error(loc, *plain)
    message = err["msg"]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        message += f" (got {shown!r})"
    return locator.error(loc, message)


def _plain_words(kind: str, loc: Loc, value: object) -> tuple[str, str] | None:
    """What is wrong and how to write it, for the schema errors pydantic words for programmers."""
    shown = repr(value) if isinstance(value, (str, int, float)) else type(value).__name__
    if kind.startswith(("date_", "datetime_")):
        return (f"not a date (got {shown})",
                "write the date as YYYY-MM-DD, e.g. date: 2021-08-20")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        field = loc[-1] if loc else "brief"
        if isinstance(field, int) and len(loc) > 1:
            field = loc[-2]
        example = {"sections": "- heading: 就业与人才", "charts": "- kind: timeline",
                   "summary": "summary: {text: 一段摘要}", "table": "table: {topics: [公共卫生]}",
                   "appendix": "appendix: {sources: true}"}.get(str(field), "key: value lines")
        return (f"expected fields (key: value), got {_kind_of(value)} {shown}",
                f"write it as {example}")
    if kind in ("list_type",):
        return (f"expected a list, got {_kind_of(value)} {shown}",
                "write a list as [a, b] or as lines starting with '- '")
    if kind in ("string_type",):
        return (f"expected text, got {_kind_of(value)} {shown}",
                'put the value in quotes if it is text, e.g. "2021"')
    if kind == "bool_type":
        return (f"expected true or false (got {shown})", "write true or false")
    return None


def _kind_of(value: object) -> str:
    return {str: "a text", int: "a number", float: "a number", list: "a list", dict: "fields",
            bool: "true/false", type(None): "nothing"}.get(type(value), type(value).__name__)


# pydantic adds union branch names such as 'list[str]' or "literal['all']" to locations.
_UNION_TAGS = {"list[str]", "literal['all']", "function-after[", "constrained-str"}


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names valid at ``loc`` (for did-you-mean on unknown keys)."""
    annotation: object = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = [a for a in typing.get_args(annotation)]
            annotation = args[0] if args else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part)
            annotation = field.annotation if field else None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: object) -> object:
    """Strip Optional[...] so we reach the model or list inside."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return arg
    return annotation
