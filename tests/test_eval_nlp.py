"""Evaluation gate for the entity and figure stage: scores against known answers, floors in floors_nlp.toml.

Three sources: fixture documents written for this test (every expected row listed, so precision is
measured too), the gold files of ../shared/seeds, and the yearly counts of the Dutch National
Rapporteur's quantitative report (P0104D05) in ../shared/corpus.  Scores are printed (run with -s);
a score below its recorded floor, or a forbidden match above its maximum, fails the test.
"""

from __future__ import annotations

import importlib.util
import json
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from conftest import shared_path

from pipeline.model import Block, Extraction, assemble
from pipeline.entities.nlp import DEFAULT_MODEL, entity_tables

FLOORS = tomllib.loads((Path(__file__).with_name("floors_nlp.toml")).read_text(encoding="utf-8"))
needs_model = pytest.mark.skipif(importlib.util.find_spec(DEFAULT_MODEL) is None,
                                 reason=f"spaCy model {DEFAULT_MODEL} is not installed")

# Every organisation, country, person, legal act and figure a careful reader finds in these texts.
FIXTURES = [
    {
        "doc_id": "news",
        "blocks": [
            ("paragraph", "Brussels, 18 October 2024"),
            ("paragraph", "Today the European Commission published its fifth progress report on the fight against "
                          "trafficking in human beings. According to the report, 10,093 victims were registered in "
                          "the EU in 2022, an increase of 41% compared to 2021. Sexual exploitation remained the most "
                          "common form (around 56% of victims)."),
            ("paragraph", "Ylva Johansson, Commissioner for Home Affairs, said that Europol and Eurojust supported "
                          "250 joint investigations."),
            ("paragraph", "Most victims came from Romania, Hungary and Nigeria; Bulgarian and Ukrainian nationals "
                          "followed. Victims from the Western Balkans and Latin America were also detected."),
            ("paragraph", "The report is adopted under Article 20 of Directive 2011/36/EU and accompanies the "
                          "Commission Staff Working Document SWD(2024) 255 final."),
        ],
        "orgs": ["European Commission", "Europol", "Eurojust"],
        "countries": ["RO", "HU", "NG", "BG", "UA"],
        "persons": [("Ylva Johansson", "Commissioner for Home Affairs")],
        "legal": ["32011L0036", "52024SC0255"],
        "figures": [
            ("10,093", 10093, "count", 2022, 2022, None, "victims", "body"),
            ("41%", 41, "percent", 2022, 2022, None, None, "body"),
            ("56%", 56, "percent", None, None, "around", "victims", "body"),
            ("250", 250, "count", None, None, None, "joint investigations", "body"),
        ],
        "not_figures": ["18 October 2024", "Article 20", "2011/36", "SWD(2024) 255"],
        "forbidden_orgs": ["Brussels", "Romania", "Western Balkans", "Latin America"],
    },
    {
        "doc_id": "report",
        "blocks": [
            ("heading", "2 Registered victims"),
            ("paragraph", "In 2023, the national rapporteur recorded 1,432 possible victims, more than half of them "
                          "women. Almost a quarter (24%) were minors, compared with 19% in 2022."),
            ("paragraph", "The Public Prosecution Service (PPS) registered 281 cases in 2019 and 217 cases in 2020. "
                          "The PPS also issued summonses in 172 cases over the period 2019-2020."),
            ("footnote", "Number of convictions: 2019: 98, 2020: 104, 2021: 121."),
            ("footnote", "See GRETA, Third evaluation round, p. 44, and UNODC, Global Report on Trafficking in "
                         "Persons 2022, Chapter 3."),
            ("paragraph", "Cooperation with the International Organization for Migration (IOM) and the OSCE Office "
                          "for Democratic Institutions and Human Rights was reinforced in Moldova and Georgia."),
        ],
        "orgs": ["Public Prosecution Service", "PPS", "PPS", "GRETA", "UNODC",
                 "International Organization for Migration", "IOM",
                 "OSCE Office for Democratic Institutions and Human Rights"],
        "countries": ["MD", "GE"],
        "persons": [],
        "legal": [],
        "figures": [
            ("1,432", 1432, "count", 2023, 2023, None, "possible victims", "body"),
            ("half", 0.5, "fraction", 2023, 2023, "more than", None, "body"),
            ("24%", 24, "percent", 2023, 2023, None, None, "body"),
            ("19%", 19, "percent", 2022, 2022, None, None, "body"),
            ("281", 281, "count", 2019, 2019, None, "cases", "body"),
            ("217", 217, "count", 2020, 2020, None, "cases", "body"),
            ("172", 172, "count", 2019, 2020, None, "cases", "body"),
            ("98", 98, "count", 2019, 2019, None, "convictions", "footnote"),
            ("104", 104, "count", 2020, 2020, None, "convictions", "footnote"),
            ("121", 121, "count", 2021, 2021, None, "convictions", "footnote"),
        ],
        "not_figures": ["2 Registered", "p. 44", "Chapter 3", "Persons 2022"],
        "forbidden_orgs": ["Moldova", "Georgia"],
    },
    {
        "doc_id": "web",
        "blocks": [
            ("heading", "New EU rules against trafficking enter into force"),
            ("paragraph", "The revised Anti-Trafficking Directive (EU) 2024/1712 entered into force on 14 July 2024. "
                          "Member States have until 15 July 2026 to transpose it."),
            ("paragraph", "Diane Schmitt, EU Anti-Trafficking Coordinator, presented the new rules to the LIBE "
                          "Committee."),
            ("comment", "Great news! In my town at least 30 women were exploited last year."),
            ("comment", "Why does it take two years? – Jan"),
        ],
        "orgs": ["EU Anti-Trafficking Coordinator", "LIBE Committee"],
        "countries": [],
        "persons": [("Diane Schmitt", "EU Anti-Trafficking Coordinator")],
        "legal": ["32024L1712"],
        "figures": [
            ("30", 30, "count", None, None, "at least", "women", "comment"),
            ("two", 2, "count", None, None, None, "years", "comment"),
        ],
        "not_figures": ["14 July 2024", "15 July 2026", "2024/1712"],
        "forbidden_orgs": ["Jan"],
    },
    {
        "doc_id": "ngo",
        "blocks": [
            ("paragraph", "The Swiss-Hungarian project, funded with €1.2 million, trained 3,500 frontline workers "
                          "between 2019 and 2021."),
            ("paragraph", "La Strada International and ECPAT International estimate that one in four victims is a "
                          "child."),
            ("paragraph", "The Chance for Families 2005 Foundation in Vienna supported 75 families."),
            ("paragraph", "Cooperation with EU agencies was reported by 11 countries (AT, BE, DE, EL, FR, IT, NL, PL, "
                          "SE, SI and GE)."),
        ],
        "orgs": ["La Strada International", "ECPAT International", "Chance for Families 2005 Foundation"],
        "countries": ["CH", "HU", "AT", "BE", "DE", "GR", "FR", "IT", "NL", "PL", "SE", "SI", "GE"],
        "persons": [],
        "legal": [],
        "figures": [
            ("€1.2 million", 1_200_000, "currency", 2019, 2021, None, None, "body"),
            ("3,500", 3500, "count", 2019, 2021, None, "frontline workers", "body"),
            ("one in four", 0.25, "fraction", None, None, None, "victims", "body"),
            ("75", 75, "count", None, None, None, "families", "body"),
            ("11", 11, "count", None, None, None, "countries", "body"),
        ],
        "not_figures": ["2005"],
        "forbidden_orgs": ["Vienna", "Swiss-Hungarian"],
    },
]
FIXTURES.append({
    "doc_id": "article",
    "blocks": [
        ("paragraph", "Speaking in Vienna on 30 July, UNODC Executive Director Ghada Waly said that children account "
                      "for one in three detected victims worldwide."),
        ("paragraph", "The Global Report covers 141 countries and some 69,000 victims detected between 2020 and 2023; "
                      "women and girls made up 61 percent of them."),
        ("paragraph", "In Germany, the Federal Criminal Police Office (BKA) opened 534 investigations in 2023, up "
                      "12.8% on the previous year."),
        ("paragraph", "Nearly 2,000 Ukrainian women were identified as presumed victims, according to the French and "
                      "Polish authorities."),
        ("footnote", "Council of Europe Convention on Action against Trafficking in Human Beings, CETS No. 197, "
                     "Warsaw, 16.V.2005."),
        ("comment", "My cousin paid 3000 euros to a recruiter in Lagos."),
        ("paragraph", "Twelve Member States have still not transposed Regulation (EU) 2019/1896, according to "
                      "Frontex."),
    ],
    "orgs": ["UNODC", "Federal Criminal Police Office", "BKA", "Council of Europe", "Frontex"],
    "countries": ["DE", "UA", "FR", "PL"],
    "persons": [("Ghada Waly", "UNODC Executive Director")],
    "legal": ["32019R1896"],
    "figures": [
        ("one in three", 0.3333, "fraction", None, None, None, "detected victims", "body"),
        ("141", 141, "count", None, None, None, "countries", "body"),
        ("69,000", 69000, "count", 2020, 2023, "some", "victims", "body"),
        ("61 percent", 61, "percent", 2020, 2023, None, None, "body"),
        ("534", 534, "count", 2023, 2023, None, "investigations", "body"),
        ("12.8%", 12.8, "percent", 2023, 2023, None, None, "body"),
        ("2,000", 2000, "count", None, None, "nearly", "Ukrainian women", "body"),
        ("3000 euros", 3000, "currency", None, None, None, None, "comment"),
        ("Twelve", 12, "count", None, None, None, "Member States", "body"),
    ],
    "not_figures": ["30 July", "No. 197", "16.V.2005", "2019/1896"],
    "forbidden_orgs": ["Vienna", "Lagos", "Germany", "Global Report"],
})
FIGURE_FIELDS = ("mention", "value", "unit", "period_start", "period_end", "qualifier", "subject", "section")

