"""``--engine ray``: the same groups, built by Ray actors that each hold the models.

The driver (this process) reads INPUT, writes every output file and the manifest, exactly as
the local engine does; actors only run :func:`service.batch.groups.build_group`. Each actor
loads the models once (from ``models_dir`` on its node) and gets the glossaries already
resolved by the driver, so nodes need no glossary store. Learned spellings are settled by one
registry actor (first rendering wins), seeded from and copied back to ``learned.jsonl``.
Ray is optional: without it, ``--engine ray`` raises DependencyMissingError with the install hint.
"""
from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from service.batch.extract import Article
from service.batch.groups import Group, Outcome, build_group
from service.batch.spellings import JobLearnedGlossary, SpellingBook
from service.errors import BriefsError, DependencyMissingError
from service.glossary.model import ActiveGlossary
from service.pipeline import BriefRequest, resolve_request
from service.runtime.resources import Resources
from service.settings import Settings, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INSTALL_HINT = ("--engine ray needs Ray, an optional dependency: pip install 'ray>=2.40' "
                "(requirements-ray.txt, or the project's ray extra); or use --engine local")


def import_ray() -> Any:
    """The ray module, or DependencyMissingError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise DependencyMissingError(INSTALL_HINT) from None
    return ray


def settings_payload(value: Any) -> Any:
    """Settings as plain data (read-only mappings and paths do not pickle), for ``load_settings``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: settings_payload(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {k: settings_payload(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [settings_payload(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class ResolvedGlossaries:
    """Stands in for the glossary store on an actor: the driver already resolved the request's."""

    def __init__(self, active: ActiveGlossary) -> None:
        self.active = active

    def resolve(self, names: Sequence[str], inline: Sequence[Any] = ()) -> ActiveGlossary:
        return self.active


class RegistrySpellings:
    """The job's spellings as kept by the registry actor (a SpellingBook held by Ray)."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry

    def lookup(self, target_lang: str, names: Sequence[str]) -> dict[str, str]:
        return cast(dict[str, str], _ray_get(self.registry.lookup.remote(target_lang, list(names))))

    def settle(self, target_lang: str, proposals: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, str]:
        return cast(dict[str, str], _ray_get(self.registry.settle.remote(target_lang, dict(proposals), dict(kinds))))

    def names(self) -> list[tuple[str, str]]:
        return cast(list[tuple[str, str]], _ray_get(self.registry.names.remote()))


def _ray_get(ref: Any) -> Any:
    return import_ray().get(ref)


class BatchWorker:
    """A Ray actor: Resources (models loaded once) and the job's learned glossary."""

    def __init__(self, payload: dict[str, Any], request: BriefRequest, active: ActiveGlossary,
                 registry: Any) -> None:
        settings = load_settings(overrides=payload, environ={})
        self.resources = Resources(settings, glossaries=cast(Any, ResolvedGlossaries(active)))
        self.request = request
        self.learned = JobLearnedGlossary(RegistrySpellings(registry))
        # A node without the models: reported by the first build() as the typed error (exit 3),
        # rather than as a dead actor.
        self.startup_error: BriefsError | None = None
        try:
            self.request = resolve_request(request, self.resources)  # loads the engines now
        except BriefsError as exc:
            self.startup_error = exc

    def build(self, articles: list[Article]) -> list[Outcome]:
        if self.startup_error is not None:
            raise self.startup_error
        self.learned.sync()  # names other actors found since this one's last group
        return build_group(articles, self.request, self.resources, self.learned)


class RayEngine:
    """Groups go to an ActorPool in order; at most two per actor are in flight."""

    name = "ray"

    def __init__(self, settings: Settings, request: BriefRequest, active: ActiveGlossary, book: SpellingBook,
                 *, workers: int = 2, address: str | None = None) -> None:
        self.settings, self.request, self.active, self.book = settings, request, active, book
        self.workers = workers
        self.address = address
        self._ray: Any = None
        self._started = False
        self._registry: Any = None
        self._pool: Any = None
        self._actors: list[Any] = []
        self._cursor = 0

    def __enter__(self) -> RayEngine:
        ray = self._ray = import_ray()
        if not ray.is_initialized():
            quiet = {"log_to_driver": False, "logging_level": logging.ERROR}
            if self.address:  # nodes have the project installed (or ray job submit --working-dir ships it)
                ray.init(address=self.address, **quiet)
            else:  # a local instance for this job; its workers import this checkout
                ray.init(num_cpus=max(2, self.workers), include_dashboard=False,
                         runtime_env={"env_vars": {"PYTHONPATH": str(PROJECT_ROOT)}}, **quiet)
            self._started = True
        try:
            self._start_actors(ray)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start_actors(self, ray: Any) -> None:
        from ray.util import ActorPool

        self._registry = ray.remote(num_cpus=0)(SpellingBook).remote()
        seed = self.book.records()
        ray.get(self._registry.merge.remote(seed))
        self._cursor = len(seed)
        worker = ray.remote(num_cpus=1)(BatchWorker)
        payload = settings_payload(self.settings)
        self._actors = [worker.remote(payload, self.request, self.active, self._registry)
                        for _ in range(self.workers)]
        self._pool = ActorPool(self._actors)

    def __exit__(self, *exc: object) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        self._actors, self._pool = [], None
        if self._registry is not None:
            self._ray.kill(self._registry)
            self._registry = None
        if self._started:
            self._ray.shutdown()
            self._started = False

    def run(self, groups: Iterator[Group]) -> Iterator[tuple[Group, list[Outcome]]]:
        pending: deque[Group] = deque()
        window = 2 * self.workers
        for group in groups:
            if group.articles:
                self._pool.submit(lambda actor, articles: actor.build.remote(articles), group.articles)
            pending.append(group)
            while len(pending) > window or (pending and not pending[0].articles):
                yield self._next(pending)
        while pending:
            yield self._next(pending)

    def _next(self, pending: deque[Group]) -> tuple[Group, list[Outcome]]:
        group = pending.popleft()
        if not group.articles:
            return group, []
        try:
            outcomes = self._pool.get_next()
        except self._ray.exceptions.RayTaskError as exc:
            if isinstance(exc.cause, BriefsError):
                raise exc.cause from None
            raise
        new = self._ray.get(self._registry.records.remote(self._cursor))
        self.book.merge(new)
        self._cursor += len(new)
        return group, outcomes
