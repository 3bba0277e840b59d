"""What the documents app records: its audit actions and how they read (docs/events.md)."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register


class AttachmentAction(Action):
    ATTACHED = "attachment.attached"
    VERSION_ADDED = "attachment.version_added"
    ARCHIVED = "attachment.archived"


def _file(t: Told) -> str:
    t.value("name")
    return f"“{t.name}”" if t.labelled else "a file"


def _version(t: Told) -> str:
    version = t.value("version")
    return f"version {version}" if version else "a new version"


def _on(t: Told) -> str:
    record = t.value("record")
    return f" to {record}" if record else t.place


sentences_register(
    {
        AttachmentAction.ATTACHED: lambda t: f"{t.actor} attached {_file(t)}{_on(t)}",
        AttachmentAction.VERSION_ADDED: lambda t: f"{t.actor} uploaded {_version(t)} of {_file(t)}{_on(t)}",
        AttachmentAction.ARCHIVED: lambda t: f"{t.actor} archived {_file(t)}{_on(t).replace(' to ', ' on ', 1)}",
    },
    fields={
        "record": Field(label="Record", plain=True),
        "version": Field(number=True),
        "size": Field(label="Size (bytes)", number=True),
        "content_type": Field(label="Type", plain=True),
        "target_type": Field(hidden=True),
        "target_id": Field(hidden=True),
        "supersedes": Field(hidden=True),
    },
)
