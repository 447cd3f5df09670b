"""Convert a transformers seq2seq model folder to the ctranslate2 format.

The converter writes into a temporary folder next to ``out_dir`` which is renamed
into place only when complete, so a failed conversion never leaves a half-written
model under the real name.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from models.engines.transformers_engine import quiet_loading
from models.registry import ModelSpec, original_spec
from models.store import TRANSFORMERS_WEIGHTS, ModelStore, check_model_dir, read_manifest, write_manifest
from service.errors import ConflictError, DependencyMissingError, ModelCorruptError

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "float32")
# Tokenizer and generation files the ctranslate2 engine reads next to model.bin.
COPIED_FILES = (
    "source.spm", "target.spm", "vocab.json", "sentencepiece.bpe.model", "spiece.model",
    "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "merges.txt",
    "generation_config.json",
)
CONVERTED_MARKER = "model.bin"
# Key added to the converted config.json (models.engines.ctranslate2_engine reads it).
SOURCE_POSITIONS_KEY = "max_position_embeddings"


def convert_to_ctranslate2(model_dir: Path, out_dir: Path, quantization: str = "int8", force: bool = False) -> Path:
    """Convert the transformers model in ``model_dir`` to ctranslate2 at ``out_dir``; return ``out_dir``.

    Tokenizer and generation-config files are copied alongside. ``force`` replaces an
    existing ``out_dir``; otherwise an existing one raises ConflictError.
    """
    model_dir, out_dir = Path(model_dir), Path(out_dir)
    if quantization not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quantization!r}; choose one of {', '.join(QUANTIZATIONS)}")
    _check_source(model_dir)
    if out_dir.exists() and not force:
        raise ConflictError(f"{out_dir} already exists; pass force to replace it")
    converters = _import_converters()
    copy_files = [name for name in COPIED_FILES if (model_dir / name).is_file()]
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.converting-", dir=out_dir.parent))
    try:
        converter = _converter_class(converters)(str(model_dir), copy_files=copy_files)
        with quiet_loading():
            converter.convert(str(staging), quantization=quantization, force=True)
    except DependencyMissingError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    except Exception as exc:  # noqa: BLE001 - the converter fails in many ways on a bad or unsupported model
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelCorruptError(
            f"cannot convert {model_dir} to ctranslate2: {type(exc).__name__}: {exc}"
        ) from None
    _record_source_positions(model_dir, staging)
    try:
        _replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out_dir


def convert_spec(store: ModelStore, spec: ModelSpec, quantization: str = "int8", force: bool = False) -> Path:
    """Convert the installed original of translation ``spec`` into its ctranslate2 folder in ``store``.

    The original stays where it is (the transformers engine can still serve the pair);
    the conversion gets its own manifest. ModelMissingError when the original is not
    installed; ConflictError when the conversion exists and ``force`` is not set.
    """
    source = store.check(original_spec(spec))
    out = store.ct2_path(spec, quantization)
    if spec.engine == "ctranslate2" and spec.local_path and quantization == "int8":
        out = Path(spec.local_path)
    out = convert_to_ctranslate2(source, out, quantization=quantization, force=force)
    if read_manifest(out) is None:
        write_manifest(out, model=spec.model, revision=spec.revision,
                       source=f"ctranslate2 {quantization} conversion of {source}")
    return out


def _record_source_positions(model_dir: Path, converted: Path) -> None:
    """Copy the original's ``max_position_embeddings`` into the converted config.json: the
    engine truncates sources to it (ctranslate2 fails on longer ones), as transformers does."""
    try:
        original = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        config_path = converted / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return
    positions = original.get("max_position_embeddings")
    if isinstance(positions, int) and positions > 0:
        config[SOURCE_POSITIONS_KEY] = positions
        config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def _check_source(model_dir: Path) -> None:
    """ValueError for a folder that is already converted; else the transformers-form folder check."""
    has_weights = any((model_dir / name).is_file() for name in TRANSFORMERS_WEIGHTS.names)
    if (model_dir / CONVERTED_MARKER).is_file() and not has_weights:
        raise ValueError(f"{model_dir} is already a ctranslate2 model")
    check_model_dir(model_dir, "transformers", "model to convert")


def _import_converters() -> Any:
    try:
        import ctranslate2.converters as converters
    except ImportError:
        raise DependencyMissingError(
            "converting to ctranslate2 needs the ctranslate2 package: pip install ctranslate2"
        ) from None
    return converters


# Config attributes transformers 5 no longer writes but ctranslate2's loaders still read,
# with the value every model of that type had (BART is post-norm).
_DROPPED_CONFIG_DEFAULTS: dict[str, dict[str, object]] = {"bart": {"normalize_before": False}}


def _converter_class(converters: Any) -> type:
    """``TransformersConverter`` that restores config attributes dropped by transformers 5
    (a BART saved by it has no ``normalize_before``) before the loader reads them."""

    class Converter(converters.TransformersConverter):
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            defaults = _DROPPED_CONFIG_DEFAULTS.get(getattr(model.config, "model_type", ""), {})
            for name, value in defaults.items():
                if not hasattr(model.config, name):
                    setattr(model.config, name, value)
            return model

    return Converter


def _replace(staging: Path, out_dir: Path) -> None:
    """Swap ``staging`` into ``out_dir``; an old ``out_dir`` is removed only after the rename."""
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    os.replace(out_dir, old)
    try:
        os.replace(staging, out_dir)
    except OSError:
        os.replace(old, out_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)
