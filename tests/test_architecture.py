"""The layering rule of docs/ARCHITECTURE.md, checked on the source: no import circles, no import of a
layer above, models below service, Flask only in the HTTP and CLI doors."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("service", "models")
# The only service modules that models/ may import: leaf modules with no project imports of their own.
MODELS_MAY_IMPORT = {"service.errors", "service.settings"}
# The package map of docs/ARCHITECTURE.md, lowest layer first: a module may import its own layer and those below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("service", "service.errors", "service.settings", "service.languages", "service.fileio", "service.brief",
     "service.text"),
    ("models",),
    ("service.storage",),
    ("service.glossary", "service.memory", "service.exports", "service.quality"),
    ("service.runtime",),
    ("service.pipeline",),
    ("service.batch", "service.jobs"),
    ("service.api",),
    ("service.cli", "service.__main__"),
)
# Only the doors that speak HTTP (and the CLI, which starts the server) import Flask and its helpers.
WEB_FRAMEWORKS = ("flask", "flask_smorest", "flask_limiter", "werkzeug")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}


def _layer(module: str) -> int:
    """The layer of a module: the longest package prefix of LAYERS that holds it."""
    best, rank = "", -1
    for n, names in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, rank = prefix, n
    assert rank >= 0, f"{module} is in no layer of LAYERS (add it to the map in docs/ARCHITECTURE.md)"
    return rank


def _third_party(path: Path) -> set[str]:
    """Top-level names of every module a file imports (any depth, lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules imported by one module, at any depth of its code (lazy imports count too)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[:len(package.split(".")) - node.level + 1], base]).strip(".")
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        found |= {t for t in targets if t in known}
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, name, known) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _is_package_init(name: str, graph: dict[str, set[str]]) -> bool:
    return any(other.startswith(name + ".") for other in graph)


def test_no_import_circle() -> None:
    graph = _graph()
    # A package's __init__ importing its own submodules is not a circle of modules.
    edges = {m: {t for t in deps if not (_is_package_init(t, graph) and m.startswith(t + "."))}
             for m, deps in graph.items()}
    assert _cycle(edges) is None, " -> ".join(_cycle(edges) or [])


@pytest.mark.parametrize("module", sorted(m for m in _modules() if m.startswith("models")))
def test_models_import_only_errors_and_settings_from_service(module: str) -> None:
    graph = _graph()
    from_service = {t for t in graph[module] if t == "service" or t.startswith("service.")}
    assert from_service <= MODELS_MAY_IMPORT, f"{module} imports {sorted(from_service - MODELS_MAY_IMPORT)}"


@pytest.mark.parametrize("module", sorted(_modules()))
def test_no_module_imports_a_layer_above_it(module: str) -> None:
    graph = _graph()
    above = sorted(t for t in graph[module] if _layer(t) > _layer(module))
    assert not above, f"{module} (layer {_layer(module)}) imports from a layer above: {above}"


@pytest.mark.parametrize("module", sorted(m for m in _modules() if _layer(m) < _layer("service.api")))
def test_nothing_below_the_api_imports_flask(module: str) -> None:
    web = _third_party(_modules()[module]) & set(WEB_FRAMEWORKS)
    assert not web, f"{module} imports {sorted(web)}; pass what it needs in from service/api/"


def test_service_keeps_few_loose_modules() -> None:
    loose = sorted(p.name for p in (REPO / "service").glob("*.py"))
    assert len(loose) <= 8, loose
