#!/usr/bin/env python3
"""Sanity checks for bench/data/quality/pairs.jsonl (stdlib only).

Hard checks (exit status 1 on failure):
  * every line is a JSON object with id, en, ja, ko, topic, source
  * ids are unique and sequential (q001, q002, ...)
  * en / ja / ko are non-empty strings
  * ja contains kana or kanji, ko contains hangul

Report (informational):
  * how many en sentences contain a digit or an English number word,
    and how many contain neither (the "clean controls")
  * how many en sentences contain Latin-script tokens that are expected to
    stay Latin in the translations (acronyms, units, product names)
  * counts per topic, and en word-count range

With --numbers, a rough heuristic also lists segments where a number in the
English could not be found in ja or ko.  It is deliberately crude (it does
not know that 9.83 seconds is 9秒83 or that 1.4 GW is 140万キロワット), so
its output is a list for a human to read, not a failure.

Usage:  python bench/data/quality/check.py [--numbers] [path/to/pairs.jsonl]
"""
import json
import os
import re
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = ("id", "en", "ja", "ko", "topic", "source")

KANA_KANJI = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
DIGIT = re.compile(r"\d")

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "thousand": 1000, "dozen": 12, "decade": 10,
    "decades": 10, "first": 1, "second": 2, "third": 3, "fourth": 4,
    "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "twice": 2, "double": 2, "doubled": 2, "triple": 3,
    "tripled": 3, "fourfold": 4, "half": None, "quarter": 4,
}
NUMBER_WORD_RE = re.compile(
    r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)

# Latin-script tokens that legitimately survive translation.
LATIN_KEEP = re.compile(
    r"\b(NATO|ASEAN|G7|G20|IMF|GDP|ECB|BOJ|EU|UN|WHO|FIFA|AI|GPUs?|Gbps|"
    r"5G|H3|iPhone|USB-C|OLED|OS|CEO|MW|GW|TB|KO|GitHub|km|kg|K-pop)\b")

MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June",
     "July", "August", "September", "October", "November", "December"], 1)}
SCALE_EN = {"million": 10**6, "billion": 10**9, "trillion": 10**12}
SCALE_CJK = {"万": 10**4, "億": 10**8, "兆": 10**12,
             "만": 10**4, "억": 10**8, "조": 10**12}

EN_NUM = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion|trillion)\b)?")
CJK_GROUP = re.compile(
    r"(?:\d[\d,]*(?:\.\d+)?\s?[万億兆만억조]\s?)+(?:\d[\d,]*(?:\.\d+)?)?"
    r"|\d[\d,]*(?:\.\d+)?")
KO_NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6,
             "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스무": 20}
KO_NATIVE_RE = re.compile(
    r"(다섯|여섯|일곱|여덟|아홉|스무|한|두|세|네|열)\s?"
    r"(명|번|차례|개|곳|시간|배|가지|종|대|척|달|해|살|주)")
KO_WORDS = {"처음": 1, "하루": 1, "하룻밤": 1, "이틀": 2, "사흘": 3, "나흘": 4, "닷새": 5, "열흘": 10,
           "첫": 1, "첫째": 1, "둘째": 2, "셋째": 3}
KANJI_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
               "七": 7, "八": 8, "九": 9, "十": 10, "両": 2, "初": 1}
KANJI_RE = re.compile(r"([一二三四五六七八九十])(?=[つ人回度晩])|([両初])")


def _num(s):
    return float(s.replace(",", ""))


def en_values(en):
    """Numbers a translation is expected to carry, each as a set of
    acceptable values (any one of them is enough)."""
    wants = []
    for m in EN_NUM.finditer(en):
        v = _num(m.group(1))
        if m.group(2):
            wants.append((m.group(0), {v * SCALE_EN[m.group(2)]}))
        else:
            wants.append((m.group(0), {v}))
    for name, idx in MONTHS.items():
        if re.search(rf"\b{name}\b", en):
            wants.append((name, {float(idx)}))
    for m in NUMBER_WORD_RE.finditer(en):
        v = NUMBER_WORDS[m.group(1).lower()]
        if v is not None:
            wants.append((m.group(1), {float(v)}))
    return wants


