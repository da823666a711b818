"""PDF extraction: positioned characters to headings, paragraphs, footnotes and markers.

The stages, in order:

1. characters to lines (:func:`page_lines`): characters outside the page box
   are dropped, the rest grouped into rows by vertical overlap.  Text columns
   are found from the page's ink projected onto the x axis (:func:`find_gutters`),
   over the whole page or, failing that, over each stretch of rows between
   horizontal white bands (columns above a full-width table); each column is
   grouped into rows on its own and read in turn.  Raised small characters
   (superscripts) are kept apart as :class:`Raised` runs, never glued onto the
   word before them;
2. running headers, footers, page numbers and printer slugs are dropped
   (:func:`drop_page_furniture`);
3. each column's footnote zone (smaller lines under its body text) becomes one
   footnote per label (:func:`split_footnotes`): a raised label, a number, or a
   letter or symbol ("a", "*", "†") that a raised marker on the page bears;
4. a raised run becomes a :class:`Marker` when its shape is a footnote label
   and a note with that label is on the same or the next page (also after a
   space: "reports 7 of"); with no such note it must be glued to a word, outside
   a formula, and fit the numbering of the notes around it; otherwise it stays
   text (exponents, ordinals);
5. body lines become headings, list items and paragraphs; line-end hyphens are
   joined, and a paragraph broken by a page or column end is joined again;
   numbered paragraphs that carry the notes of markers left without one
   (endnotes) become footnote blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations
from dataclasses import dataclass, field
from operator import attrgetter

from .errors import BrokenDocument, NoText
from .model import Block, Extraction, Marker
from .pdfchars import Char, DocMetadata, PageChars, open_char_source

RAISED_SIZE_RATIO = 0.85     # a superscript is at most this fraction of its line's size ...
RAISED_OFFSET_RATIO = 0.18   # ... and its bottom sits this fraction of the line's size above the baseline
WORD_GAP_RATIO = 0.2         # a gap wider than this fraction of the font size is a space
MARGIN_ZONE = 0.12           # top and bottom fractions of the page where running headers and footers live
HEADING_RATIO = 1.12

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi|[-,]b(?:d|i)?$", re.I)
_LABEL_SHAPE = re.compile(r"^(?:\d{1,3}|[*†‡§]{1,3}|[a-z]{1,2})$")
_LABEL_LIST = re.compile(r"^[\w*†‡§]{1,3}(?:\s*[,–-]\s*[\w*†‡§]{1,3})*$")
_ORDINAL = re.compile(r"^(?:st|nd|rd|th|e|er|re|ème|o|a)$")
_NOTE_LABEL = re.compile(r"^\d{1,3}[.)]\s+[^\W\d]")
_TEXT_LABEL = re.compile(r"^(\d{1,3})(?:[.)]\s*|\s+)(?=\S)")
# Labels written in plain text at the start of a footnote: "12 Text", "b) Text", "* Text", "†Text".
_PLAIN_LABEL = re.compile(r"^(?:(\d{1,3}|[a-z])(?:[.)]\s*|\s+)|([*†‡§]{1,3})\s*)(?=\S)")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|p\.|pagina|seite|pag\.)\s*)?[-–—|]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—|]?"
                          r"(?:\s*(?:of|/|van|von|de)\s*\d{1,4})?$", re.I)
_PRINTER_SLUG = re.compile(r"\.(?:indd|qxd|qxp)\b.*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|^\d{2}-\d{5}_\w+", re.I)
_BULLET = re.compile(r"^(?:[•●▪■◦○‣⁃∙·►➢✓\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|[-–*o](?=\s))\s*")
_NUMBERED_ITEM = re.compile(r"^(?:\(?[0-9]{1,2}\)|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}\.(?!\d))\s+\S")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]*$")
_COMPOUND_PREFIXES = frozenset(
    "anti non self cross co ex pre post multi inter intra extra semi pan pro counter sub super well long short "
    "high low full part half cyber socio e mid".split())
# What may follow a footnote marker without a space; "x2(v)" or "a2+b2" are exponents.
_AFTER_MARKER = frozenset(".,;:!?)]}’”\"'»–—-/…")
_WEAK_TITLES = re.compile(r"^(?:untitled|microsoft word|document\d*|title|slide \d+|presentation|intmetadata|"
                          r"layout \d+|pdf)\b|\.(?:docx?|pdf|indd|qxd|rtf|txt|dotx?|p65)$|^[\w-]*\d[\w-]*$", re.I)


@dataclass(slots=True)
class Raised:
    """A run of raised small characters: a footnote marker or an exponent."""

    label: str
    glued: bool          # directly after a non-space character
    free_after: bool     # followed by a space, closing punctuation or the end of the line
    accepted: bool = False


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

    @property
    def raised(self) -> list[Raised]:
        return [p for p in self.parts if isinstance(p, Raised)]


@dataclass
class PageLayout:
    number: int
    height: float
    lines: list[Line]
    footnotes: list[tuple[str, list[Line]]] = field(default_factory=list)


def extract_pdf(data: bytes, *, engine: str = "pdfplumber") -> Extraction:
    """Extract a PDF's text structure; raises EmptyInput, EncryptedPDF, BrokenDocument or NoText."""
    source = open_char_source(data, engine)
    try:
        metadata, n_pages = source.metadata, source.n_pages
        pages = [PageLayout(p.number, p.height, page_lines(p)) for p in source.pages()]
    finally:
        source.close()
    if not pages:
        raise BrokenDocument("no page of the PDF could be read")
    if not any(page.lines for page in pages):
        raise NoText(f"no extractable text on any of the {n_pages} pages (a scanned or image-only PDF?)")
    body_size = dominant_size(line for page in pages for line in page.lines)
    title_fallback = largest_text(pages[0].lines)
    drop_page_furniture(pages)
    footnote_labels = split_footnotes(pages, body_size)
    accept_markers(pages, footnote_labels)
    blocks = mark_endnotes(build_blocks(pages, body_size))
    if not blocks:
        raise NoText("the PDF holds only running headers, footers and page numbers")
    return Extraction(blocks=blocks, title=choose_title(metadata, title_fallback, blocks),
                      published=pdf_date(metadata.created), n_pages=n_pages)


