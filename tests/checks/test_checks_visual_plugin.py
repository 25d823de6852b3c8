"""The page_baseline fixture: a committed baseline, and the failure path."""

from __future__ import annotations

import pytest

from plugins.visual import check_page_baseline


def test_sample_document_matches_committed_baseline(page_baseline, docs):
    # tests/baselines/checks-sample/ was recorded with --update-baselines and looked at.
    # ("recorded" only under --update-baselines; a missing baseline fails the test)
    assert page_baseline(docs["base"].pdf, "checks-sample") in {"unchanged", "recorded"}


def test_failure_names_pages_percent_and_bbox(tmp_path, docs):
    roots = dict(baselines_root=tmp_path / "baselines", artifacts_root=tmp_path / "artifacts")
    with pytest.raises(pytest.fail.Exception, match="no baseline"):
        check_page_baseline(docs["base"].pdf, "doc", **roots)
    assert (tmp_path / "artifacts" / "doc" / "page-001-actual.png").exists()
    assert not (tmp_path / "baselines" / "doc").exists()  # never recorded silently
    assert check_page_baseline(docs["base"].pdf, "doc", update=True, **roots) == "recorded"
    assert check_page_baseline(docs["base"].pdf, "doc", **roots) == "unchanged"
    with pytest.raises(pytest.fail.Exception) as info:
        check_page_baseline(docs["font"].pdf, "doc", **roots)
    message = str(info.value)
    assert "page 1: changed" in message and "%" in message and " mm" in message
    assert "--update-baselines" in message
    artifacts = tmp_path / "artifacts" / "doc"
    assert {p.name for p in artifacts.iterdir()} == {
        "page-001-expected.png", "page-001-actual.png", "page-001-diff.png", "summary.json"}


def test_bad_baseline_names_are_rejected(tmp_path, docs):
    with pytest.raises(ValueError):
        check_page_baseline(docs["base"].pdf, "../escape", baselines_root=tmp_path,
                            artifacts_root=tmp_path)
