"""The spaCy pipeline's own components, registered together in :func:`register_components`.

``thb_gazetteer``       curated organisations (``data/organisations.toml``) and EU institutions by
                        their short forms ("the Council", "la Commission"), countries
                        (pycountry plus ``data/regions.toml``), demonyms, regions and cities;
``thb_legal_refs``      EU legal acts, COM/SWD documents, CELEX numbers and ELI URIs to CELEX;
``thb_named_orgs``      organisation names built on a head noun, law firms, publications, brands;
``thb_model_ner``       the model's NER, on the sentences where it can add a row (:mod:`.model_ner`);
``thb_persons``         people with the role the text gives them;
``thb_model_orgs``      the model's ORG entities that survive the rules' filters;
``thb_figures``         stated quantities with unit, qualifier, subject and period;
``thb_acronyms``        acronyms a block defines ("European Migration Network (EMN)");
``thb_export``          plain rows on ``Doc._.thb``; ``doc.ents`` with the rules' entities first
                        (``Span._.thb`` gives the row behind one).

The components are thin: the rules they call live in :mod:`.gazetteer`, :mod:`.legal`,
:mod:`.figures` and :mod:`.people`, which never import spaCy.  Rules win over the model: a
model entity that overlaps a gazetteer, country, region, city, person or legal-reference match
is dropped, and so are the model's usual slips on site chrome (countries as ORG, agency names
as PERSON, "Main Page").  spaCy is imported inside the functions, so that importing this
module does not load it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from .figures import find_figures
from .gazetteer import find_code_lists, load_organisations, load_places
from .institutions import find_short_forms
from .legal import find_legal_refs
from .model_ner import ModelNerComponent
from .org_names import find_named_orgs, part_of_title
from .people import NOT_NAME_WORDS, find_definitions, find_persons, is_org_name, model_organisations
from .spans import inside, overlaps, spans_of
from .tables import COLUMNS

# Doc.user_data key: the block's text, set when only the rows are wanted (entity_tables), not doc.ents.
TABLES_ONLY = "thb_text"


def register_components() -> None:
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
    Language.component("thb_named_orgs", func=_named_orgs_component)
    Language.factory("thb_model_ner", func=lambda nlp, name: ModelNerComponent(nlp, nlp.get_pipe("ner"), TABLES_ONLY))
    Language.factory("thb_persons", func=lambda nlp, name: PersonsComponent())
    Language.factory("thb_model_orgs", func=lambda nlp, name: ModelOrgsComponent(nlp))
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

        self.places = load_places(language=nlp.lang)
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
        hits["text"] = text = doc.user_data.get(TABLES_ONLY) or doc.text   # Doc.text walks every token
        hits["model_ents"] = []     # thb_model_ner fills it, when the pipeline has a model
        hits["language"] = doc.lang_
        hits["sentences"] = _sentence_spans(doc, text)
        for span in spans:
            entry = self.entries[span.key]
            hits[_GAZETTEER_TABLE[entry["kind"]]].append(self._hit(span, entry))
        places = spans_of(hits["places"])
        taken = spans_of(hits["countries"]) + spans_of(hits["organisations"]) + places
        hits["organisations"] += [h for h in find_short_forms(text, doc.lang_)
                                  if not overlaps(h["start"], h["end"], taken)]
        hits["organisations"].sort(key=lambda h: h["start"])
        hits["countries"] = [h for h in hits["countries"] if not overlaps(h["start"], h["end"], places)]
        hits["countries"] += [h for h in find_code_lists(text, self.places)
                              if not overlaps(h["start"], h["end"], taken)]
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
    legal = spans_of(hits["legal_refs"])
    hits["organisations"] = [h for h in hits["organisations"] if not overlaps(h["start"], h["end"], legal)]
    return doc


def _named_orgs_component(doc):
    """Organisation names the rules build on a head noun, law firms, publications, brands (:mod:`.org_names`)."""
    hits = doc._.thb_hits
    taken = spans_of(hits["organisations"]) + spans_of(hits["legal_refs"])
    places = spans_of(hits["places"]) + spans_of(hits["countries"])     # "Turkish Friendship Hospital" is a name
    found = [h for h in find_named_orgs(hits["text"], hits["language"])
             if not overlaps(h["start"], h["end"], taken) and not inside(h["start"], h["end"], places)]
    hits["organisations"] = sorted(hits["organisations"] + found, key=lambda h: h["start"])
    return doc


class PersonsComponent:
    def __init__(self):
        self.not_names = _not_name_words()

    def __call__(self, doc):
        hits = doc._.thb_hits
        blocked = spans_of(hits["organisations"]) + spans_of(hits["countries"]) + spans_of(hits["places"]) + \
            spans_of(hits["legal_refs"])
        hits["persons"] = find_persons(hits["text"], hits["model_ents"], blocked, self.not_names)
        return doc


@lru_cache(maxsize=1)
def _not_name_words() -> frozenset[str]:
    """Words that never make a person's name: every word of the curated organisation and place names."""
    places = load_places()
    names = [n for org in load_organisations() for n in (*org.names, *org.acronyms)]
    names += [*places.countries, *places.demonyms, *places.regions, *places.cities]
    words = {p.lower() for name in names for p in re.split(r"[\s\-'’/,()]+", name) if len(p) > 1}
    return frozenset(words) | NOT_NAME_WORDS


