"""A reviewed row on its page: the PDF page as an image with the row's block, marker and footnote boxed.

Takes the stored tables (blocks and markers with their boxes, the row's offsets, page and footnote)
and the raw store; gives the routes ``/region/{table}/{row_key}`` (the row on its page, with its
decision forms and links to the rows before and after it) and ``/page-image/{doc_id}/{page}.png``.
Pages are rendered by pypdfium2 once and cached as PNG under ``<out>/pages/<sha256>/``; rows of
HTML and Markdown documents show the blocks of the source text their span lies in instead.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from .decisions import load_decisions, reviewable_tables
from .tables import TableCache, records

PAGES_DIR = "pages"
RENDER_SCALE = 2.0  # pixels per PDF point: 144 dpi, sharp enough to read 8 pt footnotes
FOOTNOTE_TABLES = ("claims", "footnotes", "footnote_countries")


@dataclass(frozen=True)
class Region:
    """One boxed rectangle on a page, in PDF points; ``role`` is span, marker or footnote."""

    role: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def rendered_page(pdf: Path, sha256: str, page: int, cache_dir: Path) -> tuple[Path, float, float]:
    """The page's PNG (rendered once, then read from the cache) and the page's width and height in points."""
    target = cache_dir / sha256 / f"{page}.png"
    size_file = target.with_suffix(".json")
    if target.exists() and size_file.exists():
        width, height = json.loads(size_file.read_text())
        return target, width, height
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(pdf.read_bytes())
    except pypdfium2.PdfiumError as problem:
        raise LookupError(f"the PDF cannot be rendered: {problem}") from problem
    try:
        if not 1 <= page <= len(document):
            raise LookupError(f"the PDF has {len(document)} pages, not {page}")
        pdf_page = document[page - 1]
        width, height = pdf_page.get_size()
        image = pdf_page.render(scale=RENDER_SCALE).to_pil()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    _atomic_write(target, lambda handle: image.save(handle, format="PNG"))
    _atomic_write(size_file, lambda handle: handle.write(json.dumps([width, height]).encode()))
    return target, width, height


def _atomic_write(target: Path, write: Callable) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def row_blocks(tables: TableCache, name: str, row: dict) -> tuple[list[dict], list[dict]]:
    """(the blocks the row's span lies in, the row's footnote block) of the row's document."""
    blocks = tables.core("blocks")
    own = records(blocks[blocks["doc_id"] == row["doc_id"]])
    footnotes = [block for block in own if block["kind"] == "footnote"]
    note = None
    if name in FOOTNOTE_TABLES and row.get("footnote_seq") is not None:
        seq = int(row["footnote_seq"])
        note = footnotes[seq - 1] if 0 < seq <= len(footnotes) else None
    start, end = row.get("start"), row.get("end")
    if name in ("footnotes", "footnote_countries"):
        spanned = [note] if note else []
    elif start is None or end is None:
        spanned = []
    else:
        spanned = [b for b in own if b["kind"] != "footnote" and b["start"] < end and b["end"] > start] or \
                  [b for b in own if b["start"] <= start < b["end"] + 2]
    return spanned, [note] if note and note not in spanned else []


def page_regions(tables: TableCache, name: str, row: dict) -> tuple[int | None, list[Region]]:
    """The page to show and the boxes on it: the span's block parts, the marker, the footnote."""
    spanned, notes = row_blocks(tables, name, row)
    marker = _marker(tables, row) if name == "claims" else None
    page = marker["page"] if marker else next((b["page"] for b in spanned + notes if b.get("page")), None)
    if page is None:
        return None, []
    regions = [Region(role, *box[1:]) for role, blocks in (("span", spanned), ("footnote", notes))
               for block in blocks for box in _boxes(block) if box[0] == page]
    if marker and marker.get("x0") is not None:
        regions.append(Region("marker", marker["x0"], marker["top"], marker["x1"], marker["bottom"]))
    return int(page), regions


def _boxes(block: dict) -> list[list]:
    return json.loads(block["boxes"]) if block.get("boxes") else []


def _marker(tables: TableCache, row: dict) -> dict | None:
    markers = tables.core("markers")
    found = records(markers[(markers["doc_id"] == row["doc_id"]) & (markers["offset"] == row.get("marker_offset"))])
    return found[0] if found else None


def neighbours(frame, row_key: str) -> tuple[str | None, str | None]:
    """The row keys before and after ``row_key`` in the table's order."""
    keys = list(frame["row_key"])
    index = keys.index(row_key)
    return (keys[index - 1] if index > 0 else None), (keys[index + 1] if index + 1 < len(keys) else None)


def page_routes(out_dir: Path, tables: TableCache, render: Callable, error: Callable,
                raw_path: Callable[[dict], Path | None]) -> list[Route]:
    """The routes of the page view, sharing the app's table cache, templates and raw store."""

    def document_of(doc_id: str) -> dict | None:
        documents = tables.core("documents")
        found = records(documents[documents["doc_id"] == doc_id])
        return found[0] if found else None

    def region_view(request: Request) -> Response:
        name, row_key = request.path_params["name"], request.path_params["row_key"]
        if name not in reviewable_tables(out_dir):
            return error(request, 404, f"No table {name!r}.")
        frame = tables.reviewed(name, load_decisions(out_dir))
        match = frame[frame["row_key"] == row_key]
        if not len(match):
            return error(request, 404, "That row no longer exists (the tables were rewritten).")
        row = records(match)[0]
        document = document_of(row["doc_id"]) or {}
        page, regions = page_regions(tables, name, row)
        has_image = page is not None and document.get("content_type") == "application/pdf" \
            and raw_path(document) is not None
        size = None
        if has_image:
            try:
                _png, *size = rendered_page(raw_path(document), document["sha256"], page, out_dir / PAGES_DIR)
            except LookupError:  # a page that cannot be rendered: the text is shown instead
                has_image = False
        no_image = None
        if not has_image and document.get("content_type") == "application/pdf":
            no_image = ("The stored PDF is not in the raw store given to thb review (--raw)."
                        if raw_path(document) is None else "This page could not be rendered.")
        spanned, notes = row_blocks(tables, name, row)
        previous, following = neighbours(frame, row_key)
        return render(request, "page.html", name=name, row=row, document=document, page=page, regions=regions,
                      size=size, has_image=has_image, no_image=no_image, spanned=spanned, notes=notes, previous=previous,
                      following=following, columns=[c for c in row if not c.startswith("_") and c != "row_key"])

    def page_image(request: Request) -> Response:
        document = document_of(request.path_params["doc_id"])
        pdf = raw_path(document) if document and document.get("content_type") == "application/pdf" else None
        if pdf is None:
            return error(request, 404, "No stored PDF for that document.")
        try:
            png, _width, _height = rendered_page(pdf, document["sha256"], int(request.path_params["page"]),
                                                 out_dir / PAGES_DIR)
        except (LookupError, ValueError) as problem:
            return error(request, 404, str(problem))
        return FileResponse(png, media_type="image/png")

    return [Route("/region/{name}/{row_key}", region_view),
            Route("/page-image/{doc_id}/{page:int}.png", page_image)]
