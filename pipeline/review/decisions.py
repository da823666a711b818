"""Review decisions: stable row keys, the ``reviews`` table, and the reviewed tables.

A reviewer accepts, rejects or corrects one extracted row.  The decision is stored in
the ``reviews`` table of ``extracted/thb.sqlite`` under a *row key* that does not
depend on anything a re-run may renumber (offsets, footnote_seq, row order): it is a
hash of the document, the table, the row's normalised identifying text (its mention,
or the footnote label and code for footnote tables) and the row's occurrence among
the document's rows with the same identifying text, in reading order.  Reprocessing
therefore finds the same keys, and the decisions apply again.  A decision whose key no
longer matches a row (the mention vanished from a new version) is *orphaned*: it is
listed, never deleted.

The table writer (``pipeline/store/tables.py``) rebuilds the database on every run and
carries over tables it does not own, so ``reviews`` survives runs.  Every function
here opens its own connection, because a run replaces the database file.
"""

from __future__ import annotations

import json
import math
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipeline.store import SQLITE_NAME, normalise, parquet_path, row_keys

__all__ = ["normalise", "row_keys"]  # re-exported: the keys are the decisions' half of the contract

DECISIONS = ("accept", "reject", "correct")
REVIEW_STATES = ("unreviewed", "accept", "reject", "correct")


@dataclass(frozen=True)
class ReviewSpec:
    """How rows of one table are identified, ordered and corrected."""

    label: str
    editable: tuple[str, ...]  # columns a reviewer may correct
    kind: str | None = None  # the column offered as the "kind" filter
    numbers: tuple[str, ...] = ()  # editable columns holding numbers
    flags: tuple[str, ...] = ()  # editable columns holding true/false


