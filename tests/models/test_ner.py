"""spaCy NER pipelines as models: the folder check, loading only what NER needs, import, list, pull.

The pipeline is the session's tiny one (tests/conftest.py: real architecture, trained on the
tests' own sentences); nothing here judges its quality.
"""
from __future__ import annotations

import http.server
import json
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.manager import ModelManager
from models.ner import NerSpan, SpacyNer, load_spacy_ner
from models.pull import pull_spacy_pipeline, spacy_wheel_url
from models.registry import ModelRegistry
from models.store import MANIFEST_NAME, ModelStore, check_model_dir
from service.cli import main
from service.errors import ModelCorruptError, ModelMissingError
from tests.helpers import make_settings
from tests.ner_sentences import PEOPLE, PLACES


def test_the_tiny_pipeline_is_a_complete_spacy_folder(tiny_ner_dir: Path) -> None:
    check_model_dir(tiny_ner_dir, "spacy")
    assert {"config.cfg", "meta.json"} <= {p.name for p in tiny_ner_dir.iterdir()}


@pytest.mark.parametrize(("damage", "file"), [
    (lambda d: (d / "meta.json").write_text(json.dumps({"lang": "en", "components": ["tagger"]})), "meta.json"),
    (lambda d: (d / "meta.json").write_text("{not json"), "meta.json"),
    (lambda d: shutil.rmtree(d / "ner"), "ner"),
    (lambda d: (d / "config.cfg").unlink(), "config.cfg"),
])
def test_a_folder_that_is_no_ner_pipeline_is_named(tiny_ner_dir: Path, tmp_path: Path, damage, file: str) -> None:
    folder = tmp_path / "pipeline"
    shutil.copytree(tiny_ner_dir, folder)
    damage(folder)
    with pytest.raises(ModelCorruptError) as err:
        check_model_dir(folder, "spacy")
    assert err.value.extra["file"] == file


def test_spans_carry_spacy_labels_per_text(tiny_ner_dir: Path) -> None:
    ner = load_spacy_ner(tiny_ner_dir)
    texts = [f"{PEOPLE[0]} visited {PLACES[0]} on Monday.", "", "nothing here"]
    spans = ner.spans(texts)
    assert len(spans) == 3
    assert all(isinstance(s, NerSpan) and texts[0][s.start:s.end] for s in spans[0])
    assert set(ner.labels) == {"PERSON", "GPE", "ORG", "EVENT"}
    assert ner.name == "en_tiny_ner-0.0.1"


@pytest.mark.parametrize(("listens", "expected"), [(True, ["tok2vec", "ner"]), (False, ["ner"])])
def test_only_ner_and_what_it_listens_to_are_loaded(tmp_path: Path, listens: bool, expected: list[str]) -> None:
    """A pipeline with a tok2vec and a tagger: NER loads without the tagger, with the tok2vec only if it listens."""
    from models.ner import spacy_module

    spacy = spacy_module()
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}
    config = {"model": {"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "ner",
                        "extra_state_tokens": False, "hidden_width": 16, "maxout_pieces": 2, "use_upper": True,
                        "tok2vec": listener}} if listens else {}
    nlp.add_pipe("ner", config=config)
    nlp.get_pipe("tagger").add_label("NN")
    nlp.get_pipe("ner").add_label("PERSON")
    nlp.initialize()
    nlp.to_disk(tmp_path / "full")
    assert load_spacy_ner(tmp_path / "full").nlp.pipe_names == expected


