"""``Recent``: a small LRU of one process with expiry, for the WSGI layers that answer cached reads.

A layer in front of Django (meidu.core.graphql.fast_path, storefront.shell.page_fast_path) keeps the
answers it served last and what it learnt about their addresses, so that a hit costs one round trip to
the shared cache (the domain versions) instead of two. Thread-safe for gthread workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class Recent:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.items.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return value

    def put(self, key, value, timeout: float) -> None:
        if self.size <= 0 or timeout <= 0:
            return
        with self.lock:
            self.items[key] = (time.monotonic() + timeout, value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def pop(self, key) -> None:
        with self.lock:
            self.items.pop(key, None)
