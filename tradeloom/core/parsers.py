"""Request body parsing: orjson, with a size limit and strict UTF-8.

The JSON parser reads the raw stream, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` would not apply to JSON bodies;
here it does (413 ``payload_too_large``). JSON is UTF-8 (RFC 8259): a body declared in another charset, or not
decodable, is a 400 ``parse_error`` rather than a crash.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from drf_orjson_renderer.parsers import ORJSONParser
from rest_framework.exceptions import APIException, ParseError


class PayloadTooLarge(APIException):
    status_code = 413
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class JSONParser(ORJSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        declared = (request.META.get("CONTENT_LENGTH") or "0") if request is not None else "0"
        if declared.isdigit() and limit is not None and int(declared) > limit:
            raise PayloadTooLarge()
        charset = ((parser_context or {}).get("encoding") or "utf-8").lower().replace("_", "-")
        if charset not in ("utf-8", "utf8"):
            raise ParseError("JSON bodies must be UTF-8.")
        raw = (
            stream.read(limit + 1) if (stream is not None and limit is not None) else (stream.read() if stream else b"")
        )
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
