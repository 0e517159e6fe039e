"""The errors storage itself raises, under the package's one base, ``RegistryError``.

Every error carries data on attributes; the text is for developers and logs and never
holds a tracking code, a birth date or a mother's name.
"""

from __future__ import annotations

from registry.errors import RegistryError

__all__ = ["RegistryError"]


class StorageError(RegistryError):
    """The database could not do what was asked."""


class RegistryBusy(StorageError):
    """A lock on a scarce thing was not granted in time; try again after ``retry_after`` s.

    Raised for lock timeouts, deadlocks and serialization failures: the transaction was
    rolled back as a whole, so repeating the same call is safe.
    """

    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(detail or f"the registry is busy; retry in {retry_after:g} s")
        self.retry_after = retry_after


class StorageUnavailable(StorageError):
    """The database cannot be reached or refused the operation for a reason not ours."""

    def __init__(self, operation: str, cause: str) -> None:
        super().__init__(f"the registry database failed to {operation}: {cause}")
        self.operation = operation
        self.cause = cause


class StorageConflict(StorageError):
    """A uniqueness or foreign-key rule refused a write the code did not expect to clash."""

    def __init__(self, operation: str, constraint: str | None) -> None:
        super().__init__(f"a database rule refused to {operation}"
                         + (f" ({constraint})" if constraint else ""))
        self.operation = operation
        self.constraint = constraint


class SchemaError(StorageError):
    """The database's schema is not the one this code needs, or a migration broke a rule."""

    def __init__(self, found: str | None, wanted: str | None, detail: str = "") -> None:
        super().__init__(detail or f"the registry schema is at {found or 'nothing'}, "
                                   f"this code needs {wanted}")
        self.found = found
        self.wanted = wanted
