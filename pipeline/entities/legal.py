"""EU legal acts, Commission documents, CELEX numbers and ELI URIs, resolved to CELEX numbers.

"Directive 2011/36/EU", "Regulation (EU) No 604/2013", "COM(2021) 171 final" and links to
EUR-Lex or ELI all name a legal act, and so do "directive 2011/36/UE", "Richtlinie 2011/36/EU",
"Richtlijn 2011/36/EU" and "Verordnung (EU) Nr. 2016/794" in French, German and Dutch; the CELEX number is the one key that joins them, so every
reference is rewritten to it (a COM document next to "proposal for a directive" is a proposal, PC).
"""

from __future__ import annotations

import re


# --- legal references ------------------------------------------------------------------------------

_ACT_LETTER = {"directive": "L", "regulation": "R", "decision": "D", "framework decision": "F"}
# The act's type as written in English, French, German or Dutch -> its English name.
_ACT_TYPES = {
    "framework decision": r"Framework\s+Decisions?|(?i:décisions?-cadres?|rahmenbeschl(?:uss|üsse)|kaderbesluit(?:en)?)",
    "directive": r"Directives?|(?i:directives?|richtlinien?|richtlijn(?:en)?)",
    "regulation": r"Regulations?|(?i:règlements?|verordnung(?:en)?|verordening(?:en)?)",
    "decision": r"Decisions?|(?i:décisions?|beschl(?:uss|üsse)|entscheidung(?:en)?|besluit(?:en)?)",
}
_SUFFIXES = r"EU|EC|EEC|JHA|CFSP|Euratom|UE|CE|CEE|JAI|PESC|EG|EWG|JI|GASP|EEG|JBZ|GBVB"
_NUMBER_SIGN = r"No\.?|(?i:n°|nº|nr\.?|n\s?o)"
_ACT_NUMBER = (rf"(?:(?P<no>{_NUMBER_SIGN})\s*)?(?P<a>\d{{2,4}})/(?P<b>\d{{1,4}})(?:/(?P<suffix>{_SUFFIXES}))?"
               r"(?![\d/])")
_LEGAL_ACT = re.compile(
    r"\b(?P<type>" + "|".join(f"(?P<{kind.replace(' ', '_')}>{words})" for kind, words in _ACT_TYPES.items()) + r")\s+"
    r"(?:(?i:du\s+Conseil|des\s+Rates|van\s+de\s+Raad)\s+)?"
    r"(?:\((?:EU|EC|EEC|EU,\s*Euratom|Euratom|CFSP|JHA|UE|CE|CEE|EG|EWG|EEG)\)\s*)?" + _ACT_NUMBER)
# "Directives 2004/81/EC and 2011/36/EU": further numbers after a plural or a list
_ACT_MORE = re.compile(r"\s*(?:,|and|or|et|ou|und|oder|en|of)\s*(?:\((?:EU|EC|EEC|UE|CE|EG)\)\s*)?" + _ACT_NUMBER)
_COM_DOCUMENT = re.compile(r"\b(?P<kind>COM|SWD|SEC|JOIN)\s*(?:\(\s*(?P<y1>\d{4})\s*\)|/\s*(?P<y2>\d{4})\s*/)\s*"
                           r"(?P<n>\d{1,4})(?:\s+final)?")
_COM_LETTERS = {"COM": "DC", "SWD": "SC", "SEC": "SC", "JOIN": "JC"}
_PROPOSAL = re.compile(r"(?i)proposal\s+for\s+an?\s+(?:council\s+|new\s+)?(?:directive|regulation|decision)"
                       r"|(?i:proposition\s+de\s+(?:directive|règlement|décision)"
                       r"|vorschlag\s+für\s+(?:eine[nr]?\s+)?(?:richtlinie|verordnung|beschluss)"
                       r"|voorstel\s+voor\s+een\s+(?:richtlijn|verordening|besluit))")
_CELEX = re.compile(r"(?i:celex)(?:%3A|:|=|\s+(?:(?i:no\.?|number)\s*)?:?\s*)"
                    r"(?P<celex>[0-9CE]\d{4}[A-Z]{1,2}(?:\d{1,4}(?:\(\d{2}\))?|/TXT))(?![\w])")
_ELI = re.compile(r"data\.europa\.eu/eli/(?P<type>dir|reg|dec|dec_framw)(?:_impl|_del)?/(?P<year>\d{4})/(?P<n>\d{1,4})"
                  r"(?:/oj)?")
_ELI_LETTER = {"dir": "L", "reg": "R", "dec": "D", "dec_framw": "F"}


def find_legal_refs(text: str) -> list[dict]:
    """EU legal acts, Commission documents, CELEX numbers and ELI URIs in ``text``, with their CELEX."""
    hits = []
    for match in _LEGAL_ACT.finditer(text):
        kind = next(kind for kind in _ACT_TYPES if match[kind.replace(" ", "_")])
        hits.extend(_act_hits(text, match, kind))
    for match in _COM_DOCUMENT.finditer(text):
        year = match["y1"] or match["y2"]
        letters = _COM_LETTERS[match["kind"]]
        if letters == "DC" and _is_proposal(text, match.start(), match.end()):
            letters = "PC"
        hits.append(_legal_hit(match.start(), match.end(), text, f"5{year}{letters}{int(match['n']):04d}",
                               match["kind"].lower()))
    for match in _CELEX.finditer(text):
        hits.append(_legal_hit(match.start(), match.end(), text, match["celex"].upper(), "celex"))
    for match in _ELI.finditer(text):
        celex = f"3{match['year']}{_ELI_LETTER[match['type']]}{int(match['n']):04d}"
        hits.append(_legal_hit(match.start(), match.end(), text, celex, "eli"))
    return sorted(hits, key=lambda h: h["start"])


def _act_hits(text: str, match: re.Match, kind: str) -> list[dict]:
    hits = []
    celex = _act_celex(match, kind)
    if celex:
        hits.append(_legal_hit(match.start(), match.end(), text, celex, kind.replace(" ", "_")))
    position = match.end()
    while more := _ACT_MORE.match(text, position):
        celex = _act_celex(more, kind)
        if celex:
            hits.append(_legal_hit(more.start("no") if more["no"] else more.start("a"), more.end(), text, celex,
                                   kind.replace(" ", "_")))
        position = more.end()
    return hits


def _act_celex(match: re.Match, kind: str) -> str | None:
    a, b = match["a"], match["b"]
    if match["no"] and len(b) == 4 and _is_year(b):
        number, year = a, b     # "No 604/2013"; "Nr. 2019/1896" is year first, as below
    elif len(a) == 4 and _is_year(a):
        year, number = a, b
    elif len(b) == 4 and _is_year(b):
        number, year = a, b
    elif len(a) == 2 and match["suffix"]:
        year, number = ("19" if int(a) > 50 else "20") + a, b
    else:
        return None
    return f"3{year}{_ACT_LETTER[kind]}{int(number):04d}"


def _is_year(value: str) -> bool:
    return value.isdigit() and 1950 <= int(value) <= 2100


def _is_proposal(text: str, start: int, end: int) -> bool:
    return bool(_PROPOSAL.search(text, max(0, start - 160), start) or _PROPOSAL.search(text, end, end + 80))


def _legal_hit(start: int, end: int, text: str, celex: str, kind: str) -> dict:
    return {"start": start, "end": end, "celex": celex, "kind": kind, "mention": text[start:end]}
