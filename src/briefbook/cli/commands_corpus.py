"""Corpus commands: ``sources``, ``sections``, ``show``, ``ingest``,
``corpus diff|lock|defects|remove|rename``.

Takes: the command line (every command works on the current project's corpus, or that of
``--project DIR``).
Gives: readable listings (or ``--json``); ``ingest`` stores a new article (title, date and
outlet from the page where it prints them) and reports where its metadata came from, warnings
on given values the page contradicts (on stderr), defects and changes per rule; ``corpus diff``
shows raw vs. cleaned with the rule per change; ``corpus remove`` takes out an article
nothing cites (``briefbook.manage``), or names every brief and metric that does;
``corpus rename OLD NEW`` renames an article's ids everywhere (``--dry-run``: what it would do).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from briefbook.cli import app
from briefbook.cli.options import JsonOpt, ProjectOpt, project_for
from briefbook.cli.progress import steps
from briefbook.core.errors import shown
from briefbook.corpus import diff as corpus_diff
from briefbook.corpus import load_project_corpus
from briefbook.corpus.formats import FORMAT_NAMES
from briefbook.corpus.ingest import PAGE_HEADER, IngestReport
from briefbook.corpus.ingest import ingest as run_ingest
from briefbook.corpus.model import Article, Caption, Defect, Paragraph, Section
from briefbook.corpus.sources import load_sources, read_raw
from briefbook.corpus.store import build_one, to_plain, write_lock
from briefbook.manage import MAX_MENTIONS, Renamed, remove_uncited, rename_article
from briefbook.project.config import Event

corpus_app = typer.Typer(help="Review and maintain the cleaned corpus.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")



def _echo_json(value: object) -> None:
    typer.echo(json.dumps(to_plain(value), ensure_ascii=False, indent=2))


def _summary(a: Article) -> dict[str, object]:
    return {"id": a.id, "outlet": a.outlet, "published": a.published.isoformat(),
            "published_inferred": a.published_inferred, "title": a.title,
            "title_supplied": a.title_supplied,
            "events": list(a.events), "script": a.script, "layout": a.layout,
            "dateline": a.dateline, "reporters": list(a.reporters),
            "sections": len(a.sections), "paragraphs": sum(1 for _ in a.paragraphs()),
            "captions": len(a.captions), "defects": to_plain(a.defects), "notes": a.notes,
            "page": to_plain(a.page), "cleaning": to_plain(a.cleaning)}


def _defect_line(d: Defect) -> str:
    fate = f"repaired → {d.repair}" if d.repair is not None else "UNREPAIRED (〓)"
    where = "" if d.in_body else " (in page debris)"
    return f"{d.position} offset {d.offset} {d.raw!r} {fate}{where}"


@app.command()
def sources(project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """List the articles with their metadata."""
    proj = project_for(project)
    c = load_project_corpus(proj)
    events = proj.events_by_id
    if as_json:
        _echo_json([_summary(a) for a in c.articles])
        return
    if not c.articles:
        typer.echo("no articles yet: `briefbook ingest ARTICLE.txt --id ID` stores one")
    for a in c.articles:
        date = a.published.isoformat() + (" (inferred)" if a.published_inferred else "")
        typer.echo(f"{a.id}\n  {a.outlet} · {date} · {a.title}"
                   f"{' (title supplied by editor)' if a.title_supplied else ''}\n"
                   f"  events: {_events_line(a, events)}"
                   f" · raw script: {a.script} · layout: {a.layout}\n"
                   f"  dateline: {a.dateline or '—'} · reporters: {'、'.join(a.reporters) or '—'}\n"
                   f"  {len(a.sections)} sections, {sum(1 for _ in a.paragraphs())} paragraphs, "
                   f"{len(a.captions)} captions, {len(a.defects)} defects")
        for d in a.defects:
            typer.echo(f"    defect {_defect_line(d)}")


def _events_line(a: Article, events: Mapping[str, Event]) -> str:
    return "、".join(f"{events[e].name} ({e}, {events[e].date})" for e in a.events) or "—"


def _section_label(s: Section) -> str:
    if s.speaker:
        return f"{s.speaker}（{s.post}）" + (f" — {s.heading}" if s.heading else "")
    if s.heading:
        return s.heading
    return f"[topic: {s.topic}]" if s.topic else "[no heading]"


@app.command()
def sections(article: Annotated[str | None, typer.Argument(help="article id")] = None,
             project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Tree of sections and paragraphs with ids, headings and the first words."""
    c = load_project_corpus(project_for(project))
    arts = [c.article(article)] if article else list(c.articles)
    if as_json:
        _echo_json([{"id": a.id, "sections": [
            {"id": s.id, "heading": s.heading, "speaker": s.speaker, "post": s.post,
             "topic": s.topic, "paragraphs": [{"id": p.id, "start": p.text[:20]}
                                              for p in s.paragraphs]}
            for s in a.sections]} for a in arts])
        return
    for a in arts:
        typer.echo(f"{a.id}  {a.outlet} {a.published}  ({a.layout})")
        for s in a.sections:
            typer.echo(f"  {s.id}  {_section_label(s)}")
            for p in s.paragraphs:
                more = "…" if len(p.text) > 20 else ""
                typer.echo(f"    {p.id}  {p.text[:20]}{more}")


