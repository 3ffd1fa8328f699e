"""Every exit code of ``lokdarpan-db`` and the typed errors a user can cause (README, "Exit codes").

The CLI prints a ``UserError`` as one line on stderr and exits with its ``exit_code``; any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1  # a command failed: SQL error in a change, verify failed, bad input
EXIT_USAGE = 2  # bad command line (argparse)
EXIT_TAMPERED = 3  # an already-deployed script changed on disk
EXIT_LOCKED = 4  # the deploy lock (or a table lock) could not be taken in time
EXIT_CONNECT = 5  # no server / bad URL / authentication failure
EXIT_MISSING_EXTENSION = 6  # the server lacks an extension the plan needs
EXIT_ABORTED = 7  # the user declined a confirmation (or it could not be asked)
EXIT_HEALTH = 8  # a health or integrity check reported FAIL/CRITICAL; a restore or import failed validation
EXIT_BACKUP = 9  # a backup file or its manifest is missing, damaged or truncated, or pg_restore failed
EXIT_WAL_GAP = 10  # the WAL archive has a gap: recovery cannot reach the requested instant
EXIT_NO_SPACE = 11  # not enough free space for a backup or a restore
EXIT_KEY = 12  # an encrypted backup repository: the key file is missing or does not match
EXIT_MISSING_PROGRAM = 13  # a program the command needs is not installed (pgbouncer)
EXIT_DATA_LOSS = 14  # a revert would drop tables still holding primary data (pass --drop-data)


class UserError(Exception):
    """An error the user can fix; the CLI prints its message as one line and exits."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class TamperedError(UserError):
    """A deployed script was edited, removed, or the deployed changes no longer match the plan."""

    exit_code = EXIT_TAMPERED


class LockTimeoutError(UserError):
    """A lock (the deploy lock, a table lock, another import's lock) was not granted in time."""

    exit_code = EXIT_LOCKED


class ConnectError(UserError):
    """The database cannot be reached: bad URL, no server, authentication failed."""

    exit_code = EXIT_CONNECT


class MissingExtensionError(UserError):
    """The server lacks an extension a change needs (reported before anything changes)."""

    exit_code = EXIT_MISSING_EXTENSION


class ChangeFailed(UserError):
    """A change's deploy or revert script failed; the change was rolled back."""

    exit_code = EXIT_ERROR


class ChangeLockTimeout(ChangeFailed, LockTimeoutError):
    """A change could not take its locks within the whole ``lock_timeout`` ramp."""

    exit_code = EXIT_LOCKED


class DataLossRefused(UserError):
    """A revert would drop tables that still hold primary data; refused unless ``--drop-data``."""

    exit_code = EXIT_DATA_LOSS


class VerifyError(UserError):
    """A change's verify script failed while deploying it; the change was rolled back."""

    exit_code = EXIT_ERROR


class AbortedError(UserError):
    """A confirmation was declined, or could not be asked (no terminal and no ``-y``)."""

    exit_code = EXIT_ABORTED


class ValidationFailed(UserError):
    """Loaded data differs from its source (an import that was rolled back)."""

    exit_code = EXIT_HEALTH


class RestoreVerifyError(ValidationFailed):
    """A restored copy differs from its manifest."""


class DamagedBackupError(UserError):
    """A backup file or its manifest is missing, damaged or truncated, or pg_restore failed part-way."""

    exit_code = EXIT_BACKUP


class WalGapError(UserError):
    """The WAL archive has a gap: recovery cannot reach the requested instant."""

    exit_code = EXIT_WAL_GAP


class NoSpaceError(UserError):
    """Not enough free space for a backup or a restore."""

    exit_code = EXIT_NO_SPACE


class BackupKeyError(UserError):
    """The key file of an encrypted repository is missing, unreadable or the wrong one."""

    exit_code = EXIT_KEY


class MissingProgramError(UserError):
    """A program the command needs (pgbouncer) is not installed."""

    exit_code = EXIT_MISSING_PROGRAM
