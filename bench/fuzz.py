"""Fuzzing (reliability plan §2 case 21, §3): mutated PDFs, web pages and feeds through the real pipeline.

    python bench/fuzz.py --seed N --pdfs 1000 --html 200 [--batch 100] [--workers 2] [--timeout S]
                         [--memory-mb MB] [--pdf-engine E] [--nlp] [--no-shared] [--findings DIR] [--keep]

Makes ``--pdfs`` mutated PDFs and ``--html`` mutated web pages and feeds, the same bytes for the
same seed number and seed files: byte flips, bit flips, truncations, duplicated and deleted
chunks, numbers and keywords of the PDF syntax swapped, and tags, entities and NUL bytes
inserted into markup, one to three of them per input.  The seed files are the PDFs (up to
``--max-seed-kb``), HTML pages and feeds of ../shared/corpus and the project's own fixtures and
samples, so it works without ../shared (``--no-shared`` uses only those).

The inputs go in batches through ``pipeline.run.ingest`` (no Prefect), each batch in a fresh
process with the usual sandboxed extraction workers (``--workers``, a wall-clock ``--timeout``
and an address-space cap ``--memory-mb`` each), into an output folder inside the work folder.
Feeds also go through the feed and sitemap parsers and web pages through the link finder, in
that process, as a crawl would run them.  A batch whose process dies or raises is a *parent
crash*: it is split until the inputs that cause it are found, and they are copied to
``--findings``.  The figures: inputs; ok; failed by status; inputs without exactly one documents
row (must be 0: inputs = ok + failed); parent crashes (must be 0); discovery parses by outcome;
seconds per document in the extraction workers (p50, p99, max; the time from handing a document
to a worker to its result, or the timeout); and the peak RSS of the extraction workers against
their cap.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
FEED_SUFFIXES = {".xml", ".rss", ".atom", ".json"}
OWN_FEEDS = {  # written for this project: feeds to mutate when ../shared is absent
    "own-feed.rss": b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
                    b"<item><title>Victims of trafficking in 2023</title><link>https://example.org/a.html</link>"
                    b"<pubDate>Mon, 02 Dec 2024 10:00:00 GMT</pubDate></item><item><title>EMN inform</title>"
                    b"<link>https://example.org/b.pdf</link></item></channel></rss>",
    "own-feed.atom": b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry>'
                     b'<title>Report</title><link href="https://example.org/r.html"/><updated>2024-12-02T10:00:00Z'
                     b"</updated></entry></feed>",
    "own-sitemap.xml": b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url>'
                       b"<loc>https://example.org/p/1</loc><lastmod>2024-12-02</lastmod></url></urlset>",
}
PDF_WORDS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref", b"R", b"/Length",
             b"/Filter", b"/FlateDecode", b"/Pages", b"/Kids", b"/Count", b"/Parent", b"/Contents", b"/Font", b"[", b"]",
             b"<<", b">>", b"%%EOF"]
EDGE_NUMBERS = [b"0", b"-1", b"1", b"2147483647", b"4294967296", b"99999999999", b"-0.0", b"1e308", b"65535"]
MARKUP = [b"<div>" * 500, b"</div>" * 50, b"<!--", b"-->", b"<![CDATA[", b"]]>", b"&#0;", b"&#xFFFFFFFF;", b"\x00",
          b"<script>", b"<table><tr><td>" * 100, b'<!DOCTYPE x [<!ENTITY a "b">]>', b"&a;", b"<sup>3</sup>",
          b'<meta charset="x-unknown">', b"\xef\xbb\xbf", b"<?xml version='1.0' encoding='utf-16'?>", b"<"]


@dataclass
class Mutant:
    name: str
    kind: str  # pdf, html or feed
    seed_file: str
    ops: str


def seed_files(use_shared: bool, max_seed_kb: int) -> dict[str, list[Path]]:
    """Seed files by kind, in a fixed order."""
    own_pdfs = sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf")) + sorted((ROOT / "pipeline" / "samples").glob("*.pdf"))
    own_html = sorted((ROOT / "pipeline" / "samples").glob("*.htm*"))
    seeds = {"pdf": own_pdfs, "html": own_html, "feed": []}
    if use_shared and SHARED.is_dir():
        seeds["pdf"] += sorted(p for p in SHARED.glob("pdf/**/*.pdf") if p.stat().st_size <= max_seed_kb << 10)
        seeds["html"] += sorted(SHARED.glob("html/**/*.htm*"))
        seeds["feed"] += sorted(p for p in [*SHARED.glob("feeds/**/*"), *SHARED.glob("html/trafilatura_resources/*")]
                                if p.suffix.lower() in FEED_SUFFIXES)
    return seeds


def mutate(data: bytes, kind: str, rng: random.Random) -> tuple[bytes, str]:
    """``data`` changed by one to three mutations; the bytes and what was done."""
    data, ops = bytearray(data or b" "), []
    for _ in range(rng.choice((1, 1, 2, 3))):
        if not data:
            break  # truncated to nothing: an empty file is an input too
        op = rng.choice(("flip", "bits", "truncate", "duplicate", "delete", "syntax"))
        size = len(data) or 1
        if op == "flip":
            for _ in range(rng.randint(1, 40)):
                data[rng.randrange(size)] = rng.randrange(256)
        elif op == "bits":
            for _ in range(rng.randint(1, 16)):
                data[rng.randrange(size)] ^= 1 << rng.randrange(8)
        elif op == "truncate":
            del data[rng.randrange(size):]
        elif op in ("duplicate", "delete"):
            start = rng.randrange(size)
            end = min(size, start + rng.randint(1, 64 << 10))
            if op == "duplicate":
                at = rng.randrange(size)
                data[at:at] = data[start:end] * rng.choice((1, 1, 2, 10))
            else:
                del data[start:end]
        elif kind == "pdf":
            _pdf_syntax(data, rng)
        else:
            at = rng.randrange(size)
            data[at:at] = rng.choice(MARKUP)
        ops.append(op)
    return bytes(data), "+".join(ops)


def _pdf_syntax(data: bytearray, rng: random.Random) -> None:
    """Replace a number or a keyword of the PDF syntax near a random place with an edge value or another keyword."""
    at = rng.randrange(len(data) or 1)
    window = bytes(data[at:at + 4096])
    numbers = list(re.finditer(rb"\b\d+\b", window))
    words = [m for w in PDF_WORDS for m in re.finditer(re.escape(w), window)]
    pick = rng.choice((numbers or words or [None], words or numbers or [None])[rng.randrange(2)])
    if pick is not None:
        replacement = rng.choice(EDGE_NUMBERS if pick.group().isdigit() else PDF_WORDS)
        data[at + pick.start():at + pick.end()] = replacement


def make_inputs(seed: int, pdfs: int, html: int, folder: Path, seeds: dict[str, list[Path]]) -> list[Mutant]:
    """Write the mutated inputs under ``folder``: the same bytes for the same seed number and seed files."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cache: dict[Path, bytes] = {}
    own_feeds = {name: data for name, data in OWN_FEEDS.items()}
    kinds = ["pdf"] * pdfs + [("feed" if rng.random() < 0.4 else "html") for _ in range(html)]
    mutants = []
    for index, kind in enumerate(kinds):
        pool = [*seeds[kind], *(own_feeds if kind == "feed" else [])]
        if not pool:
            kind, pool = "html", seeds["html"]
        source = rng.choice(sorted(pool, key=str))
        original = own_feeds[source] if isinstance(source, str) else cache.setdefault(source, source.read_bytes())
        data, ops = mutate(original, kind, random.Random(rng.getrandbits(64)))
        name = Path(str(source)).name
        suffix = Path(name).suffix.lower() or ".bin"
        target = folder / f"m{index:05d}-{re.sub(r'[^A-Za-z0-9]+', '-', Path(name).stem)[:24]}{suffix}"
        target.write_bytes(data)
        mutants.append(Mutant(target.name, kind, name, ops))
    return mutants


