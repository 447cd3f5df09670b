"""Command line: ``python -m service <command>``.

Each command module exposes ``register(subparsers)``, which adds its parser and
sets ``handler=fn(args, settings) -> int``. Domain errors become a one-line
message on stderr and their exit code.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import Any

from service.errors import BriefsError
from service.settings import load_settings

log = logging.getLogger("service")



def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every command module's subcommands.

    Each module is imported by name, so a command that fails to import fails loudly here
    (and in the tests) instead of vanishing from ``--help``. The modules import their heavy
    dependencies inside their handlers, so building the parser stays cheap.
    """
    from service.cli import (
        batch_cmd,
        brief_cmd,
        glossary_cmd,
        jobs_cmd,
        keys_cmd,
        models_cmd,
        serve_cmd,
        store_cmd,
        tm_cmd,
        worker_cmd,
    )

    parser = argparse.ArgumentParser(prog="python -m service", description="Aligned bilingual news briefs.")
    parser.add_argument("--config", help="extra settings file (TOML) layered over config/default.toml")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and debug details")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (brief_cmd, models_cmd, glossary_cmd, keys_cmd, serve_cmd, tm_cmd, batch_cmd, store_cmd,
                   worker_cmd, jobs_cmd):
        module.register(sub)
    return parser


def settings_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """Settings given as common flags (``--models-dir``)."""
    models_dir = getattr(args, "models_dir", None)
    return {"models_dir": models_dir} if models_dir else {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings(args.config, overrides=settings_overrides(args))
        return int(args.handler(args, settings) or 0)
    except BriefsError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:  # last line of defence: log, never a raw traceback to users
        log.debug("unexpected error", exc_info=True)
        print("error: unexpected internal error (run with -v for details)", file=sys.stderr)
        return 1
