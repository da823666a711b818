"""The sources registry: which publishers to watch, how to find their publications, when.

Declared as data in TOML (``pipeline/data/sources.toml`` ships real public sources;
users add their own file).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import TerminalError

DEFAULT_SOURCES = Path(__file__).parents[1] / "data" / "sources.toml"
KINDS = ("feed", "sitemap", "listing", "document")


class SourceConfigError(TerminalError):
    reason = "bad_config"


@dataclass(frozen=True)
class Source:
    name: str
    publisher: str
    kind: str
    start: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    next_page: str | None = None
    max_pages: int = 1
    follow_documents: bool = False
    schedule: str | None = None
    min_interval_s: float = 1.0
    max_items: int = 500
    origin: str = field(default="", compare=False)

    def wants(self, url: str) -> bool:
        """Whether a discovered URL belongs to this source."""
        if any(re.search(pattern, url) for pattern in self.exclude):
            return False
        return not self.include or any(re.search(pattern, url, re.I) for pattern in self.include)


def load_sources(*paths: Path | str) -> dict[str, Source]:
    """Sources from the shipped registry and any user files (later files override by name)."""
    sources: dict[str, Source] = {}
    for path in (DEFAULT_SOURCES, *paths):
        for entry in _read(Path(path)):
            source = _build(entry, str(path))
            sources[source.name] = source
    return sources


def _read(path: Path) -> list[dict]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SourceConfigError(f"cannot read sources file {path}: {error}") from error
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourceConfigError(f"{path}: expected [[source]] tables")
    return entries


def _build(entry: dict, origin: str) -> Source:
    known = set(Source.__dataclass_fields__) - {"origin"}
    unknown = set(entry) - known
    name = entry.get("name", "?")
    if unknown:
        raise SourceConfigError(f"{origin}: source {name!r} has unknown keys {sorted(unknown)}")
    missing = {"name", "publisher", "kind", "start"} - set(entry)
    if missing:
        raise SourceConfigError(f"{origin}: source {name!r} lacks {sorted(missing)}")
    if entry["kind"] not in KINDS:
        raise SourceConfigError(f"{origin}: source {name!r} has kind {entry['kind']!r}; expected one of {KINDS}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}
    for pattern in values.get("include", ()) + values.get("exclude", ()):
        try:
            re.compile(pattern)
        except re.error as error:
            raise SourceConfigError(f"{origin}: source {name!r} has a bad pattern {pattern!r}: {error}") from error
    return Source(**values, origin=origin)
