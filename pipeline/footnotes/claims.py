"""Footnotes to country lists to claims: which countries stand behind each statement.

"Nine countries identified awareness-raising measures as good practices¹¹" is
backed by footnote 11, "BE, BG, CY, DE, EE, FR, NL, PL, SE."  For every marker
this module finds its footnote body, the countries the body lists, the sentence
carrying the marker, the phrase the marker is attached to ("11 countries",
"UNODC", "the Horn of Africa") and the count the sentence states, and checks
the count against the list.  "Over half of these¹²" is checked against the
claim before it.

Entry point: :func:`footnote_tables`.  :func:`claim_matrix` turns the claims
and footnote_countries tables into a claim × country grid for spreadsheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .countries import CountryList, country_name_run, find_country_lists, strip_list_wording
from pipeline.model import Block, Document, Marker
from pipeline.schema import Table

TABLES = [
    Table(
        "footnotes",
        "One row per footnote body, with what kind of note it is. Bodies no marker points to are kept (status no_marker).",
        {
            "doc_id": "Document id (documents.doc_id).",
            "number": "The footnote's label as printed: '11', '*', 'a'.",
            "footnote_seq": "Position of the body among the document's footnote bodies, from 1; tells apart notes that share a label when numbering restarts (per page, per figure).",
            "text": "The footnote body without its label.",
            "kind": "countries (a list of countries, possibly with a lead-in such as 'includes data from:'), citation (URL, legal act, report title, 'accessed' date), note (explanatory text) or mixed (several of these).",
            "n_countries": "Number of distinct countries the body lists (group expressions such as 'all EU MSs except DK' expanded); empty when it lists none.",
            "n_markers": "Number of markers in the text that point to this body.",
            "status": "linked (at least one marker points here) or no_marker (a body no marker refers to).",
            "page": "Page of the body for PDFs; empty for other types.",
        },
        key=("doc_id", "footnote_seq"),
    ),
    Table(
        "footnote_countries",
        "The countries each footnote lists, one row per footnote and country, codes mapped to ISO 3166 alpha-2.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "footnote": "Label of the footnote (footnotes.number).",
            "footnote_seq": "The footnote body (footnotes.footnote_seq).",
            "code": "The code as written ('EL', 'UK', 'Cy'; or the name, for a list of names such as 'Belgium, France and the Netherlands'); for countries from a group expression, the EU protocol code.",
            "iso2": "ISO 3166-1 alpha-2 code ('GR' for EL, 'GB' for UK; 'XK' for Kosovo).",
            "country": "English short name of the country.",
            "eu_member": "Whether the country was an EU Member State on the publication date (the United Kingdom until 31 January 2020, Croatia from 1 July 2013).",
            "emn_status": "member (EU Member State in the European Migration Network: all but Denmark), observer (NO, GE, MD, UA, ME, AM, RS, MK, AL) or empty.",
            "expanded_from": "The group expression the country comes from ('all EU MSs, except CY, CZ', 'EU27'); empty for codes listed one by one.",
        },
        key=("doc_id", "footnote_seq", "iso2"),
    ),
    Table(
        "claims",
        "One row per footnote marker: the statement it supports, the countries behind it and whether the count stated agrees with them.",
        {
            "doc_id": "Document id (documents.doc_id).",
            "footnote": "The marker's label.",
            "footnote_seq": "The footnote body the marker points to (footnotes.footnote_seq); empty when no body has that label.",
            "marker_offset": "Offset of the marker in the document text (position right after the character it follows).",
            "sentence": "The sentence carrying the marker.",
            "anchor": "The phrase right before the marker: '11 countries', 'UNODC', 'the Horn of Africa'.",
            "stated_count": "The number of countries the sentence states for this marker, in digits or words ('Nine EMN Member Countries, along with Serbia and Georgia' is 11); empty when none.",
            "count_qualifier": "The words that make stated_count approximate ('more than', 'at least', 'about', 'nearly'); empty for an exact count.",
            "n_countries": "Number of countries in the footnote; empty when the footnote lists none.",
            "count_ok": "Whether stated_count (or the relation, e.g. 'over half of these') agrees with n_countries; empty when there is nothing to compare.",
            "relates_to": "For a claim about the previous one ('Over half of these'), the label of the previous claim's footnote.",
            "relation": "The words that relate this claim to the previous one ('Over half of these').",
            "subset_of_related": "For a related claim, whether its countries are all among the related claim's countries; empty otherwise.",
            "status": "linked, or no_body when no footnote body has the marker's label.",
            "page": "Page of the marker for PDFs; empty for other types.",
            "start": "Offset of the sentence's first character in the document text.",
            "end": "Offset just past the sentence's last character.",
        },
        key=("doc_id", "marker_offset"),
    ),
]

NUMBER_WORDS = {
    word: value for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split())
}
NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50})
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_WORDS_PATTERN = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# 'twenty-five', 'Nine', '11' -- but not the 3 of '2023', '63.1%' or '2,744'
_NUMBER = (rf"(?:(?:twenty|thirty|forty|fifty)(?:[-\s](?:{_UNITS}))?|{_NUMBER_WORDS_PATTERN}"
           r"|(?<![\d.,/-])\d{1,3}(?![\d%]|[.,]\d))")
_COUNT = re.compile(
    r"(?:\b(?P<qualifier>more\s+than|over|at\s+least|fewer\s+than|less\s+than|under|almost|nearly|about|around|"
    r"approximately|some|up\s+to)\s+)?"
    rf"\b(?P<number>{_NUMBER})\s+(?:(?:other|more|further|additional|participating|reporting|responding|EU|EMN|"
    r"European|Member|and|Observer|partner|of\s+the)\s+){0,5}"
    r"(?P<noun>countries|member\s+states|states|ms'?s|jurisdictions)\b", re.I)
_NAME_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|as\s+well\s+as\s+)")
_ALONG_WITH = re.compile(r"^\s*,?\s*(?:along\s+with|together\s+with|as\s+well\s+as|plus|and\s+also|and)\s+", re.I)
_RELATION = re.compile(
    rf"\b(?P<qualifier>(?:over|more\s+than|less\s+than|fewer\s+than|under|almost|nearly|about|around|exactly)\s+)?"
    rf"(?P<part>half|a\s+third|one\s+third|two\s+thirds|a\s+quarter|all|most|the\s+majority|a\s+majority|a\s+minority|"
    rf"{_NUMBER})\s+of\s+(?:these|them|those|the\s+latter|which)\b", re.I)
_ABBREVIATIONS = frozenset(
    "e.g i.e etc no nos p pp art arts para paras vol fig figs mr mrs ms dr prof st al cf incl approx vs nr jr inc "
    "ltd co op cit ibid ed eds ch sec resp jan feb mar apr jun jul aug sep sept oct nov dec".split())
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*")
_WORD = re.compile(r"\S+")
_DETERMINERS = frozenset("the a an these those this that its their his her our some several many all both each".split())
_STOP_WORDS = frozenset(
    "in on at by for with from to into towards toward through under between among within across via per about "
    "against over during after before since like as and or but while whereas nor than that which who whom whose "
    "is are was were be been being has have had do does did include includes included including such also not "
    "only can could may might will would should must where when if".split())
_PREPOSITIONS = frozenset(
    "in on at by for with from to into towards toward through under between among within across via per about "
    "against over during after before since of".split())
_CONNECTORS = frozenset("of on in for against and de du des la le".split())
MAX_ANCHOR_WORDS = 12


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


# --- sentences and anchors -----------------------------------------------------------------------

def split_sentences(text: str, marker_offsets: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block.  A full stop ends a sentence when a capital,
    digit or quote follows, unless it closes an abbreviation or an initial; a footnote
    marker right after it ('etc.¹⁵ In contrast') always ends the sentence."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end:end + 3]
        if not re.match(r"\s+[\"'“‘(\[]?[A-Z0-9]", following):
            continue
        if end not in marker_offsets and match.group(0).startswith(".") and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, end))
        start = end + len(following) - len(following.lstrip())
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans


def _is_abbreviation(text: str, period: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:period])
    if not word:
        return False
    token = word.group(1)
    return token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def anchor_before(text: str, offset: int, floor: int = 0) -> str | None:
    """The phrase a marker is attached to: the noun phrase ending right before it."""
    segment = text[floor:offset].rstrip(" \t\n,.;:!?\"'’”")
    segment = re.sub(r",?\s*etc$", "", segment)
    words: list[str] = []
    if segment.endswith(")"):
        opening = _matching_parenthesis(segment)
        if opening is None:        # a parenthesis opened before the clause: drop the stray closing one
            segment = segment[:-1].rstrip(" ,.;:")
        else:
            words.append(segment[opening:])
            segment = segment[:opening].rstrip()
    tokens = _WORD.findall(segment)
    proper = None
    while tokens and len(words) < MAX_ANCHOR_WORDS:
        raw = tokens[-1]
        word = raw.strip("\"'“”‘’")
        if not re.search(r"\w", word) or (words and raw[-1] in ",;:."):
            break
        lower = word.lower()
        if lower in _DETERMINERS:
            if words:
                words.insert(0, word)
            break
        if proper is None and not _is_number(word) and not word.startswith("("):
            proper = word[0].isupper()
        if not _joins_anchor(word, lower, words, tokens, proper):
            break
        words.insert(0, word)
        tokens.pop()
    if not words and tokens:
        words = [tokens[-1].strip(",;:")]
    return " ".join(words) or None


def _joins_anchor(word: str, lower: str, words: list[str], tokens: list[str], proper: bool | None) -> bool:
    if _is_number(word) or word.startswith("("):
        return True
    if lower in _CONNECTORS and words:
        earlier = tokens[-2] if len(tokens) > 1 else ""
        if lower == "of":
            return bool(earlier) and earlier.lower() not in _STOP_WORDS | _DETERMINERS
        # 'Strategy on Combating Trafficking in Human Beings': lower-case joints inside a title.
        return bool(proper) and words[0][:1].isupper() and earlier[:1].isupper()
    if lower in _STOP_WORDS:
        return False
    if proper:
        return word[0].isupper()
    previous = tokens[-2].lower().strip(",;:") if len(tokens) > 1 else ""
    if previous == "to":              # 'to reinforce international cooperation': a verb
        return False
    if lower.endswith("ed") and previous not in _PREPOSITIONS | _DETERMINERS:
        return False                  # 'also inspected recruitment agencies', but 'on identified victims'
    return True


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d[\d.,/–-]*", word)) or word.lower() in NUMBER_WORDS


def _matching_parenthesis(text: str) -> int | None:
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return None


# --- counts --------------------------------------------------------------------------------------

def parse_number(text: str) -> int | None:
    """'11', 'Nine', 'twenty-five' as an int."""
    words = re.split(r"[-\s]+", text.strip().lower())
    if len(words) == 1 and words[0].isdigit():
        return int(words[0])
    if all(word in NUMBER_WORDS for word in words):
        return sum(NUMBER_WORDS[word] for word in words)
    return None


def stated_count(scope: str) -> int | None:
    """The number of countries a clause states: the last count phrase in it, plus countries
    named right after it ('Nine EMN Member Countries, along with Serbia and Georgia' is 11)."""
    found = count_phrase(scope)
    return found[0] if found else None


def count_phrase(scope: str) -> tuple[int, str | None] | None:
    """The stated count and its qualifier ('more than', 'about'; None for an exact count)."""
    matches = list(_COUNT.finditer(scope))
    if not matches:
        return None
    last = matches[-1]
    count = parse_number(last.group("number"))
    if count is None or count > 300:
        return None
    qualifier = " ".join(last.group("qualifier").lower().split()) if last.group("qualifier") else None
    return count + _countries_named_after(scope[last.end():]), qualifier


def count_agrees(count: int, qualifier: str | None, n: int) -> bool:
    """Does a footnote of ``n`` countries bear out 'more than 20 countries', 'Nine countries' ...?"""
    if qualifier in ("more than", "over"):
        return n > count
    if qualifier == "at least":
        return n >= count
    if qualifier in ("fewer than", "less than", "under"):
        return n < count
    if qualifier == "up to":
        return n <= count
    if qualifier in ("almost", "nearly"):
        return count - max(1, round(count * 0.1)) <= n <= count
    if qualifier in ("about", "around", "approximately", "some"):
        return abs(n - count) <= max(1, round(count * 0.1))
    return n == count


def _countries_named_after(text: str) -> int:
    joined = _ALONG_WITH.match(text)
    if not joined:
        return 0
    names, _end = country_name_run(text, joined.end(), _NAME_JOIN.fullmatch)
    return len(set(names))


_FRACTIONS = {"half": 1 / 2, "a third": 1 / 3, "one third": 1 / 3, "two thirds": 2 / 3, "a quarter": 1 / 4}


def check_relation(relation: re.Match, n: int, previous: int) -> bool:
    """Does a footnote of ``n`` countries fit 'over half of these' said of ``previous`` countries?"""
    part = " ".join(relation.group("part").lower().split())
    qualifier = " ".join((relation.group("qualifier") or "").lower().split())
    if part == "all":
        return n == previous
    if part in ("most", "the majority", "a majority"):
        return previous / 2 < n <= previous
    if part == "a minority":
        return n < previous / 2
    if part in _FRACTIONS:
        share = previous * _FRACTIONS[part]
        if qualifier in ("over", "more than"):
            return share < n <= previous
        if qualifier in ("less than", "fewer than", "under"):
            return n < share
        if qualifier in ("almost", "nearly"):
            return share - max(1.0, previous * 0.1) <= n <= share
        if qualifier in ("about", "around"):
            return abs(n - share) <= max(1.0, previous * 0.1)
        return abs(n - share) <= 0.5
    number = parse_number(part)
    return number is not None and number == n and n <= previous


# --- the tables ----------------------------------------------------------------------------------

def footnote_notes(document: Document, published: str | None) -> list[Note]:
    """Every footnote body with its country lists and kind."""
    notes = []
    for seq, block in enumerate((b for b in document.blocks if b.kind == "footnote"), start=1):
        lists = [found for found in find_country_lists(block.text, on=published, footnote=True) if found.mentions]
        notes.append(Note(seq=seq, block=block, lists=lists, kind=classify(block.text, lists)))
    return notes


def footnote_tables(document: Document, *, published: str | None) -> dict[str, list[dict]]:
    """The footnotes, footnote_countries and claims tables for one document.

    ``published`` (ISO date) decides EU membership for group expressions and the
    eu_member column; the document's own date is used when it is None."""
    published = published or document.published
    notes = footnote_notes(document, published)
    links = link_markers(document)
    for _, _, index in links:
        if index is not None:
            notes[index].n_markers += 1
    doc_id = document.doc_id
    return {
        "footnotes": [_footnote_row(doc_id, note) for note in notes],
        "footnote_countries": [row for note in notes for row in _country_rows(doc_id, note)],
        "claims": build_claims(document, notes, links),
    }


