"""Stated quantities: counts, percentages, fractions and amounts of money.

Each figure comes with its unit, the hedge that qualifies it ("more than", "around"), what it
counts and the period it refers to, because a number alone says nothing.  Years, dates, legal
act, article and page numbers, addresses and tables of contents are not figures; number words
("nine") are kept only when they count something.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from . import figure_words as other
from .spans import SpanIndex
from .subjects import SUBJECT_BACK, subject_after, subject_before


# --- figures ------------------------------------------------------------------------------------------

MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|" + other.OTHER_MONTHS + r")\.?")
_YEAR = r"(?:19|20)\d{2}"
_NUMBER = re.compile(r"""
    (?<![\w/§])(?<!\d[.,])(?<![^\W\d_]-)
    (?:
        [1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?                    # 14,000   1,222.5
      | [1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?                    # 5.000    1.234,5  (continental)
      | \d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+                # 14 000 with a no-break or thin space
      | \d+,\d{1,2}(?=\s?(?:%|per\s?cent|percent|million|billion))   # 63,1%  (other languages: figure_words)
      | \d+(?:\.\d+)?
    )
    (?![\w/]|[.,]\d)
""", re.X)
# Spans whose numbers are references, dates, addresses or chrome, never figures.
_NOT_FIGURES = re.compile(rf"""
    (?:\b(?i:articles?|arts?\.|paragraphs?|paras?\.|points?|sections?|chapters?|annex(?:es)?|appendix|appendices
         |tables?|figures?|fig\.|box|pages?|pp?\.|vol\.|volume|issue|part|recitals?|footnotes?|notes?|step
         |questions?|goals?|targets?|sdgs?|resolutions?|protocols?|case|tel\.?|phone|fax|room|line|items?|rules?
         |priority|recommendations?|indicators?|objectives?|version|edition|level|category|option|session|wave
         |round|stage|phase|module|grade|isbn|issn|no\.|nos\.|readers?|comments?|users?|{other.OTHER_REFERENCE_WORDS})|\bNo\b|§|\bOJ\s+[LC]\b,?)
    \s*(?:No\.?\s*)?
    (?:\d+|[IVXLC]+\b)[a-z]?(?:[.\-–/]\d+[a-z]?)*(?:\s*\([\da-z]+\))*
    (?:\s*(?:,|and|or|to|-|–|&)\s*\d+[a-z]?(?:[.\-–/]\d+[a-z]?)*(?:\s*\([\da-z]+\))*)*
  | \b\d{{1,2}}{other.DAY_SUFFIX}?(?:\s*(?:-|–|—|to|and|au|bis|tot)\s*\d{{1,2}}{other.DAY_SUFFIX}?)?
    \s+(?:of\s+)?{MONTH}(?:,?\s+\d{{4}})?
  | \b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:\s*[-–]\s*\d{{1,2}}(?!\d))?(?:,?\s+\d{{4}})?
  | \b\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}\b
  | \b\d{{1,2}}\.[IVX]{{1,4}}\.\d{{2,4}}\b
  | \b\d{{4}}-\d{{2}}-\d{{2}}\b
  | \b\d{{1,2}}[:.]\d{{2}}\s*(?:a\.m\.|p\.m\.|am\b|pm\b|hrs?\b|CES?T\b)
  | \b\d{{1,2}}:\d{{2}}\b
  | (?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.]+
  | \+\d{{1,3}}[\s\d()/-]{{6,}}\d
  | \b\d{{4}}\s?[A-Z]{{2}}\b | \b(?i:p\.?\s?o\.?\s?box|postbus)\s*\d+      # postcodes and post boxes
  | \b\d+\s+min(?:ute)?s?\.?\s+read\b