# --- characters to lines ---------------------------------------------------------------------------

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
        if _bridges(row, gutters):
            full_width.append(row)
        else:
            for char in row:
                in_column[_column_of(char, gutters) - 1].append(char)
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


MIN_COLUMN_LINES = 5          # a text column holds at least this many lines ...
GUTTER_CROSSING = 0.3         # ... at most this share of them crosses a gutter (full-width lines) ...
MIN_COLUMN_SHARE = 0.18       # ... it is at least this share of the text width ...
PHRASE_GAP = 1.0              # ... and most of its lines fill it, with no gap wider than this many ems
MAX_GUTTERS = 5


@dataclass(frozen=True)
class Gutter:
    """A vertical strip between text columns that almost no glyph covers."""

    left: float
    right: float

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


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


def _bridges(row: list[Char], gutters: list[Gutter]) -> bool:
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


def _column_of(char: Char, gutters: list[Gutter]) -> int:
    centre = (char.x0 + char.x1) / 2
    column = 1
    for gutter in gutters:
        if centre > gutter.middle:
            column += 1
    return column


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
                run, run_glued = [], prev is not None and not space
                if space:
                    text.append(" ")
            elif space:
                run.append(" ")
            run.append(glyph)
        else:
            if run is not None:
                parts.append("".join(text))
                text = []
                parts.append(Raised("".join(run), run_glued, space or glyph[0] in _AFTER_MARKER))
                run = None
            if space:
                text.append(" ")
            text.append(glyph)
        space = False
        prev = char
    if text:
        parts.append("".join(text))
    if run is not None:
        parts.append(Raised("".join(run), run_glued, True))
    fonts = Counter(map(_FONT, glyphs))
    bold = sum(count for font, count in fonts.items() if _is_bold(font)) >= 0.8 * len(glyphs)
    plain = "".join(p if isinstance(p, str) else p.label for p in parts)
    return Line(number, glyphs[0].x0, max(map(_X1, glyphs)), top, baseline, size, bold, parts, column, plain)


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


