"""The translation stage, text in -> text out: naive, the transformers engine, the default
(ctranslate2) path and the raw engine limit, greedy and beam 4."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.models import BenchModels
from bench.timing import Path as TimedPath
from bench.timing import interleaved
from models.manager import ModelManager
from models.threads import available_cores, plan_threads, sub_batch_size
from service.settings import Settings, load_settings

PAIR = "en-ja"
NAIVE_SHARE = 4  # the naive path is timed on this fraction of the sentences (it is 10-60x slower)


def bench_settings(models: BenchModels, tmp: Path, **overrides: Any) -> Settings:
    """The service's settings on the bench store (no hub, its own SQLite file)."""
    base = {"models_dir": str(models.root), "store_path": str(tmp / "bench.sqlite3"), "auto_pull": False}
    return load_settings(overrides={**base, **overrides}, environ={})


def _manager_path(settings: Settings) -> TimedPath:
    translator = ModelManager(settings).translator()

    def run(texts: Sequence[str]) -> int:
        out = translator.translate_batch(texts, "en", "ja")
        assert len(out) == len(texts)
        return len(texts)

    return run


def _naive_path(models: BenchModels) -> TimedPath:
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from models.engines.transformers_engine import quiet_loading

    folder = models.original(PAIR)
    with quiet_loading():
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = AutoModelForSeq2SeqLM.from_pretrained(folder).eval()

    def run(texts: Sequence[str]) -> int:
        texts = texts[:max(2, len(texts) // NAIVE_SHARE)]  # a rate per sentence: a quarter is enough
        for text in texts:
            with torch.inference_mode():
                ids = model.generate(**tokenizer([text], return_tensors="pt"), num_beams=1,
                                     max_length=models.output_tokens + 1)
            tokenizer.batch_decode(ids, skip_special_tokens=True)
        return len(texts)

    return run


def _raw_path(models: BenchModels, sentences: Sequence[str], beam: int, inter: int) -> TimedPath:
    """The engine alone: sources tokenized beforehand, tokens out (no decoding to text)."""
    import ctranslate2
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(models.converted(PAIR))
    pretokenized = {text: tokenizer.convert_ids_to_tokens(ids)
                    for text, ids in zip(sentences, tokenizer(list(sentences))["input_ids"], strict=True)}
    engine = ctranslate2.Translator(str(models.converted(PAIR)), device="cpu", compute_type="int8",
                                    inter_threads=inter, intra_threads=1)

    def run(texts: Sequence[str]) -> int:
        tokens = [pretokenized[text] for text in texts]
        size = sub_batch_size(len(tokens), inter, 32)
        engine.translate_batch(tokens, beam_size=beam, max_batch_size=size,
                               min_decoding_length=models.output_tokens,
                               max_decoding_length=models.output_tokens)
        return len(tokens)

    return run


def run_translation(models: BenchModels, tmp: Path, sentences: list[str], passes: int,
                    say: Callable[[str], None]) -> dict[str, Any]:
    """sent/s of each path, greedy and beam 4, and each path's share of the raw limit."""
    cores = available_cores()
    inter = plan_threads(load_settings(environ={}).translation, workers=1).inter_threads
    paths: dict[str, TimedPath] = {}
    say("loading the translation paths")
    paths["naive greedy"] = _naive_path(models)
    for beam in (1, 4):
        mode = "greedy" if beam == 1 else "beam 4"
        paths[f"transformers {mode}"] = _manager_path(bench_settings(
            models, tmp, translation={"engine": "transformers", "beam_size": beam,
                                      "max_length": models.output_tokens + 1}))
        paths[f"default {mode}"] = _manager_path(bench_settings(models, tmp, translation={"beam_size": beam}))
        paths[f"raw {mode}"] = _raw_path(models, sentences, beam, inter)
    say(f"translation: {len(sentences)} sentences, {passes} interleaved passes")
    rates = interleaved(paths, sentences, passes, say)
    rows = []
    for label, key in ((f"transformers `generate`, one sentence at a time (on 1/{NAIVE_SHARE} of them)", "naive"),
                       ("transformers engine (`engine = \"transformers\"`, batch 16)", "transformers"),
                       ("**the service's default path** (ctranslate2 int8, threads from the machine)", "default"),
                       (f"raw `ctranslate2.Translator.translate_batch`, pre-tokenized, int8, "
                        f"inter_threads={inter}, intra_threads=1", "raw")):
        greedy, beam4 = rates.get(f"{key} greedy"), rates.get(f"{key} beam 4")
        rows.append({"path": label, "greedy": greedy, "beam4": beam4,
                     "share_greedy": greedy / rates["raw greedy"] if greedy else None,
                     "share_beam4": beam4 / rates["raw beam 4"] if beam4 else None})
    return {"rows": rows, "cores": cores, "inter_threads": inter,
            "naive_vs_limit": rates["raw greedy"] / rates["naive greedy"] if rates["naive greedy"] else math.nan}
