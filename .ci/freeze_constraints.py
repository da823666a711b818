"""Write constraints.txt: the installed version of every package the project and its extras need.

Run it in a venv where the test suite passes (``python .ci/freeze_constraints.py``); CI and the
README install with ``-c constraints.txt`` so a fresh machine gets the versions the tests passed
with.  Unlike ``pip freeze`` it follows the requirements of thb-pipeline and its extras only, so
packages someone installed by hand (a model wheel from a local file, a linter) stay out.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

EXTRAS = ("test", "model", "dask", "bench")
REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "constraints.txt"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def needed(requirement: Requirement, extras: tuple[str, ...]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras or ("",))


def project_requirements() -> list[Requirement]:
    """The requirements in this checkout's pyproject.toml (the installed metadata may be another checkout's)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"].get(extra, [])
    return [Requirement(line) for line in lines]


def closure() -> dict[str, str]:
    """{canonical name: installed version} for the project's requirements, followed transitively."""
    pins: dict[str, str] = {}
    todo = [(r.name, tuple(sorted(r.extras))) for r in project_requirements()]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while todo:
        name, extras = todo.pop()
        if (canonical(name), extras) in seen:
            continue
        seen.add((canonical(name), extras))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional requirement whose marker does not apply here
        pins[canonical(name)] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            if needed(requirement, extras):
                todo.append((requirement.name, tuple(sorted(requirement.extras))))
    return pins


def main() -> None:
    pins = closure()
    header = (f"# Versions the test suite passed with (Python {sys.version_info.major}.{sys.version_info.minor});"
              " written by .ci/freeze_constraints.py.\n"
              '# pip install -e ".[test]" -c constraints.txt\n')
    TARGET.write_text(header + "".join(f"{name}=={version}\n" for name, version in sorted(pins.items())))
    print(f"{len(pins)} pins written to {TARGET}")


if __name__ == "__main__":
    main()
