"""Random-weight models at opus-mt base size, in a tiny-model store layout."""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from models.convert import convert_to_ctranslate2
from models.tiny import corpus_lines, translation_spec

BASE_DIMS = {"d_model": 512, "encoder_layers": 6, "decoder_layers": 6, "encoder_ffn_dim": 2048,
             "decoder_ffn_dim": 2048, "encoder_attention_heads": 8, "decoder_attention_heads": 8,
             "max_position_embeddings": 512}
PAIRS = ("en-ja", "en-ko")


@dataclass(frozen=True)
class BenchModels:
    """Where the bench models live and the fixed output length they were built for."""

    root: Path
    output_tokens: int

    def original(self, pair: str) -> Path:
        """The transformers folder of ``pair``'s model."""
        return self.root / f"briefs-tiny--marian-{pair}"

    def converted(self, pair: str) -> Path:
        """The ctranslate2 int8 folder of ``pair``'s model."""
        return self.root / f"briefs-tiny--marian-{pair}--ct2-int8"


def build_bench_models(root: Path, output_tokens: int, say=print) -> BenchModels:
    """en-ja and en-ko Marians at base size (random weights, fixed output length) with the tiny
    models' tokenizers, each converted to ctranslate2 int8, in a store under ``root``."""
    from models.store import write_manifest
    from models.tiny import build_tiny_marian

    models = BenchModels(Path(root), output_tokens)
    for pair in PAIRS:
        say(f"building a base-size Marian for {pair}")
        build_tiny_marian(models.original(pair), pair.split("-")[1])
        _scale_marian(models.original(pair), output_tokens)
        convert_to_ctranslate2(models.original(pair), models.converted(pair), "int8", force=True)
        for folder in (models.original(pair), models.converted(pair)):
            write_manifest(folder, model=f"briefs-tiny/{folder.name}", revision="tiny", source="bench")
    (models.root / "briefs.toml").write_text(_settings(output_tokens), encoding="utf-8")
    return models


def _scale_marian(folder: Path, output_tokens: int) -> None:
    import torch
    from transformers import AutoTokenizer, MarianConfig, MarianMTModel

    from models.engines.transformers_engine import quiet_loading

    config = MarianConfig.from_pretrained(folder)
    for key, value in BASE_DIMS.items():
        setattr(config, key, value)
    config.init_std = 0.02
    tokenizer = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(7)
    model = MarianMTModel(config).eval()
    gen = model.generation_config
    # min = max output length: every path decodes exactly this many tokens.
    gen.min_new_tokens = output_tokens
    gen.max_length = output_tokens + 1
    gen.num_beams = 1
    gen.bad_words_ids = [[config.pad_token_id]]
    scratch = folder.with_name(folder.name + ".base")
    with quiet_loading():
        model.save_pretrained(scratch)
        tokenizer.save_pretrained(scratch)
    (scratch / ".briefs-manifest.json").unlink(missing_ok=True)
    shutil.rmtree(folder)
    scratch.rename(folder)


def _settings(output_tokens: int) -> str:
    """The store's briefs.toml: both pairs by store name (default engine), fixed output length."""
    lines = ["tiny_models = true", "", "[translation]", f"max_length = {output_tokens}", ""]
    for pair in PAIRS:
        lines.append(f'[models.translation."{pair}"]')
        lines += [f"{key} = {json.dumps(value)}" for key, value in translation_spec(f"marian-{pair}").items()]
        lines.append("")
    return "\n".join(lines)


def news_sentences(count: int) -> list[str]:
    """``count`` of our own English news sentences (repeating the corpus if needed)."""
    lines = [line for line in corpus_lines("en") if len(line.split()) >= 6]
    return [lines[i % len(lines)] for i in range(count)]


def article(words: int) -> str:
    """An article of about ``words`` words from our own sentences, in paragraphs of four."""
    lines, total, i = [], 0, 0
    source = [line for line in corpus_lines("en") if len(line.split()) >= 6]
    while total < words:
        line = source[i % len(source)]
        lines.append(line)
        total += len(line.split())
        i += 1
    return "\n\n".join(" ".join(lines[j:j + 4]) for j in range(0, len(lines), 4))
