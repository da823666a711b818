"""The run report: one static HTML file with the run's documents and charts, readable offline.

``write_report(out_dir)`` writes ``out_dir/report.html``: documents processed and failed
(by reason), a country × claim heatmap (which countries stand behind each footnoted
claim), figures over time by subject, and the most frequent organisations.  Charts are
static inline SVG (``svg.py``, ``lineage_chart.py``), each with its data as a table: no script, no network.
Review decisions are applied first (rejected rows left out, corrections used), so the
charts show what reviewers signed off.  Tables a run did not produce (the entity tables
without ``--nlp``) give a short note instead of a chart.
"""

from __future__ import annotations

import html
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from pipeline.store import read_table

from .lineage_chart import svg_chart
from .svg import bar_chart, figure, heatmap

REPORT_NAME = "report.html"
MAX_CLAIMS = 80  # rows of the heatmap; more would be unreadable
MAX_SUBJECTS = 8  # lines per figures chart
TOP_ORGANISATIONS = 20


def write_report(out_dir: Path, path: Path | None = None, doc_types: list[str] | None = None) -> Path:
    """Write the report for the tables in ``out_dir`` (only documents of ``doc_types``, when given);
    returns where it was written."""
    out_dir = Path(out_dir)
    path = Path(path) if path else out_dir / REPORT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_report(out_dir, doc_types=doc_types), encoding="utf-8")
    tmp.replace(path)
    return path


def render_report(out_dir: Path, app_link: str | None = None, doc_types: list[str] | None = None) -> str:
    """The report as one HTML string (``app_link``: a link back to the review app); with ``doc_types``
    ("emn_study", "greta_report" …, see documents.doc_type) only publications of those types count."""
    from .decisions import apply_decisions, load_decisions, orphaned_decisions
    from .lineage_chart import lineage_section

    out_dir = Path(out_dir)
    documents = read_table(out_dir, "documents")
    reviewed = apply_decisions(out_dir)
    if doc_types:
        documents = documents[documents["doc_type"].isin(doc_types)]
        reviewed = {name: frame[frame["doc_id"].isin(documents["doc_id"])] if "doc_id" in frame else frame
                    for name, frame in reviewed.items()}
    decisions = load_decisions(out_dir)
    sections = [
        _documents_section(documents),
        _claims_section(reviewed.get("claims"), documents),
        _figures_section(reviewed.get("figures")),
        _organisations_section(reviewed.get("organisations")),
        lineage_section(read_table(out_dir, "claim_lineage")),
    ]
    review_note = (f"{len(decisions)} review decision(s) applied"
                   + (f", {len(orphaned_decisions(out_dir))} orphaned" if decisions else "") + ".")
    return _page(out_dir, sections, review_note, app_link)


# --- sections ----------------------------------------------------------------------------------------------

def _documents_section(documents: pd.DataFrame) -> str:
    if not len(documents):
        return _section("Documents", "<p>No documents: this folder has no run yet.</p>")
    statuses = documents["status"].fillna("unknown").value_counts()
    ok = int(statuses.get("ok", 0))
    failed = statuses.drop("ok", errors="ignore")
    facts = (f"<p><b>{len(documents)}</b> documents processed: <b>{ok}</b> ok, "
             f"<b>{int(failed.sum())}</b> failed.</p>")
    by_type = documents["content_type"].fillna("unknown").value_counts()
    facts += "<p>By type: " + ", ".join(f"{_esc(t)} {n}" for t, n in by_type.items()) + ".</p>"
    labels, counts = [str(s) for s in statuses.index], [int(n) for n in statuses.values]
    svg = bar_chart(labels, counts, "documents", ["#2f7d32" if s == "ok" else "#c62828" for s in labels])
    chart = figure("chart-documents", "Documents by status", svg, ["status", "documents"], list(zip(labels, counts)))
    failures = documents[documents["status"] != "ok"]
    table = ""
    if len(failures):
        rows = "".join(f"<tr><td>{_esc(r.source)}</td><td>{_esc(r.status)}</td><td>{_esc(r.error)}</td></tr>"
                       for r in failures.itertuples())
        table = f"<table><tr><th>source</th><th>reason</th><th>error</th></tr>{rows}</table>"
    return _section("Documents", facts + chart + table)


