"""A file's download, after the caller's permission check — never a public or presigned address a link could leak.

Streamed from storage (the local disk or the S3 bucket) by the app; or, when ``MEDIA_ACCEL_REDIRECT_PREFIX`` is set
and the files are on the local disk, handed to nginx with ``X-Accel-Redirect``: the app answers with headers only
and nginx sends the bytes from an ``internal`` location that no client can request directly (deploy/nginx), so a
large file never holds a gunicorn worker. S3 files are always streamed (nginx cannot read the bucket).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from tradeloom.documents.models import Attachment


def file_response(attachment: Attachment) -> FileResponse | HttpResponse:
    """The bytes, always as an attachment, typed by their content, never sniffed or cached by shared caches."""
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT_PREFIX", "")
    response: FileResponse | HttpResponse
    if prefix and isinstance(attachment.file.storage, FileSystemStorage):
        response = _accel_redirect(attachment, prefix)
    else:
        handle = attachment.file.open("rb")
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
        )
        response["Content-Length"] = str(attachment.size)
    # nginx keeps Content-Type, Content-Disposition and Cache-Control of an X-Accel-Redirect answer and drops the
    # others; its internal location adds the same nosniff and sandbox headers again.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _accel_redirect(attachment: Attachment, prefix: str) -> HttpResponse:
    name = attachment.file.name or ""
    if not name or not attachment.file.storage.exists(name):
        raise FileNotFoundError(name)  # the callers answer 404, as when streaming
    response = HttpResponse(content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.name)
    response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(name, safe='/')}"
    return response
