"""Where the project keeps its local state (var/, ignored by git)."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MEIDU_VAR_DIR") or (BASE_DIR / "var"))


def local_secret(name: str) -> str:
    """A random secret generated once and kept in var/ (demo and test runs only)."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()
