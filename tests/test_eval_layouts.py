"""Evaluation gate per PDF layout family (tests/fixtures/pdf, made by tests/layouts/generate.py).

One EMN-style inform laid out by LibreOffice (ODT, DOCX, two columns, endnotes, notes in the
body's size), pdfTeX and ReportLab (plain, dotted and styled labels) is extracted with both
character engines and scored against the gold the generator wrote: footnotes found on
their page, note texts, (footnote, country) pairs, claims linked, stated counts, planted
wrong counts flagged, paragraphs cut by a page break re-joined, labels never glued, the
date stated on the first page, and the claims table equal to the same text's web page.
Scores print with ``pytest -s``; floors live in tests/floors_layouts.toml.

    python -m pytest -q -s tests/test_eval_layouts.py
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.extract import extract_html, extract_pdf
from pipeline.footnotes import footnote_tables
from pipeline.model import assemble

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "pdf"
GOLD = {path.name.removesuffix(".gold.json"): path for path in sorted(FIXTURES.glob("*.gold.json"))}
FLOORS = tomllib.loads((HERE / "floors_layouts.toml").read_text(encoding="utf-8"))["layouts"]
ENGINES = ("pdfplumber", "pypdfium2")
_GLUED_LABEL = re.compile(r"^(?:\d{1,3}|[*†‡])[A-Z]")


def same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.replace("’", "'").replace("‘", "'").split())
    return norm(a) == norm(b)


def ratio(hits: int, total: int) -> float:
    return round(hits / total, 4) if total else 1.0


def claim_rows(tables: dict[str, list[dict]]) -> dict[str, tuple]:
    countries: dict[str, set[str]] = {}
    for row in tables["footnote_countries"]:
        countries.setdefault(row["footnote"], set()).add(row["iso2"])
    return {row["footnote"]: (row["stated_count"], row["n_countries"], row["count_ok"],
                              frozenset(countries.get(row["footnote"], ()))) for row in tables["claims"]}


@lru_cache(maxsize=4)
def html_claims(variant: str, label_style: str) -> dict[str, tuple]:
    sys.path.insert(0, str(HERE / "layouts"))
    from html_writer import render_html

    document = assemble("layout-html", extract_html(render_html(variant=variant, label_style=label_style).encode()))
    return claim_rows(footnote_tables(document, published=None))


def score(gold: dict, engine: str) -> tuple[dict[str, float], list[str]]:
    document = assemble(gold["family"], extract_pdf((FIXTURES / gold["pdf"]).read_bytes(), engine=engine))
    tables = footnote_tables(document, published=None)
    problems: list[str] = []
    notes = {row["number"]: row for row in tables["footnotes"]}
    note_blocks = {block.label: block for block in document.blocks if block.kind == "footnote"}
    wanted = {note["label"]: note for note in gold["footnotes"]}
    on_page = [label for label, note in wanted.items() if note_blocks.get(label) and note_blocks[label].page == note["page"]]
    texts = [label for label, note in wanted.items() if label in notes and same_text(notes[label]["text"], note["text"])]
    problems += [f"note {label} not found on page {wanted[label]['page']}" for label in wanted if label not in on_page]
    problems += [f"note {label} text: {notes[label]['text'][:60]!r}" for label in wanted if label in notes and label not in texts]

    predicted = {(row["footnote"], row["iso2"]) for row in tables["footnote_countries"]}
    expected = {(note["label"], code) for note in gold["footnotes"] for code in note["countries"]}
    problems += [f"pair {pair} {'extra' if pair in predicted else 'missing'}" for pair in sorted(predicted ^ expected)]

    claims = {row["footnote"]: row for row in tables["claims"]}
    linked = [c["label"] for c in gold["claims"] if claims.get(c["label"], {}).get("status") == "linked"]
    counts = [c["label"] for c in gold["claims"] if claims.get(c["label"], {}).get("stated_count") == c["stated_count"]]
    verdicts = [c["label"] for c in gold["claims"] if claims.get(c["label"], {}).get("count_ok") == c["count_ok"]]
    problems += [f"claim {c['label']} not linked" for c in gold["claims"] if c["label"] not in linked]
    flagged = {label for label, row in claims.items() if row["count_ok"] is False}
    planted = set(gold["count_mismatches"])

    texts_of_blocks = [block.text for block in document.blocks]
    rejoined = [cut for cut in gold["split_paragraphs"]
                if any(cut["before"] in text and cut["after"] in text for text in texts_of_blocks)]
    problems += [f"paragraph cut at {cut['before']!r} not re-joined" for cut in gold["split_paragraphs"] if cut not in rejoined]
    glued = [block.text[:40] for block in document.blocks if _GLUED_LABEL.match(block.text)]
    problems += [f"label glued: {text!r}" for text in glued]

    pdf_claims = claim_rows(tables)
    web_claims = html_claims(gold.get("variant", "base"), gold.get("label_style", "number"))
    same_as_html = [label for label in web_claims if pdf_claims.get(label) == web_claims[label]]
    problems += [f"claim {label}: PDF {pdf_claims.get(label)} != HTML {web_claims[label]}"
                 for label in web_claims if label not in same_as_html]
    if document.published != gold["published"]:
        problems.append(f"published {document.published} != {gold['published']}")
    scores = {
        "footnotes_found": ratio(len(on_page), len(wanted)),
        "notes_precision": ratio(len(set(notes) & set(wanted)), len(notes)),
        "note_text_exact": ratio(len(texts), len(wanted)),
        "pair_precision": ratio(len(predicted & expected), len(predicted)),
        "pair_recall": ratio(len(predicted & expected), len(expected)),
        "claims_linked": ratio(len(linked), len(gold["claims"])),
        "stated_count_accuracy": ratio(len(counts), len(gold["claims"])),
        "count_ok_accuracy": ratio(len(verdicts), len(gold["claims"])),
        "mismatch_recall": ratio(len(flagged & planted), len(planted)),
        "mismatch_precision": ratio(len(flagged & planted), len(flagged)),
        "paragraphs_rejoined": ratio(len(rejoined), len(gold["split_paragraphs"])),
        "labels_unglued": 1.0 if not glued else 0.0,
        "date_from_text": 1.0 if document.published == gold["published"] else 0.0,
        "same_claims_as_html": ratio(len(same_as_html), len(web_claims)),
    }
    return scores, problems


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("family", sorted(GOLD))
def test_layout_family_meets_its_floors(family, engine):
    gold = json.loads(GOLD[family].read_text(encoding="utf-8"))
    scores, problems = score(gold, engine)
    print(f"\n[{family} / {engine}] " + ", ".join(f"{key}={value:.3f}" for key, value in scores.items()))
    for problem in problems:
        print(f"  {problem}")
    floors = {**FLOORS["default"], **FLOORS.get(family, {})}
    below = {key: (scores[key], floor) for key, floor in floors.items() if scores[key] < floor}
    assert not below, f"{family}/{engine} below its floors (score, floor): {below}; problems: {problems}"


def test_every_family_is_generated_and_has_a_pdf():
    assert len(GOLD) >= 10
    for family, path in GOLD.items():
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert (FIXTURES / gold["pdf"]).exists(), family
        assert gold["footnotes"] and gold["claims"], family
