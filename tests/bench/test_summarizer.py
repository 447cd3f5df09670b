"""bench/summarizer.py: the report lines and the scaled BART's shape (timings never asserted)."""
from __future__ import annotations

import json
from pathlib import Path

from bench.summarizer import QUICK_DIMS, build_bench_bart, render_summarizer


def test_report_names_both_engines_and_the_ratio():
    result = {"dims": QUICK_DIMS, "output_tokens": 16, "words": 300,
              "seconds": {"transformers": 3.0, "ctranslate2": 1.0}, "speedup": 3.0}
    text = "\n".join(render_summarizer(result))
    assert "## Abstractive summarizer" in text
    assert "| transformers `generate` (fp32) | 3.00 | 1.00× |" in text
    assert "| **ctranslate2 int8** (the default) | 1.00 | 3.00× |" in text


def test_scaled_bart_has_the_dimensions_and_both_forms(tmp_path: Path):
    original = build_bench_bart(tmp_path, 8, QUICK_DIMS, lambda _m: None)
    config = json.loads((original / "config.json").read_text(encoding="utf-8"))
    assert {key: config[key] for key in QUICK_DIMS} == QUICK_DIMS
    generation = json.loads((original / "generation_config.json").read_text(encoding="utf-8"))
    assert (generation["num_beams"], generation["min_new_tokens"], generation["max_length"]) == (4, 8, 9)
    assert (original.with_name(f"{original.name}--ct2-int8") / "model.bin").is_file()
