"""Sentences around footnote markers and the phrase a marker is attached to."""

from __future__ import annotations

import re

from .counts import NUMBER_WORDS

_ABBREVIATIONS = frozenset(
    "e.g i.e etc no nos p pp art arts para paras vol fig figs mr mrs ms dr prof st al cf incl approx vs nr jr inc "
    "ltd co op cit ibid ed eds ch sec resp jan feb mar apr jun jul aug sep sept oct nov dec".split())
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*")
_WORD = re.compile(r"\S+")
_DETERMINERS = frozenset("the a an these those this that its their his her our some several many all both each".split())
_STOP_WORDS = frozenset(
    "in on at by for with from to into towards toward through under between among within across via per about "
    "against over during after before since like as and or but while whereas nor than that which who whom whose "
    "is are was were be been being has have had do does did include includes included including such also not "
    "only can could may might will would should must where when if".split())
_PREPOSITIONS = frozenset(
    "in on at by for with from to into towards toward through under between among within across via per about "
    "against over during after before since of".split())
_CONNECTORS = frozenset("of on in for against and de du des la le".split())
MAX_ANCHOR_WORDS = 12


# --- sentences and anchors -----------------------------------------------------------------------

def split_sentences(text: str, marker_offsets: tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a block.  A full stop ends a sentence when a capital,
    digit or quote follows, unless it closes an abbreviation or an initial; a footnote
    marker right after it ('etc.¹⁵ In contrast') always ends the sentence."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        following = text[end:end + 3]
        if not re.match(r"\s+[\"'“‘(\[]?[A-Z0-9]", following):
            continue
        if end not in marker_offsets and match.group(0).startswith(".") and _is_abbreviation(text, match.start()):
            continue
        spans.append((start, end))
        start = end + len(following) - len(following.lstrip())
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return spans


def _is_abbreviation(text: str, period: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:period])
    if not word:
        return False
    token = word.group(1)
    return token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def anchor_before(text: str, offset: int, floor: int = 0) -> str | None:
    """The phrase a marker is attached to: the noun phrase ending right before it."""
    segment = text[floor:offset].rstrip(" \t\n,.;:!?\"'’”")
    segment = re.sub(r",?\s*etc$", "", segment)
    words: list[str] = []
    if segment.endswith(")"):
        opening = _matching_parenthesis(segment)
        if opening is None:        # a parenthesis opened before the clause: drop the stray closing one
            segment = segment[:-1].rstrip(" ,.;:")
        else:
            words.append(segment[opening:])
            segment = segment[:opening].rstrip()
    tokens = _WORD.findall(segment)
    proper = None
    while tokens and len(words) < MAX_ANCHOR_WORDS:
        raw = tokens[-1]
        word = raw.strip("\"'“”‘’")
        if not re.search(r"\w", word) or (words and raw[-1] in ",;:."):
            break
        lower = word.lower()
        if lower in _DETERMINERS:
            if words:
                words.insert(0, word)
            break
        if proper is None and not _is_number(word) and not word.startswith("("):
            proper = word[0].isupper()
        if not _joins_anchor(word, lower, words, tokens, proper):
            break
        words.insert(0, word)
        tokens.pop()
    if not words and tokens:
        words = [tokens[-1].strip(",;:")]
    return " ".join(words) or None


def _joins_anchor(word: str, lower: str, words: list[str], tokens: list[str], proper: bool | None) -> bool:
    if _is_number(word) or word.startswith("("):
        return True
    if lower in _CONNECTORS and words:
        earlier = tokens[-2] if len(tokens) > 1 else ""
        if lower == "of":
            return bool(earlier) and earlier.lower() not in _STOP_WORDS | _DETERMINERS
        # 'Strategy on Combating Trafficking in Human Beings': lower-case joints inside a title.
        return bool(proper) and words[0][:1].isupper() and earlier[:1].isupper()
    if lower in _STOP_WORDS:
        return False
    if proper:
        return word[0].isupper()
    previous = tokens[-2].lower().strip(",;:") if len(tokens) > 1 else ""
    if previous == "to":              # 'to reinforce international cooperation': a verb
        return False
    if lower.endswith("ed") and previous not in _PREPOSITIONS | _DETERMINERS:
        return False                  # 'also inspected recruitment agencies', but 'on identified victims'
    return True


def _is_number(word: str) -> bool:
    return bool(re.fullmatch(r"\d[\d.,/–-]*", word)) or word.lower() in NUMBER_WORDS


def _matching_parenthesis(text: str) -> int | None:
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return None
