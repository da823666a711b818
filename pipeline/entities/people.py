"""People with their roles, the model's organisations that survive the rules, and acronyms a document defines.

A capitalised run is a person only with a cue (a title, an honorific, a stated role or an
affiliation), since the model alone mistakes agency names and site chrome for people.  The
model's ORG entities are kept only when no rule contradicts them (not a country, region, city,
number or document).  "European Migration Network (EMN)" defines an acronym: every later "EMN"
in the document is then named by its long form.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .figures import MONTH, NUMBER_WORDS, text_before
from .gazetteer import Places
from .spans import SpanIndex, inside, overlaps, placed, spans_of
from pipeline.model import Block, Document


# --- people -----------------------------------------------------------------------------------------------

_HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. mx mx. dr dr. prof prof. mme mme. sir dame".split())
_TITLES = frozenset("""commissioner minister president vice-president director director-general deputy ambassador judge
    professor rapporteur coordinator co-ordinator chair chairperson chairman chairwoman secretary secretary-general
    mayor senator mep executive general special chief head commander inspector superintendent envoy
    representative governor king queen prince princess""".split())
_ROLE_WORDS = _TITLES | frozenset("""officer member adviser advisor prosecutor spokesperson spokesman spokeswoman
    manager counsellor analyst researcher expert founder co-founder lead leader ceo delegate attorney lawyer
    consultant liaison attaché attache dean fellow editor journalist chancellor premier speaker mp""".split())
_PARTICLES = frozenset("van von de der den du da di le la del dos ten ter al bin".split())
_ROLE_CUT = re.compile(r"[,;:()\[\]]|\.(?:\s|$)"
                       r"|\s(?:who|which|said|says|during|when|where|with|at\s+the|in\s+(?:his|her))\s"
                       r"|\s(?:and|&)\s+(?=[A-Z][\w'’-]+\s+[A-Z][\w'’-]+)")
# Capitalised words that are not names: chrome, document words and sentence openers.
NOT_NAME_WORDS = frozenset("""main page home skip content news article press release read more details publication
    date author contact email website twitter linkedin youtube facebook member members states state countries
    country observer strategy directive regulation decision report study charter convention protocol action plan
    agenda trafficking human beings rights fundamental government ministry interior justice affairs internal
    office department police court network platform centre center agency institute university foundation
    association committee group programme program project fund service services national international european
    global regional local federal royal public prosecution security migration asylum border coast guard labour
    labor social civil society rapporteurs coordinators mechanisms section chapter table figure annex introduction
    conclusion conclusions summary overview background methodology recommendations source total other trends title
    subject the this these that in on at for from with by and of to a an according however although while within
    based most many several some all following further new key part see also january february march april may june
    july august september october november december monday tuesday wednesday thursday friday saturday sunday
    union commission council parliament presidency republic kingdom island islands east west north south central
    eastern western northern southern anti victims victim children women men day week year years""".split())


def find_persons(text: str, model_ents: list[tuple[int, int, str]], blocked: list[tuple[int, int]],
                 not_names: frozenset[str]) -> list[dict]:
    """People named with a title, an honorific or a stated role; plus the model's PERSON entities."""
    candidates = [p for run in _title_case_runs(text) if (p := _rule_person(text, run, not_names))]
    candidates += [p for start, end, label in model_ents if label == "PERSON"
                   if (p := _model_person(text, start, end, not_names))]
    people: list[dict] = []
    for person in sorted(candidates, key=lambda p: (p["role"] is None, -(p["end"] - p["start"]))):
        if not overlaps(person["start"], person["end"], blocked + spans_of(people)):
            people.append(person)
    return sorted(people, key=lambda p: p["start"])


_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_NAME_RUN = re.compile(rf"(?:\b(?:Mr|Mrs|Ms|Mx|Dr|Prof|Mme)\.?\s)?(?<![^\s,;:.!?()\[\]\"“”/‘])[{_UPPER}][^\s,;:.!?()\[\]\"“”/]*"
                       rf"(?:\s(?:(?:{'|'.join(sorted(_PARTICLES))})\s)?[{_UPPER}][^\s,;:.!?()\[\]\"“”/]*)+")


