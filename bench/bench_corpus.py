"""Speed at corpus scale: `thb run` over real publications against the bare library calls.

    python bench/bench_corpus.py [--copies N] [--no-floor] [--floor-copies N] [--no-rerun] [--dask]
                                 [--keep DIR] [-- extra thb run options]

The corpus is every HTML page under ../shared/corpus/html and the Dutch National Rapporteur's
and EU PDFs (pdf/thb_dutch_rapporteur, pdf/eu_us_gov_icdar2013/eu-*.pdf), ``--copies`` times;
each copy gets a byte appended (an HTML comment, a PDF comment after ``%%EOF``) so that its
SHA-256 and document id are its own and nothing is shared or cached between copies.  The corpus is
written to the same folder every time (``--corpus``, default in the temporary folder), so that two
runs give the same document ids and their tables can be compared (bench/compare_tables.py).

Printed in one run:
  floor     the bare calls the pipeline is built on, one after another in this process:
            trafilatura.extract per page, pdfplumber extract_text per PDF page, and the full
            en_core_web_sm pipeline's nlp.pipe over all that text (paragraphs, batches of 64);
            measured on ``--floor-copies`` copies (default: all) and scaled to the corpus,
            since every copy is the same work;
  run       `thb run` (Prefect, as users run it) in a subprocess: wall time, the ratio to the
            floor, pages/s and words/s of each stage from the run's own stage timings, and the
            peak memory of the whole process tree (RSS summed over the process and its
            children, sampled every 0.2 s);
  re-run    the same command again over the unchanged corpus;
  prefect   in each run's stages: the time around the flow's body (Prefect's temporary server
            started and stopped, the flow run recorded); Prefect's database is created before
            the first run, as a user's ~/.prefect has it after their first run;
  dask      with ``--dask``: a local Dask cluster started here (``dask scheduler`` and two
            ``dask worker --nworkers 1 --nthreads 1`` on 127.0.0.1, workers allowed to start
            processes), the same `thb run` with ``--dask-address`` into fresh output folders, its
            wall time against the local run's and the peak memory of thb and the cluster together;
            the cluster is stopped at the end.
The machine's load average is printed beside each figure: other work on the machine slows it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("THB_SHARED", ROOT.parent / "shared")) / "corpus"
PDF_GROUPS = (("pdf/thb_dutch_rapporteur", "*.pdf"), ("pdf/eu_us_gov_icdar2013", "eu-*.pdf"))
STAGE_LINE = re.compile(r"Stages: (.*)")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f}"


def originals() -> list[Path]:
    if not CORPUS.exists():
        sys.exit(f"{CORPUS} is missing: this benchmark reads the shared corpus")
    files = sorted((CORPUS / "html").rglob("*.html"))
    for folder, pattern in PDF_GROUPS:
        files.extend(sorted((CORPUS / folder).glob(pattern)))
    return files


def unique_copy(data: bytes, suffix: str, copy: int) -> bytes:
    """The same document with a byte sequence of its own at the end, which no extractor reads."""
    mark = f"bench copy {copy}"
    return data + (f"\n%{mark}\n".encode() if suffix == ".pdf" else f"\n<!-- {mark} -->\n".encode())


def build_corpus(folder: Path, copies: int) -> list[Path]:
    written = []
    for copy in range(copies):
        for path in originals():
            target = folder / f"copy-{copy:02d}" / path.relative_to(CORPUS)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(unique_copy(path.read_bytes(), path.suffix, copy))
            written.append(target)
    return written


# --- the floor: bare library calls ------------------------------------------------------------------

def bare_floor(files: list[Path]) -> dict[str, float]:
    """Seconds of each bare call over ``files``, and what they read (pages, words)."""
    import io

    import pdfplumber
    import spacy
    import trafilatura

    from pipeline.entities.nlp import DEFAULT_MODEL

    texts, figures = [], {"html_pages": 0, "pdf_pages": 0}
    started = time.perf_counter()
    for path in (p for p in files if p.suffix == ".html"):
        texts.append(trafilatura.extract(path.read_bytes(), include_comments=False) or "")
        figures["html_pages"] += 1
    figures["trafilatura_s"] = time.perf_counter() - started
    started = time.perf_counter()
    for path in (p for p in files if p.suffix == ".pdf"):
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
            for page in pdf.pages:
                texts.append(page.extract_text() or "")
                figures["pdf_pages"] += 1
    figures["pdfplumber_s"] = time.perf_counter() - started
    nlp = spacy.load(DEFAULT_MODEL)
    paragraphs = [p for text in texts for p in re.split(r"\n\s*\n", text) if p.strip()]
    list(nlp.pipe(paragraphs[:20]))     # warm-up, not timed
    started = time.perf_counter()
    for _doc in nlp.pipe(paragraphs, batch_size=64):
        pass
    figures["spacy_s"] = time.perf_counter() - started
    figures["words"] = sum(len(text.split()) for text in texts)
    figures["seconds"] = figures["trafilatura_s"] + figures["pdfplumber_s"] + figures["spacy_s"]
    return figures


# --- `thb run` in a subprocess, its memory sampled ----------------------------------------------------

class TreeMemory:
    """Peak RSS summed over processes and all their descendants, sampled in a thread."""

    def __init__(self, pid: int, interval_s: float = 0.2, others: tuple[int, ...] = ()) -> None:
        import psutil

        self.root = psutil.Process(pid)
        self.others = [psutil.Process(other) for other in others]
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                tree = [self.root, *self.root.children(recursive=True)]
                for other in self.others:
                    tree += [other, *other.children(recursive=True)]
                for process in tree:
                    try:
                        total += process.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval_s)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def thb_run(corpus: Path, work: Path, extra: list[str], cluster: tuple[int, ...] = ()) -> dict:
    command = [shutil.which("thb") or "thb", "run", str(corpus), "--out", str(work / "extracted"),
               "--raw", str(work / "raw"), *extra]
    environment = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200", PREFECT_HOME=str(work / "prefect"))
    load_before = load()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    memory = TreeMemory(process.pid, others=cluster)
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    peak = memory.stop()
    if process.returncode not in (0, 1) or not (work / "extracted" / "documents.parquet").exists():
        sys.exit(f"thb run failed ({process.returncode}):\n{output}")
    match = STAGE_LINE.search(output)
    stages = dict((name, float(seconds)) for name, seconds in re.findall(r"(\S+) ([\d.]+) s", match.group(1))) if match else {}
    return {"wall": wall, "peak": peak, "stages": stages, "load": f"{load_before} → {load()}",
            "returncode": process.returncode}


def prepare_prefect(work: Path) -> None:
    """Create Prefect's database in the runs' PREFECT_HOME, as a user's ~/.prefect has it after the first run."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "prefect", "server", "database", "upgrade", "-y"], check=True,
                   stdout=subprocess.DEVNULL, env=dict(os.environ, PREFECT_HOME=str(work / "prefect")))
    print(f"Prefect database created in {work / 'prefect'}: {time.perf_counter() - started:.1f} s (not timed below; "
          "the first run in a new PREFECT_HOME takes that much longer)")


