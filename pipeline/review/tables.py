"""Tables as the review pages show them: cached reads, filtering, sorting, columns and cell text."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd
from starlette.requests import Request

from pipeline.store import parquet_path, read_table
from .decisions import REVIEW_COLUMNS, REVIEW_SPECS, REVIEW_STATES, keyed_table, reviewed_with_derived
from .security import safe_link

LONG_COLUMNS = {"sentence", "text", "error"}
# Offsets and sequence numbers place rows for the program; the exports keep them, the pages do not.
HIDDEN_COLUMNS = {"row_key", "doc_id", *REVIEW_COLUMNS, "start", "end", "marker_offset", "footnote_seq"}


def format_cell(value) -> str:
    """A value as a reviewer reads it: empty for missing, yes/no, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TableCache:
    """Tables read from the output folder, re-read when a run rewrites them."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._cache: dict[tuple[str, str], tuple[int, pd.DataFrame]] = {}

    def _mtime(self, name: str) -> int:
        path = parquet_path(self.out_dir, name)
        return path.stat().st_mtime_ns if path.exists() else 0

    def _cached(self, kind: str, name: str, load) -> pd.DataFrame:
        mtime = self._mtime(name)
        hit = self._cache.get((kind, name))
        if hit is None or hit[0] != mtime:
            hit = (mtime, load())
            self._cache[(kind, name)] = hit
        return hit[1]

    def core(self, name: str) -> pd.DataFrame:
        """documents, blocks, markers or fetches, with None for missing values."""
        return self._cached("core", name, lambda: _plain(read_table(self.out_dir, name)))

    def keyed(self, name: str) -> pd.DataFrame:
        return self._cached("keyed", name, lambda: keyed_table(self.out_dir, name))

    def reviewed(self, name: str, decisions) -> pd.DataFrame:
        """Corrections applied, derived values recomputed, rejected rows kept (marked)."""
        return reviewed_with_derived(name, self.keyed, decisions)

    def titles(self) -> dict[str, str]:
        """Each document's title, or its doc_id when it has none."""
        documents = self.core("documents")
        return {d: t or d for d, t in zip(documents["doc_id"], documents["title"])}

    def origins(self) -> dict[str, str]:
        """Where each document came from: its registered source, else the web host, else 'file'."""
        documents, fetches = self.core("documents"), self.core("fetches")
        by_url = dict(zip(fetches["url"], fetches["source"])) if len(fetches) else {}
        origins = {}
        for row in documents.itertuples():
            url = row.url or (row.source if safe_link(row.source) else None)
            origins[row.doc_id] = by_url.get(url) or by_url.get(row.source) or (urlsplit(url).hostname if url else "file")
        return origins


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value



# The check filter: one state, or every state in which the count could not be checked.
CHECKS = ("agree", "disagree", "unchecked", "no_body", "no_count", "no_countries")
UNCHECKED = ("no_body", "no_count", "no_countries")


@dataclass
class TableQuery:
    doc: str = ""
    source: str = ""
    kind: str = ""
    state: str = ""
    q: str = ""
    sort: str = ""
    order: str = "asc"
    page: int = 1
    check: str = ""  # claims only
    scope: str = ""  # claims only: '' for country-backed claims, 'all' for every footnote marker

    @classmethod
    def from_request(cls, request: Request) -> "TableQuery":
        params = request.query_params
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(params.get("doc", ""), params.get("source", ""), params.get("kind", ""), params.get("state", ""),
                   params.get("q", "")[:200], params.get("sort", ""), "desc" if params.get("order") == "desc" else "asc",
                   page, params.get("check", "") if params.get("check") in CHECKS else "",
                   "all" if params.get("scope") == "all" else "")

    def url(self, path: str, **changes) -> str:
        values = {"doc": self.doc, "source": self.source, "kind": self.kind, "state": self.state, "q": self.q,
                  "check": self.check, "scope": self.scope, "sort": self.sort, "order": self.order, "page": self.page}
        values.update(changes)
        if values["page"] == 1:
            del values["page"]
        if not values["sort"]:
            del values["order"]
        query = urlencode({k: v for k, v in values.items() if v not in ("", None)})
        return path + (f"?{query}" if query else "")


def filter_rows(frame: pd.DataFrame, table: str, query: TableQuery, origins: dict[str, str]) -> pd.DataFrame:
    spec = REVIEW_SPECS[table]
    mask = pd.Series(True, index=frame.index)
    if query.doc:
        mask &= frame["doc_id"] == query.doc
    if query.source:
        mask &= frame["doc_id"].map(origins) == query.source
    if query.kind and spec.kind in frame.columns:
        mask &= frame[spec.kind].astype(str) == query.kind
    if query.state in REVIEW_STATES:
        mask &= frame["review"] == query.state
    if table == "claims" and len(frame):
        if query.check:
            mask &= frame["check"].isin(UNCHECKED if query.check == "unchecked" else (query.check,))
        elif query.scope != "all":  # the default view: statements some footnote names countries for
            mask &= frame["n_countries"].fillna(0).astype(int) > 0
    if query.q:
        text = frame.drop(columns=["row_key"]).fillna("").astype(str)
        hits = pd.Series(False, index=frame.index)
        for column in text.columns:
            hits |= text[column].str.contains(query.q, case=False, regex=False)
        mask &= hits
    return frame[mask]


