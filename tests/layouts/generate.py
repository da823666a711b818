"""Rebuild the PDF layout regression corpus in tests/fixtures/pdf/ (issue 9).

One source text (content.py) is laid out by several real engines; each family
gets ``<family>.pdf`` and ``<family>.gold.json`` (see tests/fixtures/pdf/README.md).
The word-processor and TeX sources that were converted are kept in ``src/``.

    python tests/layouts/generate.py              # every family
    python tests/layouts/generate.py lo-odt rl-styled

Needs LibreOffice (soffice) for the lo-* families and pdflatex for latex-*;
a family whose engine is missing is skipped with a message (the committed PDF
stays).  The tests never need either: they read the committed PDFs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import content
import docx_writer as docx
import gold
import latex_writer as latex
import odt_writer as odt
import rl_layout as rl

OUT = HERE.parent / "fixtures" / "pdf"
SRC = OUT / "src"


def soffice_version() -> str:
    out = subprocess.run(["soffice", "--version"], capture_output=True, text=True, check=False).stdout.split()
    return f"LibreOffice {out[1]} Writer" if len(out) > 1 else "LibreOffice Writer"


def soffice_pdf(source: Path, pdf: Path) -> None:
    """Convert one ODT/DOCX with a private, throw-away LibreOffice profile."""
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        run = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                              "--convert-to", "pdf:writer_pdf_Export", "--outdir", tmp, str(source)],
                             capture_output=True, text=True, timeout=300, check=False)
        made = Path(tmp) / (source.stem + ".pdf")
        if not made.exists():
            raise RuntimeError(f"soffice failed on {source.name}: {run.stdout}\n{run.stderr}")
        shutil.copyfile(made, pdf)


def _lo(family: str, *, fmt: str = "odt", variant: str = "base", **odt_args) -> dict:
    src = SRC / f"{family}.{fmt}"
    if fmt == "odt":
        odt.write_odt(src, variant=variant, date_line=content.DATE_LONG, **odt_args)
    else:
        docx.write_docx(src, variant=variant, date_line=content.DATE_LONG, **odt_args)
    pdf = OUT / f"{family}.pdf"
    soffice_pdf(src, pdf)
    note_class = odt_args.get("note_class", "footnote")
    return gold.build_gold(
        family=family, engine=f"{soffice_version()} ({fmt.upper()} via soffice --convert-to pdf)",
        columns=odt_args.get("columns", 1), notes=note_class + "s", label_style="number",
        date_line=content.DATE_LONG, published=content.DATE_ISO, variant=variant,
        placement=gold.placement_from_pdf(pdf, variant), pdf=pdf,
        extra={"variant": variant, "source": f"src/{src.name}"})


def _latex(family: str, *, twocolumn: bool = False, variant: str = "base") -> dict:
    src = SRC / f"{family}.tex"
    pdf = OUT / f"{family}.pdf"
    latex.build(pdf, src, variant=variant, twocolumn=twocolumn)
    return gold.build_gold(
        family=family, engine=f"{latex.engine_version()}, article class" + (", twocolumn" if twocolumn else ""),
        columns=2 if twocolumn else 1, notes="footnotes", label_style="number",
        date_line=content.DATE_LONG, published=content.DATE_ISO, variant=variant,
        placement=gold.placement_from_pdf(pdf, variant), pdf=pdf,
        extra={"variant": variant, "source": f"src/{src.name}"})


def _rl(family: str, style: rl.Style, *, variant: str = "base") -> dict:
    import reportlab
    pdf = OUT / f"{family}.pdf"
    placement = rl.build(pdf, style, variant=variant, date_line=content.DATE_MONTH)
    if style.label_style == "number":   # the layouter's own account must agree with the rendered text
        seen = gold.placement_from_pdf(pdf, variant)
        assert (seen.note_pages, seen.breaks) == (placement.note_pages, placement.breaks), (seen, placement)
    return gold.build_gold(
        family=family, engine=f"ReportLab {reportlab.Version} (tests/layouts/rl.py, label_mode={style.label_mode})",
        columns=1, notes="footnotes", label_style=style.label_style,
        date_line=content.DATE_MONTH, published=content.DATE_MONTH_ISO, variant=variant,
        placement=placement, pdf=pdf, extra={"variant": variant, "source": None})


# 9.8 pt body: the size at which the long note "s" falls under a line near a page's foot and continues
STYLED = rl.Style(body_font="Times-Roman", body_size=9.8, leading=12.7, note_font="Helvetica", note_size=7.6,
                  note_leading=9.2, note_color=(0.11, 0.27, 0.53), rule_color=(0.11, 0.27, 0.53),
                  rule_fraction=1.0, label_mode="super", label_style="letter", hanging=9.0, bottom=60.0)

FAMILIES = {
    # lo-odt and lo-docx: sizes at which the engine itself continues a long note on the next page
    "lo-odt": lambda f: _lo(f, body_size=12, note_size=10),
    "lo-odt-wrongcounts": lambda f: _lo(f, variant="wrongcounts", body_size=12, note_size=10),
    "lo-docx": lambda f: _lo(f, fmt="docx", body_size=12, note_size=9),
    "lo-twocol": lambda f: _lo(f, columns=2, body_size=10, note_size=8),
    # notes in the body's own size: only the separator rule and the raised labels tell them apart
    "lo-samesize": lambda f: _lo(f, body_size=11, note_size=11),
    # a word-processor's defaults: 11 pt body, 10 pt notes, half a point above the old threshold
    "lo-docx-11-10": lambda f: _lo(f, fmt="docx", body_size=11, note_size=10),
    "lo-endnotes": lambda f: _lo(f, note_class="endnote"),
    "latex": lambda f: _latex(f),
    "latex-twocol": lambda f: _latex(f, twocolumn=True),
    "rl-plainlabel": lambda f: _rl(f, rl.Style(label_mode="tab")),
    "rl-plainlabel-dot": lambda f: _rl(f, rl.Style(label_mode="dot", body_font="Helvetica", body_size=9.8,
                                                    note_font="Helvetica", note_size=7.8)),
    "rl-styled": lambda f: _rl(f, STYLED),
}
NEEDS = {"lo-": "soffice", "latex": "pdflatex"}


def main(argv: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    SRC.mkdir(exist_ok=True)
    wanted = argv or list(FAMILIES)
    unknown = [f for f in wanted if f not in FAMILIES]
    if unknown:
        print("unknown families:", ", ".join(unknown), file=sys.stderr)
        return 2
    for family in wanted:
        tool = next((t for prefix, t in NEEDS.items() if family.startswith(prefix)), None)
        if tool and shutil.which(tool) is None:
            print(f"{family}: skipped, {tool} not installed")
            continue
        result = FAMILIES[family](family)
        gold.write_gold(OUT / f"{family}.gold.json", result)
        pdf = OUT / f"{family}.pdf"
        split_notes = [n["label"] for n in result["footnotes"] if n["last_page"] != n["page"]]
        print(f"{family}: {result['pages']} pages, {pdf.stat().st_size / 1024:.1f} KB, "
              f"{len(result['footnotes'])} notes, continued notes {split_notes or '-'}, "
              f"split paragraphs {len(result['split_paragraphs'])}, mismatches {result['count_mismatches'] or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
