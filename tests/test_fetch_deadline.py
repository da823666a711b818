"""One deadline per URL: slow bodies, slow headers and slow redirect chains all end with it.

Each server is a thread on 127.0.0.1 that writes raw bytes to the socket, so it can be
as slow as a hostile server is.  The bounds below only catch a hang (the deadline is
2 s, a call must return within 10 s); the figures are printed with ``-s``.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from pipeline.errors import FetchError
from pipeline.ingest.fetcher import Fetcher, FetchPolicy

DEADLINE_S = 2.0
HANG_BOUND_S = 10.0  # far above deadline + 2 s, so load never fails the test; before the fix each case took longer


class RawServer:
    """Answers each connection with ``respond(path, send)``; ``send`` writes bytes and fails once the client left."""

    def __init__(self, respond) -> None:
        self.respond, self.requests = respond, []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _serve(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:  # closed by close()
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1].decode()
            self.requests.append(path)
            try:
                self.respond(path, conn.sendall)
            except OSError:
                pass  # the client gave up, as it should

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


def slowly(data: bytes, send, pause_s: float) -> None:
    for byte in data:
        time.sleep(pause_s)
        send(bytes([byte]))


def policy(server: RawServer, **changes) -> FetchPolicy:
    values = dict(allow_private=frozenset({f"127.0.0.1:{server.port}"}), min_interval_s=0, backoff_s=0.01,
                  deadline_s=DEADLINE_S, retries=5, respect_robots=False)
    return FetchPolicy(**{**values, **changes})


@pytest.fixture
def serve():
    servers = []

    def start(respond) -> RawServer:
        servers.append(RawServer(respond))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def timed_failure(fetcher: Fetcher, url: str, case: str) -> FetchError:
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        fetcher.get(url)
    elapsed = time.monotonic() - started
    print(f"\n{case}: gave up after {elapsed:.2f} s (deadline {DEADLINE_S:g} s): {caught.value}")
    assert elapsed < HANG_BOUND_S
    return caught.value


def test_a_body_drip_ends_at_the_deadline_without_retries(serve):
    def respond(path, send):
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100\r\n\r\n")
        slowly(b"x" * 100, send, 0.3)  # 30 s in all; five retries would make it 12 s

    server = serve(respond)
    with Fetcher(policy(server)) as fetcher:
        error = timed_failure(fetcher, server.url("/drip"), "body drip")
    assert "deadline" in str(error)
    assert server.requests == ["/drip"]  # the deadline is the URL's: spent, it is not retried


def test_a_header_drip_ends_at_the_deadline(serve):
    def respond(path, send):
        slowly(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"p" * 200 + b"\r\n\r\nhello", send, 0.3)

    server = serve(respond)
    with Fetcher(policy(server)) as fetcher:
        error = timed_failure(fetcher, server.url("/headers"), "header drip")
    assert "deadline" in str(error) and server.requests == ["/headers"]


def test_a_slow_redirect_chain_ends_at_the_deadline(serve):
    def respond(path, send):
        hop = int(path.rsplit("/", 1)[-1])
        time.sleep(0.8)
        send(f"HTTP/1.1 302 Found\r\nLocation: /hop/{hop + 1}\r\nContent-Length: 0\r\n\r\n".encode())

    server = serve(respond)
    with Fetcher(policy(server, max_redirects=30)) as fetcher:  # 31 hops would take 25 s
        error = timed_failure(fetcher, server.url("/hop/0"), "slow redirect chain")
    assert "deadline" in str(error)
    assert len(server.requests) <= DEADLINE_S / 0.8 + 2


def test_a_slow_robots_txt_shares_the_deadline_and_is_named_in_the_refusal(serve):
    def respond(path, send):
        slowly(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nUser-agent", send, 0.3)

    server = serve(respond)
    started = time.monotonic()
    with Fetcher(policy(server, respect_robots=True)) as fetcher, pytest.raises(Exception) as caught:
        fetcher.get(server.url("/page"))
    assert time.monotonic() - started < HANG_BOUND_S
    assert "robots.txt" in str(caught.value) and "could not be read" in str(caught.value)
    assert server.requests == ["/robots.txt"]


def test_a_fast_server_is_unaffected_by_the_deadline(serve):
    def respond(path, send):
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello")

    server = serve(respond)
    with Fetcher(policy(server)) as fetcher:
        first = fetcher.get(server.url("/a"))
        time.sleep(0.1)
        second = fetcher.get(server.url("/b"))  # a later URL starts its own deadline
    assert first.body == second.body == b"hello"
