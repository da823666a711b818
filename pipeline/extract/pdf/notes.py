"""PDF footnotes: each column's footnote zone split into notes, and raised runs accepted as markers.

1. each column's footnote zone (smaller lines under its body text) becomes one footnote per label
   (:func:`split_footnotes`): a raised label, a number, or a letter or symbol ("a", "*", "†") that a
   raised marker on the page bears;
2. a raised run becomes a marker (:func:`accept_markers`) when its shape is a footnote label and a
   note with that label is on the same or the next page (also after a space: "reports 7 of"); with no
   such note it must be glued to a word, outside a formula, and fit the numbering of the notes around
   it; otherwise it stays text (exponents, ordinals).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from .lines import SENTENCE_END, Line, PageLayout, Raised, line_kind, smaller_than_body, starts_raised
from .rules import Rule

SEPARATOR_ZONE = 0.3  # a footnote separator sits below this fraction of the page height
RULE_END_TOLERANCE = 2.0  # points: rules whose ends lie this close are drawn by one table
_LABEL_SHAPE = re.compile(r"^(?:\d{1,3}|[*†‡§]{1,3}|[a-z]{1,2})$")
_LABEL_LIST = re.compile(r"^[\w*†‡§]{1,3}(?:\s*[,–-]\s*[\w*†‡§]{1,3})*$")
_ORDINAL = re.compile(r"^(?:st|nd|rd|th|e|er|re|ème|o|a)$")
_NOTE_LABEL = re.compile(r"^\d{1,3}[.)]\s+[^\W\d]")
# Labels written in plain text at the start of a footnote: "12 Text", "b) Text", "* Text", "†Text".
PLAIN_LABEL = re.compile(r"^(?:(\d{1,3}|[a-z])(?:[.)]\s*|\s+)|([*†‡§]{1,3})\s*)(?=\S)")


@dataclass
class _NoteScan:
    """What the footnote split remembers from line to line and page to page."""

    last_number: int = 0
    last_letter: str = ""
    expected: set[str] = field(default_factory=set)   # labels of raised runs on this page and the last one
    used: set[str] = field(default_factory=set)       # labels already opened on this page
    zone_left: dict[int, float] = field(default_factory=dict)   # per column
    zone_right: dict[int, float] = field(default_factory=dict)

    def opens_note(self, line: Line, label: str | None, previous: Line | None) -> bool:
        """Whether ``line`` starts a new footnote labelled ``label``."""
        # A note's label sits at the column's left edge, or one or two ems in with a first-line indent.
        if label is None or label in self.used or line.x0 > self.zone_left[line.column] + 2 * line.size:
            return False
        if starts_raised(line) or label == str(self.last_number + 1):
            return True
        if label not in self.expected:
            return False
        if label.isalpha():
            # "a" or "b" also start ordinary lines: a letter label comes in sequence, after a line that ended.
            in_sequence = label == "a" or len(label) == 1 and self.last_letter[-1:] == chr(ord(label) - 1)
            return in_sequence and not (previous and _runs_on(previous, self.zone_right[previous.column]))
        return True

    def opened(self, label: str) -> None:
        self.used.add(label)
        self.last_number = int(label) if label.isdigit() else self.last_number
        self.last_letter = label if label.isalpha() else self.last_letter


def _goes_on(last: Line, line: Line) -> bool:
    """Whether ``line`` may carry on the footnote that ``last`` ended on the same page: below it in its
    column, or at the foot of a later column; not a full-width table under columns of notes."""
    if abs(last.size - line.size) >= 1.0:
        return False
    if line.column == last.column or 0 < line.bottom - last.bottom <= 2 * line.size:
        return line.bottom > last.bottom  # a short last line under full-width notes sits in a column
    return last.column != 0 and line.column > last.column


def _runs_on(line: Line, right: float) -> bool:
    """A line that reaches the right edge without ending a sentence goes on in the next line."""
    return line.x1 >= right - 2 * line.size and not SENTENCE_END.search(line.text.rstrip())


def split_footnotes(pages: list[PageLayout], body_size: float) -> dict[str, set[int]]:
    """Move each page's footnote zone into ``page.footnotes``; the labels found and their pages."""
    found: dict[str, set[int]] = {}
    last_entry: tuple[str, list[Line]] | None = None
    scan = _NoteScan()
    previous_page: set[str] = set()
    for page in pages:
        on_page = {label for line in page.lines for run in line.raised if _LABEL_LIST.match(run.label.strip())
                   for label in run_labels(run.label)}
        scan.expected, previous_page = on_page | previous_page, on_page
        zone = _footnote_zone(page, body_size, continuing=last_entry is not None, expected=scan.expected)
        in_zone: set[int] = set()
        continuing = last_entry is not None
        scan.zone_left, scan.zone_right = {}, {}
        for line in zone:
            scan.zone_left[line.column] = min(scan.zone_left.get(line.column, line.x0), line.x0)
            scan.zone_right[line.column] = max(scan.zone_right.get(line.column, line.x1), line.x1)
        scan.used = set()
        previous = None
        for line in zone:
            label = _line_label(line, scan.expected)
            if scan.opens_note(line, label, previous):
                scan.opened(label)
                last_entry = (label, [line])
                page.footnotes.append(last_entry)
                found.setdefault(label, set()).add(page.number)
            elif page.footnotes and _goes_on(last_entry[1][-1], line) \
                    or continuing and abs(last_entry[1][-1].size - line.size) < 0.3:
                last_entry[1].append(line)  # a footnote's next line, or its continuation from the last page
            else:
                continuing = False
                continue
            in_zone.add(id(line))
            previous = line
        page.lines = [line for line in page.lines if id(line) not in in_zone]
        if not in_zone:
            last_entry = None
        for label, lines in _figure_notes(page.lines, on_page, body_size):
            page.footnotes.append((label, lines))
            found.setdefault(label, set()).add(page.number)
            in_zone.update(id(line) for line in lines)
        page.lines = [line for line in page.lines if id(line) not in in_zone]
    return found


