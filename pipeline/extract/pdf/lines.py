"""PDF characters to lines, in reading order.

Characters outside the page box are dropped, the rest grouped into rows by vertical overlap.  Text
columns are found (:func:`.columns.find_gutters`) over the whole page or, failing that,
over each stretch of rows between horizontal white bands (columns above a full-width table); each
column is grouped into rows on its own and read in turn.  Raised small characters (superscripts) are
kept apart as :class:`Raised` runs, never glued onto the word before them.  Also here: which kind of
block a line starts and whether its print is smaller than the body text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter

from pipeline.model import Box
from .chars import Char, PageChars
from .rules import Rule
from .columns import MIN_COLUMN_LINES, Gutter, bridges, column_of, find_gutters

RAISED_SIZE_RATIO = 0.85     # a superscript is at most this fraction of its line's size ...
RAISED_OFFSET_RATIO = 0.18   # ... and its bottom sits this fraction of the line's size above the baseline
WORD_GAP_RATIO = 0.2         # a gap wider than this fraction of the font size is a space
HEADING_RATIO = 1.12

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|[-,]b(?:d|i)?$", re.I)
BULLET = re.compile(r"^(?:[•●▪■◦○‣⁃∙·►➢✓\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[-–*o](?=\s))\s*")
_NUMBERED_ITEM = re.compile(r"^(?:\(?[0-9]{1,2}\)|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\.(?!\d))\s+\S")
SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
# What may follow a footnote marker without a space; "x2(v)" or "a2+b2" are exponents.
_AFTER_MARKER = frozenset(".,;:!?)]}’”\"'»–—-/…")


@dataclass(slots=True)
class Raised:
    """A run of raised small characters: a footnote marker or an exponent."""

    label: str
    glued: bool          # directly after a non-space character
    free_after: bool     # followed by a space, closing punctuation or the end of the line
    accepted: bool = False
    ink: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, top, x1, bottom of its glyphs


@dataclass(slots=True)
class Line:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    parts: list            # str pieces and Raised runs, in order
    column: int = 0        # 0: full width or no columns, 1, 2, ...: columns from left to right
    text: str = ""         # the plain text with raised runs glued on, for comparisons
    # x0, top, x1, bottom around every glyph, raised ones and descenders included (``bottom`` above
    # is the baseline, ``top`` the body glyphs' top): where the line is printed
    ink: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def raised(self) -> list[Raised]:
        return [p for p in self.parts if isinstance(p, Raised)]


@dataclass
class PageLayout:
    number: int
    height: float
    lines: list[Line]
    footnotes: list[tuple[str, list[Line]]] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def page_lines(page: PageChars) -> list[Line]:
    """The page's lines in reading order."""
    rows = group_rows(_on_page(page))
    gutters = find_gutters(rows, page.width)
    if gutters or len(rows) < 2 * MIN_COLUMN_LINES:
        return _lines_in_order(page.number, rows, gutters)
    # Columns over part of the page only (above a full-width table, say): look for them in each
    # stretch of rows between two horizontal white bands.
    lines: list[Line] = []
    for stretch in _stretches(rows):
        lines += _lines_in_order(page.number, stretch, find_gutters(stretch, page.width))
    return lines


def _lines_in_order(number: int, rows: list[list[Char]], gutters: list[Gutter]) -> list[Line]:
    if not gutters:
        lines = (make_line(number, sorted(row, key=_X0), 0) for row in rows)
        return [line for line in lines if line is not None]
    # Columns are grouped into rows on their own: side by side, their baselines need not line up.
    full_width: list[list[Char]] = []
    in_column: list[list[Char]] = [[] for _ in range(len(gutters) + 1)]
    for row in rows:
        row.sort(key=_X0)
        if bridges(row, gutters):
            full_width.append(row)
        else:
            for char in row:
                in_column[column_of(char, gutters) - 1].append(char)
    pieces = [(0, row) for row in full_width]
    pieces += [(index + 1, sorted(row, key=_X0)) for index, chars in enumerate(in_column) for row in group_rows(chars)]
    lines = [line for line in (make_line(number, chars, column) for column, chars in pieces) if line is not None]
    lines.sort(key=attrgetter("bottom"))
    return reading_order(lines)


