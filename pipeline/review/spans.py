"""A document's text cut into pieces, with the extracted spans and footnote markers placed in it."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from .decisions import REVIEW_SPECS

# Tables whose rows are spans of the document text, and the highlight kind each gives.
SPAN_KINDS = {"organisations": "organisation", "countries": "country", "persons": "person",
              "legal_refs": "legal_ref", "figures": "figure"}
HIGHLIGHT_KINDS = [*SPAN_KINDS.values(), "marker"]


@dataclass
class Span:
    kind: str
    start: int
    end: int
    row_key: str
    state: str
    title: str


def document_spans(rows_by_table: dict[str, list[dict]]) -> list[Span]:
    spans = []
    for table, kind in SPAN_KINDS.items():
        for row in rows_by_table.get(table, []):
            if row.get("start") is None or row.get("end") is None:
                continue
            spans.append(Span(kind, int(row["start"]), int(row["end"]), row["row_key"], row["review"],
                              _span_title(table, kind, row)))
    return spans


def _span_title(table: str, kind: str, row: dict) -> str:
    details = [str(row[c]) for c in REVIEW_SPECS[table].editable if row.get(c) not in (None, "")]
    return f"{kind}: {' · '.join(details[:4])} ({row['review']})"


def render_blocks(blocks: list[dict], markers: list[dict], spans: list[Span]) -> list[dict]:
    """Each block with its text cut into pieces for the template (spans and markers placed)."""
    starts = [int(block["start"]) for block in blocks]
    spans_in: dict[int, list[Span]] = {}
    for span in spans:
        # spans come from one block each: the block holding the span's first character
        index = bisect_right(starts, span.start) - 1
        if index >= 0:
            spans_in.setdefault(index, []).append(span)
    markers_in: dict[int, list[dict]] = {}
    for marker in markers:
        markers_in.setdefault(marker["block_no"], []).append(marker)
    return [dict(block, _pieces=block_pieces(block, spans_in.get(index, []), markers_in.get(block["block_no"], [])))
            for index, block in enumerate(blocks)]


def block_pieces(block: dict, spans: list[Span], markers: list[dict]) -> list[dict]:
    """The block's text cut where spans start or end and where markers stand."""
    start, end, text = int(block["start"]), int(block["end"]), block["text"] or ""
    inside = [s for s in spans if s.start < end and s.end > start]
    cuts = {0, len(text)}
    for span in inside:
        cuts.update((max(0, span.start - start), min(len(text), span.end - start)))
    marks_at: dict[int, list[dict]] = {}
    for marker in markers:
        position = min(max(0, int(marker["offset"]) - start), len(text))
        cuts.add(position)
        marks_at.setdefault(position, []).append(marker)
    pieces, points = [], sorted(cuts)
    for index, left in enumerate(points):
        pieces.extend({"marker": marker} for marker in marks_at.get(left, []))
        if index + 1 == len(points):
            break
        right = points[index + 1]
        # the shortest covering span is the most specific one: it gets the link
        covering = sorted((s for s in inside if s.start - start <= left and s.end - start >= right),
                          key=lambda s: s.end - s.start)
        pieces.append({"text": text[left:right], "spans": covering})
    return pieces
