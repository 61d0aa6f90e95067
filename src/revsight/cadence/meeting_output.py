"""The Monday agenda as Markdown (the page's `.md`, `revsight meeting monday`, the email's
plain text) and JSON. Links are made absolute with `base` (the site's address) when given."""

from __future__ import annotations

import json

from revsight.cadence.meeting_document import (
    Agenda,
    Contests,
    Deal,
    Forecast,
    Item,
    Numbers,
    Pipeline,
    Priorities,
    Training,
    Wins,
)


def money(value: float | None, currency: str) -> str:
    return "—" if value is None else f"{value:,.0f} {currency}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def score(value: float | int | None, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return money(float(value), currency)
    if unit == "ratio":
        return percent(float(value))
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _link(text: str, url: str | None, base: str) -> str:
    return f"[{text}]({base}{url})" if url else text


def _deal(deal: Deal, currency: str, base: str, close: bool = False) -> str:
    where = f" ({deal.account})" if deal.account else ""
    when = f", now closing {deal.close_date}" if close and deal.close_date else ""
    shown = _link(deal.name, deal.link, base)
    return f"- {shown}{where}: {money(deal.amount, currency)}, {deal.owner}{when}"


def _wins(item: Wins, c: str, base: str) -> list[str]:
    count = _link(f"{item.count} won", item.link, base)
    lines = [f"{count} for {money(item.amount, c)}."]
    lines += [_deal(d, c, base) for d in item.deals]
    if item.top_week:
        lines.append(
            f"- Top booker of the week: {item.top_week.name}, {money(item.top_week.amount, c)}"
        )
    if item.top_month:
        top = item.top_month
        lines.append(f"- Top booker of the month: {top.name}, {money(top.amount, c)}")
    return lines


def _numbers(item: Numbers, c: str, base: str) -> list[str]:
    lines = [
        "| | Bookings | Quota | Attainment | Expected to date | Gap |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in item.rows:
        label = _link(f"{row.label} ({row.period})", row.link, base)
        lines.append(
            f"| {label} | {money(row.bookings, c)} | {money(row.quota, c)} | "
            f"{percent(row.attainment)} | {money(row.expected, c)} | {money(row.gap, c)} |"
        )
    return lines


def _pipeline(item: Pipeline, c: str, base: str) -> list[str]:
    lines = []
    for name, change in item.changes:
        label = _link(change.label, change.link, base)
        lines.append(f"- {label}: {change.count}, {money(change.amount, c)}")
        close = name in ("slipped", "moved_in")
        lines += ["  " + _deal(d, c, base, close) for d in change.deals]
    return lines


def _forecast(item: Forecast, c: str, base: str) -> list[str]:
    commit = money(item.commit, c) if item.commit is not None else "no commit yet"
    lines = [
        f"- {_link('Commit', item.link, base)}: {commit} against a quota of "
        f"{money(item.quota, c)} ({percent(item.commit_vs_quota)})",
        f"- Best case: {money(item.best_case, c)}; booked so far: {money(item.booked, c)}",
        f"- Submitted: {item.submitted} of {item.forecasters}",
    ]
    if item.missing:
        lines.append(f"- Not submitted: {', '.join(item.missing)}")
    return lines


def _focus(item: Priorities, c: str, base: str) -> list[str]:
    if not item.priorities:
        return ["No priorities were agreed for this week."]
    lines = []
    for p in item.priorities:
        who = f" — {p.owner}" if p.owner else ""
        due = f", due {p.due}" if p.due else ""
        lines.append(f"- {p.text}{who}{due}")
    if item.link:
        lines.append(f"- {_link('The weekly record', item.link, base)}")
    return lines


def _training(item: Training, c: str, base: str) -> list[str]:
    if not item.sessions:
        return ["No training session is planned."]
    lines = [] if item.this_week else ["None this week; the next one:"]
    for s in item.sessions:
        lines.append(
            f"- {s.starts}: {_link(s.topic, s.link, base)} ({s.minutes} min, {s.presenter}"
            f"{', ' + s.location if s.location else ''})"
        )
    return lines


def _contests(item: Contests, c: str, base: str) -> list[str]:
    if not item.standings:
        return ["No contest is running."]
    lines = []
    for s in item.standings:
        top = "; ".join(f"{p.rank}. {p.name} {score(p.score, s.unit, c)}" for p in s.places)
        lines.append(f"- {_link(s.name, s.link, base)} ({s.metric}, {s.period}): {top or '—'}")
    return lines


def lines_of(item: Item, currency: str, base: str = "") -> list[str]:
    if isinstance(item, Wins):
        return _wins(item, currency, base)
    if isinstance(item, Numbers):
        return _numbers(item, currency, base)
    if isinstance(item, Pipeline):
        return _pipeline(item, currency, base)
    if isinstance(item, Forecast):
        return _forecast(item, currency, base)
    if isinstance(item, Priorities):
        return _focus(item, currency, base)
    if isinstance(item, Training):
        return _training(item, currency, base)
    return _contests(item, currency, base)


def as_markdown(agenda: Agenda, base: str = "") -> str:
    lines = [
        f"# Monday sales meeting — {agenda.label}, {agenda.monday:%A %-d %B %Y}",
        "",
        f"Figures at the end of {agenda.as_of:%A %-d %B %Y}; last week is {agenda.last_week.id}.",
    ]
    for number, (title, item) in enumerate(agenda.titled(), start=1):
        lines += ["", f"## {number}. {title}", "", *lines_of(item, agenda.currency, base)]
    return "\n".join(lines) + "\n"


def as_json(agenda: Agenda) -> str:
    return json.dumps(agenda.as_json())
