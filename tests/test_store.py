from pipeline.ingest.rawstore import RawStore, canonical_url, make_doc_id


def test_bytes_are_stored_once_and_the_manifest_tracks_sightings(tmp_path):
    store = RawStore(tmp_path / "raw")
    first = store.put("docs/a.md", b"# A\n\ntext")
    again = store.put("docs/a.md", b"# A\n\ntext")
    assert first.sha256 == again.sha256 and first.path.read_bytes() == b"# A\n\ntext"
    assert len(list((tmp_path / "raw" / "objects").rglob("*"))) == 2  # one folder, one file
    rows = store.manifest()
    assert len(rows) == 1
    assert rows[0]["content_type"] == "text/markdown" and rows[0]["size"] == 9
    assert rows[0]["first_seen"] <= rows[0]["last_seen"]


def test_a_changed_input_keeps_its_doc_id_and_gets_a_new_version(tmp_path):
    store = RawStore(tmp_path / "raw")
    old = store.put("docs/a.md", b"version one")
    new = store.put("docs/a.md", b"version two")
    assert old.doc_id == new.doc_id and old.sha256 != new.sha256
    assert {r["sha256"] for r in store.manifest()} == {old.sha256, new.sha256}
    assert store.read(old.sha256) == b"version one"


def test_urls_are_canonicalised_for_the_doc_id():
    assert canonical_url("HTTPS://Home-Affairs.EC.europa.eu:443/news/x?utm_source=t&id=3#top") == \
        "https://home-affairs.ec.europa.eu/news/x?id=3"
    assert make_doc_id("https://ec.europa.eu/news/report.pdf?utm_medium=mail") == make_doc_id("https://ec.europa.eu/news/report.pdf")
    assert make_doc_id("https://ec.europa.eu/news/report.pdf").startswith("report-")
