"""Small helpers that read settings from the environment (healthchecks style).

Every setting has a safe default; secrets can also come from a file named by ``NAME_FILE``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    """Return ``$NAME``, or the content of the file named by ``$NAME_FILE``, or the default."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> str | bool:
    """Read a yes/no flag: 1, true, yes and on (any case) are true."""
    raw = env(name)
    if not raw:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: float, *, minimum: float = 0) -> float:
    """Read a number (``15``, ``2.5``); not a number, or below ``minimum``, is refused."""
    raw = env(name).strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value >= minimum:  # also catches nan
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number ≥ {minimum:g}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def persistent_secret_key(data_dir: Path) -> str:
    """Return the secret key kept in the data folder, creating it on first run.

    Used only for the embedded default; a deployment sets ``SECRET_KEY`` (or ``SECRET_KEY_FILE``).
    """
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Create with owner-only permissions: the key signs sessions and CSRF tokens.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key
