"""Organisation rows checked against the whole document: acronyms and names repeated, surnames, title-case headings.

A block alone cannot tell these; the document can:

- an acronym the document uses again and again, standing alone ("SDSM", "VMRO-DPMNE", "AA/A", "CBC"), is an
  organisation unless the document defines it as something else ("Genocide Convention (CPPCG)", "Framework
  for Income Taxation (BEFIT)", "the RESTORE law") or it is a common abbreviation (:data:`NOT_ORG_ACRONYMS`);
  so is the long form the document gives for it ("Demokratische Erneuerung (DOM)");
  the gazetteer's acronyms are found here too inside compounds the tokenizer keeps whole ("NATO-Mitgliedschaft");
- a name of several words a rule or a definition found once is the same body wherever else it stands alone
  (not the model's guesses, whose slips would multiply);
- a name the model takes for an organisation that is the surname of a person the document names
  ("Dr. Mustafa Al-Kahlot" … "Al-Kahlot said") is that person;
- in a heading written in title case every word looks like a name: the model's organisations there need an
  organisation's head word ("Blockade and Little Aid" is not one), and site chrome is not a name ("Submit News").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from .gazetteer import load_organisations, load_places
from .people import EU_FUND, find_definitions, is_org_name
from .spans import SpanIndex, placed
from pipeline.model import Document

# Abbreviations that are not organisations: units, currencies, formats, document series and identifiers,
# treaties, diseases.
NOT_ORG_ACRONYMS = frozenset("""NGO NGOS CSO THB EU MS NCP MOU COVID SARS HIV AIDS SDG SDGS GDP GNI ICT AI CEO CFO UAM
    ELI CELEX ISBN ISSN DOI URL PDF HTML XML RSS FAQ API USB GPS SMS DNA MEP MEPS TFEU TEU GDPR CFR EUR USD GBP CHF
    JPY CAD AUD UTC GMT BST CET CEST EET EEST EST EDT PST PDT CST CDT MST MDT COM SWD SEC JOIN OJ TV PM AM BC AD CCTV
    VAT GHG LGBT LGBTI LGBTIQ LGBTQ ICU OK ID PIN CV PR USA UAE PMID PMCID ORCID JEL ARXIV URN ISO""".split())
_ACRONYM = re.compile(r"(?<![\w/&.’'‑-])([A-Z][A-Z0-9]*(?:[-/&][A-Z][A-Z0-9]*)*)(?![\w’'‑])(?!-[a-zäöü])")
_ROMAN = re.compile(r"[IVXLCDM]+")


def document_organisations(document: Document, block_results: dict[int, dict], rows: dict[str, list[dict]]) -> None:
    """Adds the document's acronyms used as names to ``rows['organisations']`` and drops rows it contradicts."""
    orgs = rows["organisations"]
    not_orgs = _defined_otherwise(document)
    surnames = {p["name"].split()[-1] for p in rows["persons"]} | {p["name"] for p in rows["persons"]}
    orgs[:] = [r for r in orgs if not (r["source"] in ("model", "rule") and
                                       (r["mention"] in surnames or r["mention"] in not_orgs))]
    headings = SpanIndex(_title_case_headings(document))
    orgs[:] = [r for r in orgs if not (r["source"] == "model" and not is_org_name(r["mention"])
                                       and headings.overlaps(r["start"], r["end"])) and not _chrome(r)]
    orgs += _acronym_rows(document, block_results, rows, not_orgs)
    orgs += _long_forms(document, block_results, rows)
    orgs += _repeated_names(document, block_results, rows)


