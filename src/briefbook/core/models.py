"""Typed models at the boundaries: the shared text types, and reading a YAML file into a model.

Takes: a path to a YAML file a user wrote (untrusted: a brief, ``briefbook.yaml``,
``sources.yaml``, a catalog file) and the pydantic model it should be.
Gives: ``Text`` and ``Id`` (stripped, non-empty, at most ``MAX_TEXT`` characters), used by
every file's schema; ``load_model(path, Model, what=...)`` → (the model, a ``Locator``), or one
``BriefbookErrors`` listing every problem at ``file:line:column`` — what is wrong and, where it
can guess, what was meant. The pieces are public for readers that check more than the schema
(``brief.check``): ``read_mapping`` (bounded read, safe loader with the limits of
``core.safeyaml``, dates kept as text, a file that is not of this kind refused without echoing
its keys), ``validate`` (the model, or every schema error in plain words at its position) and
``Locator`` (a YAML path such as ``sections[2].quotes[0]`` → ``file:line:column``).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, StringConstraints, ValidationError

from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.fileio import read_bounded
from briefbook.core.safeyaml import LimitedLoader, load_yaml
from briefbook.core.suggest import did_you_mean

MAX_TEXT = 200  # title, headings, keywords, ids … (characters)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]

#: Largest model file read by default (a brief, a project file): 20× the largest example.
MAX_MODEL_FILE_BYTES = 1_000_000
#: An unknown field's name is shown up to this many characters.
MAX_SHOWN_KEY = 40

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class FileKind:
    """What a kind of model file is called and how to start one, for its error messages."""

    noun: str                     # "brief", "project file": "the brief is empty", "a brief …"
    empty_hint: str               # the hint for an empty file
    foreign_hint: str             # the hint for a file none of whose keys is a field
    max_bytes: int = MAX_MODEL_FILE_BYTES
    #: field name → how to write it, for "expected fields (key: value)" errors
    examples: Mapping[str, str] = field(default_factory=dict)


def format_loc(loc: Loc) -> str:
    """``("sections", 2, "quotes")`` → ``sections[2].quotes``; ``()`` → ``(top level)``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


