"""Gold annotations for the layout corpus, written from the source content.

The text, labels, countries and claims come from ``content.py``.  Only the
placement (the page a note body starts on, the page it ends on, where a body
paragraph is cut by a page break) is decided by the layout engine; for the
external engines it is found by searching the rendered PDF's text for phrases
of the source (``placement_from_pdf``), for the ReportLab families the
layouter reports it itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import content

EU27 = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
OTHERS = ["NO", "GE", "MD", "UA", "CH", "IS", "UK"]           # EMN Member / Observer countries and the UK
PROTOCOL = {"EL": "GR", "UK": "GB"}                # EU protocol code -> ISO 3166-1 alpha-2
_CODE = re.compile(r"\b([A-Z]{2})\b")
_URL = re.compile(r"https?://\S+")
SNIPPET_WORDS = 8


def codes_as_written(text: str) -> list[str]:
    return [code for code in _CODE.findall(text) if code in EU27 or code in OTHERS]


def iso(code: str) -> str:
    return PROTOCOL.get(code, code)


# --- placement --------------------------------------------------------------------------------------

@dataclass
class Placement:
    pages: int
    note_pages: dict[str, tuple[int, int]] = field(default_factory=dict)   # key -> (first page, last page)
    # (paragraph id "section.paragraph", index of the first plain word after the break, page before, page after)
    breaks: list[tuple[str, int, int, int]] = field(default_factory=list)


def _norm_word(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in word.lower() if "a" <= ch <= "z")


def _tokens(text: str) -> list[str]:
    """Letters-only lower-case words; numbers (and so raised numeric labels glued to words) drop out."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u00ad\x02\ufffe](?=[a-z])", "", text)    # a hyphenated word (pdfium writes U+FFFE or \x02)
    text = re.sub("[\u00ad\x02\ufffe]", " ", text)             # ... cut by a column or page end
    text = re.sub(r"(?<=[a-z])-\s*[\r\n]+\s*(?=[a-z])", "", text)   # a word hyphenated at a line end
    return [t for t in (_norm_word(w) for w in text.split()) if t]


def _find(hay: list[str], needle: list[str], start: int = 0) -> int:
    n = len(needle)
    for i in range(start, len(hay) - n + 1):
        if hay[i:i + n] == needle:
            return i
    return -1


def _count(hay: list[str], needle: list[str]) -> int:
    n, hits = len(needle), 0
    for i in range(len(hay) - n + 1):
        hits += hay[i:i + n] == needle
    return hits


