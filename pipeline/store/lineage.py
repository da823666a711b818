"""Claim lineage: the same claim or figure followed from one edition of a publication to the next.

Takes the stored tables of every document (documents, claims, footnote_countries, figures) and
gives the rows of ``claim_lineage``: pairs of claims, or of figures, from documents with
different publication dates that state the same thing, with the countries added and dropped and
the change in value.  Two claims state the same thing when their sentences share most of their
words once counts, years, country words and small words are set aside ("Nine Member States
reported awareness-raising campaigns as a good practice" and "Awareness-raising campaigns were
named as a good practice by 14 Member States"); two figures when their subjects, normalised, and
their units are equal.  Each item links to its best match in the latest earlier document that
has one, so three editions give two rows, 2019 → 2021 and 2021 → 2025.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import groupby

import pandas as pd

CLAIM_MATCH = 0.45    # shared words over all words, for two claim sentences to state the same thing
FIGURE_MATCH = 0.5    # figures share subject and unit, yet "victims" and "cases" are everywhere: sentences must agree
RUNNING_REPEATS = 3   # a sentence this often in one document, numbers aside, is a running header
TABLE_DIGITS = 0.3    # a "sentence" with this share of numeric tokens is a table row, not a statement
MIN_SHARED_WORDS = 2
SUBJECT_WORDS = 8

_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SET_ASIDE = frozenset("""
    a an the and or but nor of in on at to for from by with without within as into onto over under than
    that this these those which who whom whose what when where while also both each all any some most more
    less least fewer few other others such only not no its their there here it they them he she we our
    is are was were be been being has have had do does did can could may might shall should will would
    been per via among between about against during after before since until
    one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
    seventeen eighteen nineteen twenty thirty forty fifty half third quarter majority several many
    member members state states country countries emn eu ms mss national
""".split())


@dataclass
class Item:
    """A claim or a figure of one document, ready to be matched."""

    kind: str
    doc_id: str
    published: str
    ref: str
    sentence: str
    unit: str
    value: float | None
    words: list[str]
    key: str | None = None                 # figures: the normalised subject both must share
    countries: frozenset[str] = field(default_factory=frozenset)
    word_set: frozenset[str] = field(init=False, repr=False, compare=False)
    terms: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # computed once: every candidate pair compares them
        self.word_set = frozenset(self.words)
        self.terms = frozenset({self.key}) if self.key is not None else self.word_set


# The columns claim_lineage reads, so that the writer reads no more of the stored tables than these.
COLUMNS = {
    "documents": ["doc_id", "published", "status"],
    "claims": ["doc_id", "footnote_seq", "footnote", "stated_count", "sentence"],
    "footnote_countries": ["doc_id", "footnote_seq", "iso2"],
    "figures": ["doc_id", "sentence", "subject", "section", "value", "start", "unit"],
}


def claim_lineage(frames: Mapping[str, pd.DataFrame]) -> list[dict]:
    """The claim_lineage rows for every document in ``frames``."""
    dates = _publication_dates(frames["documents"])
    claims = _claims(frames["claims"], frames["footnote_countries"], dates)
    figures = _figures(frames["figures"], dates)
    return _link(claims, CLAIM_MATCH, MIN_SHARED_WORDS) + _link(figures, FIGURE_MATCH, 1)


def content_words(text: str) -> list[str]:
    """The sentence's words that say what it is about, lower-cased and singular, in order, once each."""
    words = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word in _SET_ASIDE or len(word) < 3:
            continue
        words.append(singular(word))
    return list(dict.fromkeys(words))


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def similarity(a: list[str], b: list[str]) -> float:
    return set_similarity(set(a), set(b))


