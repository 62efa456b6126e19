"""Every dataset the notebooks use, loaded from ``datasets/`` (the only module that knows paths).

Each committed file is checked against its sha256 in ``CHECKSUMS`` (CRLF read as LF), so a damaged
or edited copy fails with a clear message; each has a datasheet (``datasets/<name>.md``). Datasets a
library ships (scikit-learn's digits and breast cancer) are loaded from it, offline.

Example
-------
>>> from rseai import data
>>> data.dataset_path("README.md").name
'README.md'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DATASETS_ENV = "RSEAI_DATASETS"

# file name -> sha256 of the committed file (CRLF read as LF); add a line with every new file.
CHECKSUMS = {
    "german_credit.csv": "321ff0594e1f887ad6bf05dc51d34c616f1c32dca8c7cdb141434df295f67997",
    "hardware_power.csv": "f2f5e9d11b52720707945be1368c7a93850243503e15d98d0d805b72217b78c1",
    "grid_intensity.csv": "d8927baf96ab25196bde0d0f113b702b1909b2ae667af3ec358d5f7434a825ec",
    "pue_presets.csv": "c665e3892dbe8d75c860e4656e558ae8c4a93a7228f77215540be03ae80e5e7e",
    "h200_measured_power.csv": "2a6808614fd07c420fd05f97a2e0a641afcf8da0fba526774f487e40535f0243",
    "memorisation_texts.csv": "14c92a163a27da630a8b26145940da23947529a6c2fd17954cc46a17bb9729ad",
    "h200_software_efficiency.csv": "463ea8f35ee968bbf30f9bd1a56b13b53ec9572e96c245d822ccee9979eb99c5",
    "facts.csv": "e95dbb297d908592ee9365a507b12190a6960a10bf4c134fd4ee304a5a72866f",
    "detection_corpus.csv": "da89c0a927bdc00aa8f285b3aed21b89236bdc66e6a10645a6373a51a16acca9",
}


class DatasetError(ValueError):
    """A dataset file is missing, damaged or malformed; the message says which and how."""


def bundled_dir(name: str) -> Path:
    """A folder shipped with rseai: ``rseai/<name>`` in a wheel (setup.py), ``<clone>/<name>`` in a clone."""
    package = Path(__file__).resolve().parent
    inside = package / name
    return inside if inside.is_dir() else package.parent / name


def datasets_dir() -> Path:
    override = os.environ.get(DATASETS_ENV)
    return Path(override) if override else bundled_dir("datasets")


def notebooks_dir() -> Path:
    return bundled_dir("notebooks")


def restore_hint(name: str) -> str:
    """How to get a good copy of dataset file ``name`` back."""
    override = os.environ.get(DATASETS_ENV)
    bundled = bundled_dir("datasets")
    if override:
        return (f"Copy a good {name} into {override!r} (rseai ships one in {str(bundled)!r}), or unset "
                f"{DATASETS_ENV} to use rseai's own.")
    if (bundled.parent / ".git").exists():
        return f"Restore it with `git checkout -- datasets/{name}` in {str(bundled.parent)!r}."
    return "Reinstall rseai: `pip install --force-reinstall --no-deps rseai` (the same version)."


def dataset_path(name: str) -> Path:
    """Full path of a committed dataset file, checked against its recorded sha256."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty file name, got {name!r}")
    path = datasets_dir() / name
    if not path.is_file():
        raise DatasetError(
            f"dataset file {name!r} not found in {str(datasets_dir())!r}. Reinstall rseai (pip install "
            f"rseai, or pip install -e . in a clone) or set {DATASETS_ENV} to the folder holding it."
        )
    expected = CHECKSUMS.get(name)
    if expected is not None:
        digest = hashlib.sha256(path.read_bytes().replace(b"\r\n", b"\n")).hexdigest()  # CRLF as LF
        if digest != expected:
            raise DatasetError(
                f"dataset file {name!r} has sha256 {digest[:12]}…, expected {expected[:12]}…: it was "
                f"edited or damaged. {restore_hint(name)}"
            )
    return path


def _read(name: str, columns, **read_csv):
    """Dataset file ``name`` as a DataFrame (``pandas.read_csv`` options), which must have ``columns``."""
    import pandas as pd

    df = pd.read_csv(dataset_path(name), **read_csv)
    require_columns(df, columns, name=name)
    return df


