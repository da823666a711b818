"""The fault and bad-input suite (reliability plan §2): all 37 cases, one table.

    python bench/robustness.py [--case N ...] [--timeout S] [--memory-mb MB] [--crash-trials K]

Every case is proved by the tests named after it under tests/robust/ (``test_caseNN_…``, see
bench/robust_cases.py for what else each case takes), run here with pytest in a fresh process per
case, and, for the slow cases, by the runs below; case 27 also by K kill -9 trials of
bench/crash_trials.py (default 3; ``--crash-trials 50`` for the full set).  A case passes when
every one of its tests passed (none skipped, at least one ran) and every slow run ended ``ok``.
The table ends with ``N/37 cases pass``; the exit status is 1 when any did not.  The status
column is what the slow runs wrote, or else what the case's tests assert; peak RSS is the
largest resident size among the case's processes (the pytest process included), time its wall
time.

Each slow run builds its hostile input in a temporary folder and runs the whole pipeline over
it (``pipeline.run.ingest``, no Prefect) in a fresh process, with the output folder inside
that temporary folder.  It prints, per case: the outcome (``ok``: the run finished, every
input has a documents row with a status, and nothing was written outside the output
folder; otherwise what went wrong), the status written, the peak RSS of the run's
processes (the parent and its parser workers, the larger of the two), and the wall time.

Cases: 03 a 200 MB HTML body without Content-Length (cap 20 MB); 17 a 10,000-page PDF;
18 a flate bomb (1 GB of content behind 1 MB); 20 a page of 100,000 vector paths; 22 HTML
nested 100,000 deep and HTML with 1,000,000 elements; 23 5 M characters of text through
the entity stage (gazetteer and rules, no statistical model).  The fast cases are tests
under tests/robust/ as well.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "robust"))
sys.path.insert(0, str(ROOT / "bench"))

from pdfbytes import pdf_from_objects  # noqa: E402
from robust_cases import CASES, Case  # noqa: E402

MB = 1 << 20


def deflated_blanks(text: bytes, size: int) -> bytes:
    """``text`` then ``size`` spaces, deflated piece by piece (the bench itself stays small)."""
    packer = zlib.compressobj(9)
    pieces = [packer.compress(text)] + [packer.compress(b" " * (16 * MB)) for _ in range(size // (16 * MB))]
    return b"".join(pieces) + packer.flush()


def pdf_with_stream(content: bytes, *, deflated: bool = False, pages: int = 1) -> bytes:
    """A PDF of ``pages`` pages sharing one content stream (already deflated when ``deflated``)."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if deflated else b"")
               + content + b"\nendstream"]
    font = b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << %s >> >>" % font
                ] * pages
    return pdf_from_objects(objects)


TEXT_LINE = b"BT /F1 11 Tf 72 720 Td (Member States identified victims of trafficking in 2023.) Tj ET\n"


