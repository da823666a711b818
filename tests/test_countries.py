"""Country codes: mapping, EU and EMN status by date, and finding lists only where they are lists."""

from __future__ import annotations

import pytest

from pipeline.footnotes.countries import find_country_lists, strip_list_wording
from pipeline.footnotes.reference import (as_date, country_from_name, country_name, emn_status, eu_members,
                                          eu_snapshot, find_country_names, is_eu_member, protocol_code, to_iso2)


def codes(text: str, **options) -> list[list[str]]:
    return [found.iso2 for found in find_country_lists(text, **options)]


def written(text: str, **options) -> list[list[str]]:
    return [[mention.code for mention in found.mentions] for found in find_country_lists(text, **options)]


# --- reference data ------------------------------------------------------------------------------

@pytest.mark.parametrize("code, iso2", [("EL", "GR"), ("UK", "GB"), ("GR", "GR"), ("GB", "GB"), ("Cy", "CY"),
                                        ("iE", "IE"), ("nL", "NL"), ("XK", "XK"), ("RS", "RS"), ("EU", None),
                                        ("ZZ", None), ("KO", None)])
def test_codes_map_to_iso_alpha2(code, iso2):
    assert to_iso2(code) == iso2


def test_names_are_short_english_names():
    assert country_name("MD") == "Moldova"
    assert country_name("GR") == "Greece"
    assert country_name("GB") == "United Kingdom"
    assert country_name("XK") == "Kosovo"
    assert protocol_code("GR") == "EL" and protocol_code("GB") == "UK" and protocol_code("FR") == "FR"


def test_eu_membership_follows_enlargements_and_brexit():
    assert len(eu_members("2004-04-30")) == 15
    assert len(eu_members("2004-05-01")) == 25
    assert len(eu_members("2007-01-01")) == 27
    assert "HR" not in eu_members("2013-06-30") and "HR" in eu_members("2013-07-01")
    assert is_eu_member("GB", "2020-01-31") and not is_eu_member("GB", "2020-02-01")
    assert len(eu_members("2020-02-01")) == 27
    assert len(eu_members("2016-01-01")) == 28


def test_emn_status_members_observers_and_denmark():
    assert emn_status("FR", "2025-07-16") == "member"
    assert emn_status("DK", "2025-07-16") is None
    assert emn_status("GB", "2019-06-01") == "member" and emn_status("GB", "2021-01-01") is None
    for code in ["NO", "GE", "MD", "UA", "ME", "AM", "RS", "MK", "AL"]:
        assert emn_status(code, "2025-07-16") == "observer"
    assert emn_status("US", "2025-07-16") is None


def test_eu_sizes_mean_the_union_of_their_time():
    before_croatia = eu_snapshot(27, "2010-05-01")
    after_brexit = eu_snapshot(27, "2025-01-01")
    assert "GB" in before_croatia and "HR" not in before_croatia
    assert "HR" in after_brexit and "GB" not in after_brexit
    assert len(eu_snapshot(28, "2025-01-01")) == 28 and len(eu_snapshot(15)) == 15


def test_partial_dates():
    assert as_date("2013").year == 2013 and as_date("2013-04").month == 4
    assert as_date("not a date") is not None


# --- lists in footnotes --------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("BE, BG, CY, DE, EE, FR, NL, PL, SE.", ["BE", "BG", "CY", "DE", "EE", "FR", "NL", "PL", "SE"]),
    ("AT, BG, DE, EL, FR, HU, LT, NL, PL, and GE, RS.", ["AT", "BG", "DE", "GR", "FR", "HU", "LT", "NL", "PL", "GE", "RS"]),
    ("DE, EL, and RS.", ["DE", "GR", "RS"]),
    ("FI, LV as well as SE", ["FI", "LV", "SE"]),
    ("UK and IE.", ["GB", "IE"]),
    ("SE.", ["SE"]),
    ("BE; DE; FR", ["BE", "DE", "FR"]),
])
def test_footnote_made_of_codes(text, expected):
    assert codes(text, footnote=True) == [expected]


def test_code_as_written_is_kept():
    assert written("AT, EL and UK.", footnote=True) == [["AT", "EL", "UK"]]


def test_lead_ins_and_colons_make_lists():
    assert codes("includes data from: AT, BE, FR", footnote=True) == [["AT", "BE", "FR"]]
    assert codes("Nine Member States reported a rise in 2023: BE, BG, CY.", footnote=True) == [["BE", "BG", "CY"]]
    assert codes("AT, DE: only adult victims were counted.", footnote=True) == [["AT", "DE"]]


def test_mangled_case_codes_count_inside_a_list_of_codes():
    text = "includes data from: AT, BE, Cy, EE, Fi, FR, DE, GR, iE, iT, LT, nL, pL, pT, ES, SE, UK"
    assert codes(text, footnote=True) == [["AT", "BE", "CY", "EE", "FI", "FR", "DE", "GR", "IE", "IT", "LT", "NL",
                                          "PL", "PT", "ES", "SE", "GB"]]
    assert written(text, footnote=True)[0][2] == "Cy"
    mostly_mangled = "includes data from: BE, Fi, FR, DE, GR, hU, iE, iT, nL, pL, pT, Ro, Si, ES, SE and UK (n = 532)"
    assert len(codes(mostly_mangled, footnote=True)[0]) == 16


def test_mangled_words_alone_are_not_codes():
    assert codes("Be, In, No", footnote=True) == []
    assert codes("No, It is not.", footnote=True) == []
    assert codes("BE, DE and At the same time", footnote=True) == []