def cjk_values(text):
    vals = set()
    for m in CJK_GROUP.finditer(text):
        g = m.group(0)
        total, cur = 0.0, None
        for tok in re.findall(r"\d[\d,]*(?:\.\d+)?|[万億兆만억조]", g):
            if tok in SCALE_CJK:
                total += (cur or 1) * SCALE_CJK[tok]
                cur = None
            else:
                cur = _num(tok)
                vals.add(cur)          # bare parts count too (5万 -> 5)
        total += cur or 0
        vals.add(total)
    for m in KO_NATIVE_RE.finditer(text):
        vals.add(float(KO_NATIVE[m.group(1)]))
    for w, v in KO_WORDS.items():
        if w in text:
            vals.add(float(v))
    for m in KANJI_RE.finditer(text):
        vals.add(float(KANJI_DIGIT[m.group(1) or m.group(2)]))
    return vals


def main(argv):
    want_numbers = "--numbers" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = args[0] if args else os.path.join(HERE, "pairs.jsonl")

    errors, rows = [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                errors.append(f"line {n}: empty line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"line {n}: invalid JSON: {e}")
                continue
            if not isinstance(obj, dict):
                errors.append(f"line {n}: not an object")
                continue
            missing = [k for k in KEYS if k not in obj]
            if missing:
                errors.append(f"line {n}: missing keys {missing}")
            for k in ("id", "en", "ja", "ko", "topic", "source"):
                v = obj.get(k)
                if not isinstance(v, str) or not v.strip():
                    errors.append(f"line {n}: {k} empty or not a string")
            expected = f"q{n:03d}"
            if obj.get("id") != expected:
                errors.append(f"line {n}: id {obj.get('id')!r}, expected {expected!r}")
            if not KANA_KANJI.search(obj.get("ja") or ""):
                errors.append(f"line {n}: ja has no kana/kanji")
            if not HANGUL.search(obj.get("ko") or ""):
                errors.append(f"line {n}: ko has no hangul")
            rows.append(obj)

    ids = [r.get("id") for r in rows]
    dup = [i for i, c in Counter(ids).items() if c > 1]
    if dup:
        errors.append(f"duplicate ids: {dup}")
    dup_en = [e for e, c in Counter(r.get("en") for r in rows).items() if c > 1]
    if dup_en:
        errors.append(f"duplicate en sentences: {dup_en}")

    with_digit = sum(1 for r in rows if DIGIT.search(r["en"]))
    with_word = sum(1 for r in rows if NUMBER_WORD_RE.search(r["en"]))
    with_any = sum(1 for r in rows
                   if DIGIT.search(r["en"]) or NUMBER_WORD_RE.search(r["en"]))
    controls = len(rows) - with_any
    latin = sum(1 for r in rows if LATIN_KEEP.search(r["en"]))
    words = [len(r["en"].split()) for r in rows]

    print(f"file: {path}")
    print(f"rows: {len(rows)}")
    print(f"en with a digit: {with_digit}")
    print(f"en with an English number word: {with_word}")
    print(f"en with a digit or number word: {with_any}")
    print(f"en with neither (clean controls): {controls}")
    print(f"en with Latin-script acronym/unit/product kept in translation: {latin}")
    if words:
        print(f"en word count: min {min(words)}, max {max(words)}")
    print("per topic:")
    for t, c in sorted(Counter(r["topic"] for r in rows).items(),
                       key=lambda x: (-x[1], x[0])):
        print(f"  {t:12s} {c}")

    if want_numbers:
        print("\nnumber heuristic (warnings, for human review):")
        nwarn = 0
        for r in rows:
            for lang in ("ja", "ko"):
                have = cjk_values(r[lang])
                for label, acceptable in en_values(r["en"]):
                    if not any(abs(a - h) < 1e-6 * max(1.0, a) for a in acceptable
                               for h in have):
                        nwarn += 1
                        print(f"  {r['id']} {lang}: {label!r} not found | {r[lang]}")
        print(f"  {nwarn} warning(s)")

    if errors:
        print("\nERRORS:")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