def dominant_size(lines) -> float:
    counts: Counter = Counter()
    for line in lines:
        counts[round(line.size * 2) / 2] += len(line.text)
    return counts.most_common(1)[0][0] if counts else 10.0


def largest_text(lines: list[Line]) -> str | None:
    """The first run of lines in the page's largest font: the title on most cover pages."""
    candidates = [line for line in lines if sum(ch.isalpha() for ch in line.text) >= 3]
    if not candidates:
        return None
    largest = max(line.size for line in candidates)
    picked: list[str] = []
    for line in lines:
        if abs(line.size - largest) <= 0.5 and line in candidates:
            picked.append(line.text.strip())
        elif picked:
            break
    title = " ".join(picked)
    return title[:300] if title else None


# --- running headers, footers and page numbers -----------------------------------------------------

def drop_page_furniture(pages: list[PageLayout]) -> None:
    """Remove lines repeated at a page edge, page numbers and printer slugs."""
    min_repeats = 2 if len(pages) < 6 else 3
    edges = {page.number: _edge_lines(page) for page in pages}
    seen: dict[tuple[str, str], set[int]] = {}
    for number, lines in edges.items():
        for zone, line in lines:
            seen.setdefault((zone, _furniture_key(line.text)), set()).add(number)
    for page in pages:
        drop = {id(line) for zone, line in edges[page.number]
                if len(seen[(zone, _furniture_key(line.text))]) >= min_repeats
                or _PAGE_NUMBER.match(line.text.strip())}
        page.lines = [line for line in page.lines
                      if id(line) not in drop and not _PRINTER_SLUG.search(line.text)]


def _edge_lines(page: PageLayout) -> list[tuple[str, Line]]:
    by_top = sorted(page.lines, key=attrgetter("top"))
    top = [("top", line) for line in by_top[:3] if line.top < MARGIN_ZONE * page.height]
    bottom = [("bottom", line) for line in by_top[-3:] if line.bottom > (1 - MARGIN_ZONE) * page.height]
    taken = {id(line) for _, line in top}
    return top + [item for item in bottom if id(item[1]) not in taken]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


# --- footnotes and markers -------------------------------------------------------------------------

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
        if _starts_raised(line) or label == str(self.last_number + 1):
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
    return line.x1 >= right - 2 * line.size and not _SENTENCE_END.search(line.text.rstrip())


def split_footnotes(pages: list[PageLayout], body_size: float) -> dict[str, set[int]]:
    """Move each page's footnote zone into ``page.footnotes``; the labels found and their pages."""
    found: dict[str, set[int]] = {}
    last_entry: tuple[str, list[Line]] | None = None
    scan = _NoteScan()
    previous_page: set[str] = set()
    for page in pages:
        on_page = {label for line in page.lines for run in line.raised if _LABEL_LIST.match(run.label.strip())
                   for label in _labels(run.label)}
        scan.expected, previous_page = on_page | previous_page, on_page
        zone = _footnote_zone(page.lines, body_size)
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


def smaller_than_body(size: float, body_size: float) -> bool:
    """Footnotes are often only half a point smaller than the body text."""
    return size <= body_size - max(0.4, 0.04 * body_size)


def _figure_notes(lines: list[Line], labels_on_page: set[str], body_size: float) -> list[tuple[str, list[Line]]]:
    """Notes under a figure or table ("1. includes data from: ..."), labelled like a marker on the page."""
    notes: list[tuple[str, list[Line]]] = []
    current: list[Line] | None = None
    for line in lines:
        small = smaller_than_body(line.size, body_size)
        label = _line_label(line) if small else None
        if label is not None and label in labels_on_page and (_starts_raised(line) or _NOTE_LABEL.match(line.text)):
            current = [line]
            notes.append((label, current))
        elif current is not None and small and abs(line.size - current[-1].size) < 0.3 \
                and line.x0 > current[0].x0 - 1 and 0 < line.bottom - current[-1].bottom < 2 * line.size:
            current.append(line)
        else:
            current = None
    return notes


