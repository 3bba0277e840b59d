"""Reading an upload without keeping more than the limit: a request whose ``Content-Length`` is already beyond it
is refused before its body is read, and a file that grows past it while streaming in is dropped there (its bytes
are read and thrown away, never written to a temporary file in full)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, load_handler

# the multipart envelope and the other fields: what a request may carry beyond the file itself
ENVELOPE_BYTES = 64 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """First of the request's upload handlers: counts each file's bytes and skips a file past ``limit``."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_uploads(request: Any, *, limit: int) -> LimitedUploadHandler:
    """Put the limit first among ``request``'s upload handlers (before its body is read); the handler says afterwards
    whether a file went past it."""
    handler = LimitedUploadHandler(request, limit=limit)
    request.upload_handlers = [handler, *(load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS)]
    return handler


def declared_too_large(request: Any, *, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + ENVELOPE_BYTES
