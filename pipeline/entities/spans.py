"""Character spans the rules share: overlap tests, and a block's hit placed in its document.

A span is a ``(start, end)`` pair of character offsets in a block's text; a hit is a dict
with at least ``start`` and ``end``.
"""

from __future__ import annotations

from bisect import bisect_right

from pipeline.model import Block

MAX_SENTENCE = 600


def overlaps(start: int, end: int, spans) -> bool:
    return any(start < e and s < end for s, e in spans)


def inside(start: int, end: int, spans) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def spans_of(hits) -> list[tuple[int, int]]:
    return [(h["start"], h["end"]) for h in hits]


class SpanIndex:
    """Spans merged and sorted, for overlap tests in log time (a block can hold thousands of numbers)."""

    def __init__(self, spans):
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return True
        return i + 1 < len(self.starts) and self.starts[i + 1] < end


def placed(doc_id: str, block: Block, sentences: list, hit: dict) -> dict:
    """``hit`` as a row of the document: document offsets, page, sentence, and section for figures."""
    row = dict(hit, doc_id=doc_id, page=block.page, start=block.start + hit["start"], end=block.start + hit["end"])
    row["sentence"] = _sentence_of(block.text, sentences, hit["start"], hit["end"])
    if "value" in hit:
        row["section"] = {"comment": "comment", "footnote": "footnote"}.get(block.kind, "body")
    return row


def _sentence_of(text: str, sentences: list, start: int, end: int) -> str:
    i = bisect_right(sentences, start, key=lambda sentence: sentence[0]) - 1
    sentence_start, sentence_end = sentences[i] if i >= 0 else (0, len(text))
    if sentence_end - sentence_start <= MAX_SENTENCE:
        return text[sentence_start:sentence_end].strip()
    # a run-on "sentence" (a flattened table, a list without stops): the text around the mention
    margin = max(0, (MAX_SENTENCE - (end - start)) // 2)
    first, last = max(sentence_start, start - margin), min(sentence_end, end + margin)
    return ("…" if first > sentence_start else "") + text[first:last].strip() + ("…" if last < sentence_end else "")
