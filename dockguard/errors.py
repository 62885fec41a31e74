"""The exceptions DockGuard raises; the CLI turns each into a message and exit code 2."""

from __future__ import annotations


class DockGuardError(Exception):
    """Base class: every error the library raises on purpose."""


class InputError(DockGuardError):
    """A file the user gave cannot be used. The message names the file and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ParseError(InputError):
    """The file was read but its content is malformed for its format."""


class UnsupportedFormat(InputError):
    """The file is of a kind DockGuard does not read (binary, unknown encoding, no text layer...)."""


class RegistryError(DockGuardError):
    """The registry cannot do what was asked (bad URL, schema too new, ...)."""


class AlreadyRegistered(RegistryError):
    """The same content (or the same work id) is registered already."""

    def __init__(self, message: str, existing_id: str) -> None:
        self.existing_id = existing_id
        super().__init__(message)


class NotRegistered(RegistryError):
    """No work with that id."""


class ModelError(DockGuardError):
    """The embedding model cannot be built or loaded, or vectors of different models were mixed."""


class RegistryLocked(RegistryError):
    """Another process held the registry's write lock for longer than the lock timeout."""


class RegistryFull(RegistryError):
    """The disk (or quota) holding the registry is full; the transaction was rolled back."""


class RegistryReadOnly(RegistryError):
    """A write was asked of a registry on read-only media or a read-only connection."""


class TimestampError(DockGuardError):
    """A timestamp response (.tsr) or TSA certificate cannot be read or does not verify."""


class LineIndexError(RegistryError):
    """The registry's line index folder cannot be used (unwritable, damaged, or faiss missing)."""
