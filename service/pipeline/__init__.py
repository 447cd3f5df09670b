"""The brief pipeline: segment → summarize → translate (through the glossary layer) → align → quality.

Every door (CLI, HTTP, batch, compatibility endpoints) imports what it runs from here:
``run`` holds the stages, ``request`` what a caller asks for; ``segmentation``,
``summary_policy``, ``alignment`` and ``signature`` are the stages' own modules.
"""
from service.pipeline.request import BriefRequest
from service.pipeline.run import (
    Progress,
    build_brief,
    build_briefs,
    decode_text,
    resolve_request,
    translate_segments,
    validate_article,
)

__all__ = ["BriefRequest", "Progress", "build_brief", "build_briefs", "decode_text", "resolve_request",
           "translate_segments", "validate_article"]
