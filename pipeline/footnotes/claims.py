"""Footnotes to country lists to claims: which countries stand behind each statement.

"Nine countries identified awareness-raising measures as good practices¹¹" is
backed by footnote 11, "BE, BG, CY, DE, EE, FR, NL, PL, SE."  For every marker
this module finds its footnote body, the countries the body lists, the sentence
carrying the marker, the phrase the marker is attached to ("11 countries",
"UNODC", "the Horn of Africa") and the count the sentence states, and checks
the count against the list.  "Over half of these¹²" is checked against the
claim before it.

Entry point: :func:`footnote_tables`.  :func:`claim_matrix` turns the claims
and footnote_countries tables into a claim × country grid for spreadsheets.
"""

from __future__ import annotations

from pipeline.model import Block, Document, Marker
from pipeline.schema import EXPANSION_COLUMNS, Table

from .counts import RELATION, check_relation, count_agrees, count_phrase, parse_number
from .countries import CountryList, find_country_lists
from .groups import group_country_rows
from .notes import Note, footnote_notes, link_markers
from .sentences import anchor_before, split_sentences

TABLES = [
    Table(
        "footnotes",
        "One row per footnote body, with what kind of note it is. Bodies no marker points to are kept (status no_marker).",
        {
            "doc_id": "Document id (documents.doc_id).",
            "number": "The footnote's label as printed: '11', '*', 'a'.",
            "footnote_seq": "Position of the body among the document's footnote bodies, from 1; tells apart notes that share a label when numbering restarts (per page, per figure).",
            "text": "The footnote body without its label.",
            "kind": "countries (a list of countries, possibly with a lead-in such as 'includes data from:'), citation (URL, legal act, report title, 'accessed' date), note (explanatory text) or mixed (several of these).",
            "n_countries": "Number of distinct countries the body lists (group expressions such as 'all EU MSs except DK' expanded); empty when it lists none.",
            "n_markers": "Number of markers in the text that point to this body.",
            "status": "linked (at least one marker points here) or no_marker (a body no marker refers to).",
            "page": "Page of the body for PDFs; empty for other types.",
        },
        key=("doc_id", "footnote_seq"),
    ),
    Table(
        "footnote_countries",
        "The countries each footnote lists, one row per footnote and country, codes mapped to ISO 3166 alpha-2.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "footnote": "Label of the footnote (footnotes.number).",
            "footnote_seq": "The footnote body (footnotes.footnote_seq).",
            "code": "The code as written ('EL', 'UK', 'Cy'; or the name, for a list of names such as 'Belgium, France and the Netherlands'); for countries from a group expression, the EU protocol code.",
            "iso2": "ISO 3166-1 alpha-2 code ('GR' for EL, 'GB' for UK; 'XK' for Kosovo).",
            "country": "English short name of the country.",
            "eu_member": "Whether the country was an EU Member State on the publication date (the United Kingdom until 31 January 2020, Croatia from 1 July 2013).",
            "emn_status": "On the publication date: member (EU Member State in the European Migration Network: all but Denmark), observer (from its join date: GE 2021-03-11, MD 2021-03-12, UA 2022, ME 2022-09-23, AM October 2022, RS 2023-03-16, MK 2024-10-28; NO earlier, AL by July 2025) or empty.",
            "expanded_from": "The group expression the country comes from ('all EU MSs, except CY, CZ', 'EU27'); empty for codes listed one by one.",
            **EXPANSION_COLUMNS,
        },
        key=("doc_id", "footnote_seq", "iso2"),
    ),
    Table(
        "claims",
        "One row per footnote marker: the statement it supports, the countries behind it and whether the count stated agrees with them.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "footnote": "The marker's label.",
            "footnote_seq": "The footnote body the marker points to (footnotes.footnote_seq); empty when no body has that label.",
            "marker_offset": "Offset of the marker in the document text (position right after the character it follows).",
            "sentence": "The sentence carrying the marker.",
            "anchor": "The phrase right before the marker: '11 countries', 'UNODC', 'the Horn of Africa'.",
            "stated_count": "The number of countries the sentence states for this marker, in digits or words ('Nine EMN Member Countries, along with Serbia and Georgia' is 11); empty when none.",
            "count_qualifier": "The words that make stated_count approximate ('more than', 'at least', 'about', 'nearly'); empty for an exact count.",
            "n_countries": "Number of countries in the footnote; empty when the footnote lists none.",
            "countries": "ISO alpha-2 codes of the footnote's countries, comma-separated in the footnote's order ('BE, BG, CY'); empty when it lists none.",
            "count_ok": "Whether stated_count (or the relation, e.g. 'over half of these') agrees with n_countries; empty when there is nothing to compare.",
            "check": "agree or disagree (count_ok), or why the count cannot be checked: no_body (no footnote body has the marker's label), no_count (the footnote lists countries, the sentence states no count) or no_countries (a count is stated, the footnote lists no countries); empty for a marker with neither count nor countries (a citation, a note).",
            "relates_to": "For a claim about the previous one ('Over half of these'), the label of the previous claim's footnote.",
            "relation": "The words that relate this claim to the previous one ('Over half of these').",
            "subset_of_related": "For a related claim, whether its countries are all among the related claim's countries; empty otherwise.",
            "status": "linked, or no_body when no footnote body has the marker's label.",
            "page": "Page of the marker for PDFs; empty for other types.",
            "start": "Offset of the sentence's first character in the document text.",
            "end": "Offset just past the sentence's last character.",
        },
        key=("doc_id", "marker_offset"),
    ),
]