def claim_country_matrix(claims: pd.DataFrame | None) -> pd.DataFrame:
    """Claims (rows, by doc_id and marker_offset) × ISO codes (columns): 1 where the claim's (reviewed)
    countries include the country; only claims with countries."""
    from pipeline.footnotes import listed_codes

    if claims is None or not len(claims) or "countries" not in claims:
        return pd.DataFrame()
    pairs = pd.DataFrame([(doc_id, offset, code, 1) for doc_id, offset, value
                          in zip(claims["doc_id"], claims["marker_offset"], claims["countries"])
                          for code in listed_codes(value)], columns=["doc_id", "marker_offset", "iso2", "present"])
    if not len(pairs):
        return pd.DataFrame()
    pairs["claim"] = list(zip(pairs["doc_id"], pairs["marker_offset"]))
    matrix = pairs.pivot_table(index="claim", columns="iso2", values="present", aggfunc="max", fill_value=0)
    order = matrix.sum().sort_values(ascending=False, kind="stable").index
    return matrix[order]


def check_counts(claims: pd.DataFrame | None) -> dict[str, int]:
    """Claims by check: markers, checked, agree, disagree, unchecked and each reason a claim is unchecked."""
    checks = claims["check"].value_counts().to_dict() if claims is not None and "check" in claims else {}
    counts = {name: int(checks.get(name, 0)) for name in ("agree", "disagree", "no_body", "no_count", "no_countries")}
    counts.update(markers=0 if claims is None else len(claims), checked=counts["agree"] + counts["disagree"],
                  unchecked=counts["no_body"] + counts["no_count"] + counts["no_countries"])
    return counts


def _check_summary(claims) -> str:
    n = check_counts(claims)
    return (f'<p class="checks"><b>{n["markers"]}</b> footnote markers: <b>{n["checked"]}</b> claims checked '
            f'(<b>{n["agree"]}</b> agree, <b>{n["disagree"]}</b> disagree), <b>{n["unchecked"]}</b> not checkable '
            f'({n["no_body"]} without a footnote body, {n["no_count"]} without a stated count, '
            f'{n["no_countries"]} whose footnote lists no countries).</p>')


def _claims_section(claims, documents: pd.DataFrame) -> str:
    title = "Countries behind the claims"
    matrix = claim_country_matrix(claims)
    if not len(matrix):
        return _section(title, _check_summary(claims) + "<p>No footnoted claim lists countries in these tables.</p>")
    titles = dict(zip(documents["doc_id"], documents["title"].fillna(documents["doc_id"])))
    by_claim = {(r["doc_id"], r["marker_offset"]): r for r in claims.to_dict("records")}
    note = ""
    if len(matrix) > MAX_CLAIMS:
        note = f"<p>Showing the first {MAX_CLAIMS} of {len(matrix)} claims with countries.</p>"
        matrix = matrix.iloc[:MAX_CLAIMS]
    labels, hover = [], []
    for number, key in enumerate(matrix.index, 1):
        claim = by_claim[key]
        flag = "≠ " if claim.get("check") == "disagree" else ""
        labels.append(f"{flag}{_short(titles.get(key[0], key[0]), 28)} · fn {claim['footnote']} · {number}")
        hover.append(_short(f"{claim.get('anchor') or ''} — {claim.get('sentence') or ''}", 160))
    svg = heatmap(labels, [str(c) for c in matrix.columns], matrix.values.tolist(), hover)
    listed = [[label, ", ".join(str(c) for c, v in zip(matrix.columns, row) if v)]
              for label, row in zip(labels, matrix.values.tolist())]
    chart = figure("chart-claims", "Country × claim (filled: the claim's footnote lists the country; "
                   "≠: stated count disagrees)", svg, ["claim", "countries"], listed)
    per_country = matrix.sum().astype(int)
    top = ", ".join(f"{_esc(code)} {n}" for code, n in per_country.head(10).items())
    facts = _check_summary(claims) + f"<p>{len(matrix)} claims list {matrix.shape[1]} countries; most often: {top}.</p>"
    return _section(title, facts + note + chart)


