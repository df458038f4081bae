"""Domain errors that carry their HTTP status; one handler renders them for pages and the API."""

from __future__ import annotations


class DomainError(Exception):
    """A problem the user can fix; rendered as a 4xx with ``message``."""

    status = 400

    def __init__(self, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The object does not exist or the user may not see it (we never tell which)."""

    status = 404


class Forbidden(DomainError):
    """The user may see the object but not do this to it."""

    status = 403


class Conflict(DomainError):
    """Someone else changed the object since it was loaded."""

    status = 409