# --- the tables ----------------------------------------------------------------------------------

def footnote_tables(document: Document, *, published: str | None) -> dict[str, list[dict]]:
    """The footnotes, footnote_countries and claims tables for one document.

    ``published`` (ISO date) decides the members of group expressions and the eu_member
    and emn_status columns; the document's own date is used when it is None.  Rows for
    the countries table come from group expressions in the body text ('the 27 Member States')."""
    published = published or document.published
    notes = footnote_notes(document, published)
    links = link_markers(document)
    for _, _, index in links:
        if index is not None:
            notes[index].n_markers += 1
    doc_id = document.doc_id
    return {
        "footnotes": [_footnote_row(doc_id, note) for note in notes],
        "footnote_countries": [row for note in notes for row in _country_rows(doc_id, note)],
        "claims": build_claims(document, notes, links),
        "countries": group_country_rows(document, published=published),
    }


def _footnote_row(doc_id: str, note: Note) -> dict:
    n = len(note.iso2)
    return {"doc_id": doc_id, "number": note.block.label, "footnote_seq": note.seq, "text": note.block.text,
            "kind": note.kind, "n_countries": n or None, "n_markers": note.n_markers,
            "status": "linked" if note.n_markers else "no_marker", "page": note.block.page}


def _country_rows(doc_id: str, note: Note) -> list[dict]:
    rows = []
    seen: set[str] = set()
    for found in note.lists:
        for mention in found.mentions:
            if mention.iso2 in seen:
                continue
            seen.add(mention.iso2)
            rows.append({"doc_id": doc_id, "footnote": note.block.label, "footnote_seq": note.seq,
                         "code": mention.code, "iso2": mention.iso2, "country": mention.country,
                         "eu_member": mention.eu_member, "emn_status": mention.emn_status,
                         "expanded_from": mention.expanded_from, "expanded_group": mention.expanded_group,
                         "expanded_on": mention.expanded_on, "expansion_note": mention.expansion_note})
    return rows


def build_claims(document: Document, notes: list[Note], links: list[tuple[Block, Marker, int | None]]) -> list[dict]:
    """One claim per marker, in reading order."""
    claims: list[dict] = []
    previous_with_countries: dict | None = None
    by_block: dict[int, list[int]] = {}
    for block, marker, _ in links:
        by_block.setdefault(id(block), []).append(marker.offset)
    sentences = {id(block): split_sentences(block.text, tuple(by_block[id(block)])) for block, _, _ in links}
    for block, marker, index in links:
        note = notes[index] if index is not None else None
        claim = _claim(document, block, marker, note, by_block[id(block)], sentences[id(block)],
                       previous_with_countries)
        claims.append(claim)
        if claim["n_countries"]:
            previous_with_countries = claim
    for claim in claims:
        del claim["_iso2"]
        claim["check"] = check_state(claim["status"], claim["stated_count"], claim["n_countries"], claim["count_ok"])
    return claims


