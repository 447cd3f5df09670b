"""Small spaCy NER pipelines trained here: real architecture, for tests and the bench.

No official pipeline can be downloaded on this workplace, so tests train a tiny one on sentences
they write (a few epochs, fixed seed) and import it like any pipeline; the bench builds one of
en_core_web_sm's NER size (its architecture and widths) to measure what NER costs a brief. Their
quality says nothing about an official pipeline's.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.ner import spacy_module

Example = tuple[str, Sequence[tuple[int, int, str]]]  # text, entity spans (start, end, label)

# The NER model of en_core_web_sm 3.x: its own tok2vec (hash embeddings of NORM, PREFIX, SUFFIX and
# SHAPE with 5000/1000/2500/2500 rows, width 96, four maxout window layers) under a transition parser.
SM_SIZE = {"width": 96, "depth": 4, "rows": (5000, 1000, 2500, 2500), "hidden_width": 64}
TINY_SIZE = {"width": 32, "depth": 1, "rows": (500, 200, 200, 200), "hidden_width": 32}


def ner_config(width: int, depth: int, rows: Sequence[int], hidden_width: int) -> dict[str, Any]:
    """The ``ner`` component's model config at the given size (spaCy's own architectures)."""
    return {"model": {
        "@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner", "extra_state_tokens": False,
        "hidden_width": hidden_width, "maxout_pieces": 2, "use_upper": True, "nO": None,
        "tok2vec": {
            "@architectures": "spacy.Tok2Vec.v2",
            "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": width,
                      "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE"], "rows": list(rows),
                      "include_static_vectors": False},
            "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": width, "depth": depth,
                       "window_size": 1, "maxout_pieces": 3},
        },
    }}


def train_ner(examples: Sequence[Example], out_dir: Path, *, name: str = "tiny_ner", epochs: int = 8,
              seed: int = 0, size: dict[str, Any] | None = None) -> Path:
    """Train an English NER pipeline on ``examples`` (deterministic for a seed) and write it to ``out_dir``."""
    spacy = spacy_module()
    from spacy.training import Example as SpacyExample

    spacy.util.fix_random_seed(seed)
    nlp = spacy.blank("en")
    nlp.add_pipe("ner", config=ner_config(**(size or TINY_SIZE)))
    data = []
    for text, spans in examples:
        doc = nlp.make_doc(text)  # spans that do not fall on token boundaries are left out
        aligned = [tuple(s) for s in spans if doc.char_span(s[0], s[1]) is not None]
        data.append(SpacyExample.from_dict(doc, {"entities": aligned}))
    optimizer = nlp.initialize(lambda: data)
    order = random.Random(seed)
    for _ in range(epochs):
        batch = list(data)
        order.shuffle(batch)
        for start in range(0, len(batch), 8):
            nlp.update(batch[start:start + 8], sgd=optimizer, drop=0.1)
    nlp.meta.update({"name": name, "version": "0.0.1", "description": "trained here for tests; not a real model"})
    out_dir = Path(out_dir)
    nlp.to_disk(out_dir)
    return out_dir
