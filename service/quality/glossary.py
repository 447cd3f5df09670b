"""Glossary repairs: how many names the glossary layer had to restore in the segment. A repair puts the
right name back, but a model that mangled a name may have mangled what surrounds it too."""
from __future__ import annotations

from service.brief import QualityFlag
from service.quality.target import Finding, Target
from service.settings import QualityOptions

GLOSSARY_REPAIRS = "glossary-repairs"
KINDS = (GLOSSARY_REPAIRS,)
REPAIRS_FOR_FULL = 3  # this many repairs in one segment count fully


def check(target: Target, options: QualityOptions) -> list[Finding]:
    """A flag when the glossary layer repaired names in this translation."""
    if target.repairs <= 0:
        return []
    return [Finding(QualityFlag(GLOSSARY_REPAIRS, f"the glossary layer restored {target.repairs} name(s) the "
                                "engine had dropped, mangled or varied"),
                    min(1.0, target.repairs / REPAIRS_FOR_FULL))]
