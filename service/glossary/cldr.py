"""Every country, territory and region, and CLDR's exemplar cities, as a glossary layer below ``default``.

The names come from the Unicode CLDR as shipped by Babel (``babel.Locale(lang).territories`` and
the exemplar cities of its time zones): English names and the variants derived from them
("Myanmar (Burma)" gives Myanmar and Burma, "Côte d’Ivoire" also Cote d'Ivoire, "St." also Saint,
"&" also "and") map onto each target language's CLDR name. Nothing here is a hand-typed list of
places. The layer sits below ``default``, whose news-style choices (米国, 한국) win, and is reported
as ``resolution: "cldr"``.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

from service.glossary.model import Glossary, GlossaryEntry
from service.languages import LANGUAGES

CLDR_NAME = "cldr"  # the layer's name; no stored glossary may take it
# Codes that are not places: unknown region, pseudo-locales, groupings that are organizations.
_NOT_PLACES = frozenset({"ZZ", "QO", "XA", "XB", "EU", "EZ", "UN"})
# Exemplar cities that are as often a person's name or a common word in English news
# ("Sydney", "Darwin", "Regina", "Resolute"); CLDR has them as places, the news mostly not.
_AMBIGUOUS_CITIES = frozenset({
    "Adelaide", "Chita", "Creston", "Darwin", "Dawson", "Eucla", "Jersey", "Kirov", "Lindeman",
    "Menominee", "Nome", "Oral", "Phoenix", "Regina", "Resolute", "Samara", "Santiago", "Stanley",
    "Sydney", "Thule",
})
_PARENTHESES = re.compile(r"\s*[(（][^)）]*[)）]\s*")
_SPACE_IN_JAPANESE = re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff]) (?=[\u3040-\u30ff\u4e00-\u9fff])")
_lock = threading.Lock()
_built: Glossary | None = None


def cldr_glossary() -> Glossary:
    """The CLDR layer (built once per process, ~0.2 s): one place entry per territory, region and city."""
    global _built
    with _lock:
        if _built is None:
            _built = _build()
        return _built


def _build() -> Glossary:
    import babel
    from babel import Locale
    from babel.core import get_global

    locales = {code: Locale.parse(code) for code in LANGUAGES if code != "en"}
    english = Locale.parse("en")
    candidates: list[tuple[str, dict[str, str], str]] = []  # (english, renderings, note)
    for code, name in english.territories.items():
        if code in _NOT_PLACES or not name[:1].isupper():
            continue
        renderings = {lang: _clean(loc.territories.get(code, "")) for lang, loc in locales.items()}
        kind = "region" if code.isdigit() else "territory"
        candidates.append((name, renderings, f"CLDR {kind} {code}"))
    for zone in sorted(get_global("zone_territories")):
        parts = zone.split("/")
        if len(parts) != 2 or parts[0] in ("Etc", "Antarctica"):
            continue
        city = english.time_zones.get(zone, {}).get("city") or parts[1].replace("_", " ")
        if city in _AMBIGUOUS_CITIES:
            continue
        renderings = {lang: _clean(loc.time_zones.get(zone, {}).get("city", "")) for lang, loc in locales.items()}
        candidates.append((city, renderings, f"CLDR exemplar city of {zone}"))
    entries = _entries(candidates)
    version = babel.__version__
    return Glossary(name=CLDR_NAME, entries=tuple(entries), id=f"cldr-babel-{version}",
                    description=f"Countries, territories, regions and exemplar cities from the Unicode CLDR "
                                f"(Babel {version})",
                    version=_version_number(version))


def _entries(candidates: list[tuple[str, dict[str, str], str]]) -> list[GlossaryEntry]:
    """One entry per English name; a derived variant two places share, or that names another, is dropped."""
    names = {_clean(name) for name, *_ in candidates}
    claims: dict[str, int] = {}
    forms: list[list[str]] = []
    for name, *_ in candidates:
        own = list(dict.fromkeys(_variants(name)))
        forms.append(own)
        for form in own:
            claims[form.casefold()] = claims.get(form.casefold(), 0) + 1
    entries: list[GlossaryEntry] = []
    taken: set[str] = set()
    for (_name, renderings, note), own in zip(candidates, forms, strict=True):
        source = own[0]
        if source.casefold() in taken:
            continue  # a city named like a country ("Singapore"): the territory came first
        aliases = [f for f in own[1:] if claims[f.casefold()] == 1 and f not in names and f.casefold() not in taken]
        kept = {lang: text for lang, text in renderings.items() if text}
        if not kept:
            continue
        taken.update(f.casefold() for f in (source, *aliases))
        entries.append(GlossaryEntry(source=source, renderings=kept, type="place", aliases=tuple(aliases),
                                     notes=note, source_ref="Unicode CLDR via Babel"))
    return entries


def _variants(name: str) -> Iterable[str]:
    """The English name without its parenthesis first, then the spellings news also uses."""
    bare = _clean(name)
    yield bare
    ending = re.search(r"\(([^)]*)\)$", name)  # "Myanmar (Burma)": another name; "Cocos (Keeling) Islands": not
    if ending and ending.group(1).strip()[:1].isupper():
        yield ending.group(1).strip()
    for form in (bare, name):
        for variant in (form.replace(" & ", " and "), re.sub(r"\bSt\. ", "Saint ", form),
                        re.sub(r"\bSt\. ", "St ", form), form.replace(" - ", "-"), _ascii(form),
                        re.sub(r" SAR China$", "", form)):
            if variant != form:
                yield variant


def _clean(name: str) -> str:
    """A name without parenthesised additions, spaces squeezed: "ミャンマー (ビルマ)" → "ミャンマー"."""
    squeezed = " ".join(_PARENTHESES.sub(" ", name).split())
    return _SPACE_IN_JAPANESE.sub("", squeezed)  # "ココス (キーリング) 諸島" → "ココス諸島"


def _ascii(name: str) -> str:
    """Latin letters without their accents ("Côte d’Ivoire" → "Cote d'Ivoire")."""
    decomposed = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _version_number(version: str) -> int:
    """Babel's version as one number (2.19.0 → 21900), so ``cldr@21900`` names the data in signatures."""
    numbers = [int(p) for p in re.findall(r"\d+", version)[:3]] + [0, 0, 0]
    return numbers[0] * 10_000 + numbers[1] * 100 + numbers[2]
