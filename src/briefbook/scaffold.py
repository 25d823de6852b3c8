"""``briefbook init``: a new project that renders at once.

Takes: a folder that does not exist yet or is empty, and is not inside another project (not
a symbolic link, not under a regular file, its names within the file system's 255 bytes: each
refused with a clear error before anything is written).
Gives: ``briefbook.yaml`` (title, defaults, one event, topics), ``corpus/`` with one small
example article of the project's own (stored through the real ingest, so its ids are locked)
and two metrics quoting it, ``briefs/example.yaml``, and a ``.gitignore`` for the cache.
With ``bare=True``: no example content at all — ``briefbook.yaml`` with no events and one
placeholder topic (the schema needs at least one), an empty catalogue (``sources.yaml``,
``ids.lock``, ``metrics.yaml`` with no entries) and an empty ``briefs/``.
Nothing is written when the folder is unsuitable; a failure part-way removes what it wrote.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import write_atomic
from briefbook.corpus.ingest import ingest
from briefbook.corpus.sources import SOURCES_FILE, SourcesFile, save_sources
from briefbook.corpus.store import CORRECTIONS_FILE, LOCK_FILE, render_lock
from briefbook.project import PROJECT_FILE, Project, find_root, load_project

EXAMPLE_ID = "sl-2024-01-15"

#: What every new project file starts with (the example's and a bare one alike).
PROJECT_HEAD = """\
# The project: what every brief of it shares. `briefbook schema --project` prints the schema.
title: {title}
defaults:                 # front matter a brief gets unless it says otherwise
  issuer: 研究组
  classification: 内部资料
  paper: A4
"""

PROJECT_YAML = PROJECT_HEAD + """\
events:                   # what articles report on: plenums, work reports, congresses …
  - id: gwr-2024
    name: 示例市2024年政府工作报告
    short: 2024年政府工作报告
    kind: 政府工作报告
    date: 2024-01-10
topics:                   # metric topics, in the order books print them
  - 养老服务
  - 公共交通
"""

EXAMPLE_ARTICLE = """\
示例市公布今年十件民生实事

2024-01-15 08:00　来源：示例日报

本报讯（记者林晓）1月15日，示例市公布今年十件民生实事。这份清单来自政府工作报告，涉及养老、交通等市民最关心的领域。

一、养老服务

去年，全市新增社区养老服务站12个，老年助餐点覆盖过半街道。今年，全市计划新建社区养老服务站20个，让老人在家门口就能吃上热饭。

二、公共交通

去年，全市新开通公交线路8条。今年将新开通公交线路10条，并在早晚高峰加密班次。
"""

METRICS_YAML = """\
# The project's metrics: what was pledged and what was reported, each quoted verbatim.
metrics:
  - id: elderly-stations
    label: 社区养老服务站
    unit: 个
    topic: 养老服务
    observations:
      - kind: pledged
        value: 20
        period: 2024年
        source: {stations_pledge}
        quote: 今年，全市计划新建社区养老服务站20个
  - id: bus-routes
    label: 新开通公交线路
    unit: 条
    topic: 公共交通
    observations:
      - kind: pledged
        value: 10
        period: 2024年
        source: {routes_pledge}
        quote: 今年将新开通公交线路10条
"""

BRIEF_YAML = """\
# An example brief: `briefbook check briefs/example.yaml`, then
# `briefbook render briefs/example.yaml -o example.pdf`.
title: 民生实事跟踪
subtitle: 今年承诺了什么
date: 2024-01-20
summary:
  text: |
    市政府公布了今年的民生实事清单。本期摘出其中两项可以核对的数字承诺，待年终报道后再看完成情况。
  metrics: [elderly-stations, bus-routes]
table: {{topics: [养老服务, 公共交通]}}
sections:
  - heading: 养老服务
    commentary: 清单把社区养老服务站的数量从去年的新增12个提高到今年新建20个。
    metrics: [elderly-stations]
    quotes: [{stations_pledge}]
appendix: {{sources: true, methodology: true}}
"""


BARE_PROJECT_YAML = PROJECT_HEAD + """\
events: []                # what articles report on: plenums, work reports, congresses …
topics:                   # metric topics, in the order books print them (at least one):
  - 综合                  # a placeholder; replace it with the project's own topics
