"""The outbox relay of a process without a broker: a daemon thread that sends due deliveries.

Without CELERY_BROKER_URL tasks run eagerly, in the caller: a delivery sent after commit would
keep the buyer waiting on a partner's server. Instead the after-commit hook only wakes this
thread, which attempts every due delivery (in the thread) and rescans every
WEBHOOK_RELAY_INTERVAL_SECONDS for retries. The outbox rows are the queue: a process that stops
loses nothing, the next relay (or beat) finds them due; claims lease rows with SKIP LOCKED, so
relays of several processes never send one delivery twice. The test settings turn
WEBHOOK_LOCAL_RELAY off and run the relay's pass themselves.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from meidu.integrations.services.delivery import webhook_deliveries_due, webhook_delivery_attempt

logger = logging.getLogger("meidu.integrations.relay")
MAX_BATCHES_PER_PASS = 20


class LocalRelay:
    def __init__(self):
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="outbox-relay", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Send what is due now, without waiting for the next scan (called after a commit)."""
        if not settings.WEBHOOK_LOCAL_RELAY:
            return
        self.start()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(settings.WEBHOOK_RELAY_INTERVAL_SECONDS)
            self._wake.clear()
            if self._stop.is_set() or not settings.WEBHOOK_LOCAL_RELAY:
                break
            try:
                for _batch in range(MAX_BATCHES_PER_PASS):  # until nothing is due (a batch is 500)
                    due = webhook_deliveries_due()
                    for delivery_id in due:
                        if self._stop.is_set():
                            return
                        webhook_delivery_attempt(delivery_id)
                    if not due:
                        break
            except Exception:
                logger.exception(
                    "The outbox relay failed; it scans again in %ss", settings.WEBHOOK_RELAY_INTERVAL_SECONDS
                )
            finally:
                connections.close_all()  # no connection held between passes
                self.passes += 1


local_relay = LocalRelay()
