"""What an upload may be: request size, number of files, file names. Everything about the content
(formats, encodings, zip bombs, path traversal inside zips, per-file size) is the readers' rule, the
same as for the CLI, and is checked by parsing the upload before it is accepted."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from typing import Any

from dockguard.errors import DockGuardError

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


class TooLarge(DockGuardError):
    """The request is over a limit (413)."""


@dataclass(frozen=True, slots=True)
class UploadLimits:
    max_request_bytes: int = 64 * 1024 * 1024  # the whole multipart body
    max_files: int = 64
    max_name_bytes: int = 200


def safe_name(filename: str | None, index: int, limits: UploadLimits) -> str:
    """A file name to write into the job's folder: the last path component, no separators or control
    characters, not hidden (the CLI skips hidden files), never empty, `.` or `..`."""
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE.sub("_", name).strip().lstrip(".")
    if not name:
        name = f"upload-{index + 1}"
    # file systems count bytes (255 at most): cut by UTF-8 bytes, keeping the suffix that names the format
    if len(name.encode("utf-8")) > limits.max_name_bytes:
        stem, dot, suffix = name.rpartition(".")
        if not dot or len(suffix.encode("utf-8")) > 16:
            stem, dot, suffix = name, "", ""
        budget = limits.max_name_bytes - len((dot + suffix).encode("utf-8"))
        stem = stem.encode("utf-8")[:budget].decode("utf-8", "ignore")
        name = stem + dot + suffix
    return name


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` is answered 413 (by Content-Length at once,
    else while it streams in), before the multipart parser keeps any of it."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        # Read the whole body first (spooled to disk past 1 MiB), so an oversized one is refused
        # before the application sees any of it and never half-parsed.
        spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
        try:
            seen = 0
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                seen += len(chunk)
                if seen > self.max_bytes:
                    await self._refuse(send)
                    return
                spool.write(chunk)
                if not message.get("more_body", False):
                    break
            spool.seek(0)
            done = False

            async def replay() -> Any:
                nonlocal done
                if done:
                    return await receive()  # after the body: wait for the disconnect, as servers do
                chunk = spool.read(256 * 1024)
                more = spool.tell() < seen
                done = not more
                return {"type": "http.request", "body": chunk, "more_body": more}

            await self.app(scope, replay, send)
        finally:
            spool.close()

    async def _refuse(self, send: Any) -> None:
        import json

        body = json.dumps(
            {"detail": f"upload too large: the limit is {self.max_bytes} bytes per request"}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
