"""Static SVG charts for the report: horizontal bars and a 0/1 heatmap, each a string of inline SVG.

Takes labels and numbers, gives ``<figure>`` markup with a caption, an SVG (tooltips as ``<title>``)
and the same data as a small table in ``<details>``, so the page needs no script and stays readable.
"""

from __future__ import annotations

from html import escape

ROW, LABEL_W, BAR_W, CELL = 22, 300, 420, 18


def figure(chart_id: str, caption: str, svg: str, header: list[str], rows: list[list]) -> str:
    """A chart with its caption and its data as a table."""
    cells = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return (f'<figure id="{chart_id}" class="chart"><figcaption>{escape(caption)}</figcaption>{svg}'
            f"<details><summary>data</summary><table><tr>{head}</tr>{cells}</table></details></figure>")


def bar_chart(labels: list[str], values: list[float], axis: str, colours: list[str] | None = None) -> str:
    """Horizontal bars, one row per label, the value printed at the end of each bar."""
    top = max(values, default=0) or 1
    height = ROW * len(labels) + 30
    width = LABEL_W + BAR_W + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(axis)}" font-size="12">']
    for i, (label, value) in enumerate(zip(labels, values)):
        y, length = 4 + ROW * i, BAR_W * value / top
        colour = colours[i] if colours else "#1f5fa8"
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
                     f'<rect x="{LABEL_W}" y="{y}" width="{length:.1f}" height="{ROW - 6}" fill="{colour}">'
                     f'<title>{escape(label)}: {value:g}</title></rect>'
                     f'<text x="{LABEL_W + length + 4:.1f}" y="{y + 14}">{value:g}</text>')
    parts.append(f'<text x="{LABEL_W}" y="{height - 6}">{escape(axis)}</text></svg>')
    return "".join(parts)


def heatmap(rows: list[str], columns: list[str], cells: list[list[int]], tips: list[str]) -> str:
    """Rows × columns of filled (1) and empty (0) cells, column labels on top."""
    width, height = LABEL_W + CELL * len(columns) + 10, 30 + CELL * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="country by claim" font-size="10">']
    parts += [f'<text x="{LABEL_W + CELL * j + CELL / 2}" y="20" text-anchor="middle">{escape(c)}</text>'
              for j, c in enumerate(columns)]
    for i, (label, row, tip) in enumerate(zip(rows, cells, tips)):
        y = 26 + CELL * i
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 12}" text-anchor="end">{escape(label)}<title>'
                     f'{escape(tip)}</title></text>')
        parts += [f'<rect x="{LABEL_W + CELL * j}" y="{y}" width="{CELL - 1}" height="{CELL - 1}" '
                  f'fill="{"#1f5fa8" if v else "#f4f6f8"}"><title>{escape(label)} · {escape(c)}: {v}</title></rect>'
                  for j, (c, v) in enumerate(zip(columns, row))]
    return "".join(parts) + "</svg>"
