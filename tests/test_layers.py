"""The layers (STYLE.md) hold: every module of kb/, importers/, index/ and web/ imports only
from its own layer or the layers below it, and no modules import each other in a circle.

    kb.core      the ground: record, vocabularies, countries, money, errors...
    importers    bytes -> record            index    the Whoosh index (never importers/)
    kb.service   the knowledge base: store, archive, import, review, backup
    web          the Flask app
    kb.cli       the `kb` command line (which starts the web app for `kb serve`)

Imports are read from the source, those inside functions included: an import put inside a
function hides a circle from Python's loader, not from the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kb", "importers", "index", "web")
# Layer name -> rank: a module may import a module of a lower rank, or of its own layer.
# importers and index share a rank and must not import each other.
LAYERS = {"kb.core": 0, "importers": 1, "index": 1, "kb.service": 2, "web": 3, "kb.cli": 4}
# Libraries a layer must not reach (the document readers only through importers/).
FORBIDDEN = {
    "kb.core": {"flask", "flask_babel", "whoosh", "pypdf", "docx"},
    "importers": {"flask", "flask_babel", "whoosh"},
    "index": {"flask", "flask_babel", "pypdf", "docx"},
    "kb.service": {"flask", "flask_babel"},
    "web": {"pypdf", "docx"},
}


def module_names(root: Path) -> dict[str, Path]:
    """Every module of the four packages under `root`, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(our modules, third-party top-level packages) that the module at `path` imports,
    anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    ours: set[str] = set()
    libraries: set[str] = set()

    def add(target: str) -> None:
        top = target.split(".")[0]
        if top not in PACKAGES:
            libraries.add(top)
            return
        # The longest prefix that is one of our modules ("kb.core.errors.KbError" -> kb.core.errors).
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            ours.add(target)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                add(f"{module}.{alias.name}")
    return ours, libraries


def layer_of(name: str) -> str:
    if name == "kb":
        return "kb.core"         # the package's __init__: the ground, importing nothing
    for layer in sorted(LAYERS, key=len, reverse=True):
        if name == layer or name.startswith(layer + "."):
            return layer
    raise AssertionError(f"{name} belongs to no layer: add its folder to LAYERS")


def import_graph(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    modules = module_names(root)
    graph, libraries = {}, {}
    for name, path in modules.items():
        graph[name], libraries[name] = imports_of(name, path, modules)
    return graph, libraries


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for source, targets in sorted(graph.items()):
        here = layer_of(source)
        for target in sorted(targets):
            there = layer_of(target)
            if there != here and LAYERS[there] >= LAYERS[here]:
                problems.append(f"{source} ({here}) imports {target} ({there})")
    return problems


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def forbidden_libraries(libraries: dict[str, set[str]]) -> list[str]:
    return [f"{name} imports {library}"
            for name, used in sorted(libraries.items())
            for library in sorted(used & FORBIDDEN.get(layer_of(name), set()))]


def test_every_module_is_walked():
    graph, _ = import_graph(ROOT)
    # A few from each layer, so a broken walk cannot pass by seeing nothing.
    for name in ("kb.core.errors", "importers.parse", "index.searching", "kb.service.store",
                 "web.app", "kb.cli.main"):
        assert name in graph
    assert len(graph) > 60


def test_nothing_imports_upward():
    graph, _ = import_graph(ROOT)
    assert upward_imports(graph) == []


def test_no_import_circles():
    graph, _ = import_graph(ROOT)
    assert circles(graph) == []


def test_layers_reach_only_their_libraries():
    _, libraries = import_graph(ROOT)
    assert forbidden_libraries(libraries) == []


# The test of the test: a tree with a deliberate circle and upward imports fails it.

def write_tree(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    write_tree(tmp_path, {name: "" for name in (
        "kb/__init__.py", "kb/core/__init__.py", "kb/service/__init__.py", "kb/cli/__init__.py",
        "importers/__init__.py", "index/__init__.py", "web/__init__.py")})
    return tmp_path


def test_a_circle_hidden_inside_a_function_is_found(tree: Path):
    write_tree(tree, {
        "web/app.py": "from web import search\n",
        "web/search.py": "def page():\n    from web.app import knowledge_base\n",
    })
    graph, _ = import_graph(tree)
    assert circles(graph) == [["web.app", "web.search"]]


def test_a_relative_import_circle_is_found(tree: Path):
    write_tree(tree, {
        "index/a.py": "from .b import x\n",
        "index/b.py": "from . import a\n",
    })
    graph, _ = import_graph(tree)
    assert circles(graph) == [["index.a", "index.b"]]


@pytest.mark.parametrize("source, text, problem", [
    ("kb/core/record.py", "from kb.service.store import Store\n",
     "kb.core.record (kb.core) imports kb.service.store (kb.service)"),
    ("importers/parse.py", "import index.schema\n",
     "importers.parse (importers) imports index.schema (index)"),
    ("kb/service/store.py", "def f():\n    from web import app\n",
     "kb.service.store (kb.service) imports web.app (web)"),
    ("web/app.py", "from kb.cli import main\n", "web.app (web) imports kb.cli.main (kb.cli)"),
])
def test_an_upward_import_is_found(tree: Path, source: str, text: str, problem: str):
    write_tree(tree, {"kb/core/record.py": "", "kb/service/store.py": "", "index/schema.py": "",
                      "importers/parse.py": "", "web/app.py": "", "kb/cli/main.py": ""})
    write_tree(tree, {source: text})
    graph, _ = import_graph(tree)
    assert upward_imports(graph) == [problem]


def test_downward_imports_pass(tree: Path):
    write_tree(tree, {
        "kb/core/errors.py": "",
        "importers/parse.py": "from kb.core.errors import KbError\n",
        "index/schema.py": "from kb.core import errors\n",
        "kb/service/store.py": "import importers.parse\nimport index.schema\n",
        "web/app.py": "from kb.service.store import Store\n",
        "kb/cli/main.py": "from web.app import create_app\n",
    })
    graph, _ = import_graph(tree)
    assert upward_imports(graph) == [] and circles(graph) == []


def test_a_forbidden_library_is_found(tree: Path):
    write_tree(tree, {"index/searching.py": "def page():\n    import flask\n"})
    _, libraries = import_graph(tree)
    assert forbidden_libraries(libraries) == ["index.searching imports flask"]
