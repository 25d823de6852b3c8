"""PDF pages drawn and read by pdf.js (``pdfjs-dist`` 6.5.438) in Debian's Chromium.

Takes: a PDF file (and its user password, for an encrypted copy). Gives: each page as an RGB
PIL image on white paper, sized like pypdfium2's rendering at the same DPI (``ceil(width_pt ×
dpi / 72)``, pdfium's float32 page size), and each page's text as pdf.js ``getTextContent``
reads it (the items' ``str`` joined, ``hasEOL`` as ``"\\n"``) — so the suite can hold pdf.js's
pages beside pdfium's.

How: pdf.js comes from tests/engines/pdfjs/node_modules (``npm ci`` there, pinned by its
package-lock.json) and runs in ``/usr/bin/chromium`` driven by Playwright; Playwright never
downloads a browser. A stdlib HTTP server on 127.0.0.1 (ephemeral port, a thread) serves the
page, pdf.js's ``build/``, ``cmaps/``, ``standard_fonts/``, ``wasm/`` and ``iccs/`` folders,
and the one PDF being read — nothing else. Every request for another origin is aborted and
listed in ``PdfJs.blocked``; the served pages also carry a Content-Security-Policy that lets
the page and pdf.js's worker fetch from their own origin only.

``with PdfJs() as js:`` starts one browser for many PDFs; ``render_pages`` and ``page_texts``
at module level start one per call. ``available()`` says why this machine cannot (the caller
fails with that reason; tests here never skip). As a pytest plugin it gives the module-scoped
fixture ``pdfjs_browser``: one started ``PdfJs`` for the tests of a module.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Iterable, Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[2]
#: The pinned npm project (package.json, package-lock.json) that ``make`` installs pdf.js into.
PACKAGE_DIR = REPO / "tests" / "engines" / "pdfjs"
PDFJS_DIR = PACKAGE_DIR / "node_modules" / "pdfjs-dist"
PDFJS_VERSION = "6.5.438"
CHROMIUM = Path("/usr/bin/chromium")
#: What ``make`` runs in tests/engines/pdfjs (pdf.js's optional ``@napi-rs/canvas`` is for Node
#: only).
NPM_INSTALL = "npm ci --omit=optional --no-audit --no-fund"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The pdfjs-dist folders the server may answer from.
SERVED_FOLDERS = ("build", "cmaps", "standard_fonts", "wasm", "iccs")
CONTENT_TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
                 ".json": "application/json", ".map": "application/json"}
#: pdf.js compiles with ``new Function`` and instantiates WebAssembly; everything else: self only.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; "
       "worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self' data: blob:; style-src 'self' 'unsafe-inline'")
TIMEOUT_MS = 120_000

INDEX_HTML = """<!doctype html>
<meta charset="utf-8">
<title>briefbook pdf.js</title>
<script type="module">
import * as pdfjs from "/pdfjs/build/pdf.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = "/pdfjs/build/pdf.worker.mjs";
const base = new URL("/pdfjs/", location.href).href;
const options = {
  cMapUrl: base + "cmaps/", cMapPacked: true, standardFontDataUrl: base + "standard_fonts/",
  wasmUrl: base + "wasm/", iccUrl: base + "iccs/", enableXfa: false,
};
let worker = null;
let task = null;
let doc = null;

async function close() {
  doc = null;
  if (task) { const t = task; task = null; await t.destroy(); }
}