@dataclass(frozen=True)
class Locator:
    """Maps YAML paths to positions in one file (from its composed node tree)."""

    path: Path
    root: yaml.Node | None
    #: each mapping's keys, indexed once: an error per key of a 90,000-key mapping stays linear
    _keys: dict[int, dict] = field(default_factory=dict, repr=False, compare=False)

    def _entry(self, node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        """(key node, value node) of ``key`` in ``node`` — the first when written twice."""
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
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
                and 0 <= part < len(node.value):
            return node.value[part]
        return None

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
        """The key node of the mapping entry at ``loc`` (None: no such key)."""
        parent, _ = self.node(loc[:-1])
        if isinstance(parent, yaml.MappingNode) and isinstance(loc[-1], str):
            entry = self._entry(parent, loc[-1])
            return entry[0] if entry else None
        return None

    def line(self, loc: Loc) -> int | None:
        """The 1-based line where the value at ``loc`` starts (None: nothing there)."""
        node, exact = self.node(loc)
        return node.start_mark.line + 1 if exact and node is not None else None

    def where(self, loc: Loc, *, at_key: bool = False) -> str:
        """``file:line:column`` of the value at ``loc`` (its key with ``at_key``), or of its
        nearest ancestor written in the file."""
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


# --------------------------------------------------------------------------- reading

class _PlainLoader(LimitedLoader):
    """Safe loader (with the nesting limit) that leaves dates as text: PyYAML raises a bare
    ValueError on 2021-13-01, while the schema reports it with its position."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, noun: str = "brief", limit: int = MAX_MODEL_FILE_BYTES,
              ) -> tuple[object, yaml.Node | None]:
    """Safe-load a YAML file of at most ``limit`` bytes, keeping the node tree for positions.
    Errors name file:line and call the file ``the {noun}``."""
    raw = read_bounded(path, limit, f"the {noun}")
    if _looks_utf16(raw):
        raise BriefbookError(f"UTF-16 text: a {noun} must be UTF-8", where=str(path),
                             hint=f"save the {noun} as UTF-8 "
                                  "(in a shell: iconv -f UTF-16 -t UTF-8)")
    if b"\0" in raw:
        raise BriefbookError(f"binary file, not a YAML {noun}", where=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BriefbookError(f"not UTF-8 text (byte {exc.start}: {raw[exc.start]:#04x})",
                             where=str(path), hint=f"save the {noun} as UTF-8") from None
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


def read_mapping(path: Path, model: type[BaseModel], what: FileKind) -> tuple[dict, Locator]:
    """The file's YAML as a mapping, with its locator: an empty file, a file that is no mapping
    and a mapping none of whose keys is a field of ``model`` are refused."""
    path = Path(path)
    data, root = read_yaml(path, what.noun, what.max_bytes)
    locator = Locator(path, root)
    if data is None:
        raise BriefbookError(f"the {what.noun} is empty", where=f"{path}:1:1",
                             hint=what.empty_hint)
    if not isinstance(data, dict):
        raise locator.error((), f"a {what.noun} is a mapping of fields, not a "
                                f"{type(data).__name__}")
    refuse_foreign(data, path, model, f"a {what.noun}", hint=what.foreign_hint)
    return data, locator


def refuse_foreign(data: dict, path: Path, model: type[BaseModel], what: str,
                   hint: str) -> None:
    """Refuse a non-empty mapping none of whose top-level keys is a field of ``model``: a file
    that is not ``what`` at all (a key file, a password list) is not echoed key by key."""
    known = set(model.model_fields) | {f.alias for f in model.model_fields.values() if f.alias}
    if data and not any(isinstance(k, str) and k in known for k in data):
        raise BriefbookError(f"this is not {what}: none of its {len(data)} top-level key(s) is "
                             f"a field of {what} (their names are not shown)",
                             where=f"{path}:1:1", hint=hint)


def load_model(path: Path, model: type[M], *, what: FileKind,
               defaults: Mapping[str, object] | None = None) -> tuple[M, Locator]:
    """Read ``path`` and validate it as ``model`` (``defaults`` fill the fields it leaves out);
    raise one ``BriefbookErrors`` with every schema problem at its ``file:line:column``."""
    data, locator = read_mapping(path, model, what)
    value, errors = validate({**(defaults or {}), **data}, locator, model, what.examples)
    if errors:
        raise BriefbookErrors(errors)
    assert value is not None
    return value, locator


# --------------------------------------------------------------------------- validating

def validate(data: object, locator: Locator, model: type[M],
             examples: Mapping[str, str] | None = None) -> tuple[M | None, list[BriefbookError]]:
    """The typed ``model``, or None and every schema problem (``explain``)."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [explain(err, locator, model, examples) for err in exc.errors()]


def explain(err: Mapping[str, typing.Any], locator: Locator, model: type[BaseModel],
            examples: Mapping[str, str] | None = None) -> BriefbookError:
    """One pydantic error in the user's words, at its ``file:line:column``: an unknown field
    with a did-you-mean (its name cut to ``MAX_SHOWN_KEY`` characters), a missing one, a wrong
    kind of value with how to write it (``examples``: field → example), else pydantic's words
    with the value shown."""
    loc: Loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS))
    kind = err["type"]
    if kind == "extra_forbidden":
        known = fields_at(model, loc[:-1])
        guess = did_you_mean(str(loc[-1]), known)
        hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(known)}"
        name = str(loc[-1])
        shown = name if len(name) <= MAX_SHOWN_KEY else name[:MAX_SHOWN_KEY] + "…"
        return BriefbookError(f"{format_loc((*loc[:-1], shown))}: unknown field",
                              where=locator.where(loc, at_key=True), hint=hint)
    if kind == "missing":
        return locator.error(loc[:-1], f"missing required field '{loc[-1]}'")
    value = err.get("input")
    plain = _plain_words(kind, loc, value, examples or {})
    if plain:
        return locator.error(loc, *plain)
    message = err["msg"]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        message += f" (got {shown!r})"
    return locator.error(loc, message)


def _plain_words(kind: str, loc: Loc, value: object, examples: Mapping[str, str],
                 ) -> tuple[str, str] | None:
    """What is wrong and how to write it, for the schema errors pydantic words for programmers."""
    shown = repr(value) if isinstance(value, (str, int, float)) else type(value).__name__
    if kind.startswith(("date_", "datetime_")):
        return (f"not a date (got {shown})",
                "write the date as YYYY-MM-DD, e.g. date: 2021-08-20")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        name = loc[-1] if loc else None
        if isinstance(name, int) and len(loc) > 1:
            name = loc[-2]
        example = examples.get(str(name), "key: value lines")
        return (f"expected fields (key: value), got {_kind_of(value)} {shown}",
                f"write it as {example}")
    if kind == "list_type":
        return (f"expected a list, got {_kind_of(value)} {shown}",
                "write a list as [a, b] or as lines starting with '- '")
    if kind == "string_type":
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


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names valid at ``loc`` of ``model`` (for did-you-mean on unknown keys)."""
    annotation: object = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(part, int):
            args = list(typing.get_args(annotation))
            annotation = args[0] if args else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found = annotation.model_fields.get(part)
            annotation = found.annotation if found else None
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
