"""The importers Revsight knows, by the name the command line and the upload page use."""

from __future__ import annotations

from pathlib import Path

from revsight.importers.base import Importer
from revsight.importers.files import Bundle, UnreadableFile
from revsight.importers.sources.hubspot import HubSpot
from revsight.importers.sources.pipedrive import Pipedrive
from revsight.importers.sources.salesforce import Salesforce

IMPORTERS: dict[str, Importer] = {
    importer.source: importer for importer in (Salesforce(), HubSpot(), Pipedrive())
}


def get(source: str) -> Importer:
    return IMPORTERS[source]


def detect(path: Path) -> Importer | None:
    """The importer whose export `path` (a file, a zip or a folder) looks like; None when none
    recognises it or it cannot be read."""
    try:
        bundle = Bundle(path)
    except (FileNotFoundError, UnreadableFile):
        return None
    return next((importer for importer in IMPORTERS.values() if importer.detect(bundle)), None)