def _figure_notes(lines: list[Line], labels_on_page: set[str], body_size: float) -> list[tuple[str, list[Line]]]:
    """Notes under a figure or table ("1. includes data from: ..."), labelled like a marker on the page."""
    notes: list[tuple[str, list[Line]]] = []
    current: list[Line] | None = None
    for line in lines:
        small = smaller_than_body(line.size, body_size)
        label = _line_label(line) if small else None
        if label is not None and label in labels_on_page and (starts_raised(line) or _NOTE_LABEL.match(line.text)):
            current = [line]
            notes.append((label, current))
        elif current is not None and small and abs(line.size - current[-1].size) < 0.3 \
                and line.x0 > current[0].x0 - 1 and 0 < line.bottom - current[-1].bottom < 2 * line.size:
            current.append(line)
        else:
            current = None
    return notes


def _footnote_zone(page: PageLayout, body_size: float, *, continuing: bool, expected: set[str]) -> list[Line]:
    """Each column's footnote zone, in reading order: the lines under a separator rule, or failing
    one, the small lines under the column's last body-size line."""
    lines = page.lines
    zone: list[Line] = []
    for column in {line.column for line in lines}:
        ruled = _ruled_zone(page, column, body_size, continuing, expected)
        if ruled:
            zone += ruled
            continue
        body_lines = [line for line in lines
                      if not smaller_than_body(line.size, body_size) and (line.column == column or column == 0)]
        if not body_lines:
            continue  # a page all in small print is a table or a notes page, not body plus footnotes
        last = max(body_lines, key=attrgetter("bottom"))
        small = [line for line in lines
                 if line.column == column and smaller_than_body(line.size, body_size) and line.top >= last.bottom - 1]
        if small and _line_label(small[0]) is not None and _titles(last, small[0], body_size):
            continue  # a numbered list right under a heading ("References") is no footnote zone
        zone += small
    order = {id(line): i for i, line in enumerate(lines)}
    return sorted(zone, key=lambda line: order[id(line)])


def _ruled_zone(page: PageLayout, column: int, body_size: float, continuing: bool, expected: set[str]) -> list[Line]:
    """The lines under a separator rule in the lower part of the column: a short rule at the column's
    left edge (or a full-width one above a note continued from the page before), right above a line
    that opens a note with its label, or carries on the last note of the page before."""
    own = [line for line in page.lines if line.column == column]
    if not own:
        return []
    left, right = min(line.x0 for line in own), max(line.x1 for line in own)
    shared_ends = _shared_ends(page.rules)
    for rule in sorted(page.rules, key=attrgetter("top"), reverse=True):
        if rule.top < SEPARATOR_ZONE * page.height or abs(rule.x0 - left) > 1.5 * body_size \
                or rule.x1 > right + 0.05 * (right - left) or _ends(rule) in shared_ends:
            continue
        below = [line for line in own if line.top >= rule.bottom - 1]
        above = [line for line in own if line.bottom <= rule.top + 1]
        if not below or not above:
            continue
        first = min(below, key=attrgetter("top"))
        if first.top - rule.bottom > 2.5 * first.size or first.size > body_size + 0.5:
            continue
        if _opens_with_label(first, body_size, expected) or continuing:
            order = {id(line): i for i, line in enumerate(page.lines)}
            return sorted(below, key=lambda line: order[id(line)])
    return []


def _opens_with_label(line: Line, body_size: float, expected: set[str]) -> bool:
    """A note's first line: a raised label, or a plain one ("1 Text", "1. Text") in small print or
    borne by a marker on the page, on a line that is no heading."""
    label = _line_label(line, expected)
    if label is None or starts_raised(line):
        return label is not None
    return (smaller_than_body(line.size, body_size) or label in expected) \
        and line_kind(line, body_size, bold_body=False) != "heading"


def _ends(rule: Rule) -> tuple[int, int]:
    return round(rule.x0 / RULE_END_TOLERANCE), round(rule.x1 / RULE_END_TOLERANCE)


def _shared_ends(rules: list[Rule]) -> set[tuple[int, int]]:
    """The ends several rules share: rules of one table share them, a footnote separator stands alone.
    Counted once per page, since a chart can draw thousands of rules."""
    counts = Counter(map(_ends, rules))
    return {ends for ends, count in counts.items() if count > 1}


