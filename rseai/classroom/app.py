"""The participant's app copy of a notebook (Voila) and the plain table headings it shows.

``app_notebook`` keeps what a participant reads: it drops ``notes``, ``instructor``, ``solution``
and Colab cells, the *Exercises* and *Claims* sections and the title's Colab line; it appends the
glossary as the last section (the link points there) and puts ``use_plain_tables()`` first, so
every table shows plain headings (``plain_heading``: ``fnr`` -> "False-negative rate"). The data
under a table is untouched. ``write_app_copy`` writes it (``rseai app DIR NOTEBOOK...``: ``make
app``, the hub); ``voila_env`` finds the Voila template "rseai". Leaves out the code names in the
prose: the notebooks avoid them.

Example
-------
>>> plain_heading("selection_rate"), plain_heading("co2e_kg"), plain_heading("neg_log_rank")
('Selection rate', 'CO₂e (kg)', 'Negative log-rank')
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path

from rseai.classroom import lessons
from rseai.classroom.lessons import cell_source, cell_tags, heading_of, read
from rseai.data import bundled_dir

DROPPED_TAGS = {lessons.NOTES_TAG, lessons.INSTRUCTOR_TAG, lessons.SOLUTION_TAG, lessons.COLAB_TAG}
DROPPED_SECTIONS = ("exercises", "claims")  # a ``#``/``##`` heading starting so, to the next one
GLOSSARY = "glossary.md"  # in docs/ of a clone or a wheel; beside the notebooks in a copied folder
GLOSSARY_LINK = f"](../docs/{GLOSSARY})"
SETUP_TAG = "app_setup"
# JUPYTER_PATH entry holding the Voila template "rseai" (voila --template=rseai): no CDN requests; its
# config/ (on JUPYTER_CONFIG_PATH) keeps jupyter-server-proxy's JupyterLab extension out of Voila pages.
VOILA_SHARE = Path(__file__).resolve().parent / "share"
VOILA_CONFIG = VOILA_SHARE / "config"
RESULTS = [("rseai.metrics", "Confusion"), ("rseai.carbon.estimates", "Estimate"),
           ("rseai.carbon.estimates", "Forecast")]  # results a notebook shows: a table of their fields
# Whole labels, then words inside a label; a label's last word in UNITS becomes "(unit)".
LABELS = {"fpr": "false-positive rate", "fnr": "false-negative rate", "tpr": "true-positive rate",
          "tp": "true positives", "fp": "false positives", "fn": "false negatives", "tn": "true negatives",
          "n": "number", "prob": "probability", "log_prob": "log-probability",
          "neg_log_rank": "negative log-rank", "kwh_pue": "energy with PUE (kWh)",
          "published_kwh_pue": "published energy with PUE (kWh)"}
WORDS = {"auroc": "AUROC", "auc": "AUC", "ece": "ECE", "psi": "PSI", "co2e": "CO₂e", "kwh": "kWh",
         "pue": "PUE", "tdp": "TDP", "shap": "SHAP", "id": "ID", "ci": "CI", "far": "false-accusation rate",
         "prob": "probability", "neg": "negative", "pct": "%", "j": "J", "w": "W"}
UNITS = {"w": "W", "kwh": "kWh", "kg": "kg", "g": "g", "usd": "USD", "lbs": "lb", "s": "s", "h": "h",
         "t": "t", "ms": "ms"}


def plain_heading(label):
    """A column or row label in plain words (other values unchanged)."""
    if not isinstance(label, str):
        return label
    if not re.fullmatch(r"[a-z][a-z0-9_]*", label):  # snake_case words inside, e.g. "auroc - neg_log_rank"
        return re.sub(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", lambda m: plain_heading(m.group(0)), label)
    if label in LABELS:
        text = LABELS[label]
    else:
        words = label.split("_")
        unit = UNITS.get(words[-1]) if len(words) > 1 and words[-2] != "per" else None
        text = " ".join(WORDS.get(w, w) for w in (words[:-1] if unit else words))
        text += f" ({unit})" if unit else ""
    return text[0].upper() + text[1:]


def plain_frame(frame):
    """``frame`` (a DataFrame or Series) as a DataFrame with plain headings, for display only."""
    import pandas as pd

    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=frame.name if frame.name is not None else "value")
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame or Series, got {type(frame).__name__}")
    out = frame.rename(columns=plain_heading, index=_plain_row)
    out = out.apply(lambda col: col.map({True: "yes", False: "no"}) if col.dtype == bool else col)
    out.columns.names = [plain_heading(n) for n in out.columns.names]
    out.index.names = [plain_heading(n) for n in out.index.names]
    return out


def _html(frame) -> str:
    import pandas as pd

    with pd.option_context("display.max_colwidth", None):  # whole texts: no "..." cut
        if frame.index.equals(pd.RangeIndex(len(frame))):  # row numbers 0, 1, … mean nothing to a reader
            return frame.to_html(index=False, border=0)
        return frame._repr_html_()


def _plain_row(label):
    return plain_heading(label) if "_" in str(label) else label  # row names such as "torch" stay


def _styler_html(styler) -> str:
    styler.relabel_index([plain_heading(c) for c in styler.data.columns], axis="columns")
    if any("_" in str(v) for v in styler.data.index):
        styler.relabel_index([_plain_row(v) for v in styler.data.index])
    return styler.to_html()


def _text(value) -> str:
    import numpy as np

    if isinstance(value, tuple):
        return ", ".join(map(_text, value))
    return f"{value:.3g}" if isinstance(value, (float, np.floating)) else str(value)


def _rows_html(rows) -> str:
    """(label, value) pairs as a table with plain row labels and a "Value" heading."""
    import pandas as pd

    rows = list(rows)
    return _html(pd.DataFrame({"Value": [_text(v) for _, v in rows]},
                              index=[plain_heading(str(k)) for k, _ in rows]))


def _plain_html(value):
    """A dict, list, tuple, dataclass or text as a table, list or sentence; None: IPython's own."""
    import dataclasses
    import html

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _rows_html((f.name, getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr)
    if isinstance(value, dict) and value:
        return _rows_html(value.items())
    if isinstance(value, (list, tuple)) and value:
        if all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return _rows_html(value)
        return "<ul>" + "".join(f"<li>{html.escape(_text(v))}</li>" for v in value) + "</ul>"
    if isinstance(value, str):
        return f"<p>{html.escape(value)}</p>"
    return None


def use_plain_tables(shell=None) -> None:
    """Show tables in ``shell`` (this IPython) with plain headings, and Python values in words."""
    import pandas as pd
    from IPython import get_ipython
    from pandas.io.formats.style import Styler

    shell = shell or get_ipython()
    if shell is None:
        raise RuntimeError("use_plain_tables needs IPython (a notebook kernel)")
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, lambda df: _html(plain_frame(df)))
    html.for_type(pd.Series, lambda s: _html(plain_frame(s)))
    html.for_type(Styler, _styler_html)
    for kind in (dict, list, tuple, str):
        html.for_type(kind, _plain_html)
    for module, name in RESULTS:
        html.for_type_by_name(module, name, _plain_html)
    html.for_type_by_name("rseai.lm.model", "LanguageModel", lambda lm: f"<p>Language model: {lm.name}, a "
                          f"vocabulary of {lm.vocab_size:,} tokens, on the {lm.device}.</p>")


