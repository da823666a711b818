"""Every output table and column, documented once, as data.

``thb show``, the README's table reference and the documentation test all read
this mapping; parsers declare their own tables in the same shape and are merged
in :data:`TABLES`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: dict[str, str]  # column -> description, in output order
    key: tuple[str, ...] = ("doc_id",)
    per_document: bool = True  # False: the table is rewritten whole from its source each run
    integers: tuple[str, ...] = ()  # whole-number columns: Int64 in Parquet, INTEGER in SQLite
    identity: tuple[str, ...] = ()  # reviewable tables: the columns whose text identifies a row in its document
    order: tuple[str, ...] = ()  # reviewable tables: the columns giving reading order, for the occurrence index

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The row key for reviewable tables (unique by construction), else the declared key."""
        return ("row_key",) if self.identity else self.key


# Columns saying where a country from a group expression came from; shared by the
# footnote_countries and countries tables.
EXPANSION_COLUMNS = {
    "expanded_group": "The group a group expression was expanded to (pipeline/data/memberships.toml): eu, eu:27 (the Union when it had 27 members), emn, emn+emn_observers, coe, greta, schengen or eea; empty for countries named one by one.",
    "expanded_on": "The date the group was expanded at (the publication date, ISO); empty for countries named one by one.",
    "expansion_note": "A warning when the country was counted although its date of joining the group is not known precisely enough to be sure ('UA counted among the EMN Observer Countries on 2022-06-01: joined 2022, the exact day not known'); else empty.",
}

# Where a PDF block or marker is printed, in PDF points from the page's top-left corner.
BOX_COLUMNS = {
    "x0": "For PDFs, left edge of the printed text in points from the page's left edge (of its part on its first page); empty for other types.",
    "top": "For PDFs, top edge in points from the top of the page.",
    "x1": "For PDFs, right edge in points from the page's left edge.",
    "bottom": "For PDFs, bottom edge in points from the top of the page.",
}

