"""The preview's web app (Starlette): one page, its script, page images and an event stream.

Takes: a ``Hub`` holding the latest ``Snapshot``. Gives: an ASGI app with exactly these routes —
``/`` (the viewer), ``/preview.js``, ``/events`` (server-sent events: one ``update`` per new
snapshot), ``/pages/{version}/{n}.png`` and ``/state`` (JSON); every other path is 404.

Requests must name the preview's own host (``127.0.0.1`` or ``localhost``) in ``Host``:
anything else is refused with 400, so a web page on another name that resolves to this
machine (DNS rebinding) cannot read the book. Pages are served with a strict
Content-Security-Policy; brief and corpus text only ever reaches the page as ``textContent``.
Every response, errors included, carries ``Cross-Origin-Resource-Policy: same-origin`` (a page
on another origin cannot embed the book's page images or read them through a side channel)
and ``X-Content-Type-Options: nosniff``.

Bounded work per request: a page URL's version and page number are at most 9 digits (a longer
one, such as 4,301 digits that Python will not turn into an int, is a plain 404), and at most
``MAX_EVENT_CLIENTS`` event streams are open at once; one more gets 503 with a message.
"""

from __future__ import annotations

import json
import re
from importlib import resources

import anyio
from markupsafe import escape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from briefbook.preview.session import Snapshot

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
HEARTBEAT_S = 15.0
#: Open event streams at once: one per browser tab showing the preview. A person has a few;
#: each open stream holds a connection and a task, so thousands would exhaust the server.
MAX_EVENT_CLIENTS = 16
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")
#: On every response, errors and refusals included (``_AlwaysHeaders``).
ALWAYS_HEADERS = {
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; connect-src 'self'; "
                               "img-src 'self'; style-src 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class _AlwaysHeaders:
    """ASGI middleware: adds ``ALWAYS_HEADERS`` to every HTTP response that lacks them —
    including the host check's 400 and the router's 404, which no route builds."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name.lower().encode("latin-1"), value.encode("latin-1"))
                            for name, value in ALWAYS_HEADERS.items()
                            if name.lower().encode("latin-1") not in present]
                message = dict(message, headers=headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Hub:
    """The latest snapshot, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.snapshot = Snapshot(0)
        self.closing = False
        self.listeners = 0  # open event streams
        self._changed = anyio.Event()

    def publish(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._changed.set()
        self._changed = anyio.Event()

    def close(self) -> None:
        self.closing = True
        self._changed.set()

    async def wait(self, timeout: float) -> None:
        with anyio.move_on_after(timeout):
            await self._changed.wait()


def snapshot_message(snapshot: Snapshot) -> dict:
    message = snapshot.summary()
    message["images"] = [
        {"url": f"/pages/{snapshot.version}/{i + 1}.png", "text": page.text,
         "width": page.width, "height": page.height}
        for i, page in enumerate(snapshot.pages)]
    return message


def _asset(name: str) -> bytes:
    return resources.files("briefbook.preview").joinpath("static").joinpath(name).read_bytes()


def create_app(hub: Hub, *, title: str = "briefbook preview") -> Starlette:
    page_html = _asset("index.html").decode("utf-8")
    script = _asset("preview.js")
    style = _asset("preview.css")

    async def index(request: Request) -> Response:
        return Response(page_html.replace("{{title}}", str(escape(title))), media_type="text/html",
                        headers=SECURITY_HEADERS)

    async def static_js(request: Request) -> Response:
        return Response(script, media_type="text/javascript", headers=SECURITY_HEADERS)

    async def static_css(request: Request) -> Response:
        return Response(style, media_type="text/css", headers=SECURITY_HEADERS)

    async def state(request: Request) -> Response:
        return JSONResponse(snapshot_message(hub.snapshot), headers=SECURITY_HEADERS)

    async def page_png(request: Request) -> Response:
        snapshot = hub.snapshot
        version, number = request.path_params["version"], request.path_params["n"]
        # Digits only, and few: int() of 4,301 digits raises (Python's int-string limit).
        if not (_PAGE_NUMBER.fullmatch(version) and _PAGE_NUMBER.fullmatch(number)):
            return Response("no such page", status_code=404, media_type="text/plain")
        version, number = int(version), int(number)
        # Pages of an older version are gone once a newer one is out (the viewer follows /events).
        if version != snapshot.version or not 1 <= number <= len(snapshot.pages):
            return Response("no such page", status_code=404, media_type="text/plain")
        headers = dict(SECURITY_HEADERS, **{"Cache-Control": "private, max-age=3600"})
        return Response(snapshot.pages[number - 1].png, media_type="image/png", headers=headers)

    async def events(request: Request) -> Response:
        if hub.listeners >= MAX_EVENT_CLIENTS:
            return Response(f"too many open previews: {MAX_EVENT_CLIENTS} event streams are "
                            "open already; close other tabs showing this preview, then reload",
                            status_code=503, media_type="text/plain",
                            headers=dict(SECURITY_HEADERS, **{"Retry-After": "5"}))

        async def stream():
            sent = -1
            yield "retry: 500\n\n"
            while not hub.closing:
                snapshot = hub.snapshot
                if snapshot.version != sent:
                    sent = snapshot.version
                    data = json.dumps(snapshot_message(snapshot), ensure_ascii=False)
                    yield f"event: update\ndata: {data}\n\n"
                else:
                    yield ": keep-alive\n\n"
                await hub.wait(HEARTBEAT_S)

        headers = dict(SECURITY_HEADERS, **{"X-Accel-Buffering": "no"})
        hub.listeners += 1  # given back when the response ends, however it ends
        return _CountedStream(hub, stream(), media_type="text/event-stream", headers=headers)

    routes = [
        Route("/", index),
        Route("/preview.js", static_js),
        Route("/preview.css", static_css),
        Route("/state", state),
        Route("/events", events),
        Route("/pages/{version}/{n}.png", page_png),
    ]
    return Starlette(routes=routes,
                     middleware=[Middleware(_AlwaysHeaders),
                                 Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)])


class _CountedStream(StreamingResponse):
    """An event stream that gives its place back (``hub.listeners``) when it ends: the client
    went away, the server stopped, or it failed before its first byte."""

    def __init__(self, hub: Hub, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._hub = hub

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._hub.listeners -= 1

