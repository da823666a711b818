import pytest

from pipeline.extract.dates import dateline, parse_date, stated_date


@pytest.mark.parametrize("text, iso", [
    ("Press release: 16 July 2025", "2025-07-16"),
    ("Brussels, 16.7.2025", "2025-07-16"),
    ("Brussels, 3.12.2024 COM(2024) 171 final", "2024-12-03"),
    ("July 2025", "2025-07"),
    ("EMN Inform, December 2019", "2019-12"),
    ("Published on July 16, 2025", "2025-07-16"),
    ("2025-07-16", "2025-07-16"),
    ("1st March 2024", "2024-03-01"),
])
def test_a_dateline_gives_its_date(text, iso):
    assert dateline(text) == iso


@pytest.mark.parametrize("text", [
    "of the European Parliament and of the Council of 5 April 2011 on preventing and combating",
    "adopted on 5 April 2011",
    "WARN Report for 7/1/2015",        # month first or day first: not said
    "Received 4 October 2005",          # a journal's history, not the publication
    "OJ L 101, 15.4.2011, p. 1, and the corrigendum published later that year",
    "Nothing here but words",
])
def test_a_date_inside_a_sentence_or_of_another_event_is_no_dateline(text):
    assert dateline(text) is None


def test_the_first_dateline_among_the_opening_lines_wins():
    lines = ["Spotting trafficked workers", "an inform adopted on 2 May 2024 by the network", "Brussels, 16 July 2025",
             "July 2024"]
    assert stated_date(lines) == "2025-07-16"
    assert stated_date(["A title", "Some words"]) is None


def test_parse_date_reads_full_dates_only():
    assert parse_date("Updated 16 July 2025 10:00") == "2025-07-16"
    assert parse_date("July 2025") is None
    assert parse_date("31.2.2025 and 30 February 2025") is None  # no such day: neither is a date
