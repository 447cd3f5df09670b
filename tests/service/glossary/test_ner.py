"""The NER detector: spaCy labels onto entry types, spans trimmed to the name, reported as "ner"."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.ner import load_spacy_ner
from service.glossary.enforce import GlossaryTranslator
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.ner import NerDetector
from tests.fakes import TaggingTranslator
from tests.ner_sentences import ORGANIZATIONS, PEOPLE, PLACES


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


class FakePipeline:
    """Labels every occurrence of the given surfaces; records what it was asked."""

    name = "fake_ner-0.0.1"

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self.calls: list[list[str]] = []

    def spans(self, texts):
        self.calls.append(list(texts))
        out = []
        for text in texts:
            found = []
            for surface, label in self.labels.items():
                at = text.find(surface)
                if at >= 0:
                    found.append(Span(at, at + len(surface), label))
            out.append(sorted(found, key=lambda s: s.start))
        return out


@pytest.mark.parametrize(("label", "kind"), [
    ("PERSON", "person"), ("GPE", "place"), ("LOC", "place"), ("FAC", "place"), ("ORG", "organization"),
    ("EVENT", "term"), ("LAW", "term"), ("WORK_OF_ART", "term"),
])
def test_labels_map_onto_entry_types(label: str, kind: str) -> None:
    names = NerDetector(FakePipeline({"Quillon Vare": label})).detect(["We saw Quillon Vare today."])[0]
    assert [(n.name, n.type, n.detector) for n in names] == [("Quillon Vare", kind, "ner")]


@pytest.mark.parametrize("label", ["NORP", "DATE", "MONEY", "CARDINAL", "PERCENT", "QUANTITY", "ORDINAL", "TIME"])
def test_nationalities_and_numbers_are_left_to_the_model(label: str) -> None:
    assert NerDetector(FakePipeline({"Quillon": label})).detect(["Quillon rose."]) == [[]]


@pytest.mark.parametrize(("surface", "label", "name", "titled"), [
    ("Foreign Minister Park", "PERSON", "Park", True),
    ("the Bank of Quill", "ORG", "Bank of Quill", False),
    ("Quillon's", "PERSON", "Quillon", False),
    ("Ministers", "ORG", None, False),            # no name in it
    ("Trilateral Ministerial Meeting", "EVENT", None, False),
])
def test_spans_are_trimmed_to_the_name(surface: str, label: str, name: str | None, titled: bool) -> None:
    text = f"Later {surface} spoke."
    found = NerDetector(FakePipeline({surface: label})).detect([text])[0]
    if name is None:
        assert found == []
    else:
        assert [(n.name, n.titled) for n in found] == [(name, titled)]
        assert text[found[0].start:found[0].end] == name


def test_ner_names_are_enforced_and_reported_as_ner() -> None:
    pipeline = FakePipeline({"Quillon Vare": "PERSON", "Zarnow": "GPE"})
    translator = GlossaryTranslator(TaggingTranslator(), ActiveGlossary(), detector=NerDetector(pipeline))
    outcome = translator.translate_segments(["Quillon Vare flew to Zarnow.", "Then Vare left."], "en", ["ja"],
                                            ["s1", "s2"])
    entities = {e.source: e for e in outcome.entities}
    assert (entities["Quillon Vare"].detector, entities["Quillon Vare"].type) == ("ner", "person")
    assert entities["Zarnow"].type == "place"
    assert {m.segment for m in entities["Quillon Vare"].mentions if m.lang == "en"} == {"s1", "s2"}  # "Vare" linked
    assert len(pipeline.calls) == 1  # one pipeline call for the whole batch


def test_a_glossary_name_wins_over_the_ner_span() -> None:
    glossary = Glossary("desk", (GlossaryEntry("Zarnow", {"ja": "ザルノフ"}, type="place"),))
    translator = GlossaryTranslator(TaggingTranslator(), ActiveGlossary((glossary,)),
                                    detector=NerDetector(FakePipeline({"Zarnow": "GPE"})))
    (entity,) = translator.translate_segments(["They met in Zarnow."], "en", ["ja"], ["s1"]).entities
    assert (entity.resolution, entity.detector, entity.renderings) == ("glossary", "glossary", {"ja": "ザルノフ"})


def test_the_tiny_pipeline_finds_its_training_names(tiny_ner_dir) -> None:
    detector = NerDetector(load_spacy_ner(tiny_ner_dir))
    text = f"{PEOPLE[1]} visited {PLACES[2]} on Monday to meet officials of {ORGANIZATIONS[0]}."
    found = {n.name: n.type for n in detector.detect([text])[0]}
    assert found, "the tiny pipeline finds names in a sentence of its training frame"
    assert set(found.values()) <= {"person", "place", "organization", "term"}
    assert all(name in text for name in found)


def test_a_lone_common_word_or_a_heading_is_no_name() -> None:
    detector = NerDetector(FakePipeline({"Summit": "EVENT", "READOUT": "ORG", "Quillon": "PERSON"}))
    texts = ["READOUT", "The Summit ended; Quillon left."]
    found = detector.detect(texts, context=[*texts, "The summit was long."])
    assert [[n.name for n in names] for names in found] == [[], ["Quillon"]]


def test_a_wire_dateline_is_no_name() -> None:
    detector = NerDetector(FakePipeline({"TOKYO": "GPE", "AP": "ORG", "Quillon": "PERSON"}))
    assert [n.name for n in detector.detect(["TOKYO (AP) — Quillon left."])[0]] == ["Quillon"]
