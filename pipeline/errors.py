"""Domain exceptions.  Each says whether trying again can help (dlt's convention)."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class.  ``reason`` is the short status written to the documents table."""

    reason = "error"
    transient = False

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class TerminalError(PipelineError):
    """The input itself is the problem: retrying gives the same result."""


class TransientError(PipelineError):
    """A passing condition (network, time-out under load): a retry may succeed."""

    transient = True


class UnsupportedType(TerminalError):
    reason = "unsupported_type"


class EmptyInput(TerminalError):
    reason = "empty"


class EncryptedPDF(TerminalError):
    reason = "encrypted"


class BrokenDocument(TerminalError):
    reason = "broken"


class NoText(TerminalError):
    """The input parsed, but holds no extractable text (scanned PDF, page with no article)."""

    reason = "no_text"


class ParseTimeout(TerminalError):
    reason = "timeout"


class ParseMemoryExceeded(TerminalError):
    reason = "memory_limit"


class ParserCrashed(TerminalError):
    reason = "crashed"


class FetchError(TransientError):
    reason = "fetch_failed"