window.briefbookPdfjs = {
  version: pdfjs.version,
  async open(url, password) {
    await close();
    worker ||= new pdfjs.PDFWorker();
    const data = new Uint8Array(await (await fetch(url, {cache: "no-store"})).arrayBuffer());
    const params = {...options, data, worker};
    if (password !== null) params.password = password;
    try {
      task = pdfjs.getDocument(params);
      doc = await task.promise;
    } catch (error) {
      return {error: `${error.name}: ${error.message}`};
    }
    return {pages: doc.numPages};
  },
  async render(index, dpi, annotations) {
    const page = await doc.getPage(index + 1);
    const scale = dpi / 72;
    const viewport = page.getViewport({scale});
    // pdfium's size: its float32 page box, rotated, times the scale, rounded up; the page is
    // stretched over the whole bitmap (a fraction of a pixel), as FPDF_RenderPageBitmap does.
    const [x0, y0, x1, y1] = page.view.map(Math.fround);
    let [w, h] = [Math.fround(x1 - x0), Math.fround(y1 - y0)];
    if (page.rotate % 180 !== 0) [w, h] = [h, w];
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(w * scale);
    canvas.height = Math.ceil(h * scale);
    const context = canvas.getContext("2d", {alpha: false});
    context.fillStyle = "white";
    context.fillRect(0, 0, canvas.width, canvas.height);
    await page.render({
      canvas, canvasContext: context, viewport, background: "white",
      transform: [canvas.width / viewport.width, 0, 0, canvas.height / viewport.height, 0, 0],
      annotationMode: annotations ? pdfjs.AnnotationMode.ENABLE : pdfjs.AnnotationMode.DISABLE,
    }).promise;
    page.cleanup();
    const png = canvas.toDataURL("image/png");
    canvas.width = canvas.height = 0;
    return png.slice(png.indexOf(",") + 1);
  },
  async texts() {
    const out = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      out.push(content.items.map(item => (item.str ?? "") + (item.hasEOL ? "\\n" : "")).join(""));
      page.cleanup();
    }
    return out;
  },
  close,
};
</script>
"""


class PdfJsError(RuntimeError):
    """pdf.js could not open or draw a PDF (wrong password, broken file, a script error)."""


def available() -> str | None:
    """Why pdf.js cannot run here, or None when it can."""
    manifest = PDFJS_DIR / "package.json"
    if not manifest.is_file():
        return (f"pdf.js is not installed: no {PDFJS_DIR.relative_to(REPO)}; "
                f"run `{NPM_INSTALL}` in {PACKAGE_DIR.relative_to(REPO)} (make does)")
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    if version != PDFJS_VERSION:
        return (f"pdfjs-dist {version} is installed, the suite pins {PDFJS_VERSION}: "
                f"run `{NPM_INSTALL}` in {PACKAGE_DIR.relative_to(REPO)}")
    if not CHROMIUM.is_file():
        return (f"no Chromium at {CHROMIUM} (Debian's chromium package; Playwright never "
                "downloads one)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright is not installed ({error}); pip install -e '.[test]'"
    return None


def _handler(server: _Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - quiet: no access log on stderr
            pass

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):  # noqa: N802 - http.server's name
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(HTTPStatus.OK, INDEX_HTML.encode(), "text/html; charset=utf-8")
            if path == "/document.pdf" and server.pdf is not None:
                return self._send(HTTPStatus.OK, server.pdf.read_bytes(), "application/pdf")
            file = server.static_file(path)
            if file is None:
                return self._send(HTTPStatus.NOT_FOUND, b"not here\n", "text/plain")
            return self._send(HTTPStatus.OK, file.read_bytes(),
                              CONTENT_TYPES.get(file.suffix, "application/octet-stream"))

    return Handler


class _Server:
    """127.0.0.1, an ephemeral port, one thread: pdf.js's folders and the one PDF being read."""

    def __init__(self) -> None:
        self.pdf: Path | None = None
        self.root = PDFJS_DIR.resolve()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="pdfjs-http",
                                       daemon=True)
        self.thread.start()

    def static_file(self, path: str) -> Path | None:
        if not path.startswith("/pdfjs/"):
            return None
        parts = path[len("/pdfjs/"):].split("/")
        if not parts or parts[0] not in SERVED_FOLDERS or any(p in ("", ".", "..") for p in parts):
            return None
        file = self.root.joinpath(*parts).resolve()
        return file if file.is_relative_to(self.root) and file.is_file() else None

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