"""

BARE_METRICS_YAML = """\
# The project's metrics: what was pledged and what was reported, each quoted verbatim.
# `briefbook metrics draft ARTICLE` proposes entries from an ingested article.
metrics: []
"""


def init_project(folder: Path, *, title: str | None = None, bare: bool = False) -> Project:
    folder = Path(folder)
    _check_target(folder)
    if folder.exists() and not folder.is_dir():
        raise BriefbookError("exists and is not a folder", where=str(folder),
                             hint="name a new folder for the project")
    if folder.is_dir() and any(folder.iterdir()):
        raise BriefbookError("the folder is not empty; nothing was written", where=str(folder),
                             hint="name a new or empty folder")
    outer = find_root(folder.resolve().parent)
    if outer is not None:
        raise BriefbookError(f"the folder is inside the project {outer}; projects cannot nest",
                             where=str(folder), hint="create the new project elsewhere")
    name = (title or "我的简报项目").strip()
    if not name or "\n" in name or len(name) > 200:
        raise BriefbookError("--title must be one line of at most 200 characters")
    existed = folder.is_dir()
    # The outermost folder this run creates (``init a/b/c`` with no ``a`` makes all three):
    # a failure removes it, so nothing of the run is left behind.
    made = folder
    while not made.parent.exists() and made.parent != made:
        made = made.parent
    try:
        return _write_bare(folder, name) if bare else _write(folder, name)
    except BaseException as exc:
        if existed:
            for child in folder.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            shutil.rmtree(made, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BriefbookError(f"cannot create the project: {exc.strerror or exc}; nothing "
                                 "was written", where=str(exc.filename or folder),
                                 hint="check that the folder's parent is writable") from None
        raise


def _check_target(folder: Path) -> None:
    """Refuse, before anything is written, a target ``init`` cannot make into a folder: a
    symbolic link (dangling or not: init writes only into a real folder), a path under a
    regular file, a name longer than the file system allows."""
    absolute = Path(os.path.abspath(folder))
    for name in absolute.parts[1:]:
        if len(os.fsencode(name)) > _NAME_MAX:
            shown = name if len(name) <= 40 else name[:40] + "…"
            raise BriefbookError(f"the name {shown!r} is {len(os.fsencode(name))} bytes long; "
                                 f"file names are at most {_NAME_MAX} bytes", where="init",
                                 hint="choose a shorter folder name")
    if len(os.fsencode(str(absolute))) > _PATH_MAX - 200:  # room for the files inside
        raise BriefbookError(f"the path is {len(os.fsencode(str(absolute)))} bytes long; "
                             f"paths are at most {_PATH_MAX} bytes", where="init",
                             hint="create the project in a shorter path")
    if folder.is_symlink():
        raise BriefbookError("is a symbolic link; init writes only into a real folder, nothing "
                             "was written", where=str(folder),
                             hint="name a new folder, or the folder the link points to")
    for parent in absolute.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise BriefbookError(f"{parent} is not a folder, so nothing can be created "
                                     "under it; nothing was written", where=str(folder),
                                     hint="name a folder whose parents are folders")
            break


#: Longest file name and path (bytes) on the usual file systems (ext4, xfs, btrfs, tmpfs).
_NAME_MAX = 255
_PATH_MAX = 4096


def _write_empty(folder: Path, title: str, template: str) -> Project:
    """The project file, ``.gitignore``, an empty corpus and an empty ``briefs/``."""
    corpus = folder / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (folder / "briefs").mkdir()
    write_atomic(folder / PROJECT_FILE, template.format(title=json.dumps(title,
                                                                         ensure_ascii=False)))
    write_atomic(folder / ".gitignore", ".cache/\n")
    save_sources(corpus, SourcesFile(articles=[]))
    write_atomic(corpus / CORRECTIONS_FILE,
                 "# Reviewed repairs of damaged raw text.\nrepairs: []\n")
    write_atomic(corpus / LOCK_FILE, render_lock([]))
    return load_project(folder)


def _write_bare(folder: Path, title: str) -> Project:
    project = _write_empty(folder, title, BARE_PROJECT_YAML)
    write_atomic(project.corpus_dir / "metrics.yaml", BARE_METRICS_YAML)
    return project


def _write(folder: Path, title: str) -> Project:
    project = _write_empty(folder, title, PROJECT_YAML)
    corpus = project.corpus_dir
    source = folder / ".example-article.txt"
    write_atomic(source, EXAMPLE_ARTICLE)
    try:
        report = ingest(source, corpus_dir=corpus, article_id=EXAMPLE_ID, date="2024-01-15",
                        outlet="示例日报", events=["gwr-2024"], known_events=project.events)
    finally:
        source.unlink(missing_ok=True)
    ids = {}
    for key, quote in (("stations_pledge", "全市计划新建社区养老服务站20个"),
                       ("routes_pledge", "今年将新开通公交线路10条")):
        ids[key] = next(p.id for p in report.article.paragraphs() if quote in p.text)
    write_atomic(corpus / "metrics.yaml", METRICS_YAML.format(**ids))
    write_atomic(folder / "briefs" / "example.yaml", BRIEF_YAML.format(**ids))
    assert (corpus / SOURCES_FILE).is_file()
    return project
