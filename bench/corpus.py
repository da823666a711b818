"""Build a scaled benchmark corpus: many HTML pages and long report PDFs.

Pages and reports are generated from a few sentence patterns with varying figures,
countries and organisations, so the extractors meet realistic structure (site chrome,
footnotes, superscript markers, running headers) at scale.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

COUNTRIES = ["BE", "BG", "CY", "DE", "EE", "FR", "NL", "PL", "SE", "AT", "ES", "IT", "LT", "LU", "PT", "SI"]
ORGS = ["Europol", "Eurojust", "Frontex", "UNODC", "IOM", "OSCE", "ICMPD", "the European Labour Authority"]
SENTENCES = [
    "In {year}, {n:,} victims of trafficking were registered by national authorities, {p}% of them women and girls.",
    "{org} supported joint investigations with {k} Member States on labour exploitation in agriculture and construction.",
    "Awareness-raising campaigns targeted job seekers online, where recruiters advertised false offers of work abroad.",
    "The national referral mechanism was reviewed to shorten the time between identification and access to shelter.",
    "Prosecutions rose to {m} cases, while convictions remained low compared with the number of suspects identified.",
]


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    parts = []
    for _ in range(sentences):
        parts.append(rng.choice(SENTENCES).format(
            year=rng.randint(2015, 2024), n=rng.randint(200, 20000), p=rng.randint(40, 80),
            org=rng.choice(ORGS), k=rng.randint(3, 20), m=rng.randint(10, 900)))
    return " ".join(parts)


def country_list(rng: random.Random) -> str:
    return ", ".join(sorted(rng.sample(COUNTRIES, rng.randint(3, 9)))) + "."


def html_page(rng: random.Random, number: int) -> str:
    notes = [country_list(rng) for _ in range(4)]
    body = "\n".join(f"<p>{paragraph(rng)}<sup><a href='#fn{i}'>{i}</a></sup> {paragraph(rng, 2)}</p>"
                     for i in range(1, 5))
    footnotes = "\n".join(f"<li id='fn{i}'>{text} <a href='#ref{i}'>↩</a></li>" for i, text in enumerate(notes, 1))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Anti-trafficking update {number}</title><meta property="article:published_time" content="2024-0{1 + number % 9}-1{number % 10}">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/policies">Policies</a> <a href="/contact">Contact</a></nav></header>
<main><article><h1>Anti-trafficking update {number}</h1><p class="date">Published 1{number % 10} March 2024</p>
<h2>Key findings</h2>{body}
<h2>Notes</h2><ol class="footnotes">{footnotes}</ol></article></main>
<aside><h3>Related news</h3><ul><li><a href="/n1">Migration pact adopted</a></li><li><a href="/n2">New asylum figures</a></li></ul></aside>
<footer><p>© European Union. <a href="/legal">Legal notice</a> <a href="/privacy">Privacy</a></p></footer>
</body></html>"""


def report_sections(rng: random.Random, pages: int) -> tuple[list, dict[str, str]]:
    """Sections of about ``pages`` pages, each paragraph carrying one footnote marker, and the notes."""
    from pdfgen import Section

    sections, notes = [], {}
    for number in range(1, pages + 1):
        paragraphs = []
        for _ in range(3):
            label = str(len(notes) + 1)
            notes[label] = country_list(rng)
            paragraphs.append(f"{paragraph(rng, 3)}^{label} {paragraph(rng, 2)}")
        sections.append(Section(f"{number}. Findings on {rng.choice(ORGS)}", paragraphs))
    return sections, notes


def write_report_pdf(path: Path, rng: random.Random, pages: int) -> None:
    from pdfgen import build_report_pdf

    sections, notes = report_sections(rng, pages)
    build_report_pdf(path, sections, title=f"Annual report on trafficking in human beings {path.stem}",
                     footnotes=notes, running_header="Annual report on trafficking in human beings",
                     created="D:20240312090000+01'00'")


def build(folder: Path, *, html_pages: int = 300, pdfs: int = 10, pdf_pages: int = 24, seed: int = 7) -> Path:
    """Write the corpus into ``folder`` (kept between runs: delete it to rebuild)."""
    rng = random.Random(seed)
    (folder / "html").mkdir(parents=True, exist_ok=True)
    (folder / "pdf").mkdir(parents=True, exist_ok=True)
    for number in range(html_pages):
        path = folder / "html" / f"page-{number:04d}.html"
        if not path.exists():
            path.write_text(html_page(rng, number), encoding="utf-8")
    for number in range(pdfs):
        path = folder / "pdf" / f"report-{number:02d}.pdf"
        if not path.exists():
            write_report_pdf(path, rng, pdf_pages)
    return folder
