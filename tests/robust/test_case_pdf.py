"""Fault suite, PDF (reliability plan §2, cases 15, 16, 19, 21, 33): every file ends as one row.

Cases 17 (10,000 pages), 18 (flate bomb) and 20 (100k vector paths) are slow: bench/robustness.py.
"""

from __future__ import annotations

import os
import signal

import pytest
from reportlab.pdfgen.canvas import Canvas

from pipeline.errors import PipelineError
from pipeline.extract.sandbox import ExtractionPool, ExtractJob

from pdfbytes import circular_pages_tree, mutations, xobject_loop, xref_loop
from runs import run_isolated

ENGINES = ["pdfplumber", "pypdfium2"]


def report_pdf(path, *, encrypt=None) -> bytes:
    canvas = Canvas(str(path), encrypt=encrypt)
    for page in range(3):
        canvas.drawString(72, 720, f"Page {page + 1}: national referral mechanisms for victims of trafficking.")
        canvas.drawString(72, 700, "Member States reported 7,155 registered victims in 2022.")
        canvas.showPage()
    canvas.save()
    return path.read_bytes()


def write_inputs(folder, named: dict[str, bytes]) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = []
    for name, data in named.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("engine", ENGINES)
def test_case15_16_19_malformed_encrypted_and_looping_pdfs_become_rows(tmp_path, monkeypatch, engine):
    good = report_pdf(tmp_path / "good.pdf")
    named = {"zero.pdf": b"", "truncated.pdf": good[: len(good) // 3], "garbage.pdf": b"%PDF-1.7\n" + os.urandom(4000),
             "locked.pdf": report_pdf(tmp_path / "locked-src.pdf", encrypt="secret"),
             "pages-loop.pdf": circular_pages_tree(), "xobject-loop.pdf": xobject_loop(), "xref-loop.pdf": xref_loop(),
             "good.pdf": good}
    inputs = write_inputs(tmp_path / "in", named)
    rows = run_isolated(tmp_path, monkeypatch, inputs, pdf_engine=engine, timeout_s=30)
    status = {os.path.basename(source): row["status"] for source, row in rows.items()}
    assert status["zero.pdf"] == "empty" and status["locked.pdf"] == "encrypted" and status["good.pdf"] == "ok"
    assert status["truncated.pdf"] in ("ok", "broken", "no_text")
    assert status["garbage.pdf"] == "broken"
    for name in ("pages-loop.pdf", "xobject-loop.pdf", "xref-loop.pdf"):
        assert status[name] in ("ok", "broken", "no_text", "timeout"), (name, status[name])


@pytest.mark.parametrize("engine", ENGINES)
def test_case21_mutated_pdfs_are_all_accounted_for(tmp_path, monkeypatch, engine):
    variants = mutations(report_pdf(tmp_path / "seed.pdf"), 24, seed=21)
    inputs = write_inputs(tmp_path / "in", {f"mutant-{i:02d}.pdf": data for i, data in enumerate(variants)})
    rows = run_isolated(tmp_path, monkeypatch, inputs, pdf_engine=engine, timeout_s=30, workers=2)
    assert len(rows) == len(inputs)  # none lost, none doubled (run_isolated checks each row)


def behave(path, content_type, *, url=None, pdf_engine=None):
    """A stand-in parser named by the file's content: killed by SIGKILL, or out of memory."""
    action = open(path).read()
    if action == "sigkill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise MemoryError()


def test_case33_a_killed_or_starved_parser_costs_one_row(tmp_path):
    jobs = []
    for action in ("sigkill", "memory", "sigkill"):
        path = tmp_path / f"{len(jobs)}-{action}.txt"
        path.write_text(action)
        jobs.append(ExtractJob(path.stem, path, "text/plain"))
    with ExtractionPool(1, timeout_s=60, extract=behave) as pool:
        outcomes = pool.run(jobs)
    assert all(isinstance(o, PipelineError) for o in outcomes.values())
    assert {key: o.reason for key, o in outcomes.items()} == {
        "0-sigkill": "crashed", "1-memory": "memory_limit", "2-sigkill": "crashed"}
    assert "exit code -9" in str(outcomes["0-sigkill"])
