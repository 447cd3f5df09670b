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
from tests.service.batch.conftest import manifest_lines


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
    source = write_jsonl(tmp_path / "a.jsonl", articles + [""])  # the empty one fails on both engines
    local = run_job(source, tmp_path / "local", to=("ja", "ko"), batch={"group_articles": 2})
    try:
        remote = run_job(source, tmp_path / "ray", to=("ja", "ko"), batch={"group_articles": 2},
                         engine="ray", workers=2)
    finally:
        assert not ray.is_initialized(), "the job shuts down the Ray instance it started"
    assert (local.ok, local.failed) == (remote.ok, remote.failed) == (9, 1)
    assert _results(tmp_path / "local") == _results(tmp_path / "ray")
    assert remote.to_dict()["engine"] == "ray"
