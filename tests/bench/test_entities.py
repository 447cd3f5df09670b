"""The entity bench's scoring on a hand-made article: found, missed, learned, linked."""
from __future__ import annotations

from bench.entities import _Score, analyse, score
from service.glossary.heuristic import HeuristicDetector

ARTICLE = {
    "id": "a", "text": "Foreign Minister Park Jin met Ministers in Quillport.\n\nPark said the Meeting went well.",
    "entities": [
        {"name": "Park Jin", "type": "person", "forms": ["Park Jin"], "short_refs": ["Park"], "ambiguous_refs": []},
        {"name": "Quillport", "type": "place", "forms": ["Quillport"], "short_refs": []},
    ],
    "not_names": ["Foreign", "Minister", "Ministers", "Meeting"],
}


def test_the_heuristic_scores_the_article() -> None:
    result = _Score()
    score(ARTICLE, analyse(ARTICLE["text"], HeuristicDetector(), []), result)
    row = result.row("heuristic only")
    assert (row["recall"], row["precision"], row["short_linked"]) == (1.0, 1.0, 1.0)
    assert (row["learned"], row["short"]) == (2, 1)


def test_nothing_found_scores_zero() -> None:
    result = _Score()
    score(ARTICLE, [], result)
    row = result.row("none")
    assert (row["recall"], row["short_linked"], row["learned"]) == (0.0, 0.0, 0)
    assert len(row["missed"]) == 3  # two entities and one short reference
