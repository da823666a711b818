"""kill -9 trials (reliability plan §2, cases 27 and 28): `thb run` killed at random moments, then re-run.

    python bench/crash_trials.py --trials 50 [--seed S] [--corpus DIR] [--nlp]

Takes a corpus folder (default: a mix of HTML pages and PDFs copied from ../shared/corpus, else the
bundled samples); gives a table of trials and totals.  Works only through the CLI and the output
files, so it survives changes to the writer.  One clean `thb run --no-prefect` makes the reference;
each trial starts `thb run` in its own process group, kills the whole group (parent and extraction
workers) with SIGKILL at a moment drawn uniformly over 0..clean wall time, re-runs to completion
and checks: every Parquet table and thb.sqlite readable (`PRAGMA integrity_check`), the key columns
of every table equal to the clean run's (lost and duplicated rows counted), no temporary file left
in the output folder, and, for resume trials (same folder as a finished run, with review decisions
written before the kill), the decisions intact.  Exits 1 when any trial fails.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
THB = str(Path(sys.executable).parent / "thb")
KEYS = ("row_key", "doc_id", "sha256", "url")  # the first of these a table has identifies its rows


def build_corpus(dest: Path, source: Path | None) -> Path:
    """Copy a mix of real HTML pages and PDFs (or the bundled samples) into dest."""
    dest.mkdir(parents=True, exist_ok=True)
    if source is None and SHARED.is_dir():
        picks = sorted(SHARED.glob("html/europarl/*.html"))[:4] + sorted(SHARED.glob("pdf/footnotes_misc/*.pdf"))[:4]
    elif source is not None:
        picks = sorted(p for p in source.rglob("*") if p.is_file())
    else:
        picks = sorted(p for p in (ROOT / "pipeline" / "samples").iterdir() if p.is_file())
    for index, path in enumerate(picks):
        shutil.copy2(path, dest / f"{index:02d}-{path.name}")
    return dest


def thb_run(corpus: Path, out: Path, raw: Path, nlp: bool) -> list[str]:
    return [THB, "run", "--no-prefect", "--nlp" if nlp else "--no-nlp", "--out", str(out), "--raw", str(raw),
            str(corpus)]


def run_to_end(command: list[str]) -> tuple[int, str]:
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT)})
    return done.returncode, done.stdout + done.stderr


def run_and_kill(command: list[str], after: float) -> bool:
    """Start command in its own process group and SIGKILL the group after `after` s; True if it was killed."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                             env=os.environ | {"PYTHONPATH": str(ROOT)})
    try:
        child.wait(timeout=after)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return True


def phase_reached(out: Path, raw: Path) -> str:
    """What the killed run had left behind: nothing, raw bytes only, or tables."""
    if any(out.glob("*.parquet")):
        return "write"
    if raw.is_dir() and any(p.is_file() for p in raw.rglob("*")):
        return "fetch/extract"
    return "start"


def key_counts(out: Path) -> dict[str, Counter]:
    """Per Parquet table, how often each key occurs (raises when a file cannot be read)."""
    counts = {}
    for path in sorted(out.glob("*.parquet")):
        frame = pd.read_parquet(path)
        key = next((k for k in KEYS if k in frame.columns), None)
        rows = frame[key].astype(str) if key else frame.astype(str).agg("|".join, axis=1)
        counts[path.stem] = Counter(rows)
    return counts


