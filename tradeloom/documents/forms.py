from __future__ import annotations

from django import forms

from tradeloom.documents.content import ALLOWED


class UploadForm(forms.Form):
    file = forms.FileField(
        label="File",
        allow_empty_file=True,  # the service refuses an empty file with its own message
        max_length=1000,
        help_text="PDF, image, Word, Excel, PowerPoint, OpenDocument, CSV or text.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted({*ALLOWED, ".csv", ".txt"}))}),
    )
    supersedes = forms.UUIDField(required=False, widget=forms.HiddenInput)
