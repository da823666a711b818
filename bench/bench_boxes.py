"""Boxes on real PDFs: how many blocks, footnotes and markers have a box, and whether it holds them.

For every PDF of ../shared/corpus/pdf (the malformed files left out) and each engine: blocks with a
box; footnotes whose boxes hold every character of their text (and at most a label's worth more);
markers whose box lies inside their block's box and holds the glyphs of their label.  Figures per
family (the corpus folder).

    PYTHONPATH=. python bench/bench_boxes.py [pdfplumber|pypdfium2 ...]
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_pdf_boxes import contains, glyphs_in, inside  # noqa: E402

from pipeline.errors import PipelineError  # noqa: E402
from pipeline.extract import extract_pdf  # noqa: E402
from pipeline.extract.pdf.chars import open_char_source  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pdf"


def score(data: bytes, engine: str, tally: Counter) -> None:
    blocks = extract_pdf(data, engine=engine).blocks
    source = open_char_source(data, engine)
    try:
        chars = {page.number: [c for c in page.chars if c.text.strip()] for page in source.pages()}
    finally:
        source.close()
    for block in blocks:
        tally["blocks"] += 1
        tally["blocks_boxed"] += bool(block.boxes)
        if block.kind == "footnote":
            tally["footnotes"] += 1
            found = glyphs_in(block.boxes, chars)
            wanted = Counter(ch for ch in block.text if not ch.isspace())
            extra = sum(n for glyph, n in (found - wanted).items() if glyph not in "-\xad")
            tally["footnotes_held"] += not (wanted - found) and extra <= 4 + len(block.label or "")
        for marker in block.markers:
            tally["markers"] += 1
            printed = "".join(c.text for c in chars.get(marker.box.page, []) if inside(c, marker.box)) \
                if marker.box else ""
            tally["markers_held"] += bool(marker.box) and any(contains(b, marker.box) for b in block.boxes) \
                and marker.label in printed.replace(" ", "")


def main(engines: list[str]) -> None:
    if not CORPUS.is_dir():
        sys.exit(f"no corpus at {CORPUS}")
    for engine in engines:
        by_family: dict[str, Counter] = defaultdict(Counter)
        for path in sorted(CORPUS.rglob("*.pdf")):
            family = path.parent.name
            if family == "malformed":
                continue
            tally = by_family[family]
            tally["pdfs"] += 1
            try:
                score(path.read_bytes(), engine, tally)
            except PipelineError:
                tally["failed"] += 1
        print(f"\n{engine}")
        print(f"{'family':24} {'pdfs':>4} {'fail':>4} {'blocks':>7} {'boxed':>7} {'notes':>6} {'held':>6} "
              f"{'markers':>7} {'inside':>7}")
        for family, t in sorted(by_family.items()):
            print(f"{family:24} {t['pdfs']:4} {t['failed']:4} {t['blocks']:7} {t['blocks_boxed']:7} {t['footnotes']:6} "
                  f"{t['footnotes_held']:6} {t['markers']:7} {t['markers_held']:7}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["pypdfium2", "pdfplumber"])
