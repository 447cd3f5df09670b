"""Tiny random-weight models of every supported architecture, for tests and demos.

No hub is reachable here, so the real loading code is exercised on models we
build ourselves: real transformers classes saved with ``save_pretrained``, whose
SentencePiece / byte-level BPE vocabularies are trained on our own sentences in
``models/tiny_corpus``. The weights are random, so the output is gibberish; a
logit bias makes it short, non-empty and in the target script.

Layout under ``root`` (folder = the spec's store name, so the model store finds
them too) and ``briefs.toml``, the settings layer that points every task at them:

- ``briefs-tiny--marian-en-ja``  Marian, multi-target style (``>>jpn<<`` in its vocab)
- ``briefs-tiny--marian-en-ko``  Marian, single target
- ``briefs-tiny--m2m100``        M2M100 (``__en__``/``__ja__``/``__ko__``)
- ``briefs-tiny--nllb``          NLLB-style tokenizer on the M2M100 model class
- ``briefs-tiny--bart``          BART with a byte-level BPE tokenizer (summarizer)
- ``briefs-tiny--marian-en-XX--ct2-int8``, ``briefs-tiny--nllb--ct2-int8``,
  ``briefs-tiny--bart--ct2-int8``  ctranslate2 forms

``briefs.toml`` configures translation en-ja/en-ko (Marian) and summarization.abstractive
(BART), all served by ctranslate2 int8 from the converted copies; the originals stay for
the transformers engine (``engine = "transformers"`` in an entry); the other specs sit under
``[models.alternatives.<name>]`` (ignored by the registry, rebased like the rest):
``ct2-en-ja``, ``ct2-en-ko``, ``m2m100``, ``nllb``, ``ct2-nllb``.
"""
from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from service.errors import DependencyMissingError

CORPUS_DIR = Path(__file__).resolve().parent / "tiny_corpus"
SETTINGS_FILE = "briefs.toml"
SEED = 1234
D_MODEL = 32
MAX_LENGTH = 24
MIN_NEW_TOKENS = 4
# Output logits: EOS wins once min_new_tokens has passed; before that, only
# pieces written in the target script can win, so the output is never empty.
EOS_BIAS, CONTENT_BIAS, OTHER_BIAS = 40.0, 20.0, -60.0
# Large random weights make the (gibberish) output depend on the input.
INIT_STD = 0.3
ALTERNATIVES_KEY = "alternatives"

SCRIPTS: dict[str, Callable[[str], bool]] = {
    "en": lambda ch: ch.isascii() and ch.isalpha(),
    "ja": lambda ch: "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff",
    "ko": lambda ch: "\uac00" <= ch <= "\ud7a3",
}


def build_tiny_models(root: Path, *, progress: Callable[[str], None] | None = None) -> Path:
    """Write every tiny model and ``briefs.toml`` under ``root``; return ``root``.

    Deterministic (fixed seeds); takes seconds on two CPU cores.
    """
    from models.convert import convert_to_ctranslate2

    torch = _import("torch")
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    say = progress or (lambda _msg: None)
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefs-tiny-spm-") as scratch:
        scratch_dir = Path(scratch)
        for target, lang_tokens in (("ja", (">>jpn<<",)), ("ko", ())):
            say(f"building Marian en-{target}")
            _build_marian(root / _folder(f"marian-en-{target}"), target, lang_tokens, scratch_dir)
        say("building M2M100")
        _build_m2m100(root / _folder("m2m100"), scratch_dir)
        say("building NLLB")
        _build_nllb(root / _folder("nllb"), scratch_dir)
        say("building BART")
        _build_bart(root / _folder("bart"))
    # M2M100 is not converted: ctranslate2's converter cannot find its language tokens
    # in transformers 5 tokenizers (vocabulary size mismatch).
    for name in (_folder("marian-en-ja"), _folder("marian-en-ko"), _folder("nllb"), _folder("bart")):
        say(f"converting {name} to ctranslate2")
        convert_to_ctranslate2(root / name, root / f"{name}--ct2-int8", "int8", force=True)
    _write_manifests(root)
    (root / SETTINGS_FILE).write_text(settings_toml(), encoding="utf-8")
    say(f"tiny models written to {root}")
    return root


