"""Settings for pytest: production-shaped, with cheap password hashing."""

import os

os.environ.setdefault("MEIDU_MODE", "test")

from meidu.settings.base import *  # noqa: E402,F403

# Argon2 stays the algorithm, with minimal cost so that hundreds of users hash quickly.
PASSWORD_HASHERS = ["meidu.accounts.hashers.FastArgon2PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "meidu-test"}}
# The answer and page caches stay off whatever REDIS_URL the shell has (a test's transaction never commits,
# so the versions its writes bump on commit would not move); the tests about them turn them on.
RESPONSE_CACHE_ENABLED = False
JWT_KEYS_DIR = VAR_DIR / "test-keys"  # noqa: F405
# The tests drive the outbox relay themselves (webhook_deliveries_dispatch_due); the relay thread
# is started only by the tests about it (tests/meidu/integrations/test_slow_target.py).
WEBHOOK_LOCAL_RELAY = False
