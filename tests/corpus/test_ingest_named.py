"""An article ingested without --event: ingest names the project events its text mentions, so
the analyst can tag it (the stage finds them; the CLI only prints them)."""

from __future__ import annotations

import subprocess
import sys

from plugins.example import copy_project

from briefbook.corpus.ingest import ingest

# Written for this test: a short radio-bulletin style item that names one project event by
# its short name and no other.
BULLETIN = """\
武汉新闻广播 2021年1月8日

本台消息 记者从市发改委获悉，十三届九次全会部署的城市治理任务中，社区网格员队伍已配齐。

截至去年底，全市共配备专职网格员1.2万名。
"""


def test_ingest_without_events_reports_the_events_the_text_names(tmp_path):
    project = copy_project(tmp_path / "proj", briefs=False)
    source = tmp_path / "bulletin.txt"
    source.write_text(BULLETIN, encoding="utf-8")
    report = ingest(source, corpus_dir=project.corpus_dir, article_id="radio-2021-01-08",
                    date="2021-01-08", outlet="武汉新闻广播", title="网格员队伍配齐",
                    known_events=project.events, dry_run=True)
    assert [e.id for e in report.named] == ["13-9"]
    tagged = ingest(source, corpus_dir=project.corpus_dir, article_id="radio-2021-01-08",
                    date="2021-01-08", outlet="武汉新闻广播", title="网格员队伍配齐",
                    events=["13-9"], known_events=project.events, dry_run=True)
    assert tagged.named == ()  # tagged already: nothing to suggest


def test_the_cli_prints_the_named_events_with_what_to_do(tmp_path):
    project = copy_project(tmp_path / "proj", briefs=False)
    source = tmp_path / "bulletin.txt"
    source.write_text(BULLETIN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "briefbook", "ingest", str(source), "--id", "radio-2021-01-08",
         "--date", "2021-01-08", "--outlet", "武汉新闻广播", "--title", "网格员队伍配齐",
         "--dry-run", "--project", str(project.root)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "the text names" in result.stdout and "(13-9)" in result.stdout
    assert "ingest again with --event ID" in result.stdout