def corpus_size(out_dir: Path) -> dict[str, int]:
    import pandas as pd

    documents = pd.read_parquet(out_dir / "documents.parquet")
    blocks = pd.read_parquet(out_dir / "blocks.parquet", columns=["text"])
    pdf = documents["content_type"].str.contains("pdf")
    return {"documents": len(documents), "failed": int((documents["status"] != "ok").sum()),
            "pdf_pages": int(documents.loc[pdf, "n_pages"].fillna(0).sum()), "html_pages": int((~pdf).sum()),
            "words": int(blocks["text"].str.split().str.len().sum())}


# --- a local Dask cluster -----------------------------------------------------------------------------

class DaskCluster:
    """``dask scheduler`` and ``workers`` × ``dask worker --nworkers 1 --nthreads 1`` on 127.0.0.1, as processes of their own.

    The workers may start processes (``distributed.worker.daemon: false``), as extraction's sandbox needs.
    """

    def __init__(self, workers: int = 2) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.address = f"tcp://127.0.0.1:{port}"
        environment = dict(os.environ, DASK_DISTRIBUTED__WORKER__DAEMON="False", PYTHONPATH=str(ROOT))
        dask = shutil.which("dask") or "dask"
        quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
        self.processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                            "--no-dashboard"], **quiet)]
        self.processes += [subprocess.Popen([dask, "worker", self.address, "--nworkers", "1", "--nthreads", "1",
                                             "--host", "127.0.0.1", "--no-dashboard"], **quiet) for _ in range(workers)]
        try:
            from distributed import Client

            with Client(self.address, timeout=120) as client:
                client.wait_for_workers(workers, timeout=120)
        except BaseException:
            self.stop()
            raise

    @property
    def pids(self) -> tuple[int, ...]:
        return tuple(process.pid for process in self.processes)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def dask_run(corpus: Path, work: Path, extra: list[str], local: dict, size: dict) -> None:
    """The same run on a local two-worker Dask cluster, into fresh folders, against the local run."""
    load_before = load()
    started = time.perf_counter()
    cluster = DaskCluster(2)
    print(f"dask cluster: scheduler and 2 workers at {cluster.address} up in {time.perf_counter() - started:.1f} s"
          f"  [{load_before}]")
    try:
        result = thb_run(corpus, work / "dask", ["--dask-address", cluster.address, *extra], cluster.pids)
    finally:
        cluster.stop()
    print_run(f"thb run on Dask ({local['wall'] / result['wall']:.2f}× the local run's speed)", result, size, None)


