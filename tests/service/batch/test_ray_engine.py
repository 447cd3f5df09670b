"""The Ray engine: same statuses, translations and learned spellings as the local engine."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from service.batch.ray_engine import import_ray, settings_payload
from service.errors import DependencyMissingError
from service.settings import load_settings
from tests.service.batch.articles import make_articles, write_jsonl
from tests.service.batch.helpers import manifest_lines


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(DependencyMissingError, match=r"pip install 'ray>=2\.40'"):
        import_ray()


def test_settings_travel_as_plain_data(batch_settings):
    payload = settings_payload(batch_settings)
    json.dumps(payload)  # plain data: picklable anywhere
    assert load_settings(overrides=payload, environ={}) == batch_settings


def _results(out: Path) -> tuple[dict, dict, set]:
    statuses, translations = {}, {}
    for line in manifest_lines(out):
        statuses[line["id"]] = (line["status"], (line["error"] or {}).get("code"))
        if line["status"] == "ok":
            brief = json.loads((out / line["outputs"][0]).read_text(encoding="utf-8"))
            translations[line["id"]] = [s["translations"] for s in brief["segments"]]
    learned = {tuple(sorted(json.loads(x).items())) for x in (out / "learned.jsonl").read_text().splitlines()}
    return statuses, translations, learned


@pytest.mark.slow
def test_local_and_ray_give_the_same_results(run_job, tmp_path):
    ray = pytest.importorskip("ray")
    articles = make_articles(5, mention="Velmora Quist") + make_articles(4, seed=3, mention="Dorin Aske")
    source = write_jsonl(tmp_path / "a.jsonl", [*articles, ""])  # the empty one fails on both engines
    local = run_job(source, tmp_path / "local", to=("ja", "ko"), batch={"group_articles": 2})
    try:
        # The actors get a store of their own: no translation cached by the local run answers them.
        remote = run_job(source, tmp_path / "ray", to=("ja", "ko"), batch={"group_articles": 2},
                         engine="ray", workers=2, settings_changes={"store_path": tmp_path / "ray.sqlite3"})
    finally:
        assert not ray.is_initialized(), "the job shuts down the Ray instance it started"
    assert (local.ok, local.failed) == (remote.ok, remote.failed) == (9, 1)
    assert _results(tmp_path / "local") == _results(tmp_path / "ray")
    assert remote.to_dict()["engine"] == "ray"


class _Method:
    def __init__(self, fn) -> None:
        self.remote = fn


class _LocalRegistry:
    """The registry actor's methods, called in-process (``ray.get`` of a plain value is the value)."""

    def __init__(self) -> None:
        from service.batch.spellings import SpellingBook

        self.book = SpellingBook()
        for name in ("lookup", "settle", "names"):
            setattr(self, name, _Method(getattr(self.book, name)))


@pytest.fixture
def no_ray(monkeypatch):
    import service.batch.ray_engine as ray_engine

    monkeypatch.setattr(ray_engine, "_ray_get", lambda ref: ref)
    return _LocalRegistry()


def test_worker_builds_a_group_and_settles_names_in_the_registry(no_ray, batch_settings):
    from service.batch.extract import Article
    from service.batch.ray_engine import BatchWorker
    from service.glossary.model import ActiveGlossary
    from service.pipeline import BriefRequest

    worker = BatchWorker(settings_payload(batch_settings), BriefRequest(("ja",), sentences=3), ActiveGlossary(),
                         no_ray)
    texts = make_articles(2, mention="Velmora Quist")
    outcomes = worker.build([Article(f"a{n}", "s", "0" * 64, text=t) for n, t in enumerate(texts)])
    assert [o.id for o in outcomes] == ["a0", "a1"]
    assert all(o.brief and not o.error for o in outcomes)
    assert "Velmora Quist" in no_ray.book.lookup("ja", ["Velmora Quist"])


def test_worker_on_a_node_without_models_reports_the_typed_error(no_ray, tmp_path):
    from service.batch.ray_engine import BatchWorker
    from service.errors import ModelMissingError
    from service.glossary.model import ActiveGlossary
    from service.pipeline import BriefRequest
    from tests.helpers import make_settings

    payload = settings_payload(make_settings(tmp_path, models_dir=str(tmp_path / "empty")))
    worker = BatchWorker(payload, BriefRequest(("ja",)), ActiveGlossary(), no_ray)
    with pytest.raises(ModelMissingError):
        worker.build([])
