"""Prefect's temporary local server, started before this process imports Prefect.

Without an API URL, Prefect starts a temporary server when the first flow runs: it imports the
whole server into this process (3-10 s here, longer under load), only then starts the server's own
process and waits for it (about 5 s more), all before the flow's first task, on every ``thb run``.
Started here first, the server's process comes up while this process imports Prefect and builds
the spaCy pipelines, and this process never imports the server.  The command and environment are
the ones Prefect runs itself (``prefect.server.api.server.SubprocessASGIServer``), wrapped so that
the server also stops when this process is killed outright (Prefect's own is left running).

Importing this module does not import Prefect; :func:`serving` does.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# What Prefect's SubprocessASGIServer sets for its server: no UI, ephemeral mode.
SERVER_ENVIRONMENT = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
PORT_IN_USE = 3     # uvicorn's exit status when it cannot bind


class ServerDidNotStart(RuntimeError):
    """Prefect's temporary server exited or did not answer in time (a retry may help)."""

    transient = True


class LocalServer:
    """Prefect's API server in a child process on a free loopback port."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.port = 0
        self._start()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _start(self) -> None:
        self.port = _free_port()
        app_dir = Path(importlib.util.find_spec("prefect").origin).parent.parent
        command = [sys.executable, "-c", _WATCHED_SERVER, "--app-dir", str(app_dir), "--factory",
                   "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                   "--log-level", "error", "--lifespan", "on"]
        # stdin stays open as long as this process lives: the server stops when it reads the end
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, env={**os.environ, **SERVER_ENVIRONMENT})

    def wait_until_ready(self, timeout_s: float) -> None:
        """Return once the server answers its health check; a port taken meanwhile gets another."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            status = self.process.poll()
            if status == PORT_IN_USE:
                self._start()
            elif status is not None:
                raise ServerDidNotStart(f"Prefect's temporary server exited with status {status}")
            elif _healthy(self.api_url):
                return
            time.sleep(0.1)
        self.stop()
        raise ServerDidNotStart(f"Prefect's temporary server did not answer within {timeout_s:.0f} s "
                                "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

    def stop(self) -> None:
        if self.process is None:
            return
        process, self.process = self.process, None
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdin:
            process.stdin.close()


# Runs uvicorn with the arguments given, and ends the server when its parent's pipe on stdin closes.
_WATCHED_SERVER = """\
import os, signal, sys, threading
def _watch():
    sys.stdin.buffer.read()
    os.kill(os.getpid(), signal.SIGTERM)
threading.Thread(target=_watch, daemon=True).start()
import uvicorn.main
sys.exit(uvicorn.main.main(sys.argv[1:]))
"""


def start_local_server() -> LocalServer | None:
    """Start Prefect's temporary server, unless the environment names a Prefect API to use."""
    if os.environ.get("PREFECT_API_URL") or os.environ.get("PREFECT_SERVER_EPHEMERAL_ENABLED", "").lower() == "false":
        return None
    return LocalServer()


@contextmanager
def serving(server: LocalServer | None) -> Iterator[None]:
    """Flows run in this block report to ``server``, which is stopped at the end.

    A Prefect profile or settings file that names an API URL wins: the server is then stopped unused.
    """
    if server is None:
        yield
        return
    try:
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

        if get_current_settings().api.url:
            server.stop()
            yield
            return
        timeout_s = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120"))
        server.wait_until_ready(timeout_s)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield
            finally:
                _send_pending_logs_and_events()
    finally:
        server.stop()


def _send_pending_logs_and_events() -> None:
    """Prefect sends logs and events from background workers, drained at exit: drained here, while the server runs."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # loopback never goes through a proxy


def _healthy(api_url: str) -> bool:
    try:
        with _NO_PROXY.open(f"{api_url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
