"""Curated names: what the rules trust over the statistical model.

Organisations (``data/organisations.toml``), countries (pycountry plus ``data/regions.toml``; in
French, German and Dutch from pycountry's translations plus ``data/country_names.toml``),
demonyms, regions and cities, and two-letter country codes when a text lists them
("BE, DE, EL and GE").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=8)
def load_places(path: Path = DATA_DIR / "regions.toml", language: str = "en") -> Places:
    """The curated places; country names in English, plus in ``language`` when it is another one."""
    import pycountry

    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for value in _country_names(country):
            countries[value] = country.alpha_2
        names[country.alpha_2] = _display_name(country)
    countries.update(data.get("country_aliases", {}))
    if language != "en":
        countries.update(translated_countries(language))
    names.setdefault("XK", "Kosovo")
    list_codes = {code: code for code in names}
    list_codes.update(data.get("list_codes", {}))
    return Places(countries=countries, demonyms=dict(data.get("demonyms", {})), list_codes=list_codes,
                  regions=frozenset(data.get("regions", ())), cities=frozenset(data.get("cities", ())),
                  country_names=names)


def _country_names(country, translate=lambda name: name) -> list[str]:
    """The country's names that read as written in running text ("Moldova, Republic of" does not)."""
    values = [translate(value) for attr in ("name", "common_name", "official_name")
              if (value := getattr(country, attr, None))]
    return [value for value in values if not re.search(r"[,(]", value) and not value.startswith("the ")]


@lru_cache(maxsize=8)
def translated_countries(language: str, path: Path = DATA_DIR / "country_names.toml") -> dict[str, str]:
    """Country names in ``language`` (pycountry's iso3166-1 translations, plus ``data/country_names.toml``)."""
    import gettext

    import pycountry

    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:         # no catalogue for this language: the curated table alone
        catalogue = None
    countries = {}
    if catalogue is not None:
        for country in pycountry.countries:
            for value in _country_names(country, catalogue.gettext):
                countries[value] = country.alpha_2
    countries.update(tomllib.loads(Path(path).read_text(encoding="utf-8")).get(language, {}))
    return countries


def _display_name(country) -> str:
    common = getattr(country, "common_name", None)
    if common:
        return common
    head, sep, tail = country.name.partition(", ")
    # "Congo, The Democratic Republic of the" -> "Democratic Republic of the Congo"
    return re.sub(r"^The ", "", f"{tail} {head}") if sep else country.name


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
