"""Errors a user can cause, each with its documented exit code (see README, "Exit codes")."""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1  # a command failed: SQL error in a change, verify failed, bad input
EXIT_USAGE = 2  # bad command line (argparse)
EXIT_TAMPERED = 3  # an already-deployed script changed on disk
EXIT_LOCKED = 4  # the deploy lock (or a table lock) could not be taken in time
EXIT_CONNECT = 5  # no server / bad URL / authentication failure
EXIT_MISSING_EXTENSION = 6  # the server lacks an extension the plan needs
EXIT_ABORTED = 7  # the user declined a confirmation
EXIT_HEALTH = 8  # a health or integrity check reported FAIL/CRITICAL
# 9 (a backup is missing, damaged or truncated) is EXIT_DAMAGED in backup.py
EXIT_WAL_GAP = 10  # the WAL archive has a gap: recovery cannot reach the requested instant
EXIT_NO_SPACE = 11  # not enough free space for a backup or a restore
EXIT_KEY = 12  # an encrypted backup repository: the key file is missing or does not match


class UserError(Exception):
    """An error the user can fix; the CLI prints its message as one line and exits."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class TamperedError(UserError):
    exit_code = EXIT_TAMPERED


class LockTimeoutError(UserError):
    exit_code = EXIT_LOCKED


class ConnectError(UserError):
    exit_code = EXIT_CONNECT


class MissingExtensionError(UserError):
    exit_code = EXIT_MISSING_EXTENSION


class VerifyError(UserError):
    exit_code = EXIT_ERROR


class WalGapError(UserError):
    exit_code = EXIT_WAL_GAP


class NoSpaceError(UserError):
    exit_code = EXIT_NO_SPACE


class BackupKeyError(UserError):
    """The key file of an encrypted repository is missing, unreadable or the wrong one."""

    exit_code = EXIT_KEY
