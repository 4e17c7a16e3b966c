"""wcstream's native word counting: Python's ``str.split()`` words of text decoded as Spark's JVM
decodes a socket stream, counted by the engine's kernels (see docs/python.md).

``wcstream.spark`` runs it as the per-partition aggregator of Spark jobs.
"""

from collections.abc import Iterable
from typing import Union

from ._wcstream import WordCounter

__all__ = ["WordCounter", "count_words"]

Text = Union[bytes, bytearray, memoryview, str, Iterable]


def count_words(data: Text, *, threads: "int | None" = None) -> "dict[str, int]":
    """Counts the words of ``data``, as ``collections.Counter(line.split())`` over its lines would.

    ``data`` is a byte stream (bytes-like: UTF-8 with malformed bytes replaced by U+FFFD as the JDK's
    decoder replaces them), a ``str``, or an iterable of lines (``str`` or ``bytes``). Line ends are
    ``\\n``, ``\\r`` and ``\\r\\n``; an unterminated last line counts. ``threads`` caps the CPU threads.
    """
    counter = WordCounter("auto", threads)
    if isinstance(data, (bytes, bytearray, memoryview, str)):
        counter.add(data)
    else:
        counter.add_lines(data)
    return counter.counts()
