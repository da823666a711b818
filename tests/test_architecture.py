"""The tree tells the pipeline: stage packages, imports that flow one way, small modules.

    ingest → extract → footnotes | entities → store → review

A stage imports from earlier stages and from the foundation (model, schema, settings,
errors), never from a later stage, a sibling stage or the orchestration (run, cli …);
the library never imports Prefect; no private (underscore) name crosses a package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[1] / "pipeline"
STAGE_ORDER = {"ingest": 0, "extract": 1, "footnotes": 2, "entities": 2, "store": 3, "review": 4}
FOUNDATION = {"pipeline", "pipeline.model", "pipeline.schema", "pipeline.settings", "pipeline.errors",
              "pipeline.lazy"}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(LIBRARY.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_of(path: Path) -> str:
    return module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(absolute module, imported names, line) for every import in the file, nested ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package_of(path).split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([module] if module else []))
            found.append((module, [alias.name for alias in node.names], node.lineno))
    return found


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "pipeline" and parts[1] in STAGE_ORDER else None


MODULES = sorted(LIBRARY.rglob("*.py"))


def test_every_stage_is_a_package_with_a_docstring():
    for name in STAGE_ORDER:
        init = LIBRARY / name / "__init__.py"
        assert init.exists(), f"pipeline/{name}/ is not a package"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"pipeline/{name} says nothing"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LIBRARY)))
def test_imports_flow_one_way(path):
    own = stage(module_name(path))
    for module, names, line in imports(path):
        where = f"{path.relative_to(LIBRARY.parent)}:{line} imports {module}"
        assert module.split(".")[0] != "prefect", f"{where}: the library never imports Prefect"
        if not module.startswith("pipeline"):
            continue
        other = stage(module)
        if own is None:
            if module_name(path) in FOUNDATION:
                assert other is None, f"{where}: the foundation imports no stage"
            continue
        if other is None:
            assert module in FOUNDATION or (module == "pipeline" and names == ["__version__"]), \
                f"{where}: a stage imports only the foundation and earlier stages"
        elif other != own:
            assert STAGE_ORDER[other] < STAGE_ORDER[own], f"{where}: a later or sibling stage"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(LIBRARY)))
def test_no_private_name_crosses_a_package(path):
    for module, names, line in imports(path):
        if not module.startswith("pipeline") or module.rpartition(".")[0] == package_of(path):
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{path.relative_to(LIBRARY.parent)}:{line} imports {private} from {module}"


def test_modules_stay_small():
    long = {str(p.relative_to(LIBRARY)): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_flows_wrap_the_library():
    """flows/ imports the library's public surface: no private names, no module internals of a stage."""
    for path in (LIBRARY.parent / "flows").glob("*.py"):
        for module, names, line in imports(path):
            if module.startswith("pipeline"):
                assert not [n for n in names if n.startswith("_") and not n.startswith("__")], f"{path.name}:{line}"