REVIEW_SPECS: dict[str, ReviewSpec] = {
    # n_countries, count_ok and check are derived from the (corrected) countries and count: see .derived
    "claims": ReviewSpec("Claims", ("anchor", "stated_count", "count_qualifier", "countries"), "status",
                         numbers=("stated_count",)),
    "figures": ReviewSpec("Figures", ("value", "value_max", "unit", "qualifier", "subject", "period_start", "period_end"),
                          "unit", numbers=("value", "value_max", "period_start", "period_end")),
    "organisations": ReviewSpec("Organisations", ("org_id", "name", "type"), "source"),
    "countries": ReviewSpec("Countries", ("iso2", "country")),
    "persons": ReviewSpec("Persons", ("name", "role")),
    "legal_refs": ReviewSpec("Legal references", ("celex", "kind"), "kind"),
    "footnotes": ReviewSpec("Footnotes", ("kind",), "kind"),
    "footnote_countries": ReviewSpec("Footnote countries", ("iso2", "country"), "emn_status"),
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reviews (
    row_key TEXT PRIMARY KEY,
    table_name TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'correct')),
    corrected TEXT,
    reviewer TEXT,
    decided_at TEXT NOT NULL,
    row_snapshot TEXT
)
"""
# The writer copies table definitions but not indexes, so this is re-created on connect.
_INDEX = "CREATE INDEX IF NOT EXISTS ix_reviews_table ON reviews (table_name, doc_id)"


@dataclass
class Decision:
    row_key: str
    table_name: str
    doc_id: str
    decision: str
    corrected: dict = field(default_factory=dict)
    reviewer: str | None = None
    decided_at: str = ""
    row_snapshot: dict = field(default_factory=dict)  # the row as the reviewer saw it, to describe orphans


# --- row keys: made by the writer (pipeline.store.keys), recomputed here for tables written before it did ----

# --- tables ------------------------------------------------------------------------------------------

def reviewable_tables(out_dir: Path | str) -> list[str]:
    """The reviewable tables this output folder holds, in display order."""
    return [name for name in REVIEW_SPECS if parquet_path(Path(out_dir), name).exists()]


def keyed_table(out_dir: Path | str, table: str) -> pd.DataFrame:
    """A table as extracted, with its ``row_key`` column; empty when the table is absent."""
    path = parquet_path(Path(out_dir), table)
    frame = pd.read_parquet(path) if path.exists() else pd.DataFrame({"doc_id": pd.Series(dtype="object")})
    frame = frame.astype(object).where(frame.notna(), None)
    if "row_key" not in frame.columns or frame["row_key"].isna().any():
        frame = frame.drop(columns=["row_key"], errors="ignore")
        frame.insert(0, "row_key", row_keys(frame, table))
    return frame


# --- storing decisions ----------------------------------------------------------------------------------

def _connect(out_dir: Path | str) -> sqlite3.Connection:
    path = Path(out_dir) / SQLITE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=10)
    db.execute(_SCHEMA)
    db.execute(_INDEX)
    return db


def record_decision(out_dir: Path | str, table: str, row_key: str, doc_id: str, decision: str, *,
                    corrected: dict | None = None, reviewer: str | None = None, row: dict | None = None) -> Decision:
    """Store (or replace) the decision on one row."""
    if table not in REVIEW_SPECS:
        raise ValueError(f"{table!r} is not a reviewable table")
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}, not {decision!r}")
    corrected = dict(corrected or {})
    if decision == "correct":
        unknown = set(corrected) - set(REVIEW_SPECS[table].editable)
        if not corrected or unknown:
            raise ValueError(f"a correction needs values for {REVIEW_SPECS[table].editable}; got {sorted(corrected)}")
    elif corrected:
        raise ValueError("only a correction carries corrected values")
    stored = Decision(row_key, table, doc_id, decision, corrected, reviewer or None,
                      datetime.now(timezone.utc).isoformat(timespec="seconds"), _jsonable(row or {}))
    with closing(_connect(out_dir)) as db:
        db.execute("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (stored.row_key, table, doc_id, decision, json.dumps(corrected, ensure_ascii=False),
                    stored.reviewer, stored.decided_at, json.dumps(stored.row_snapshot, ensure_ascii=False)))
        db.commit()
    return stored


def clear_decision(out_dir: Path | str, row_key: str) -> None:
    """Withdraw the decision on a row (the reviewer's own undo)."""
    with closing(_connect(out_dir)) as db:
        db.execute("DELETE FROM reviews WHERE row_key = ?", (row_key,))
        db.commit()


def load_decisions(out_dir: Path | str, table: str | None = None) -> dict[str, Decision]:
    """Stored decisions by row key, for one table or all."""
    if not (Path(out_dir) / SQLITE_NAME).exists():
        return {}
    query, params = "SELECT * FROM reviews", ()
    if table:
        query, params = query + " WHERE table_name = ?", (table,)
    with closing(_connect(out_dir)) as db:
        rows = db.execute(query + " ORDER BY decided_at", params).fetchall()
    return {r[0]: Decision(r[0], r[1], r[2], r[3], json.loads(r[4] or "{}"), r[5], r[6], json.loads(r[7] or "{}"))
            for r in rows}


def _jsonable(row: dict) -> dict:
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items() if k != "row_key"}


# --- applying decisions ----------------------------------------------------------------------------------

REVIEW_COLUMNS = ["review", "reviewer", "decided_at"]


def reviewed_table(frame: pd.DataFrame, decisions: dict[str, Decision]) -> pd.DataFrame:
    """``frame`` (with row keys) with corrections applied and the review columns; rejected rows kept."""
    frame = frame.copy()
    found = [decisions.get(key) for key in frame["row_key"]]
    frame["review"] = [d.decision if d else "unreviewed" for d in found]
    frame["reviewer"] = [d.reviewer if d else None for d in found]
    frame["decided_at"] = [d.decided_at if d else None for d in found]
    for position, decision in enumerate(found):
        if decision and decision.decision == "correct":
            for column, value in decision.corrected.items():
                if column in frame.columns:
                    frame.iat[position, frame.columns.get_loc(column)] = value
    return frame


def reviewed_with_derived(name: str, keyed, decisions: dict[str, Decision]) -> pd.DataFrame:
    """One reviewed table (rejected rows kept) with its derived values recomputed; ``keyed(name)`` reads a table."""
    from .derived import DERIVED, derive

    frame = reviewed_table(keyed(name), decisions)
    if name not in DERIVED:
        return frame
    return derive(name, frame, reviewed_table(keyed("footnote_countries"), decisions), decisions)