def require_columns(df, columns, *, name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DatasetError(
            f"{name} lacks column(s) {missing}; it has {list(df.columns)} and needs {list(columns)}"
        )


# --- notebook 03 (risk): breast-cancer screening and German credit -------------------------------

GERMAN_CREDIT_COLUMNS = ("risk", "sex", "job", "housing", "saving_accounts", "checking_account",
                         "credit_amount", "duration", "purpose", "age")


def load_breast_cancer():
    """scikit-learn's breast-cancer data: 569 tumours, 30 features and ``malignant`` (1 = malignant;
    scikit-learn's ``target`` codes it 0)."""
    from sklearn.datasets import load_breast_cancer as _load

    bunch = _load(as_frame=True)
    df = bunch.data.copy()
    df["malignant"] = (bunch.target == 0).astype(int)
    return df


def load_german_credit():
    """Statlog German credit: 1,000 applicants (``risk`` 1 good; ``age`` years; ``credit_amount`` DM;
    ``duration`` months; ...) plus ``bad_risk`` (the positive class) and ``age_group``."""
    df = _read("german_credit.csv", GERMAN_CREDIT_COLUMNS)
    if len(df) != 1000 or not set(df["risk"].unique()) <= {0, 1} or df.isna().any().any():
        raise DatasetError(f"german_credit.csv should have 1000 complete rows with risk in {{0, 1}}; got "
                           f"{len(df)} rows. {restore_hint('german_credit.csv')}")
    df["bad_risk"] = 1 - df["risk"]
    df["age_group"] = df["age"].lt(25).map({True: "under 25", False: "25 and over"})
    return df


def load_digits():
    """scikit-learn's digits (UCI, Alpaydin & Kaynak 1998; CC BY 4.0): 1,797 rows of 64 columns
    ``pixel_<row>_<col>`` (ink 0-16) and ``label`` 0-9; images: ``.reshape(-1, 8, 8)``."""
    import pandas as pd
    from sklearn.datasets import load_digits as _sklearn_digits

    bunch = _sklearn_digits()
    columns = [f"pixel_{r}_{c}" for r in range(8) for c in range(8)]
    df = pd.DataFrame(bunch.data.astype(float), columns=columns)
    df["label"] = bunch.target.astype(int)
    if df.shape != (1797, 65) or df.isna().any().any():
        raise DatasetError(f"scikit-learn's digits should be 1797 complete rows of 64 pixels; got "
                           f"{df.shape}. Reinstall scikit-learn.")
    return df


# --- carbon footprint (notebook 05) ---------------------------------------------------------

def _load_table(name, columns, positive, *, rows=None, cited=True):
    """``name`` with ``columns``, the ``positive`` ones numbers > 0 on every row (and ``rows`` rows); a
    ``cited`` table's rows are complete, each with a source and a year in 1990-2100."""
    import pandas as pd

    df = _read(name, columns)
    if cited and (df[columns].isna().any().any() or (df["source"].astype(str).str.strip() == "").any()
                  or not df["year"].between(1990, 2100).all()):
        raise DatasetError(f"every row of {name} needs all of {columns}, a source and a year in 1990-2100")
    if len(df) == 0 or rows not in (None, len(df)) or \
            not all((pd.to_numeric(df[c], errors="coerce") > 0).all() for c in positive):
        raise DatasetError(f"{name} should hold {rows or 'some'} rows with {' and '.join(positive)} > 0 on "
                           f"every row; got {len(df)} rows. {restore_hint(name)}")
    return df.astype({"year": int}) if cited else df


def load_hardware_power():
    """Rated ``power_w`` of each ``name`` and ``kind`` (gpu/tpu/cpu/laptop), with basis, source, year."""
    return _load_table("hardware_power.csv", ["name", "kind", "power_w", "basis", "source", "year"],
                       ["power_w"])


def load_grid_intensity():
    """``intensity_g_per_kwh`` of 47 countries and the world (``iso_code`` WLD), with source, year."""
    columns = ["region", "iso_code", "intensity_g_per_kwh", "source", "year"]
    return _load_table("grid_intensity.csv", columns, ["intensity_g_per_kwh"])


def load_pue_presets():
    """Power Usage Effectiveness presets (laptop 1.0 ... legacy server room 2.5): name, pue, source, year."""
    df = _load_table("pue_presets.csv", ["name", "pue", "source", "year"], ["pue"])
    if (df["pue"] < 1).any():
        raise DatasetError("pue_presets.csv: a PUE below 1.0 is impossible (facility energy >= IT energy)")
    return df


_H200_COLUMNS = ["phase", "seconds", "energy_j", "mean_power_w", "tokens_per_s", "j_per_token"]


def load_h200_measured_power():
    """NVML measurements of an H200 (idle, full load, SmolLM2-shaped generation at batch 1/32):
    ``_H200_COLUMNS`` plus ``description``, ``max_power_w``, ``mean_gpu_util_pct``, ``tflops``."""
    return _load_table("h200_measured_power.csv", _H200_COLUMNS, ["energy_j", "mean_power_w"], cited=False)


def load_h200_software_efficiency():
    """NVML measurements on an H200, eager vs static cache + compile: ``_H200_COLUMNS``, ``description``."""
    return _load_table("h200_software_efficiency.csv", _H200_COLUMNS, ["j_per_token"], rows=2, cited=False)


# --- hallucination probe set (notebook 02) --------------------------------------------------

FACTS_COLUMNS = ("question", "answer", "aliases", "category", "kind")
FACT_KINDS = ("fact", "false_premise")


def check_facts(df, *, name: str = "facts"):
    """A clean copy (stripped strings) of a probe set with ``FACTS_COLUMNS`` and optionally ``passage``;
    a fact needs an answer, a false premise has none. Raises DatasetError naming the first problem."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    require_columns(df, FACTS_COLUMNS, name=name)
    if len(df) == 0:
        raise DatasetError(f"{name} has no rows; it needs at least one question")
    columns = list(FACTS_COLUMNS) + (["passage"] if "passage" in df.columns else [])
    # cast to object before filling: an all-empty column is float NaN, and "" is no float
    clean = df[columns].astype(object).fillna("").astype(str).apply(lambda col: col.str.strip())
    question, kind, answer = clean["question"], clean["kind"], clean["answer"]
    for bad, problem in ((question == "", "row {row} has an empty question"),
                         (~kind.isin(FACT_KINDS), f"kind must be one of {list(FACT_KINDS)}, got {{kind!r}}"),
                         ((kind == "fact") & (answer == ""), "the fact {question!r} has no answer"),
                         ((kind == "false_premise") & (answer != ""), "the false premise {question!r} must "
                          "have an empty answer (the right response is to reject the premise)"),
                         (question.duplicated(), "question {question!r} appears twice")):
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise DatasetError(f"{name}: " + problem.format(row=row, kind=kind.iloc[row],
                                                            question=question.iloc[row]))
    return clean.reset_index(drop=True)


def load_facts():
    """The probe set: 135 questions (``answer`` empty for a false premise, ``aliases`` ``|``-separated,
    ``category``, ``kind``, ``passage`` a reference text for grounding)."""
    return check_facts(_read("facts.csv", (), dtype=str, keep_default_na=False), name="facts.csv")


# --- AI-text detection corpus (notebook 06) -------------------------------------------------

DETECTION_COLUMNS = ("pair", "source", "kind", "origin", "opening", "temperature", "seed", "n_tokens", "text")


def load_detection_corpus():
    """Python documentation prose and the embedded model's continuations: one row per text, a human
    and a machine text per ``pair``; ``temperature`` NaN and ``seed`` -1 for human; adds ``is_machine``."""
    name = "detection_corpus.csv"
    df = _read(name, DETECTION_COLUMNS, keep_default_na=False, na_values={"temperature": [""]})
    human, machine = df["source"] == "human", df["source"] == "machine"
    if len(df) < 200 or not (human | machine).all() or human.sum() != machine.sum():
        raise DatasetError(f"{name} should hold at least 200 texts, as many human as machine; got "
                           f"{int(human.sum())} human and {int(machine.sum())} machine of {len(df)}")
    if (df["text"].str.strip() == "").any() or df["pair"].value_counts().ne(2).any():
        raise DatasetError(f"{name}: every pair needs one human and one machine text, none empty")
    if df.loc[machine, "temperature"].isna().any() or df.loc[human, "temperature"].notna().any():
        raise DatasetError(f"{name}: machine texts need a temperature, human texts none")
    df["is_machine"] = machine.astype(int)
    return df


# --- notebook 07 (privacy): famous texts for the memorisation test ---------------------------------

MEMORISATION_COLUMNS = ("id", "kind", "title", "author", "year", "origin", "text")


def load_memorisation_texts():
    """Public-domain openings and texts bundled with Python packages: ``MEMORISATION_COLUMNS``."""
    name = "memorisation_texts.csv"
    df = _read(name, MEMORISATION_COLUMNS, keep_default_na=False, na_values={"year": [""]})
    if len(df) < 10 or df["id"].duplicated().any() or (df["text"].str.strip() == "").any():
        raise DatasetError(f"{name} should hold at least 10 texts with unique ids, none empty; got {len(df)}")
    return df

