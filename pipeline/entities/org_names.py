"""Organisations the rules can name without the gazetteer: names built on an organisation's head noun, and more.

Takes a block's text (and language); gives organisation hits with ``source`` "rule":

- names ending in a head noun ("Four Paths Police", "U.S. Attorney’s Office", "Al-Shifa Hospital",
  "Obstetrics and Gynecology Department") or led by one with a complement ("Ministry of Justice",
  "University of Houston", "ACLU Foundations of California", "Intergovernmental Panel on Climate Change");
  in German a capitalised adjective before the head ("Staatliche Wahlkommission", "Demokratische Partei
  der Albaner": German adjectives are capitalised only in names) and compounds ("Konrad-Adenauer-Stiftung");
- law firms: surnames listed after "law firm (of)" or before "LLP";
- a publication named with a capital "The" inside a sentence ("Follow The Gleaner on Twitter");
- brand-like names with a capital inside ("FiveThirtyEight", "DiEM25").

Possessives and trailing punctuation never stay in a name.  :func:`part_of_title` tells that a name
only opens a document's title ("UN Charter", "United Nations Sustainable Development Goals").
Document-wide rules (acronyms used as names, surnames, title-case headings) are in :mod:`.org_document`.
"""

from __future__ import annotations

import re

_HEADS_EN = frozenset("""police office court courts foundation foundations agency ministry hospital caucus department
    coalition university lab laboratory panel commission committee institute association network centre center
    bureau authority alliance federation magazine party council union service directorate tribunal clinic college
    academy trust society corporation company bank movement organisation organization inspectorate secretariat
    observatory team house government international times register herald tribune gazette chronicle telegraph
    courier""".split())     # and newspapers: "New York Times", "Des Moines Register"
# Heads that make a name only with a complement ("Ministry of Justice"), never alone after "the".
_LEADING_HEADS = frozenset("ministry university department office agency court foundation foundations institute "
                           "commission committee council bureau panel directorate secretariat house".split())
_HEADS_DE = ("kommission", "stiftung", "partei", "union", "ministerium", "amt", "gericht", "agentur", "behörde",
             "bewegung", "verband", "verein", "polizei", "allianz", "institut", "zentrum", "rat")
_EVENTS = frozenset("conference conferences summit congress meeting workshop symposium festival".split())
_ON_HEADS = frozenset("panel committee commission council group network forum observatory".split())
_OPENERS = frozenset("""the a an this that these those in at on for from by with to of and but or as after before since
    when while if like according his her their its our your my every each some many most all both other another
    former dear""".split())
# A capitalised word of a name: "Al-Shifa", "Attorney’s", "U.S.", "+972", "ACLU".
_WORD = r"(?:U\.S\.|U\.K\.|\+\d+|\d+[A-Za-z]+|[A-Z][\w’'&.-]{0,40}\w|[A-Z])"       # bounded: no quadratic scans
_CONNECTOR = r"(?:of|for|on|and|against|in)"
_TAIL = re.compile(rf"[ \t]+(?:{_CONNECTOR}[ \t]+)(?:the[ \t]+)?{_WORD}(?:[ \t]+(?:(?:and|for|of|on|the)[ \t]+)?{_WORD})*")
_POSSESSIVE = re.compile(r"(?:['’]s?|[\s.,;:(\[]+)$")
_DOCUMENT_WORDS = frozenset("""charter convention declaration agreement goals goal strategy directive regulation
    treaty protocol act report reports resolution framework deal plan programme program pact compact agenda
    statute""".split())


def find_named_orgs(text: str, language: str = "en") -> list[dict]:
    """Organisation names in ``text`` found by their head noun and the other rules above."""
    hits = _head_names(text) if language not in ("de",) else _german_names(text)
    hits += _law_firms(text) + _publications(text) + _brands(text) + _examples(text) + _quoted_coalitions(text)
    hits += _matched(_AFFILIATION, text) + _matched(_LEGISLATURE, text) + _matched(_PARTY, text)
    hits.sort(key=lambda h: (h["start"], -(h["end"] - h["start"])))
    kept: list[dict] = []
    for hit in hits:
        if not any(hit["start"] < k["end"] and k["start"] < hit["end"] for k in kept):
            kept.append(hit)
    return kept


def _hit(text: str, start: int, end: int) -> dict | None:
    name = text[start:end]
    stripped = _POSSESSIVE.sub("", name)
    while stripped != name:
        name, stripped = stripped, _POSSESSIVE.sub("", stripped)
    end = start + len(name)
    if not name or not re.search(r"[A-Za-zÀ-ÿ]{2}", name):
        return None
    return {"start": start, "end": end, "mention": name, "org_id": None, "name": " ".join(name.split()),
            "type": None, "source": "rule"}


_HEAD_RE = re.compile(r"\b(" + "|".join(sorted((h.capitalize() for h in _HEADS_EN), key=len, reverse=True))
                      + r")\b(?![-‑]\w)")
_WORD_BEFORE = re.compile(rf"({_WORD})[ \t]+$")
_NOT_TAIL = re.compile(r"[ \t]+\w+[ \t]+(?:the[ \t]+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
                       r"February|March|April|May|June|July|August|September|October|November|December)\b")