def sort_rows(frame: pd.DataFrame, table: str, query: TableQuery) -> pd.DataFrame:
    if query.sort in frame.columns:
        return frame.sort_values(query.sort, ascending=query.order == "asc", na_position="last", kind="stable",
                                 key=_sort_key)
    if table == "claims" and len(frame):
        # count mismatches first: they are what a reviewer has to look at
        rank = frame["count_ok"].map(lambda ok: 0 if ok is False else 1)
        return frame.assign(_rank=rank).sort_values(["_rank", "doc_id", "marker_offset"], kind="stable").drop(columns="_rank")
    return frame


def _sort_key(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() >= column.notna().sum() and column.notna().any():
        return numbers
    return column.map(lambda v: None if v is None else str(v).casefold())


def display_columns(all_columns: list[str], with_doc: bool, rows: list[dict] | None = None) -> list[str]:
    """The columns to show: offsets and keys left out, long text last, and (given the shown ``rows``)
    no column that is empty in every one of them."""
    columns = [c for c in all_columns if c not in HIDDEN_COLUMNS and not c.startswith("_")]
    if rows is not None:
        columns = [c for c in columns if any(format_cell(row.get(c)) != "" for row in rows)]
    short = [c for c in columns if c not in LONG_COLUMNS]
    return (["doc_id"] if with_doc else []) + short + [c for c in columns if c in LONG_COLUMNS]


def sentence_pieces(row: dict) -> dict:
    """A claim's sentence cut for highlighting: before the anchor, the anchor, up to the marker, after it."""
    sentence, anchor = row.get("sentence") or "", row.get("anchor") or ""
    start, offset = row.get("start"), row.get("marker_offset")
    at = int(offset) - int(start) if start is not None and offset is not None else -1
    if not 0 <= at <= len(sentence):
        at = sentence.find(anchor) + len(anchor) if anchor and anchor in sentence else len(sentence)
    begin = sentence.rfind(anchor, 0, at) if anchor else -1
    if begin < 0:  # no anchor before the marker: highlight the marker alone
        begin = end = at
    else:
        end = begin + len(anchor)
    return {"before": sentence[:begin], "anchor": sentence[begin:end], "between": sentence[end:at],
            "after": sentence[at:]}


def with_chips(table: str, rows: list[dict]) -> list[dict]:
    """Claims with their derived countries as chips (code, and the name for the hover)."""
    if table == "claims":
        from pipeline.footnotes import country_name, listed_codes

        for row in rows:
            row["_countries"] = [{"iso2": code, "country": country_name(code) or code}
                                 for code in listed_codes(row.get("countries"))]
            row["_sentence"] = sentence_pieces(row)
    return rows


def original_values(tables: TableCache, table: str, rows: list[dict]) -> None:
    """For corrected rows, the values as extracted, to show beside the corrections."""
    corrected = [row["row_key"] for row in rows if row["review"] == "correct"]
    if not corrected:
        return
    raw = tables.keyed(table).set_index("row_key")
    for row in rows:
        if row["review"] == "correct":
            row["_original"] = {k: _clean(v) for k, v in raw.loc[row["row_key"]].items()}


def jsonable(row: dict) -> dict:
    """A row for JSON: numpy scalars as Python values, helper fields left out."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if not k.startswith("_")}


def document_summary(rows_by_table: dict[str, list[dict]]) -> dict:
    """What a document holds, for the head of its page: claims by check, figures, organisations, countries."""
    claims = rows_by_table.get("claims", [])
    checks = [row.get("check") for row in claims if row.get("review") != "reject"]
    countries = {row.get("iso2") for row in rows_by_table.get("countries", []) if row.get("iso2")}
    countries |= {code for row in claims for code in (row.get("countries") or "").split(", ") if code}
    live = {name: [row for row in rows if row.get("review") != "reject"] for name, rows in rows_by_table.items()}
    return {"claims": sum(1 for row in live.get("claims", []) if row.get("n_countries")),
            "markers": len(live.get("claims", [])),
            "agree": checks.count("agree"), "disagree": checks.count("disagree"),
            "unchecked": sum(1 for check in checks if check in UNCHECKED),
            "figures": len(live.get("figures", [])), "organisations": len(live.get("organisations", [])),
            "countries": len(countries)}
