"""What the analytics replica needs to know about changes to the database."""

from __future__ import annotations

from django.db import models


class TableVersion(models.Model):
    """A counter per fact table, raised by every service that changes the table, in the same
    transaction; the replica re-copies the tables whose counter moved."""

    fact = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.fact} v{self.version}"