def set_similarity(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


# --- items ------------------------------------------------------------------------------------------

def _publication_dates(documents: pd.DataFrame) -> dict[str, str]:
    if not len(documents):
        return {}
    dated = documents[documents["published"].notna() & (documents["status"] == "ok")]
    return dict(zip(dated["doc_id"], dated["published"].astype(str)))


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def _claims(claims: pd.DataFrame, footnote_countries: pd.DataFrame, dates: dict[str, str]) -> list[Item]:
    listed: dict[tuple[str, int], set[str]] = defaultdict(set)
    for doc_id, seq, iso2 in footnote_countries[["doc_id", "footnote_seq", "iso2"]].itertuples(index=False):
        if _present(seq) and _present(iso2):
            listed[(doc_id, int(seq))].add(iso2)
    items = []
    for row in claims.itertuples(index=False):
        if row.doc_id not in dates:
            continue
        countries = frozenset(listed.get((row.doc_id, int(row.footnote_seq)), ())) if _present(row.footnote_seq) \
            else frozenset()
        value = len(countries) if countries else (float(row.stated_count) if _present(row.stated_count) else None)
        if value is None:
            continue  # a citation or an explanatory note: nothing to follow across editions
        items.append(Item("claim", row.doc_id, dates[row.doc_id], str(row.footnote), row.sentence, "countries",
                          float(value), content_words(row.sentence), countries=countries))
    return items


def _figures(figures: pd.DataFrame, dates: dict[str, str]) -> list[Item]:
    # A sentence printed on many pages with only its number changing is a running header left in the
    # text ("38 Trafficking in Human Beings; First report"), not a statement.
    repeated = Counter((doc_id, _DIGITS.sub("#", str(sentence))) for doc_id, sentence in
                       figures[["doc_id", "sentence"]].drop_duplicates().itertuples(index=False))
    # a sentence often states several figures: what is derived from it is derived once
    keys, table_like, shapes, words = _Memo(lambda s: " ".join(content_words(str(s))) or None), \
        _Memo(lambda s: _table_like(str(s))), _Memo(lambda s: _DIGITS.sub("#", str(s))), _Memo(content_words)
    items = []
    columns = [figures[c].tolist() for c in ("doc_id", "subject", "section", "value", "sentence", "start", "unit")]
    for doc_id, subject, section, value, sentence, start, unit in zip(*columns):
        if doc_id not in dates or not _present(subject) or section != "body" or not _present(value):
            continue
        key = keys[subject]
        if key is None or table_like[sentence] or repeated[(doc_id, shapes[sentence])] >= RUNNING_REPEATS:
            continue
        items.append(Item("figure", doc_id, dates[doc_id], str(int(start)), sentence, str(unit), float(value),
                          words[sentence], key=key))
    return items


class _Memo(dict):
    """A function's results by argument, each computed once."""

    def __init__(self, function) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, argument):
        self[argument] = value = self.function(argument)
        return value


def _table_like(sentence: str) -> bool:
    tokens = sentence.split()
    return not tokens or sum(any(ch.isdigit() for ch in token) for token in tokens) >= TABLE_DIGITS * len(tokens)


# --- matching ---------------------------------------------------------------------------------------

def _link(items: list[Item], threshold: float, min_shared: int) -> list[dict]:
    """Each item linked to its best match among items of strictly earlier dates, latest first."""
    earlier: dict[str, list[Item]] = defaultdict(list)   # term -> items of dates already passed
    rows = []
    for _date, group in groupby(sorted(items, key=lambda item: item.published), key=lambda item: item.published):
        group = list(group)
        proposals = []
        for later in group:
            for before, score in _candidates(later, earlier, threshold, min_shared):
                proposals.append((before.published, score, before, later))
        proposals.sort(key=lambda p: (p[0], p[1]), reverse=True)
        linked_later: set[int] = set()
        linked_before: set[tuple[int, str]] = set()
        for _published, score, before, later in proposals:
            if id(later) in linked_later or (id(before), later.doc_id) in linked_before:
                continue
            linked_later.add(id(later))
            linked_before.add((id(before), later.doc_id))
            rows.append(_row(before, later, score))
        for item in group:
            for term in item.terms:
                earlier[term].append(item)
    return rows


def _candidates(later: Item, earlier: dict[str, list[Item]], threshold: float, min_shared: int):
    shared = Counter(id(item) for term in later.terms for item in earlier.get(term, ()))
    by_id = {id(item): item for term in later.terms for item in earlier.get(term, ())}
    for item_id, count in shared.items():
        before = by_id[item_id]
        if count < min(min_shared, len(later.terms)) or before.unit != later.unit or before.doc_id == later.doc_id:
            continue
        score = set_similarity(before.word_set, later.word_set)
        if score >= threshold:
            yield before, round(score, 3)


def _row(before: Item, later: Item, score: float) -> dict:
    change = later.value - before.value if before.value is not None and later.value is not None else None
    is_claim = later.kind == "claim"
    compared = is_claim and bool(before.countries) and bool(later.countries)
    shared = [word for word in later.words if word in before.word_set][:SUBJECT_WORDS]
    return {
        "kind": later.kind, "subject": " ".join(shared) if is_claim else later.key, "unit": later.unit,
        "from_doc_id": before.doc_id, "from_published": before.published, "from_ref": before.ref,
        "from_sentence": before.sentence,
        "to_doc_id": later.doc_id, "to_published": later.published, "to_ref": later.ref, "to_sentence": later.sentence,
        "from_value": before.value, "to_value": later.value, "value_change": change,
        "countries_added": ",".join(sorted(later.countries - before.countries)) if compared else None,
        "countries_dropped": ",".join(sorted(before.countries - later.countries)) if compared else None,
        "similarity": score,
    }


def derived_tables(frames: Mapping[str, pd.DataFrame]) -> dict[str, list[dict]]:
    """Tables rebuilt from the merged tables of every document at each write."""
    return {"claim_lineage": claim_lineage(frames)}
