"""What a line of a news text is when it is not prose: end marks, rules, navigation, labels, metadata,
bylines and photo credits; photo credits at the end of a caption; the dateline before a first sentence.

Each test looks at one line (or the start of one sentence) and nothing else, so a door that sends a
document line by line (the compatibility doors send ``.txt`` documents so) is read as the whole
document would be. The only context is the line before, for a byline's second line.
"""
from __future__ import annotations

import re

# Kinds of non-content line, as listed in a brief's ``meta.dropped``.
END_MARK, RULE, NAVIGATION, SECTION_LABEL, METADATA, BYLINE, PHOTO_CREDIT = (
    "end-mark", "rule", "navigation", "section-label", "metadata", "byline", "photo-credit")
DATELINE = "dateline"
KINDS = (END_MARK, RULE, NAVIGATION, SECTION_LABEL, METADATA, BYLINE, PHOTO_CREDIT, DATELINE)

_MAX_WORDS = 12  # navigation, credit and byline lines are short; a longer line is prose
_FINAL = re.compile(r"[.!?…][\"”’')\]]*$")
_AGENCIES = (r"AP|AFP|Reuters|Yonhap|Yonhap News|Kyodo|Kyodo News|Jiji|Jiji Press|Xinhua|EPA|EPA-EFE|"
             r"Getty Images|Bloomberg|NHK|KCNA|KNS|Pool|Newsis|News1|Kyodo/Pool")

_END_MARK = re.compile(r"#{3,}|#(?:\s+#){2,}|\(?\s*[-–—]*\s*(?:END|ENDS|End)\s*[-–—]*\s*\)?|"
                       r"[-–—]\s*(?:30|0)\s*[-–—]|XXX|xxx")
_SECTION_LABELS = re.compile(
    r"(?:FOR IMMEDIATE RELEASE|(?:PRESS|NEWS|MEDIA) (?:RELEASE|NOTE|ADVISORY|STATEMENT)|FACT ?SHEET|READOUTS?|"
    r"STATEMENTS?|REMARKS|BACKGROUND(?:ER)?|NOTES? TO EDITORS?|EDITOR'?’?S NOTE|(?:MEDIA |PRESS )?CONTACTS?|"
    r"RELATED(?: ARTICLES| STORIES| LINKS| NEWS)?|ADVERTISEMENT|UPDATED?|BREAKING(?: NEWS)?|EXCLUSIVE|"
    r"ANALYSIS|OPINION|TRANSCRIPT|KEY POINTS|TOP STORIES|LATEST|TAGS|SHARE|PRINT)\s*:?")
_NAVIGATION = re.compile(
    r"(?:share(?: this)?(?: page| article| story| post)?(?: on)?\s*[:|]|share this\b|print\s*[|/]|e-?mail\s*[|/]|"
    r"back to top|skip to (?:main )?content|read more\b|read the full\b|click here\b|follow us\b|subscribe\b|"
    r"sign up\b|related(?: articles| stories| news| links)?\s*:|more:|advertisement\s*$|facebook\s+twitter\b|"
    r"(?:previous|next) (?:article|story|post)\b|view (?:all|more)\b)", re.IGNORECASE)
_METADATA = re.compile(
    r"\(?\s*(?:(?:sources?|tags?|keywords?|categor(?:y|ies)|topics?|filed under|posted(?: on| in)?|"
    r"published(?: on)?|(?:last )?updated(?: on)?|date|(?:media |press )?contacts?|credits?|copyright|"
    r"(?:press )?release no\.?|ref(?:erence)?\.?)\s*:|(?:additional )?(?:reporting|writing|editing) by\b)",
    re.IGNORECASE)
_COPYRIGHT = re.compile(r"(?:©|\([cC]\)|[Cc]opyright|COPYRIGHT)\s*(?:\d{4}|[A-Z])|[Aa]ll [Rr]ights [Rr]eserved\b")
_PHOTO = r"(?:[Pp]hoto(?:graph)?s?|PHOTOS?|[Ii]mages?|IMAGES?|[Pp]ictures?|[Vv]ideo|[Gg]raphic|[Ff]ile [Pp]hoto)"
_CREDIT = re.compile(
    rf"\(?\s*(?:(?:[A-Z][\w.&'’-]*\s+){{0,3}}{_PHOTO}\s*(?::|/|by\s+[A-Z]|courtesy\b)|{_PHOTO}\s+courtesy\b|"
    rf"[Cc]ourtesy of\b|(?:{_AGENCIES})\s*/\s*[A-Z]|(?:[A-Z][\w&'’-]*\s+){{1,3}}(?:[Ff]ile )?[Pp]hoto\s*\)?$|"
    rf"\((?:{_AGENCIES})\)$)")
# A credit in brackets after a caption's last sentence: "... on Thursday. (AP Photo/Lee Jin-man)"
_TRAILING_CREDIT = re.compile(
    r"(?<=[.!?\"”’)])[ \t\u00a0]+(\((?:[^()\n]{0,40}?\b(?:Photo|photo|PHOTO|Image|Picture)\b[^()\n]{0,40}|"
    rf"{_AGENCIES})\))[ \t\u00a0]*$")
