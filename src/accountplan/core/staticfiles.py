"""Static files: content-hashed names, gzip and Brotli copies, cached by browsers for a year.

``collectstatic`` (run by ``accountplan serve`` and ``demo`` before they serve) writes every file
under a name carrying a hash of its content (``app.3f2a….css``), with ``.gz`` and ``.br`` copies
beside it, and a manifest from name to hashed name. ``{% static %}`` then links the hashed name:
WhiteNoise sends those with ``Cache-Control: max-age=315360000, immutable`` (a changed file gets a
new name, so a browser never needs to ask again) and picks the compressed copy the browser accepts.

Without a manifest (the test suite, a checkout where collectstatic never ran) or with one older than
the files it describes (the code changed since), the links are the plain names, served straight from
the apps' folders by WhiteNoise's finders with a short max-age: never a stale copy, never an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage that falls back to plain names (see the module)."""

    manifest_strict = False

    def load_manifest(self) -> tuple[dict[str, str], str]:
        paths, digest = super().load_manifest()
        if paths and self._manifest_is_stale():
            return {}, ""
        return paths, digest

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # a file added since collectstatic ran
            return name

    def is_current(self) -> bool:
        """Whether the last collectstatic still describes every source file (nothing to redo)."""
        paths, _ = super().load_manifest()
        return bool(paths) and not self._manifest_is_stale(set(paths))

    def _manifest_is_stale(self, names: set[str] | None = None) -> bool:
        """Whether a source static file changed after the manifest was written (or, given the
        manifest's names, is missing from it)."""
        from django.contrib.staticfiles import finders

        try:
            written = os.stat(self.path(self.manifest_name)).st_mtime
        except (OSError, NotImplementedError):
            return False
        for finder in finders.get_finders():
            for path, storage in finder.list(None):
                source: Any = storage
                prefix = (getattr(source, "prefix", None) or "").strip("/")
                name = f"{prefix}/{path}" if prefix else path
                if names is not None and name.replace(os.sep, "/") not in names:
                    return True
                try:
                    if Path(source.path(path)).stat().st_mtime > written:
                        return True
                except (OSError, NotImplementedError):
                    continue
        return False


def collected_files_are_current() -> bool:
    """Whether STATIC_ROOT already holds the hashed copies of every current static file."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    check = getattr(staticfiles_storage, "is_current", None)
    return bool(check is not None and check())
