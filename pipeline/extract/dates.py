"""Publication dates written in a document: "16 July 2025", "Brussels, 16.7.2025", "July 2025".

A PDF's metadata date is usually the day the file was exported, often months after the
publication, so a date stated near the title of the first page wins over it.  Dates are
ISO 8601: ``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is stated.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = ("january february march april may june july august september october november december").split()
_MONTH = "|".join(MONTHS)
_YEAR = r"((?:19|20)\d{2})"
_DATE_ISO = re.compile(rf"\b{_YEAR}-(\d{{2}})-(\d{{2}})\b")
_DATE_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s+{_YEAR}\b", re.I)
_DATE_MDY = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+{_YEAR}\b", re.I)
# "16.7.2025", as the Commission writes it; "7/1/2015" is day first in Europe and month first in
# the United States, so slashed dates are left alone.
_DATE_NUMERIC = re.compile(rf"(?<![\d.,/])(\d{{1,2}})\.(\d{{1,2}})\.{_YEAR}(?![\d.,/]\d)")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+{_YEAR}\b", re.I)
# What may stand beside the date on a dateline: "Press release:", "Brussels,", "Published on", "EN".
_DATELINE_WORDS = 6
# Dates of other events than the publication: a journal's "Received 4 October 2005", "accessed on".
_OTHER_EVENT = re.compile(r"\b(?:received|revised|accepted|submitted|updated|printed|accessed|retrieved|deadline)\b", re.I)
_PUBLISHED = re.compile(r"\b(?:published|issued|dated|released)\b", re.I)
_SENTENCE = re.compile(r"\b(?:on|of|for|from|to|since|until|before|after|by|in|at|between|and)\s*$", re.I)


def parse_date(text: str) -> str | None:
    """The first full date written as '16 July 2025', 'July 16, 2025', '2025-07-16' or '16.7.2025'."""
    found = _first_full_date(text)
    return found[0] if found else None


def _first_full_date(text: str) -> tuple[str, re.Match] | None:
    for pattern, order in ((_DATE_ISO, "ymd"), (_DATE_DMY, "dmy"), (_DATE_MDY, "mdy"), (_DATE_NUMERIC, "dmy")):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups()))
            month = int(parts["m"]) if parts["m"].isdigit() else MONTHS.index(parts["m"].lower()) + 1
            try:
                return date(int(parts["y"]), month, int(parts["d"])).isoformat(), match
            except ValueError:
                continue  # "31.2.2025" is no date
    return None


def dateline(text: str) -> str | None:
    """The date of a line that is a dateline: the date with at most a few words beside it
    ("Press release: 16 July 2025", "Brussels, 16.7.2025", "July 2025"), not a date inside a
    sentence ("adopted on 5 April 2011")."""
    found = _first_full_date(text)
    if found:
        iso, match = found
    else:
        match = _MONTH_YEAR.search(text)
        if not match:
            return None
        iso = f"{int(match.group(2)):04d}-{MONTHS.index(match.group(1).lower()) + 1:02d}"
    return iso if _stands_alone(text[:match.start()], text[match.end():]) else None


def _stands_alone(before: str, after: str) -> bool:
    """Whether the words beside a date leave it a dateline of its own."""
    if len((before + " " + after).split()) > _DATELINE_WORDS or _OTHER_EVENT.search(before):
        return False
    return not _SENTENCE.search(before) or bool(_PUBLISHED.search(before))


def stated_date(lines: list[str]) -> str | None:
    """The first dateline among the opening lines of a document."""
    return next((iso for iso in map(dateline, lines) if iso), None)
