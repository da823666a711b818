"""Group memberships by date: the data file, each date edge, and group expressions expanded
at the publication date in footnotes, body text and claims."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pipeline.footnotes.countries import find_country_lists, find_group_lists
from pipeline.footnotes.groups import group_country_rows
from pipeline.footnotes.reference import (emn_observers, emn_status, eu_members, groups, membership,
                                          parse_tenure, read_group)
from pipeline.model import Extraction, assemble
from test_footnotes import note, para, tables


def day_before(iso: str) -> str:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat()


def expanded(text: str, on: str, footnote: bool = True) -> list[str]:
    found = [found for found in find_country_lists(text, on=on, footnote=footnote) if found.group]
    assert len(found) == 1, found
    return found[0].iso2


# --- the data ------------------------------------------------------------------------------------

def test_every_group_names_its_source_and_every_member_is_a_country():
    from pipeline.footnotes.reference import to_iso2

    for key, group in groups().items():
        assert group.name and len(group.source) > 20, key
        for code, tenure in group.tenures.items():
            assert to_iso2(code) == code, (key, code)
            assert tenure.earliest <= tenure.certain, (key, code)


@pytest.mark.parametrize("entry, earliest, certain", [
    ({"joined": "2021-03-11"}, date(2021, 3, 11), date(2021, 3, 11)),
    ({"joined": "2022"}, date(2022, 1, 1), date(2023, 1, 1)),
    ({"joined": "2022-10"}, date(2022, 10, 1), date(2022, 11, 1)),
    ({"joined": "2022-12"}, date(2022, 12, 1), date(2023, 1, 1)),
    ({"joined": "unknown", "not_before": "2008-02-01", "joined_by": "2018-01-01"}, date(2008, 2, 1), date(2018, 1, 1)),
    ({"joined": "unknown"}, date.min, date.max),
])
def test_tenures_read_exact_partial_and_unknown_dates(entry, earliest, certain):
    tenure = parse_tenure(entry)
    assert (tenure.earliest, tenure.certain) == (earliest, certain)


@pytest.mark.parametrize("spec, message", [
    ({"name": "G", "source": "S", "members": {"FR": {"joined": "2021-13-01"}}}, "g.members.FR"),
    ({"name": "G", "source": "S", "members": {"FR": {"left": "2021-01-01"}}}, "g.members.FR"),
    ({"name": "G", "members": {}}, "lacks 'source'"),
])
def test_a_malformed_entry_names_itself(spec, message):
    with pytest.raises(ValueError, match=message):
        read_group("g", spec)


def test_group_sizes_today_are_the_well_known_ones():
    sizes = {key: len(membership(key, "2025-07-16")) for key in groups()}
    assert sizes == {"eu": 27, "emn": 26, "emn_observers": 9, "coe": 46, "greta": 48, "schengen": 29, "eea": 30}
    assert all(not membership(key, "2025-07-16").warnings for key in groups())


# --- date edges ----------------------------------------------------------------------------------

def test_united_kingdom_leaves_eu_emn_and_eea_after_31_january_2020():
    for key in ("eu", "emn", "eea"):
        assert "GB" in membership(key, "2020-01-31").members, key
        assert "GB" not in membership(key, "2020-02-01").members, key
    assert "GB" in membership("coe", "2020-02-01").members and "GB" in membership("greta", "2020-02-01").members


def test_croatia_joins_eu_on_1_july_2013_and_schengen_on_1_january_2023():
    assert "HR" not in eu_members("2013-06-30") and "HR" in eu_members("2013-07-01")
    assert "HR" not in membership("schengen", "2022-12-31").members
    assert "HR" in membership("schengen", "2023-01-01").members


@pytest.mark.parametrize("code, joined", [("GE", "2021-03-11"), ("MD", "2021-03-12"), ("ME", "2022-09-23"),
                                          ("RS", "2023-03-16"), ("MK", "2024-10-28")])
def test_each_emn_observer_counts_from_its_join_date(code, joined):
    assert code not in emn_observers(day_before(joined)) and emn_status(code, day_before(joined)) is None
    assert code in emn_observers(joined) and emn_status(code, joined) == "observer"
    assert code not in membership("emn_observers", joined).warnings


@pytest.mark.parametrize("code, outside, uncertain, certain", [
    ("UA", "2021-12-31", "2022-06-01", "2023-01-01"),      # joined in 2022, day not recorded
    ("AM", "2022-09-30", "2022-10-15", "2022-11-01"),      # late October 2022
    ("NO", "2008-05-13", "2012-01-01", "2015-01-01"),      # long before the others, date not recorded
    ("AL", "2024-10-28", "2025-01-01", "2025-07-16"),      # listed by July 2025
])
def test_observers_with_imprecise_dates_are_counted_with_a_warning(code, outside, uncertain, certain):
    assert code not in membership("emn_observers", outside).members
    during = membership("emn_observers", uncertain)
    assert code in during.members and code in during.warnings and uncertain in during.warnings[code]
    after = membership("emn_observers", certain)
    assert code in after.members and code not in after.warnings


def test_greta_parties_by_entry_into_force():
    assert membership("greta", "2008-01-31").members == []           # the Convention is in force from 2008-02-01
    assert "DE" not in membership("greta", "2013-03-31").members and "DE" in membership("greta", "2013-04-01").members
    assert "CZ" not in membership("greta", "2017-06-30").members and "CZ" in membership("greta", "2017-07-01").members
    early = membership("greta", "2012-01-01")
    assert "FR" in early.members and "FR" in early.warnings           # date not recorded: counted, with a warning
    assert "RU" not in membership("greta", "2025-07-16").members and "BY" in membership("greta", "2025-07-16").members


def test_council_of_europe_without_russia_from_16_march_2022():
    assert "RU" in membership("coe", "2022-03-15").members and "RU" not in membership("coe", "2022-03-16").members
    assert len(membership("coe", "2022-03-15")) == 47


def test_schengen_and_eea_edges():
    assert "BG" not in membership("schengen", "2024-03-30").members and "BG" in membership("schengen", "2024-03-31").members
    assert "IE" not in membership("schengen", "2025-07-16").members and "CH" in membership("schengen", "2025-07-16").members
    assert "LI" not in membership("eea", "1995-04-30").members and "LI" in membership("eea", "1995-05-01").members
    assert membership("eea", "1993-12-31").members == []
    assert "CH" not in membership("eea", "2025-07-16").members


# --- expansion at the publication date -------------------------------------------------------------

@pytest.mark.parametrize("on, size, has_gb, has_hr", [("2010-01-01", 26, True, False), ("2013-06-30", 26, True, False),
                                                     ("2013-07-01", 27, True, True), ("2020-01-31", 27, True, True),
                                                     ("2020-02-01", 26, False, True), ("2025-07-16", 26, False, True)])
def test_eu_member_states_except_denmark_at_several_dates(on, size, has_gb, has_hr):
    countries = expanded("EU Member States except Denmark", on)
    assert len(countries) == size and "DK" not in countries
    assert ("GB" in countries) is has_gb and ("HR" in countries) is has_hr


@pytest.mark.parametrize("on, observers", [("2019-06-01", ["NO"]), ("2021-06-01", ["GE", "MD", "NO"]),
                                          ("2025-07-16", ["AL", "AM", "GE", "MD", "ME", "MK", "NO", "RS", "UA"])])
def test_all_emn_member_and_observer_countries_at_three_dates(on, observers):
    countries = expanded("All EMN Member and Observer Countries.", on)
    assert sorted(set(countries) - set(eu_members(on))) == observers
    assert len(countries) == len(eu_members(on)) - 1 + len(observers)
    assert ("GB" in countries) is (on < "2020-02-01")


@pytest.mark.parametrize("on, count_ok", [("2019-06-01", True), ("2021-06-01", False), ("2025-07-16", False)])
def test_stated_count_is_checked_against_the_group_at_the_publication_date(on, count_ok):
    result = tables(para("This study covers 28 EMN Member and Observer Countries.^1"),
                    note("1", "All EMN Member and Observer Countries."), published=on)
    claim = result["claims"][0]
    assert claim["stated_count"] == 28 and claim["n_countries"] == len(result["footnote_countries"])
    assert claim["count_ok"] is count_ok
    rows = result["footnote_countries"]
    assert {row["expanded_group"] for row in rows} == {"emn+emn_observers"}
    assert {row["expanded_on"] for row in rows} == {on}


@pytest.mark.parametrize("on, size, has_gb", [("2020-01-31", 28, True), ("2020-02-01", 27, False)])
def test_eu_28_before_and_eu_27_after_brexit(on, size, has_gb):
    countries = expanded("All EU Member States.", on)
    assert len(countries) == size and ("GB" in countries) is has_gb
    assert len(expanded("Data from EU-28.", on)) == 28
    eu27 = expanded("Data from EU27.", on)
    # the latest Union of 27 on or before the date: before Croatia until the UK left, after Brexit from then on
    assert len(eu27) == 27 and ("GB" in eu27) is has_gb and ("HR" in eu27) is not has_gb


def test_footnote_rows_warn_about_members_counted_on_an_uncertain_date():
    rows = tables(para("All of them replied.^1"), note("1", "All EMN Member and Observer Countries."),
                  published="2022-06-01")["footnote_countries"]
    notes = {row["iso2"]: row["expansion_note"] for row in rows}
    assert notes["UA"] and "2022-06-01" in notes["UA"] and notes["FR"] is None and notes["GE"] is None


@pytest.mark.parametrize("text, group, size", [
    ("Measures were agreed by the 27 Member States in 2021.", "eu:27", 27),
    ("Figures for the EU-28 rose.", "eu:28", 28),
    ("GRETA has evaluated all GRETA parties at least once.", "greta", 48),
    ("Parties to the Council of Europe Convention on Action against Trafficking in Human Beings report yearly.",
     "greta", 48),
    ("The Schengen States share a visa policy.", "schengen", 29),
    ("Workers from EU/EEA countries need no permit.", "eea", 30),
    ("All Council of Europe member states took part.", "coe", 46),
])
def test_body_text_groups_become_countries_rows_with_group_and_date(text, group, size):
    document = assemble("d", Extraction([para(text)], published="2025-07-16"))
    rows = group_country_rows(document)
    assert len(rows) == size and {row["expanded_group"] for row in rows} == {group}
    assert {row["expanded_on"] for row in rows} == {"2025-07-16"} and rows[0]["sentence"] == text
    start = document.blocks[0].start
    assert {(row["start"], row["end"]) for row in rows} == {(start + text.find(rows[0]["mention"]),
                                                            start + text.find(rows[0]["mention"]) + len(rows[0]["mention"]))}


def test_body_text_without_a_group_gives_no_rows_and_hedged_groups_are_ignored():
    document = assemble("d", Extraction([para("Member States must act. Nearly all EU Member States replied."),
                                         para("The Schengen area is a place, not a list."),
                                         para("Visas for non-Schengen countries and non-EEA countries differ.")],
                                 published="2025-07-16"))
    assert group_country_rows(document) == []


def test_a_group_with_no_members_yet_is_not_a_list():
    assert find_group_lists("All GRETA parties.", on="2007-06-01") == []
    assert find_group_lists("The Schengen States.", on="1990-01-01") == []