_BYLINE = re.compile(r"By\s+[A-Z]")
_SMALL_WORDS = frozenset("and of the de van von der da di la le bin al".split())

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_AGENCY = r"\((?:[A-Z][\w.&'’-]*(?:[ /][A-Z][\w.&'’-]*){0,3})\)"
# "FILE - A bomber flies ..." opens a photo caption, not a dateline.
_CAPS_PLACE = (r"(?!(?:FILE|PHOTO|UPDATE|UPDATED|BREAKING|EXCLUSIVE|ANALYSIS|WATCH)\b)"
               r"[A-Z][A-Z'’-]+(?:\s[A-Z][A-Z'’-]+){0,3}")
_TITLE_PLACE = r"[A-Z][a-z'’-]+(?:\s[A-Z][a-z'’-]+){0,2}"
_REGION = r",\s[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2}"
_DATE = rf",\s{_MONTH}\s\d{{1,2}}"
_DASH = r"(?:\s*[—–]|\s--?)"
# "TOKYO (Reuters) —", "WASHINGTON, July 28 (AP) —", "SEOUL, Korea —", "Tokyo, Japan –", "(Reuters) -"
_DATELINE = re.compile(
    rf"(?:{_CAPS_PLACE}(?:{_REGION})?(?:{_DATE})?(?:\s{_AGENCY})?|"
    rf"{_TITLE_PLACE}(?:(?:{_REGION})(?:{_DATE})?(?:\s{_AGENCY})?|{_DATE}(?:\s{_AGENCY})?|\s{_AGENCY})|"
    rf"{_AGENCY}){_DASH}(?=\s*[\"“‘'(]?[A-Z0-9])")


def line_kind(line: str, previous: str | None = None, *, capitals_are_labels: bool = True) -> str | None:
    """The non-content kind of one trimmed ``line``, or None for a line of content.

    ``previous`` is the kind of the line above it in the same paragraph (a byline's second line).
    ``capitals_are_labels`` False where a short line in capitals is more likely a headline (no
    content before it) or prose (a wrapped sentence goes on there): only known labels count then.
    """
    if _END_MARK.fullmatch(line):
        return END_MARK
    if not any(ch.isalnum() for ch in line):
        return RULE
    words = line.split()
    if len(words) > 20:
        return None  # prose: every kind of non-content line is shorter
    short = len(words) <= _MAX_WORDS and not _FINAL.search(line)
    if short and _CREDIT.match(line):
        return PHOTO_CREDIT
    if short and (_NAVIGATION.match(line) or _is_link_list(line)):
        return NAVIGATION
    if _SECTION_LABELS.fullmatch(line) or (capitals_are_labels and _is_capitals_label(line, words)):
        return SECTION_LABEL
    if (short and _METADATA.match(line)) or _COPYRIGHT.match(line):
        return METADATA
    if short and (_is_byline(line, words) or (previous == BYLINE and _is_byline_tail(line, words))):
        return BYLINE
    return None


def trailing_credit(text: str, start: int, end: int) -> int | None:
    """Where a bracketed photo or agency credit at the end of ``text[start:end]`` begins, if one does."""
    if end <= start or text[end - 1] != ")":
        return None
    match = _TRAILING_CREDIT.search(text, start, end)
    return match.start(1) if match else None


def dateline_end(text: str, start: int, end: int) -> int | None:
    """Where a dateline opening the sentence ``text[start:end]`` ends (after its dash), if it has one."""
    match = _DATELINE.match(text, start, end)
    return match.end() if match and match.end() < end else None


def _is_link_list(line: str) -> bool:
    """"Print | Email", "English | Japanese", "Home > News > Asia": items of a word or two, each word
    capitalised, between separators ("Japan votes | Reuters" is a page title, not a menu)."""
    for separator, least in (("|", 2), (">", 3), ("»", 3), ("›", 3)):
        if separator not in line:
            continue
        items = [item.split() for item in line.split(separator)]
        if len(items) >= least and all(0 < len(words) <= 2 and all(w[0].isupper() or w[0].isdigit() for w in words)
                                       for words in items):
            return True
    return False


def _is_capitals_label(line: str, words: list[str]) -> bool:
    """"BACKGROUND", "KEY FIGURES": up to three words in capitals, no digits, no sentence end."""
    return (len(words) <= 3 and line.isupper() and sum(1 for ch in line if ch.isalpha()) >= 2
            and not _FINAL.search(line) and not any(ch.isdigit() for ch in line))


def _is_byline(line: str, words: list[str]) -> bool:
    """"By Jane Doe, Associated Press": "By" and capitalised names (no sentence after it)."""
    return bool(_BYLINE.match(line)) and len(words) <= 10 and _all_capitalised(words[1:])


def _is_byline_tail(line: str, words: list[str]) -> bool:
    """The agency or role on the line under a byline ("Associated Press", "Staff Writer") or an address."""
    return len(words) <= 5 and ("@" in line or _all_capitalised(words))


def _all_capitalised(words: list[str]) -> bool:
    names = [w.strip(",;|()") for w in words]
    names = [w for w in names if w and w.lower() not in _SMALL_WORDS]
    return bool(names) and all(w[0].isupper() for w in names)
