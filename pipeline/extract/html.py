"""HTML extraction with trafilatura, with footnotes and reader comments kept apart.

trafilatura finds the article among navigation, banners and link lists, but it
flattens ``2021-2025<sup>3</sup>`` into ``2021-20253`` and leaves a footnote
list in the main text.  So the page is prepared before trafilatura sees it:

1. reader comments are taken out and become ``comment`` blocks, so they can
   never mix with the article;
2. footnote lists (``class="footnotes"``, ``<li id="fn3">``, Word's
   ``_ftn3``, ``role="doc-endnotes"``) are taken out and become ``footnote``
   blocks with their labels, without their "↩" back-links;
3. every footnote marker (a short ``<sup>``, a link to ``#fn3``) is replaced
   by a placeholder ``⟦3⟧`` that trafilatura keeps as text;
4. cookie banners, share bars and related-content boxes are dropped.

After extraction the placeholders (and Markdown-style ``[^3]``) become
:class:`~pipeline.model.Marker` objects and leave the text.
"""

from __future__ import annotations

import re
from itertools import islice

from pipeline.errors import BrokenDocument, NoText, TerminalError
from .dates import parse_date
from pipeline.model import Block, Extraction, Marker

OPEN, CLOSE = "⟦", "⟧"  # survive trafilatura, unlike private-use characters
_PLACEHOLDER = re.compile(f"{OPEN}([^{CLOSE}]{{1,12}}){CLOSE}|\\[\\^([^\\]\\s]{{1,12}})\\]")
_LABEL = re.compile(r"^[\[(]?([0-9]{1,3}|[*†‡§¶#]{1,3}|[a-z]|[ivx]{1,5})[\])]?$")
_NOTE_ID = re.compile(r"^(?:_?ftn|fn|footnote|endnote|note|en|cite_note|fnref)[-_:.]?(?:[a-z_-]*[-_])?([0-9]{1,3}|[a-z*])$", re.I)
_NOTE_HREF = re.compile(r"#(?:_?ftn|fn|footnote|endnote|note|en|cite_note)[-_:.]?\w*", re.I)
_NOTES_CONTAINER = re.compile(r"(?:^|[-_ ])(foot-?notes?|end-?notes?|fn-?list|notes-list)(?:$|[-_ ])", re.I)
_BACKLINK = re.compile(r"^\s*[↩↑^⤴︎\ufe0e]+\s*$|^\s*(?:back|return)(?: to (?:text|top))?\s*$", re.I)
_COMMENTS_CONTAINER = re.compile(r"^(?:comments?|comment-?(?:list|section|area|thread)s?|commentlist|disqus_thread|reader-comments|responses)$", re.I)
_COMMENT_BODY = re.compile(r"^(?:comment-?(?:body|content|text)|comment__(?:body|content|text))$", re.I)
_CHROME = re.compile(r"^(?:cookie|consent|gdpr|share|sharing|social|related|newsletter|breadcrumbs?|subscribe|skip-?link)"
                     r"(?:$|[-_])", re.I)
_KEEP = {"html", "body", "main", "article"}
# A long report page has some 20,000 elements; a million make trafilatura run for many minutes, or fail at the
# memory limit with lxml's "unknown error" (reliability plan §2, case 22), so a page over this is refused at once.
MAX_ELEMENTS = 300_000


def extract_html(data: bytes, *, url: str | None = None) -> Extraction:
    """Extract an HTML publication; raises NoText when no article text is found."""
    import trafilatura

    tree = trafilatura.load_html(data.replace(b"\x00", b""))  # libxml2 stops reading at a NUL byte
    if tree is None:
        raise BrokenDocument("the HTML could not be parsed")
    if next(islice(tree.iter(), MAX_ELEMENTS, None), None) is not None:
        raise TerminalError(f"the page has more than {MAX_ELEMENTS:,} elements, the most one web page may have "
                            "(a page built to exhaust parsers?)", reason="too_large")
    language = _declared_language(tree)
    comments = take_comments(tree)
    footnotes = take_footnotes(tree)
    drop_chrome(tree)
    mark_markers(tree)
    # bare_extraction hands back the article tree and metadata without serialising them to XML and back
    result = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True,
                                         with_metadata=True, favor_recall=True, deduplicate=False)
    if result is None or result.body is None:
        raise NoText("no article text was found in the page (navigation or scripts only?)")
    body = blocks_from_xml(result.body)
    body, inline_notes = split_inline_footnotes(body, {b.label for b in footnotes})
    if not any(b.kind != "heading" for b in body):
        raise NoText("no article text was found in the page (only headings)")
    published = parse_date(result.date or "")
    return Extraction(
        blocks=body + footnotes + inline_notes + comments,
        title=_title(result.title, result.sitename, body),
        published=published,
        published_from="page metadata" if published else None,
        language=language,
    )


