"""Extraction speed: the pipeline's extractors against the bare library calls.

    python bench/bench_extract.py [--html N] [--pdfs N] [--sections N] [--shared]

Builds (once) a generated corpus in bench/_corpus (HTML pages with chrome and
footnotes, report PDFs with superscript markers and page-bottom footnotes) and
prints, for each type: documents/s or pages/s and words/s through the pipeline's
extractor, the same for the bare library call (trafilatura.extract,
pdfplumber's extract_text, pypdfium2's get_text_range) and the overhead ratio.
With --shared it also times ../shared/corpus/pdf (real PDFs, malformed ones skipped).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import build  # noqa: E402

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.extract.html import extract_html  # noqa: E402
from pipeline.extract.pdf.blocks import extract_pdf  # noqa: E402


def timed(function, items):
    """Run ``function`` over ``items``; seconds taken and the results (None where it raised a PipelineError).

    One untimed call first, so that imports and caches are not charged to whichever runs first.
    """
    try:
        function(items[0])
    except (PipelineError, IndexError):
        pass
    results = []
    started = time.perf_counter()
    for item in items:
        try:
            results.append(function(item))
        except PipelineError:
            results.append(None)
    return time.perf_counter() - started, results


def words(extractions) -> int:
    return sum(len(b.text.split()) for e in extractions if e for b in e.blocks)


def bare_trafilatura(data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data, include_comments=False) or ""


def bare_pdfplumber(data: bytes) -> str:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def bare_pdfium(data: bytes) -> str:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def bare_pdfium_chars(data: bytes) -> str:
    """What the layout code needs from pdfium, read with the raw calls: each character, its box and font size."""
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(data)
    chars = []
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            for index in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
                code = pdfium_c.FPDFText_GetUnicode(textpage.raw, index)
                pdfium_c.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top)
                pdfium_c.FPDFText_GetFontSize(textpage.raw, index)
                chars.append(chr(code) if code else "")
    finally:
        pdf.close()
    return "".join(chars)


def report(name: str, seconds: float, units: int, unit: str, n_words: int, baseline: float | None = None) -> None:
    ratio = f"  {seconds / baseline:5.2f}x the bare call" if baseline else ""
    print(f"  {name:<34} {units / seconds:8.1f} {unit}/s  {n_words / seconds:10,.0f} words/s{ratio}")


def bench_html(pages: list[bytes]) -> None:
    print(f"HTML: {len(pages)} pages")
    bare_s, bare = timed(bare_trafilatura, pages)
    ours_s, ours = timed(extract_html, pages)
    report("trafilatura.extract (bare)", bare_s, len(pages), "docs", sum(len(t.split()) for t in bare))
    report("pipeline extract_html", ours_s, len(pages), "docs", words(ours), bare_s)


def bench_pdf(label: str, pdfs: list[bytes]) -> None:
    import pypdfium2

    n_pages = sum(len(pypdfium2.PdfDocument(data)) for data in pdfs)
    print(f"PDF ({label}): {len(pdfs)} files, {n_pages} pages")
    plumber_s, plumber = timed(bare_pdfplumber, pdfs)
    pdfium_s, pdfium = timed(bare_pdfium, pdfs)
    chars_s, chars = timed(bare_pdfium_chars, pdfs)
    report("pdfplumber extract_text (bare)", plumber_s, n_pages, "pages", sum(len(t.split()) for t in plumber if t))
    report("pypdfium2 get_text_range (bare)", pdfium_s, n_pages, "pages", sum(len(t.split()) for t in pdfium if t))
    report("pypdfium2 chars+size+box (bare)", chars_s, n_pages, "pages", sum(len(t.split()) for t in chars if t))
    # the fair baseline for each engine is the raw call that yields what the layout code needs
    for engine, baseline in (("pdfplumber", plumber_s), ("pypdfium2", chars_s)):
        seconds, results = timed(lambda data: extract_pdf(data, engine=engine), pdfs)
        report(f"pipeline extract_pdf ({engine})", seconds, n_pages, "pages", words(results), baseline)


def readable_pdfs(folder: Path) -> list[bytes]:
    import pypdfium2

    kept = []
    for path in sorted(p for p in folder.rglob("*.pdf") if "malformed" not in p.parts):
        data = path.read_bytes()
        try:
            pypdfium2.PdfDocument(data).close()
        except Exception:  # the malformed files are for robustness tests, not for timing
            continue
        kept.append(data)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=int, default=200, help="generated HTML pages")
    parser.add_argument("--pdfs", type=int, default=8, help="generated report PDFs")
    parser.add_argument("--sections", type=int, default=45, help="sections (three footnoted paragraphs each) per generated report")
    parser.add_argument("--shared", action="store_true", help="also time the real PDFs in ../shared/corpus/pdf")
    args = parser.parse_args()
    folder = build(ROOT / "bench" / "_corpus" / f"sections-{args.sections}", html_pages=args.html, pdfs=args.pdfs, pdf_pages=args.sections)
    bench_html([p.read_bytes() for p in sorted((folder / "html").glob("*.html"))[: args.html]])
    bench_pdf("generated", [p.read_bytes() for p in sorted((folder / "pdf").glob("*.pdf"))[: args.pdfs]])
    shared = ROOT.parent / "shared" / "corpus" / "pdf"
    if args.shared and shared.exists():
        bench_pdf("../shared/corpus/pdf", readable_pdfs(shared))


if __name__ == "__main__":
    main()
