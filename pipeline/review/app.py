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
import hmac
import ipaddress
import math
import re
import secrets
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.store import parquet_path, read_table
from .decisions import (REVIEW_COLUMNS, REVIEW_SPECS, REVIEW_STATES, clear_decision, corrections_from_form,
                        keyed_table, load_decisions, orphaned_decisions, record_decision,
                        reviewable_tables, reviewed_table, to_csv)

HERE = Path(__file__).parent
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
PAGE_SIZE = 100
DOC_ROWS = 500  # rows per table under a document's text; the table view pages through the rest
# Tables whose rows are spans of the document text, and the highlight kind each gives.
SPAN_KINDS = {"organisations": "organisation", "countries": "country", "persons": "person",
              "legal_refs": "legal_ref", "figures": "figure"}
HIGHLIGHT_KINDS = [*SPAN_KINDS.values(), "marker"]
LONG_COLUMNS = {"sentence", "text", "error"}
# Offsets and sequence numbers place rows for the program; the exports keep them, the pages do not.
HIDDEN_COLUMNS = {"row_key", "doc_id", *REVIEW_COLUMNS, "start", "end", "marker_offset", "footnote_seq"}
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


# --- safety -------------------------------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(request: Request) -> str:
    host = request.headers.get("host", "")
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard(BaseHTTPMiddleware):
    """Host check (no token), token check (with one), and security headers on every response."""

    def __init__(self, app, token: str | None) -> None:
        super().__init__(app)
        self.token = token

    def _has_token(self, request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        supplied = request.cookies.get("thb_token") or (bearer[7:] if bearer.lower().startswith("bearer ") else "")
        return bool(supplied) and hmac.compare_digest(supplied.encode(), self.token.encode())

    async def dispatch(self, request: Request, call_next) -> Response:
        if self.token is None and not is_loopback(_host_name(request)):
            return PlainTextResponse("This review app answers only on 127.0.0.1 / localhost.", status_code=421)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given.encode(), self.token.encode()):
                # Move the token from the URL into a cookie, so it stays out of history and logs.
                rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
                response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), status_code=303)
                response.set_cookie("thb_token", self.token, httponly=True, samesite="strict")
                return _secured(response)
            if not self._has_token(request):
                return _secured(PlainTextResponse("Open the link with ?token=… that `thb review` printed.",
                                                  status_code=401))
        return _secured(await call_next(request))


CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
# The report carries plotly.js inline; its text is escaped into JSON by plotly and into HTML by us.
REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
              "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _secured(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def same_origin(request: Request) -> bool:
    """Whether a POST comes from this app's own pages (browsers send Origin or Sec-Fetch-Site)."""
    site = request.headers.get("sec-fetch-site")
    if site and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True  # not a browser: the CSRF token still has to match
    parts = urlsplit(origin)
    return parts.scheme == request.url.scheme and parts.netloc.lower() == request.headers.get("host", "").lower()


def format_cell(value) -> str:
    """A value as a reviewer reads it: empty for missing, yes/no, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def safe_link(url) -> str | None:
    """Only http(s) URLs become links (never javascript: or data:)."""
    if isinstance(url, str) and urlsplit(url.strip()).scheme.lower() in ("http", "https"):
        return url.strip()
    return None


def _local_path(target: str | None) -> str:
    """A redirect target inside this app."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


# --- data ------------------------------------------------------------------------------------------------

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
        return reviewed_table(self.keyed(name), decisions)

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


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


# --- table views -----------------------------------------------------------------------------------------

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

    @classmethod
    def from_request(cls, request: Request) -> "TableQuery":
        params = request.query_params
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(params.get("doc", ""), params.get("source", ""), params.get("kind", ""), params.get("state", ""),
                   params.get("q", "")[:200], params.get("sort", ""), "desc" if params.get("order") == "desc" else "asc",
                   page)

    def url(self, path: str, **changes) -> str:
        values = {"doc": self.doc, "source": self.source, "kind": self.kind, "state": self.state, "q": self.q,
                  "sort": self.sort, "order": self.order, "page": self.page}
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
        rank = frame["count_ok"].map(lambda ok: 0 if ok is False else 1 if ok is None else 2)
        return frame.assign(_rank=rank).sort_values(["_rank", "doc_id", "marker_offset"], kind="stable").drop(columns="_rank")
    return frame


