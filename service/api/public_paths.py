"""Error details never show server paths: a path in a detail is cut to its last part(s).

Domain errors are written for the CLI user, who owns the machine (``model ... at
/srv/briefs/var/models/en-ja is corrupt``). Over HTTP the same detail names the folder
by its setting instead (``<models_dir>/en-ja``), and any other absolute path by its file name.
"""
from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from service.settings import Settings

REPO_DIR = Path(__file__).resolve().parents[2]
# An absolute POSIX path of two or more parts (not one of the service's own URL paths, not after a
# named root), or a Windows drive path.
_ABSOLUTE = re.compile(r"(?<![\w.:/>])(?!/(?:v\d|docs|desk|problems|openapi)\b)(?:/[\w.@+~-]+){2,}/?"
                       r"|\b[A-Za-z]:\\(?:[\w.@+~ -]+\\?)+")


def named_roots(settings: Settings | None) -> list[tuple[str, str]]:
    """Server folders the service knows, longest first, with the name a client sees instead."""
    roots: list[tuple[Path, str]] = [(REPO_DIR, "<service>"), (Path(tempfile.gettempdir()), "<tmp>"),
                                     (Path(sys.prefix), "<python>"), (Path.home(), "<home>")]
    if settings is not None:
        roots = [(settings.models_dir, "<models_dir>"), (settings.store_path.parent, "<store_dir>"), *roots]
    named: dict[str, str] = {}
    for path, name in roots:
        for form in {str(path), str(path.resolve())}:
            if form not in ("", ".", "/"):
                named.setdefault(form, name)
    return sorted(named.items(), key=lambda item: -len(item[0]))


def public_detail(detail: str, settings: Settings | None = None) -> str:
    """``detail`` with known folders named by their setting and other absolute paths cut to the file name."""
    for path, name in named_roots(settings):
        detail = detail.replace(path, name)
    return _ABSOLUTE.sub(lambda m: Path(m.group(0).rstrip("/\\").replace("\\", "/")).name, detail)
