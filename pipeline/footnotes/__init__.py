"""Footnotes: markers linked to their bodies, the country lists in them, and the claims.

Takes a :class:`~pipeline.model.Document`; gives the rows of the ``footnotes``,
``footnote_countries`` and ``claims`` tables, the ``countries`` rows of the groups the body
text names, and the ``claim_matrix.csv`` export.
``reference`` holds the country codes, names and group memberships by date
(``data/memberships.toml``); ``countries`` finds code lists, name lists and group
expressions ("all EU Member States except DK") in text, expanded at the publication date;
``groups`` turns group expressions in body text into rows of the ``countries`` table;
``notes`` links markers to bodies and tells each footnote's kind; ``sentences`` finds the
sentence and the phrase a marker is attached to; ``counts`` reads the count a sentence
states; ``claims`` puts them together into the tables and checks each count against the
countries its footnote lists.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "TABLES": ".claims", "EXPORTS": ".claims",
    "footnote_tables": ".claims", "body_country_lists": ".claims", "link_markers": ".notes", "classify": ".notes",
    "claim_matrix": ".claims", "check_state": ".claims", "listed_codes": ".claims", "count_agrees": ".counts",
    "check_relation": ".counts", "RELATION": ".counts",
    "CountryList": ".countries", "CountryMention": ".countries", "find_country_lists": ".countries",
    "country_name": ".reference", "find_country_names": ".reference", "to_iso2": ".reference",
    "is_eu_member": ".reference", "emn_status": ".reference", "membership": ".reference",
    "group_country_rows": ".groups",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
