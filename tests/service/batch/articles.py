"""Generated test articles (own templates) and writers for every batch input format."""
from __future__ import annotations

import io
import json
import random
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

_PLACES = ["the capital", "the northern port", "a border town", "the old harbour", "the river valley"]
_GROUPS = ["Farmers", "Teachers", "Fishermen", "Nurses", "Engineers", "Students"]
_TOPICS = ["water prices", "a new railway line", "school budgets", "fishing quotas", "hospital staffing"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
_TEMPLATES = [
    "{group} gathered in {place} on {day} to talk about {topic}.",
    "Local officials said the debate over {topic} would continue for several weeks.",
    "Residents of {place} asked for a clear answer before the end of the year.",
    "A spokesperson for the regional council promised a report on {topic} by {day}.",
]


def make_articles(count: int, *, seed: int = 9, mention: str | None = None) -> list[str]:
    """``count`` distinct three-sentence articles; ``mention`` puts a name into each one."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        words = {"group": rng.choice(_GROUPS), "place": rng.choice(_PLACES), "topic": rng.choice(_TOPICS),
                 "day": rng.choice(_DAYS)}
        sentences = [t.format(**words) for t in rng.sample(_TEMPLATES, 3)]
        sentences[0] = sentences[0][:-1] + f" in report number {n + 1}."
        if mention:
            sentences[1 + n % 2] = f"The delegation of {mention} met the council there on {words['day']}."
        articles.append(" ".join(sentences))
    return articles


def html_page(text: str) -> str:
    """A small web page: navigation, the article in <article>, a footer."""
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.rstrip(".").split(". "))
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>News</title></head><body>"
            "<nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
            f"<article>{paragraphs}</article><footer>Regional News Service</footer></body></html>")


def write_folder(root: Path, articles: Sequence[str]) -> Path:
    """Articles as .txt, .md and .html files in nested folders."""
    for n, text in enumerate(articles):
        sub = root / f"part-{n % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        kind = n % 4
        if kind == 3:
            (sub / f"article-{n:03d}.html").write_text(html_page(text), encoding="utf-8")
        else:
            (sub / f"article-{n:03d}.{'md' if kind == 2 else 'txt'}").write_text(text + "\n", encoding="utf-8")
    return root


def write_zip(path: Path, articles: Sequence[str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, text in enumerate(articles):
            archive.writestr(f"news/article-{n:03d}.txt", text)
    return path


def write_targz(path: Path, articles: Sequence[str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for n, text in enumerate(articles):
            data = text.encode()
            info = tarfile.TarInfo(f"news/{n % 4}/article-{n:03d}.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write_jsonl(path: Path, articles: Sequence[str], *, text_field: str = "text", id_field: str = "id") -> Path:
    lines = [json.dumps({id_field: f"story-{n:03d}", text_field: text, "lang": "en"})
             for n, text in enumerate(articles)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_warc(path: Path, articles: Sequence[str], *, extra_records: bool = True) -> Path:
    """A gzipped WARC: one HTML response per article, plus a request, an image and a 404 page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def response(uri: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, text in enumerate(articles):
            uri = f"https://press.example.org/releases/{n:03d}.html"
            if extra_records and n == 0:
                request = StatusAndHeaders("GET /releases/000.html HTTP/1.1", [("Host", "press.example.org")],
                                           is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
            response(uri, html_page(text).encode(), "text/html; charset=utf-8")
        if extra_records:
            response("https://press.example.org/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
            response("https://press.example.org/missing.html", b"<html><body>Not found</body></html>",
                     "text/html", status="404 Not Found")
    return path