# Predict, then see: in the app every cell has run before the page shows, so what follows a
# checkpoint (the table or chart that answers it) stays folded until the checkpoint is answered
# right, or twice (``checkpoints``' "rseai-resolved" class); then the page opens to the next one.
_FOLD = """
if (!window.rseaiFold) {
  window.rseaiFold = true;
  const style = document.createElement('style');
  style.textContent = '.rseai-folded { display: none !important; }';
  document.head.appendChild(style);
  let queued = false;
  const fold = () => {
    queued = false;
    let open = true;
    document.querySelectorAll('#rendered_cells .jp-Cell').forEach(cell => {
      cell.classList.toggle('rseai-folded', !open);
      if (open && cell.querySelector('.rseai-checkpoint:not(.rseai-resolved)')) open = false;
    });
  };
  const later = () => { if (!queued) { queued = true; requestAnimationFrame(fold); } };
  new MutationObserver(later).observe(document.body,
      {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
  fold();
}
"""


def fold_after_checkpoints():
    """Folds the app page after each unanswered checkpoint (``_FOLD``), from an empty Output."""
    from rseai.widgets import page_script

    return page_script(_FOLD)


def _drop_sections(cells: list) -> list:
    kept, dropping = [], False
    for cell in cells:
        if found := heading_of(cell):
            dropping = found.group(2).strip().lower().startswith(DROPPED_SECTIONS)
        if not dropping:
            kept.append(cell)
    return kept


