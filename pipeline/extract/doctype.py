"""What kind of publication a document is, and the identifiers it carries.

Takes what the documents row knows: the URL (or path), the title, the text of the first
page and the content type.  Gives a :class:`Publication`: the type (an EMN study or
inform, a GRETA evaluation report, a Commission or Parliament press release, a news item,
a speech, a report ...), its reference (IP/25/1234, 20241212IPR25960, GRETA(2024)07), the
GRETA round and country evaluated, the publisher when the document says, and which
signals decided (url, title, text).  A publication without a reference of its own keeps
the DOI or ISBN its first page prints.  Rules are tried most specific first; the first that
matches wins, so an EMN press release about a study is a press release, not the study.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pipeline.model import Document

FIRST_PAGE_CHARS = 3000
DOC_TYPES = ("emn_study", "emn_inform", "greta_report", "commission_press_release", "parliament_press_release",
             "press_release", "commission_news", "ministry_news", "news", "speech", "report", "other")


@dataclass(frozen=True)
class Publication:
    doc_type: str = "other"
    reference: str | None = None
    greta_round: int | None = None
    evaluated_country: str | None = None     # ISO 3166 alpha-2
    publisher: str | None = None
    evidence: str | None = None              # the signals that decided: 'url', 'title', 'text', joined by '+'


@dataclass(frozen=True)
class _Signals:
    url: str
    title: str
    text: str                                # the first page (PDF) or the first characters
    web: bool                                # an HTML page
    dated: bool

    def where(self, pattern: re.Pattern, *fields: str) -> tuple[re.Match | None, str | None]:
        """The first match of ``pattern`` in the named fields, and which fields matched."""
        found, names = None, []
        for name in fields:
            match = pattern.search(getattr(self, name))
            if match:
                found = found or match
                names.append(name)
        return found, "+".join(names) or None


_COMMISSION_REF = re.compile(r"\b(IP|MEMO|STATEMENT|SPEECH)[/_](\d{2})[/_](\d{1,5})\b", re.I)
_PARLIAMENT_REF = re.compile(r"(?<![0-9])(\d{8}IPR\d{3,6})(?![0-9])")      # also inside 'press-release_2019...'

_GRETA_REF = re.compile(r"\bGRETA\s*\((\d{4})\)\s*(\d{1,3})\b")
_GRETA_REPORT = re.compile(r"\bReport\s+concerning\s+the\s+implementation\s+of\s+the\s+Council\s+of\s+Europe\s+"
                           r"Convention\s+on\s+Action\s+against\s+Trafficking\s+in\s+Human\s+Beings\s+by\s+"
                           r"(?:the\s+)?(?P<country>[A-Z][\w'’ -]{2,40}?)(?=\s*(?:[|,.:;\n(]|\s+-|\s+–|\s+first|\s+second|"
                           r"\s+third|\s+fourth|\s+fifth|$))", re.I)
_ROUNDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_ROUND = re.compile(r"\b(first|second|third|fourth|fifth)\s+(?:evaluation\s+)?round\b|\bround\s+([1-5])\b", re.I)
_EMN = r"(?:EMN|European\s+Migration\s+Network)"
_EMN_INFORM = re.compile(rf"\b{_EMN}\s+inform\b", re.I)
_EMN_STUDY = re.compile(rf"\b{_EMN}\s+(?:\w+\s+)?study\b|\bstudy\s+(?:of|by)\s+the\s+{_EMN}", re.I)
_PRESS_RELEASE = re.compile(r"\bpress\s+release\b|\bpersbericht\b|\bcommuniqué\s+de\s+presse\b|\bPressemitteilung\b",
                            re.I)
_PRESS_RELEASE_URL = re.compile(r"press[-_]?releases?|persbericht|communique-de-presse|pressemitteilung", re.I)
_NEWS_ITEM = re.compile(r"\bnews\s+(?:article|item)\b|\bnieuwsbericht\b", re.I)
_COMMISSION = re.compile(r"\bEuropean\s+Commission\b|\bDirectorate-General\b|\bec\.europa\.eu\b|"
                         r"\bhome-affairs\.ec\.europa\.eu\b", re.I)
_MINISTRY = re.compile(r"\b(?P<name>(?:Federal\s+)?Ministry\s+of\s+(?:the\s+)?[A-Z][\w ,&]{2,60}?"
                       r"|Home\s+Office|Ministerie\s+van\s+[A-Z][\w ]{2,40}?|Bundesministerium\s+(?:des|der|für)\s+\w+"
                       r"|Ministère\s+de\s+l['’]\w+)(?=\s*[|,.;:\n]|\s+(?:and|has|have|is|announced|said)\b|$)")
_MINISTRY_NEWS_URL = re.compile(r"//(?:www\.)?(?:gov\.uk/government/news|government\.nl/.*news|rijksoverheid\.nl/"
                                r"actueel/nieuws|[\w.-]*\.gov\.[a-z]{2}/.*news|bmi\.bund\.de/.*(?:pressemitteilungen|"
                                r"kurzmeldungen)|interieur\.gouv\.fr/actualites)", re.I)
_SPEECH = re.compile(r"^\s*(?:speech|keynote\s+speech|address|toespraak|rede)\b|\bspeech\s+by\b|\btoespraak\s+van\b",
                     re.I)
_REPORT = re.compile(r"\b(?:report|rapport|rapportage|study|research\s+brief|research\s+paper|expert\s+paper|"
                     r"working\s+paper|summary|supplementary\s+figures|monitor|evaluation|onderzoek)\b", re.I)
# Numbered chapters, figures and tables: a page out of a report even without its title page.
_REPORT_APPARATUS = re.compile(r"\b(?:chapter\s+\d+|figure\s+[A-Z]{0,3}\d+[a-z]?\.|table\s+[A-Z]{0,3}\d+[a-z]?\.)", re.I)
# Identifiers printed on a first page, kept when the publication has no reference of its own.
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>|]+")
_ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*(?:97[89][\s-]?)?\d{1,5}[\s-]?\d{1,7}[\s-]?\d{1,7}[\s-]?[\dX]\b")
_NEWS_URL = re.compile(r"/(?:news|nieuws|actualites|aktuelles|article|story|press)/|/20\d\d/\d\d/", re.I)


def detect_publication(*, url: str | None, title: str | None, text: str, content_type: str = "",
           published: str | None = None) -> Publication:
    """The publication type and identifiers of one document (see the module docstring)."""
    signals = _Signals(url=url or "", title=title or "", text=text[:FIRST_PAGE_CHARS],
                       web="html" in content_type, dated=bool(published))
    found = next((found for rule in _RULES if (found := rule(signals)) is not None), Publication())
    if found.reference is None:
        printed = _DOI.search(signals.text) or _ISBN.search(signals.text)
        if printed:
            found = replace(found, reference=printed.group(0).rstrip(".,;)"))
    return found


def publication_of(document: Document, *, url: str | None, content_type: str = "") -> Publication:
    """:func:`detect_publication` for an extracted document: the first page of a PDF, else the first characters."""
    first_page = [block.text for block in document.blocks if block.page == 1]
    text = "\n".join(first_page) if first_page else document.text
    return detect_publication(url=url, title=document.title, text=text, content_type=content_type, published=document.published)


def _commission_reference(signals: _Signals) -> Publication | None:
    match, where = signals.where(_COMMISSION_REF, "url", "title", "text")
    if match is None or (where == "text" and not _COMMISSION.search(signals.text)):
        return None
    kind = match.group(1).upper()
    reference = f"{kind}/{match.group(2)}/{match.group(3)}"
    doc_type = "speech" if kind == "SPEECH" else "commission_press_release"
    return Publication(doc_type, reference, publisher="European Commission", evidence=where)


def _parliament_reference(signals: _Signals) -> Publication | None:
    match, where = signals.where(_PARLIAMENT_REF, "url", "title", "text")
    if match is None:
        return None
    return Publication("parliament_press_release", match.group(1), publisher="European Parliament", evidence=where)


def _greta_report(signals: _Signals) -> Publication | None:
    report, where = signals.where(_GRETA_REPORT, "title", "text")
    reference, ref_where = signals.where(_GRETA_REF, "title", "text")
    if report is None and reference is None:
        return None
    if report is None and not re.search(r"\bevaluation\s+round\b", signals.title + signals.text, re.I):
        return None           # a GRETA document (a meeting report, a list) rather than an evaluation report
    round_match, _ = signals.where(_ROUND, "title", "text")
    number = None
    if round_match:
        number = _ROUNDS.get((round_match.group(1) or "").lower()) or int(round_match.group(2))
    return Publication("greta_report", f"GRETA({reference.group(1)}){reference.group(2)}" if reference else None,
                       greta_round=number, evaluated_country=_country_code(report.group("country")) if report else None,
                       publisher="GRETA, Council of Europe", evidence=where or ref_where)


def _country_code(name: str) -> str | None:
    import pycountry

    try:
        return pycountry.countries.lookup(name.strip()).alpha_2
    except LookupError:
        matches = pycountry.countries.search_fuzzy(name.strip()) if name.strip() else []
        return matches[0].alpha_2 if len(matches) == 1 else None


def _press_release(signals: _Signals) -> Publication | None:
    head = _Signals(signals.url, signals.title, signals.text[:400], signals.web, signals.dated)
    match, where = head.where(_PRESS_RELEASE, "title", "text")
    if match is None:
        match, where = head.where(_PRESS_RELEASE_URL, "url")
    if match is None:
        return None
    publisher = "European Migration Network" if re.search(_EMN, signals.text, re.I) else _ministry(signals.text)
    if publisher and publisher != "European Migration Network":
        return Publication("ministry_news", publisher=publisher, evidence=where)
    return Publication("press_release", publisher=publisher, evidence=where)


def _emn_publication(signals: _Signals) -> Publication | None:
    for pattern, doc_type in ((_EMN_INFORM, "emn_inform"), (_EMN_STUDY, "emn_study")):
        match, where = signals.where(pattern, "title", "text")
        if match is not None:
            reference = signals.title.strip() or None
            return Publication(doc_type, reference, publisher="European Migration Network", evidence=where)
    return None


def _news_item(signals: _Signals) -> Publication | None:
    match, where = signals.where(_NEWS_ITEM, "title", "text")
    if match is not None and _COMMISSION.search(signals.url + " " + signals.text[:600]):
        return Publication("commission_news", publisher="European Commission", evidence=where)
    ministry_url = _MINISTRY_NEWS_URL.search(signals.url)
    ministry = _ministry(signals.text[:600])
    if ministry_url or (ministry and (_NEWS_ITEM.search(signals.text[:400]) or _NEWS_URL.search(signals.url))):
        return Publication("ministry_news", publisher=ministry, evidence="url" if ministry_url else "text")
    return None


def _ministry(text: str) -> str | None:
    match = _MINISTRY.search(text)
    return " ".join(match.group("name").split()) if match else None


def _speech(signals: _Signals) -> Publication | None:
    match, where = signals.where(_SPEECH, "title", "text")
    return Publication("speech", evidence=where) if match else None


def _report_or_web_article(signals: _Signals) -> Publication | None:
    if signals.web:
        # a dated web page that is none of the above: a news item or blog post
        if signals.dated or _NEWS_URL.search(signals.url):
            return Publication("news", evidence="url" if _NEWS_URL.search(signals.url) else "date")
        return None
    head = _Signals(signals.url, signals.title, signals.text[:600], signals.web, signals.dated)
    match, where = head.where(_REPORT, "title", "text")
    if match is None:
        match, where = signals.where(_REPORT_APPARATUS, "title", "text")
    return Publication("report", evidence=where) if match else None


_RULES = (_commission_reference, _parliament_reference, _greta_report, _press_release, _emn_publication,
          _news_item, _speech, _report_or_web_article)