def _footnote_zone(lines: list[Line], body_size: float) -> list[Line]:
    """Small lines under the last body-size line of their column, in reading order."""
    zone: list[Line] = []
    for column in {line.column for line in lines}:
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


def _titles(heading: Line, line: Line, body_size: float) -> bool:
    """Whether ``heading`` is a heading right above ``line``."""
    return (_line_kind(heading, body_size, bold_body=False) == "heading"
            and not _SENTENCE_END.search(heading.text.rstrip()) and line.top - heading.bottom < 3 * heading.size)


def _starts_raised(line: Line) -> bool:
    return bool(line.parts) and isinstance(line.parts[0], Raised) or \
        len(line.parts) > 1 and line.parts[0] == "" and isinstance(line.parts[1], Raised)


def _line_label(line: Line, expected: set[str] = frozenset()) -> str | None:
    """The footnote label a line starts with: raised, or plain.  A plain letter or symbol counts only
    when a raised marker on the page (``expected``) bears it, since "a" or "*" also start ordinary text."""
    if _starts_raised(line):
        label = next(p for p in line.parts if isinstance(p, Raised)).label.strip()
        return label if _LABEL_SHAPE.match(label) else None
    match = _PLAIN_LABEL.match(line.text)
    if not match or sum(ch.isalpha() for ch in line.text[match.end():match.end() + 40]) < 2:
        return None  # a note says something; "92 1.94 2.17 0" is a row of a table
    label = match.group(1) or match.group(2)
    return label if label.isdigit() or label in expected else None


def _labels(run_text: str) -> list[str]:
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
                labels = _labels(part.label)
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


# --- blocks ----------------------------------------------------------------------------------------

@dataclass
class _Draft:
    kind: str
    page: int
    lines: list[Line]


@dataclass
class _Geometry:
    edges: dict[int, tuple[float, float]]
    pitch_ratio: float


def build_blocks(pages: list[PageLayout], body_size: float) -> list[Block]:
    """Headings, paragraphs and list items in reading order, each page's footnotes after its text."""
    bold_body = _bold_share(pages, body_size) > 0.5
    blocks: list[Block] = []
    notes: list[Block] = []
    draft: _Draft | None = None
    prev: Line | None = None
    prev_geometry: _Geometry | None = None
    for page in pages:
        geometry = _page_geometry(page.lines, body_size)
        for line in page.lines:
            kind = _line_kind(line, body_size, bold_body)
            if draft is not None and _continues(draft, prev, line, kind, geometry, prev_geometry):
                draft.lines.append(line)
            else:
                if draft is not None:
                    blocks.append(_finish(draft))
                    blocks += notes
                    notes = []
                draft = _Draft(kind, line.page, [line])
            prev, prev_geometry = line, geometry
        notes += [_footnote_block(label, lines, page.number) for label, lines in page.footnotes]
    if draft is not None:
        blocks.append(_finish(draft))
    return [block for block in blocks + notes if block.text]


def mark_endnotes(blocks: list[Block]) -> list[Block]:
    """Numbered paragraphs whose numbers run through markers that have no footnote ("1. Text", "2. Text"
    under "Endnotes") are those markers' notes: they become footnote blocks."""
    noted = {block.label for block in blocks if block.kind == "footnote"}
    waiting = {m.label for block in blocks if block.kind != "footnote" for m in block.markers} - noted
    labels = [_endnote_label(block) if block.kind in ("list_item", "paragraph") else None for block in blocks]
    start = 0
    while start < len(blocks):
        stop = start
        while stop < len(blocks) and labels[stop] in waiting and \
                (stop == start or int(labels[stop]) == int(labels[stop - 1]) + 1):
            stop += 1
        if stop - start >= 2:
            for index in range(start, stop):
                blocks[index] = _as_endnote(blocks[index], labels[index])
        start = max(stop, start + 1)
    return blocks


