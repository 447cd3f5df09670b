"""The heuristic name detector, for installs without an NER pipeline.

Capitalised words are grouped into runs ("Bank of Japan", "Foreign Minister Park Jin"), then
each run is judged with closed word classes (:mod:`service.glossary.wordlists`) and evidence from
the whole article (a word also written in lower case there is a common word; a word capitalised
in mid-sentence somewhere is a name even where it opens a sentence):

* titles split a run: "Foreign Minister Park" is the person "Park" with a title;
* title words, institution words and generic Title Case nouns (Ministers, Meeting, Summit(s),
  Dialogue, Statement, Alliance ...) are no name on their own; a phrase of them is one only when
  an institution or instrument word heads it ("Ministry of Planning and Investment", "Mutual
  Defense Treaty") or a proper word is in it ("Shangri-La Dialogue");
* sentence-initial words, months, weekdays, demonyms, all-caps headings and datelines, and
  "Jr"/"Sr"/roman numerals alone are not names; a suffix stays with the name before it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from service.glossary.detection import DetectedName, KnownSpan
from service.glossary.heuristic_words import (
    Evidence,
    Token,
    dateline_end,
    is_demonym,
    is_headline,
    is_plural_noun,
    phrase_head,
    plural_title,
    tokenize,
)
from service.glossary.wordlists import (
    CORE_TITLES,
    FUNCTION_WORDS,
    GENERIC,
    HEADS,
    MONTHS_AND_DAYS,
    NAME_CONNECTORS,
    NON_NAME_ACRONYMS,
    ORGANIZATION_HEADS,
    PARTY_WORDS,
    PLACE_HEADS,
    PLACE_PREFIXES,
    SINGULAR_INSTITUTIONS,
    SUFFIXES,
    TITLE_MODIFIERS,
    WEAK_HEADS,
)

_SUFFIX_AFTER = re.compile(r",?\s+(Jr\.|Sr\.|Jr\b|Sr\b|II\b|III\b|IV\b)")
_MAX_RUN_TOKENS = 14
# Heads of a government's own bodies, named after the country that has them ("ROK Ministry of ...").
_MINISTRIES = frozenset({"Ministry", "Department", "Chiefs"})
# Words that take an "of" complement inside a name besides institution words ("Republic of Korea").
_COMPLEMENTED = frozenset({"States", "Republic", "Kingdom", "Chiefs", "Status", "Race", "Law", "Government",
                           "Federation", "Commonwealth", "Emirates", "Isle", "Cape", "Gulf", "Sea", "Bay"})


class HeuristicDetector:
    """Names from capitalisation, titles and word classes; see the module docstring."""

    name = "heuristic"

    def detect(self, texts: Sequence[str], *, known: Sequence[Sequence[KnownSpan]] | None = None,
               context: Sequence[str] = ()) -> list[list[DetectedName]]:
        """The names in each text; ``context`` (the article) tells common words from names."""
        if isinstance(texts, str):
            raise TypeError("texts must be a sequence of strings, not a string")
        evidence = Evidence([*texts, *context])
        spans = known if known is not None else [()] * len(texts)
        return [_Text(text, list(k), evidence).names() for text, k in zip(texts, spans, strict=True)]


class _Text:
    """One text being searched."""

    def __init__(self, text: str, known: list[KnownSpan], evidence: Evidence) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        self.text = text
        self.known = known
        self.evidence = evidence

    def names(self) -> list[DetectedName]:
        if is_headline(self.text, self.evidence):
            return []  # Title Case capitalises every word; nothing there marks a name
        found: list[DetectedName] = []
        dateline = dateline_end(self.text)
        for run in self._runs([t for t in tokenize(self.text, self.known) if t.start >= dateline]):
            found += self._judge(run)
        return sorted({(n.start, n.end): n for n in found}.values(), key=lambda n: n.start)

    # -- grouping capitalised words ----------------------------------------------------------

    def _line_is_caps(self, tok: Token) -> bool:
        line_start = self.text.rfind("\n", 0, tok.start) + 1
        line_end = self.text.find("\n", tok.end)
        line = self.text[line_start:line_end if line_end >= 0 else len(self.text)]
        head = line.split(",")[0] if re.match(r"[A-Z][A-Z .'-]+,", line) else ""
        return not any(c.islower() for c in line) or tok.end <= line_start + len(head)

    def _name_like(self, tok: Token) -> bool:
        if tok.known or re.match(r"[dl]['\u2019][A-Z]", tok.text):  # "Côte d'Ivoire"
            return True
        if not tok.capital or (tok.word.isupper() and len(tok.word) > 1 and self._line_is_caps(tok)):
            return False
        return not (tok.word.isupper() and tok.word in NON_NAME_ACRONYMS)

    def _runs(self, tokens: list[Token]) -> list[list[Token]]:
        """Name-like tokens joined by a space, a hyphen or "&", and across connectors ("of", "and")
        where an institution word asks for a complement; each run is judged on its own."""
        runs: list[list[Token]] = []
        current: list[Token] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if self._name_like(tok) or (tok.text == "&" and current) or self._model_number(current, tok):
                if current and not self._adjacent(current[-1], tok) and not self._comma_join(current, tokens, i):
                    runs.append(current)
                    current = []
                current.append(tok)
                i += 1
                continue
            bridge = self._bridge(current, tokens, i) if current else 0
            if bridge:
                current += tokens[i:i + bridge]
                i += bridge
                continue
            if current:
                runs.append(current)
                current = []
            i += 1
        if current:
            runs.append(current)
        return [r[:_MAX_RUN_TOKENS] for r in (self._trim_connectors(run) for run in runs) if r]

    def _model_number(self, current: list[Token], tok: Token) -> bool:
        """A number that is part of a name: "Nikkei 225", "Boeing 737" (not a year, not after a generic word)."""
        return (len(current) == 1 and tok.text.isdigit() and 2 <= len(tok.text) <= 4
                and not (len(tok.text) == 4 and tok.text[:2] in ("19", "20")) and self._proper(current[0])
                and self.text[current[-1].end:tok.start] == " " and not current[0].initial)

    def _adjacent(self, left: Token, right: Token) -> bool:
        gap = self.text[left.end:right.start]
        return gap in (" ", "-", "") or (gap == " " and right.text == "&") or (left.text == "&" and gap == " ")

    def _bridge(self, current: list[Token], tokens: list[Token], i: int) -> int:
        """How many connector tokens from ``i`` join ``current`` to the capitalised words after them."""
        last = current[-1].word
        j = i
        while j < len(tokens) and tokens[j].text in NAME_CONNECTORS and j - i < 2:
            j += 1
        if j == i or j >= len(tokens) or not self._name_like(tokens[j]) or tokens[j].initial \
                or tokens[j].word in MONTHS_AND_DAYS:
            return 0
        if any(not self._adjacent(a, b) and self.text[a.end:b.start] != " " for a, b in
               zip(tokens[i - 1:j], tokens[i:j + 1], strict=False)):
            return 0
        words = [t.text for t in tokens[i:j]]
        complement = any(t.text in ("of", "on", "for") for t in current)
        if words[0] == "to" or (words[0] == "in" and not (complement and words[1:] == ["the"])):
            return 0  # "Championship in Naples"; but "Committee on Foreign Investment in the United States"
        if words[0] in ("of", "for", "on", "in") and (last in HEADS or last in CORE_TITLES or last in WEAK_HEADS
                                                          or complement or last in _COMPLEMENTED):
            return j - i
        if words[0] in ("de", "da", "van", "von", "bin", "al", "del", "der", "du", "la", "le", "dos", "das"):
            return j - i
        if words == ["and"] and not self._demonym_after(tokens, j) and (
                self._heads_after(tokens, j) or (self._in_complement(current) and self._generic(tokens[j]))):
            return 1
        return 0

    def _generic(self, tok: Token) -> bool:
        return not tok.known and tok.capital and not self._proper(tok) and tok.word not in CORE_TITLES

    def _in_complement(self, current: list[Token]) -> bool:
        """Whether ``current`` ends inside the "of" complement of an institution ("Ministry of Economy")."""
        return any(t.text == "of" for t in current) and all(self._generic(t) for t in current[-1:])

    def _comma_join(self, current: list[Token], tokens: list[Token], i: int) -> bool:
        """"Economy, Trade and Industry" inside an institution name: generic words listed with commas."""
        if not current or self.text[current[-1].end:tokens[i].start] != ", " or not self._generic(tokens[i]):
            return False
        if not self._generic(current[-1]):
            return False
        if self._in_complement(current):
            return True
        k = i  # "Meteorology, Climatology and Geophysical Agency": the list ends in "and ... <head>"
        while k < len(tokens) and self._generic(tokens[k]):
            k += 1
        return k < len(tokens) and tokens[k].text == "and" and self._heads_after(tokens, k + 1)

    def _demonym_after(self, tokens: list[Token], j: int) -> bool:
        """Whether the capitalised words from ``j`` start with a people's adjective: "and South Korean
        Defense Minister ..." begins someone else's title, not the rest of "Secretary of Defense"."""
        k = j
        while k < len(tokens) and k - j < 3 and self._name_like(tokens[k]):
            if is_demonym(tokens[k].word):
                return True
            k += 1
        return False

    def _heads_after(self, tokens: list[Token], j: int) -> bool:
        """Whether the capitalised words from ``j`` end in an institution or instrument word."""
        k = j
        while k < len(tokens) and self._name_like(tokens[k]) and (k == j or self._adjacent(tokens[k - 1], tokens[k])):
            k += 1
        return k > j and tokens[k - 1].word in HEADS

    @staticmethod
    def _trim_connectors(run: list[Token]) -> list[Token]:
        while run and (run[-1].text in NAME_CONNECTORS or run[-1].text == "&") and not run[-1].known:
            run = run[:-1]
        return run

    # -- judging a run ---------------------------------------------------------------------

    def _proper(self, tok: Token) -> bool:
        """A word that names something by itself: not a common, title, generic or calendar word."""
        word = tok.word
        if tok.known or word in NAME_CONNECTORS or word == "&":
            return False
        if tok.acronym:
            return True
        parts = [p for p in word.split("-") if p]
        if all(p in GENERIC or p in CORE_TITLES or p in TITLE_MODIFIERS or p in FUNCTION_WORDS or p in HEADS
               or p in WEAK_HEADS or p in MONTHS_AND_DAYS or p in SUFFIXES or plural_title(p) for p in parts):
            return False
        if is_demonym(parts[-1]) or word in PARTY_WORDS:
            return False
        return not (self.evidence.common(word) and word not in self.evidence.mid_capital)

    def _judge(self, run: list[Token]) -> list[DetectedName]:
        run = self._drop_opening(run)
        if not run:
            return []
        title = self._title_at(run)
        if title is not None:
            start, end = title
            before = self._judge(run[:start]) if start else []
            if run[end - 1].text in NAME_CONNECTORS:  # "President of the Korea ... Agency": an institution follows
                return before + self._judge(run[end:])
            person_end = self._person_end(run, end)
            if person_end == end:  # a title with no name after it ("the Secretary")
                return before + (self._judge(run[end:]) if end < len(run) else [])
            person = self._span(run[end:person_end], "person", titled=True)
            return [*before, person, *self._judge(run[person_end:])]
        return self._plain(run)

    def _drop_opening(self, run: list[Token]) -> list[Token]:
        """Sentence openers and function words before a name ("The", "Rival Samsung", "Hold Sapphire Tide")."""
        while run and not run[0].known and (run[0].word in FUNCTION_WORDS or run[0].word in MONTHS_AND_DAYS
                                            or run[0].text in NAME_CONNECTORS or run[0].text == "&") \
                and not (run[0].word in TITLE_MODIFIERS and len(run) > 1 and run[1].word in CORE_TITLES):
            run = run[1:]
        first = run[0] if run else None
        if first is not None and first.initial and not first.known and first.word not in self.evidence.mid_capital \
                and not first.acronym and first.word not in CORE_TITLES | TITLE_MODIFIERS:
            rest = run[1:]
            # A lone opener is ambiguous ("Austin said" / "Austin is a city"); before a name, only a
            # common word is dropped ("Rival Samsung Electronics"), a first name stays ("Takeshi Ohara").
            if not rest or not self._proper(first) or (self.evidence.common(first.word)
                                                        and any(self._proper(t) or t.known for t in rest)):
                run = rest
        return self._trim_connectors(run)

    def _title_at(self, run: list[Token]) -> tuple[int, int] | None:
        """(start, end) of the first title phrase followed by a name or ending the run."""
        for i, tok in enumerate(run):
            if tok.known or tok.word not in CORE_TITLES:
                continue
            start = i
            while start > 0 and run[start - 1].word in TITLE_MODIFIERS and not run[start - 1].known:
                start -= 1
            end = i + 1
            while end < len(run) and not run[end].known and (
                    run[end].word in CORE_TITLES or run[end].word in TITLE_MODIFIERS
                    or run[end].text in ("of", "and", "for", "the")
                    or (run[end].word in GENERIC and any(t.text in ("of", "for") for t in run[i:end]))):
                end += 1
            if end == len(run) or run[end].known or self._proper(run[end]) or run[end].word in SUFFIXES:
                return start, end
        return None

    def _person_end(self, run: list[Token], start: int) -> int:
        end = start
        while end < len(run) and not run[end].known and (
                self._proper(run[end]) or re.fullmatch(r"[A-Z]\.", run[end].text)
                or (run[end].word in SUFFIXES and end > start) or run[end].text in ("de", "van", "von", "bin", "al")
                or (end > start and not run[end].word.isupper() and run[end].word not in GENERIC | HEADS
                    and run[end].word not in WEAK_HEADS | CORE_TITLES | TITLE_MODIFIERS)):
            end += 1
        return end

    def _plain(self, run: list[Token]) -> list[DetectedName]:
        """A run with no title in it: a name, several, or none."""
        while run and not run[-1].known and phrase_head(run) is run[-1] and (
                run[-1].word in PARTY_WORDS or run[-1].word in MONTHS_AND_DAYS or is_plural_noun(run[-1].word)
                or (run[-1].word in WEAK_HEADS and not any(self._proper(t) for t in run))):
            run = self._trim_connectors(run[:-1])
        while run and not run[0].known and len(run) > 1 and (
                (is_demonym(run[0].word) and phrase_head(run).word not in HEADS) or run[0].word in CORE_TITLES):
            run = run[1:]
        if not run:
            return []
        head = phrase_head(run)
        has_head = len(run) >= 2 and head.word in HEADS and not head.known
        proper = [t for t in run if self._proper(t)]
        if any(t.known for t in run):
            if all(t.known or t.text in NAME_CONNECTORS for t in run):
                return []
            lead = next(i for i, t in enumerate(run) if not t.known)
            if lead and head.word in _MINISTRIES and not any(t.known for t in run[lead:]) \
                    and self._known_place(run[0]):
                return self._plain(run[lead:])  # "ROK Ministry of Trade": the country and its ministry
            if has_head or proper or self._compound_place(run):
                return [self._span(run, self._type(run))]
            return self._around_known(run)
        if proper or has_head or (len(run) == 1 and run[0].word in SINGULAR_INSTITUTIONS and not run[0].initial):
            if len(run) == 1 and is_demonym(run[0].word):
                return []
            return [self._span(run, self._type(run))]
        return []

    def _known_place(self, tok: Token) -> bool:
        return any(k.place and k.start <= tok.start and tok.end <= k.end for k in self.known)

    @staticmethod
    def _compound_place(run: list[Token]) -> bool:
        """"New London", "Western Pacific": direction words before a known place."""
        return run[0].word in PLACE_PREFIXES and not run[0].known and all(t.known or t.word in PLACE_PREFIXES
                                                                           for t in run)

    def _around_known(self, run: list[Token]) -> list[DetectedName]:
        found: list[DetectedName] = []
        piece: list[Token] = []
        for tok in [*run, None]:
            if tok is None or tok.known:
                piece = self._trim_connectors(piece)
                if piece:
                    found += self._plain(piece)
                piece = []
            else:
                piece.append(tok)
        return found

    def _type(self, run: list[Token]) -> str:
        last = phrase_head(run).word
        if self._compound_place(run):
            return "place"
        if last in ORGANIZATION_HEADS:
            return "organization"
        if last in PLACE_HEADS:
            return "place"
        if last in HEADS or last in WEAK_HEADS:
            return "term"
        if any(re.fullmatch(r"[A-Z]\.", t.text) for t in run[1:]) or last in SUFFIXES:
            return "person"
        if len(run) >= 2 and re.search(r"-[a-z]+$", last):
            return "person"  # Korean given names: Seok-jin, Won-sik
        return "term"

    def _span(self, run: list[Token], kind: str, *, titled: bool = False) -> DetectedName:
        start, end = run[0].start, run[-1].end
        if kind == "person" or kind == "term":
            suffix = _SUFFIX_AFTER.match(self.text, end)
            if suffix and run[-1].word not in SUFFIXES and (kind == "person" or len(run) >= 2):
                end, kind = suffix.end(), "person"
        return replace(DetectedName(start, end, self.text[start:end], kind), titled=titled)