def _long_forms(document: Document, block_results: dict[int, dict], rows: dict[str, list[dict]]) -> list[dict]:
    """The long form a document gives for an acronym it uses as a name: "Demokratische Erneuerung (DOM)"."""
    used = {r["mention"] for r in rows["organisations"] if r["source"] == "document"}
    if not used:
        return []
    taken = SpanIndex([(r["start"], r["end"]) for name in ("organisations", "persons", "legal_refs") for r in rows[name]])
    found = []
    for b, block in enumerate(document.blocks):
        if b not in block_results or "(" not in block.text:
            continue
        for definition in find_definitions(block.text, load_places()):
            start, end = definition["long_start"], definition["long_end"]
            if definition["short"] in used and not taken.overlaps(block.start + start, block.start + end):
                name = " ".join(block.text[start:end].split())
                hit = {"start": start, "end": end, "mention": block.text[start:end], "org_id": None, "name": name,
                       "type": None, "source": "document"}
                found.append(placed(document.doc_id, block, block_results[b]["sentences"], hit))
    return found


def _repeated_names(document: Document, block_results: dict[int, dict], rows: dict[str, list[dict]]) -> list[dict]:
    """Names of several words found once in the document ("Iowa Starting Line"), wherever else they stand alone.

    Not inside a longer capitalised run: "Cambridge Police" is not named in "Cambridge Police Commissioner".
    """
    known: dict[str, dict] = {}
    for row in rows["organisations"]:
        if len(row["mention"].split()) >= 2 and row["source"] in ("rule", "acronym"):     # not the model's guesses
            known.setdefault(row["mention"], row)
    if not known:
        return []
    taken = SpanIndex([(r["start"], r["end"]) for name in ("organisations", "persons", "legal_refs") for r in rows[name]])
    names = "|".join(map(re.escape, sorted(known, key=len, reverse=True)))
    pattern = re.compile(rf"(?<![\w&-])(?:{names})(?![\w&-])(?![ \t]+[A-Z])")
    found = []
    for b, block in enumerate(document.blocks):
        if b not in block_results:
            continue
        for match in pattern.finditer(block.text):
            if taken.overlaps(block.start + match.start(), block.start + match.end()):
                continue
            row = known[match.group()]
            hit = {"start": match.start(), "end": match.end(), "mention": match.group(), "org_id": row["org_id"],
                   "name": row["name"], "type": row["type"], "source": "document"}
            found.append(placed(document.doc_id, block, block_results[b]["sentences"], hit))
    return found


_NOT_BODY = (r"(?:Convention|Charter|Framework|Deal|Plan|Strategy|Directive|Regulation|Agreement|Programme|Program|"
             r"Act|Treaty|Protocol|Goals|Report|Pact|Agenda|Initiative|Fund|Facility|Instrument|Mechanism|Taxation|"
             r"Support(?:[ \t]+to[ \t]+\w+)?)")
_DEFINED_AS = r"\b{body}\b[^()]{{0,40}}?\([\u201c\"\u2018']?([A-Z][A-Za-z&/-]+)[\u201d\"\u2019']?\)"
_DOCUMENT_AFTER = re.compile(r"[ \t]+(?:regulation|directive|law|proposal|programme|program|fund|plan|strategy|act|"
                             r"initiative|project|scheme|instrument|tool|system|database|regime|package|framework)\b")


def _defined_otherwise(document: Document) -> set[str]:
    """Acronyms the document gives for something that is not a body: "Genocide Convention (CPPCG)", "the RESTORE law"."""
    places = load_places()
    as_body, otherwise = set(), set()
    for block in document.blocks:
        text = block.text
        for match in re.finditer(_DEFINED_AS.format(body=_NOT_BODY), text):
            otherwise.add(match[1])
        for match in _ACRONYM.finditer(text):
            if _DOCUMENT_AFTER.match(text, match.end()):
                otherwise.add(match[1])
        if "(" in text:
            as_body.update(d["short"] for d in find_definitions(text, places)
                           if is_org_name(text[d["long_start"]:d["long_end"]]))
    return otherwise - as_body


# Site chrome the model takes for a name: "Submit News", "Sign Up", "Read More".
_CHROME_VERBS = frozenset("""submit subscribe sign follow read share donate login log register download print search join
    click view skip back send email tweet like""".split())


def _chrome(row: dict) -> bool:
    return row["source"] == "model" and row["mention"].split()[0].lower() in _CHROME_VERBS and not is_org_name(row["mention"])


