"""The one error type for bad input: it names the file, the line and the event."""

from __future__ import annotations

from .text import shown


class InputError(ValueError):
    """Bad input (a log, a date, a scenario, an argument), reported as one line."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 event: str | None = None) -> None:
        self.message, self.file, self.line, self.event = message, file, line, event
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        who = f"event '{self.event}': " if self.event else ""
        # One line, and nothing from a log that a terminal would obey (the message may quote the log).
        return shown(f"{where}{who}{self.message}".replace("\n", " "))


class LogError(InputError):
    """A log that cannot be loaded or replayed."""
