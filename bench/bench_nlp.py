"""Words per second of the entity and figure stage against the bare spaCy model, one and two processes.

    python bench/bench_nlp.py [--source nrm|seeds] [--words N] [--model NAME] [--batch-size N] [--repeat N] [--full]

The same block texts go through:
  bare model     ``nlp.pipe`` of the model as the stage loads it (NER only, plus a sentencizer), nothing else,
                 with spaCy's ``n_process`` and, for two processes, batches over a fork pool;
  whole stage    ``pipeline.entities.nlp.entity_tables`` with the model: gazetteer, rules, model filters, rows;
                 for two processes, over :class:`pipeline.parse_pool.ParsePool` as ``thb run`` does (started
                 and warmed before timing; the footnote parser runs too; its processes' CPU is not counted);
  rules only     the same on ``spacy.blank("en")`` (no model installed, or ``model=None``).
``--full`` adds the model with every component (tagger, parser, lemmatizer ...) for reference.
Text: the Dutch National Rapporteur's quantitative report from ../shared/corpus (``nrm``, the default
when it is there) or the two seeds, repeated until ``--words`` words.  Pipelines are built and warmed up
before timing; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
NRM_PDF = (SHARED / "corpus" / "pdf" / "thb_dutch_rapporteur"
           / "NR_P0104D05_THB_visible_invisible_quantitative_2007-2011.pdf")


def load_documents(source: str, words: int):
    from pipeline.extract.markdown import extract_markdown
    from pipeline.model import assemble

    if source == "nrm" and NRM_PDF.exists():
        from pipeline.extract.pdf.blocks import extract_pdf

        base = [assemble("P0104D05", extract_pdf(NRM_PDF.read_bytes()))]
    else:
        seeds = sorted((SHARED / "seeds").glob("00*_*.txt"))
        if not seeds:
            sys.exit("no text to measure: ../shared/seeds and ../shared/corpus are missing")
        base = [assemble(path.stem, extract_markdown(path.read_bytes())) for path in seeds]
    documents, total = [], 0
    while total < words:
        for document in base:
            documents.append(assemble(f"{document.doc_id}-{len(documents)}", _extraction_of(document)))
            total += len(document.text.split())
    return documents, total


def _extraction_of(document):
    from pipeline.model import Block, Extraction

    blocks = [Block(b.kind, b.text, page=b.page, label=b.label, markers=list(b.markers)) for b in document.blocks]
    return Extraction(blocks=blocks, title=document.title, n_pages=document.n_pages)


_BARE = None


def _bare_batch(texts: list[str]) -> int:
    """A worker's share of the bare model run: entities counted, nothing else kept."""
    return sum(len(doc.ents) for doc in _BARE.pipe(texts))


def bare_in_pool(texts: list[str], processes: int, batch_size: int) -> int:
    """The bare model over a fork pool, batches out and counts back: the stage's own way of using cores."""
    import multiprocessing

    batches = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.imap(_bare_batch, batches))


def whole_stage(documents, model, pool):
    """The entity stage's rows: in this process, or over ``pool`` (a warmed ParsePool)."""
    from pipeline.entities.nlp import entity_tables

    return pool.submit(documents)() if pool else entity_tables(documents, model=model)


def warmed_pool(model, documents):
    from pipeline.parse_pool import ParsePool
    from pipeline.settings import Settings

    pool = ParsePool(Settings(spacy_model=model or "none", nlp_processes=2), 2)
    pool.start_processes()
    pool.submit(documents)()
    return pool


