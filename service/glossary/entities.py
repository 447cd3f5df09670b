"""Finding the entities of a batch of segments: glossary matches, detected names, short references.

Order of resolution, per mention: the request's glossaries (inline, named, ``default``), then the
CLDR layer, then the names a detector finds (spaCy NER when installed, else the heuristic one). A
detected name that contains a glossary match ("Bank of Japan" around "Japan") takes its place.
Then short references: a lone word that is the first or last word of exactly one person named in
the article ("Park" after "Park Jin") becomes a mention of that person; a word two persons share
links to neither, with a warning for the reviewer.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from service.brief import BriefWarning
from service.glossary.cldr import CLDR_NAME
from service.glossary.detection import DetectedName, KnownSpan, NameDetector
from service.glossary.heuristic_words import is_demonym, is_demonym_of
from service.glossary.learned import LEARNED_GLOSSARY_NAME, LearnedGlossary
from service.glossary.matcher import EntityMatch, EntityMatcher, Fallback
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.shortref import LAST, name_words, reference_words
from service.glossary.wordlists import CORE_TITLES, FUNCTION_WORDS, GENERIC, HEADS, MONTHS_AND_DAYS, TITLE_MODIFIERS

_SUFFIX = re.compile(r",?\s+(?:Jr\.|Sr\.|Jr\b|Sr\b|II\b|III\b|IV\b)")
_TITLE_BEFORE = re.compile(r"(?:(?:" + "|".join(sorted(CORE_TITLES | TITLE_MODIFIERS, key=len, reverse=True))
                           + r")\.?\s+)+")
_LOCATIVE = re.compile(r"\b(?:in|at|near|from|into|across|outside|around)\s+$")
INSTITUTION = "institution"  # the place of a short reference to an institution: it takes the full rendering
# A warning and the batch position of its segment (None: it concerns no one segment).
Note = tuple[int | None, BriefWarning]


@dataclass(frozen=True)
class PlacedMention:
    """A mention in one segment, named by the segment's position in the batch."""

    position: int
    lang: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceMention:
    """A mention in the English: ``place`` is set for a short reference ("first"/"last" word of the name)."""

    start: int
    end: int
    surface: str
    entity: str
    place: str | None = None


@dataclass
class Entity:
    """One entity of the batch: a glossary entry (with its fallbacks) or a learned name."""

    key: str
    source: str
    type: str
    glossary: str | None  # the layer's name; None for learned names
    entry: GlossaryEntry
    detector: str
    fallbacks: tuple[Fallback, ...] = ()
    renderings: dict[str, str] = field(default_factory=dict)
    rendered_by: dict[str, str] = field(default_factory=dict)
    short_renderings: dict[str, str] = field(default_factory=dict)
    mentions: list[PlacedMention] = field(default_factory=list)


@dataclass
class Findings:
    """The mentions of every segment (by batch position), the entities, and notes for the reviewer."""

    mentions: list[list[SourceMention]]
    entities: dict[str, Entity]
    notes: list[Note]


@dataclass
class _Person:
    """A possible owner of short references: a person, or an institution ("the Assembly")."""

    key: str
    name: str
    words: dict[str, str]  # reference word -> "first" | "last" | "institution"
    certain: bool = True  # a person for sure; else a name only a title or "said" makes one ("Mr. Ohara")
    match: EntityMatch | None = None  # the glossary match that names it (None: a learned name)


