"""Generate docs/templates.md from the template definitions.

    python -m revsight.importers.docs > docs/templates.md

A test fails when the file in the repository differs from what this prints.
"""

from __future__ import annotations

import os

HEADER = """# Import templates

Revsight's own spreadsheet layout for every kind of record it keeps (generated from
`src/revsight/importers/schema.py`). `revsight template ENTITY [--format csv|xlsx]` writes an
empty one; the XLSX has a second sheet explaining each column. Name the file after the entity
(`quotas.csv`, `opportunities.xlsx`) and import it with `revsight import csv PATH`, or map any
other file onto these columns with a mapping file (see [import.md](import.md)).

Columns marked **required** must have a value on every row; the others may be left out of the
file or blank. *Identity* says how a second import finds the record it updates.
Dates are `YYYY-MM-DD` unless a mapping file gives other formats; money is a plain number
(`1234.50`; `1,234.50` and a currency symbol are accepted). Deal amounts (and their history),
quotas and forecast submissions must be zero or more.
"""


def render() -> str:
    from revsight.importers.schema import ENTITIES

    lines = [HEADER]
    for entity in ENTITIES.values():
        lines.append(f"## `{entity.name}`\n\n{entity.doc}\n")
        key = " + ".join(f"`{name}`" for name in entity.key)
        lines.append(f"Identity: {key} (with the import's source for external ids).\n")
        lines.append("| column | required | meaning | example |")
        lines.append("|---|---|---|---|")
        for column in entity.columns:
            example = f"`{column.example}`" if column.example else ""
            required = "required" if column.required else ""
            lines.append(f"| `{column.name}` | {required} | {column.doc} | {example} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    import django

    django.setup()
    print(render(), end="")
