"""Write the source content as an ODT (hand-made XML, real ``text:note`` notes) for LibreOffice Writer."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import content

NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'office:version="1.3"'
)

SUPER = 'style:text-position="super 58%"'


def _styles(*, body_size: float, note_size: float, columns: int) -> str:
    note_style = (f'<style:paragraph-properties fo:margin-left="0.5cm" fo:margin-right="0cm" '
                  f'fo:text-indent="-0.5cm" fo:margin-bottom="0.05cm" fo:text-align="justify"/>'
                  f'<style:text-properties fo:font-size="{note_size}pt"/>')
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {NS}>
<office:font-face-decls>
 <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman" style:font-pitch="variable"/>
 <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/>
</office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph">
  <style:paragraph-properties fo:orphans="2" fo:widows="2"/>
  <style:text-properties style:font-name="Liberation Serif" fo:font-size="{body_size}pt" fo:language="en" fo:country="GB" fo:hyphenate="false"/>
 </style:default-style>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph" style:parent-style-name="Standard" style:class="text">
  <style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.2cm" fo:line-height="115%" fo:text-align="justify"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
  <style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-align="center"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="19pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter">
  <style:paragraph-properties fo:margin-bottom="0.2cm" fo:text-align="center"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="12pt" fo:font-style="italic"/>
 </style:style>
 <style:style style:name="Date_20_line" style:display-name="Date line" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:margin-bottom="0.6cm" fo:text-align="center"/>
 </style:style>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1" style:class="text">
  <style:paragraph-properties fo:margin-top="0.35cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="13pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">{note_style}</style:style>
 <style:style style:name="Endnote" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">{note_style}</style:style>
 <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra">
  <style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="9pt"/>
 </style:style>
 <style:style style:name="Endnotes_20_heading" style:display-name="Endnotes heading" style:family="paragraph" style:parent-style-name="Standard">
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="13pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Footnote_20_Symbol" style:display-name="Footnote Characters" style:family="text"><style:text-properties {SUPER}/></style:style>
 <style:style style:name="Footnote_20_anchor" style:display-name="Footnote Anchor" style:family="text"><style:text-properties {SUPER}/></style:style>
 <style:style style:name="Endnote_20_Symbol" style:display-name="Endnote Characters" style:family="text"><style:text-properties {SUPER}/></style:style>
 <style:style style:name="Endnote_20_anchor" style:display-name="Endnote Anchor" style:family="text"><style:text-properties {SUPER}/></style:style>
 <text:notes-configuration text:note-class="footnote" text:citation-style-name="Footnote_20_Symbol" text:citation-body-style-name="Footnote_20_anchor" style:num-format="1" text:start-value="0" text:footnotes-position="page" text:start-numbering-at="document"/>
 <text:notes-configuration text:note-class="endnote" text:citation-style-name="Endnote_20_Symbol" text:citation-body-style-name="Endnote_20_anchor" text:master-page-name="Endnote" style:num-format="1" text:start-value="0"/>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21.001cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="1.4cm" fo:margin-left="2.4cm" fo:margin-right="2.4cm" style:footnote-max-height="0cm">
   <style:footnote-sep style:width="0.018cm" style:distance-before-sep="0.1cm" style:distance-after-sep="0.1cm" style:line-style="solid" style:adjustment="left" style:rel-width="25%" style:color="#000000"/>
  </style:page-layout-properties>
  <style:header-style><style:header-footer-properties fo:min-height="0cm" fo:margin-bottom="0.4cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.4cm"/></style:footer-style>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:footer><text:p text:style-name="Footer">Page <text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
 </style:master-page>
 <style:master-page style:name="Endnote" style:page-layout-name="pm1">
  <style:header><text:p text:style-name="Endnotes_20_heading">Notes</text:p></style:header>
  <style:footer><text:p text:style-name="Footer">Page <text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
 </style:master-page>
</office:master-styles>
</office:document-styles>
"""


def _paragraph(text: str, variant: str, note_class: str, labels: dict[str, str], style: str) -> str:
    text = content.fill_counts(text, variant)
    out, pos = [], 0
    for m in content.MARKER.finditer(text):
        out.append(escape(text[pos:m.start()]))
        key = m.group(1)
        body = escape(content.NOTES[key][1])
        style_name = "Footnote" if note_class == "footnote" else "Endnote"
        out.append(f'<text:note text:id="{note_class}{labels[key]}" text:note-class="{note_class}">'
                   f'<text:note-citation>{labels[key]}</text:note-citation>'
                   f'<text:note-body><text:p text:style-name="{style_name}">{body}</text:p></text:note-body></text:note>')
        pos = m.end()
    out.append(escape(text[pos:]))
    return f'<text:p text:style-name="{style}">{"".join(out)}</text:p>'


def _content(*, variant: str, date_line: str, note_class: str, columns: int) -> str:
    labels = content.labels("number")
    parts = [f'<text:p text:style-name="Title">{escape(content.TITLE)}</text:p>',
             f'<text:p text:style-name="Subtitle">{escape(content.SUBTITLE)}</text:p>',
             f'<text:p text:style-name="Date_20_line">{escape(date_line)}</text:p>']
    body = []
    for number, (heading, paragraphs) in enumerate(content.SECTIONS, start=1):
        body.append(f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{number} {escape(heading)}</text:h>')
        body += [_paragraph(p, variant, note_class, labels, "Text_20_body") for p in paragraphs]
    auto = ""
    if columns > 1:
        auto = ('<style:style style:name="Sect1" style:family="section"><style:section-properties '
                'text:dont-balance-text-columns="false" style:editable="false">'
                f'<style:columns fo:column-count="{columns}" fo:column-gap="0.6cm">'
                + "".join('<style:column style:rel-width="32767*" fo:start-indent="0cm" fo:end-indent="0cm"/>'
                          for _ in range(columns))
                + '</style:columns></style:section-properties></style:style>')
        body = ['<text:section text:style-name="Sect1" text:name="Body">', *body, '</text:section>']
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS}>'
            f'<office:automatic-styles>{auto}</office:automatic-styles>'
            f'<office:body><office:text>{"".join(parts + body)}</office:text></office:body></office:document-content>\n')


META = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {NS}><office:meta>
 <meta:generator>thb-pipeline tests/layouts/generate.py</meta:generator>
 <dc:title>{escape(content.TITLE)}</dc:title>
 <meta:creation-date>2025-07-16T09:00:00</meta:creation-date><dc:date>2025-07-16T09:00:00</dc:date>
</office:meta></office:document-meta>
"""

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def write_odt(path: Path, *, variant: str = "base", date_line: str = content.DATE_LONG, note_class: str = "footnote",
              columns: int = 1, body_size: float = 11, note_size: float = 9) -> None:
    fixed = (2025, 7, 16, 9, 0, 0)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", fixed), "application/vnd.oasis.opendocument.text",
                   compress_type=zipfile.ZIP_STORED)
        for name, data in (("content.xml", _content(variant=variant, date_line=date_line, note_class=note_class,
                                                    columns=columns)),
                           ("styles.xml", _styles(body_size=body_size, note_size=note_size, columns=columns)),
                           ("meta.xml", META), ("META-INF/manifest.xml", MANIFEST)):
            z.writestr(zipfile.ZipInfo(name, fixed), data, compress_type=zipfile.ZIP_DEFLATED)