def _head_names(text: str) -> list[dict]:
    hits = []
    for match in _HEAD_RE.finditer(text):
        head_start, head_end = match.span()
        if re.match(r"[ \t]+[A-Z]", text[head_end:head_end + 2]):
            continue        # not the name's last word: "Cambridge Police Commissioner"
        start = _modifiers_start(text, head_start)
        tail = _TAIL.match(text, head_end)
        end = head_end
        if tail and re.match(r"[ \t]+on\b", tail.group()) and match[1].lower() not in _ON_HEADS:
            tail = None         # "Panel on Climate Change", not "Courier on Twitter"
        if tail and not re.match(r"[ \t]+(?:and|in)\b", tail.group()) and not _NOT_TAIL.match(tail.group()):
            end = tail.end()
        if start == head_start and (end == head_end or match[1].lower() not in _LEADING_HEADS) \
                or match[1] == "House" and end == head_end:
            continue        # a head alone ("Police said"), or one that needs modifiers
        words = text[start:end].split()
        if any(w.lower().strip("’'s") in _DOCUMENT_WORDS for w in words) or words[-1].lower() in _EVENTS:
            continue        # a document named after a body, or an event ("… Retrieval Conference")
        if hit := _hit(text, start, end):
            hits.append(hit)
    return hits


def _modifiers_start(text: str, head_start: int) -> int:
    """Where the capitalised words before a head begin ("Turkish Friendship" Hospital, "Obstetrics and Gynecology")."""
    start = head_start
    while True:
        before = _WORD_BEFORE.search(text, max(0, start - 60), start)
        if before and (before[1] in ("The", "A", "An") or start != head_start and re.search(r"['’]s?$", before[1])):
            break           # an article begins the name; a possessive stands only right before the head
        if before:
            start = before.start(1)
            continue
        joined = re.search(rf"({_WORD})[ \t]+(?:and|&)[ \t]+$", text[max(0, start - 60):start])
        if joined and start != head_start:
            start = start - len(joined.group())
            continue
        break
    # sentence openers and articles are not part of the name
    while start < head_start:
        first = re.match(r"\S+[ \t]+", text[start:head_start])
        if not first or first.group().strip().lower().rstrip(",") not in _OPENERS:
            break
        start += first.end()
    return start


_DE_ADJECTIVE = r"[A-ZÄÖÜ][a-zäöüß]+(?:e|en|er|es)"
_DE_NAME = re.compile(rf"(?<=[a-zäöüß,(„\"] )((?:{_DE_ADJECTIVE} )+)([A-ZÄÖÜ][\wäöüß-]*)"
                      rf"((?: (?:für|der|des|von|zur|zum)(?: die| der| den| das)? [A-ZÄÖÜ][\wäöüß-]+)?)")
_DE_LEADING = re.compile(r"\b(?:Allianz|Bewegung|Bündnis|Front|Liga|Union|Partei)[ \t]+für(?:[ \t]+(?:die|den|das))?"
                         r"[ \t]+[A-ZÄÖÜ][\wäöüß-]+")
_DE_COMPOUND = re.compile(r"\b(?:[A-ZÄÖÜ][a-zäöüß]+-)+(?:" + "|".join(h.capitalize() for h in _HEADS_DE) + r")\b")


def _german_names(text: str) -> list[dict]:
    hits = []
    for match in _DE_NAME.finditer(text):
        if not match[2].lower().endswith(_HEADS_DE):
            continue
        if hit := _hit(text, match.start(1), match.end(3) if match[3] else match.end(2)):
            hits.append(hit)
    return hits + _matched(_DE_COMPOUND, text) + _matched(_DE_LEADING, text)


_SURNAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_LAW_FIRM = re.compile(rf"\blaw firm(?: of)?[ \t]+({_SURNAME}(?:,?[ \t]+(?:and[ \t]+|&[ \t]+)?{_SURNAME})+)"
                       rf"|\b({_SURNAME}(?:,[ \t]+{_SURNAME})*,?[ \t]+(?:and|&)[ \t]+{_SURNAME}(?:,?[ \t]+(?:LLP|LLC|PLLC)))")


def _matched(pattern: re.Pattern, text: str, accept=lambda name: True) -> list[dict]:
    """A hit for each match of ``pattern``: its first group that matched (or the whole match) when ``accept``-ed."""
    hits = []
    for match in pattern.finditer(text):
        group = next((g for g in range(1, pattern.groups + 1) if match[g]), 0)
        if accept(match[group]) and (hit := _hit(text, match.start(group), match.end(group))):
            hits.append(hit)
    return hits


def _law_firms(text: str) -> list[dict]:
    return _matched(_LAW_FIRM, text)


# "The" with a capital inside a sentence: a title ("read The Intercept", "Follow The Gleaner on Twitter").
_TITLE = rf"{_WORD}(?:[ \t]+(?:(?:of|for|and)[ \t]+)?{_WORD}){{0,3}}"
_PUBLICATION = re.compile(rf"(?:(?:^|[\s(])[a-z]+,?[ \t]+|(?:^|[.!?][ \t]+)[A-Z][a-z]+[ \t]+(?=The[ \t]+{_TITLE}[ \t]+[a-z]))"
                          rf"The[ \t]+({_TITLE})")


