import pytest

from pipeline.ingest.sources import SourceConfigError, load_sources


def test_the_shipped_registry_loads_real_public_sources():
    sources = load_sources()
    assert {"dg-home-news", "emn-publications", "europarl-press", "greta-news"} <= set(sources)
    for source in sources.values():
        assert source.start and all(url.startswith("https://") for url in source.start)
        assert source.schedule and len(source.schedule.split()) == 5


def test_a_user_file_adds_and_overrides_sources(tmp_path):
    user = tmp_path / "mine.toml"
    user.write_text('[[source]]\nname = "ngo"\npublisher = "An NGO"\nkind = "feed"\n'
                    'start = ["https://ngo.example.org/feed.xml"]\ninclude = ["/reports/"]\nexclude = ["draft"]\n')
    sources = load_sources(user)
    assert sources["ngo"].wants("https://ngo.example.org/reports/2025.pdf")
    assert not sources["ngo"].wants("https://ngo.example.org/reports/draft.pdf")
    assert not sources["ngo"].wants("https://ngo.example.org/about")


@pytest.mark.parametrize("body, message", [
    ('name = "x"\npublisher = "p"\nkind = "rss"\nstart = ["https://e.org"]', "kind"),
    ('name = "x"\npublisher = "p"\nkind = "feed"', "lacks"),
    ('name = "x"\npublisher = "p"\nkind = "feed"\nstart = ["https://e.org"]\ncolour = "red"', "unknown keys"),
    ('name = "x"\npublisher = "p"\nkind = "feed"\nstart = ["https://e.org"]\ninclude = ["(unclosed"]', "bad pattern"),
])
def test_mistakes_in_a_sources_file_are_clear_errors(tmp_path, body, message):
    path = tmp_path / "bad.toml"
    path.write_text("[[source]]\n" + body + "\n")
    with pytest.raises(SourceConfigError, match=message):
        load_sources(path)
