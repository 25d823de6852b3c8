"""``briefbook metrics link`` of an entry the metric already has (issue 24, low item).

Linking the same draft entry twice wrote it twice: the catalog then counted one report as two.
Now the second link is a no-op with a message (exit 0, the catalog file byte for byte
unchanged); an entry given twice in one run is added once; one that differs from the linked
observation in its period is an error naming where the linked one is. A real project made by
``briefbook init``, a real draft, the real CLI entry point.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plugins.cli import run_in_process as run




@pytest.fixture
def drafted_project(tmp_path, capsys, monkeypatch) -> Path:
    """A new project (`init`) with a draft of one article in d.yaml; the test runs inside it."""
    root = tmp_path / "p"
    assert run(capsys, "init", str(root))[0] == 0
    monkeypatch.chdir(root)
    code, _out, err = run(capsys, "metrics", "draft", "sl-2024-01-15", "--into", "d.yaml")
    assert code == 0, err
    return root


def _entry(draft: Path, quote_part: str) -> int:
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))
    return next(e["n"] for e in data["observations"] if quote_part in e["quote"])


def _linked(root: Path) -> list[dict]:
    return yaml.safe_load((root / "corpus/metrics/linked.yaml").read_text(encoding="utf-8")
                          )["observations"]


def test_linking_the_same_entry_twice_is_a_no_op_with_a_message(drafted_project, capsys):
    n = _entry(drafted_project / "d.yaml", "新增社区养老服务站12个")
    code, out, err = run(capsys, "metrics", "link", "elderly-stations", f"d.yaml#{n}")
    assert code == 0 and "linked 1 observation(s)" in out, err
    linked = drafted_project / "corpus/metrics/linked.yaml"
    before = linked.read_bytes()
    mtime = linked.stat().st_mtime_ns
    code, out, err = run(capsys, "metrics", "link", "elderly-stations", f"d.yaml#{n}")
    assert code == 0, err
    assert f"skipped d.yaml#{n} (already at {linked}:5)" in out
    assert "nothing to link" in out and "unchanged" in out
    assert linked.read_bytes() == before and linked.stat().st_mtime_ns == mtime
    assert len(_linked(drafted_project)) == 1
    # by file (`metric:` set on the entry) it is the same entry: still not added again
    draft = drafted_project / "d.yaml"
    draft.write_text(draft.read_text(encoding="utf-8").replace(
        f"- n: {n}\n  metric: null", f"- n: {n}\n  metric: elderly-stations"), encoding="utf-8")
    code, out, _err = run(capsys, "metrics", "link", "elderly-stations", "d.yaml")
    assert code == 0 and "nothing to link" in out and linked.read_bytes() == before


def test_an_entry_given_twice_in_one_run_is_added_once(drafted_project, capsys):
    n = _entry(drafted_project / "d.yaml", "新增社区养老服务站12个")
    code, out, err = run(capsys, "metrics", "link", "elderly-stations", f"d.yaml#{n}",
                         f"d.yaml#{n}")
    assert code == 0, err
    assert f"skipped d.yaml#{n} (given twice)" in out and "linked 1 observation(s)" in out
    assert len(_linked(drafted_project)) == 1


def test_an_entry_the_project_catalog_already_has_is_skipped(drafted_project, capsys):
    """The pledge `init` wrote into metrics.yaml, as a hand-made draft entry: not added."""
    metrics = yaml.safe_load((drafted_project / "corpus/metrics.yaml").read_text(encoding="utf-8"))
    pledge = metrics["metrics"][0]["observations"][0]
    (drafted_project / "mine.yaml").write_text(yaml.safe_dump(
        {"observations": [{"n": 1, **pledge, "unit": "个"}]}, allow_unicode=True),
        encoding="utf-8")
    code, out, err = run(capsys, "metrics", "link", "elderly-stations", "mine.yaml#1")
    assert code == 0, err
    assert "mine.yaml#1 (already at" in out and "metrics.yaml:" in out
    assert "nothing to link" in out
    assert not (drafted_project / "corpus/metrics/linked.yaml").exists()


def test_the_same_entry_with_another_period_is_an_error_naming_the_linked_one(drafted_project, capsys):
    draft = drafted_project / "d.yaml"
    n = _entry(draft, "新增社区养老服务站12个")
    assert run(capsys, "metrics", "link", "elderly-stations", f"d.yaml#{n}")[0] == 0
    linked = drafted_project / "corpus/metrics/linked.yaml"
    before = linked.read_bytes()
    draft.write_text(draft.read_text(encoding="utf-8").replace("period: 2023年", "period: 2022年"),
                     encoding="utf-8")
    code, _out, err = run(capsys, "metrics", "link", "elderly-stations", f"d.yaml#{n}")
    assert code == 1
    assert "already has this observation" in err and "'2023年', not '2022年'" in err
    assert f"{linked}:5" in err and "nothing written" in err
    assert linked.read_bytes() == before