def _title_case_runs(text: str) -> list[tuple[int, int]]:
    """Character spans of runs of capitalised words ("Commissioner Magnus Brunner", "Mr. Magnus Ovilius")."""
    runs = []
    for match in _NAME_RUN.finditer(text):
        current: list[tuple[int, int]] = []
        for chunk in re.finditer(r"\S+", match.group()):
            word = chunk.group()
            if _capitalised(word) or (not current and word.lower() in _HONORIFICS) or (current and word in _PARTICLES):
                current.append((match.start() + chunk.start(), match.start() + chunk.end()))
                continue
            runs.extend(_closed_run(current))
            current = []
        runs.extend(_closed_run(current))
    return runs


def _closed_run(chunks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(chunks[0][0], chunks[-1][1])] if len(chunks) >= 2 else []


def _capitalised(word: str) -> bool:
    return len(word) > 1 and word[0].isupper() and any(c.islower() for c in word[1:]) and word.replace("-", "")\
        .replace("'", "").replace("’", "").replace(".", "").isalpha()


def _rule_person(text: str, run: tuple[int, int], not_names: frozenset[str]) -> dict | None:
    start, end = run
    words = [w for w in re.finditer(r"\S+", text[start:end])]
    honorific = False
    # "Commissioner Magnus Brunner", "Mr. Magnus Ovilius", "Security and Justice Ivo Opstelten"
    while words and (words[0].group().lower() in _HONORIFICS | _TITLES or _not_name(words[0].group(), not_names)):
        honorific |= words.pop(0).group().lower() in _HONORIFICS
    return _person(text, [(start + w.start(), start + w.end()) for w in words], not_names, honorific)


def _model_person(text: str, start: int, end: int, not_names: frozenset[str]) -> dict | None:
    words = list(re.finditer(r"\S+", text[start:end]))
    honorific = False
    while words and words[0].group().lower() in _HONORIFICS | _TITLES:
        honorific |= words.pop(0).group().lower() in _HONORIFICS
    if not all(_capitalised(w.group()) or w.group() in _PARTICLES for w in words):
        return None
    return _person(text, [(start + w.start(), start + w.end()) for w in words], not_names, honorific)


