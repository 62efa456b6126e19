"""Interactive controls for the notebooks: one ``rseai.widgets.<topic>`` module per notebook.

Widgets wire ipywidgets controls to a computation (``rseai.<topic>``) and a figure
(``rseai.plots``). They never die on odd input: an error from the computation is shown in
place (see ``rseai.widgets.common.MessageArea``) and the controls keep working.
"""
