"""An asyncio lock per event loop: coroutines of one process take turns, holding no thread."""

import asyncio
from weakref import WeakKeyDictionary


class LoopLock:
    """Hands out one asyncio.Lock per running event loop (tests and tools run several loops)."""

    def __init__(self) -> None:
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            WeakKeyDictionary()
        )

    def __call__(self) -> asyncio.Lock:
        """Return the running loop's lock."""
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock
