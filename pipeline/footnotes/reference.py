"""Country reference data: ISO codes, EU protocol codes, names, EU and EMN membership by date.

ISO 3166 codes and names come from pycountry; EU membership with its dates, the EU
protocol codes (EL, UK), extra codes (XK) and EMN status come from ``data/eu_emn.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pycountry

DATA_FILE = Path(__file__).parents[1] / "data" / "eu_emn.toml"

# Names used in running text that pycountry spells differently or not at all.
_NAME_ALIASES = {
    "the Netherlands": "NL", "Czech Republic": "CZ", "Slovak Republic": "SK", "Great Britain": "GB",
    "the United Kingdom": "GB", "Macedonia": "MK", "Republic of Moldova": "MD", "the Republic of Moldova": "MD",
    "Turkey": "TR", "Kosovo": "XK", "Russia": "RU", "Vatican": "VA", "Ivory Coast": "CI",
}


# --- reference data ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Reference:
    protocol: dict[str, str]              # EL -> GR
    extra: dict[str, str]                 # XK -> Kosovo
    eu: dict[str, tuple[date, date | None]]
    not_in_emn: frozenset[str]
    observers: tuple[str, ...]


@lru_cache(maxsize=1)
def _reference() -> _Reference:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    eu = {code: (date.fromisoformat(span["joined"]), date.fromisoformat(span["left"]) if "left" in span else None)
          for code, span in data["eu_members"].items()}
    return _Reference(
        protocol=dict(data["protocol_codes"]),
        extra=dict(data["extra_codes"]),
        eu=eu,
        not_in_emn=frozenset(data["emn"]["eu_members_not_in_emn"]),
        observers=tuple(data["emn"]["observers"]),
    )


def as_date(value: str | date | None) -> date:
    """A publication date ('2025-07-16', '2013-04', '2013') as a date; today when unknown."""
    if value is None:
        return date.today()
    if isinstance(value, date):
        return value
    text = str(value).strip()[:10]
    try:
        if len(text) == 4:
            return date(int(text), 12, 31)
        if len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 28)
        return date.fromisoformat(text)
    except ValueError:
        return date.today()


def to_iso2(code: str) -> str | None:
    """ISO alpha-2 for a code in any case ('EL' -> 'GR', 'uk' -> 'GB', 'Cy' -> 'CY'); None if not a country."""
    upper = code.upper()
    reference = _reference()
    if upper in reference.protocol:
        return reference.protocol[upper]
    if upper in reference.extra:
        return upper
    if len(upper) == 2 and upper.isalpha() and pycountry.countries.get(alpha_2=upper) is not None:
        return upper
    return None


def protocol_code(iso2: str) -> str:
    """The code EU documents print for a country ('GR' -> 'EL', 'GB' -> 'UK')."""
    for protocol, iso in _reference().protocol.items():
        if iso == iso2:
            return protocol
    return iso2


def country_name(iso2: str) -> str:
    """Short English name: 'Moldova', not 'Moldova, Republic of'."""
    reference = _reference()
    if iso2 in reference.extra:
        return reference.extra[iso2]
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return iso2
    return getattr(country, "common_name", None) or country.name


def eu_members(on: str | date | None = None) -> list[str]:
    """ISO codes of the EU Member States on a date (UK until 2020-01-31, HR from 2013-07-01)."""
    day = as_date(on)
    return sorted(code for code, (joined, left) in _reference().eu.items()
                  if joined <= day and (left is None or day <= left))


def is_eu_member(iso2: str, on: str | date | None = None) -> bool:
    return iso2 in eu_members(on)


def emn_status(iso2: str, on: str | date | None = None) -> str | None:
    """'member' (an EU Member State taking part: all but DK), 'observer', or None."""
    reference = _reference()
    if iso2 in reference.observers:
        return "observer"
    if is_eu_member(iso2, on) and iso2 not in reference.not_in_emn:
        return "member"
    return None


def emn_members(on: str | date | None = None) -> list[str]:
    return [code for code in eu_members(on) if code not in _reference().not_in_emn]


def emn_observers() -> list[str]:
    return list(_reference().observers)


def eu_snapshot(size: int, on: str | date | None = None) -> list[str] | None:
    """The Union of ``size`` members ('EU27') meant at a date: the latest enlargement
    state of that size on or before the date (EU27 in 2010 is the Union before Croatia,
    EU27 in 2025 the Union after the United Kingdom left)."""
    day = as_date(on)
    changes = sorted({joined for joined, _ in _reference().eu.values()}
                     | {date.fromordinal(left.toordinal() + 1) for _, left in _reference().eu.values() if left})
    matching = [moment for moment in changes if len(eu_members(moment)) == size]
    if not matching:
        return None
    earlier = [moment for moment in matching if moment <= day]
    return eu_members(earlier[-1] if earlier else matching[0])


# --- country names -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _name_index() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value and "," not in value:
                names[value] = country.alpha_2
    names.update(_NAME_ALIASES)
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), names


def find_country_names(text: str) -> list[tuple[int, int, str]]:
    """Country names in ``text`` as (start, end, iso2): 'Serbia', 'the Netherlands', 'Czechia'."""
    pattern, names = _name_index()
    return [(match.start(), match.end(), names[match.group(0)]) for match in pattern.finditer(text)]


def country_from_name(name: str) -> str | None:
    return _name_index()[1].get(name.strip())
