"""Domain exceptions.  Each says whether trying again can help (dlt's convention).

The message of a domain exception is written for the people who read the tables
(``documents.error``, ``fetches.error``); the class of the library exception behind
it, for developers, is :attr:`PipelineError.error_type`.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class.  ``reason`` is the short status written to the documents table."""

    reason = "error"
    transient = False

    def __init__(self, message: str, *, reason: str | None = None, error_type: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        self._error_type = error_type

    @property
    def error_type(self) -> str:
        """The class name of the exception at the root of this one (this one's own when there is none)."""
        if getattr(self, "_error_type", None):
            return self._error_type
        root: BaseException = self
        for _depth in range(20):
            behind = root.__cause__ or (None if root.__suppress_context__ else root.__context__)
            if behind is None:
                break
            root = behind
        return type(root).__name__


def is_internal(error: BaseException) -> bool:
    """Whether ``error``'s message is Python's own ("'NoneType' object is not iterable"), not about the input."""
    return type(error).__module__ == "builtins" and not isinstance(error, OSError)


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
