"""The README's example brief is a valid brief (documentation that cannot rot silently)."""

import re

from briefbook.render import Renderer
from plugins.example import REPO, example_project


def test_readme_brief_example_checks(tmp_path):
    readme = (REPO / "README.md").read_text("utf-8")
    block = re.search(r"## Writing a brief\s+```yaml\n(.*?)```", readme, re.S).group(1)
    brief = tmp_path / "example.yaml"
    brief.write_text(block, "utf-8")
    checked = Renderer(example_project()).check(brief)
    assert checked.sections[0].quotes == ["hbrb-2020-06-29/s2/p1"]
