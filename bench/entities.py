"""Entity detection on the annotated articles of ``bench/data/entities`` (issue 19), per detector set:
recall of names, precision of learned names, short references linked; and what finding entities
costs a ~1,000-word brief.

* recall: an annotated entity counts as found when a reported mention covers one of its
  occurrences exactly (a leading "the" and a possessive aside), or when the reported entity is
  a glossary entry of that name with a mention on one of its occurrences;
* precision of learned names: of the distinct names the detector added (not glossary or CLDR),
  the share that are one of the article's entity surfaces (forms, short or ambiguous references);
* short references: each lone occurrence of an annotated short reference after the entity's
  first full mention, linked when the report gives it to the entity found at that full mention;
  ambiguous references (a family name two people share) must not be linked.
"""
from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "entities"


@dataclass
class _Score:
    entities: int = 0
    found: int = 0
    learned: int = 0
    learned_real: int = 0
    short: int = 0
    short_linked: int = 0
    ambiguous: int = 0
    ambiguous_linked: int = 0
    seconds: float = 0.0
    words: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def row(self, name: str) -> dict[str, Any]:
        return {"set": name, "recall": self.found / max(self.entities, 1),
                "precision": self.learned_real / max(self.learned, 1), "learned": self.learned,
                "short_linked": self.short_linked / max(self.short, 1), "short": self.short,
                "ambiguous_linked": self.ambiguous_linked, "ambiguous": self.ambiguous,
                "ms_per_1000_words": 1000 * self.seconds / max(self.words, 1) * 1000,
                "missed": self.missed, "wrong": self.wrong}


def articles() -> list[dict[str, Any]]:
    """The annotated articles, in file order."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*.json"))]


def _spans(text: str, surface: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    if text[start:end].startswith(("the ", "The ")):
        start += 4
    if text[start:end].endswith(("'s", "\u2019s")):
        end -= 2
    return start, end


def analyse(text: str, detector: Any, layers: Sequence[Any]) -> list[tuple[Any, list[tuple[int, int]]]]:
    """The glossary layer's entity report for an article: each entity with its English spans in the article."""
    from service.glossary.enforce import GlossaryTranslator
    from service.glossary.model import ActiveGlossary
    from service.pipeline.segmentation import split_sentences

    sentences = split_sentences(text)
    translator = GlossaryTranslator(_NoTranslator(), ActiveGlossary(tuple(layers)), detector=detector,
                                    detect_names=detector is not None)
    outcome = translator.translate_segments([s.text for s in sentences], "en", [],
                                            [str(i) for i in range(len(sentences))])
    return [(e, [(sentences[int(m.segment)].start + m.start, sentences[int(m.segment)].start + m.end)
                 for m in e.mentions if m.lang == "en"]) for e in outcome.entities]


class _NoTranslator:
    """Detection needs no translation: no target language is asked for."""

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        raise AssertionError("the entity bench translates nothing")


def score(article: dict[str, Any], report: list[tuple[Any, list[tuple[int, int]]]], into: _Score) -> None:
    """Add one article's figures to ``into``."""
    text = article["text"]
    spans = {(_trim(text, *span)): entity for entity, found in report for span in found}
    owner: dict[str, Any] = {}  # annotated name -> the reported entity found at one of its full mentions
    for annotated in article["entities"]:
        occurrences = [s for form in annotated["forms"] for s in _spans(text, form)]
        hit = next((spans[s] for s in occurrences if s in spans), None)
        if hit is None:
            hit = next((e for e, found in report if e.source in annotated["forms"]
                        and any(a < y and x < b for a, b in found for x, y in occurrences)), None)
        into.entities += 1
        if hit is None:
            into.missed.append(f"{article['id']}: {annotated['name']}")
        else:
            into.found += 1
            owner[annotated["name"]] = hit
    surfaces = {s for a in article["entities"] for s in (*a["forms"], *a["short_refs"], *a.get("ambiguous_refs", ()))}
    learned = {e.source for e, _found in report if e.detector in ("ner", "heuristic")}
    into.learned += len(learned)
    into.learned_real += len(learned & surfaces)
    into.wrong += [f"{article['id']}: {name}" for name in sorted(learned - surfaces)]
    _score_short(article, spans, owner, into)


