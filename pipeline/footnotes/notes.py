"""Footnote bodies: each marker linked to its body, each body's country lists and kind."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.model import Block, Document, Marker

from .countries import CountryList, find_country_lists, strip_list_wording

# --- linking -------------------------------------------------------------------------------------

@dataclass
class Note:
    """A footnote body and what it lists."""

    seq: int
    block: Block
    lists: list[CountryList]
    kind: str
    n_markers: int = 0

    @property
    def iso2(self) -> list[str]:
        seen: list[str] = []
        for found in self.lists:
            seen.extend(code for code in found.iso2 if code not in seen)
        return seen


def link_markers(document: Document) -> list[tuple[Block, Marker, int | None]]:
    """Each marker with the index (into the footnote bodies) of the body it points to, or None.

    Labels may repeat when numbering restarts per page or figure, so a marker takes the
    nearest unused body with its label, after it and on the same or a later page first."""
    bodies = [block for block in document.blocks if block.kind == "footnote"]
    by_label: dict[str | None, list[int]] = {}
    for index, body in enumerate(bodies):
        by_label.setdefault(body.label, []).append(index)
    used: set[int] = set()
    links = []
    for block, marker in document.markers:
        position = document.marker_offset(block, marker)
        page = marker.page if marker.page is not None else block.page
        candidates = by_label.get(marker.label, [])
        if not candidates:
            links.append((block, marker, None))
            continue
        chosen = min(candidates, key=lambda index: (index in used, *_distance(bodies[index], position, page)))
        used.add(chosen)
        links.append((block, marker, chosen))
    return links


def _distance(body: Block, position: int, page: int | None) -> tuple[int, bool, int]:
    """How far a body is from a marker: pages forward, whether it comes before, characters apart."""
    if body.page is None or page is None:
        pages_apart = 0
    elif body.page >= page:
        pages_apart = body.page - page
    else:
        pages_apart = 10_000      # a body on an earlier page than its marker: last resort
    return pages_apart, body.start < position, abs(body.start - position)


# --- classification ------------------------------------------------------------------------------

_CITATION = re.compile(
    r"https?://|\bwww\.|\baccessed\b|\bavailable\s+(?:at|from|online|on)\b|\bretrieved\b|\bextracted\s+(?:on|in)\b"
    r"|\b(?:Directive|Regulation|Decision|Convention|Protocol|Treaty|Charter|Act|Resolution|Recommendation|"
    r"Communication|Strategy|Action\s+Plan|Report|Study|Handbook|Guidelines|Journal|Review|Gazette|Eurostat)\b"
    r"|\bCOM\s*\(\d{4}\)|\bSWD\s*\(\d{4}\)|\bOJ\s+[LC]\b|\bECLI:|\bCELEX\b|\b\d{4}/\d{1,4}(?:/EU|/EC|/JHA)?\b"
    r"|\bArticle\s+\d+|\bpp?\.\s*\d+|\(\d{4}\)|,\s*\d{4}\)|\bet\s+al\.|\bibid\b|\bop\.\s*cit\b")
# Finite verbs and pronouns of explanatory prose; lower case, so 'May 2024' and 'Will' (a name) do not count,
# except the words that open a sentence.
_PROSE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|does|do|did|can|could|may|might|will|would|should|must|include|includes|"
    r"cover|covers|refers?|means|relates?|concerns?|applies|remains?|[Hh]owever|[Tt]his|[Tt]hese|[Tt]hose|[Ww]hich|"
    r"who|[Tt]here|[Tt]hey|[Nn]ote)\b")
_URL = re.compile(r"<?(?:https?://|www\.)\S+")
_QUOTED = re.compile(r"'[^']{3,}'|‘[^’]{3,}’|“[^”]{3,}”|\"[^\"]{3,}\"")


def classify(text: str, lists: list[CountryList]) -> str:
    """countries | citation | note | mixed, for a footnote body and the country lists found in it."""
    has_countries = any(found.mentions for found in lists)
    rest = strip_list_wording(text, lists) if has_countries else text
    if has_countries:
        return "countries" if len(rest.split()) <= 1 else "mixed"
    unquoted = _QUOTED.sub(" ", _URL.sub(" ", rest))
    citation = bool(_CITATION.search(rest)) or _looks_like_title(rest)
    prose = bool(_PROSE.search(unquoted))
    if citation and prose:
        return "mixed"
    return "citation" if citation else "note"


def _looks_like_title(text: str) -> bool:
    """'EU Anti-Trafficking Coordinator - European Commission': a link text or title, not a sentence."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words or len(words) > 20 or text.rstrip().endswith("."):
        return False
    capitalised = sum(word[0].isupper() for word in words)
    return capitalised / len(words) >= 0.5



def footnote_notes(document: Document, published: str | None) -> list[Note]:
    """Every footnote body with its country lists and kind."""
    notes = []
    for seq, block in enumerate((b for b in document.blocks if b.kind == "footnote"), start=1):
        lists = [found for found in find_country_lists(block.text, on=published, footnote=True) if found.mentions]
        notes.append(Note(seq=seq, block=block, lists=lists, kind=classify(block.text, lists)))
    return notes
