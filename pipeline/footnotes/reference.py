"""Country reference data: ISO codes, EU protocol codes, names, and group memberships by date.

ISO 3166 codes and names come from pycountry; the EU protocol codes (EL, UK), extra codes
(XK) and the dated memberships of the EU, the EMN (members and observers), the Council of
Europe, the parties to the CoE Convention on Action against Trafficking (GRETA), Schengen
and the EEA come from ``data/memberships.toml``.  :func:`membership` gives a group's
members on a date, with a warning for each member whose date is not known precisely
enough to be sure (such a member is counted).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import pycountry

DATA_FILE = Path(__file__).parents[1] / "data" / "memberships.toml"

# Names used in running text that pycountry spells differently or not at all.
_NAME_ALIASES = {
    "the Netherlands": "NL", "Czech Republic": "CZ", "Slovak Republic": "SK", "Great Britain": "GB",
    "the United Kingdom": "GB", "Macedonia": "MK", "Republic of Moldova": "MD", "the Republic of Moldova": "MD",
    "Turkey": "TR", "Kosovo": "XK", "Russia": "RU", "Vatican": "VA", "Ivory Coast": "CI",
}


# --- reference data ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tenure:
    """One country's membership of one group: from ``earliest`` it may have been a member,
    from ``certain`` it surely was, until ``left`` (its last day) if it left."""

    joined: str                 # as recorded: '2021-03-11', '2022-10', '2022', 'unknown'
    earliest: date
    certain: date
    left: date | None = None
    note: str | None = None

    def on(self, day: date) -> str | None:
        """'member', 'uncertain' (counted, with a warning) or None on ``day``."""
        if day < self.earliest or (self.left is not None and day > self.left):
            return None
        return "member" if day >= self.certain else "uncertain"


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    source: str
    tenures: dict[str, Tenure]
    members_of: str | None = None       # another group whose members are members of this one
    excluded: frozenset[str] = frozenset()
    since: date | None = None           # the group's own start: nobody is a member before


@dataclass(frozen=True)
class Membership:
    """A group's members on a day; ``warnings`` says which of them were counted on an uncertain date."""

    group: str
    day: date
    members: list[str]
    warnings: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class _Reference:
    protocol: dict[str, str]              # EL -> GR
    extra: dict[str, str]                 # XK -> Kosovo
    groups: dict[str, Group]


_UNKNOWN = "unknown"


def parse_tenure(entry: dict) -> Tenure:
    """A tenure from its data entry: exact, month-only, year-only or unknown joining dates."""
    joined = str(entry["joined"])
    left = date.fromisoformat(entry["left"]) if "left" in entry else None
    if joined == _UNKNOWN:
        earliest = date.fromisoformat(entry["not_before"]) if "not_before" in entry else date.min
        certain = date.fromisoformat(entry["joined_by"]) if "joined_by" in entry else date.max
    elif re.fullmatch(r"\d{4}", joined):
        earliest, certain = date(int(joined), 1, 1), date(int(joined) + 1, 1, 1)
    elif re.fullmatch(r"\d{4}-\d{2}", joined):
        earliest = date(int(joined[:4]), int(joined[5:]), 1)
        certain = (earliest + timedelta(days=31)).replace(day=1)
    else:
        earliest = certain = date.fromisoformat(joined)
    if "joined_by" in entry and joined != _UNKNOWN:
        certain = min(certain, date.fromisoformat(entry["joined_by"]))
    return Tenure(joined=joined, earliest=earliest, certain=certain, left=left, note=entry.get("note"))


@lru_cache(maxsize=1)
def _reference() -> _Reference:
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    return _Reference(protocol=dict(data["protocol_codes"]), extra=dict(data["extra_codes"]),
                      groups={key: read_group(key, spec) for key, spec in data["groups"].items()})


def read_group(key: str, spec: dict) -> Group:
    """A group from its data entry; a malformed entry raises a ValueError that names it."""
    try:
        return Group(key=key, name=spec["name"], source=spec["source"],
                     tenures={code: _read_tenure(key, code, entry) for code, entry in spec.get("members", {}).items()},
                     members_of=spec.get("members_of"), excluded=frozenset(spec.get("except", ())),
                     since=date.fromisoformat(spec["since"]) if "since" in spec else None)
    except KeyError as error:
        raise ValueError(f"{DATA_FILE.name}: group {key!r} lacks {error}") from error