CORE_TABLES = [
    Table(
        "documents",
        "One row per input document, successful or not: where it came from, what it is, and whether extraction worked.",
        {
            "doc_id": "Stable id of the publication, derived from its canonical URL or path; the same for every version.",
            "source": "The path or URL the document was read from.",
            "url": "Canonical URL when the document came from the web (or declared one), else empty.",
            "title": "Title from the page metadata, the first heading or the PDF metadata.",
            "published": "Publication date as an ISO date (YYYY-MM-DD, or YYYY-MM when only the month is stated) when one was found.",
            "published_from": "Where the date was read: 'text' (a dateline near the title: 'Brussels, 16.7.2025', 'July 2025'), 'page metadata' (an HTML page's date tags) or 'file metadata' (a PDF's creation date, often the day it was exported).",
            "language": "ISO 639-1 code of the main text's language.",
            "content_type": "Type detected from the bytes (not the file name): text/html, application/pdf, text/markdown, text/plain, or what else was found.",
            "sha256": "SHA-256 of the raw bytes; tells versions of one publication apart and names the raw file.",
            "n_pages": "Pages in a PDF; empty for other types.",
            "n_chars": "Characters of extracted text.",
            "status": "'ok', or the failure reason: empty, unsupported_type, encrypted, broken, no_text, timeout, memory_limit (a parser needed more memory than THB_MEMORY_MB, as a compression bomb does), crashed, fetch_failed, too_large (over THB_MAX_BYTES, or a web page of more than 300,000 elements), not_found (a path that does not exist), unreadable.",
            "error": "A readable explanation when status is not 'ok': what failed and why, in plain words (an HTTP status with its reason, the limit that was passed).",
            "error_type": "For developers: the class of the library exception behind the failure (ReadTimeout, PDFSyntaxError, TypeError); empty when status is 'ok'.",
            "extracted_at": "UTC time of extraction (ISO 8601).",
            "pipeline_version": "Version of thb-pipeline that produced the rows.",
            "doc_type": "Kind of publication (pipeline/extract/doctype.py), from the URL, title and first page: emn_study, emn_inform, greta_report, commission_press_release (with an IP/MEMO/STATEMENT reference), parliament_press_release (with an IPR reference), press_release (other, e.g. the EMN's), commission_news, ministry_news, news (another dated web article), speech, report, other; empty when extraction failed.",
            "reference": "The publication's identifier when it prints one: IP/25/1234 for a Commission press release, 20241212IPR25960 for a Parliament press release, GRETA(2024)07 for a GRETA report, the title for an EMN study or inform; else the DOI or ISBN the first page prints (10.14197/atr.20121666, ISBN 978-92-76-12345-6); else empty.",
            "greta_round": "For a GRETA evaluation report, the evaluation round (1-5) it belongs to; else empty.",
            "evaluated_country": "For a GRETA evaluation report, the ISO 3166-1 alpha-2 code of the party evaluated; else empty.",
            "publisher": "Who published it, when the document says: European Commission, European Parliament, European Migration Network, GRETA, Council of Europe, or the ministry named; else empty.",
            "doc_type_from": "The signals that decided doc_type, joined by '+': url, title, text (the first page), date (a dated web page); empty for 'other'.",
        },
        integers=("n_pages", "n_chars"),
    ),
    Table(
        "blocks",
        "The document's structure: headings, paragraphs, list items, footnote bodies, reader comments and captions in reading order. Footnote markers are not in the text; see the markers table.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "block_no": "Position of the block in reading order, from 0.",
            "kind": "heading, paragraph, list_item, footnote, comment or caption.",
            "page": "Page number (from 1) for PDFs; empty for other types.",
            "start": "Offset of the block's first character in the document text (blocks joined by blank lines).",
            "end": "Offset just past the block's last character.",
            "label": "For footnote blocks, the footnote's label ('3', '*', 'a'); else empty.",
            "language": "ISO 639-1 code of the block's language ('en', 'fr', 'de', 'nl'): its own when py3langid is sure of it (at least 20 characters and probability 0.85), else the document's; a reader comment in another language than the article shows here.",
            "text": "The block's text, without footnote markers.",
            **BOX_COLUMNS,
            "boxes": "For PDFs, every part of the block as a JSON list of [page, x0, top, x1, bottom], one per page or column it is printed on, in reading order (x0 ... bottom above are the first part); empty for other types.",
        },
        key=("doc_id", "block_no"),
        integers=("block_no", "page", "start", "end"),
    ),
    Table(
        "markers",
        "Footnote markers found in the text (superscripts, footnote links, [^N]), with where they stood.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "block_no": "The block the marker stands in (blocks.block_no).",
            "label": "The marker as printed: '3', '*', 'a'.",
            "page": "Page number for PDFs; empty for other types.",
            "offset": "Offset in the document text of the position right after the character the marker follows.",
            **BOX_COLUMNS,
        },
        key=("doc_id", "block_no", "offset"),
        integers=("block_no", "page", "offset"),
    ),
    Table(
        "fetches",
        "Every HTTP fetch made by source crawls, whatever its outcome (copied from the raw store's log).",
        {
            "url": "The URL requested (before redirects).",
            "source": "Name of the source (sources.toml) the fetch was made for.",
            "fetched_at": "UTC time of the request (ISO 8601).",
            "http_status": "HTTP status of the final response (304 when unchanged); empty when no response came.",
            "bytes": "Bytes of the (decoded) body received.",
            "etag": "The response's ETag, sent back as If-None-Match next time.",
            "last_modified": "The response's Last-Modified, sent back as If-Modified-Since next time.",
            "sha256": "SHA-256 of the body when one was received and stored.",
            "outcome": "new, changed, unchanged (same bytes), not_modified (304) or failed. A feed, sitemap or listing page that was fetched but refused or unreadable (entity declarations, a compression bomb, malformed XML) is failed too, with its bytes kept (sha256).",
            "error": "Why the fetch failed, when it did, in plain words: an HTTP status with its reason, the deadline or size limit passed, why a feed was refused.",
        },
        key=("url", "fetched_at"),
        per_document=False,
        integers=("http_status", "bytes"),
    ),
    Table(
        "claim_lineage",
        "Claims and figures that state the same thing in publications of different dates (editions of a study, a later report on the same question), one row per pair of consecutive editions: how the countries behind a claim and a figure's value changed. Rebuilt from the claims, footnote_countries, figures and documents tables at every run.",
        {
            "kind": "claim (a footnoted claim and its countries) or figure (a stated quantity).",
            "subject": "What both state, normalised: the words the two claims' sentences share (years, counts and small words left out), or the figure's subject ('registered victims').",
            "unit": "countries for claims; the figure's unit (count, percent, fraction, currency) for figures.",
            "from_doc_id": "The earlier document (documents.doc_id).",
            "from_published": "Its publication date.",
            "from_ref": "The earlier claim's footnote label, or the earlier figure's offset in its document text (figures.start).",
            "from_sentence": "The earlier sentence.",
            "to_doc_id": "The later document.",
            "to_published": "Its publication date.",
            "to_ref": "The later claim's footnote label, or the later figure's offset.",
            "to_sentence": "The later sentence.",
            "from_value": "The earlier value: the claim's number of countries in its footnote (or its stated count when the footnote lists none), or the figure's value.",
            "to_value": "The later value.",
            "value_change": "to_value minus from_value; empty when either is missing.",
            "countries_added": "For claims whose footnotes both list countries, ISO alpha-2 codes in the later footnote but not in the earlier, comma-separated and sorted (empty string: none added); empty otherwise.",
            "countries_dropped": "For claims, codes in the earlier footnote but not in the later.",
            "similarity": "How alike the two sentences are, from 0 to 1 (shared words over all words, counts and years left out).",
        },
        key=("kind", "from_doc_id", "from_ref", "to_doc_id", "to_ref"),
        per_document=False,
    ),
]


