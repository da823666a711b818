import gzip

import pytest

from pipeline.ingest import filetypes as sniff


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.html", sniff.PDF),
        (b"<!DOCTYPE html><html><head><title>x</title></head></html>", "page.pdf", sniff.HTML),
        (b"\xef\xbb\xbf<!-- saved --><html lang='en'><body><p>x</p></body></html>", "", sniff.HTML),
        (b"# Note\n\nVictims<sup>1</sup> were identified.", "note.txt", sniff.MARKDOWN),
        (b"Plain words on a line.\n\nAnother paragraph.", "note.txt", sniff.PLAIN),
        (b"Plain words.", "note.md", sniff.MARKDOWN),
        (b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>', "feed", sniff.XML),
        (b"", "empty.pdf", sniff.EMPTY),
        (b"  \n\t ", "blank.md", sniff.EMPTY),
    ],
)
def test_types_come_from_the_bytes(data, name, expected):
    assert sniff.sniff(data, name) == expected


def test_word_file_named_pdf_is_named_for_what_it_is():
    assert sniff.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "report.pdf").startswith("application/msword")


def test_gzip_and_binary_junk_are_not_text():
    assert sniff.sniff(gzip.compress(b"<html></html>"), "page.html") == "application/gzip"
    junk = bytes(range(256)) * 8
    assert sniff.sniff(junk, "x.txt") not in sniff.EXTRACTABLE
