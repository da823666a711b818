"""The Prefect flow on Prefect's local engine (one test harness for the module)."""

from __future__ import annotations

import pytest

from pipeline.store.tables import read_table

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def harness(tmp_path_factory):
    import os

    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect_home"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def test_the_ingest_flow_writes_the_tables_in_batch_tasks(harness, tmp_path):
    from flows.ingest import ingest
    from prefect import get_client

    summary = ingest(settings={"out_dir": str(tmp_path / "out"), "raw_dir": str(tmp_path / "raw"), "nlp": False})
    assert summary["documents_ok"] >= 4 and not summary["failed_by_reason"]
    assert len(read_table(tmp_path / "out", "blocks")) == summary["rows"]["blocks"] > 0

    import anyio

    async def task_runs():
        async with get_client() as client:
            return await client.read_task_runs()

    names = sorted({run.name.rsplit("-", 1)[0] for run in anyio.run(task_runs)})
    assert names == ["collect-inputs", "extract-and-parse", "store-raw", "write-tables"]


def test_failed_documents_are_reported_to_prefect(harness, tmp_path):
    from flows.ingest import ingest
    from prefect import get_client

    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing else")
    summary = ingest(sources=[str(bad)], settings={"out_dir": str(tmp_path / "o"), "raw_dir": str(tmp_path / "r")})
    assert summary["failed_by_reason"] == {"broken": 1}

    import anyio

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts()

    assert any(a.key == "failed-documents" for a in anyio.run(artifacts))


def test_the_flow_runs_its_extraction_batches_on_a_dask_cluster(harness, tmp_path):
    import anyio
    import dask
    from distributed import LocalCluster
    from prefect import get_client

    from flows.ingest import ingest_on_dask

    async def extract_runs():
        async with get_client() as client:
            return [run for run in await client.read_task_runs() if run.name.startswith("extract-and-parse")]

    before = len(anyio.run(extract_runs))
    # extraction starts sandbox processes, which daemonic Dask workers may not do
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = ingest_on_dask(cluster.scheduler_address)(settings={
            "out_dir": str(tmp_path / "out"), "raw_dir": str(tmp_path / "raw"), "nlp": False,
            "batches": 2, "workers": 1})
        assert cluster.scheduler.transition_counter > 0
    assert summary["documents_ok"] >= 4 and not summary["failed_by_reason"]
    assert len(read_table(tmp_path / "out", "documents")) == summary["documents_ok"]
    assert len(anyio.run(extract_runs)) - before == 2