class EntityFinder:
    """Finds every entity mention of a batch with one glossary matcher and one detector (or none)."""

    def __init__(self, matcher: EntityMatcher, detector: NameDetector | None, learned: LearnedGlossary, *,
                 checkpoint: Callable[[str], None] | None = None) -> None:
        self.matcher = matcher
        self.detector = detector
        self.learned = learned
        self._learned_cache: tuple[int, EntityMatcher] | None = None
        # Called for every text matched and every segment placed: the request's deadline stops a long batch.
        self.checkpoint = checkpoint or (lambda _work: None)

    def find(self, segments: Sequence[str], groups: Sequence[range],
             contexts: Sequence[Sequence[str] | None]) -> Findings:
        """Mentions per segment; ``groups`` are the batch positions of each article, ``contexts`` its text."""
        findings = Findings([[] for _ in segments], {}, [])
        for positions, context in zip(groups, contexts, strict=True):
            texts = [segments[p] for p in positions]
            self._find_group(list(positions), texts, list(context) if context else texts, findings)
        return findings

    # -- one article ---------------------------------------------------------------------------

    def _find_group(self, positions: list[int], texts: list[str], context: list[str], findings: Findings) -> None:
        everything = list(dict.fromkeys([*texts, *context]))
        matches = {t: self._matches(t) for t in everything}
        own = list(dict.fromkeys(texts))
        detected = self._detect(own, matches, context)
        # The rest of the article is searched only where a lone word of the segments may be introduced
        # ("Park said ..." → the sentence naming "Park Jin"): NER costs by the sentence.
        lone = self._lone_words(own, matches, detected)
        if lone:
            pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(lone))) + r")\b")
            around = [t for t in everything if t not in detected and pattern.search(t)]
            detected.update(self._detect(around, matches, context))
        persons = self._persons(everything, matches, detected, findings)
        owners: dict[str, list[_Person]] = {}
        for person in persons:
            for word in person.words:
                owners.setdefault(word, []).append(person)
        for position, text in zip(positions, texts, strict=True):
            self.checkpoint("glossary matching")
            mentions = self._segment(position, text, matches[text], detected.get(text, []), owners, findings)
            findings.mentions[position] = mentions
            for m in mentions:
                findings.entities[m.entity].mentions.append(PlacedMention(position, "en", m.start, m.end))

    def _matches(self, text: str) -> list[EntityMatch]:
        self.checkpoint("glossary matching")
        return self._extend_suffixes(text, self.matcher.find(text))

    @staticmethod
    def _lone_words(texts: list[str], matches: dict[str, list[EntityMatch]],
                    detected: dict[str, list[DetectedName]]) -> set[str]:
        """Capitalised words of ``texts`` that no glossary match or longer detected name covers."""
        found: set[str] = set()
        for text in texts:
            covered = [(m.start, m.end) for m in matches[text]]
            covered += [(n.start, n.end) for n in detected.get(text, []) if " " in n.name]
            for word in re.finditer(r"\b[A-Z][\w'\u2019-]*", text):
                if not any(s <= word.start() < e for s, e in covered) and word.group(0) not in FUNCTION_WORDS:
                    found.add(word.group(0).removesuffix("'s").removesuffix("\u2019s"))
        return found

    def _detect(self, texts: list[str], matches: dict[str, list[EntityMatch]],
                context: list[str]) -> dict[str, list[DetectedName]]:
        if self.detector is None or not texts:
            return {}
        known = [[KnownSpan(m.start, m.end, m.entry.type == "place") for m in matches[t]] for t in texts]
        names = self.detector.detect(texts, known=known, context=context)
        return dict(zip(texts, names, strict=True))

    @staticmethod
    def _extend_suffixes(text: str, matches: list[EntityMatch]) -> list[EntityMatch]:
        """A person's mention takes a following "Jr." or "III" with it ("Joseph R. Biden, Jr."), and leaves a
        title in a glossary form to the text ("Secretary Austin" → "Austin": the model translates the title)."""
        out = []
        for m in matches:
            start, end = m.start, m.end
            if m.entry.type == "person":
                suffix = _SUFFIX.match(text, end)
                if suffix and not any(end <= o.start < suffix.end() for o in matches):
                    end = suffix.end()
                title = _TITLE_BEFORE.match(text, start, end)
                if title and title.end() < end:
                    start = title.end()
            if (start, end) != (m.start, m.end):
                m = EntityMatch(start, end, text[start:end], m.entry, m.glossary, m.layer, m.fallbacks)
            out.append(m)
        return out

    def _persons(self, texts: list[str], matches: dict[str, list[EntityMatch]],
                 detected: dict[str, list[DetectedName]], findings: Findings) -> list[_Person]:
        """Every person (and institution) named in full in the article, with the words a short reference
        may use: a person's first and last word, an institution's head word or its name without its
        country ("the Assembly", "Samsung", "the Coast Guard")."""
        found: dict[str, _Person] = {}
        for text in texts:
            for m in matches[text]:
                key = self._glossary_key(m)
                if m.entry.type == "person":
                    words = {**reference_words(m.entry.source), **reference_words(m.surface)}
                    found.setdefault(key, _Person(key, m.entry.source, words, match=m))
                elif m.entry.type in ("organization", "term") and m.glossary != CLDR_NAME:
                    words = {w: p for w, p in _institution_words(m.surface, []).items() if not self.matcher.find(w)}
                    found.setdefault(key, _Person(key, m.entry.source, words, match=m))
            for name in detected.get(text, []):
                if _absorbed(name, matches[text]) is None:
                    continue
                key = f"learned:{name.name}"
                words = reference_words(name.name)
                located = bool(_LOCATIVE.search(text[:name.start]))  # "plants in Hung Yen": a place, not a person
                if words and (name.type == "person" or (name.type == "term" and len(name_words(name.name)) <= 4
                                                        and not located and not _institution_words(name.name, []))):
                    found.setdefault(key, _Person(key, name.name, words, certain=name.type == "person"))
                elif name.type in ("organization", "term"):
                    inside = [(m.start - name.start, m.end - name.start) for m in matches[text]
                              if name.start <= m.start and m.end <= name.end]
                    found.setdefault(key, _Person(key, name.name, _institution_words(name.name, inside)))
        common = {w.casefold() for text in texts for w in re.findall(r"\b[a-z][a-z'-]+\b", text)}
        for person in found.values():
            person.words = {w: place for w, place in person.words.items() if place == INSTITUTION or (
                w.casefold() not in common and w not in FUNCTION_WORDS | MONTHS_AND_DAYS | GENERIC | CORE_TITLES)}
            if not person.certain:  # a title, "said" or an age anywhere in the article makes it a person
                forms = [re.escape(w) for w in person.words] + [re.escape(person.name)]
                pattern = re.compile(rf"(?<![\w.-])(?:{'|'.join(forms)})(?![\w-])")
                person.certain = any(_introduced(t, m.start(), m.end()) for t in texts for m in pattern.finditer(t))
        return [p for p in found.values() if p.words]

    def _segment(self, position: int, text: str, matches: list[EntityMatch], detected: list[DetectedName],
                 owners: dict[str, list[_Person]], findings: Findings) -> list[SourceMention]:
        """The mentions of one segment: glossary matches, detected names, short references."""
        names = [n for n in detected if _absorbed(n, matches) is not None]
        kept = [m for m in matches if not any(n.start <= m.start and m.end <= n.end for n in names)]
        mentions: list[SourceMention] = []
        for m in kept:
            word = m.surface.rstrip(".")
            person = _sole_owner(owners.get(word, []))
            if person is not None and (m.glossary == CLDR_NAME or person.key == self._glossary_key(m)):
                mentions.append(self._short(position, m.start, m.end, text, person, findings))
            else:
                mentions.append(SourceMention(m.start, m.end, m.surface, self._glossary_entity(m, findings)))
        taken = [(m.start, m.end) for m in mentions]
        for name in names:
            if any(name.start < e and s < name.end for s, e in taken):
                continue
            lone = _lone_word(name)
            if lone is not None and lone in owners:
                continue  # a short reference: linked (or left alone, if ambiguous) below
            if self._note_name(position, name, findings):
                mentions.append(SourceMention(name.start, name.end, name.name, f"learned:{name.name}"))
                taken.append((name.start, name.end))
        mentions += self._short_references(position, text, taken, owners, findings)
        taken = [(m.start, m.end) for m in mentions]
        for m in self._learned_matcher().find(text, exclude=taken) if self.detector else []:
            key = self._learned_entity(m.entry.source, findings).key
            mentions.append(SourceMention(m.start, m.end, m.surface, key))
        return sorted(mentions, key=lambda m: m.start)

    def _note_name(self, position: int, name: DetectedName, findings: Findings) -> bool:
        """Record a detected name as learned, unless it is a known place's adjective; notes a likely typo."""
        near = self.matcher.closest(name.name)
        if near is not None and near.entry.type == "place" and is_demonym_of(name.name, near.entry.source):
            return False  # "South Korean soil": the adjective of a known place, neither a name nor a typo
        if near is not None:
            findings.notes.append((position, BriefWarning(
                "glossary-possible-misspelling", f"{name.name!r} is not in any glossary; did the text mean "
                f"{near.entry.source!r} (glossary {near.glossary!r})?")))
        self.learned.note(name.name, name.type, name.detector)
        self._learned_entity(name.name, findings)
        return True

    def _short_references(self, position: int, text: str, taken: list[tuple[int, int]],
                          owners: dict[str, list[_Person]], findings: Findings) -> list[SourceMention]:
        """Every lone use of a person's reference word outside the mentions found so far."""
        found: list[SourceMention] = []
        warned: set[str] = set()
        for word, people in owners.items():
            for match in re.finditer(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text):
                start, end = match.span()
                if any(start < e and s < end for s, e in taken) or not _stands_alone(text, start, end):
                    continue
                people = [p for p in people if p.certain or _introduced(text, start, end)]
                if not people:
                    continue
                person = _sole_owner(people) or _likeliest(people, word)
                if person is None:
                    if word not in warned:
                        warned.add(word)
                        names = " and ".join(repr(p.name) for p in people)
                        findings.notes.append((position, BriefWarning(
                            "entity-ambiguous-reference", f"{word!r} may mean {names}; it was not linked "
                            "to either: check its rendering")))
                    continue
                found.append(self._short(position, start, end, text, person, findings))
                taken.append((start, end))
        return found

    def _short(self, position: int, start: int, end: int, text: str, person: _Person,
               findings: Findings) -> SourceMention:
        surface = text[start:end]
        place = person.words.get(surface.rstrip("."), LAST)
        if person.match is not None:
            self._glossary_entity(person.match, findings)
        elif place == INSTITUTION:
            self._learned_entity(person.name, findings)
        else:
            self.learned.note(person.name, "person", self.learned.detector(person.name))
            self._learned_entity(person.name, findings).type = "person"
        return SourceMention(start, end, surface, person.key, place)

    # -- entities ------------------------------------------------------------------------------

    @staticmethod
    def _glossary_key(match: EntityMatch) -> str:
        return f"glossary:{match.glossary}:{match.entry.source}"

    def _glossary_entity(self, match: EntityMatch, findings: Findings) -> str:
        key = self._glossary_key(match)
        if key not in findings.entities:
            detector = "cldr" if match.glossary == CLDR_NAME else "glossary"
            findings.entities[key] = Entity(key, match.entry.source, match.entry.type, match.glossary, match.entry,
                                            detector, match.fallbacks)
        return key

    def _learned_entity(self, name: str, findings: Findings) -> Entity:
        key = f"learned:{name}"
        entity = findings.entities.get(key)
        if entity is None:
            entry = GlossaryEntry(source=name, renderings={}, type=self.learned.kind(name))
            entity = findings.entities[key] = Entity(key, name, entry.type, None, entry, self.learned.detector(name))
        return entity

    def _learned_matcher(self) -> EntityMatcher:
        """A matcher over the learned names, rebuilt only when a name was added.

        Learned names only grow, so their count identifies the set; rebuilding for every
        segment cost ~45 ms a segment once a batch job had learned 2,000 names.
        """
        names = self.learned.names()
        cached = self._learned_cache
        if cached is not None and cached[0] == len(names):
            return cached[1]
        entries = tuple(GlossaryEntry(source=name, renderings={}, type=self.learned.kind(name)) for name in names)
        matcher = EntityMatcher(ActiveGlossary((Glossary(LEARNED_GLOSSARY_NAME, entries),)))
        self._learned_cache = (len(names), matcher)
        return matcher


