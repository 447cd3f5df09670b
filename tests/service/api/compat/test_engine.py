"""The doors' bridge to the pipeline: pieces out, translations back in place."""
from __future__ import annotations

import pytest

from service.api.compat.engine import TextJob, _batches, translate_texts
from service.errors import TextTooLongError


@pytest.mark.parametrize(("texts", "job", "expected"), [
    (["One. Two."], TextJob("en", "ja"), ["<ja> One. <ja> Two."]),
    (["One. Two."], TextJob("en", "ja", split_sentences=False), ["<ja> One. Two."]),
    (["  ", "x"], TextJob("en", "ko"), ["  ", "<ko> x"]),
    (["<p>A <b>B</b></p>"], TextJob("en", "ja", tag_handling="html"), ["<p>&lt;ja&gt; A <b>&lt;ja&gt; B</b></p>"]),
    (["<p>A</p>", "plain"], TextJob("en", "ja", tag_handling="xml"), ["<p>&lt;ja&gt; A</p>", "&lt;ja&gt; plain"]),
])
def test_translate_texts_keeps_order_spacing_and_markup(resources, texts, job, expected):
    assert translate_texts(texts, job, resources) == expected


def test_glossary_layer_applies(resources):
    assert "東京" in translate_texts(["They met in Tokyo."], TextJob("en", "ja"), resources)[0]


def test_batches_stay_within_the_limit():
    assert _batches(["aaaa", "bb", "cccc", "d"], 6) == [["aaaa", "bb"], ["cccc", "d"]]


def test_one_call_refuses_more_than_the_limit_but_chunked_does_not(make_app):
    app = make_app(limits={"max_chars": 40})
    resources = app.extensions["briefs"]
    texts = ["Officials met in Tokyo on Monday.", "They discussed trade and security."]
    with pytest.raises(TextTooLongError):
        translate_texts(texts, TextJob("en", "ja"), resources)
    assert len(translate_texts(texts, TextJob("en", "ja"), resources, chunked=True)) == 2