def _person(text: str, words: list[tuple[int, int]], not_names: frozenset[str], honorific: bool) -> dict | None:
    """A person when the name looks like one and the text gives a cue: a role, a title, an honorific, an affiliation."""
    if not 2 <= len(words) <= 4 or not _plausible_name([text[s:e] for s, e in words], not_names):
        return None
    name_start, name_end = words[0][0], words[-1][1]
    role = _role_after(text, name_end) or _role_before(text, name_start)
    honorific = honorific or bool(re.search(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Mme)\.?\s+$", text_before(text, name_start, 6)))
    if not (role or honorific or re.match(r"\s+from\s+the\s+[A-Z]", text[name_end:name_end + 15])):
        return None
    return _person_hit(text, name_start, name_end, role)


def _not_name(word: str, not_names: frozenset[str]) -> bool:
    return any(p.lower() in not_names for p in re.split(r"[-'’]", word) if p)


def _role_before(text: str, name_start: int) -> tuple[str, int, int] | None:
    """A title written before the name: "Commissioner", "Minister of Security and Justice"."""
    window_start = max(0, name_start - 80)
    match = re.search(r"((?:[A-Z][\w'’-]*|of|for|and|the|on|in)(?:\s+(?:[A-Z][\w'’-]*|of|for|and|the|on|in))*)\s+$",
                      text[window_start:name_start])
    if not match:
        return None
    phrase = re.sub(r"^(?:(?:of|for|and|the|on|in)\s+)+", "", match[1])
    words = phrase.split()
    if not words or not words[-1][0].isupper() or words[-1].lower().strip(".") in _HONORIFICS:
        return None
    if not any(p.lower() in _TITLES for w in words for p in re.split(r"[-/]", w)):
        return None
    start = name_start - len(match[0]) + (len(match[1]) - len(phrase))
    return phrase, start, start + len(phrase)


def _plausible_name(words: list[str], not_names: frozenset[str]) -> bool:
    parts = [p.lower() for w in words for p in re.split(r"[-'’]", w) if p]
    return not any(p in not_names or p in _ROLE_WORDS or p in NUMBER_WORDS for p in parts) \
        and words[0] not in _PARTICLES and words[-1] not in _PARTICLES


def _role_after(text: str, position: int) -> tuple[str, int, int] | None:
    """The role after "Name, " and its span ("EU Anti-Trafficking Coordinator", "Deputy Minister of Interior")."""
    comma = re.match(r",\s+", text[position:position + 3])
    if not comma:
        return None
    start = position + comma.end()
    rest = text[start:start + 200]
    cut = _ROLE_CUT.search(rest)
    phrase = (rest[:cut.start()] if cut else rest).rstrip()
    words = phrase.split()
    if not words or len(words) > 15:
        return None
    if not (words[0][0].isupper() or words[0].lower() in ("the", "a", "an", "former", "acting")):
        return None
    parts = [p.lower() for w in words[:7] for p in re.split(r"[-/]", w)]
    return (phrase, start, start + len(phrase)) if any(p in _ROLE_WORDS for p in parts) else None


def _person_hit(text: str, start: int, end: int, role: str | tuple | None) -> dict:
    mention = text[start:end]
    alone = not re.sub(r"[\W_]|\b(?:Mr|Mrs|Ms|Dr|Prof|Mme)\b", "", text.replace(mention, ""))
    role_span = (role[1], role[2]) if isinstance(role, tuple) else None
    return {"start": start, "end": end, "name": " ".join(mention.split()),
            "role": role[0] if isinstance(role, tuple) else role, "mention": mention, "alone": alone,
            "role_span": role_span}


def next_block_role(block: Block | None) -> str | None:
    """A contact block: the name alone, the role on the next line ("Mr. Magnus Ovilius" / "Head of Sector ...")."""
    if block is None or len(block.text) > 250 or block.kind not in ("paragraph", "list_item"):
        return None
    first = re.split(r"[\s,]+", block.text.strip(), maxsplit=1)[0].lower()
    return block.text.strip() if first in _ROLE_WORDS else None


# --- organisations from the model ----------------------------------------------------------------

_NOT_ORG_HEADS = frozenset("""countries states nationals citizens members strategy directive regulation decision
    charter convention report study act treaty statute protocol agenda plan goals agencies organisations organizations
    institutions authorities bodies partners stakeholders ministries services networks platforms
    summit summits conference conferences olympics games festival""".split())  # events, not bodies
_EVENT_WORDS = frozenset("summit conference festival".split())
_ABSTRACT_HEADS = frozenset("rights freedoms liberties values principles".split())
_NOT_ORGS = frozenset("""NGO NGOs CSO CSOs THB EU MS NCP MoU MoUs COVID SDG SDGs GDP ICT AI CEO UAM ELI CELEX OJ ISBN
    DOI URL PDF HTML MEP MEPs Twitter Facebook Instagram WhatsApp LinkedIn YouTube TikTok Telegram
    UTC GMT BST CET CEST EET EEST CST CDT EST EDT PST PDT MST MDT""".split())  # time zones after a clock time
# EU budget programmes are named like bodies ("European Social Fund Plus") but are not organisations.
EU_FUND = re.compile(r"^(?:European|EU)\b.*\bFunds?\b|^(?:ERDF|ESF\+?|EAFRD|EAGF|AMIF|ISF|BMVI|EMFAF|JTF|EGF|RRF|CERV)$")
# A person's name glued to the next line's title ("Hana RAISSIPress Officer") in a contacts list.
_GLUED_NAME = re.compile(r"[A-Z]{2,}[A-Z][a-z]")
# A country's abbreviation the model leaves out of the name it belongs to.
_COUNTRY_PREFIX = re.compile(r"(?<![\w.])(?:U\.S\.|US|UK|EU)\s+$")
_MONTH_WORD = re.compile(MONTH.replace(")\\.?", ")\\b"))
_ORG_WORDS = frozenset("""agency network office organisation organization centre center committee commission council
    service ministry platform foundation institute association bureau court parliament police unit group
    directorate union fund authority department coalition alliance federation board secretariat inspectorate
    mission observatory forum trust society corporation company university college school bank party movement
    initiative partnership consortium taskforce team marechaussee community lab laboratory""".split()) | frozenset(
    # the same heads in French, German and Dutch, so that "Demokratische Partei der Albaner (DPA)" defines an acronym
    """agence office organisation commission conseil ministère fondation institut tribunal parti mouvement réseau
    agentur amt behörde kommission rat ministerium stiftung verein verband gericht partei bewegung netzwerk polizei
    agentschap bureau commissie raad ministerie stichting vereniging rechtbank partij beweging netwerk politie
    dienst inspectie""".split())


def model_organisations(text: str, model_ents: list[tuple[int, int, str]], blocked: list[tuple[int, int]],
                        places: list[tuple[int, int]], place_names: frozenset[str],
                        not_names: frozenset[str] = frozenset()) -> list[dict]:
    """The model's ORG entities that no rule contradicts (not a country, region, city, number, document or person).

    ``not_names``: words that never make a person's name; a model ORG made only of other capitalised
    words ("Nicolás Maduro") is taken for a person and dropped.
    """
    hits = []
    for ent_start, ent_end, label in model_ents:
        if label != "ORG":
            continue
        # "the Council of" -> "Council"; "Observer Countries'" -> "Observer Countries";
        # "International Criminal Court’s" -> "International Criminal Court"; "Georgian Dream party" -> "Georgian Dream"
        trimmed = re.search(r"^(?:the\s+)?(.*?)(?-i:\s+party)?(?:['’]s)?[\s'’]*(?:\s(?:of|and|for|the|in|on))*[\s'’.,;:(]*$",
                            text[ent_start:ent_end], re.I | re.S)
        name = trimmed[1]
        start = ent_start + trimmed.start(1)
        if country := _COUNTRY_PREFIX.search(text, max(0, start - 6), start):     # "U.S. District Court"
            name, start = text[country.start():start] + name, country.start()
        end = start + len(name)
        if not name or overlaps(start, end, blocked) or inside(start, end, places) or _crosses(start, end, places):
            continue
        if _plausible_org(name, place_names) and not _person_like(name, not_names):
            hits.append({"start": start, "end": end, "org_id": None, "name": " ".join(name.split()), "type": None,
                         "mention": name, "source": "model"})
    return hits


def _person_like(name: str, not_names: frozenset[str]) -> bool:
    """Two or three capitalised words, none an organisation's or a place's: a person, as in 'Nicolás Maduro'.

    So are people named together ("Grant and Ambersley"), each of one to three such words.
    """
    if _GLUED_NAME.search(name) or EU_FUND.search(name):
        return True     # not an organisation either way
    people = re.split(r"\s+(?:and|&)\s+", name)
    if len(people) > 1:
        return all(_name_words(person.split(), not_names) for person in people)
    return 2 <= len(name.split()) <= 3 and _name_words(name.split(), not_names)


def _name_words(words: list[str], not_names: frozenset[str]) -> bool:
    if not 1 <= len(words) <= 3 or not not_names:
        return False
    return all(re.fullmatch(r"[^\W\d_][^\W\d_'’-]*(?:-[^\W\d_]+)?", w) and w[0].isupper() and not w.isupper()
               and w.lower() not in not_names and w.lower() not in _ORG_WORDS for w in words)


def _crosses(start: int, end: int, spans) -> bool:
    return any(start < e and s < end and not (start <= s and e <= end) for s, e in spans)


def _plausible_org(text: str, place_names: frozenset[str]) -> bool:
    words = text.split()
    lowered = [w.lower().strip(".,") for w in words]
    if not words or text in place_names or text in _NOT_ORGS or not re.search(r"[A-Z]", text) or text[0].islower():
        return False
    if lowered[0] in NUMBER_WORDS or text[0].isdigit() or lowered[-1] in _NOT_ORG_HEADS:
        return False
    if len(lowered) > 2 and lowered[0] in _EVENT_WORDS and lowered[1] == "of":
        return False  # "Summit of the Americas": an event named after its place
    if any(w in ("directive", "regulation", "strategy", "charter", "convention") for w in lowered):
        return False
    has_org_word = any(w in _ORG_WORDS for w in lowered)
    if lowered[-1] in _ABSTRACT_HEADS and not has_org_word:
        return False  # "Fundamental Rights", cut from "the Charter of Fundamental Rights"; the Agency keeps its head word
    if (re.search(r"\d", text) or "," in text) and not has_org_word or _MONTH_WORD.search(text):
        return False
    if len(words) == 1:
        # one capitalised word ("Trafficking") is rarely a name; an acronym or "CoMensha" is,
        # but not a two-letter country code left over from a list ("NO and GE")
        return len(text) > 2 and any(c.isupper() for c in text[1:])
    return True


# --- acronyms defined in a document ----------------------------------------------------------------

_DEFINITION = re.compile(r"\(\s*(?P<short>[A-Za-z][\w&./-]*(?: [A-Z][\w&./-]*)?)\s*\)")
_CONNECTORS = frozenset("of for and the on against in to de des du la le del della van voor en für und der die dem den "
                         "het & -".split())
_NOT_ACRONYMS = frozenset({"EU"})


def find_definitions(text: str, places: Places) -> list[dict]:
    """"Long Form (LF)" pairs: the long form is the capitalised run before the parenthesis."""
    found = []
    for match in _DEFINITION.finditer(text):
        short = match["short"]
        upper = sum(c.isupper() for c in short)
        if upper < 2 or len(short) > 12 or short in _NOT_ACRONYMS or short.isupper() and short in places.list_codes:
            continue
        long_span = _long_form(text, match.start(), short)
        if long_span:
            found.append({"short": short, "long_start": long_span[0], "long_end": long_span[1],
                          "short_start": match.start("short"), "short_end": match.end("short")})
    return found


def _long_form(text: str, paren: int, short: str) -> tuple[int, int] | None:
    words = list(re.finditer(r"[\w'’&.-]+", text[max(0, paren - 160):paren]))
    offset = max(0, paren - 160)
    if not words or text[offset + words[-1].end():paren].strip():
        return None
    run: list[re.Match] = []
    for word in reversed(words):
        value = word.group()
        joined = not run or not text[offset + word.end():offset + run[0].start()].strip()
        if joined and (value[0].isupper() or (run and value.lower() in _CONNECTORS)):
            run.insert(0, word)
        else:
            break
    initials = list(run)
    while initials and not (initials[0].group()[0].isupper() and initials[0].group()[0].lower() == short[0].lower()
                            and initials[0].group().lower() != "the"):
        initials.pop(0)
    if initials:
        run = initials
    else:
        # a local acronym for a translated name: "Federal Criminal Police Office (BKA)"
        while run and (run[0].group().lower() in _CONNECTORS or not run[0].group()[0].isupper()):
            run.pop(0)
        if not (short.isupper() and is_org_name(" ".join(w.group() for w in run))):
            return None
    if len(run) < 2 and not (run and len(short) <= len(run[0].group()) // 2):
        return None
    return (offset + run[0].start(), offset + run[-1].end()) if run else None


def is_org_name(name: str) -> bool:
    return any(w.lower() in _ORG_WORDS for w in re.split(r"[\s-]+", name)) and not EU_FUND.search(name)


def link_acronyms(document: Document, block_results: dict[int, dict], rows: list[dict]) -> list[dict]:
    """Rows for every use of an acronym the document defines, named by its long form (source 'acronym')."""
    definitions: dict[str, dict] = {}
    for b in sorted(block_results):
        for definition in block_results[b]["acronyms"]:
            definitions.setdefault(definition["short"], dict(definition, block=b))
    if not definitions:
        return rows
    rows_by_span = _RowsBySpan(rows)
    for definition in definitions.values():
        block = document.blocks[definition["block"]]
        long_hit = {"start": definition["long_start"], "end": definition["long_end"]}
        rows_by_span.add_acronym(document.doc_id, block, block_results[definition["block"]]["sentences"], long_hit,
                                 definition)
    uses = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, sorted(definitions, key=len, reverse=True)))
                      + r")(?![\w-])")
    for b, result in block_results.items():
        block = document.blocks[b]
        for match in uses.finditer(block.text):
            hit = {"start": match.start(), "end": match.end()}
            rows_by_span.add_acronym(document.doc_id, block, result["sentences"], hit, definitions[match.group()])
    return list(rows_by_span.rows.values())