def _endnote_label(block: Block) -> str | None:
    match = _TEXT_LABEL.match(block.text)
    return match.group(1) if match else None


def _as_endnote(block: Block, label: str) -> Block:
    cut = _TEXT_LABEL.match(block.text).end()
    markers = [Marker(m.label, m.offset - cut, m.page) for m in block.markers if m.offset >= cut]
    return Block("footnote", block.text[cut:], page=block.page, label=label, markers=markers)


def _bold_share(pages: list[PageLayout], body_size: float) -> float:
    total = bold = 0
    for page in pages:
        for line in page.lines:
            if abs(line.size - body_size) <= 0.5:
                total += len(line.text)
                bold += len(line.text) if line.bold else 0
    return bold / total if total else 0.0


def _page_geometry(lines: list[Line], body_size: float) -> _Geometry:
    edges: dict[int, tuple[float, float]] = {}
    for column in {line.column for line in lines}:
        own = [line for line in lines if line.column == column]
        body = [line for line in own if not smaller_than_body(line.size, body_size)] or own
        edges[column] = (min(line.x0 for line in body), max(line.x1 for line in body))
    ratios = sorted((b.bottom - a.bottom) / b.size for a, b in zip(lines, lines[1:])
                    if a.column == b.column and abs(a.size - b.size) < 0.5 and 0 < b.bottom - a.bottom < 3 * b.size)
    return _Geometry(edges, ratios[len(ratios) // 2] if ratios else 1.25)


def _line_kind(line: Line, body_size: float, bold_body: bool) -> str:
    text = line.text.strip()
    if len(text) <= 200 and line.size >= HEADING_RATIO * body_size and any(ch.isalpha() for ch in text):
        return "heading"
    if line.bold and not bold_body and len(text) <= 150 and not smaller_than_body(line.size, body_size) \
            and any(ch.isalpha() for ch in text):
        return "heading"
    if _BULLET.match(text) or _NUMBERED_ITEM.match(text):
        return "list_item"
    return "paragraph"


def _continues(draft: _Draft, prev: Line, line: Line, kind: str, geometry: _Geometry,
               prev_geometry: _Geometry) -> bool:
    """Whether ``line`` goes on the block that ``prev`` ended so far."""
    moved = line.page != prev.page or line.column != prev.column or line.bottom <= prev.bottom
    if draft.kind == "heading":
        return (kind == "heading" and not moved and abs(line.size - prev.size) <= 0.5 and line.bold == prev.bold
                and line.bottom - prev.bottom <= 2.2 * line.size)
    if kind != "paragraph" or abs(line.size - prev.size) > 1.0:
        return False
    if moved:
        return _flows_on(prev, line, prev_geometry)
    left, right = geometry.edges[line.column]
    ended_short = prev.x1 < right - max(0.15 * (right - left), 3 * line.size)
    if ended_short and abs(line.size - prev.size) >= 0.2:
        return False  # a short line in another size: a run-in title or a caption
    if line.bottom - prev.bottom > geometry.pitch_ratio * line.size * 1.3 + 1:
        return False
    if draft.kind == "paragraph" and line.x0 > left + 0.8 * line.size and prev.x0 < left + 0.5 * line.size:
        return False  # a first-line indent
    return not (ended_short and _SENTENCE_END.search(prev.text.rstrip()))


def _flows_on(prev: Line, line: Line, prev_geometry: _Geometry) -> bool:
    """Across a column or page break: does the paragraph go on?"""
    head = line.text.lstrip()[:1]
    tail = prev.text.rstrip()
    if head.islower() or tail.endswith(("-", ",", "\xad")):
        return True
    left, right = prev_geometry.edges.get(prev.column, (prev.x0, prev.x1))
    reached_margin = prev.x1 >= right - 0.2 * (right - left)
    return reached_margin and not _SENTENCE_END.search(tail)


def _finish(draft: _Draft) -> Block:
    text, markers = render_lines(draft.lines)
    if draft.kind == "list_item":
        bullet = _BULLET.match(text)
        if bullet:
            cut = bullet.end()
            text = text[cut:]
            markers = [Marker(m.label, m.offset - cut, m.page) for m in markers]
    return Block(draft.kind, text, page=draft.page, markers=markers)


def _footnote_block(label: str, lines: list[Line], page: int) -> Block:
    text, markers = render_lines(lines, strip_label=True)
    return Block("footnote", text, page=page, label=label, markers=markers)


def render_lines(lines: list[Line], *, strip_label: bool = False) -> tuple[str, list[Marker]]:
    """The lines' text joined (line-end hyphens resolved) and the markers with their offsets."""
    text = ""
    markers: list[Marker] = []
    for index, line in enumerate(lines):
        piece, piece_markers = render_line(line, strip_label=strip_label and index == 0)
        if not piece:
            continue
        if text:
            text, start = join_lines(text, piece)
        else:
            text, start = piece, 0
        markers += [Marker(label, start + offset, line.page) for label, offset in piece_markers]
    return text, markers


def render_line(line: Line, *, strip_label: bool = False) -> tuple[str, list[tuple[str, int]]]:
    parts = list(line.parts)
    if strip_label:
        if _starts_raised(line):
            first = next(i for i, p in enumerate(parts) if isinstance(p, Raised))
            parts = parts[first + 1:]
        elif parts and isinstance(parts[0], str):
            parts[0] = _PLAIN_LABEL.sub("", parts[0].lstrip(), count=1)
    pieces: list[str] = []
    markers: list[tuple[str, int]] = []
    length = 0
    for part in parts:
        if isinstance(part, Raised) and part.accepted:
            # A marker set after a space ("reports 7 of") follows the word, not the space.
            offset = length - 1 if pieces and pieces[-1].endswith(" ") else length
            markers += [(label, offset) for label in _labels(part.label)]
            continue
        piece = part if isinstance(part, str) else part.label
        piece = piece.replace("\xad", "") if "\xad" in piece[:-1] else piece
        if not pieces or length == 0:
            piece = piece.lstrip()
        elif piece.startswith(" ") and pieces[-1].endswith(" "):
            piece = piece[1:]
        pieces.append(piece)
        length += len(piece)
    text = "".join(pieces).rstrip()
    if text.endswith("\xad"):
        text = text[:-1] + "-"
    return text, [(label, min(offset, len(text))) for label, offset in markers]


def join_lines(text: str, piece: str) -> tuple[str, int]:
    """``text`` and the next line joined; the offset where the line starts in the result."""
    # Only the end of the text matters: searching all of a long paragraph for each line costs more.
    hyphenated = text.endswith("-") and re.search(r"(\w+)-$", text[-200:])
    if hyphenated and piece[:1].isalnum():
        left = hyphenated.group(1)
        if piece[0].islower() and left.isalpha() and left.lower() not in _COMPOUND_PREFIXES:
            return text[:-1] + piece, len(text) - 1  # traf- ficking
        return text + piece, len(text)                # 2021- 2025, non- EU
    if text.endswith("/") and not text.endswith(" /") and re.search(r"\S/\S*$", text[-200:]):
        return text + piece, len(text)                # a URL broken at a slash
    return text + " " + piece, len(text) + 1


# --- metadata --------------------------------------------------------------------------------------

def choose_title(metadata: DocMetadata, fallback: str | None, blocks: list[Block]) -> str | None:
    title = " ".join((metadata.title or "").split())
    if len(title) >= 4 and sum(ch.isalpha() for ch in title) >= 3 and not _WEAK_TITLES.search(title):
        return title
    if fallback:
        return fallback
    return next((block.text for block in blocks if block.kind == "heading"), None)


def pdf_date(value: str | None) -> str | None:
    """``D:20140722170310+02'00'`` -> ``2014-07-22``; None when absent or implausible."""
    match = re.match(r"^\s*(?:D:)?(\d{4})(\d{2})(\d{2})", value or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1980 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