def apply_decisions(out_dir: Path | str, tables: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """The reviewed tables: corrections applied, derived values recomputed, rejected rows removed."""
    decisions = load_decisions(out_dir)
    reviewed = {}
    for name in tables or reviewable_tables(out_dir):
        frame = reviewed_with_derived(name, lambda table: keyed_table(out_dir, table), decisions)
        reviewed[name] = frame[frame["review"] != "reject"].reset_index(drop=True)
    return reviewed


CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell value a spreadsheet will show as text instead of running it as a formula."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame, path: Path | None = None) -> str:
    """The frame as CSV with every formula-like cell neutralised (written to ``path`` when given)."""
    # built column by column as objects: DataFrame.map would turn whole numbers with gaps into floats ("11.0")
    safe = pd.DataFrame({column: pd.Series([csv_safe(v) for v in frame[column]], index=frame.index, dtype=object)
                         for column in frame.columns}, index=frame.index).rename(columns=csv_safe)
    # RFC 4180 line ends: with "\n" alone, a cell holding "\r" is left unquoted and splits the row in spreadsheets
    text = safe.to_csv(index=False, lineterminator="\r\n")
    if path is not None:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return text


def export_reviewed(out_dir: Path | str, dest_dir: Path | str | None = None) -> list[Path]:
    """Write every reviewed table as ``<table>.csv`` and the reviewed ``claim_matrix.csv``
    (default folder: ``out_dir/reviewed``)."""
    from pipeline.footnotes import claim_matrix

    dest = Path(dest_dir) if dest_dir else Path(out_dir) / "reviewed"
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    reviewed = apply_decisions(out_dir)
    for name, frame in reviewed.items():
        to_csv(frame, dest / f"{name}.csv")
        written.append(dest / f"{name}.csv")
    if "claims" in reviewed:
        to_csv(claim_matrix(reviewed["claims"]), dest / "claim_matrix.csv")
        written.append(dest / "claim_matrix.csv")
    return written


def orphaned_decisions(out_dir: Path | str) -> list[Decision]:
    """Decisions whose row no longer exists (its table, document or mention is gone)."""
    decisions = load_decisions(out_dir)
    live: set[str] = set()
    for name in {d.table_name for d in decisions.values()}:
        if name in REVIEW_SPECS:
            live.update(keyed_table(out_dir, name)["row_key"])
    return [d for d in decisions.values() if d.row_key not in live]


# --- reading corrections from a form ---------------------------------------------------------------------

_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}


def coerce_value(raw: str, kind: str = "text"):
    """A reviewer's text as a value of ``kind`` (number, flag or text); '' clears the value."""
    text = raw.strip()
    if text == "":
        return None
    if kind == "flag":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(f"expected true or false, got {text!r}")
    if kind == "number":
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected a finite number, got {text!r}")
        return int(number) if number.is_integer() else number
    return text


def column_kind(table: str, column: str) -> str:
    spec = REVIEW_SPECS[table]
    return "number" if column in spec.numbers else "flag" if column in spec.flags else "text"


def _same(value, current) -> bool:
    if value is None or current is None:
        return value is None and current is None
    if isinstance(value, (int, float)) and isinstance(current, (int, float)):
        return float(value) == float(current)
    return value == current


def corrections_from_form(table: str, row: dict, form: dict[str, str]) -> dict:
    """The editable values the reviewer changed, typed for their columns."""
    changed = {}
    for column in REVIEW_SPECS[table].editable:
        if column not in form or column not in row:
            continue
        value = coerce_value(form[column], column_kind(table, column))
        if not _same(value, row[column]):
            changed[column] = value
    if "iso2" in changed:
        changed.update(_country_correction(changed, row))
    if "countries" in changed:
        from .derived import country_codes

        changed["countries"] = country_codes(changed["countries"])
        if _same(changed["countries"], row.get("countries")):
            del changed["countries"]
    return changed


def _country_correction(changed: dict, row: dict) -> dict:
    """A corrected ISO code is checked, and names the country unless the reviewer named it too."""
    from pipeline.footnotes import country_name, to_iso2

    if changed["iso2"] is None:
        return {}
    iso2 = to_iso2(str(changed["iso2"]))
    if iso2 is None:
        raise ValueError(f"{changed['iso2']!r} is not a country code")
    fix = {"iso2": iso2}
    if "country" in row and "country" not in changed:
        fix["country"] = country_name(iso2)
    return fix