""", re.X)
# Web addresses can be longer than the window _NOT_FIGURES looks at around each number.
_WEB_ADDRESS = re.compile(r"https?://\S+|\bwww\.\S+|\bdata\.europa\.eu/\S+")
_DIGITS = re.compile(r"\d+")
_ENUMERATOR = re.compile(r"^\s*\(?\d{1,2}[.)](?=\s)|(?<=[\s,;])\d{1,2}\)(?=\s)")
_PERCENT = re.compile(r"\s?(?:%|per\s?cent\b|percent\b|pct\b|" + other.PERCENT_WORDS + ")")
_SCALES = {"thousand": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9} | other.SCALES
_SCALE = re.compile(rf"\s?({'|'.join(sorted(_SCALES, key=len, reverse=True))})\b\.?", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:€|£|\$|US\$|EUR|USD|GBP)\s?$")
_CURRENCY_AFTER = re.compile(r"\s?(?:" + other.CURRENCY_WORDS + r"|(?:euros?|EUR|dollars?|USD|pounds?|GBP)\b)")
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|to)\s*")

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
NUMBER_WORDS = {word: n for n, word in enumerate(_UNITS)} | _TENS
_WORD_NUMBER = re.compile(
    rf"(?i)\b(?:(?P<tens>{'|'.join(_TENS)})(?:[-\s](?P<ones>{'|'.join(_UNITS[1:10])}))?"
    rf"|(?P<unit>{'|'.join(_UNITS[2:])}))"
    r"(?:\s+(?P<scale>hundred|thousand|million|billion))?\b(?!-[a-z])")
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                 "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "seventh": 7, "sevenths": 7,
                 "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9, "tenth": 10, "tenths": 10}
_FRACTION = re.compile(rf"(?i)\b(?P<num>a|one|two|three|four|five|six|seven|eight|nine)(?P<sep>[-\s]?)"
                       rf"(?P<den>{'|'.join(_DENOMINATORS)})\b(?!-[a-z])")
_HALF = re.compile(r"(?i)(?<!\ba\s)(?<!-)\bhalf\b(?!-)")
_ONE_IN = re.compile(rf"(?i)\b(?P<num>one|two|three|\d{{1,2}})\s+(?:in|out\s+of)\s+(?:every\s+)?"
                     rf"(?P<den>{'|'.join(_UNITS[2:])}|\d{{1,3}})\b")
_MAJORITY = re.compile(r"(?i)\b(?:(?:the|a)\s+)?(?:(?:vast|large|great|overwhelming|absolute|slight|clear|narrow)\s+)?"
                       r"majority\b")
_EXPLICIT_AFTER = re.compile(r"\s*\(\s*=?\s*\d")     # "the majority (63%)": the number is the figure
_QUALIFIER = re.compile(
    r"(?i)\b(just\s+over|just\s+under|well\s+over|well\s+above|well\s+below|more\s+than|less\s+than|fewer\s+than|"
    r"no\s+less\s+than|no\s+more\s+than|not\s+more\s+than|in\s+excess\s+of|at\s+least|at\s+most|up\s+to|"
    r"as\s+many\s+as|as\s+much\s+as|close\s+to|an\s+estimated|estimated|approximately|approx\.|around|about|"
    r"roughly|nearly|almost|over|above|under|below|some|circa|ca\.|an\s+average\s+of|on\s+average|"
    r"average\s+of|a\s+maximum\s+of|a\s+minimum\s+of)\s+(?:the\s+|a\s+|an\s+)?(?:€|\$|£|EUR\s|USD\s)?$")
_QUALIFIER_AFTER = re.compile(r"(?i)\s*(?:(?P<least>or\s+more|or\s+above|or\s+over|and\s+over|and\s+above|\+|"
                              + other.AT_LEAST_AFTER + r")|"
                              r"(?P<most>or\s+(?:less|fewer|under|below)))")
_PERIOD = re.compile(rf"""(?ix)
    \b(?:in|from|for|during|between|since|by|of|until|till|to|over|throughout|as\s+of|(?:at\s+)?the\s+end\s+of|
       end\s+of|(?:at\s+)?the\s+(?:start|beginning)\s+of|{other.PERIOD_PREPOSITIONS})
    \s+(?:the\s+)?(?:(?:calendar|fiscal|financial|reporting|school|academic)\s+)?
    (?:(?:period|years?|{other.PERIOD_YEAR_WORDS})\s+)?
    (?:(?:early|late|mid-?)\s*)?(?:{MONTH}\s+)?(?P<y1>{_YEAR})
    (?:\s*(?:-|–|—|/|to|and|until|{other.PERIOD_JOINERS})\s*(?:{MONTH}\s+)?(?P<y2>{_YEAR})|[-–/](?P<y3>\d{{2}}))?(?![\d/%])
  | \((?P<p1>{_YEAR})(?:\s*[-–]\s*(?P<p2>{_YEAR}|\d{{2}}))?\)
