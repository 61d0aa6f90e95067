"""The empty import templates (CSV and XLSX) and their column descriptions."""

from __future__ import annotations

import csv
from pathlib import Path

from revsight.importers.schema import ENTITIES


def describe(entity: str) -> str:
    columns = ENTITIES[entity].columns
    width = max(len(column.name) for column in columns) + 2
    return "\n".join(
        f"  {(column.name + ('*' if column.required else '')).ljust(width)}{column.doc}"
        for column in columns
    )


def write_template(entity: str, fmt: str, target: Path) -> None:
    columns = ENTITIES[entity].columns
    names = [column.name for column in columns]
    if fmt == "csv":
        with target.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerow(names)
        return
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = entity
    sheet.append(names)
    for index, column in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=column.required)
        header.comment = Comment(column.doc, "Revsight")
        sheet.column_dimensions[header.column_letter].width = max(14, len(column.name) + 4)
    guide = book.create_sheet("Columns")
    guide.append(["column", "required", "meaning", "example"])
    for column in columns:
        guide.append([column.name, "yes" if column.required else "", column.doc, column.example])
    guide.column_dimensions["C"].width = 80
    book.save(target)
