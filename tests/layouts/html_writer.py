"""The layout corpus's source text as a publisher's web page, for the PDF-against-HTML check.

The page has site chrome around the article, raised note markers linking to a footnote
list at the end, as press-release pages print them; the text is the same as in every PDF
family, so the claims table of a PDF must equal the page's.
"""

from __future__ import annotations

import html

import content


def render_html(*, variant: str = "base", label_style: str = "number") -> str:
    labels = content.labels(label_style)

    def paragraph(text: str) -> str:
        escaped = html.escape(content.fill_counts(text, variant))
        return "<p>" + content.MARKER.sub(
            lambda m: f'<sup><a href="#fn{labels[m.group(1)]}" id="fnref{labels[m.group(1)]}">'
                      f"{labels[m.group(1)]}</a></sup>", escaped) + "</p>"

    sections = "".join(f"<h2>{html.escape(heading)}</h2>" + "".join(paragraph(text) for text in paragraphs)
                       for heading, paragraphs in content.SECTIONS)
    notes = "".join(f'<li id="fn{labels[key]}">{html.escape(content.NOTES[key][1])} '
                    f'<a href="#fnref{labels[key]}">↩</a></li>' for key in content.note_order())
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(content.TITLE)}</title>'
            f'<meta property="article:published_time" content="{content.DATE_ISO}"></head><body>'
            '<nav><a href="/">Home</a> <a href="/news">News</a></nav><main><article>'
            f"<h1>{html.escape(content.TITLE)}</h1><p>{html.escape(content.SUBTITLE)}</p>"
            f'<p class="date">{content.DATE_LONG}</p>{sections}'
            f'<section class="footnotes"><ol>{notes}</ol></section></article></main>'
            "<footer>© European Commission</footer></body></html>")