class _RowsBySpan:
    """A document's organisation rows keyed by span; acronym rows replace model rows, never gazetteer rows."""

    def __init__(self, rows: list[dict]):
        self.rows = {(r["start"], r["end"]): r for r in rows}
        self.keys = sorted(self.rows)
        self.gazetteer = SpanIndex([(r["start"], r["end"]) for r in rows if r["source"] in ("gazetteer", "short_form")])
        self.rules = [(r["start"], r["end"]) for r in rows if r["source"] == "rule"]   # kept when longer

    def add_acronym(self, doc_id: str, block: Block, sentences, hit: dict, definition: dict) -> None:
        start, end = block.start + hit["start"], block.start + hit["end"]
        if self.gazetteer.overlaps(start, end) or any(s <= start and end <= e and e - s > end - start for s, e in self.rules):
            return
        nearby = self.keys[bisect_right(self.keys, (start - 300,)):bisect_right(self.keys, (end,))]
        for key in [k for k in nearby if k[0] < end and start < k[1]]:
            del self.rows[key]          # a model guess gives way to the document's own definition
            self.keys.remove(key)
        hit = dict(hit, org_id=definition["org_id"], name=definition["name"], type=definition["type"],
                   mention=block.text[hit["start"]:hit["end"]], source="acronym")
        if (start, end) not in self.rows:
            self.keys.insert(bisect_right(self.keys, (start, end)), (start, end))
        self.rows[(start, end)] = placed(doc_id, block, sentences, hit)
