"""Input normalization removes bidi controls and NUL/control characters and counts them (hypothesis properties)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.pipeline.segmentation import remove_controls

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROLS = "".join(chr(c) for c in [*range(9), *range(0x0e, 0x20), *range(0x7f, 0x85), *range(0x86, 0xa0)])


@pytest.mark.parametrize(("text", "clean", "bidi", "other"), [
    ("Tokyo\u202e met\u202c.", "Tokyo met.", 2, 0),
    ("nul\x00here", "nulhere", 0, 1),
    ("keep\ttabs\nand\r\nlines\x85", "keep\ttabs\nand\r\nlines\x85", 0, 0),
    ("\u2066isolate\u2069\x1b[31m", "isolate[31m", 2, 1),
])
def test_remove_controls(text, clean, bidi, other):
    assert remove_controls(text) == (clean, bidi, other)


@given(st.text())
def test_no_control_survives_and_the_counts_add_up(text):
    clean, bidi, other = remove_controls(text)
    assert not any(c in BIDI or c in CONTROLS for c in clean)
    assert len(text) - len(clean) == bidi + other


@given(st.text())
def test_removal_is_idempotent_and_keeps_everything_else_in_order(text):
    clean, _, _ = remove_controls(text)
    assert remove_controls(clean) == (clean, 0, 0)
    assert clean == "".join(c for c in text if c not in BIDI and c not in CONTROLS)
