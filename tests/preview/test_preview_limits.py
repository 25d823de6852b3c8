"""The preview's bounds, against a real ``briefbook preview`` on 127.0.0.1: a page URL with a
number Python will not parse, the cross-origin header on every response, and the cap on open
event streams."""

from __future__ import annotations

import http.client
import socket
import time

from plugins.preview_process import PreviewProcess

from briefbook.preview.app import MAX_EVENT_CLIENTS


def request(preview: PreviewProcess, path: str, host: str | None = None
            ) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def open_event_stream(port: int) -> tuple[socket.socket, str, bytes]:
    """A raw connection to /events: the socket (left open), the status line, what came first."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0].decode()
    if " 200 " not in status:  # a refusal: read its whole body
        length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                       if line.lower().startswith(b"content-length:")), 0)
        while len(body) < length:
            chunk = sock.recv(4096)
            if not chunk:
                break
            body += chunk
    return sock, status, body


def test_a_page_number_of_4301_digits_is_a_plain_404(preview):
    for path in (f"/pages/1/{'9' * 4301}.png", f"/pages/{'9' * 4301}/1.png",
                 "/pages/1/-1.png", "/pages/%EF%BC%91/1.png", "/pages/1/1e3.png"):
        status, headers, body = request(preview, path)
        assert status == 404, (path[:40], status, body[:200])
        assert b"Traceback" not in body and b"Internal Server Error" not in body
    state = preview.wait_for(lambda s: s["version"] >= 1)
    status, _, png = request(preview, state["images"][0]["url"])  # real pages still served
    assert status == 200 and png.startswith(b"\x89PNG")
    out = preview.stop()
    assert "Traceback" not in out and "Exception" not in out, out


def test_every_response_says_same_origin_only(preview):
    state = preview.wait_for(lambda s: s["version"] >= 1)
    cases = {"page image": (state["images"][0]["url"], None, 200),
             "viewer": ("/", None, 200), "state": ("/state", None, 200),
             "script": ("/preview.js", None, 200), "missing page": ("/pages/1/999.png", None, 404),
             "unknown path": ("/nope", None, 404), "foreign host": ("/state", "evil.example", 400)}
    for name, (path, host, expected) in cases.items():
        status, headers, _ = request(preview, path, host)
        assert status == expected, name
        assert headers.get("cross-origin-resource-policy") == "same-origin", (name, headers)
        assert headers.get("x-content-type-options") == "nosniff", name


def test_event_streams_are_capped_and_a_closed_one_frees_its_place(preview):
    streams = []
    try:
        for _ in range(MAX_EVENT_CLIENTS):
            sock, status, _ = open_event_stream(preview.port)
            streams.append(sock)
            assert " 200 " in status, status
        sock, status, body = open_event_stream(preview.port)
        sock.close()
        assert " 503 " in status, status
        assert b"too many open previews" in body and b"close other tabs" in body, body
        # Other routes still answer while the streams are held.
        assert request(preview, "/state")[0] == 200
        # A stream that ends gives its place back.
        streams.pop().close()
        deadline = time.monotonic() + 10
        while True:
            sock, status, _ = open_event_stream(preview.port)
            if " 200 " in status:
                streams.append(sock)
                break
            sock.close()
            assert time.monotonic() < deadline, f"the closed stream's place never came back: " \
                                                f"{status}"
            time.sleep(0.2)
    finally:
        for sock in streams:
            sock.close()
    out = preview.stop()
    assert "Traceback" not in out, out
