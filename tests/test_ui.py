"""Terminal output shows outside text as it is: Rich markup in sources, titles and errors is never read."""

from __future__ import annotations

import io
import pytest
from rich.console import Console

from conftest import REPO, write_sources
from pipeline import ui
from pipeline.run import RunSummary
from pipeline.store import write_tables

HOSTILE = ["a[/x]", "[red]alarm[/red]", "[link=https://example.invalid/]click[/link]", "[/]", ":warning:", "[bold"]


@pytest.fixture
def screen(monkeypatch) -> io.StringIO:
    """What ui prints, as plain text (no colours), wide enough that nothing is cut."""
    output = io.StringIO()
    console = Console(file=output, width=400, color_system=None, emoji=True)
    monkeypatch.setattr(ui, "console", console)
    monkeypatch.setattr(ui, "err_console", console)
    return output


def test_the_summary_prints_markup_in_sources_and_errors_literally(screen, tmp_path):
    failures = [(f"http://127.0.0.1:9/{text}", "fetch_failed", f"HTTP 404 Not Found from http://127.0.0.1:9/{text}")
                for text in HOSTILE]
    summary = RunSummary(out_dir=tmp_path / "[red]out[/]", documents_ok=1, failed_by_reason={"fetch_failed": 6},
                         rows={"documents": 7}, seconds=1.0, failures=failures,
                         discovery_failures=[("http://127.0.0.1:9/feed[/x]", "unsafe_xml", "refused [/] [red]x")])
    ui.print_summary(summary)
    shown = screen.getvalue()
    for text in HOSTILE:
        assert f"http://127.0.0.1:9/{text}" in shown
    assert "feed[/x]" in shown and "refused [/] [red]x" in shown and "[red]out[/]" in shown
    assert "with failures" in shown and "ok in" not in shown


def test_show_prints_markup_in_cells_titles_and_errors_literally(screen, tmp_path):
    rows = [{"doc_id": f"doc-{n}", "source": f"/in/{text}.pdf", "title": text, "status": "broken",
             "error": f"damaged: {text}"} for n, text in enumerate(HOSTILE)]
    write_tables(tmp_path, {"documents": rows}, {row["doc_id"] for row in rows})
    assert ui.print_table(tmp_path, "documents", doc=None, limit=20, columns=["doc_id", "source", "title", "error"])
    assert ui.print_table(tmp_path, "documents", doc="[red]x[/]", limit=20)  # a doc filter with no rows
    ui.print_table(tmp_path, "documents", doc=None, limit=20, columns=["[/x]"])  # unknown column: an error line
    ui.list_tables(tmp_path)
    shown = screen.getvalue()
    for text in HOSTILE:
        assert f"/in/{text}.pdf" in shown and f"damaged: {text}" in shown
    assert "of [red]x[/]" in shown and "no column [/x]" in shown


def test_sources_listing_prints_markup_literally(screen, tmp_path):
    from pipeline.ingest import load_sources

    path = write_sources(tmp_path / "s.toml", {"name": "odd", "publisher": "[red]Ministry[/red] [/x]", "kind": "feed",
                                                "start": ["https://example.org/feed[/x].xml"]})
    ui.print_sources({k: v for k, v in load_sources(path).items() if k == "odd"})
    shown = screen.getvalue()
    assert "[red]Ministry[/red] [/x]" in shown and "feed[/x].xml" in shown


def test_a_run_with_markup_in_paths_prints_its_summary_and_shows_its_tables(tmp_path):
    """End to end, as the issue reported it: the summary used to crash with a MarkupError."""
    from test_cli import thb

    odd = tmp_path / "[red]in[" / "x]"
    odd.mkdir(parents=True)
    (odd / "[link=tel:123]note.md").write_text("# [bold]Title[/bold] [/x]\n\nA note.\n")
    (odd / "broken [red].pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    here = {"cwd": tmp_path, "env_extra": {"PYTHONPATH": str(REPO)}}  # relative paths keep the cells short
    result = thb("run", "--no-prefect", "--no-nlp", "[red]in[", "gone[/x].md", "--out", "out", "--raw", "raw", **here)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "MarkupError" not in result.stderr and "Traceback" not in result.stderr
    assert "1 documents ok, 2 failed" in result.stdout
    assert "broken [red].pdf" in result.stdout and "gone[/x].md" in result.stdout and "not_found" in result.stdout
    shown = thb("show", "documents", "--out", "out", "--columns", "source,title,status", **here)
    assert shown.returncode == 0, shown.stderr
    assert "[bold]Title[/bold] [/x]" in shown.stdout and "[red]in[/x]/[link=tel:123]note.md" in shown.stdout
