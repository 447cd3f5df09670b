"""Markdown and text renderings treat article and glossary text as data: no markup, no forged rows or lines."""
from __future__ import annotations

import re

import pytest

from service.brief import AlignedSegment, Brief, BriefMeta, EntityReport
from service.exports.render import render_brief

HOSTILE = {
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "table-separator": "Tokyo | injected | cell",
    "link": "[click](javascript:alert(1))",
    "emphasis": "**bold** _it_ `code` ~~gone~~",
    "new-row": "Tokyo\n| forged | row | here |",
}


def brief_with(text: str) -> Brief:
    segment = AlignedSegment(id="s1", source_index=0, en=text, translations={"ja": text}, provenance={"ja": "model"})
    entity = EntityReport(source=text, type="term", resolution="glossary", glossary="default",
                          renderings={"ja": text})
    return Brief(segments=[segment], entities=[entity], meta=BriefMeta(target_langs=["ja"], signature="sig"))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_markdown_escapes_markup_and_table_separators(name):
    markdown = render_brief(brief_with(HOSTILE[name]), "markdown")
    assert "<script" not in markdown
    assert "<img" not in markdown
    table = [line for line in markdown.splitlines() if line.startswith("|")][2:]
    assert len(table) == 1  # the entity's row, no forged one
    assert len(re.findall(r"(?<!\\)\|", table[0])) == 5  # | English | Type | Source | ja |
    assert "](" not in markdown.replace("\\](", "")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_text_keeps_each_value_on_its_line(name):
    text = render_brief(brief_with(HOSTILE[name]), "text")
    assert [line for line in text.splitlines() if line.startswith("[")] == [line for line in text.splitlines()
                                                                             if line.startswith("[s1]")]
    assert len([line for line in text.splitlines() if line.strip()]) == 2


def test_plain_text_reads_the_same():
    markdown = render_brief(brief_with("Officials met in Tokyo on 3.5 percent growth - #1 story."), "markdown")
    assert "Officials met in Tokyo on 3.5 percent growth - #1 story." in markdown
