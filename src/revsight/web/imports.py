"""The import page: managers and administrators upload an export, which a worker imports as a
job (the page shows its progress, then the same report the command line prints, from the same
JSON). The importer, its transaction and the audit entry are the command's own."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions
from revsight.core.errors import InvalidInput, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.importers.registry import IMPORTERS
from revsight.importers.schema import ENTITIES, WRITE_ORDER
from revsight.importers.tasks import KIND, queue_upload
from revsight.importers.templates import write_template
from revsight.jobs import services
from revsight.jobs.models import Job
from revsight.org.models import User
from revsight.web.jobs import status_context

SOURCES = [(name, importer.label) for name, importer in IMPORTERS.items()] + [
    ("csv", "Spreadsheets (Revsight templates, or any CSV/XLSX with a mapping file)")
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(item, initial) for item in data]
        return [single(data or None, initial)]


class ImportForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    source = forms.ChoiceField(choices=SOURCES, label="Source system")
    uploads = MultipleFileField(
        label="Files to import",
        help_text="The export's CSV files (select several at once), a .zip of them, or an XLSX.",
    )
    mapping = forms.FileField(
        required=False,
        label="Mapping file (spreadsheets only)",
        help_text="A TOML file mapping your columns onto Revsight's templates.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Check only: report what would change and write nothing"
    )


# The templates a new installation fills first, in the order they are best imported.
FIRST_TEMPLATES = ("teams", "users", "opportunities", "quotas", "goals")


def _templates() -> list[dict[str, Any]]:
    ordered = [*FIRST_TEMPLATES, *(name for name in ENTITIES if name not in FIRST_TEMPLATES)]
    return [
        {
            "name": name,
            "doc": ENTITIES[name].doc,
            "columns": ENTITIES[name].columns,
            "first": name in FIRST_TEMPLATES,
        }
        for name in ordered
    ]


@login_required
def template_download(request: HttpRequest, entity: str, fmt: str) -> HttpResponse:
    """An empty template, as `revsight template ENTITY --format FMT` writes it."""
    if entity not in ENTITIES or fmt not in ("csv", "xlsx"):
        raise NotFound(f"There is no {entity}.{fmt} template.")
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / f"{entity}.{fmt}"
        write_template(entity, fmt, target)
        content = target.read_bytes()
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{entity}.{fmt}"'
    return response


TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """The form; a valid upload is kept and queued as a job, and the page answers at once with
    the job's progress (polled), then its report."""
    user: User = request.user  # type: ignore[assignment]
    if not permissions.may_import(user):
        raise PermissionDenied("Only managers and administrators import data.")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            queued = queue_upload(
                data["source"],
                data["uploads"],
                mapping=data.get("mapping"),
                dry_run=bool(data["dry_run"]),
                actor=user,
            )
            return redirect(f"{reverse('import')}?{urlencode({'job': queued.pk})}")
    else:
        form = ImportForm()
    history = AuditEntry.objects.filter(action="import").select_related("actor")
    context: dict[str, Any] = {
        "form": form,
        "is_demo": Organisation.current().is_demo,
        "templates": _templates(),
        "history": [
            (entry, describe_counts(entry.details.get("entities", {})))
            for entry in history.order_by("-at")[:10]
        ],
    }
    job = _job(request, user)
    if job is not None:
        context.update(status_context(job))
    return render(request, "web/import.html", context)


def _job(request: HttpRequest, user: User) -> Job | None:
    """The import job named by `?job=`, if the person may see it."""
    raw = request.GET.get("job")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput("job", raw, "is not a job number")
    job = services.find(int(raw), user)
    if job.kind != KIND:
        raise NotFound(f"Job {job.pk} is not an import.")
    return job


def describe_counts(entities: dict[str, dict[str, int]]) -> str:
    """ "4 opportunities, 7 stage changes new; 1 user updated" from an import's counts."""
    order = {name: index for index, name in enumerate(WRITE_ORDER)}
    ordered = sorted(entities.items(), key=lambda item: order.get(item[0], len(order)))

    def phrase(kind: str) -> str:
        return ", ".join(
            f"{counts[kind]:,} {_noun(name, counts[kind])}"
            for name, counts in ordered
            if counts.get(kind)
        )

    new, updated = phrase("created"), phrase("updated")
    sentences = [f"{new} new" if new else "", f"{updated} updated" if updated else ""]
    return "; ".join(part for part in sentences if part) or "no changes"


def _noun(entity: str, count: int) -> str:
    words = entity.replace("_", " ")
    if count != 1:
        return words
    if words.endswith("ies"):
        return words[:-3] + "y"
    return words[:-1] if words.endswith("s") else words
