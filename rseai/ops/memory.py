"""Give freed memory back to the operating system between large batches (glibc's ``malloc_trim``).

glibc keeps freed blocks smaller than its dynamic mmap threshold (which rises to 32 MB after the
first large block is freed) in its heaps, and the heaps fragment when batches of varying shape
come and go. Scoring notebook 06's 240 texts in batches of 16 then peaked at 2.3 GB of resident
memory, against 1.4 GB with a trim after each batch and no measurable slowdown (measured on
this project's 2-core Linux machine). On a hub with 2 GB per participant, the difference is a
kernel that dies. Where there is no glibc (macOS, Windows, musl) this does nothing.

Example
-------
>>> release_free_memory() in (True, False)
True
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

__all__ = ["release_free_memory"]


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # no C library by that name, or not glibc
        return None


def release_free_memory() -> bool:
    """Return free heap pages to the operating system; False where the C library cannot."""
    trim = _malloc_trim()
    return bool(trim is not None and trim(0) in (0, 1))