# --- lists that are not country lists ------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "is, it, no",
    "IT systems were upgraded in all offices.",
    "The model includes the interaction terms LU, PL and RL.",
    "Table 4a: Parameters in the selected model with six lists KP, KR, KZ, KO, RZ IQ, KQ, OQ, RQ, ZQ, UQ, NQ, IU, IL, "
    "IN, IS, KN, KS, KU, KL, OL, ZL, UN, ZN, ON, OZ, OU, PN, PU, RU SL, SN, SU, LN, LU, PL, RL, OS, ZS",
    "See https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52021DC0171",
    "Eurostat, EU27 data, accessed 1 June 2024.",
    "IT, AI and ML tools are used by inspectors.",
])
def test_two_letter_tokens_out_of_context_are_not_countries(text):
    assert codes(text, footnote=True) == []
    assert codes(text) == []


def test_body_text_needs_a_cue():
    assert codes("and Observer Countries (NO, GE, MD, UA, ME, AM, RS, MK, AL), the European Commission") == [
        ["NO", "GE", "MD", "UA", "ME", "AM", "RS", "MK", "AL"]]
    assert codes("Eleven countries (BE, DE, EE, ES, FI, FR, IT, LV, NL, SI and GE) replied.") == [
        ["BE", "DE", "EE", "ES", "FI", "FR", "IT", "LV", "NL", "SI", "GE"]]
    assert codes("Member States such as DE and FR") == [["DE", "FR"]]
    assert codes("The results for DE and FR differ.") == []
    assert codes("only one country (SE)") == [["SE"]]
    assert codes("the ME region") == []


# --- group expressions ---------------------------------------------------------------------------

def test_all_member_states_except_is_expanded_at_the_publication_date():
    lists = find_country_lists("includes data from all EU mSs, except Cy, CZ, DK, EE, LV, LT, LU, mT, SK (n=526)",
                               on="2013-04-05", footnote=True)
    assert len(lists) == 1
    expected = sorted(set(eu_members("2013-04-05")) - {"CY", "CZ", "DK", "EE", "LV", "LT", "LU", "MT", "SK"})
    assert sorted(lists[0].iso2) == expected and len(expected) == 18
    assert "GB" in expected and "HR" not in expected
    mention = lists[0].mentions[0]
    assert mention.expanded_from.startswith("all EU mSs, except Cy")


def test_group_expressions_follow_the_date():
    assert len(codes("All EU Member States except DK", on="2019-01-01")[0]) == 27
    assert len(codes("All EU Member States except DK", on="2021-01-01")[0]) == 26
    assert "GB" in codes("EU27", on="2010-01-01", footnote=True)[0]
    assert "HR" in codes("EU27", on="2025-01-01", footnote=True)[0]
    assert len(codes("EU-28", on="2016-01-01", footnote=True)[0]) == 28


def test_exception_by_country_name_and_emn_groups():
    found = codes("the EMN Member (EU Member States except Denmark) and Observer Countries", on="2025-07-16")
    assert len(found[0]) == 26 and "DK" not in found[0]
    assert len(codes("all EMN Member Countries", on="2025-07-16")[0]) == 26
    assert len(codes("all EMN Member and Observer Countries", on="2025-07-16")[0]) == 35
    assert codes("all countries in the region") == []


def test_residual_wording_of_a_list_footnote_is_empty():
    for text in ["includes data from: AT, BE, FR", "BE, DE and FR.", "includes data from all EU MSs, except DK (n=12)"]:
        lists = find_country_lists(text, on="2015-01-01", footnote=True)
        assert strip_list_wording(text, lists) == ""
    text = "Nine Member States reported a rise: BE, BG, CY."
    assert strip_list_wording(text, find_country_lists(text, footnote=True)).startswith("Nine")


def test_country_names():
    assert [iso for _, _, iso in find_country_names("along with Serbia, the Netherlands and Czechia")] == ["RS", "NL", "CZ"]
    assert country_from_name("Georgia") == "GE" and country_from_name("Atlantis") is None


def test_groups_need_to_say_which_union():
    assert codes("Almost all the EU Member States have a rapporteur.") == []
    assert codes("national referral mechanisms do not exist in all member States") == []   # UN Member States
    assert len(codes("all Member States except DK and IE.", on="2019-01-01", footnote=True)[0]) == 26
    assert len(codes("Source: All MSs except Greece, Latvia, Portugal and Romania.", on="2009-01-01")[0]) == 23


def test_a_single_code_beside_a_figure_is_not_a_country():
    assert codes("SD 10.74.", footnote=True) == []
    assert codes("N: 87; SD: 14.6 months.", footnote=True) == []


def test_lists_of_names_under_the_same_rules():
    assert codes("Belgium, France and the Netherlands.", footnote=True) == [["BE", "FR", "NL"]]
    assert codes("fifteen member states (Cyprus, Estonia, Slovenia and the Czech Republic joined in 2004)") == [
        ["CY", "EE", "SI", "CZ"]]
    assert codes("Countries that joined in 2004 or 2007: in 2004: Cyprus, Malta and Slovakia; in 2007: Bulgaria "
                 "and Romania.", footnote=True) == [["CY", "MT", "SK"], ["BG", "RO"]]
    assert codes("Georgia said that the figures were provisional.", footnote=True) == []
    assert codes("in Austria, Belgium and France the figures rose") == []
