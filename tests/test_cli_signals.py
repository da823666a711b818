"""A signal to `thb run` ends the run and Prefect's temporary server with it.

The run is held in its fetch stage by a local server that drips its body, so the signal
always lands while the flow is running and the temporary server is up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from test_fetch_deadline import RawServer, slowly
from test_serve import wait_for

pytestmark = pytest.mark.prefect


def children(pid: int) -> dict[int, str]:
    """Processes whose parent is ``pid``, with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's reaping is left


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_run_and_the_temporary_prefect_server(tmp_path, signum):
    def drip(path, send):
        if path == "/robots.txt":
            send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        send(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2000\r\n\r\n")
        slowly(b"x" * 2000, send, 0.5)

    server = RawServer(drip)
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               THB_FETCH_TIMEOUT="600", PYTHONPATH=str(REPO))
    run = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "run", "--no-nlp", "--allow-private",
                            server.url("/slow.html"), "--out", str(tmp_path / "out"), "--raw", str(tmp_path / "raw")],
                           cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    servers: list[int] = []
    try:
        wait_for(lambda: "/slow.html" in server.requests, 180, "the flow to start fetching")
        servers += [pid for pid, cmd in children(run.pid).items() if "uvicorn" in cmd and "prefect.server" in cmd]
        assert servers, children(run.pid)
        run.send_signal(signum)
        run.wait(timeout=90)
        wait_for(lambda: not any(alive(pid) for pid in servers), 30, "the temporary server to stop")
    finally:
        if run.poll() is None:
            run.kill()
        for pid in servers:  # only if the test failed: leave nothing behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        server.close()
    assert run.returncode != 0
