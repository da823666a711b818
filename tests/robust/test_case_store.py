"""Fault suite, storage and paths (reliability plan §2, cases 29, 30, 31, 32, 34).

Case 27 (kill -9 at random points) is bench/crash_trials.py; here only the stale lock a killed
run leaves behind.  Case 28 (a damaged database) is test_case28_database.py.  Case 31 is
written for Prefect's concurrency slots, which this project does not use: what a killed run
holds here is the output folder's lock and its extraction workers, and what lets a re-run skip
finished documents is the documents table (same SHA-256, status ok, same pipeline version).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import psutil
from reportlab.pdfgen.canvas import Canvas
from werkzeug.wrappers import Response

from pipeline.settings import SAMPLES_DIR
from pipeline.store import parquet_path, read_table

from runs import raw_files, run_isolated, serve_robots, under

REPO_ROOT = Path(__file__).resolve().parents[2]
CHILD_ENV = {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"}


def sample_files() -> list[str]:
    return [str(p) for p in sorted(SAMPLES_DIR.iterdir()) if p.is_file()]


def test_case29_a_full_disk_fails_clearly_and_keeps_the_previous_tables(tmp_path, monkeypatch):
    run_isolated(tmp_path, monkeypatch, sample_files())
    out = tmp_path / "out" / "extracted"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # A child whose files may not grow past 64 KiB: the SQLite and Parquet writes fail midway.
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 10, 64 << 10))
        from pipeline.store import write_tables
        rows = {{"blocks": [{{"doc_id": "big", "block_no": i, "kind": "paragraph", "page": 1, "start": 0, "end": 1,
                             "label": None, "text": str(i) * 200}} for i in range(5000)]}}
        try:
            write_tables({str(out)!r}, rows, {{"big"}})
        except OSError as error:
            print("refused:", error)
            sys.exit(3)
    """)
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=CHILD_ENV)
    assert child.returncode == 3, (child.stdout, child.stderr[-2000:])
    assert "too large" in child.stdout.lower()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # previous tables intact, no temporary file left behind
    assert len(pd.read_parquet(parquet_path(out, "blocks")))


def cli_run(out: Path, raw: Path, inputs: Path = SAMPLES_DIR):
    from typer.testing import CliRunner

    from pipeline.cli import app

    return CliRunner().invoke(app, ["run", "--no-prefect", "--no-nlp", "--out", str(out), "--raw", str(raw),
                                    str(inputs)])


def test_case30_a_second_run_on_one_output_folder_is_refused_with_the_holders_pid(tmp_path):
    out = tmp_path / "extracted"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pipeline.store import output_lock
        with output_lock({str(out)!r}):
            print("locked", flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True, env=CHILD_ENV)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = cli_run(out, tmp_path / "raw")
    finally:
        holder.kill()  # as kill -9 would: the kernel releases the lock
        holder.wait()
    assert refused.exit_code == 2
    assert f"in use by pid {holder.pid}" in " ".join(refused.output.split())
    assert sorted(p.name for p in out.iterdir()) == [".thb.lock"]  # nothing written
    assert cli_run(out, tmp_path / "raw").exit_code == 0


def test_case27_a_lock_file_left_by_a_dead_pid_does_not_block_the_next_run(tmp_path):
    out = tmp_path / "extracted"
    dead = subprocess.Popen([sys.executable, "-c", "pass"], env=CHILD_ENV)
    dead.wait()
    out.mkdir()
    (out / ".thb.lock").write_text(f"{dead.pid}\n")  # what a kill -9 leaves: the pid, no holder
    result = cli_run(out, tmp_path / "raw")
    assert result.exit_code == 0, result.output
    assert "in use" not in result.output
    assert (out / ".thb.lock").read_text().strip() != str(dead.pid)
    assert len(pd.read_parquet(parquet_path(out, "documents"))) == len(sample_files())