# --- report ----------------------------------------------------------------------------------------

def print_run(label: str, result: dict, size: dict, floor_s: float | None, rates: bool = True) -> None:
    ratio = f", {result['wall'] / floor_s:.2f}× the floor" if floor_s else ""
    print(f"{label}: {result['wall']:.1f} s wall{ratio}; peak memory {result['peak'] / 2**20:,.0f} MiB "
          f"(process tree); exit {result['returncode']}  [{result['load']}]")
    pages = size["pdf_pages"] + size["html_pages"]
    for stage, seconds in result["stages"].items():
        rate = f"{pages / seconds:8.1f} pages/s {size['words'] / seconds:10,.0f} words/s" \
            if rates and seconds and stage != "prefect" else ""
        print(f"    {stage:<14} {seconds:7.1f} s  {rate}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--floor-copies", type=int, default=None, help="copies the floor is measured on (default: all)")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare calls")
    parser.add_argument("--no-rerun", action="store_true", help="skip the unchanged re-run")
    parser.add_argument("--dask", action="store_true",
                        help="also run on a local Dask cluster of two workers (started and stopped here)")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="folder for the corpus copies (default: thb-bench-corpus/copies-N in the temporary folder)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (tables, raw store)")
    parser.add_argument("extra", nargs="*", help="further `thb run` options, after --")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    work = args.keep or Path(tempfile.mkdtemp(prefix="thb-bench-corpus-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = args.corpus or Path(tempfile.gettempdir()) / "thb-bench-corpus" / f"copies-{args.copies}"
        files = build_corpus(corpus, args.copies)
        print(f"corpus: {len(files)} files ({args.copies} cop{'y' if args.copies == 1 else 'ies'}) in {corpus}"
              f"; thb run options: {' '.join(args.extra) or '(defaults)'}")
        floor_s = None
        if not args.no_floor:
            floor_copies = min(args.floor_copies or args.copies, args.copies)
            floor_files = [f for f in files if int(f.relative_to(corpus).parts[0][5:]) < floor_copies]
            load_before = load()
            floor = bare_floor(floor_files)
            scale = args.copies / floor_copies
            floor_s = floor["seconds"] * scale
            print(f"floor ({floor_copies} of {args.copies} copies, scaled ×{scale:g}): {floor_s:.1f} s = "
                  f"trafilatura {floor['trafilatura_s'] * scale:.1f} s ({floor['html_pages']} pages) + "
                  f"pdfplumber {floor['pdfplumber_s'] * scale:.1f} s ({floor['pdf_pages']} pages) + "
                  f"spaCy full model {floor['spacy_s'] * scale:.1f} s ({floor['words']:,} words)  [{load_before} → {load()}]")
        prepare_prefect(work)
        first = thb_run(corpus, work, args.extra)
        size = corpus_size(work / "extracted")
        print(f"tables: {size['documents']} documents ({size['failed']} failed), {size['pdf_pages']} PDF pages, "
              f"{size['html_pages']} HTML pages, {size['words']:,} words in blocks")
        print_run("thb run", first, size, floor_s)
        if not args.no_rerun:
            print_run("unchanged re-run", thb_run(corpus, work, args.extra), size, None, rates=False)
        if args.dask:
            dask_run(corpus, work, args.extra, first, size)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
