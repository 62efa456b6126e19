"""release_free_memory: glibc's malloc_trim where there is glibc, a quiet False elsewhere."""

from __future__ import annotations

import platform

import pytest

from rseai.ops import memory


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's (Linux); elsewhere the function returns False")
def test_glibc_gives_free_pages_back():
    assert memory.release_free_memory() is True


def test_without_glibc_it_does_nothing_and_says_so(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    assert memory.release_free_memory() is False