def build_tiny_marian(out: Path, target: str) -> Path:
    """One tiny Marian en-``target`` (``ja`` carries the ``>>jpn<<`` token) at ``out``; return ``out``."""
    with tempfile.TemporaryDirectory(prefix="briefs-tiny-spm-") as scratch:
        _build_marian(Path(out), target, (">>jpn<<",) if target == "ja" else (), Path(scratch))
    return Path(out)


def build_tiny_bart(out: Path) -> Path:
    """One tiny BART summarizer (byte-level BPE tokenizer) at ``out``; return ``out``."""
    _build_bart(Path(out))
    return Path(out)


def _write_manifests(root: Path) -> None:
    """Manifests let `models verify --models-dir ROOT` check tiny models like imported ones."""
    from models.store import write_manifest

    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("briefs-tiny--")):
        write_manifest(folder, model=f"briefs-tiny/{folder.name.removeprefix('briefs-tiny--')}",
                       revision="tiny", source="build-tiny")


def _folder(name: str) -> str:
    return f"briefs-tiny--{name}"


def _import(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        raise DependencyMissingError(
            f"building tiny models needs {name}; install it with: pip install torch transformers sentencepiece"
        ) from None


def corpus_lines(lang: str) -> list[str]:
    """Our own news-like sentences in ``lang`` (en, ja or ko)."""
    text = (CORPUS_DIR / f"{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _all_lines() -> list[str]:
    return [line for lang in ("en", "ja", "ko") for line in corpus_lines(lang)]


def _train_spm(path: Path, model_type: str, **ids: int) -> Path:
    spm = _import("sentencepiece")
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_all_lines()), model_writer=buffer, vocab_size=1200,
        character_coverage=1.0, model_type=model_type, hard_vocab_limit=False,
        num_threads=1, minloglevel=2, **ids,
    )
    path.write_bytes(buffer.getvalue())
    return path


def _spm_pieces(path: Path) -> list[str]:
    spm = _import("sentencepiece")
    proc = spm.SentencePieceProcessor(model_file=str(path))
    return [proc.id_to_piece(i) for i in range(proc.get_piece_size())
            if not (proc.is_control(i) or proc.is_unknown(i))]


def logit_bias(vocab: dict[str, int], size: int, target: str, eos_id: int) -> list[float]:
    """Per-token output bias: EOS first, then pieces written in ``target``'s script."""
    in_script = SCRIPTS[target]
    bias = [OTHER_BIAS] * size
    for token, index in vocab.items():
        if index < size and any(in_script(ch) for ch in token):
            bias[index] = CONTENT_BIAS
    bias[eos_id] = EOS_BIAS
    return bias


def _generation_config(model: Any, **extra: Any) -> None:
    gen = model.generation_config
    gen.max_length = MAX_LENGTH
    gen.min_new_tokens = MIN_NEW_TOKENS
    gen.num_beams = 1
    gen.do_sample = False
    for key, value in extra.items():
        setattr(gen, key, value)


def _seed() -> None:
    torch = _import("torch")
    torch.manual_seed(SEED)


def _build_marian(out: Path, target: str, lang_tokens: Iterable[str], scratch: Path) -> None:
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer

    spm_path = _train_spm(scratch / "marian.spm", "unigram", unk_id=0, eos_id=1, bos_id=-1, pad_id=-1)
    tokens = ["</s>", "<unk>", *_spm_pieces(spm_path), *lang_tokens, "<pad>"]
    vocab = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    (scratch / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = MarianTokenizer(str(spm_path), str(spm_path), str(scratch / "vocab.json"),
                                source_lang="en", target_lang=target)
    size, pad_id = len(vocab), vocab["<pad>"]
    config = MarianConfig(
        vocab_size=size, d_model=D_MODEL, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=64, init_std=INIT_STD, pad_token_id=pad_id, eos_token_id=0,
        decoder_start_token_id=pad_id, forced_eos_token_id=0, share_encoder_decoder_embeddings=True,
        scale_embedding=True,
    )
    _seed()
    model = MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias.copy_(torch.tensor([logit_bias(vocab, size, target, 0)]))
    _generation_config(model, pad_token_id=pad_id, eos_token_id=0, decoder_start_token_id=pad_id,
                       bad_words_ids=[[pad_id]])
    _save(out, model, tokenizer)


def _save(out: Path, model: Any, tokenizer: Any) -> None:
    from models.engines.transformers_engine import quiet_loading

    if out.exists():
        shutil.rmtree(out)
    with quiet_loading():
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)