def _publications(text: str) -> list[dict]:
    return _matched(_PUBLICATION, text, lambda name: not name[0].isdigit() and not any(
        w.lower().strip("’'s") in _DOCUMENT_WORDS for w in name.split()))


# A capital after a lower-case letter inside one word ("FiveThirtyEight", "DiEM25"); not "McAllister", "iPhone".
_BRAND = re.compile(r"(?<![\w@#/.-])(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O)[A-Z][a-z]+\b)[A-Z][a-z]+[A-Z][\w]*"
                    r"(?:\.(?:com|org|net))?(?![\w@/-])(?![ \t]+[A-Z])")
_PLATFORMS = frozenset("""YouTube LinkedIn WhatsApp TikTok PayPal iPhone iPad WeChat OneDrive SharePoint PowerPoint
    JavaScript GitHub DropBox SoundCloud""".split())


def _brands(text: str) -> list[dict]:
    return _matched(_BRAND, text, lambda name: name not in _PLATFORMS and len(name) >= 5)


# Bodies given as examples of their kind: "movements, like Fridays For Future and Extinction Rebellion",
# "international organisations, such as the ICRC, OHCHR and UNICEF", "resistance groups like Indivisible".
_KINDS = (r"(?:organi[sz]ations|movements|groups|NGOs|charities|associations|unions|parties|agencies|networks|"
          r"foundations|companies|firms|institutions|bodies)")
_EXAMPLE = rf"(?:the[ \t]+)?{_WORD}(?:[ \t]+(?:[A-Z][\w’'&.-]*\w|For|of|for))*"
_EXAMPLES = re.compile(rf"\b{_KINDS},?[ \t]+(?:like|such[ \t]+as|including)[ \t]+"
                       rf"({_EXAMPLE}(?:,[ \t]+{_EXAMPLE})*(?:,?[ \t]+(?:and|or)[ \t]+{_EXAMPLE})?)")


def _examples(text: str) -> list[dict]:
    hits = []
    for match in _EXAMPLES.finditer(text):
        offset = match.start(1)
        for part in re.finditer(r"[^,]+", match[1]):
            for name in re.finditer(r"(?:^|(?<=\s))(?!(?:the|and|or)\b)\S.*?(?=[ \t]+(?:and|or)[ \t]+|\s*$)", part.group()):
                start = offset + part.start() + name.start()
                if name.group().split()[-1][0].isupper() and (hit := _hit(text, start, start + len(name.group()))):
                    hits.append(hit)
    return hits


# A name in quotes right after the word for a coalition, alliance or list ("der Koalition „Wir können es“").
_QUOTED_COALITION = re.compile(r"\b(?:[Ww]ahlkoalition|[Kk]oalition|[Bb]ündnis|[Ll]iste|coalition|alliance|list|"
                               r"coalitie|lijst)[ \t]+[„“\"«‘]\s*([A-ZÀ-Þ][^“”\"»’„]{1,60}?)\s*[“”\"»’]")


def _quoted_coalitions(text: str) -> list[dict]:
    return _matched(_QUOTED_COALITION, text)


# Where a journalist works, and what is based somewhere: "a reporter at the Post and Courier", "managing editor
# of Iowa Starting Line", "the Charleston-based Post and Courier".
_CAP_RUN = rf"{_WORD}(?:[ \t]+(?:(?:and|of|for)[ \t]+)?{_WORD})*"
_AFFILIATION = re.compile(rf"\b(?:reporter|editor|correspondent|columnist|journalist|writer|producer|anchor)[ \t]+"
                          rf"(?:at|of|for|with)[ \t]+(?:the[ \t]+)?({_CAP_RUN})|\b[A-Z][\w.]{{0,40}}-based[ \t]+({_CAP_RUN})")
# A party named before the word "party": "the ruling Georgian Dream party", "the opposition Civic Platform party".
_PARTY = re.compile(rf"\b(?:ruling|governing|opposition|nationalist|populist|far-right|far-left|centrist)[ \t]+"
                    rf"({_WORD}(?:[ \t]+{_WORD})*)[ \t]+party\b")
# Chambers by their short names ("Speaking in the Commons").
_LEGISLATURE = re.compile(r"\bthe[ \t]+(Commons|Lords|Senate|Bundestag|Bundesrat|Sejm|Storting|Riksdag|Folketing|"
                          r"Eduskunta|Oireachtas|Dáil|Knesset|Duma|Verkhovna Rada|Tweede Kamer)\b")


def part_of_title(text: str, start: int, end: int) -> bool:
    """Whether the name at ``start:end`` opens a document's title ("UN Charter", "United Nations … Goals")."""
    following = re.match(rf"(?:[ \t]+{_WORD}){{1,4}}", text[end:end + 80])
    if not following:
        return False
    words = following.group().split()
    return any(w.lower() in _DOCUMENT_WORDS for w in words) and words[-1].lower() in _DOCUMENT_WORDS
