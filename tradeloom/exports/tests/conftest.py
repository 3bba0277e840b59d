from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook


def browser(membership: Any) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response: Any) -> list[dict[str, str]]:
    """The CSV file of ``response`` as dicts by header (the BOM read away)."""
    return list(csv.DictReader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def xlsx_sheets(response: Any) -> dict[str, list[list[Any]]]:
    """Each sheet of the XLSX of ``response`` as rows of cells (openpyxl cells: value and data type)."""
    workbook = load_workbook(io.BytesIO(body_of(response)))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in workbook.worksheets}


@pytest.fixture
def web(owner: Any) -> Client:
    return browser(owner)
