"""The claim lineage view: claims and figures followed from one edition of a publication to the next.

Takes the ``claim_lineage`` table (built by :mod:`pipeline.store.lineage`) and gives the route
``/lineage``: its rows, filtered by kind and by a word of the subject or sentences, each with both
documents and dates, the countries added and dropped and the change in value.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .tables import TableCache, records

LINEAGE_KINDS = ("claim", "figure")


def lineage_rows(tables: TableCache, kind: str = "", search: str = "") -> list[dict]:
    frame = tables.core("claim_lineage")
    if kind in LINEAGE_KINDS:
        frame = frame[frame["kind"] == kind]
    if search:
        text = frame[["subject", "from_sentence", "to_sentence"]].fillna("").agg(" ".join, axis=1).str.lower()
        frame = frame[text.str.contains(search.lower(), regex=False)]
    rows = records(frame.sort_values(["subject", "to_published"], kind="stable"))
    for row in rows:
        row["added"] = [code for code in (row.get("countries_added") or "").split(",") if code]
        row["dropped"] = [code for code in (row.get("countries_dropped") or "").split(",") if code]
    return rows


def lineage_routes(tables: TableCache, render: Callable) -> list[Route]:
    def lineage_view(request: Request) -> Response:
        kind, search = request.query_params.get("kind", ""), request.query_params.get("q", "").strip()
        return render(request, "lineage.html", rows=lineage_rows(tables, kind, search), kind=kind, search=search,
                      lineage_kinds=LINEAGE_KINDS)

    return [Route("/lineage", lineage_view)]
