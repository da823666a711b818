"""PDF extraction: positioned characters to headings, paragraphs, footnotes and markers.

The stages, in order:

1. characters to lines, in reading order, text columns read in turn, raised small characters kept
   apart (:mod:`.lines`, :mod:`.columns`);
2. running headers, footers, page numbers and printer slugs are dropped
   (:func:`drop_page_furniture`);
3. footnote zones become footnotes, and raised runs that match them become markers
   (:mod:`.notes`);
4. body lines become headings, list items and paragraphs; line-end hyphens are
   joined, and a paragraph broken by a page or column end is joined again;
   numbered paragraphs that carry the notes of markers left without one
   (endnotes) become footnote blocks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from operator import attrgetter

from pipeline.errors import BrokenDocument, NoText
from pipeline.model import Block, Box, Extraction, Marker
from ..dates import stated_date
from .chars import DEFAULT_ENGINE, DocMetadata, open_char_source
from .lines import BULLET, SENTENCE_END, Line, PageLayout, Raised, line_boxes, line_kind, page_lines, \
    smaller_than_body, starts_raised
from .notes import PLAIN_LABEL, accept_markers, run_labels, split_footnotes

# The end of a URL cut at a line break: "https://home-", "https://home-affairs.ec.europa.", "www.example.org/".
_URL_END = re.compile(r"(?:https?://|www\.)\S*[-./_]$")
OPENING_LINES = 25           # lines of the first page searched for a dateline
MARGIN_ZONE = 0.12           # top and bottom fractions of the page where running headers and footers live

_TEXT_LABEL = re.compile(r"^(\d{1,3})(?:[.)]\s*|\s+)(?=\S)")
_PAGE_NUMBER = re.compile(r"^(?:(?:page|p\.|pagina|seite|pag\.)\s*)?[-–—|]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—|]?"
                          r"(?:\s*(?:of|/|van|von|de)\s*\d{1,4})?$", re.I)
_PRINTER_SLUG = re.compile(r"\.(?:indd|qxd|qxp)\b.*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|^\d{2}-\d{5}_\w+", re.I)
_COMPOUND_PREFIXES = frozenset(
    "anti non self cross co ex pre post multi inter intra extra semi pan pro counter sub super well long short "
    "high low full part half cyber socio e mid".split())
_WEAK_TITLES = re.compile(r"^(?:untitled|microsoft word|document\d*|title|slide \d+|presentation|intmetadata|"
                          r"layout \d+|pdf)\b|\.(?:docx?|pdf|indd|qxd|rtf|txt|dotx?|p65)$|^[\w-]*\d[\w-]*$", re.I)


def extract_pdf(data: bytes, *, engine: str = DEFAULT_ENGINE) -> Extraction:
    """Extract a PDF's text structure; raises EmptyInput, EncryptedPDF, BrokenDocument or NoText."""
    source = open_char_source(data, engine)
    try:
        metadata, n_pages = source.metadata, source.n_pages
        pages = [PageLayout(p.number, p.height, page_lines(p), rules=p.rules) for p in source.pages()]
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
    stated = stated_date(_opening_lines(pages[0]))
    blocks = mark_endnotes(build_blocks(pages, body_size))
    if not blocks:
        raise NoText("the PDF holds only running headers, footers and page numbers")
    published = stated or pdf_date(metadata.created)
    return Extraction(blocks=blocks, title=choose_title(metadata, title_fallback, blocks), published=published,
                      published_from=("text" if stated else "file metadata") if published else None, n_pages=n_pages)


def _opening_lines(page: PageLayout) -> list[str]:
    """The first page's lines above its middle, footnotes already taken out: where a dateline sits."""
    return [line.text for line in page.lines[:OPENING_LINES] if line.bottom < 0.6 * page.height]


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
            kind = line_kind(line, body_size, bold_body)
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
    markers = [replace(m, offset=m.offset - cut) for m in block.markers if m.offset >= cut]
    return Block("footnote", block.text[cut:], page=block.page, label=label, markers=markers, boxes=block.boxes)


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
    return not (ended_short and SENTENCE_END.search(prev.text.rstrip()))


def _flows_on(prev: Line, line: Line, prev_geometry: _Geometry) -> bool:
    """Across a column or page break: does the paragraph go on?"""
    head = line.text.lstrip()[:1]
    tail = prev.text.rstrip()
    if head.islower() or tail.endswith(("-", ",", "\xad")):
        return True
    left, right = prev_geometry.edges.get(prev.column, (prev.x0, prev.x1))
    reached_margin = prev.x1 >= right - 0.2 * (right - left)
    return reached_margin and not SENTENCE_END.search(tail)


def _finish(draft: _Draft) -> Block:
    text, markers = render_lines(draft.lines)
    if draft.kind == "list_item":
        bullet = BULLET.match(text)
        if bullet:
            cut = bullet.end()
            text = text[cut:]
            markers = [replace(m, offset=m.offset - cut) for m in markers]
    return Block(draft.kind, text, page=draft.page, markers=markers, boxes=line_boxes(draft.lines))


def _footnote_block(label: str, lines: list[Line], page: int) -> Block:
    text, markers = render_lines(lines, strip_label=True)
    return Block("footnote", text, page=page, label=label, markers=markers, boxes=line_boxes(lines))


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
        markers += [Marker(label, start + offset, line.page, Box(line.page, *ink))
                    for label, offset, ink in piece_markers]
    return text, markers


def render_line(line: Line, *, strip_label: bool = False) -> tuple[str, list[tuple[str, int, tuple]]]:
    """The line's text and its accepted markers: (label, offset, where the marker's run is printed)."""
    parts = list(line.parts)
    if strip_label:
        if starts_raised(line):
            first = next(i for i, p in enumerate(parts) if isinstance(p, Raised))
            parts = parts[first + 1:]
        elif parts and isinstance(parts[0], str):
            parts[0] = PLAIN_LABEL.sub("", parts[0].lstrip(), count=1)
    pieces: list[str] = []
    markers: list[tuple[str, int]] = []
    length = 0
    for part in parts:
        if isinstance(part, Raised) and part.accepted:
            # A marker set after a space ("reports 7 of") follows the word, not the space.
            offset = length - 1 if pieces and pieces[-1].endswith(" ") else length
            markers += [(label, offset, part.ink) for label in run_labels(part.label)]
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
    return text, [(label, min(offset, len(text)), ink) for label, offset, ink in markers]


def join_lines(text: str, piece: str) -> tuple[str, int]:
    """``text`` and the next line joined; the offset where the line starts in the result."""
    # Only the end of the text matters: searching all of a long paragraph for each line costs more.
    if _URL_END.search(text[-300:]) and piece[:1].isalnum():
        return text + piece, len(text)                # a URL broken at a hyphen, dot or slash keeps it
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
