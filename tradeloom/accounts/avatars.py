"""Avatar images: at most 2 MB, and really a JPEG, PNG or WebP (the content is checked, not the name)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MAX_AVATAR_BYTES = 2 * 1024 * 1024
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})


def validate_avatar(file: Any) -> None:
    if file.size > MAX_AVATAR_BYTES:
        raise ValidationError("The image is larger than 2 MB.", code="file_too_large")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            detected = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError("The file is not a valid image.", code="invalid_image") from exc
    finally:
        file.seek(position)
    if detected not in ALLOWED_FORMATS:
        raise ValidationError("Use a JPEG, PNG or WebP image.", code="invalid_image_type")
