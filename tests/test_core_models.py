"""core.models.load_model and core.suggest.did_you_mean: one reader of YAML into a typed model
(every problem at file:line:column), one did-you-mean with a documented cutoff and a budget."""

import datetime as dt

import pytest
from pydantic import BaseModel, ConfigDict, Field

from briefbook.core import suggest
from briefbook.core.errors import BriefbookError, BriefbookErrors
from briefbook.core.models import FileKind, Locator, load_model
from briefbook.core.suggest import CLOSE, LOOSE, Budget, did_you_mean


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    count: int = 0


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    day: dt.date
    items: list[Item] = Field(default_factory=list)
    note: str | None = None


THING = FileKind(noun="thing file", empty_hint="write title: and day:",
                 foreign_hint="a thing file starts with title:",
                 examples={"items": "- name: x"})


def write(tmp_path, text):
    path = tmp_path / "thing.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_gives_the_model_and_a_locator(tmp_path):
    path = write(tmp_path, "title: 甲\nday: 2021-08-01\nitems:\n  - name: a\n    count: 2\n")
    thing, locator = load_model(path, Thing, what=THING)
    assert thing == Thing(title="甲", day=dt.date(2021, 8, 1), items=[Item(name="a", count=2)])
    assert isinstance(locator, Locator)
    assert locator.where(("items", 0, "count")) == f"{path}:5:12"
    assert locator.line(("items", 0)) == 4 and locator.line(("items", 7)) is None


def test_defaults_fill_what_the_file_leaves_out(tmp_path):
    path = write(tmp_path, "title: 甲\nday: 2021-08-01\n")
    thing, _ = load_model(path, Thing, what=THING, defaults={"note": "默认", "title": "不用"})
    assert (thing.title, thing.note) == ("甲", "默认")


def test_every_problem_is_raised_at_once_at_file_line_column(tmp_path):
    path = write(tmp_path, "title: 甲\nday: 2021-13-01\nitems:\n  - nmae: a\n  - 3\ntitel: x\n")
    with pytest.raises(BriefbookErrors) as caught:
        load_model(path, Thing, what=THING)
    shown = [(e.where, e.message, e.hint) for e in caught.value.errors]
    assert (f"{path}:2:6", "day: not a date (got '2021-13-01')",
            "write the date as YYYY-MM-DD, e.g. date: 2021-08-20") in shown
    assert (f"{path}:4:5", "items[0]: missing required field 'name'", None) in shown
    assert (f"{path}:4:5", "items[0].nmae: unknown field", "did you mean 'name'?") in shown
    assert (f"{path}:5:5", "items[1]: expected fields (key: value), got a number 3",
            "write it as - name: x") in shown
    assert (f"{path}:6:1", "titel: unknown field", "did you mean 'title'?") in shown
    assert len(shown) == 5


@pytest.mark.parametrize("text, message, hint", [
    ("", "the thing file is empty", "write title: and day:"),
    ("- a\n", "(top level): a thing file is a mapping of fields, not a list", None),
    ("password: x\nuser: y\n", "this is not a thing file: none of its 2 top-level key(s) is a "
     "field of a thing file (their names are not shown)", "a thing file starts with title:"),
])
def test_a_file_that_is_not_one_is_refused_in_the_kinds_words(tmp_path, text, message, hint):
    path = write(tmp_path, text)
    with pytest.raises(BriefbookError) as caught:
        load_model(path, Thing, what=THING)
    assert (caught.value.message, caught.value.hint) == (message, hint)
    assert caught.value.where.startswith(f"{path}:1:")


def test_the_file_is_read_bounded_and_named_by_its_kind(tmp_path):
    small = FileKind(noun="thing file", empty_hint="", foreign_hint="", max_bytes=10)
    path = write(tmp_path, "title: 甲\nday: 2021-08-01\n")
    with pytest.raises(BriefbookError, match="the thing file"):
        load_model(path, Thing, what=small)
    path.write_bytes("title: 甲\n".encode("utf-16"))
    with pytest.raises(BriefbookError, match="UTF-16 text: a thing file must be UTF-8"):
        load_model(path, Thing, what=THING)


def test_did_you_mean_has_two_levels():
    assert did_you_mean("comentary", ["commentary", "charts"]) == ["commentary"]
    assert did_you_mean("就叶", ["就业", "公共卫生"]) == []             # 0.5: not CLOSE …
    assert did_you_mean("就叶", ["就业", "公共卫生"], near=LOOSE) == ["就业"]   # … but LOOSE
    assert CLOSE > LOOSE
    assert sorted(did_you_mean("a-1", ["a-2", "a-3", "b-1", "zzz"], n=3)) == ["a-2", "a-3", "b-1"]


def test_did_you_mean_is_bounded_per_call_and_per_budget(close_match_comparisons):
    compared = close_match_comparisons
    many = [f"id-{i}" for i in range(suggest.MAX_COMPARISONS + 1)]
    assert did_you_mean("id-1", many) == [] and compared == []       # too many for one call
    budget = Budget(25)
    assert did_you_mean("id-1x", [f"id-{i}" for i in range(10)], budget=budget) == ["id-1"]
    assert did_you_mean("id-2x", [f"id-{i}" for i in range(10)], budget=budget) == ["id-2"]
    assert did_you_mean("id-3x", [f"id-{i}" for i in range(10)], budget=budget) == []
    assert compared == [10, 10] and budget.left == 5
