"""Write the source content as LaTeX (article class, \\footnote) and run pdflatex."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import content

_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}
_URL = re.compile(r"https?://[^\s,]+")


def tex_escape(text: str) -> str:
    out, pos = [], 0
    for m in _URL.finditer(text):
        out.append("".join(_SPECIAL.get(ch, ch) for ch in text[pos:m.start()]))
        out.append(r"\url{" + m.group(0) + "}")
        pos = m.end()
    out.append("".join(_SPECIAL.get(ch, ch) for ch in text[pos:]))
    return "".join(out)


def source(*, variant: str = "base", date_line: str = content.DATE_LONG, twocolumn: bool = False) -> str:
    body = []
    for heading, paragraphs in content.SECTIONS:
        body.append(r"\section{" + tex_escape(heading) + "}")
        for paragraph in paragraphs:
            text = content.fill_counts(paragraph, variant)
            out, pos = [], 0
            for m in content.MARKER.finditer(text):
                out.append(tex_escape(text[pos:m.start()]))
                out.append(r"\footnote{" + tex_escape(content.NOTES[m.group(1)][1]) + "}")
                pos = m.end()
            out.append(tex_escape(text[pos:]))
            body.append("".join(out) + "\n")
    head = (r"\begin{center}{\LARGE\bfseries " + tex_escape(content.TITLE) + r"\par}\vspace{6pt}"
            r"{\large\itshape " + tex_escape(content.SUBTITLE) + r"\par}\vspace{6pt}"
            + tex_escape(date_line) + r"\par\vspace{10pt}\end{center}")
    options = "10pt,a4paper,twocolumn" if twocolumn else "11pt,a4paper"
    return "\n".join([
        r"\pdfinfoomitdate=1 \pdftrailerid{} \pdfsuppressptexinfo=-1",
        r"\documentclass[" + options + "]{article}",
        r"\pdfgentounicode=1 \input{glyphtounicode}",
        r"\usepackage[margin=" + ("2cm" if twocolumn else "2.6cm") + "]{geometry}",
        r"\usepackage{url}",
        r"\pdfinfo{/Title (" + content.TITLE + r") /Creator (tests/layouts/generate.py)}",
        r"\begin{document}",
        (r"\twocolumn[" + head + "]") if twocolumn else head,
        *body,
        r"\end{document}", ""])


def engine_version() -> str:
    first = subprocess.run(["pdflatex", "--version"], capture_output=True, text=True,
                           check=False).stdout.splitlines()[0]
    return first   # e.g. "pdfTeX 3.141592653-2.6-1.40.24 (TeX Live 2022/Debian)"


def build(pdf: Path, src: Path, **kwargs) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tex = Path(tmp) / "doc.tex"
        tex.write_text(source(**kwargs), encoding="utf-8")
        for _ in range(2):
            run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                                 cwd=tmp, capture_output=True, text=True, check=False)
            if run.returncode:
                raise RuntimeError(run.stdout[-3000:])
        shutil.copyfile(Path(tmp) / "doc.pdf", pdf)
        shutil.copyfile(tex, src)
