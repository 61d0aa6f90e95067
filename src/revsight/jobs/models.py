"""A job: one piece of background work, who or which schedule started it, and how it went."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    INTERRUPTED = "interrupted", "Interrupted"


FINISHED = (State.DONE, State.FAILED, State.INTERRUPTED)
RETRYABLE = (State.FAILED, State.INTERRUPTED)


class Job(models.Model):
    """Changed only through `revsight.jobs.services`. Live progress is kept in the jobs cache
    while the job runs (so no progress update waits for the database's write lock); the row
    holds the last progress once the job has finished."""

    kind = models.CharField(max_length=64, db_index=True)
    label = models.CharField(max_length=300, blank=True, help_text="What the job works on.")
    params = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
        help_text="Empty for a schedule's jobs and the command line's.",
    )
    schedule = models.CharField(max_length=64, blank=True, help_text="The schedule that ran it.")
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    queued_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of its worker.")
    progress = models.JSONField(default=dict, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    retry_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries"
    )

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def retryable(self) -> bool:
        return self.state in RETRYABLE

    def origin(self) -> str:
        """Who or what started it, in words."""
        if self.started_by_id is not None:
            user: Any = self.started_by
            return str(user.display_name)
        if self.schedule:
            return f"schedule: {self.schedule}"
        return "command line"
