"""``python -m rseai ...`` (on Windows ``py -m rseai ...``): the ``rseai`` command without PATH set-up."""

import sys

from rseai.classroom.cli import main

sys.exit(main())
