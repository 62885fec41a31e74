"""Files the CLI writes (`-o`, `--report`, `--pdf`): written in full to a temporary file beside the
target and renamed over it only once everything succeeded, so a failed or interrupted scan leaves an
earlier result in place and a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

from dockguard.errors import InputError


class PendingFile:
    """A temporary file in the target's folder, made at once (so an unwritable target fails before
    any work is done) and renamed onto the target by `commit`."""

    def __init__(self, target: Path, *, make_parents: bool = False) -> None:
        self.target = target
        if make_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=f".part{target.suffix}", dir=target.parent
            )
        except OSError as e:
            raise InputError(target, f"cannot be written ({e.strerror or e})") from e
        os.close(fd)
        self.temp = Path(name)

    def open(self) -> IO[str]:
        return self.temp.open("w", encoding="utf-8")

    def write_text(self, text: str) -> None:
        with self.open() as f:
            f.write(text)

    def commit(self) -> None:
        # mkstemp makes the file 0600; a result is as readable as any file the user writes
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.temp, 0o666 & ~umask)
        os.replace(self.temp, self.target)

    def discard(self) -> None:
        self.temp.unlink(missing_ok=True)