def long_report(path: Path, pages: int) -> None:
    canvas = Canvas(str(path))
    for page in range(pages):
        for line in range(40):
            canvas.drawString(72, 760 - 18 * line, f"Page {page + 1}, line {line + 1}: 7,155 victims registered in 2022.")
        canvas.showPage()
    canvas.save()


def test_case31_a_run_killed_with_its_workers_alive_blocks_nothing_and_the_rerun_skips_finished_documents(tmp_path):
    corpus, out, raw = tmp_path / "corpus", tmp_path / "extracted", tmp_path / "raw"
    shutil.copytree(SAMPLES_DIR, corpus)
    first = cli_run(out, raw, corpus)
    assert first.exit_code == 0, first.output
    long_report(corpus / "new-report.pdf", 150)  # a new document, long enough to be mid-extraction when killed
    command = ["run", "--no-prefect", "--no-nlp", "--out", str(out), "--raw", str(raw), str(corpus)]
    killed = subprocess.Popen([sys.executable, "-c", "import sys; from pipeline.cli import app; app(sys.argv[1:])",
                               *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=CHILD_ENV)
    workers: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120  # only a bound against a hang: workers appear within seconds
        while not workers and killed.poll() is None and time.monotonic() < deadline:
            workers = psutil.Process(killed.pid).children(recursive=True)
            time.sleep(0.05)
        assert workers, "the run ended before its extraction workers started"
        os.kill(killed.pid, signal.SIGKILL)  # the run only: its workers are orphaned, still alive
        killed.wait()
        rerun = cli_run(out, raw, corpus)
    finally:
        for worker in workers:
            try:
                worker.kill()
            except psutil.NoSuchProcess:
                pass
    assert rerun.exit_code == 0, rerun.output
    assert "in use" not in rerun.output
    finished = len([p for p in SAMPLES_DIR.iterdir() if p.is_file()])
    assert f"1 documents ok, 0 failed, {finished} unchanged" in " ".join(rerun.output.split())
    documents = pd.read_parquet(parquet_path(out, "documents"))
    assert len(documents) == finished + 1 and set(documents["status"]) == {"ok"}


def test_case32_a_rerun_with_no_changes_adds_no_rows(tmp_path, monkeypatch):
    inputs = sample_files()
    first = run_isolated(tmp_path, monkeypatch, inputs)
    out = tmp_path / "out" / "extracted"
    blocks = read_table(out, "blocks")
    stored = raw_files(tmp_path)
    second = run_isolated(tmp_path, monkeypatch, inputs)
    assert second.keys() == first.keys()
    assert read_table(out, "blocks").equals(blocks)
    assert len(read_table(out, "documents")) == len(first)
    assert sorted(raw_files(tmp_path)) == sorted(stored)  # same bytes: nothing stored twice


HOSTILE_PATHS = ["/../../x.html", "/%2e%2e%2f%2e%2e%2fetc.html", "/" + "n" * 300 + ".html", "/nul%00name.html",
                 "//etc/passwd"]


def test_case34_names_from_urls_and_headers_never_leave_the_output_folder(httpserver, tmp_path, monkeypatch):
    serve_robots(httpserver)
    page = "<html><body><article><p>" + "Victims were identified in 2023. " * 10 + "</p></article></body></html>"
    httpserver.expect_request("/download").respond_with_response(Response(page, content_type="text/html", headers={
        "Content-Disposition": 'attachment; filename="../../.bashrc"'}))
    httpserver.no_handler_status_code = 200  # every hostile path gets the page, however the server decodes it
    httpserver.expect_request(__import__("re").compile(".*")).respond_with_data(page, content_type="text/html")
    base = f"http://{httpserver.host}:{httpserver.port}"
    urls = [base + p for p in [*HOSTILE_PATHS, "/download"]]
    rows = run_isolated(tmp_path, monkeypatch, urls)  # fails on any file written outside tmp_path/out
    assert sum(row["status"] == "ok" for row in rows.values()) >= len(urls) - 1, rows
    for path in raw_files(tmp_path):
        assert under(path, tmp_path / "out") and len(path.name) < 100 and ".bashrc" not in path.name
