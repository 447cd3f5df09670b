"""``python -m service models ...``: list, pull, import, convert, verify and build tiny models."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from models.registry import ModelRegistry, ModelSpec, original_spec
from models.store import (
    CONVERTIBLE_TASKS,
    CT2_QUANTIZATIONS,
    EMBEDDING_PACKAGE,
    ModelStore,
    dir_size_mb,
    read_manifest,
    spec_ref,
    verify_dir,
)
from service.errors import BadInputError, ModelCorruptError
from service.settings import Settings

TARGET_HELP = "a translation pair (en-ja), a task.name (summarization.abstractive), a name or a task"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``models`` command and its subcommands."""
    parser = subparsers.add_parser("models", help="list, fetch, import, convert and verify models")
    sub = parser.add_subparsers(dest="models_command", required=True, metavar="SUBCOMMAND")

    p = _add(sub, "list", "configured models and catalog alternatives", run_list)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

    p = _add(sub, "pull", "download models from the hub (with progress); translation and summarization "
             "models are converted to ctranslate2 int8, the original kept", run_pull)
    p.add_argument("targets", nargs="*", metavar="PAIR_OR_TASK", help=f"what to pull: {TARGET_HELP}")
    p.add_argument("--force", action="store_true", help="download again even if installed")

    p = _add(sub, "import", "copy a local model folder into the store and write its manifest "
             "(a translation or summarization model is then converted to ctranslate2 int8)", run_import)
    p.add_argument("dir", metavar="DIR", help="model folder (config.json, weights, tokenizer files)")
    p.add_argument("--for", dest="target", required=True, metavar="PAIR_OR_TASK", help=TARGET_HELP)
    p.add_argument("--force", action="store_true", help="replace an installed copy")

    p = _add(sub, "convert", "build the ctranslate2 form of installed translation models "
             "(pull and import already build int8)", run_convert)
    p.add_argument("targets", nargs="*", metavar="PAIR", help="pairs to convert (default: every translation pair)")
    p.add_argument("--quantization", default="int8", choices=CT2_QUANTIZATIONS)
    p.add_argument("--force", action="store_true", help="overwrite an existing conversion")

    p = _add(sub, "verify", "re-hash installed models against their manifests", run_verify)
    p.add_argument("targets", nargs="*", metavar="PAIR_OR_TASK", help=f"what to verify: {TARGET_HELP}")

    p = _add(sub, "build-tiny", "write random-weight tiny models for tests and demos", run_build_tiny)
    p.add_argument("--dir", required=True, type=Path, help="folder to write the tiny models into")


