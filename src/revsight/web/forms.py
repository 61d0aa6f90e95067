"""The inputs of the settings and forecast forms, declared as Django forms.

A form here only says which fields a page reads and of what kind; the rules (a quota is an
amount of zero or more, a goal's metric exists, a period is open) live in the services, so the
web, the API and the imports give the same message. A field a form itself refuses (a team id that
is not a number, a quota cell that is not on the page) becomes the same `InvalidInput`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import QueryDict

from revsight.analytics.catalogue import METRICS
from revsight.analytics.dashboard_figures import COMPARISONS
from revsight.core.errors import InvalidInput
from revsight.core.periods import check_year
from revsight.crm.models import ActivityType
from revsight.org.models import ActivityStandard, GoalScope

STANDARD_TYPES = [t for t in ActivityType if t != ActivityType.OTHER]
STAGE_COLUMNS = ("id", "name", "order", "probability", "outcome")


def _text(**kwargs: Any) -> forms.CharField:
    """Free text handed to a service as typed (the service trims and checks it)."""
    return forms.CharField(required=False, strip=False, **kwargs)


def read(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned values, or the first field it refused as an `InvalidInput`."""
    if form.is_valid():
        return form.cleaned_data
    name, messages = next(iter(form.errors.items()))
    value = form.data.get(name, "") if hasattr(form.data, "get") else ""
    message = str(messages[0]).rstrip(".")
    raise InvalidInput(name, str(value), message[:1].lower() + message[1:])


class FiscalYearForm(forms.Form):
    month = _text()
    pacing = _text()


class GoalForm(forms.Form):
    metric = _text()
    scope = _text()
    period = _text()
    target = _text()
    team = forms.IntegerField(required=False, error_messages={"invalid": "is not a team id"})
    user = forms.IntegerField(required=False, error_messages={"invalid": "is not a person id"})


class GoalFilterForm(forms.Form):
    """Which goals the goals page lists: a period id, a scope and a metric (blank: any)."""

    period = forms.CharField(required=False, max_length=16)
    scope = forms.ChoiceField(required=False, choices=[("", "any"), *GoalScope.choices])
    metric = forms.ChoiceField(
        required=False, choices=[("", "any"), *((m.id, m.name) for m in METRICS)]
    )

    def chosen(self) -> dict[str, str]:
        """The filters set, by field name; an unknown choice shows every goal."""
        if not self.is_valid():
            return {}
        return {name: value.strip() for name, value in self.cleaned_data.items() if value.strip()}


class SubmissionForm(forms.Form):
    user = forms.EmailField(required=False, error_messages={"invalid": "is not an email address"})
    period = _text()
    commit = _text()
    best_case = _text()
    note = _text()


class StandardsForm(forms.Form):
    """A count and a period (week or month) for every standard activity type."""

    def __init__(self, data: QueryDict | None = None) -> None:
        super().__init__(data)
        for kind in STANDARD_TYPES:
            self.fields[f"count-{kind.value}"] = _text()
            self.fields[f"per-{kind.value}"] = forms.CharField(
                required=False, empty_value=ActivityStandard.Per.WEEK
            )

    def standards(self) -> list[tuple[str, str, str]]:
        """(activity type, per, count) for every type, from the cleaned form."""
        data = read(self)
        return [
            (kind.value, data[f"per-{kind.value}"], data[f"count-{kind.value}"])
            for kind in STANDARD_TYPES
        ]


class QuotaYearForm(forms.Form):
    year = forms.IntegerField(required=False, error_messages={"invalid": "is not a year"})

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        return None if year is None else check_year("year", year)