def _score_short(article: dict[str, Any], spans: dict[tuple[int, int], Any], owner: dict[str, Any],
                 into: _Score) -> None:
    text = article["text"]
    full = [s for a in article["entities"] for form in a["forms"] for s in _spans(text, form)]
    for annotated in article["entities"]:
        first = min((s[0] for form in annotated["forms"] for s in _spans(text, form)), default=len(text))
        for ref in annotated["short_refs"]:
            for span in _spans(text, ref):
                if span[0] < first or any(a <= span[0] and span[1] <= b for a, b in full):
                    continue
                into.short += 1
                linked = spans.get(span)
                if linked is not None and linked is owner.get(annotated["name"]):
                    into.short_linked += 1
                else:
                    into.missed.append(f"{article['id']}: short reference {ref!r} of {annotated['name']}")
        for ref in annotated.get("ambiguous_refs", ()):
            for span in _spans(text, ref):
                if any(a <= span[0] and span[1] <= b for a, b in full):
                    continue
                into.ambiguous += 1
                linked = spans.get(span)
                if linked is not None and linked.type == "person":
                    into.ambiguous_linked += 1


def detector_sets(settings: Any, say: Callable[[str], None]) -> list[tuple[str, Any, list[Any]]]:
    """(name, detector, glossary layers) for each set the bench compares."""
    from service.glossary.cldr import cldr_glossary
    from service.glossary.heuristic import HeuristicDetector
    from service.glossary.model import Glossary
    from service.glossary.store_schema import load_default_entries

    default = Glossary("default", tuple(load_default_entries()), id="bench-default")
    sets: list[tuple[str, Any, list[Any]]] = [
        ("heuristic only", HeuristicDetector(), []),
        ("glossary + CLDR + heuristic", HeuristicDetector(), [default, cldr_glossary()]),
    ]
    pipeline = _installed_ner(settings, say)
    if pipeline is not None:
        from service.glossary.ner import NerDetector

        sets.append((f"glossary + CLDR + NER ({pipeline.name})", NerDetector(pipeline), [default, cldr_glossary()]))
    return sets


def _installed_ner(settings: Any, say: Callable[[str], None]) -> Any:
    from models.manager import ModelManager

    try:
        return ModelManager(settings).ner()
    except Exception as exc:  # noqa: BLE001 - a broken pipeline is reported, the other sets still run
        say(f"entities: the installed NER pipeline does not load: {type(exc).__name__}: {exc}")
        return None


def run_entities(models: Any, tmp: Path, passes: int, quick: bool, say: Callable[[str], None]) -> dict[str, Any]:
    """Quality per detector set on the annotated articles, and the detection's share of a brief."""
    from service.settings import load_settings

    data = articles()
    say(f"entities: {len(data)} annotated articles, {sum(len(a['entities']) for a in data)} entities")
    rows = []
    for name, detector, layers in detector_sets(load_settings(), say):
        result = _Score()
        for article in data:
            started = time.perf_counter()
            report = analyse(article["text"], detector, layers)
            result.seconds += time.perf_counter() - started
            result.words += len(article["text"].split())
            score(article, report, result)
        rows.append(result.row(name))
        say(f"entities: {name}: recall {rows[-1]['recall']:.3f}, precision {rows[-1]['precision']:.3f}")
    return {"rows": rows, "articles": len(data), "share": _brief_share(models, tmp, passes, quick, say)}


