"""The layering rule: ``models/`` imports nothing from ``service/`` except its errors and settings."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

MODELS = Path(__file__).resolve().parents[2] / "models"
ALLOWED = {"service.errors", "service.settings"}


def service_imports(path: Path) -> list[str]:
    """Every ``service`` module a file imports, at any level (functions and TYPE_CHECKING blocks too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [node.module] if node.module != "service" else [f"service.{a.name}" for a in node.names]
    return [name for name in found if name == "service" or name.startswith("service.")]


@pytest.mark.parametrize("path", sorted(MODELS.rglob("*.py")), ids=lambda p: p.relative_to(MODELS).as_posix())
def test_models_import_only_service_errors_and_settings(path: Path) -> None:
    assert set(service_imports(path)) <= ALLOWED


def test_the_rule_sees_nested_imports(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from service.languages import validate_lang\n    import service.pipeline\n"
                      "from service import errors\n", encoding="utf-8")
    assert sorted(service_imports(source)) == ["service.errors", "service.languages", "service.pipeline"]