def _footnote_row(doc_id: str, note: Note) -> dict:
    n = len(note.iso2)
    return {"doc_id": doc_id, "number": note.block.label, "footnote_seq": note.seq, "text": note.block.text,
            "kind": note.kind, "n_countries": n or None, "n_markers": note.n_markers,
            "status": "linked" if note.n_markers else "no_marker", "page": note.block.page}


def _country_rows(doc_id: str, note: Note) -> list[dict]:
    rows = []
    seen: set[str] = set()
    for found in note.lists:
        for mention in found.mentions:
            if mention.iso2 in seen:
                continue
            seen.add(mention.iso2)
            rows.append({"doc_id": doc_id, "footnote": note.block.label, "footnote_seq": note.seq,
                         "code": mention.code, "iso2": mention.iso2, "country": mention.country,
                         "eu_member": mention.eu_member, "emn_status": mention.emn_status,
                         "expanded_from": mention.expanded_from})
    return rows


def build_claims(document: Document, notes: list[Note], links: list[tuple[Block, Marker, int | None]]) -> list[dict]:
    """One claim per marker, in reading order."""
    claims: list[dict] = []
    previous_with_countries: dict | None = None
    by_block: dict[int, list[int]] = {}
    for block, marker, _ in links:
        by_block.setdefault(id(block), []).append(marker.offset)
    sentences = {id(block): split_sentences(block.text, tuple(by_block[id(block)])) for block, _, _ in links}
    for block, marker, index in links:
        note = notes[index] if index is not None else None
        claim = _claim(document, block, marker, note, by_block[id(block)], sentences[id(block)],
                       previous_with_countries)
        claims.append(claim)
        if claim["n_countries"]:
            previous_with_countries = claim
    for claim in claims:
        del claim["_iso2"]
    return claims