def _bias_via_layer_norm(model: Any, bias: list[float]) -> None:
    """M2M100 has no output bias: pin one hidden unit after the last layer norm to a
    constant and store the bias in that column of the tied embedding."""
    import torch

    scale = 40.0
    with torch.no_grad():
        norm = model.model.decoder.layer_norm
        norm.weight[0] = 0.0
        norm.bias[0] = scale
        embedding = model.model.shared.weight
        embedding[:, 0] = torch.tensor(bias) / scale


def _m2m100_model(size: int, pad_id: int, eos_id: int, bos_id: int) -> Any:
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    config = M2M100Config(
        vocab_size=size, d_model=D_MODEL, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=64, init_std=INIT_STD, pad_token_id=pad_id, eos_token_id=eos_id, bos_token_id=bos_id,
        decoder_start_token_id=eos_id, scale_embedding=True,
    )
    _seed()
    return M2M100ForConditionalGeneration(config).eval()


def _build_m2m100(out: Path, scratch: Path) -> None:
    from transformers import M2M100Tokenizer

    spm_path = _train_spm(scratch / "sentencepiece.bpe.model", "bpe", unk_id=0, eos_id=1, bos_id=-1, pad_id=-1)
    tokens = ["<s>", "<pad>", "</s>", "<unk>", *_spm_pieces(spm_path)]
    vocab = {token: i for i, token in enumerate(dict.fromkeys(tokens))}
    (scratch / "m2m-vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = M2M100Tokenizer(str(scratch / "m2m-vocab.json"), str(spm_path), src_lang="en", tgt_lang="ja")
    # Language tokens and fairseq's made-up words sit after the SentencePiece vocabulary.
    size = tokenizer.encoder_size + len(tokenizer.lang_code_to_id) + tokenizer.num_madeup_words
    model = _m2m100_model(size, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.bos_token_id)
    _bias_via_layer_norm(model, _multi_target_bias(tokenizer, size))
    _generation_config(model, forced_bos_token_id=tokenizer.get_lang_id("ja"))
    _save(out, model, tokenizer)


def _multi_target_bias(tokenizer: Any, size: int) -> list[float]:
    """Content pieces of both target scripts (the forced BOS picks the language)."""
    vocab = tokenizer.get_vocab()
    ja = logit_bias(vocab, size, "ja", tokenizer.eos_token_id)
    ko = logit_bias(vocab, size, "ko", tokenizer.eos_token_id)
    return [max(a, b) for a, b in zip(ja, ko, strict=True)]


def _build_nllb(out: Path, scratch: Path) -> None:
    from transformers import NllbTokenizer
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    nllb_dir = scratch / "nllb"
    nllb_dir.mkdir()
    _train_spm(nllb_dir / "sentencepiece.bpe.model", "bpe", unk_id=0, bos_id=1, eos_id=2, pad_id=3)
    (nllb_dir / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "NllbTokenizer", "src_lang": "eng_Latn", "tgt_lang": "jpn_Jpan"}),
        encoding="utf-8")
    # NLLB's language codes are special tokens after the SentencePiece vocabulary.
    tokenizer = NllbTokenizer.from_pretrained(str(nllb_dir), extra_special_tokens=list(FAIRSEQ_LANGUAGE_CODES))
    size = len(tokenizer)
    model = _m2m100_model(size, tokenizer.pad_token_id, tokenizer.eos_token_id, tokenizer.bos_token_id)
    _bias_via_layer_norm(model, _multi_target_bias(tokenizer, size))
    _generation_config(model, forced_bos_token_id=tokenizer.convert_tokens_to_ids("jpn_Jpan"))
    _save(out, model, tokenizer)