def database_ok(out: Path) -> bool:
    with closing(sqlite3.connect(out / "thb.sqlite")) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def write_decisions(out: Path, how_many: int = 3) -> list[tuple]:
    """Accept a few claims (or blocks) straight in the reviews table, as the review app would store them."""
    frame = next((pd.read_parquet(out / f"{t}.parquet") for t in ("claims", "blocks")
                  if (out / f"{t}.parquet").exists()), None)
    table = "claims" if (out / "claims.parquet").exists() else "blocks"
    rows = [(r.row_key, table, r.doc_id, "accept", None, "crash-trials", "2026-12-02T00:00:00Z", None)
            for r in frame.head(how_many).itertuples()]
    with closing(sqlite3.connect(out / "thb.sqlite")) as db, db:
        db.execute("CREATE TABLE IF NOT EXISTS reviews (row_key TEXT PRIMARY KEY, table_name TEXT NOT NULL, "
                   "doc_id TEXT NOT NULL, decision TEXT NOT NULL, corrected TEXT, reviewer TEXT, "
                   "decided_at TEXT NOT NULL, row_snapshot TEXT)")
        db.executemany("INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return sorted(rows)


def stored_decisions(out: Path) -> list[tuple]:
    with closing(sqlite3.connect(out / "thb.sqlite")) as db:
        return sorted(db.execute("SELECT * FROM reviews WHERE reviewer = 'crash-trials'").fetchall())


def check(out: Path, reference: dict[str, Counter]) -> dict:
    """Lost, duplicated, unreadable and leftover counts of a finished output folder against the reference."""
    result = {"lost": 0, "duplicated": 0, "unreadable": 0, "leftover": 0}
    result["leftover"] = sum(1 for p in out.rglob("*") if p.name.endswith((".tmp", "-journal", "-wal")))
    try:
        found = key_counts(out)
        result["unreadable"] += 0 if database_ok(out) else 1
    except Exception:  # any unreadable file is what is counted here
        result["unreadable"] += 1
        return result
    for table, expected in reference.items():
        got = found.get(table, Counter())
        result["lost"] += sum((expected - got).values())
        result["duplicated"] += sum((got - expected).values())
    return result


def trial(number: int, corpus: Path, work: Path, reference: dict, kill_at: float, resume: bool, nlp: bool,
          finished: Path) -> dict:
    out, raw = work / f"out-{number}", work / f"raw-{number}"
    decisions = []
    if resume:  # a folder a run already finished, with decisions, then a --reextract run killed over it
        shutil.copytree(finished, out)
        decisions = write_decisions(out)
        command = thb_run(corpus, out, raw, nlp) + ["--reextract"]
    else:
        command = thb_run(corpus, out, raw, nlp)
    killed = run_and_kill(command, kill_at)
    phase = phase_reached(out, raw) if killed else "finished"
    code, output = run_to_end(thb_run(corpus, out, raw, nlp))
    result = check(out, reference) | {"trial": number, "kill_s": round(kill_at, 2), "resume": resume,
                                      "phase": phase, "rerun_exit": code}
    result["blocked"] = int("in use by pid" in output)
    result["decisions_lost"] = len(set(decisions) - set(stored_decisions(out))) if resume else 0
    bad = (result["lost"] or result["duplicated"] or result["unreadable"] or result["leftover"] or result["blocked"]
           or result["decisions_lost"])
    result["outcome"] = "FAIL" if bad else "ok"
    if not bad:
        shutil.rmtree(out, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--nlp", action="store_true", help="run the spaCy stage too (slower trials)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="crash-trials-"))
    corpus = build_corpus(work / "corpus", args.corpus)
    reference_out = work / "reference"
    started = time.monotonic()
    code, output = run_to_end(thb_run(corpus, reference_out, work / "raw-reference", args.nlp))
    clean_s = time.monotonic() - started
    reference = key_counts(reference_out)
    print(f"corpus {corpus} ({len(list(corpus.iterdir()))} files); clean run {clean_s:.1f} s, exit {code}; "
          f"rows: {sum(sum(c.values()) for c in reference.values())} in {len(reference)} tables")
    columns = ["trial", "kill_s", "resume", "phase", "rerun_exit", "lost", "duplicated", "unreadable", "leftover",
               "blocked", "decisions_lost", "outcome"]
    print("  ".join(columns))
    results = []
    for number in range(args.trials):
        result = trial(number, corpus, work, reference, rng.uniform(0, clean_s), number % 4 == 3, args.nlp,
                       reference_out)
        results.append(result)
        print("  ".join(str(result[c]) for c in columns), flush=True)
    totals = {c: sum(r[c] for r in results) for c in ("lost", "duplicated", "unreadable", "leftover", "blocked",
                                                      "decisions_lost")}
    failed = sum(r["outcome"] != "ok" for r in results)
    print(f"trials {len(results)}, failed {failed}; " + ", ".join(f"{k} {v}" for k, v in totals.items())
          + f"; phases {dict(Counter(r['phase'] for r in results))}; work folder {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
