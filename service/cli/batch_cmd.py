"""``python -m service batch INPUT --out DIR``: briefs for every article of a folder, archive, JSONL or WARC.

Exit codes: 0 every article ok (or skipped as done before); 2 bad input or a refused archive;
3 a model or optional dependency missing; 4 the run finished but some articles failed
(the manifest names each with its reason).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from service.batch.errors import SomeArticlesFailedError
from service.batch.outputs import check_formats, output_formats
from service.batch.runner import BatchJob, run_batch
from service.errors import BadInputError
from service.pipeline import BriefRequest
from service.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``batch`` command."""
    p = subparsers.add_parser(
        "batch", help="briefs for every article of a folder, zip/tar, JSONL or WARC file (resumable)")
    p.add_argument("input", help="folder, .zip, .tar(.gz), .jsonl, .json, .warc(.gz), or one article file")
    p.add_argument("--out", required=True, help="output folder: briefs, manifest.jsonl, summary.json, learned.tbx")
    p.add_argument("--to", default=None, help="target languages, comma-separated (default from settings)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--sentences", type=int, help="number of summary sentences per article")
    size.add_argument("--ratio", type=float, help="share of each article's sentences to keep, in (0, 1]")
    p.add_argument("--glossary", action="append", default=[], metavar="NAME",
                   help="named glossary to apply (repeatable; 'default' always applies last)")
    p.add_argument("--summarizer", choices=("extractive", "abstractive"), default=None)
    p.add_argument("--format", default="json",
                   help=f"output formats, comma-separated: {', '.join(output_formats())} (default json)")
    p.add_argument("--text-field", default="text", help="JSON field holding the article text (default text)")
    p.add_argument("--id-field", default="id", help="JSON field naming the article (default id)")
    p.add_argument("--force", action="store_true", help="rebuild every article, even those done before")
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local: this process; ray: Ray actors (pip install 'ray>=2.40')")
    p.add_argument("--ray-address", help="Ray cluster to join (default: start a local one for the job)")
    p.add_argument("--workers", type=int, default=2, help="Ray actors, each with its own models (default 2)")
    p.add_argument("--save-learned", metavar="NAME",
                   help="add the names no glossary knew, as the job rendered them, to glossary NAME")
    p.add_argument("--quiet", action="store_true", help="no progress output (the summary is still printed)")
    p.add_argument("--models-dir", help="model store to use (e.g. one written by models build-tiny)")
    p.set_defaults(handler=run_batch_command)


def run_batch_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the job, print its summary; exit 4 (SomeArticlesFailedError) when an article failed."""
    targets = tuple(args.to.split(",")) if args.to else settings.target_langs
    if args.workers < 1:
        raise BadInputError("--workers must be at least 1")
    if args.ray_address and args.engine != "ray":
        raise BadInputError("--ray-address needs --engine ray")
    job = BatchJob(
        input=Path(args.input), out=Path(args.out),
        request=BriefRequest(
            target_langs=tuple(t.strip() for t in targets if t.strip()), sentences=args.sentences,
            ratio=args.ratio, source_lang=settings.source_lang, glossaries=tuple(args.glossary),
            summarizer=args.summarizer),
        formats=check_formats(args.format), text_field=args.text_field, id_field=args.id_field,
        force=args.force, engine=args.engine, ray_address=args.ray_address, workers=args.workers,
        save_learned=args.save_learned,
    )
    summary = run_batch(job, settings, quiet=args.quiet, stream=sys.stderr)
    sys.stdout.write(summary.text())
    if summary.failed:
        raise SomeArticlesFailedError(
            f"{summary.failed} of {summary.articles} articles failed; see {job.out / 'manifest.jsonl'}")
    return 0
