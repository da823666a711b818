"""The review web app: documents with their extracted spans, table views, decisions and exports.

Documents are untrusted input, so the app is built to be safe with hostile text:

* every value reaches the page through Jinja2 with autoescaping, links to originals
  are only ever http(s), and a Content-Security-Policy forbids inline scripts;
* POST requests need the page's CSRF token (form field ``csrf`` or header
  ``X-CSRF-Token``) and a same-origin ``Origin``/``Referer``/``Sec-Fetch-Site``;
* without a token the app answers only to loopback host names, which also defeats
  DNS rebinding; with a token (required off loopback) every request must carry it;
* CSV cells that start with ``= + - @`` (or a tab or carriage return) are prefixed with
  an apostrophe so spreadsheets show them as text instead of running them.
"""

from __future__ import annotations

import getpass
import math
import re
import secrets
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .decisions import (REVIEW_SPECS, REVIEW_STATES, clear_decision, corrections_from_form, load_decisions,
                        orphaned_decisions, record_decision, reviewable_tables, to_csv)
from .derived import edited_countries
from .lineage import lineage_routes
from .pages import page_routes
from .security import REPORT_CSP, Guard, csrf_ok, is_loopback, local_path, safe_link
# Span and block_pieces are not used here: tests import them from this module.
from .spans import HIGHLIGHT_KINDS, Span, block_pieces, document_spans, render_blocks
from .tables import (CHECKS, TableCache, TableQuery, display_columns, document_summary, filter_rows, format_cell,
                     jsonable, original_values, records, sort_rows, with_chips)