def _claim(document: Document, block: Block, marker: Marker, note: Note | None, block_offsets: list[int],
           sentences: list[tuple[int, int]], previous: dict | None) -> dict:
    text = block.text
    start, end = _sentence_at(sentences, marker.offset, len(text))
    earlier = [offset for offset in block_offsets if start < offset < marker.offset]
    scope_start = max(earlier) if earlier else start       # the clause since the previous marker
    scope = text[scope_start:marker.offset]
    n_countries = len(note.iso2) if note and note.iso2 else None
    count, qualifier = count_phrase(scope) or (None, None)
    relation = _RELATION.search(scope) if count is None else None
    relates_to = subset = None
    count_ok = None
    if count is not None and n_countries is not None:
        count_ok = count_agrees(count, qualifier, n_countries)
    elif relation and previous is not None:
        relates_to = previous["footnote"]
        count = parse_number(relation.group("part"))          # 'Three of these'
        if n_countries is not None:
            count_ok = check_relation(relation, n_countries, previous["n_countries"])
            subset = set(note.iso2) <= set(previous["_iso2"])
    return {
        "doc_id": document.doc_id,
        "footnote": marker.label,
        "footnote_seq": note.seq if note else None,
        "marker_offset": document.marker_offset(block, marker),
        "sentence": text[start:end],
        "anchor": anchor_before(text, marker.offset, scope_start),
        "stated_count": count,
        "count_qualifier": qualifier,
        "n_countries": n_countries,
        "count_ok": count_ok,
        "relates_to": relates_to,
        "relation": relation.group(0) if relation and relates_to else None,
        "subset_of_related": subset,
        "status": "linked" if note else "no_body",
        "page": marker.page if marker.page is not None else block.page,
        "start": block.start + start,
        "end": block.start + end,
        "_iso2": note.iso2 if note else [],
    }


