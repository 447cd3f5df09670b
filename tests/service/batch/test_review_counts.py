"""summary.json and the manifest count the segments needing review (the tiny models' output always does)."""
from __future__ import annotations

import json

from service.batch.runner import _review
from service.batch.summary import BatchSummary
from service.brief import AlignedSegment, Brief, BriefMeta
from tests.service.batch.articles import make_articles, write_jsonl
from tests.service.batch.helpers import manifest_lines


def test_summary_counts_every_segment_needing_review_and_a_resumed_run_keeps_them(run_job, tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(6))
    out = tmp_path / "out"
    summary = run_job(source, out, to=("ja", "ko"))
    lines = manifest_lines(out)
    assert all(line["needs_review"]["segments"] == line["sentences"] for line in lines)  # tiny models: all
    saved = json.loads((out / "summary.json").read_text())
    total = sum(line["sentences"] for line in lines)
    assert saved["needs_review"] == {"segments": total, "articles": 6, "by_lang": {"ja": total, "ko": total}}
    assert f"{total} segment(s) in 6 article(s) need review (ja {total}, ko {total})" in summary.text()
    again = run_job(source, out, to=("ja", "ko"))
    assert again.skipped == 6
    assert json.loads((out / "summary.json").read_text())["needs_review"] == saved["needs_review"]


def test_briefs_without_a_verdict_add_nothing():
    """Quality signals off: no manifest field, nothing counted."""
    brief = Brief(segments=[AlignedSegment("s1", 0, "Text.", {"ja": "テキスト。"}, {"ja": "model"})], entities=[],
                  meta=BriefMeta(target_langs=["ja"]))
    assert _review(brief) is None
    summary = BatchSummary()
    summary.count_review(_review(brief))
    summary.count_review({"segments": 0, "by_lang": {"ja": 0}})
    assert summary.to_dict()["needs_review"] == {"segments": 0, "articles": 0, "by_lang": {}}
