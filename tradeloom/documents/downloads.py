"""A file's download: streamed from storage (the local disk or the S3 bucket) by the app, after the caller's
permission check — never a public or presigned address a link could leak."""

from __future__ import annotations

from django.http import FileResponse

from tradeloom.documents.models import Attachment


def file_response(attachment: Attachment) -> FileResponse:
    """The bytes, always as an attachment, typed by their content, never sniffed or cached by shared caches."""
    handle = attachment.file.open("rb")
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Content-Length"] = str(attachment.size)
    return response
