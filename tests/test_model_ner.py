"""The model's NER runs only on sentences where it can add a row, and the rows are the same as when it reads everything."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from pipeline.entities.nlp import DEFAULT_MODEL, build_nlp, entity_batches, parse_entity_batch, tables_from_blocks
from pipeline.model import Block, Extraction, assemble

from conftest import SHARED

needs_model = pytest.mark.skipif(importlib.util.find_spec(DEFAULT_MODEL) is None,
                                 reason=f"spaCy model {DEFAULT_MODEL} not installed")
SAMPLES = Path(__file__).resolve().parents[1] / "pipeline" / "samples"


def runs_needing_model(nlp, text: str) -> list[str]:
    from pipeline.entities.components import TABLES_ONLY

    component = nlp.get_pipe("thb_model_ner")
    doc = nlp.make_doc(text)
    doc.user_data[TABLES_ONLY] = text
    for name, proc in nlp.pipeline[:nlp.pipe_names.index("thb_model_ner")]:
        doc = proc(doc)
    return [doc[start:end].text for start, end in component._runs(doc, doc._.thb_hits)]


@pytest.fixture(scope="module")
def model_nlp():
    if importlib.util.find_spec(DEFAULT_MODEL) is None:
        pytest.skip(f"spaCy model {DEFAULT_MODEL} not installed")
    return build_nlp(DEFAULT_MODEL)


@pytest.mark.model
def test_sentences_whose_capitals_the_rules_matched_are_skipped(model_nlp):
    text = ("Europol and Eurojust met in France. The figures were published in 2023. "
            "However, the numbers rose. Acme Holdings denied it.")
    runs = runs_needing_model(model_nlp, text)
    assert len(runs) == 1 and runs[0].endswith("Acme Holdings denied it.")
    assert runs[0].startswith("the numbers rose.")     # four tokens of context before


@pytest.mark.model
def test_a_doc_made_by_nlp_is_read_whole(model_nlp):
    doc = model_nlp("Europol and Eurojust met in France on Monday.")
    assert ("Monday", "DATE") in {(e.text, e.label_) for e in doc.ents}      # the model's other labels


# Organisations and people no rule knows, between sentences the rules cover whole.
OWN_PARAGRAPHS = [
    "Europol and Eurojust met in France. Officials of the Northbridge Shelter Alliance and Harbour Light Foundation "
    "said victims were moved through Italy. The figures were published in 2023.",
    "However, the numbers rose. Maria Kovacs of the Danube Outreach Collective told reporters that 40 women were "
    "helped. In Belgium, Europol supported the case.",
    "The Greyfield Logistics Group was fined. Frontex and the European Commission were informed. Tomas Berg, "
    "director of Silver Coast Rescue, welcomed the ruling.",
]


# Real pages where the NER on sentences without their neighbours' tokens gave other entities.
SHARED_FILES = ["html/trafilatura_cache/laviedesidees.fr.evaluation.html",
                "pdf/thb_dutch_rapporteur/NR_P0086D01_US_Supreme_Court_brief_Paroline_12-8561.pdf"]


def _documents() -> list:
    from pipeline.extract.dispatch import extract_path

    kinds = {".html": "text/html", ".pdf": "application/pdf", ".md": "text/markdown"}
    paths = sorted(SAMPLES.iterdir()) + [SHARED / "corpus" / name for name in SHARED_FILES if SHARED.exists()]
    documents = [assemble(path.stem, extract_path(path, kinds[path.suffix])) for path in paths if path.suffix in kinds]
    documents.append(assemble("own", Extraction(blocks=[Block("paragraph", p) for p in OWN_PARAGRAPHS])))
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if SHARED.exists() else []
    for path in seeds:
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        documents.append(assemble(path.stem, Extraction(blocks=[Block("paragraph", p) for p in paragraphs])))
    return documents


@pytest.mark.model
@needs_model
def test_skipping_sentences_changes_no_row():
    from pipeline.entities.nlp import get_nlp

    documents = _documents()
    batches = entity_batches(documents, model=DEFAULT_MODEL)
    skipping = tables_from_blocks(documents, [pair for batch in batches for pair in parse_entity_batch(batch)])
    component = get_nlp(DEFAULT_MODEL).get_pipe("thb_model_ner")
    component.every_sentence = True
    try:
        reading_all = tables_from_blocks(documents, [pair for batch in batches for pair in parse_entity_batch(batch)])
    finally:
        component.every_sentence = False
    assert sum(1 for row in reading_all["organisations"] if row["source"] == "model") >= 3 and reading_all["persons"]
    assert skipping == reading_all
