"""The entity and figure stage on the rules-only pipeline (spacy.blank), plus a few checks that need the model."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from pipeline.model import Block, Extraction, assemble
from pipeline.entities.nlp import DEFAULT_MODEL, TABLES, entity_tables

needs_model = pytest.mark.skipif(importlib.util.find_spec(DEFAULT_MODEL) is None,
                                 reason=f"spaCy model {DEFAULT_MODEL} is not installed")


def document(*blocks, doc_id="doc"):
    """A document from (kind, text) or (kind, text, page) tuples."""
    return assemble(doc_id, Extraction(blocks=[Block(b[0], b[1], page=b[2] if len(b) > 2 else None) for b in blocks]))


def tables_for(*texts, model=None, kind="paragraph"):
    return entity_tables([document(*[(kind, t) for t in texts])], model=model)


def figure(text, **expected):
    rows = tables_for(text)["figures"]
    assert len(rows) == 1, rows
    row = rows[0]
    for key, value in expected.items():
        assert row[key] == value, (key, row)
    return row


# --- module and tables -------------------------------------------------------------------------------

def test_module_imports_without_spacy():
    code = "import sys, pipeline.entities.nlp; assert 'spacy' not in sys.modules, 'spacy imported at import time'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(__import__("pathlib").Path(__file__).parents[1]))


def test_rows_have_exactly_the_documented_columns():
    tables = tables_for("Europol counted 140 victims in Hungary in 2022 (Directive 2011/36/EU), said Diane Schmitt, "
                        "EU Anti-Trafficking Coordinator.")
    declared = {table.name: list(table.columns) for table in TABLES}
    assert set(tables) == set(declared)
    for name, rows in tables.items():
        assert rows, name
        assert list(declared[name])[0] == "doc_id"
        for row in rows:
            assert list(row) == declared[name]
    for table in TABLES:
        assert all(description.strip() for description in table.columns.values())


def test_provenance_points_into_the_document_text():
    doc = document(("heading", "Results", 1), ("paragraph", "In 2022, Frontex and Europol counted 1,222 victims.", 2),
                   ("footnote", "Hungarian police reported 35% of cases.", 2),
                   ("comment", "I think 500 is too low.", 3))
    tables = entity_tables([doc], model=None)
    for rows in tables.values():
        for row in rows:
            assert doc.text[row["start"]:row["end"]] == row["mention"]
            assert row["mention"] in row["sentence"]
    sections = {row["mention"]: (row["section"], row["page"]) for row in tables["figures"]}
    assert sections == {"1,222": ("body", 2), "35%": ("footnote", 2), "500": ("comment", 3)}


def test_gazetteer_entries_are_consistent():
    import re

    from pipeline.entities.nlp import load_organisations, load_places, pipeline_versions

    orgs = load_organisations()
    ids = [org.org_id for org in orgs]
    assert len(ids) == len(set(ids))
    types = {"eu_institution", "eu_body", "eu_agency", "eu_network", "international_organisation", "un_body",
             "council_of_europe_body", "osce_body", "political_group", "national_body", "ngo"}
    spellings: dict[str, str] = {}
    for org in orgs:
        assert org.type in types, org
        assert org.parent is None or org.parent in ids, org
        assert org.wikidata is None or re.fullmatch(r"Q\d+", org.wikidata), org
        for name in (*org.names, *org.acronyms):
            assert spellings.setdefault(name.lower(), org.org_id) == org.org_id, f"{name} names two bodies"
    places = load_places()
    assert not places.regions & set(places.countries)
    assert not places.cities & set(places.countries)
    assert set(places.demonyms.values()) <= set(places.country_names)
    versions = pipeline_versions(None)
    assert versions["model"] is None and versions["organisations"] and versions["regions"]


def test_two_processes_give_the_same_rows(tmp_path):
    from pipeline.parse_pool import ParsePool
    from pipeline.settings import Settings

    docs = [document(("paragraph", f"In {2010 + i}, Europol found {100 + i} victims in Ukraine."), doc_id=f"d{i}")
            for i in range(6)]
    settings = Settings(out_dir=tmp_path / "out", raw_dir=tmp_path / "raw", spacy_model="none")
    with ParsePool(settings, 2) as pool:
        rows = pool.submit(docs)()
    assert {table.name: rows[table.name] for table in TABLES} == entity_tables(docs, model=None)


def test_run_on_blocks_keep_a_window_of_text_as_sentence():
    table = " ".join(f"{2000 + i % 20} {i * 7}" for i in range(400))      # a flattened table, no full stops
    rows = tables_for(f"Registered victims {table}")["figures"]
    assert len(rows) > 300
    assert all(len(r["sentence"]) <= 602 and r["mention"] in r["sentence"] for r in rows)


def test_blank_pipeline_sets_rule_entities_with_their_rows():
    from pipeline.entities.nlp import get_nlp

    doc = get_nlp(None)("Europol counted 140 victims in Moldova under Directive 2011/36/EU.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Europol", "ORG"), ("140", "CARDINAL"), ("Moldova", "GPE"),
                                                      ("Directive 2011/36/EU", "LAW")]
    assert doc.ents[0]._.thb["org_id"] == "europol"
    assert doc.ents[3]._.thb["celex"] == "32011L0036"


# --- legal references ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, celex, kind", [
    ("under Directive 2011/36/EU on trafficking", "32011L0036", "directive"),
    ("amended by Directive (EU) 2024/1712 of 13 June 2024", "32024L1712", "directive"),
    ("amending Regulation (EU) 2016/794 , and", "32016R0794", "regulation"),
    ("Regulation (EC) No 862/2007 on statistics", "32007R0862", "regulation"),
    ("Council Framework Decision 2002/629/JHA", "32002F0629", "framework_decision"),
    ("Council Decision 2008/615/JHA", "32008D0615", "decision"),
    ("Directive 95/46/EC", "31995L0046", "directive"),
    ("EU Strategy, COM(2021) 171 final, of April", "52021DC0171", "com"),
    ("Proposal for a Regulation on police cooperation, COM(2023) 754 final", "52023PC0754", "com"),
    ("the staff working document SWD(2022) 429 final", "52022SC0429", "swd"),
    ("see https://eur-lex.europa.eu/legal-content/EN/TXT/PDF/?uri=CELEX:52022DC0736 for", "52022DC0736", "celex"),
    ("https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:12012P/TXT, accessed", "12012P/TXT", "celex"),
    ("ELI) http://data.europa.eu/eli/dir/2011/36/oj, accessed", "32011L0036", "eli"),
    ("http://data.europa.eu/eli/reg/2024/1348/oj", "32024R1348", "eli"),
])
def test_legal_references_resolve_to_celex(text, celex, kind):
    rows = tables_for(text)["legal_refs"]
    assert [(r["celex"], r["kind"]) for r in rows] == [(celex, kind)]


def test_every_act_of_a_plural_reference_is_kept():
    rows = tables_for("amending Directives 2004/81/EC and 2011/36/EU.")["legal_refs"]
    assert [r["celex"] for r in rows] == ["32004L0081", "32011L0036"]


# --- figures -------------------------------------------------------------------------------------------------

def test_count_with_qualifier_and_subject():
    figure("On 2-3 December, around 140 participants from EU countries met.", value=140, unit="count",
           qualifier="around", subject="participants", mention="140")


def test_percentage_with_subject_after_of_and_year_before():
    figure("According to the latest data from 2022, the majority (63%) of registered victims were non-EU citizens.",
           value=63, unit="percent", subject="registered victims", period_start=2022, period_end=2022)


def test_each_figure_takes_the_nearest_period():
    rows = tables_for("Nationals comprised 63.1% of victims in 2022, compared to roughly 43% for the period "
                      "2019-2021.")["figures"]
    assert [(r["value"], r["period_start"], r["period_end"], r["qualifier"]) for r in rows] == [
        (63.1, 2022, 2022, None), (43, 2019, 2021, "roughly")]


@pytest.mark.parametrize("text, value, unit, mention", [
    ("The police registered 14,000 cases.", 14000, "count", "14,000"),
    ("Die Polizei zählte 5.000 cases.", 5000, "count", "5.000"),
    ("Some 63,1% of victims were women.", 63.1, "percent", "63,1%"),
    ("An estimated 6,250-6,500 victims were identified.", 6250, "count", "6,250-6,500"),
    ("Nine countries identified good practices.", 9, "count", "Nine"),
    ("Thirteen EMN Member and Observer Countries replied.", 13, "count", "Thirteen"),
    ("Twenty-five agencies took part.", 25, "count", "Twenty-five"),
    ("Almost one-third (32%) of the victims were Dutch.", 32, "percent", "32%"),
    ("Two-thirds of the victims were women.", 0.6667, "fraction", "Two-thirds"),
    ("Over half of the cases were dismissed.", 0.5, "fraction", "half"),
    ("One in five victims is a child.", 0.2, "fraction", "One in five"),
    ("Traffickers made €2.5 million in profits.", 2_500_000, "currency", "€2.5 million"),
    ("It cost EUR 150,000 in total.", 150_000, "currency", "EUR 150,000"),
    ("About 27.6 million people are in forced labour.", 27_600_000, "count", "27.6 million"),
    ("The rate was 45 per cent lower.", 45, "percent", "45 per cent"),
])
def test_figure_values_and_units(text, value, unit, mention):
    row = figure(text, unit=unit, mention=mention)
    assert row["value"] == pytest.approx(value, rel=1e-3)


def test_range_keeps_both_bounds():
    row = figure("An estimated 6,250-6,500 victims were identified.", qualifier="estimated", subject="victims")
    assert (row["value"], row["value_max"]) == (6250, 6500)
    assert figure("between 18 and 23 years old")["value_max"] == 23


def test_majority_is_a_fraction_unless_a_number_follows():
    figure("In previous years the majority of detected victims were EU citizens.", value=0.5, unit="fraction",
           qualifier="majority", subject="detected victims")
    assert [r["mention"] for r in tables_for("the majority (63%) of victims")["figures"]] == ["63%"]


@pytest.mark.parametrize("text, qualifier", [
    ("over 200 victims", "over"), ("more than 200 victims", "more than"), ("nearly 200 victims", "nearly"),
    ("at least 200 victims", "at least"), ("up to 200 victims", "up to"), ("approximately 200 victims",
                                                                          "approximately"),
    ("fewer than 200 victims", "fewer than"), ("two or more persons acting together", "at least"),
    ("an average of 14% a year", "average"),
])
def test_qualifiers(text, qualifier):
    figure(text, qualifier=qualifier)


@pytest.mark.parametrize("text, start, end", [
    ("In 2017-2018 the police found 40 victims.", 2017, 2018),
    ("between 2007 and 2011, 784 cases were heard.", 2007, 2011),
    ("At the end of 2023, 25 countries had a strategy.", 2023, 2023),
    ("The PPS registered 281 cases (2007).", 2007, 2007),
    ("In 2010/11 there were 88 cases.", 2010, 2011),
])
def test_periods(text, start, end):
    figure(text, period_start=start, period_end=end)


def test_yearly_series_give_each_count_its_year():
    rows = tables_for("Number of suspects: 2007: 199, 2008: 143, 2009: 107, 2010: 182, 2011: 197.")["figures"]
    assert [(r["value"], r["period_start"], r["subject"]) for r in rows] == [
        (199, 2007, "suspects"), (143, 2008, "suspects"), (107, 2009, "suspects"), (182, 2010, "suspects"),
        (197, 2011, "suspects")]
    rows = tables_for("The number of B9 permits granted was: 143 (2007); 235 (2008).")["figures"]
    assert [(r["value"], r["period_start"], r["subject"]) for r in rows] == [(143, 2007, "B9 permits"),
                                                                            (235, 2008, "B9 permits")]


def test_count_subject_falls_back_to_number_of():
    figure("The number of registered victims in 2011 (N: 1,222) rose.", value=1222, subject="registered victims",
           period_start=2011)


@pytest.mark.parametrize("text", [
    "The meeting took place on 2-3 December in Brussels.",
    "Publication date 11 December 2024",
    "It entered into force on 14 July 2024.",
    "Directive 2011/36/EU and Directive (EU) 2024/1712 apply.",
    "Regulation (EU) 2016/794 of the European Parliament (OJ L 135, 24.5.2016, p. 53).",
    "See Article 5(3) of the Charter and Articles 2 and 4 of the Convention.",
    "The COVID-19 pandemic changed everything.",
    "The Chance for Families 2005 Foundation helps victims.",
    "See Chapter 5, Table 3.1, Figure 6.3, section 2.2.1 and pp. 12-14.",
    "The Strategy 2021-2025 was adopted in 2021.",
    "Call +32 2 299 11 11 or write to info@example.org at 10:30.",
    "COM(2021) 171 final",
    "1 min read",
    "It was the 2nd meeting and the 15th report.",
    "They come from a third country.",
])
def test_not_figures(text):
    assert tables_for(text)["figures"] == []


def test_heading_numbers_and_contents_are_not_figures():
    assert tables_for("3 Registered victims in the Netherlands 35", kind="heading")["figures"] == []
    contents = "2.1 Introduction 17 2.2 A national estimate 19 2.2.1 Reservations 19 2.2.2 Assumptions 21"
    assert tables_for(contents)["figures"] == []


# --- countries --------------------------------------------------------------------------------------------

def test_countries_names_adjectives_and_codes():
    rows = tables_for("Victims from Ukraine, Moldova and the Netherlands met Hungarian and Swiss-Hungarian "
                      "officials.", "BE, DE, EL, and GE.")["countries"]
    assert [(r["mention"], r["iso2"]) for r in rows] == [
        ("Ukraine", "UA"), ("Moldova", "MD"), ("the Netherlands", "NL"), ("Hungarian", "HU"), ("Swiss", "CH"),
        ("Hungarian", "HU"), ("BE", "BE"), ("DE", "DE"), ("EL", "GR"), ("GE", "GE")]
    assert rows[-2]["country"] == "Greece"


def test_regions_and_cities_are_not_countries():
    rows = tables_for("Victims came from Latin America, the Western Balkans, the Horn of Africa, North Africa, "
                      "Central African Republic and South Africa to Brussels and Kyiv.")["countries"]
    assert [r["iso2"] for r in rows] == ["CF", "ZA"]


def test_short_code_runs_in_prose_are_not_countries():
    assert tables_for("IT and HR staff met. AT, BE agreed.")["countries"] == []


# --- organisations ---------------------------------------------------------------------------------------------

def test_gazetteer_variants_and_case():
    rows = tables_for("EU Agencies (EUROPOL, Eurojust, EU Asylum Agency, Frontex, eu-Lisa) and UNODC, OSCE, "
                      "UNICEF met the LIBE Committee and the Directorate-General for Migration and Home Affairs.")[
        "organisations"]
    assert [(r["mention"], r["org_id"], r["source"]) for r in rows] == [
        ("EUROPOL", "europol", "gazetteer"), ("Eurojust", "eurojust", "gazetteer"),
        ("EU Asylum Agency", "euaa", "gazetteer"), ("Frontex", "frontex", "gazetteer"),
        ("eu-Lisa", "eu-lisa", "gazetteer"), ("UNODC", "unodc", "gazetteer"), ("OSCE", "osce", "gazetteer"),
        ("UNICEF", "unicef", "gazetteer"), ("LIBE Committee", "ep-libe", "gazetteer"),
        ("Directorate-General for Migration and Home Affairs", "dg-home", "gazetteer")]
    assert rows[2]["name"] == "European Union Agency for Asylum"
    assert rows[2]["type"] == "eu_agency"


def test_longest_name_wins_and_acronyms_are_case_sensitive():
    rows = tables_for("The Council of Europe and UN Women, not the iom or emn, met the European Union Agency for "
                      "Asylum.")["organisations"]
    assert [r["org_id"] for r in rows] == ["coe", "un-women", "euaa"]


def test_defined_acronyms_are_linked_across_blocks():
    rows = tables_for("The Nordic Anti-Trafficking Alliance (NATA) met in Oslo.", "NATA reported 12 cases.",
                      "Memorandums of Understanding (MoUs) were signed.")["organisations"]
    assert [(r["mention"], r["name"], r["source"]) for r in rows] == [
        ("Nordic Anti-Trafficking Alliance", "Nordic Anti-Trafficking Alliance", "acronym"),
        ("NATA", "Nordic Anti-Trafficking Alliance", "acronym"),
        ("NATA", "Nordic Anti-Trafficking Alliance", "acronym")]


def test_an_acronym_defined_for_a_gazetteer_body_gives_one_row_per_mention():
    rows = tables_for("The European Migration Network (EMN) published. The EMN study.")["organisations"]
    assert [(r["mention"], r["org_id"], r["source"]) for r in rows] == [
        ("European Migration Network", "emn", "gazetteer"), ("EMN", "emn", "gazetteer"), ("EMN", "emn", "gazetteer")]


def test_legal_acts_do_not_become_organisations_or_figures():
    tables = tables_for("Directive 2011/36/EU of the European Parliament and of the Council of 5 April 2011")
    assert [r["org_id"] for r in tables["organisations"]] == ["european-parliament"]
    assert tables["figures"] == []


# --- persons ---------------------------------------------------------------------------------------------------

def test_persons_with_roles():
    rows = tables_for(
        "The meeting was co-chaired by Diane Schmitt, EU Anti-Trafficking Coordinator and Matyas Hegyaljai from "
        "the Ministry of Interior of Hungary. It was opened by Magnus Brunner, Commissioner for Internal Affairs and "
        "Migration, Bence Rétvári, Deputy Minister of Interior of Hungary, and Olivier Onidi, Deputy Director "
        "General. Commissioner Magnus Brunner spoke.")["persons"]
    assert [(r["name"], r["role"]) for r in rows] == [
        ("Diane Schmitt", "EU Anti-Trafficking Coordinator"), ("Matyas Hegyaljai", None),
        ("Magnus Brunner", "Commissioner for Internal Affairs and Migration"),
        ("Bence Rétvári", "Deputy Minister of Interior of Hungary"), ("Olivier Onidi", "Deputy Director General"),
        ("Magnus Brunner", "Commissioner")]


def test_contact_block_role_comes_from_the_next_block():
    rows = entity_tables([document(("paragraph", "Mr. Magnus Ovilius"),
                                   ("paragraph", "Head of Sector, Chair of the EMN, European Commission"))],
                         model=None)["persons"]
    assert [(r["name"], r["role"]) for r in rows] == [("Magnus Ovilius", "Head of Sector, Chair of the EMN, "
                                                                          "European Commission")]


def test_places_and_organisations_are_not_persons():
    rows = tables_for("Brussels, Belgium. Latin America, Western Balkans. European Commission, Directorate-General "
                      "Home Affairs. Main Page, Skip to main content.")["persons"]
    assert rows == []


# --- with the statistical model ----------------------------------------------------------------------------------

@pytest.mark.model
@needs_model
def test_model_adds_organisations_but_rules_win():
    tables = tables_for("Participants from Europol, eu-Lisa, Ukraine and Moldova met the Ministry of Interior of "
                        "Hungary in Brussels. Nine countries took part in the Sahel.", model=DEFAULT_MODEL)
    orgs = {r["mention"]: r["source"] for r in tables["organisations"]}
    assert orgs.get("Europol") == "gazetteer" and orgs.get("eu-Lisa") == "gazetteer"
    assert orgs.get("Ministry of Interior of Hungary") in ("model", "rule")     # the head-noun rule names it too
    assert not {"Ukraine", "Moldova", "Brussels", "Nine", "Sahel"} & set(orgs)
    assert "eu-Lisa" not in {r["mention"] for r in tables["persons"]}


@pytest.mark.model
@needs_model
def test_model_pipeline_keeps_only_ner_and_sentences():
    from pipeline.entities.nlp import build_nlp

    nlp = build_nlp(DEFAULT_MODEL)
    assert nlp.pipe_names[0] == "sentencizer" and nlp.disabled == ["ner"]     # run by thb_model_ner
    assert nlp.pipe_names.index("thb_model_ner") == nlp.pipe_names.index("thb_persons") - 1
    assert not {"tagger", "parser", "lemmatizer", "attribute_ruler", "tok2vec"} & set(nlp.pipe_names)
    doc = nlp("Europol met Diane Schmitt, EU Anti-Trafficking Coordinator, in Moldova.")
    assert {(e.text, e.label_) for e in doc.ents} >= {("Europol", "ORG"), ("Moldova", "GPE"),
                                                      ("Diane Schmitt", "PERSON")}
    assert doc.ents[0]._.thb["org_id"] == "europol"
