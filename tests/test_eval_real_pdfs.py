"""Evaluation gate for footnotes on real PDFs of ../shared/corpus/pdf, against hand-checked gold.

The gold files in tests/fixtures/real/ list every footnote of a real report (label, page
where its body starts, its first words, and the page and the words before its marker);
each file says how it was checked.  The PDFs stay in ../shared: the gate skips without it.
Each PDF runs through the real extractor with both character engines and the footnotes
stage, and is scored:

    footnotes_found   gold notes found as bodies with their label, on their page, starting with their words
    markers_linked    gold markers found on their page after their words, linked to that very body
    spurious_notes    footnote bodies that match no gold note
    spurious_markers  markers (claims) that stand where the gold has none
    glued_labels      labels left in the text: a note's label before its first words, a marker's after its word
    runover_joined    notes that run over to the next page whose body ends with the gold's last words
                      (only where the gold has such notes)

Scores are printed (pytest -s) and compared with tests/floors_real_pdfs.toml.

    python -m pytest -q -s -m shared tests/test_eval_real_pdfs.py
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import shared_path
from pipeline.extract import extract_pdf
from pipeline.footnotes import footnote_tables
from pipeline.model import Document, assemble

GOLD_DIR = Path(__file__).parent / "fixtures" / "real"
FLOORS = tomllib.loads((Path(__file__).parent / "floors_real_pdfs.toml").read_text())["real"]
ENGINES = ("pdfplumber", "pypdfium2")
START_WORDS = 4     # a body must start with the gold's first words ...
BEFORE_WORDS = 2    # ... and the text before a marker end with the gold's last words


def normalise(text: str) -> str:
    """Letters and digits only, lower case: 'trans- plantation.' and 'transplantation' compare equal."""
    return re.sub(r"[\W_]+", "", text.lower())


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.gold.json"))


@dataclass
class RealScores:
    values: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def match_bodies(gold: list[dict], footnotes: list[dict]) -> dict[int, dict]:
    """Gold note index -> the footnote row that is its body (label, page and first words agree)."""
    matched: dict[int, dict] = {}
    taken: set[int] = set()
    for index, note in enumerate(gold):
        start = normalise(" ".join(note["start"].split()[:START_WORDS]))
        for row in footnotes:
            if (row["footnote_seq"] not in taken and row["number"] == note["label"] and row["page"] == note["page"]
                    and normalise(row["text"]).startswith(start)):
                matched[index] = row
                taken.add(row["footnote_seq"])
                break
    return matched


def marker_follows(document: Document, claim: dict, before: str) -> bool:
    tail = normalise(" ".join(before.split()[-BEFORE_WORDS:]))
    return normalise(document.text[max(0, claim["marker_offset"] - 200):claim["marker_offset"]]).endswith(tail)


def match_markers(document: Document, gold: list[dict], claims: list[dict],
                  bodies: dict[int, dict]) -> tuple[set[int], set[int]]:
    """Gold note indexes whose marker was found where the gold puts it and linked to the gold note's body,
    and the positions of the claims found at a gold marker (linked or not)."""
    linked: set[int] = set()
    used: set[int] = set()
    for index, note in enumerate(gold):
        marker, body = note["marker"], bodies.get(index)
        for position, claim in enumerate(claims):
            if (position not in used and claim["footnote"] == note["label"] and claim["page"] == marker["page"]
                    and marker_follows(document, claim, marker["before"])):
                used.add(position)
                if body is not None and claim["footnote_seq"] == body["footnote_seq"]:
                    linked.add(index)
                break
    return linked, used


def glued_labels(document: Document, gold: list[dict]) -> list[str]:
    """Labels that stayed in the text: '1UN General Assembly' or 'Protocol1 still'."""
    flat = re.sub(r"\s+", " ", document.text)
    glued = []
    for note in gold:
        start = " ".join(note["start"].split()[:3])
        if re.search(rf"(?<![\w.,]){re.escape(note['label'])} ?{re.escape(start)}", flat):
            glued.append(f"note label {note['label']} (p. {note['page']}) before {start!r}")
        word = note["marker"]["before"].split()[-1]
        if re.search(rf"{re.escape(word)}{re.escape(note['label'])}(?!\d)", flat):
            glued.append(f"marker {note['label']} (p. {note['marker']['page']}) glued to {word!r}")
    return glued


def score_pdf(document: Document, gold: list[dict]) -> RealScores:
    tables = footnote_tables(document, published=document.published)
    footnotes, claims = tables["footnotes"], tables["claims"]
    bodies = match_bodies(gold, footnotes)
    linked, found_markers = match_markers(document, gold, claims, bodies)
    glued = glued_labels(document, gold)
    matched_seqs = {row["footnote_seq"] for row in bodies.values()}
    spurious = [row for row in footnotes if row["footnote_seq"] not in matched_seqs]
    result = RealScores({
        "footnotes_found": round(len(bodies) / len(gold), 4),
        "markers_linked": round(len(linked) / len(gold), 4),
        "spurious_notes": len(spurious),
        "spurious_markers": len(claims) - len(found_markers),
        "glued_labels": len(glued),
    })
    runover = [(index, note) for index, note in enumerate(gold) if "runs_over" in note]
    if runover:
        cut = [note for index, note in runover if not normalise(bodies.get(index, {}).get("text", "")).endswith(
            normalise(note["runs_over"]["end"]))]
        result.values["runover_joined"] = round(1 - len(cut) / len(runover), 4)
        result.problems += [f"note {note['label']} p. {note['page']} not joined with its end on p. "
                            f"{note['runs_over']['page']}: {note['runs_over']['end']!r}" for note in cut]
    result.problems += [f"missed note {note['label']} p. {note['page']}: {note['start']!r}"
                        for index, note in enumerate(gold) if index not in bodies]
    result.problems += [f"unlinked marker {note['label']} p. {note['marker']['page']} after "
                        f"{note['marker']['before']!r} ({note['marker']['where']})"
                        for index, note in enumerate(gold) if index not in linked]
    result.problems += [f"spurious note {row['number']!r} p. {row['page']}: {row['text'][:60]!r}" for row in spurious]
    result.problems += [f"spurious marker {claim['footnote']!r} p. {claim['page']} after "
                        f"{document.text[max(0, claim['marker_offset'] - 40):claim['marker_offset']]!r}"
                        for position, claim in enumerate(claims) if position not in found_markers]
    result.problems += glued
    return result


def check_floors(name: str, result: RealScores) -> None:
    print(f"\n[{name}] " + ", ".join(f"{key}={value:g}" for key, value in result.values.items()))
    for problem in result.problems:
        print(f"  {problem}")
    floors = FLOORS[name]
    unscored = {key.removeprefix("max_") for key in floors} - set(result.values)
    assert not unscored, f"{name}: floors without a score: {unscored}"
    below = {key: (result.values[key], floor) for key, floor in floors.items()
             if not key.startswith("max_") and result.values[key] < floor}
    above = {key[4:]: (result.values[key[4:]], ceiling) for key, ceiling in floors.items()
             if key.startswith("max_") and result.values[key[4:]] > ceiling}
    assert not below and not above, (f"{name}: below a floor {below}, above a ceiling {above} (score, limit); "
                                     f"problems: {result.problems}")


def test_gold_files_are_complete():
    """Each gold file lists its notes once, in page order, each with a marker."""
    assert len(gold_files()) >= 4
    for path in gold_files():
        gold = json.loads(path.read_text())
        notes = gold["footnotes"]
        assert gold["footnote_count"] == len(notes) and gold["how_checked"]
        assert len({(note["label"], note["page"]) for note in notes}) == len(notes), path.name
        assert [note["page"] for note in notes] == sorted(note["page"] for note in notes), path.name
        assert all(note["start"] and note["marker"]["before"] and note["marker"]["page"] <= note["page"]
                   for note in notes), path.name


def test_the_scores_count_misses_spurious_notes_and_glued_labels():
    """The scorer itself, on a small document with one of each failure."""
    from pipeline.model import Block, Extraction, Marker

    protocol = "The Trafficking Protocol still causes controversy."
    blocks = [
        Block("paragraph", protocol, page=1, markers=[Marker("1", protocol.index(" still"), page=1)]),
        Block("paragraph", "Dutch courts decided.2 Later cases followed.", page=1),      # marker 2 left in the text
        Block("paragraph", "3Statute of the International Court of Justice.", page=1),   # note 3 read as body text
        Block("footnote", "UN General Assembly, Protocol to Prevent Trafficking.", page=1, label="1"),
        Block("footnote", "Ibid., p. 17.", page=2, label="2"),                             # on the wrong page
        Block("footnote", "A running footer taken for a note.", page=1, label="9"),
    ]
    gold = [{"label": "1", "page": 1, "start": "UN General Assembly, Protocol to Prevent",
             "marker": {"page": 1, "before": "The Trafficking Protocol", "where": "body"},
             "runs_over": {"page": 2, "end": "Supplementing the Convention."}},
            {"label": "2", "page": 1, "start": "Ibid., p. 17.", "marker": {"page": 1, "before": "courts decided.",
                                                                         "where": "body"}},
            {"label": "3", "page": 1, "start": "Statute of the International Court",
             "marker": {"page": 1, "before": "cases followed.", "where": "body"}}]
    result = score_pdf(assemble("scorer", Extraction(blocks=blocks)), gold)
    assert result.values == {"footnotes_found": round(1 / 3, 4), "markers_linked": round(1 / 3, 4),
                             "spurious_notes": 2, "spurious_markers": 0, "glued_labels": 2, "runover_joined": 0.0}
    assert sum(problem.startswith("missed note") for problem in result.problems) == 2


@pytest.mark.shared
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("gold_path", gold_files(), ids=lambda path: path.name.split(".")[0])
def test_real_pdf_meets_its_floors(gold_path, engine):
    gold = json.loads(gold_path.read_text())
    pdf = shared_path("corpus", "pdf", *gold["pdf"].split("/"))
    name = gold_path.name.split(".")[0]
    document = assemble(name, extract_pdf(pdf.read_bytes(), engine=engine))
    check_floors(f"{name}.{engine}", score_pdf(document, gold["footnotes"]))