def take_comments(tree) -> list[Block]:
    """Remove reader-comment sections from the page; each comment becomes a comment block."""
    blocks: list[Block] = []
    for container in _matching(tree, _COMMENTS_CONTAINER):
        bodies = [el for el in container.iter() if _has_class(el, _COMMENT_BODY)]
        items = bodies or [el for el in container.iter("li", "article") if el is not container] or [container]
        for item in _outermost(items):
            text = _clean(" ".join(item.itertext()))
            if text:
                blocks.append(Block(kind="comment", text=text))
        _remove(container)
    return blocks


def take_footnotes(tree) -> list[Block]:
    """Remove footnote lists from the page; each note becomes a footnote block with its label."""
    items = [el for el in tree.xpath("//*[@id]") if _NOTE_ID.match(el.get("id"))
             and not el.get("href") and el.tag not in ("sup", "a", "span")]
    containers = [el for el in _matching(tree, _NOTES_CONTAINER)
                  if el.tag not in _KEEP and (el.get("role") or "") != "doc-noteref"]
    for container in containers:
        listed = [li for li in container.iter("li")]
        items.extend(li for li in listed if li not in items)
    blocks: list[Block] = []
    for position, item in enumerate(_outermost(items), start=1):
        label = _note_label(item) or str(position)
        _strip_backlinks(item)
        text = _clean(" ".join(item.itertext()))
        text = re.sub(rf"^[\[(]?{re.escape(label)}[\])]?[.:]?\s+", "", text)
        if text:
            blocks.append(Block(kind="footnote", text=text, label=label))
        _remove(item)
    for container in containers:
        if container.getparent() is not None and not _clean(" ".join(container.itertext())).strip(" :"):
            _remove(container)
        elif container.getparent() is not None and _is_heading_only(container):
            _remove(container)
    return blocks


def drop_chrome(tree) -> None:
    """Remove cookie banners, share bars, related links and the like that trafilatura may keep."""
    chrome = [el for el in tree.xpath("//*[@class or @id]")
              if el.tag not in _KEEP and (_has_class(el, _CHROME) or _CHROME.match(el.get("id") or ""))]
    for element in _outermost(chrome):
        _remove(element)


def mark_markers(tree) -> None:
    """Replace footnote markers by ⟦label⟧ placeholders that survive extraction."""
    for sup in list(tree.iter("sup")):
        label = _marker_label(sup)
        if label:
            _replace_with_text(sup, f"{OPEN}{label}{CLOSE}")
    for link in list(tree.iter("a")):
        if link.getparent() is not None and _NOTE_HREF.search(link.get("href") or ""):
            label = _LABEL.match(_clean(link.text_content()))
            if label:
                _replace_with_text(link, f"{OPEN}{label.group(1)}{CLOSE}")


def blocks_from_xml(main) -> list[Block]:
    """Headings, paragraphs, list items and table rows from trafilatura's article tree, markers taken out."""
    blocks: list[Block] = []
    if main is None:
        return blocks
    for element in main:
        blocks.extend(_element_blocks(element))
    return [b for b in blocks if b.text]


def _element_blocks(element) -> list[Block]:
    tag = element.tag
    if tag == "head":
        return [make_block("heading", _inline(element))]
    if tag == "list":
        blocks = []
        for item in element.findall("item"):
            nested = item.findall("list")
            for child in nested:
                item.remove(child)
            blocks.append(make_block("list_item", _inline(item)))
            for child in nested:
                blocks.extend(_element_blocks(child))
        return blocks
    if tag == "table":
        return [make_block("paragraph", " | ".join(_inline(cell) for cell in row))
                for row in element.iter("row")]
    if tag in ("quote", "div", "section"):
        children = [b for child in element for b in _element_blocks(child)]
        return children or [make_block("paragraph", _inline(element))]
    if tag == "graphic":
        return []
    return [make_block("paragraph", _inline(element))]


def _inline(element) -> str:
    return _clean("".join(element.itertext()))