""")
_YEAR_IN_TEXT = re.compile(_YEAR)
_SERIES_YEAR = re.compile(rf"(?:^|[\s;,(])(?P<year>{_YEAR})\s*:\s*$")
_CONTENTS_ENTRY = re.compile(r"(?<!\S)\d{1,2}(?:\.\d{1,2})+\s+[A-Z]")


@dataclass
class _Figure:
    start: int
    end: int
    value: float
    unit: str
    value_max: float | None = None
    qualifier: str | None = None
    worded: bool = False            # a number word: kept only when it counts something
    needs_of: bool = False          # fractions and shares: the subject follows "of"
    scale: float = 1.0


def find_figures(text: str, sentences: list[tuple[int, int]], blocked: list[tuple[int, int]],
                 language: str = "en") -> list[dict]:
    """Stated quantities in ``text``; ``blocked`` spans (organisations, people, legal references) hold none.

    ``language`` chooses the number format: English "14,000" and "12.8", or else the continental
    "14.000", "14 000" and "12,8", with the language's hedges ("plus de", "mehr als", "ruim").
    """
    if len(_CONTENTS_ENTRY.findall(text)) >= 3:
        return []       # a table of contents: section and page numbers
    index = SpanIndex(blocked)
    candidates = _worded_figures(text, index)
    if _DIGITS.search(text):
        index = SpanIndex(blocked + _not_figure_spans(text))
        candidates = [c for c in candidates if not index.overlaps(c.start, c.end)] + _digit_figures(text, index, language)
    if not candidates:
        return []
    periods = [_period(m) for m in _PERIOD.finditer(text)] if _YEAR_IN_TEXT.search(text) else []
    hits = []
    for figure in _without_overlaps(candidates):
        hit = _describe(text, figure, sentences, periods, language)
        if hit:
            hits.append(hit)
    return hits


def _not_figure_spans(text: str) -> list[tuple[int, int]]:
    """Dates, references, addresses: looked for only near digits, where they can hide a number."""
    spans = [m.span() for m in _WEB_ADDRESS.finditer(text)] + [m.span() for m in _ENUMERATOR.finditer(text)]
    window_start = window_end = -1
    for match in _DIGITS.finditer(text):
        if match.start() - 60 > window_end:
            if window_end > 0:
                spans += [m.span() for m in _NOT_FIGURES.finditer(text, window_start, window_end)]
            window_start = max(0, match.start() - 60)
        window_end = min(len(text), match.end() + 60)
    if window_end > 0:
        spans += [m.span() for m in _NOT_FIGURES.finditer(text, window_start, window_end)]
    return spans


def _digit_figures(text: str, blocked: SpanIndex, language: str) -> list[_Figure]:
    figures: list[_Figure] = []
    english = language == "en"
    for match in (_NUMBER if english else other.OTHER_NUMBER).finditer(text):
        start, end = match.span()
        # German capitalises every noun: "die Partei 238.031 Stimmen" is no name with a number in it
        if blocked.overlaps(start, end) or (language != "de" and _in_name(text, start, end)):
            continue
        figure = _with_unit(text, _Figure(start, end, _parse_number(match.group(), english), "count"), match.group())
        if figure is None:
            continue
        if figures and _joins_range(text, figures[-1], figure):
            figures[-1] = _range(figures[-1], figure)
        else:
            figures.append(figure)
    return figures


def _with_unit(text: str, figure: _Figure, digits: str) -> _Figure | None:
    """The number with its scale, percent sign and currency; None for a bare year."""
    end = figure.end
    if scale := _SCALE.match(text, end):
        figure.scale = _SCALES[scale[1].lower()]
        figure.value *= figure.scale
        end = scale.end()
    if percent := _PERCENT.match(text, end):
        figure.unit, end = "percent", percent.end()
    elif currency := _CURRENCY_AFTER.match(text, end):
        figure.unit, end = "currency", currency.end()
    if before := _CURRENCY_BEFORE.search(text, max(0, figure.start - 4), figure.start):
        figure.unit, figure.start = "currency", before.start()
    figure.end = end
    if figure.unit == "count" and re.fullmatch(_YEAR, digits) and end == figure.start + 4:
        return None
    return figure


def _joins_range(text: str, first: _Figure, second: _Figure) -> bool:
    gap, preceding = text[first.end:second.start], text_before(text, first.start)
    if _RANGE_GAP.fullmatch(gap):
        return not (gap.strip() == "to" and re.search(r"(?i)\bfrom\s+(?:[€$£]\s?)?$", preceding))
    return gap.strip() == "and" and bool(re.search(r"(?i)\bbetween\s+$", preceding))


def text_before(text: str, position: int, width: int = 30) -> str:
    """The few characters before ``position``: hedges and prepositions are looked for there."""
    return text[max(0, position - width):position]


def _range(first: _Figure, second: _Figure) -> _Figure:
    unit = second.unit if first.unit == "count" else first.unit
    # "1-2 million": the scale written once applies to both ends
    low = first.value * second.scale if first.scale == 1 else first.value
    return _Figure(first.start, second.end, low, unit, value_max=second.value, scale=second.scale)


def _parse_number(digits: str, english: bool = True) -> float:
    digits = re.sub(r"[ \u00a0\u202f\u2009]", "", digits)
    if not english:
        return float(digits.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", digits):
        return float(digits.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", digits):
        return float(digits.replace(".", "").replace(",", "."))
    return float(digits.replace(",", "."))


def _in_name(text: str, start: int, end: int) -> bool:
    """A number between two capitalised words inside a sentence ("Chance for Families 2005 Foundation")."""
    window_start = max(0, start - 40)
    word = re.search(r"([A-Z][a-z][\w'’-]*)\s+$", text[window_start:start])
    if not word or not re.match(r"\s+[A-Z][a-z]", text[end:end + 4]):
        return False
    preceding = text_before(text, window_start + word.start(1), 20).rstrip()
    return bool(preceding) and preceding[-1] not in ".!?:;\"“(•"


def _worded_figures(text: str, blocked: SpanIndex) -> list[_Figure]:
    figures = []
    for match in _ONE_IN.finditer(text):
        figures.append(_Figure(*match.span(), round(_word_value(match["num"]) / _word_value(match["den"]), 4),
                               "fraction"))
    for match in _FRACTION.finditer(text):
        if match["num"].lower() in ("a", "one") and not match["sep"] == "-" and not _fraction_context(text, match):
            continue
        numerator = 1 if match["num"].lower() == "a" else _word_value(match["num"])
        figures.append(_Figure(*match.span(), round(numerator / _DENOMINATORS[match["den"].lower()], 4), "fraction",
                               needs_of=True))
    for match in _HALF.finditer(text):
        if _fraction_context(text, match) and not re.search(r"(?i)\b(?:first|second|latter|former)\s+$",
                                                           text_before(text, match.start())):
            figures.append(_Figure(*match.span(), 0.5, "fraction", needs_of=True))
    for match in _MAJORITY.finditer(text):
        if re.match(r"\s+of\b", text[match.end():match.end() + 8]) or match.group().lower().startswith(("the", "a ")):
            figures.append(_Figure(*match.span(), 0.5, "fraction", qualifier="majority", needs_of=True))
    for match in _WORD_NUMBER.finditer(text):
        figures.append(_Figure(*match.span(), _worded_value(match), "count", worded=True))
    return [f for f in figures if not blocked.overlaps(f.start, f.end)
            and not (f.unit == "fraction" and _EXPLICIT_AFTER.match(text, f.end))]


def _fraction_context(text: str, match: re.Match) -> bool:
    """'a third' and 'half' are fractions before 'of' or '(', or after a hedge; 'a third country' is not."""
    return bool(re.match(r"\s*(?:of\b|\()", text[match.end():match.end() + 8])
                or _QUALIFIER.search(text_before(text, match.start())))


def _word_value(word: str) -> float:
    return float(word) if word.isdigit() else float(NUMBER_WORDS[word.lower()])


def _worded_value(match: re.Match) -> float:
    if match["tens"]:
        value = NUMBER_WORDS[match["tens"].lower()] + (NUMBER_WORDS[match["ones"].lower()] if match["ones"] else 0)
    else:
        value = NUMBER_WORDS[match["unit"].lower()]
    if match["scale"]:
        value *= {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9}[match["scale"].lower()]
    return float(value)


def _without_overlaps(figures: list[_Figure]) -> list[_Figure]:
    kept: list[_Figure] = []
    for figure in sorted(figures, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or figure.start >= kept[-1].end:
            kept.append(figure)
    return kept


def _describe(text: str, figure: _Figure, sentences, periods, language: str) -> dict | None:
    i = bisect_right(sentences, figure.start, key=lambda span: span[0]) - 1
    sentence = sentences[i] if i >= 0 and figure.start < sentences[i][1] else (0, len(text))
    qualifier = figure.qualifier or _qualifier_before(text, figure.start, language)
    after = figure.end
    if tail := _QUALIFIER_AFTER.match(text, after):
        qualifier = qualifier or ("at least" if tail["least"] else "at most")
        after = tail.end()
    subject = subject_after(text[after:min(sentence[1], after + 160)],
                            needs_of=figure.needs_of or figure.unit == "percent")
    if figure.worded and not subject:
        return None
    if subject is None and figure.unit in SUBJECT_BACK:
        subject = subject_before(text, sentence[0], figure.start, SUBJECT_BACK[figure.unit])
    start_year, end_year = _period_of(text, figure, sentence, periods)
    return {"start": figure.start, "end": figure.end, "value": figure.value, "value_max": figure.value_max,
            "unit": figure.unit, "qualifier": qualifier, "subject": subject, "period_start": start_year,
            "period_end": end_year, "mention": text[figure.start:figure.end]}


def _qualifier_before(text: str, start: int, language: str = "en") -> str | None:
    match = (_QUALIFIER if language == "en" else other.QUALIFIER).search(text, max(0, start - 30), start)
    if not match:
        return None
    if language != "en":
        return " ".join(match[1].lower().split()).replace("’", "'")
    words = " ".join(match[1].lower().split())
    words = re.sub(r"^(?:an?|on)\s+|\s+of$", "", words)
    return {"approx.": "approximately", "ca.": "circa"}.get(words, words)


def _period(match: re.Match) -> tuple[int, int, int, int]:
    first, last = (match["y1"], match["y2"] or match["y3"]) if match["y1"] else (match["p1"], match["p2"])
    start_year = int(first)
    end_year = start_year if not last else int(last) if len(last) == 4 else int(first[:2] + last)
    if end_year < start_year:
        end_year = start_year
    return match.start(), match.end(), start_year, end_year


def _period_of(text: str, figure: _Figure, sentence, periods) -> tuple[int | None, int | None]:
    """The year of a "2008: 826" series entry, else the nearest period stated in the same sentence."""
    series = _SERIES_YEAR.search(text, max(sentence[0], figure.start - 12), figure.start)
    if series:
        return int(series["year"]), int(series["year"])
    i = bisect_right(periods, figure.start, key=lambda period: period[0])
    best, best_distance = (None, None), None
    for start, end, first, last in periods[max(0, i - 2):i + 2]:
        if start < sentence[0] or end > sentence[1] or (start < figure.end and figure.start < end):
            continue
        distance = figure.start - end if end <= figure.start else start - figure.end
        if best_distance is None or distance < best_distance:
            best, best_distance = (first, last), distance
    return best
