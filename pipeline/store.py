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

from .sniff import sniff

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
)
"""


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
            db.execute(_MANIFEST_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.manifest_path, timeout=30)

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def put(self, source: str, data: bytes, *, url: str | None = None) -> StoredInput:
        """Store ``data`` read from ``source`` (once per content) and record it in the manifest."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.object_path(sha256)
        if not path.exists():
            write_atomic(path, data)
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
