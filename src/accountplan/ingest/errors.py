"""The importer's own error: a problem with the file or the mapping as a whole."""

from __future__ import annotations

from accountplan.core.errors import DomainError


class ImportFailed(DomainError):
    """The file or mapping cannot be used at all (empty, undecodable, bad TOML…)."""

    def __init__(self, message: str, *, status: int = 400, details: object | None = None) -> None:
        super().__init__(message, details=details)
        self.status = status
