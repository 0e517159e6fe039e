"""What every CLI command shares: exit codes and the two errors the CLI words itself."""

from __future__ import annotations

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_CARD, EXIT_VERIFICATION = 0, 1, 2, 3, 4


class UsageError(Exception):
    """Arguments that parse but make no sense together, or a missing prerequisite."""


class VerificationFailed(Exception):
    """The operation ran but its answer is "no" (not genuine, wrong PIN...)."""
