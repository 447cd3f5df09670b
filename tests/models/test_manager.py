"""ModelManager: one load per model under concurrency, pair routing, errors, status, preload.

Engines and summarizers here are counting test doubles injected through the factories;
model folders are minimal complete folders so the real ModelStore checks pass.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from models.manager import ModelManager
from models.registry import ModelRegistry, ModelSpec
from models.store import ModelStore, embedding_package_path
from models.summarizers.base import SummarySentence
from service.errors import (
    BadInputError,
    ModelCorruptError,
    ModelMissingError,
    UnsupportedPairError,
)
from tests.helpers import make_settings


class TaggingEngine:
    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        return [f"<{self.spec.model}:{target_lang}> {t}" for t in texts]


class CountingFactory:
    """Counts builds; a short sleep widens the race window for concurrent first calls."""

    def __init__(self, make=TaggingEngine) -> None:
        self.calls: list[tuple[ModelSpec, Path]] = []
        self._lock = threading.Lock()
        self._make = make

    def __call__(self, spec: ModelSpec, path: Path, options: object):
        with self._lock:
            self.calls.append((spec, path))
        time.sleep(0.05)
        return self._make(spec)


class FirstSentences:
    name = "extractive"

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec

    def summarize(self, sentences: Sequence[str], count: int) -> list[SummarySentence]:
        return [SummarySentence(s, i) for i, s in enumerate(sentences[:count])]


def safetensors_bytes(note: str) -> bytes:
    """A minimal valid safetensors file (no tensors, metadata only)."""
    header = json.dumps({"__metadata__": {"note": note}}).encode()
    return len(header).to_bytes(8, "little") + header


def install(store: ModelStore, spec: ModelSpec) -> Path:
    folder = store.install_path(spec)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"model_type": spec.architecture}), encoding="utf-8")
    if spec.engine == "ctranslate2":
        (folder / "model.bin").write_bytes(b"ct2")
        (folder / "shared_vocabulary.json").write_text("[]", encoding="utf-8")
    else:
        (folder / "model.safetensors").write_bytes(safetensors_bytes(spec.model))
    (folder / "tokenizer.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture
def translators() -> CountingFactory:
    return CountingFactory()


@pytest.fixture
def summarizers() -> CountingFactory:
    return CountingFactory(FirstSentences)


@pytest.fixture
def manager(settings, translators, summarizers) -> ModelManager:
    manager = ModelManager(settings, translator_factory=translators, summarizer_factory=summarizers)
    for spec in manager.registry.specs("translation"):
        install(manager.store, spec)
    return manager


def run_concurrently(fn, n: int = 8) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn()
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_translator_loads_engine_once_under_concurrency(manager: ModelManager, translators) -> None:
    router = manager.translator()
    results = run_concurrently(lambda: router.translate_batch(["Hello."], "en", "ja"))
    assert len(translators.calls) == 1
    assert results == [["<Helsinki-NLP/opus-tatoeba-en-ja:ja> Hello."]] * 8


def test_each_pair_gets_its_own_engine(manager: ModelManager, translators) -> None:
    router = manager.translator()
    assert router.translate_batch(["a"], "en", "ko") == ["<Helsinki-NLP/opus-mt-tc-big-en-ko:ko> a"]
    assert router.translate_batch(["b"], "en", "ja") == ["<Helsinki-NLP/opus-tatoeba-en-ja:ja> b"]
    assert sorted(spec.key for spec, _ in translators.calls) == ["en-ja", "en-ko"]


def test_factory_gets_the_installed_path(manager: ModelManager, translators) -> None:
    manager.translator().translate_batch(["a"], "en", "ja")
    spec, path = translators.calls[0]
    assert path == manager.store.path(spec)


def test_translator_is_one_shared_instance(manager: ModelManager) -> None:
    assert manager.translator() is manager.translator()


def test_empty_batch_returns_empty_list(manager: ModelManager) -> None:
    assert manager.translator().translate_batch([], "en", "ja") == []


def test_multilingual_model_serving_two_pairs_loads_once(tmp_path: Path, translators) -> None:
    m2m = {"engine": "transformers", "model": "facebook/m2m100_418M", "architecture": "m2m100"}
    settings = make_settings(tmp_path, models={"translation": {"en-ja": m2m, "en-ko": m2m}})
    manager = ModelManager(settings, translator_factory=translators)
    install(manager.store, manager.spec_for("translation", "en-ja"))
    manager.translator().translate_batch(["a"], "en", "ja")
    manager.translator().translate_batch(["a"], "en", "ko")
    assert len(translators.calls) == 1


def test_unsupported_pair(manager: ModelManager, translators) -> None:
    with pytest.raises(UnsupportedPairError, match="en-fr"):
        manager.translator().translate_batch(["a"], "en", "fr")
    assert translators.calls == []


# Codes are checked and normalised at the boundary (service.languages via the pipeline); here an
# unknown or unnormalised code is a pair with no model.
@pytest.mark.parametrize(("source", "target"), [("xx", "ja"), ("en", "klingon"), ("", "ja"), (" EN", "ja"),
                                                ("en", "JA")])
def test_unknown_language_is_an_unsupported_pair(manager: ModelManager, translators, source: str,
                                                 target: str) -> None:
    with pytest.raises(UnsupportedPairError, match="configured pairs: en-ja, en-ko"):
        manager.translator().translate_batch(["a"], source, target)
    assert translators.calls == []


def test_missing_model_without_auto_pull(settings, translators) -> None:
    manager = ModelManager(settings, translator_factory=translators)
    with pytest.raises(ModelMissingError, match="models import DIR --for en-ja"):
        manager.translator().translate_batch(["a"], "en", "ja")
    assert translators.calls == []


def test_corrupt_model_is_reported_not_pulled(tmp_path: Path, translators, monkeypatch) -> None:
    manager = ModelManager(make_settings(tmp_path, auto_pull=True), translator_factory=translators)
    folder = install(manager.store, manager.spec_for("translation", "en-ja"))
    (folder / "config.json").unlink()
    monkeypatch.setattr("models.pull.pull_model", lambda *a, **k: pytest.fail("must not pull over a corrupt model"))
    with pytest.raises(ModelCorruptError, match=r"config\.json"):
        manager.translator().translate_batch(["a"], "en", "ja")


def test_auto_pull_offline_fails_with_instructions(tmp_path: Path, translators) -> None:
    manager = ModelManager(make_settings(tmp_path, auto_pull=True), translator_factory=translators)
    with pytest.raises(ModelMissingError) as err:
        manager.translator().translate_batch(["a"], "en", "ja")
    assert "unreachable" in err.value.detail
    assert "python -m service models import DIR --for en-ja" in err.value.detail


def test_failed_auto_pull_is_remembered(tmp_path: Path, translators, monkeypatch) -> None:
    attempts: list[str] = []

    def offline(spec, dest, **kwargs):
        attempts.append(spec.key)
        raise ModelMissingError(f"{spec.model} unreachable")

    monkeypatch.setattr("models.pull.pull_model", offline)
    manager = ModelManager(make_settings(tmp_path, auto_pull=True), translator_factory=translators)
    for _ in range(2):
        with pytest.raises(ModelMissingError):
            manager.translator().translate_batch(["a"], "en", "ja")
    assert attempts == ["en-ja"]


def test_auto_pull_installs_then_loads(tmp_path: Path, translators, monkeypatch) -> None:
    manager = ModelManager(make_settings(tmp_path, auto_pull=True), translator_factory=translators)
    pulled: list[Path] = []

    def fake_pull(spec, dest, *, endpoint, timeout_s, progress):
        pulled.append(dest)
        return install(manager.store, spec)

    converted: list[str] = []

    def fake_convert(store, spec, quantization="int8", force=False):
        converted.append(spec.key)
        return install(store, spec)

    monkeypatch.setattr("models.pull.pull_model", fake_pull)
    monkeypatch.setattr("models.convert.convert_spec", fake_convert)
    manager.translator().translate_batch(["a"], "en", "ja")
    spec = manager.spec_for("translation", "en-ja")
    assert spec.engine == "ctranslate2"
    assert pulled == [manager.store.original_path(spec)]
    assert converted == ["en-ja"]
    assert len(translators.calls) == 1


def test_installed_original_is_converted_on_first_use(tmp_path: Path, translators, monkeypatch) -> None:
    manager = ModelManager(make_settings(tmp_path, auto_pull=False), translator_factory=translators)
    spec = manager.spec_for("translation", "en-ja")
    install(manager.store, ModelSpec(**{**spec.__dict__, "engine": "transformers"}))
    converted: list[str] = []

    def fake_convert(store, spec, quantization="int8", force=False):
        converted.append(spec.key)
        return install(store, spec)

    monkeypatch.setattr("models.convert.convert_spec", fake_convert)
    manager.translator().translate_batch(["a"], "en", "ja")
    assert converted == ["en-ja"]
    assert translators.calls[0][1] == manager.store.ct2_path(spec)


def test_summarizer_default_uses_the_embedding_model(manager: ModelManager, summarizers) -> None:
    results = run_concurrently(lambda: manager.summarizer())
    assert len({id(r) for r in results}) == 1
    ((spec, path),) = summarizers.calls
    assert (spec.task, spec.key) == ("embedding", "extractive")
    assert path == embedding_package_path()


def test_abstractive_summarizer_by_name(manager: ModelManager, summarizers) -> None:
    install(manager.store, manager.spec_for("summarization", "abstractive"))
    manager.summarizer("abstractive")
    assert [(s.task, s.key) for s, _ in summarizers.calls] == [("summarization", "abstractive")]


def test_unknown_summarizer(manager: ModelManager) -> None:
    with pytest.raises(BadInputError, match="unknown summarizer 'lexrank'"):
        manager.summarizer("lexrank")


def test_spec_for_unknown_pair(manager: ModelManager) -> None:
    with pytest.raises(UnsupportedPairError):
        manager.spec_for("translation", "ja-ko")


def test_status_rows(manager: ModelManager) -> None:
    manager.translator().translate_batch(["a"], "en", "ja")
    rows = {(r["task"], r["key"]): r for r in manager.status()}
    assert set(rows) == {("translation", "en-ja"), ("translation", "en-ko"),
                         ("summarization", "abstractive"), ("embedding", "extractive"), ("ner", "en")}
    assert rows[("ner", "en")]["engine"] == "spacy"
    ja = rows[("translation", "en-ja")]
    assert {"task", "key", "model", "engine", "license", "non_commercial", "installed", "loaded",
            "size_mb", "path"} <= set(ja)
    assert (ja["installed"], ja["loaded"]) == (True, True)
    assert rows[("translation", "en-ko")]["loaded"] is False
    assert rows[("summarization", "abstractive")]["installed"] is False
    assert rows[("summarization", "abstractive")]["size_mb"] == 1200
    assert "translation.en-ja" in manager.load_times_ms


def test_preload_loads_configured_pairs_and_summarizer(manager: ModelManager, translators, summarizers) -> None:
    manager.preload()
    assert sorted(spec.key for spec, _ in translators.calls) == ["en-ja", "en-ko"]
    assert [spec.key for spec, _ in summarizers.calls] == ["extractive"]
    assert set(manager.load_times_ms) == {"translation.en-ja", "translation.en-ko", "embedding.extractive"}


def test_preload_rejects_malformed_pair(manager: ModelManager) -> None:
    with pytest.raises(ValueError, match="en-ja"):
        manager.preload(["enja"])


@pytest.mark.parametrize("tiny", [True, False])
def test_is_tiny_follows_settings(tmp_path: Path, tiny: bool) -> None:
    assert ModelManager(make_settings(tmp_path, tiny_models=tiny)).is_tiny is tiny


def test_construction_loads_nothing(settings, translators, summarizers) -> None:
    ModelManager(settings, translator_factory=translators, summarizer_factory=summarizers)
    assert translators.calls == summarizers.calls == []


def test_real_abstractive_summarizer_on_tiny_models(tiny_settings) -> None:
    manager = ModelManager(tiny_settings)
    summarizer = manager.summarizer("abstractive")
    assert summarizer is manager.summarizer("abstractive")
    summary = summarizer.summarize(["The council approved the budget on Monday.", "Buses will run more often."], 1)
    assert len(summary) <= 1
    assert all(isinstance(s.text, str) for s in summary)
    row = next(r for r in manager.status() if r["key"] == "abstractive")
    assert (row["installed"], row["loaded"], row["tiny"]) == (True, True, True)


def counting_real_factory(calls: list[str]):
    from models.engines import create_translator

    def factory(spec: ModelSpec, path: Path, options: object):
        calls.append(spec.key)
        return create_translator(spec, path, options)

    return factory


def test_real_transformers_engine_loads_once_on_tiny_models(tiny_settings) -> None:
    calls: list[str] = []
    manager = ModelManager(tiny_settings, translator_factory=counting_real_factory(calls))
    router = manager.translator()
    results = run_concurrently(lambda: router.translate_batch(["Hello.", "The council met."], "en", "ja"), n=4)
    assert calls == ["en-ja"]
    assert all(len(r) == 2 and all(isinstance(t, str) for t in r) for r in results)


def test_real_ctranslate2_engine_on_tiny_models(tiny_models_dir: Path, tmp_path: Path) -> None:
    ct2 = tiny_models_dir / "briefs-tiny--marian-en-ko--ct2-int8"
    settings = make_settings(tmp_path, models_dir=str(tiny_models_dir), models={
        "translation": {"en-ko": {"engine": "ctranslate2", "local_path": str(ct2)}}})
    manager = ModelManager(settings)
    assert len(manager.translator().translate_batch(["Hello.", "Goodbye."], "en", "ko")) == 2
    row = next(r for r in manager.status() if r["key"] == "en-ko")
    assert (row["engine"], row["path"], row["loaded"]) == ("ctranslate2", str(ct2), True)


def test_converted_model_is_found_in_the_store(tiny_models_dir: Path, tmp_path: Path) -> None:
    from models.convert import convert_to_ctranslate2

    store = ModelStore(make_settings(tmp_path))
    spec = ModelRegistry(store.settings).get("translation", "en-ja")
    source = store.import_dir(tiny_models_dir / "briefs-tiny--marian-en-ja", spec)
    convert_to_ctranslate2(source, store.ct2_path(spec, "int8"), quantization="int8")
    settings = make_settings(tmp_path, models={"translation": {"en-ja": {"engine": "ctranslate2"}}})
    calls: list[str] = []
    manager = ModelManager(settings, translator_factory=counting_real_factory(calls))
    assert len(manager.translator().translate_batch(["Hello."], "en", "ja")) == 1
    assert manager.store.path(manager.spec_for("translation", "en-ja")) == store.ct2_path(spec, "int8")
