"""Footnotes: markers to bodies, kinds, sentences, anchors, stated counts and the claims tables."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipeline.footnotes.claims import TABLES, claim_matrix, footnote_tables
from pipeline.footnotes.counts import parse_number, stated_count
from pipeline.footnotes.notes import classify
from pipeline.footnotes.sentences import anchor_before, split_sentences
from pipeline.footnotes.countries import find_country_lists
from pipeline.model import Block, Extraction, Marker, assemble
from pipeline.entities.tables import TABLES as ENTITY_TABLES

_MARKUP = re.compile(r"\^(\d{1,3}|[*†‡]|[a-z](?![a-z]))")


def para(text: str, kind: str = "paragraph", page: int | None = None) -> Block:
    """A block from text with ^label markers, the way every extractor hands them over."""
    markers, pieces, position, length = [], [], 0, 0
    for match in _MARKUP.finditer(text):
        piece = text[position:match.start()]
        pieces.append(piece)
        length += len(piece)
        markers.append(Marker(match.group(1), length, page))
        position = match.end()
    pieces.append(text[position:])
    return Block(kind, "".join(pieces), page=page, markers=markers)


def note(label: str, text: str, page: int | None = None) -> Block:
    return Block("footnote", text, page=page, label=label)


def tables(*blocks: Block, published: str | None = "2025-07-16", doc_id: str = "d1") -> dict[str, list[dict]]:
    return footnote_tables(assemble(doc_id, Extraction(list(blocks), published=published)), published=published)


def claim(result: dict, label: str) -> dict:
    return next(row for row in result["claims"] if row["footnote"] == label)


# --- tables --------------------------------------------------------------------------------------

def test_rows_have_exactly_the_declared_columns_and_unique_keys():
    result = tables(para("Nine countries identified good practices.^1 See the Directive.^2 Unknown^9"),
                    para("The Schengen States and the 27 Member States agreed."),
                    note("1", "BE, BG, CY, DE, EE, FR, NL, PL, SE."), note("2", "Directive 2011/36/EU, OJ L 101."),
                    note("3", "An orphan note."))
    # the parser's own tables, and the members of groups named in the body for the countries table
    declared = {table.name: table for table in TABLES} | {"countries": next(t for t in ENTITY_TABLES if t.name == "countries")}
    assert set(result) == set(declared)
    for name, rows in result.items():
        assert rows, name
        for row in rows:
            assert list(row) == list(declared[name].columns), name
        keys = [tuple(row[column] for column in declared[name].key) for row in rows]
        assert len(keys) == len(set(keys)), name
        assert declared[name].columns["doc_id"] and list(declared[name].columns)[0] == "doc_id"
        assert all(description.strip() for description in declared[name].columns.values())


# --- linking -------------------------------------------------------------------------------------

def test_markers_link_to_bodies_and_unmatched_ones_are_reported():
    result = tables(para("A statement^1 and another^* and a third^a and a lost one.^7"),
                    para("The first again.^1"),
                    note("1", "BE, FR."), note("*", "Provisional figures."), note("a", "Estimate of the ministry."),
                    note("4", "A note no marker points to."))
    footnotes = {row["number"]: row for row in result["footnotes"]}
    assert footnotes["1"]["n_markers"] == 2 and footnotes["1"]["status"] == "linked"
    assert footnotes["*"]["status"] == "linked" and footnotes["a"]["status"] == "linked"
    assert footnotes["4"]["status"] == "no_marker" and footnotes["4"]["n_markers"] == 0
    lost = claim(result, "7")
    assert lost["status"] == "no_body" and lost["footnote_seq"] is None and lost["count_ok"] is None
    assert claim(result, "*")["status"] == "linked"


def test_labels_restarting_per_page_link_to_the_body_on_the_marker_page():
    result = tables(para("Cases reported^1 in the EU^2, 2007", page=1),
                    para("Cases by age in reporting MSs^1, 2007", page=1),
                    note("1", "BE, FR.", page=1), note("1", "Includes total cases for 2004.", page=1),
                    note("2", "AT, DE.", page=1),
                    para("Seasonal distribution in reporting MSs^1, 2007", page=2),
                    note("1", "NL, PL and SE.", page=2))
    by_offset = sorted(result["claims"], key=lambda row: row["marker_offset"])
    assert [row["footnote_seq"] for row in by_offset] == [1, 3, 2, 4]
    assert [row["n_countries"] for row in by_offset] == [2, 2, None, 3]
    assert all(row["status"] == "linked" for row in result["footnotes"])


# --- kinds ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("BE, DE, EE, ES, FI, FR, IT, LV, NL, SI, and GE.", "countries"),
    ("includes data from: AT, BE, Cy, EE, Fi, FR, DE, GR, iE, iT, LT, nL, pL, pT, ES, SE, UK", "countries"),
    ("includes data from all EU MSs, except CY, CZ, DK (n=526)", "countries"),
    ("Nine Member States reported a rise in the number of victims in 2023: BE, BG, CY, DE, EE, FR, NL, PL, SE.", "mixed"),
    ("Charter of Fundamental Rights of the European Union, <https://eur-lex.europa.eu/eli/treaty/char_2012/oj>, "
     "accessed 11 June 2025.", "citation"),
    ("Directive 2011/36/EU of the European Parliament and of the Council of 5 April 2011 on preventing and "
     "combating trafficking in human beings and protecting its victims, OJ L 101, 15.4.2011, p. 1.", "citation"),
    ("Supreme Court 17 May 2016, ECLI:NL:HR:2016:857.", "citation"),
    ("EU Anti-Trafficking Coordinator - European Commission", "citation"),
    ("Public Prosecution Service, annual report 2023, p. 41.", "citation"),
    ("The criminal justice data cover first-instance judgments only.", "note"),
    ("The figure includes 143 presumed victims who were identified by labour inspectors.", "note"),
    ("This emphasises the role of national judges (Esser and Dettmeijer-Vermeulen, 2016).", "mixed"),
])
def test_footnote_kinds(text, kind):
    assert classify(text, [f for f in find_country_lists(text, on="2013-01-01", footnote=True) if f.mentions]) == kind


# --- sentences, anchors, counts ------------------------------------------------------------------

def test_sentence_splitter_respects_abbreviations_decimals_and_markers():
    text = ("Third-country nationals were 63.1% of victims, e.g. in Art. 5 cases. Dr. J. Smith agreed. "
            "MoUs, protocols, etc. In contrast, others did not.")
    sentences = [text[start:end] for start, end in split_sentences(text)]
    assert sentences == ["Third-country nationals were 63.1% of victims, e.g. in Art. 5 cases.",
                         "Dr. J. Smith agreed.", "MoUs, protocols, etc. In contrast, others did not."]
    marker_after_etc = text.index("etc.") + 4
    split = [text[start:end] for start, end in split_sentences(text, (marker_after_etc,))]
    assert split[-2:] == ["MoUs, protocols, etc.", "In contrast, others did not."]


@pytest.mark.parametrize("before, anchor", [
    ("Cooperation with EU agencies has been highlighted by 11 countries", "11 countries"),
    ("organisations most commonly cooperated with include UNODC,", "UNODC"),
    ("Targeted regions include the Sahel, the Horn of Africa,", "the Horn of Africa"),
    ("North Africa, Eastern Europe", "Eastern Europe"),
    ("Eastern Europe and the Western Balkans.", "the Western Balkans"),
    ("as good practices for the prevention of trafficking in human beings in third countries", "third countries"),
    ("a priority under the EU Strategy on Combating Trafficking in Human Beings 2021-2025",
     "the EU Strategy on Combating Trafficking in Human Beings 2021-2025"),
    ("the EU Anti-Trafficking Coordinator (EU ATC)", "the EU Anti-Trafficking Coordinator (EU ATC)"),
    ("such as bilateral agreements, MoUs, protocols, etc.", "protocols"),
    ("measures to reinforce international cooperation.", "international cooperation"),
])
def test_anchor_is_the_phrase_before_the_marker(before, anchor):
    assert anchor_before(before, len(before)) == anchor


@pytest.mark.parametrize("clause, count", [
    ("Nine countries identified awareness-raising measures as good practices", 9),
    ("Thirteen EMN Member and Observer Countries identified good practices", 13),
    ("Cooperation has been highlighted by 11 countries", 11),
    ("Nine EMN Member Countries, along with Serbia and Georgia, have established cooperation", 11),
    ("Twenty-five Member States replied", 25),
    ("Seven EU Member States as well as Norway took part", 8),
    ("In 2023 the countries of origin changed", None),
    ("several countries reported", None),
    ("63.1% of victims in 2022 countries", None),
])
def test_stated_counts_in_digits_and_words(clause, count):
    assert stated_count(clause) == count


@pytest.mark.parametrize("sentence, codes, ok", [
    ("More than five countries reported cases.", "AT, BE, DE, FR, NL, SE.", True),
    ("More than five countries reported cases.", "AT, BE, DE, FR, NL.", False),
    ("At least three Member States reported cases.", "AT, BE, DE.", True),
    ("About ten countries reported cases.", "AT, BE, DE, FR, NL, SE, SI, SK, PL.", True),
    ("Fewer than four countries reported cases.", "AT, BE, DE, FR.", False),
])
def test_approximate_counts_are_checked_as_such(sentence, codes, ok):
    row = claim(tables(para(sentence + "^1"), note("1", codes)), "1")
    assert row["count_qualifier"] is not None and row["count_ok"] is ok


def test_lists_of_country_names_count_too():
    result = tables(para("Three countries replied.^1 Two others declined.^2"),
                    note("1", "Belgium, France and the Netherlands."), note("2", "Georgia said that it would reply."))
    assert claim(result, "1")["n_countries"] == 3 and claim(result, "1")["count_ok"] is True
    assert {row["code"] for row in result["footnote_countries"]} == {"Belgium", "France", "the Netherlands"}
    assert claim(result, "2")["n_countries"] is None


def test_parse_number():
    assert parse_number("Nine") == 9 and parse_number("twenty-one") == 21 and parse_number("11") == 11
    assert parse_number("many") is None


def test_counts_are_checked_per_clause_and_wrong_counts_flagged():
    result = tables(
        para("Nine countries identified awareness-raising measures in third countries^11, while some countries "
             "strengthened their engagement with partner countries.^12 Ten countries reported challenges.^13"),
        note("11", "BE, BG, CY, DE, EE, FR, NL, PL, SE."), note("12", "FI, LV, SE."),
        note("13", "AT, BE, DE, ES, FR, LV, PL, SE, SI."))
    assert claim(result, "11")["stated_count"] == 9 and claim(result, "11")["count_ok"] is True
    assert claim(result, "12")["stated_count"] is None and claim(result, "12")["count_ok"] is None
    wrong = claim(result, "13")
    assert wrong["stated_count"] == 10 and wrong["n_countries"] == 9 and wrong["count_ok"] is False
    assert wrong["sentence"] == "Ten countries reported challenges."
    assert claim(result, "11")["anchor"] == "third countries"


@pytest.mark.parametrize("follow_up, codes, ok, subset", [
    ("Over half of these mentioned low trust levels.", "AT, FR, LV, PL, SI.", True, True),
    ("Over half of these mentioned low trust levels.", "AT, FR, LV, PL.", False, True),
    ("Less than half of these mentioned costs.", "AT, FR.", True, True),
    ("All of these mentioned costs.", "AT, BE, DE, ES, FR, LV, PL, SE, SI.", True, True),
    ("Three of these mentioned costs.", "AT, FR, NO.", True, False),
])
def test_relation_to_the_previous_claim_is_kept_and_checked(follow_up, codes, ok, subset):
    result = tables(para(f"Nine EMN Member Countries identified challenges in third countries.^27 {follow_up}^28"),
                    note("27", "AT, BE, DE, ES, FR, LV, PL, SE, SI."), note("28", codes))
    related = claim(result, "28")
    assert related["relates_to"] == "27"
    assert related["stated_count"] == (3 if follow_up.startswith("Three") else None)
    assert related["relation"].lower().endswith("of these")
    assert related["count_ok"] is ok
    assert related["subset_of_related"] is subset


def test_countries_carry_eu_and_emn_status_at_publication_date():
    blocks = [para("Four countries replied.^1"), note("1", "EL, UK, HR and NO.")]
    before_brexit = {row["iso2"]: row for row in tables(*blocks, published="2019-05-01")["footnote_countries"]}
    assert before_brexit["GB"]["eu_member"] is True and before_brexit["GB"]["emn_status"] == "member"
    assert before_brexit["GR"]["code"] == "EL" and before_brexit["GR"]["country"] == "Greece"
    assert before_brexit["NO"]["emn_status"] == "observer" and before_brexit["NO"]["eu_member"] is False
    after = {row["iso2"]: row for row in tables(*blocks, published="2021-05-01")["footnote_countries"]}
    assert after["GB"]["eu_member"] is False and after["GB"]["emn_status"] is None


def test_document_date_is_used_when_no_date_is_given():
    document = assemble("d", Extraction([para("All replied.^1"), note("1", "all EU Member States except DK")],
                                        published="2010-01-01"))
    rows = footnote_tables(document, published=None)["footnote_countries"]
    assert len(rows) == 26 and "GB" in {row["iso2"] for row in rows} and "HR" not in {row["iso2"] for row in rows}
    assert rows[0]["expanded_from"] == "all EU Member States except DK"


# --- matrix --------------------------------------------------------------------------------------

def test_claim_matrix_has_one_row_per_claim_and_one_column_per_country(tmp_path):
    result = tables(para("Two countries replied.^1 Two others did not.^2 See the Directive.^3"),
                    note("1", "BE, FR."), note("2", "EL and FR."), note("3", "Directive 2011/36/EU."))
    matrix = claim_matrix(pd.DataFrame(result["claims"]))
    assert len(matrix) == 3
    assert [column for column in matrix.columns if len(column) == 2] == ["BE", "FR", "GR"]
    assert matrix["FR"].tolist()[:2] == [1, 1] and pd.isna(matrix["GR"].iloc[0])
    assert matrix[["BE", "FR", "GR"]].iloc[2].isna().all()
    path = tmp_path / "matrix.csv"
    matrix.to_csv(path, index=False)
    lines = path.read_text().splitlines()
    assert lines[0].endswith("BE,FR,GR") and lines[1].endswith("1,1,") and lines[3].endswith(",,")
