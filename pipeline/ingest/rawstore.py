"""The raw store: every input's bytes kept once, by SHA-256, with a manifest.

Layout under the raw directory::

    objects/ab/ab12…ef      the bytes, named by their SHA-256
    manifest.sqlite         one row per (source, sha256): doc_id, type, size, first/last seen

Raw bytes are written before anything parses them, so a document that breaks a
parser is still there to inspect and to reprocess.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .filetypes import sniff

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid)$", re.I)

_MANIFEST_SCHEMA = """
CREATE TABLE IF NOT EXISTS manifest (
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (source, sha256)
);
CREATE TABLE IF NOT EXISTS fetches (
    url TEXT NOT NULL,
    source TEXT,
    fetched_at TEXT NOT NULL,
    http_status INTEGER,
    bytes INTEGER,
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS ix_fetches_url ON fetches (url, fetched_at);
"""

FETCH_COLUMNS = ("url", "source", "fetched_at", "http_status", "bytes", "etag", "last_modified", "sha256", "outcome", "error")


@dataclass(frozen=True)
class StoredInput:
    """One input as stored: what ``extract`` needs to find and describe it."""

    doc_id: str
    source: str
    url: str | None
    content_type: str
    sha256: str
    size: int
    path: Path


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no default port, no tracking parameters."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not (parts.scheme == "http" and port == 80 or parts.scheme == "https" and port == 443):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def canonical_source(source: str) -> str:
    if is_url(source):
        return canonical_url(source)
    return Path(source).expanduser().resolve().as_posix()


def make_doc_id(source: str) -> str:
    """A readable id that stays the same for a publication across versions and runs."""
    canonical = canonical_source(source)
    stem = canonical.rstrip("/").rsplit("/", 1)[-1]
    stem = re.sub(r"\.(html?|pdf|md|markdown|txt)$", "", stem, flags=re.I)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"
    return f"{slug}-{hashlib.sha1(canonical.encode()).hexdigest()[:8]}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class RawStore:
    """Content-addressed storage of input bytes plus the manifest."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.manifest_path = self.root / "manifest.sqlite"
        with self._connect() as db:
            db.executescript(_MANIFEST_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.manifest_path, timeout=30)

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def put_bytes(self, data: bytes) -> str:
        """Keep bytes that are not a publication (a feed, a listing page); returns their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.object_path(sha256)
        if not path.exists():
            write_atomic(path, data)
        return sha256

    def put(self, source: str, data: bytes, *, url: str | None = None) -> StoredInput:
        """Store ``data`` read from ``source`` (once per content) and record it in the manifest."""
        sha256 = self.put_bytes(data)
        path = self.object_path(sha256)
        if url is None and is_url(source):
            url = canonical_url(source)
        stored = StoredInput(
            doc_id=make_doc_id(url or source),
            source=source,
            url=url,
            content_type=sniff(data, source),
            sha256=sha256,
            size=len(data),
            path=path,
        )
        self._record(stored)
        return stored

    def _record(self, item: StoredInput) -> None:
        now = utc_now()
        with self._connect() as db:
            db.execute(
                """INSERT INTO manifest VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (source, sha256) DO UPDATE SET last_seen = excluded.last_seen""",
                (item.doc_id, item.source, item.url, item.content_type, item.size, item.sha256, now, now),
            )

    def read(self, sha256: str) -> bytes:
        return self.object_path(sha256).read_bytes()

    def manifest(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM manifest ORDER BY doc_id, first_seen")]

    def log_fetch(self, record: dict) -> None:
        """Append one fetch to the log (every fetch, whatever its outcome)."""
        with self._connect() as db:
            db.execute(f"INSERT INTO fetches VALUES ({', '.join('?' * len(FETCH_COLUMNS))})",
                       [record.get(column) for column in FETCH_COLUMNS])

    def last_good_fetch(self, url: str) -> dict | None:
        """The latest fetch of ``url`` that returned its body, for conditional requests."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM fetches WHERE url = ? AND sha256 IS NOT NULL "
                             "ORDER BY fetched_at DESC, rowid DESC LIMIT 1", (url,)).fetchone()
        return dict(row) if row else None

    def fetches(self) -> list[dict]:
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            return [dict(row) for row in db.execute("SELECT * FROM fetches ORDER BY rowid")]

    def latest_inputs(self) -> list[StoredInput]:
        """The newest stored version of every publication, for reprocessing."""
        with self._connect() as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM manifest m WHERE rowid = (SELECT rowid FROM manifest WHERE doc_id = m.doc_id "
                              "ORDER BY last_seen DESC, rowid DESC LIMIT 1) ORDER BY doc_id").fetchall()
        return [StoredInput(r["doc_id"], r["source"], r["url"], r["content_type"], r["sha256"], r["size"],
                            self.object_path(r["sha256"])) for r in rows]
