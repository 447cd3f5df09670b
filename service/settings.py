"""Settings: read once into one frozen object and passed down.

Layers, later wins: ``config/default.toml``; the file named by ``BRIEFS_CONFIG``
(or ``config_path``); ``<models_dir>/briefs.toml`` when present (written by
``models build-tiny``); ``BRIEFS_*`` environment variables; explicit overrides.
This is the only module that reads ``os.environ``.
"""
from __future__ import annotations

import dataclasses
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, get_type_hints

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
DEFAULT_CONFIG = CONFIG_DIR / "default.toml"
MODELS_DIR_SETTINGS = "briefs.toml"
ENV_PREFIX = "BRIEFS_"


@dataclass(frozen=True)
class Limits:
    max_chars: int = 100_000
    max_sentences: int = 50
    default_sentences: int = 5
    max_texts: int = 32
    # Bounds on one HTTP request, checked before any work (service/api/limits.py, the schemas).
    max_total_chars: int = 200_000  # all texts (or segments) of one request together
    max_segments: int = 1_000  # segments of one /v1/translate request
    max_segment_chars: int = 5_000  # characters of one segment
    max_inline_entries: int = 200  # inline_glossary entries of one request
    max_inline_chars: int = 20_000  # characters of all inline_glossary entries together
    max_import_entries: int = 20_000  # entries of one glossary import or replace
    max_json_depth: int = 32  # nesting of a JSON request body
    max_glossaries: int = 16  # glossary names in one request
    max_list_items: int = 100  # any other list in a request (target languages, aliases, tags, ...)
    max_document_chars: int = 300_000  # text of one uploaded document (/v2/document; /translate_file: max_chars)
    max_document_bytes: int = 10_000_000  # one document as parsed: a .docx's parts uncompressed together


@dataclass(frozen=True)
class TranslationOptions:
    beam_size: int = 4
    max_length: int = 256
    batch_size: int = 16
    threads: int = 0  # older name of intra_threads (used when intra_threads is 0)
    engine: str = "ctranslate2"  # for pairs whose model entry names no engine
    inter_threads: int = 0  # 0: from the core count and http.workers (models.threads)
    intra_threads: int = 0
    max_batch_size: int = 0


@dataclass(frozen=True)
class SummaryOptions:
    lead_bias: float = 0.25
    redundancy: float = 0.7
    min_words: int = 5
    # Sentence embeddings of the extractive summarizer: "ctranslate2" (int8, converted once) or "torch".
    embedding_engine: str = "ctranslate2"
    embedding_cache_dir: str = ""  # where the conversion is kept; "" = <models_dir>/.cache/embeddings


@dataclass(frozen=True)
class HttpOptions:
    max_body_bytes: int = 2_000_000
    api_keys_required: bool = False
    rate_limit: str = "120/minute"
    char_quota: int = 0
    batch_max_size: int = 32
    batch_max_wait_ms: int = 5
    log_text: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 8
    timeout_s: int = 120
    graceful_timeout_s: int = 30
    preload_models: bool = True
    # flask-limiter storage: "memory://" (one process) or "redis://host:port/db" (shared by workers and hosts).
    rate_limit_storage: str = "memory://"
    # prometheus_client multiprocess directory under gunicorn; "" = a fresh temporary directory per start.
    metrics_dir: str = ""
    request_deadline_s: float = 60.0  # past it a request ends with 503 + Retry-After; 0 = none
    model_slots: int = 4  # requests in the model stages at once, per worker; 0 = unbounded
    max_queue_wait_s: float = 10.0  # expected wait for a slot beyond which a request is shed (503)
    admin_keys: tuple[str, ...] = ()  # key ids that may change shipped data (the default glossary)
    # gunicorn's control socket (gunicornc): "" = one of this instance's own, named after host and port,
    # in the temp dir; "none" = no control socket; or a path.
    control_socket: str = ""


@dataclass(frozen=True)
class BatchOptions:
    """``python -m service batch``: archive safety limits and how many articles share a pipeline call."""

    max_members: int = 100_000  # entries in one archive or WARC file
    max_total_bytes: int = 4_000_000_000  # uncompressed bytes of one archive
    max_ratio: float = 200.0  # uncompressed / compressed: per zip member, whole tar.gz
    max_article_bytes: int = 5_000_000  # one file, member or record, before text extraction
    group_articles: int = 32  # articles per pipeline call; their sentences share engine batches
    prefetch_groups: int = 2  # groups read ahead while the previous one is translated
    log_every_s: float = 10.0  # plain progress lines when stderr is not a terminal


@dataclass(frozen=True)
class DocumentOptions:
    """Document jobs (DeepL's /v2/document): durable rows in the store, run under leases by any worker."""

    workers: int = 2  # documents translated at once per worker process (0: none; `python -m service worker`)
    max_pending: int = 8  # queued and translating documents of all tenants together (429 beyond)
    max_pending_per_tenant: int = 2  # of one tenant (team or key); keys off: the global cap only
    lease_s: float = 30.0  # renewed every lease_s / 3 while a job runs; an expired lease is picked up again
    max_attempts: int = 3  # a document whose worker died this many times fails instead of running again
    deadline_s: float = 900.0  # one document's translation; past it the job fails (and is refunded)
    result_ttl_s: float = 3600.0  # finished documents (and their results) are kept this long


