"""Writing output files: the one writer every command's ``-o`` goes through.

A file is written whole or not at all: into a temporary file beside the target,
then renamed over it. Before anything is written the target is checked, because
a rename replaces whatever the path names:

- only a regular file or a new name is written; a FIFO, a device, a socket, a
  folder or a symbolic link is refused and left as it is (renaming over
  ``/dev/null`` or a FIFO would put a regular file in its place);
- a file that is read-only, or an SQLite database (an event store, whose rows
  are meant never to go), is replaced only with ``--force``;
- a replaced file keeps its permission bits (a private ``0600`` file stays
  private), and a line on stderr says it was replaced;
- a new file gets the usual permissions (``0666`` less the umask);
- any error of the file system (a full disk, a file-size limit) is one line
  naming the path, and the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import stat
import sys
import tempfile
from typing import Iterator

from orgsim.events.errors import InputError
from orgsim.events.text import shown

class OutputError(InputError, OSError):
    """A file that could not be written: one line for the user (InputError), still an OSError to callers."""


#: Whether the user opted in (``--force``) to replacing a read-only file or a database.
FORCE: contextvars.ContextVar[bool] = contextvars.ContextVar("FORCE", default=False)

_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link"))


def _is_sqlite(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def check_output_path(path: str, force: bool | None = None) -> os.stat_result | None:
    """Refuse an output path that is not a regular file or a new name; return the file it would replace, if any."""
    force = FORCE.get() if force is None else force
    folder = os.path.dirname(os.path.abspath(path))
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not os.path.isdir(folder):
            raise InputError(f"cannot write {path}: folder {folder} does not exist") from None
        return None
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    for test, kind in _KINDS:
        if test(st.st_mode):
            raise InputError(f"cannot write {path}: it is {kind}, not a regular file; nothing was written")
    if not force:
        # The mode bits too: root may write anything, but a file nobody may write was meant to stay.
        if not os.access(path, os.W_OK) or not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise InputError(f"cannot write {path}: the file is read-only; give --force to replace it")
        if _is_sqlite(path):
            raise InputError(f"cannot write {path}: it is an SQLite database (an event store?); "
                             "give --force to replace it")
    return st


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str, force: bool | None = None) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on failure it is removed."""
    old = check_output_path(path, force)
    folder = os.path.dirname(os.path.abspath(path))
    suffix = os.path.splitext(path)[1]
    try:
        fd, tmp = tempfile.mkstemp(prefix=".orgsim-", suffix=suffix, dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    os.close(fd)
    try:
        try:
            yield tmp
            # Permissions last: a read-only mode set before writing would lock the writer out.
            os.chmod(tmp, stat.S_IMODE(old.st_mode) if old else 0o666 & ~_umask())
            check_output_path(path, force=True)  # checked again just before the rename: it may have changed
            os.replace(tmp, path)
        except OSError as exc:  # a full disk, a file-size limit, a folder that went away
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}; nothing was written") from None
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if old is not None:
        print(shown(f"orgsim: replaced {path} (mode {stat.S_IMODE(old.st_mode):04o} kept)"), file=sys.stderr)