def figures_over_time(figures: pd.DataFrame | None) -> pd.DataFrame:
    """Figures with a year and a subject (reader comments left out): unit, subject, year, value."""
    if figures is None or not len(figures) or "subject" not in figures:
        return pd.DataFrame(columns=["unit", "subject", "year", "value", "mention", "doc_id", "sentence"])
    frame = figures[figures["section"].fillna("body") != "comment"].copy()
    frame["year"] = pd.to_numeric(frame["period_end"], errors="coerce").fillna(
        pd.to_numeric(frame["period_start"], errors="coerce"))
    frame["subject"] = frame["subject"].map(lambda s: " ".join(str(s).split()).lower() if s else None)
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame = frame.dropna(subset=["year", "subject", "value"])
    frame["year"] = frame["year"].astype(int)
    return frame[["unit", "subject", "year", "value", "mention", "doc_id", "sentence"]].sort_values(["subject", "year"])


def _figures_section(figures) -> str:
    title = "Figures over time by subject"
    if figures is None:
        return _section(title, "<p>No figures table: run with the NLP stage (<code>thb run --nlp</code>).</p>")
    points = figures_over_time(figures)
    if not len(points):
        return _section(title, "<p>No figure in these tables has both a subject and a year.</p>")
    charts = []
    for unit, group in points.groupby("unit", sort=True):
        subjects = group["subject"].value_counts().head(MAX_SUBJECTS).index
        lines = [(_short(subject, 40), [(str(y), float(v)) for y, v in
                  zip(group.loc[group["subject"] == subject, "year"], group.loc[group["subject"] == subject, "value"])])
                 for subject in subjects]
        rows = [[name, year, f"{value:g}"] for name, points in lines for year, value in points]
        charts.append(figure(f"chart-figures-{unit}", f"{unit}: the {len(subjects)} subjects stated most often",
                             svg_chart(lines, str(unit)), ["subject", "year", unit], rows))
    facts = f"<p>{len(points)} figures with a subject and a year ({points['subject'].nunique()} subjects).</p>"
    return _section(title, facts + "".join(charts))


def _organisations_section(organisations) -> str:
    title = "Most frequent organisations"
    if organisations is None:
        return _section(title, "<p>No organisations table: run with the NLP stage (<code>thb run --nlp</code>).</p>")
    if not len(organisations):
        return _section(title, "<p>No organisation was found.</p>")
    names = organisations["name"].fillna(organisations["mention"])
    counts = (organisations.assign(_name=names).groupby("_name")
              .agg(mentions=("doc_id", "size"), documents=("doc_id", "nunique"))
              .sort_values(["mentions", "documents"], ascending=False).head(TOP_ORGANISATIONS))
    names = [_short(n, 60) for n in counts.index]
    svg = bar_chart(names, counts["mentions"].tolist(), "mentions")
    rows = [[n, m, d] for n, m, d in zip(names, counts["mentions"], counts["documents"])]
    return _section(title, figure("chart-organisations", f"The {len(counts)} organisations named most often", svg,
                                  ["organisation", "mentions", "documents"], rows))


# --- HTML ----------------------------------------------------------------------------------------------------

def _esc(value) -> str:
    return html.escape("" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value))


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(title: str, body: str) -> str:
    return f"<section><h2>{_esc(title)}</h2>{body}</section>"


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: .9rem; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.muted { color: #666; } figure.chart { margin: 1rem 0; } figcaption { font-weight: 600; } svg { max-width: 100%; height: auto; }
"""


def _page(out_dir: Path, sections: list[str], review_note: str, app_link: str | None) -> str:
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    back = f' · <a href="{_esc(app_link)}">review app</a>' if app_link else ""
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>thb run report</title><style>{_STYLE}</style></head><body>"
            f"<h1>Run report</h1><p class=\"muted\">Tables in {_esc(out_dir)} · generated {generated} · "
            f"{_esc(review_note)}{back}</p>{''.join(sections)}</body></html>")