def _institution_words(name: str, known: list[tuple[int, int]]) -> dict[str, str]:
    """Short forms of an institution's name: its head word ("Assembly"), the name without a country or
    acronym before it ("Coast Guard" of "U.S. Coast Guard"), its proper first word ("Samsung" of
    "Samsung Electronics")."""
    words = name.split()
    head = next((words[i - 1] for i, w in enumerate(words) if i and w in ("of", "for", "on")), words[-1])
    if len(words) < 2 or head not in HEADS:
        return {}
    found = {head: INSTITUTION}
    lead = next((e for s, e in known if s == 0), 0)
    if lead and len(name[lead:].split()) >= 2:
        found[name[lead:].strip()] = INSTITUTION
    rest = words[1:]
    if words[0] not in GENERIC and not words[0].isupper() and not is_demonym(words[0]) and not known \
            and all(w in HEADS or w in GENERIC for w in rest):
        found[words[0]] = INSTITUTION
    return found


def _absorbed(name: DetectedName, matches: list[EntityMatch]) -> DetectedName | None:
    """``name`` unless a glossary match covers it, or overlaps it without lying inside it."""
    for m in matches:
        if m.start < name.end and name.start < m.end and not (name.start <= m.start and m.end <= name.end
                                                              and (name.start, name.end) != (m.start, m.end)):
            return None
    return name


