"""One spelling per job: a name no glossary knows renders one way in every article, across resume."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.batch.spellings import LEARNED_STATE_NAME, JobLearnedGlossary, SpellingBook
from tests.service.batch.articles import make_articles, write_jsonl
from tests.service.batch.helpers import manifest_lines

NAME = "Velmora Quist"


def test_first_proposal_wins_and_is_persisted(tmp_path):
    path = tmp_path / LEARNED_STATE_NAME
    book = SpellingBook(path)
    assert book.settle("ja", {"Ana Vell": "アナ"}, {"Ana Vell": "person"}) == {"Ana Vell": "アナ"}
    assert book.settle("ja", {"Ana Vell": "別"}, {}) == {"Ana Vell": "アナ"}
    book.close()
    with path.open("ab") as fh:
        fh.write(b'{"name": "Torn", "la')  # a crash mid-line
    again = SpellingBook(path)
    assert again.lookup("ja", ["Ana Vell", "Torn"]) == {"Ana Vell": "アナ"}
    assert [(e.source, e.type, e.renderings) for e in again.entries()] == [("Ana Vell", "person", {"ja": "アナ"})]


def test_learned_glossary_translates_only_unsettled_names(tmp_path):
    book = SpellingBook()
    book.settle("ja", {"Ana Vell": "アナ"}, {})
    learned = JobLearnedGlossary(book)
    assert "Ana Vell" in learned.names()
    calls: list[list[str]] = []

    class Recording:
        def translate_batch(self, texts, source_lang, target_lang):
            calls.append(list(texts))
            return [f"<{t}>" for t in texts]

    rendered = learned.render_many(["Ana Vell", "Bo Rask"], "ja", Recording())
    assert rendered == {"Ana Vell": "アナ", "Bo Rask": "<Bo Rask>"}
    assert calls == [["Bo Rask"]]
    assert book.lookup("ja", ["Bo Rask"]) == {"Bo Rask": "<Bo Rask>"}


def _renderings(out: Path, lang: str) -> tuple[set[str], int]:
    """The renderings of NAME in every brief, and how many briefs mention it (checked in the text)."""
    seen, briefs = set(), 0
    for line in manifest_lines(out):
        brief = json.loads((out / line["outputs"][0]).read_text(encoding="utf-8"))
        segments = {s["id"]: s for s in brief["segments"]}
        for entity in (e for e in brief["entities"] if e["source"] == NAME):
            briefs += 1
            assert entity["resolution"] == "learned"
            seen.add(entity["renderings"][lang])
            for m in (m for m in entity["mentions"] if m["lang"] == lang):
                assert segments[m["segment"]]["translations"][lang][m["start"]:m["end"]] == entity["renderings"][lang]
    return seen, briefs


def test_unknown_name_in_20_articles_gets_one_rendering(run_job, tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(20, mention=NAME))
    out = tmp_path / "out"
    summary = run_job(source, out, to=("ja", "ko"), batch={"group_articles": 3})
    assert summary.ok == 20
    for lang in ("ja", "ko"):
        renderings, briefs = _renderings(out, lang)
        assert len(renderings) == 1, renderings
        assert briefs == 20, renderings
    learned = [json.loads(line) for line in (out / LEARNED_STATE_NAME).read_text().splitlines()]
    assert sorted(r["lang"] for r in learned if r["name"] == NAME) == ["ja", "ko"]
    assert NAME.encode() in (out / "learned.tbx").read_bytes()


def test_a_resumed_run_reuses_the_spelling_the_job_settled(run_job, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # As if an earlier run had settled this rendering: the rest of the job must use it.
    (out / LEARNED_STATE_NAME).write_text(
        json.dumps({"name": NAME, "kind": "term", "lang": "ja", "rendering": "ヴェルモラ"}) + "\n", encoding="utf-8")
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(6, mention=NAME))
    run_job(source, out, batch={"group_articles": 2})
    assert _renderings(out, "ja") == ({"ヴェルモラ"}, 6)


def test_save_learned_promotes_the_names_into_a_glossary(run_job, tmp_path, batch_resources):
    source = write_jsonl(tmp_path / "a.jsonl", make_articles(3, mention=NAME))
    run_job(source, tmp_path / "out", save_learned="batch-learned-test")
    glossary = batch_resources.glossaries.get("batch-learned-test")
    assert NAME in {e.source for e in glossary.entries}


@pytest.mark.parametrize(("kinds", "expected"), [({"A B": "person"}, "person"), ({"A B": "place"}, "place"),
                                                  ({"A B": "GPE"}, "term")])
def test_entry_types_stay_within_what_a_glossary_accepts(kinds, expected):
    book = SpellingBook()
    book.settle("ko", {"A B": "에이"}, kinds)
    assert book.entries()[0].type == expected


def test_translator_contract_is_checked():
    class Silent:
        def translate_batch(self, texts, source_lang, target_lang):
            return []

    with pytest.raises(ValueError, match="translator returned 0 outputs for 1 names"):
        JobLearnedGlossary(SpellingBook()).render_many(["A B"], "ja", Silent())
