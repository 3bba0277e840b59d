"""What the printing app records (docs/events.md): a change of the print profile. Starting a PDF is the
platform's ``job.started`` (kind ``printing.pdf``); each PDF made is an attachment's ``attachment.attached`` (its
first version) or ``attachment.version_added`` (a regeneration), by the member who asked for it."""

from __future__ import annotations

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, sentences_register


class PrintProfileAction(Action):
    CHANGED = "print_profile.changed"


sentences_register(
    {PrintProfileAction.CHANGED: "{actor} changed the print profile"},
    fields={"logo": Field(label="Logo", plain=True)},
)
