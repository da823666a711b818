"""One run at a time per output folder.

Takes an output folder; gives a context manager that holds an exclusive lock on
``<folder>/.thb.lock`` (``flock``: the kernel releases it when the holder dies, even by
kill -9, so a crashed run never leaves a stale lock) with the holder's process id in it.
A second run on the same folder fails at once with :class:`OutputInUse` naming that pid,
before it writes anything.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import TransientError

LOCK_NAME = ".thb.lock"


class OutputInUse(TransientError):
    """Another run writes to this output folder; trying again after it ends will work."""

    reason = "output_in_use"


@contextmanager
def output_lock(out_dir: Path | str) -> Iterator[Path]:
    """Hold the output folder's lock for the duration of the block; raises OutputInUse."""
    path = Path(out_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputInUse(f"{Path(out_dir)} is in use by pid {holder} (another thb run); "
                              "wait for it to finish or choose another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
