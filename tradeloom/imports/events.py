"""What the imports app records: its audit actions and how they read (docs/events.md)."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register


class ImportRunAction(Action):
    UPLOADED = "import_run.uploaded"
    MAPPED = "import_run.mapped"
    CHECKED = "import_run.checked"
    COMMIT_STARTED = "import_run.commit_started"
    COMMITTED = "import_run.committed"
    FAILED = "import_run.failed"


class ImportMappingAction(Action):
    SAVED = "import_mapping.saved"


def _file(t: Told) -> str:
    return f"“{t.name}”" if t.labelled else "a file"


def _counts(t: Told) -> str:
    created, updated, unchanged = (str(t.value(k)) or "0" for k in ("created", "updated", "unchanged"))
    return f" ({created} created, {updated} updated, {unchanged} unchanged)"


def _checked(t: Told) -> str:
    errors = str(t.value("errors"))
    found = f"{errors} row error{'' if errors == '1' else 's'}" if errors not in ("", "0") else "no error"
    return f"{t.actor} checked the import of {_file(t)}: {found}"


def _mapping_saved(t: Told) -> str:
    entity = str(t.value("entity"))
    return f"{t.actor} saved a column mapping for files of {entity}" if entity else f"{t.actor} saved a column mapping"


sentences_register(
    {
        ImportRunAction.UPLOADED: lambda t: f"{t.actor} uploaded {_file(t)} to import",
        ImportRunAction.MAPPED: lambda t: f"{t.actor} mapped the columns of {_file(t)}",
        ImportRunAction.CHECKED: _checked,
        ImportRunAction.COMMIT_STARTED: lambda t: f"{t.actor} started importing {_file(t)}",
        ImportRunAction.COMMITTED: lambda t: f"{t.actor} imported {_file(t)}{_counts(t)}",
        ImportRunAction.FAILED: lambda t: f"The import of {_file(t)} failed: nothing was written",
        ImportMappingAction.SAVED: _mapping_saved,
    },
    fields={
        "entity": Field(label="Entity", plain=True),
        "rows": Field(label="Rows", number=True),
        "size": Field(label="Size (bytes)", number=True),
        "created": Field(number=True),
        "updated": Field(number=True),
        "unchanged": Field(number=True),
        "errors": Field(label="Row errors", number=True),
        "mapping": Field(label="Mapping", plain=True),
        "columns": Field(label="Columns", plain=True),
        "preset": Field(label="Preset", plain=True),
        "sha256": Field(hidden=True),
        "job_id": Field(hidden=True),
        "signature": Field(hidden=True),
        "file_format": Field(label="Format", plain=True),
        "encoding": Field(label="Encoding", plain=True),
        "sheet": Field(label="Sheet", plain=True),
    },
)