def _add(sub: argparse._SubParsersAction, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--models-dir", help="model store to use (default from settings)")
    p.set_defaults(handler=handler)
    return p


def resolve_targets(registry: ModelRegistry, names: list[str], *, catalog: bool = False) -> list[ModelSpec]:
    """Specs named on the command line; BadInputError listing the valid names for an unknown one."""
    specs = registry.specs()
    found: list[ModelSpec] = []
    for name in names:
        task, dot, key = name.partition(".")
        matches = (
            [s for s in specs if s.task == "translation" and s.key == name]
            or ([s for s in specs if (s.task, s.key) == (task, key)] if dot else [])
            or [s for s in specs if s.task != "translation" and s.key == name]
            or [s for s in specs if s.task == name]
            or ([s for s in registry.catalog if s.model == name] if catalog else [])
        )
        if not matches:
            valid = ", ".join(spec_ref(s) for s in specs)
            raise BadInputError(f"unknown model target {name!r}; configured: {valid}"
                                + (" (or a catalog model id)" if catalog else ""))
        found += [m for m in matches if m not in found]
    return found


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print configured models and catalog alternatives with install state and licence."""
    registry, store = ModelRegistry(settings), ModelStore(settings)
    rows = [_row(s, store, "configured") for s in registry.specs()]
    rows += [_row(s, store, "alternative") for s in registry.catalog]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    header = {"role": "ROLE", "task": "TASK", "for": "PAIR/NAME", "model": "MODEL", "engine": "ENGINE",
              "state": "STATE", "size": "SIZE", "license": "LICENCE", "forms_text": "FORMS", "notes": "NOTES"}
    table = [header] + [{**r, "size": _size_text(r)} for r in rows]
    widths = {k: max(len(str(r[k])) for r in table) for k in header}
    for r in table:
        print("  ".join(str(r[k]).ljust(widths[k]) for k in header).rstrip())
    if any(r["non_commercial"] for r in rows):
        print("\nNON-COMMERCIAL models may not be used in a commercial service (check the licence).")
    for r in rows:
        if r["fallback"]:
            print(f"warning: {r['for']} ({r['model']}): {r['fallback']}")
    return 0


def _row(spec: ModelSpec, store: ModelStore, role: str) -> dict[str, Any]:
    state = store.state(spec)
    notes = [n for n, on in (("NON-COMMERCIAL", spec.non_commercial), ("tiny", spec.tiny),
                             ("engine fallback, see warning", bool(spec.fallback))) if on]
    forms = [{"form": form, "state": form_state, "path": str(path) if form_state != "missing" else ""}
             for form, path, form_state in store.forms(spec)]
    return {
        "role": role, "task": spec.task,
        "for": ",".join(spec.pairs) if role == "alternative" else spec_ref(spec),
        "model": spec.model, "engine": spec.engine, "state": state,
        "size_mb": store.size_mb(spec) if state != "missing" else float(spec.size_mb),
        "license": spec.license or "unknown", "non_commercial": spec.non_commercial,
        "notes": ", ".join(notes), "path": str(store.path(spec)) if state != "missing" else "",
        "forms": forms, "forms_text": ", ".join(f"{f['form']}:{f['state']}" for f in forms),
        "fallback": spec.fallback,
    }


def _size_text(row: dict[str, Any]) -> str:
    size = row["size_mb"]
    return f"{size:g} MB" if row["state"] != "missing" else f"~{size:g} MB"


def run_pull(args: argparse.Namespace, settings: Settings) -> int:
    """Download the named (default: all missing configured) models into the store."""
    from models.pull import pull_model

    registry, store = ModelRegistry(settings), ModelStore(settings)
    specs = resolve_targets(registry, args.targets, catalog=True) if args.targets else registry.specs()
    for spec in specs:
        ref = spec_ref(spec)
        if spec.engine == "sentence-embeddings" and not spec.local_path:
            store.check(spec)
            print(f"{ref}: {spec.model} comes from the PyPI package {EMBEDDING_PACKAGE} (installed)")
            continue
        if spec.tiny:
            print(f"{ref}: {spec.model} is a tiny model; rebuild it with `models build-tiny`")
            continue
        if spec.engine == "spacy":
            _pull_spacy(spec, store, settings, force=args.force)
            continue
        if store.is_installed(spec) and not args.force:
            print(f"{ref}: {spec.model} already installed at {store.path(spec)}")
            continue
        original = original_spec(spec)
        if args.force or not store.is_installed(original):
            print(f"{ref}: pulling {spec.model} (revision {spec.revision}, ~{spec.size_mb:g} MB)", file=sys.stderr)
            path = pull_model(original, store.install_path(original), endpoint=settings.hub_endpoint,
                              timeout_s=settings.pull_timeout_s, progress=True)
            print(f"{ref}: pulled {spec.model} into {path}")
        _convert_default(store, spec)
    return 0


def _pull_spacy(spec: ModelSpec, store: ModelStore, settings: Settings, *, force: bool) -> None:
    """A spaCy pipeline comes from spaCy's releases (``entities.pull_url``), not the model hub."""
    from models.pull import pull_spacy_pipeline, spacy_wheel_url

    ref = spec_ref(spec)
    if store.is_installed(spec) and not force:
        print(f"{ref}: {spec.model} already installed at {store.path(spec)}")
        return
    url = spacy_wheel_url(spec, settings.entities.pull_url)
    print(f"{ref}: pulling {spec.model} {spec.revision} from {url} (~{spec.size_mb:g} MB)", file=sys.stderr)
    path = pull_spacy_pipeline(spec, store.install_path(spec), base_url=settings.entities.pull_url,
                               timeout_s=max(settings.pull_timeout_s, 1.0))
    print(f"{ref}: pulled {spec.model} into {path}")


def _convert_default(store: ModelStore, spec: ModelSpec) -> None:
    """Give a ctranslate2 spec its int8 form from the installed original (which is kept)."""
    from models.convert import convert_spec

    if spec.engine != "ctranslate2":
        if spec.fallback:
            print(f"{spec_ref(spec)}: {spec.fallback}", file=sys.stderr)
        return
    print(f"{spec_ref(spec)}: converting {spec.model} to ctranslate2 int8", file=sys.stderr)
    out = convert_spec(store, spec, force=True)
    print(f"{spec_ref(spec)}: ctranslate2 int8 form at {out} (the original stays for the transformers engine)")


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """Copy a model folder into the store for one target and write its manifest."""
    specs = resolve_targets(ModelRegistry(settings), [args.target], catalog=True)
    if len(specs) != 1:
        raise BadInputError(f"--for {args.target} names {len(specs)} models; name one: "
                            + ", ".join(spec_ref(s) for s in specs))
    spec = specs[0]
    store = ModelStore(settings)
    path = store.import_dir(Path(args.dir), spec, force=args.force)
    manifest = read_manifest(path) or {"files": {}}
    print(f"imported {spec.model} for {spec_ref(spec)} into {path} "
          f"({len(manifest['files'])} files, {dir_size_mb(path):g} MB, manifest written)")
    if path == store.original_path(spec) and spec.task in CONVERTIBLE_TASKS:
        _convert_default(store, spec)
    return 0


def run_convert(args: argparse.Namespace, settings: Settings) -> int:
    """Convert installed transformers translation models to ctranslate2."""
    from models.convert import convert_spec

    registry, store = ModelRegistry(settings), ModelStore(settings)
    named = resolve_targets(registry, args.targets) if args.targets else registry.specs("translation")
    specs = [s for s in named if s.task == "translation" and s.engine in ("transformers", "ctranslate2")]
    if args.targets and len(specs) != len(named):
        wrong = [spec_ref(s) for s in named if s not in specs]
        raise BadInputError(f"only translation models can be converted, not: {', '.join(wrong)}")
    for spec in specs:
        if spec.fallback:
            print(f"{spec_ref(spec)}: skipped: {spec.fallback}")
            continue
        out = store.ct2_path(spec, args.quantization)
        if out.is_dir() and not args.force:
            print(f"{spec_ref(spec)}: {out} already exists (--force converts again)")
            continue
        print(f"{spec_ref(spec)}: converting {spec.model} ({args.quantization})", file=sys.stderr)
        out = convert_spec(store, spec, args.quantization, force=args.force)
        print(f"{spec_ref(spec)}: wrote {out}")
        if spec.engine != "ctranslate2" or args.quantization != "int8":
            print(f"  to use it, add to a settings file:\n  [models.translation.{spec.key}]\n"
                  f"  engine = \"ctranslate2\"\n  local_path = \"{out}\"")
    return 0


def run_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Re-hash models (and their ctranslate2 forms) against their manifests; name every bad file."""
    registry, store = ModelRegistry(settings), ModelStore(settings)
    specs = resolve_targets(registry, args.targets, catalog=True) if args.targets else registry.specs()
    failed: list[str] = []
    for spec in specs:
        ref = spec_ref(spec)
        if not args.targets and store.state(spec) == "missing":
            print(f"{ref}: not installed, skipped")
            continue
        checks = [(f"{ref} ({form})" if form != spec.engine else ref, path, store.verify(spec)
                   if path == store.path(spec) else verify_dir(path)) for form, path in _forms(store, spec)]
        for label, path, problems in checks:
            if not problems:
                print(f"{label}: ok ({spec.model})")
                continue
            failed.append(label)
            print(f"{label}: FAILED ({spec.model} at {path})")
            for problem in problems:
                print(f"  {problem}")
    if failed:
        raise ModelCorruptError(f"{len(failed)} model(s) failed verification: {', '.join(failed)} "
                                f"(files named above); re-import or re-pull them")
    return 0


def _forms(store: ModelStore, spec: ModelSpec) -> list[tuple[str, Path]]:
    """The folder ``spec`` loads from (named by its engine), then every other installed form."""
    loads = (spec.engine, store.path(spec))
    others = [(form.replace("-", " "), path) for form, path, state in store.forms(spec)
              if path != loads[1] and state != "missing"]
    return [loads, *others]


def run_build_tiny(args: argparse.Namespace, settings: Settings) -> int:
    """Write the random-weight tiny models and say how to use them."""
    from models.tiny import build_tiny_models

    root = Path(build_tiny_models(args.dir, progress=lambda line: print(line, file=sys.stderr, flush=True)))
    print(f"tiny models written to {root}")
    print(f"use them with --models-dir {root} (e.g. `python -m service brief --models-dir {root} ARTICLE`)")
    print("their weights are random: output is gibberish, for tests and demos only")
    return 0


__all__ = ["register", "resolve_targets"]
