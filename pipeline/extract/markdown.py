"""Markdown and plain-text extraction into the document model.

Publications reach us as Markdown when another tool has already converted them
(the EMN press-release seed is one): headings, bold, links, footnote markers as
``<sup>7</sup>`` or ``[^7]``, and footnote bodies as ``<sup>7</sup> BE, DE.``
paragraphs or ``[^7]: …`` definitions.  Converters often keep the page breaks
of the PDF behind them as ``---`` rules, with each page's footnotes after the
rule, so a paragraph can stop mid-sentence ("… beyond EU") and go on after the
footnotes ("borders. …"); such halves are joined again.

Plain text is read with the same rules: paragraphs are separated by blank
lines, and lines that start with a bullet are list items.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from pipeline.errors import NoText
from pipeline.model import Block, Extraction, Marker
from pipeline.ingest import decode_text

from .dates import parse_date

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT_RULE = re.compile(r"^(=+|-+)\s*$")
_BREAK = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+•▪◦·]|\d{1,3}[.)])\s+(.*)$")
_NOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]{1,12})\]:\s*(.*)$", re.S)
_NOTE_PARAGRAPH = re.compile(r"^<sup>\s*([^<\s]{1,12})\s*</sup>\s*(.*)$", re.S | re.I)
_MARKER = re.compile(r"<sup>\s*([^<]{1,12}?)\s*</sup>|\[\^([^\]\s]{1,12})\]", re.I)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])")
_ESCAPE = re.compile(r"\\+([\\`*_{}\[\]()#+\-.!<>|])")
_SENTENCE_END = re.compile(r"[.!?:;…\"'”’)\]]\s*$")


@dataclass
class _Draft:
    """A block before inline markup is resolved; ``after_break`` marks the first block after a page rule."""

    kind: str
    raw: str
    label: str | None = None
    level: int = 0
    after_break: bool = False
    markers: list[Marker] = field(default_factory=list)


def extract_markdown(data: bytes) -> Extraction:
    """Extract a Markdown or plain-text publication; raises NoText when nothing readable is left."""
    text = decode_text(data)
    if text is None:
        raise NoText("the file is not readable text")
    drafts = split_blocks(text.replace("\r\n", "\n").replace("\r", "\n"))
    blocks = rejoin_split_paragraphs([render(draft) for draft in drafts])
    blocks = [block for block in blocks if block.text]
    if not any(block.kind != "footnote" for block in blocks):
        raise NoText("no text was found in the document")
    published = find_published(blocks)
    return Extraction(blocks=blocks, title=choose_title(drafts, blocks), published=published,
                      published_from="text" if published else None)


def split_blocks(text: str) -> list[_Draft]:
    """Cut the text into block drafts at blank lines, headings, list items and page rules."""
    drafts: list[_Draft] = []
    after_break = False
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if len(lines) == 1 and _BREAK.match(lines[0]):
            after_break = True
            continue
        for draft in _chunk_drafts(lines):
            draft.after_break = after_break
            after_break = False
            drafts.append(draft)
    return drafts


def _chunk_drafts(lines: list[str]) -> list[_Draft]:
    if len(lines) == 2 and _SETEXT_RULE.match(lines[1]):
        return [_Draft("heading", lines[0], level=1 if lines[1].startswith("=") else 2)]
    starts = [index for index, line in enumerate(lines) if _NOTE_DEFINITION.match(line)]
    if len(starts) > 1 and starts[0] == 0:  # definitions on consecutive lines: one footnote each
        return [draft for start, stop in zip(starts, starts[1:] + [len(lines)])
                for draft in _chunk_drafts(lines[start:stop])]
    definition = _NOTE_DEFINITION.match("\n".join(lines).strip())
    if definition:
        return [_Draft("footnote", definition.group(2), label=definition.group(1))]
    note = _NOTE_PARAGRAPH.match("\n".join(lines).strip())
    if note:
        return [_Draft("footnote", note.group(2), label=note.group(1).strip())]
    drafts: list[_Draft] = []
    for line in lines:
        heading = _HEADING.match(line)
        item = _LIST_ITEM.match(line)
        if heading:
            drafts.append(_Draft("heading", heading.group(2), level=len(heading.group(1))))
        elif item and not _BREAK.match(line):
            drafts.append(_Draft("list_item", item.group(1)))
        elif drafts and drafts[-1].kind in ("paragraph", "list_item"):
            drafts[-1].raw += "\n" + line  # a wrapped line continues the paragraph or the item
        else:
            drafts.append(_Draft("paragraph", line))
    return drafts


def render(draft: _Draft) -> Block:
    """Resolve inline markup: markers out of the text, links to their text, emphasis and tags dropped."""
    raw = re.sub(r"\s*\n\s*", " ", draft.raw)
    keep_urls = draft.kind == "footnote"
    text, markers = _take_markers(raw, keep_urls)
    block = Block(kind=draft.kind, text="", label=draft.label)
    block.text = text.strip()
    lead = len(text) - len(text.lstrip())
    block.markers = [Marker(m.label, max(0, min(len(block.text), m.offset - lead))) for m in markers]
    return block


def _take_markers(raw: str, keep_urls: bool) -> tuple[str, list[Marker]]:
    pieces: list[str] = []
    markers: list[Marker] = []
    length = 0
    position = 0
    for match in _MARKER.finditer(raw):
        piece = inline_text(raw[position:match.start()], keep_urls)
        if length == 0:
            piece = piece.lstrip()
        pieces.append(piece)
        length += len(piece)
        label = (match.group(1) or match.group(2)).strip()
        markers.append(Marker(label, length - (len(piece) - len(piece.rstrip()))))
        position = match.end()
    pieces.append(inline_text(raw[position:], keep_urls))
    return "".join(pieces), markers


def inline_text(raw: str, keep_urls: bool = False) -> str:
    """Plain text of inline Markdown: link text (with the URL in footnotes), no emphasis, no tags."""
    text = _IMAGE.sub(lambda m: m.group(1), raw)
    text = _LINK.sub(lambda m: _link_text(m.group(1), m.group(2), keep_urls), text)
    text = _AUTOLINK.sub(lambda m: m.group(1), text)
    text = _TAG.sub("", text)
    for _ in range(2):  # nested emphasis such as ***bold italic***
        text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3) or m.group(4), text)
    text = _ESCAPE.sub(lambda m: m.group(1), text)
    return re.sub(r"[ \t\xa0]+", " ", html.unescape(text))


def _link_text(label: str, url: str, keep_urls: bool) -> str:
    label = _ESCAPE.sub(lambda m: m.group(1), label.strip())
    url = _ESCAPE.sub(lambda m: m.group(1), url)
    if not keep_urls or not url.startswith(("http://", "https://")) or url == label:
        return label or url
    return f"{label} {url}" if label else url


def rejoin_split_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut by a page rule and its footnotes with the part that goes on after them."""
    result: list[Block] = []
    for block in blocks:
        open_paragraph = _last_open_paragraph(result)
        if block.kind == "paragraph" and open_paragraph is not None and _continues(block.text):
            shift = len(open_paragraph.text) + 1
            open_paragraph.text = f"{open_paragraph.text} {block.text}"
            open_paragraph.markers += [Marker(m.label, m.offset + shift, m.page) for m in block.markers]
            continue
        result.append(block)
    return result


