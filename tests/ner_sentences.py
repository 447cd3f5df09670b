"""Sentences written for training the tests' tiny spaCy NER pipeline (names made up for the purpose).

They teach a few labels on a fixed frame, enough for the pipeline to find its training names
again; the tests check loading, wiring, types and fallback, never the model's quality.
"""
from __future__ import annotations

PEOPLE = ("Maria Lopez", "John Carter", "Aiko Tanaka", "Oren Blackwood")
PLACES = ("Lisbon", "Nairobi", "Valparaiso", "Tromso")
ORGANIZATIONS = ("Acme Holdings", "Blue River Bank", "Northwind Agency")
EVENTS = ("Harbor Accord", "Lantern Summit")
FRAMES = (
    "{person} visited {place} on Monday to meet officials of {org}.",
    "Officials of {org} said {person} would sign the {event} in {place}.",
)


def training_examples() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """(text, [(start, end, label)]) pairs: PERSON, GPE, ORG and EVENT in every sentence."""
    examples = []
    for i in range(24):
        values = {"person": PEOPLE[i % 4], "place": PLACES[i % 4], "org": ORGANIZATIONS[i % 3],
                  "event": EVENTS[i % 2]}
        frame = FRAMES[i % 2]
        text = frame.format(**values)
        labels = {"person": "PERSON", "place": "GPE", "org": "ORG", "event": "EVENT"}
        spans = []
        for key, label in labels.items():
            if "{" + key + "}" in frame:
                start = text.index(values[key])
                spans.append((start, start + len(values[key]), label))
        examples.append((text, sorted(spans)))
    return examples