class PdfJs:
    """One Chromium with pdf.js loaded, for many PDFs: ``with PdfJs() as js: js.render_pages(p)``.

    ``browser``: an already launched Playwright Browser to use (left open on exit); by default
    Playwright is started and ``/usr/bin/chromium`` launched, and both are closed on exit.
    ``blocked`` lists every request for an address other than the local server (aborted);
    ``errors`` the page's script errors and console errors; ``warnings`` pdf.js's warnings
    (``Warning: …``, from the page or its worker). pdf.js draws a glyph it cannot map as
    nothing, often without a warning: compare pages, do not rely on ``warnings``.
    """

    def __init__(self, browser=None) -> None:
        self._given_browser = browser
        self._playwright = None
        self._browser = None
        self._context = None
        self._page = None
        self._server: _Server | None = None
        self._serial = 0
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.version: str | None = None

    def __enter__(self) -> PdfJs:
        reason = available()
        if reason:
            raise PdfJsError(reason)
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self._server = _Server()
        origin = self._server.origin + "/"
        if self._given_browser is not None:
            self._browser = self._given_browser
        else:
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        self._context = self._browser.new_context(service_workers="block")

        def route(r):
            if r.request.url.startswith(origin):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort("blockedbyclient")

        self._context.route("**/*", route)
        self._page = self._context.new_page()
        self._page.set_default_timeout(TIMEOUT_MS)
        self._page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self._context.on("console", self._console)  # the context's: it hears pdf.js's worker too
        self._page.goto(origin)
        try:
            self._page.wait_for_function("window.briefbookPdfjs !== undefined", timeout=30_000)
        except Exception as error:
            raise PdfJsError(f"pdf.js did not load: {error}; {self.errors}") from None
        self.version = self._page.evaluate("briefbookPdfjs.version")

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")
        elif message.type == "warning" or message.text.startswith("Warning:"):
            self.warnings.append(message.text)

    def close(self) -> None:
        for step in (lambda: self._context and self._context.close(),
                     lambda: self._playwright and self._browser and self._browser.close(),
                     lambda: self._playwright and self._playwright.stop(),
                     lambda: self._server and self._server.close()):
            try:
                step()
            except Exception:  # noqa: BLE001 - tearing down: close the rest regardless
                pass
        self._context = self._page = self._browser = self._playwright = self._server = None

    def _open(self, pdf_path: str | Path, password: str | None) -> int:
        if self._page is None:
            raise PdfJsError("PdfJs is not started: use `with PdfJs() as js:`")
        path = Path(pdf_path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        self._server.pdf = path
        self._serial += 1
        result = self._page.evaluate("([url, password]) => briefbookPdfjs.open(url, password)",
                                     [f"/document.pdf?{self._serial}", password])
        if "error" in result:
            raise PdfJsError(f"pdf.js cannot open {path.name}: {result['error']}")
        return result["pages"]

    def page_count(self, pdf_path: str | Path, password: str | None = None) -> int:
        return self._open(pdf_path, password)

    def render_pages(self, pdf_path: str | Path, dpi: float = 50,
                     pages: Iterable[int] | None = None, password: str | None = None,
                     annotations: bool = False) -> list[Image.Image]:
        """The pages (0-based indices, all by default) as RGB images on white paper.

        ``annotations=False`` leaves annotation appearances out, like the suite's pdfium pages
        (``draw_annots=False``); True draws them as pdf.js's viewer does."""
        count = self._open(pdf_path, password)
        indices = range(count) if pages is None else list(pages)
        images = []
        for index in indices:
            if not 0 <= index < count:
                raise IndexError(f"page index {index} out of range: {count} pages")
            data = self._page.evaluate("([i, dpi, a]) => briefbookPdfjs.render(i, dpi, a)",
                                       [index, dpi, annotations])
            with Image.open(io.BytesIO(base64.b64decode(data))) as image:
                images.append(image.convert("RGB"))
        self._page.evaluate("briefbookPdfjs.close()")
        return images

    def page_texts(self, pdf_path: str | Path, password: str | None = None) -> list[str]:
        """Each page's text: getTextContent's items' ``str``, ``hasEOL`` as a newline."""
        self._open(pdf_path, password)
        texts = self._page.evaluate("briefbookPdfjs.texts()")
        self._page.evaluate("briefbookPdfjs.close()")
        return texts


def render_pages(pdf_path: str | Path, dpi: float = 50, pages: Iterable[int] | None = None,
                 password: str | None = None) -> list[Image.Image]:
    """``PdfJs.render_pages`` with a browser of its own (started and closed here)."""
    with PdfJs() as js:
        return js.render_pages(pdf_path, dpi=dpi, pages=pages, password=password)


def page_texts(pdf_path: str | Path, password: str | None = None) -> list[str]:
    """``PdfJs.page_texts`` with a browser of its own (started and closed here)."""
    with PdfJs() as js:
        return js.page_texts(pdf_path, password=password)


@pytest.fixture(scope="module")
def pdfjs_browser() -> Iterator[PdfJs]:
    """pdf.js in one Chromium for the tests of a module; fails (never skips) with the reason
    when this machine cannot run it, and at the end asserts that nothing outside was fetched
    and the page logged no error."""
    reason = available()
    if reason:
        pytest.fail(reason)
    with PdfJs() as engine:
        yield engine
        assert engine.blocked == [] and engine.errors == []