def _title_case_headings(document: Document) -> list[tuple[int, int]]:
    spans = []
    for block in document.blocks:
        if block.kind == "heading":
            words = [w for w in re.findall(r"[^\W\d_]+", block.text) if len(w) > 3]
            if len(words) >= 2 and all(w[0].isupper() for w in words):
                spans.append((block.start, block.start + len(block.text)))
    return spans


def _acronym_rows(document: Document, block_results: dict[int, dict], rows: dict[str, list[dict]],
                  not_orgs: set[str]) -> list[dict]:
    places = load_places(language=document.language or "en")
    # the model's guesses without a head word give way ("CBC House" in "CBC House members")
    guesses = {(r["start"], r["end"]) for r in rows["organisations"] if r["source"] == "model" and not is_org_name(r["mention"])}
    taken = SpanIndex([(r["start"], r["end"]) for name in ("organisations", "persons", "legal_refs", "countries")
                       for r in rows[name] if (r["start"], r["end"]) not in guesses])
    uses: dict[str, list[tuple[int, int, int]]] = defaultdict(list)     # acronym -> (block, start, end)
    clean: dict[str, int] = defaultdict(int)
    for b, block in enumerate(document.blocks):
        if b not in block_results:
            continue
        for match in _ACRONYM.finditer(block.text):
            acronym = match[1]
            if not _acronym_like(acronym, places, not_orgs) or _in_caps_run(block.text, match.start(), match.end()):
                continue
            uses[acronym].append((b, match.start(), match.end()))
            before = block.text[max(0, match.start() - 30):match.start()]
            clean[acronym] += not re.search(r"[A-ZÀ-Þ][a-zà-ÿ]+[ \t]+$", before)     # "Kinga KOBESCAK": a surname
    found = []
    curated = _curated_acronyms()
    for acronym, places_used in uses.items():
        if (len(places_used) < 2 or clean[acronym] < 2) and acronym not in curated:
            continue
        for b, start, end in places_used:
            block = document.blocks[b]
            doc_start, doc_end = block.start + start, block.start + end
            if taken.overlaps(doc_start, doc_end):
                continue
            org = curated.get(acronym)
            hit = {"start": start, "end": end, "mention": acronym, "org_id": org and org.org_id,
                   "name": org.name if org else acronym, "type": org and org.type, "source": "document"}
            found.append(placed(document.doc_id, block, block_results[b]["sentences"], hit))
    if found and guesses:
        used = SpanIndex([(r["start"], r["end"]) for r in found])
        rows["organisations"][:] = [r for r in rows["organisations"]
                                    if (r["start"], r["end"]) not in guesses or not used.overlaps(r["start"], r["end"])]
    return found


@lru_cache(maxsize=1)
def _curated_acronyms() -> dict:
    """The gazetteer's acronyms, found here too where a compound hides them from it ("NATO-Mitgliedschaft")."""
    return {acronym: org for org in load_organisations() for acronym in org.acronyms}


def _acronym_like(acronym: str, places, not_orgs: set[str]) -> bool:
    letters = re.sub(r"[^A-Z]", "", acronym)
    if len(letters) < 3 or acronym in not_orgs or acronym.upper() in NOT_ORG_ACRONYMS or _ROMAN.fullmatch(acronym) \
            or EU_FUND.search(acronym):
        return False
    return acronym not in places.countries and acronym not in places.demonyms and acronym not in places.cities


def _in_caps_run(text: str, start: int, end: int) -> bool:
    """A word of a heading written in capitals ("JOINT MOTION FOR A RESOLUTION"): three or more in a row."""
    left = re.search(r"(?:[A-ZÀ-Þ0-9&/-]+[ \t]+)*$", text[max(0, start - 80):start]).group().split()
    right = re.match(r"(?:[ \t]+[A-ZÀ-Þ0-9&/-]+(?![\w]))*", text[end:end + 80]).group().split()
    return len(left) + len(right) >= 2
