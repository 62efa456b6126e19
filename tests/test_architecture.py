"""The package's shape, as rules: no import cycles, computation apart from display, thin facades.

Read from the source with ``ast`` (nothing is imported), so a rule broken inside a function body
is caught too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rseai"
DISPLAY_MODULES = {"plots", "exercises"}
DISPLAY_LIBRARIES = ("ipywidgets", "matplotlib", "IPython.display")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every module ``name`` imports (anywhere in its body), resolved to the most specific module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    return found


def internal_graph() -> dict[str, set[str]]:
    return {name: {m for m in imports_of(name) if m in MODULES and m != name} for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def is_compute(name: str) -> bool:
    """Topic modules other than plots/exercises, plus the shared data and checks."""
    parts = name.split(".")
    if name in ("rseai._checks", "rseai.metrics", "rseai.data"):
        return True
    topic_module = (len(parts) == 3 and parts[1] not in ("classroom", "ops")
                    and MODULES[name].name != "__init__.py")
    return topic_module and parts[2] not in DISPLAY_MODULES


COMPUTE = sorted(n for n in MODULES if is_compute(n))


def test_the_rules_see_the_whole_package():
    # guard against a rule that passes because it looks at nothing
    assert {"rseai.metrics", "rseai.lm.model", "rseai.risk.costs", "rseai.labels.cleaning",
            "rseai.carbon.estimates", "rseai.hallucination.asking"} <= set(COMPUTE)
    assert len(COMPUTE) >= 16
    assert "rseai.risk.plots" not in COMPUTE and "rseai.lm.plots" not in COMPUTE
    assert {"rseai.ops.model_files", "rseai.ops.answer_store", "rseai.ops.lab"} <= set(OPS)


def test_no_import_cycle_in_rseai():
    cycle = find_cycle(internal_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


OPS = sorted(n for n in MODULES if n.startswith("rseai.ops."))


@pytest.mark.parametrize("name", COMPUTE + OPS)
def test_computation_never_imports_display(name):
    bad = sorted(m for m in imports_of(name)
                 if m.startswith(DISPLAY_LIBRARIES) or m == "rseai.style"
                 or m.rsplit(".", 1)[-1] in DISPLAY_MODULES and m.startswith("rseai."))
    assert not bad, f"{name} is a computation module but imports {bad}"


@pytest.mark.parametrize("name", COMPUTE)
def test_computation_never_reaches_up_to_the_classroom(name):
    # rseai.classroom (set-up check, hub, lessons) builds on the topics, never the reverse
    bad = sorted(m for m in imports_of(name) if m.startswith("rseai.classroom"))
    assert not bad, f"{name} is a computation module but imports {bad}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if MODULES[n].name == "__init__.py"))
def test_a_package_init_only_re_exports(name):
    tree = ast.parse(MODULES[name].read_text())
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if name == "rseai" and isinstance(node, (ast.FunctionDef, ast.Assign)):
            continue  # the top package: __version__ and the IPython extension hook
        assert docstring or isinstance(node, (ast.Import, ast.ImportFrom)) or (
            isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["__all__"]
        ), f"{name} defines code at line {node.lineno}; a package __init__ only re-exports"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.count(".") == 2))
def test_siblings_never_import_their_own_facade(name):
    facade = name.rsplit(".", 1)[0]
    assert facade not in imports_of(name), f"{name} imports its own facade {facade}; import the sibling"


def test_no_private_name_crosses_a_module():
    crossings = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rseai"):
                crossings += [f"{name}: {node.module}.{a.name}" for a in node.names
                              if a.name.startswith("_") and not a.name.startswith("__")
                              and f"{node.module}.{a.name}" not in MODULES]  # rseai._checks is shared
            private = isinstance(node, ast.Attribute) and node.attr[:1] == "_" and node.attr[:2] != "__"
            if private and isinstance(node.value, ast.Name):
                if f"{name.rsplit('.', 1)[0]}.{node.value.id}" in MODULES:
                    crossings.append(f"{name}: {node.value.id}.{node.attr}")
    assert not crossings, crossings


def exported_names(name: str) -> set[str]:
    """The names a facade offers: its ``__all__`` if it has one, else every name it re-exports."""
    found = set()
    for node in ast.parse(MODULES[name].read_text()).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            return set(ast.literal_eval(node.value))
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update((a.asname or a.name).split(".")[0] for a in node.names)
    return found


FACADES = sorted(n for n in MODULES if n.count(".") == 1 and MODULES[n].name == "__init__.py")


def test_the_facade_counter_counts():
    assert {"rseai.lm", "rseai.hallucination", "rseai.risk"} <= set(FACADES)
    assert len(exported_names("rseai.hallucination")) >= 5


@pytest.mark.parametrize("name", FACADES)
def test_a_facade_exports_at_most_15_names(name):
    names = exported_names(name)
    assert len(names) <= 15, f"{name} exports {len(names)} names (at most 15): {sorted(names)}"


@pytest.mark.parametrize("name", OPS)
def test_ops_imports_no_topic_at_import_time(name):
    # a topic imports rseai.ops at import time (lm.model: the model store; hallucination.asking: the
    # answer store); ops importing a topic back at module level is a cycle through the topic's facade
    topics = set(FACADES) - {"rseai.ops"}
    top_level = set()
    for node in ast.parse(MODULES[name].read_text()).body:
        if isinstance(node, ast.Import):
            top_level.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.add(node.module)
    bad = sorted(m for m in top_level if any(m == t or m.startswith(t + ".") for t in topics))
    assert not bad, f"{name} imports {bad} at import time; import it inside the function that needs it"


# A ratchet: the package grows only by a change that raises this on purpose. Issue #26 took it from
# 14,544 to 11,112 lines; then came the class service (rseai/room and its hooks, ~1,150, issue #25)
# and accessible output (alt text, page fixes, ~180, issue #24), then issue #24's participant app copy
# (app.py, ~200), checkpoint retries (~45) and the guides from tagged cells (~190). Build tooling lives
# beside its data. Session 9 cut it from 12,993 to 11,801 with every feature kept: ~720 simplified,
# ~470 of maintainers' tools moved out (docs/guides/build_guides.py, tools/release.py, tools/home_links.py).
# Session 10 merged modules (93 -> 64) and cut it to 11,136 (~150 more moved to tools/slides.py and
# build_guides.py; notebook 06's statistics in the answer store added ~50). Session 11 merged six
# more (64 -> 58 modules): 11,045.
MAX_LINES = 11_050


def test_the_package_stays_small():
    lines = sum(len(path.read_text().splitlines()) for path in MODULES.values())
    assert lines <= MAX_LINES, f"rseai/ has {lines} lines of Python (at most {MAX_LINES})"
