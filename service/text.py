"""Text hygiene shared by every layer: bidi controls and NUL/control characters out of all stored text.

Bidi embeddings, overrides, isolates and marks make text display otherwise than it reads
("Trojan Source"); NUL and the other C0/C1 controls (tab and line breaks aside) break files,
terminals and engines. Input normalization (articles, segments), stored text (reviewer edits,
memory imports, glossary entries) and uploaded documents all remove them here, and say so.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
C1_CONTROLS = re.compile(r"[\x80-\x84\x86-\x9f]")
CONTROLS_REMOVED = "controls-removed"  # the warning code everywhere they are removed


def remove_controls(text: str) -> tuple[str, int, int]:
    """``text`` without bidi controls and NUL/control characters, with how many of each were removed."""
    text, bidi = BIDI_CONTROLS.subn("", text)
    text, other = CONTROL_CHARS.subn("", text)
    return text, bidi, other


@dataclass
class Removed:
    """A running count of removed characters, for one warning over many texts."""

    bidi: int = 0
    other: int = 0
    c0: bool = True  # False: C0 controls stay (for a caller that refuses them, as JSON glossary entries do)

    def clean(self, text: str) -> str:
        """``text`` without controls; the removed characters are counted here."""
        if self.c0:
            cleaned, bidi, other = remove_controls(text)
        else:
            cleaned, bidi = BIDI_CONTROLS.subn("", text)
            cleaned, other = C1_CONTROLS.subn("", cleaned)
        self.bidi += bidi
        self.other += other
        return cleaned

    def __bool__(self) -> bool:
        return bool(self.bidi or self.other)

    def message(self, where: str) -> str:
        """What was removed, for a ``controls-removed`` warning (``where``: "from the input", ...)."""
        parts = [f"{self.bidi} bidirectional control(s)" if self.bidi else "",
                 f"{self.other} NUL/control character(s)" if self.other else ""]
        return f"removed {' and '.join(p for p in parts if p)} {where}"
