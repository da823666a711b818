"""The 37 cases of the reliability plan (§2), and what proves each one here.

Each case names the tests that prove it (selected by the ``test_caseNN`` part of their names
under tests/robust/, plus any ``extra`` test files), the slow runs of bench/robustness.py that
belong to it, and the status (or refusal) those tests assert: a documents row's status, a
fetches row's, or what the fetcher, the review app or the exporter does instead.  Where the plan
assumes something this project does not have (DuckDB, Prefect concurrency slots), ``title``
says what stands in for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    number: int
    title: str
    status: str  # what the tests assert: a row's status, or the refusal
    slow: tuple[str, ...] = ()  # slow runs of bench/robustness.py
    extra: tuple[str, ...] = ()  # test files or node ids beside the test_caseNN tests
    trials: bool = False  # also bench/crash_trials.py


CASES = [
    Case(1, "server drips 1 byte at a time", "fetch_failed (deadline)", extra=("tests/test_fetch_deadline.py",)),
    Case(2, "blackholed address", "fetch_failed, retryable"),
    Case(3, "200 MB body without Content-Length", "too_large", slow=("03-endless-body",)),
    Case(4, "Content-Length: 10 GB", "too_large (refused unread)"),
    Case(5, "gzip bomb, gzip twice", "too_large (decoded size)"),
    Case(6, "429 Retry-After: 3600", "fetch_failed, pause capped"),
    Case(7, "host always 500", "fetch_failed after 3 retries"),
    Case(8, "redirect loop", "fetch_failed after 5 hops"),
    Case(9, "redirects to private addresses, DNS rebinding", "ssrf_blocked"),
    Case(10, "file:, ftp:, data:, javascript: links", "refused scheme"),
    Case(11, "robots.txt 404 / 503 / timeout / 5 MB", "allow / disallow / capped"),
    Case(12, "self-signed certificate", "tls_untrusted"),
    Case(13, "PDF served as text/html", "type from bytes: ok"),
    Case(14, "wrong charset, BOM, NUL bytes", "ok (replacement)"),
    Case(15, "0-byte, truncated, garbage PDF", "empty / broken"),
    Case(16, "encrypted PDF", "encrypted"),
    Case(17, "10,000-page PDF", "ok / timeout", slow=("17-10000-pages",)),
    Case(18, "flate bomb", "memory_limit / ok", slow=("18-flate-bomb",)),
    Case(19, "Pages tree, XObject and xref loops", "broken / timeout / ok"),
    Case(20, "page of 100k vector paths", "ok / timeout", slow=("20-vector-paths",)),
    Case(21, "mutated PDFs (also bench/fuzz.py)", "each one row"),
    Case(22, "HTML 100k deep, 1M elements", "ok / capped", slow=("22-deep-html", "22-million-elements")),
    Case(23, "5 M characters of text", "ok (capped for spaCy)", slow=("23-5m-chars",)),
    Case(24, "billion laughs, XXE, external DTD", "fetches: failed (refused)"),
    Case(25, "feeds that make feedparser raise", "fetches: failed"),
    Case(26, "sitemap bomb, self-listing index", "too_large / cycle cut"),
    Case(27, "kill -9 at random points", "rerun complete", trials=True),
    Case(28, "kill -9 mid database write (SQLite, not DuckDB)", "opened / set aside + rebuilt"),
    Case(29, "disk full", "clear error, old tables kept"),
    Case(30, "two runs on one output folder", "refused: in use by pid N"),
    Case(31, "killed run holding the lock (no Prefect slots)", "not blocked, finished skipped"),
    Case(32, "same document twice, unchanged rerun", "one row, no new rows"),
    Case(33, "parser child SIGKILL / MemoryError", "crashed / memory_limit"),
    Case(34, "hostile names from URLs and headers", "stored by hash, inside out/"),
    Case(35, "UI payloads", "escaped, CSP"),
    Case(36, "no CSRF token, Host: evil.com", "403 / 400"),
    Case(37, "formula cells in CSV", "prefixed with '"),
]