def _last_open_paragraph(blocks: list[Block]) -> Block | None:
    """The last paragraph if it stops mid-sentence and only footnotes stand after it."""
    for block in reversed(blocks):
        if block.kind == "footnote":
            continue
        if block.kind == "paragraph" and not _SENTENCE_END.search(block.text) and block is not blocks[-1]:
            return block
        return None
    return None


def _continues(text: str) -> bool:
    return bool(text) and (text[0].islower() or text[0] in ",;)")


def choose_title(drafts: list[_Draft], blocks: list[Block]) -> str | None:
    """The first top-level heading, else the first heading, else the first title-like line."""
    headings = [d for d in drafts if d.kind == "heading"]
    if headings:
        best = min(headings, key=lambda d: d.level)
        return inline_text(best.raw).strip() or None
    for draft in drafts[:12]:
        # a title stands on one line of its own: chrome lines run together ("Skip to main content\nMenu")
        text = inline_text(draft.raw).strip()
        if draft.kind == "paragraph" and "\n" not in draft.raw and 6 <= len(text.split()) <= 30 \
                and not _SENTENCE_END.search(text):
            return text
    return blocks[0].text[:200] if blocks else None


def find_published(blocks: list[Block]) -> str | None:
    """A date standing alone (or nearly) in one of the first blocks: the publication date."""
    for block in blocks[:15]:
        if len(block.text) <= 40:
            found = parse_date(block.text)
            if found:
                return found
    return None
