from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_text(data: bytes) -> str:
    """Every page's text, in order."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