def app_notebook(nb: dict, *, glossary: str | None = None) -> dict:
    """The participant's app copy of ``nb`` (nbformat 4 JSON); ``glossary``: its markdown, appended."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) or not nb["cells"]:
        raise TypeError(f"nb must be a notebook dict with a non-empty 'cells' list, got {type(nb).__name__}")
    nb = copy.deepcopy(nb)
    cells = _drop_sections([c for c in nb["cells"] if not DROPPED_TAGS & set(cell_tags(c))])
    title = cells[0]
    title["source"] = "\n".join(line for line in cell_source(title).splitlines()
                                if not line.startswith(("*In Colab:*", "[Open in Colab"))).rstrip()
    for cell in cells:
        if cell["cell_type"] == "markdown" and GLOSSARY_LINK in cell_source(cell):
            text = cell_source(cell)  # no glossary: the words stay, the link goes
            cell["source"] = (text.replace(GLOSSARY_LINK, "](#Glossary)") if glossary else
                              re.sub(r"\[([^\]]*)" + re.escape(GLOSSARY_LINK), r"\1", text))
    setup = {"cell_type": "code", "execution_count": None, "id": "app-setup", "outputs": [],
             "metadata": {"tags": [SETUP_TAG]},
             "source": "from rseai.classroom.app import fold_after_checkpoints, use_plain_tables\n"
                       "use_plain_tables()\nfold_after_checkpoints()"}
    nb["cells"] = [title, setup, *cells[1:]]
    if glossary:
        nb["cells"].append({"cell_type": "markdown", "id": "app-glossary", "metadata": {},
                            "source": re.sub(r"^# .*", "## Glossary", glossary.strip(), count=1)})
    return nb


def glossary_path():
    """docs/glossary.md of a clone or a wheel, or None if not shipped."""
    path = bundled_dir("docs") / GLOSSARY
    return path if path.is_file() else None


def write_app_copy(path: str | Path, target_dir: str | Path) -> Path:
    """Write the app copy of the notebook at ``path`` into ``target_dir`` (not its folder); its path."""
    import nbformat

    nb, path, target_dir, glossary = read(path), Path(path), Path(target_dir), glossary_path()
    if target_dir.resolve() == path.parent.resolve():
        raise ValueError("target_dir must differ from the notebook's folder: the notes would be lost")
    target_dir.mkdir(parents=True, exist_ok=True)
    app = app_notebook(nb, glossary=glossary.read_text(encoding="utf-8") if glossary else None)
    nbformat.write(nbformat.from_dict(app), target_dir / path.name)
    return target_dir / path.name


def voila_env(env: dict) -> dict:
    """``env`` with ``VOILA_SHARE`` first on ``JUPYTER_PATH``, ``VOILA_CONFIG`` on ``JUPYTER_CONFIG_PATH``."""
    first = {"JUPYTER_PATH": VOILA_SHARE, "JUPYTER_CONFIG_PATH": VOILA_CONFIG}
    return {**env, **{k: os.pathsep.join(filter(None, [str(path), env.get(k)])) for k, path in first.items()}}
