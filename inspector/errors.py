"""What a command says when it cannot go on, and the exit code it ends with: one place for both.

Every command (`inspector …`, `python -m inspector.ops.commands …`, `scrapy crawl site …`)
ends through here when something goes wrong, so that a person sees one line — what is wrong
and what to do — and a script sees a stable exit code, never a traceback:

- `0` done; `1` not completed (interrupted, a step failed, an internal error, or `--fail-on`
  found a problem at that level); `2` bad input (an option, a registry, a rules profile, a
  setting, a database URL or a database that cannot be used); `3` another nightly holds the lock.
- `UserError` is what code raises for bad input it can name; `user_message(exc)` turns the
  known exceptions of our libraries (a bad `INSPECTOR_NOW`, registry, profile, check path,
  schema, database URL, unreachable database, unwritable file) into that one line.
- An unexpected exception (a bug) is one line too, with exit code 1; its traceback goes to the
  log, and to stderr with `--debug` (or `INSPECTOR_DEBUG=1`).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any, NoReturn

import click

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3

logger = logging.getLogger("inspector")

# `--debug` on the command line (or INSPECTOR_DEBUG=1): tracebacks on stderr.
_debug = os.environ.get("INSPECTOR_DEBUG", "") not in ("", "0")


class UserError(ValueError):
    """Bad input: `message` says what is wrong and what to do (one line)."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def set_debug(value: bool) -> None:
    global _debug
    _debug = _debug or value


def debug_enabled() -> bool:
    return _debug


def one_line(text: str, limit: int = 400) -> str:
    """The first line of a message, shortened: what reaches the console."""
    first = next((line.strip() for line in str(text).splitlines() if line.strip()), "")
    return first if len(first) <= limit else first[: limit - 1] + "…"


def database_message(exc: BaseException, where: str = "") -> str:
    """Why a database could not be used, in one line (driver details cut to their first line)."""
    from sqlalchemy.exc import DBAPIError

    raw = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    detail = one_line(str(raw), 200)
    return (
        f"cannot use the database{' ' + where if where else ''}: {detail}; check --db (or "
        "INSPECTOR_DB_URL) and that the database server is running"
    )


def user_message(exc: BaseException) -> str | None:
    """The one line for a known kind of bad input; None for anything else (a bug)."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from inspector.clock import ClockError
    from inspector.profile import ProfileError
    from inspector.registry import RegistryError
    from inspector.store.db import DatabaseURLError, SchemaError
    from inspector.store.recheck import RecheckError

    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, RegistryError):
        problems = getattr(exc, "problems", [])
        if len(problems) == 1:  # one problem: one line; several: every one of them, listed
            line, message = problems[0]
            return f"{exc.path}: " + (f"line {line}: " if line else "") + str(message)
        return str(exc)
    if isinstance(exc, ClockError):
        return f"{exc}; fix or unset INSPECTOR_NOW"
    if isinstance(exc, DatabaseURLError | SchemaError | ProfileError | RecheckError):
        return one_line(str(exc))
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return (
            f"not a database URL we can use ({one_line(str(exc), 120)}): write sqlite:///FILE "
            "or postgresql://USER@HOST/DBNAME"
        )
    if isinstance(exc, OperationalError):
        return database_message(exc)
    if type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith("psycopg"):
        return database_message(exc)
    if isinstance(
        exc, PermissionError | FileNotFoundError | IsADirectoryError | NotADirectoryError
    ):
        target = exc.filename or ""
        return f"{exc.strerror or type(exc).__name__}: {target}; choose another path"
    from inspector.judge.checkrun import CheckLoadError

    if isinstance(exc, CheckLoadError):
        return one_line(str(exc))
    return None


def exit_code_of(exc: BaseException) -> int:
    """The exit code a command ends with after `exc` (bad input 2, anything else 1)."""
    if isinstance(exc, UserError):
        return exc.code
    return EXIT_BAD_INPUT if user_message(exc) is not None else EXIT_INCOMPLETE


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """End the command with one line on stderr (no traceback)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def report_and_exit(exc: BaseException) -> NoReturn:
    """End a command after an exception: one line on stderr, the right exit code; the
    traceback in the log (and on stderr with --debug)."""
    message = user_message(exc)
    code = exit_code_of(exc)
    if message is None:
        logger.error(
            "internal error",
            exc_info=(type(exc), exc, exc.__traceback__),
            extra={"console": False},  # the console gets the one line below
        )
        message = (
            f"internal error: {type(exc).__name__}: {one_line(str(exc), 200)} "
            "(the traceback is in the log; rerun with --debug to see it here)"
        )
    else:
        logger.info("stopped: %s", one_line(message), extra={"console": False})
    if _debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


class GuardedGroup(click.Group):
    """A click group whose commands never end in a traceback.

    Usage errors are one line (`error: Missing option '--registry' (see 'inspector crawl
    --help')`) with exit code 2; exceptions go through `report_and_exit`.
    """

    def invoke(self, ctx: click.Context) -> Any:
        from inspector import clock

        clock.now()  # a malformed INSPECTOR_NOW stops every command here, in one line
        return super().invoke(ctx)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(EXIT_INCOMPLETE)
        except click.ClickException as exc:
            hint = ""
            ctx = getattr(exc, "ctx", None)
            if ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
            click.echo(f"error: {one_line(exc.format_message())}{hint}", err=True)
            sys.exit(EXIT_BAD_INPUT if exc.exit_code in (1, 2) else exc.exit_code)
        except (SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # noqa: BLE001 - every exception ends in one line, see module doc
            report_and_exit(exc)
        sys.exit(result if isinstance(result, int) else EXIT_OK)
