"""Validate the annotated entity-evaluation set in this directory.

Run:  python bench/data/entities/check.py   (stdlib only)

Checks, for every <id>.json file:
  * the JSON parses and has the required keys; "id" equals the file stem;
    "kind" is "government-statement" or "wire"; the title is the first line of "text";
  * every entity has a valid type, its "name" is among its "forms", and no entity
    (or surface form) is listed twice;
  * every form, short_ref, title_form and ambiguous_ref occurs verbatim and
    word-bounded in the text;
  * every short_ref occurs on its own (not inside any entity's full form) after
    the first occurrence of one of the entity's forms;
  * every entity has at least one mention that is not nested inside another
    entity's form (so nested names such as "Korea" in "Bank of Korea" are not
    counted as mentions);
  * a person's short_ref is not a word of another person's name in the same
    article (such shared family names belong in ambiguous_refs);
  * every not_names item occurs in the text and is not an entity surface form;
  * completeness: every capitalised token in the text is covered either by an
    entity surface form (forms, short_refs, ambiguous_refs) or by a not_names item;
  * article length 250-600 words; at least 12 articles, at least 6 of each kind.
Prints a summary and exits non-zero on any error.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

TYPES = {"person", "organization", "place", "term"}
KINDS = {"government-statement", "wire"}
REQUIRED = ("id", "kind", "source", "title", "text", "entities", "not_names")
# a capitalised word; inner apostrophes, hyphens and dots are kept ("O'Neill",
# "Indo-Pacific", "U.S"), a possessive "'s" is not
CAP_TOKEN = re.compile(r"(?<!\w)[A-ZÀ-ÖØ-Þ](?:\w|['’](?=\w)(?![sS](?!\w))|[.\-](?=\w))*")


def spans(text, s):
    """Word-bounded verbatim occurrences of s in text, as (start, end)."""
    return [(m.start(), m.end())
            for m in re.finditer(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text)]


def check_article(path):
    errors = []
    err = errors.append
    try:
        art = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"cannot parse: {exc}"], None
    for key in REQUIRED:
        if key not in art:
            err(f"missing key {key!r}")
    if errors:
        return errors, None
    text = art["text"]
    if art["id"] != path.stem:
        err(f"id {art['id']!r} != file stem {path.stem!r}")
    if art["kind"] not in KINDS:
        err(f"bad kind {art['kind']!r}")
    if not art["source"].strip():
        err("empty source")
    if text.split("\n", 1)[0] != art["title"]:
        err("title is not the first line of text")
    words = len(text.split())
    if not 250 <= words <= 600:
        err(f"{words} words (want 250-600)")

    ents = art["entities"]
    names = Counter(e.get("name") for e in ents)
    for n, c in names.items():
        if c > 1:
            err(f"entity listed {c} times: {n!r}")
    owner = {}
    for e in ents:
        for f in e.get("forms", []):
            if f in owner and owner[f] != e.get("name"):
                err(f"form {f!r} belongs to both {owner[f]!r} and {e.get('name')!r}")
            owner[f] = e.get("name")

    form_spans = {}  # entity name -> list of spans of its forms
    for e in ents:
        form_spans[e.get("name")] = [sp for f in e.get("forms", []) for sp in spans(text, f)]
    all_form_spans = [sp for ss in form_spans.values() for sp in ss]
    for e in ents:
        name = e.get("name")
        if e.get("type") not in TYPES:
            err(f"{name!r}: bad type {e.get('type')!r}")
        forms, shorts = e.get("forms", []), e.get("short_refs", [])
        if not isinstance(forms, list) or not isinstance(shorts, list):
            err(f"{name!r}: forms/short_refs must be lists")
            continue
        if name not in forms:
            err(f"{name!r}: name not among forms")
        fs = []
        for f in forms:
            s = spans(text, f)
            if not s:
                err(f"{name!r}: form {f!r} not in text")
            fs += s
        form_spans[name] = fs
        first = min((a for a, _ in fs), default=None)
        for r in shorts:
            if r in forms:
                err(f"{name!r}: short_ref {r!r} is also a form")
            alone = [(a, b) for a, b in spans(text, r)
                     if not any(x <= a and b <= y for x, y in all_form_spans)]
            if not alone:
                err(f"{name!r}: short_ref {r!r} never occurs on its own")
            elif first is None or not any(a > first for a, _ in alone):
                err(f"{name!r}: short_ref {r!r} has no occurrence after the first full form")
        for key in ("title_forms", "ambiguous_refs"):
            for r in e.get(key, []):
                if not spans(text, r):
                    err(f"{name!r}: {key} item {r!r} not in text")

    # each entity needs a mention not nested inside another entity's form
    for e in ents:
        name = e.get("name")
        mine = form_spans.get(name, []) + [sp for r in e.get("short_refs", []) for sp in spans(text, r)]
        others = [sp for n, ss in form_spans.items() if n != name for sp in ss]
        if mine and all(any(x <= a and b <= y and (x, y) != (a, b) for x, y in others) for a, b in mine):
            err(f"{name!r}: only occurs nested inside other entity names")

    # shared family names must be ambiguous, not short refs
    persons = [e for e in ents if e.get("type") == "person"]
    for a in persons:
        for r in a.get("short_refs", []):
            for b in persons:
                if b is a:
                    continue
                if any(spans(f, r) for f in b.get("forms", [])):
                    err(f"short_ref {r!r} of {a['name']!r} is also part of {b['name']!r}")

    surface = set()
    for e in ents:
        surface.update(e.get("forms", []), e.get("short_refs", []), e.get("ambiguous_refs", []))
    nn = art["not_names"]
    if len(set(nn)) != len(nn):
        err("duplicate not_names items")
    for item in nn:
        if not spans(text, item):
            err(f"not_names item {item!r} not in text")
        if item in surface:
            err(f"not_names item {item!r} is also an entity surface form")

    covered = bytearray(len(text))
    for s in list(surface) + list(nn):
        for a, b in spans(text, s):
            covered[a:b] = b"\x01" * (b - a)
    uncovered = []
    for m in CAP_TOKEN.finditer(text):
        if any(ch.isalpha() and not covered[i] for i, ch in enumerate(m.group(), m.start())):
            uncovered.append(m.group())
    if uncovered:
        err(f"capitalised tokens neither entity nor not_names: {sorted(set(uncovered))}")

    stats = {"words": words, "types": Counter(e.get("type") for e in ents),
             "short_refs": sum(len(e.get("short_refs", [])) for e in ents),
             "ambiguous": sum(1 for e in ents if e.get("ambiguous_refs")),
             "not_names": len(nn), "kind": art["kind"]}
    return errors, stats


def main():
    here = Path(__file__).resolve().parent
    files = sorted(here.glob("*.json"))
    total_err = 0
    types, kinds = Counter(), Counter()
    words = shorts = amb = nn = 0
    for p in files:
        errors, st = check_article(p)
        for e in errors:
            print(f"{p.name}: {e}")
        total_err += len(errors)
        if st:
            types.update(st["types"])
            kinds[st["kind"]] += 1
            words += st["words"]
            shorts += st["short_refs"]
            amb += st["ambiguous"]
            nn += st["not_names"]
    if len(files) < 12:
        print(f"only {len(files)} articles (want >= 12)")
        total_err += 1
    for k in KINDS:
        if kinds[k] < 6:
            print(f"only {kinds[k]} {k} articles (want >= 6)")
            total_err += 1
    print(f"articles: {len(files)} ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))})")
    print(f"entities: {sum(types.values())} ({', '.join(f'{t}: {types[t]}' for t in sorted(TYPES))})")
    print(f"short refs: {shorts}; entities with ambiguous refs: {amb}; not_names items: {nn}")
    print(f"words: {words}")
    print("OK" if not total_err else f"{total_err} error(s)")
    return 1 if total_err else 0


if __name__ == "__main__":
    sys.exit(main())
