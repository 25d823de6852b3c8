"""Giant integers in any YAML form are a clear error at file:line:column, never an internal
error (issue 24: Python refuses to convert more than 4,300 digits; a hex or sexagesimal value
in a brief, the catalog or briefbook.yaml used to end in "internal error: ValueError"). So are
a base-60 float too big for a float (OverflowError) and a value an explicit tag cannot read
(``!!timestamp foo``: AttributeError, ``!!bool maybe``: KeyError)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from briefbook.corpus import load_project_corpus
from plugins.example import copy_project

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]
HEX = "0x" + "f" * 4500
DECIMAL = "9" * 5000
SEXAGESIMAL = "1:" + ":".join(["59"] * 3000)


def run(*args, cwd=None):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("number", [HEX, DECIMAL, SEXAGESIMAL], ids=["hex", "decimal", "base60"])
def test_a_giant_integer_in_a_brief_is_an_error_at_its_place(tmp_path, number):
    brief = tmp_path / "brief.yaml"
    brief.write_text(f"title: 超大城市治理简报\ndate: 2021-08-01\nedition: {number}\n",
                     encoding="utf-8")
    done = run("check", brief)
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith(f"error: {brief}:3:10: a number of "), done.stderr
    assert "(at most 100 are read)" in done.stderr and "internal error" not in done.stderr


def test_a_giant_integer_in_the_catalog_or_the_project_file(tmp_path):
    project = copy_project(tmp_path / "p", briefs=False)
    catalog = project.root / "corpus" / "metrics.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text + f"# a bad one\nobservations: {HEX}\n", encoding="utf-8")
    done = run("metrics", cwd=project.root)
    assert done.returncode == 1 and "a number of 4,500 digits" in done.stderr, done.stderr
    assert str(catalog) in done.stderr and "internal error" not in done.stderr
    catalog.write_text(text, encoding="utf-8")
    config = project.root / "briefbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra: {DECIMAL}\n",
                      encoding="utf-8")
    done = run("sources", cwd=project.root)
    assert done.returncode == 1 and "a number of 5,000 digits" in done.stderr, done.stderr
    assert str(config) in done.stderr and "internal error" not in done.stderr


def test_an_ordinary_integer_still_loads(tmp_path):
    from briefbook.core.safeyaml import load_yaml

    data, _ = load_yaml("a: 0x1f\nb: 1_000\nc: 1:30\nd: " + "9" * 100 + "\n", "t.yaml")
    assert data == {"a": 31, "b": 1000, "c": 90, "d": int("9" * 100)}


#: Every YAML 1.1 int form PyYAML reads, and the float forms, each far past the limit: (the
#: value as written, the digits it spells).
FORMS = {
    "hex": ("0x" + "f" * 4500, 4500),
    "hex, signed, underscores": ("-0x" + "_ff" * 2200, 4400),
    "octal": ("0" + "7" * 4500, 4501),
    "binary": ("0b" + "1" * 15000, 15000),
    "base 60": (SEXAGESIMAL, 6001),
    "decimal, signed, underscores": ("+" + "9_999" * 1100, 4400),
    "base-60 float": ("1:" + ":".join(["59"] * 300) + ".5", 602),
    "long float": ("-1." + "9" * 5000, 5001),
}


def _error(call):
    from briefbook.core.errors import BriefbookError, BriefbookErrors

    with pytest.raises(BriefbookError) as caught:
        call()
    errors = caught.value.errors if isinstance(caught.value, BriefbookErrors) else [caught.value]
    return errors[0]


@pytest.mark.parametrize("form", FORMS)
def test_every_number_form_is_refused_at_its_place_in_brief_catalog_and_project(tmp_path, form):
    """The three kinds of YAML file the tool reads, in process (the CLI runs above): each form
    is an error naming file, line and column and the number of digits, not an exception."""
    from briefbook.brief.load import read_brief
    from briefbook.metrics import load_catalog
    from briefbook.project import load_project

    number, digits = FORMS[form]
    expected = f"a number of {digits:,} digits (at most 100 are read)"
    brief = tmp_path / "brief.yaml"
    brief.write_text(f"title: 简报\ndate: 2021-08-01\nedition: {number}\n", encoding="utf-8")
    error = _error(lambda: read_brief(brief))
    assert (error.where, error.message) == (f"{brief}:3:10", expected)

    project = copy_project(tmp_path / "p", briefs=False)
    catalog = project.root / "corpus" / "metrics.yaml"
    lines = catalog.read_text(encoding="utf-8").splitlines()
    at = lines.index("      value: 250000") + 1
    lines[at - 1] = f"      value: {number}"
    catalog.write_text("\n".join(lines) + "\n", encoding="utf-8")
    error = _error(lambda: load_catalog(load_project_corpus(project)))
    assert (error.where, error.message) == (f"{catalog}:{at}:14", expected)

    config = project.root / "briefbook.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"extra: {number}\n",
                      encoding="utf-8")
    line = config.read_text(encoding="utf-8").count("\n")
    error = _error(lambda: load_project(project.root))
    assert (error.where, error.message) == (f"{config}:{line}:8", expected)


@pytest.mark.parametrize("value, message", [
    ("!!timestamp foo", "not a valid date: 'foo'"),
    ("!!timestamp 99999-01-01", "not a valid date: '99999-01-01'"),
    ("!!bool maybe", "not a valid true/false: 'maybe'"),
    ("!!int 1.5", "not a valid integer: '1.5'"),
])
def test_a_value_its_tag_cannot_read_is_an_error_at_its_place(value, message):
    from briefbook.core.safeyaml import load_yaml

    error = _error(lambda: load_yaml(f"title: 简报\nedition: {value}\n", "t.yaml"))
    assert error.where == "t.yaml:2:10" and error.message.startswith(message), error


def test_ordinary_numbers_of_every_form_still_load():
    from briefbook.core.safeyaml import load_yaml

    data, _ = load_yaml("a: -0x_1f\nb: 0b101\nc: 017\nd: +1_000\ne: -1:30\nf: 1:30.5\n"
                        "g: 1_000.5\nh: 0x" + "f" * 100 + "\ni: .inf\n", "t.yaml")
    assert data == {"a": -31, "b": 5, "c": 15, "d": 1000, "e": -90, "f": 90.5, "g": 1000.5,
                    "h": int("f" * 100, 16), "i": float("inf")}


# --- big numbers in article text ---------------------------------------------------------------

ARTICLE = ("武汉新建项目统计\n\n长江日报讯 今年全市新建项目" + "9" * 4400 + "个，新建学校12所，"
           "建成" + "一" * 60 + "座桥。\n")


def test_a_number_too_long_to_be_a_figure_is_no_quantity_and_says_where():
    """A 4,400-digit run, or a 60-character Chinese numeral, is a token of kind ``overlong``
    at its place; the figures around it are read as before."""
    from briefbook.metrics.extract import extract_mentions
    from briefbook.metrics.numbers import scan

    tokens = scan(ARTICLE)
    long = [(t.kind, t.start, t.end) for t in tokens if t.kind == "overlong"]
    at = ARTICLE.index("9")
    assert long == [("overlong", at, at + 4401),                 # the digits and 个
                    ("overlong", ARTICLE.index("一"), ARTICLE.index("座") + 1)]
    mentions = extract_mentions(ARTICLE)
    assert [(m.value, m.unit) for m in mentions] == [(12, "所")]
    assert [t.kind for t in scan("新建项目" + "9" * 24 + "个")] == ["quantity"]   # MAX_DIGITS


def test_extract_and_draft_of_an_article_with_a_giant_number(tmp_path):
    """``extract`` of a file and of an ingested article, and ``metrics draft`` of it, end
    cleanly with the article's real figure (each was "internal error: ValueError")."""
    project = copy_project(tmp_path / "p", briefs=False)
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    done = run("extract", article)
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    assert "1 mentions" in done.stdout and "新建学校12所" not in done.stderr
    done = run("ingest", article, "--id", "giant-2021-08-01", "--date", "2021-08-01",
               "--outlet", "长江日报", "--title", "武汉新建项目统计", cwd=project.root)
    assert done.returncode == 0, done.stderr
    done = run("metrics", "draft", "giant-2021-08-01", cwd=project.root)
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    assert "quote: 新建学校12所" in done.stdout and "9999" not in done.stdout
    done = run("extract", "giant-2021-08-01", "--json", cwd=project.root)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"value":') == 1 and '"value": 12,' in done.stdout
