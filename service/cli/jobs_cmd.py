"""``python -m service jobs submit|status|list|results|cancel``: background jobs on a server, over HTTP.

``submit`` uploads an archive (the batch command's inputs) with the batch command's options and prints
the job; ``--wait`` follows it to the end. The server is ``--url`` (default: http.host and http.port
of the settings); ``--key`` is the API key when the server wants one.
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path
from typing import Any

from service.errors import BadInputError
from service.fileio import write_atomic
from service.settings import Settings

FINISHED = ("done", "failed", "cancelled")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``jobs`` command and its subcommands."""
    parser = subparsers.add_parser("jobs", help="submit archives to a server and follow the jobs (HTTP)")
    sub = parser.add_subparsers(dest="jobs_command", required=True, metavar="SUBCOMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", help="the server (default: http://<http.host>:<http.port>)")
        p.add_argument("--key", help="API key (Authorization: Bearer), when the server requires one")
        p.add_argument("--json", action="store_true", help="print the server's JSON")

    p = sub.add_parser("submit", help="upload an archive as a job (zip, tar(.gz), JSONL, JSON, WARC)")
    p.add_argument("input", type=Path, help="the archive or JSON/JSONL file")
    p.add_argument("--to", help="target languages, comma-separated (default: the server's)")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--sentences", type=int, help="summary sentences per article")
    size.add_argument("--ratio", type=float, help="share of each article's sentences to keep, in (0, 1]")
    p.add_argument("--glossary", action="append", default=[], metavar="NAME", help="glossary to apply (repeatable)")
    p.add_argument("--summarizer", choices=("extractive", "abstractive"))
    p.add_argument("--format", default="json", help="output formats, comma-separated (as batch --format)")
    p.add_argument("--text-field", default="text", help="JSON field holding the article text")
    p.add_argument("--id-field", default="id", help="JSON field naming the article")
    p.add_argument("--callback-url", help="URL the server calls (signed) when the job ends")
    p.add_argument("--wait", action="store_true", help="follow the job until it ends, then print it")
    common(p)
    p.set_defaults(handler=run_submit)

    for name, help_text, handler in (("status", "a job's state and progress", run_status),
                                     ("cancel", "cancel a job (a running one stops after its article)", run_cancel)):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("id", help="the job id")
        common(p)
        p.set_defaults(handler=handler)

    p = sub.add_parser("list", help="your jobs, newest first")
    common(p)
    p.set_defaults(handler=run_list)

    p = sub.add_parser("results", help="download a finished job's results (a zip)")
    p.add_argument("id", help="the job id")
    p.add_argument("--out", type=Path, required=True, help="where to write the zip")
    common(p)
    p.set_defaults(handler=run_results)


def _client(args: argparse.Namespace, settings: Settings) -> Any:
    from service.cli.jobs_client import JobsClient

    return JobsClient(args.url or f"http://{settings.http.host}:{settings.http.port}", args.key)


def run_submit(args: argparse.Namespace, settings: Settings) -> int:
    if not args.input.is_file():
        raise BadInputError(f"no such file: {args.input}")
    options: dict[str, Any] = {"formats": args.format, "text_field": args.text_field, "id_field": args.id_field}
    for name, value in (("target_langs", args.to), ("sentences", args.sentences), ("ratio", args.ratio),
                        ("summarizer", args.summarizer), ("callback_url", args.callback_url)):
        if value is not None:
            options[name] = value
    if args.glossary:
        options["glossaries"] = args.glossary
    client = _client(args, settings)
    job = client.submit(args.input, options)
    if job.get("callback_secret"):
        print(f"callback secret (shown once): {job['callback_secret']}", file=sys.stderr)
    if args.wait:
        job = _follow(client, job["id"])
    _show(job, args.json)
    return 0 if job["state"] != "failed" else 4


def _follow(client: Any, job_id: str) -> dict[str, Any]:
    shown = ""
    while True:
        job = client.status(job_id)
        counts = job["articles"]
        line = (f"{job['state']}: {counts['done']} done, {counts['failed']} failed of {counts['total']}"
                + (f", about {job['eta_s']:.0f} s to go" if job.get("eta_s") else ""))
        if line != shown:
            print(line, file=sys.stderr)
            shown = line
        if job["state"] in FINISHED:
            return dict(job)
        time.sleep(1.0)


def _show(job: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(job, ensure_ascii=False, indent=2))
        return
    counts = job["articles"]
    print(f"{job['id']}  {job['state']}  {counts['done']} done, {counts['failed']} failed, "
          f"{counts['skipped']} skipped of {counts['total']}  {job['characters_charged']} characters")
    if job.get("error"):
        print(f"  error ({job['error']['code']}): {job['error']['message']}")


def run_status(args: argparse.Namespace, settings: Settings) -> int:
    _show(_client(args, settings).status(args.id), args.json)
    return 0


def run_cancel(args: argparse.Namespace, settings: Settings) -> int:
    _show(_client(args, settings).cancel(args.id), args.json)
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    jobs = _client(args, settings).list()
    if args.json:
        print(json.dumps(jobs, ensure_ascii=False, indent=2))
    for job in [] if args.json else jobs:
        _show(job, False)
    return 0


def run_results(args: argparse.Namespace, settings: Settings) -> int:
    client = _client(args, settings)
    buffer = io.BytesIO()
    size = client.results(args.id, buffer)
    write_atomic(args.out, buffer.getvalue(), make_parents=True)
    print(f"wrote {args.out} ({size} bytes)")
    return 0