def _brief_share(models: Any, tmp: Path, passes: int, quick: bool, say: Callable[[str], None]) -> list[dict[str, Any]]:
    """Median ms of a ~1,000-word brief and of its entity finding, per detector, run interleaved."""
    from bench.brief import _resources
    from bench.models import article
    from models.ner import load_spacy_ner
    from models.tiny_ner import SM_SIZE, TINY_SIZE, train_ner
    from service.glossary.heuristic import HeuristicDetector
    from service.glossary.ner import NerDetector
    from service.pipeline import BriefRequest, build_brief

    examples = _training_examples()
    detectors: dict[str, Any] = {"heuristic": HeuristicDetector()}
    for label, size in (("NER, tiny pipeline", TINY_SIZE), ("NER, en_core_web_sm's NER size", SM_SIZE)):
        say(f"entities: training a spaCy NER pipeline ({label})")
        folder = train_ner(examples, tmp / f"ner-{len(detectors)}", epochs=1 if quick else 4, size=size)
        detectors[label] = NerDetector(load_spacy_ner(folder))
    from service.runtime.resources import Resources

    # The bench's usual 1,000-word article (our corpus sentences, few names), and a name-dense one:
    # two annotated articles (government statement and wire copy) of ~450 words each.
    data = articles()
    texts = {"corpus article": article(1000), "annotated articles": f"{data[0]['text']}\n\n{data[-1]['text']}"}
    request = BriefRequest(target_langs=("ja", "ko"), sentences=5)
    base = _resources(models, tmp, cache=False, store="entities.sqlite3")
    rows = []
    for label, text in texts.items():
        timings: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in detectors}
        say(f"entities: {label}, {len(text.split())} words, {passes + 1} interleaved passes per detector")
        for i in range(passes + 1):
            for name, detector in detectors.items():
                resources = Resources(base.settings, models=base.models, glossaries=base.glossaries,
                                      detector=detector)
                variant = text.replace(" the ", f" the {i} ", 1 + i) if i else text
                started = time.perf_counter()
                brief = build_brief(variant, request, resources)
                if i:  # the first pass warms up
                    timings[name][0].append((time.perf_counter() - started) * 1000)
                    timings[name][1].append(brief.meta.timings_ms["entities"])
        for name, (totals, entities) in timings.items():
            total, spent = statistics.median(totals), statistics.median(entities)
            rows.append({"detector": f"{name} ({label}, {len(text.split())} words)", "brief_ms": total,
                         "entities_ms": spent, "share": spent / total})
    return rows


def _training_examples() -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Sentences for the bench's own pipelines (timing only): the annotated articles' own spans."""
    labels = {"person": "PERSON", "place": "GPE", "organization": "ORG", "term": "EVENT"}
    from service.pipeline.segmentation import split_sentences

    examples = []
    for art in articles()[:4]:
        for sentence in split_sentences(art["text"]):
            spans: list[tuple[int, int, str]] = []
            for annotated in art["entities"]:
                for form in annotated["forms"]:
                    for a, b in _spans(sentence.text, form):
                        if not any(a < y and x < b for x, y, _ in spans):
                            spans.append((a, b, labels[annotated["type"]]))
            examples.append((sentence.text, sorted(spans)))
    return examples


def render_entities(result: dict[str, Any]) -> list[str]:
    """The entities part as Markdown."""
    lines = ["", f"## Entities ({result['articles']} annotated articles, bench/data/entities)", "",
             "| detector set | recall of names | precision of learned names | short references linked | "
             "ambiguous references linked | ms per 1,000 words |", "|---|---|---|---|---|---|"]
    for row in result["rows"]:
        lines.append(f"| {row['set']} | {row['recall']:.3f} | {row['precision']:.3f} ({row['learned']} names) | "
                     f"{row['short_linked']:.3f} ({row['short']}) | {row['ambiguous_linked']} of "
                     f"{row['ambiguous']} | {row['ms_per_1000_words']:.1f} |")
    if not any("NER" in row["set"] for row in result["rows"]):
        lines += ["", "No NER pipeline is installed (`python -m service models import DIR --for ner`): no NER row."]
    lines += ["", "| brief (→ 5 sentences, ja + ko) | median brief ms | entities ms | share |",
              "|---|---|---|---|"]
    for row in result["share"]:
        lines.append(f"| {row['detector']} | {row['brief_ms']:.1f} | {row['entities_ms']:.1f} | {row['share']:.3f} |")
    lines += ["", "The bench's NER pipelines are trained here for timing only (a few epochs on four of the "
              "annotated articles); their detection quality says nothing about an official pipeline's."]
    for row in result["rows"]:
        if row["missed"] or row["wrong"]:
            lines += ["", f"<details><summary>{row['set']}: missed and wrong</summary>", "",
                      *(f"- missed {m}" for m in row["missed"]), *(f"- learned, not a name: {w}" for w in row["wrong"]),
                      "", "</details>"]
    return lines