def pdf_page_texts(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        texts = []
        for page in doc:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        doc.close()


def placement_from_pdf(pdf: Path, variant: str, k: int = 5) -> Placement:
    pages = [_tokens(text) for text in pdf_page_texts(pdf)]
    whole = [t for page in pages for t in page]
    result = Placement(pages=len(pages))

    def page_of(needle: list[str], what: str) -> int:
        if _count(whole, needle) != 1:
            raise ValueError(f"{pdf.name}: phrase of {what} found {_count(whole, needle)} times: {' '.join(needle)}")
        for number, page in enumerate(pages, start=1):
            if _find(page, needle) >= 0:
                return number
        raise ValueError(f"{pdf.name}: phrase of {what} straddles a page break: {' '.join(needle)}")

    def unique(toks: list[str], from_end: bool) -> list[str]:
        """The shortest run of at least k words at the start (or end) of toks found once in the document."""
        for n in range(min(3, len(toks)), len(toks) + 1):
            needle = toks[-n:] if from_end else toks[:n]
            hits = _count(whole, needle)
            if hits == 1:
                return needle
            if hits == 0:
                break
        return toks[-k:] if from_end else toks[:k]   # page_of reports it

    for key, (_kind, text) in content.NOTES.items():
        toks = _tokens(_URL.sub(" ", text))      # engines break URLs anywhere
        result.note_pages[key] = (page_of(unique(toks, False), f"note {key}"),
                                  page_of(unique(toks, True), f"note {key} (end)"))

    for s, (_heading, paragraphs) in enumerate(content.SECTIONS):
        for p, paragraph in enumerate(paragraphs):
            pid = f"{s}.{p}"
            words = content.plain(paragraph, variant).split()
            index = [(i, t) for i, w in enumerate(words) if (t := _norm_word(w))]   # token -> word index
            toks = [t for _i, t in index]
            start = unique(toks, False)
            page = page_of(start, f"paragraph {pid}") - 1
            pos = _find(pages[page], start)
            i = 0
            while True:
                while i < len(toks) and pos < len(pages[page]) and pages[page][pos] == toks[i]:
                    i, pos = i + 1, pos + 1
                if i >= len(toks):
                    break
                # cut here: the rest is elsewhere on this page (another column, after the notes) or on the next
                rest = toks[i:i + k]
                here = _find(pages[page], rest, pos)
                if here >= 0:
                    pos = here
                    continue
                if page + 1 < len(pages) and (there := _find(pages[page + 1], rest)) >= 0:
                    result.breaks.append((pid, index[i][0], page + 1, page + 2))
                    page, pos = page + 1, there
                    continue
                # a word hyphenated across the break: skip it on both sides
                rest = toks[i + 1:i + 1 + k]
                if (here := _find(pages[page], rest, pos)) >= 0:
                    i, pos = i + 1, here
                    continue
                if page + 1 < len(pages) and (there := _find(pages[page + 1], rest)) >= 0:
                    result.breaks.append((pid, index[i][0], page + 1, page + 2))
                    i, page, pos = i + 1, page + 1, there
                    continue
                raise ValueError(f"{pdf.name}: paragraph {pid} lost after '{' '.join(toks[max(0, i - k):i])}'")
    return result


# --- the gold file ----------------------------------------------------------------------------------

def build_gold(*, family: str, engine: str, columns: int, notes: str, label_style: str, date_line: str,
               published: str, variant: str, placement: Placement, pdf: Path, extra: dict | None = None) -> dict:
    labels = content.labels(label_style)
    counts = content.counts_for(variant)
    footnotes, claims = [], []
    for key in content.note_order():
        kind, text = content.NOTES[key]
        written = codes_as_written(text)
        first, last = placement.note_pages[key]
        footnotes.append({"label": labels[key], "page": first, "last_page": last, "kind": kind, "text": text,
                          "countries": [iso(code) for code in written], "codes_as_written": written})
    for _heading, paragraphs in content.SECTIONS:
        for paragraph in paragraphs:
            for sentence in _sentences(paragraph):
                for m in content.MARKER.finditer(sentence):
                    key = m.group(1)
                    before = content.plain(sentence[:m.start()], variant).rstrip(" ,;:.")
                    # a claim states a count when its sentence has the count placeholder of the same key
                    stated = counts[key][1] if f"<<{key}>>" in sentence[:m.start()] else None
                    n = len(codes_as_written(content.NOTES[key][1])) or None
                    claims.append({
                        "label": labels[key],
                        "anchor": " ".join(before.split()[-6:]),
                        "sentence": " ".join(content.plain(sentence, variant).split()),
                        "stated_count": stated,
                        "n_countries": n,
                        "count_ok": None if stated is None or n is None else stated == n,
                    })
    splits = []
    for pid, w, before_page, after_page in placement.breaks:
        s, p = map(int, pid.split("."))
        words = content.plain(content.SECTIONS[s][1][p], variant).split()
        splits.append({"before": " ".join(words[max(0, w - SNIPPET_WORDS):w]),
                       "after": " ".join(words[w:w + SNIPPET_WORDS]),
                       "page_before": before_page, "page_after": after_page})
    gold = {
        "family": family,
        "pdf": pdf.name,
        "engine": engine,
        "columns": columns,
        "notes": notes,
        "label_style": label_style,
        "pages": placement.pages,
        "title": content.TITLE,
        "date_as_written": date_line,
        "published": published,
        "footnotes": footnotes,
        "claims": claims,
        "count_mismatches": [c["label"] for c in claims if c["count_ok"] is False],
        "split_paragraphs": splits,
    }
    gold.update(extra or {})
    return gold


def _sentences(paragraph: str) -> list[str]:
    """Split source markup into sentences (a marker after the full stop stays with its sentence)."""
    parts = re.split(r"(?<=[.;:?!])((?:\[\[\w+\]\])*)\s+(?=[A-Z<])", paragraph)
    out, i = [], 0
    while i < len(parts):
        out.append(parts[i] + (parts[i + 1] if i + 1 < len(parts) else ""))
        i += 2
    return out


def write_gold(path: Path, gold: dict) -> None:
    path.write_text(json.dumps(gold, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
