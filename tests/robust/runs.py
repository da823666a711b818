"""Helpers for the fault and bad-input suite: a run whose every output must stay in one folder."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.run import ingest
from pipeline.settings import Settings
from pipeline.store import read_table

# Every status a documents row may carry: ok, or a reason a person can act on.
KNOWN_STATUSES = {"ok", "empty", "encrypted", "broken", "no_text", "timeout", "memory_limit", "crashed",
                  "unsupported_type", "too_large", "unreadable", "fetch_failed", "ssrf_blocked", "tls_untrusted"}


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")} if folder.exists() else set()


def run_isolated(tmp_path: Path, monkeypatch, inputs: list[str], **changes) -> dict[str, dict]:
    """Run the pipeline over ``inputs`` with every output under tmp_path/out; documents rows by source.

    Fails when anything is written outside tmp_path/out (the working directory included),
    or when a row's status is unknown or its error is missing or present on an ok row.
    """
    out = tmp_path / "out"
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)
    monkeypatch.chdir(workdir)
    outside_before = files_under(tmp_path) - files_under(out) - {out}
    settings = Settings(**{"out_dir": out / "extracted", "raw_dir": out / "raw", "workers": 1, "nlp": False,
                           "allow_private": True, **changes})
    ingest(inputs, settings)
    written_outside = files_under(tmp_path) - files_under(out) - {out} - outside_before
    assert not written_outside, f"written outside the output folder: {sorted(map(str, written_outside))}"
    documents = read_table(settings.out_dir, "documents")
    rows = {row["source"]: row for row in documents.astype(object).where(documents.notna(), None).to_dict("records")}
    for source, row in rows.items():
        assert row["status"] in KNOWN_STATUSES, (source, row["status"])
        assert (row["status"] == "ok") == (row["error"] is None), (source, row["status"], row["error"])
        if row["error"] is not None:
            assert row["error"].strip() and "Traceback" not in row["error"], row["error"]
    assert set(rows) == set(inputs), "every input is accounted for by exactly one row"
    return rows


def raw_files(tmp_path: Path) -> list[Path]:
    return [p for p in files_under(tmp_path / "out" / "raw") if p.is_file()]


def serve_robots(httpserver) -> None:
    """pytest-httpserver answers unknown paths with 500, which robots.txt rules read as 'disallow all'."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)


def under(path: Path, folder: Path) -> bool:
    return os.path.commonpath([path.resolve(), folder.resolve()]) == str(folder.resolve())
