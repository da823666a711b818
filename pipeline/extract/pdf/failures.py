"""Why a PDF could not be read, in words a reader understands.

Both character engines raise many unrelated exception types on bad input; these helpers
turn them into the pipeline's errors: a memory limit for a compression bomb, a damaged
structure for internal errors, never Python's own messages.
"""

from __future__ import annotations

from pipeline.errors import ParseMemoryExceeded, is_internal


def describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text[:200]


def raise_if_out_of_memory(error: BaseException, where: str) -> None:
    """A compressed-stream bomb shows as MemoryError or as zlib failing to allocate: a memory limit, not damage."""
    import zlib

    seen: BaseException | None = error
    for _depth in range(10):  # the chain of causes, and PdfminerException's wrapped error
        if seen is None:
            return
        if isinstance(seen, MemoryError) or isinstance(seen, zlib.error) and "allocate" in str(seen).lower():
            raise ParseMemoryExceeded(f"{where} needs more memory than a parser may use: a compressed stream "
                                      "inflates too far (a compression bomb)", error_type=type(seen).__name__) from error
        wrapped = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or seen.__context__ or wrapped


def broken_message(error: BaseException) -> str:
    if is_internal(error):
        return "the PDF cannot be read: its structure is damaged"
    text = describe(error)
    lowered = text.lower()
    if "no /root" in lowered:
        return "not a PDF: no /Root object"
    if "not in pdf format" in lowered or "data format error" in lowered or "format" in lowered and "pdfium" in lowered:
        return f"not a readable PDF: {text}"
    return f"the PDF cannot be read: {text}"
