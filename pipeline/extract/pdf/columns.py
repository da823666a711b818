"""PDF text columns: the gutters between them, found from the page's ink projected onto the x axis.

Inside a text column each point is covered by a glyph on almost every line, in a gutter only by the
few full-width lines (titles, headings); a table is no text column: its cells are short phrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from operator import attrgetter

from .chars import Char

MIN_COLUMN_LINES = 5          # a text column holds at least this many lines ...
GUTTER_CROSSING = 0.3         # ... at most this share of them crosses a gutter (full-width lines) ...
MIN_COLUMN_SHARE = 0.18       # ... it is at least this share of the text width ...
PHRASE_GAP = 1.0              # ... and most of its lines fill it, with no gap wider than this many ems
MAX_GUTTERS = 5


_X0, _X1 = attrgetter("x0"), attrgetter("x1")


@dataclass(frozen=True)
class Gutter:
    """A vertical strip between text columns that almost no glyph covers."""

    left: float
    right: float

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


def find_gutters(rows: list[list[Char]], width: float) -> list[Gutter]:
    """The gutters between the page's text columns, left to right; none on a single-column page.

    The page's ink is projected onto the x axis: inside a text column each point is covered by a
    glyph on almost every line, in a gutter only by the few full-width lines (titles, headings).
    """
    glyphs = [c for row in rows for c in row if c.text != " "]
    if len(glyphs) < 100:
        return []
    left = int(min(map(_X0, glyphs)))
    right = int(max(map(_X1, glyphs))) + 1
    text_width = right - left
    if text_width < 0.3 * width:
        return []
    coverage = _ink_profile(glyphs, left, right)
    level = sorted(coverage)[3 * len(coverage) // 4]  # about the number of lines in a column
    if level < MIN_COLUMN_LINES:
        return []
    candidates = sorted(_low_runs(coverage, left, text_width, GUTTER_CROSSING * level),
                        key=lambda run: (run[2], -(run[1] - run[0])))[:MAX_GUTTERS]
    if not candidates:
        return []
    phrases = _phrases(rows)
    # With three columns, one gutter alone leaves two columns side by side: try the most gutters first.
    for count in range(len(candidates), 0, -1):
        for chosen in combinations(sorted(candidates), count):
            gutters = [Gutter(low, high) for low, high, _ in chosen]
            if _columns_hold_text(gutters, coverage, phrases, left, right):
                return gutters
    return []


def _ink_profile(glyphs: list[Char], left: int, right: int) -> list[int]:
    """How many glyphs cover each whole point from ``left`` to ``right``."""
    import numpy

    count, length = len(glyphs), right - left + 2
    # whole points inside a glyph: from int(x0) + 1 to int(x1)
    starts = numpy.fromiter(map(_X0, glyphs), float, count).astype(numpy.int64) + (1 - left)
    stops = numpy.fromiter(map(_X1, glyphs), float, count).astype(numpy.int64) + (1 - left)
    wide = stops > starts
    steps = numpy.bincount(starts[wide], minlength=length) - numpy.bincount(stops[wide], minlength=length)
    return numpy.cumsum(steps[:-1]).tolist()


def _low_runs(coverage: list[int], left: int, text_width: int, limit: float):
    """(left, right, crossing) of each run of points covered at most ``limit`` times, away from the edges."""
    margin = int(0.15 * text_width)
    start = None
    for x in range(margin, len(coverage) - margin + 1):
        low = x < len(coverage) - margin and coverage[x] <= limit
        if low and start is None:
            start = x
        elif not low and start is not None:
            if x - start >= 2:
                yield left + start, left + x, _crossing(coverage[start:x])
            start = None


def _crossing(run: list[int]) -> int:
    """About how many lines cross a gutter: its ragged edges aside, a line across it covers it all."""
    return sorted(run)[len(run) // 2]


def _phrases(rows: list[list[Char]]) -> list[tuple[float, float]]:
    """(x0, x1) of each run of glyphs in a row with no gap wider than PHRASE_GAP ems: a column's line
    or a table cell."""
    spans = []
    for row in rows:
        start = end = None
        for char in sorted(row, key=_X0):
            if char.text == " ":
                continue
            if start is None or char.x0 - end > PHRASE_GAP * char.size:
                if start is not None:
                    spans.append((start, end))
                start, end = char.x0, char.x1
            else:
                end = max(end, char.x1)
        if start is not None:
            spans.append((start, end))
    return spans


def _columns_hold_text(gutters: list[Gutter], coverage: list[int], phrases: list[tuple[float, float]],
                       left: int, right: int) -> bool:
    """Every column is wide and filled by several lines, and few lines cross the gutters beside it.

    A table is no text column: its cells are short phrases, and ink thins out between them.
    """
    edges = [left] + [x for g in gutters for x in (g.left, g.right)] + [right]
    levels = []
    for x0, x1 in zip(edges[::2], edges[1::2]):
        if x1 - x0 < MIN_COLUMN_SHARE * (right - left):
            return False
        inside = coverage[int(x0) - left:int(x1) - left]
        peak = sorted(inside)[9 * len(inside) // 10]
        if peak < MIN_COLUMN_LINES or _has_valley(inside, 0.25 * peak):
            return False
        # Clipped to the column: with a gutter narrower than a word space, lines run across it.
        widths = sorted(min(b, x1) - max(a, x0) for a, b in phrases if a < x1 and b > x0)
        if not widths or widths[len(widths) // 2] < 0.5 * (x1 - x0):
            return False
        levels.append(peak)
    for index, gutter in enumerate(gutters):
        crossing = _crossing(coverage[int(gutter.left) - left:int(gutter.right) - left])
        if crossing > GUTTER_CROSSING * min(levels[index], levels[index + 1]):
            return False
    return True


def _has_valley(coverage: list[int], limit: float) -> bool:
    """Whether ink thins out inside the strip (not at its edges): a gap between table cells."""
    start = next((i for i, count in enumerate(coverage) if count > limit), len(coverage))
    stop = max((i for i, count in enumerate(coverage) if count > limit), default=0)
    run = 0
    for count in coverage[start:stop]:
        run = run + 1 if count <= limit else 0
        if run >= 2:
            return True
    return False


def bridges(row: list[Char], gutters: list[Gutter]) -> bool:
    """Whether the row (sorted by x) runs across a gutter: a glyph on it, or only a word space."""
    glyphs = [c for c in row if c.text != " "]
    for gutter in gutters:
        middle, width = gutter.middle, gutter.right - gutter.left
        for before, after in zip(glyphs, glyphs[1:]):
            if before.x0 < middle < before.x1:
                return True
            if before.x1 <= middle <= after.x0:
                gap = after.x0 - before.x1
                if gap < 0.6 * min(before.size, after.size) and gap < 0.7 * width:
                    return True
                break
        if glyphs and glyphs[-1].x0 < middle < glyphs[-1].x1:
            return True
    return False


def column_of(char: Char, gutters: list[Gutter]) -> int:
    centre = (char.x0 + char.x1) / 2
    column = 1
    for gutter in gutters:
        if centre > gutter.middle:
            column += 1
    return column
