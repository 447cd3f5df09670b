"""The one place models live in a process: loaded lazily, once, shared by every request."""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from models.engines.base import Scored, Translator, translate_scored
from models.registry import ModelRegistry, ModelSpec, original_spec
from models.store import ModelStore, spec_ref
from models.summarizers.base import Summarizer
from models.threads import plan_threads
from service.errors import DependencyMissingError, ModelCorruptError, ModelMissingError
from service.settings import Settings, SummaryOptions, TranslationOptions

if TYPE_CHECKING:
    from models.ner import SpacyNer

log = logging.getLogger(__name__)

TranslatorFactory = Callable[[ModelSpec, Path, TranslationOptions], Translator]
SummarizerFactory = Callable[[ModelSpec, Path, SummaryOptions], Summarizer]
NerFactory = Callable[[ModelSpec, Path, int], "SpacyNer"]
T = TypeVar("T")
# After a failed auto-pull, requests fail from memory for this long instead of probing the hub again.
PULL_RETRY_AFTER_S = 60.0
# After a model failed to load (or to verify), requests fail from memory, naming the file, for this long.
LOAD_RETRY_AFTER_S = 60.0


def _silence_load_progress() -> None:
    """transformers draws a per-load progress bar on stderr; CLI output and logs want one line."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        return
    hf_logging.disable_progress_bar()


def _default_translator_factory(spec: ModelSpec, path: Path, options: TranslationOptions) -> Translator:
    from models.engines import create_translator

    return create_translator(spec, path, options)


def _default_ner_factory(spec: ModelSpec, path: Path, batch_size: int) -> SpacyNer:
    from models.ner import load_spacy_ner

    return load_spacy_ner(path, batch_size=batch_size)


def _default_summarizer_factory(spec: ModelSpec, path: Path, options: SummaryOptions) -> Summarizer:
    from models.summarizers import create_summarizer

    return create_summarizer(spec, path, options)


class PairRouter:
    """A Translator over every configured pair: each call goes to the engine for its pair."""

    def __init__(self, manager: ModelManager) -> None:
        self._manager = manager

    def translate_batch(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """Translate with the engine for ``source_lang-target_lang``, loading it on first use."""
        engine = self._manager.translator_for(source_lang, target_lang)
        if not texts:
            return []
        return engine.translate_batch(list(texts), source_lang, target_lang)

    def translate_scored(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[Scored]:
        """The same, with the engine's score of each output (None from an engine that gives none)."""
        engine = self._manager.translator_for(source_lang, target_lang)
        if not texts:
            return []
        return translate_scored(engine, list(texts), source_lang, target_lang)