class QuotaGridForm(forms.Form):
    """One cell per salesperson shown and month: `q-<person id>-<YYYY-MM>`. A posted cell that is
    not on the page is refused rather than ignored, so nobody believes it was saved."""

    PREFIX = "q-"

    def __init__(self, people: list[int], months: list[date], data: QueryDict | None = None):
        super().__init__(data)
        self.cells: dict[str, tuple[int, date]] = {}
        for person in people:
            for month in months:
                name = self.name(person, month)
                self.cells[name] = (person, month)
                self.fields[name] = _text()

    @classmethod
    def name(cls, person: int, month: date) -> str:
        return f"{cls.PREFIX}{person}-{month:%Y-%m}"

    def posted(self) -> dict[tuple[int, date], str]:
        """{(person id, month): the typed amount} of every cell posted."""
        if self.data:
            for name, value in self.data.items():
                if name.startswith(self.PREFIX) and name not in self.cells:
                    raise InvalidInput(name, value, "is not a quota cell on this page")
        data = read(self)
        return {cell: data[name] for name, cell in self.cells.items() if name in self.data}


def stage_rows(data: QueryDict) -> list[dict[str, str]]:
    """The stages table posts parallel lists (id, name, order, probability in %, outcome), one
    entry per row, so rows can be added in the browser; the blank row for a new stage is
    skipped when left empty."""
    columns = [data.getlist(column) for column in STAGE_COLUMNS]
    found: list[dict[str, str]] = []
    for values in zip(*columns, strict=False):
        row = dict(zip(STAGE_COLUMNS, values, strict=True))
        if not row["id"] and not row["name"].strip():
            continue
        if row["id"] and not row["id"].isdigit():
            raise InvalidInput(f"stage {len(found) + 1} id", row["id"], "is not a stage id")
        found.append(row)
    return found


class RecordsForm(forms.Form):
    """What the records behind a number are filtered by (the drill-down's address)."""

    FILTERS = ("owner", "stage", "type", "account")

    scope = _text()
    period = forms.CharField(required=False, empty_value="month")
    window = forms.IntegerField(
        required=False, min_value=1, max_value=3660, error_messages={"invalid": "is not a number"}
    )
    owner = _text()
    stage = _text()
    type = _text()
    account = forms.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, error_messages={"invalid": "is no id"}
    )
    format = forms.ChoiceField(required=False, choices=[("", "page"), ("csv", "CSV")])

    def filters(self) -> dict[str, str]:
        """The filters as they are shown again in the page's form ("" when not set)."""
        data = read(self)
        return {name: "" if data[name] is None else str(data[name]) for name in self.FILTERS}


class DashboardForm(forms.Form):
    """A dashboard's address: `period` (a kind or a period id: the domain checks it),
    `compare` (the previous period or the same period last year)."""

    period = _text()
    compare = forms.ChoiceField(
        required=False,
        choices=list(COMPARISONS.items()),
        error_messages={"invalid_choice": f"must be one of: {', '.join(COMPARISONS)}"},
    )

    def period_asked(self) -> str:
        return str(read(self)["period"]).strip() or "month"

    def compared_with(self) -> str:
        return str(read(self)["compare"]) or "previous"


class ProfileEmailsForm(forms.Form):
    """The kinds of email a person keeps on (the others are turned off)."""

    emails_on = forms.MultipleChoiceField(
        required=False,
        choices=[],
        error_messages={"invalid_choice": "is not a kind of email Revsight sends"},
    )

    def __init__(self, data: QueryDict | None, kinds: list[tuple[str, str]]) -> None:
        super().__init__(data)
        self.fields["emails_on"].choices = kinds  # type: ignore[attr-defined]


class ScheduleForm(forms.Form):
    """One schedule's fields, prefixed with its name (`reminders-at`); the service checks them."""

    enabled = forms.BooleanField(required=False)
    weekday = _text()
    at = _text()
    days = _text()


class CoachingMonthForm(forms.Form):
    """Which month and team the coaching page shows (`?month=2026-03&team=4`)."""

    month = forms.CharField(required=False, max_length=16)
    team = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": "is not a team id"},
    )


class CoachingEntryForm(forms.Form):
    """A coaching entry as the log form posts it; the service checks every value."""

    date = _text()
    kind = _text()
    scheduled = _text()
    skill = _text()
    deal = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": "is not a deal id"},
    )
    account = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": "is not an account id"},
    )
    notes = _text()
    action = _text()
    due = _text()


class CoachingReplyForm(forms.Form):
    entry = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    reply = _text()
    done = _text()


class CoachingSettingsForm(forms.Form):
    skills = _text()
    joint_calls = _text()
