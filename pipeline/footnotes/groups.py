"""Group expressions in running text as rows of the ``countries`` table.

"The 27 Member States", "EU-28", "all GRETA parties", "the Schengen States": each is
expanded to the group's members on the publication date (:mod:`.reference`), one row per
member, saying which expression, group and date it was expanded from.  Mentions of single
countries come from the entity stage; this module adds only what a group stands for.
"""

from __future__ import annotations

from pipeline.model import Document

from .countries import find_group_lists
from .sentences import split_sentences

BODY_KINDS = ("heading", "paragraph", "list_item", "caption")


def group_country_rows(document: Document, *, published: str | None = None) -> list[dict]:
    """One countries row per member of every group expression in the document's body text."""
    published = published or document.published
    rows = []
    for block in document.blocks:
        if block.kind not in BODY_KINDS:
            continue
        found_lists = find_group_lists(block.text, on=published)
        sentences = split_sentences(block.text) if found_lists else []
        for found in found_lists:
            sentence = next((block.text[start:end] for start, end in sentences if start <= found.start < end),
                            block.text)
            rows.extend(_row(document.doc_id, block, found.group, sentence, mention) for mention in found.mentions)
    return rows


def _row(doc_id: str, block, expression: str, sentence: str, mention) -> dict:
    return {"doc_id": doc_id, "iso2": mention.iso2, "country": mention.country, "mention": expression,
            "page": block.page, "start": block.start + mention.start, "end": block.start + mention.end,
            "sentence": sentence.strip(), "expanded_from": expression, "expanded_group": mention.expanded_group,
            "expanded_on": mention.expanded_on, "expansion_note": mention.expansion_note}
