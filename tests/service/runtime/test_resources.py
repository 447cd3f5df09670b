"""Resources: which detector finds names no glossary knows."""
from __future__ import annotations

import pytest

from service.runtime.resources import Resources
from tests.helpers import make_settings


@pytest.mark.parametrize(("mode", "installed", "expected"), [
    ("auto", False, "heuristic"), ("auto", True, "ner"), ("heuristic", True, "heuristic"), ("ner", True, "ner"),
    ("off", True, None),
])
def test_the_name_detector_follows_the_setting_and_the_installed_pipeline(tmp_path, tiny_ner_dir, mode, installed,
                                                                         expected):
    from models.registry import ModelRegistry
    from models.store import ModelStore

    settings = make_settings(tmp_path, entities={"detector": mode})
    if installed:
        ModelStore(settings).import_dir(tiny_ner_dir, ModelRegistry(settings).ner_spec())
    detector = Resources(settings).name_detector()
    assert (detector.name if detector is not None else None) == expected


def test_a_required_pipeline_that_is_missing_is_an_error(tmp_path):
    from service.errors import ModelMissingError

    with pytest.raises(ModelMissingError):
        Resources(make_settings(tmp_path, entities={"detector": "ner"})).name_detector()


def test_an_unknown_detector_setting_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"entities\.detector"):
        make_settings(tmp_path, entities={"detector": "spacy"})
