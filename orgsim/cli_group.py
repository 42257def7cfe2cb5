"""The ``orgsim`` command group, the errors every command ends with, and the options they share.

The commands register themselves on :func:`cli` from their own modules (``cli.py`` and ``cli_*.py``);
this module imports none of them.
"""

from __future__ import annotations

import errno
import functools
from typing import Any, Callable

import click

from orgsim.events import bundled_log_path
from orgsim.events.dates import DateError
from orgsim.events.errors import InputError
from orgsim.events.load import load_any
from orgsim.events.parse import nfc

from . import progress
from .output import FORMATS, raw_csv_option, say


class UserError(click.ClickException):
    """A one-line error with exit status 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        say(f"orgsim: error: {self.message}".replace("\n", " "), err=True)


class Interrupted(UserError):
    """Ctrl-C (SIGINT): one line and exit status 130, as a shell reports a command ended by SIGINT."""

    exit_code = 130

    def show(self, file: Any = None) -> None:
        say("orgsim: interrupted; nothing was written", err=True)


def os_error_text(exc: OSError) -> str:
    """An operating-system error as one line: the file it concerns and what went wrong."""
    what = exc.strerror or str(exc)
    if exc.filename:
        return f"{exc.filename}: {what}"
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT):
        return f"cannot write to standard output: {what}"
    return what


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (InputError, DateError) as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            raise Interrupted("interrupted") from None
        except OSError as exc:  # a full disk, a file-size limit: the environment, not a bug; one line
            if exc.errno == errno.EPIPE:
                raise  # click ends quietly when the reader of a pipe goes away
            raise UserError(os_error_text(exc)) from None
        finally:
            progress.done()  # a command's progress display never outlives it, error or not


def _parse_readings(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        cid, sep, rid = nfc(v).partition("=")
        if not sep or not cid or not rid:
            raise UserError(f"--reading {v!r}: use CONFLICT=READING (see `orgsim conflicts`)")
        if cid in out:  # the last one would silently win
            raise UserError(f"--reading {v!r}: conflict {cid!r} is already read as {out[cid]!r}; give one reading")
        out[cid] = rid
    return out


def log_options(fn: Callable) -> Callable:
    """--log, --org and --reading, shared by every command that reads a log."""

    @click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
                  help="Log file (YAML) or event store (.sqlite, .db). Default: the bundled CSTO log.")
    @click.option("--org", default=None, help="Organization to report (default: the log's own).")
    @click.option("--reading", "readings", multiple=True, metavar="CONFLICT=READING",
                  help="Replay a non-default reading of a source conflict.")
    @click.option("--as-recorded", "as_recorded", default=None, metavar="TIME",
                  help="Answer from the log as it was recorded at TIME (a store or its export; YYYY-MM-DD "
                       "or an ISO time, UTC).")
    @functools.wraps(fn)
    def wrapper(log_path: str | None, org: str | None, readings: tuple[str, ...], as_recorded: str | None,
                **kwargs: Any) -> Any:
        from orgsim.engine.history import History

        progress.step(f"loading {log_path or 'the bundled log'}")
        log = load_any(log_path or bundled_log_path(), as_recorded)
        progress.done()  # commands that take long after loading say so themselves
        history = History(log, readings=_parse_readings(readings), org=nfc(org) if org else org)
        return fn(history, **kwargs)

    return wrapper


_format_choice = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                              help="Output format.")


def format_option(fn: Callable) -> Callable:
    """--format table|json|csv, and --raw-csv to turn off the CSV spreadsheet guard."""
    return _format_choice(raw_csv_option(fn))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="orgsim")
def cli() -> None:
    """orgsim: replay an organization's event log to any date, and see where its sources disagree."""


#: The most runs an ensemble may be asked for (``scenario run``, ``scenario compare A B``).
MAX_RUNS = 1_000_000


def whole_number(option: str, value: str | None, low: int, high: int) -> int:
    """Parse a whole-number option, or fail with one line."""
    try:
        number = int(str(value), 10)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise UserError(f"{option} {value!r}: give a whole number from {low} to {high}")
    return number
