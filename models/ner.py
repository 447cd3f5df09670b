"""spaCy NER pipelines: loaded once (by ``models.manager.ModelManager.ner``) with only what NER needs.

A pipeline such as en_core_web_sm also carries a tagger, a parser and a lemmatizer; they are
excluded at load, and so is a shared ``tok2vec`` unless the ``ner`` component listens to it, so
a brief pays for named-entity recognition only. ``SpacyNer.spans`` returns character spans with
spaCy's labels; mapping them onto entry types is the glossary layer's business
(:mod:`service.glossary.ner`).
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.errors import DependencyMissingError, ModelCorruptError

INSTALL_HINT = "NER needs spaCy: pip install 'spacy>=3.8,<4'"
TRANSFORMER_FACTORIES = frozenset({"tok2vec", "transformer", "curated_transformer"})


@dataclass(frozen=True)
class NerSpan:
    """``text[start:end]`` is an entity spaCy labels ``label`` (PERSON, GPE, ORG ...)."""

    start: int
    end: int
    label: str


def spacy_module() -> Any:
    """The spacy package, or DependencyMissingError with the install hint."""
    try:
        import spacy
    except ImportError:
        raise DependencyMissingError(INSTALL_HINT) from None
    return spacy


class SpacyNer:
    """A loaded pipeline; ``spans`` is thread-safe (one batch at a time through the pipeline)."""

    def __init__(self, nlp: Any, *, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.batch_size = max(1, batch_size)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The pipeline's name and version from its meta.json ("core_web_sm-3.8.0")."""
        meta = self.nlp.meta
        return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels the pipeline predicts."""
        return tuple(self.nlp.get_pipe("ner").labels)

    def spans(self, texts: Sequence[str]) -> list[list[NerSpan]]:
        """The entities of each text, in text order."""
        with self._lock:
            docs = list(self.nlp.pipe(list(texts), batch_size=self.batch_size))
        return [[NerSpan(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def load_spacy_ner(path: Path, *, batch_size: int = 64) -> SpacyNer:
    """Load the pipeline folder at ``path`` with ``ner`` and what it listens to; everything else excluded."""
    spacy = spacy_module()
    config = spacy.util.load_config(Path(path) / "config.cfg")
    names = list(config["nlp"]["pipeline"])
    if "ner" not in names:
        raise ModelCorruptError(f"the spaCy pipeline at {path} has no ner component (it has {', '.join(names)})",
                                file="config.cfg")
    keep = {"ner"} | _upstreams(config["components"]["ner"], config["components"], names)
    try:
        nlp = spacy.load(Path(path), exclude=[n for n in names if n not in keep])
    except (ValueError, KeyError) as exc:  # spaCy names a missing factory (spacy-transformers) with E002
        if "transformer" in str(exc):
            raise DependencyMissingError(f"the pipeline at {path} needs spacy-transformers: "
                                         "pip install spacy-transformers") from None
        raise ModelCorruptError(f"the spaCy pipeline at {path} cannot be loaded: {exc}", file="config.cfg") from None
    return SpacyNer(nlp, batch_size=batch_size)


def _upstreams(block: Any, components: Any, names: list[str]) -> set[str]:
    """The components a config block listens to (a Tok2VecListener's ``upstream``; "*": any tok2vec)."""
    found: set[str] = set()
    if isinstance(block, dict):
        if "Listener" in str(block.get("@architectures", "")):
            upstream = block.get("upstream", "*")
            found |= {n for n in names if n == upstream or (
                upstream == "*" and components.get(n, {}).get("factory") in TRANSFORMER_FACTORIES)}
        for value in block.values():
            found |= _upstreams(value, components, names)
    return found
