"""Helpers shared by the export tests."""
from __future__ import annotations

# Markup, an escaped entity, a CDATA end, bidi controls and a control character.
HOSTILE = "Talks in Tokyo: <script>alert(1)</script> &amp; ]]> \u202eevil\u202c \u2067x\u2069 end\x07."
