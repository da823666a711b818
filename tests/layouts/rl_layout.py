"""A small ReportLab layouter with page footnotes, for the families no word processor makes.

Body text is justified, note markers are raised and smaller; the notes of a
page sit under a short rule at its bottom, each as

* ``tab``   -- ``1`` at normal size, the text at a hanging indent ("1   Charter ..."),
* ``dot``   -- ``1.`` at normal size run in with the text ("1. Charter ..."),
* ``super`` -- a raised label, the text at a hanging indent.

A note that does not fit under the line that cites it continues at the bottom
of the next page (the rest is placed first there).  The layouter records where
each note starts and ends and where body paragraphs are cut, for the gold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import content
from gold import Placement
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = A4
SUP_RATIO, SUP_RISE = 0.62, 0.36


@dataclass
class Style:
    body_font: str = "Times-Roman"
    body_size: float = 10.5
    leading: float = 13.6
    heading_font: str = "Helvetica-Bold"
    heading_size: float = 12.5
    note_font: str = "Times-Roman"
    note_size: float = 8.2
    note_leading: float = 9.8
    note_color: tuple[float, float, float] = (0, 0, 0)
    rule_color: tuple[float, float, float] = (0, 0, 0)
    rule_fraction: float = 0.3
    label_mode: str = "tab"          # tab | dot | super
    label_style: str = "number"      # number | letter
    hanging: float = 12.0
    left: float = 70.0
    right: float = 70.0
    top: float = 72.0                # top of the body frame below the page's top edge
    bottom: float = 64.0             # bottom of the note zone above the page's bottom edge
    header: str = "EMN Inform  |  Labour inspections and trafficking"
    note_measure: float = 1.0        # notes set on this fraction of the text width
    note_cap: float = 1.0            # most of the frame the notes of one page may take (longer notes continue)


@dataclass
class _Word:
    runs: list[tuple[str, bool]]    # (text, raised)
    keys: list[str]                  # notes cited by this word
    index: int                       # position among the paragraph's plain words

    def width(self, font: str, size: float) -> float:
        return sum(stringWidth(t, font, size * SUP_RATIO if sup else size) for t, sup in self.runs)


@dataclass
class _Line:
    kind: str                        # title | subtitle | date | heading | body
    words: list[_Word]
    last: bool = False               # last line of its paragraph (not justified)
    pid: str | None = None
    space_before: float = 0.0

    @property
    def keys(self) -> list[str]:
        return [k for w in self.words for k in w.keys]


@dataclass
class _NoteLines:
    key: str
    lines: list[list[str]]           # words per line
    first_is_start: bool             # this chunk begins with the label


@dataclass
class _Page:
    body: list[tuple[_Line, float]] = field(default_factory=list)   # line, baseline y
    notes: list[_NoteLines] = field(default_factory=list)


def _words(paragraph: str, variant: str, labels: dict[str, str]) -> list[_Word]:
    out = []
    for index, piece in enumerate(content.fill_counts(paragraph, variant).split()):
        runs, keys, pos = [], [], 0
        for m in content.MARKER.finditer(piece):
            if m.start() > pos:
                runs.append((piece[pos:m.start()], False))
            runs.append((labels[m.group(1)], True))
            keys.append(m.group(1))
            pos = m.end()
        if pos < len(piece):
            runs.append((piece[pos:], False))
        out.append(_Word(runs, keys, index))
    return out


def _break(words: list, width_of, width: float) -> list[list]:
    lines, current, used = [], [], 0.0
    space = width_of(" ")
    for word in words:
        w = width_of(word)
        if current and used + space + w > width:
            lines.append(current)
            current, used = [], 0.0
        used += (space if current else 0) + w
        current.append(word)
    if current:
        lines.append(current)
    return lines


class Layout:
    def __init__(self, style: Style, variant: str, date_line: str):
        self.s, self.variant, self.date_line = style, variant, date_line
        self.labels = content.labels(style.label_style)
        self.width = PAGE_W - style.left - style.right
        self.frame = PAGE_H - style.top - style.bottom
        self.note_text = {key: self._note_lines(key) for key in content.NOTES}
        self.pages: list[_Page] = []

    # --- notes ----------------------------------------------------------------------------------
    def _label_text(self, key: str) -> str:
        return self.labels[key] + ("." if self.s.label_mode == "dot" else "")

    def _note_lines(self, key: str) -> list[list[str]]:
        s = self.s
        words = content.NOTES[key][1].split()
        width_of = (lambda w: stringWidth(w, s.note_font, s.note_size))
        measure = self.width * s.note_measure
        if s.label_mode == "dot":   # the label runs in: the first line is shorter by its width
            label_w = stringWidth(self._label_text(key) + " ", s.note_font, s.note_size)
            first = _break(words, width_of, measure - label_w)[0]
            rest = _break(words[len(first):], width_of, measure)
            return [first, *rest]
        return _break(words, width_of, measure - s.hanging)

    def _zone(self, notes: list[_NoteLines]) -> float:
        if not notes:
            return 0.0
        lines = sum(len(n.lines) for n in notes)
        return 12.0 + lines * self.s.note_leading + 1.5 * (len(notes) - 1)

    # --- flow -----------------------------------------------------------------------------------
    def _flow(self) -> list[_Line]:
        s = self.s
        lines: list[_Line] = []
        fonts = {"title": ("Helvetica-Bold", 18.0), "subtitle": ("Helvetica-Oblique", 11.5),
                 "date": (s.body_font, s.body_size)}
        for kind, text in (("title", content.TITLE), ("subtitle", content.SUBTITLE), ("date", self.date_line)):
            font, size = fonts[kind]
            words = [_Word([(w, False)], [], i) for i, w in enumerate(text.split())]
            def width_of(w, font: str = font, size: float = size) -> float:
                return w.width(font, size) if isinstance(w, _Word) else stringWidth(w, font, size)

            for row in _break(words, width_of, self.width):
                lines.append(_Line(kind, row, last=True))
        for number, (heading, paragraphs) in enumerate(content.SECTIONS, start=1):
            words = [_Word([(w, False)], [], i) for i, w in enumerate(f"{number} {heading}".split())]
            lines.append(_Line("heading", words, last=True, space_before=10.0))
            for p, paragraph in enumerate(paragraphs):
                pid = f"{number - 1}.{p}"
                rows = _break(_words(paragraph, self.variant, self.labels), self._body_width, self.width)
                for i, row in enumerate(rows):
                    lines.append(_Line("body", row, last=i == len(rows) - 1, pid=pid,
                                       space_before=4.0 if i == 0 and p else 0.0))
        return lines

    def _body_width(self, w) -> float:
        if isinstance(w, _Word):
            return w.width(self.s.body_font, self.s.body_size)
        return stringWidth(w, self.s.body_font, self.s.body_size)

    def _height(self, line: _Line) -> float:
        return {"title": 22.0, "subtitle": 15.0, "date": 24.0, "heading": 17.0}.get(line.kind, self.s.leading) \
            + line.space_before

    def run(self) -> Placement:
        flow = self._flow()
        page, used, carry = _Page(), 0.0, []
        self.pages = [page]

        def new_page() -> None:
            nonlocal page, used, carry
            page, used = _Page(notes=carry), 0.0
            carry = []
            self.pages.append(page)

        i = 0
        while i < len(flow):
            line = flow[i]
            h = self._height(line) if (used or line.kind != "heading") else self._height(line) - line.space_before
            need_next = self._height(flow[i + 1]) if line.kind == "heading" and i + 1 < len(flow) else 0.0
            new = [_NoteLines(k, self.note_text[k], True) for k in line.keys]
            if used + h + need_next + self._zone(page.notes + new) <= self.frame and \
                    self._zone(page.notes + new) <= self.s.note_cap * self.frame and not (new and carry):
                page.body.append((line, used + h))
                page.notes += new
                used += h
                i += 1
                continue
            if new and carry:   # a note continues from this page: the next cited note waits for the next page
                new_page()
                continue

            def fits(chunk: list[_NoteLines], used: float = used, h: float = h) -> bool:
                return used + h + self._zone(chunk) <= self.frame and self._zone(chunk) <= self.s.note_cap * self.frame

            if new and fits(page.notes + new[:-1] + [_NoteLines(new[-1].key, new[-1].lines[:2], True)]):
                # the last note cited on this line starts here and continues on the next page
                last = new[-1]
                fit = 2
                while fit < len(last.lines) and fits(
                        page.notes + new[:-1] + [_NoteLines(last.key, last.lines[:fit + 1], True)]):
                    fit += 1
                page.body.append((line, used + h))
                page.notes += new[:-1] + [_NoteLines(last.key, last.lines[:fit], True)]
                used += h
                i += 1
                if fit < len(last.lines):   # the body may go on below, without new notes
                    carry = [_NoteLines(last.key, last.lines[fit:], False)]
                continue
            if not page.body and not page.notes:
                raise ValueError("a line does not fit on an empty page")
            new_page()
        if carry:
            new_page()
        return self._placement()

    def _placement(self) -> Placement:
        result = Placement(pages=len(self.pages))
        seen: dict[str, int] = {}
        for number, page in enumerate(self.pages, start=1):
            for chunk in page.notes:
                first, _last = result.note_pages.get(chunk.key, (number, number))
                result.note_pages[chunk.key] = (first, number)
            for line, _y in page.body:
                if line.pid is None:
                    continue
                if line.pid in seen and seen[line.pid] != number:
                    result.breaks.append((line.pid, line.words[0].index, seen[line.pid], number))
                seen[line.pid] = number
        return result

    # --- drawing --------------------------------------------------------------------------------
    def draw(self, path: Path, title: str) -> None:
        s = self.s
        c = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        c.setTitle(title)
        c.setAuthor("EMN (layout test)")
        c.setCreator("tests/layouts/generate.py (ReportLab)")
        total = len(self.pages)
        for number, page in enumerate(self.pages, start=1):
            c.setFont("Helvetica", 7.5)
            c.setFillColorRGB(0.35, 0.35, 0.35)
            c.drawString(s.left, PAGE_H - 40, s.header)
            c.drawRightString(PAGE_W - s.right, 36, f"Page {number} of {total}")
            c.setFillColorRGB(0, 0, 0)
            top = PAGE_H - s.top
            for line, y in page.body:
                self._draw_line(c, line, top - y + 5.0)
            self._draw_notes(c, page.notes)
            c.showPage()
        c.save()

    def _draw_line(self, c: Canvas, line: _Line, y: float) -> None:
        s = self.s
        font, size = {"title": ("Helvetica-Bold", 18.0), "subtitle": ("Helvetica-Oblique", 11.5),
                      "date": (s.body_font, s.body_size), "heading": (s.heading_font, s.heading_size)
                      }.get(line.kind, (s.body_font, s.body_size))
        widths = [w.width(font, size) for w in line.words]
        space = stringWidth(" ", font, size)
        x = s.left
        if line.kind in ("title", "subtitle", "date"):
            x = s.left + (self.width - sum(widths) - space * (len(widths) - 1)) / 2
        elif line.kind == "body" and not line.last and len(widths) > 1:
            space = (self.width - sum(widths)) / (len(widths) - 1)
        for word, w in zip(line.words, widths):
            wx = x
            for text, sup in word.runs:
                fsize = size * SUP_RATIO if sup else size
                c.setFont(font, fsize)
                c.drawString(wx, y + (size * SUP_RISE if sup else 0), text)
                wx += stringWidth(text, font, fsize)
            x += w + space

    def _draw_notes(self, c: Canvas, notes: list[_NoteLines]) -> None:
        if not notes:
            return
        s = self.s
        zone = self._zone(notes)
        y = s.bottom + zone
        c.setStrokeColorRGB(*s.rule_color)
        c.setLineWidth(0.5)
        c.line(s.left, y, s.left + self.width * s.rule_fraction, y)
        y -= 7.0 + 0.75 * s.note_size
        c.setFillColorRGB(*s.note_color)
        for n, chunk in enumerate(notes):
            if n:
                y -= 1.5
            for i, words in enumerate(chunk.lines):
                x = s.left if s.label_mode == "dot" else s.left + s.hanging
                if i == 0 and chunk.first_is_start:
                    label = self._label_text(chunk.key)
                    if s.label_mode == "super":
                        c.setFont(s.note_font, s.note_size * 0.75)
                        c.drawString(s.left + 1, y + s.note_size * 0.35, label)
                    elif s.label_mode == "dot":
                        c.setFont(s.note_font, s.note_size)
                        c.drawString(s.left, y, label)
                        x = s.left + stringWidth(label + " ", s.note_font, s.note_size)
                    else:
                        c.setFont(s.note_font, s.note_size)
                        c.drawString(s.left, y, label)
                c.setFont(s.note_font, s.note_size)
                c.drawString(x, y, " ".join(words))
                y -= s.note_leading
        c.setFillColorRGB(0, 0, 0)


def build(pdf: Path, style: Style, *, variant: str = "base", date_line: str = content.DATE_MONTH) -> Placement:
    layout = Layout(style, variant, date_line)
    placement = layout.run()
    layout.draw(pdf, content.TITLE)
    return placement