def make_block(kind: str, text: str) -> Block:
    """A block whose ⟦label⟧ and [^label] placeholders become markers."""
    pieces: list[str] = []
    markers: list[Marker] = []
    length = 0
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        piece = text[position:match.start()]
        pieces.append(piece)
        length += len(piece)
        markers.append(Marker((match.group(1) or match.group(2)).strip(), length - (len(piece) - len(piece.rstrip()))))
        position = match.end()
    pieces.append(text[position:])
    joined = re.sub(r" {2,}", " ", "".join(pieces))
    if joined != "".join(pieces):  # placeholders between spaces left a double space: recompute offsets exactly
        return _rebuild_without_double_spaces(kind, "".join(pieces), markers)
    lead = len(joined) - len(joined.lstrip())
    stripped = joined.strip()
    return Block(kind=kind, text=stripped, markers=[Marker(m.label, min(len(stripped), max(0, m.offset - lead)))
                                                    for m in markers])


def _rebuild_without_double_spaces(kind: str, text: str, markers: list[Marker]) -> Block:
    kept: list[str] = []
    new_offset = {}
    for index, char in enumerate(text):
        new_offset[index] = len(kept)
        if char == " " and (not kept or kept[-1] == " "):
            continue
        kept.append(char)
    new_offset[len(text)] = len(kept)
    stripped = "".join(kept).rstrip()
    return Block(kind=kind, text=stripped, markers=[Marker(m.label, min(new_offset[m.offset], len(stripped)))
                                                    for m in markers])


def split_inline_footnotes(blocks: list[Block], known: set[str | None]) -> tuple[list[Block], list[Block]]:
    """Paragraphs that start with a marker ("⟦3⟧ BE, DE.") are footnote bodies written in the text."""
    body: list[Block] = []
    notes: list[Block] = []
    for block in blocks:
        first = block.markers[0] if block.markers else None
        if block.kind == "paragraph" and first and first.offset == 0 and first.label not in known:
            rest = [Marker(m.label, m.offset - len(block.text) + len(block.text.lstrip()))
                    for m in block.markers[1:]]
            notes.append(Block(kind="footnote", text=block.text.lstrip(), label=first.label, markers=rest))
        else:
            body.append(block)
    return body, notes


def _marker_label(sup) -> str | None:
    text = _clean(sup.text_content())
    match = _LABEL.match(text)
    if not match:
        return None
    label = match.group(1)
    linked = any(_NOTE_HREF.search(a.get("href") or "") for a in sup.iter("a"))
    previous = (sup.getprevious().tail if sup.getprevious() is not None else sup.getparent().text) or ""
    if label.isalpha() and len(label) == 1 and not linked and previous[-1:].isdigit():
        return None  # "19<sup>e</sup>" is an ordinal, not note e
    return label


def _note_label(item) -> str | None:
    match = _NOTE_ID.match(item.get("id") or "")
    if match:
        return match.group(1)
    first = _clean("".join(item.itertext()))[:6]
    lead = re.match(r"^[\[(]?([0-9]{1,3}|[*†‡])[\])]?[.:]?\s", first + " ")
    return lead.group(1) if lead else None


def _strip_backlinks(item) -> None:
    for link in list(item.iter("a")):
        href = link.get("href") or ""
        text = link.text_content()
        if _BACKLINK.match(text) or ("fnref" in href and len(text.strip()) <= 3):
            _replace_with_text(link, "")


def _matching(tree, pattern: re.Pattern) -> list:
    # XPath selects in C the few elements that have the attributes at all
    found = [el for el in tree.xpath("//*[@class or @id or @role]")
             if (pattern.match(el.get("id") or "") or _has_class(el, pattern)
                  or (el.get("role") or "") in ("doc-endnotes", "doc-footnotes") and pattern is _NOTES_CONTAINER)]
    return _outermost(found)


def _has_class(element, pattern: re.Pattern) -> bool:
    return any(pattern.search(token) if pattern is _NOTES_CONTAINER else pattern.match(token)
               for token in (element.get("class") or "").split())


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [el for el in elements if not any(ancestor in chosen for ancestor in el.iterancestors())]


def _is_heading_only(container) -> bool:
    return all(child.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "hr") for child in container) and len(container) > 0


def _replace_with_text(element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    replacement = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + replacement
    else:
        parent.text = (parent.text or "") + replacement
    parent.remove(element)


def _remove(element) -> None:
    _replace_with_text(element, "")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _title(title: str | None, site: str | None, body: list[Block]) -> str | None:
    title, site = _clean(title or ""), _clean(site or "")
    if site and title.lower().endswith(site.lower()):
        title = re.sub(r"\s*[-|–—·:]\s*$", "", title[: -len(site)]) or title  # "Headline - Site"
    if title:
        return title
    heading = next((b.text for b in body if b.kind == "heading"), None)
    return heading or (body[0].text[:200] if body else None)


def _declared_language(tree) -> str | None:
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    code = lang.split("-")[0].split("_")[0].lower()
    return code if re.fullmatch(r"[a-z]{2}", code) else None
