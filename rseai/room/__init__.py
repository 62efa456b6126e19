"""The class service: checkpoint answers to the instructor's live page, on a hub or a laptop (issue 25).

``service`` (``rseai class serve``, the hub's service, its SQLite store) and ``client`` (what may be
sent, and a participant's kernel sending it; notebook 00's panel: ``rseai.classroom.checkpoints``).
"""