# --- one batch, in its own process ------------------------------------------------------------------------

def run_batch(paths: list[Path], kinds: dict[str, str], out: Path, options: dict) -> dict:
    """Run one batch through the pipeline in this process; what became of each input."""
    from pipeline.errors import PipelineError
    from pipeline.extract import sandbox
    from pipeline.ingest.discover import linked_documents, parse_feed, parse_sitemap
    from pipeline.run import ingest
    from pipeline.settings import Settings
    from pipeline.store import read_table

    seconds: dict[str, float] = {}
    collect = sandbox.ExtractionPool._collect

    def timed_collect(pool, busy):  # instrumentation only: when each worker's document ended
        done = collect(pool, busy)
        for worker, _outcome in done:
            seconds[worker.job.key] = time.monotonic() - worker.started
        return done

    sandbox.ExtractionPool._collect = timed_collect
    settings = Settings(out_dir=out / "extracted", raw_dir=out / "raw", workers=options["workers"],
                        nlp=options["nlp"], timeout_s=options["timeout"], memory_mb=options["memory_mb"],
                        **({"pdf_engine": options["pdf_engine"]} if options.get("pdf_engine") else {}))
    started = time.monotonic()
    ingest([str(p) for p in paths], settings)
    ingest_s = time.monotonic() - started
    documents = read_table(settings.out_dir, "documents")
    rows = Counter(documents["source"])
    results = {}
    for row in documents.itertuples():
        name = Path(row.source).name
        results[name] = {"status": row.status, "rows": rows[row.source], "seconds": seconds.get(row.doc_id),
                         "error_type": row.error_type if isinstance(row.error_type, str) else None}
    discovery = {}
    for path in paths:
        data, kind = path.read_bytes(), kinds[path.name]
        parsers = [parse_feed, parse_sitemap] if kind == "feed" else [linked_documents] if kind == "html" else []
        for parse in parsers:
            signal.alarm(int(options["timeout"]) + 1)  # a hang in a parser of the crawl raises here
            try:
                parse(data, "https://example.org/")
                outcome = "ok"
            except PipelineError as error:
                outcome = f"refused: {error.reason}"
            except Exception as error:  # noqa: BLE001 (this is what the fuzzer looks for)
                outcome = f"crash: {type(error).__name__}: {str(error)[:120]}"
            finally:
                signal.alarm(0)
            discovery[f"{path.name}:{parse.__name__}"] = outcome
    return {"results": results, "discovery": discovery, "ingest_s": ingest_s,
            "worker_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
            "parent_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def _alarm(signum, frame):
    raise TimeoutError("a discovery parser hung")


def batch_in_child(paths: list[Path], kinds: dict[str, str], work: Path, options: dict) -> dict | None:
    """``run_batch`` in a fresh process; None when that process crashed or raised."""
    job = Path(tempfile.mkdtemp(dir=work, prefix="batch-"))
    (job / "job.json").write_text(json.dumps({"paths": [str(p) for p in paths], "kinds": kinds, "options": options}))
    done = subprocess.run([sys.executable, __file__, "--run-batch", str(job)], capture_output=True, text=True,
                          cwd=job, timeout=options["timeout"] * (len(paths) + 4) + 600)
    result = job / "result.json"
    outcome = json.loads(result.read_text()) if done.returncode == 0 and result.exists() else None
    if outcome is None:
        (work / "crash-log.txt").open("a").write(f"--- {len(paths)} inputs, exit {done.returncode}\n{done.stderr[-4000:]}\n")
    shutil.rmtree(job, ignore_errors=True)
    return outcome


def find_crashers(paths: list[Path], kinds: dict[str, str], work: Path, options: dict, found: list[Path]) -> dict:
    """Split a crashing batch until single inputs crash; the results of the rest."""
    if len(paths) == 1:
        found.append(paths[0])
        return {"results": {}, "discovery": {}, "ingest_s": 0.0, "worker_rss_mb": 0, "parent_rss_mb": 0}
    merged = {"results": {}, "discovery": {}, "ingest_s": 0.0, "worker_rss_mb": 0, "parent_rss_mb": 0}
    for half in (paths[: len(paths) // 2], paths[len(paths) // 2:]):
        part = batch_in_child(half, kinds, work, options) or find_crashers(half, kinds, work, options, found)
        merge(merged, part)
    return merged


def merge(total: dict, part: dict) -> None:
    total["results"].update(part["results"])
    total["discovery"].update(part["discovery"])
    total["ingest_s"] += part["ingest_s"]
    total["worker_rss_mb"] = max(total["worker_rss_mb"], part["worker_rss_mb"])
    total["parent_rss_mb"] = max(total["parent_rss_mb"], part["parent_rss_mb"])


# --- the campaign ------------------------------------------------------------------------------------------

@dataclass
class Report:
    inputs: int
    by_kind: dict[str, int]
    ok: int
    failed: dict[str, int]
    unaccounted: list[str]
    crashed: list[str]
    discovery: dict[str, int]
    discovery_crashes: list[str]
    seconds: dict[str, float]
    worker_rss_mb: int
    parent_rss_mb: int
    memory_mb: int
    timeout: float
    wall_s: float
    failed_by_error_type: dict[str, int] = field(default_factory=dict)
    slowest: list[str] = field(default_factory=list)  # "name seed-file ops status seconds", slowest first


def campaign(seed: int, pdfs: int, html: int, work: Path, *, batch: int = 100, workers: int = 2,
             timeout: float = 30.0, memory_mb: int = 1024, nlp: bool = False, use_shared: bool = True,
             max_seed_kb: int = 600, pdf_engine: str | None = None, findings: Path | None = None,
             progress=print) -> Report:
    started = time.monotonic()
    mutants = make_inputs(seed, pdfs, html, work / "inputs", seed_files(use_shared, max_seed_kb))
    kinds = {m.name: m.kind for m in mutants}
    options = {"workers": workers, "timeout": timeout, "memory_mb": memory_mb, "nlp": nlp, "pdf_engine": pdf_engine}
    total = {"results": {}, "discovery": {}, "ingest_s": 0.0, "worker_rss_mb": 0, "parent_rss_mb": 0}
    crashers: list[Path] = []
    paths = [work / "inputs" / m.name for m in mutants]
    for start in range(0, len(paths), batch):
        chunk = paths[start:start + batch]
        part = batch_in_child(chunk, kinds, work, options) or find_crashers(chunk, kinds, work, options, crashers)
        merge(total, part)
        progress(f"  {min(start + batch, len(paths))}/{len(paths)} inputs, {time.monotonic() - started:.0f} s")
    if findings and crashers:
        findings.mkdir(parents=True, exist_ok=True)
        for path in crashers:
            shutil.copy2(path, findings / path.name)
    results = total["results"]
    ok = sum(r["status"] == "ok" for r in results.values())
    crashed = sorted(p.name for p in crashers)
    unaccounted = sorted(m.name for m in mutants if m.name not in crashed
                         and (m.name not in results or results[m.name]["rows"] != 1))
    times = sorted(r["seconds"] for r in results.values() if r["seconds"] is not None)
    return Report(
        inputs=len(mutants), by_kind=dict(Counter(m.kind for m in mutants)), ok=ok,
        failed=dict(Counter(r["status"] for r in results.values() if r["status"] != "ok").most_common()),
        unaccounted=unaccounted, crashed=crashed,
        discovery=dict(Counter(v.split(":")[0] if v.startswith("crash") else v for v in total["discovery"].values())),
        discovery_crashes=sorted(f"{k} {v}" for k, v in total["discovery"].items() if v.startswith("crash")),
        seconds={"p50": percentile(times, 50), "p99": percentile(times, 99), "max": times[-1] if times else 0.0,
                 "measured": len(times)},
        worker_rss_mb=total["worker_rss_mb"], parent_rss_mb=total["parent_rss_mb"], memory_mb=memory_mb,
        timeout=timeout, wall_s=round(time.monotonic() - started, 1),
        failed_by_error_type=dict(Counter(r["error_type"] for r in results.values()
                                          if r["status"] != "ok" and r["error_type"]).most_common(8)),
        slowest=[f"{m.name} (from {m.seed_file}, {m.ops}): {results[m.name]['status']} "
                 f"{results[m.name]['seconds']:.1f} s" for m in sorted(
                     (m for m in mutants if (results.get(m.name) or {}).get("seconds") is not None),
                     key=lambda m: -results[m.name]["seconds"])[:5]])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 2)


def print_report(report: Report) -> None:
    accounted = report.ok + sum(report.failed.values())
    print(f"inputs {report.inputs} ({', '.join(f'{v} {k}' for k, v in report.by_kind.items())}); "
          f"wall {report.wall_s} s")
    print(f"ok {report.ok}; failed {sum(report.failed.values())}: "
          + ", ".join(f"{k} {v}" for k, v in report.failed.items()))
    print(f"failed by library error: {', '.join(f'{k} {v}' for k, v in report.failed_by_error_type.items())}")
    print(f"accounting: ok + failed = {accounted} of {report.inputs} "
          f"({100 * accounted / max(1, report.inputs):.1f}%); without exactly one row: {len(report.unaccounted)}")
    print(f"parent crashes: {len(report.crashed)} {report.crashed[:10]}")
    print(f"discovery parsers (crawl, in the parent): {report.discovery}; crashes {len(report.discovery_crashes)}")
    for line in report.discovery_crashes[:10]:
        print(f"  {line}")
    s = report.seconds
    print(f"seconds per document in the workers ({s['measured']} measured): p50 {s['p50']}, p99 {s['p99']}, "
          f"max {round(s['max'], 2)} (timeout {report.timeout:g})")
    print("slowest: " + "; ".join(report.slowest))
    print(f"peak RSS: extraction workers {report.worker_rss_mb} MB (cap {report.memory_mb} MB address space each); "
          f"batch parent {report.parent_rss_mb} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pdfs", type=int, default=1000)
    parser.add_argument("--html", type=int, default=200, help="web pages and feeds")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds one document may take to parse")
    parser.add_argument("--memory-mb", type=int, default=1024, help="address space of one extraction worker")
    parser.add_argument("--max-seed-kb", type=int, default=600, help="largest seed PDF taken from ../shared")
    parser.add_argument("--pdf-engine", choices=["pdfplumber", "pypdfium2"], help="default: the pipeline's")
    parser.add_argument("--nlp", action="store_true", help="run the entity stage too (slower)")
    parser.add_argument("--no-shared", action="store_true", help="only the project's own fixtures as seeds")
    parser.add_argument("--findings", type=Path, default=ROOT / "fuzz-findings", help="where crashing inputs go")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--run-batch", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="also print the report as JSON")
    args = parser.parse_args()
    if args.run_batch:
        signal.signal(signal.SIGALRM, _alarm)
        job = json.loads((args.run_batch / "job.json").read_text())
        result = run_batch([Path(p) for p in job["paths"]], job["kinds"], args.run_batch / "out", job["options"])
        (args.run_batch / "result.json").write_text(json.dumps(result))
        return 0
    work = Path(tempfile.mkdtemp(prefix="thb-fuzz-"))
    print(f"seed {args.seed}: {args.pdfs} PDFs, {args.html} web pages and feeds; work folder {work}")
    try:
        report = campaign(args.seed, args.pdfs, args.html, work, batch=args.batch, workers=args.workers,
                          timeout=args.timeout, memory_mb=args.memory_mb, nlp=args.nlp, use_shared=not args.no_shared,
                          max_seed_kb=args.max_seed_kb, pdf_engine=args.pdf_engine, findings=args.findings)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_report(report)
    if args.json:
        print(json.dumps(asdict(report)))
    bad = report.crashed or report.unaccounted or report.discovery_crashes
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
