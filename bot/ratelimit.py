"""Per-user fairness: at most N questions in a sliding window, and short-lived answer keys."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class RateLimiter:
    """Sliding-window limit per key (user id)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("limit must be >= 1 and window_s > 0")
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self._events: dict[int, deque[float]] = {}

    def allow(self, key: int) -> bool:
        """Count one request; False when the key is over its limit (that request is not counted)."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.window_s:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True

    def retry_in(self, key: int) -> float:
        """Seconds until the key may ask again."""
        events = self._events.get(key)
        if not events or len(events) < self.limit:
            return 0.0
        return max(0.0, self.window_s - (self.clock() - events[0]))


class KeyedCache(Generic[T]):
    """Recent values under short random keys, so callback data carries keys, not text (≤ 64 bytes)."""

    def __init__(self, capacity: int = 5000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, T] = OrderedDict()

    def put(self, value: T) -> str:
        """Store a value and return its 8-character key."""
        key = secrets.token_hex(4)
        self._items[key] = value
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> T | None:
        """The value, or None once it has been evicted."""
        return self._items.get(key)
