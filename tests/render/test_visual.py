"""Page-image regression for the example books: any change to a page fails with diff images.

Baselines: tests/baselines/example-<name>/ (75 DPI greyscale). Diff images on failure:
test-artifacts/visual/example-<name>/. Update only with `pytest --update-baselines`, after
looking at the diffs.
"""

import pytest

from plugins.example import BRIEFS_DIR

EXAMPLES = sorted(p.stem for p in BRIEFS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_pages_match_baseline(example_pdfs, page_baseline, request, name):
    updating = request.config.getoption("--update-baselines")
    assert page_baseline(example_pdfs[name], f"example-{name}") == (
        "recorded" if updating else "unchanged")
