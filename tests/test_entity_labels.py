"""Labels that look like entities but are not: comment numbering is no figure, an abstract phrase no organisation."""

from pipeline.entities.figures import find_figures
from pipeline.entities.people import model_organisations


def figures_in(text: str) -> list[str]:
    return [hit["mention"] for hit in find_figures(text, [(0, len(text))], [])]


def test_comment_index_labels_are_not_figures():
    assert figures_in("Reader 0") == [] and figures_in("Reader 1 wrote: I agree.") == []
    assert figures_in("Comment 2") == [] and figures_in("User 5") == []
    assert figures_in("Reader 12 says 40 victims were found.") == ["40"]  # the statement's figure stays
    assert figures_in("The article drew 30 comments.") == ["30"]


def test_an_abstract_phrase_is_not_an_organisation_without_a_head_word():
    text = "the EU Charter on Fundamental Rights, the European Union Agency for Fundamental Rights and Human Rights Watch"
    spans = [(text.index(name), text.index(name) + len(name), "ORG") for name in
             ("Fundamental Rights,", "European Union Agency for Fundamental Rights", "Human Rights Watch")]
    names = [hit["name"] for hit in model_organisations(text, spans, [], [], frozenset())]
    assert names == ["European Union Agency for Fundamental Rights", "Human Rights Watch"]