def _read_tenure(key: str, code: str, entry: dict) -> Tenure:
    try:
        return parse_tenure(entry)
    except (KeyError, ValueError) as error:
        raise ValueError(f"{DATA_FILE.name}: {key}.members.{code} = {entry}: {error}") from error


def groups() -> dict[str, Group]:
    """Every group in the data, by key ('eu', 'emn', 'emn_observers', 'coe', 'greta', 'schengen', 'eea')."""
    return dict(_reference().groups)


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


# --- memberships by date ------------------------------------------------------------------------

def membership(group: str, on: str | date | None = None) -> Membership:
    """The members of ``group`` on a date (today when None), sorted, with a warning for each
    member counted although its date of joining is not known precisely enough to be sure."""
    day = as_date(on)
    statuses = _statuses(group, day)
    warnings = {code: _warning(group, code, day) for code, status in statuses.items() if status == "uncertain"}
    return Membership(group, day, sorted(statuses), warnings)


def _statuses(group: str, day: date) -> dict[str, str]:
    return dict(_statuses_on(group, day))


@lru_cache(maxsize=4096)
def _statuses_on(group: str, day: date) -> tuple[tuple[str, str], ...]:
    """(code, 'member' or 'uncertain') of every member on ``day``; cached, as every mention asks."""
    spec = _reference().groups[group]
    if spec.since is not None and day < spec.since:
        return ()
    statuses = {}
    if spec.members_of:
        statuses = {code: status for code, status in _statuses_on(spec.members_of, day) if code not in spec.excluded}
    for code, tenure in spec.tenures.items():
        status = tenure.on(day)
        if status is not None and statuses.get(code) != "member":
            statuses[code] = status
    return tuple(statuses.items())


def _warning(group: str, code: str, day: date) -> str:
    """Why ``code`` is counted in ``group`` on ``day`` without certainty, for the tables."""
    spec = _reference().groups[group]
    tenure = spec.tenures.get(code)
    if tenure is None and spec.members_of:
        return _warning(spec.members_of, code, day)
    if tenure.joined == _UNKNOWN:
        known = f"certainly a member from {tenure.certain}" if tenure.certain != date.max else "never confirmed"
        when = f"date of joining not known ({known})"
    else:
        when = f"joined {tenure.joined}, the exact day not known"
    return f"{code} counted among the {spec.name} on {day}: {when}"


def eu_members(on: str | date | None = None) -> list[str]:
    """ISO codes of the EU Member States on a date (UK until 2020-01-31, HR from 2013-07-01)."""
    return membership("eu", on).members


def is_eu_member(iso2: str, on: str | date | None = None) -> bool:
    return iso2 in eu_members(on)


def emn_status(iso2: str, on: str | date | None = None) -> str | None:
    """'member' (an EU Member State taking part: all but DK), 'observer' (from its join date), or None."""
    if iso2 in emn_members(on):
        return "member"
    if iso2 in emn_observers(on):
        return "observer"
    return None


def emn_members(on: str | date | None = None) -> list[str]:
    return membership("emn", on).members


def emn_observers(on: str | date | None = None) -> list[str]:
    """The EMN Observer Countries on a date, in the order the EMN lists them."""
    members = set(membership("emn_observers", on).members)
    return [code for code in _reference().groups["emn_observers"].tenures if code in members]


def eu_snapshot(size: int, on: str | date | None = None) -> list[str] | None:
    """The Union of ``size`` members ('EU27') meant at a date: the latest enlargement
    state of that size on or before the date (EU27 in 2010 is the Union before Croatia,
    EU27 in 2025 the Union after the United Kingdom left)."""
    day = as_date(on)
    return snapshot_on("eu", size, day)


def snapshot_on(group: str, size: int, day: date) -> list[str] | None:
    """``group`` when it had ``size`` members: the latest such state on or before ``day``, else the first."""
    tenures = _reference().groups[group].tenures.values()
    changes = sorted({tenure.certain for tenure in tenures}
                     | {tenure.left + timedelta(days=1) for tenure in tenures if tenure.left})
    matching = [moment for moment in changes if len(membership(group, moment)) == size]
    if not matching:
        return None
    earlier = [moment for moment in matching if moment <= day]
    return membership(group, earlier[-1] if earlier else matching[0]).members


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