ROW_KEY = ("Stable key of the row for review decisions (reviews.row_key): a hash of the document, the table, "
           "the row's normalised identifying text and its occurrence in reading order; unchanged by reprocessing.")

# Reviewable tables: (identity, order) of their row keys, and their whole-number columns.  Kept here rather
# than in each parser's TABLES so that the parsers stay free of review concerns.
REVIEWABLE = {
    "claims": (("footnote",), ("marker_offset",)),
    "figures": (("mention",), ("start",)),
    "organisations": (("mention",), ("start",)),
    "countries": (("mention",), ("start",)),
    "persons": (("mention",), ("start",)),
    "legal_refs": (("mention",), ("start",)),
    "footnotes": (("number",), ("footnote_seq",)),
    "footnote_countries": (("footnote", "code"), ("footnote_seq",)),
}
_SPAN = ("page", "start", "end")
PARSER_INTEGERS = {
    "claims": ("footnote_seq", "marker_offset", "stated_count", "n_countries", *_SPAN),
    "footnotes": ("footnote_seq", "n_countries", "n_markers", "page"),
    "footnote_countries": ("footnote_seq",),
    "figures": ("period_start", "period_end", *_SPAN),
    "organisations": _SPAN, "countries": _SPAN, "persons": _SPAN, "legal_refs": _SPAN,
}


def _with_review_keys(table: Table) -> Table:
    integers = tuple(dict.fromkeys((*table.integers, *PARSER_INTEGERS.get(table.name, ()))))
    if table.name not in REVIEWABLE:
        return replace(table, integers=integers)
    identity, order = REVIEWABLE[table.name]
    return replace(table, columns={"row_key": ROW_KEY, **table.columns}, integers=integers,
                   identity=identity, order=order)


def _collect_tables() -> dict[str, Table]:
    """Core tables plus the tables each parser declares."""
    tables = list(CORE_TABLES)
    for module in PARSER_MODULES:
        tables.extend(__import__(module, fromlist=["TABLES"]).TABLES)
    return {table.name: _with_review_keys(table) for table in tables}


# Parsers that add tables; their modules must import without loading spaCy or Prefect.
PARSER_MODULES: list[str] = ["pipeline.footnotes", "pipeline.entities"]

TABLES: dict[str, Table] = _collect_tables()


def _collect_exports() -> dict:
    """Derived files (name -> function of the table frames) that parser modules declare as EXPORTS."""
    exports = {}
    for module in PARSER_MODULES:
        exports.update(getattr(__import__(module, fromlist=["EXPORTS"]), "EXPORTS", {}))
    return exports


EXPORTS = _collect_exports()


def markdown_reference() -> str:
    """The column reference of every table, as Markdown (docs/tables.md)."""
    lines = ["# Tables", "", "Generated from `pipeline/schema.py` by `python -m pipeline.schema`; do not edit by hand.", ""]
    for table in TABLES.values():
        integers = f" Whole numbers: {', '.join(table.integers)}." if table.integers else ""
        lines += [f"## `{table.name}`", "", table.description, "",
                  f"Key: {', '.join(table.key)}. Primary key: {', '.join(table.primary_key)}.{integers}", "",
                  "| column | meaning |", "|---|---|"]
        lines += [f"| `{column}` | {meaning} |" for column, meaning in table.columns.items()]
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_reference(), end="")