HERE = Path(__file__).parent
PAGE_SIZE = 100
DOC_ROWS = 500  # rows per table under a document's text; the table view pages through the rest
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def create_app(out_dir: Path, token: str | None = None, *, raw_dir: Path | None = None,
               reviewer: str | None = None) -> Starlette:
    """The review app over the tables in ``out_dir`` (and the raw store ``raw_dir``, for originals)."""
    out_dir, raw_dir = Path(out_dir), Path(raw_dir) if raw_dir else None
    tables = TableCache(out_dir)
    csrf_token = secrets.token_urlsafe(32)
    default_reviewer = reviewer or _login_name()
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(specs=REVIEW_SPECS, states=REVIEW_STATES, kinds=HIGHLIGHT_KINDS, checks=CHECKS)
    env.filters["cell"] = format_cell

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        context.update(request=request, csrf=csrf_token, tables_present=reviewable_tables(out_dir), titles=tables.titles(),
                       reviewer=_reviewer(request, default_reviewer), path=_current(request))
        return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)

    def error(request: Request, status_code: int, message: str) -> HTMLResponse:
        return render(request, "error.html", status_code=status_code, message=message)

    def index(request: Request) -> Response:
        documents = records(tables.core("documents"))
        decisions = load_decisions(out_dir)
        counts = {name: tables.reviewed(name, decisions) for name in reviewable_tables(out_dir)}
        per_doc = {name: frame["doc_id"].value_counts().to_dict() for name, frame in counts.items()}
        summary = {name: frame["review"].value_counts().to_dict() | {"rows": len(frame)} for name, frame in counts.items()}
        origins = tables.origins()
        for document in documents:
            document["_origin"] = origins.get(document["doc_id"])
        return render(request, "index.html", documents=documents, per_doc=per_doc, summary=summary,
                      orphans=len(orphaned_decisions(out_dir)))

    def document_view(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        documents = tables.core("documents")
        found = documents[documents["doc_id"] == doc_id]
        if not len(found):
            return error(request, 404, f"No document {doc_id!r}.")
        document = records(found)[0]
        decisions = load_decisions(out_dir)
        rows_by_table = {}
        for name in reviewable_tables(out_dir):
            frame = tables.reviewed(name, decisions)
            rows_by_table[name] = records(frame[frame["doc_id"] == doc_id])
            original_values(tables, name, rows_by_table[name])
        with_chips("claims", rows_by_table.get("claims", []))
        blocks = records(tables.core("blocks").pipe(lambda f: f[f["doc_id"] == doc_id]).sort_values("block_no"))
        markers = records(tables.core("markers").pipe(lambda f: f[f["doc_id"] == doc_id]))
        claims_at = {row["marker_offset"]: row for row in rows_by_table.get("claims", [])}
        for marker in markers:
            marker["_claim"] = claims_at.get(marker["offset"])
        rendered = render_blocks(blocks, markers, document_spans(rows_by_table))
        shown = {name: rows[:DOC_ROWS] for name, rows in rows_by_table.items()}
        columns = {name: display_columns(list(tables.keyed(name).columns), False, rows) for name, rows in shown.items()}
        return render(request, "document.html", document=document, blocks=rendered, rows_by_table=shown,
                      summary=document_summary(rows_by_table),
                      counts={name: len(rows) for name, rows in rows_by_table.items()}, columns=columns,
                      original=_original_link(document, raw_dir), origin=tables.origins().get(doc_id))

    def table_view(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in reviewable_tables(out_dir):
            return error(request, 404, f"No table {name!r} in {out_dir}.")
        query = TableQuery.from_request(request)
        decisions = load_decisions(out_dir)
        frame = tables.reviewed(name, decisions)
        origins = tables.origins()
        selected = sort_rows(filter_rows(frame, name, query, origins), name, query)
        pages = max(1, math.ceil(len(selected) / PAGE_SIZE))
        page = min(query.page, pages)
        rows = records(selected.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
        with_chips(name, rows)
        original_values(tables, name, rows)
        spec = REVIEW_SPECS[name]
        kinds = sorted({str(v) for v in frame[spec.kind].dropna()}) if spec.kind in frame.columns else []
        return render(request, "table.html", name=name, spec=spec, rows=rows, total=len(selected), all_rows=len(frame),
                      columns=display_columns(list(frame.columns), True, rows), query=query, page=page, pages=pages,
                      doc_ids=sorted(frame["doc_id"].dropna().unique()), sources=sorted(set(origins.values())),
                      kinds=kinds)

    def table_json(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in reviewable_tables(out_dir):
            return JSONResponse({"error": f"No table {name!r}."}, status_code=404)
        query = TableQuery.from_request(request)
        frame = filter_rows(tables.reviewed(name, load_decisions(out_dir)), name, query, tables.origins())
        rows = records(sort_rows(frame, name, query))
        return JSONResponse({"table": name, "total": len(rows), "rows": [jsonable(row) for row in rows]})

    def export_csv(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in reviewable_tables(out_dir):
            return error(request, 404, f"No table {name!r} in {out_dir}.")
        query = TableQuery.from_request(request)
        reviewed = request.query_params.get("reviewed") == "1"
        frame = filter_rows(tables.reviewed(name, load_decisions(out_dir)), name, query, tables.origins())
        frame = sort_rows(frame, name, query)
        if reviewed:
            frame = frame[frame["review"] != "reject"]
        else:
            frame = tables.keyed(name).loc[frame.index]
        suffix = "reviewed" if reviewed else "extracted"
        return Response(to_csv(frame), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}-{suffix}.csv"'})

    def matrix_csv(request: Request) -> Response:
        from pipeline.footnotes import claim_matrix

        if "claims" not in reviewable_tables(out_dir):
            return error(request, 404, f"No claims table in {out_dir}.")
        claims = tables.reviewed("claims", load_decisions(out_dir))
        return Response(to_csv(claim_matrix(claims[claims["review"] != "reject"])), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="claim_matrix-reviewed.csv"'})

    async def decide(request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request, form, csrf_token):
            return error(request, 403, "This form did not come from the review app (cross-site request refused).")
        name, row_key, action = form.get("table", ""), form.get("row_key", ""), form.get("decision", "")
        if name not in reviewable_tables(out_dir):
            return error(request, 404, f"No table {name!r}.")
        decisions = load_decisions(out_dir)
        frame = tables.reviewed(name, decisions)
        match = frame[frame["row_key"] == row_key]
        if not len(match):
            return error(request, 409, "That row no longer exists (the tables were rewritten); reload the page.")
        row = records(match)[0]  # as the reviewer sees it: earlier corrections applied
        target = local_path(form.get("next")) + f"#row-{row_key}"
        if action == "clear":
            clear_decision(out_dir, row_key)
            return RedirectResponse(target, status_code=303)
        corrected = None
        if action == "correct":
            values = {k[4:]: v for k, v in form.items() if k.startswith("set_")}
            try:
                if form.get("add_country") or form.get("remove_country"):
                    values["countries"] = edited_countries(row.get("countries"), form.get("add_country", ""),
                                                           form.get("remove_country", "")) or ""
                changed = corrections_from_form(name, row, values)
            except ValueError as problem:
                return error(request, 400, f"Correction not saved: {problem}.")
            if not changed:
                return error(request, 400, "Correction not saved: no value was changed.")
            earlier = decisions.get(row_key)
            corrected = {**(earlier.corrected if earlier and earlier.decision == "correct" else {}), **changed}
        elif action not in ("accept", "reject"):
            return error(request, 400, f"Unknown decision {action!r}.")
        record_decision(out_dir, name, row_key, row["doc_id"], action, corrected=corrected,
                        reviewer=_reviewer(request, default_reviewer), row=row)
        return RedirectResponse(target, status_code=303)

    async def set_reviewer(request: Request) -> Response:
        form = await request.form()
        if not csrf_ok(request, form, csrf_token):
            return error(request, 403, "This form did not come from the review app (cross-site request refused).")
        response = RedirectResponse(local_path(form.get("next")), status_code=303)
        name = " ".join(str(form.get("reviewer", "")).split())[:80]
        response.set_cookie("thb_reviewer", name, httponly=True, samesite="strict", max_age=365 * 86400)
        return response

    def orphans(request: Request) -> Response:
        return render(request, "orphans.html", orphans=orphaned_decisions(out_dir))

    def report(request: Request) -> Response:
        from .report import render_report

        response = HTMLResponse(render_report(out_dir, app_link="/"))
        response.headers["Content-Security-Policy"] = REPORT_CSP
        return response

    def original(request: Request) -> Response:
        documents = tables.core("documents")
        found = records(documents[documents["doc_id"] == request.path_params["doc_id"]])
        path = _raw_path(found[0], raw_dir) if found else None
        if path is None:
            return error(request, 404, "The original bytes are not in the raw store.")
        # Served as a download in a sandbox: the original is untrusted and must not run in the app's origin.
        extension = {"application/pdf": "pdf", "text/html": "html", "text/markdown": "md"}.get(found[0]["content_type"], "txt")
        name = re.sub(r"[^\w.-]", "_", found[0]["doc_id"])
        return Response(path.read_bytes(), media_type="application/octet-stream", headers={
            "Content-Disposition": f'attachment; filename="{name}.{extension}"',
            "Content-Security-Policy": "sandbox; default-src 'none'"})

    routes = [
        Route("/", index),
        Route("/doc/{doc_id}", document_view),
        Route("/doc/{doc_id}/original", original),
        Route("/table/claims/matrix.csv", matrix_csv),
        Route("/table/{name}.json", table_json),
        Route("/table/{name}", table_view),
        Route("/table/{name}/export.csv", export_csv),
        Route("/decide", decide, methods=["POST"]),
        Route("/reviewer", set_reviewer, methods=["POST"]),
        Route("/orphans", orphans),
        Route("/report", report),
        *page_routes(out_dir, tables, render, error, lambda document: _raw_path(document, raw_dir)),
        *lineage_routes(tables, render),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token)])


def _reviewer(request: Request, default: str) -> str:
    return request.cookies.get("thb_reviewer") or default


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "reviewer"


def _current(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _raw_path(document: dict, raw_dir: Path | None) -> Path | None:
    sha = document.get("sha256") or ""
    if raw_dir is None or not _SHA256.match(sha):
        return None
    path = raw_dir / "objects" / sha[:2] / sha
    return path if path.is_file() else None


def _original_link(document: dict, raw_dir: Path | None) -> dict:
    return {"web": safe_link(document.get("url")) or safe_link(document.get("source")),
            "stored": _raw_path(document, raw_dir) is not None}


def review_url(host: str, port: int, token: str | None = None) -> str:
    """The address to open (with the token, which the app then moves into a cookie)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?{urlencode({'token': token})}" if token else "")


def serve_review(out_dir: Path, host: str = "127.0.0.1", port: int = 8765, token: str | None = None, *,
                 raw_dir: Path | None = None, reviewer: str | None = None) -> None:
    """Run the review app until interrupted; a host other than loopback needs a token."""
    import uvicorn

    if not is_loopback(host) and not token:
        raise ValueError(f"refusing to serve on {host} without a token: anyone on the network could change decisions")
    print(f"Review app: {review_url(host, port, token)}  (Ctrl-C stops it)", flush=True)
    uvicorn.run(create_app(out_dir, token, raw_dir=raw_dir, reviewer=reviewer), host=host, port=port,
                log_level="warning")
