"""Metrics commands: ``metrics`` (the verified catalog with statuses) and ``extract``.

Takes: the command line; ``--corpus DIR`` defaults to the project's corpus and ``--catalog
FILE`` to that corpus folder's ``metrics.yaml``.
Gives: a readable table (or ``--json``: per metric id, label, unit, topic, status,
status_reason, ratio and observations with plain-number values); ``extract`` lists every
number-with-unit mention in an article, section, paragraph or text file with its
pledged/reported guess and, for corpus text, the paragraph id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from briefbook.cli import app
from briefbook.corpus import load_corpus
from briefbook.errors import BriefbookError
from briefbook.metrics.catalog import TOPICS, Metric, load_catalog
from briefbook.metrics.extract import extract_mentions
from briefbook.metrics.status import Status
from briefbook.paths import CORPUS_DIR

CorpusOpt = Annotated[Path, typer.Option("--corpus", help="corpus folder", file_okay=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def metric_json(m: Metric) -> dict[str, Any]:
    return {
        "id": m.id, "label": m.label, "unit": m.unit, "topic": m.topic,
        "status": m.status.value, "status_reason": m.status_reason, "ratio": m.ratio,
        "note": m.note,
        "observations": [
            {"kind": o.kind, "value": o.value, "unit": o.unit, "qualifier": o.qualifier,
             "display": o.display, "period": o.period, "progress": o.progress,
             "source": o.source, "published": o.published.isoformat() if o.published else None,
             "quote": o.quote}
            for o in m.observations],
    }


@app.command()
def metrics(topic: Annotated[str | None, typer.Option("--topic", help="only this topic")] = None,
            status: Annotated[str | None, typer.Option("--status", help="only this status")] = None,
            corpus: CorpusOpt = CORPUS_DIR,
            catalog: Annotated[Path | None, typer.Option(
                "--catalog", help="metrics YAML [default: the corpus folder's metrics.yaml]",
                dir_okay=False)] = None,
            as_json: JsonOpt = False) -> None:
    """The metrics catalog, verified against the corpus, with pledge statuses."""
    if topic is not None and topic not in TOPICS:
        raise BriefbookError(f"unknown topic {topic!r}", hint="one of " + "、".join(TOPICS))
    statuses = [s.value for s in Status]
    if status is not None and status not in statuses:
        raise BriefbookError(f"unknown status {status!r}", hint="one of " + "、".join(statuses))
    cat = load_catalog(load_corpus(corpus), catalog)
    chosen = [m for m in cat.metrics
              if (topic is None or m.topic == topic) and (status is None or m.status.value == status)]
    if as_json:
        typer.echo(json.dumps([metric_json(m) for m in chosen], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(chosen)} / {len(cat.metrics)} metrics", show_lines=False)
    table.add_column("id", no_wrap=True)
    for col in ("指标", "主题", "承诺", "报道", "状态", "比率"):
        table.add_column(col, overflow="fold")
    for m in chosen:
        table.add_row(m.id, m.label, m.topic,
                      m.pledged.display if m.pledged else "—",
                      m.reported.display if m.reported else "—",
                      m.status.value, f"{m.ratio:.2f}" if m.ratio is not None else "")
    console = Console()
    console.print(table)
    counts: dict[str, int] = {}
    for m in chosen:
        counts[m.status.value] = counts.get(m.status.value, 0) + 1
    console.print("  ".join(f"{k} {v}" for k, v in counts.items()))


def _targets(target: str, corpus_dir: Path) -> list[tuple[str | None, str]]:
    """(paragraph id or None, text) for a file path or a corpus id."""
    path = Path(target)
    if path.exists() and not path.is_dir():  # a file (a FIFO or device is refused, not read)
        from briefbook.corpus.sources import MAX_ARTICLE_BYTES
        from briefbook.fileio import read_bounded

        data = read_bounded(path, MAX_ARTICLE_BYTES, "the text to extract from")
        try:
            return [(None, data.decode("utf-8-sig"))]
        except UnicodeDecodeError as exc:
            raise BriefbookError(f"cannot read the file: {exc}", where=target) from exc
    c = load_corpus(corpus_dir)
    found = c.resolve(target)
    if hasattr(found, "paragraphs"):
        paras = found.paragraphs() if callable(found.paragraphs) else found.paragraphs
        return [(p.id, p.text) for p in paras]
    return [(found.id, found.text)]


@app.command()
def extract(target: Annotated[str, typer.Argument(help="article/section/paragraph id, or a text file")],
            corpus: CorpusOpt = CORPUS_DIR, as_json: JsonOpt = False) -> None:
    """Every number-with-unit mention, with a pledged/reported guess from cue words."""
    parts = _targets(target, corpus)
    text = "\n".join(t for _, t in parts)
    starts, pos = [], 0
    for pid, t in parts:
        starts.append((pos, pid))
        pos += len(t) + 1
    rows = []
    for m in extract_mentions(text):
        pid = next(pid for s, pid in reversed(starts) if s <= m.start)
        rows.append({"paragraph": pid, **m.to_json()})
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(rows)} mentions in {target}")
    for col in ("where", "as written", "value", "unit", "qualifier", "kind", "cue"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["paragraph"] or f"@{r['start']}", r["text"], f"{r['value']:,}", r["unit"],
                      r["qualifier"] or "", r["kind"] or "?", r["cue"] or "")
    Console().print(table)
