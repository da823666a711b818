"""Country codes in footnotes and body text: "BE, BG, CY, DE and EL.", "Observer
Countries (NO, GE, MD)", "all EU MSs, except CY, CZ, DK".

Two-letter tokens are everywhere (model parameters "LU, PL", the word "IT",
"is, it, no"), so a run of codes is taken as a country list only when its
context says so: a footnote that is nothing but the list, a list introduced by
"countries", "Member States", "includes data from:" and the like, or the
exception list of a group expression.  Codes whose case a PDF font mangled
("Cy", "iE", "nL") count only inside a list that is mostly proper codes.
Lists of names ("Belgium, France and the Netherlands") follow the same rules.
Group expressions ("EU27", "the 27 Member States", "all EU Member States except DK",
"all EMN Member and Observer Countries", "all GRETA parties", "the Schengen States",
"EEA countries") are expanded to the group's members on the publication date
(:func:`.reference.membership`); each mention says the group and date it came from.

Codes, names and memberships come from :mod:`.reference`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from .reference import (Membership, as_date, country_name, emn_status, eu_snapshot, find_country_names,
                        is_eu_member, membership, protocol_code, to_iso2)

# --- mentions ------------------------------------------------------------------------------------

@dataclass
class CountryMention:
    """One country in a list: the code as printed and what it stands for."""

    code: str                   # as written ('EL', 'Cy', 'Belgium'); for a group expansion the EU protocol code
    iso2: str
    country: str
    eu_member: bool
    emn_status: str | None
    start: int                  # offsets in the searched text (the group expression for expansions)
    end: int
    expanded_from: str | None = None
    expanded_group: str | None = None   # the group's key ('eu', 'emn+emn_observers', 'eu:27')
    expanded_on: str | None = None      # the date the group was expanded at (ISO)
    expansion_note: str | None = None   # why the member was counted on an uncertain date


@dataclass
class CountryList:
    """A run of codes (or a group expression) accepted as a list of countries."""

    start: int
    end: int
    mentions: list[CountryMention] = field(default_factory=list)
    reason: str = ""            # why it was accepted: whole, cue, colon, sentence, group
    group: str | None = None    # the group expression ('all EU MSs, except CY, CZ')
    group_key: str | None = None  # the group it was expanded from ('eu', 'emn+emn_observers')

    @property
    def iso2(self) -> list[str]:
        return [mention.iso2 for mention in self.mentions]


def make_mention(code: str, start: int, end: int, on: str | date | None,
                 expanded_from: str | None = None, iso2: str | None = None) -> CountryMention:
    """A mention of the country ``code`` stands for (or ``iso2`` when ``code`` is a name)."""
    iso2 = iso2 or to_iso2(code)
    if iso2 is None:
        raise ValueError(f"{code!r} is not a country code")
    return CountryMention(code=code, iso2=iso2, country=country_name(iso2), eu_member=is_eu_member(iso2, on),
                          emn_status=emn_status(iso2, on), start=start, end=end, expanded_from=expanded_from)


# --- finding code lists --------------------------------------------------------------------------

# A two-letter token not glued to letters, digits, hyphens, slashes (URLs: /EN/TXT) or dots (i.e.).
_TOKEN = re.compile(r"(?<![\w\-/.@&=])([A-Za-z]{2})(?![\w\-/@]|\.\w)")
# What may stand between two codes of one list; an annotation in parentheses may follow a code.
_SEPARATOR = re.compile(r"^(?:\s*\([^()\n]{1,60}\))?(?:\s*[,;]\s*(?:(?:and|or|as\s+well\s+as|&)\s+)?"
                        r"|\s+(?:and|or|as\s+well\s+as|&)\s+)$")
_NAME_SEPARATOR = re.compile(r"^(?:\s*\([^()\n]{1,60}\))?(?:\s*[,;]\s*(?:(?:and|or|as\s+well\s+as|&)\s+)?"
                             r"|\s+(?:and|or|as\s+well\s+as|&)\s+)(?:the\s+)?$")
# Words right before a list that make it a list of countries.
_CUE = re.compile(r"(?:countr(?:y|ies)|states?|ms'?s|observers|participants|"
                  r"data\s+from|except(?:\s+for)?|excluding|other\s+than|with\s+the\s+exception\s+of|apart\s+from)"
                  r"\s*[(:,\u2013\u2014-]?\s*(?:(?:e\.g\.|i\.e\.|such\s+as|including|notably|namely|in\s+particular|"
                  r"like|viz\.)\s*[,:]?\s*)?$", re.I)
_LEAD_IN = re.compile(r"^\s*(?:(?:these|they|those)\s+(?:are|were|include[sd]?)\b\s*:?\s*)?"
                      r"(?:(?:the\s+)?(?:figure|table|data|chart)\s+)?(?:includes?|covers?|contains?|source)?"
                      r"\s*(?:data\s+)?(?:from|for)?\s*[:\-]?\s*", re.I)
_SAMPLE_SIZE = re.compile(r"\(\s*n\s*=\s*[\d,. ]+\)", re.I)
_EXCEPT = (r"(?P<except>\s*,?\s*(?:except(?:\s+for)?|excluding|other\s+than|with\s+the\s+exception\s+of|but\s+not|"
           r"apart\s+from)\s+)?")
# Groups named without "EU"/"EMN": the parties GRETA evaluates, Schengen, the EEA, the Council of Europe.
_NAMED = (r"(?P<greta>GRETA\s+(?:states\s+)?parties|(?:states\s+)?parties\s+to\s+the\s+(?:Council\s+of\s+Europe\s+|CoE\s+)?"
          r"(?:Anti-Trafficking\s+Convention|Convention\s+on\s+Action\s+against\s+Trafficking\s+in\s+Human\s+Beings))"
          r"|(?P<schengen>Schengen\s+(?:area\s+)?(?:member\s+states|states|countries))"
          r"|(?P<eea>(?:EU\s*/\s*)?EEA\s+(?:member\s+states|states|countries))"
          r"|(?P<coe>(?:Council\s+of\s+Europe|CoE)\s+member\s+states)")
_GROUP = re.compile(
    r"(?:\ball\s+(?:the\s+)?(?:other\s+)?(?:(?P<union>EU|EMN)\s*(?:-?\s*(?P<size1>15|25|27|28))?\s+)?"
    r"(?P<noun>member\s+states|ms'?s|member\s+(?:and\s+observer\s+)?countries|countries)"
    r"|\b(?:all\s+(?:the\s+)?|the\s+)(?P<size3>15|25|27|28)\s+(?:EU\s+|European\s+Union\s+)?(?:member\s+states|ms'?s)\b"
    rf"|(?<![\w-])(?P<lead>all\s+(?:the\s+)?(?:other\s+)?|the\s+)?(?:{_NAMED})\b"     # not 'non-Schengen countries'

    r"|\b(?P<bare>EU|EMN)\s+(?P<noun2>member\s+states|member\s+countries)(?=\s*,?\s*(?:except|excluding))"
    r"|\bEU\s?-?\s?(?P<size2>15|25|27|28)\b)" + _EXCEPT, re.I)
_NAMED_KEYS = ("greta", "schengen", "eea", "coe")


# In a footnote, this many proper codes ending a sentence are a list even without a cue word.
_SENTENCE_LIST_MIN = 3
_HEDGED = re.compile(r"\b(?:almost|nearly|not|virtually|practically|hardly)\s+$", re.I)


@dataclass
class _Token:
    text: str
    start: int
    end: int

    @property
    def exact(self) -> bool:
        return self.text.isupper() and to_iso2(self.text) is not None

    @property
    def mangled(self) -> bool:
        return not self.text.isupper() and not self.text.islower() and to_iso2(self.text) is not None


def _series(text: str, start: int = 0, end: int | None = None) -> list[list[_Token]]:
    """Runs of code-shaped tokens joined by list separators (any case but all-lower)."""
    end = len(text) if end is None else end
    runs: list[list[_Token]] = []
    for match in _TOKEN.finditer(text, start, end):
        if match.group(1).islower():
            continue
        token = _Token(match.group(1), match.start(1), match.end(1))
        if runs and _SEPARATOR.match(text[runs[-1][-1].end:token.start]):
            runs[-1].append(token)
        else:
            runs.append([token])
    return [_clean_run(text, run) for run in runs]


def _clean_run(text: str, run: list[_Token]) -> list[_Token]:
    """Drop a run with a non-country capital pair (a list of abbreviations, not of countries),
    cut it at a capitalised non-code word, and drop trailing mangled tokens that begin a
    sentence ('BE and At the same time')."""
    if any(token.text.isupper() and not token.exact for token in run):
        return []
    for index, token in enumerate(run):
        if not token.exact and not token.mangled:
            run = run[:index]
            break
    while run and run[-1].mangled and re.match(r"\s+[a-z]", text[run[-1].end:run[-1].end + 3]):
        run = run[:-1]
    return run


def _codes_credible(run: list[_Token]) -> bool:
    exact = sum(token.exact for token in run)
    mangled = len(run) - exact
    # A font that mangles case mangles many codes of a list, but a list of capitalised words
    # ('At', 'In', 'No') with one code among them is prose, not codes.
    return exact >= 1 and (mangled == 0 or (exact >= 2 and mangled <= 2 * exact))


def _rest_is_empty(fragment: str) -> bool:
    return not re.search(r"[^\W\d_]", _SAMPLE_SIZE.sub("", fragment))


def _accept_reason(text: str, run: list[_Token], footnote: bool) -> str | None:
    before, after = text[:run[0].start], text[run[-1].end:]
    single = len(run) == 1
    if footnote and _rest_is_empty(_LEAD_IN.sub("", before, count=1)) and _rest_is_empty(after):
        # one code and a figure ('SD 10.74.') is an abbreviation, not a footnote naming a country
        if not single or not re.search(r"\w", before + after):
            return "whole"
    cued = _CUE.search(before[-80:]) is not None
    if single:
        in_parentheses = before.rstrip().endswith("(") and after.lstrip().startswith(")")
        return "cue" if cued and in_parentheses else None
    if cued:
        return "cue"
    if footnote and not before.strip() and after.lstrip().startswith(":"):
        return "colon"         # "AT, DE: only adult victims."
    if footnote and before.rstrip().endswith(":") and (_rest_is_empty(after) or re.match(r"\s*[;.]", after)):
        return "colon"         # "Nine Member States reported a rise: BE, BG, CY."; "in 2004: CY, CZ; in 2007: ..."
    if footnote and _ends_sentence(after) and all(token.exact for token in run) \
            and (len(run) >= _SENTENCE_LIST_MIN or not before.strip()):
        return "sentence"      # "Contributions were received from AT, BE and SE."; "BE, NL. See also ..."
    return None


def _ends_sentence(after: str) -> bool:
    return _rest_is_empty(after) or re.match(r"\s*[;.](?:\s|$)", after) is not None


def find_country_lists(text: str, *, on: str | date | None = None, footnote: bool = False) -> list[CountryList]:
    """Country lists in ``text``, in order.  ``footnote`` says the text is a footnote body,
    where a list standing alone (or after a colon) is enough context."""
    lists = _find_groups(text, on, footnote)
    taken = [(found.start, found.end) for found in lists]
    for run in _series(text):
        if not run or any(start <= run[0].start < end for start, end in taken):
            continue
        if not _codes_credible(run):
            continue
        reason = _accept_reason(text, run, footnote)
        if reason is None:
            continue
        mentions = [make_mention(token.text, token.start, token.end, on) for token in run]
        lists.append(CountryList(run[0].start, run[-1].end, _unique(mentions), reason))
    for names in _name_runs(text):
        if any(start <= names[0].start < end for start, end in taken):
            continue
        reason = _accept_reason(text, names, footnote)
        if reason is not None:
            mentions = [make_mention(name.text, name.start, name.end, on, iso2=name.iso2) for name in names]
            lists.append(CountryList(names[0].start, names[-1].end, _unique(mentions), reason))
    return sorted(lists, key=lambda found: found.start)


@dataclass
class _Name:
    text: str
    start: int
    end: int
    iso2: str
    exact = True  # a country's name is never a mangled code


def _name_runs(text: str) -> list[list[_Name]]:
    """Runs of country names joined by list separators ('Belgium, France and the Netherlands');
    they are taken under the same rules as runs of codes."""
    runs: list[list[_Name]] = []
    for start, end, iso2 in find_country_names(text):
        name = _Name(text[start:end], start, end, iso2)
        if runs and _NAME_SEPARATOR.match(text[runs[-1][-1].end:start]):
            runs[-1].append(name)
        else:
            runs.append([name])
    return runs


def _unique(mentions: list[CountryMention]) -> list[CountryMention]:
    seen: set[str] = set()
    result = []
    for mention in mentions:
        if mention.iso2 not in seen:
            seen.add(mention.iso2)
            result.append(mention)
    return result


# --- group expressions ---------------------------------------------------------------------------

def _find_groups(text: str, on: str | date | None, footnote: bool, accept_all: bool = False) -> list[CountryList]:
    found = []
    for match in _GROUP.finditer(text):
        if _HEDGED.search(text[max(0, match.start() - 25):match.start()]):
            continue
        end = match.end()
        excluded: list[str] = []
        if match.group("except"):
            excluded, end = _exception_list(text, match.end())
            if not excluded:
                end = match.start("except")
        expansion = _group_members(match, on)
        if expansion is None and excluded and (match.group("noun") or "").lower().startswith("member states") \
                and set(excluded) <= set(membership("eu", on).members):
            # 'all Member States except DK, IE': the exceptions show which Member States are meant
            expansion = ("eu", membership("eu", on))
        if expansion is None or not (accept_all or _group_accepted(text, match, end, footnote)):
            continue
        key, members = expansion
        expression = text[match.start():end]
        day = members.day.isoformat()
        mentions = [make_mention(protocol_code(code), match.start(), end, on, expanded_from=expression)
                    for code in members.members if code not in excluded]
        for mention in mentions:
            mention.expanded_group, mention.expanded_on = key, day
            mention.expansion_note = members.warnings.get(mention.iso2)
        found.append(CountryList(match.start(), end, mentions, "group", expression, key))
    return found


def find_group_lists(text: str, *, on: str | date | None = None) -> list[CountryList]:
    """Every group expression in running text ('the 27 Member States', 'EU-28', 'all GRETA
    parties', 'the Schengen States'), expanded at ``on``, whether or not it is an enumeration."""
    return [found for found in _find_groups(text, on, footnote=False, accept_all=True) if found.mentions]


def _group_members(match: re.Match, on: str | date | None) -> tuple[str, Membership] | None:
    """The group a match names, as (key, members on the date); None when it cannot tell which."""
    size = match.group("size1") or match.group("size2") or match.group("size3")
    union = (match.group("union") or match.group("bare") or "").upper()
    noun = (match.group("noun") or match.group("noun2") or "").lower()
    named = next((key for key in _NAMED_KEYS if match.group(key)), None)
    if size:
        snapshot = eu_snapshot(int(size), on)
        return None if snapshot is None else (f"eu:{size}", Membership("eu", as_date(on), snapshot))
    if named:
        return named, membership(named, on)
    if union == "EMN":
        members = membership("emn", on)
        if "observer" not in noun:
            return "emn", members
        observers = membership("emn_observers", on)
        return "emn+emn_observers", Membership("emn+emn_observers", members.day, members.members + observers.members,
                                               {**members.warnings, **observers.warnings})
    if union == "EU" or noun.startswith("ms"):
        return "eu", membership("eu", on)
    return None          # "all countries", "all Member States" (of the UN?): no telling which


def _exception_list(text: str, start: int) -> tuple[list[str], int]:
    """ISO codes excluded after 'except' (codes, mangled codes or country names) and where the list ends."""
    runs = [run for run in _series(text, start) if run]
    if runs and runs[0][0].start == start and _codes_credible(runs[0]):
        return [to_iso2(token.text) for token in runs[0]], runs[0][-1].end
    return country_name_run(text, start, _SEPARATOR.match)


def country_name_run(text: str, start: int, joins: Callable[[str], object]) -> tuple[list[str], int]:
    """ISO codes of the country names that follow one another from ``start``, and where the run ends.

    The first name must come right after ``start``; each next one after a gap that ``joins`` accepts.
    """
    names: list[str] = []
    position = start
    for name_start, name_end, iso2 in find_country_names(text[start:]):
        gap = text[position:start + name_start]
        if not (joins(gap) if names else not gap.strip()):
            break
        names.append(iso2)
        position = start + name_end
    return names, position


def _group_accepted(text: str, match: re.Match, end: int, footnote: bool) -> bool:
    """'all EU MSs' and anything with an exception list is a deliberate enumeration; a bare
    'EU27' counts only as the whole footnote or after a cue ('data from EU27')."""
    if match.group(0).lower().startswith("all") or match.group("except") and end > match.end("except"):
        return True
    if match.group("size3"):
        return True          # 'the 27 Member States': a count of a whole Union, not a passing mention
    before = text[:match.start()]
    if footnote and _rest_is_empty(_LEAD_IN.sub("", before, count=1)) and _rest_is_empty(text[end:]):
        return True
    return re.search(r"(?:data\s+from|covers?|includes?|countries)\s*[:(]?\s*$", before[-40:], re.I) is not None


def strip_list_wording(text: str, lists: list[CountryList]) -> str:
    """What a footnote says besides its country lists: the lists, a lead-in ('includes data
    from:') and sample sizes ('(n = 532)') removed.  Empty when the footnote is only a list."""
    pieces = []
    position = 0
    for found in sorted(lists, key=lambda item: item.start):
        pieces.append(text[position:found.start])
        position = max(position, found.end)
    pieces.append(text[position:])
    rest = _SAMPLE_SIZE.sub(" ", " ".join(pieces))
    rest = _LEAD_IN.sub("", rest, count=1)
    rest = re.sub(r"\b(?:and|or|as well as|countries|member states|mss)\b", " ", rest, flags=re.I)
    return " ".join(re.sub(r"[^\w%/]+", " ", rest).split())
