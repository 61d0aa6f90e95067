"""The import page: managers and administrators upload an export and see the same report the
command line prints. The importer, its transaction and the audit entry are the command's own."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from revsight.access import permissions
from revsight.core.models import AuditEntry, Organisation
from revsight.importers.classify import RulesError
from revsight.importers.mapping import MappingError, load
from revsight.importers.registry import IMPORTERS
from revsight.importers.report import Problem, Report
from revsight.importers.run import ImportRefused, run_import
from revsight.importers.schema import WRITE_ORDER
from revsight.importers.sources.spreadsheet import Spreadsheet
from revsight.org.models import User

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


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not permissions.may_import(user):
        raise PermissionDenied("Only managers and administrators import data.")
    report: Report | None = None
    failure = ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = _run(form.cleaned_data, user)  # type: ignore[arg-type]
            except (ImportRefused, RulesError) as exc:
                failure = str(exc)
    else:
        form = ImportForm()
    history = AuditEntry.objects.filter(action="import").select_related("actor")
    return render(
        request,
        "web/import.html",
        {
            "form": form,
            "report": report,
            "counts": [
                (name.replace("_", " ").capitalize(), counts)
                for name, counts in (report.entities.items() if report else [])
            ],
            "problems": _rows(report.errors) if report else [],
            "notes": _rows(report.warnings) if report else [],
            "failure": failure,
            "is_demo": Organisation.current().is_demo,
            "history": [
                (entry, describe_counts(entry.details.get("entities", {})))
                for entry in history.order_by("-at")[:10]
            ],
        },
    )


def _run(data: dict[str, Any], user: User) -> Report:
    names = [upload.name for upload in data["uploads"]]
    label = ", ".join(names)
    with tempfile.TemporaryDirectory(prefix="revsight-upload-") as scratch:
        folder = Path(scratch) / "files"
        folder.mkdir()
        for upload in data["uploads"]:
            target = folder / Path(upload.name).name
            with target.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        path = folder / names[0] if len(names) == 1 else folder
        if data["source"] == "csv":
            mapping = None
            if data.get("mapping"):
                mapping_path = Path(scratch) / Path(data["mapping"].name).name
                mapping_path.write_bytes(data["mapping"].read())
                try:
                    mapping = load(mapping_path)
                except MappingError as exc:
                    report = Report("csv", bool(data["dry_run"]))
                    report.error(Problem(data["mapping"].name, None, "", "", str(exc)))
                    return report
            importer: Any = Spreadsheet(mapping)
        else:
            importer = IMPORTERS[data["source"]]
        return run_import(
            importer, path, dry_run=bool(data["dry_run"]), actor=user, file_label=label
        )


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


def _rows(problems: list[Problem]) -> list[dict[str, Any]]:
    return [problem.as_json() for problem in problems]
