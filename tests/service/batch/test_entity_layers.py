"""Entity layers in an archive batch job: per-language fallback, the CLDR layer, short references."""
from __future__ import annotations

import json

from service.batch.runner import BatchJob, run_batch
from service.glossary.model import GlossaryEntry
from service.pipeline import BriefRequest
from service.runtime.resources import Resources
from tests.fakes import FakeModelManager
from tests.helpers import make_settings

ARTICLE = ("Foreign Minister Park Jin flew to Tokyo on Monday.\n\nHe then visited Jakarta for talks.\n\n"
           "Foreign Minister Park said the talks went well.")


def test_batch_briefs_use_every_layer(tmp_path) -> None:
    settings = make_settings(tmp_path)
    resources = Resources(settings, models=FakeModelManager(settings))
    resources.glossaries.create("desk", [GlossaryEntry("Tokyo", {"ja": "トーキョー"}, type="place")])
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(ARTICLE, encoding="utf-8")
    job = BatchJob(folder, tmp_path / "out", BriefRequest(target_langs=("ja", "ko"), sentences=3,
                                                          glossaries=("desk",)))
    summary = run_batch(job, settings, resources=resources, quiet=True)
    assert summary.ok == 1
    (output,) = (tmp_path / "out").rglob("one*.json")
    brief = json.loads(output.read_text(encoding="utf-8"))
    entities = {e["source"]: e for e in brief["entities"]}
    assert entities["Tokyo"]["renderings"] == {"ja": "トーキョー", "ko": "도쿄"}
    assert entities["Tokyo"]["rendered_by"] == {"ja": "desk", "ko": "default"}
    assert entities["Jakarta"]["resolution"] == "cldr"
    assert entities["Park Jin"]["short_renderings"] == {"ja": "朴", "ko": "박"}
    assert any("Foreign Minister 박 said" in s["translations"]["ko"] for s in brief["segments"])
