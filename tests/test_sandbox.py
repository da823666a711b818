"""The sandbox stops parsers that hang, blow up memory or crash, and keeps going."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.model import Block, Extraction
from pipeline.extract.sandbox import ExtractionPool, ExtractJob


def behave(path, content_type, *, url=None, pdf_engine=None):
    """A stand-in parser whose behaviour is named by the file's content."""
    action = Path(path).read_text()
    if action == "hang":
        time.sleep(3600)
    if action == "bloat":
        # 6.4 GB, far over the limit; calloc'd, so the limit is hit at once rather than after seconds of zero-filling
        hog = [bytes(64 << 20) for _ in range(100)]
        return Extraction([Block("paragraph", str(len(hog)))])
    if action == "die":
        os._exit(3)
    if action == "raise":
        raise RecursionError("maximum recursion depth exceeded")
    return Extraction([Block("paragraph", f"parsed {action}")], title=action)


def _jobs(tmp_path, actions):
    jobs = []
    for index, action in enumerate(actions):
        path = tmp_path / f"{index}.txt"
        path.write_text(action)
        jobs.append(ExtractJob(f"{index}-{action}", path, "text/plain"))
    return jobs


def test_one_bad_input_costs_one_outcome_and_the_rest_are_parsed(tmp_path):
    jobs = _jobs(tmp_path, ["ok", "hang", "fine", "bloat", "die", "raise", "last"])
    with ExtractionPool(2, timeout_s=3, memory_mb=1024, extract=behave) as pool:
        outcomes = pool.run(jobs)
    reasons = {key: (o.reason if isinstance(o, PipelineError) else o.title) for key, o in outcomes.items()}
    assert reasons == {"0-ok": "ok", "1-hang": "timeout", "2-fine": "fine", "3-bloat": "memory_limit",
                       "4-die": "crashed", "5-raise": "broken", "6-last": "last"}
    assert "3 s" in str(outcomes["1-hang"]) and "exit code 3" in str(outcomes["4-die"])
    # the library's exception is kept apart from the message written for people
    assert outcomes["5-raise"].error_type == "RecursionError" and "RecursionError" not in str(outcomes["5-raise"])
    assert "could not be read" in str(outcomes["5-raise"])


def test_on_done_is_called_once_per_job(tmp_path):
    seen = []
    with ExtractionPool(2, extract=behave) as pool:
        pool.run(_jobs(tmp_path, ["a", "b", "c"]), on_done=lambda job, outcome: seen.append(job.key))
    assert sorted(seen) == ["0-a", "1-b", "2-c"]


def flate_bomb_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated_mb`` MB of spaces (about 1 KB per MB)."""
    import zlib

    packer = zlib.compressobj(9)
    stream = b"".join(packer.compress(b" " * (1 << 20)) for _ in range(inflated_mb)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


@pytest.mark.parametrize("engine", ["pdfplumber", "pypdfium2"])
def test_a_flate_bomb_is_named_a_memory_limit_not_a_broken_pdf(tmp_path, engine):
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(flate_bomb_pdf(1024))  # 1 GB inflated from about 1 MB, against a 600 MB limit
    with ExtractionPool(1, timeout_s=60, memory_mb=600, pdf_engine=engine) as pool:
        outcome = pool.run([ExtractJob("bomb", bomb, "application/pdf")])["bomb"]
    assert outcome.reason == "memory_limit", outcome
    assert "memory" in str(outcome) and "600 MB" in str(outcome) and "compression bomb" in str(outcome)
