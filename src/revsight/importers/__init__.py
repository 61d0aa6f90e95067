"""Importers: Salesforce, HubSpot, Pipedrive and spreadsheets through one contract (detect →
read → map → validate → write), registered in `registry.py`."""
