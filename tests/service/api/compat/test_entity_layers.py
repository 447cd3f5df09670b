"""Entity layers through the DeepL and LibreTranslate doors (the same pipeline): per-language
fallback from a DeepL glossary to ``default``, the CLDR layer, short renderings."""
from __future__ import annotations

from service.glossary.model import GlossaryEntry

TEXT = ("Foreign Minister Park Jin flew to Tokyo on Monday. He then visited Jakarta for talks. "
        "Foreign Minister Park said the talks went well.")


def _deepl(client, target: str, **extra) -> str:
    body = {"text": [TEXT], "target_lang": target, "source_lang": "EN", **extra}
    response = client.post("/v2/translate", json=body)
    assert response.status_code == 200, response.data
    return response.get_json()["translations"][0]["text"]


def test_deepl_glossary_without_a_language_passes_it_on(client, resources) -> None:
    desk = resources.glossaries.create("desk", [GlossaryEntry("Tokyo", {"ja": "トーキョー"}, type="place")])
    ja = _deepl(client, "JA", glossary_id=desk.id)
    assert "トーキョー" in ja
    assert "ジャカルタ" in ja  # CLDR: no glossary has Jakarta
    assert "ZX" not in ja
    ko = _deepl(client, "KO", glossary_id=desk.id)
    assert "도쿄" in ko  # the desk glossary has no Korean Tokyo: default's
    assert "자카르타" in ko
    assert "Foreign Minister 박 said" in ko
    assert "박진" in ko


def test_libretranslate_door_uses_default_cldr_and_short_renderings(client) -> None:
    response = client.post("/translate", json={"q": TEXT, "source": "en", "target": "ko"})
    assert response.status_code == 200, response.data
    text = response.get_json()["translatedText"]
    assert "도쿄" in text
    assert "자카르타" in text
    assert "박진" in text
    assert "Foreign Minister 박 said" in text
