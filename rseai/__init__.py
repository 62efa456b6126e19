"""rseai: a Jupyter teaching toolkit for Responsible, Sustainable and Ethical AI.

Importing the package is cheap and has no side effects: each topic lives in its own module
(``rseai.lm``, ``rseai.risk``, ``rseai.labels``, ``rseai.carbon``, ...) and heavy libraries
(torch, transformers, scikit-learn) load only when that module is imported.

>>> import rseai
>>> rseai.__version__
'0.1.0'
"""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """``%load_ext rseai`` registers the toolkit's IPython magics (e.g. ``%%carbon``)."""
    from rseai.magics import register

    register(ipython)
