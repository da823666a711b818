"""EU institutions by their short forms: "the Council", "the Commission", "Parliament", "la Commission", "der Rat".

Takes a block's text and language; gives organisation hits linked to the gazetteer's institutions
(:func:`find_short_forms`).  A short form names the EU institution only in a document about the
EU, which :func:`eu_context` tells from the whole document; elsewhere "the Commission" may be a
national one, so the caller drops the hits.  "the European Council" is the gazetteer's own longer
match and stays apart from "the Council" (the Council of the European Union).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import load_organisations

# (pattern with the mention as group 1, org_id), by language.  A capitalised word after the noun
# makes it an attribute ("the Commission Staff Working Document"), not the institution.
_NOT_AFTER_EN = r"(?![ \t]+(?:of|on|for)\b)(?![ \t]+[A-Z])"
_SHORT_FORMS = {
    "en": [(r"\b[Tt]he\s+(Council)\b" + _NOT_AFTER_EN, "council-eu"),
           (r"\b[Tt]he\s+(Commission)\b" + _NOT_AFTER_EN, "european-commission"),
           # after a lower-case word or at a sentence's start: "the Georgian Parliament" is not the EP
           (r"(?:^|(?<=[.!?:;“\"(]\s)|(?<=[a-z,]\s))(?<!national\s)(?<!regional\s)(?<!federal\s)(Parliament)\b"
            + _NOT_AFTER_EN, "european-parliament")],
    "fr": [(r"\b(?:[Ll]a|[Dd]e\s+la|[Àà]\s+la)\s+(Commission)\b(?![ \t]+(?:de|des|du|d['’]|pour|sur|chargée)\b)"
            r"(?![ \t]+[A-Z])", "european-commission"),
           (r"\b(?:[Ll]e|[Dd]u|[Aa]u)\s+(Conseil)\b(?![ \t]+(?:de|des|d['’]|national|municipal|régional)\b)"
            r"(?![ \t]+[A-Z])", "council-eu"),
           (r"\b(?:[Ll]e|[Dd]u|[Aa]u)\s+(Parlement)\b(?![ \t]+(?:national|régional|fédéral|\w+(?:ais|ois|ien|ique|and)\b))"
            r"(?![ \t]+[A-Z])", "european-parliament")],
    "de": [(r"\b(?:[Dd]ie|[Dd]er)\s+(Kommission)\b(?![ \t]+(?:für|zur|zum|der|des)\b)", "european-commission"),
           (r"\b(?:[Dd]er|[Dd]en|[Dd]em|[Dd]es)\s+(Rat(?:es|s)?)\b(?![ \t]+(?:der|des|für|von)\b)", "council-eu"),
           (r"\b(?:[Dd]as|[Dd]es|[Dd]em)\s+(Parlament(?:s)?)\b", "european-parliament")],
    "nl": [(r"\b[Dd]e\s+(Commissie)\b(?![ \t]+(?:voor|van|inzake)\b)", "european-commission"),
           (r"\b[Dd]e\s+(Raad)\b(?![ \t]+(?:van|voor)\b)", "council-eu"),
           (r"\b[Hh]et\s+(Parlement)\b(?![ \t]+(?:van|voor)\b)", "european-parliament")],
}
# Words that show a document is about the EU, in the four languages.
_EU_CONTEXT = re.compile(r"\b(?:EU|UE|European\s+Union|Union\s+européenne|Europäische[n]?\s+Union|Europese\s+Unie"
                         r"|MEPs?|eurodéputés?|Member\s+States|États\s+membres|Mitgliedstaaten|lidstaten)\b")


@lru_cache(maxsize=8)
def _patterns(language: str) -> list[tuple[re.Pattern, object]]:
    orgs = {org.org_id: org for org in load_organisations()}
    return [(re.compile(pattern), orgs[org_id]) for pattern, org_id in _SHORT_FORMS.get(language, _SHORT_FORMS["en"])]


def find_short_forms(text: str, language: str = "en") -> list[dict]:
    """EU institutions named by their short form in ``text`` (only English ones for other languages)."""
    hits = []
    for pattern, org in _patterns(language):
        for match in pattern.finditer(text):
            hits.append({"start": match.start(1), "end": match.end(1), "mention": match[1], "org_id": org.org_id,
                         "name": org.name, "type": org.type, "source": "short_form"})
    return sorted(hits, key=lambda h: h["start"])


def eu_context(text: str, organisations: list[dict]) -> bool:
    """Whether a document is about the EU: it names an EU body, the EU, MEPs or the Member States."""
    return any((row.get("type") or "").startswith("eu_") and row["source"] == "gazetteer" for row in organisations) \
        or bool(_EU_CONTEXT.search(text))
