"""Parser processes that take blocks: the same rows as parsing in this process, whatever the split."""

from __future__ import annotations

from dataclasses import replace

from pipeline.model import Block, Extraction, assemble
from pipeline.parse_pool import PROCESSES_PAY_FROM_BYTES, ParsePool, parser_processes
from pipeline.run import parse_documents
from pipeline.settings import Settings


def _documents(count: int) -> list:
    documents = []
    for i in range(count):
        blocks = [Block("heading", f"Report {i}")]
        blocks += [Block("paragraph", f"In {2010 + j}, Europol and the Danube Outreach Collective found {100 + i + j} "
                                      f"victims in Ukraine and Moldova.[{j + 1}]") for j in range(3 + 20 * (i % 3))]
        blocks += [Block("footnote", "BE, BG, CY, DE, FR.", label=str(j + 1)) for j in range(3)]
        documents.append(assemble(f"doc-{i}", Extraction(blocks=blocks)))
    return documents


def test_the_pool_gives_the_rows_of_one_process(tmp_path):
    settings = Settings(out_dir=tmp_path / "out", raw_dir=tmp_path / "raw", spacy_model="none")
    documents = _documents(7)
    with ParsePool(settings, 2) as pool:
        # two submissions in flight at once, as the overlap of extraction and parsing has them
        first, second = pool.submit(documents[:4]), pool.submit(documents[4:])
        rows = first()
        for table, table_rows in second().items():
            rows[table] += table_rows
    alone = parse_documents(documents, settings)
    assert rows.keys() == alone.keys() and rows["organisations"] and rows["footnote_countries"]
    key = lambda row: repr(sorted(row.items()))     # noqa: E731
    assert {t: sorted(map(key, r)) for t, r in rows.items()} == {t: sorted(map(key, r)) for t, r in alone.items()}


def test_without_the_entity_stage_the_pool_parses_footnotes_only(tmp_path):
    settings = Settings(out_dir=tmp_path / "out", raw_dir=tmp_path / "raw", nlp=False)
    with ParsePool(settings, 2) as pool:
        rows = pool.submit(_documents(2))()
    assert rows["footnote_countries"] and "organisations" not in rows


def test_a_second_process_is_used_only_for_large_inputs_on_two_cores(monkeypatch):
    auto = Settings(nlp_processes=0)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert parser_processes(auto, PROCESSES_PAY_FROM_BYTES - 1) == 1
    assert parser_processes(auto, PROCESSES_PAY_FROM_BYTES) == 2
    assert parser_processes(replace(auto, nlp=False), 10 * PROCESSES_PAY_FROM_BYTES) == 1
    assert parser_processes(replace(auto, nlp_processes=3), 0) == 3
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert parser_processes(auto, 10 * PROCESSES_PAY_FROM_BYTES) == 1


def test_a_pool_started_before_the_run_is_taken_by_its_parse_stage_or_closed(tmp_path):
    from pipeline import parse_pool
    from pipeline.run import parsers_released, preload_parsers

    settings = Settings(out_dir=tmp_path / "out", raw_dir=tmp_path / "raw", spacy_model="none", nlp_processes=0)
    big = tmp_path / "inputs"
    big.mkdir()
    (big / "report.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * PROCESSES_PAY_FROM_BYTES)
    with parsers_released():
        preload_parsers(settings, [str(tmp_path / "small.html")])     # missing: nothing local to size
        assert not parse_pool._preloaded
        preload_parsers(settings, [str(big)])
        assert parse_pool._preloaded
        pool = parse_pool.preloaded_pool(settings, 2)
        assert pool is not None and parse_pool.preloaded_pool(settings, 2) is None      # taken once
        pool.close()
        preload_parsers(settings, [str(big)])
        assert parse_pool.preloaded_pool(replace(settings, spacy_models="fr=none"), 2) is None  # another: closed
        assert not parse_pool._preloaded
        preload_parsers(settings, [str(big)])
    assert not parse_pool._preloaded        # closed at the end when no parse stage took it