def _show_paragraph(p: Paragraph) -> str:
    return f"[{p.id}]\n{p.text}\n"


def _show_section(s: Section, a: Article) -> str:
    head = f"== {s.id}: {_section_label(s)}\n"
    caps: dict[str | None, list[Caption]] = {}
    for c in a.captions:
        if c.section_id == s.id:
            caps.setdefault(c.before, []).append(c)
    parts = [head]
    for p in s.paragraphs:
        parts.extend(_show_caption(c) for c in caps.get(p.id, ()))
        parts.append(_show_paragraph(p))
    parts.extend(_show_caption(c) for c in caps.get(None, ()))  # photos ending the section
    return "".join(parts)


def _show_caption(c: Caption) -> str:
    credit = f"（{c.credit} 摄）" if c.credit else ""
    return f"  〔图〕{c.text}{credit}\n"


@app.command()
def show(any_id: Annotated[str, typer.Argument(
             metavar="ID", help="article, section or paragraph id")],
         project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Print an article, section or paragraph, cleaned."""
    c = load_project_corpus(project_for(project))
    item = c.resolve(any_id)
    if as_json:
        _echo_json(item)
        return
    if isinstance(item, Paragraph):
        typer.echo(_show_paragraph(item), nl=False)
    elif isinstance(item, Section):
        typer.echo(_show_section(item, c.article(item.article_id)), nl=False)
    else:
        a = item
        date = a.published.isoformat() + ("（推断）" if a.published_inferred else "")
        events = project_for(project).events_by_id
        typer.echo(f"{a.title}\n{a.outlet} {date}"
                   + "".join(f" · {events[e].name}" for e in a.events)
                   + (f" · {a.dateline}" if a.dateline else "")
                   + (f" · 记者 {'、'.join(a.reporters)}" if a.reporters else "") + "\n")
        for s in a.sections:
            typer.echo(_show_section(s, a))
        for d in a.defects:
            typer.echo(f"defect {_defect_line(d)}")


@app.command()
def ingest(file: Annotated[Path, typer.Argument(
               help="the article: plain text (UTF-8, GB18030/GBK, Big5, UTF-16), a saved web "
                    "page (.html), a PDF or a Word file (.docx)", dir_okay=False)],
           article_id: Annotated[str, typer.Option(
               "--id", help="short id: lower-case letters, digits and '-', e.g. cjrb-2021-07-25")],
           date: Annotated[str | None, typer.Option(
               "--date", help="publication date YYYY-MM-DD [default: the date the page prints]")
           ] = None,
           outlet: Annotated[str | None, typer.Option(
               "--outlet", help="e.g. 长江日报 [default: the page's 来源]")] = None,
           title: Annotated[str | None, typer.Option(
               "--title", help="[default: the page's headline]")] = None,
           event: Annotated[list[str] | None, typer.Option(
               "--event", help="id of a project event the article reports on (repeatable)")
           ] = None,
           date_inferred: Annotated[bool, typer.Option(
               "--date-inferred", help="date not printed in the text")] = False,
           dry_run: Annotated[bool, typer.Option(
               "--dry-run", help="report only, store nothing")] = False,
           encoding: Annotated[str | None, typer.Option(
               "--encoding", metavar="NAME", help="the file's encoding, e.g. gbk, big5, utf-16 "
               "[default: detected: UTF-8, UTF-16 with a BOM, GB18030 or Big5]")] = None,
           project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Clean a new article, report defects and changes per rule, and store it."""
    proj = project_for(project)
    with steps(f"ingesting {file.name}") as step:
        report = run_ingest(file, corpus_dir=proj.corpus_dir, article_id=article_id, date=date,
                            outlet=outlet, title=title, events=event or [],
                            known_events=proj.events, date_inferred=date_inferred,
                            dry_run=dry_run, encoding=encoding, step=step)
    a = report.article
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        _echo_json({"article": _summary(a), "rule_counts": report.rule_counts,
                    "stored": report.stored, "warnings": list(report.warnings),
                    "from_page": list(report.from_page), "found_in": report.found_in,
                    "format": report.format, "notes": list(report.notes),
                    "original": str(report.original_path) if report.original_path else None,
                    "encoding": report.encoding,
                    "encoding_detected": report.encoding_detected})
        return
    typer.echo(f"{'stored' if report.stored else 'dry run, not stored'}: {a.id} "
               f"({a.script} source, layout {a.layout}) — {len(a.sections)} sections, "
               f"{sum(1 for _ in a.paragraphs())} paragraphs, {len(a.captions)} captions")
    typer.echo(f"title: {a.title}{_origin(report, 'title')} · outlet: {a.outlet}"
               f"{_origin(report, 'outlet')} · published: {a.published}"
               f"{_origin(report, 'date')}")
    if report.format == "text":
        typer.echo(f"encoding: {report.encoding} "
                   f"({'detected' if report.encoding_detected else 'given'})")
    else:
        typer.echo(f"read as {FORMAT_NAMES[report.format]}")
    for line in report.notes:
        typer.echo(f"  {line}")
    if report.original_path is not None:
        typer.echo(f"original kept: {report.original_path}"
                   + ("" if report.stored else " (not written: dry run)"))
    typer.echo(f"events {_events_line(a, proj.events_by_id)} · dateline {a.dateline or '—'}")
    if report.named:
        typer.echo("  the text names " + "、".join(f"{e.name} ({e.id})" for e in report.named)
                   + "; if it reports on it, ingest again with --event ID")
    typer.echo("changes per rule:")
    for rule, n in report.rule_counts.items():
        typer.echo(f"  {rule:<28} {n}")
    typer.echo(f"defects: {len(a.defects)}")
    for d in a.defects:
        typer.echo(f"  {_defect_line(d)}")
    if any(d.repair is None for d in a.defects):
        typer.echo("  unrepaired defects show as 〓; add reviewed repairs to corrections.yaml")


def _origin(report: IngestReport, field: str) -> str:
    if field not in report.from_page:
        return " (given)"
    found = report.found_in.get(field, PAGE_HEADER)
    return " (from the page)" if found == PAGE_HEADER else f" (from {found})"


@corpus_app.command("diff")
def diff_cmd(article: Annotated[str, typer.Argument(metavar="ID", help="article id")],
             project: ProjectOpt = None,
             unified: Annotated[bool, typer.Option("--unified", help="plain unified diff")] = False,
             changed_only: Annotated[bool, typer.Option("--changed-only")] = False) -> None:
    """Raw vs. cleaned text, with the rule behind each change."""
    proj = project_for(project)
    load_project_corpus(proj)  # the lock must hold
    build = build_one(proj.corpus_dir, article.split("/")[0])
    entry = next(e for e in load_sources(proj.corpus_dir).articles if e.id == build.article.id)
    source = corpus_diff.provenance(proj.corpus_dir, entry,
                                    read_raw(proj.corpus_dir, entry))
    typer.echo(corpus_diff.unified(build, source=source) if unified else
               corpus_diff.review(build, changed_only=changed_only, source=source), nl=False)


@corpus_app.command("remove")
def remove_cmd(article: Annotated[str, typer.Argument(metavar="ID", help="article id")],
               project: ProjectOpt = None) -> None:
    """Remove an article (its sources.yaml entry, raw file and locked ids) that nothing cites."""
    proj = project_for(project)
    gone = remove_uncited(proj, article)
    files = " and ".join(str(f.relative_to(proj.root))
                         for f in (gone.raw_file, gone.original_file) if f is not None)
    typer.echo(f"removed {gone.article_id} ({gone.title}): its entry in sources.yaml, "
               f"{gone.locked_ids} id(s) from ids.lock, {files}")
    if gone.repairs_left:
        typer.echo(f"note: corrections.yaml still has {gone.repairs_left} repair(s) for "
                   f"{gone.article_id}; they no longer apply and may be deleted by hand")


@corpus_app.command("rename")
def rename_cmd(old: Annotated[str, typer.Argument(metavar="OLD", help="the article's id")],
               new: Annotated[str, typer.Argument(metavar="NEW", help="its new id")],
               dry_run: Annotated[bool, typer.Option(
                   "--dry-run", help="show what would change, change nothing")] = False,
               project: ProjectOpt = None) -> None:
    """Rename an article and its section and paragraph ids everywhere: sources.yaml, ids.lock,
    corrections.yaml, the raw files, the metrics catalog and the briefs (all or nothing)."""
    proj = project_for(project)
    done = rename_article(proj, old, new, dry_run=dry_run)
    for line in _renamed_lines(done, proj.root):
        typer.echo(shown(line))     # titles and file names come from the user's files


def _renamed_lines(done: Renamed, root: Path) -> list[str]:
    """What ``corpus rename`` changed (or would), what it left, and what to do next."""
    def rel(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    head = (f"dry run, nothing changed; renaming {done.old} to {done.new} would change:"
            if done.dry_run else f"renamed {done.old} to {done.new} ({done.title}):")
    lines = [head]
    lines += [f"  {rel(r.path)}: {r.changed} {r.what}" for r in done.rewrites]
    lines += [f"  {rel(m.source)} → {rel(m.target)}" for m in done.moves]
    lines += [f"note: {name} is not named after the article; it keeps its name"
              for name in done.kept_names]
    lines += [f"note: {note}" for note in done.notes]
    if done.mentions:
        lines.append(f"{done.old} is still named in text or comments (left as written; edit "
                     "them if they mean the article):")
        lines += [f"  {rel(f)}:{n}" for f, n in done.mentions[:MAX_MENTIONS]]
        if len(done.mentions) > MAX_MENTIONS:
            lines.append(f"  … {len(done.mentions) - MAX_MENTIONS} more")
    lines.append("next: run it again without --dry-run to make the change" if done.dry_run else
                 "next: review the change (`git status`, `git diff`; add the renamed raw files "
                 "to git), then `briefbook check` and build the briefs again")
    return lines


@corpus_app.command("lock")
def lock_cmd(project: ProjectOpt = None) -> None:
    """Rewrite ids.lock from the current build (review its git diff before committing)."""
    path = write_lock(project_for(project).corpus_dir)
    typer.echo(f"wrote {path}; review `git diff {path.name}` before committing")


@corpus_app.command("defects")
def defects_cmd(project: ProjectOpt = None, as_json: JsonOpt = False) -> None:
    """Every defect found in the raw texts and how it was repaired."""
    c = load_project_corpus(project_for(project))
    found = [d for a in c.articles for d in a.defects]
    if as_json:
        _echo_json(found)
        return
    for d in found:
        reason = d.reason or "no repair in corrections.yaml"
        typer.echo(f"{d.article_id} {_defect_line(d)}\n    {reason}")
    typer.echo(f"{len(found)} defect(s)")
