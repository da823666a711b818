"""Fault suite, case 21: the fuzzer (bench/fuzz.py) on a few dozen mutants of the project's own fixtures.

The full campaign (1,000 PDFs, 200 pages and feeds) is a bench; this keeps its code exercised:
mutants are the same bytes for the same seed number, and every one of them ends as exactly one
documents row, with no batch process crashing.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fuzz():
    spec = importlib.util.spec_from_file_location("thb_bench_fuzz", ROOT / "bench" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_case21_mutants_are_the_same_for_the_same_seed_and_differ_from_their_seeds(fuzz, tmp_path):
    seeds = fuzz.seed_files(use_shared=False, max_seed_kb=600)
    first = fuzz.make_inputs(7, 12, 8, tmp_path / "a", seeds)
    fuzz.make_inputs(7, 12, 8, tmp_path / "b", seeds)
    fuzz.make_inputs(8, 12, 8, tmp_path / "c", seeds)
    assert contents(tmp_path / "a") == contents(tmp_path / "b")
    assert contents(tmp_path / "a") != contents(tmp_path / "c")
    originals = {p.name: p.read_bytes() for kind in seeds.values() for p in kind} | fuzz.OWN_FEEDS
    changed = [m for m in first if (tmp_path / "a" / m.name).read_bytes() != originals[m.seed_file]]
    assert len(changed) >= 0.8 * len(first)  # an op can miss (a flip to the same byte), not most of them
    assert {m.kind for m in first} >= {"pdf", "html"}


def test_case21_every_mutant_is_accounted_for_and_no_batch_crashes(fuzz, tmp_path):
    report = fuzz.campaign(21, 16, 8, tmp_path, batch=24, workers=2, timeout=60, use_shared=False,
                           progress=lambda line: None)
    assert report.inputs == 24
    assert report.ok + sum(report.failed.values()) == report.inputs, report
    assert report.unaccounted == [] and report.crashed == [] and report.discovery_crashes == []
    assert 0 < report.seconds["measured"] <= report.inputs
