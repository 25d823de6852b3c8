"""Run the preview: bind 127.0.0.1, render, watch, serve, stop cleanly.

Takes: a ``PreviewSession`` (brief, corpus folder, catalog), the folders to watch and a port
(0 picks a free one). Gives: a running server until Ctrl-C (SIGINT) or SIGTERM; then the
watchers stop, open event streams end, the socket is closed and ``serve`` returns.

The socket is bound here, before uvicorn starts, so a port in use is one clear
``BriefbookError`` and the real port is known (``on_ready`` receives the URL).
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import uvicorn

from briefbook.core.errors import BriefbookError
from briefbook.preview.app import Hub, create_app
from briefbook.preview.session import PreviewSession, Snapshot
from briefbook.preview.watch import watch

HOST = "127.0.0.1"


def bind(port: int) -> socket.socket:
    """A listening TCP socket on 127.0.0.1:``port`` or a clear error."""
    if not 0 <= port <= 65535:
        raise BriefbookError(f"port {port} is out of range",
                             hint="give --port between 1024 and 65535, or 0 for any free port")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Restarting right after a stop must work (connections of the last run in TIME_WAIT);
    # on Linux this never lets two servers listen on one port.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise BriefbookError(f"port {port} on {HOST} is already in use",
                                 hint="stop the other program, or pass --port N (or --port 0 "
                                      "for any free port)") from exc
        if exc.errno == errno.EACCES:
            raise BriefbookError(f"not allowed to listen on port {port}",
                                 hint="use a port above 1024, or --port 0") from exc
        raise BriefbookError(f"cannot listen on {HOST}:{port} ({exc.strerror})") from exc
    sock.setblocking(False)
    return sock


def serve(session: PreviewSession, watch_folders: Iterable[Path], *, port: int = 8765,
          watch_files: Iterable[Path] = (),
          on_ready: Callable[[str], None] | None = None,
          on_render: Callable[[Snapshot], None] | None = None) -> None:
    sock = bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    hub = Hub()
    folders = list(watch_folders)
    files = list(watch_files)

    async def render(reload: bool) -> None:
        if reload:
            session.reload()
        snapshot = await anyio.to_thread.run_sync(session.render, abandon_on_cancel=True)
        hub.publish(snapshot)
        if on_render:
            on_render(snapshot)

    @asynccontextmanager
    async def lifespan(app):
        stop = anyio.Event()
        async with anyio.create_task_group() as group:
            async def first_then_watch() -> None:
                await render(False)
                await watch(session.brief, folders, render, stop, files)

            group.start_soon(first_then_watch)
            if on_ready:
                on_ready(url)
            try:
                yield
            finally:
                hub.close()
                stop.set()
                group.cancel_scope.cancel()

    app = create_app(hub, title=session.brief.name)
    app.router.lifespan_context = lifespan

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            hub.close()  # end open event streams now, so shutdown does not wait for them
            super().handle_exit(sig, frame)
            # Ctrl-C is how a preview is meant to end: return normally instead of uvicorn
            # raising the signal again after shutdown (which would exit 130).
            self._captured_signals.clear()

    config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                            timeout_graceful_shutdown=2, server_header=False, date_header=False)
    server = Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