def _build_bart(out: Path) -> None:
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(corpus_lines("en"), vocab_size=800, min_frequency=1,
                            special_tokens=specials, show_progress=False)
    model_json = json.loads(bpe.to_str())["model"]
    # The BPE model takes (left, right) pairs; the tokenizer's annotation says list[str].
    merges: Any = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model_json["merges"]]
    tokenizer = BartTokenizer(vocab=model_json["vocab"], merges=merges)
    size = len(tokenizer)
    config = BartConfig(
        vocab_size=size, d_model=D_MODEL, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_position_embeddings=256, init_std=INIT_STD, pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id, forced_eos_token_id=tokenizer.eos_token_id,
    )
    _seed()
    model = BartForConditionalGeneration(config).eval()
    with torch.no_grad():
        bias = logit_bias(tokenizer.get_vocab(), size, "en", tokenizer.eos_token_id)
        model.final_logits_bias.copy_(torch.tensor([bias]))
    _generation_config(model, min_new_tokens=8, max_length=32, forced_bos_token_id=tokenizer.bos_token_id)
    _save(out, model, tokenizer)


def _spec(model: str, architecture: str, folder: str, engine: str = "transformers", **extra: Any) -> dict[str, Any]:
    return {"engine": engine, "model": f"briefs-tiny/{model}", "architecture": architecture,
            "revision": "tiny", "license": "random-weights", "local_path": folder, "tiny": True, **extra}


def summarization_spec(model: str) -> dict[str, Any]:
    """A tiny BART entry on ctranslate2, found by store name (``briefs-tiny--<model>`` and its ``--ct2-int8``)."""
    return {"engine": "ctranslate2", "model": f"briefs-tiny/{model}", "architecture": "bart", "revision": "tiny",
            "license": "random-weights", "tiny": True}


def translation_spec(model: str) -> dict[str, Any]:
    """A tiny translation entry found by store name (``briefs-tiny--<model>`` and its ``--ct2-int8``)."""
    return {"model": f"briefs-tiny/{model}", "architecture": "marian", "revision": "tiny",
            "license": "random-weights", "tiny": True}


def tiny_model_tables() -> dict[str, Any]:
    """The ``[models]`` tables of ``briefs.toml`` (configured tasks plus alternatives)."""
    return {
        # No engine and no local_path: the pairs get the default engine (ctranslate2 int8) and
        # the store finds both forms by name (briefs-tiny--marian-en-ja and its --ct2-int8 copy),
        # so `engine = "transformers"` in a pair's settings switches it to the original.
        "translation": {
            "en-ja": translation_spec("marian-en-ja"),
            "en-ko": translation_spec("marian-en-ko"),
        },
        "summarization": {"abstractive": summarization_spec("bart")},
        ALTERNATIVES_KEY: {
            "ct2-en-ja": _spec("marian-en-ja", "marian", f"{_folder('marian-en-ja')}--ct2-int8",
                               engine="ctranslate2", pairs=["en-ja"]),
            "ct2-en-ko": _spec("marian-en-ko", "marian", f"{_folder('marian-en-ko')}--ct2-int8",
                               engine="ctranslate2", pairs=["en-ko"]),
            "m2m100": _spec("m2m100", "m2m100", _folder("m2m100"), pairs=["en-ja", "en-ko"]),
            "nllb": _spec("nllb", "nllb", _folder("nllb"), pairs=["en-ja", "en-ko"]),
            "ct2-nllb": _spec("nllb", "nllb", f"{_folder('nllb')}--ct2-int8", engine="ctranslate2",
                              pairs=["en-ja", "en-ko"]),
        },
    }


def settings_toml() -> str:
    """``briefs.toml``: tiny models for every configured task, short outputs."""
    lines = [
        "# Written by `models build-tiny`: random-weight models, gibberish output.",
        "# local_path values are relative to this folder (the models dir).",
        "tiny_models = true",
        "",
        "[translation]",
        f"max_length = {MAX_LENGTH}",
        "beam_size = 2",
        "batch_size = 8",
        "",
    ]
    for task, table in tiny_model_tables().items():
        for key, spec in table.items():
            lines.append(f'[models.{task}."{key}"]')
            lines.extend(f"{name} = {_toml_value(value)}" for name, value in spec.items())
            lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)
