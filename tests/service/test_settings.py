from pathlib import Path

import pytest

from service.settings import load_settings


def test_defaults_come_from_config_file():
    s = load_settings(environ={})
    assert s.target_langs == ("ja", "ko")
    assert s.models["translation"]["en-ja"]["model"] == "Helsinki-NLP/opus-tatoeba-en-ja"


@pytest.mark.parametrize(("name", "value", "attr", "expected"), [
    ("BRIEFS_MODELS_DIR", "/x/models", "models_dir", Path("/x/models")),
    ("BRIEFS_TARGET_LANGS", "ko", "target_langs", ("ko",)),
    ("BRIEFS_AUTO_PULL", "false", "auto_pull", False),
    ("BRIEFS_LIMITS_MAX_CHARS", "42", "limits.max_chars", 42),
    ("BRIEFS_HTTP_API_KEYS_REQUIRED", "on", "http.api_keys_required", True),
])
def test_environment_overrides(name, value, attr, expected):
    s = load_settings(environ={name: value})
    obj = s
    for part in attr.split("."):
        obj = getattr(obj, part)
    assert obj == expected


def test_overrides_beat_environment():
    s = load_settings(overrides={"models_dir": "/a"}, environ={"BRIEFS_MODELS_DIR": "/b"})
    assert s.models_dir == Path("/a")


def test_settings_are_frozen():
    s = load_settings(environ={})
    with pytest.raises(AttributeError):
        s.models_dir = Path("/elsewhere")


def test_models_dir_settings_file_is_layered_and_paths_rebased(tmp_path):
    (tmp_path / "briefs.toml").write_text(
        'tiny_models = true\n[models.translation.en-ja]\nlocal_path = "marian-en-ja"\n', encoding="utf-8")
    s = load_settings(overrides={"models_dir": str(tmp_path)}, environ={})
    assert s.tiny_models is True
    assert s.models["translation"]["en-ja"]["local_path"] == str(tmp_path / "marian-en-ja")
    assert s.models["translation"]["en-ja"]["architecture"] == "marian"  # merged, not replaced


@pytest.mark.parametrize(("environ", "message"), [
    ({"BRIEFS_LIMITS_MAX_CHARS": "lots"}, "must be a number"),
    ({"BRIEFS_AUTO_PULL": "maybe"}, "must be a boolean"),
    ({"BRIEFS_NO_SUCH_SETTING": "1"}, "unknown setting"),
])
def test_bad_settings_are_refused(environ, message):
    with pytest.raises(ValueError, match=message):
        load_settings(environ=environ)


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="not found"):
        load_settings(config_path=tmp_path / "nope.toml", environ={})
