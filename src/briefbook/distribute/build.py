"""``briefbook build``: render many briefs in parallel, skipping what has not changed.

Takes: a ``Project``, brief files (default: the project's ``briefs/*.yaml``), an output
folder, a number of worker processes.
Gives: ``OUT/<brief stem>.pdf`` for each brief and ``OUT/manifest.json`` (file, sha256, pages,
bytes, input hash per output), both written atomically. A ``manifest.json`` already there
that briefbook did not write is refused, never replaced.

A brief is skipped when the manifest records the same *input hash* for it and its PDF on disk
still has the recorded sha256. The input hash covers everything a render reads: the brief's
bytes, the project file (``briefbook.yaml``) and its stylesheet, the whole corpus folder (raw
articles, sources, corrections, ids.lock, metrics.yaml), ``templates/``,
``assets/fonts/*charset*.txt`` and ``charsets.json``, the font files ``assets/fonts/*.otf``
and the package version. Code changes between releases are covered only by the version: after
editing the package, pass ``--force``.

Workers are separate processes started with the *spawn* method (WeasyPrint and its C
libraries are not fork-safe), each holding one long-lived ``Renderer``, so corpus, catalog,
fonts and stylesheet load once per worker. That renderer is keyed on the shared-inputs hash:
a later build in the same process that sees edited shared inputs gets a fresh one.
With ``--executor dask`` the briefs are rendered by Dask workers instead (one brief per task),
which must see the brief and project folders at the same paths; each returns its PDF and this
process writes it, so the outputs and manifest are those of a local build. A failed brief leaves
its previous PDF and manifest entry untouched; an interrupted build leaves no temporary files.
Each worker task is a ``RenderTask``; output paths come from ``outputs.build_targets``, the
manifest from ``manifest.py``.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import signal
import stat
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from briefbook import __version__
from briefbook.core import resources
from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import file_kind, write_atomic
from briefbook.core.fonts import CHARSETS_FILE
from briefbook.core.proc import run_jobs
from briefbook.distribute.executor import LOCAL, ExecutorKind, ExecutorSettings
from briefbook.distribute.manifest import (
    MANIFEST,
    pdf_pages,
    read_manifest,
    sha256_file,
    write_manifest,
)
from briefbook.distribute.outputs import build_targets
from briefbook.project import Project, load_project

if TYPE_CHECKING:
    from briefbook.render import Renderer

def _hash_tree(digest: Any, folder: Path) -> None:
    """Feed every file under ``folder`` (relative path + bytes, sorted) into ``digest``."""
    if not folder.exists():
        digest.update(f"missing:{folder.name}\0".encode())
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        if rel.startswith(".") or "/." in rel or "__pycache__" in rel:
            continue  # editor swap files, caches
        digest.update(f"{rel}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())


def shared_inputs_hash(project: Project) -> str:
    """Hash of what every brief's render reads besides the brief itself."""
    digest = hashlib.sha256(f"briefbook {__version__}\0".encode())
    for extra in (project.config_path, project.stylesheet):
        if extra is not None:
            digest.update(f"{extra.name}\0".encode())
            digest.update(extra.read_bytes() if extra.is_file() else b"missing")
    _hash_tree(digest, project.corpus_dir)
    _hash_tree(digest, resources.TEMPLATES_DIR)
    for name in ("charset.txt", "plus-charset.txt", "supplement-charset.txt", CHARSETS_FILE):
        charset = resources.FONTS_DIR / name
        digest.update(charset.read_bytes() if charset.exists() else b"missing " + name.encode())
    # The font programs themselves (main, plus and supplement faces): a new font release
    # changes glyphs and metrics, so every PDF. About 38 MB, hashed in ~40 ms.
    fonts = sorted([*resources.FONTS_DIR.glob("*.otf"), *resources.FONTS_DIR.glob("*.ttf")])
    for font in fonts:
        digest.update(f"font\0{font.name}\0".encode())
        with open(font, "rb") as handle:
            digest.update(bytes.fromhex(hashlib.file_digest(handle, "sha256").hexdigest()))
    if not fonts:
        digest.update(b"no fonts")
    return digest.hexdigest()


def input_hash(brief: Path, shared: str) -> str:
    """Hash of every input of one brief's render."""
    try:
        data = Path(brief).read_bytes()
    except OSError as exc:
        raise BriefbookError(f"cannot read the brief ({exc.strerror})", where=str(brief)) from exc
    digest = hashlib.sha256(shared.encode())
    digest.update(b"\0brief\0")
    digest.update(data)
    return digest.hexdigest()


@dataclass
class BuildResult:
    out_dir: Path
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (brief, message)
    manifest: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.failed


# --- worker side -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderTask:
    """One brief for a worker (local or Dask): the brief, where its PDF goes, its input hash,
    the shared-inputs hash its renderer is keyed on, and the project folder (paths as text,
    as the worker sees them)."""

    brief: str
    target: str
    input_hash: str
    shared: str
    project_root: str


#: The process's renderer and the shared-inputs hash it was made for. A renderer caches the
#: corpus, catalog and templates it loaded, so a build that finds different shared inputs
#: (metrics.yaml edited between two builds in one process) must not reuse it.
_renderer: Renderer | None = None
_renderer_key: str | None = None