class ModelOrgsComponent:
    def __init__(self, nlp):
        places = load_places(language=nlp.lang)
        self.place_names = frozenset([*places.countries, *places.demonyms, *places.regions, *places.cities])

    def __call__(self, doc):
        hits = doc._.thb_hits
        if not hits["model_ents"]:
            return doc
        roles = [p["role_span"] for p in hits["persons"] if p["role_span"]]
        blocked = spans_of(hits["organisations"]) + spans_of(hits["persons"]) + spans_of(hits["legal_refs"]) + roles
        places = spans_of(hits["countries"]) + spans_of(hits["places"])
        found = [h for h in model_organisations(hits["text"], hits["model_ents"], blocked, places, self.place_names,
                                                _not_name_words()) if not part_of_title(hits["text"], h["start"], h["end"])]
        hits["organisations"] = sorted(hits["organisations"] + found, key=lambda h: h["start"])
        return doc


def _figures_component(doc):
    hits = doc._.thb_hits
    sentences = hits["sentences"]
    blocked = spans_of(hits["organisations"]) + spans_of(hits["persons"]) + spans_of(hits["legal_refs"])
    hits["figures"] = find_figures(hits["text"], sentences, blocked, language=hits["language"])
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
            if org is None and not is_org_name(text[start:end]):
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
                 **{name: hits[name] for name in COLUMNS}}
    doc._.thb_hits = None
    if TABLES_ONLY in doc.user_data:
        return doc      # entity_tables reads the rows only
    spans = []
    for name, label in (*_ENT_LABELS.items(), ("places", "LOC"), ("figures", None)):
        for hit in hits[name]:
            spans.append(doc.char_span(hit["start"], hit["end"], alignment_mode="expand",
                                       label=label or _FIGURE_LABELS[hit["unit"]]))
    ruled = [(span.start_char, span.end_char) for span in spans if span is not None]
    spans += [doc.char_span(start, end, label=label) for start, end, label in hits["model_ents"]
              if label not in ("ORG", "PERSON") and not overlaps(start, end, ruled)]
    doc.ents = filter_spans([span for span in spans if span is not None])
    return doc


def _span_row(span) -> dict | None:
    rows = span.doc._.thb or {}
    for name in COLUMNS:
        for row in rows.get(name, ()):
            if span.start_char <= row["start"] and row["end"] <= span.end_char:
                return dict(row, table=name)
    return None
