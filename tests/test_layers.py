"""The layers of cagettes/layers.py hold: no import goes up a layer, and no chain of imports
comes back to where it started. Every import is read, the ones inside functions included,
from the source files themselves (nothing is imported to find them)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cagettes
from cagettes.layers import LAYERS, SHELL_USES

REPO = Path(__file__).resolve().parent.parent
# The package's folders: cagettes/ itself, and the design card's folders mapped into it.
ROOTS = {"cagettes": REPO / "cagettes", "cagettes.catalog": REPO / "catalog",
         "cagettes.forms": REPO / "forms", "cagettes.scan": REPO / "scan"}


def module_files() -> dict[str, Path]:
    found = {}
    for package, folder in ROOTS.items():
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            name = ".".join((package, *parts)).removesuffix(".__init__")
            found[name] = path
    return found


MODULES = module_files()


def resolve(name: str) -> str | None:
    """The module of ours that ``name`` (a module, or a name inside one) is, if any."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            # "from cagettes.scan import pipeline" depends on the module pipeline; "from
            # cagettes.scan.pipeline import scan" on pipeline too (scan is a name inside it).
            found.update(f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names)
    resolved = {resolve(name) for name in found}
    return {m for m in resolved if m and m != module and not (m == "cagettes" or m == "cagettes.layers")}


GRAPH = {module: imports_of(module) for module in MODULES}


def layer_of(module: str) -> int | None:
    for rank, (_, packages, _) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in packages):
            return rank
    return None


def test_every_module_has_a_layer():
    loose = [m for m in MODULES if layer_of(m) is None and m not in ("cagettes", "cagettes.layers")]
    assert loose == [], f"modules in no layer of cagettes/layers.py: {loose}"


def test_the_shell_uses_services_and_foundations_only():
    def name(module: str) -> str | None:
        rank = layer_of(module)
        return None if rank is None else LAYERS[rank][0]

    shell = [m for m in MODULES if name(m) == "shell"]
    assert len(shell) >= 6, "the search found too few shell modules: it is broken"
    skipping = [f"{m} imports {d} ({name(d)})" for m in shell for d in sorted(GRAPH[m])
                if name(d) is not None and name(d) not in SHELL_USES]
    assert skipping == [], "the CLI and the web page go through cagettes.services:\n" + "\n".join(skipping)


def test_no_import_goes_up_a_layer():
    upward = [f"{m} ({LAYERS[layer_of(m)][0]}) imports {d} ({LAYERS[layer_of(d)][0]})"
              for m, deps in GRAPH.items() if layer_of(m) is not None
              for d in sorted(deps) if layer_of(d) is not None and layer_of(d) > layer_of(m)]
    assert upward == [], "\n".join(upward)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a cycle or more."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle():
    assert cycles(GRAPH) == []


def test_the_checker_sees_cycles_and_function_level_imports():
    """The test above could pass by seeing nothing: here it must see both."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "cagettes.forms.bundles" in GRAPH["cagettes.cli.commands"] or any(
        "cagettes.services" in d for d in GRAPH["cagettes.cli.commands"])


@pytest.mark.parametrize("folder", sorted(ROOTS))
def test_installed_package_is_these_folders(folder):
    """The modules imported are the repository's files (the editable install maps them)."""
    import importlib

    module = importlib.import_module(folder)
    assert Path(module.__file__).resolve().parent == ROOTS[folder]
    assert Path(cagettes.__file__).resolve().parent == REPO / "cagettes"
