"""Prefect's cost on a run: the ingest flow against the same stages without Prefect.

    python bench/bench_flow.py [SOURCE ...]      (default: the bundled samples)

Prints the wall time of both, the difference, and the task runs the flow created
(one per stage, whatever the number of documents).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(sources: list[str]) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from pipeline.run import ingest as ingest_local
    from pipeline.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["PREFECT_HOME"] = str(Path(scratch, "prefect"))  # a fresh database: counts only these runs
        settings = Settings(out_dir=Path(scratch, "a"), raw_dir=Path(scratch, "raw"), nlp=False)
        started = time.monotonic()
        summary = ingest_local(sources or None, settings)
        local_s = time.monotonic() - started

        from flows.ingest import ingest as ingest_flow
        from prefect import get_client

        flow_settings = {"out_dir": str(Path(scratch, "b")), "raw_dir": str(Path(scratch, "raw")), "nlp": False}
        started = time.monotonic()
        ingest_flow(sources=sources or None, settings=flow_settings)  # first call starts the local server
        first_s = time.monotonic() - started
        started = time.monotonic()
        ingest_flow(sources=sources or None, settings=flow_settings)
        second_s = time.monotonic() - started

        import anyio

        async def count_task_runs() -> int:
            async with get_client() as client:
                return len(await client.read_task_runs())

        task_runs = anyio.run(count_task_runs)
    docs = summary.documents_ok + summary.documents_failed
    print(f"documents: {docs}")
    print(f"stages without Prefect:        {local_s:7.2f} s")
    print(f"flow, first run (server start): {first_s:7.2f} s")
    print(f"flow, second run:              {second_s:7.2f} s")
    print(f"Prefect overhead per run (second run): {second_s - local_s:+.2f} s "
          f"({(second_s - local_s) / max(docs, 1) * 1000:.1f} ms per document)")
    print(f"task runs recorded for 2 flow runs: {task_runs} ({task_runs / 2:g} per run, whatever the number of documents)")


if __name__ == "__main__":
    main(sys.argv[1:])
