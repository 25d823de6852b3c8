"""Metrics commands: ``metrics`` (the verified catalog with statuses), its subcommands
``draft``, ``link`` and ``schema``, and ``extract``.

Takes: the command line; the project (``--project DIR``, or found from the current folder)
gives the corpus, the topics and the catalog files (``--catalog FILE``, repeatable, overrides
``corpus/metrics.yaml`` + ``corpus/metrics/*.yaml``).
Gives: a readable table (or ``--json``: per metric id, label, unit, topic, as_of, status,
status_reason, ratio, history and observations with plain-number values), statuses taken
``--as-of`` a day (default: the newest article's date); ``metrics draft ARTICLE`` writes the
extractor's candidate observations as YAML to edit; ``metrics link METRIC DRAFT#N …`` puts
kept draft entries into the catalog (``corpus/metrics/linked.yaml`` unless ``--into``);
``metrics schema`` prints the catalog format as JSON Schema. ``extract`` lists every
number-with-unit mention in an article, section, paragraph or text file with its
pledged/reported guess and, for corpus text, the paragraph id.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from briefbook.cli import app
from briefbook.cli.options import JsonOpt, ProjectOpt, project_for
from briefbook.core.errors import BriefbookError
from briefbook.corpus import load_project_corpus
from briefbook.metrics.catalog import Metric, catalog_json_schema, load_catalog
from briefbook.metrics.draftfile import write_draft
from briefbook.metrics.link import LinkOptions, link_into_project
from briefbook.metrics.mentions import corpus_parts, file_parts, mention_rows
from briefbook.metrics.status import Status, month_label


def metric_json(m: Metric) -> dict[str, Any]:
    return {
        "id": m.id, "label": m.label, "unit": m.unit, "topic": m.topic,
        "as_of": m.as_of.isoformat() if m.as_of else None,
        "status": m.status.value, "status_reason": m.status_reason, "ratio": m.ratio,
        "note": m.note,
        "history": [{"date": s.day.isoformat(), "status": s.status.value, "because": s.because,
                     "source": s.cause.source if s.cause else None, "reason": s.reason}
                    for s in m.history],
        "observations": [
            {"kind": o.kind, "value": o.value, "unit": o.unit, "qualifier": o.qualifier,
             "display": o.display, "period": o.period, "progress": o.progress,
             "source": o.source, "published": o.published.isoformat() if o.published else None,
             "quote": o.quote}
            for o in m.observations],
    }


metrics_app = typer.Typer(help="The metrics catalog: statuses, drafting, linking, schema.",
                          no_args_is_help=False)
app.add_typer(metrics_app, name="metrics")
CatalogOpt = Annotated[list[Path] | None, typer.Option(
    "--catalog", help="catalog file (repeatable) [default: the corpus folder's metrics.yaml "
    "and metrics/*.yaml]", dir_okay=False)]


def _day(text: str | None, what: str = "--as-of") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BriefbookError(f"{what} {text!r} is not a date", hint="write YYYY-MM-DD") from None


@metrics_app.callback(invoke_without_command=True)
def metrics(ctx: typer.Context,
            topic: Annotated[str | None, typer.Option("--topic", help="only this topic")] = None,
            status: Annotated[Status | None, typer.Option(
                "--status", help="only this status")] = None,
            as_of: Annotated[str | None, typer.Option(
                "--as-of", help="statuses as of this day, YYYY-MM-DD: only articles published "
                "by then count [default: the newest article's date]")] = None,
            project: ProjectOpt = None, catalog: CatalogOpt = None,
            as_json: JsonOpt = False) -> None:
    """The metrics catalog, verified against the corpus, with pledge statuses and history."""
    if ctx.invoked_subcommand is not None:
        return
    proj = project_for(project)
    if topic is not None and topic not in proj.topics:
        raise BriefbookError(f"unknown topic {topic!r}", hint="one of " + "、".join(proj.topics))
    day = _day(as_of)
    c = load_project_corpus(proj)
    full = load_catalog(c, catalog or None, topics=proj.topics)
    day = day or max((a.published for a in c.articles), default=dt.date.today())
    cat = full.as_of(day)
    chosen = [m for m in cat.metrics
              if (topic is None or m.topic == topic) and (status is None or m.status is status)]
    if as_json:
        typer.echo(json.dumps([metric_json(m) for m in chosen], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(chosen)} / {len(full.metrics)} metrics as of {day}",
                  show_lines=False)
    table.add_column("id", no_wrap=True)
    for col in ("指标", "主题", "承诺", "报道", "状态", "比率", "经过"):
        table.add_column(col, overflow="fold")
    for m in chosen:
        table.add_row(m.id, m.label, m.topic,
                      m.pledged.display if m.pledged else "—",
                      m.reported.display if m.reported else "—",
                      m.status.value, f"{m.ratio:.2f}" if m.ratio is not None else "",
                      " → ".join(f"{month_label(s.day)} {s.status.value}" for s in m.history))
    console = Console()
    console.print(table)
    if not full.metrics:
        console.print("no metrics yet: `briefbook metrics draft ARTICLE_ID --into draft.yaml` "
                      "proposes observations of an ingested article; `briefbook metrics link` "
                      "files them")
    counts: dict[str, int] = {}
    for m in chosen:
        counts[m.status.value] = counts.get(m.status.value, 0) + 1
    console.print("  ".join(f"{k} {v}" for k, v in counts.items()))
    if cat.later:
        console.print(f"not yet published by {day}: {', '.join(sorted(cat.later))}")


@metrics_app.command("draft")
def metrics_draft(article_id: Annotated[str, typer.Argument(
                      help="article id (`briefbook sources`)")],
                  into: Annotated[Path | None, typer.Option(
                      "--into", help="write the draft here (default: print it)",
                      dir_okay=False)] = None,
                  force: Annotated[bool, typer.Option("--force", help="overwrite --into")] = False,
                  project: ProjectOpt = None) -> None:
    """Candidate observations of an article as YAML: delete the unwanted, fill `metric:`."""
    made = write_draft(project_for(project), article_id, into, force=force)
    if made.path is None:
        typer.echo(made.text, nl=False)
        return
    typer.echo(f"wrote {made.path}: {made.candidates} candidate observations of "
               f"{article_id}; delete the unwanted, then `briefbook metrics link METRIC_ID "
               f"{made.path}#N …`")


@metrics_app.command("link")
def metrics_link(metric_id: Annotated[str, typer.Argument(
                     help="the metric the observations belong to")],
                 refs: Annotated[list[str], typer.Argument(
                     help="draft entries: FILE#N, or FILE for its entries whose `metric:` is "
                          "METRIC_ID")],
                 new: Annotated[bool, typer.Option("--new", help="create METRIC_ID")] = False,
                 label: Annotated[str | None, typer.Option(
                     "--label", help="label of a --new metric")] = None,
                 topic: Annotated[str | None, typer.Option(
                     "--topic", help="topic of a --new metric")] = None,
                 unit: Annotated[str | None, typer.Option(
                     "--unit", help="unit of a --new metric")] = None,
                 into: Annotated[Path | None, typer.Option(
                     "--into", help="catalog file to add to [default: CORPUS/metrics/linked.yaml]",
                     dir_okay=False)] = None,
                 project: ProjectOpt = None, catalog: CatalogOpt = None) -> None:
    """Attach kept draft entries to a metric (a report to its pledge), verified first."""
    done = link_into_project(project_for(project), metric_id, refs, LinkOptions(
        new=new, label=label, topic=topic, unit=unit, into=into, catalog=tuple(catalog or ())))
    for line in done.skipped:
        typer.echo(f"skipped {line}: {metric_id} has it already")
    if not done.written:
        typer.echo(f"nothing to link: {metric_id} already has every entry given; "
                   f"{done.target} is unchanged")
        return
    typer.echo(f"linked {done.added} observation(s) to {metric_id} in {done.target}; "
               f"status now {done.metric.status.value}: {done.metric.status_reason}")


@metrics_app.command("schema")
def metrics_schema(project: ProjectOpt = None) -> None:
    """The catalog file format (metrics.yaml, metrics/*.yaml) as JSON Schema."""
    try:
        topics = project_for(project).topics
    except BriefbookError:
        topics = None  # outside a project: any topic
    typer.echo(json.dumps(catalog_json_schema(topics), ensure_ascii=False, indent=2))


@app.command()
def extract(target: Annotated[str, typer.Argument(
                help="article/section/paragraph id, or a text file")],
            project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Every number-with-unit mention, with a pledged/reported guess from cue words."""
    path = Path(target)
    if path.exists() and not path.is_dir():  # a file (a FIFO or device is refused, not read)
        parts, published = file_parts(path, target), None
    else:                            # corpus text: its date frames sentences opening with a year
        parts, published = corpus_parts(load_project_corpus(project_for(project)), target)
    rows = mention_rows(parts, published)
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
