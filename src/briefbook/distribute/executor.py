"""Where distribution work runs: local worker processes (the default) or a Dask cluster.

Takes: the ``--executor`` / ``--scheduler`` options, the Dask waits ``--connect-timeout`` and
``--workers-timeout`` (seconds), and the project whose ``distribute:`` settings
(``briefbook.yaml``) they override.
Gives: ``ExecutorKind`` (the ``--executor`` choices) and an ``ExecutorSettings`` value handed
to ``build`` and ``make_editions`` (``executor_settings``: command-line options over the
project's settings over the built-in ones, field by field), checked here so a bad choice is a
clear error before any work starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from briefbook.core.errors import BriefbookError

if TYPE_CHECKING:
    from briefbook.project import Project


class ExecutorKind(StrEnum):
    """Where the work runs: worker processes on this machine, or a Dask cluster."""

    LOCAL = "local"
    DASK = "dask"


KINDS: tuple[str, ...] = tuple(ExecutorKind)

#: ``tcp://host:port``, ``tls://host:port`` or ``host:port``; host a name, IPv4 or [IPv6].
#: How long to wait for a scheduler to answer, and for its first worker (seconds).
CONNECT_TIMEOUT_S = 20.0
WORKERS_TIMEOUT_S = 60.0
MAX_TIMEOUT_S = 86_400.0

_ADDRESS = re.compile(r"^(?:(?:tcp|tls)://)?(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$")


@dataclass(frozen=True)
class ExecutorSettings:
    """``kind`` "local": spawned worker processes on this machine (``--jobs`` of them).
    ``kind`` "dask": a Dask distributed cluster — the scheduler at ``scheduler``, or, when it
    is None, a LocalCluster of ``--jobs`` single-threaded worker processes on 127.0.0.1 that
    lives as long as the command.

    ``connect_timeout``: seconds for the scheduler to answer as a Dask scheduler;
    ``workers_timeout``: seconds for its first worker to join (dask_run.connect)."""

    kind: ExecutorKind = ExecutorKind.LOCAL
    scheduler: str | None = None
    connect_timeout: float = CONNECT_TIMEOUT_S
    workers_timeout: float = WORKERS_TIMEOUT_S

    def __post_init__(self) -> None:
        for option, value in (("--connect-timeout", self.connect_timeout),
                              ("--workers-timeout", self.workers_timeout)):
            if not isinstance(value, (int, float)) or not 0 < value <= MAX_TIMEOUT_S:
                raise BriefbookError(f"{option} {value!r} is not a number of seconds from 0 to "
                                     f"{MAX_TIMEOUT_S:,.0f}", hint=f"e.g. {option} 30")
        object.__setattr__(self, "kind", _kind(self.kind))  # a plain str from a caller
        if self.scheduler is not None:
            if self.kind is not ExecutorKind.DASK:
                raise BriefbookError("--scheduler only applies to the Dask executor",
                                     hint="add --executor dask, or drop --scheduler")
            if not _ADDRESS.match(self.scheduler) or int(self.scheduler.rsplit(":", 1)[1]) > 65535:
                raise BriefbookError(f"{self.scheduler!r} is not a scheduler address",
                                     hint="write it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")

    def override(self, kind: ExecutorKind | str | None = None, scheduler: str | None = None,
                 *, connect_timeout: float | None = None,
                 workers_timeout: float | None = None) -> ExecutorSettings:
        """These settings with the options that were given on the command line."""
        new_kind, new_scheduler = self.kind, self.scheduler
        if kind is not None and kind != self.kind and scheduler is None:
            # Choosing another executor drops a configured scheduler that belongs to Dask.
            new_kind = _kind(kind)
            new_scheduler = None if new_kind is ExecutorKind.LOCAL else self.scheduler
        else:
            if scheduler is not None and kind is None:
                kind = ExecutorKind.DASK  # a scheduler address implies Dask
            new_kind = self.kind if kind is None else _kind(kind)
            new_scheduler = self.scheduler if scheduler is None else scheduler
        return ExecutorSettings(
            new_kind, new_scheduler,
            self.connect_timeout if connect_timeout is None else connect_timeout,
            self.workers_timeout if workers_timeout is None else workers_timeout)


def _kind(value: ExecutorKind | str) -> ExecutorKind:
    if value not in KINDS:
        raise BriefbookError(f"unknown executor {str(value)!r}",
                             hint="use --executor local or --executor dask")
    return ExecutorKind(value)


LOCAL = ExecutorSettings()


def executor_settings(project: Project | None, kind: ExecutorKind | str | None = None,
                      scheduler: str | None = None, *, connect_timeout: float | None = None,
                      workers_timeout: float | None = None) -> ExecutorSettings:
    """The executor settings: command-line options over the project's ``distribute:``
    settings (briefbook.yaml) over the built-in ones (local processes)."""
    defaults = LOCAL
    if project is not None:
        config = project.config.distribute
        defaults = ExecutorSettings(ExecutorKind(config.executor), config.scheduler)
    return defaults.override(kind, scheduler, connect_timeout=connect_timeout,
                             workers_timeout=workers_timeout)


__all__ = ["CONNECT_TIMEOUT_S", "KINDS", "LOCAL", "WORKERS_TIMEOUT_S", "ExecutorKind",
           "ExecutorSettings", "executor_settings"]
