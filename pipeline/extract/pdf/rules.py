"""Horizontal rules on a PDF page: stroked lines and thin filled rectangles.

A footnote zone is announced by a short rule above it (the separator a word processor or
LaTeX draws), which tells notes from body text even when both are printed in one size.
Both character engines read rules here, so the layout code sees the same ones.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

MAX_THICKNESS = 2.0   # points; thicker shapes are boxes or bars, not rules
MIN_LENGTH = 10.0     # points; shorter ones are bullets, underlines of a letter or dashes


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal rule; ``top``/``bottom`` are measured down from the top of the page."""

    x0: float
    x1: float
    top: float
    bottom: float


def as_rule(x0: float, x1: float, top: float, bottom: float) -> Rule | None:
    """The rule a shape with this box draws, or None when it is not a thin horizontal one."""
    if bottom - top > MAX_THICKNESS or x1 - x0 < MIN_LENGTH:
        return None
    return Rule(x0, x1, top, bottom)


def pdfium_rules(raw, page_handle, left: float, top: float) -> list[Rule]:
    """The rules among a PDFium page's path objects (``raw`` is pypdfium2's raw module)."""
    rules = []
    l, b, r, t = (ctypes.c_float() for _ in range(4))
    for index in range(raw.FPDFPage_CountObjects(page_handle)):
        obj = raw.FPDFPage_GetObject(page_handle, index)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_PATH:
            continue
        if not raw.FPDFPageObj_GetBounds(obj, ctypes.byref(l), ctypes.byref(b), ctypes.byref(r), ctypes.byref(t)):
            continue
        rule = as_rule(l.value - left, r.value - left, top - t.value, top - b.value)
        if rule is not None:
            rules.append(rule)
    return rules
