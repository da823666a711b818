"""Footnotes: markers linked to their bodies, the country lists in them, and the claims.

Takes a :class:`~pipeline.model.Document`; gives the rows of the ``footnotes``,
``footnote_countries`` and ``claims`` tables and the ``claim_matrix.csv`` export.
``countries`` reads country codes, names and group expressions ("all EU Member States
except DK") at the publication date; ``claims`` links markers to bodies, tells each
footnote's kind and checks a sentence's stated count against the countries its footnote
lists.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "TABLES": ".claims", "EXPORTS": ".claims",
    "footnote_tables": ".claims", "body_country_lists": ".claims", "link_markers": ".claims", "classify": ".claims",
    "claim_matrix": ".claims",
    "CountryList": ".countries", "CountryMention": ".countries", "country_name": ".countries",
    "find_country_lists": ".countries", "find_country_names": ".countries", "to_iso2": ".countries",
    "is_eu_member": ".countries", "emn_status": ".countries",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