# Yearly counts in the footnotes of the Dutch National Rapporteur's report (2007-2011).
NRM_SERIES = {
    "victims reported to CoMensha": [716, 826, 909, 993, 1222],
    "cases handled by the PPS": [176, 270, 180, 210, 267],
    "summonses": [136, 186, 118, 155, 189],
    "decisions in first instance": [115, 152, 132, 135, 129],
    "convictions": [73, 78, 69, 79, 75],
    "sentences": [69, 73, 58, 74, 67],
    "suspects (top countries of birth)": [199, 143, 107, 182, 197],
}


# --- scoring --------------------------------------------------------------------------------------------

def precision_recall(found: Counter, expected: Counter) -> tuple[float, float]:
    hits = sum((found & expected).values())
    return (hits / sum(found.values()) if found else 1.0), (hits / sum(expected.values()) if expected else 1.0)


def fixture_scores(model: str | None) -> dict[str, float]:
    docs = [assemble(f["doc_id"], Extraction(blocks=[Block(kind, text) for kind, text in f["blocks"]]))
            for f in FIXTURES]
    tables = entity_tables(docs, model=model)
    found: dict[str, Counter] = {key: Counter() for key in ("orgs", "countries", "persons", "legal", "figures")}
    expected: dict[str, Counter] = {key: Counter() for key in found}
    roles, attributes, violations = [], [], Counter()
    for fixture, doc in zip(FIXTURES, docs):
        rows = {name: [r for r in table if r["doc_id"] == doc.doc_id] for name, table in tables.items()}
        found["orgs"].update((doc.doc_id, r["mention"]) for r in rows["organisations"])
        expected["orgs"].update((doc.doc_id, m) for m in fixture["orgs"])
        found["countries"].update((doc.doc_id, r["iso2"]) for r in rows["countries"])
        expected["countries"].update((doc.doc_id, c) for c in fixture["countries"])
        found["persons"].update((doc.doc_id, r["name"]) for r in rows["persons"])
        expected["persons"].update((doc.doc_id, name) for name, _ in fixture["persons"])
        found["legal"].update((doc.doc_id, r["celex"]) for r in rows["legal_refs"])
        expected["legal"].update((doc.doc_id, c) for c in fixture["legal"])
        found["figures"].update((doc.doc_id, r["mention"]) for r in rows["figures"])
        expected["figures"].update((doc.doc_id, f[0]) for f in fixture["figures"])
        roles += [_role_matches(rows["persons"], name, role) for name, role in fixture["persons"]]
        attributes += _attribute_matches(rows["figures"], fixture["figures"])
        violations["not_figures"] += _not_figures_found(doc.text, rows["figures"], fixture["not_figures"])
        violations["forbidden_orgs"] += sum(r["mention"] in fixture["forbidden_orgs"] for r in rows["organisations"])
    scores = {}
    for key in found:
        scores[f"{key}_precision"], scores[f"{key}_recall"] = precision_recall(found[key], expected[key])
    scores["person_role_accuracy"] = sum(roles) / len(roles)
    scores["figure_attribute_accuracy"] = sum(attributes) / len(attributes)
    scores["not_figures_found"] = violations["not_figures"]
    scores["forbidden_orgs_found"] = violations["forbidden_orgs"]
    return scores