@dataclass(frozen=True)
class JobsOptions:
    """``/v1/jobs``: archives run in the background on the batch runner (service/jobs)."""

    # "auto": procrastinate when store_url is PostgreSQL, else the embedded queue (the store's job table).
    queue: str = "auto"
    worker_threads: int = 1  # job workers started inside each serve/gunicorn worker process; 0 = none
    engine: str = "local"  # the batch runner's engine for jobs: local | ray
    ray_address: str = ""  # Ray cluster for engine = "ray" ("" = a local Ray instance per job)
    ray_workers: int = 2
    work_dir: str = ""  # where workers unpack inputs and build outputs; "" = <store dir>/jobs
    poll_s: float = 1.0  # embedded queue: how often an idle worker looks for jobs in the store
    lease_s: float = 30.0  # a running job whose worker sent no heartbeat for this long is taken over
    heartbeat_s: float = 2.0  # heartbeat (and cancel check) interval of a running job
    keep_results_s: float = 7 * 86400.0  # finished jobs and their results are removed after this
    max_concurrent: int = 4  # queued or running jobs per tenant
    max_archive_bytes: int = 200_000_000  # one uploaded archive (or JSON body)
    max_articles: int = 20_000  # entries of one job's input
    callback_hosts: tuple[str, ...] = ()  # "host" or "host:port" a callback_url may name; empty = no callbacks
    callback_attempts: int = 5  # webhook deliveries tried per job
    callback_backoff_s: float = 2.0  # wait before the first retry; doubled after each failure
    callback_timeout_s: float = 10.0
    # Per-tenant overrides of max_concurrent, max_archive_bytes, max_articles: {"team:news": {"max_articles": 50000}}.
    tenant_limits: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class MemoryOptions:
    """Translation-memory reuse in briefs (service/memory)."""

    enabled: bool = True
    fuzzy_threshold: float = 0.75   # similarity in [0, 1] from which a stored translation is suggested
    max_suggestions: int = 1


@dataclass(frozen=True)
class EntityOptions:
    """Finding names no glossary knows (service/glossary/detection.py)."""

    # auto: the spaCy NER pipeline when one is installed (models.ner), else the heuristic detector;
    # ner: the pipeline, an error without one; heuristic: never the pipeline; off: glossary entries only.
    detector: str = "auto"
    # Where `models pull ner` fetches spaCy's official pipelines (a mirror URL otherwise).
    pull_url: str = "https://github.com/explosion/spacy-models/releases/download"
    batch_size: int = 64  # texts per spaCy nlp.pipe batch


DETECTOR_SETTINGS = ("auto", "ner", "heuristic", "off")


@dataclass(frozen=True)
class QualityWeights:
    """How much each signal family counts in a segment's quality score (0 turns a signal off)."""

    numbers: float = 1.0  # numbers, amounts, dates missing, changed or added
    untranslated: float = 1.0  # English words left in the translation
    degeneration: float = 1.0  # repeated characters or phrases, a sentence cut short
    length: float = 0.7  # length ratio outside the range measured for the pair
    script: float = 1.0  # too little of the target language's script
    confidence: float = 0.8  # the engine's own score (mean log-probability per token)
    glossary: float = 0.3  # names the glossary layer had to restore in the segment