def make_inputs(case: str, folder: Path) -> list[str]:
    """The case's input files (or URLs), written under ``folder``."""
    files: dict[str, bytes] = {}
    if case == "17-10000-pages":
        files["pages.pdf"] = pdf_with_stream(TEXT_LINE, pages=10_000)
    elif case == "18-flate-bomb":
        files["bomb.pdf"] = pdf_with_stream(deflated_blanks(TEXT_LINE, 1024 * MB), deflated=True)
    elif case == "20-vector-paths":
        paths = b"".join(b"%d %d m %d %d l S\n" % (i % 600, i % 780, (i * 7) % 600, (i * 3) % 780)
                         for i in range(100_000))
        files["paths.pdf"] = pdf_with_stream(TEXT_LINE + paths)
    elif case == "22-deep-html":
        files["deep.html"] = (b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep text about trafficking.</p>"
                              + b"</div>" * 100_000 + b"</body></html>")
    elif case == "22-million-elements":
        files["wide.html"] = b"<html><body><article>" + b"<p>Victims of trafficking.</p>" * 1_000_000 + b"</article></body></html>"
    elif case == "23-5m-chars":
        sentence = "The Commission and Europol reported that Germany, France and Italy identified 1,234 victims in 2023. "
        files["long.txt"] = (sentence * (5_000_000 // len(sentence) + 1)).encode()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [str(folder / name) for name in files]


def serve_endless_html():
    """A local server whose one page is 200 MB of HTML sent without a Content-Length."""
    from pytest_httpserver import HTTPServer
    from werkzeug.wrappers import Response

    def endless():
        yield b"<html><body>"
        for _ in range(200):
            yield b"<p>" + b"x" * (MB - 7) + b"</p>"

    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/endless.html").respond_with_response(Response(endless(), content_type="text/html"))
    server.start()
    return server


def run_case(case: str, timeout_s: float, memory_mb: int) -> dict:
    """Run one case in this process; the figures as a dict."""
    from pipeline.run import ingest
    from pipeline.settings import Settings
    from pipeline.store import read_table

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        (temp / "in").mkdir()
        server = None
        changes = {}
        if case == "03-endless-body":
            server = serve_endless_html()
            inputs = [server.url_for("/endless.html")]
            changes["max_bytes"] = 20 * MB
        else:
            inputs = make_inputs(case, temp / "in")
        if case == "23-5m-chars":
            changes.update(nlp=True, spacy_model="none")
        settings = Settings(**{"out_dir": temp / "out" / "extracted", "raw_dir": temp / "out" / "raw", "workers": 1,
                               "nlp": False, "allow_private": True, "timeout_s": timeout_s, "memory_mb": memory_mb,
                               **changes})
        before = {p for p in temp.rglob("*") if "out" not in p.relative_to(temp).parts[:1]}
        started = time.monotonic()
        try:
            ingest(inputs, settings)
            documents = read_table(settings.out_dir, "documents")
            outside = {p for p in temp.rglob("*") if p.relative_to(temp).parts[0] != "out"} - before
            statuses = sorted(set(documents["status"]))
            missing = set(inputs) - set(documents["source"])
            outcome = "ok" if not missing and not outside and documents["status"].notna().all() else \
                f"missing rows {sorted(missing)} / written outside {sorted(map(str, outside))}"
            errors = [e for e in documents["error"] if isinstance(e, str)]
        except Exception as error:  # the parent crashed: exactly what the suite exists to catch
            outcome, statuses, errors = f"parent crashed: {type(error).__name__}: {error}", [], []
        finally:
            if server:
                server.stop()
        seconds = time.monotonic() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"case": case, "outcome": outcome, "status": ",".join(statuses), "peak_rss_mb": peak // 1024,
            "seconds": round(seconds, 1), "error": (errors[0][:90] if errors else "")}


SLOW = ["03-endless-body", "17-10000-pages", "18-flate-bomb", "20-vector-paths", "22-deep-html",
        "22-million-elements", "23-5m-chars"]
TEST_NAME = re.compile(r"::test_case(\d{2}(?:_\d{2})*)")


def peak_rss_mb() -> int:
    """The largest resident size of this process and of its waited-for children, in MB."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024


def tests_by_case() -> dict[int, list[str]]:
    """The tests under tests/robust/ by the case numbers in their names (test_case13_14_… proves 13 and 14)."""
    listed = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "tests/robust"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    found: dict[int, list[str]] = {}
    for line in listed.stdout.splitlines():
        match = TEST_NAME.search(line)
        if match:
            test = line.split("[", 1)[0]
            for number in map(int, match.group(1).split("_")):
                if test not in found.setdefault(number, []):
                    found[number].append(test)
    return found


def run_tests(tests: list[str]) -> dict:
    """Run ``tests`` with pytest in this process; counts by outcome, peak RSS, time."""
    import pytest

    class Count:
        def __init__(self) -> None:
            self.outcomes: dict[str, int] = {}
            self.failures: list[str] = []

        def pytest_runtest_logreport(self, report) -> None:
            if report.when == "call" or report.outcome != "passed":
                outcome = "error" if report.when != "call" and report.outcome == "failed" else report.outcome
                self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
                if report.outcome == "failed":
                    self.failures.append(report.nodeid.split("::")[-1])

    count, started = Count(), time.monotonic()
    pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", *tests], plugins=[count])
    return {"outcomes": count.outcomes, "failures": count.failures, "peak_rss_mb": peak_rss_mb(),
            "seconds": round(time.monotonic() - started, 1)}


def child(arguments: list[str], timeout_s: float) -> dict | None:
    """Run this script with ``arguments`` in a fresh process; its last line as JSON, or None when it died."""
    try:
        done = subprocess.run([sys.executable, __file__, *arguments], capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return None


def crash_trials(trials: int) -> dict:
    """bench/crash_trials.py over its default corpus: ok when every trial passed."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "crash_trials.py"), "--trials", str(trials)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600 + 120 * trials)
    summary = next((line for line in reversed(done.stdout.splitlines()) if line.startswith("trials ")), "no summary")
    return {"ok": done.returncode == 0, "note": summary.split("; work folder")[0],
            "seconds": time.monotonic() - started}


def prove(case: Case, tests: list[str], args) -> dict:
    """Run what proves ``case``; one row of the table."""
    parts, problems, statuses, rss, seconds = [], [], [], 0, 0.0
    selected = tests + list(case.extra)
    if selected:
        result = child(["--tests", *selected], timeout_s=900)
        if result is None:
            problems.append("pytest process died or hung")
        else:
            outcomes = result["outcomes"]
            parts.append(f"{outcomes.get('passed', 0)} tests")
            if result["failures"]:
                problems.append("failed: " + ", ".join(result["failures"][:3]))
            if outcomes.get("skipped"):
                problems.append(f"{outcomes['skipped']} skipped")
            if not outcomes.get("passed"):
                problems.append("no test ran")
            rss, seconds = max(rss, result["peak_rss_mb"]), seconds + result["seconds"]
    for slow in case.slow:
        row = child(["--child", slow, "--timeout", str(args.timeout), "--memory-mb", str(args.memory_mb)],
                    timeout_s=args.timeout * 4 + 300)
        parts.append(slow)
        if row is None:
            problems.append(f"{slow}: bench process died or hung")
            continue
        if row["outcome"] != "ok":
            problems.append(f"{slow}: {row['outcome']}")
        statuses.append(row["status"])
        rss, seconds = max(rss, row["peak_rss_mb"]), seconds + row["seconds"]
    if case.trials and args.crash_trials:
        result = crash_trials(args.crash_trials)
        parts.append(result["note"])
        seconds += result["seconds"]
        if not result["ok"]:
            problems.append("crash trials failed")
    if not parts:
        problems.append("nothing proves this case")
    return {"case": f"{case.number:02d} {case.title}", "outcome": "ok" if not problems else "FAIL",
            "status": " | ".join(statuses) if statuses else case.status, "peak_rss_mb": rss,
            "seconds": round(seconds, 1), "by": "; ".join(parts + problems)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", type=int, action="append", help="run only these case numbers (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds one document may take to parse")
    parser.add_argument("--memory-mb", type=int, default=1024, help="memory one parser process may use")
    parser.add_argument("--crash-trials", type=int, default=3, help="kill -9 trials for case 27 (0: its test only)")
    parser.add_argument("--child", choices=SLOW, help=argparse.SUPPRESS)
    parser.add_argument("--tests", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.timeout, args.memory_mb)))
        return 0
    if args.tests:
        result = run_tests(args.tests)
        print("\n" + json.dumps(result))
        return 0
    found = tests_by_case()
    cases = [c for c in CASES if not args.case or c.number in args.case]
    print(f"{'case':<52} {'outcome':<7} {'status':<30} {'peak RSS MB':>11} {'time s':>7}  proved by")
    passed = 0
    for case in cases:
        row = prove(case, found.get(case.number, []), args)
        passed += row["outcome"] == "ok"
        print(f"{row['case'][:52]:<52} {row['outcome']:<7} {row['status'][:30]:<30} {row['peak_rss_mb']:>11} "
              f"{row['seconds']:>7}  {row['by']}", flush=True)
    print(f"{passed}/{len(cases)} cases pass")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