def _stretches(rows: list[list[Char]]) -> list[list[list[Char]]]:
    """Rows (top to bottom) cut where a white band at least a line high runs across the page."""
    stretches: list[list[list[Char]]] = []
    floor = None
    for row in rows:
        top = min(map(_TOP, row))
        size = max(map(_SIZE, row))
        if floor is None or top - floor > size:
            stretches.append([])
        stretches[-1].append(row)
        bottom = max(map(_BOTTOM, row))
        floor = bottom if floor is None else max(floor, bottom)
    return stretches


_X0 = attrgetter("x0")


def _on_page(page: PageChars) -> list[Char]:
    """The characters inside the page box: a cover printed as a spread keeps the back cover's
    text outside the front's box, where no reader sees it."""
    width, height, chars = page.width, page.height, page.chars
    if not chars or (min(map(_X0, chars)) >= 0 and max(map(_X1, chars)) <= width
                     and min(map(_TOP, chars)) >= 0 and max(map(_BOTTOM, chars)) <= height):
        return chars
    return [c for c in page.chars if 0 <= (c.x0 + c.x1) / 2 <= width and 0 <= (c.top + c.bottom) / 2 <= height]


def group_rows(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by vertical overlap with the row's largest character."""
    rows: list[list[Char]] = []
    band_top = band_bottom = band_size = 0.0
    current: list[Char] | None = None
    for char in sorted(chars, key=_BOTTOM):
        top, bottom = char.top, char.bottom
        height = bottom - top
        if height <= 0:
            continue
        if current is not None:
            overlap = (bottom if bottom < band_bottom else band_bottom) - (top if top > band_top else band_top)
            band_height = band_bottom - band_top
            if overlap >= 0.5 * (height if height < band_height else band_height):
                current.append(char)
                if char.size > band_size:
                    band_top, band_bottom, band_size = top, bottom, char.size
                continue
        current = [char]
        rows.append(current)
        band_top, band_bottom, band_size = top, bottom, char.size
    return _attach_raised(rows)


def _attach_raised(rows: list[list[Char]]) -> list[list[Char]]:
    """Rows with a row of small characters put back into the line they overlap below them: a marker
    raised above its line's top is met first in the sort by bottom, and then starts a row of its own
    when a character between them (a smaller "%") took the band."""
    joined: list[list[Char]] = []
    for row in rows:
        if joined:
            small = joined[-1]
            size = max(map(_SIZE, small))
            large = max(row, key=_SIZE)
            if size <= RAISED_SIZE_RATIO * large.size:
                top, bottom = min(map(_TOP, small)), max(map(_BOTTOM, small))
                if min(bottom, large.bottom) - max(top, large.top) >= 0.5 * (bottom - top):
                    row.extend(small)
                    joined[-1] = row
                    continue
        joined.append(row)
    return joined


def make_line(number: int, chars: list[Char], column: int) -> Line | None:
    """One line from its characters (left to right), raised runs kept apart."""
    glyphs = [c for c in chars if c.text != " "]
    if not glyphs:
        return None
    sizes = set(map(_SIZE, glyphs))
    if len(sizes) == 1:  # most lines: one size, every glyph on the baseline's side
        size = sizes.pop()
        bottoms = sorted(map(_BOTTOM, glyphs))
        top = min(map(_TOP, glyphs))
    else:
        size = _dominant_char_size(glyphs)
        bottoms = sorted(c.bottom for c in glyphs if abs(c.size - size) <= 0.6) or [glyphs[-1].bottom]
        top = min((c.top for c in glyphs if abs(c.size - size) <= 0.6), default=glyphs[0].top)
    baseline = bottoms[len(bottoms) // 2]
    raised_size, raised_bottom = RAISED_SIZE_RATIO * size + 0.05, baseline - RAISED_OFFSET_RATIO * size
    parts: list = []
    text: list[str] = []
    run: list[str] | None = None
    run_chars: list[Char] = []
    run_glued = False
    prev: Char | None = None
    space = False
    for char in chars:
        glyph = char.text
        if glyph == " ":
            space = prev is not None
            continue
        char_size = char.size
        if prev is not None:
            if glyph == prev.text and abs(char.x0 - prev.x0) < 0.5 and abs(char.top - prev.top) < 0.5:
                continue  # the same glyph printed twice (fake bold)
            if char.x0 - prev.x1 > WORD_GAP_RATIO * (char_size if char_size < prev.size else prev.size):
                space = True
        if char_size < raised_size and char.bottom < raised_bottom:
            if run is None:
                run, run_glued, run_chars = [], prev is not None and not space, []
                if space:
                    text.append(" ")
            elif space:
                run.append(" ")
            run.append(glyph)
            run_chars.append(char)
        else:
            if run is not None:
                parts.append("".join(text))
                text = []
                parts.append(Raised("".join(run), run_glued, space or glyph[0] in _AFTER_MARKER, ink=ink(run_chars)))
                run = None
            if space:
                text.append(" ")
            text.append(glyph)
        space = False
        prev = char
    if text:
        parts.append("".join(text))
    if run is not None:
        parts.append(Raised("".join(run), run_glued, True, ink=ink(run_chars)))
    fonts = Counter(map(_FONT, glyphs))
    bold = sum(count for font, count in fonts.items() if _is_bold(font)) >= 0.8 * len(glyphs)
    plain = "".join(p if isinstance(p, str) else p.label for p in parts)
    return Line(number, glyphs[0].x0, max(map(_X1, glyphs)), top, baseline, size, bold, parts, column, plain,
                ink(glyphs))


def line_boxes(lines: list[Line]) -> list[Box]:
    """One box per stretch of the lines on one page and in one column, in reading order."""
    boxes: list[Box] = []
    place = None
    for line in lines:
        box = Box(line.page, *line.ink)
        if boxes and (line.page, line.column) == place:
            boxes[-1] = boxes[-1].union(box)
        else:
            boxes.append(box)
        place = (line.page, line.column)
    return boxes


def ink(chars: list[Char]) -> tuple[float, float, float, float]:
    """The rectangle around the characters: x0, top, x1, bottom."""
    return (min(map(_X0, chars)), min(map(_TOP, chars)), max(map(_X1, chars)), max(map(_BOTTOM, chars)))


_SIZE, _BOTTOM, _TOP, _X1, _FONT = (attrgetter(name) for name in ("size", "bottom", "top", "x1", "fontname"))


def _dominant_char_size(glyphs: list[Char]) -> float:
    counts = Counter(round(c.size * 2) / 2 for c in glyphs)
    best = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
    near = [c.size for c in glyphs if abs(c.size - best) <= 0.25]
    return sum(near) / len(near)


_BOLD_CACHE: dict[str, bool] = {}


def _is_bold(fontname: str) -> bool:
    bold = _BOLD_CACHE.get(fontname)
    if bold is None:
        bold = _BOLD_CACHE[fontname] = bool(_BOLD_FONT.search(fontname))
    return bold


def reading_order(lines: list[Line]) -> list[Line]:
    """Lines top to bottom; between full-width lines, each column's lines in turn, left to right."""
    ordered: list[Line] = []
    columns: dict[int, list[Line]] = {}
    for line in lines:
        if line.column == 0:
            for column in sorted(columns):
                ordered += columns[column]
            columns = {}
            ordered.append(line)
        else:
            columns.setdefault(line.column, []).append(line)
    for column in sorted(columns):
        ordered += columns[column]
    return ordered


# --- line kinds ------------------------------------------------------------------------------------

def line_kind(line: Line, body_size: float, bold_body: bool) -> str:
    text = line.text.strip()
    if len(text) <= 200 and line.size >= HEADING_RATIO * body_size and any(ch.isalpha() for ch in text):
        return "heading"
    if line.bold and not bold_body and len(text) <= 150 and not smaller_than_body(line.size, body_size) \
            and any(ch.isalpha() for ch in text):
        return "heading"
    if BULLET.match(text) or _NUMBERED_ITEM.match(text):
        return "list_item"
    return "paragraph"


def smaller_than_body(size: float, body_size: float) -> bool:
    """Footnotes are often only half a point smaller than the body text."""
    return size <= body_size - max(0.4, 0.04 * body_size)


def starts_raised(line: Line) -> bool:
    return bool(line.parts) and isinstance(line.parts[0], Raised) or \
        len(line.parts) > 1 and line.parts[0] == "" and isinstance(line.parts[1], Raised)