def _titles(heading: Line, line: Line, body_size: float) -> bool:
    """Whether ``heading`` is a heading right above ``line``."""
    return (line_kind(heading, body_size, bold_body=False) == "heading"
            and not SENTENCE_END.search(heading.text.rstrip()) and line.top - heading.bottom < 3 * heading.size)


def _line_label(line: Line, expected: set[str] = frozenset()) -> str | None:
    """The footnote label a line starts with: raised, or plain.  A plain letter or symbol counts only
    when a raised marker on the page (``expected``) bears it, since "a" or "*" also start ordinary text."""
    if starts_raised(line):
        label = next(p for p in line.parts if isinstance(p, Raised)).label.strip()
        return label if _LABEL_SHAPE.match(label) else None
    match = PLAIN_LABEL.match(line.text)
    if not match or sum(ch.isalpha() for ch in line.text[match.end():match.end() + 40]) < 2:
        return None  # a note says something; "92 1.94 2.17 0" is a row of a table
    label = match.group(1) or match.group(2)
    return label if label.isdigit() or label in expected else None


def run_labels(run_text: str) -> list[str]:
    """The labels in a raised run: "1,2" or "1, 2" are two; so are "a*", a letter and a symbol."""
    return _LABEL_PIECE.findall(run_text)


_LABEL_PIECE = re.compile(r"[*†‡§]+|[^\W_]+")


def accept_markers(pages: list[PageLayout], footnote_pages: dict[str, set[int]]) -> None:
    """Decide which raised runs are footnote markers (see the module docstring)."""
    sequence = _NoteSequence(footnote_pages)
    for page in pages:
        for line in page.lines:
            runs = line.raised
            repeated = {run.label for run in runs if sum(other.label == run.label for other in runs) > 1}
            before = ""
            for part in line.parts:
                if isinstance(part, str):
                    before += part
                    continue
                labels = run_labels(part.label)
                shaped = _LABEL_LIST.match(part.label.strip()) and labels and all(_LABEL_SHAPE.match(lb) for lb in labels)
                if shaped and part.free_after:
                    part.accepted = _is_marker(part, labels, before, line, page.number, footnote_pages, sequence,
                                               part.label in repeated)
                before += "" if part.accepted else part.label


def _is_marker(run: Raised, labels: list[str], before: str, line: Line, page: int,
               footnote_pages: dict[str, set[int]], sequence: "_NoteSequence", repeated: bool) -> bool:
    """Whether a raised run shaped like a footnote label is a marker."""
    def noted(label: str, pages: set[int]) -> bool:
        return bool(footnote_pages.get(label, set()) & pages)

    near = {page, page + 1}
    formula = repeated or "=" in line.text  # "cos2(v) sin2(u)", "R2 = x2 + y2"
    if all(noted(label, near) for label in labels):
        # "victims.a" with a note "a" on the page is a marker; after a space only a number or symbol is.
        return run.glued or all(label.isdigit() or label in "*†‡" for label in labels)
    if not run.glued or formula:
        return False
    if all(noted(label, near | {page - 1}) for label in labels) and _marker_context(before):
        return True  # a table continued from the page before repeats its header's markers
    later = set(range(page + 2, max(sequence.pages, default=page) + 1))
    if all(noted(label, later) for label in labels) and _marker_context(before):
        return True  # endnotes: the notes are gathered on the last pages
    unmatched = [label for label in labels if not noted(label, near)]
    if any(_ORDINAL.match(label) for label in unmatched):
        return False  # "1st", "2e"
    # With no note to match, a marker must look like one: after a word, in the notes' numbering.
    return (all(label.isdigit() or label in "*†‡" for label in unmatched) and _marker_context(before)
            and all(sequence.fits(label, page) for label in unmatched))


class _NoteSequence:
    """The numbers of the footnotes found, page by page: a marker with no note on its page should
    still fall between the last number before the page and the first one after it."""

    def __init__(self, footnote_pages: dict[str, set[int]]) -> None:
        by_page: dict[int, list[int]] = {}
        for label, pages in footnote_pages.items():
            if label.isdigit():
                for page in pages:
                    by_page.setdefault(page, []).append(int(label))
        self.pages = sorted(by_page)
        self.last = {page: max(numbers) for page, numbers in by_page.items()}
        self.first = {page: min(numbers) for page, numbers in by_page.items()}

    def fits(self, label: str, page: int) -> bool:
        if not label.isdigit() or not self.pages:
            return True
        number = int(label)
        before = [p for p in self.pages if p < page]
        after = [p for p in self.pages if p > page]
        return (not before or self.last[before[-1]] < number) and (not after or number < self.first[after[0]])


_MARKER_CONTEXT = re.compile(r"(?:[^\W\d_]{3,}|[A-Z]{2}|\d{4}|[^\W\d_]\))[.,;:!?)\]\"”’]*$|\w[.,;:!?\"”’]+$")


def _marker_context(before: str) -> bool:
    """Text a footnote marker may follow: a word, a year or punctuation, but not a single letter or a figure."""
    return bool(_MARKER_CONTEXT.search(before))