@dataclass(frozen=True)
class QualityOptions:
    """Quality signals per segment and target language (service/quality): the review threshold and weights."""

    enabled: bool = True
    threshold: float = 0.5  # a segment whose score is below this needs review
    # The confidence signal, on the engine's mean log-probability per output token (natural log):
    # off at or above confidence_ok, fully on at or below confidence_low, linear between.
    confidence_ok: float = -1.0
    confidence_low: float = -2.0
    weights: QualityWeights = field(default_factory=QualityWeights)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"setting quality.threshold must be between 0 and 1, got {self.threshold}")
        if self.confidence_low >= self.confidence_ok:
            raise ValueError("setting quality.confidence_low must be below quality.confidence_ok "
                             f"({self.confidence_low} >= {self.confidence_ok})")
        for name, weight in dataclasses.asdict(self.weights).items():
            if not 0.0 <= weight <= 1.0:
                raise ValueError(f"setting quality.weights.{name} must be between 0 and 1, got {weight}")


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; build it with :func:`load_settings`."""

    models_dir: Path = Path("var/models")
    store_path: Path = Path("var/briefs.sqlite3")
    # "sqlite:///path" or "postgresql://user@host/db"; "" = sqlite:///<store_path> (BRIEFS_STORE_URL).
    store_url: str = ""
    store_pool_size: int = 5  # PostgreSQL connections per process and store (as many again on overflow)
    source_lang: str = "en"
    target_langs: tuple[str, ...] = ("ja", "ko")
    summarizer: str = "extractive"
    auto_pull: bool = True
    pull_timeout_s: float = 10.0
    hub_endpoint: str = ""
    tiny_models: bool = False
    cache: bool = True  # translation cache in the store; BRIEFS_CACHE=off disables it
    cache_max_entries: int = 100_000
    limits: Limits = field(default_factory=Limits)
    translation: TranslationOptions = field(default_factory=TranslationOptions)
    summary: SummaryOptions = field(default_factory=SummaryOptions)
    http: HttpOptions = field(default_factory=HttpOptions)
    memory: MemoryOptions = field(default_factory=MemoryOptions)
    documents: DocumentOptions = field(default_factory=DocumentOptions)
    batch: BatchOptions = field(default_factory=BatchOptions)
    entities: EntityOptions = field(default_factory=EntityOptions)
    quality: QualityOptions = field(default_factory=QualityOptions)
    jobs: JobsOptions = field(default_factory=JobsOptions)
    # Raw model registry tables; models.registry turns them into ModelSpecs.
    models: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def database_url(self) -> str:
        """The store's SQLAlchemy-style URL: ``store_url``, or the SQLite file at ``store_path``."""
        return self.store_url or f"sqlite:///{self.store_path}"

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with top-level fields changed."""
        return dataclasses.replace(self, **changes)


def load_settings(
    config_path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the settings layers once and return the frozen result.

    ``overrides`` uses the same keys as the TOML files (``{"models_dir": ...,
    "limits": {"max_chars": 10}}``); ``environ`` defaults to ``os.environ``.
    """
    env = os.environ if environ is None else environ
    config_path = config_path or env.get(ENV_PREFIX + "CONFIG")
    layers = [_read_toml(DEFAULT_CONFIG)]
    if config_path:
        layers.append(_read_toml(Path(config_path)))
    env_layer = _env_layer(env)
    tail = [env_layer, dict(overrides or {})]
    models_dir = Path(_merge(*layers, *tail).get("models_dir", "var/models"))
    tiny_file = models_dir / MODELS_DIR_SETTINGS
    if tiny_file.is_file():
        layers.append(_rebase_paths(_read_toml(tiny_file), models_dir))
    settings: Settings = _build(Settings, _merge(*layers, *tail))
    if settings.entities.detector not in DETECTOR_SETTINGS:
        raise ValueError(f"setting entities.detector must be one of {', '.join(DETECTOR_SETTINGS)}, "
                         f"got {settings.entities.detector!r}")
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ValueError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"settings file {path} is not valid TOML: {exc}") from None


def _rebase_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    """Model paths in a models-dir settings file are relative to that dir."""
    for table in data.get("models", {}).values():
        if not isinstance(table, Mapping):
            continue
        for spec in table.values():
            if isinstance(spec, dict) and spec.get("local_path"):
                spec["local_path"] = str(base / spec["local_path"])
    return data


def _env_layer(env: Mapping[str, str]) -> dict[str, Any]:
    """Map BRIEFS_KEY and BRIEFS_SECTION_KEY variables onto the settings tree."""
    layer: dict[str, Any] = {}
    sections = ("limits", "translation", "summary", "http", "batch", "memory", "quality", "entities", "jobs",
                "documents")
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX) or name == ENV_PREFIX + "CONFIG":
            continue
        key = name[len(ENV_PREFIX):].lower()
        section = next((s for s in sections if key.startswith(s + "_")), None)
        if section:
            layer.setdefault(section, {})[key[len(section) + 1:]] = value
        else:
            layer[key] = value
    return layer


def _merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = _merge(out[key], value)
            else:
                out[key] = value
    return out


def _build(cls: type, data: Mapping[str, Any]) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown setting(s) for {cls.__name__}: {', '.join(sorted(unknown))}")
    kwargs = {name: _coerce(name, hints[name], value) for name, value in data.items()}
    return cls(**kwargs)


def _coerce(name: str, hint: Any, value: Any) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(value, Mapping):
            raise ValueError(f"setting {name} must be a table")
        return _build(hint, value)
    if hint is Path:
        return Path(value)
    if hint is bool:
        if isinstance(value, str):
            if value.lower() not in {"1", "0", "true", "false", "yes", "no", "on", "off"}:
                raise ValueError(f"setting {name} must be a boolean, got {value!r}")
            return value.lower() in {"1", "true", "yes", "on"}
        return bool(value)
    if hint in (int, float):
        try:
            return hint(value)
        except (TypeError, ValueError):
            raise ValueError(f"setting {name} must be a number, got {value!r}") from None
    if hint == tuple[str, ...]:
        items = value.split(",") if isinstance(value, str) else value
        return tuple(str(v).strip() for v in items if str(v).strip())
    if name in ("models", "tenant_limits"):
        return _freeze(json.loads(value) if isinstance(value, str) else value)
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value
