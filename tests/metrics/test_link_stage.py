"""``metrics.link.link_into_project``: the ``metrics link`` stage called without the CLI.

A project made by ``scaffold.init_project``, a draft written by ``draftfile.write_draft``;
the stage picks the target (``CORPUS/metrics/linked.yaml`` unless ``into``), writes it
atomically only when something was added, and returns what it did.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from briefbook.core.errors import BriefbookError
from briefbook.metrics.draftfile import write_draft
from briefbook.metrics.link import LinkOptions, link_into_project, linked_path
from briefbook.project import load_project
from briefbook.scaffold import init_project


@pytest.fixture
def drafted(tmp_path):
    """(project, draft file, n of the entry quoting 新增社区养老服务站12个)."""
    project = load_project(init_project(tmp_path / "p").root)
    draft = tmp_path / "d.yaml"
    made = write_draft(project, "sl-2024-01-15", draft)
    assert made.path == draft and made.candidates > 0
    entries = yaml.safe_load(draft.read_text(encoding="utf-8"))["observations"]
    n = next(e["n"] for e in entries if "新增社区养老服务站12个" in e["quote"])
    return project, draft, n


def test_link_writes_the_default_target_and_says_what_it_did(drafted):
    project, draft, n = drafted
    target = linked_path(project)
    assert target == project.corpus_dir / "metrics" / "linked.yaml"
    done = link_into_project(project, "elderly-stations", [f"{draft}#{n}"])
    assert done.target == target and done.written and done.added == 1 and not done.skipped
    assert done.metric.id == "elderly-stations"
    linked = yaml.safe_load(target.read_text(encoding="utf-8"))["observations"]
    assert [o["metric"] for o in linked] == ["elderly-stations"]
    assert "新增社区养老服务站12个" in linked[0]["quote"]

    before = target.read_bytes()                 # a second link: nothing added, nothing written
    again = link_into_project(project, "elderly-stations", [f"{draft}#{n}"])
    assert not again.written and again.added == 0 and len(again.skipped) == 1
    assert target.read_bytes() == before


def test_link_into_another_file_and_a_new_metric(drafted, tmp_path):
    project, draft, n = drafted
    into = project.corpus_dir / "metrics" / "mine.yaml"
    done = link_into_project(project, "stations-new", [f"{draft}#{n}"],
                             LinkOptions(new=True, label="社区养老服务站", into=into))
    assert done.target == into and done.added == 1
    assert not linked_path(project).exists()
    metric = yaml.safe_load(into.read_text(encoding="utf-8"))["metrics"][0]
    assert (metric["id"], metric["label"]) == ("stations-new", "社区养老服务站")


def test_an_unknown_metric_is_an_error_and_nothing_is_written(drafted):
    project, draft, n = drafted
    with pytest.raises(BriefbookError, match="unknown metric id .no-such-metric-at-all."):
        link_into_project(project, "no-such-metric-at-all", [f"{draft}#{n}"])
    assert not Path(linked_path(project)).exists()