class ModelManager:
    """Loads each configured model once per process (thread-safe) and hands out shared instances."""

    def __init__(
        self,
        settings: Settings,
        *,
        store: ModelStore | None = None,
        translator_factory: TranslatorFactory | None = None,
        summarizer_factory: SummarizerFactory | None = None,
        ner_factory: NerFactory | None = None,
    ) -> None:
        self.settings = settings
        self.registry = ModelRegistry(settings)
        self.store = store or ModelStore(settings)
        self._translator_factory = translator_factory or _default_translator_factory
        self._summarizer_factory = summarizer_factory or _default_summarizer_factory
        self._ner_factory = ner_factory or _default_ner_factory
        self._router = PairRouter(self)
        self._instances: dict[tuple[str, ...], Any] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._pull_failures: dict[str, tuple[float, ModelMissingError]] = {}
        self._load_failures: dict[str, tuple[float, ModelCorruptError]] = {}  # "task.key" -> (when, error)
        self._loaded: set[str] = set()
        self.load_times_ms: dict[str, float] = {}

    @property
    def is_tiny(self) -> bool:
        """True when the configured models are the random-weight tiny ones (briefs say so)."""
        return bool(self.settings.tiny_models)

    def spec_for(self, task: str, key: str) -> ModelSpec:
        """The configured spec; UnsupportedPairError for a translation pair with no model."""
        return self.registry.get(task, key)

    def translator(self) -> Translator:
        """The process's pair-routing translator."""
        return self._router

    def translator_for(self, source_lang: str, target_lang: str) -> Translator:
        """The engine for one pair, loaded on first use; UnsupportedPairError when none is configured.

        Codes arrive checked and normalised (``service.languages`` at the boundary), so an
        unknown code is simply a pair with no model.
        """
        pair = f"{source_lang}-{target_lang}"
        return self._once(("pair", pair), lambda: self._load_translator(self.spec_for("translation", pair)))

    def summarizer(self, name: str | None = None) -> Summarizer:
        """The named summarizer (default ``settings.summarizer``), loaded on first use."""
        name = name or self.settings.summarizer
        spec = self.summarizer_spec(name)
        return self._once(("summarizer", name), lambda: self._load(
            spec, lambda path: self._summarizer_factory(spec, path, self._summary_options())))

    def ner(self, *, required: bool = False) -> SpacyNer | None:
        """The NER pipeline (``[models.ner.*]``), loaded on first use; None when it is not installed
        (the heuristic detector serves then) unless ``required``: then ModelMissingError. A corrupt
        pipeline always raises, naming the bad file."""
        spec = self.registry.ner_spec()
        if spec is None:
            if required:
                raise ModelMissingError("no NER pipeline is configured ([models.ner.en] in the settings)")
            return None
        if not required and self.store.state(spec) == "missing":
            return None
        return self._once(("ner", spec.key), lambda: self._load(
            spec, lambda path: self._ner_factory(spec, path, self.settings.entities.batch_size)))

    def _summary_options(self) -> SummaryOptions:
        """The summary settings with the embedding conversion's folder resolved (under models_dir)."""
        options = self.settings.summary
        if options.embedding_cache_dir:
            return options
        return dataclasses.replace(options, embedding_cache_dir=str(self.settings.models_dir / ".cache" / "embeddings"))

    def preload(self, pairs: Iterable[str] | None = None, *, summarizers: Iterable[str] | None = None,
                verify: bool = False) -> None:
        """Load models eagerly (gunicorn workers, readiness); defaults to the configured targets.

        ``verify`` first re-hashes each translation model against its manifest, so changed weights that
        would still load are caught at start. Every model is tried; a failure is remembered (``status``
        names the bad file) and the first is raised once all were tried.
        """
        if pairs is None:
            pairs = [f"{self.settings.source_lang}-{t}" for t in self.settings.target_langs]
        failures: list[Exception] = []
        for pair in pairs:
            source, sep, target = pair.partition("-")
            if not sep:
                raise ValueError(f"language pair must look like 'en-ja', got {pair!r}")
            try:
                if verify:
                    self.verify_installed(self.spec_for("translation", pair))
                self.translator_for(source, target)
            except Exception as exc:  # noqa: BLE001 - the other models still load; raised below
                failures.append(exc)
        for name in summarizers if summarizers is not None else [self.settings.summarizer]:
            try:
                self.summarizer(name)
            except Exception as exc:  # noqa: BLE001 - raised below
                failures.append(exc)
        if self.settings.entities.detector in ("auto", "ner"):
            try:
                self.ner(required=self.settings.entities.detector == "ner")
            except Exception as exc:  # noqa: BLE001 - raised below
                failures.append(exc)
        if failures:
            raise failures[0]

    def verify_installed(self, spec: ModelSpec) -> None:
        """Re-hash an installed model against its manifest; ModelCorruptError naming the first changed or
        missing file (remembered, as a failed load). Nothing for a model that is not installed or has no
        manifest (``models verify`` reports those)."""
        try:
            problems = self.store.verify(spec)
        except ModelMissingError:
            return
        changed = [p for p in problems if not p.startswith(".briefs-manifest.json") and ": extra" not in p]
        if changed:
            ref = f"{spec.task}.{spec.key}"
            error = ModelCorruptError(
                f"model {spec.model} for {spec_ref(spec)} is corrupt: {changed[0]}; reinstall it with "
                f"`python -m service models pull {spec.key} --force`", file=changed[0].split(":", 1)[0],
                model=spec.model, pair=spec_ref(spec))
            self._load_failures[ref] = (time.monotonic(), error)
            raise error

    def status(self) -> list[dict[str, Any]]:
        """One row per configured model: what it is, whether it is installed and loaded."""
        rows = []
        for spec in self.registry.specs():
            state = self.store.state(spec)
            rows.append({
                "task": spec.task,
                "key": spec.key,
                "model": spec.model,
                "engine": spec.engine,
                "license": spec.license,
                "non_commercial": spec.non_commercial,
                "installed": state == "installed",
                "state": state,
                "loaded": f"{spec.task}.{spec.key}" in self._loaded,
                **self._failure_row(spec),
                "size_mb": self.store.size_mb(spec),
                "path": str(self.store.path(spec)),
                "tiny": spec.tiny or self.is_tiny,
            })
        return rows

    def _failure_row(self, spec: ModelSpec) -> dict[str, Any]:
        """A model that failed to load or verify: corrupt, with the file its error names."""
        failed = self._load_failures.get(f"{spec.task}.{spec.key}")
        if failed is None:
            return {}
        file = failed[1].extra.get("file")
        return {"state": "corrupt", "installed": False, **({"file": Path(str(file)).name} if file else {})}

    def summarizer_spec(self, name: str) -> ModelSpec:
        """The spec that serves a summarizer name (``ModelRegistry.summarizer_spec``)."""
        return self.registry.summarizer_spec(name)

    def _load_translator(self, spec: ModelSpec) -> Translator:
        def build(path: Path) -> Translator:
            # Pairs served by one multilingual model share one loaded engine.
            options = plan_threads(self.settings.translation, workers=self.settings.http.workers)
            return self._once(("engine", spec.engine, str(path.resolve())),
                              lambda: self._translator_factory(spec, path, options))

        return self._load(spec, build)

    def _load(self, spec: ModelSpec, build: Callable[[Path], T]) -> T:
        ref = f"{spec.task}.{spec.key}"
        failed = self._load_failures.get(ref)
        if failed and time.monotonic() - failed[0] < LOAD_RETRY_AFTER_S:
            raise failed[1]
        path = self._installed_path(spec)
        _silence_load_progress()
        started = time.perf_counter()
        try:
            instance = build(path)
        except (ModelCorruptError, DependencyMissingError) as exc:
            if isinstance(exc, ModelCorruptError):
                self._load_failures[ref] = (time.monotonic(), self._named(spec, exc))
                raise self._load_failures[ref][1] from exc
            raise
        except ModelMissingError:
            raise
        except Exception as exc:  # an engine that cannot read its files fails in its own ways (IndexError, ...)
            error = self._named(spec, ModelCorruptError(
                f"model {spec.model} for {spec_ref(spec)} at {path} cannot be loaded ({type(exc).__name__}); "
                f"reinstall it with `python -m service models pull {spec.key} --force`",
                model=spec.model, pair=spec_ref(spec)))
            self._load_failures[ref] = (time.monotonic(), error)
            raise error from exc
        self._load_failures.pop(ref, None)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.load_times_ms[ref] = round(elapsed_ms, 1)
        self._loaded.add(ref)
        log.info("loaded %s (%s, %s) from %s in %.0f ms", ref, spec.model, spec.engine, path, elapsed_ms)
        return instance

    def _named(self, spec: ModelSpec, error: ModelCorruptError) -> ModelCorruptError:
        """``error`` naming its file: the one it names, else the first the manifest says has changed."""
        if error.extra.get("file"):
            return error
        try:
            changed = [p for p in self.store.verify(spec) if ": changed" in p or ": missing" in p]
        except Exception:  # naming is a courtesy; the load failure is what counts
            log.debug("could not verify %s", spec_ref(spec), exc_info=True)
            changed = []
        if not changed:
            return error
        return ModelCorruptError(f"{error.detail} ({changed[0]})", **{**error.extra,
                                                                     "file": changed[0].split(":", 1)[0]})

    def _installed_path(self, spec: ModelSpec) -> Path:
        original = original_spec(spec)
        try:
            return self.store.check(spec)
        except ModelCorruptError:
            raise
        except ModelMissingError:
            if original == spec or not self.store.is_installed(original):
                if not self._may_pull(spec):
                    raise
                self._pull(original)
        if original != spec:
            self._convert(spec)
        return self.store.check(spec)

    def _convert(self, spec: ModelSpec) -> None:
        """Build the missing ctranslate2 form from the installed original (a store from before
        ctranslate2 became the default, or a fresh auto-pull)."""
        from models.convert import convert_spec

        log.info("converting %s for %s to ctranslate2 int8", spec.model, spec_ref(spec))
        convert_spec(self.store, spec, force=True)

    def _may_pull(self, spec: ModelSpec) -> bool:
        # Tiny models, the packaged embedding model and spaCy pipelines (not a hub model) are not on the hub.
        return self.settings.auto_pull and not spec.tiny and spec.engine not in ("sentence-embeddings", "spacy")

    def _pull(self, spec: ModelSpec) -> None:
        from models.pull import pull_model

        ref = spec_ref(spec)
        failed = self._pull_failures.get(ref)
        if failed and time.monotonic() - failed[0] < PULL_RETRY_AFTER_S:
            raise failed[1]
        try:
            pull_model(spec, self.store.install_path(spec), endpoint=self.settings.hub_endpoint,
                       timeout_s=self.settings.pull_timeout_s, progress=False)
        except ModelMissingError as exc:
            self._pull_failures[ref] = (time.monotonic(), exc)
            raise

    def _once(self, key: tuple[str, ...], create: Callable[[], T]) -> T:
        """Double-checked creation under a lock per key: concurrent first calls build one instance."""
        instance = self._instances.get(key)
        if instance is not None:
            return instance
        with self._locks_guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            instance = self._instances.get(key)
            if instance is None:
                instance = create()
                self._instances[key] = instance
            return instance
