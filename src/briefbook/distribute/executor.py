"""Where distribution work runs: local worker processes (the default) or a Dask cluster.

Takes: the ``--executor`` / ``--scheduler`` options, the Dask waits ``--connect-timeout`` and
``--workers-timeout`` (seconds), and the defaults they fall back to.
Gives: an ``ExecutorSettings`` value handed to ``build`` and ``make_editions``, checked here so
a bad choice is a clear error before any work starts.

Defaults come from an ``ExecutorSettings`` passed in by the caller (the CLI passes
``ExecutorSettings()``; project configuration — ``briefbook.yaml``, issue 11 — is meant to
supply its own value here), and command-line options override them field by field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from briefbook.core.errors import BriefbookError

ExecutorKind = Literal["local", "dask"]
KINDS: tuple[str, ...] = ("local", "dask")

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

    kind: ExecutorKind = "local"
    scheduler: str | None = None
    connect_timeout: float = CONNECT_TIMEOUT_S
    workers_timeout: float = WORKERS_TIMEOUT_S

    def __post_init__(self) -> None:
        for option, value in (("--connect-timeout", self.connect_timeout),
                              ("--workers-timeout", self.workers_timeout)):
            if not isinstance(value, (int, float)) or not 0 < value <= MAX_TIMEOUT_S:
                raise BriefbookError(f"{option} {value!r} is not a number of seconds from 0 to "
                                     f"{MAX_TIMEOUT_S:,.0f}", hint=f"e.g. {option} 30")
        if self.kind not in KINDS:
            raise BriefbookError(f"unknown executor {self.kind!r}",
                                 hint="use --executor local or --executor dask")
        if self.scheduler is not None:
            if self.kind != "dask":
                raise BriefbookError("--scheduler only applies to the Dask executor",
                                     hint="add --executor dask, or drop --scheduler")
            if not _ADDRESS.match(self.scheduler) or int(self.scheduler.rsplit(":", 1)[1]) > 65535:
                raise BriefbookError(f"{self.scheduler!r} is not a scheduler address",
                                     hint="write it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786")

    def override(self, kind: str | None = None, scheduler: str | None = None, *,
                 connect_timeout: float | None = None,
                 workers_timeout: float | None = None) -> ExecutorSettings:
        """These settings with the options that were given on the command line."""
        waits = {k: v for k, v in (("connect_timeout", connect_timeout),
                                   ("workers_timeout", workers_timeout)) if v is not None}
        if kind is not None and kind != self.kind and scheduler is None:
            # Choosing another executor drops a configured scheduler that belongs to Dask.
            return replace(self, kind=kind,  # type: ignore[arg-type]
                           scheduler=None if kind == "local" else self.scheduler, **waits)
        if scheduler is not None and kind is None:
            kind = "dask"  # a scheduler address implies Dask
        return replace(self, **{k: v for k, v in (("kind", kind), ("scheduler", scheduler))
                                if v is not None}, **waits)


LOCAL = ExecutorSettings()

__all__ = ["CONNECT_TIMEOUT_S", "KINDS", "LOCAL", "WORKERS_TIMEOUT_S", "ExecutorKind",
           "ExecutorSettings"]
