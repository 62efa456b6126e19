"""The class service: checkpoint answers to the instructor's live page, on a hub or a laptop (issue 25).

``service`` (``rseai class serve``, the hub's service, its SQLite store), ``catalogue`` (what may be
sent), ``client`` (a participant's kernel) and ``widget`` (notebook 00's panel).
"""
