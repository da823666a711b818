"""The report's lineage section: countries behind a claim, and a figure's value, over editions.

Takes the ``claim_lineage`` table and gives an HTML section with two static SVG line charts (no
script: the charts cost a few kilobytes), one line per claim or figure followed over two or more
publications, and a table of the countries added and dropped.
"""

from __future__ import annotations

import math
from html import escape

import pandas as pd

MAX_SERIES = 12
WIDTH, HEIGHT, MARGIN = 760, 300, 60
# axis tops (times a power of ten) and their number of steps: every tick a round number
AXIS_STEPS = ((1, 5), (1.5, 3), (2, 4), (3, 3), (4, 4), (5, 5), (6, 3), (8, 4), (10, 5))
COLOURS = ("#1f6feb", "#d1242f", "#1a7f37", "#bf8700", "#8250df", "#0a7ea4", "#cf222e", "#57606a")


def lineage_series(lineage: pd.DataFrame, kind: str) -> list[tuple[str, list[tuple[str, float]]]]:
    """Chains of links (an edition's claim linked on to the next edition's) as (subject, [(date, value)])."""
    rows = lineage[lineage["kind"] == kind] if len(lineage) else lineage
    following = {(r.from_doc_id, r.from_ref): r for r in rows.itertuples(index=False)}
    later_ends = {(r.to_doc_id, r.to_ref) for r in rows.itertuples(index=False)}
    series = []
    for start in rows.itertuples(index=False):
        if (start.from_doc_id, start.from_ref) in later_ends:
            continue  # not the first edition of its chain
        points, link = [(str(start.from_published), float(start.from_value))], start
        seen = set()
        while link is not None and (link.to_doc_id, link.to_ref) not in seen:
            seen.add((link.to_doc_id, link.to_ref))
            points.append((str(link.to_published), float(link.to_value)))
            link = following.get((link.to_doc_id, link.to_ref))
        series.append((str(start.subject), points))
    series.sort(key=lambda item: (-len(item[1]), item[0]))
    return series[:MAX_SERIES]


def nice_axis(value: float) -> tuple[float, int]:
    """The axis top (a round multiple of a power of ten, at or above ``value``) and how many equal steps divide it,
    so every tick is a round number a reader can read off."""
    if value <= 0:
        return 1.0, 5
    power = 10 ** math.floor(math.log10(value))
    return next((round(step * power, 12), steps) for step, steps in AXIS_STEPS if step * power >= value)


def tick_label(value: float) -> str:
    """1,200 rather than 1200.0; 2.5 stays 2.5."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _short(subject: str, limit: int = 26) -> str:
    return subject if len(subject) <= limit else subject[:limit - 1].rstrip() + "…"


def svg_chart(series: list[tuple[str, list[tuple[str, float]]]], y_label: str) -> str:
    dates = sorted({date for _subject, points in series for date, _value in points})
    values = [value for _subject, points in series for _date, value in points]
    top, steps = nice_axis(max(values, default=0))
    plot_w, plot_h = WIDTH - 2 * MARGIN - 160, HEIGHT - 2 * MARGIN

    def x(date: str) -> float:
        return MARGIN + (plot_w * dates.index(date) / (len(dates) - 1) if len(dates) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return MARGIN + plot_h * (1 - value / top)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
             f'height="{HEIGHT}" role="img" aria-label="{escape(y_label)} over editions" font-size="11">',
             f'<line x1="{MARGIN}" y1="{MARGIN + plot_h}" x2="{MARGIN + plot_w}" y2="{MARGIN + plot_h}" stroke="#999"/>',
             f'<line x1="{MARGIN}" y1="{MARGIN}" x2="{MARGIN}" y2="{MARGIN + plot_h}" stroke="#999"/>',
             f'<text x="4" y="{MARGIN - 12}">{escape(y_label)}</text>',
             ]
    for tick in (top * step / steps for step in range(steps + 1)):
        parts += [f'<line x1="{MARGIN}" y1="{y(tick):.1f}" x2="{MARGIN + plot_w}" y2="{y(tick):.1f}" stroke="#eee"/>'
                  if tick else "",
                  f'<text x="{MARGIN - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick_label(tick)}</text>']
    parts += [f'<text x="{x(d):.1f}" y="{MARGIN + plot_h + 16}" text-anchor="middle">{escape(d)}</text>' for d in dates]
    for index, (subject, points) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        parts.append(f'<polyline class="series" points="{path}" fill="none" stroke="{colour}" stroke-width="2">'
                     f'<title>{escape(subject)}</title></polyline>')
        parts += [f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"><title>{escape(subject)}: '
                  f'{v:g} ({escape(d)})</title></circle>' for d, v in points]
        parts.append(f'<text x="{MARGIN + plot_w + 10}" y="{MARGIN + 14 * index + 4}" fill="{colour}">'
                     f'{escape(_short(subject))}<title>{escape(subject)}</title></text>')
    return "".join(parts) + "</svg>"


def lineage_section(lineage: pd.DataFrame) -> str:
    """The report section; says so when no claim or figure appears in two editions."""
    body = []
    for kind, label in (("claim", "countries behind the claim"), ("figure", "value of the figure")):
        series = lineage_series(lineage, kind)
        if series:
            body.append(f"<h3>{'Claims' if kind == 'claim' else 'Figures'} over editions</h3>"
                        + svg_chart(series, label))
    claims = lineage[lineage["kind"] == "claim"] if len(lineage) else lineage
    if len(claims):
        cells = "".join(f"<tr><td>{escape(str(r.subject))}</td><td>{escape(str(r.from_published))} → "
                        f"{escape(str(r.to_published))}</td><td>{escape(str(r.countries_added or ''))}</td>"
                        f"<td>{escape(str(r.countries_dropped or ''))}</td></tr>" for r in claims.itertuples())
        body.append("<table class=\"lineage\"><tr><th>claim</th><th>editions</th><th>countries added</th>"
                    f"<th>countries dropped</th></tr>{cells}</table>")
    if not body:
        body.append('<p class="muted">No claim or figure is stated in two publications of different dates.</p>')
    return "<section><h2>Claims and figures across editions</h2>" + "".join(body) + "</section>"
