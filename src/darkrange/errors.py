"""Errors darkrange raises on purpose.

Every error a user can cause derives from `DarkrangeError`; the CLI prints its message on one
line and exits non-zero, never a traceback.

    DarkrangeError
    ├── InputError          bad input: a file, an argument or a value that cannot be used
    │   └── FormatError     data that does not follow its format (a checksum, a layout)
    ├── StateError          the place we would write to is not as expected (non-empty dir, lock)
    └── NetworkError        a peer did not answer as it should
"""

from __future__ import annotations

__all__ = ["DarkrangeError", "FormatError", "InputError", "NetworkError", "StateError"]


class DarkrangeError(Exception):
    """Base of every error darkrange raises for a user to read."""

    exit_code = 1


class InputError(DarkrangeError):
    """Bad input: a file, an argument or a value that cannot be used."""

    exit_code = 2


class FormatError(InputError):
    """Data that does not follow its format."""


class StateError(DarkrangeError):
    """The place darkrange would write to is not in the expected state."""

    exit_code = 3


class NetworkError(DarkrangeError):
    """A peer did not answer as it should."""

    exit_code = 4