def _renderer_for(task: RenderTask) -> Renderer:
    global _renderer, _renderer_key
    key = f"{task.project_root}\0{task.shared}"
    if _renderer is None or _renderer_key != key:
        # imported here: the render stage loads WeasyPrint (~1 s); a build with nothing to
        # do never needs it
        from briefbook.render import Renderer

        _renderer, _renderer_key = Renderer(load_project(Path(task.project_root))), key
    return _renderer


def _render_one(task: RenderTask) -> dict[str, Any]:
    """Local worker: render one brief to its target; a dict describing the output, or
    ``error``."""
    # imported here: the render stage loads WeasyPrint (~1 s), see _renderer_for
    from briefbook.render import render_to_file

    return _describe(task, lambda: render_to_file(Path(task.brief), Path(task.target),
                                                  _renderer_for(task)))


#: Shared-inputs hashes this Dask worker has checked against its own folders.
_checked: set[str] = set()


def _render_bytes(task: RenderTask) -> dict[str, Any]:
    """Dask worker: render one brief; its dict carries the PDF as ``pdf`` (the client writes
    it). The worker must see the same corpus, templates and fonts as the client: the brief is
    refused (not rendered from other inputs) when its own shared-inputs hash differs."""

    def render() -> bytes:
        if task.shared not in _checked:
            if shared_inputs_hash(load_project(Path(task.project_root))) != task.shared:
                raise BriefbookError(
                    "this Dask worker sees another corpus, templates, fonts or briefbook "
                    "version than the client", where=task.brief,
                    hint="give the workers the project folder at the same path (shared "
                         "storage) and the same briefbook release")
            _checked.add(task.shared)
        return _renderer_for(task).render(Path(task.brief))

    return _describe(task, render, keep=True)


def _describe(task: RenderTask, render: Callable[[], bytes], *,
              keep: bool = False) -> dict[str, Any]:
    brief = task.brief
    try:
        pdf = render()
    except BriefbookError as exc:
        return {"brief": brief, "error": str(exc)}
    except Exception as exc:  # a bug hit by this brief: a failed brief, not a dead build
        message = f"internal error: {type(exc).__name__}: {exc} (a bug in briefbook)"
        if os.environ.get("BRIEFBOOK_DEBUG"):
            message += "\n" + traceback.format_exc()
        return {"brief": brief, "error": message}
    entry: dict[str, Any] = {"brief": brief, "file": Path(task.target).name,
                             "sha256": hashlib.sha256(pdf).hexdigest(), "pages": pdf_pages(pdf),
                             "bytes": len(pdf), "input_hash": task.input_hash}
    if keep:
        entry["pdf"] = pdf
    return entry


