"""Fast lookups of character intervals (quotes, mentions) by position.

Several stages ask "which quote holds this position?" or "which mentions
overlap this span?" for every mention or token; on a long article a linear
scan each time is quadratic. :class:`IntervalIndex` answers with a binary
search over the intervals sorted by start.

>>> index = IntervalIndex([(0, 10, "a"), (5, 20, "b"), (30, 40, "c")])
>>> index.containing(7)
['a', 'b']
>>> index.overlapping(18, 35)
['b', 'c']
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

__all__ = ["IntervalIndex"]


class IntervalIndex:
    """Intervals ``[start, end)`` with a payload, searchable by position."""

    def __init__(self, intervals: Iterable[tuple[int, int, object]]):
        self._items = sorted(intervals, key=lambda t: (t[0], t[1]))
        self._starts = [s for s, _, _ in self._items]
        # the longest interval bounds how far back an overlapping one can start
        self._longest = max((e - s for s, e, _ in self._items), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def overlapping(self, start: int, end: int) -> list:
        """Payloads of intervals overlapping ``[start, end)`` (or holding ``start``
        when ``start == end``), in order of their start."""
        lo = bisect.bisect_left(self._starts, start - self._longest)
        hi = bisect.bisect_left(self._starts, max(end, start + 1))
        return [p for s, e, p in self._items[lo:hi] if s < max(end, start + 1) and start < e]

    def containing(self, position: int) -> list:
        """Payloads of intervals holding ``position``."""
        return self.overlapping(position, position + 1)
