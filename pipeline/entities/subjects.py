"""What a figure counts: the noun phrase after it ("1,432 possible victims"), or before it for shares.

Takes the text around a figure; gives the subject as written, or None when the text does not say
near the number.  Used by :mod:`.figures`.
"""

from __future__ import annotations

import re

from .figure_words import STOP_WORDS

SUBJECT_BACK = {"count": re.compile(r"(?i)\bnumbers?\s+of\s+"),
                "percent": re.compile(r"(?i)\b(?:proportion|share|percentage|rate)\s+of\s+")}
SUBJECT_STOP = frozenset("""of in from to for with by at on into onto over under about against between among
    within across through via were was are is be been being have has had do does did will would can could may might
    must shall should who which that than then per each every a an the this these those as or nor but while whom
    whose their its it they them we he she his her there here not no also all both such so if when where whereas
    because since until unless although though yet only just still even more most less least very respectively
    including compared according out up below above following previous""".split()) | frozenset(STOP_WORDS)


def subject_after(rest: str, *, needs_of: bool) -> str | None:
    """What a figure counts: the noun phrase right after it, or after 'of' for shares."""
    if re.match(r"\s*\)", rest):       # "the majority (63%) of victims"; "(N: 1,222) rose" has no subject
        rest, needs_of = rest[rest.index(")") + 1:], True
    of = re.match(r"\s+(?:of|among)\s+(?:(?:the|all|its|their|our)\s+)?", rest)
    if of:
        rest = rest[of.end() - 1:]
    elif needs_of:
        return None
    if not rest[:1].isspace():
        return None
    return _noun_phrase(rest.split()[:8])


def _noun_phrase(tokens: list[str]) -> str | None:
    words: list[str] = []
    for i, raw in enumerate(tokens):
        core = re.match(r"[\"'“‘]?([A-Za-z][\w'’]*(?:-[\w'’]+)*)", raw)
        if not core:
            break
        word, trailing = core[1], raw[core.end():]
        lower = word.lower()
        if lower in SUBJECT_STOP or (lower == "and" and not _joins_names(words, tokens[i + 1:i + 2])):
            break
        if not words and lower.endswith("ly") and not trailing:
            continue        # "55 successfully completed investigations"
        if words and not word[0].isupper() and (_verb_like(lower, tokens[i + 1:i + 2])
                                                or lower.endswith(("ly", "wide"))):
            break       # "victims reported to", "victims worldwide"
        words.append(word)
        if trailing or len(words) == 5:
            break
    while words and words[-1].lower() == "and":
        words.pop()
    return " ".join(words) or None


def _joins_names(words: list[str], following: list[str]) -> bool:
    return bool(words and words[-1][:1].isupper() and following and following[0][:1].isupper())


def _verb_like(word: str, following: list[str]) -> bool:
    """'victims reported to', 'cases involving a': a participle ends the phrase; 'trafficking cases' does not."""
    if word.endswith("ed"):
        return True
    if word.endswith("ing"):
        nxt = following[0].lower().strip(".,;:()") if following else ""
        return not nxt or nxt in SUBJECT_STOP or nxt.endswith(("ed", "ing")) or not nxt.isalpha()
    return False


def subject_before(text: str, sentence_start: int, start: int, pattern: re.Pattern) -> str | None:
    found = None
    for found in pattern.finditer(text, max(sentence_start, start - 200), start):
        pass
    if not found:
        return None
    return _noun_phrase(text[found.end():start].split()[:8])
