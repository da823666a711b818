"""Incremental re-run cost: first run over a sitemap of N pages against a re-run with nothing changed.

    python bench/bench_rerun.py [--pages 300] [--prefect]

Serves N generated press-release pages (with ETags, answering 304 to If-None-Match) and a
sitemap listing them from a local HTTP server, registers it as a source, runs ingest twice
and prints both wall times, the requests each run made and how many documents each run
extracted. With --prefect the runs go through the Prefect flow (the first run includes
starting Prefect's temporary local server, 10-20 s).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import html_page  # noqa: E402


class Publisher(BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}
    requests: list[tuple[str, int]] = []

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = self.pages.get(self.path)
        if body is None:
            return self._answer(404, b"not found")
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            return self._answer(304, b"", etag)
        return self._answer(200, body, etag)

    def _answer(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.requests.append((self.path, status))
        self.send_response(status)
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/xml" if self.path.endswith(".xml") else "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def publish(n_pages: int, base: str) -> None:
    rng = random.Random(3)
    Publisher.pages = {f"/news/item-{i:04d}.html": html_page(rng, i).encode() for i in range(n_pages)}
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in Publisher.pages)
    Publisher.pages["/sitemap.xml"] = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                                       f'sitemap/0.9">{urls}</urlset>').encode()
    Publisher.pages["/robots.txt"] = b"User-agent: *\nAllow: /\n"


def run_once(settings, use_prefect: bool):
    Publisher.requests = []
    started = time.monotonic()
    if use_prefect:
        import os

        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        from flows.ingest import ingest, settings_dict

        summary = ingest(sources=["bench-sitemap"], settings=settings_dict(settings))
        extracted = summary["documents_ok"] + sum(summary["failed_by_reason"].values())
    else:
        from pipeline.run import ingest

        summary = ingest(["bench-sitemap"], settings)
        extracted = summary.documents_ok + summary.documents_failed
    seconds = time.monotonic() - started
    statuses = [status for _path, status in Publisher.requests]
    return seconds, extracted, statuses.count(200), statuses.count(304)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--prefect", action="store_true", help="run through the Prefect flow")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Publisher)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    publish(args.pages, base)
    from pipeline.settings import Settings

    with tempfile.TemporaryDirectory() as scratch:
        sources = Path(scratch, "sources.toml")
        sources.write_text(f'[[source]]\nname = "bench-sitemap"\npublisher = "Benchmark"\nkind = "sitemap"\n'
                           f'start = ["{base}/sitemap.xml"]\nmin_interval_s = 0\nmax_items = {args.pages + 10}\n')
        settings = Settings(out_dir=Path(scratch, "out"), raw_dir=Path(scratch, "raw"), sources_file=sources,
                            allow_private=True, nlp=False)
        print(f"{args.pages} pages behind a sitemap on {base} ({'Prefect flow' if args.prefect else 'no Prefect'})")
        for label in ("first run", "re-run, nothing changed"):
            seconds, extracted, ok, not_modified = run_once(settings, args.prefect)
            print(f"  {label:<24} {seconds:7.1f} s   extracted {extracted:4d}   HTTP 200: {ok:4d}   HTTP 304: {not_modified:4d}")
    server.shutdown()


if __name__ == "__main__":
    main()