def timed(run) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its finished children)."""
    import os

    before, started = os.times(), time.perf_counter()
    run()
    wall, after = time.perf_counter() - started, os.times()
    cpu = sum(after[i] - before[i] for i in range(4))      # user, system, children's user and system
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("nrm", "seeds"), default="nrm")
    parser.add_argument("--words", type=int, default=40_000)
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: pipeline.entities.nlp.DEFAULT_MODEL)")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batches of the bare model (the stage's are 64)")
    parser.add_argument("--full", action="store_true", help="also time the model with all its components")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the best time of each pipeline is kept")
    args = parser.parse_args()

    import spacy

    from pipeline.entities.nlp import DEFAULT_MODEL, MODEL_EXCLUDE, entity_tables, get_nlp, model_available

    model = args.model or DEFAULT_MODEL
    documents, words = load_documents(args.source, args.words)
    texts = [block.text for document in documents for block in document.blocks]
    print(f"{len(documents)} documents, {len(texts)} blocks, {words:,} words ({args.source}); "
          f"batch size {args.batch_size}; spaCy {spacy.__version__}")

    runs = []
    if model_available(model):
        global _BARE
        bare = _BARE = spacy.load(model, exclude=MODEL_EXCLUDE)
        bare.add_pipe("sentencizer", first=True)
        for n in (1, 2):
            runs.append(("bare model, nlp.pipe(n_process=n)", n,
                         lambda n=n: list(bare.pipe(texts, batch_size=args.batch_size, n_process=n))))
        runs.append(("bare model, batches over a process pool", 2,
                     lambda: bare_in_pool(texts, 2, args.batch_size)))
        get_nlp(model)
        model_pool = warmed_pool(model, documents[:2])
        for n, pool in ((1, None), (2, model_pool)):
            runs.append(("whole stage with the model", n, lambda pool=pool: whole_stage(documents, model, pool)))
        if args.full:
            full = spacy.load(model)
            runs.append((f"full model ({', '.join(full.pipe_names)})", 1,
                         lambda: list(full.pipe(texts, batch_size=args.batch_size))))
    else:
        print(f"model {model} is not installed: rules only")
    get_nlp(None)
    rules_pool = warmed_pool(None, documents[:2])
    for n, pool in ((1, None), (2, rules_pool)):
        runs.append(("whole stage, rules only (blank)", n, lambda pool=pool: whole_stage(documents, None, pool)))

    warm = documents[:1]
    entity_tables(warm, model=None)
    if model_available(model):
        entity_tables(warm, model=model)
        list(bare.pipe(texts[:50]))
    best: dict[tuple[str, int], list[float]] = {}
    for _ in range(args.repeat):       # rounds interleave the pipelines; the best round of each counts
        for label, n, run in runs:
            wall, cpu = timed(run)
            previous = best.setdefault((label, n), [wall, cpu])
            best[(label, n)] = [min(previous[0], wall), min(previous[1], cpu)]
    speeds = {key: words / wall for key, (wall, _) in best.items()}
    cpu_speeds = {key: words / cpu for key, (_, cpu) in best.items()}
    print(f"\nbest of {args.repeat} rounds")
    print(f"{'pipeline':44s} {'processes':>9s} {'wall s':>7s} {'words/s':>8s} {'CPU s':>7s} {'words/CPU s':>11s}")
    for (label, n), (wall, cpu) in best.items():
        print(f"{label:44s} {n:9d} {wall:7.2f} {words / wall:8,.0f} {cpu:7.2f} {words / cpu:11,.0f}")
    if ("whole stage with the model", 1) in speeds:
        stage1, stage2 = speeds[("whole stage with the model", 1)], speeds[("whole stage with the model", 2)]
        bare1 = ("bare model, nlp.pipe(n_process=n)", 1)
        print(f"\nwhole stage / bare model, 1 process:        {stage1 / speeds[bare1]:.2f} wall, "
              f"{cpu_speeds[('whole stage with the model', 1)] / cpu_speeds[bare1]:.2f} CPU")
        print(f"whole stage / bare model (pool), 2 processes: "
              f"{stage2 / speeds[('bare model, batches over a process pool', 2)]:.2f}")
        print(f"whole stage, 2 processes / 1 process:       {stage2 / stage1:.2f}")
    print(f"(machine load average now: {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())})")


if __name__ == "__main__":
    main()
