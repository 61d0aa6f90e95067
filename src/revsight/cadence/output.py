"""The discipline report as a terminal table, JSON (the one document of the command line, the
API and the docs) or CSV (one row per finding)."""

from __future__ import annotations

import io
import json

from revsight.analytics.output import grid
from revsight.cadence.report import Report
from revsight.core import csvsafe

CSV_HEADINGS = [
    "rule",
    "deal_id",
    "external_id",
    "deal",
    "account",
    "owner",
    "detail",
]


def as_table(report: Report) -> str:
    lines = [f"CRM discipline for {report.audience.label}, at the end of {report.as_of}", ""]
    lines.append(
        grid(
            ["Rule", "What it finds", "Deals"],
            [[r.id, r.description, str(report.counts[r.id])] for r in report.rules],
            text_columns=2,
        )
    )
    for rule, items in report.by_rule():
        if not items:
            continue
        lines += ["", f"{rule.id} ({len(items)})"]
        lines.append(
            grid(
                ["Owner", "Deal", "Account", "Detail"],
                [
                    [i.owner, f"{i.deal.name[:40]} (#{i.deal.id})", i.deal.account or "", i.detail]
                    for i in items
                ],
                text_columns=4,
            )
        )
    if not report.findings:
        lines += ["", "No findings: every deal in scope keeps to the rules asked."]
    return "\n".join(lines)


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADINGS)
    for item in report.findings:
        writer.writerow(
            [
                item.rule,
                item.deal.id,
                item.deal.external_id,
                item.deal.name,
                item.deal.account or "",
                item.owner,
                item.detail,
            ]
        )
    return out.getvalue()


def render(report: Report, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(report.as_json())
    if fmt == "csv":
        return as_csv(report)
    return as_table(report)
