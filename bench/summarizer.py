"""The abstractive summarizer on each engine: transformers ``generate`` vs ctranslate2 int8.

A random-weight BART at distilbart-cnn-12-6 size (d_model 1024, 12+6 layers, ffn 4096,
16 heads, 1,024 positions) built on the tiny BART's tokenizer, converted to ctranslate2
int8; both engines run the service's ``AbstractiveSummarizer`` on the same ~1,000-word
article (truncated to the model's 1,024 positions), beam 4 as distilbart-cnn ships,
with the output fixed at ``output_tokens`` (min = max) so both do the same work.
Interleaved passes after a warm-up, median per engine.
"""
from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DISTILBART_DIMS = {"d_model": 1024, "encoder_layers": 12, "decoder_layers": 6, "encoder_ffn_dim": 4096,
                   "decoder_ffn_dim": 4096, "encoder_attention_heads": 16, "decoder_attention_heads": 16,
                   "max_position_embeddings": 1024}
# --quick: the same code paths on a much smaller model (a smoke test, not a figure).
QUICK_DIMS = {**DISTILBART_DIMS, "d_model": 256, "encoder_layers": 2, "decoder_layers": 1,
              "encoder_ffn_dim": 512, "decoder_ffn_dim": 512, "encoder_attention_heads": 4,
              "decoder_attention_heads": 4}
FOLDER = "briefs-tiny--bart"


def build_bench_bart(root: Path, output_tokens: int, dims: dict[str, int], say: Callable[[str], None]) -> Path:
    """The scaled BART (transformers folder ``root/FOLDER``) and its int8 copy; return the original's folder."""
    import torch
    from transformers import AutoTokenizer, BartConfig, BartForConditionalGeneration

    from models.convert import convert_to_ctranslate2
    from models.engines.transformers_engine import quiet_loading
    from models.tiny import build_tiny_bart

    folder = Path(root) / FOLDER
    say(f"building a BART at d_model {dims['d_model']}, {dims['encoder_layers']}+{dims['decoder_layers']} layers")
    build_tiny_bart(folder)
    config = BartConfig.from_pretrained(folder)
    for key, value in dims.items():
        setattr(config, key, value)
    config.init_std = 0.02
    tokenizer = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(11)
    model = BartForConditionalGeneration(config).eval()
    gen = model.generation_config
    # distilbart-cnn's beam search; min = max output so both engines decode exactly this many tokens.
    gen.num_beams, gen.length_penalty, gen.no_repeat_ngram_size = 4, 2.0, 3
    gen.min_new_tokens, gen.max_length = output_tokens, output_tokens + 1
    gen.bad_words_ids = [[config.pad_token_id]]
    with quiet_loading():
        model.save_pretrained(folder)
        tokenizer.save_pretrained(folder)
    del model
    say("converting the BART to ctranslate2 int8")
    convert_to_ctranslate2(folder, folder.with_name(f"{FOLDER}--ct2-int8"), "int8", force=True)
    return folder


def run_summarizer(tmp: Path, passes: int, output_tokens: int, quick: bool,
                   say: Callable[[str], None]) -> dict[str, Any]:
    """Seconds per article of each engine (median of ``passes``) and their ratio."""
    from bench.models import article
    from models.registry import ModelSpec
    from models.summarizers.abstractive import AbstractiveSummarizer
    from service.pipeline.segmentation import split_sentences
    from service.settings import SummaryOptions

    dims = QUICK_DIMS if quick else DISTILBART_DIMS
    original = build_bench_bart(tmp / "bart", output_tokens, dims, say)
    spec = ModelSpec(task="summarization", key="abstractive", engine="transformers", model="bench/bart",
                     architecture="bart", tiny=True)
    engines = {
        "transformers": AbstractiveSummarizer(spec, original, SummaryOptions(), max_length=output_tokens + 1),
        "ctranslate2": AbstractiveSummarizer(
            dataclasses.replace(spec, engine="ctranslate2"), original.with_name(f"{FOLDER}--ct2-int8"),
            SummaryOptions(), max_length=output_tokens + 1),
    }
    sentences = [s.text for s in split_sentences(article(300 if quick else 1000))]
    for engine in engines.values():
        engine.summarize(sentences[:3], 3)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in engines}
    for n in range(passes):
        for name, engine in engines.items():
            started = time.perf_counter()
            engine.summarize(sentences, 3)
            times[name].append(time.perf_counter() - started)
            say(f"summarizer pass {n + 1}: {name} {times[name][-1]:.2f} s")
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"dims": dims, "output_tokens": output_tokens, "words": sum(len(s.split()) for s in sentences),
            "seconds": medians, "speedup": medians["transformers"] / max(medians["ctranslate2"], 1e-9)}


def render_summarizer(result: dict[str, Any]) -> list[str]:
    """The report's Markdown lines for this part."""
    dims = result["dims"]
    seconds = result["seconds"]
    return ["", f"## Abstractive summarizer (BART at d_model {dims['d_model']}, {dims['encoder_layers']}+"
            f"{dims['decoder_layers']} layers, ~{result['words']} words → {result['output_tokens']} tokens, beam 4)",
            "", "| engine | median s per article | speed-up over transformers |", "|---|---|---|",
            f"| transformers `generate` (fp32) | {seconds['transformers']:.2f} | 1.00× |",
            f"| **ctranslate2 int8** (the default) | {seconds['ctranslate2']:.2f} | {result['speedup']:.2f}× |"]