def _build_on_dask(settings: ExecutorSettings, workers: int, todo: list[RenderTask],
                   note: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
    """Render ``todo`` on the Dask cluster, one brief per task; write each PDF here.
    ``note(text)`` hears about waits for the scheduler and its workers."""
    # imported here: dask_run loads Dask distributed (~0.5 s), for --executor dask only
    from briefbook.distribute import dask_run

    with dask_run.connect(settings, workers, note=note) as client:
        targets = {task.brief: Path(task.target) for task in todo}
        for outcome in dask_run.run_tasks(client, _render_bytes, todo):
            pdf = outcome.pop("pdf", None)
            if pdf is not None:
                if not pdf.startswith(b"%PDF-") or b"%%EOF" not in pdf[-64:]:
                    outcome = {"brief": outcome["brief"],
                               "error": "renderer produced an incomplete PDF; nothing written"}
                else:
                    write_atomic(targets[outcome["brief"]], pdf)
            yield outcome


# --- parent side -----------------------------------------------------------------------------


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Let SIGTERM unwind like Ctrl-C, so temporary files are cleaned up."""
    try:
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sweep_temporaries(targets: Iterable[Path]) -> list[Path]:
    """Remove ``.NAME.*.part`` files (``fileio.atomic_path``'s temporaries for exactly these
    targets) that a killed worker or a killed build could not clean up itself."""
    removed = []
    for target in targets:
        for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
            if tmp.is_symlink() or not tmp.is_file():
                continue
            with contextlib.suppress(OSError):
                tmp.unlink()
                removed.append(tmp)
    return removed


def _not_ours(target: Path, prior: dict[str, Any] | None) -> str | None:
    """Why ``build`` must not replace ``target`` (None when it may): only a new file, or a
    regular file the manifest records as build's output (damaged since or not), is replaced."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot use the output path ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return f"the output path is {file_kind(mode)}, not a regular file; nothing was changed"
    if prior:
        return None
    return ("a file of this name is already there and manifest.json does not record it as "
            "build's output; nothing was changed (move it away, or choose another --out)")


def _manifest_entries(out_dir: Path) -> dict[str, dict[str, Any]]:
    """The manifest's entries by file name; only entries naming a plain file of this folder
    count (a crafted path is ignored)."""
    old = read_manifest(out_dir)
    return {name: e for name, e in old.items()
            if isinstance(name, str) and Path(name).name == name and name.endswith(".pdf")}


def _plan(project: Project, targets_of: dict[Path, Path], shared: str,
          entries: dict[str, dict[str, Any]], force: bool,
          skipped: list[str]) -> tuple[list[RenderTask], list[tuple[str, str]]]:
    """Sort the briefs: up to date (appended to ``skipped``), to render (the tasks returned)
    or refused ((brief, message) returned: a file in the way that build did not write)."""
    todo: list[RenderTask] = []
    refused: list[tuple[str, str]] = []
    for brief, target in targets_of.items():
        in_hash = input_hash(brief, shared)
        prior = entries.get(target.name)
        if (not force and prior and prior.get("input_hash") == in_hash
                and prior.get("sha256") == sha256_file(target)):
            skipped.append(str(brief))
            continue
        why = _not_ours(target, prior)
        if why:
            refused.append((str(brief), f"{target}: {why}"))
            continue
        todo.append(RenderTask(str(brief), str(target), in_hash, shared, str(project.root)))
    return todo, refused


def build(project: Project, briefs: Iterable[Path] | None = None, out_dir: Path = Path("dist"),
          *, jobs: int = 1, force: bool = False,
          on_event: Callable[[str, str, dict[str, Any] | None], None] | None = None,
          executor: ExecutorSettings = LOCAL) -> BuildResult:
    """Render ``briefs`` (default: the project's ``briefs/*.yaml``) into ``out_dir``; see the
    module doc.

    ``executor``: ``jobs`` local worker processes, or a Dask cluster (each worker reads the
    brief and project folders at the client's paths and returns the PDF; this process writes
    it). Outputs and manifest are the same either way.

    ``on_event(kind, brief, info)`` is called with kind ``"plan"`` (info: {"todo": n,
    "skipped": n}) once, then ``"skipped"``, ``"built"`` or ``"failed"`` per brief; ``"stale"``
    names a temporary file a killed build left (removed), ``"note"`` (in the ``brief``
    argument) a wait for a Dask scheduler or its workers.

    A ``manifest.json`` already in ``out_dir`` that build did not write is refused
    (``load_manifest``), before anything is rendered.
    """
    briefs = [Path(b) for b in (briefs if briefs is not None else project.briefs())]
    if not briefs:
        raise BriefbookError("no briefs to build", where=str(project.briefs_dir),
                             hint="write a brief into the project's briefs/ folder, or name "
                                  "brief files on the command line")
    out_dir = Path(out_dir)
    jobs = max(1, int(jobs))
    notify = on_event or (lambda *_: None)
    targets_of = build_targets(briefs, out_dir)

    shared = shared_inputs_hash(project)
    entries = _manifest_entries(out_dir)
    result = BuildResult(out_dir=out_dir)
    todo, refused = _plan(project, targets_of, shared, entries, force, result.skipped)
    for tmp in _sweep_temporaries(Path(t.target) for t in todo):
        notify("stale", str(tmp), None)
    notify("plan", "", {"todo": len(todo) + len(refused), "skipped": len(result.skipped)})
    for name, message in refused:
        result.failed.append((name, message))
        notify("failed", name, {"brief": name, "error": message})
    for name in result.skipped:
        notify("skipped", name, None)

    def take(outcome: dict[str, Any]) -> None:
        if "error" in outcome:
            result.failed.append((outcome["brief"], outcome["error"]))
            notify("failed", outcome["brief"], outcome)
            return
        brief = outcome.pop("brief")
        outcome["brief"] = brief  # as given on the command line
        entries[outcome["file"]] = outcome
        result.built.append(brief)
        notify("built", brief, outcome)

    targets = [Path(task.target) for task in todo]
    # Claim the new outputs before any worker writes one: if this build is killed outright
    # (SIGKILL, power loss) the next build finds them recorded as its own ("pending") and
    # redoes them, instead of refusing PDFs nobody recorded.
    pending = [t.name for t in targets if t.name not in entries]
    if pending:
        write_manifest(out_dir, [*entries.values(), *({"file": n, "pending": True}
                                                      for n in pending)])
    try:
        with sigterm_as_interrupt():
            # both are generators: closing one stops its workers
            outcomes = cast(Generator[dict[str, Any], None, None],
                            _build_on_dask(executor, jobs, todo,
                                           lambda text: notify("note", text, None))
                            if executor.kind == ExecutorKind.DASK and todo
                            else run_jobs(_render_one, todo, jobs=jobs))
            with contextlib.closing(outcomes):
                for outcome in outcomes:
                    take(outcome)
    finally:
        _sweep_temporaries(targets)
        if result.built or pending or not (out_dir / MANIFEST).exists():
            # Outputs that finished are recorded even when the build was interrupted; a claimed
            # output that is on disk but unreported (written just as Ctrl-C came) stays
            # claimed, so the next build redoes it rather than refusing it.
            unreported = [{"file": n, "pending": True} for n in pending
                          if n not in entries and os.path.lexists(out_dir / n)]
            result.manifest = write_manifest(out_dir, [*entries.values(), *unreported])
        else:
            result.manifest = out_dir / MANIFEST
    return result
