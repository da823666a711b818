"""The five tables the stage fills: their columns and what each column holds."""

from __future__ import annotations

from pipeline.schema import EXPANSION_COLUMNS, Table

_PROVENANCE = {
    "page": "Page number (from 1) for PDFs; empty for other types.",
    "start": "Offset of the mention's first character in the document text (blocks.start + offset in the block).",
    "end": "Offset just past the mention's last character.",
    "sentence": "The sentence the mention stands in (at most 600 characters around the mention, marked with …, when a run-on block such as a flattened table has no sentence breaks).",
}

TABLES = [
    Table(
        "organisations",
        "Organisations named in the text: one row per mention, from the curated gazetteer, the statistical model, or an acronym the document defines.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "org_id": "Canonical id in pipeline/data/organisations.toml for gazetteer matches (and acronyms linked to them); empty otherwise.",
            "name": "Canonical name for gazetteer matches, the long form for acronyms the document defines, else the mention.",
            "type": "eu_institution, eu_body, eu_agency, eu_network, international_organisation, un_body, council_of_europe_body, osce_body, political_group, national_body or ngo (gazetteer); empty for model, rule and document matches (a document row takes a gazetteer acronym's type).",
            "mention": "The text as written.",
            "source": "gazetteer, short_form (an EU institution by its short form, 'the Council', 'Parliament', 'la Commission', 'der Rat', in a document that names the EU), model (spaCy NER), rule (a name built on an organisation's head noun such as 'Office' or 'Hospital', a law firm, a publication, a brand, a body given as an example, pipeline/entities/org_names.py), acronym (an acronym or long form defined in the document) or document (an acronym the document uses again and again as a name, or a name found elsewhere in the document, repeated).",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "countries",
        "Countries mentioned in the text: names, adjectives ('Hungarian') and two-letter codes in lists, and the members of groups the body text names ('the 27 Member States', 'EU-28', 'all GRETA parties', 'the Schengen States'; one row per member, from pipeline.footnotes, expanded at the publication date). Regions and cities are not countries.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "iso2": "ISO 3166-1 alpha-2 code (EL is given as GR, UK as GB; XK for Kosovo).",
            "country": "The country's common English name.",
            "mention": "The text as written: name, adjective or code; for a group's member, the group expression.",
            **_PROVENANCE,
            "expanded_from": "The group expression the row comes from ('the 27 Member States', 'EU-28'); empty for a country named itself.",
            **EXPANSION_COLUMNS,
        },
        key=("doc_id", "start", "iso2"),
    ),
    Table(
        "persons",
        "People named in the text, with the role the text states for them when it does.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "name": "The person's name without title or honorific.",
            "role": "The role or title as stated ('EU Anti-Trafficking Coordinator', 'Commissioner'); empty when the text gives none.",
            "mention": "The name as written.",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "legal_refs",
        "References to EU legal acts and Commission documents, resolved to CELEX numbers.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "celex": "CELEX number ('32011L0036', '52021DC0171', '12012P/TXT').",
            "kind": "directive, regulation, decision, framework_decision, com, swd, join, sec (as written), celex (a CELEX number, e.g. in an EUR-Lex link) or eli (an ELI URI).",
            "mention": "The reference as written.",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
    Table(
        "figures",
        "Stated quantities: counts, percentages, fractions and amounts of money, with what they count and the period they refer to. Years, dates, legal act, article and page numbers are not figures.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "value": "The number (a float): 14000 for '14,000' or '14.000', 63.1 for '63.1%', 0.333 for 'one-third', 0.5 for 'half' and for 'a majority'; the lower bound of a range.",
            "value_max": "The upper bound of a range ('6,250-6,500' gives 6500); empty otherwise.",
            "unit": "count, percent (value in percent points), fraction (value between 0 and 1) or currency (the currency is in the mention).",
            "qualifier": "The hedge as written, lower-cased: over, more than, around, roughly, nearly, almost, at least, up to, less than, estimated, average, majority …; empty when the figure is stated exactly.",
            "subject": "What is counted, as written ('registered victims', 'participants'); empty when the text does not say near the number.",
            "period_start": "First year of the period the figure refers to ('in 2022' gives 2022, 'for the period 2019-2021' gives 2019); empty when none is stated in the sentence.",
            "period_end": "Last year of that period (2022, 2021).",
            "mention": "The figure as written, with its unit and range ('63.1%', 'Nine', '6,250-6,500').",
            "section": "body, footnote (a footnote body) or comment (a reader comment: never the publication's own statement).",
            **_PROVENANCE,
        },
        key=("doc_id", "start"),
    ),
]
COLUMNS = {table.name: list(table.columns) for table in TABLES}
