"""Write realistic multi-page report PDFs with reportlab, for the tests and the benchmark.

The layout is the kind the PDF extractor must undo: a running header and a
"Page N of M" footer, justified body text whose footnote markers are raised and
smaller (``Directive^4``, ``2021-2025^3``, ``industry.^1`` or ``<sup>4</sup>``),
8 pt footnotes under a short rule at the bottom of the page that cites them,
words hyphenated at line ends (break points written as ``traf~ficking``; a
real hyphen, as in ``non-EU``, may also end a line), paragraphs that flow over
page breaks, optionally two columns and a printer's slug.

    python tests/pdfgen.py          # writes pipeline/samples/report.pdf
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = RIGHT = 72.0
TOP, BOTTOM = 86.0, 72.0          # first baseline below the top edge; lowest baseline above the bottom edge
GUTTER = 24.0
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 10.5, 13.5
HEADING_FONT, HEADING_SIZE = "Helvetica-Bold", 13.0
TITLE_SIZE = 20.0
NOTE_SIZE, NOTE_LEADING = 8.0, 9.8
SUP_RATIO, SUP_RISE = 0.65, 3.6
_MARKUP = re.compile(r"\^([0-9]{1,3}|[*†‡]|[a-z]{1,2})|<sup>(.*?)</sup>")


@dataclass
class Section:
    heading: str | None
    paragraphs: list[str]
    new_page: bool = False
    size: float = BODY_SIZE   # NOTE_SIZE for small print (a reference list, say)


@dataclass
class BuildInfo:
    """What the builder did, so tests can check the extractor against it."""

    pages: int = 0
    hyphenated: list[tuple[str, str, str]] = field(default_factory=list)  # (line end, next line start, the word)
    footnote_pages: dict[str, int] = field(default_factory=dict)
    split_paragraphs: list[str] = field(default_factory=list)          # paragraphs that run over a page break


@dataclass
class _Token:
    runs: list[tuple[str, bool]]  # (text, superscript)

    @property
    def text(self) -> str:
        return "".join(text for text, sup in self.runs if not sup)

    @property
    def labels(self) -> list[str]:
        return [text for text, sup in self.runs if sup]

    def width(self, size: float = BODY_SIZE, font: str = BODY_FONT) -> float:
        return sum(stringWidth(text.replace("~", ""), font, size * SUP_RATIO if sup else size)
                   for text, sup in self.runs)


@dataclass
class _Line:
    tokens: list[_Token]
    justify: bool
    font: str = BODY_FONT
    size: float = BODY_SIZE


@dataclass
class _Page:
    lines: list[tuple[float, float, _Line, float]] = field(default_factory=list)  # x, y (top-down), line, width
    notes: list[str] = field(default_factory=list)


def tokens(text: str) -> list[_Token]:
    """Words with their superscript markers attached to the word before them."""
    result: list[_Token] = []
    position = 0
    for match in list(_MARKUP.finditer(text)) + [None]:
        plain = text[position:match.start() if match else len(text)]
        words = plain.split(" ")
        for index, word in enumerate(words):
            if index == 0 and result and not plain.startswith(" ") and word:
                result[-1].runs.append((word, False))
            elif word:
                result.append(_Token([(word, False)]))
        if match is None:
            break
        label = match.group(1) or match.group(2)
        if result and not text[match.start() - 1:match.start()].isspace():
            result[-1].runs.append((label, True))
        else:
            result.append(_Token([(label, True)]))
        position = match.end()
    return result


def wrap(words: list[_Token], width: float, info: BuildInfo, *, font: str = BODY_FONT,
         size: float = BODY_SIZE, hyphenate: bool = False) -> list[_Line]:
    """Greedy line breaking, hyphenating at ``~`` or after a real hyphen when a word does not fit."""
    space = stringWidth(" ", font, size)
    lines: list[_Line] = []
    current: list[_Token] = []
    used = 0.0
    queue = list(words)
    while queue:
        word = queue.pop(0)
        needed = word.width(size, font) + (space if current else 0)
        if used + needed <= width or not current:
            current.append(word)
            used += needed
            continue
        head, tail = _split_word(word, width - used - space, font, size, hyphenate)
        if head is not None:
            current.append(head)
            rest = tail.runs[0][0].replace("~", "")
            word_text = head.text + rest if word.runs[0][0].replace("~", "").startswith(head.text) else head.text[:-1] + rest
            info.hyphenated.append((head.text, rest, word_text))
            queue.insert(0, tail)
        else:
            queue.insert(0, word)
        lines.append(_Line(current, True, font, size))
        current, used = [], 0.0
    if current:
        lines.append(_Line(current, False, font, size))
    return lines


def _split_word(word: _Token, room: float, font: str, size: float, auto: bool):
    """The longest head of ``word`` that fits in ``room``, broken at ``~``, after a hyphen or, with
    ``auto``, between two lower-case letters of a long word; (None, None) when nothing fits."""
    text = word.runs[0][0]
    plain = text.replace("~", "")
    for cut in range(len(text) - 2, 2, -1):
        hinted = text[cut] == "~" or text[cut - 1] == "-"
        automatic = (auto and "~" not in text and len(plain) >= 9 and 4 <= cut <= len(text) - 4
                     and text[cut - 1].islower() and text[cut].islower() and text[cut - 4:cut + 4].isalpha())
        if hinted or automatic:
            head_text = text[:cut].replace("~", "") + ("" if text[cut - 1] == "-" else "-")
            if stringWidth(head_text, font, size) <= room:
                rest = text[cut + 1:] if text[cut] == "~" else text[cut:]
                return _Token([(head_text, False)]), _Token([(rest, False)] + word.runs[1:])
    return None, None


class _Layout:
    def __init__(self, columns: int, footnotes: dict[str, str], info: BuildInfo, note_labels: str,
                 hyphenate: bool, gutter: float = GUTTER) -> None:
        self.hyphenate = hyphenate
        self.columns = columns
        self.gutter = gutter
        self.width = (PAGE_WIDTH - LEFT - RIGHT - gutter * (columns - 1)) / columns
        self.full_width = PAGE_WIDTH - LEFT - RIGHT
        self.footnotes = footnotes
        self.info = info
        self.note_labels = note_labels
        self.pages: list[_Page] = []
        self.note_lines: dict[str, list[_Line]] = {}
        self.new_page()

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.column, self.y, self.column_bottoms, self.page_top = 0, TOP, [TOP], TOP

    def next_column(self) -> None:
        if self.column + 1 < self.columns:
            self.column += 1
            self.y = self.page_top
            self.column_bottoms.append(self.page_top)
        else:
            self.new_page()

    def notes_height(self, labels: list[str]) -> float:
        lines = sum(len(self._note(label)) for label in labels)
        return lines * NOTE_LEADING + 14 if labels else 0.0

    def _note(self, label: str) -> list[_Line]:
        if label not in self.note_lines:
            text = self.footnotes[label]
            width = self.note_width()
            self.note_lines[label] = wrap(tokens(text), width, BuildInfo(), size=NOTE_SIZE)
        return self.note_lines[label]

    def note_width(self) -> float:
        return self.full_width - 12 - (NOTE_SIZE if self.note_labels == "indented" else 0)

    def room_for(self, height: float, labels: list[str]) -> bool:
        page = self.pages[-1]
        new_notes = [label for label in labels if label in self.footnotes and label not in page.notes]
        limit = PAGE_HEIGHT - BOTTOM - self.notes_height(page.notes + new_notes)
        # New footnotes take room from every column of the page, including those already filled.
        lowest = max(self.column_bottoms[:-1] + [self.y + height]) if new_notes else self.y + height
        return lowest <= limit

    def place(self, line: _Line, leading: float) -> int:
        labels = [label for token in line.tokens for label in token.labels]
        if not self.room_for(leading, labels):
            self.next_column()
        page = self.pages[-1]
        x = LEFT + self.column * (self.width + self.gutter)
        page.lines.append((x, self.y, line, self.width))
        for label in labels:
            if label in self.footnotes and label not in page.notes:
                page.notes.append(label)
                self.info.footnote_pages[label] = len(self.pages)
        self.y += leading
        self.column_bottoms[-1] = self.y
        return len(self.pages)

    def gap(self, height: float) -> None:
        if self.y > TOP:
            self.y += height


def build_report_pdf(path: Path | str, sections: list[Section], *, title: str, footnotes: dict[str, str],
                     date_line: str | None = None, running_header: str | None = None, columns: int = 1,
                     metadata_title: str | None = None, created: str | None = None,
                     note_labels: str = "plain", printer_slug: str | None = None,
                     hyphenate: bool = True, gutter: float = GUTTER) -> BuildInfo:
    """Write a report PDF; footnote labels in ``footnotes`` match the ``^label`` markers in the text.

    ``note_labels`` is "plain" ("3 Text"), "raised" (a superscript label before the text), "indented"
    (a plain label indented, the note's next lines at the margin) or "endnotes" (no notes at the page
    bottom: a last section "Endnotes" lists them as "3. Text");
    ``created`` is a PDF date such as "D:20240312090000+01'00'" (reportlab's invariant date otherwise);
    ``hyphenate`` also breaks long words without a ``~`` hint, between two lower-case letters.
    """
    info = BuildInfo()
    if note_labels == "endnotes":
        sections = sections + [Section("Endnotes", [f"{label}. {text}" for label, text in footnotes.items()])]
        footnotes = {}
    layout = _Layout(columns, footnotes, info, note_labels, hyphenate, gutter)
    title_lines = wrap(tokens(title), layout.full_width, info, font=HEADING_FONT, size=TITLE_SIZE)
    for line in title_lines:
        layout.pages[-1].lines.append((LEFT, layout.y, line, layout.full_width))
        layout.y += TITLE_SIZE * 1.25
    if date_line:
        layout.pages[-1].lines.append((LEFT, layout.y + 4, _Line(tokens(date_line), False, "Helvetica", 10.5),
                                       layout.full_width))
        layout.y += 30
    layout.column_bottoms = [layout.y]
    layout.page_top = layout.y
    for section in sections:
        if section.new_page and layout.pages[-1].lines:
            layout.new_page()
        if section.heading:
            layout.gap(10)
            if not layout.room_for(HEADING_SIZE * 1.5 + 3 * LEADING, []):
                layout.next_column()
            for line in wrap(tokens(section.heading), layout.width, info, font=HEADING_FONT, size=HEADING_SIZE):
                layout.place(line, HEADING_SIZE * 1.5)
        leading = LEADING * section.size / BODY_SIZE
        for paragraph in section.paragraphs:
            layout.gap(6 * section.size / BODY_SIZE)
            lines = wrap(tokens(paragraph), layout.width, info, size=section.size, hyphenate=layout.hyphenate)
            pages = {layout.place(line, leading) for line in lines}
            if len(pages) > 1:
                info.split_paragraphs.append(_MARKUP.sub("", paragraph).replace("~", ""))
    info.pages = len(layout.pages)
    _render(Path(path), layout, running_header, metadata_title, created, note_labels, printer_slug)
    return info


def _render(path: Path, layout: _Layout, running_header: str | None, metadata_title: str | None,
            created: str | None, note_labels: str, printer_slug: str | None) -> None:
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    if metadata_title:
        canvas.setTitle(metadata_title)
    canvas.setAuthor("Bureau of the National Rapporteur (fictional)")
    if created:
        canvas.setDateFormatter(lambda *_: created)
    total = len(layout.pages)
    for number, page in enumerate(layout.pages, start=1):
        if running_header and number > 1:
            canvas.setFont("Helvetica", 8.5)
            canvas.drawString(LEFT, PAGE_HEIGHT - 42, running_header)
        canvas.setFont("Helvetica", 8.5)
        canvas.drawCentredString(PAGE_WIDTH / 2, 36, f"Page {number} of {total}")
        if printer_slug:
            canvas.setFont("Helvetica", 6)
            canvas.drawString(LEFT, 16, f"{printer_slug}.indd {number} 12/03/2024 10:15:{number:02d}")
        for x, y, line, width in page.lines:
            _draw_line(canvas, x, PAGE_HEIGHT - y, line, width)
        _draw_notes(canvas, layout, page.notes, note_labels)
        canvas.showPage()
    canvas.save()


def _draw_line(canvas: Canvas, x: float, y: float, line: _Line, width: float) -> None:
    text = canvas.beginText(x, y)
    spaces = len(line.tokens) - 1
    if line.justify and spaces:
        natural = sum(t.width(line.size, line.font) for t in line.tokens) + spaces * stringWidth(" ", line.font, line.size)
        text.setWordSpace(max(0.0, (width - natural) / spaces))
    for index, token in enumerate(line.tokens):
        if index:
            text.setFont(line.font, line.size)
            text.setRise(0)
            text.textOut(" ")
        for run, sup in token.runs:
            text.setFont(line.font, line.size * SUP_RATIO if sup else line.size)
            text.setRise(SUP_RISE if sup else 0)
            text.textOut(run.replace("~", ""))
    canvas.drawText(text)


def _draw_notes(canvas: Canvas, layout: _Layout, labels: list[str], style: str) -> None:
    if not labels:
        return
    y = PAGE_HEIGHT - BOTTOM + 6 - layout.notes_height(labels) + 14
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, PAGE_HEIGHT - y + 10, LEFT + 120, PAGE_HEIGHT - y + 10)
    for label in labels:
        for index, line in enumerate(layout._note(label)):
            if index == 0:
                # "indented": the label one em in, the note's next lines out at the margin
                text = canvas.beginText(LEFT + (NOTE_SIZE if style == "indented" else 0), PAGE_HEIGHT - y)
                if style == "raised":
                    text.setFont(BODY_FONT, NOTE_SIZE * SUP_RATIO)
                    text.setRise(3)
                    text.textOut(label)
                else:
                    text.setFont(BODY_FONT, NOTE_SIZE)
                    text.textOut(label)
                canvas.drawText(text)
            x = LEFT if style == "indented" and index else LEFT + 12 + (NOTE_SIZE if style == "indented" else 0)
            _draw_line(canvas, x, PAGE_HEIGHT - y, line, layout.note_width())
            y += NOTE_LEADING


def build_columns_over_table(path: Path | str, paragraphs: list[str], rows: list[list[str]], *, title: str,
                             columns: int = 3, gutter: float = 9.0, table_title: str = "Table 1. Cases by year") -> None:
    """One page as in a statistical brief: ``paragraphs`` flowing through narrow columns at the top
    (balanced, with gutters of ``gutter`` points), then a full-width table in small print under them."""
    info = BuildInfo()
    full_width = PAGE_WIDTH - LEFT - RIGHT
    width = (full_width - gutter * (columns - 1)) / columns
    lines: list[_Line | None] = []
    for paragraph in paragraphs:
        lines += wrap(tokens(paragraph), width, info, hyphenate=True) + [None]  # None: a paragraph gap
    per_column = -(-len(lines) // columns)
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    canvas.setFont(HEADING_FONT, TITLE_SIZE)
    canvas.drawString(LEFT, PAGE_HEIGHT - TOP, title)
    bottom = 0.0
    for column in range(columns):
        y = TOP + 2 * TITLE_SIZE
        for line in lines[column * per_column:(column + 1) * per_column]:
            if line is not None:
                _draw_line(canvas, LEFT + column * (width + gutter), PAGE_HEIGHT - y, line, width)
            y += LEADING if line is not None else LEADING / 2
        bottom = max(bottom, y)
    y = bottom + 2 * LEADING
    canvas.setFont(HEADING_FONT, BODY_SIZE)
    canvas.drawString(LEFT, PAGE_HEIGHT - y, table_title)
    canvas.setFont(BODY_FONT, NOTE_SIZE)
    cell = full_width / max(len(row) for row in rows)
    for row in rows:
        y += NOTE_LEADING * 1.4
        for index, text in enumerate(row):
            canvas.drawString(LEFT + index * cell, PAGE_HEIGHT - y, text)
    canvas.showPage()
    canvas.save()


# --- the bundled sample ----------------------------------------------------------------------------

SAMPLE_TITLE = "Trafficking in Human Beings: Tenth Report of the National Rapporteur of Eastmark"
SAMPLE_HEADER = "National Rapporteur on Trafficking in Human Beings | Tenth report 2024"
SAMPLE_FOOTNOTES = {
    "1": "Directive 2011/36/EU of the European Parliament and of the Council of 5 April 2011 on preventing and "
         "combating trafficking in human beings and protecting its victims, OJ L 101, 15.4.2011, p. 1.",
    "2": "Rapporteur Act of 14 June 2013, Official Gazette 2013, No. 212, Article 4.",
    "3": "National Action Plan against Trafficking in Human Beings 2021-2025, adopted by the Council of Ministers "
         "on 9 March 2021.",
    "4": "Nine Member States reported a rise in the number of identified victims in 2023: BE, BG, CY, DE, EE, FR, "
         "NL, PL, SE.",
    "5": "Figures of the Coordination Centre for Victims of Trafficking, extracted on 31 January 2024.",
    "6": "The figure includes 143 presumed victims who were identified by labour inspectors.",
    "7": "Five Member States did not report disaggregated data: AT, CZ, HU, LT, SK.",
    "8": "Article 2(3) of Directive 2011/36/EU; see also Directive (EU) 2024/1712 amending it.",
    "9": "Eurostat, Trafficking in human beings statistics, data extracted in November 2023.",
    "10": "Public Prosecution Service, annual report 2023, p. 41.",
    "11": "The criminal justice data cover first-instance judgments only.",
}
SAMPLE_SECTIONS = [
    Section("Summary", [
        "Eastmark registered more victims of trafficking in human beings in 2023 than in any year before. "
        "Labour exploitation grew fastest, shelters for men remained scarce and few victims received the "
        "compensation that courts awarded them. This report sets out the figures, the progress made under the "
        "National Action Plan and six recommendations to the government.",
    ]),
    Section("1 Introduction", new_page=True, paragraphs=[
        "This is the tenth report of the National Rapporteur on Trafficking in Human Beings of Eastmark. The "
        "Rapporteur monitors the effects of the policy against traf~ficking in human beings under Article 19 of "
        "Directive^1 2011/36/EU and reports to the government once a year on the situation in the country and on "
        "the implementation of the national anti-traf~ficking strategy by public authorities and by non-"
        "governmental organisations.^2",
        "The report follows the structure of the National Action Plan 2021-2025^3 and covers the calendar year "
        "2023. It draws on registrations by the Coordination Centre, on police and prosecution data and on "
        "interviews with professionals working in shelters, labour inspection and border control.",
    ]),
    Section("2 Registered victims", new_page=False, paragraphs=[
        "In 2023 the Coordination Centre registered over 1,200 registered victims in 2023, the highest number "
        "since registration began. The rise was not unique to Eastmark. Nine Member States reported^4 an increase "
        "in identified victims, while the share of victims exploited outside the sex industry.^5 continued to grow "
        "in agriculture, domestic work and logistics, where recruitment through online job advertisements has "
        "become common and where victims are often moved between sites by sub~contractors who keep their "
        "identity documents and wages for months at a time, so that the victims depend on them for housing, "
        "transport and food.",
        "Of the registered victims, 58% were women and girls and 214 were children. Labour exploitation "
        "accounted for 447 registrations,^6 sexual exploitation for 512 and criminal exploitation, such as forced "
        "shoplifting and drug cultivation, for 96. The number of victims from non-EU countries rose for the "
        "third year in a row. Five Member States^7 could not provide comparable data, which limits the value of "
        "any comparison at EU level.",
        "Trafficking for the purpose of forced criminal activities was added to the definition of exploitation "
        "in 2024.^8 Professionals interviewed for this report expect the number of registrations in this "
        "category to rise once the amended provisions have been transposed and once investigators are trained "
        "to recognise the signs.",
    ]),
    Section("3 Prosecution and trial", [
        "The police identified 318 suspects in 2023, compared with 276 in 2022. According to Eurostat^9 the "
        "number of suspects per registered victim in Eastmark is close to the EU average. The Public "
        "Prosecution Service received 241 cases and brought 163 of them before a court.^10 Courts convicted "
        "112 persons of traf~ficking in human beings, most of them for sexual exploitation; the average prison "
        "sentence was 31 months.",
        "Investigations into labour exploitation take longer than investigations into sexual exploitation. "
        "Labour inspectors and police officers told the Rapporteur that financial investigations are started "
        "too late, that interpreters for the languages of the victims are hard to find outside the capital and "
        "that employers who use recruitment agencies in other Member States are difficult to hold liable, "
        "because the agencies are paid per worker and disappear as soon as an inspection takes place. In 41 "
        "cases the investigation was closed without any suspect being heard, often because the victims had "
        "returned to their country of origin and could not be reached by the investigators.",
        "Conviction rates for labour exploitation remain low. In several cases the courts found that "
        "exploitative working conditions did not amount to traf~ficking because the victims had been free to "
        "leave their employer, a reading the Rapporteur considers too narrow.^11",
    ]),
    Section("4 Victim support and shelters", new_page=True, paragraphs=[
        "Shelter capacity did not keep pace with the number of registrations. At the end of 2023, 164 places "
        "were available in categorical shelters, of which only 18 were reserved for men. Victims waited on "
        "average 23 days for a place, and 61 victims were housed in general homeless services in the meantime, "
        "where staff are seldom trained to recognise the needs of victims of traf~ficking or to protect them "
        "from recruiters who look for them there.",
        "The reflection period of three months was granted to 389 third-country nationals. Municipalities "
        "reported that access to health care, legal aid and psycho~social support depends strongly on where a "
        "victim is registered, and that victims who are not cooperating with criminal proceedings lose their "
        "residence permit after the reflection period, which discourages many of them from reporting at all.",
        "Compensation remains rare. Courts ordered offenders to pay damages in 37 cases, but the Central Fine "
        "Collection Agency recovered the full amount in only 9 of them. Victims of labour exploitation are in "
        "practice not reached by the state compensation fund, because the fund was designed for victims of "
        "violent crime and requires proof of physical or psychological injury.",
    ]),
    Section("5 International cooperation", [
        "Eastmark took part in 14 joint investigation teams supported by Europol and Eurojust, most of them "
        "with neighbouring Member States. Cooperation with countries of origin outside the EU improved after "
        "liaison officers were posted in two of them, but requests for mutual legal assistance still take more "
        "than a year to be answered in a third of the cases, which often means that suspects cannot be "
        "prosecuted before the victims have left the country and can no longer be heard as witnesses.",
        "The Rapporteur took part in the informal network of national rapporteurs and equivalent mechanisms "
        "and contributed figures to the Commission's data collection for the years 2021-2022. The data "
        "collection relies on definitions that differ between Member States, and the Rapporteur supports the "
        "proposal to agree on common indicators for victims, suspects, prosecutions and convictions.",
    ]),
    Section("6 Recommendations", [
        "The Rapporteur recommends that the government:",
        "- fund specialised shelters for male victims and for victims with children;",
        "- give labour inspectors direct access to the national referral mechanism;",
        "- publish annual data on compensation ordered and paid to victims by offenders.",
    ]),
]


def sample_sections() -> list[Section]:
    return [Section(s.heading, list(s.paragraphs), s.new_page) for s in SAMPLE_SECTIONS]


def build_sample(path: Path | str) -> BuildInfo:
    return build_report_pdf(path, sample_sections(), title=SAMPLE_TITLE, footnotes=SAMPLE_FOOTNOTES,
                            date_line="The Hague, 12 March 2024", running_header=SAMPLE_HEADER,
                            metadata_title=SAMPLE_TITLE, created="D:20240312090000+01'00'")


def main() -> None:
    target = Path(__file__).resolve().parents[1] / "pipeline" / "samples" / "report.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    info = build_sample(target)
    print(f"wrote {target} ({info.pages} pages, {len(info.footnote_pages)} footnotes)")


if __name__ == "__main__":
    main()
