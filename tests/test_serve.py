"""End to end on a real Prefect server: `thb serve` registers a source's schedule and runs its flow runs.

Starts `prefect server start` on 127.0.0.1 and `thb serve` as subprocesses, publishes a press
release on a local HTTP server, then triggers the source's deployment and reads the tables.
About a minute: the server needs 15-30 s to start and the served flow run starts a process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pipeline.settings import SAMPLES_DIR
from pipeline.store.tables import read_table

from conftest import write_sources

pytestmark = pytest.mark.prefect


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    home, port = tmp_path_factory.mktemp("prefect_server_home"), free_port()
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "3"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "wb")
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"

    def healthy() -> bool:
        try:
            return httpx.get(f"{api}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, 180, "the Prefect server")
        yield {"PREFECT_HOME": str(home), "PREFECT_API_URL": api}
    finally:
        stop(server)
        log.close()


def api_get(api: str, path: str, payload: dict | None = None):
    response = httpx.post(f"{api}{path}", json=payload or {}, timeout=10) if payload is not None \
        else httpx.get(f"{api}{path}", timeout=10)
    return response.json() if response.status_code == 200 else None


def test_serve_schedules_a_source_and_runs_it(prefect_server, httpserver, tmp_path):
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    httpserver.expect_request("/news/press-release.html").respond_with_data(
        (SAMPLES_DIR / "press-release.html").read_bytes(), content_type="text/html")
    sources = write_sources(tmp_path / "sources.toml", {
        "name": "local-press", "publisher": "A local test publisher", "kind": "document",
        "start": [httpserver.url_for("/news/press-release.html")], "schedule": "0 0 1 1 *", "min_interval_s": 0})
    api = prefect_server["PREFECT_API_URL"]
    env = {**os.environ, **prefect_server, "THB_ALLOW_PRIVATE": "1", "THB_NLP": "0",
           "PREFECT_RUNNER_POLL_FREQUENCY": "2", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    out, raw = tmp_path / "out", tmp_path / "raw"
    serve_log = open(tmp_path / "serve.log", "wb")
    serve = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "local-press", "--sources-file",
                              str(sources), "--out", str(out), "--raw", str(raw)],
                             env=env, stdout=serve_log, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        deployment = wait_for(lambda: api_get(api, "/deployments/name/ingest/local-press"), 120,
                              f"the deployment (serve log: {tmp_path / 'serve.log'})")
        assert [s["schedule"]["cron"] for s in deployment["schedules"]] == ["0 0 1 1 *"]
        assert deployment["parameters"]["sources"] == ["local-press"]

        def scheduled_runs():
            runs = api_get(api, "/flow_runs/filter", {"deployments": {"id": {"any_": [deployment["id"]]}}})
            return [r for r in runs or [] if r["state_type"] == "SCHEDULED"]

        assert wait_for(scheduled_runs, 60, "the scheduler to create upcoming runs")

        def create_run():
            # a busy server answers 503 for a moment (SQLite locked); a retry is what any client does
            response = httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run", json={}, timeout=10)
            assert response.status_code in (201, 503), response.text
            return response.json() if response.status_code == 201 else None

        run = wait_for(create_run, 60, "the server to accept a flow run")

        def finished():
            state = api_get(api, f"/flow_runs/{run['id']}")["state_type"]
            return state if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        assert wait_for(finished, 240, f"the flow run (serve log: {tmp_path / 'serve.log'})") == "COMPLETED", \
            Path(tmp_path / "serve.log").read_text()[-3000:]
    finally:
        stop(serve)
        serve_log.close()
    documents = read_table(out, "documents")
    assert list(documents["status"]) == ["ok"]
    assert documents["source"].iloc[0] == httpserver.url_for("/news/press-release.html")
    assert len(read_table(out, "fetches")) >= 1
