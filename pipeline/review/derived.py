"""Values the review recomputes instead of taking as typed: a claim's countries, their number, the check.

Takes the reviewed claims, footnotes and footnote_countries (corrections applied, review
columns added) and the decisions; gives them with ``countries``, ``n_countries``,
``count_ok``, ``subset_of_related`` and ``check`` derived again.  A claim's countries are
its footnote's reviewed countries (rejected ones left out, corrected codes used) unless a
reviewer corrected the claim's own list, which then wins.  So correcting a stated count or
a country list changes the agreement everywhere the reviewed tables go: the app, the
reviewed exports, the claim matrix and the report.
"""

from __future__ import annotations

import pandas as pd

from pipeline.footnotes import RELATION, check_relation, check_state, count_agrees, listed_codes, to_iso2

DERIVED = {"claims": ("countries", "n_countries", "count_ok", "subset_of_related", "check"),
           "footnotes": ("n_countries",)}


def country_codes(text: str) -> str | None:
    """A reviewer's country list ('at, HR  SI') checked against the country table, as 'AT, HR, SI'."""
    codes = []
    for part in str(text or "").replace(";", ",").replace(",", " ").split():
        iso2 = to_iso2(part)
        if iso2 is None:
            raise ValueError(f"{part!r} is not a country code")
        if iso2 not in codes:
            codes.append(iso2)
    return ", ".join(codes) or None


def edited_countries(current, add: str = "", remove: str = "") -> str | None:
    """The list ``current`` with one code added or removed (both checked)."""
    codes = listed_codes(current)
    if add:
        codes.extend(listed_codes(country_codes(add)))
    if remove:
        gone = set(listed_codes(country_codes(remove)))
        codes = [code for code in codes if code not in gone]
    return country_codes(", ".join(codes))


def footnote_countries(countries: pd.DataFrame | None) -> dict[tuple, list[str]]:
    """The reviewed ISO codes of each footnote, by (doc_id, footnote_seq), rejected rows left out."""
    listed: dict[tuple, list[str]] = {}
    if countries is None or not len(countries):
        return listed
    kept = countries[countries["review"] != "reject"] if "review" in countries else countries
    for doc_id, seq, iso2 in zip(kept["doc_id"], kept["footnote_seq"], kept["iso2"]):
        if iso2 and seq is not None and not pd.isna(seq):
            codes = listed.setdefault((doc_id, int(seq)), [])
            if iso2 not in codes:
                codes.append(iso2)
    return listed


def derive(table: str, frame: pd.DataFrame, countries: pd.DataFrame | None, decisions: dict) -> pd.DataFrame:
    """``frame`` (a reviewed table) with its derived columns recomputed; other tables unchanged."""
    if table == "claims" and len(frame):
        return _derive_claims(frame, footnote_countries(countries), decisions)
    if table == "footnotes" and len(frame):
        listed = footnote_countries(countries)
        frame = frame.copy()
        frame["n_countries"] = pd.Series([len(listed.get((d, int(s)), [])) or None
                                          for d, s in zip(frame["doc_id"], frame["footnote_seq"])],
                                         index=frame.index, dtype=object)
    return frame


def _own_list(decision) -> str | None:
    if decision and decision.decision == "correct" and "countries" in decision.corrected:
        return decision.corrected["countries"] or ""
    return None


def _derive_claims(claims: pd.DataFrame, listed: dict[tuple, list[str]], decisions: dict) -> pd.DataFrame:
    claims = claims.copy()
    order = claims.assign(_at=pd.to_numeric(claims["marker_offset"])).sort_values(["doc_id", "_at"], kind="stable")
    previous: dict[str, dict] = {}  # per document: the last claim with countries, for 'over half of these'
    derived = {}
    for index, row in zip(order.index, order.to_dict("records")):
        own = _own_list(decisions.get(row["row_key"]))
        seq = row.get("footnote_seq")
        codes = listed_codes(own) if own is not None else (
            listed.get((row["doc_id"], int(seq)), []) if seq is not None and not pd.isna(seq) else [])
        values = _check(row, codes, previous.get(row["doc_id"]))
        derived[index] = values
        if values["n_countries"]:
            previous[row["doc_id"]] = {**row, **values, "_codes": codes}
    for column in DERIVED["claims"]:
        claims[column] = pd.Series([derived[index][column] for index in claims.index], index=claims.index, dtype=object)
    return claims


def _check(row: dict, codes: list[str], previous: dict | None) -> dict:
    n = len(codes) or None
    stated = row.get("stated_count")
    stated = None if stated is None or pd.isna(stated) else int(stated)
    count_ok = subset = None
    relation = RELATION.search(row.get("relation") or "") if row.get("relates_to") else None
    if relation and previous is not None and n is not None:
        count_ok = check_relation(relation, n, previous["n_countries"])
        subset = set(codes) <= set(previous["_codes"])
    elif stated is not None and n is not None:
        count_ok = count_agrees(stated, row.get("count_qualifier"), n)
    return {"countries": ", ".join(codes) or None, "n_countries": n, "count_ok": count_ok,
            "subset_of_related": subset, "check": check_state(row.get("status"), stated, n, count_ok)}
