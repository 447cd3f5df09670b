"""Property: whatever a (random-garbling) model does, enforcement never crashes, every rendering of
every matched mention appears exactly once per mention, and every reported offset reads back.

"Appears" means a standalone occurrence (``find_standalone``): 日本 inside 日本人 is another word, and
words like that which the model wrote must come through untouched."""
from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.glossary.enforce import GlossaryTranslator
from service.glossary.model import ActiveGlossary, Glossary, GlossaryEntry
from service.glossary.restore import find_standalone

WORDS = ["Alpha", "Bravo", "Delta", "Echo", "Kilo", "Lima", "Nova", "Oscar", "Zulu", "US", "U.S."]
FILLER = ["the", "and", "met", "in", "said", "of", ",", ".", "'s", "ZX", "1", "Zx 2", "東京", "서울"]


class GarblingTranslator:
    """ADVERSARIAL TEST DOUBLE: seeded random drops, copies, splits, case changes and shuffles."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        rng = random.Random(f"{self.seed}-{target_lang}-{len(texts)}")
        return [self._garble(t, rng) for t in texts]

    @staticmethod
    def _garble(text: str, rng: random.Random) -> str:
        tokens = re.findall(r"\S+", text)
        out: list[str] = []
        for token in tokens:
            roll = rng.random()
            if roll < 0.15:
                continue
            if roll < 0.25:
                out += [token, token]
            elif roll < 0.35:
                out.append(" ".join(token.lower()))
            elif roll < 0.45:
                out.append(token + rng.choice(["은", "는", "を", "の", ""]))
            else:
                out.append(token)
        if rng.random() < 0.3:
            rng.shuffle(out)
        return rng.choice([" ", "", "  "]).join(out)


@st.composite
def glossaries(draw):
    sources = draw(st.lists(st.sampled_from(WORDS[:9]), min_size=1, max_size=5, unique=True))
    entries = []
    for n, source in enumerate(sources):
        two_words = draw(st.booleans())
        term = f"{source} {WORDS[(n + 3) % 9]}" if two_words else source
        entries.append(GlossaryEntry(
            term, {"ja": f"«J{n}»", "ko": f"«K{n}»"},
            type=draw(st.sampled_from(["person", "place", "term"])),
            case_sensitive=draw(st.booleans()),
        ))
    entries.append(GlossaryEntry("United States", {"ja": "«JUS»", "ko": "«KUS»"}, "place", aliases=("US",)))
    return Glossary("g", tuple(entries))


texts = st.lists(st.sampled_from(WORDS + FILLER), min_size=0, max_size=14).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(glossary=glossaries(), segments=st.lists(texts, min_size=1, max_size=4), seed=st.integers(0, 10_000),
       detect=st.booleans())
def test_enforcement_holds_under_garbling(glossary: Glossary, segments: list[str], seed: int, detect: bool) -> None:
    gt = GlossaryTranslator(GarblingTranslator(seed), ActiveGlossary((glossary,)), detect_names=detect)
    ids = [f"s{i}" for i in range(len(segments))]
    outcome = gt.translate_segments(segments, "en", ["ja", "ko"], ids)
    for lang in ("ja", "ko"):
        assert len(outcome.translations[lang]) == len(segments)
    for entity in outcome.entities:
        if entity.resolution != "glossary":
            continue
        per_segment = Counter(m.segment for m in entity.mentions if m.lang == "en")
        for lang in ("ja", "ko"):
            rendering = entity.renderings[lang]
            for i, sid in enumerate(ids):
                spans = sorted((m.start, m.end) for m in entity.mentions if m.lang == lang and m.segment == sid)
                assert find_standalone(outcome.translations[lang][i], rendering, lang) == spans
                assert len(spans) == per_segment[sid]
    for entity in outcome.entities:
        for m in entity.mentions:
            i = ids.index(m.segment)
            if m.lang == "en":
                assert 0 <= m.start < m.end <= len(segments[i])
            else:
                assert outcome.translations[m.lang][i][m.start:m.end] == entity.renderings[m.lang]


# Real renderings, and words that merely contain one (in the source, copied through by the model).
REAL = Glossary("real", (
    GlossaryEntry("Japan", {"ja": "日本", "ko": "일본"}, "place"),
    GlossaryEntry("Russia", {"ja": "ロシア", "ko": "러시아"}, "place"),
    GlossaryEntry("North Korea", {"ja": "北朝鮮", "ko": "북한"}, "place"),
    GlossaryEntry("United States", {"ja": "米国", "ko": "미국"}, "place", aliases=("US",)),
))
COMPOUNDS = ["日本人", "ロシア語", "米国産", "일본인", "일본어", "미국산", "남북한", "Japanese", "USB"]
REAL_WORDS = ["Japan", "Russia", "North Korea", "US", "the", "met", ",", ".", "日本は", "일본은", "북한의"]


class RecordingGarbler(GarblingTranslator):
    """The garbling double, remembering its raw output per language."""

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.raw: dict[str, list[str]] = {}

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        self.raw[target_lang] = super().translate_batch(texts, source_lang, target_lang)
        return self.raw[target_lang]


real_texts = st.lists(st.sampled_from(REAL_WORDS + COMPOUNDS), min_size=0, max_size=12).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments=st.lists(real_texts, min_size=1, max_size=3), seed=st.integers(0, 10_000))
def test_longer_words_survive_and_no_standalone_extra_remains(segments: list[str], seed: int) -> None:
    garbler = RecordingGarbler(seed)
    gt = GlossaryTranslator(garbler, ActiveGlossary((REAL,)), detect_names=False)
    ids = [f"s{i}" for i in range(len(segments))]
    outcome = gt.translate_segments(segments, "en", ["ja", "ko"], ids)
    for lang in ("ja", "ko"):
        for raw, text in zip(garbler.raw[lang], outcome.translations[lang], strict=True):
            for word in COMPOUNDS:
                assert text.count(word) >= raw.count(word), (lang, raw, text, word)
    for entity in outcome.entities:
        per_segment = Counter(m.segment for m in entity.mentions if m.lang == "en")
        for lang in ("ja", "ko"):
            rendering = entity.renderings[lang]
            for i, sid in enumerate(ids):
                text = outcome.translations[lang][i]
                spans = {(m.start, m.end) for m in entity.mentions if m.lang == lang and m.segment == sid}
                assert len(spans) == per_segment[sid]
                assert all(text[a:b] == rendering for a, b in spans)
                # A restored name the model glued to a word may not stand alone; an extra copy may not
                # survive. (Without a mention in the segment there is nothing to enforce.)
                if spans:
                    assert set(find_standalone(text, rendering, lang)) <= spans, (lang, text, rendering)
