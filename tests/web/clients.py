"""What the page tests share: a browser-less client logged in as someone, and a folder of export
files as the Import page receives them."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def uploads(directory: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
        for path in sorted(directory.iterdir())
    ]
