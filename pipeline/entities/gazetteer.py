"""Curated names, and the text helpers every rule shares.

The curated lists are what the rules trust over the statistical model: organisations
(``data/organisations.toml``), countries (pycountry plus ``data/regions.toml``), demonyms,
regions and cities, and two-letter country codes when a text lists them ("BE, DE, EL and GE").
The shared helpers test spans for overlap and place a block's hit in its document, with the
sentence it stands in.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.model import Block

DATA_DIR = Path(__file__).parents[1] / "data"


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


def _placed(doc_id: str, block: Block, sentences: list, hit: dict) -> dict:
    row = dict(hit, doc_id=doc_id, page=block.page, start=block.start + hit["start"], end=block.start + hit["end"])
    row["sentence"] = _sentence_of(block.text, sentences, hit["start"], hit["end"])
    if "value" in hit:
        row["section"] = {"comment": "comment", "footnote": "footnote"}.get(block.kind, "body")
    return row


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
