"""pyproject.toml and environment.yml name the same dependencies; importing rseai is cheap."""

import ast
import re
import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_deps() -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [s for group in meta["optional-dependencies"].values() for s in group]
    return {_name(s): s.replace(" ", "") for s in specs}


def _environment_deps() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    specs = [line.strip()[2:] for line in pip_section.splitlines()
             if line.strip().startswith("- ") and not line.strip().startswith("- -e")]
    return {_name(s): s.replace(" ", "") for s in specs}


def test_environment_yml_lists_the_same_packages_and_bounds_as_pyproject():
    assert _environment_deps() == _pyproject_deps()


def upper_bounds_without_a_reason(text: str) -> list[str]:
    """Each dependency line of a pyproject.toml with an upper bound (``<``, ``<=``, ``~=``, ``==``)
    on a version, outside its environment marker, and no comment above it or on it that says why."""
    found, comment = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment += stripped
            continue
        match = re.match(r'"([^";]+)(;[^"]*)?",?\s*(#.*)?$', stripped)
        if match and re.search(r"(<|~=|==)", match.group(1)):
            if "known break" not in comment + (match.group(3) or ""):
                found.append(match.group(1))
        comment = ""
    return found


def test_an_upper_bound_only_for_a_known_break_with_its_reason():
    """Upper bounds keep the newest Python (3.15 needs torch 2.15) and Colab's torch out; each says why."""
    assert upper_bounds_without_a_reason((ROOT / "pyproject.toml").read_text()) == []
    assert not re.search(r"[<~=]", _pyproject_deps()["torch"].split(">=", 1)[1])


def test_the_upper_bound_check_sees_a_bound_without_a_reason():
    text = '"numpy>=1.24",\n"torch>=2.2,<2.14",\n# known break: 2.0 renamed x\n"pandas<2.0",\n' \
           '"tomli>=2.0; python_version < \'3.11\'",\n'
    assert upper_bounds_without_a_reason(text) == ["torch>=2.2,<2.14"]


def test_import_rseai_loads_no_heavy_library():
    """``import rseai`` stays cheap (its time is measured in benchmarks/bench_lm.py)."""
    code = (
        "import sys; import rseai; "
        "print([m for m in ('torch', 'transformers', 'sklearn', 'matplotlib', 'pandas') "
        "if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- issue 12: one version, the same commands everywhere, no POSIX-only call without a fallback ----

POSIX_MODULES = {"fcntl", "resource", "pwd", "grp", "termios", "pty", "tty", "posix"}
POSIX_CALLS = {"geteuid", "getuid", "getgid", "fork", "setsid", "killpg", "sched_getaffinity",
               "sched_setaffinity", "getpgid", "setuid", "setgid", "getloadavg"}
GUARDS = ("hasattr(os", "sys.platform", "os.name", "platform.system")
HANDLED = ("ImportError", "OSError", "AttributeError", "Exception")


def _guarded(node, parents) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Try) and any(
            h.type is None or any(n in ast.unparse(h.type) for n in HANDLED) for h in node.handlers
        ):
            return True
        if isinstance(node, (ast.If, ast.IfExp, ast.BoolOp)) and any(g in ast.unparse(node) for g in GUARDS):
            return True
    return False


def posix_only_calls(root: Path) -> list[str]:
    """Each unguarded POSIX-only import, os call, /proc path or unshare in ``root``'s modules."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            hit = None
            if isinstance(node, ast.Import):
                hit = next((a.name for a in node.names if a.name.split(".")[0] in POSIX_MODULES), None)
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in POSIX_MODULES:
                hit = node.module
            elif isinstance(node, ast.Attribute) and node.attr in POSIX_CALLS \
                    and ast.unparse(node.value) == "os":
                hit = f"os.{node.attr}"
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and (
                    node.value.startswith("/proc") or "unshare" in node.value.split()[:1]):
                hit = repr(node.value)
            if hit and not _guarded(node, parents):
                found.append((str(path.relative_to(root.parent)), node.lineno, hit))
    return [f"{name}:{line}: {hit}" for name, line, hit in sorted(found)]


def test_no_posix_only_call_without_a_fallback_in_rseai():
    """Windows runs rseai too: guard POSIX-only calls (try/except, hasattr(os, ...), sys.platform)."""
    assert posix_only_calls(ROOT / "rseai") == []


def test_the_posix_check_catches_an_unguarded_call(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "bad.py").write_text("import fcntl\nimport os\nuid = os.geteuid()\nCG = '/proc/self/cgroup'\n")
    (pkg / "good.py").write_text(
        "import os\ntry:\n    import fcntl\nexcept ImportError:\n    fcntl = None\n"
        "root = hasattr(os, 'geteuid') and os.geteuid() == 0\n")
    assert posix_only_calls(pkg) == ["pkg/bad.py:1: fcntl", "pkg/bad.py:3: os.geteuid",
                                     "pkg/bad.py:4: '/proc/self/cgroup'"]


def test_the_version_is_written_once_and_has_a_changelog_entry():
    import rseai

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["dynamic"] == ["version"] and "version" not in meta["project"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "rseai.__version__"}
    assert f"## [{rseai.__version__}] - " in (ROOT / "CHANGELOG.md").read_text()


def test_readme_install_commands_name_this_release_and_the_cpu_index():
    import rseai

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"refs/tags/v([\d.]+)\.zip", readme)) <= {rseai.__version__}  # none: no home yet
    assert set(re.findall(r"rseai-([\d.]+)-py3-none-any\.whl", readme)) == {rseai.__version__}
    expected = {"**Windows**": "py -m rseai lab", "**macOS**": "rseai lab", "**Linux**": "rseai lab"}
    for os_name, lab in expected.items():
        block = section.split(os_name, 1)[1].split("```", 2)[1]
        lines = [line for line in block.splitlines()[1:] if line.strip()]
        assert len(lines) == 2 and lines[1].endswith(lab), (os_name, lines)
        assert "make" not in block
    linux = section.split("**Linux**", 1)[1].split("```", 2)[1]
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in linux


def test_make_calls_the_same_python_entry_points():
    makefile = (ROOT / "Makefile").read_text()
    assert "-m rseai.ops.install" in makefile  # make install
    assert re.search(r"^lab:.*\n\t\$\(BIN\)/rseai lab notebooks", makefile, re.M)  # make lab
    assert "pip install" not in makefile.split("browser-deps:", 1)[0]  # no second install recipe
