"""One overall deadline per URL, enforced on every socket operation httpx makes.

httpx's timeouts bound each connect, read and write, never a whole exchange: a server
that sends its status line and headers one byte every half second answers every read
in time and holds the caller for ever.  The :class:`DeadlineTransport` gives httpx a
network backend whose streams cut each operation's timeout to what is left of the
deadline of the URL being fetched in this thread, and fail once nothing is left; so
connecting, sending, waiting for headers and reading the body all share one clock,
across retries and redirects.  Takes: a :class:`DeadlineClock` that the fetcher starts
per URL.  Gives: an ``httpx.HTTPTransport`` to hand to ``httpx.Client``.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from collections.abc import Iterator


class DeadlineClock:
    """The monotonic time by which the URL being fetched in the current thread must be done."""

    def __init__(self) -> None:
        self._local = threading.local()

    @contextmanager
    def running(self, seconds: float) -> Iterator[float]:
        """Start a deadline ``seconds`` from now for this thread (the outermost one wins); yields it."""
        outer = getattr(self._local, "deadline", None)
        self._local.deadline = outer if outer is not None else time.monotonic() + seconds
        try:
            yield self._local.deadline
        finally:
            self._local.deadline = outer

    def remaining(self) -> float | None:
        """Seconds left, or None when no deadline runs in this thread."""
        deadline = getattr(self._local, "deadline", None)
        return None if deadline is None else deadline - time.monotonic()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def cut(self, timeout: float | None) -> float | None:
        """``timeout`` shortened to the time left; raises httpcore's timeout when none is left."""
        import httpcore

        left = self.remaining()
        if left is None:
            return timeout
        if left <= 0:
            raise httpcore.ReadTimeout("the overall deadline passed")
        return left if timeout is None else min(timeout, left)


def _stream_class():
    import httpcore

    class DeadlineStream(httpcore.NetworkStream):
        def __init__(self, stream, clock: DeadlineClock) -> None:
            self._stream, self._clock = stream, clock

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self._stream.read(max_bytes, self._clock.cut(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self._stream.write(buffer, self._clock.cut(timeout))

        def close(self) -> None:
            self._stream.close()

        def start_tls(self, ssl_context, server_hostname=None, timeout=None):
            return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, self._clock.cut(timeout)),
                                  self._clock)

        def get_extra_info(self, info: str):
            return self._stream.get_extra_info(info)

    return DeadlineStream


def _backend_class():
    import httpcore

    stream_class = _stream_class()

    class DeadlineBackend(httpcore.SyncBackend):
        def __init__(self, clock: DeadlineClock) -> None:
            self._clock = clock

        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            stream = super().connect_tcp(host, port, self._clock.cut(timeout), local_address, socket_options)
            return stream_class(stream, self._clock)

        def connect_unix_socket(self, path, timeout=None, socket_options=None):
            return stream_class(super().connect_unix_socket(path, self._clock.cut(timeout), socket_options), self._clock)

    return DeadlineBackend


def deadline_transport(clock: DeadlineClock):
    """An httpx transport (no proxies: the fetcher checks the addresses it connects to itself)."""
    import httpcore
    import httpx

    transport = httpx.HTTPTransport()
    # httpx has no public hook for the network backend; the pool is the one object it
    # delegates every request to, and tests/test_fetch_deadline.py fails if that changes.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                              network_backend=_backend_class()(clock))
    return transport
