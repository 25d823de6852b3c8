"""One previewed brief: renders on request and keeps the last good pages.

Takes: the brief path, the ``Project`` it belongs to (corpus, catalog, stylesheet — handed in,
never globals), and a renderer factory (``Project`` → a ``BriefRenderer``; by default the
incremental renderer). Gives: ``Snapshot`` values — a version number, the last good pages, and
the message of the last failed render (exactly what ``briefbook check``/``render`` print, i.e.
``error: …``), or None when the latest render succeeded.

Rendering is synchronous and one at a time (the caller runs it in a worker thread). Only
chapters laid out anew are written and rasterised; the others' page images are kept, so a
refresh costs one chapter's layout, PDF and pixels (the whole-book PDF is ``render``'s job). A
change to the corpus, the catalog, the templates or the stylesheet starts from a fresh renderer,
since those are loaded once per renderer; a change to the brief alone reuses it, and with it the
layout of every chapter the edit did not touch (``render.layout.incremental``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from briefbook.core.errors import BriefbookError
from briefbook.preview.pages import PageView, page_views
from briefbook.project import Project, load_project

if TYPE_CHECKING:
    from briefbook.render.layout.incremental import Layout, RenderStats


class BriefRenderer(Protocol):
    """What a session renders with: a brief's whole book as PDF bytes."""

    def render(self, brief_path: Path) -> bytes: ...


@runtime_checkable
class ChapterRenderer(BriefRenderer, Protocol):
    """A renderer that lays out chapter by chapter and writes a chapter's PDF alone
    (``render.layout.incremental.IncrementalRenderer``)."""

    def layouts(self, brief_path: Path) -> list[Layout]: ...

    def write(self, layouts: list[Layout], *, where: str = ..., finish: bool = ...) -> bytes: ...

    def write_one(self, layout: Layout, *, where: str = ...) -> bytes: ...


@dataclass(frozen=True)
class Snapshot:
    version: int
    pages: tuple[PageView, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    renders: int = 0
    detail: str = ""       # how the render went, e.g. "laid out 1 of 12 chapters"

    def summary(self) -> dict[str, Any]:
        return {"version": self.version, "pages": len(self.pages), "error": self.error,
                "seconds": round(self.seconds, 3), "renders": self.renders, "detail": self.detail}


def default_renderer_factory(project: Project) -> BriefRenderer:
    """The incremental renderer of ``project``'s book (WeasyPrint behind it)."""
    # imported here: WeasyPrint costs ~1.5 s, paid in the render thread (the server is up and
    # answering meanwhile) rather than before the preview starts
    from briefbook.render import Renderer
    from briefbook.render.layout.incremental import IncrementalRenderer

    return IncrementalRenderer(Renderer(project))


@dataclass
class PreviewSession:
    brief: Path
    project: Project
    renderer_factory: Callable[[Project], BriefRenderer] = default_renderer_factory
    snapshot: Snapshot = field(default_factory=lambda: Snapshot(0))
    _renderer: BriefRenderer | None = None
    # id(layout) → (layout, its PageViews)
    _views: dict[int, tuple[Layout, tuple[PageView, ...]]] = field(default_factory=dict)
    _stale_project: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reload(self) -> None:
        """Forget project file, corpus, catalog, templates and stylesheet: the next render
        reads them."""
        self._renderer = None
        self._stale_project = True
        self._views = {}

    def render(self) -> Snapshot:
        """Render the brief now; on failure keep the last good pages and record the message."""
        with self._lock:
            start = time.perf_counter()
            previous = self.snapshot
            try:
                if self._renderer is None:
                    if self._stale_project:
                        self.project = load_project(self.project.root)  # briefbook.yaml again
                        self._stale_project = False
                    self._renderer = self.renderer_factory(self.project)
                if not self.brief.is_file():
                    raise BriefbookError("the brief is gone (deleted or renamed)",
                                         where=str(self.brief), hint="save it again under this "
                                         "name; the preview is waiting")
                pages = self._pages(self._renderer)
                snapshot = Snapshot(previous.version + 1, pages, None,
                                    time.perf_counter() - start, previous.renders + 1,
                                    describe(getattr(self._renderer, "last", None)))
            except BriefbookError as exc:
                snapshot = Snapshot(previous.version + 1, previous.pages, f"error: {exc}",
                                    time.perf_counter() - start, previous.renders + 1)
            except Exception as exc:  # a bug must not kill the server: show it like the CLI does
                snapshot = Snapshot(previous.version + 1, previous.pages,
                                    f"internal error: {type(exc).__name__}: {exc}",
                                    time.perf_counter() - start, previous.renders + 1)
            self.snapshot = snapshot
            return snapshot


    def _pages(self, renderer: BriefRenderer) -> tuple[PageView, ...]:
        """Page images; with an incremental renderer only new chapter layouts are drawn."""
        if not isinstance(renderer, ChapterRenderer):
            return tuple(page_views(renderer.render(self.brief)))
        layouts = renderer.layouts(self.brief)
        fresh = [layout for layout in layouts if id(layout) not in self._views
                 or self._views[id(layout)][0] is not layout]
        if len(fresh) > 1:
            # Many new chapters (the first render, a template change): one PDF of the whole
            # book draws faster than one per chapter; its pages are cut back into chapters.
            whole = list(page_views(renderer.write(layouts, where=str(self.brief),
                                                   finish=False)))  # pixels only
            for layout in layouts:
                self._views[id(layout)] = (layout, tuple(whole[:len(layout.pages)]))
                del whole[:len(layout.pages)]
        views: list[PageView] = []
        kept: dict[int, tuple[Layout, tuple[PageView, ...]]] = {}
        for layout in layouts:
            entry = self._views.get(id(layout))
            if entry is None or entry[0] is not layout:
                pdf = renderer.write_one(layout, where=str(self.brief))
                entry = (layout, tuple(page_views(pdf)))
            kept[id(layout)] = entry
            views += entry[1]
        self._views = kept
        return tuple(views)


def describe(stats: RenderStats | None) -> str:
    """How the last render went, e.g. "laid out 1 of 12 chapters in 0.40 s"."""
    if stats is None:
        return ""
    if stats.whole and not stats.chapters:
        return f"laid out whole in {stats.seconds:.2f} s"
    if stats.whole:
        return f"laid out whole ({stats.chapters} chapters cached) in {stats.seconds:.2f} s"
    return f"laid out {stats.laid_out} of {stats.chapters} chapters in {stats.seconds:.2f} s"