def _sentence_at(spans: list[tuple[int, int]], offset: int, length: int) -> tuple[int, int]:
    """The sentence holding the character a marker follows (the full stop of 'victims.¹⁰')."""
    for start, end in spans:
        if start < offset <= end:
            return start, end
    before = [span for span in spans if span[0] < offset]
    return before[-1] if before else (spans[0] if spans else (0, length))


def body_country_lists(document: Document, *, published: str | None = None) -> list[tuple[Block, CountryList]]:
    """Country lists in the body text ('Observer Countries (NO, GE, MD, ...)'), outside footnotes."""
    published = published or document.published
    return [(block, found) for block in document.blocks if block.kind in ("paragraph", "list_item", "caption")
            for found in find_country_lists(block.text, on=published) if found.mentions]


# --- spreadsheet export --------------------------------------------------------------------------

MATRIX_COLUMNS = ["doc_id", "footnote", "anchor", "stated_count", "n_countries", "count_ok", "sentence"]


def claim_matrix(claims_df, countries_df):
    """One row per claim, one column per country (ISO alpha-2), 1 where the claim's footnote
    lists the country and empty elsewhere: the claim × country grid analysts copy by hand."""
    import pandas as pd

    claims = claims_df.reset_index(drop=True)
    columns = [column for column in MATRIX_COLUMNS if column in claims.columns]
    claims = claims.assign(**{column: claims[column].astype("Int64")
                              for column in ("stated_count", "n_countries") if column in claims.columns})
    countries = countries_df[["doc_id", "footnote_seq", "iso2"]].drop_duplicates()
    codes = sorted(countries["iso2"].unique())
    grid = pd.DataFrame(pd.NA, index=claims.index, columns=codes, dtype="Int64")
    listed = countries.groupby(["doc_id", "footnote_seq"])["iso2"].apply(list).to_dict()
    for row_number, claim in claims.iterrows():
        seq = claim.get("footnote_seq")
        if seq is None or pd.isna(seq):
            continue
        for code in listed.get((claim["doc_id"], int(seq)), []):
            grid.at[row_number, code] = 1
    return pd.concat([claims[columns], grid], axis=1)


# Files derived from the tables, written with them (atomically) by pipeline.store.
EXPORTS = {
    "claim_matrix.csv": lambda frames: claim_matrix(frames["claims"], frames["footnote_countries"]),
}
