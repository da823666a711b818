"""The document model every extractor produces and every parser reads.

An extractor returns an :class:`Extraction`: metadata plus an ordered list of
:class:`Block` objects whose text holds no footnote markers.  Markers are kept
apart as :class:`Marker` objects with the offset, inside their block, of the
character they follow, so ``2021-2025<sup>3</sup>`` becomes the text
``2021-2025`` with a marker ``3`` at offset 9, never ``2021-20253``.

:func:`assemble` turns an extraction into a :class:`Document`: the blocks are
joined by blank lines into one ``text`` and each block and marker receives its
offsets into that text, which every later table uses for provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCK_KINDS = ("heading", "paragraph", "list_item", "footnote", "comment", "caption")
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Box:
    """Where something is printed: a page (from 1) and a rectangle in PDF points, measured from the
    page's top-left corner (``top`` < ``bottom``)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def union(self, other: "Box") -> "Box":
        return Box(self.page, min(self.x0, other.x0), min(self.top, other.top),
                   max(self.x1, other.x1), max(self.bottom, other.bottom))

    def as_list(self) -> list:
        return [self.page, round(self.x0, 2), round(self.top, 2), round(self.x1, 2), round(self.bottom, 2)]


@dataclass
class Marker:
    """A footnote marker: ``label`` stood right after ``text[offset - 1]`` of its block.

    ``box`` is where the marker is printed (PDFs only)."""

    label: str
    offset: int
    page: int | None = None
    box: Box | None = None


@dataclass
class Block:
    """A heading, paragraph, list item, footnote body, reader comment or caption.

    ``label`` is the footnote's label ("3", "*", "a") for footnote blocks.
    ``start``/``end`` are filled in by :func:`assemble`; ``language`` (ISO 639-1) by the
    extraction, the block's own when it can be told, else the document's.  ``boxes`` (PDFs only)
    holds one box per page or column the block is printed on, in reading order; :attr:`box` is the first.
    """

    kind: str
    text: str
    page: int | None = None
    label: str | None = None
    markers: list[Marker] = field(default_factory=list)
    start: int = 0
    end: int = 0
    language: str | None = None
    boxes: list[Box] = field(default_factory=list)

    @property
    def box(self) -> Box | None:
        return self.boxes[0] if self.boxes else None

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}; expected one of {BLOCK_KINDS}")


@dataclass
class Extraction:
    """What an extractor found in one input, before offsets are assigned."""

    blocks: list[Block]
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD (YYYY-MM when only the month is stated)
    published_from: str | None = None  # where the date was read: see the documents table
    language: str | None = None
    n_pages: int | None = None


@dataclass
class Document:
    """One publication's text, blocks and markers, with offsets into ``text``."""

    doc_id: str
    text: str
    blocks: list[Block]
    title: str | None = None
    published: str | None = None
    published_from: str | None = None
    language: str | None = None
    n_pages: int | None = None

    @property
    def markers(self) -> list[tuple[Block, Marker]]:
        return [(block, marker) for block in self.blocks for marker in block.markers]

    def marker_offset(self, block: Block, marker: Marker) -> int:
        """The marker's offset in the document text."""
        return block.start + marker.offset


def assemble(doc_id: str, extraction: Extraction) -> Document:
    """Join the blocks into one text and assign each block its offsets."""
    pieces: list[str] = []
    position = 0
    blocks = [b for b in extraction.blocks if b.text.strip()]
    for block in blocks:
        if pieces:
            pieces.append(BLOCK_SEPARATOR)
            position += len(BLOCK_SEPARATOR)
        block.start = position
        block.end = position + len(block.text)
        pieces.append(block.text)
        position = block.end
    return Document(
        doc_id=doc_id,
        text="".join(pieces),
        blocks=blocks,
        title=extraction.title,
        published=extraction.published,
        published_from=extraction.published_from,
        language=extraction.language,
        n_pages=extraction.n_pages,
    )
