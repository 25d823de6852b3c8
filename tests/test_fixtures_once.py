"""Each fixture name is defined once in the tests tree.

Takes: every .py file under tests/ (parsed with ast, never imported). Gives: a failure naming
each fixture defined more than once, with every place it is defined — a second definition
silently shadows the first for the tests beside it, so two fixtures of one name mean two
meanings. Give the second a name that says how it differs, or share the first (a conftest or
a plugin in tests/plugins).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def fixture_name(node: ast.AST) -> str | None:
    """The name a function is registered under if it is a pytest fixture, else None."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return None
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        if ast.unparse(target) not in ("pytest.fixture", "fixture"):
            continue
        for keyword in call.keywords if call else []:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return node.name
    return None


def fixture_definitions(root: Path) -> dict[str, list[str]]:
    """Fixture name → the places (path:line) it is defined, for every .py file under root."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        if "node_modules" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            name = fixture_name(node)
            if name is not None:
                found[name].append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_no_fixture_name_is_defined_twice():
    found = fixture_definitions(TESTS)
    assert len(found) > 50, "the walk found too few fixtures; is it looking in tests/?"
    twice = {name: places for name, places in found.items() if len(places) > 1}
    assert not twice, "fixtures defined more than once:\n" + "\n".join(
        f"  {name}: {', '.join(places)}" for name, places in sorted(twice.items()))


def test_the_check_sees_plain_called_and_renamed_fixtures(tmp_path):
    (tmp_path / "a.py").write_text(
        "import pytest\nfrom pytest import fixture\n"
        "@pytest.fixture\ndef one(): ...\n"
        "@pytest.fixture(scope='module')\ndef two(): ...\n"
        "@fixture(name='three')\ndef _three(): ...\n"
        "def not_a_fixture(): ...\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text(
        "import pytest\nclass TestX:\n    @pytest.fixture\n    def one(self): ...\n",
        encoding="utf-8")
    assert fixture_definitions(tmp_path) == {
        "one": ["a.py:4", "sub/b.py:4"], "two": ["a.py:6"], "three": ["a.py:8"]}
