"""Entities: organisations, countries, persons, legal references and figures, with spaCy.

Takes :class:`~pipeline.model.Document` objects; gives the rows of the ``organisations``,
``countries``, ``persons``, ``legal_refs`` and ``figures`` tables, each with its sentence
and document offsets.  ``nlp`` builds and runs the spaCy pipelines, one per block language,
``components`` registers their components in one place and ``tables`` describes the tables; the
rules the components call live in ``gazetteer`` (curated organisations and places, in English,
French, German and Dutch), ``institutions`` (EU institutions by short form), ``legal`` (acts to
CELEX numbers), ``figures`` with ``figure_words`` and ``subjects`` (stated quantities, their words
in other languages, what they count) and ``people`` (persons, the model's organisations,
acronyms), with ``spans`` for the span helpers they share, and never import spaCy.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "TABLES": ".tables", "DEFAULT_MODEL": ".nlp", "entity_tables": ".nlp", "get_nlp": ".nlp", "build_nlp": ".nlp",
    "entity_batches": ".nlp", "parse_entity_batch": ".nlp", "tables_from_blocks": ".nlp",
    "model_available": ".nlp", "pipeline_versions": ".nlp", "LANGUAGE_MODELS": ".nlp",
    "load_organisations": ".gazetteer", "load_places": ".gazetteer",
    "find_legal_refs": ".legal", "find_figures": ".figures", "find_persons": ".people",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