def _claim(document: Document, block: Block, marker: Marker, note: Note | None, block_offsets: list[int],
           sentences: list[tuple[int, int]], previous: dict | None) -> dict:
    text = block.text
    start, end = _sentence_at(sentences, marker.offset, len(text))
    earlier = [offset for offset in block_offsets if start < offset < marker.offset]
    scope_start = max(earlier) if earlier else start       # the clause since the previous marker
    scope = text[scope_start:marker.offset]
    n_countries = len(note.iso2) if note and note.iso2 else None
    count, qualifier = count_phrase(scope) or (None, None)
    relation = RELATION.search(scope) if count is None else None
    relates_to = subset = None
    count_ok = None
    if count is not None and n_countries is not None:
        count_ok = count_agrees(count, qualifier, n_countries)
    elif relation and previous is not None:
        relates_to = previous["footnote"]
        count = parse_number(relation.group("part"))          # 'Three of these'
        if n_countries is not None:
            count_ok = check_relation(relation, n_countries, previous["n_countries"])
            subset = set(note.iso2) <= set(previous["_iso2"])
    return {
        "doc_id": document.doc_id,
        "footnote": marker.label,
        "footnote_seq": note.seq if note else None,
        "marker_offset": document.marker_offset(block, marker),
        "sentence": text[start:end],
        "anchor": anchor_before(text, marker.offset, scope_start),
        "stated_count": count,
        "count_qualifier": qualifier,
        "n_countries": n_countries,
        "countries": ", ".join(note.iso2) if n_countries else None,
        "count_ok": count_ok,
        "check": None,  # set by build_claims from the values above
        "relates_to": relates_to,
        "relation": relation.group(0) if relation and relates_to else None,
        "subset_of_related": subset,
        "status": "linked" if note else "no_body",
        "page": marker.page if marker.page is not None else block.page,
        "start": block.start + start,
        "end": block.start + end,
        "_iso2": note.iso2 if note else [],
    }


def _sentence_at(spans: list[tuple[int, int]], offset: int, length: int) -> tuple[int, int]:
    """The sentence holding the character a marker follows (the full stop of 'victims.¹⁰')."""
    for start, end in spans:
        if start < offset <= end:
            return start, end
    before = [span for span in spans if span[0] < offset]
    return before[-1] if before else (spans[0] if spans else (0, length))


def body_country_lists(document: Document, *, published: str | None = None) -> list[tuple[Block, CountryList]]:
    """Country lists in the body text ('Observer Countries (NO, GE, MD, ...)'), outside footnotes."""
    published = published or document.published
    return [(block, found) for block in document.blocks if block.kind in ("paragraph", "list_item", "caption")
            for found in find_country_lists(block.text, on=published) if found.mentions]


# --- spreadsheet export --------------------------------------------------------------------------

MATRIX_COLUMNS = ["row_key", "doc_id", "footnote", "anchor", "stated_count", "n_countries", "count_ok", "check", "sentence"]


def listed_codes(value) -> list[str]:
    """The codes of a claims.countries cell ('BE, BG, CY'), in order."""
    if not isinstance(value, str):
        return []
    return [code.strip() for code in value.split(",") if code.strip()]


def claim_matrix(claims_df):
    """One row per claim, one column per country (ISO alpha-2), 1 where
    the claim's countries include it and empty elsewhere: the claim × country grid analysts copy by hand.
    Built from ``claims.countries``, so the reviewed claims (corrected countries) give the reviewed grid."""
    import pandas as pd

    claims = claims_df.reset_index(drop=True)
    columns = [column for column in MATRIX_COLUMNS if column in claims.columns]
    claims = claims.assign(**{column: claims[column].astype("Int64")
                              for column in ("stated_count", "n_countries") if column in claims.columns})
    listed = [listed_codes(value) for value in claims["countries"]]
    codes = sorted({code for row in listed for code in row})
    grid = pd.DataFrame(pd.NA, index=claims.index, columns=codes, dtype="Int64")
    for row_number, row_codes in enumerate(listed):
        for code in row_codes:
            grid.at[row_number, code] = 1
    return pd.concat([claims[columns], grid], axis=1)


def check_state(status, stated_count, n_countries, count_ok) -> str | None:
    """agree, disagree, or why the claim cannot be checked (no_body, no_count, no_countries); None for a
    marker that carries neither a count nor countries (a citation or a note)."""
    if count_ok is True or count_ok is False:
        return "agree" if count_ok else "disagree"
    if status == "no_body":
        return "no_body"
    if n_countries:
        return "no_count"
    if stated_count is not None and stated_count == stated_count:  # not NaN
        return "no_countries"
    return None


# Files derived from the tables, written with them (atomically) by pipeline.store.
EXPORTS = {
    "claim_matrix.csv": lambda frames: claim_matrix(frames["claims"]),
}
