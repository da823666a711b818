"""CI runs the README's test command, and that command installs the pinned versions."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement

from conftest import REPO


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def readme_test_command() -> str:
    commands = [line for line in (REPO / "README.md").read_text().splitlines()
                if line.startswith("python3 -m venv") and '".[test]"' in line]
    assert len(commands) == 1, commands
    return commands[0].split("&& ", 2)[2]  # after creating and activating the venv


def test_ci_runs_the_readme_test_command_with_the_constraints():
    command = readme_test_command()
    assert "-c constraints.txt" in command
    ci_lines = (REPO / ".ci" / "run").read_text().splitlines()
    assert command in ci_lines


def test_every_requirement_is_pinned_in_the_constraints():
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonical(name)] = version
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    for requirement in map(Requirement, lines):
        assert canonical(requirement.name) in pins, f"{requirement.name} is not in constraints.txt"
        assert requirement.specifier.contains(pins[canonical(requirement.name)], prereleases=True), requirement
