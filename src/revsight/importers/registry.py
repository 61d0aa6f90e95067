"""The importers Revsight knows, by the name the command line and the upload page use."""

from __future__ import annotations

from revsight.importers.base import Importer
from revsight.importers.sources.hubspot import HubSpot
from revsight.importers.sources.pipedrive import Pipedrive
from revsight.importers.sources.salesforce import Salesforce

IMPORTERS: dict[str, Importer] = {
    importer.source: importer for importer in (Salesforce(), HubSpot(), Pipedrive())
}


def get(source: str) -> Importer:
    return IMPORTERS[source]
