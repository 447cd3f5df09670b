"""The end of a run: counts, throughput and failures by reason (printed and ``summary.json``)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

SUMMARY_NAME = "summary.json"


@dataclass
class BatchSummary:
    """What one run did. ``skipped``: done by an earlier run and not redone; ``not_articles``:
    files of other types (listed as skipped in the manifest) and WARC records that are no HTML page.
    ``review_*``: segments the quality signals flag for a human, over every brief in the output
    folder (built now, or earlier and skipped now), so a resumed job still reports them all."""

    engine: str = "local"
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    not_articles: int = 0
    sentences: int = 0
    seconds: float = 0.0
    learned_names: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    review_segments: int = 0
    review_articles: int = 0
    review_by_lang: Counter[str] = field(default_factory=Counter)

    def count_review(self, review: dict[str, Any] | None) -> None:
        """Add one brief's count of segments needing review (its manifest line's ``needs_review``)."""
        if not review or not review.get("segments"):
            return
        self.review_segments += int(review["segments"])
        self.review_articles += 1
        self.review_by_lang.update({lang: int(n) for lang, n in review.get("by_lang", {}).items() if n})

    @property
    def articles(self) -> int:
        """Articles seen: built, failed or skipped."""
        return self.ok + self.failed + self.skipped

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "articles": self.articles,
            "counts": {"ok": self.ok, "failed": self.failed, "skipped": self.skipped,
                       "not_articles": self.not_articles},
            "failures_by_reason": dict(sorted(self.failures.items())),
            "sentences": self.sentences,
            "seconds": round(self.seconds, 3),
            "articles_per_s": self._per_second(self.ok),
            "sentences_per_s": self._per_second(self.sentences),
            "learned_names": self.learned_names,
            "needs_review": {"segments": self.review_segments, "articles": self.review_articles,
                             "by_lang": dict(sorted(self.review_by_lang.items()))},
        }

    def _per_second(self, count: int) -> float:
        return round(count / self.seconds, 2) if self.seconds > 0 else 0.0

    def text(self) -> str:
        """The summary for people, a few lines."""
        data = self.to_dict()
        lines = [
            f"batch: {self.articles} articles: {self.ok} ok, {self.failed} failed, {self.skipped} skipped "
            f"(done before), {self.not_articles} not articles",
            f"  {self.sentences} sentences in {data['seconds']} s: {data['articles_per_s']} articles/s, "
            f"{data['sentences_per_s']} sentences/s; {self.learned_names} learned name(s)",
        ]
        if self.review_segments:
            langs = ", ".join(f"{lang} {n}" for lang, n in sorted(self.review_by_lang.items()))
            lines.append(f"  {self.review_segments} segment(s) in {self.review_articles} article(s) need review "
                         f"({langs})")
        lines += [f"  failed ({code}): {n}" for code, n in data["failures_by_reason"].items()]
        return "\n".join(lines) + "\n"
