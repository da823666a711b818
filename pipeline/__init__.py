"""thb-pipeline: anti-trafficking publications in, reviewable tables out.

The public API is re-exported here; importing it loads neither spaCy nor Prefect.
"""

__version__ = "0.1.0"

from .errors import PipelineError, TerminalError, TransientError  # noqa: E402
from .model import Block, Document, Extraction, Marker, assemble  # noqa: E402
from .run import RunSummary, ingest  # noqa: E402
from .schema import TABLES  # noqa: E402

__all__ = [
    "Block", "Document", "Extraction", "Marker", "PipelineError", "RunSummary", "TABLES",
    "TerminalError", "TransientError", "__version__", "assemble", "ingest",
]
