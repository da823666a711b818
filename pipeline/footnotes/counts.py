"""Counts that sentences state ("Nine Member States", "over half of these") and their check."""

from __future__ import annotations

import re

from .countries import country_name_run

NUMBER_WORDS = {
    word: value for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50})
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORDS_PATTERN = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# 'twenty-five', 'Nine', '11' -- but not the 3 of '2023', '63.1%' or '2,744'
_NUMBER = (rf"(?:(?:twenty|thirty|forty|fifty)(?:[-\s](?:{_UNITS}))?|{_NUMBER_WORDS_PATTERN}"
           r"|(?<![\d.,/-])\d{1,3}(?![\d%]|[.,]\d))")
_COUNT = re.compile(
    r"(?:\b(?P<qualifier>more\s+than|over|at\s+least|fewer\s+than|less\s+than|under|almost|nearly|about|around|"
    r"approximately|some|up\s+to)\s+)?"
    rf"\b(?P<number>{_NUMBER})\s+(?:(?:other|more|further|additional|participating|reporting|responding|EU|EMN|"
    r"European|Member|and|Observer|partner|of\s+the)\s+){0,5}"
    r"(?P<noun>countries|member\s+states|states|ms'?s|jurisdictions)\b", re.I)
_NAME_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|as\s+well\s+as\s+)")
_ALONG_WITH = re.compile(r"^\s*,?\s*(?:along\s+with|together\s+with|as\s+well\s+as|plus|and\s+also|and)\s+", re.I)
RELATION = re.compile(
    rf"\b(?P<qualifier>(?:over|more\s+than|less\s+than|fewer\s+than|under|almost|nearly|about|around|exactly)\s+)?"
    rf"(?P<part>half|a\s+third|one\s+third|two\s+thirds|a\s+quarter|all|most|the\s+majority|a\s+majority|a\s+minority|"
    rf"{_NUMBER})\s+of\s+(?:these|them|those|the\s+latter|which)\b", re.I)


# --- counts --------------------------------------------------------------------------------------

def parse_number(text: str) -> int | None:
    """'11', 'Nine', 'twenty-five' as an int."""
    words = re.split(r"[-\s]+", text.strip().lower())
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if all(word in NUMBER_WORDS for word in words):
        return sum(NUMBER_WORDS[word] for word in words)
    return None


def stated_count(scope: str) -> int | None:
    """The number of countries a clause states: the last count phrase in it, plus countries
    named right after it ('Nine EMN Member Countries, along with Serbia and Georgia' is 11)."""
    found = count_phrase(scope)
    return found[0] if found else None


def count_phrase(scope: str) -> tuple[int, str | None] | None:
    """The stated count and its qualifier ('more than', 'about'; None for an exact count)."""
    matches = list(_COUNT.finditer(scope))
    if not matches:
        return None
    last = matches[-1]
    count = parse_number(last.group("number"))
    if count is None or count > 300:
        return None
    qualifier = " ".join(last.group("qualifier").lower().split()) if last.group("qualifier") else None
    return count + _countries_named_after(scope[last.end():]), qualifier


def count_agrees(count: int, qualifier: str | None, n: int) -> bool:
    """Does a footnote of ``n`` countries bear out 'more than 20 countries', 'Nine countries' ...?"""
    if qualifier in ("more than", "over"):
        return n > count
    if qualifier == "at least":
        return n >= count
    if qualifier in ("fewer than", "less than", "under"):
        return n < count
    if qualifier == "up to":
        return n <= count
    if qualifier in ("almost", "nearly"):
        return count - max(1, round(count * 0.1)) <= n <= count
    if qualifier in ("about", "around", "approximately", "some"):
        return abs(n - count) <= max(1, round(count * 0.1))
    return n == count


def _countries_named_after(text: str) -> int:
    joined = _ALONG_WITH.match(text)
    if not joined:
        return 0
    names, _end = country_name_run(text, joined.end(), _NAME_JOIN.fullmatch)
    return len(set(names))


_FRACTIONS = {"half": 1 / 2, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3, "a quarter": 1 / 4}


def check_relation(relation: re.Match, n: int, previous: int) -> bool:
    """Does a footnote of ``n`` countries fit 'over half of these' said of ``previous`` countries?"""
    part = " ".join(relation.group("part").lower().split())
    qualifier = " ".join((relation.group("qualifier") or "").lower().split())
    if part == "all":
        return n == previous
    if part in ("most", "the majority", "a majority"):
        return previous / 2 < n <= previous
    if part == "a minority":
        return n < previous / 2
    if part in _FRACTIONS:
        share = previous * _FRACTIONS[part]
        if qualifier in ("over", "more than"):
            return share < n <= previous
        if qualifier in ("less than", "fewer than", "under"):
            return n < share
        if qualifier in ("almost", "nearly"):
            return share - max(1.0, previous * 0.1) <= n <= share
        if qualifier in ("about", "around"):
            return abs(n - share) <= max(1.0, previous * 0.1)
        return abs(n - share) <= 0.5
    number = parse_number(part)
    return number is not None and number == n and n <= previous
