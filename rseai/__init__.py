"""rseai: a Jupyter teaching toolkit for Responsible, Sustainable and Ethical AI.

Importing it is cheap and has no side effects: each notebook topic is a subpackage (``rseai.lm``,
``rseai.hallucination``, ``rseai.risk``, ...), the teaching tools are in ``rseai.classroom`` and the
deployment code in ``rseai.ops``; torch, transformers and scikit-learn load when a topic is imported.

>>> import rseai
>>> rseai.__version__
'0.2.0'
"""

__version__ = "0.2.0"  # with a CHANGELOG.md entry; `rseai --version` prints it


def load_ipython_extension(ipython):
    """``%load_ext rseai`` registers the toolkit's IPython magics (e.g. ``%%carbon``)."""
    from rseai.carbon.measure import register_magic

    register_magic(ipython)
