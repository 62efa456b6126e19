"""Packaging glue that pyproject.toml cannot say: ship notebooks/, datasets/ and the glossary in the wheel.

The repository keeps the notebooks and the data files at its top level (where people look for
them); the wheel maps them into the package as ``rseai/notebooks`` and ``rseai/datasets``, where
``rseai.data.bundled_dir`` finds them after ``pip install``. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

BUNDLED = {"rseai.notebooks": "notebooks", "rseai.datasets": "datasets", "rseai.docs": "docs"}

setup(
    packages=find_packages(include=["rseai", "rseai.*"]) + list(BUNDLED),
    package_dir=BUNDLED,
    package_data={"rseai.notebooks": ["*.ipynb"], "rseai.datasets": ["*.csv", "*.md"],
                  "rseai.docs": ["glossary.md"]},  # the notebooks link it; copies.with_glossary
    exclude_package_data={"": ["__pycache__"]},
)
