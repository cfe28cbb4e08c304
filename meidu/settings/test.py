"""Settings for pytest: production-shaped, with cheap password hashing."""

import os

os.environ.setdefault("MEIDU_MODE", "test")

from meidu.settings.base import *  # noqa: E402,F403

# Argon2 stays the algorithm, with minimal cost so that hundreds of users hash quickly.
PASSWORD_HASHERS = ["meidu.accounts.hashers.FastArgon2PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "meidu-test"}}
JWT_KEYS_DIR = VAR_DIR / "test-keys"  # noqa: F405
