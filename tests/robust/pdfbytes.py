"""Hand-made PDFs with structural loops, and reproducible mutations of a seed PDF."""

from __future__ import annotations

import random


def pdf_from_objects(objects: list[bytes], *, trailer_extra: bytes = b"", prev_to_self: bool = False) -> bytes:
    """A PDF whose object i+1 is ``objects[i]``, with a correct xref table (or one whose /Prev is itself)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    prev = b" /Prev %d" % xref_at if prev_to_self else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, prev, trailer_extra, xref_at)
    return bytes(out)


def page_with(content: bytes, resources: bytes = b"") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << %s >> >>" % resources,
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]


def circular_pages_tree() -> bytes:
    return pdf_from_objects([b"<< /Type /Catalog /Pages 2 0 R >>",
                             b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                             b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 2 >>"])


def xobject_loop() -> bytes:
    objects = page_with(b"/X1 Do", b"/XObject << /X1 5 0 R >>")
    form = b"/X1 Do BT /F1 12 Tf 72 700 Td (loop) Tj ET"
    objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 5 0 R >> >> "
                   b"/Length %d >>\nstream\n%s\nendstream" % (len(form), form))
    return pdf_from_objects(objects)


def xref_loop() -> bytes:
    return pdf_from_objects(page_with(b"BT 72 700 Td (x) Tj ET"), prev_to_self=True)


def mutations(seed_pdf: bytes, count: int, seed: int) -> list[bytes]:
    """``count`` variants of ``seed_pdf``: byte flips, truncations and spliced ranges, the same for the same seed."""
    rng = random.Random(seed)
    variants = []
    for _ in range(count):
        data = bytearray(seed_pdf)
        kind = rng.choice(("flip", "truncate", "splice"))
        if kind == "flip":
            for _ in range(rng.randint(1, 40)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "truncate":
            del data[rng.randrange(1, len(data)):]
        else:
            start, end = sorted(rng.randrange(len(data)) for _ in range(2))
            at = rng.randrange(len(data))
            data[at:at] = data[start:end]
        variants.append(bytes(data))
    return variants
