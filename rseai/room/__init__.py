"""The class service: checkpoint answers to the instructor's live page, on a hub or a laptop (issue 25).

Re-exports what ``rseai class serve``, the hub and the tests call; notebook 00's panel: ``rseai.room.widget``.
"""

from rseai.room.catalogue import AnswerError, check_answer, read_catalogue  # noqa: F401
from rseai.room.client import class_code, join, read_code, target  # noqa: F401
from rseai.room.service import Room, make_app, serve  # noqa: F401
from rseai.room.store import Store, completion_csv, summary  # noqa: F401
