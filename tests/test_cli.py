"""The command line, run as users run it: in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from conftest import REPO


def thb(*args: str, cwd=None, env_extra=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=600)


def test_help_answers_at_once_without_loading_spacy_or_prefect():
    started = time.monotonic()
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; sys.argv=['thb','--help']\n"
         "from pipeline import cli\ntry:\n    cli.main()\nexcept SystemExit:\n    pass\n"
         "print('LOADED', [m for m in ('spacy', 'prefect', 'pandas') if m in sys.modules])"],
        cwd=REPO, capture_output=True, text=True, timeout=60)
    assert "LOADED []" in probe.stdout, probe.stdout + probe.stderr
    assert "run" in probe.stdout and "show" in probe.stdout
    assert time.monotonic() - started < 30  # a sanity bound against hangs, not a timing claim


def test_every_command_has_help():
    for command in ("run", "show"):
        result = thb(command, "--help")
        assert result.returncode == 0 and "Usage" in result.stdout


def test_run_then_show(tmp_path):
    out = tmp_path / "out"
    result = thb("run", "--no-prefect", "--no-nlp", "--out", str(out), "--raw", str(tmp_path / "raw"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "documents ok, 0 failed" in result.stdout and "blocks" in result.stdout
    shown = thb("show", "documents", "--out", str(out), "--limit", "2")
    assert shown.returncode == 0 and "documents:" in shown.stdout
    listing = thb("show", "--out", str(out))
    assert "markers" in listing.stdout
    chosen = thb("show", "documents", "--out", str(out), "--columns", "doc_id,status")
    assert chosen.returncode == 0 and "status" in chosen.stdout and "sha256" not in chosen.stdout
    assert thb("show", "documents", "--out", str(out), "--columns", "nope").returncode == 2
    claims = thb("show", "claims", "--out", str(out), "--limit", "40")
    header = next(line for line in claims.stdout.splitlines() if "anchor" in line)
    assert all(word in header for word in ("title", "anchor", "stated_count", "n_countries", "countries", "check"))
    assert "marker_offset" not in header and "Briefing note" in claims.stdout and "AT, HR, SI" in claims.stdout
    every = thb("show", "claims", "--out", str(out), "--columns", "row_key,marker_offset,start,end,title")
    assert every.returncode == 0 and "marker_offset" in every.stdout


def test_run_exits_non_zero_when_a_document_fails(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    result = thb("run", "--no-prefect", "--no-nlp", str(bad), "--out", str(tmp_path / "o"), "--raw", str(tmp_path / "r"))
    assert result.returncode == 1
    assert "broken" in result.stdout


def test_unknown_table_and_missing_source_are_clear_errors(tmp_path):
    assert thb("show", "nope", "--out", str(tmp_path)).returncode == 2
    missing = thb("run", "--no-prefect", str(tmp_path / "missing.pdf"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
