"""Prefect's temporary server as `thb run` starts it: up before Prefect is imported, gone after the run."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from flows.server import LocalServer, _healthy, serving, start_local_server


def _wait_until_down(api_url: str, timeout_s: float = 20) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _healthy(api_url):
            return True
        time.sleep(0.2)
    return False


def test_no_server_is_started_when_the_environment_names_an_api(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert start_local_server() is None


def test_flows_report_to_the_server_started_first_and_it_stops_after(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    from prefect import flow
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    @flow
    def hello() -> str:
        return "hello"

    server = start_local_server()
    with serving(server):
        assert PREFECT_API_URL.value() == server.api_url
        assert hello() == "hello"
        with get_client(sync_client=True) as client:
            assert [run.name for run in client.read_flow_runs()]      # the run is on this server
    assert server.process is None
    assert _wait_until_down(server.api_url)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_server_stops_when_its_parent_is_killed_outright(tmp_path):
    script = textwrap.dedent("""
        import sys, time
        from flows.server import LocalServer
        server = LocalServer()
        server.wait_until_ready(120)
        print(server.api_url, flush=True)
        time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")})
    api_url = parent.stdout.readline().strip()
    assert api_url.startswith("http://127.0.0.1:") and _healthy(api_url)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _wait_until_down(api_url)


def test_a_server_that_cannot_start_is_reported(monkeypatch):
    monkeypatch.setattr(LocalServer, "_start", lambda self: setattr(
        self, "process", subprocess.Popen([sys.executable, "-c", "raise SystemExit(7)"], stdin=subprocess.PIPE)))
    server = LocalServer()
    with pytest.raises(RuntimeError, match="exited with status 7"):
        server.wait_until_ready(30)


def test_an_api_url_from_prefect_settings_wins_over_the_temporary_server(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = start_local_server()
    assert server is not None and server.process is not None
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):     # as a profile would set it
        with serving(server):
            assert server.process is None                       # stopped unused
            assert PREFECT_API_URL.value() == "http://127.0.0.1:9/api"
