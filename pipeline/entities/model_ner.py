"""The statistical model's NER, run only on the sentences where it can add a row.

The rows take two things from the model: its ORG entities (:func:`.people.model_organisations`)
and its PERSON entities (:func:`.people.find_persons`), and both drop any entity that overlaps what
the rules matched (curated organisations, countries, places, legal references).  An entity names
something with a capital letter, so a sentence in which every capitalised word is already a rule's
match, or is the function word that opens the sentence ("The", "In", "However"), cannot give a row
through the model.  The NER, 85% of the entity stage's time, skips those sentences: about a third of
the words of the real reports in ``../shared/corpus``.  Consecutive sentences that need it go through
it together, so that it sees them in their context.

For a Doc made by ``nlp(text)``, whose ``doc.ents`` show the model's other labels too (DATE, NORP …),
every sentence goes through the NER.
"""

from __future__ import annotations

from .spans import inside

_RULE_TABLES = ("organisations", "countries", "places", "legal_refs")
# Tokens of context kept on each side of a run: the sm models' NER reads each token through four
# convolution layers of window 1, so a token's vector depends on the four tokens either side of it.
CONTEXT_TOKENS = 4
# The French and German models label people PER and places LOC, the English one PERSON and GPE.
MODEL_LABELS = {"PER": "PERSON"}


class ModelNerComponent:
    """Sets ``hits["model_ents"]``: ``(start, end, label)`` of the model's entities in the block's text."""

    def __init__(self, nlp, ner, tables_only_key: str):
        self.ner = ner
        self.stop_words = frozenset(nlp.Defaults.stop_words)
        self.tables_only_key = tables_only_key
        self.every_sentence = False     # True: the NER reads every sentence (to check that skipping loses nothing)

    def __call__(self, doc):
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 64):
        from spacy.util import minibatch

        for batch in minibatch(docs, batch_size):
            pieces = [(doc, offset, piece) for doc in batch for offset, piece in self._pieces(doc)]
            parsed = self.ner.pipe((piece for _doc, _offset, piece in pieces), batch_size=max(1, len(pieces)))
            for (doc, offset, _piece), piece in zip(pieces, parsed):
                doc._.thb_hits["model_ents"] += [(offset + e.start_char, offset + e.end_char,
                                                  MODEL_LABELS.get(e.label_, e.label_)) for e in piece.ents]
            yield from batch

    def _pieces(self, doc) -> list[tuple[int, object]]:
        """``(character offset, Doc)`` of each run of consecutive sentences that need the NER."""
        if self.every_sentence or self.tables_only_key not in doc.user_data:
            return [(0, doc)] if len(doc) else []
        runs = self._runs(doc, doc._.thb_hits)
        if runs == [(0, len(doc))]:
            return [(0, doc)]
        return [(doc[start].idx, doc[start:end].as_doc()) for start, end in runs]

    def _runs(self, doc, hits: dict) -> list[tuple[int, int]]:
        """Token ranges of consecutive sentences that have a capitalised word no rule matched, with their context."""
        matched = sorted((h["start"], h["end"]) for table in _RULE_TABLES for h in hits[table])
        runs: list[tuple[int, int]] = []
        for sentence in doc.sents:
            if not self._needs_model(sentence, matched):
                continue
            start, end = max(0, sentence.start - CONTEXT_TOKENS), min(len(doc), sentence.end + CONTEXT_TOKENS)
            if runs and runs[-1][1] >= start:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((start, end))
        return runs

    def _needs_model(self, sentence, matched: list[tuple[int, int]]) -> bool:
        opening = True
        for token in sentence:
            text = token.text
            if not text.islower() and any(c.isupper() for c in text):
                opening_word = opening and token.lower_ in self.stop_words
                if not opening_word and not inside(token.idx, token.idx + len(text), matched):
                    return True
            if opening and token.is_alpha:
                opening = False
        return False
