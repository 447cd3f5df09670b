"""The verdict at the HTTP doors: /v1/translate and /v1/briefs carry it, an edit is judged again, /metrics counts."""
from __future__ import annotations

import pytest

from tests.fakes import DictTranslator

SOURCE = "About 50,000 troops took part in the drills on July 28."
GOOD = "7月28日の演習には兵士約5万人が参加した。"


@pytest.fixture
def translator():
    return DictTranslator({(SOURCE, "ja"): GOOD, (SOURCE, "ko"): "7월 28일 훈련에는 병력 약 5천 명이 참가했다."})


def test_translate_carries_the_verdict_per_language(client):
    body = client.post("/v1/translate", json={"segments": [SOURCE]}).get_json()
    quality = body["segments"][0]["quality"]
    assert (quality["ja"]["needs_review"], quality["ko"]["needs_review"]) == (False, True)
    kinds = {f["kind"] for f in quality["ko"]["flags"]}
    assert kinds == {"number-missing", "number-added"}
    span = next(f["span"] for f in quality["ko"]["flags"] if f["kind"] == "number-missing")
    assert SOURCE[span["start"]:span["end"]] == "50,000"
    assert span["lang"] == "en"
    assert body["meta"]["quality"] == {"needs_review": 1, "by_lang": {"ja": 0, "ko": 1}, "threshold": 0.5}


def test_an_edit_saved_over_http_is_judged_again(client):
    created = client.post("/v1/briefs", json={"text": SOURCE, "sentences": 1, "store": True}).get_json()
    assert created["meta"]["quality"]["needs_review"] == 1
    fixed = client.patch(f"/v1/briefs/{created['id']}/segments/s1",
                         json={"lang": "ko", "text": "7월 28일 훈련에는 병력 약 5만 명이 참가했다."}).get_json()
    assert fixed["segments"][0]["quality"]["ko"] == {"score": 1.0, "needs_review": False, "flags": [],
                                                     "confidence": None}
    assert fixed["meta"]["quality"]["needs_review"] == 0
    broken = client.patch(f"/v1/briefs/{created['id']}/segments/s1",
                          json={"lang": "ja", "text": "7月18日の演習には兵士約5万人が参加した。"}).get_json()
    assert broken["segments"][0]["quality"]["ja"]["needs_review"]
    assert client.get(f"/v1/briefs/{created['id']}").get_json()["meta"]["quality"]["needs_review"] == 1


def test_metrics_count_scores_flags_and_segments_needing_review(client):
    client.post("/v1/translate", json={"segments": [SOURCE]})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'briefs_quality_score_count{lang="ja"} 1.0' in text
    assert 'briefs_quality_score_bucket{lang="ko",le="0.0"} 1.0' in text
    assert 'briefs_quality_flags_total{kind="number-missing"} 1.0' in text
    assert 'briefs_segments_needing_review_total{lang="ko"} 1.0' in text
    assert 'briefs_segments_needing_review_total{lang="ja"}' not in text


def test_openapi_describes_the_verdict(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    segment = schemas["Segment"]["properties"]["quality"]
    assert segment["type"] == "object"
    quality = schemas["SegmentQuality"]
    assert set(quality["required"]) == {"score", "needs_review", "flags"}
    assert "needs_review" in schemas["QualitySummary"]["properties"]
