"""The import layering of ``sim/``, read from the source with :mod:`ast` (nothing is imported).

Every ``import`` counts: at module level, inside functions, and under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import REPO

SIM = REPO / "sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def imported_names(path: Path) -> set[str]:
    """Every module name an ``import`` or ``from ... import`` statement in ``path`` refers to.

    ``from a.b import c`` yields ``a.b`` and, if ``a.b.c`` is a module, ``a.b.c`` as well.
    Relative imports are resolved against the module's package.
    """
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return found


@cache
def graph() -> dict[str, set[str]]:
    """Module -> the ``sim`` modules it imports."""
    return {
        name: {m for m in imported_names(path) if m in MODULES and m != name}
        for name, path in MODULES.items()
    }


def importers_of(top_level: str) -> set[str]:
    return {
        name
        for name, path in MODULES.items()
        if any(m == top_level or m.startswith(f"{top_level}.") for m in imported_names(path))
    }


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the directed graph as a list of nodes, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(edges):
        if root in state:
            continue
        path, stack = [root], [iter(sorted(edges[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges[nxt])))
    return None


def test_the_tests_import_this_checkout_of_sim():
    import sim

    assert Path(sim.__file__).resolve().parent == SIM  # not another install on sys.path


def test_the_scan_sees_the_package():
    edges = graph()
    assert {"sim.engine.model", "sim.cli.run", "sim.plots", "sim.runs.files"} <= set(edges)
    assert "sim.agents.leader" in edges["sim.engine.model"]
    assert "sim.runs.execute" in edges["sim.cli.run"]  # imported inside a function
    assert "sim.plots" in edges["sim.runs.replay"]  # from sim import plots


def test_find_cycle_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_there_is_no_import_cycle():
    assert find_cycle(graph()) is None


def test_only_the_command_line_imports_hydra():
    assert importers_of("hydra") <= {m for m in MODULES if m.startswith("sim.cli")}
    assert importers_of("hydra")  # the check would be vacuous otherwise


def test_only_sim_plots_imports_matplotlib():
    importers = importers_of("matplotlib")
    assert importers and all(m == "sim.plots" or m.startswith("sim.plots.") for m in importers)


@pytest.mark.parametrize(
    ("package", "allowed"),
    [
        # domain: pure data and numpy; no Mesa, Hydra or any other sim package
        ("sim.domain", {"sim.domain"}),
        # analysis: pure functions on tables (no Mesa, no plotting)
        ("sim.analysis", {"sim.analysis", "sim.domain"}),
    ],
)
def test_lower_layers_import_only_what_they_document(package, allowed):
    for name in (m for m in MODULES if m.startswith(package)):
        outside = {m for m in graph()[name] if not any(m.startswith(a) for a in allowed)}
        assert not outside, (name, outside)
    inside = {m for m in MODULES if m.startswith(package)}
    assert not (importers_of("mesa") & inside)
    assert not (importers_of("matplotlib") & inside)


# --- the dashboard (sim/dashboard): a leaf package on top of the others --------------------------

DASHBOARD = {m for m in MODULES if m == "sim.dashboard" or m.startswith("sim.dashboard.")}


def test_the_scan_sees_the_dashboard():
    assert {"sim.dashboard.app", "sim.dashboard.model", "sim.dashboard.server"} <= DASHBOARD
    assert "sim.dashboard.model" in graph()["sim.dashboard.app"]


def test_nothing_outside_the_dashboard_imports_it():
    importers = {m for m in MODULES if any(d in graph()[m] for d in DASHBOARD)}
    assert importers <= DASHBOARD


@pytest.mark.parametrize("library", ["solara", "mesa.visualization"])
def test_only_the_page_module_imports_the_browser_stack(library):
    # the rest of the dashboard is plain functions, tested without a server or a browser
    assert importers_of(library) == {"sim.dashboard.app"}


def test_only_the_dashboard_draws_with_altair():
    assert importers_of("altair") <= DASHBOARD
    assert importers_of("altair")


def test_the_dashboard_composes_configs_but_never_reaches_hydra_or_matplotlib_itself():
    for name in DASHBOARD:
        used = graph()[name]
        # sim.cli.compose is the composition API sim.api uses too; the Hydra app itself is not
        assert not {m for m in used if m.startswith("sim.cli.") and m != "sim.cli.compose"}, name
        assert "sim.plots" not in used, name  # figures are Altair charts, drawn in the browser
    assert not (importers_of("hydra") & DASHBOARD)
    assert not (importers_of("matplotlib") & DASHBOARD)
