"""The Jobs page: the background jobs a person may see (their own, their teams', and for
managers and above the schedules'), each job's live status for polling, and retrying one.
The jobs service decides what is seen and allowed; this module only draws."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from revsight.access import visibility
from revsight.analytics.tasks import may_rebuild, queue_rebuild
from revsight.jobs import services
from revsight.jobs.models import Job
from revsight.org.models import User

PAGE = 50


def may_open_jobs(user: Any) -> bool:
    """The Jobs page is for managers and above (and administrators)."""
    return bool(user.is_authenticated and visibility.is_manager_or_above(user))


def _viewer(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not may_open_jobs(user):
        raise PermissionDenied("The Jobs page is for managers and administrators.")
    return user


def status_context(job: Job) -> dict[str, Any]:
    """What the status partial draws for one job (also used by the Import and Forecast pages)."""
    progress = services.progress_of(job)
    done, total = progress.get("done"), progress.get("total")
    summary = job.result if job.kind == "import" and isinstance(job.result, dict) else None
    return {
        "job": job,
        "kind_label": services.label_of(job),
        "progress": progress,
        "percent": min(100, round(100 * done / total)) if done is not None and total else None,
        "summary": summary,
        "summary_counts": _counts(summary),
        "so_far": _so_far(progress) if not job.finished else [],
    }


def _so_far(progress: dict[str, Any]) -> list[tuple[str, int]]:
    """What a running job has made so far (an import's records by entity), for its status."""
    counts = progress.get("counts") or {}
    return [(name.replace("_", " "), int(count)) for name, count in counts.items()]


def _counts(summary: dict[str, Any] | None) -> list[tuple[str, dict[str, int]]]:
    entities = summary.get("entities", {}) if summary else {}
    return [(name.replace("_", " ").capitalize(), counts) for name, counts in entities.items()]


@login_required
def jobs_page(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    jobs = list(services.visible_jobs(viewer)[:PAGE])
    return render(
        request,
        "web/jobs.html",
        {
            "rows": [status_context(job) for job in jobs],
            "may_rebuild": may_rebuild(viewer),
            "retried": request.GET.get("retried", ""),
        },
    )


@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job's status as a fragment, polled by the pages while it runs (static/jobs.js)."""
    user: User = request.user  # type: ignore[assignment]
    job = services.find(job_id, user)
    return render(request, "web/jobs/status.html", status_context(job))


@login_required
@require_POST
def retry_job(request: HttpRequest, job_id: int) -> HttpResponse:
    viewer = _viewer(request)
    job = services.retry(job_id, viewer)
    return redirect(f"{reverse('jobs')}?retried={job.pk}")


@login_required
@require_POST
def rebuild_analytics(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    job = queue_rebuild(viewer)
    return redirect(f"{reverse('jobs')}?retried={job.pk}")