def _role_matches(rows, name, role) -> bool:
    return any(r["name"] == name and r["role"] == role for r in rows)


def _attribute_matches(rows, expected_figures) -> list[bool]:
    """One entry per expected attribute: right when a row with the same mention carries the same value."""
    results = []
    unused = list(rows)
    for expected in expected_figures:
        row = next((r for r in unused if r["mention"] == expected[0]), None)
        if row is not None:
            unused.remove(row)
        for field, value in zip(FIGURE_FIELDS[1:], expected[1:]):
            results.append(row is not None and _same(row[field], value))
    return results


def _same(got, value) -> bool:
    if isinstance(value, float) and got is not None:
        return abs(got - value) < 1e-3
    return got == value


def _not_figures_found(text: str, figures, not_figures) -> int:
    spans = []
    for phrase in not_figures:
        start = text.find(phrase)
        while start >= 0:
            spans.append((start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    return sum(any(r["start"] < e and s < r["end"] for s, e in spans) for r in figures)


def seed_scores(model: str | None) -> dict[str, float]:
    from pipeline.extract.markdown import extract_markdown

    seeds = shared_path("seeds")
    docs, golds = [], []
    for number in ("000", "001"):
        gold = json.loads((seeds / "gold" / f"{number}.json").read_text(encoding="utf-8"))
        docs.append(assemble(number, extract_markdown((seeds / gold["seed"]).read_bytes())))
        golds.append(gold)
    tables = entity_tables(docs, model=model)
    counts: Counter = Counter()
    for doc, gold in zip(docs, golds):
        rows = {name: [r for r in table if r["doc_id"] == doc.doc_id] for name, table in tables.items()}
        _score_seed(doc, gold, rows, counts)
    return {
        "orgs_recall": counts["orgs_hit"] / counts["orgs"],
        "persons_recall": counts["persons_hit"] / counts["persons"],
        "countries_recall": counts["countries_hit"] / counts["countries"],
        "legal_recall": counts["legal_hit"] / counts["legal"],
        "legal_precision": counts["legal_hit"] / counts["legal_found"],
        "figures_recall": counts["figures_hit"] / counts["figures"],
        "forbidden_orgs_found": counts["forbidden"],
        "not_figures_found": counts["not_figures"],
    }


def _score_seed(doc, gold: dict, rows: dict, counts: Counter) -> None:
    names = {v.lower() for r in rows["organisations"] for v in (r["name"], r["mention"])}
    counts["orgs"] += len(gold.get("orgs_required", []))
    counts["orgs_hit"] += sum(o.lower() in names for o in gold.get("orgs_required", []))
    counts["forbidden"] += sum(r["mention"].lower() in {f.lower() for f in gold.get("orgs_forbidden", [])}
                               for r in rows["organisations"])
    persons = {r["name"] for r in rows["persons"]}
    counts["persons"] += len(gold.get("persons", []))
    counts["persons_hit"] += sum(p in persons for p in gold.get("persons", []))
    countries = {r["iso2"] for r in rows["countries"]}
    counts["countries"] += len(gold.get("countries_in_text", []))
    counts["countries_hit"] += sum(c in countries for c in gold.get("countries_in_text", []))
    celex = {r["celex"] for r in rows["legal_refs"]}
    counts["legal"] += len(gold.get("legal_refs_celex", []))
    counts["legal_hit"] += len(celex & set(gold.get("legal_refs_celex", [])))
    counts["legal_found"] += len(celex) if gold.get("legal_refs_celex") else 0
    counts["figures"] += len(gold.get("figures", []))
    counts["figures_hit"] += sum(any(_gold_figure_matches(r, g) for r in rows["figures"])
                                 for g in gold.get("figures", []))
    counts["not_figures"] += _not_figures_found(doc.text, rows["figures"], gold.get("not_figures", []))


def _gold_figure_matches(row: dict, gold: dict) -> bool:
    if row["unit"] != gold["unit"] or row["value"] != pytest.approx(gold["value"]):
        return False
    if "qualifier" in gold and row["qualifier"] != gold["qualifier"]:
        return False
    if "year" in gold:
        first, _, last = gold["year"].partition("-")
        return (row["period_start"], row["period_end"]) == (int(first), int(last or first))
    return True


def nrm_scores(model: str | None) -> dict[str, float]:
    from pipeline.extract.pdf.blocks import extract_pdf

    pdf = shared_path("corpus", "pdf", "thb_dutch_rapporteur",
                      "NR_P0104D05_THB_visible_invisible_quantitative_2007-2011.pdf")
    doc = assemble("P0104D05", extract_pdf(pdf.read_bytes()))
    figures = entity_tables([doc], model=model)["figures"]
    found = {(r["value"], r["period_start"], r["period_end"]) for r in figures if r["unit"] == "count"}
    wanted = [(float(v), year, year) for counts in NRM_SERIES.values() for year, v in zip(range(2007, 2012), counts)]
    return {"yearly_counts_recall": sum(w in found for w in wanted) / len(wanted)}


# --- the gate ------------------------------------------------------------------------------------------------

def check_floors(section: str, scores: dict[str, float]) -> None:
    floors = FLOORS[section]
    print(f"\n[{section}]")
    for name, value in sorted(scores.items()):
        print(f"  {name:28s} {value:.3f}   floor {floors.get(name, '-')}")
    failures = []
    for name, floor in floors.items():
        value = scores[name]
        below = value > floor if name.endswith("_found") else value < floor
        if below:
            failures.append(f"{name} = {value:.3f} (floor {floor})")
    assert not failures, f"{section}: " + "; ".join(failures)
    assert set(floors) == set(scores), "every score needs a floor in floors_nlp.toml"


def test_fixtures_rules_only():
    check_floors("fixtures_blank", fixture_scores(None))


@pytest.mark.model
@needs_model
def test_fixtures_with_model():
    check_floors("fixtures_model", fixture_scores(DEFAULT_MODEL))


@pytest.mark.shared
def test_seed_gold_rules_only():
    check_floors("seeds_blank", seed_scores(None))


@pytest.mark.shared
@pytest.mark.model
@needs_model
def test_seed_gold_with_model():
    check_floors("seeds_model", seed_scores(DEFAULT_MODEL))


@pytest.mark.shared
def test_nrm_report_yearly_counts():
    check_floors("nrm_blank", nrm_scores(None))
