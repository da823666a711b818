"""Shared test fixtures.  ``../shared`` (beside the repo) is optional: tests that read it skip without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} not available")
    return path


@pytest.fixture
def settings(tmp_path):
    from pipeline.settings import Settings

    return Settings(out_dir=tmp_path / "extracted", raw_dir=tmp_path / "raw", workers=2, nlp=False)


def write_sources(path: Path, *sources: dict) -> Path:
    """A sources file in the shape of pipeline/data/sources.toml, one [[source]] per dict."""
    import json

    def value(item) -> str:  # JSON strings, numbers and lists of strings are valid TOML
        return json.dumps(item)

    entries = ["[[source]]\n" + "".join(f"{key} = {value(item)}\n" for key, item in source.items())
               for source in sources]
    path.write_text("\n".join(entries))
    return path
