"""Public names of a stage package, imported from their module on first use.

Each stage package lists what it offers in its ``__init__``; the module behind a name
is imported only when the name is used, so a worker that needs the PDF layout, or
``thb --help``, does not pay for the libraries of the other modules of its stage.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable, Callable]:
    """``__getattr__`` and ``__dir__`` for *package*, whose names live in the modules of *exports*."""

    def __getattr__(name: str):
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(exports[name], package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