def test_manager_loads_the_pipeline_once_and_reports_it(tiny_ner_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    store = ModelStore(settings)
    spec = ModelRegistry(settings).ner_spec()
    assert spec is not None
    assert (spec.engine, spec.model) == ("spacy", "en_core_web_sm")
    manager = ModelManager(settings)
    assert manager.ner() is None  # not installed: the heuristic detector serves
    with pytest.raises(ModelMissingError):
        manager.ner(required=True)
    store.import_dir(tiny_ner_dir, spec)
    manager = ModelManager(settings)
    first = manager.ner()
    assert isinstance(first, SpacyNer)
    assert manager.ner() is first
    row = next(r for r in manager.status() if r["task"] == "ner")
    assert (row["state"], row["loaded"], row["engine"]) == ("installed", True, "spacy")


def test_a_corrupt_pipeline_fails_loudly_even_when_optional(tiny_ner_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    spec = ModelRegistry(settings).ner_spec()
    path = ModelStore(settings).import_dir(tiny_ner_dir, spec)
    (path / "meta.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(ModelCorruptError):
        ModelManager(settings).ner()


def test_preload_loads_the_pipeline_when_installed(tiny_ner_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    ModelStore(settings).import_dir(tiny_ner_dir, ModelRegistry(settings).ner_spec())
    manager = ModelManager(settings, translator_factory=lambda *a: object(), summarizer_factory=lambda *a: object())
    manager.preload(pairs=[], summarizers=[])
    assert "ner.en" in manager.load_times_ms


@pytest.fixture
def cli(tmp_path: Path, capsys):
    config = tmp_path / "test.toml"
    config.write_text("auto_pull = false\n", encoding="utf-8")
    store = tmp_path / "store"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--config", str(config), "models", *args, "--models-dir", str(store)])
        out, err = capsys.readouterr()
        return code, out, err

    run.store = store
    return run


def test_models_import_for_ner_and_list(cli, tiny_ner_dir: Path) -> None:
    code, out, _ = cli("list", "--json")
    assert code == 0
    row = next(r for r in json.loads(out) if r["task"] == "ner" and r["role"] == "configured")
    assert (row["for"], row["state"]) == ("ner.en", "missing")
    alternatives = {r["model"] for r in json.loads(out) if r["task"] == "ner" and r["role"] == "alternative"}
    assert {"en_core_web_md", "en_core_web_lg", "en_core_web_trf"} <= alternatives
    code, out, err = cli("import", str(tiny_ner_dir), "--for", "ner")
    assert code == 0, err
    assert (cli.store / "en_core_web_sm" / MANIFEST_NAME).is_file()
    code, out, _ = cli("list", "--json")
    row = next(r for r in json.loads(out) if r["task"] == "ner" and r["role"] == "configured")
    assert row["state"] == "installed"
    assert cli("verify", "ner")[0] == 0


def test_models_import_refuses_a_folder_without_ner(cli, tiny_ner_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "no-ner"
    shutil.copytree(tiny_ner_dir, folder)
    shutil.rmtree(folder / "ner")
    code, _, err = cli("import", str(folder), "--for", "ner")
    assert code != 0
    assert "ner" in err


def _wheel(pipeline: Path, name: str, version: str, target: Path) -> Path:
    """A wheel shaped like spaCy's releases: the pipeline under <name>/<name>-<version>/."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(pipeline.rglob("*")):
            if path.is_file():
                archive.write(path, f"{name}/{name}-{version}/{path.relative_to(pipeline).as_posix()}")
        archive.writestr(f"{name}/__init__.py", "")
    return target


@pytest.fixture
def release_server(tiny_ner_dir: Path, tmp_path: Path) -> Iterator[str]:
    """spaCy's release layout on a loopback port, holding the tiny pipeline as en_core_web_sm 3.8.0."""
    root = tmp_path / "releases" / "en_core_web_sm-3.8.0"
    root.mkdir(parents=True)
    _wheel(tiny_ner_dir, "en_core_web_sm", "3.8.0", root / "en_core_web_sm-3.8.0-py3-none-any.whl")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = lambda *a, **k: Quiet(*a, directory=str(tmp_path / "releases"), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def test_models_pull_ner_unpacks_the_release_wheel(cli, release_server: str, tmp_path: Path) -> None:
    config = tmp_path / "test.toml"
    config.write_text(f'auto_pull = false\n[entities]\npull_url = "{release_server}"\n', encoding="utf-8")
    code, _, err = cli("pull", "ner")
    assert code == 0, err
    installed = cli.store / "en_core_web_sm"
    check_model_dir(installed, "spacy")
    assert json.loads((installed / MANIFEST_NAME).read_text())["source"].startswith(release_server)
    assert "already installed" in cli("pull", "ner")[1]


def test_pull_offline_fails_fast_with_the_offline_recipe(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    spec = ModelRegistry(make_settings(tmp_path)).ner_spec()
    started = time.monotonic()
    with pytest.raises(ModelMissingError) as err:
        pull_spacy_pipeline(spec, tmp_path / "en_core_web_sm", base_url=closed, timeout_s=2.0)
    assert time.monotonic() - started < 10
    assert "models import DIR --for ner" in err.value.detail
    assert not (tmp_path / "en_core_web_sm").exists()
    assert spacy_wheel_url(spec, closed).endswith("/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl")
