"""The fetcher connects to the very address it checked (no DNS rebinding).

A hostile name server can answer a public address when the fetcher checks
the host, then a private one when the HTTP client resolves it again to
connect. Here the system resolver is replaced by one that does exactly
that for one name, and two loopback servers stand for the public host
(127.0.0.1) and the private one (127.0.0.2, which the check refuses).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fabrique.transport import services

NAME = "feeds.rebinding.test"
PUBLIC, PRIVATE = "127.0.0.1", "127.0.0.2"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.hosts.append(self.headers.get("Host"))  # type: ignore[attr-defined]
        body = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve(address: str, port: int, body: bytes) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer((address, port), _Handler)
    httpd.daemon_threads = True
    httpd.body = body  # type: ignore[attr-defined]
    httpd.hosts = []  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def hosts() -> Iterator[tuple[ThreadingHTTPServer, ThreadingHTTPServer]]:
    public = _serve(PUBLIC, 0, b"public feed")
    try:
        private = _serve(PRIVATE, public.server_address[1], b"PRIVATE DATA")
    except OSError as exc:
        public.shutdown()
        public.server_close()
        pytest.skip(f"cannot listen on {PRIVATE}: {exc}")
    yield public, private
    for httpd in (public, private):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def rebinding_dns(monkeypatch):
    """The system resolver, except NAME: public first, private afterwards."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        address = PUBLIC if not answers else PRIVATE
        answers.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def only_public_allowed(monkeypatch, settings):
    """127.0.0.1 plays a public host, 127.0.0.2 a private one."""
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    settings.TRANSPORT_FETCH_CONNECT_TIMEOUT = 2
    settings.TRANSPORT_FETCH_TIMEOUT = 5

    def allowed(address) -> bool:
        return address == ipaddress.ip_address(PUBLIC)

    monkeypatch.setattr(services, "address_allowed", allowed)


def test_a_changed_dns_answer_cannot_reach_a_private_host(
    hosts, rebinding_dns, only_public_allowed
):
    public, private = hosts
    port = public.server_address[1]
    received = services.download(f"http://{NAME}:{port}/feed.zip")
    try:
        assert received.path.read_bytes() == b"public feed"
    finally:
        received.discard()
    assert private.hosts == []  # type: ignore[attr-defined]
    # The name still travels in the Host header.
    assert public.hosts == [f"{NAME}:{port}"]  # type: ignore[attr-defined]
    assert rebinding_dns == [PUBLIC]  # resolved once


def test_a_name_with_any_private_address_is_refused(hosts, monkeypatch, settings):
    public, _private = hosts
    settings.TRANSPORT_FETCH_ALLOW_PRIVATE = False
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != NAME:
            return real(host, port, *args, **kwargs)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(services.FetchError, match="private or local host"):
        services.download(f"http://{NAME}:{public.server_address[1]}/feed.zip")