def _lone_word(name: DetectedName) -> str | None:
    return name.name.rstrip(".") if len(name.name.split()) == 1 else None


def _sole_owner(people: list[_Person]) -> _Person | None:
    return people[0] if len(people) == 1 else None


def _likeliest(people: list[_Person], word: str) -> _Person | None:
    """Of several owners, the one a word can only mean: the sole certain person; None if still two."""
    certain = [p for p in people if p.certain and p.words.get(word) != INSTITUTION]
    return certain[0] if len(certain) == 1 else None


def _stands_alone(text: str, start: int, end: int) -> bool:
    """Whether the word at ``start:end`` is a name by itself: no capitalised name word joins it,
    before (titles aside: "Foreign Minister Park") or after ("Park Geun-hye", but "Park's" is fine)."""
    before = re.search(r"([A-Z][\w.'\u2019-]*)\s$", text[:start])
    if before and before.group(1).rstrip(".") not in CORE_TITLES and not _sentence_opener(text, before.start(1)) \
            and before.group(1).rstrip(".") not in _OPENERS and not re.search(r"[,;:]\s$", text[:start]):
        return False
    after = text[end:]
    return not re.match(r"\s[A-Z][a-z]", after) or bool(re.match(r"\s(?:said|says|told)\b", after))


_OPENERS = frozenset({"The", "But", "And", "When", "While", "After", "Before", "As", "Then"})


def _introduced(text: str, start: int, end: int) -> bool:
    """A title or honorific before the word, or "said" after it: the word names a person."""
    before = re.search(r"([A-Z][a-z]*)\.?\s$", text[:start])
    return bool(before and before.group(1) in CORE_TITLES) or bool(
        re.match(r"(?:['\u2019]s)?(?:,[^,]{0,60},)?\s(?:said|says|told|added|noted|is|was|has|had|will|would|"
                 r"[a-z]{3,}ed)\b", text[end:])) or bool(
        re.match(r",\s+(?:who|whose|\d{1,3},|(?:a|an|the)\s+\d{1,3}-year-old)\b", text[end:]))


def _sentence_opener(text: str, at: int) -> bool:
    return at == 0 or bool(re.search(r"[.!?]\s+$|^\s*$", text[:at]))