def _sort_key(column: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() >= column.notna().sum() and column.notna().any():
        return numbers
    return column.map(lambda v: None if v is None else str(v).casefold())


def display_columns(all_columns: list[str], with_doc: bool) -> list[str]:
    columns = [c for c in all_columns if c not in HIDDEN_COLUMNS and not c.startswith("_")]
    short = [c for c in columns if c not in LONG_COLUMNS]
    return (["doc_id"] if with_doc else []) + short + [c for c in columns if c in LONG_COLUMNS]


def claim_countries(tables: TableCache, decisions) -> dict[tuple, list[dict]]:
    """The (reviewed) countries behind each claim's footnote, by (doc_id, footnote_seq)."""
    if not parquet_path(tables.out_dir, "footnote_countries").exists():
        return {}
    frame = tables.reviewed("footnote_countries", decisions)
    frame = frame[frame["review"] != "reject"]
    chips: dict[tuple, list[dict]] = {}
    for row in _records(frame):
        chips.setdefault((row["doc_id"], row["footnote_seq"]), []).append(row)
    return chips


def _with_chips(table: str, rows: list[dict], chips: dict) -> list[dict]:
    if table == "claims":
        for row in rows:
            row["_countries"] = chips.get((row["doc_id"], row["footnote_seq"]), [])
    return rows


def _original_values(tables: TableCache, table: str, rows: list[dict]) -> None:
    """For corrected rows, the values as extracted, to show beside the corrections."""
    corrected = [row["row_key"] for row in rows if row["review"] == "correct"]
    if not corrected:
        return
    raw = tables.keyed(table).set_index("row_key")
    for row in rows:
        if row["review"] == "correct":
            row["_original"] = {k: _clean(v) for k, v in raw.loc[row["row_key"]].items()}


# --- document view ---------------------------------------------------------------------------------------

@dataclass
class Span:
    kind: str
    start: int
    end: int
    row_key: str
    state: str
    title: str


def document_spans(rows_by_table: dict[str, list[dict]]) -> list[Span]:
    spans = []
    for table, kind in SPAN_KINDS.items():
        for row in rows_by_table.get(table, []):
            if row.get("start") is None or row.get("end") is None:
                continue
            spans.append(Span(kind, int(row["start"]), int(row["end"]), row["row_key"], row["review"],
                              _span_title(table, kind, row)))
    return spans


def _span_title(table: str, kind: str, row: dict) -> str:
    details = [str(row[c]) for c in REVIEW_SPECS[table].editable if row.get(c) not in (None, "")]
    return f"{kind}: {' · '.join(details[:4])} ({row['review']})"


def render_blocks(blocks: list[dict], markers: list[dict], spans: list[Span]) -> list[dict]:
    """Each block with its text cut into pieces for the template (spans and markers placed)."""
    starts = [int(block["start"]) for block in blocks]
    spans_in: dict[int, list[Span]] = {}
    for span in spans:
        # spans come from one block each: the block holding the span's first character
        index = bisect_right(starts, span.start) - 1
        if index >= 0:
            spans_in.setdefault(index, []).append(span)
    markers_in: dict[int, list[dict]] = {}
    for marker in markers:
        markers_in.setdefault(marker["block_no"], []).append(marker)
    return [dict(block, _pieces=block_pieces(block, spans_in.get(index, []), markers_in.get(block["block_no"], [])))
            for index, block in enumerate(blocks)]


def block_pieces(block: dict, spans: list[Span], markers: list[dict]) -> list[dict]:
    """The block's text cut where spans start or end and where markers stand."""
    start, end, text = int(block["start"]), int(block["end"]), block["text"] or ""
    inside = [s for s in spans if s.start < end and s.end > start]
    cuts = {0, len(text)}
    for span in inside:
        cuts.update((max(0, span.start - start), min(len(text), span.end - start)))
    marks_at: dict[int, list[dict]] = {}
    for marker in markers:
        position = min(max(0, int(marker["offset"]) - start), len(text))
        cuts.add(position)
        marks_at.setdefault(position, []).append(marker)
    pieces, points = [], sorted(cuts)
    for index, left in enumerate(points):
        pieces.extend({"marker": marker} for marker in marks_at.get(left, []))
        if index + 1 == len(points):
            break
        right = points[index + 1]
        # the shortest covering span is the most specific one: it gets the link
        covering = sorted((s for s in inside if s.start - start <= left and s.end - start >= right),
                          key=lambda s: s.end - s.start)
        pieces.append({"text": text[left:right], "spans": covering})
    return pieces


# --- the app ---------------------------------------------------------------------------------------------

def create_app(out_dir: Path, token: str | None = None, *, raw_dir: Path | None = None,
               reviewer: str | None = None) -> Starlette:
    """The review app over the tables in ``out_dir`` (and the raw store ``raw_dir``, for originals)."""
    out_dir, raw_dir = Path(out_dir), Path(raw_dir) if raw_dir else None
    tables = TableCache(out_dir)
    csrf_token = secrets.token_urlsafe(32)
    default_reviewer = reviewer or _login_name()
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(specs=REVIEW_SPECS, states=REVIEW_STATES, kinds=HIGHLIGHT_KINDS)
    env.filters["cell"] = format_cell

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        context.update(request=request, csrf=csrf_token, tables_present=reviewable_tables(out_dir),
                       reviewer=_reviewer(request, default_reviewer), path=_current(request))
        return HTMLResponse(env.get_template(template).render(**context), status_code=status_code)

    def error(request: Request, status_code: int, message: str) -> HTMLResponse:
        return render(request, "error.html", status_code=status_code, message=message)

    def index(request: Request) -> Response:
        documents = _records(tables.core("documents"))
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
        document = _records(found)[0]
        decisions = load_decisions(out_dir)
        rows_by_table = {}
        for name in reviewable_tables(out_dir):
            frame = tables.reviewed(name, decisions)
            rows_by_table[name] = _records(frame[frame["doc_id"] == doc_id])
            _original_values(tables, name, rows_by_table[name])
        _with_chips("claims", rows_by_table.get("claims", []), claim_countries(tables, decisions))
        blocks = _records(tables.core("blocks").pipe(lambda f: f[f["doc_id"] == doc_id]).sort_values("block_no"))
        markers = _records(tables.core("markers").pipe(lambda f: f[f["doc_id"] == doc_id]))
        claims_at = {row["marker_offset"]: row for row in rows_by_table.get("claims", [])}
        for marker in markers:
            marker["_claim"] = claims_at.get(marker["offset"])
        rendered = render_blocks(blocks, markers, document_spans(rows_by_table))
        columns = {name: display_columns(list(tables.keyed(name).columns), False) for name in rows_by_table}
        shown = {name: rows[:DOC_ROWS] for name, rows in rows_by_table.items()}
        return render(request, "document.html", document=document, blocks=rendered, rows_by_table=shown,
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
        rows = _records(selected.iloc[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])
        _with_chips(name, rows, claim_countries(tables, decisions) if name == "claims" else {})
        _original_values(tables, name, rows)
        spec = REVIEW_SPECS[name]
        kinds = sorted({str(v) for v in frame[spec.kind].dropna()}) if spec.kind in frame.columns else []
        return render(request, "table.html", name=name, spec=spec, rows=rows, total=len(selected), all_rows=len(frame),
                      columns=display_columns(list(frame.columns), True), query=query, page=page, pages=pages,
                      doc_ids=sorted(frame["doc_id"].dropna().unique()), sources=sorted(set(origins.values())),
                      kinds=kinds)

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

    async def decide(request: Request) -> Response:
        form = await request.form()
        if not _csrf_ok(request, form, csrf_token):
            return error(request, 403, "This form did not come from the review app (cross-site request refused).")
        name, row_key, action = form.get("table", ""), form.get("row_key", ""), form.get("decision", "")
        if name not in reviewable_tables(out_dir):
            return error(request, 404, f"No table {name!r}.")
        frame = tables.keyed(name)
        match = frame[frame["row_key"] == row_key]
        if not len(match):
            return error(request, 409, "That row no longer exists (the tables were rewritten); reload the page.")
        row = _records(match)[0]
        target = _local_path(form.get("next")) + f"#row-{row_key}"
        if action == "clear":
            clear_decision(out_dir, row_key)
            return RedirectResponse(target, status_code=303)
        corrected = None
        if action == "correct":
            try:
                corrected = corrections_from_form(name, row, {k[4:]: v for k, v in form.items() if k.startswith("set_")})
            except ValueError as problem:
                return error(request, 400, f"Correction not saved: {problem}.")
            if not corrected:
                return error(request, 400, "Correction not saved: no value was changed.")
        elif action not in ("accept", "reject"):
            return error(request, 400, f"Unknown decision {action!r}.")
        record_decision(out_dir, name, row_key, row["doc_id"], action, corrected=corrected,
                        reviewer=_reviewer(request, default_reviewer), row=row)
        return RedirectResponse(target, status_code=303)

    async def set_reviewer(request: Request) -> Response:
        form = await request.form()
        if not _csrf_ok(request, form, csrf_token):
            return error(request, 403, "This form did not come from the review app (cross-site request refused).")
        response = RedirectResponse(_local_path(form.get("next")), status_code=303)
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
        found = _records(documents[documents["doc_id"] == request.path_params["doc_id"]])
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
        Route("/table/{name}", table_view),
        Route("/table/{name}/export.csv", export_csv),
        Route("/decide", decide, methods=["POST"]),
        Route("/reviewer", set_reviewer, methods=["POST"]),
        Route("/orphans", orphans),
        Route("/report", report),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guard, token=token)])


def _csrf_ok(request: Request, form, csrf_token: str) -> bool:
    supplied = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    return same_origin(request) and hmac.compare_digest(supplied.encode(), csrf_token.encode())


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
