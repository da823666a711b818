"""Stable row keys for the reviewable tables, so that review decisions apply again after a re-run.

Takes a table's frame; gives each row's key: a hash of the document, the table, the row's
normalised identifying text (its mention, or the footnote label and code for footnote tables,
as declared in :data:`pipeline.schema.REVIEWABLE`) and the row's occurrence among the
document's rows with the same identifying text, in reading order.  Offsets, footnote_seq and
row order do not enter the key, so reprocessing a document finds the same keys.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata

import pandas as pd

from pipeline.schema import TABLES

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = {ord(c): "'" for c in "\u2018\u2019\u201a\u201b\u2032"} | {ord(c): '"' for c in "\u201c\u201d\u201e\u2033"}


def normalise(value) -> str:
    """Text as a key part: Unicode-compatible, case-folded, one kind of dash and quote, single spaces."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).translate(_QUOTES)
    return " ".join(_DASHES.sub("-", text).casefold().split())


def make_row_key(doc_id: str, table: str, identity: tuple[str, ...], occurrence: int) -> str:
    payload = json.dumps([doc_id, table, list(identity), occurrence], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def row_keys(frame: pd.DataFrame, table: str) -> pd.Series:
    """The stable key of every row of ``frame`` (aligned with its index)."""
    spec = TABLES[table]
    if not spec.identity:
        raise ValueError(f"{table!r} is not a reviewable table")
    if not len(frame):
        return pd.Series([], index=frame.index, dtype="object")
    order = [c for c in spec.order if c in frame.columns]
    ordered = frame.assign(_position=range(len(frame))).sort_values(["doc_id", *order, "_position"], kind="stable")
    parts = [ordered[c].map(normalise) if c in ordered.columns else pd.Series("", index=ordered.index)
             for c in spec.identity]
    identity = list(zip(*parts))
    groups = pd.Series([json.dumps([d, *i]) for d, i in zip(ordered["doc_id"], identity)], index=ordered.index)
    occurrence = groups.groupby(groups, sort=False).cumcount()
    keys = [make_row_key(str(d), table, i, int(n)) for d, i, n in zip(ordered["doc_id"], identity, occurrence)]
    return pd.Series(keys, index=ordered.index, dtype="object").reindex(frame.index)
